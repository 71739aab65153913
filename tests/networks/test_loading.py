"""Loading real OpenStreetMap extracts and GraphML files."""

from __future__ import annotations

import bz2
import gzip

import numpy as np
import pytest
from scipy.sparse import csgraph

from networks import NetworkError, load_network, save_graphml, synthetic_county
from networks.convert import _maxspeed_kph
from networks.speeds import DRIVABLE_HIGHWAYS
from tests.conftest import OSM_DIR, REPO, osm_file

ALL_FILES = sorted(p.name for p in OSM_DIR.glob("*.osm*")) if OSM_DIR.exists() else []


@pytest.mark.parametrize("name", ALL_FILES or ["cn_shanghai_center_overpass2025.osm.bz2"])
def test_every_shared_extract_loads_strongly_connected(name):
    net = load_network(osm_file(name))
    assert net.n_nodes > 100
    n, _ = csgraph.connected_components(net.csr, directed=True, connection="strong")
    assert n == 1
    assert set(np.unique(net.edges.highway)) <= DRIVABLE_HIGHWAYS
    assert (net.edges.speed_kph > 0).all() and (net.edges.length > 0).all()
    assert net.cleaning.nodes_in == net.n_nodes + net.cleaning.nodes_dropped


def test_shanghai_has_more_than_3000_nodes(shanghai):
    assert shanghai.n_nodes > 3000
    lon0, lat0, lon1, lat1 = shanghai.summary()["bbox_lonlat"]
    assert 121.40 < lon0 < lon1 < 121.56 and 31.17 < lat0 < lat1 < 31.28


def test_raw_export_keeps_only_drivable_ways():
    """A raw "Export" file (buildings, land use, rivers) keeps its filtered twin's roads."""
    raw = load_network(osm_file("cn_shenzhen_longgang_osmapi_export.osm.bz2"))
    drive = load_network(osm_file("cn_shenzhen_longgang_drive.osm.bz2"))
    # The filtered twin dropped service and track ways that an emergency vehicle may use,
    # so the raw load is a superset of its roads.
    assert set(drive.nodes.osmid) <= set(raw.nodes.osmid)
    assert "building" not in set(raw.edges.highway)


def test_gzip_and_bz2_give_the_same_network(tmp_path):
    src = osm_file("cn_jiangxi_guixi_drive.osm.bz2")
    gz = tmp_path / "guixi.osm.gz"
    gz.write_bytes(gzip.compress(bz2.decompress(src.read_bytes())))
    a, b = load_network(src), load_network(gz)
    np.testing.assert_array_equal(a.nodes.osmid, b.nodes.osmid)
    np.testing.assert_allclose(a.edge_time, b.edge_time)


def test_pbf_loads_offline():
    net = load_network(osm_file("ad_andorra_2013.osm.pbf"))
    assert net.n_nodes > 1000
    assert 1.4 < net.nodes.lon.mean() < 1.8  # Andorra


def test_speed_overrides_apply_to_untagged_roads():
    src = osm_file("cn_jiangxi_guixi_drive.osm.bz2")
    slow = load_network(src, speeds={"residential": 10})
    fast = load_network(src)
    res = fast.edges.highway == "residential"
    assert res.any()
    assert (slow.edges.speed_kph[res] <= fast.edges.speed_kph[res]).all()
    assert (slow.edges.speed_kph[res] == 10).any()


def test_graphml_round_trip_keeps_times_and_landmarks(tmp_path):
    net = synthetic_county(townships=3, villages=9)
    path = save_graphml(net, tmp_path / "county.graphml")
    back = load_network(path)
    assert back.n_nodes == net.n_nodes and back.n_edges == net.n_edges
    assert {lm.name for lm in back.landmarks} == {lm.name for lm in net.landmarks}
    src = [lm.node for lm in net.landmarks[:3]]
    src_back = [back.node_index(int(net.nodes.osmid[s])) for s in src]
    order = np.argsort(back.nodes.osmid)
    ids = np.searchsorted(back.nodes.osmid[order], net.nodes.osmid)
    np.testing.assert_allclose(
        back.travel_times(src_back)[:, order[ids]], net.travel_times(src), rtol=1e-6
    )


def test_a_loaded_network_is_named_after_its_file():
    net = load_network(REPO / "examples" / "data" / "shanghai_center.osm.bz2")
    assert net.name == "shanghai_center"


def test_save_graphml_writes_what_osmnx_writes(tmp_path):
    """The streamed writer gives osmnx's bytes: names that need escaping, closures, parallels."""
    import osmnx as ox

    from networks.roadnet import EdgeTable, Landmark, RoadNetwork

    base = synthetic_county(seed=3, townships=3, villages=20).with_closed([0, 5, 7])
    e = base.edges
    e.name[:3] = ["A & B <Rd>", "", "C\rD"]
    marks = [*base.landmarks[:2], Landmark(base.landmarks[2].node, "Q&A <town>", "village")]
    # A second road between the same two nodes (a parallel edge, key 1).
    u, v = np.append(e.u, e.u[4]), np.append(e.v, e.v[4])
    edges = EdgeTable(
        u, v, np.append(e.length, 99.0), np.append(e.speed_kph, 20.0),
        np.append(e.highway, "service"), np.append(e.name, "Side"), np.append(e.name_zh, ""),
    )  # fmt: skip
    for net in (
        base,
        RoadNetwork(base.nodes, edges, crs=base.crs, landmarks=marks, name="x&y"),
        load_network(REPO / "examples" / "data" / "shanghai_center.osm.bz2"),
    ):
        ox.save_graphml(net.to_networkx(), tmp_path / "osmnx.graphml")
        save_graphml(net, tmp_path / "yingji.graphml")
        want = (tmp_path / "osmnx.graphml").read_bytes()
        assert (tmp_path / "yingji.graphml").read_bytes() == want


@pytest.mark.parametrize(
    ("tag", "kph"),
    [("50", 50.0), ("30 mph", 48.28032), (["40", "60"], 60.0), ("signals", None), ("none", None)],
)
def test_maxspeed_parsing(tag, kph):
    got = _maxspeed_kph(tag)
    assert got == (pytest.approx(kph) if kph is not None else None)


def test_bad_files_raise_one_clear_error(tmp_path):
    empty = tmp_path / "empty.osm"
    empty.write_text("")
    corrupt = tmp_path / "corrupt.osm.bz2"
    corrupt.write_bytes(b"BZh9 not really bzip2")
    buildings = tmp_path / "buildings.osm"
    buildings.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="31.0" lon="121.0"/><node id="2" lat="31.001" lon="121.0"/>'
        '<node id="3" lat="31.001" lon="121.001"/>'
        '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/>'
        '<tag k="building" v="yes"/></way></osm>'
    )
    for path, what in [
        (tmp_path / "missing.osm", "no such file"),
        (empty, "empty"),
        (corrupt, "not a readable"),
        (buildings, "no drivable roads"),
        (tmp_path, "folder"),
    ]:
        with pytest.raises(NetworkError, match=what) as info:
            load_network(path)
        assert str(path) in str(info.value)
        assert "\n" not in str(info.value)
