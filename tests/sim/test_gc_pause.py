"""A run pauses Python's cyclic collector: safe only if it leaves no cyclic garbage per incident."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import sim
from networks import synthetic_county
from scenarios.distributions import Exponential, Lognormal
from scenarios.stream import Requirement
from sim.duty import DeskStaff, DutyDesks
from sim.reporting_rules import ReportingRules
from tests.sim.helpers import poisson_stream

REQS = (
    Requirement("building_fire", 3, (("fire", 1),)),
    Requirement("building_fire", 2, (("fire", 2), ("medical", 1)), (("drinking_water", 40),)),
)


def _stream(net, n: int, seed: int):
    return poisson_stream(
        np.arange(net.n_nodes), None, rate=0.1, n=n, rng=np.random.default_rng(seed),
        requirements=REQS, control=Lognormal(15.0, 0.5), clear=Exponential(10.0),
    )  # fmt: skip


@pytest.fixture(scope="module")
def county():
    net = synthetic_county()
    return net, *sim.default_facilities(net)


def _cyclic_garbage(county, n: int) -> int:
    net, stations, depots = county
    stream = _stream(net, n, 3)
    desks = DutyDesks(staff={lv: DeskStaff(((0.0, 2),)) for lv in ("township", "county", "city")})
    gc.collect()
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(1), duty=desks,
                  reporting=ReportingRules(), travel_noise=0.2)  # fmt: skip
    assert gc.isenabled()
    del rec
    return gc.collect()


def test_a_run_leaves_no_cyclic_garbage_per_incident(county):
    # What the collector finds after a run (the engine and its parts, once) does not grow
    # with the incidents: pausing it during the run keeps no more memory than refcounting.
    small, large = _cyclic_garbage(county, 200), _cyclic_garbage(county, 4000)
    assert large <= small + 50, (small, large)


def test_the_collector_is_left_as_it_was(county):
    net, stations, depots = county
    stream = _stream(net, 50, 4)
    gc.disable()
    try:
        sim.run(net, stations, depots, stream, rng=np.random.default_rng(1))
        assert not gc.isenabled()  # a caller who paused it keeps it paused
    finally:
        gc.enable()
    sim.run(net, stations, depots, stream, rng=np.random.default_rng(1))
    assert gc.isenabled()
