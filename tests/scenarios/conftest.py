from __future__ import annotations

from pathlib import Path

import pytest

import networks
from scenarios.catalogue import HazardCatalogue, load_catalogue

SHANGHAI = (
    Path(__file__).resolve().parents[2].parent
    / "shared" / "data" / "osm" / "cn_shanghai_center_overpass2025.osm.bz2"
)  # fmt: skip


@pytest.fixture(scope="session")
def county() -> networks.RoadNetwork:
    """The built-in county (the default network)."""
    return networks.synthetic_county()


@pytest.fixture(scope="session")
def small() -> networks.RoadNetwork:
    """A small county: fast enough for hundreds of draws."""
    return networks.synthetic_county(seed=3, townships=4, villages=16, grid=8)


@pytest.fixture(scope="session")
def shanghai() -> networks.RoadNetwork:
    if not SHANGHAI.is_file():
        pytest.skip(f"Shanghai extract not found at {SHANGHAI}")
    return networks.load_network(SHANGHAI)


@pytest.fixture(scope="session")
def catalogue() -> HazardCatalogue:
    return load_catalogue()
