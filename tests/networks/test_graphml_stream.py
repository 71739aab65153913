"""GraphML is read streaming into the network the networkx path gives, array for array.

The old path, ``from_networkx(read_graphml(path))``, is the reference: the
streamed reader must give the same nodes in the same order, the same edges,
lengths, speeds, classes, names, times, closures, geometry and landmarks, and
refuse the same files in the same words, without building an XML tree or a
networkx graph.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from networks import NetworkError, from_networkx, load_graphml, save_graphml, synthetic_county
from networks.graphml import read_graphml
from networks.osm import _graph_from_osm_xml

REPO = Path(__file__).resolve().parents[2]
SHANGHAI = REPO / "examples" / "data" / "shanghai_center.osm.bz2"
NS = 'xmlns="http://graphml.graphdrawing.org/xmlns"'


def _old(path: Path, **kw: object):
    """The network as loading gave it before: networkx's reader, then ``from_networkx``."""
    try:
        return from_networkx(read_graphml(path), name=path.name.split(".")[0], **kw)
    except NetworkError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise NetworkError(f"{path}: {exc}") from exc


def _assert_same(new, old) -> None:
    for f in ("osmid", "x", "y", "lon", "lat"):
        a, b = getattr(new.nodes, f), getattr(old.nodes, f)
        assert a.dtype == b.dtype and np.array_equal(a, b), f
    for f in ("u", "v", "length", "speed_kph", "highway", "name", "name_zh", "time_s", "closed"):
        a, b = getattr(new.edges, f), getattr(old.edges, f)
        assert (a is None) == (b is None), f
        if a is not None:
            assert a.dtype == b.dtype, (f, a.dtype, b.dtype)
            assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f
    ga, gb = new.edges.geometry, old.edges.geometry
    assert (ga is None) == (gb is None)
    if ga is not None:
        assert np.array_equal(ga.offsets, gb.offsets) and np.array_equal(ga.xy, gb.xy)
    assert np.array_equal(new.edge_time, old.edge_time)
    assert (new.crs, new.name, new.landmarks) == (old.crs, old.name, old.landmarks)
    assert new.cleaning.nodes_dropped == old.cleaning.nodes_dropped
    assert new.cleaning.edges_dropped == old.cleaning.edges_dropped


def _assert_same_refusal(path: Path) -> str:
    with pytest.raises(NetworkError) as old:
        _old(path)
    with pytest.raises(NetworkError) as new:
        load_graphml(path)
    assert str(new.value) == str(old.value)
    return str(new.value)


@pytest.fixture(scope="module")
def county_file(tmp_path_factory) -> Path:
    return save_graphml(synthetic_county(), tmp_path_factory.mktemp("g") / "county.graphml")


@pytest.fixture(scope="module")
def osmnx_graph():
    return _graph_from_osm_xml(SHANGHAI)


def test_county_written_by_yingji_reads_as_before(county_file):
    new = load_graphml(county_file)
    assert new.n_nodes > 2000 and new.landmarks and new.edges.name_zh.any()
    _assert_same(new, _old(county_file))


def test_osmnx_graphml_reads_as_before(osmnx_graph, tmp_path):
    import osmnx as ox

    path = tmp_path / "shanghai.graphml"
    ox.save_graphml(osmnx_graph, path)
    new = load_graphml(path)
    assert new.edges.geometry is not None and new.edges.time_s is None
    _assert_same(new, _old(path))
    speeds = {"residential": 12.0, "primary": 33.0}
    _assert_same(load_graphml(path, speeds=speeds), _old(path, speeds=speeds))


def test_osmnx_graphml_loses_the_same_footways_as_before(osmnx_graph, tmp_path):
    import osmnx as ox

    g = osmnx_graph.copy()
    for k, (*_ends, d) in enumerate(g.edges(data=True)):
        if k % 7 == 0:
            d["highway"] = ["footway", "steps"] if k % 2 else "footway"
        elif k % 11 == 0:
            d["access"] = "private"
        elif k % 13 == 0:
            d["maxspeed"] = ["30", "50 mph"]
    path = tmp_path / "all.graphml"
    ox.save_graphml(g, path)
    new = load_graphml(path)
    assert new.n_edges < g.number_of_edges() * 0.85
    _assert_same(new, _old(path))


