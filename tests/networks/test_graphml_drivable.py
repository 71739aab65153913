"""GraphML files and networkx graphs keep only drivable OSM roads, as the OSM reader does."""

from __future__ import annotations

import networkx as nx
import pytest

from networks import from_networkx, load_graphml, save_graphml
from networks.errors import NetworkError


def _graph(extra: dict[str, object], multi: bool = True) -> nx.DiGraph:
    """A two-way residential triangle 1-2-3 and an edge 3<->4 of the given attributes."""
    g = nx.MultiDiGraph(crs="EPSG:32650") if multi else nx.DiGraph(crs="EPSG:32650")
    for n, (x, y) in {1: (0, 0), 2: (1000, 0), 3: (0, 1000), 4: (0, 2000)}.items():
        g.add_node(n, x=float(x), y=float(y))
    for a, b in ((1, 2), (2, 3), (3, 1)):
        g.add_edge(a, b, length=1000.0, highway="residential")
        g.add_edge(b, a, length=1000.0, highway="residential")
    g.add_edge(3, 4, length=1000.0, **extra)
    g.add_edge(4, 3, length=1000.0, **extra)
    return g


@pytest.mark.parametrize(
    "extra",
    [
        {"highway": "footway"},
        {"highway": "steps"},
        {"highway": ["path", "cycleway"]},  # osmnx's merged ways
        {"highway": "residential", "access": "private"},
        {"highway": "service", "service": "parking_aisle"},
    ],
)
@pytest.mark.parametrize("multi", [True, False])
def test_an_osm_edge_no_truck_drives_is_left_out_with_its_node(extra, multi):
    g = _graph(extra, multi)
    net = from_networkx(g)
    assert net.n_nodes == 3 and len(net.edges.u) == 6
    assert net.cleaning.nodes_dropped == 0  # not a "dropped part": never a road
    assert g.number_of_edges() == 8  # the caller's graph is not changed


@pytest.mark.parametrize(
    "extra",
    [
        {},  # no highway tag
        {"highway": "farm_lane"},  # a class of the user's own
        {"highway": ["path", "tertiary"]},  # a merged way with a drivable part
        {"highway": "track"},
    ],
)
def test_edges_without_an_osm_non_drivable_class_stay(extra):
    net = from_networkx(_graph(extra))
    assert net.n_nodes == 4 and len(net.edges.u) == 8


def test_an_osmnx_graphml_loses_its_footways(tmp_path):
    g = _graph({"highway": "['footway', 'steps']", "osmid": "[5, 6]"})
    f = tmp_path / "walk.graphml"
    nx.write_graphml(g, f)  # text values, as osmnx writes a list tag
    net = load_graphml(f)
    assert net.n_nodes == 3
    assert set(net.edges.highway.tolist()) == {"residential"}


def test_a_graph_of_only_footways_has_no_drivable_roads():
    g = _graph({"highway": "footway"})
    for *_ends, d in g.edges(data=True):
        d["highway"] = "footway"
    with pytest.raises(NetworkError, match="no drivable roads"):
        from_networkx(g)


def test_a_graphml_written_by_yingji_loads_back_whole(tmp_path):
    net = from_networkx(_graph({"highway": "track", "closed": True}))
    f = save_graphml(net, tmp_path / "own.graphml")
    back = load_graphml(f)
    assert back.n_nodes == net.n_nodes and len(back.edges.u) == len(net.edges.u)
    assert back.edges.highway.tolist() == net.edges.highway.tolist()
