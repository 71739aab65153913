"""Fixtures of the scenario tests; ``county`` and ``shanghai`` come from tests/conftest.py."""

from __future__ import annotations

import pytest

import networks
from scenarios.catalogue import HazardCatalogue, load_catalogue


@pytest.fixture(scope="session")
def small() -> networks.RoadNetwork:
    """A small county: fast enough for hundreds of draws."""
    return networks.synthetic_county(seed=3, townships=4, villages=16, grid=8)


@pytest.fixture(scope="session")
def catalogue() -> HazardCatalogue:
    """The shipped hazard catalogue."""
    return load_catalogue()
