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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from networks.convert import EN_NAME_KEYS, ZH_NAME_KEYS, from_networkx, names
from networks.errors import NetworkError
from networks.files import atomic_path
from networks.i18n import _
from networks.roadnet import Landmark, RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS

#: ``service=*`` values that are not through roads for a rescue vehicle.
_SERVICE_EXCLUDED = frozenset({"parking", "parking_aisle", "driveway", "private", "drive-through"})
#: ``access=*`` values that close a road to every vehicle.
_ACCESS_EXCLUDED = frozenset({"no", "private"})

_XML_SUFFIXES = (".osm", ".xml", ".osm.bz2", ".xml.bz2", ".osm.gz", ".xml.gz")

#: Way tags osmnx keeps besides its own: the names in Chinese and English.
_NAME_TAGS = (*ZH_NAME_KEYS[1:], *EN_NAME_KEYS)
#: OpenStreetMap ``place=*`` values read as landmarks, and the landmark kind of each
#: (a town is a township-level seat; a Chinese 街道 is usually tagged town too).
PLACE_KINDS = {
    "city": "city", "town": "township", "village": "village", "suburb": "suburb",
    "quarter": "quarter", "neighbourhood": "neighbourhood", "hamlet": "hamlet",
}  # fmt: skip
#: A place node farther than this from every road node is not a landmark of the network.
PLACE_SNAP_M = 1500.0


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
        raise NetworkError(_("{path}: no such file").format(path=path))
    if path.is_dir():
        raise NetworkError(_("{path}: is a folder, not a road network file").format(path=path))
    if path.stat().st_size == 0:
        raise NetworkError(_("{path}: the file is empty").format(path=path))


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
                places += _places_from_xml(source)
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
    return ox.simplify_graph(graph)


def _places_from_xml(path: Path) -> list[dict[str, Any]]:
    """Tags, ``lon`` and ``lat`` of the named ``place=*`` nodes of an OSM XML file."""
    opener = bz2.open if path.suffix.lower() == ".bz2" else open
    out = []
    with opener(path, "rb") as fh:
        for _event, el in ET.iterparse(fh):
            if el.tag == "node":
                tags = {t.get("k"): t.get("v") for t in el.iter("tag")}
                if tags.get("place") in PLACE_KINDS and (tags.get("name") or tags.get("name:zh")):
                    lon, lat = float(el.get("lon", "nan")), float(el.get("lat", "nan"))
                    out.append({**tags, "lon": lon, "lat": lat})
                el.clear()
            elif el.tag in ("way", "relation"):
                el.clear()
    return out


