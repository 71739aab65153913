"""Reading OpenStreetMap files offline: XML (``.osm``, ``.bz2``, ``.gz``) and PBF.

Notes
-----
Holds :func:`load_osm`, which keeps the ways a rescue vehicle can drive
(:func:`_is_drivable`), reads ``.osm.pbf`` through osmium and adds the file's
places as landmarks (:mod:`networks.places`).
"""

from __future__ import annotations

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

from networks.cleaning import note_source
from networks.convert import EN_NAME_KEYS, ZH_NAME_KEYS, from_networkx, pair_names
from networks.credit import OSM_CREDIT
from networks.errors import NetworkError
from networks.filetypes import XML_SUFFIXES, check_readable, file_suffix
from networks.i18n import _
from networks.network_cache import cached_load
from networks.places import PLACE_KINDS, places_from_xml, with_places
from networks.roadnet import RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS

#: ``service=*`` values that are not through roads for a rescue vehicle.
_SERVICE_EXCLUDED = frozenset({"parking", "parking_aisle", "driveway", "private", "drive-through"})
#: ``access=*`` values that close a road to every vehicle.
_ACCESS_EXCLUDED = frozenset({"no", "private"})

#: Way tags osmnx keeps besides its own: the names in Chinese and English.
_NAME_TAGS = (*ZH_NAME_KEYS[1:], *EN_NAME_KEYS)


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


#: OSM ``highway`` values no rescue truck drives on (with :data:`DRIVABLE_HIGHWAYS`, the
#: classes whose edges :func:`drivable_part` judges; others are a user's own and stay).
_NOT_DRIVABLE = frozenset(
    {
        "footway", "pedestrian", "path", "cycleway", "bridleway", "steps", "corridor",
        "elevator", "escalator", "ladder", "via_ferrata", "platform", "bus_stop", "crossing",
        "traffic_island", "bus_guideway", "raceway", "rest_area", "services", "emergency_bay",
        "proposed", "planned", "construction", "abandoned", "disused", "razed", "no",
    }
)  # fmt: skip
_OSM_HIGHWAYS = DRIVABLE_HIGHWAYS | _NOT_DRIVABLE


def drivable_part(graph: Any) -> Any:
    """The graph without the OSM edges a rescue truck cannot use, as the OSM reader keeps.

    An edge whose ``highway`` values are all OpenStreetMap classes is judged by
    :func:`_is_drivable` (class, ``area``, ``access``, ``service``), so an osmnx
    graph of ``network_type="all"`` loses its footways, paths and steps. An edge
    without ``highway``, or with a class of the user's own, is kept as before.

    Parameters
    ----------
    graph
        A networkx road graph; it is not changed.

    Returns
    -------
    networkx graph
        ``graph`` itself when every edge stays, else a copy without the dropped
        edges and the nodes they alone reached.
    """
    drop = []
    multi = graph.is_multigraph()
    for u, v, *k, d in graph.edges(keys=True, data=True) if multi else graph.edges(data=True):
        hw = d.get("highway")
        values = hw if isinstance(hw, list) else [hw]
        if all(h in _OSM_HIGHWAYS for h in values) and not _is_drivable(d):
            drop.append((u, v, *k))
    if not drop:
        return graph
    touched = {n for u, v, *_k in drop for n in (u, v)}
    out = graph.copy()
    out.remove_edges_from(drop)
    out.remove_nodes_from([n for n in touched if out.degree(n) == 0])
    return out


def _graph_from_osm_xml(path: Path, places: list[dict[str, Any]] | None = None) -> Any:
    """Parse OSM XML with osmnx, keep drivable ways, then simplify.

    The named ``place=*`` nodes of the file are appended to ``places`` if given.
    """
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
                    _("{path}: not a readable gzip file ({error})").format(
                        path=path, error=exc or type(exc).__name__
                    )
                ) from exc
            source = Path(tmp)
        else:
            source = path
        tags = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = tags + [t for t in _NAME_TAGS if t not in tags]
        try:
            graph = ox.graph_from_xml(source, simplify=False, retain_all=True)
            if places is not None:
                places += places_from_xml(source)
        except InsufficientResponseError as exc:
            raise NetworkError(_("{path}: the file holds no roads").format(path=path)) from exc
        except (ET.ParseError, OSError, EOFError, ValueError, KeyError, zlib.error) as exc:
            raise NetworkError(
                _("{path}: not a readable OpenStreetMap XML file ({error})").format(
                    path=path, error=exc or type(exc).__name__
                )
            ) from exc
        except nx.NetworkXPointlessConcept as exc:
            raise NetworkError(_("{path}: the file holds no roads").format(path=path)) from exc
        finally:
            ox.settings.useful_tags_way = tags
    finally:
        if tmp:
            os.unlink(tmp)
    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not _is_drivable(d)]
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    if graph.number_of_edges() == 0:
        raise NetworkError(_("{path}: the file has no drivable roads").format(path=path))
    pair_names(graph)  # before merging: each way's two names stay together
    return ox.simplify_graph(graph)


def _pbf_to_xml(path: Path, out: Path) -> None:
    """Write the highway ways of a PBF file (the nodes they use, and places) as OSM XML."""
    try:
        import osmium
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise NetworkError(
            _(
                "{path}: reading .osm.pbf needs the 'osmium' package (pip install 'yingji[pbf]')"
            ).format(path=path)
        ) from exc
    try:
        with osmium.BackReferenceWriter(str(out), ref_src=str(path), remove_tags=False) as writer:
            ways = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(
                osmium.filter.KeyFilter("highway")
            )
            for obj in ways:
                writer.add(obj)
            places = osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
                osmium.filter.KeyFilter("place")
            )
            for obj in places:
                if obj.tags.get("place") in PLACE_KINDS:
                    writer.add(obj)
    except RuntimeError as exc:
        raise NetworkError(
            _("{path}: not a readable OpenStreetMap PBF file ({error})").format(
                path=path, error=exc
            )
        ) from exc


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
        The largest strongly connected part of the drivable roads (a warning
        is logged if more than 5 % of the nodes were dropped). Road names
        and the landmarks (``place=*`` nodes, see :func:`with_places`) carry
        ``name:zh`` (or a Chinese ``name``) as their Chinese name and
        ``name:en`` (else ``name``) for English output.
    """
    p = Path(path)
    check_readable(p)
    suffix = file_suffix(p)
    if suffix != ".osm.pbf" and suffix not in XML_SUFFIXES:
        raise NetworkError(
            _("{path}: unknown road file type (expected .osm, .osm.bz2, .osm.gz, .osm.pbf)").format(
                path=p
            )
        )

    def parse() -> RoadNetwork:
        places: list[dict[str, Any]] = []
        if suffix == ".osm.pbf":
            with tempfile.TemporaryDirectory() as tmp:
                xml = Path(tmp) / "roads.osm"
                _pbf_to_xml(p, xml)
                graph = _graph_from_osm_xml(xml, places)
        else:
            graph = _graph_from_osm_xml(p, places)
        try:
            net = from_networkx(graph, speeds=speeds)
        except NetworkError as exc:
            raise NetworkError(f"{p}: {exc}") from exc
        net.cleaning.attribution = OSM_CREDIT  # the ODbL's credit, whatever osmnx records
        return with_places(net, places)

    # Parsed once while the file stays the same (networks.network_cache); the name and the
    # source its messages quote are this load's.
    net = cached_load(p, "osm", speeds, parse)
    net.name = p.name.split(".")[0] or net.name
    note_source(net.cleaning, str(p))
    return net
