"""A road class given 1.0 in ``[congestion.hours]`` is not slowed, whatever the streets do.

Classes at 1 were left out of a band, and a class left out takes the band's
multiplier for the classes not named (the local streets'): a trunk road given
1.0 all day was slowed by the streets' rush hours.
"""

from __future__ import annotations

import numpy as np

from experiments.config import RunConfig
from experiments.runner import run_replication
from sim.congestion import Congestion, band_disruptions

BASE = {
    "name": "t",
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "policy": {"name": "nearest_available"},
    "run": {"seed": 7, "travel_noise": 0.0},
}
ONES = [1.0] * 24


def test_a_class_given_one_is_never_slowed():
    net = RunConfig.from_dict(BASE).region().network
    hw = np.asarray(net.base.edges.highway, dtype=str)
    trunk = set(np.flatnonzero(hw == "trunk").tolist())
    assert trunk
    given = Congestion.from_dict({"profile": "china_city", "hours": {"trunk": ONES}})
    bands = band_disruptions(net, given.plan(sorted(set(hw))))
    slowed = {e for band in bands for d in band for e in d.edges}
    assert slowed and not slowed & trunk  # the streets still are; trunk roads never
    # The shipped profile alone slows trunk roads in some band: the test would see a leak.
    shipped = band_disruptions(net, Congestion("china_city").plan(sorted(set(hw))))
    assert {e for band in shipped for d in band for e in d.edges} & trunk


def test_every_class_of_the_network_at_one_is_no_congestion():
    off = run_replication(RunConfig.from_dict(BASE), replication=0)
    net = RunConfig.from_dict(BASE).region().network
    every = {c: ONES for c in sorted(set(np.asarray(net.base.edges.highway, dtype=str)))}
    cfg = RunConfig.from_dict({**BASE, "congestion": {"profile": "china_city", "hours": every}})
    on = run_replication(cfg, replication=0)
    for table in ("incidents", "dispatches"):
        a, b = getattr(off.records, table), getattr(on.records, table)
        for col in a:
            assert np.array_equal(a[col], b[col]), (table, col)
