"""Shared fixtures: the built-in county and city, the real OSM extracts beside the repository."""

from __future__ import annotations

import atexit
import csv
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# English unless a test asks for Chinese (--lang zh): results must not hang on the machine's locale.
os.environ["YINGJI_LANG"] = "en"
# The commands the tests start in child processes (docs sessions, experiment workers, hash
# seeds) import a few hundred of yingji's modules each: where the machine asks Python not
# to write bytecode beside the sources, they would compile every one each time (a tenth of
# such a test). Their bytecode goes to a cache outside the checkout instead.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
    _user = getattr(os, "getuid", lambda: "")()  # one cache per user (none on Windows)
    _pyc = Path(tempfile.gettempdir()) / f"yingji-tests-pyc{_user}"
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(_pyc))
# Loaded road networks (networks.network_cache) are kept for this run only, in a folder the
# process that made it removes at exit (pytest-xdist's workers and the commands the tests
# start share it): each file is parsed afresh once per run, never read from an older one.
_NET_CACHE = "yingji-tests-networks-"
_given = os.environ.get("YINGJI_CACHE_DIR", "")
if _given.lower() not in ("off", "0") and not (
    Path(_given).name.startswith(_NET_CACHE) and Path(_given).is_dir()
):
    _made = tempfile.mkdtemp(prefix=_NET_CACHE)
    os.environ["YINGJI_CACHE_DIR"] = _made
    atexit.register(shutil.rmtree, _made, ignore_errors=True)

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow tests first, so that the workers of ``pytest -n 2`` end together.

    Left in file order, the documentation's end-to-end runs (a minute each) came
    late and one worker ran the last of them alone.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
