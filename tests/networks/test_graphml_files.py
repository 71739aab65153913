"""GraphML from osmnx, yingji or plain networkx loads; bad numbers are refused naming the edge."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from networks import NetworkError, load_network, load_osm
from networks.osm import _graph_from_osm_xml

REPO = Path(__file__).resolve().parents[2]
SHANGHAI = REPO / "examples" / "data" / "shanghai_center.osm.bz2"


def _triangle(**edge: object) -> nx.MultiDiGraph:
    """Three nodes (projected metres) joined both ways by roads of 100-200 m."""
    g = nx.MultiDiGraph(crs="EPSG:32650")
    for n, (x, y) in {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (0.0, 200.0)}.items():
        g.add_node(n, x=x, y=y)
    lengths = {(1, 2): 100.0, (2, 3): 224.0, (3, 1): 200.0}
    for (a, b), length in lengths.items():
        for u, v in ((a, b), (b, a)):
            g.add_edge(u, v, length=length, highway="residential", **edge)
    return g


def test_plain_networkx_graphml_with_typed_attributes_loads(tmp_path):
    path = tmp_path / "plain.graphml"
    nx.write_graphml(_triangle(speed_kph=36.0), path)
    assert 'attr.type="double"' in path.read_text()  # typed, unlike osmnx's files
    net = load_network(path)
    assert net.n_nodes == 3 and net.n_edges == 6
    assert sorted(net.edges.length) == [100.0, 100.0, 200.0, 200.0, 224.0, 224.0]
    assert np.allclose(net.edges.speed_kph, 36.0)
    a, b = net.node_index(1), net.node_index(2)
    assert net.travel_time(a, b) == pytest.approx(10.0)  # 100 m at 10 m/s
    assert net.summary()["total_km"] == pytest.approx(1.048)


def test_plain_networkx_graphml_without_speed_takes_the_road_class(tmp_path):
    path = tmp_path / "plain.graphml"
    nx.write_graphml(_triangle(), path)
    net = load_network(path)
    assert np.allclose(net.edges.speed_kph, 30.0)  # residential


@pytest.mark.parametrize(
    ("value", "words"),
    [(float("nan"), "length nan"), (-5.0, "length -5.0"), (float("inf"), "length inf")],
)
def test_bad_edge_length_names_the_file_and_the_edge(tmp_path, value, words):
    g = _triangle()
    g.edges[1, 2, 0]["length"] = value
    path = tmp_path / "bad.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(NetworkError) as info:
        load_network(path)
    text = str(info.value)
    assert text.startswith(f"{path}: edge 1->2: {words}"), text
    assert "\n" not in text


def test_missing_length_and_bad_coordinates_are_refused(tmp_path):
    g = _triangle()
    del g.edges[2, 3, 0]["length"]
    nx.write_graphml(g, tmp_path / "nolength.graphml")
    with pytest.raises(NetworkError, match="edge 2->3 has no length"):
        load_network(tmp_path / "nolength.graphml")
    g = _triangle()
    g.nodes[3]["y"] = float("nan")
    nx.write_graphml(g, tmp_path / "nan.graphml")
    with pytest.raises(NetworkError, match="node 3: y nan is not a finite number"):
        load_network(tmp_path / "nan.graphml")
    g = _triangle()
    g.graph["crs"] = "EPSG:4326"
    g.nodes[3]["y"] = 200.0  # not a latitude
    nx.write_graphml(g, tmp_path / "lat.graphml")
    with pytest.raises(NetworkError, match="node 3: y 200.0 is not a latitude"):
        load_network(tmp_path / "lat.graphml")


def test_osmnx_graphml_with_tag_lists_matches_the_osm_file(tmp_path):
    import osmnx as ox

    graph = _graph_from_osm_xml(SHANGHAI)
    assert any(isinstance(d.get("highway"), list) for *_, d in graph.edges(data=True))
    path = tmp_path / "shanghai.graphml"
    ox.save_graphml(graph, path)
    from_xml, from_graphml = load_osm(SHANGHAI), load_network(path)
    assert from_graphml.n_nodes == from_xml.n_nodes
    assert from_graphml.n_edges == from_xml.n_edges
    assert from_graphml.edges.length.sum() == pytest.approx(from_xml.edges.length.sum())
    assert sorted(from_graphml.edges.speed_kph) == pytest.approx(sorted(from_xml.edges.speed_kph))


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f\x8b\x08\x00 not deflate data",
        b"<osm>plain text, not gzip</osm>",
        gzip.compress(b"<osm>" + b"<node/>" * 2000 + b"</osm>")[:40],
    ],
    ids=["garbage", "not-gzip", "truncated"],
)
def test_corrupt_gzip_is_one_network_error(tmp_path, data):
    path = tmp_path / "roads.osm.gz"
    path.write_bytes(data)
    with pytest.raises(NetworkError, match="not a readable gzip file") as info:
        load_network(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roads.osm.gz"]


@pytest.mark.parametrize(("scale", "said"), [(1.0, False), (0.001, True), (0.0, True)])
def test_lengths_far_below_the_straight_line_are_said(tmp_path, caplog, scale, said):
    """Lengths in kilometres (or all 0) were read as metres: 0.1 s trips, without a word."""
    g = _triangle()
    for _u, _v, d in g.edges(data=True):
        d["length"] *= scale
    path = tmp_path / f"scaled_{scale}.graphml"
    nx.write_graphml(g, path)
    with caplog.at_level(logging.WARNING):
        load_network(path)
        load_network(path)  # every design point loads it: said once
    lines = [r.getMessage() for r in caplog.records if "straight line" in r.getMessage()]
    assert len(lines) == int(said)
    if said:
        assert lines[0].startswith(f"{path}: 6 of 6 edges are much shorter")
        assert "1 -> 2" in lines[0]
