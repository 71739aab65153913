"""The supply hierarchy against brute force over every choice of depots and points."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.siting import InfeasibleError, SitingError, SupplyHierarchy


@st.composite
def hierarchies(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_u, n_i, n_j = draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 4))
    n_v = draw(st.integers(0, 3))
    t = lambda a, b: rng.integers(1, 12, size=(a, b)).astype(float)  # noqa: E731
    mats = dict(
        upper_to_demand=t(n_u, n_i) + 6,  # the upper tier is far: lower tiers help
        upper_to_township=t(n_u, n_j),
        township_to_demand=t(n_j, n_i),
    )
    if n_v:
        mats.update(
            upper_to_village=t(n_u, n_v) + 3,
            township_to_village=t(n_j, n_v),
            village_to_demand=t(n_v, n_i),
        )
    p_t = draw(st.integers(1, n_j))
    p_v = draw(st.integers(0, n_v))
    fixed_t = rng.choice(n_j, size=draw(st.integers(0, min(1, p_t))), replace=False)
    return dict(
        **mats,
        weights=rng.integers(0, 5, n_i).astype(float),
        p_township=p_t,
        p_village=p_v,
        fixed_townships=fixed_t,
        standard=float(draw(st.integers(5, 25))),
        min_coverage=draw(st.sampled_from([0.0, 0.5, 0.8, 1.0])),
        upstream_weight=draw(st.sampled_from([0.0, 0.5, 1.0])),
    )


def brute(k):
    w, beta, s = k["weights"], k["upstream_weight"], k["standard"]
    direct = k["upper_to_demand"].min(0)
    a = k["upper_to_township"].min(0)
    n_j = a.size
    has_v = "upper_to_village" in k
    n_v = k["upper_to_village"].shape[1] if has_v else 0
    fixed = set(np.asarray(k["fixed_townships"]).tolist())
    best = None
    for towns in combinations(range(n_j), k["p_township"]):
        if not fixed <= set(towns):
            continue
        for vills in combinations(range(n_v), k["p_village"]):
            t = direct.copy()
            for j in towns:
                t = np.minimum(t, beta * a[j] + k["township_to_demand"][j])
            for v in vills:
                stock = k["upper_to_village"][:, v].min()
                for j in towns:
                    stock = min(stock, a[j] + k["township_to_village"][j, v])
                t = np.minimum(t, beta * stock + k["village_to_demand"][v])
            if w[t <= s].sum() < k["min_coverage"] * w.sum() - 1e-9:
                continue
            value = float(w @ t)
            best = value if best is None else min(best, value)
    return best


@settings(max_examples=150, deadline=None)
@given(hierarchies())
def test_hierarchy_matches_brute_force(k):
    expected = brute(k)
    model = SupplyHierarchy.from_matrix(**k)
    if expected is None:
        with pytest.raises(InfeasibleError, match="cannot be reached with"):
            model.solve()
        return
    model.solve()
    assert model.objective_ == pytest.approx(expected)
    assert model.selected_townships_.size == k["p_township"]
    assert model.selected_villages_.size == k["p_village"]
    assert set(np.asarray(k["fixed_townships"]).tolist()) <= set(model.selected_townships_)
    w = k["weights"]
    assert model.coverage_ >= k["min_coverage"] - 1e-9 or w.sum() == 0


def test_coverage_constraint_changes_the_choice():
    # Township 0 is best on average; only township 1 brings point 2 within 10 s.
    kw = dict(
        upper_to_demand=np.array([[30.0, 30.0, 30.0]]),
        upper_to_township=np.array([[0.0, 0.0]]),
        township_to_demand=np.array([[1.0, 1.0, 20.0], [8.0, 8.0, 9.0]]),
        weights=np.array([5.0, 5.0, 1.0]),
        p_township=1,
        standard=10.0,
    )
    loose = SupplyHierarchy.from_matrix(**kw, min_coverage=0.5).solve()
    strict = SupplyHierarchy.from_matrix(**kw, min_coverage=1.0).solve()
    assert loose.selected_townships_.tolist() == [0] and loose.objective_ == 5 + 5 + 20
    assert strict.selected_townships_.tolist() == [1] and strict.objective_ == 40 + 40 + 9
    assert strict.coverage_ == 1.0
    np.testing.assert_array_equal(strict.via_township_, [1, 1, 1])


def test_village_point_is_stocked_through_the_open_township():
    kw = dict(
        upper_to_demand=np.array([[100.0]]),
        upper_to_township=np.array([[10.0]]),
        township_to_demand=np.array([[50.0]]),
        upper_to_village=np.array([[80.0]]),
        township_to_village=np.array([[5.0]]),
        village_to_demand=np.array([[2.0]]),
        p_township=1,
        p_village=1,
        standard=60.0,
    )
    model = SupplyHierarchy.from_matrix(**kw).solve()
    assert model.objective_ == 10 + 5 + 2
    assert model.via_township_.tolist() == [0] and model.via_village_.tolist() == [0]
    prepositioned = SupplyHierarchy.from_matrix(**kw, upstream_weight=0.0).solve()
    assert prepositioned.objective_ == 2


def test_hierarchy_input_errors():
    with pytest.raises(SitingError, match="shape"):
        SupplyHierarchy.from_matrix(
            np.ones((1, 3)), np.ones((1, 2)), np.ones((3, 3)), p_township=1, standard=5
        )
    with pytest.raises(SitingError, match="village points need"):
        SupplyHierarchy.from_matrix(
            np.ones((1, 3)),
            np.ones((1, 2)),
            np.ones((2, 3)),
            p_township=1,
            standard=5,
            upper_to_village=np.ones((1, 2)),
        )
