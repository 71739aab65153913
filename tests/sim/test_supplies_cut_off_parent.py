"""Supplies escalate past a parent depot the roads cut off from the scene (audit_stats 2)."""

import numpy as np

import sim
from networks.roadnet import Disruption
from scenarios.stream import Requirement, ScheduledDisruption
from sim.facilities import Depot, Station, TeamSpec
from tests.sim.helpers import road_network, stream_from

# One incident at node 2 asking for 5 blankets, no teams (supplies only).
REQS = [Requirement("storm", 4, (), (("blankets", 5),))]


def _run(closed: bool):
    # 0 - 1 - 2 on a line; the city depot at 0, its township depot at 2 (by the scene).
    net = road_network(3, [(0, 1, 60.0), (1, 2, 60.0)])
    # Edges 0 and 1 are the two directions of 0-1: closing them cuts the city off.
    cut = [ScheduledDisruption(0.0, np.inf, Disruption((0, 1)))] if closed else []
    stream = stream_from([10.0], [2], requirements=REQS, disruptions=cut)
    stations = [Station("S", 1, "township", (TeamSpec("general", 30),), area="a")]
    depots = [
        Depot("C", 0, "city", (("blankets", 10),)),
        Depot("T", 2, "township", (("blankets", 2),), parent="C", lead_time_min=30.0),
    ]
    return sim.run(net, stations, depots, stream, rng=np.random.default_rng(0))


def test_unreachable_parent_gives_nothing_and_the_rest_is_short():
    rec = _run(closed=True)
    sup, inc, out = rec.supplies, rec.incidents, rec.stockouts
    issue = sup["kind"] == "issue"
    # Only the township depot by the scene issues; nothing is sent on a road that is cut.
    assert sup["source"][issue].tolist() == [1]
    assert sup["quantity"][issue].tolist() == [2]
    assert np.isfinite(sup["arrive"][issue]).all()
    assert inc["supply_short"][0] == 3
    # Both depots record the stock-out of this issue: the township's 3 and the city's 3.
    sel = out["kind"] == "issue"
    rows = zip(out["depot"][sel].tolist(), out["short"][sel].tolist(), strict=True)
    assert sorted(rows) == [(0, 3), (1, 3)]
    # The city keeps its stock for scenes it can reach, less the township's reorder.
    transfer = sup["kind"] == "transfer"
    final = rec.stock["final"][0, rec.stock["items"].index("blankets")]
    assert final == 10 - sup["quantity"][transfer].sum()


def test_reachable_parent_still_gives_the_rest():
    rec = _run(closed=False)
    sup, inc = rec.supplies, rec.incidents
    issue = sup["kind"] == "issue"
    rows = zip(sup["source"][issue].tolist(), sup["quantity"][issue].tolist(), strict=True)
    assert sorted(rows) == [(0, 3), (1, 2)]
    assert inc["supply_short"][0] == 0
