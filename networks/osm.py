"""Loading real roads: OpenStreetMap XML and PBF, GraphML, and places by name.

Every loader ends in :func:`networks.convert.from_networkx`, so each gives the
same compiled :class:`~networks.roadnet.RoadNetwork` with its largest strongly
connected part and a report of what was dropped.
"""

from __future__ import annotations

import ast
import bz2
import gzip
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from networks.convert import from_networkx
from networks.errors import NetworkError
from networks.files import atomic_path
from networks.roadnet import RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS

#: ``service=*`` values that are not through roads for a rescue vehicle.
_SERVICE_EXCLUDED = frozenset({"parking", "parking_aisle", "driveway", "private", "drive-through"})
#: ``access=*`` values that close a road to every vehicle.
_ACCESS_EXCLUDED = frozenset({"no", "private"})

_XML_SUFFIXES = (".osm", ".xml", ".osm.bz2", ".xml.bz2", ".osm.gz", ".xml.gz")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suf in (".osm.pbf", *_XML_SUFFIXES, ".graphml"):
        if name.endswith(suf):
            return suf
    return path.suffix.lower()


def _is_drivable(data: Mapping[str, Any]) -> bool:
    """Whether an osmnx edge (from an unfiltered OSM file) is a road a rescue truck can use."""
    hw = data.get("highway")
    values = hw if isinstance(hw, list) else [hw]
    if not any(h in DRIVABLE_HIGHWAYS for h in values):
        return False
    if str(data.get("area", "no")) == "yes":
        return False
    if str(data.get("access", "")) in _ACCESS_EXCLUDED:
        return False
    return not (values == ["service"] and str(data.get("service", "")) in _SERVICE_EXCLUDED)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise NetworkError(f"{path}: no such file")
    if path.is_dir():
        raise NetworkError(f"{path}: is a folder, not a road network file")
    if path.stat().st_size == 0:
        raise NetworkError(f"{path}: the file is empty")


def _graph_from_osm_xml(path: Path) -> Any:
    """Parse OSM XML with osmnx, keep drivable ways, then simplify."""
    import networkx as nx
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError  # osmnx exports no public name

    opener = {".bz2": bz2.open, ".gz": gzip.open}.get(path.suffix.lower())
    tmp = None
    try:
        if opener is gzip.open:
            # osmnx reads .osm and .bz2 itself but not .gz.
            fd, tmp = tempfile.mkstemp(suffix=".osm")
            try:
                with os.fdopen(fd, "wb") as out, gzip.open(path, "rb") as src:
                    shutil.copyfileobj(src, out, 2**20)
            except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
                raise NetworkError(
                    f"{path}: not a readable gzip file ({exc or type(exc).__name__})"
                ) from exc
            source = Path(tmp)
        else:
            source = path
        try:
            graph = ox.graph_from_xml(source, simplify=False, retain_all=True)
        except InsufficientResponseError as exc:
            raise NetworkError(f"{path}: the file holds no roads") from exc
        except (ET.ParseError, OSError, EOFError, ValueError, KeyError, zlib.error) as exc:
            raise NetworkError(
                f"{path}: not a readable OpenStreetMap XML file ({exc or type(exc).__name__})"
            ) from exc
        except nx.NetworkXPointlessConcept as exc:
            raise NetworkError(f"{path}: the file holds no roads") from exc
    finally:
        if tmp:
            os.unlink(tmp)
    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not _is_drivable(d)]
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    if graph.number_of_edges() == 0:
        raise NetworkError(f"{path}: the file has no drivable roads")
    return ox.simplify_graph(graph)


def _pbf_to_xml(path: Path, out: Path) -> None:
    """Write the highway ways of a PBF file (and the nodes they use) as OSM XML."""
    try:
        import osmium
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise NetworkError(
            f"{path}: reading .osm.pbf needs the 'osmium' package (pip install 'yingji[pbf]')"
        ) from exc
    try:
        with osmium.BackReferenceWriter(str(out), ref_src=str(path), remove_tags=False) as writer:
            ways = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(
                osmium.filter.KeyFilter("highway")
            )
            for obj in ways:
                writer.add(obj)
    except RuntimeError as exc:
        raise NetworkError(f"{path}: not a readable OpenStreetMap PBF file ({exc})") from exc


