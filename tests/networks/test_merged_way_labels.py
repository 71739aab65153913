"""Merged OSM ways get the same road class and name in every process.

osmnx keeps a simplified edge's tags as ``list(set(...))``, whose order follows
the process's hash seed: picking by position made labels (and with them the
hour multipliers, drill place names and written GraphML) differ from run to run.
"""

from __future__ import annotations

import hashlib
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
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST, str(EXTRACT)],
            env=env, capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        digests.add(out.stdout.strip())
    assert len(digests) == 1
    assert len(next(iter(digests))) == len(hashlib.sha256().hexdigest())
