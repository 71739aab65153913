"""The road-closed inject under drawing rules /6: a closure with a way round, called in en route.

A hand-built road from a station (node 0) to a scene (node 6), 100 s a road,
with detours that the tests switch on and off: the middle road 2-3 has no way
round (the rules before /6 closed it, cutting the scene off), 3-4 has one that
costs a second, 1-2 one that costs five minutes.
"""

from __future__ import annotations

import numpy as np
import pytest

from networks.roadnet import RoadNetwork
from scenarios.catalogue import load_catalogue
from scenarios.drill import generator_from_seed, seed_from_int
from scenarios.drill.drawing_rules import DETOUR_RULES, PLAIN_RULES
from scenarios.drill.injects import MAX_DETOUR_MIN, InjectContext, Unit, road_closed
from scenarios.drill.sites import Namer
from tests.sim.helpers import named_roads

#: Roads as (a, b, metres) at 36 km/h (10 m/s): the line 0-...-6, then the detours.
LINE = [(k, k + 1, 1000.0) for k in range(6)]
SECOND = [(3, 7, 505.0), (7, 4, 505.0)]  # 3-4 round: 101 s for 100 s
FIVE_MIN = [(1, 8, 1000.0), (8, 2, 1000.0 + 3000.0)]  # 1-2 round: 500 s for 100 s
FAR = [(1, 8, 1000.0), (8, 2, 1000.0 + (MAX_DETOUR_MIN + 1) * 600.0)]  # beyond the bound


def network(extra: list[tuple[int, int, float]]) -> RoadNetwork:
    """The line plus ``extra`` roads, both ways (nodes 7 and 8 sit off the line)."""
    x = [0, 1000, 2000, 3000, 4000, 5000, 6000, 3500, 1500]
    y = [0, 0, 0, 0, 0, 0, 0, 400, -900]
    return named_roads(x, y, LINE + extra)


#: The station: fire teams that turn out in 2 minutes.
STATION = Unit("Station", 0, (("fire", 4, 2.0),))


def context(net: RoadNetwork, rules: int) -> InjectContext:
    """A grade IV building fire at node 6 with the station at node 0; call taking 1 min."""
    cat = load_catalogue()
    return InjectContext(
        network=net,
        namer=Namer(net),
        catalogue=cat,
        hazard=cat["building_fire"],
        grade=4,
        node=6,
        area="",
        place="",
        jurisdiction="",
        units=(STATION,),
        unit_times=net.travel_times([0]),
        stores=(),
        store_order=(),
        near=None,
        reporting={},
        rng=generator_from_seed(seed_from_int(0)),
        rules=rules,
        call_taking_min=1.0,
    )


def closed(net: RoadNetwork, rules: int) -> tuple[int, int] | None:
    inj = road_closed(context(net, rules))
    return None if inj is None else (inj.truth["from_node"], inj.truth["to_node"])


def detour(net: RoadNetwork, rules: int) -> float:
    """Minutes the closure adds to the station's drive (``inf``: no way round)."""
    inj = road_closed(context(net, rules))
    after = net.with_closed(inj.truth["edges"]).travel_time(0, 6)
    return (after - net.travel_time(0, 6)) / 60.0


def test_the_rules_before_6_closed_the_only_way_to_the_scene():
    net = network(SECOND + FIVE_MIN)
    assert closed(net, PLAIN_RULES) == (2, 3)
    assert detour(net, PLAIN_RULES) == np.inf


def test_a_closure_leaves_a_way_round_that_costs_time():
    net = network(SECOND + FIVE_MIN)
    assert closed(net, DETOUR_RULES) == (1, 2)  # not 2-3 (no way round), not 3-4 (a second)
    assert detour(net, DETOUR_RULES) == pytest.approx(400 / 60)


def test_without_a_costly_one_the_closure_that_costs_most_is_taken():
    net = network(SECOND)
    assert closed(net, DETOUR_RULES) == (3, 4)
    assert detour(net, DETOUR_RULES) == pytest.approx(1 / 60)


def test_no_road_with_a_way_round_no_closure():
    assert closed(network([]), DETOUR_RULES) is None
    # a way round longer than the bound counts as none: the search stops before it
    assert closed(network(FAR), DETOUR_RULES) is None


def test_the_call_comes_while_the_team_is_on_its_way_to_the_road():
    net = network(SECOND + FIVE_MIN)
    inj = road_closed(context(net, DETOUR_RULES))
    # call taken 1 min, turnout 2 min, half of the 100 s drive to node 1
    assert inj.offset_min == round(1 + 2 + 0.5 * 100 / 60, 1)
    assert 1 + 2 < inj.offset_min < 1 + 2 + 100 / 60  # left the station, not yet at the road
    # before /6: 40 % of turnout + drive to the scene, without the call taking
    assert road_closed(context(net, PLAIN_RULES)).offset_min == round(2 + 0.4 * 600 / 60, 1)
