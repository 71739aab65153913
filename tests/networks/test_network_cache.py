"""The network cache: a cached load is the parsed one, array for array, and never a stale one."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from networks import load_network, save_graphml, synthetic_county
from networks.cleaning import WARN_DROPPED_SHARE
from networks.network_cache import CACHE_ENV, cache_dir, trim
from networks.roadnet import RoadNetwork
from tests.conftest import REPO

SHIPPED = REPO / "examples" / "data" / "shanghai_center.osm.bz2"


def tiny_osm(path, *, side: int = 5) -> object:
    """A small OpenStreetMap file: a grid of two-way streets (one named in Chinese and
    English), a village node, and a star of streets apart from it that cleaning drops
    (over 5 % of the nodes)."""
    nodes, ways = [], []
    for r in range(side):
        for c in range(side):
            nodes.append(f'<node id="{1 + r * side + c}" lat="{31 + r * 0.002}" '
                         f'lon="{121 + c * 0.002}"/>')  # fmt: skip
    n = side * side
    for r in range(side):
        refs = "".join(f'<nd ref="{1 + r * side + c}"/>' for c in range(side))
        tags = '<tag k="highway" v="residential"/>'
        if r == 0:
            tags = '<tag k="highway" v="primary"/><tag k="name" v="解放路"/>'
            tags += '<tag k="name:en" v="Jiefang Road"/>'
        ways.append(f'<way id="{100 + r}">{refs}{tags}</way>')
    for c in range(side):
        refs = "".join(f'<nd ref="{1 + r * side + c}"/>' for r in range(side))
        ways.append(f'<way id="{200 + c}">{refs}<tag k="highway" v="tertiary"/></way>')
    # A star of two-way streets away from the grid: not connected to it, so it is dropped.
    hub = n + 1
    nodes.append(f'<node id="{hub}" lat="31.05" lon="121.05"/>')
    for k, (dlat, dlon) in enumerate(((0.002, 0), (0, 0.002), (-0.002, 0))):
        nodes.append(f'<node id="{hub + 1 + k}" lat="{31.05 + dlat}" lon="{121.05 + dlon}"/>')
        ways.append(f'<way id="{300 + k}"><nd ref="{hub}"/><nd ref="{hub + 1 + k}"/>'
                    '<tag k="highway" v="residential"/></way>')  # fmt: skip
    nodes.append('<node id="900" lat="31.004" lon="121.004"><tag k="place" v="village"/>'
                 '<tag k="name" v="陈家村"/><tag k="name:en" v="Chenjia"/></node>')  # fmt: skip
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><osm version="0.6">'
                    + "".join(nodes) + "".join(ways) + "</osm>", encoding="utf-8")  # fmt: skip
    return path


def assert_same(a: RoadNetwork, b: RoadNetwork) -> None:
    """Every column (dtype included), the landmarks, the report and the credit are equal."""
    for table in ("nodes", "edges"):
        for key, x in vars(getattr(a, table)).items():
            y = getattr(getattr(b, table), key)
            assert (x is None) == (y is None), key
            if key == "geometry" and x is not None:
                assert np.array_equal(x.offsets, y.offsets) and np.array_equal(x.xy, y.xy)
            elif x is not None:
                assert x.dtype == y.dtype and np.array_equal(x, y), (table, key)
    assert np.array_equal(a.factor, b.factor)
    assert (a.name, a.crs, a.landmarks, a.cleaning) == (b.name, b.crs, b.landmarks, b.cleaning)
    ca, cb = a.cleaning, b.cleaning
    assert (ca.source, ca.attribution) == (cb.source, cb.attribution)
    da, db = a.cleaning.dropped, b.cleaning.dropped
    assert (da is None) == (db is None)
    if da is not None:
        for key in ("osmid", "x", "y", "lon", "lat", "part", "sizes"):
            assert np.array_equal(getattr(da, key), getattr(db, key)), key


def entries(folder) -> list:
    return sorted(p.name for p in folder.glob("*.npz"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def parsed(path, monkeypatch, **kw) -> RoadNetwork:
    """``path`` loaded with the cache off."""
    with monkeypatch.context() as m:
        m.setenv(CACHE_ENV, "off")
        return load_network(path, **kw)


def test_the_shipped_extract_comes_back_from_the_cache_as_parsed(monkeypatch):
    # The run's own cache (tests/conftest.py): other tests load this file too, so this
    # test parses it once, with the cache off.
    again = load_network(SHIPPED)
    assert any(cache_dir().glob("*.npz"))
    assert_same(load_network(SHIPPED), again)
    assert_same(again, parsed(SHIPPED, monkeypatch))
    assert again.cleaning.dropped is not None and len(again.cleaning.dropped)  # it has cut parts


def test_an_osm_file_comes_back_with_its_names_places_and_cut_parts(cache, tmp_path, monkeypatch):
    path = tiny_osm(tmp_path / "tiny.osm")
    first, again = load_network(path), load_network(path)
    assert len(entries(cache)) == 1
    fresh = parsed(path, monkeypatch)
    assert_same(first, fresh)
    assert_same(again, fresh)
    assert {lm.name_zh for lm in again.landmarks} == {"陈家村"}
    assert "解放路" in set(again.edges.name_zh) and "Jiefang Road" in set(again.edges.name)
    assert again.cleaning.nodes_dropped == 4


_FIXTURES = [HealthCheck.function_scoped_fixture]


@settings(max_examples=8, deadline=None, suppress_health_check=_FIXTURES)
@given(st.integers(0, 50), st.lists(st.integers(0, 300), max_size=5), st.booleans())
def test_graphml_with_closures_landmarks_and_bends_round_trips(tmp_path_factory, seed, closed, geo):
    folder = tmp_path_factory.mktemp("g")
    net = synthetic_county(seed=seed, townships=3, villages=9)
    if not geo:  # a file without bends
        edges = dataclasses.replace(net.edges, geometry=None)
        net = RoadNetwork(net.nodes, edges, crs=net.crs, landmarks=net.landmarks, name=net.name)
    net = net.with_closed(closed)
    path = save_graphml(net, folder / "county.graphml")
    with pytest.MonkeyPatch.context() as m:
        m.setenv(CACHE_ENV, str(folder / "cache"))
        first, again = load_network(path), load_network(path)
        m.setenv(CACHE_ENV, "off")
        fresh = load_network(path)
    assert len(entries(folder / "cache")) == 1
    assert_same(first, fresh)
    assert_same(again, fresh)


def test_a_changed_file_is_parsed_again(cache, tmp_path, monkeypatch):
    path = tmp_path / "roads.graphml"
    save_graphml(synthetic_county(seed=1, townships=3, villages=9), path)
    load_network(path)
    save_graphml(synthetic_county(seed=2, townships=3, villages=9), path)
    assert_same(load_network(path), parsed(path, monkeypatch))
    assert len(entries(cache)) == 2


def test_name_and_source_are_the_files_not_the_entrys(cache, tmp_path):
    a = tiny_osm(tmp_path / "uptown.osm")
    b = tmp_path / "b" / "downtown.osm"
    b.parent.mkdir()
    shutil.copyfile(a, b)
    first, second = load_network(a), load_network(b)
    assert len(entries(cache)) == 1  # one content, one entry
    assert (first.name, second.name) == ("uptown", "downtown")
    assert (first.cleaning.source, second.cleaning.source) == (str(a), str(b))


def test_speed_overrides_are_part_of_the_key(cache, tmp_path, monkeypatch):
    path = tiny_osm(tmp_path / "tiny.osm")
    plain = load_network(path)
    slow = load_network(path, speeds={"residential": 10})
    assert len(entries(cache)) == 2
    assert_same(slow, parsed(path, monkeypatch, speeds={"residential": 10}))
    res = plain.edges.highway == "residential"
    assert (slow.edges.speed_kph[res] <= plain.edges.speed_kph[res]).all()
    assert (slow.edges.speed_kph[res] < plain.edges.speed_kph[res]).any()


def test_graphml_speed_overrides_still_say_they_change_nothing(cache, tmp_path, caplog):
    path = save_graphml(synthetic_county(townships=3, villages=9), tmp_path / "own.graphml")
    load_network(path)  # cached without overrides
    with caplog.at_level(logging.WARNING):
        load_network(path, speeds={"residential": 10})
    assert "change none of them" in caplog.text


def test_the_dropped_nodes_warning_is_given_on_a_cached_load(cache, tmp_path, caplog):
    share = load_network(tiny_osm(tmp_path / "tiny.osm")).cleaning.share_dropped  # cached
    assert share > WARN_DROPPED_SHARE
    copy = tmp_path / "cut.osm"  # a path never warned about in this process
    shutil.copyfile(tmp_path / "tiny.osm", copy)
    with caplog.at_level(logging.WARNING):
        net = load_network(copy)
    assert len(entries(cache)) == 1 and net.cleaning.share_dropped == share
    assert f"{copy}: {net.cleaning.nodes_dropped:,} of" in caplog.text


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_entry_is_parsed_again_and_rewritten(cache, tmp_path, monkeypatch, damage):
    path = save_graphml(synthetic_county(townships=3, villages=9), tmp_path / "c.graphml")
    load_network(path)
    (entry,) = cache.glob("*.npz")
    data = entry.read_bytes()
    entry.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"PK\x03\x04" * 99,
                       "empty": b""}[damage])  # fmt: skip
    assert_same(load_network(path), parsed(path, monkeypatch))
    assert entry.read_bytes() == data  # rewritten whole


def test_off_writes_nothing_and_an_unwritable_folder_is_done_without(tmp_path, monkeypatch):
    path = save_graphml(synthetic_county(townships=3, villages=9), tmp_path / "c.graphml")
    for off in ("off", "0", ""):
        monkeypatch.setenv(CACHE_ENV, off)
        assert cache_dir() is None
        load_network(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.graphml"]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert_same(load_network(path), parsed(path, monkeypatch))
    assert blocker.read_text() == "not a folder"


def test_the_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if os.name == "nt":
        pytest.skip("Windows keeps it under LOCALAPPDATA")
    assert cache_dir() == tmp_path / "yingji" / "networks"


def test_trim_removes_the_least_recently_used_first(tmp_path):
    sizes = {"a.npz": 300, "b.npz": 300, "c.npz": 300}
    for k, (name, size) in enumerate(sizes.items()):
        p = tmp_path / name
        p.write_bytes(b"x" * size)
        os.utime(p, (1000 + k, 1000 + k))  # a oldest, c newest
    os.utime(tmp_path / "a.npz", (2000, 2000))  # a read since: now the newest
    trim(tmp_path, max_bytes=650)
    assert entries(tmp_path) == ["a.npz", "c.npz"]
    trim(tmp_path, max_bytes=10_000)
    assert entries(tmp_path) == ["a.npz", "c.npz"]


def test_trim_removes_what_a_killed_load_left_once_it_is_old(tmp_path):
    from networks.files import TMP_PREFIX

    old, fresh = tmp_path / f"{TMP_PREFIX}1-ab-x.npz", tmp_path / f"{TMP_PREFIX}2-cd-y.npz"
    for p in (old, fresh):
        p.write_bytes(b"half")
    os.utime(old, (1000, 1000))
    trim(tmp_path)
    assert not old.exists() and fresh.exists()  # one may still be being written
