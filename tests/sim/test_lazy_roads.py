"""Disruptions that come and go with nothing in between switch the travel tables once.

An earthquake on a city reopens hundreds of roads one by one, most of them
while nothing else happens; each switch of the tables moves the travel oracle
(seconds on a city). The tables now follow the disruptions in force only when
something reads them: the next call or event, stranded teams, waiting
requests, or the records' unserved reasons. The records must be exactly those
of switching at every start and end.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
import sim.roads as roads
import sim.travel as travel
from networks import states
from networks.roadnet import Disruption
from scenarios.distributions import Exponential, Fixed
from scenarios.stream import Requirement, ScheduledDisruption
from sim.facilities import Station, TeamSpec
from tests.sim.helpers import grid_network, poisson_stream, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))
ZERO = Fixed(0.0)


def _grid():
    return grid_network(6, 6, seconds=np.full(60, 45.0))


def _stations():
    return [Station("A", 0, "city", (TeamSpec("fire", 6, count=2, turnout=ZERO),)),
            Station("B", 35, "county", (TeamSpec("fire", 6, count=1, turnout=ZERO),))]  # fmt: skip


def _eager(monkeypatch):
    """Switch the tables at every start and end, as before (the reference)."""
    lazy = roads.RoadStates._switch_roads

    def switch(self, k, on):
        lazy(self, k, on)
        self._roads_now()

    monkeypatch.setattr(roads.RoadStates, "_switch_roads", switch)


def _count(monkeypatch) -> list[int]:
    made = [0]
    real = roads.RoadStates._tables_for

    def tables_for(self, state):
        made[0] += 1
        return real(self, state)

    monkeypatch.setattr(roads.RoadStates, "_tables_for", tables_for)
    return made


def _run(net, stream, horizon=None):
    return sim.run(net, _stations(), (), stream, rng=np.random.default_rng(3),
                   travel_noise=0.2, horizon=horizon)  # fmt: skip


def _same(a, b):
    for name in ("incidents", "dispatches"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.keys() == y.keys()
        for col in x:
            assert np.array_equal(x[col], y[col], equal_nan=x[col].dtype.kind == "f"), (name, col)


def test_closures_with_nothing_between_switch_the_tables_once(monkeypatch):
    net = _grid()
    # Two calls; between them 30 roads close and reopen one by one while nothing else happens.
    cuts = [ScheduledDisruption(100.0 + k, 200.0 + k, Disruption((k,))) for k in range(30)]
    stream = stream_from([0.0, 500.0], [7, 20], requirements=[FIRE], control=[1.0, 1.0],
                         clear=[1.0, 1.0], disruptions=cuts)  # fmt: skip
    made = _count(monkeypatch)
    lazy = _run(net, stream)
    assert made[0] <= 3  # the start, and the second call's roads (all open again)
    made[0] = 0
    _eager(monkeypatch)
    eager = _run(net, stream)
    assert made[0] >= 60
    _same(lazy, eager)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n_cuts=st.integers(1, 25),
    horizon=st.sampled_from([None, 900.0]),
)
def test_records_are_those_of_switching_at_every_change(seed, n_cuts, horizon):
    rng = np.random.default_rng(seed)
    net = _grid()
    starts = rng.uniform(0, 800, n_cuts)
    # Some roads close for ever (teams stranded until the run ends), most reopen.
    ends = np.where(rng.random(n_cuts) < 0.2, np.inf, starts + rng.uniform(1, 300, n_cuts))
    edges = rng.integers(0, net.n_edges, (n_cuts, 3))
    cuts = [
        (float(s), float(e), edges[k].tolist())
        for k, (s, e) in enumerate(zip(starts, ends, strict=True))
    ]
    stream = poisson_stream(np.arange(36), None, rate=0.05, n=40, rng=rng, requirements=[FIRE],
                            control=Exponential(20.0), clear=Exponential(10.0),
                            disruptions=cuts)  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        lazy = _run(net, stream, horizon)
        _eager(mp)
        eager = _run(net, stream, horizon)
    _same(lazy, eager)


def test_a_run_keeps_a_bounded_number_of_road_states(monkeypatch):
    # Each state's tables hold the state (its factors, its dispatch orders): an earthquake
    # on the city made hundreds and kept them all (2.1 GB of factors alone).
    net = _grid()
    rng = np.random.default_rng(11)
    starts = np.sort(rng.uniform(0, 800, 40))
    # Three roads cut in turn, again and again: the same states come back.
    cuts = [(float(s), float(s) + 5.0, [k % 3]) for k, s in enumerate(starts)]
    stream = poisson_stream(np.arange(36), None, rate=0.2, n=160, rng=rng, requirements=[FIRE],
                            control=Exponential(20.0), clear=Exponential(10.0),
                            disruptions=cuts)  # fmt: skip
    made = _count(monkeypatch)
    whole = _run(net, stream)
    assert made[0] > 20  # many states were read

    views: list[int] = []
    seen: dict[tuple, set[int]] = {}
    real_at = travel.Travel.at

    def at(self, state):
        out = real_at(self, state)
        views.append(len(self._views))
        seen.setdefault(state.disruptions, set()).add(state.version)
        return out

    monkeypatch.setattr(travel, "_VIEWS_KEPT", 1)
    monkeypatch.setattr(states, "_RECENT_STATES", 1)  # a dropped state is made again
    monkeypatch.setattr(travel.Travel, "at", at)
    few = _run(net, stream)
    assert max(views) <= 1
    assert max(len(v) for v in seen.values()) > 1  # some came back under a new version
    _same(whole, few)  # ... and answered as they did the first time


def test_a_congested_run_holds_no_tables_its_oracle_let_go(monkeypatch):
    # With hour bands each state's tables are seconds of its own. Views kept them after the
    # oracle's budget let them go, and every (disruptions, band) state was kept: an earthquake
    # under congestion on the city grew to 12 GB and more.
    import networks.oracle as oracle_mod
    from sim.congestion import Congestion

    net = _grid()
    rng = np.random.default_rng(5)
    starts = np.sort(rng.uniform(0, 1400, 40))
    cuts = [(float(s), float(s) + 30.0, [k % 7, 20 + k % 5]) for k, s in enumerate(starts)]
    stream = poisson_stream(np.arange(36), None, rate=0.1, n=150, rng=rng, requirements=[FIRE],
                            control=Exponential(20.0), clear=Exponential(10.0),
                            disruptions=cuts)  # fmt: skip
    cong = Congestion("china_city", start_hour=6.0)

    def run():
        oracle_mod._KEPT.clear()
        return sim.run(net, _stations(), (), stream, rng=np.random.default_rng(3),
                       travel_noise=0.2, congestion=cong)  # fmt: skip

    whole = run()
    seen = {"views": 0, "states": 0, "kept": 0}
    versions: dict[tuple, set[int]] = {}  # versions seen per (disruptions in force, band)
    real = roads.RoadStates._tables_for

    def tables_for(self, state):
        out = real(self, state)
        o = self._travel.oracle
        assert all(o.keeps(view.state) for view in self._travel._views.values())
        seen["views"] = max(seen["views"], len(self._travel._views))
        seen["states"] = max(seen["states"], len(self._band_states))
        seen["kept"] = max(seen["kept"], len(o._kept))
        versions.setdefault(state.disruptions, set()).add(state.version)
        return out

    each = 2 * 2 * net.n_nodes * 4  # float32 both ways, two stations
    monkeypatch.setattr(oracle_mod, "KEPT_TIMES_BYTES", 3 * each)
    monkeypatch.setattr(roads, "BAND_STATES_KEPT", 4)
    monkeypatch.setattr(states, "_RECENT_STATES", 1)  # a state let go is made again
    monkeypatch.setattr(roads.RoadStates, "_tables_for", tables_for)
    few = run()
    assert seen["kept"] == 3 and seen["views"] <= 3 and seen["states"] == 4
    assert max(len(v) for v in versions.values()) > 1  # some came back under a new version
    _same(whole, few)  # ... and answered as they did the first time
