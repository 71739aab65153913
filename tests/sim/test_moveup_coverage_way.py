"""Move-up's coverage table counts a team where dispatch takes it to be, on odd drives home.

The records alone cannot tell the drive home of a team sent on from the road
(its ``returned`` is when it was sent) or of one cut off at a scene for a
while (``returned`` includes the wait): the engine hands the drive over. And
with hour bands, coverage is measured at free flow whatever the start hour.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import sim
from networks.roadnet import Disruption
from scenarios.distributions import Fixed
from scenarios.stream import ScheduledDisruption
from sim.congestion import Congestion
from sim.facilities import Station, TeamSpec
from sim.moveup_spec import MoveupSpec
from tests.sim.helpers import road_network, stream_from
from tests.sim.test_moveup import FIRE

#: Coverage by the nodes (every node one unit of demand); policy "none": nobody moves.
MEASURE = MoveupSpec(policy="none", demand="nodes")


def _line():
    """Nodes 0-4, 5 min a link both ways; one fire team at node 0 covers nodes 0-2."""
    net = road_network(5, [(0, 1, 300), (1, 2, 300), (2, 3, 300), (3, 4, 300)])
    team = (TeamSpec("fire", 30, count=1, turnout=Fixed(1.0)),)
    return net, [Station("A", 0, "township", team)]


def _run(net, stations, stream, **kw):
    return sim.run(net, stations, [], stream, rng=np.random.default_rng(0),
                   call_taking=Fixed(0.5), moveup=MEASURE, **kw)  # fmt: skip


def _at_post(rec, t):
    """Free teams at posts just after minute ``t`` (the coverage table's step function)."""
    c = rec.coverage
    k = np.searchsorted(c["time"], t, side="right") - 1
    return int(c["free_at_posts"][k])


def test_a_team_sent_on_before_half_way_home_never_counts_at_its_post():
    net, stations = _line()
    # Released at node 4 at 51.5 (20 min from home: half-way at 61.5), sent on at 55.5.
    rec = _run(net, stations, stream_from([0.0, 55.0], [4, 4], requirements=FIRE,
                                          control=[30, 30], clear=[0, 0]))  # fmt: skip
    d = rec.dispatches
    assert d["from_node"].tolist() == [0, 4]  # dispatch took it to be at the scene
    assert d["returned"][0] == 55.5 and d["released"][0] == 51.5
    # Away from its post from its first dispatch to the end: it never came half-way home.
    assert rec.coverage["free_at_posts"].tolist() == [1, 0]
    assert [_at_post(rec, t) for t in (53.5, 55.0, 60.0)] == [0, 0, 0]


def test_a_team_sent_on_after_half_way_counts_at_its_post_from_half_way():
    net, stations = _line()
    # Released at 51.5, half-way home at 61.5, sent from its post at 64.5 to node 2.
    rec = _run(net, stations, stream_from([0.0, 64.0], [4, 2], requirements=FIRE,
                                          control=[30, 30], clear=[0, 0]))  # fmt: skip
    assert rec.dispatches["from_node"].tolist() == [0, 0]  # taken to be at its post
    c = rec.coverage
    assert c["time"][:4].tolist() == [0.0, 0.5, 61.5, 64.5]
    assert c["free_at_posts"][:4].tolist() == [1, 0, 1, 0]


def test_a_team_cut_off_at_the_scene_counts_at_its_post_only_half_way_after_the_road_opens():
    net, stations = _line()
    # The link 3-4 is closed from 40 to 200: released at 51.5 at node 4, the team waits
    # there; it sets off at 200 and is half-way home at 210. A call at its post at 300.
    cut = ScheduledDisruption(40.0, 200.0, Disruption((6, 7), label="flood"), -1)
    stream = stream_from([0.0, 300.0], [4, 0], requirements=FIRE, control=[30, 5], clear=[0, 0])
    rec = _run(net, stations, replace(stream, disruptions=(cut,)))
    d = rec.dispatches
    assert d["returned"][0] == 220.0  # home at 200 + 20 (the wait is in "returned")
    c = rec.coverage
    assert c["time"].tolist() == [0.0, 0.5, 210.0, 300.5, 306.5]
    assert c["free_at_posts"].tolist() == [1, 0, 1, 0, 1]


def test_coverage_is_measured_at_free_flow_whatever_the_start_hour():
    net, stations = _line()
    # One call late in the run: before it, the team stands at its post; what it covers
    # must not depend on whether minute 0 falls in the rush hour.
    stream = stream_from([600.0], [4], requirements=FIRE, control=[5], clear=[0])
    shares = {}
    for hour in (3, 8):
        rec = _run(net, stations, stream, congestion=Congestion("china_city", start_hour=hour))
        shares[hour] = rec.coverage["share"][0]
    plain = _run(net, stations, stream)
    assert shares[3] == shares[8] == plain.coverage["share"][0] == 3 / 5
