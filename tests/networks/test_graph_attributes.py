"""A graph's own travel_time, closed and edge_id are honoured; GraphML round trips exactly."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import sim
from networks import Disruption, NetworkError, from_networkx, load_network, save_graphml
from networks.oracle import TravelOracle
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Station, TeamSpec
from tests.sim.helpers import stream_from


def _same_network(a, b) -> None:
    """Equal node and edge tables, travel times, closures and geometry, array by array."""
    for f in ("osmid", "x", "y", "lon", "lat"):
        np.testing.assert_array_equal(getattr(a.nodes, f), getattr(b.nodes, f), err_msg=f)
    for f in ("u", "v", "length", "speed_kph", "highway", "name", "name_zh"):
        np.testing.assert_array_equal(getattr(a.edges, f), getattr(b.edges, f), err_msg=f)
    np.testing.assert_array_equal(a.edge_time, b.edge_time)
    np.testing.assert_array_equal(a.closed, b.closed)
    ga, gb = a.edges.geometry, b.edges.geometry
    np.testing.assert_array_equal(ga.offsets, gb.offsets)
    np.testing.assert_array_equal(ga.xy, gb.xy)
    assert a.crs == b.crs
    assert [(lm.node, lm.name, lm.kind, lm.name_zh) for lm in a.landmarks] == [
        (lm.node, lm.name, lm.kind, lm.name_zh) for lm in b.landmarks
    ]


@pytest.fixture(scope="module")
def shanghai_state(shanghai):
    """Shanghai with four roads closed (one of them curved) and three slowed."""
    curved = int(np.flatnonzero(shanghai.edges.geometry.counts > 0)[-1])
    return shanghai.under(
        [Disruption((1, 2, 3, curved)), Disruption((5, 6, 7), factor=2.5, label="slow")]
    )


def test_graphml_written_by_yingji_reads_back_exactly(shanghai_state, tmp_path):
    back = load_network(save_graphml(shanghai_state, tmp_path / "shanghai.graphml"))
    assert back.cleaning.nodes_dropped == 0 and back.cleaning.edges_dropped == 0
    _same_network(shanghai_state, back)
    # Its closures are the loaded network's own: undisrupted, yet closed.
    assert back.under([]) is back and back.closed.sum() == 4
    np.testing.assert_array_equal(back.travel_times([0, 99]), shanghai_state.travel_times([0, 99]))


def test_a_networkx_graph_from_yingji_compiles_back_exactly(shanghai_state):
    _same_network(shanghai_state, from_networkx(shanghai_state.to_networkx()))


# ------------------------------------------------------------ a user's own graph
def _line(**attrs: dict) -> nx.MultiDiGraph:
    """0 - 1 - 2 - 3 along x, 600 m links at 36 km/h (60 s), and a long way 0 - 4 - 3.

    ``attrs`` maps a link ``"a-b"`` to extra attributes of both its directions.
    """
    g = nx.MultiDiGraph(crs="EPSG:32650")
    for n, (x, y) in enumerate([(0, 0), (600, 0), (1200, 0), (1800, 0), (900, 900)]):
        g.add_node(n, x=float(x), y=float(y))
    for a, b in ((0, 1), (1, 2), (2, 3), (0, 4), (4, 3)):
        extra = attrs.get(f"{a}-{b}", {})
        for s, t in ((a, b), (b, a)):
            g.add_edge(s, t, length=600.0, speed_kph=36.0, highway="residential", **extra)
    return g


def _first_arrival(net) -> float:
    """Minutes from the call to the first team at node 3, sent from node 0."""
    fire = Requirement("fire", 3, (("fire", 1),))
    station = Station("A", 0, "city", (TeamSpec("fire", 6, turnout=Fixed(0.0)),))
    stream = stream_from([0.0], [3], requirements=[fire], control=[10.0], clear=[5.0])
    rec = sim.run(net, [station], (), stream, rng=np.random.default_rng(0), call_taking=Fixed(0.0))
    return float(rec.incidents["first_arrival"][0])


def test_own_travel_times_reach_the_oracle_and_the_simulation():
    slow = {"travel_time": 300.0}  # a 600 m link that takes five minutes (works, a hill)
    net = from_networkx(_line(**{"1-2": slow, "0-4": {"travel_time": 90.0}}))
    pairs = zip(net.edges.u.tolist(), net.edges.v.tolist(), strict=True)
    t = dict(zip(pairs, net.edge_time, strict=True))
    assert t[1, 2] == t[2, 1] == 300.0 and t[0, 4] == 90.0
    assert t[0, 1] == pytest.approx(60.0) and t[4, 3] == pytest.approx(60.0)  # length / speed
    oracle = TravelOracle(net, np.array([0]))
    want = [0.0, 60.0, 210.0, 150.0, 90.0]  # node 2 by 0-4-3-2: 90 + 60 + 60
    np.testing.assert_allclose(oracle.out_times[0], want)
    np.testing.assert_allclose(oracle.in_times[0], want)
    assert _first_arrival(net) == pytest.approx(150.0 / 60)


def test_a_closed_edge_is_closed_in_the_undisrupted_network():
    shut = {"closed": "True"}  # as GraphML gives it: text
    net = from_networkx(_line(**{"0-4": shut, "4-3": {"closed": False}}))
    assert net.closed.sum() == 2 and net.under([]) is net.base
    assert net.summary()["closed_edges"] == 2
    assert _first_arrival(net) == pytest.approx(3.0)  # 0-1-2-3, the long way shut
    assert net.with_closed([0]).closed.sum() == 3
    inf_time = from_networkx(_line(**{"0-4": {"travel_time": float("inf")}}))
    np.testing.assert_array_equal(inf_time.closed, net.closed)  # what yingji writes for closed
    reopened = inf_time.edges.travel_time[inf_time.closed]
    assert reopened == pytest.approx([60.0, 60.0])  # its time, were it open: length / speed


def test_edges_follow_their_edge_ids():
    g = nx.MultiDiGraph(crs="EPSG:32650")
    g.add_node("a", x=0.0, y=0.0)
    g.add_node("b", x=100.0, y=0.0)
    ends = [("a", "b"), ("a", "b"), ("b", "a"), ("b", "a")]
    for length, ((s, t), eid) in enumerate(zip(ends, (2, 0, 3, 1), strict=True), start=1):
        g.add_edge(s, t, length=float(length), edge_id=str(eid))
    assert from_networkx(g).edges.length.tolist() == [2.0, 4.0, 1.0, 3.0]
    g.edges["b", "a", 0]["edge_id"] = "2"  # not distinct: the graph's own order
    assert from_networkx(g).edges.length.tolist() == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-5", "travel_time -5.0 is not a number >= 0"),
        ("nan", "travel_time nan is not a number >= 0"),
        ("soon", "travel_time 'soon' is not a number"),
    ],
)
def test_a_bad_travel_time_is_refused_naming_the_file_and_the_key(tmp_path, value, words):
    path = tmp_path / "bad.graphml"
    g = _line()
    for *_pair, d in g.edges(data=True):  # noqa: B007 - text values, as osmnx writes them
        d["travel_time"] = "60"
    g.edges[1, 2, 0]["travel_time"] = value
    nx.write_graphml(g, path)
    with pytest.raises(NetworkError) as info:
        load_network(path)
    text = str(info.value)
    assert text.startswith(f"{path}: edge 1->2: {words}"), text
    assert "\n" not in text


def test_a_bad_closed_flag_is_refused_naming_the_file_and_the_key(tmp_path):
    path = tmp_path / "bad.graphml"
    nx.write_graphml(_line(**{"2-3": {"closed": "maybe"}}), path)
    with pytest.raises(NetworkError, match=r"bad.graphml: edge 2->3: closed 'maybe' is not true"):
        load_network(path)
