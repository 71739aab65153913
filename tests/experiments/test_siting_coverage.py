"""Covering models against brute force over every subset of sites."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.siting import LSCP, MCLP, BackupCoverage, InfeasibleError, SitingError


@st.composite
def instances(draw, max_n=8, max_m=6):
    """Small integer matrices (so ties are common), some unreachable pairs, fixed sites."""
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    times = rng.integers(0, 10, size=(n, m)).astype(float)
    times[rng.random((n, m)) < 0.15] = np.inf
    weights = rng.integers(0, 6, size=n).astype(float)
    p = draw(st.integers(1, m))
    n_fixed = draw(st.integers(0, min(p, 2)))
    fixed = np.sort(rng.choice(m, size=n_fixed, replace=False))
    standard = float(draw(st.integers(0, 9)))
    return times, weights, p, fixed, standard


def subsets(m, p, fixed):
    free = [j for j in range(m) if j not in set(fixed.tolist())]
    for extra in combinations(free, p - len(fixed)):
        yield np.array(sorted([*fixed.tolist(), *extra]), dtype=int)


def mclp_brute(times, weights, p, fixed, standard):
    cover = times <= standard
    return max(float(weights[cover[:, s].any(1)].sum()) for s in subsets(times.shape[1], p, fixed))


def lscp_brute(times, weights, fixed, standard):
    cover = (times <= standard)[weights > 0]
    m = times.shape[1]
    for size in range(len(fixed), m + 1):
        for s in subsets(m, max(size, 1), fixed) if size else [np.array([], dtype=int)]:
            if cover[:, s].any(1).all():
                return size
    return None


def backup_brute(times, weights, p, fixed, standard, beta, require):
    cover = times <= standard
    best = None
    for s in subsets(times.shape[1], p, fixed):
        count = cover[:, s].sum(1)
        if require and (count[weights > 0] == 0).any():
            continue
        value = float(weights @ (np.minimum(count, 1) + beta * (count >= 2)))
        best = value if best is None else max(best, value)
    return best


@settings(max_examples=150, deadline=None)
@given(instances())
def test_mclp_matches_brute_force(inst):
    times, weights, p, fixed, standard = inst
    model = MCLP.from_matrix(times, weights=weights, p=p, fixed=fixed, standard=standard).solve()
    assert model.objective_ == pytest.approx(mclp_brute(times, weights, p, fixed, standard))
    # The reported solution is a real one: p sites, fixed ones open, objective recomputed.
    assert model.selected_.size == p
    assert set(fixed.tolist()) <= set(model.selected_.tolist())
    covered = (times[:, model.selected_] <= standard).any(1)
    assert model.objective_ == pytest.approx(weights[covered].sum())
    np.testing.assert_array_equal(model.covered_, covered)
    assert model.status_ == "optimal" and model.gap_ == 0


@settings(max_examples=150, deadline=None)
@given(instances())
def test_lscp_matches_brute_force(inst):
    times, weights, _, fixed, standard = inst
    expected = lscp_brute(times, weights, fixed, standard)
    model = LSCP.from_matrix(times, weights=weights, fixed=fixed, standard=standard)
    if expected is None:
        with pytest.raises(InfeasibleError, match="not within the standard"):
            model.solve()
        return
    model.solve()
    assert model.objective_ == expected
    assert set(fixed.tolist()) <= set(model.selected_.tolist())
    assert (times[weights > 0][:, model.selected_] <= standard).any(1).all()


@settings(max_examples=100, deadline=None)
@given(instances(max_n=7, max_m=5), st.sampled_from([0.0, 0.5, 1.0]), st.booleans())
def test_backup_coverage_matches_brute_force(inst, beta, require):
    times, weights, p, fixed, standard = inst
    expected = backup_brute(times, weights, p, fixed, standard, beta, require)
    model = BackupCoverage.from_matrix(
        times,
        weights=weights,
        p=p,
        fixed=fixed,
        standard=standard,
        backup_weight=beta,
        require_coverage=require,
    )
    if expected is None:
        with pytest.raises(InfeasibleError):
            model.solve()
        return
    model.solve()
    assert model.objective_ == pytest.approx(expected)
    assert model.objective_of(model.selected_) == pytest.approx(model.objective_)
    assert model.selected_.size == p


def test_backup_prefers_a_second_station_where_demand_is():
    # Two sites cover the big demand point 0; one site alone covers points 1 and 2.
    # Plain coverage is tied between {0, 1} and {0, 2}... but only doubling up on
    # point 0 earns backup.
    times = np.array([[1.0, 1.0, 9.0], [9.0, 9.0, 1.0], [1.0, 9.0, 9.0]])
    weights = np.array([10.0, 1.0, 1.0])
    plain = MCLP.from_matrix(times, weights=weights, p=2, standard=5).solve()
    backup = BackupCoverage.from_matrix(times, weights=weights, p=2, standard=5).solve()
    assert plain.objective_ == 12.0  # {0, 2}: everything once
    assert backup.selected_.tolist() == [0, 1]  # 10 + 1 covered, 10 twice: 21 > 12
    assert backup.objective_ == 21.0
    assert backup.backup_coverage_ == pytest.approx(10 / 12)


def test_lscp_infeasible_names_the_demand():
    times = np.array([[1.0, 2.0], [50.0, np.inf], [3.0, 1.0]])
    with pytest.raises(InfeasibleError, match=r"1 demand points \(demand rows \[1\]\)"):
        LSCP.from_matrix(times, standard=10).solve()


def test_bad_inputs_raise_siting_errors():
    times = np.ones((3, 2))
    with pytest.raises(SitingError, match="exceeds"):
        MCLP.from_matrix(times, standard=1, p=3)
    with pytest.raises(SitingError, match="fixed sites exceed"):
        MCLP.from_matrix(times, standard=1, p=1, fixed=[0, 1])
    with pytest.raises(SitingError, match="negative"):
        LSCP.from_matrix(-times, standard=1)
    with pytest.raises(SitingError, match="one value per demand"):
        LSCP.from_matrix(times, standard=1, weights=[1, 2])


def test_mclp_pads_only_when_sites_are_missing(monkeypatch):
    """The padding scores (a float64 copy of the cover matrix) are worked out only when used."""
    import experiments.siting.coverage as coverage

    asked = []
    pad = coverage.pad_nearer

    def counting(selected, p, scores, *rest):
        return pad(selected, p, lambda: asked.append(p) or scores(), *rest)

    monkeypatch.setattr(coverage, "pad_nearer", counting)
    # Candidate 0 covers all three points; the others cover some of them again, so they add
    # nothing and padding takes them by demand reached: 1 reaches 5, 2 reaches 1, 3 reaches 7.
    times = np.array([[1.0, 1.0, 9.0, 1.0], [1.0, 9.0, 1.0, 9.0], [1.0, 9.0, 9.0, 1.0]])
    weights = [5.0, 1.0, 2.0]
    alone = MCLP(times, weights=weights, standard=2.0, p=1).solve()
    assert asked == [] and alone.selected_.tolist() == [0]
    assert MCLP(times, weights=weights, standard=2.0, p=2).solve().selected_.tolist() == [0, 3]
    assert MCLP(times, weights=weights, standard=2.0, p=3).solve().selected_.tolist() == [0, 1, 3]
    assert asked == [2, 3]


def test_a_site_beyond_full_coverage_goes_where_it_cuts_travel_time():
    # Site 0 or 2 covers all three points (standard 300 s). A second site cannot add
    # coverage: it goes where it shortens trips most (1: 90 s off point 0's trip), not to
    # the other site that reaches the most demand while cutting next to nothing (3 s).
    times = np.array([[100.0, 10.0, 99.0], [100.0, 400.0, 99.0], [100.0, 400.0, 99.0]])
    weights = [1.0, 1.0, 1.0]
    model = MCLP(times, weights=weights, standard=300.0, p=2).solve()
    assert model.coverage_ == 1.0
    assert 1 in model.selected_.tolist()
    # With a site fixed, the same: what is added must cut the trips of the demand.
    fixed = MCLP(times, weights=weights, standard=300.0, p=2, fixed=[2]).solve()
    assert fixed.selected_.tolist() == [1, 2]


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 3))
def test_each_padded_site_cuts_the_capped_travel_sum_most(inst, extra):
    """A padded site adds the most coverage, then most lowers the weighted trips (capped)."""
    from experiments.siting.heuristics import pad_nearer

    times, weights, _p, fixed, standard = inst
    m = times.shape[1]
    p = min(fixed.size + extra, m)
    score = weights @ (times <= standard)
    got = pad_nearer(fixed, p, lambda: score, times, weights, standard).tolist()
    assert len(got) == p and set(fixed.tolist()) <= set(got)
    capped = np.minimum(times, standard)

    def covered(sel):  # coverage first: a time-limited solve may leave some to add
        return float(weights @ (times[:, sel] <= standard).any(axis=1))

    def cost(sel):
        return float(
            weights @ (capped[:, sel].min(axis=1) if sel else np.full(len(times), standard))
        )

    # Replayed one step at a time: each addition is a best one (ties by score, then index).
    chosen = fixed.tolist()
    while len(chosen) < p:
        rest = [j for j in range(m) if j not in chosen]
        best = min(rest, key=lambda j: (-covered([*chosen, j]), round(cost([*chosen, j]), 9),
                                        -score[j], j))  # fmt: skip
        assert best in got
        chosen.append(best)
    assert sorted(chosen) == got
