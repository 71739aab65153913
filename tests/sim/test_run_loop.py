"""The run loop merges the sorted calls with SimPy's queue in the order SimPy would run them.

Calls taken are not SimPy events (:meth:`sim.roads.RoadStates._run_roads`).
Here each call schedules events at chosen delays (zero included, on a coarse
grid of times, so that calls and events often fall at the same minute), and
the merged loop must run calls and events in the same order, at the same
times, as the SimPy model in which each call is a ``Timeout`` made when the
call before it is taken.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from simpy.events import Timeout

import sim
from benchmarks.bench_sim import county_stream
from networks import synthetic_county
from sim.dispatch import At, Clearing, Dispatch
from sim.roads import RoadStates

# Per call: its minute (sorted below) and the delays of the events it schedules.
CALLS = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0]), max_size=3),
    ),
    min_size=1,
    max_size=12,
)


class _Merged(RoadStates):
    """The engine's run loop alone: calls from a sorted list, events on SimPy's queue."""

    token: list[int] = []  # noqa: RUF012 (read only by clearings: see _Clearings)

    def __init__(self, calls: list[tuple[float, list[float]]], until: float | None) -> None:
        self.env = simpy.Environment()
        self._bands = None
        self._roads_due = False  # no disruptions: the tables never switch
        self.calls, self.log = calls, []
        self._next = 0
        env = self.env
        self._arrival = env._now + calls[0][0]
        self._arrival_eid = next(env._eid)
        self._run_roads(until)

    def _call_taken(self) -> None:  # as Dispatch._call_taken: the next call set first
        k, env = self._next, self.env
        self._next = k + 1
        if k + 1 < len(self.calls):
            now = env._now
            self._arrival = now + (self.calls[k + 1][0] - now)
            self._arrival_eid = next(env._eid)
        else:
            self._arrival = math.inf
        self.log.append(("call", k, env.now))
        for j, delay in enumerate(self.calls[k][1]):
            ev = Timeout(env, delay, (k, j))
            ev.callbacks.append(self._event)

    def _event(self, ev: Timeout) -> None:
        self.log.append(("event", ev._value, self.env.now))


def _simpy(calls: list[tuple[float, list[float]]], until: float | None) -> list[tuple]:
    """The same model with each call a Timeout, run by ``env.run``."""
    env = simpy.Environment()
    log: list[tuple] = []
    state = {"next": 0}

    def event(ev: Timeout) -> None:
        log.append(("event", ev._value, env.now))

    def call(ev: Timeout) -> None:
        k = state["next"]
        state["next"] = k + 1
        if k + 1 < len(calls):
            nxt = Timeout(env, calls[k + 1][0] - env.now)
            nxt.callbacks.append(call)
        log.append(("call", k, env.now))
        for j, delay in enumerate(calls[k][1]):
            e = Timeout(env, delay, (k, j))
            e.callbacks.append(event)

    first = Timeout(env, calls[0][0])
    first.callbacks.append(call)
    env.run() if until is None else env.run(until=until)
    return log


@settings(max_examples=150, deadline=None)
@given(CALLS, st.one_of(st.none(), st.integers(1, 8)))
def test_calls_and_events_run_in_simpy_order(raw, until) -> None:
    calls = sorted(((float(t), d) for t, d in raw), key=lambda c: c[0])
    merged = _Merged(calls, None if until is None else float(until))
    assert merged.log == _simpy(calls, None if until is None else float(until))
    if until is not None:  # the clock stops where env.run(until=...) leaves it
        assert merged.env.now == until


def test_ties_put_the_call_after_events_made_before_it_was_set() -> None:
    # Call 0 sets call 1 (minute 2) before it queues its own event at minute 2, so call 1
    # runs first at minute 2; call 1's zero-delay event was queued after call 0's event.
    calls = [(0.0, [2.0]), (2.0, [0.0])]
    merged = _Merged(calls, None)
    assert merged.log == [
        ("call", 0, 0.0),
        ("call", 1, 2.0),
        ("event", (0, 0), 2.0),
        ("event", (1, 0), 2.0),
    ]
    assert merged.log == _simpy(calls, None)


@pytest.mark.parametrize("horizon", [None, 600.0])
def test_events_counts_the_simpy_events_only(monkeypatch, horizon) -> None:
    """``meta["events"]``: every event put on SimPy's queue, none for the calls taken."""
    net = synthetic_county()
    stations, depots = sim.default_facilities(net)
    stream = county_stream(net, 300, rate=0.12, rng=np.random.default_rng(5))
    scheduled = []
    plain = simpy.Environment.schedule

    def counting(self, event, priority=1, delay=0):
        scheduled.append(event)
        return plain(self, event, priority, delay)

    monkeypatch.setattr(simpy.Environment, "schedule", counting)
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(1), horizon=horizon)
    assert rec.meta["events"] == len(scheduled)
    assert 0 < len(scheduled) < 2 * len(stream)  # one event per incident (clearing), not two


