"""OpenStreetMap's credit (ODbL 4.3) stays with the roads: through GraphML, osmnx and every state.

A network records its data's attribution when it comes from OpenStreetMap (a file,
an osmnx graph or download, a GraphML that yingji or osmnx wrote of one); every
map of it then credits OpenStreetMap. Synthetic networks record none.
"""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import networkx as nx
import pytest

from networks import Disruption, from_networkx, i18n, load_network, save_graphml
from networks.credit import OSM_CREDIT, graph_attribution, network_credit
from networks.graphml import read_graphml
from networks.roadnet import RoadNetwork
from tests.networks.test_map_credit import OSM_XML

REPO = Path(__file__).resolve().parents[2]
CREDIT = "© OpenStreetMap contributors"


@pytest.fixture(scope="module")
def osm_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("osm") / "roads.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graphml_of_osm(osm_file: Path) -> Path:
    """What ``yingji network build --osm roads.osm -o roads.graphml`` writes."""
    return save_graphml(load_network(osm_file), osm_file.with_name("roads.graphml"))


def _both_readers(path: Path) -> list[RoadNetwork]:
    """The streamed reader's network and the networkx path's."""
    return [load_network(path), from_networkx(read_graphml(path))]


def _osmnx_style(path: Path, **graph: str) -> Path:
    """A tiny GraphML as osmnx writes it: every value text, osmnx's graph attributes."""
    g = nx.MultiDiGraph(**graph)
    for n, (lon, lat) in {1: (121.0, 31.0), 2: (121.002, 31.0), 3: (121.0, 31.002)}.items():
        g.add_node(n, x=str(lon), y=str(lat), street_count="2")
    for a, b in ((1, 2), (2, 3), (3, 1), (2, 1), (3, 2), (1, 3)):
        g.add_edge(a, b, osmid="7", highway="residential", oneway="False", length="220.0")
    nx.write_graphml(g, path)
    return path


def test_an_osm_file_made_graphml_keeps_the_credit(osm_file, graphml_of_osm):
    assert network_credit(load_network(osm_file)) == CREDIT
    assert read_graphml(graphml_of_osm).graph["attribution"] == CREDIT  # written in the file
    for net in _both_readers(graphml_of_osm):
        assert net.cleaning.attribution == CREDIT and network_credit(net) == CREDIT
        with i18n.language("zh"):
            assert network_credit(net) == "© OpenStreetMap 贡献者"
        # ... and written again: a GraphML of a GraphML of OpenStreetMap data still credits it.
        again = save_graphml(net, graphml_of_osm.with_name("again.graphml"))
        assert network_credit(load_network(again)) == CREDIT


def test_the_osm_network_as_networkx_carries_its_credit(osm_file):
    g = load_network(osm_file).to_networkx()
    assert g.graph["attribution"] == CREDIT
    assert network_credit(from_networkx(g)) == CREDIT


def test_an_osmnx_graphml_is_credited(tmp_path):
    meta = {"created_date": "2025-01-01 00:00:00", "created_with": "OSMnx 2.1.1"}
    path = _osmnx_style(tmp_path / "osmnx.graphml", crs="epsg:4326", simplified="True", **meta)
    for net in _both_readers(path):
        assert network_credit(net) == CREDIT
    # The graph osmnx hands over (a download, an OSM file read by osmnx) is credited too.
    assert network_credit(from_networkx(read_graphml(path))) == CREDIT


def test_a_plain_graphml_is_not_credited_unless_its_source_is_an_osm_file(tmp_path):
    plain = _osmnx_style(tmp_path / "plain.graphml", crs="epsg:4326")
    assert [network_credit(n) for n in _both_readers(plain)] == [None, None]
    named = _osmnx_style(tmp_path / "named.graphml", crs="epsg:4326", source="city.osm.pbf")
    assert [network_credit(n) for n in _both_readers(named)] == [CREDIT, CREDIT]


@pytest.mark.parametrize(
    ("attrs", "want"),
    [
        ({"attribution": "© Survey Bureau"}, "© Survey Bureau"),  # a user's own data's credit
        ({"created_with": "OSMnx 1.9.4", "attribution": ""}, OSM_CREDIT),
        ({"created_by": "yingji", "name": "roads"}, ""),
        ({"source": "roads.graphml"}, ""),
        ({"source": "Roads.OSM.BZ2"}, OSM_CREDIT),
    ],
)
def test_graph_attributes_give_the_attribution(attrs, want):
    assert graph_attribution(attrs) == want


def test_synthetic_networks_owe_no_credit(county, tmp_path):
    assert county.cleaning.attribution == "" and network_credit(county) is None
    assert "attribution" not in county.to_networkx().graph
    path = save_graphml(county, tmp_path / "county.graphml")
    assert "attribution" not in path.read_text(encoding="utf-8")
    assert network_credit(load_network(path)) is None


def test_every_state_of_the_roads_keeps_the_credit(graphml_of_osm):
    net = load_network(graphml_of_osm)
    closed = net.with_closed([0])
    congested = net.under([Disruption((0, 1), factor=2.5, label="rush hour")])
    assert closed is not net and congested is not net and congested is not closed
    for state in (closed, congested, closed.base, pickle.loads(pickle.dumps(congested))):
        assert network_credit(state) == CREDIT


def test_calibrated_road_speeds_keep_the_credit(graphml_of_osm):
    from experiments.replay.adjust import adjusted_region

    @dataclasses.dataclass(frozen=True)
    class Area:
        network: RoadNetwork
        stations: tuple = ()

    net = load_network(graphml_of_osm)
    faster = adjusted_region(Area(net), speed={"local": 1.25}).network
    assert faster is not net and (faster.edges.speed_kph != net.edges.speed_kph).any()
    assert network_credit(faster) == CREDIT


def test_the_web_map_of_a_run_on_graphml_made_from_osm_credits_it(tmp_path):
    from experiments.cli import main
    from tests.experiments.webmap_pages import page_data

    shanghai = load_network(REPO / "examples" / "data" / "shanghai_center.osm.bz2")
    save_graphml(shanghai, tmp_path / "shanghai.graphml")
    for name in ("stations.csv", "depots.csv"):
        shutil.copy(REPO / "examples" / "shanghai" / name, tmp_path / name)
    config = (REPO / "examples" / "shanghai" / "run.toml").read_text(encoding="utf-8")
    config = config.replace("../data/shanghai_center.osm.bz2", "shanghai.graphml")
    assert 'file = "shanghai.graphml"' in config
    (tmp_path / "run.toml").write_text(config, encoding="utf-8")
    args = ["run", str(tmp_path / "run.toml"), "--replications", "1", "--no-plots", "--quiet"]
    assert main([*args, "--map", "--out", str(tmp_path / "out")]) == 0
    assert page_data(tmp_path / "out" / "map.html")["attribution"] == CREDIT


def test_the_web_map_credit_follows_the_network(graphml_of_osm, county):
    from experiments.webmap import page_common

    assert page_common(load_network(graphml_of_osm), [0, 0, 1, 1], {})["attribution"] == CREDIT
    assert page_common(county, [0, 0, 1, 1], {})["attribution"] is None
    with i18n.language("zh"):
        forced = page_common(county, [0, 0, 1, 1], {}, osm=True)["attribution"]
    assert forced == "© OpenStreetMap 贡献者"  # a caller that knows better still credits it
