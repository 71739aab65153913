"""Duty desks reinforced by a warning (sim.duty_boost): exact staffing, shorter waits."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from scenarios.distributions import Fixed
from scenarios.warnings import ScheduledWarning
from sim.duty import DeskStaff, DutyDesks, take_calls
from sim.duty_boost import BoostedStaff, boost_desks, boost_windows
from sim.warnings import LevelPlan, WarningPlan
from tests.sim.test_warnings import FLOOD, NET, STATIONS, _depots, stream_from

_DAY = 1440.0
windows = st.lists(
    st.tuples(st.floats(0, 3000), st.floats(1, 2000), st.integers(1, 4)), min_size=1, max_size=3
).map(lambda ws: tuple(sorted((a, a + d, x) for a, d, x in ws)))
shifts = st.sampled_from([((0.0, 1),), ((0.0, 2),), ((480.0, 3), (1200.0, 1))])


def _base(shift: tuple, off: float, u: float) -> int:
    """Officers of the shifts at run minute ``u`` (written here, not taken from sim.duty)."""
    m = (u + off) % _DAY
    on = [k for s, k in shift if s <= m]
    return on[-1] if on else shift[-1][1]


def _officers(shift: tuple, boosts: tuple, off: float, u: float) -> int:
    return _base(shift, off, u) + max((x for a, b, x in boosts if a <= u < b), default=0)


@settings(max_examples=60, deadline=None)
@given(shift=shifts, boosts=windows, hour=st.integers(0, 23))
def test_the_step_function_counts_the_extra_officers(shift, boosts, hour):
    staff = BoostedStaff(shifts=shift, boosts=boosts)
    end = 6000.0
    steps = staff.changes(float(hour), end)
    assert steps[0][0] == 0.0 and all(a[1] != b[1] for a, b in zip(steps, steps[1:], strict=False))
    times = [t for t, _ in steps]
    for u in np.linspace(0, end - 1e-6, 997):
        k = steps[int(np.searchsorted(times, u, side="right")) - 1][1]
        assert k == _officers(shift, boosts, hour * 60.0, u), u
    assert staff.most >= max(k for _, k in steps)


calls = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 4000), min_size=n, max_size=n),
        st.lists(st.floats(0.05, 120), min_size=n, max_size=n),
    )
)


@settings(max_examples=80, deadline=None)
@given(c=st.integers(1, 3), x=st.integers(1, 3), data=calls)
def test_a_reinforcement_over_the_whole_run_is_a_bigger_desk(c, x, data):
    arrive, work = (np.asarray(v) for v in data)
    desk = np.zeros(len(arrive), dtype=np.int64)
    boosted = BoostedStaff(shifts=((0.0, c),), boosts=((0.0, 1e9, x),))
    assert not boosted.constant
    got = take_calls(arrive, work, desk, 1, boosted)
    want = take_calls(arrive, work, desk, 1, DeskStaff(((0.0, c + x),)))
    np.testing.assert_allclose(got[0], want[0])


@settings(max_examples=80, deadline=None)
@given(shift=shifts, boosts=windows, data=calls, hour=st.integers(0, 23))
def test_no_extra_officer_starts_a_call_off_duty_and_none_idles(shift, boosts, data, hour):
    arrive, work = (np.asarray(v) for v in data)
    staff = BoostedStaff(shifts=shift, boosts=boosts)
    answered, _taken = take_calls(
        arrive, work, np.zeros(len(arrive), dtype=np.int64), 1, staff, start_hour=float(hour)
    )
    off = hour * 60.0
    end = answered.max() + work.max() + 1
    e = answered + work
    order = np.lexsort((np.arange(len(arrive)), arrive))
    assert np.all(np.diff(answered[order]) >= 0)  # first come, first served
    cuts = sorted({t for t, _ in staff.changes(float(hour), end)} | {*arrive, *answered, *e})
    mids = [(a + b) / 2 for a, b in zip(cuts, cuts[1:], strict=False)]
    for u in mids:
        busy = int(np.sum((answered <= u) & (u < e)))
        waiting = np.any((arrive < u) & (u < answered))
        on = _officers(shift, boosts, off, u)
        if waiting:
            assert busy >= on, u  # nobody on duty idles while a call waits
    steps = staff.changes(float(hour), end)
    for t in answered:  # calls in service never outnumber the officers on duty since they began
        since = t - work.max()
        most = max([_officers(shift, boosts, off, t)]
                   + [k for c, k in steps if since <= c <= t]
                   + [_officers(shift, boosts, off, max(since, 0.0))])  # fmt: skip
        assert int(np.sum((answered <= t) & (t < e))) <= most, t


def _warning(lead_h: float, level: int = 2, start: float = 300.0) -> ScheduledWarning:
    return ScheduledWarning(start - lead_h * 60, start, start + 120.0, level,
                            np.arange(NET.n_nodes), "typhoon", "events[0]")  # fmt: skip


def test_overlapping_warnings_reinforce_a_desk_once_to_the_stronger_plan():
    plan = WarningPlan(stand_down_h=0.0)
    ws = [_warning(3.0, level=2), _warning(2.0, level=1, start=330.0)]
    rows = boost_windows(ws, plan)
    assert {(i, lv) for i, lv, *_ in rows} >= {(0, "township"), (1, "township"), (1, "city")}
    duty = boost_desks(DutyDesks(), ws, plan)
    town = duty.staff["township"]
    assert isinstance(town, BoostedStaff)
    # orange +1 from 180 - then red +2 from 240 (issue 210 + 0.5 h) to 450.
    assert town.changes(0.0, 600.0) == [(0.0, 1), (180.0, 2), (240.0, 3), (450.0, 1)]
    assert duty.staff["city"].changes(0.0, 600.0) == [(0.0, 3), (240.0, 4), (450.0, 3)]
    assert boost_desks(DutyDesks(), [_warning(0.0)], plan) == DutyDesks()


def test_a_reinforced_desk_takes_a_surge_of_calls_sooner():
    # Forty calls in ten minutes at the storm's start, at one township's desk.
    times = 300.0 + np.linspace(0, 10, 40)
    surge = stream_from(times, np.full(40, 20), requirements=[FLOOD])
    level = LevelPlan(desk_officers=(("township", 2),), desk_delay_h=1.0)
    plan = WarningPlan(levels=tuple((c, level) for c in ("red", "orange", "yellow", "blue")))
    duty = DutyDesks(call_taking=Fixed(1.0))
    waits = {}
    for lead in (0.0, 2.0):
        st_ = dataclasses.replace(surge, warnings=(_warning(lead),))
        rec = sim.run(NET, STATIONS, _depots(), st_, rng=1, duty=duty, warnings=plan)
        waits[lead] = rec.scene["call_wait"]
        s = sim.summarise(rec)["warning"]
        assert math.isclose(
            s["call_taking_mean"], float(np.mean(rec.incidents["call_taken"] - times))
        )
        on = rec.duty["officers"][(rec.duty["level"] == "township") & (rec.duty["start"] == 300)]
        assert on.tolist() == ([3.0, 3.0] if lead else [1.0, 1.0])  # both township desks
    # One officer takes a call a minute: the last waits 30 min; three, about 3 min.
    assert waits[0.0].max() > 25 and waits[2.0].max() < 5
    assert np.all(waits[2.0] <= waits[0.0] + 1e-9)
