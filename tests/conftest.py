"""Shared fixtures: the built-in county and city, the real OSM extracts beside the repository."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# English unless a test asks for Chinese (--lang zh): results must not hang on the machine's locale.
os.environ["YINGJI_LANG"] = "en"

REPO = Path(__file__).resolve().parents[1]
#: Real OpenStreetMap extracts (ODbL), kept outside the repository; CI has ../shared beside it.
OSM_DIR = REPO.parent / "shared" / "data" / "osm"
SHANGHAI = OSM_DIR / "cn_shanghai_center_overpass2025.osm.bz2"


def read_csv(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts (the tests read the files the commands write, BOM and all)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def osm_file(name: str) -> Path:
    """Path of a shared OSM extract, skipping the test if it is not there."""
    path = OSM_DIR / name
    if not path.exists():
        pytest.skip(f"{path} not present (the shared data folder sits beside the clone)")
    return path


@pytest.fixture(scope="session")
def county():
    """The built-in synthetic county (default parameters)."""
    from networks import synthetic_county

    return synthetic_county()


@pytest.fixture(scope="session")
def city():
    """The built-in synthetic city (default parameters: about 198,000 nodes, a second)."""
    from networks import synthetic_city

    return synthetic_city()


@pytest.fixture(scope="session")
def shanghai():
    """The real central-Shanghai road network (about 3,700 nodes)."""
    from networks import load_network

    return load_network(osm_file(SHANGHAI.name))
