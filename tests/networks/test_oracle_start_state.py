"""An oracle made for a run grows its trees once, in the state the run reads first."""

from __future__ import annotations

import numpy as np
import pytest

import networks.oracle as oracle_mod
import sim
from scenarios.distributions import Exponential
from scenarios.stream import Requirement
from sim.congestion import Congestion, band_disruptions
from tests.sim.helpers import poisson_stream

FIRE = Requirement("fire", 3, (("fire", 1),))


def _nodes(net):
    return np.asarray([s.node for s in sim.default_facilities(net)[0]], dtype=np.int64)


def test_an_oracle_started_in_a_band_answers_as_one_moved_there(county):
    nodes = _nodes(county)
    day = county.under(band_disruptions(county, Congestion("china_city").plan())[1])
    started = oracle_mod.TravelOracle(county, nodes, start=day)
    moved = oracle_mod.TravelOracle(county, nodes)
    moved.move_to(day)
    assert started.state is day and started.move_to(day) == 0  # already there
    np.testing.assert_array_equal(started.out_times, moved.out_times)
    np.testing.assert_array_equal(started.in_times, moved.in_times)
    np.testing.assert_array_equal(started.out_times, day.travel_times(nodes))
    # And it moves on from there like any other (back to free flow).
    started.move_to(county.base)
    np.testing.assert_array_equal(started.out_times, county.base.travel_times(nodes))


def test_a_start_on_another_network_is_refused(county):
    from networks import synthetic_county

    with pytest.raises(ValueError, match="one network"):
        oracle_mod.TravelOracle(county, _nodes(county), start=synthetic_county(seed=99))


def test_a_congested_run_grows_a_new_oracles_trees_in_the_start_band(county, monkeypatch):
    """Before, a new oracle grew free-flow trees, then grew them all again for minute 0's band."""
    grown = []
    real = oracle_mod.TreeSet

    def counting(graph, *args, **kwargs):
        grown.append(graph.factor.copy())
        return real(graph, *args, **kwargs)

    monkeypatch.setattr(oracle_mod, "TreeSet", counting)
    oracle_mod._KEPT.clear()  # no oracle to reuse: this run makes one
    stations, depots = sim.default_facilities(county)
    stream = poisson_stream(
        np.arange(county.n_nodes), None, rate=0.05, n=20, rng=np.random.default_rng(5),
        requirements=[FIRE], control=Exponential(20.0), clear=Exponential(10.0),
    )  # fmt: skip
    cong = Congestion("china_city", start_hour=8)  # 08:00: a rush band, not free flow
    rec = sim.run(county, stations, depots, stream, rng=np.random.default_rng(2), congestion=cong)
    start = county.under(band_disruptions(county, cong.plan())[cong.plan().band_at(0.0)])
    assert not np.array_equal(start.factor, county.base.factor)
    # Outward and inward first in the start band; later bands get sets of their own
    # (SPARE_TREES_BYTES), each grown once, in its band.
    assert len(grown) >= 2 and len(grown) % 2 == 0
    for factor in grown[:2]:
        np.testing.assert_array_equal(factor, start.factor)
    assert all(np.array_equal(a, b) for a, b in zip(grown[::2], grown[1::2], strict=True))
    assert len({f.tobytes() for f in grown[::2]}) == len(grown) // 2
    assert len(rec.dispatches["team"]) > 0
