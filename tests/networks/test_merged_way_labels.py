"""Merged OSM ways get the same road class and name in every process.

osmnx keeps a simplified edge's tags as ``list(set(...))``, whose order follows
the process's hash seed: picking by position made labels (and with them the
hour multipliers, drill place names and written GraphML) differ from run to run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from networks.convert import _first, _road_class
from networks.speeds import speed_table

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "examples" / "data" / "shanghai_center.osm.bz2"

_DIGEST = """
import hashlib, sys
from networks import load_network
e = load_network(sys.argv[1]).edges
text = "|".join(map(str, e.highway)) + "#" + "|".join(map(str, e.name))
print(hashlib.sha256((text + "#" + "|".join(map(str, e.name_zh))).encode()).hexdigest())
"""


def test_a_merged_ways_class_is_the_one_its_speed_came_from_whatever_the_order():
    table = speed_table(None)
    for order in (["residential", "primary"], ["primary", "residential"]):
        assert _road_class(order, table) == "primary"
    # An unknown class never wins over a known one; among unknown ones, by name.
    assert _road_class(["zz_track", "service"], table) == "service"
    assert _road_class(["b_way", "a_way"], table) == "a_way"
    assert _road_class("tertiary", table) == "tertiary"
    assert _first(["Shangcheng Road", "Binjiang Avenue"]) == _first(
        ["Binjiang Avenue", "Shangcheng Road"]
    )


@pytest.mark.skipif(not EXTRACT.exists(), reason="the shipped extract is not in this checkout")
def test_the_shipped_extract_reads_the_same_labels_under_any_hash_seed():
    # Two seeds: the extract merges hundreds of ways, so a label that followed set or
    # dict order would differ between any two of them.
    digests = set()
    for seed in ("1", "2"):
        # Parsed each time: an entry of the network cache would give the first seed's labels.
        env = {**os.environ, "PYTHONHASHSEED": seed, "YINGJI_CACHE_DIR": "off"}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST, str(EXTRACT)],
            env=env, capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        digests.add(out.stdout.strip())
    assert len(digests) == 1 and "" not in digests  # one digest, and the script printed it


def test_a_merged_edges_english_and_chinese_names_come_from_one_way():
    """Two ways joined at a node of degree two merge into one edge: its two names must be
    one way's, whatever order osmnx lists each tag in."""
    import networkx as nx
    import osmnx as ox

    from networks.convert import from_networkx, pair_names

    ways = {
        # The least English name is way a's, the least Chinese one way b's.
        "a": {"name": "浦东南路", "name:en": "Binjiang Avenue"},
        "b": {"name": "交通路", "name:en": "Huiwen Road"},
    }
    for order in (("a", "b"), ("b", "a")):
        g = nx.MultiDiGraph(crs="EPSG:4326")
        for n, x in enumerate((121.50, 121.51, 121.52)):
            g.add_node(n, x=x, y=31.2)
        for (u, v), w in zip(((0, 1), (1, 2)), order, strict=True):
            for a, b in ((u, v), (v, u)):
                g.add_edge(a, b, osmid=hash(w) % 1000, highway="primary", length=1000.0,
                           oneway=False, reversed=a != u, **ways[w])  # fmt: skip
        pair_names(g)
        merged = ox.simplify_graph(g)
        assert merged.number_of_edges() == 2  # one edge each way, holding both ways' tags
        e = from_networkx(merged).edges
        got = set(zip(map(str, e.name), map(str, e.name_zh), strict=True))
        assert got == {("Binjiang Avenue", "浦东南路")}  # the first pair by value: way a's