def with_places(network: RoadNetwork, places: list[dict[str, Any]]) -> RoadNetwork:
    """``network`` with OpenStreetMap places as landmarks, each at its nearest road node.

    Places farther than :data:`PLACE_SNAP_M` from every node are left out; one
    landmark per node (cities first, then townships, villages, the rest).
    Names follow :func:`networks.convert.names`: ``name:en``/``name`` for
    English output, ``name:zh``/a Chinese ``name`` for Chinese.
    """
    import math

    ranked = sorted(
        (p for p in places if math.isfinite(p["lon"]) and math.isfinite(p["lat"])),
        key=lambda p: (list(PLACE_KINDS).index(p["place"]), str(p.get("name", ""))),
    )
    if not ranked:
        return network
    nodes, dist = network.snap([p["lon"] for p in ranked], [p["lat"] for p in ranked], lonlat=True)
    marks = list(network.landmarks)
    taken = {m.node for m in marks}
    for p, node, d in zip(ranked, nodes, dist, strict=True):
        if d > PLACE_SNAP_M or int(node) in taken:
            continue
        en, zh = names(p)
        marks.append(Landmark(int(node), en or zh, PLACE_KINDS[p["place"]], zh))
        taken.add(int(node))
    if len(marks) == len(network.landmarks):
        return network
    return RoadNetwork(
        network.nodes,
        network.edges,
        crs=network.crs,
        landmarks=marks,
        name=network.name,
        cleaning=network.cleaning,
    )


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
        The largest strongly connected part of the drivable roads. Road names
        and the landmarks (``place=*`` nodes, see :func:`with_places`) carry
        ``name:zh`` (or a Chinese ``name``) as their Chinese name and
        ``name:en`` (else ``name``) for English output.
    """
    p = Path(path)
    _check_readable(p)
    suffix = _suffix(p)
    places: list[dict[str, Any]] = []
    if suffix == ".osm.pbf":
        with tempfile.TemporaryDirectory() as tmp:
            xml = Path(tmp) / "roads.osm"
            _pbf_to_xml(p, xml)
            graph = _graph_from_osm_xml(xml, places)
    elif suffix in _XML_SUFFIXES:
        graph = _graph_from_osm_xml(p, places)
    else:
        raise NetworkError(
            _("{path}: unknown road file type (expected .osm, .osm.bz2, .osm.gz, .osm.pbf)").format(
                path=p
            )
        )
    try:
        net = from_networkx(graph, speeds=speeds, name=p.name.split(".")[0])
    except NetworkError as exc:
        raise NetworkError(f"{p}: {exc}") from exc
    return with_places(net, places)


#: Numeric attributes of GraphML nodes and edges (osmnx writes every value as text).
_NODE_FLOATS = ("x", "y", "lon", "lat")
_EDGE_FLOATS = ("length", "speed_kph", "travel_time")


def _typed(value: Any, name: str, what: str) -> Any:
    """A GraphML value as a number where the attribute is numeric (text in osmnx files)."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise NetworkError(
                _("{what}: {name} {value!r} is not a number").format(
                    what=what, name=name, value=value
                )
            ) from None
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
        raise NetworkError(
            _("{path}: not a readable GraphML road network ({error})").format(path=p, error=exc)
        ) from exc
    if not graph.is_directed():
        graph = graph.to_directed()
    try:
        for n, d in graph.nodes(data=True):
            for k in _NODE_FLOATS:
                if k in d:
                    d[k] = _typed(d[k], k, _("node {node}").format(node=n))
        for u, v, d in graph.edges(data=True):
            for k in list(d):
                if k in _EDGE_FLOATS:
                    d[k] = _typed(d[k], k, _("edge {u}->{v}").format(u=u, v=v))
                else:
                    d[k] = _untext(d[k])
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
    """Write a network as GraphML (osmnx-readable), atomically.

    The file is what ``osmnx.save_graphml(network.to_networkx())`` writes, byte
    for byte, but streamed from the network's tables: a million-edge network is
    written in seconds and without a networkx graph in memory.
    """
    p = Path(path)
    with atomic_path(p) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        for chunk in _graphml_chunks(network):
            fh.write(chunk)
    return p


#: Rows of nodes or edges formatted at a time by :func:`_graphml_chunks`.
_GRAPHML_CHUNK = 50_000


def _xml_text(value: str) -> str:
    """``value`` escaped as XML element text (as lxml writes it)."""
    if any(c in value for c in "&<>\r"):
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace("\r", "&#13;")
    return value


