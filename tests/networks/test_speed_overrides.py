"""Road speeds by class: overrides reach the built-in networks and ``*_link`` classes,
and an edge's own ``speed_kph`` must be a positive number."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from experiments.network_spec import NetworkSpec
from networks import NetworkError, from_networkx, synthetic_county
from networks.convert import MAX_SPEED_KPH
from networks.speeds import DEFAULT_SPEEDS_KPH, speed_table
from networks.synthetic_city import synthetic_city

#: Small enough to build in well under a second.
COUNTY = {"townships": 2, "villages": 6, "grid": 4}
CITY = {"counties": 2, "townships": 2, "villages": 6, "grid": 6, "county_grid": 4}
SLOW = {"residential": 7.0, "primary": 20.0, "tertiary": 11.0}


def _spec(data: dict) -> NetworkSpec:
    return NetworkSpec.from_dict(data, source="run.toml", base_dir=Path("."))


def _speeds_by_class(net) -> dict[str, set[float]]:
    e = net.edges
    return {c: set(e.speed_kph[e.highway == c].tolist()) for c in np.unique(e.highway)}


def test_links_follow_their_overridden_parent():
    t = speed_table({"primary": 20, "motorway": 60})
    assert t["primary_link"] == pytest.approx(0.7 * 20)
    assert t["motorway_link"] == pytest.approx(0.7 * 60)
    assert t["trunk_link"] == pytest.approx(0.7 * DEFAULT_SPEEDS_KPH["trunk"])


def test_an_overridden_link_keeps_its_own_speed():
    t = speed_table({"primary": 20, "primary_link": 33})
    assert (t["primary"], t["primary_link"]) == (20.0, 33.0)


@pytest.mark.parametrize(
    ("kind", "sizes"), [("county", COUNTY), ("city", CITY)], ids=["county", "city"]
)
def test_config_speeds_reach_a_built_in_network(kind, sizes):
    plain = _spec({"synthetic": kind, "seed": 1, **sizes}).build()
    slow = _spec({"synthetic": kind, "seed": 1, **sizes, "speeds": SLOW}).build()
    assert np.array_equal(plain.edges.u, slow.edges.u)  # same roads, other speeds
    got, before = _speeds_by_class(slow), _speeds_by_class(plain)
    table = speed_table(SLOW)
    for cls, speeds in got.items():
        assert speeds == {table[cls]}, cls
    assert got["residential"] == {7.0} and before["residential"] != {7.0}
    assert slow.travel_time(0, slow.n_nodes - 1) > plain.travel_time(0, plain.n_nodes - 1)


def test_without_speeds_the_generators_are_unchanged():
    for make, sizes in ((synthetic_county, COUNTY), (synthetic_city, CITY)):
        a, b = make(seed=2, **sizes), make(seed=2, speeds=None, **sizes)
        assert np.array_equal(a.edges.speed_kph, b.edges.speed_kph)
        table = speed_table()
        assert all(s == {table[c]} for c, s in _speeds_by_class(a).items())


def _pair(speed: object, **extra: object) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(crs="EPSG:32650")
    g.add_node(1, x=0, y=0)
    g.add_node(2, x=1000, y=0)
    g.add_edge(1, 2, length=1000.0, highway="primary", speed_kph=speed, **extra)
    g.add_edge(2, 1, length=1000.0, highway="primary", speed_kph=40.0)
    return g


@pytest.mark.parametrize("speed", [0, 0.0, -5], ids=["0", "0.0", "-5"])
def test_a_zero_or_negative_edge_speed_is_refused_alike(speed):
    with pytest.raises(NetworkError) as info:
        from_networkx(_pair(speed, maxspeed="20"))
    assert str(info.value) == (
        f"edge 1->2: speed_kph {speed!r} is not a finite number > 0 and <= {MAX_SPEED_KPH:g} (km/h)"
    )


def test_an_absent_edge_speed_still_falls_back_to_maxspeed():
    g = _pair(1.0, maxspeed="20")
    del g[1][2][0]["speed_kph"]
    assert sorted(from_networkx(g).edges.speed_kph.tolist()) == [20.0, 40.0]


def test_overrides_that_reach_no_edge_are_said(tmp_path, caplog):
    """A GraphML yingji wrote carries every edge's speed and time: overrides change nothing.

    ``[network.speeds]`` on a GraphML from ``yingji network build`` gave the same
    times as without, with no word; a graph with class-table edges is silent.
    """
    from networks import load_graphml, save_graphml

    net = synthetic_county(**COUNTY)
    path = tmp_path / "county.graphml"
    save_graphml(net, path)
    slow = load_graphml(path, speeds=SLOW)
    said = [r.getMessage() for r in caplog.records if "speed overrides" in r.getMessage()]
    assert len(said) == 1 and "change none of them" in said[0]
    assert np.array_equal(slow.edge_time, net.edge_time)  # the premise: nothing changed
    caplog.clear()
    load_graphml(path)
    assert not [r for r in caplog.records if "speed overrides" in r.getMessage()]
    # Edges left to the class table take the overrides, and nothing is said.
    g = nx.MultiDiGraph(crs="EPSG:32650")
    g.add_node(1, x=0.0, y=0.0)
    g.add_node(2, x=1000.0, y=0.0)
    g.add_edge(1, 2, length=1000.0, highway="residential")
    g.add_edge(2, 1, length=1000.0, highway="residential")
    caplog.clear()
    two = from_networkx(g, speeds=SLOW)
    assert two.edges.speed_kph.tolist() == [7.0, 7.0]
    # An OpenStreetMap graph whose every way is posted: the posted speed wins, as documented,
    # and "build from the OpenStreetMap file" would be no advice.
    for _u, _v, d in g.edges(data=True):
        d["maxspeed"] = "40"
    assert from_networkx(g, speeds=SLOW).edges.speed_kph.tolist() == [40.0, 40.0]
    assert not [r for r in caplog.records if "speed overrides" in r.getMessage()]
