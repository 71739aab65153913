"""Supply hierarchy at upstream_weight 0 with depots the upper tier cannot reach."""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.siting import InfeasibleError, SupplyHierarchy

INF = np.inf


def _weighted(beta: float, seconds: float) -> float:
    # The documented objective: at beta 0 only the last leg counts, reachable or not.
    return 0.0 if beta == 0 else beta * seconds


def _brute(k: dict) -> float | None:
    """Least weighted delivery time over every choice of sites, by the class docstring."""
    w, beta, s = k["weights"], k["upstream_weight"], k["standard"]
    direct = k["upper_to_demand"].min(0)
    a = k["upper_to_township"].min(0)
    b = k["upper_to_village"].min(0)
    best = None
    for towns in combinations(range(a.size), k["p_township"]):
        for vills in combinations(range(b.size), k["p_village"]):
            t = direct.copy()
            for j in towns:
                t = np.minimum(t, _weighted(beta, a[j]) + k["township_to_demand"][j])
            for v in vills:
                stock = min([b[v], *(a[j] + k["township_to_village"][j, v] for j in towns)])
                t = np.minimum(t, _weighted(beta, stock) + k["village_to_demand"][v])
            if w[t <= s].sum() < k["min_coverage"] * w.sum() - 1e-9:
                continue
            value = float(w @ t)
            best = value if best is None else min(best, value)
    return best


@st.composite
def cut_off_hierarchies(draw):
    """Small instances where some restocking and last legs are closed (inf)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_u, n_i = draw(st.integers(1, 2)), draw(st.integers(1, 5))
    n_j, n_v = draw(st.integers(1, 3)), draw(st.integers(1, 2))

    def times(rows: int, cols: int, base: float = 0.0) -> np.ndarray:
        t = rng.integers(1, 12, size=(rows, cols)).astype(float) + base
        t[rng.random((rows, cols)) < 0.35] = INF  # roads cut
        return t

    return dict(
        upper_to_demand=rng.integers(1, 12, size=(n_u, n_i)).astype(float) + 6,
        upper_to_township=times(n_u, n_j),
        township_to_demand=times(n_j, n_i),
        upper_to_village=times(n_u, n_v, 3),
        township_to_village=times(n_j, n_v),
        village_to_demand=times(n_v, n_i),
        weights=rng.integers(0, 5, n_i).astype(float),
        p_township=draw(st.integers(1, n_j)),
        p_village=draw(st.integers(0, n_v)),
        standard=float(draw(st.integers(5, 25))),
        min_coverage=draw(st.sampled_from([0.0, 0.5])),
        upstream_weight=draw(st.sampled_from([0.0, 0.5, 1.0])),
    )


def test_a_depot_the_county_cannot_reach_still_delivers_at_weight_zero():
    # The audit's case: township 0 is cut off from the county depot but 60 s from
    # both points; at weight 0 its stock is in place, so it serves both (objective 120).
    kw = dict(p_township=1, standard=1800, min_coverage=0)
    mats = ([[600.0, 600.0]], [[INF, 300.0]], [[60.0, 60.0], [400.0, 400.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0 x inf used to leak a RuntimeWarning
        model = SupplyHierarchy(*mats, **kw, upstream_weight=0.0).solve()
    assert model.selected_townships_.tolist() == [0]
    assert model.objective_ == pytest.approx(120.0)
    np.testing.assert_array_equal(model.via_township_, [0, 0])
    # With any weight on the restocking leg the cut-off depot cannot be stocked.
    weighted = SupplyHierarchy(*mats, **kw, upstream_weight=0.5).solve()
    assert weighted.selected_townships_.tolist() == [1]
    assert weighted.objective_ == pytest.approx(2 * (150.0 + 400.0))


def test_a_village_point_the_county_cannot_reach_still_delivers_at_weight_zero():
    kw = dict(
        upper_to_demand=np.array([[100.0]]),
        upper_to_township=np.array([[INF]]),
        township_to_demand=np.array([[INF]]),
        upper_to_village=np.array([[INF]]),
        township_to_village=np.array([[INF]]),
        village_to_demand=np.array([[7.0]]),
        p_township=1,
        p_village=1,
        standard=60.0,
        min_coverage=1.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = SupplyHierarchy.from_matrix(**kw, upstream_weight=0.0).solve()
    assert model.objective_ == pytest.approx(7.0)
    assert model.via_village_.tolist() == [0]
    with pytest.raises(InfeasibleError):  # at weight 1 the point is never stocked
        SupplyHierarchy.from_matrix(**kw, upstream_weight=1.0).solve()


@settings(max_examples=80, deadline=None)
@given(cut_off_hierarchies())
def test_hierarchy_with_closed_roads_matches_brute_force(k):
    expected = _brute(k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = SupplyHierarchy.from_matrix(**k)
        if expected is None:
            with pytest.raises(InfeasibleError):
                model.solve()
            return
        model.solve()
    assert model.objective_ == pytest.approx(expected)
    assert np.all(np.isfinite(model.delivery_time_))
