"""Congested runs record the same rows whatever the oracle shares, repairs or grows again."""

from __future__ import annotations

import numpy as np
import pytest

import networks.oracle as oracle_mod
import sim
from networks import synthetic_city
from scenarios.distributions import Exponential
from scenarios.stream import Requirement
from sim.congestion import Congestion
from tests.sim.helpers import poisson_stream

FIRE = Requirement("fire", 3, (("fire", 1),))
GENERAL = Requirement("traffic_accident", 4, (("general", 1),))


@pytest.fixture(scope="module")
def small_city():
    """A city of two counties (about 3,000 nodes)."""
    return synthetic_city(counties=2, townships=4, villages=20, grid=30, county_grid=20)


def _from_scratch(self, state):
    """The seconds of ``state`` by the network's own Dijkstra, not by the oracle's trees."""
    return state.travel_times(self.sources), state.travel_times(self.sources, reverse=True)


@pytest.mark.parametrize("which", ["county", "small_city"])
def test_congested_records_equal_those_on_tables_worked_out_from_scratch(
    which, request, monkeypatch
):
    net = request.getfixturevalue(which)
    stations, depots = sim.default_facilities(net)
    primary = np.flatnonzero(net.edges.highway == "primary")
    stream = poisson_stream(
        np.arange(net.n_nodes), None, rate=0.04, n=120, rng=np.random.default_rng(5),
        requirements=[FIRE, GENERAL], control=Exponential(20.0), clear=Exponential(10.0),
        disruptions=[(300.0, 1700.0, primary[:40].tolist()), (900.0, 2600.0, [3, 4, 5])],
    )  # fmt: skip
    cong = Congestion("china_city", start_hour=5.5)

    def run():
        return sim.run(net, stations, depots, stream, rng=np.random.default_rng(9),
                       travel_noise=0.1, congestion=cong)  # fmt: skip

    oracle_mod._KEPT.clear()
    runs = [run(), run()]  # a fresh oracle (a tree set per band), then with its kept seconds
    used = oracle_mod.checkout(net, [s.node for s in stations])  # the runs' own oracle
    assert used._spares and used.computed > 0  # the bands had sets of their own
    used.release()
    oracle_mod._KEPT.clear()
    with monkeypatch.context() as one_set:  # one tree set, grown again at every band
        one_set.setattr(oracle_mod, "SPARE_TREES_BYTES", 0)
        runs.append(run())
    monkeypatch.setattr(oracle_mod, "REGROW_SHARE", 2.0)  # every move repaired
    oracle_mod._KEPT.clear()
    runs.append(run())
    monkeypatch.setattr(oracle_mod.TravelOracle, "kept_times", _from_scratch)
    want = run()
    assert len(want.meta["congestion"]["hour_band"]) == 24 and len(want.dispatches["team"]) > 50
    for rec in runs:
        assert rec.equals(want)
        assert rec.meta["events"] == want.meta["events"]
