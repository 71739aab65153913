"""Road networks: load, generate, disrupt, and answer travel-time questions fast."""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _distribution_version

from networks.convert import from_networkx
from networks.errors import ConfigError, NetworkError, YingjiError
from networks.osm import download_place, load_graphml, load_network, load_osm, save_graphml
from networks.roadnet import (
    CleaningReport,
    Disruption,
    EdgeTable,
    Landmark,
    NodeTable,
    RoadNetwork,
)
from networks.speeds import DEFAULT_SPEEDS_KPH, speed_table
from networks.synthetic import synthetic_county
from networks.synthetic_city import synthetic_city

try:
    #: The installed version of yingji. Written once, in ``pyproject.toml``; ``yingji
    #: --version`` and the manifests read the same installed metadata.
    __version__: str = _distribution_version("yingji")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"
del PackageNotFoundError, _distribution_version

__all__ = [
    "DEFAULT_SPEEDS_KPH",
    "CleaningReport",
    "ConfigError",
    "Disruption",
    "EdgeTable",
    "Landmark",
    "NetworkError",
    "NodeTable",
    "RoadNetwork",
    "YingjiError",
    "__version__",
    "download_place",
    "from_networkx",
    "load_graphml",
    "load_network",
    "load_osm",
    "save_graphml",
    "speed_table",
    "synthetic_city",
    "synthetic_county",
]