class _Clearings(_Merged):
    """Call 0 schedules incident 0's clearing at minute 50, then again at minute 10."""

    def __init__(self) -> None:
        self.token = [0]
        super().__init__([(0.0, [5.0])], None)

    def _call_taken(self) -> None:
        super()._call_taken()
        late = Clearing(self.env, 50.0, (0, self.token[0]))
        late.callbacks.append(self._event)
        self.token[0] += 1  # a team arrived: the work ends sooner
        soon = Clearing(self.env, 10.0, (0, self.token[0]))
        soon.callbacks.append(self._event)


def test_a_clearing_scheduled_again_is_dropped_unrun() -> None:
    merged = _Clearings()
    assert merged.log == [("call", 0, 0.0), ("event", (0, 0), 5.0), ("event", (0, 1), 10.0)]
    assert merged.env.now == 10.0  # not 50: the clock never stops at the stale clearing
    assert not merged.env._queue


def test_the_run_ends_at_its_last_clearing_not_at_a_stale_one(monkeypatch) -> None:
    """Incidents whose clearing came sooner as teams arrived: the run runs no stale clearing.

    One team alone would take as long as the complement together times its size: such a
    clearing could stand weeks past the run's last real event and set ``records.end``.
    """
    net = synthetic_county()
    stations, depots = sim.default_facilities(net)
    stream = county_stream(net, 400, rate=0.12, rng=np.random.default_rng(3))
    ran: list[tuple[float, bool]] = []
    made, stepped = [], []
    cleared, init, step = Dispatch._cleared, Clearing.__init__, simpy.Environment.step

    def spy(self, ev):
        i, token = ev._value
        ran.append((self.env.now, token == self.token[i]))
        return cleared(self, ev)

    def count(self, env, delay, value):
        made.append(value)
        init(self, env, delay, value)

    def steps(self):
        step(self)
        stepped.append(self.now)

    monkeypatch.setattr(Dispatch, "_cleared", spy)
    monkeypatch.setattr(Clearing, "__init__", count)
    monkeypatch.setattr(simpy.Environment, "step", steps)
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(4))
    assert len(made) > len(ran)  # some clearings were scheduled again
    assert all(live for _t, live in ran)
    assert stepped == sorted(stepped)
    last = max(np.nanmax(rec.incidents["cleared"]), np.nanmax(rec.dispatches["arrival"]))
    assert rec.end == max(stepped[-1], last)


@pytest.mark.parametrize(
    ("now", "at"), [(2450.980038952486, 52337.38073673234), (9707.91725639766, 5276114.309422088)]
)
def test_an_event_set_for_a_moment_runs_at_that_moment(now, at):
    """``sim.dispatch.At`` runs at ``at`` itself; ``now + (at - now)`` rounds off it here.

    A stand-down or a restocked team recorded at ``at`` then moved a hair before
    (or after) the time its row gives.
    """
    assert now + (at - now) != at  # the premise: a plain Timeout would miss
    seen: list[float] = []
    env = simpy.Environment(initial_time=now)
    for ev in (At(env, at, "at"), At(env, now - 1.0, "late")):
        ev.callbacks.append(lambda e: seen.append((e.value, env.now)))
    env.run()
    assert seen == [("late", now), ("at", at)]  # one set in the past runs now