def _triangle(graph: nx.Graph, **edge: object) -> nx.Graph:
    """Three nodes (projected metres) joined by roads, a fourth only named by an edge."""
    graph.graph["crs"] = "EPSG:32650"
    for n, (x, y) in {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (0.0, 200.0)}.items():
        graph.add_node(n, x=x, y=y)
    graph.nodes[3].update(landmark="Dongxiang", landmark_zh="东乡", landmark_kind="village")
    for a, b in ((1, 2), (2, 3), (3, 1)):
        graph.add_edge(a, b, length=100.0 * a, highway="residential", **edge)
        if graph.is_directed():
            graph.add_edge(b, a, length=100.0 * b, highway="tertiary", name="Dongjie", **edge)
    return graph


def _mixed_types() -> nx.MultiDiGraph:
    """Values of one attribute in several GraphML types (networkx writes a key per type)."""
    g = _triangle(nx.MultiDiGraph())
    for k, (*_ends, d) in enumerate(g.edges(data=True)):
        d["highway"] = [1, True, "1", 1.0, "residential", "primary"][k]
        d["closed"] = [1, False, "0", 0, "False", True][k]
        d["speed_kph"] = [40, 40.0, "40", True, 50, "60"][k]
    return g


@pytest.mark.parametrize(
    "graph",
    [
        _mixed_types(),
        _triangle(nx.DiGraph(), speed_kph=36.0),  # typed numbers, no edge ids
        _triangle(nx.Graph(), closed=False),  # undirected: each road both ways
        _triangle(nx.MultiDiGraph(), edge_id=7),  # one edge_id for all: the graph's order
        _triangle(nx.MultiGraph(), maxspeed="45"),
    ],
    ids=["mixed-types", "digraph", "undirected", "same-edge-id", "undirected-multi"],
)
def test_plain_networkx_graphml_reads_as_before(graph, tmp_path):
    path = tmp_path / "plain.graphml"
    nx.write_graphml(graph, path)
    _assert_same(load_graphml(path), _old(path))


def _graphml(edges: str, keys: str = "", header: str = f"<graphml {NS}>") -> str:
    """A hand-written GraphML file of nodes 1, 2, 3 (projected metres) and ``edges``."""
    return (
        f"{header}"
        '<key id="x" for="node" attr.name="x" attr.type="string"/>'
        '<key id="y" for="node" attr.name="y" attr.type="string"/>'
        '<key id="l" for="edge" attr.name="length" attr.type="string"/>'
        '<key id="h" for="edge" attr.name="highway" attr.type="string"/>'
        '<key id="c" for="graph" attr.name="crs" attr.type="string"/>'
        f'{keys}<graph edgedefault="directed"><data key="c">EPSG:32650</data>'
        '<node id="1"><data key="x">0</data><data key="y">0</data></node>'
        '<node id="2"><data key="x">90</data><data key="y">0</data></node>'
        '<node id="3"><data key="x">0</data><data key="y">70</data></node>'
        f"{edges}</graph></graphml>"
    )


def _edge(a: int, b: int, extra: str = "", eid: str = "") -> str:
    idattr = f' id="{eid}"' if eid else ""
    return (
        f'<edge source="{a}" target="{b}"{idattr}><data key="l">{10 * a + b}</data>{extra}</edge>'
    )


_RING = "".join(_edge(a, b) for a, b in ((1, 2), (2, 3), (3, 1), (2, 1), (3, 2), (1, 3)))


@pytest.mark.parametrize(
    "text",
    [
        _graphml(_RING, header="<graphml>"),  # no namespace, as networkx reads it too
        # a repeated id updates the first edge (networkx's multigraph keys): one edge, merged
        _graphml(_RING + _edge(1, 2, '<data key="h">primary</data>', eid="0")),
        _graphml(_edge(2, 1, eid="x") + _RING + _edge(2, 1, '<data key="h">motorway</data>', "x")),
        # ids that are not 0, 1, ... per pair, and edges that come before the nodes
        _graphml(_RING + _edge(1, 2, eid="5") + _edge(1, 2, eid="0") + _edge(1, 2)),
        _graphml("")
        .replace("</graph>", _RING + "</graph>")
        .replace('<node id="1">', _RING + '<node id="1">'),
        # children other than <data> are not read; a value given twice keeps the last
        _graphml(_RING.replace("<data", "<desc>a road</desc><data", 2)).replace(
            '<node id="2">', '<node id="2"><desc>a crossing</desc>'
        ),
        _graphml(_RING.replace("</edge>", '<data key="l">7</data></edge>', 2)),
    ],
    ids=["no-namespace", "repeated-id", "text-ids", "mixed-ids", "edges-first", "desc", "twice"],
)
def test_hand_written_graphml_reads_as_before(text, tmp_path):
    path = tmp_path / "hand.graphml"
    path.write_text(text)
    _assert_same(load_graphml(path), _old(path))