def _graphml_chunks(network: RoadNetwork) -> Iterator[str]:
    """The text of :func:`save_graphml`'s file, in pieces.

    Node, edge and attribute order follow networkx's writer: nodes in row order,
    edges grouped by source node, then by target in order of first appearance,
    parallel edges numbered 0, 1, ... in row order; attribute keys numbered in
    order of first use and declared last first.
    """
    import numpy as np

    nd, e = network.nodes, network.edges
    marks = {lm.node: lm for lm in network.landmarks}
    node_keys = ["x", "y", "lon", "lat"]
    if marks:
        node_keys += ["landmark", "landmark_kind"]
        if any(lm.name_zh for lm in network.landmarks):
            node_keys.append("landmark_zh")
    # Edges in networkx's adjacency order, and each one's key among parallel edges.
    n_e = len(e.u)
    pair = e.u.astype(np.int64) * max(network.n_nodes, 1) + e.v.astype(np.int64)
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    first_of = first[inverse.ravel()]
    order = np.lexsort((np.arange(n_e), first_of, e.u))
    by_pair = np.argsort(inverse.ravel(), kind="stable")
    starts = np.searchsorted(inverse.ravel()[by_pair], inverse.ravel()[by_pair])
    multi_key = np.empty(n_e, dtype=np.int64)
    multi_key[by_pair] = np.arange(n_e) - starts
    zh = e.name_zh if e.name_zh is not None else np.full(n_e, "")
    has_zh = zh != ""
    edge_keys = ["length", "speed_kph", "travel_time", "highway", "name"]
    if n_e and has_zh[order[0]]:
        edge_keys += ["name_zh", "closed", "edge_id"]
    else:
        edge_keys += ["closed", "edge_id"] + (["name_zh"] if has_zh.any() else [])
    graph_keys = ["crs", "name", "created_by"]
    ids: dict[tuple[str, str], str] = {}
    for scope, keys in (("graph", graph_keys), ("node", node_keys), ("edge", edge_keys)):
        for k in keys:
            ids[(scope, k)] = f"d{len(ids)}"
    declared = "\n".join(
        f'<key id="{kid}" for="{scope}" attr.name="{k}" attr.type="string"/>'
        for (scope, k), kid in reversed(ids.items())
    )
    yield (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
        f"{declared}\n"
        '<graph edgedefault="directed">'
        + "\n".join(
            f'<data key="{ids[("graph", k)]}">{_xml_text(str(v))}</data>'
            for k, v in (("crs", network.crs), ("name", network.name), ("created_by", "yingji"))
        )
        + "\n"
    )

    def data(scope: str, k: str, v: str) -> str:
        return f'  <data key="{ids[(scope, k)]}">{v}</data>\n'

    osmid = nd.osmid.tolist()
    for lo in range(0, network.n_nodes, _GRAPHML_CHUNK):
        hi = min(lo + _GRAPHML_CHUNK, network.n_nodes)
        cols = [
            list(map(repr, c[lo:hi].astype(float).tolist())) for c in (nd.x, nd.y, nd.lon, nd.lat)
        ]
        out = []
        for j, i in enumerate(range(lo, hi)):
            out.append(f'<node id="{osmid[i]}">\n')
            for k, col in zip(("x", "y", "lon", "lat"), cols, strict=True):
                out.append(data("node", k, col[j]))
            lm = marks.get(i)
            if lm is not None:
                out.append(data("node", "landmark", _xml_text(lm.name)))
                out.append(data("node", "landmark_kind", _xml_text(lm.kind)))
                if lm.name_zh:
                    out.append(data("node", "landmark_zh", _xml_text(lm.name_zh)))
            out.append("</node>\n")
        yield "".join(out)

    tt = network.edge_time
    k_len, k_spd, k_tt, k_hw, k_name, k_zh, k_closed, k_id = (
        ids.get(("edge", k), "")
        for k in (
            "length",
            "speed_kph",
            "travel_time",
            "highway",
            "name",
            "name_zh",
            "closed",
            "edge_id",
        )
    )
    for lo in range(0, n_e, _GRAPHML_CHUNK):
        rows = order[lo : lo + _GRAPHML_CHUNK]
        src = [osmid[i] for i in e.u[rows].tolist()]
        dst = [osmid[i] for i in e.v[rows].tolist()]
        length = list(map(repr, e.length[rows].astype(float).tolist()))
        speed = list(map(repr, e.speed_kph[rows].astype(float).tolist()))
        times = list(map(repr, tt[rows].astype(float).tolist()))
        highway = [_xml_text(str(h)) for h in e.highway[rows].tolist()]
        name = [_xml_text(str(h)) for h in e.name[rows].tolist()]
        zhs = [_xml_text(str(h)) for h in zh[rows].tolist()]
        closed = np.isinf(tt[rows]).tolist()
        keys = multi_key[rows].tolist()
        out = []
        for j, k in enumerate(rows.tolist()):
            out.append(
                f'<edge source="{src[j]}" target="{dst[j]}" id="{keys[j]}">\n'
                f'  <data key="{k_len}">{length[j]}</data>\n'
                f'  <data key="{k_spd}">{speed[j]}</data>\n'
                f'  <data key="{k_tt}">{times[j]}</data>\n'
                f'  <data key="{k_hw}">{highway[j]}</data>\n'
                f'  <data key="{k_name}">{name[j]}</data>\n'
                + (f'  <data key="{k_zh}">{zhs[j]}</data>\n' if zhs[j] else "")
                + f'  <data key="{k_closed}">{closed[j]}</data>\n'
                f'  <data key="{k_id}">{k}</data>\n'
                "</edge>\n"
            )
        yield "".join(out)
    yield "</graph></graphml>"


def download_place(place: str, *, speeds: Mapping[str, float] | None = None) -> RoadNetwork:
    """Download the drivable roads of a named place through osmnx (needs internet)."""
    import osmnx as ox

    try:
        graph = ox.graph_from_place(place, network_type="drive")
    except Exception as exc:  # osmnx raises many types for network and geocoding failures
        raise NetworkError(
            _("place {place!r}: download failed ({error})").format(place=place, error=exc)
        ) from exc
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
