"""Duty desks (sim.duty): call taking against Erlang C, shifts, FIFO, and config errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from benchmarks.bench_sim import county_stream
from networks.errors import ConfigError
from scenarios.distributions import Fixed
from sim.duty import DeskStaff, DutyDesks, take_calls

_DAY = 1440.0


def erlang_c_wait(c: int, lam: float, mu: float) -> float:
    """Mean wait in queue of M/M/c (Erlang C over c mu - lambda), the textbook formula."""
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def _one_desk(n: int, c: int, lam: float, mu: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    arrive = np.cumsum(rng.exponential(1.0 / lam, n))
    work = rng.exponential(1.0 / mu, n)
    answered, taken = take_calls(
        arrive, work, np.zeros(n, dtype=np.int64), 1, DeskStaff(((0.0, c),))
    )
    assert np.array_equal(taken, answered + work)
    return answered - arrive


@pytest.mark.parametrize("c, rho", [(1, 0.6), (3, 0.7)])
def test_mean_call_wait_is_erlang_c(c, rho):
    mu = 1.0 / 0.75  # the default call-taking mean, 45 s
    lam = rho * c * mu
    seeds = range(12)
    n, warm = 60_000, 2_000
    means = np.array([_one_desk(n, c, lam, mu, 100 * c + s)[warm:].mean() for s in seeds])
    wq = erlang_c_wait(c, lam, mu)
    se = means.std(ddof=1) / math.sqrt(len(means))
    assert se < 0.05 * wq  # the check has power
    assert abs(means.mean() - wq) < 4 * se, (means.mean(), wq, se)


def test_calls_at_different_desks_do_not_queue_for_each_other():
    # Two calls at the same moment at two one-officer desks: both answered at once.
    arrive = np.array([5.0, 5.0, 5.0])
    work = np.array([2.0, 3.0, 1.0])
    answered, taken = take_calls(arrive, work, np.array([0, 1, 0]), 2, DeskStaff(((0.0, 1),)))
    assert answered.tolist() == [5.0, 5.0, 7.0]
    assert taken.tolist() == [7.0, 8.0, 8.0]


def test_a_second_officer_comes_on_duty_at_the_shift_change():
    # One officer at night, two from 08:00; the run starts at 06:00 (minute 120 is 08:00).
    staff = DeskStaff(((0.0, 1), (480.0, 2), (1200.0, 1)))
    arrive = np.array([10.0, 20.0, 30.0])
    work = np.array([500.0, 5.0, 5.0])
    answered, taken = take_calls(arrive, work, np.zeros(3, np.int64), 1, staff, start_hour=6.0)
    # The first call holds the night officer; the others wait for the day officer at 08:00.
    assert answered.tolist() == [10.0, 120.0, 125.0]
    # At 20:00 (minute 840) back to one officer: a call then waits for the one on duty...
    arrive = np.array([800.0, 845.0, 846.0])
    work = np.array([100.0, 1.0, 1.0])
    answered, _ = take_calls(arrive, work, np.zeros(3, np.int64), 1, staff, start_hour=6.0)
    # ... slot 0 is busy until 900 and slot 1 has gone home (back at 08:00 the next day).
    assert answered.tolist() == [800.0, 900.0, 901.0]


# --------------------------------------------------------------------- properties

_clock = st.integers(min_value=0, max_value=1439)


@st.composite
def staffing(draw):
    starts = sorted(draw(st.sets(_clock, min_size=1, max_size=4)))
    counts = draw(st.lists(st.integers(1, 4), min_size=len(starts), max_size=len(starts)))
    return DeskStaff(tuple((float(s), k) for s, k in zip(starts, counts, strict=True)))


@st.composite
def calls(draw, n_desks=3):
    n = draw(st.integers(1, 40))
    arrive = draw(
        st.lists(
            st.floats(0, 4 * _DAY, allow_nan=False, allow_infinity=False), min_size=n, max_size=n
        )
    )
    work = draw(st.lists(st.floats(0.01, 600.0), min_size=n, max_size=n))
    desk = draw(st.lists(st.integers(0, n_desks - 1), min_size=n, max_size=n))
    return np.asarray(arrive), np.asarray(work), np.asarray(desk, dtype=np.int64)


def _officers(staff: DeskStaff, off: float, u: float) -> int:
    """Officers on duty at run minute ``u`` (written here, not taken from sim.duty)."""
    m = (u + off) % _DAY
    on = [k for s, k in staff.shifts if s <= m]
    return on[-1] if on else staff.shifts[-1][1]


def _changes(staff: DeskStaff, off: float, end: float) -> list[float]:
    """Run minutes at which a shift starts, in [0, end]."""
    out = []
    for day in range(-1, int(end // _DAY) + 3):
        for s, _ in staff.shifts:
            t = day * _DAY + s - off
            if 0.0 <= t <= end:
                out.append(t)
    return sorted(out)


@settings(max_examples=150, deadline=None)
@given(staff=staffing(), data=calls(), hour=st.integers(0, 23))
def test_no_off_duty_officer_starts_a_call_and_none_on_duty_idles(staff, data, hour):
    arrive, work, desk = data
    answered, taken = take_calls(arrive, work, desk, 3, staff, start_hour=float(hour))
    off = hour * 60.0
    assert np.all(answered >= arrive)
    assert np.array_equal(taken, answered + work)
    end = float(taken.max()) + 1.0
    changes = _changes(staff, off, end)
    for d in range(3):
        mine = desk == d
        a, s, e = arrive[mine], answered[mine], taken[mine]
        if not a.size:
            continue

        def busy(u, lo=-math.inf, s=s, e=e):
            return int(np.sum((s <= u) & (u < e) & (s >= lo)))

        # First come, first served: answered in order of arrival (ties by call order).
        order = np.lexsort((np.flatnonzero(mine), a))
        assert np.all(np.diff(s[order]) >= 0)
        for t in s:
            n = _officers(staff, off, t)
            # Since the last moment more than n were on duty, every call begun used one of
            # the n slots on duty now: those still in service (this one too) are at most n.
            since = -math.inf
            for p in reversed([c for c in changes if c <= t]):
                if _officers(staff, off, p - 1e-6) > n:
                    since = p
                    break
            assert busy(t, since) <= n, (t, n, since)
            assert busy(t) <= staff.most
        # No officer on duty sits idle while a call waits.
        pts = np.unique(np.concatenate([a, s, e, changes]))
        mids = (pts[:-1] + pts[1:]) / 2
        for ai, si in zip(a, s, strict=True):
            for u in mids[(mids > ai) & (mids < si)]:
                assert busy(u) >= _officers(staff, off, u), (u, ai, si)


@settings(max_examples=100, deadline=None)
@given(data=calls(n_desks=1))
def test_one_officer_answers_in_order_of_arrival(data):
    arrive, work, desk = data
    answered, taken = take_calls(arrive, work, desk, 1, DeskStaff(((0.0, 1),)))
    order = np.lexsort((np.arange(len(arrive)), arrive))
    prev = -math.inf
    for i in order:  # the Lindley recursion, exactly
        assert answered[i] == max(arrive[i], prev)
        prev = taken[i]


@settings(max_examples=100, deadline=None)
@given(data=calls(), c=st.integers(1, 4), starts=st.sets(_clock, min_size=2, max_size=3))
def test_shifts_of_equal_strength_answer_as_a_fixed_desk(data, c, starts):
    # The same officers in every shift: the shift-aware path gives the fixed desk's times.
    arrive, work, desk = data
    fixed = take_calls(arrive, work, desk, 3, DeskStaff(((0.0, c),)))
    shifted = take_calls(
        arrive, work, desk, 3, DeskStaff(tuple((float(s), c) for s in sorted(starts)))
    )
    assert np.array_equal(fixed[0], shifted[0])
    assert np.array_equal(fixed[1], shifted[1])


# --------------------------------------------------------------------- config


def test_from_dict_reads_levels_and_shifts():
    d = DutyDesks.from_dict(
        {
            "receiving": "county",
            "start_hour": 6,
            "county": {"officers": {"20:00": 2, "08:00": 3}},
            "city": {"officers": 5},
        }
    )
    assert d.levels == ("county", "city")
    assert d.staff["county"].shifts == ((480.0, 3), (1200.0, 2))
    assert d.staff["county"].officers_at(0.0) == 2  # the night shift runs past midnight
    assert d.staff["city"].most == 5
    assert d.staff["township"].most == 1  # the default
    assert DutyDesks.from_dict(d.to_dict()) == d


@pytest.mark.parametrize(
    "data, key",
    [
        ({"town": {"officers": 1}}, "duty.town"),
        ({"township": {"officers": 0}}, "duty.township.officers"),
        ({"city": {"officers": 101}}, "duty.city.officers"),
        ({"county": {"officers": {"25:00": 2}}}, "duty.county.officers.25:00"),
        ({"county": {"officers": {"08:60": 2}}}, "duty.county.officers.08:60"),
        ({"county": {"officers": {"eight": 2}}}, "duty.county.officers.eight"),
        ({"county": {"officers": {}}}, "duty.county.officers"),
        ({"receiving": "village"}, "duty.receiving"),
        ({"township": {"staff": 1}}, "duty.township.staff"),
        ({"start_hour": 25}, "duty.start_hour"),
        ({"call_taking": {"dist": "nope"}}, "duty.call_taking.dist"),
        ({"call_taking": {"dist": "lognormal", "mean": -1, "cv": 0.5}}, "duty.call_taking.mean"),
    ],
)
def test_from_dict_errors_name_the_key(data, key):
    with pytest.raises(ConfigError) as exc:
        DutyDesks.from_dict(data, source="run.toml")
    assert key in str(exc.value)
    assert exc.value.key == key
    assert "run.toml" in str(exc.value)


def test_zero_officers_in_a_shift_names_the_shift_key():
    with pytest.raises(ConfigError) as exc:
        DutyDesks.from_dict({"county": {"officers": {"08:00": 0}}}, source="run.toml")
    assert "duty.county.officers.08:00" in str(exc.value)
    assert exc.value.key == "duty.county.officers.08:00"


def test_the_desks_call_taking_replaces_the_runs(county):
    stations, depots = sim.default_facilities(county)
    stream = county_stream(county, 50, rate=0.1, rng=np.random.default_rng(0))
    many = {lv: DeskStaff(((0.0, 100),)) for lv in ("township", "county", "city")}
    for desks, minutes in (
        (DutyDesks(staff=many, call_taking=Fixed(2.0)), 2.0),
        (DutyDesks(staff=many), 0.5),
    ):
        rec = sim.run(
            county, stations, depots, stream, rng=np.random.default_rng(1),
            call_taking=Fixed(0.5), duty=desks,
        )  # fmt: skip
        took = rec.incidents["call_taken"] - rec.incidents["call"]
        np.testing.assert_allclose(took, minutes)
    d = DutyDesks.from_dict({"call_taking": {"dist": "fixed", "value": 2.0}})
    assert d.call_taking == Fixed(2.0)
    assert DutyDesks.from_dict(d.to_dict()) == d


def test_desk_staff_rejects_no_officers():
    with pytest.raises(ValueError):
        DeskStaff(((0.0, 0),))
    with pytest.raises(ValueError):
        DeskStaff(())