@pytest.mark.parametrize(
    ("edge", "words"),
    [
        ('<data key="l">nan</data>', "length nan"),
        ('<data key="l">-5</data>', "length -5.0"),
        ('<data key="l">long</data>', "length 'long' is not a number"),
        ("", "has no length"),
        ('<data key="l">5</data><data key="s">0</data>', "speed_kph 0.0"),
        ('<data key="l">5</data><data key="t">-1</data>', "travel_time -1.0"),
        ('<data key="l">5</data><data key="k">maybe</data>', "closed 'maybe'"),
        ('<data key="l">5</data><data key="g">POINT (1 2)</data>', "geometry POINT (1 2)"),
        ('<data key="l">5</data><data key="g">[1, 2]</data>', "geometry [1, 2]"),
    ],
)
def test_a_bad_edge_is_refused_as_before(edge, words, tmp_path):
    keys = (
        '<key id="s" for="edge" attr.name="speed_kph" attr.type="string"/>'
        '<key id="t" for="edge" attr.name="travel_time" attr.type="string"/>'
        '<key id="k" for="edge" attr.name="closed" attr.type="string"/>'
        '<key id="g" for="edge" attr.name="geometry" attr.type="string"/>'
    )
    bad = f'<edge source="3" target="2">{edge}</edge>'
    path = tmp_path / "bad.graphml"
    path.write_text(_graphml(_RING.replace(_edge(3, 2), bad), keys))
    text = _assert_same_refusal(path)
    assert text.startswith(f"{path}: edge 3->2") and words in text, text


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({'<data key="x">90<': '<data key="x">east<'}, "node 2: x 'east' is not a number"),
        ({'<data key="y">70<': '<data key="y">inf<'}, "node 3: y inf is not a finite number"),
        ({'<data key="y">70</data>': ""}, "node 3 has no y coordinate"),
        ({"EPSG:32650": "EPSG:4326", ">90<": ">190<"}, "node 2: x 190.0 is not a longitude"),
        ({"EPSG:32650": "not a crs"}, "crs 'not a crs' is not a coordinate system"),
        ({"<edge ": '<edge directed="false" '}, "not a readable"),
        ({'<data key="l">12': '<data key="zz">12'}, "not a readable"),
        ({"</graph>": ""}, "not a readable"),
        ({"</graph>": "<hyperedge/></graph>"}, "not a readable"),
    ],
)
def test_a_bad_file_is_refused_naming_the_same_thing(change, words, tmp_path):
    text = _graphml(_RING)
    for old, new in change.items():
        text = text.replace(old, new)
    path = tmp_path / "bad.graphml"
    path.write_text(text)
    if words == "not a readable":  # the XML parser's own words differ; the file and kind do not
        with pytest.raises(NetworkError, match="not a readable GraphML") as info:
            load_graphml(path)
        with pytest.raises(NetworkError, match="not a readable GraphML"):
            _old(path)
        assert str(info.value).startswith(f"{path}: ")
        return
    said = _assert_same_refusal(path)
    assert said.startswith(f"{path}: ") and words in said, said


def test_only_footways_is_no_drivable_road_as_before(tmp_path):
    path = tmp_path / "walk.graphml"
    path.write_text(
        _graphml(_RING.replace("</data></edge>", '</data><data key="h">steps</data></edge>'))
    )
    assert "has no drivable roads" in _assert_same_refusal(path)


def test_reading_builds_no_xml_tree_and_no_networkx_graph(county_file, monkeypatch):
    size = county_file.stat().st_size
    load_graphml(county_file)  # imports and caches out of the measurement
    tracemalloc.start()
    try:
        load_graphml(county_file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # networkx's reader holds the whole element tree and a graph of dicts: 16 times the
    # file's size on the county; the streamed one holds the arrays (2.4 times)
    assert peak < 5 * size, (peak, size)
    monkeypatch.setattr(nx, "read_graphml", lambda *a, **k: pytest.fail("networkx read"))
    assert load_graphml(county_file).n_edges > 0