def load_osm(
    path: str | os.PathLike[str], *, speeds: Mapping[str, float] | None = None
) -> RoadNetwork:
    """Load drivable roads from an OpenStreetMap file, offline.

    Parameters
    ----------
    path
        ``.osm``/``.xml`` (optionally ``.bz2`` or ``.gz``) or ``.osm.pbf``. Raw
        exports holding buildings, land use and rivers are fine: only ways a
        rescue vehicle can drive are kept.
    speeds
        km/h by road class for ways without ``maxspeed`` (see
        :data:`networks.speeds.DEFAULT_SPEEDS_KPH`).

    Returns
    -------
    RoadNetwork
        The largest strongly connected part of the drivable roads.
    """
    p = Path(path)
    _check_readable(p)
    suffix = _suffix(p)
    if suffix == ".osm.pbf":
        with tempfile.TemporaryDirectory() as tmp:
            xml = Path(tmp) / "roads.osm"
            _pbf_to_xml(p, xml)
            graph = _graph_from_osm_xml(xml)
    elif suffix in _XML_SUFFIXES:
        graph = _graph_from_osm_xml(p)
    else:
        raise NetworkError(
            f"{p}: unknown road file type (expected .osm, .osm.bz2, .osm.gz, .osm.pbf)"
        )
    try:
        return from_networkx(graph, speeds=speeds, name=p.name.split(".")[0])
    except NetworkError as exc:
        raise NetworkError(f"{p}: {exc}") from exc


#: Numeric attributes of GraphML nodes and edges (osmnx writes every value as text).
_NODE_FLOATS = ("x", "y", "lon", "lat")
_EDGE_FLOATS = ("length", "speed_kph", "travel_time")


def _typed(value: Any, name: str, what: str) -> Any:
    """A GraphML value as a number where the attribute is numeric (text in osmnx files)."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise NetworkError(f"{what}: {name} {value!r} is not a number") from None
    return value


def _untext(value: Any) -> Any:
    """A tag list that osmnx wrote as text (``"['a', 'b']"``), back as a list."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return value
        return parsed if isinstance(parsed, list) else value
    return value


def read_graphml(path: str | os.PathLike[str]) -> Any:
    """Read a GraphML road network as a :class:`networkx.MultiDiGraph`.

    Files written by osmnx or yingji (every value as text) and by plain
    networkx (typed attributes) both work: node ``x``, ``y``, ``lon``, ``lat``
    and edge ``length``, ``speed_kph``, ``travel_time`` become floats, list
    tags written as text become lists again.

    Parameters
    ----------
    path
        The ``.graphml`` file.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    networks.errors.NetworkError
        Unreadable file or a non-numeric value of a numeric attribute, naming the file.
    """
    import networkx as nx

    p = Path(path)
    _check_readable(p)
    try:
        graph = nx.read_graphml(p, node_type=str, force_multigraph=True)
    except (ET.ParseError, nx.NetworkXError, OSError, ValueError, KeyError, TypeError) as exc:
        raise NetworkError(f"{p}: not a readable GraphML road network ({exc})") from exc
    if not graph.is_directed():
        graph = graph.to_directed()
    try:
        for n, d in graph.nodes(data=True):
            for k in _NODE_FLOATS:
                if k in d:
                    d[k] = _typed(d[k], k, f"node {n}")
        for u, v, d in graph.edges(data=True):
            for k in list(d):
                d[k] = _typed(d[k], k, f"edge {u}->{v}") if k in _EDGE_FLOATS else _untext(d[k])
    except NetworkError as exc:
        raise NetworkError(f"{p}: {exc}") from None
    return graph


def load_graphml(
    path: str | os.PathLike[str], *, speeds: Mapping[str, float] | None = None
) -> RoadNetwork:
    """Load a GraphML road network written by osmnx, by yingji or by plain networkx.

    Parameters
    ----------
    path
        The ``.graphml`` file (see :func:`read_graphml`).
    speeds
        km/h by road class for edges without ``speed_kph`` or ``maxspeed``.

    Returns
    -------
    RoadNetwork
        The largest strongly connected part.
    """
    p = Path(path)
    graph = read_graphml(p)
    try:
        return from_networkx(graph, speeds=speeds, name=p.name.split(".")[0])
    except NetworkError as exc:
        raise NetworkError(f"{p}: {exc}") from exc


def save_graphml(network: RoadNetwork, path: str | os.PathLike[str]) -> Path:
    """Write a network as GraphML (osmnx-readable), atomically."""
    import osmnx as ox

    p = Path(path)
    with atomic_path(p) as tmp:
        ox.save_graphml(network.to_networkx(), tmp)
    return p


def download_place(place: str, *, speeds: Mapping[str, float] | None = None) -> RoadNetwork:
    """Download the drivable roads of a named place through osmnx (needs internet)."""
    import osmnx as ox

    try:
        graph = ox.graph_from_place(place, network_type="drive")
    except Exception as exc:  # osmnx raises many types for network and geocoding failures
        raise NetworkError(f"place {place!r}: download failed ({exc})") from exc
    return from_networkx(graph, speeds=speeds, name=place)


def load_network(
    path: str | os.PathLike[str], *, speeds: Mapping[str, float] | None = None
) -> RoadNetwork:
    """Load a road network from any supported file (by its suffix).

    Parameters
    ----------
    path
        ``.graphml``, ``.osm[.bz2|.gz]``, ``.xml`` or ``.osm.pbf``.
    speeds
        Speed overrides by road class, km/h.
    """
    p = Path(path)
    if _suffix(p) == ".graphml":
        return load_graphml(p, speeds=speeds)
    return load_osm(p, speeds=speeds)
