"""p-median (plain and capacitated) and p-center against brute force."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from experiments.siting import InfeasibleError, PCenter, PMedian


@st.composite
def instances(draw, max_n=9, max_m=6, inf_share=0.15):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # Few distinct values so that ties between sites and between solutions are common.
    times = rng.integers(0, 8, size=(n, m)).astype(float)
    times[rng.random((n, m)) < inf_share] = np.inf
    weights = rng.integers(0, 5, size=n).astype(float)
    p = draw(st.integers(1, m))
    fixed = np.sort(rng.choice(m, size=draw(st.integers(0, min(p, 2))), replace=False))
    return times, weights, p, fixed


def subsets(m, p, fixed):
    free = [j for j in range(m) if j not in set(fixed.tolist())]
    for extra in combinations(free, p - len(fixed)):
        yield np.array(sorted([*fixed.tolist(), *extra]), dtype=int)


def median_brute(times, weights, p, fixed):
    act = weights > 0
    best = np.inf
    for s in subsets(times.shape[1], p, fixed):
        near = times[act][:, s].min(1) if act.any() else np.zeros(0)
        if np.isfinite(near).all():
            best = min(best, float(weights[act] @ near))
    return best


def center_brute(times, weights, p, fixed):
    act = weights > 0
    return min(
        float(times[act][:, s].min(1).max(initial=0.0)) for s in subsets(times.shape[1], p, fixed)
    )


@settings(max_examples=200, deadline=None)
@given(instances())
def test_pmedian_matches_brute_force(inst):
    times, weights, p, fixed = inst
    expected = median_brute(times, weights, p, fixed)
    model = PMedian.from_matrix(times, weights=weights, p=p, fixed=fixed)
    if not np.isfinite(expected):
        with pytest.raises(InfeasibleError, match="p-median infeasible"):
            model.solve()
        return
    model.solve()
    assert model.objective_ == pytest.approx(expected)
    assert model.selected_.size == p and set(fixed.tolist()) <= set(model.selected_.tolist())
    assert model.cost_of(model.selected_) == pytest.approx(model.objective_)
    assert model.status_ == "optimal" and model.gap_ == 0


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_pmedian_larger_random_instances_match_brute_force(seed, p):
    # Real-valued times (few ties), 40 x 10: big enough for the bounding to matter.
    rng = np.random.default_rng(seed)
    xy_d, xy_c = rng.random((40, 2)), rng.random((10, 2))
    times = np.hypot(*(xy_d[:, None, :] - xy_c[None, :, :]).transpose(2, 0, 1)) * 1000
    weights = rng.integers(1, 20, 40).astype(float)
    model = PMedian.from_matrix(times, weights=weights, p=p).solve()
    assert model.objective_ == pytest.approx(median_brute(times, weights, p, np.array([], int)))


@settings(max_examples=200, deadline=None)
@given(instances())
def test_pcenter_matches_brute_force(inst):
    times, weights, p, fixed = inst
    expected = center_brute(times, weights, p, fixed)
    model = PCenter.from_matrix(times, weights=weights, p=p, fixed=fixed)
    if not np.isfinite(expected):
        with pytest.raises(InfeasibleError, match="p-center infeasible"):
            model.solve()
        return
    model.solve()
    assert model.objective_ == pytest.approx(expected)
    assert model.radius_of(model.selected_) == pytest.approx(expected)
    assert model.selected_.size == p and set(fixed.tolist()) <= set(model.selected_.tolist())


def capacitated_brute(times, weights, p, fixed, cap, single):
    act = np.flatnonzero(weights > 0)
    if act.size == 0:
        return 0.0
    best = np.inf
    for s in subsets(times.shape[1], p, fixed):
        if single:
            for assign in product(range(len(s)), repeat=act.size):
                cols = s[list(assign)]
                d = times[act, cols]
                load = np.bincount(list(assign), weights=weights[act], minlength=len(s))
                if np.isfinite(d).all() and (load <= cap[s] + 1e-9).all():
                    best = min(best, float(weights[act] @ d))
        else:
            # Transportation LP: shares y_ij, each point fully served, loads within capacity.
            k = len(s)
            d = times[np.ix_(act, s)]
            c = (weights[act, None] * np.where(np.isfinite(d), d, 0)).ravel()
            bounds = [(0, 1 if np.isfinite(v) else 0) for v in d.ravel()]
            a_eq = np.kron(np.eye(act.size), np.ones(k))
            a_ub = np.kron(weights[act][None, :], np.eye(k))
            res = linprog(
                c,
                A_ub=a_ub,
                b_ub=cap[s],
                A_eq=a_eq,
                b_eq=np.ones(act.size),
                bounds=bounds,
                method="highs",
            )
            if res.status == 0:
                best = min(best, float(res.fun))
    return best


@settings(max_examples=60, deadline=None)
@given(instances(max_n=5, max_m=4, inf_share=0.1), st.booleans(), st.integers(0, 2**32 - 1))
def test_capacitated_pmedian_matches_brute_force(inst, single, seed):
    times, weights, p, fixed = inst
    cap = np.random.default_rng(seed).integers(2, 12, times.shape[1]).astype(float)
    expected = capacitated_brute(times, weights, p, fixed, cap, single)
    model = PMedian.from_matrix(
        times, weights=weights, p=p, fixed=fixed, capacity=cap, single_source=single
    )
    if not np.isfinite(expected):
        with pytest.raises(InfeasibleError):
            model.solve()
        return
    model.solve()
    assert model.objective_ == pytest.approx(expected, abs=1e-6)
    load = weights @ model.allocation_
    assert (load <= cap + 1e-6).all()
    assert np.allclose(model.allocation_[weights > 0].sum(1), 1.0)
    if single:
        assert set(np.unique(model.allocation_)) <= {0.0, 1.0}


def test_capacity_moves_demand_to_a_farther_site():
    times = np.array([[1.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    model = PMedian.from_matrix(times, p=2, capacity=[2, 10]).solve()
    assert model.objective_ == 1 + 1 + 5
    assert sorted(model.assignment_.tolist()) == [0, 0, 1]
    with pytest.raises(InfeasibleError, match="less than the total demand"):
        PMedian.from_matrix(times, p=2, capacity=[1, 1]).solve()


def test_time_limit_reports_an_honest_gap():
    rng = np.random.default_rng(7)
    xy = rng.random((400, 2))
    times = np.hypot(*(xy[:, None, :] - xy[None, :80, :]).transpose(2, 0, 1)) * 1e4
    model = PMedian.from_matrix(times, p=8, time_limit=0.05).solve()
    assert model.status_ in ("optimal", "time_limit", "too_large")
    assert model.bound_ <= model.objective_ + 1e-6
    assert model.gap_ == pytest.approx((model.objective_ - model.bound_) / model.objective_)
    exact = PMedian.from_matrix(times, p=8).solve()
    assert exact.status_ == "optimal"
    assert model.bound_ <= exact.objective_ + 1e-6 <= model.objective_ + 2e-6
