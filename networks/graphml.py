"""GraphML road networks: reading osmnx, yingji and networkx files, and a streaming writer.

Notes
-----
Holds :func:`load_graphml` (a compiled network, read streaming by
:mod:`networks.graphml_read` and :mod:`networks.graphml_tables`, without a
networkx graph), :func:`read_graphml` (the file as a
:class:`networkx.MultiDiGraph` with numbers and tag lists restored, for users
who want the graph) and :func:`save_graphml`, which writes what osmnx writes,
streamed from the network's tables by :func:`_graphml_chunks`.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from networks.cleaning import check_lengths, note_source
from networks.credit import ATTRIBUTION_KEY, network_attribution
from networks.errors import NetworkError
from networks.files import atomic_path
from networks.filetypes import check_readable
from networks.geometry import EdgeGeometry, linestrings
from networks.graphml_columns import EDGE_FLOATS, NODE_FLOATS, typed_number, untext
from networks.graphml_read import parse_graphml
from networks.graphml_tables import compile_graphml
from networks.i18n import _
from networks.network_cache import cached_load
from networks.roadnet import RoadNetwork


def read_graphml(path: str | os.PathLike[str]) -> Any:
    """Read a GraphML road network as a :class:`networkx.MultiDiGraph`.

    Files written by osmnx or yingji (every value as text) and by plain
    networkx (typed attributes) both work: node ``x``, ``y``, ``lon``, ``lat``
    and edge ``length``, ``speed_kph``, ``travel_time`` become floats, list
    tags written as text become lists again, an edge ``geometry`` written as
    WKT becomes a :class:`shapely.LineString` (as osmnx reads it; text that is
    not WKT is left for :func:`~networks.convert.from_networkx` to refuse).

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
    check_readable(p)
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
            for k in NODE_FLOATS:
                if k in d:
                    d[k] = typed_number(d[k], k, _("node {node}").format(node=n))
        for u, v, d in graph.edges(data=True):
            for k in list(d):
                if k in EDGE_FLOATS:
                    d[k] = typed_number(d[k], k, _("edge {u}->{v}").format(u=u, v=v))
                else:
                    d[k] = untext(d[k])
    except NetworkError as exc:
        raise NetworkError(f"{p}: {exc}") from None
    _parse_geometry(graph)
    return graph


def _parse_geometry(graph: Any) -> None:
    """Turn the edges' WKT ``geometry`` text into shapely lines, in one vectorised call."""
    data = [d for *_ends, d in graph.edges(data=True) if isinstance(d.get("geometry"), str)]
    if not data:
        return
    import shapely

    lines = shapely.from_wkt([d["geometry"] for d in data], on_invalid="ignore")
    for d, line in zip(data, lines, strict=True):
        if line is not None:
            d["geometry"] = line


def load_graphml(
    path: str | os.PathLike[str], *, speeds: Mapping[str, float] | None = None
) -> RoadNetwork:
    """Load a GraphML road network written by osmnx, by yingji or by plain networkx.

    The file is read streaming, straight into the network's arrays: the
    network is the one :func:`~networks.convert.from_networkx` makes of
    :func:`read_graphml`'s graph (same nodes, edges, order and values, same
    refusals), at a fraction of the time and memory.

    Parameters
    ----------
    path
        The ``.graphml`` file (see :func:`read_graphml`).
    speeds
        km/h by road class for edges without ``speed_kph`` or ``maxspeed``.

    Returns
    -------
    RoadNetwork
        The largest strongly connected part (a warning is logged if more than
        5 % of the nodes were dropped).

    Raises
    ------
    networks.errors.NetworkError
        An unreadable file or a value :func:`~networks.convert.from_networkx`
        refuses, naming the file.
    """
    p = Path(path)
    check_readable(p)
    name = p.name.split(".")[0]
    if speeds:  # overrides may go unused, which the parse says: parse, and say it
        net = compile_graphml(parse_graphml(p), p, speeds=speeds, name=name)
    else:  # parsed once while the file stays the same (networks.network_cache)
        net = cached_load(p, "graphml", None, lambda: compile_graphml(parse_graphml(p), p))
        net.name = name or net.name
    note_source(net.cleaning, str(p))
    check_lengths(net, str(p))
    return net


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
    geom = e.geometry
    has_geom = np.zeros(n_e, bool) if geom is None else geom.counts > 0
    # Keys in order of first use: the first edge's own, then the optional ones as they appear.
    o0 = order[0] if n_e else 0
    edge_keys = ["length", "speed_kph", "travel_time", "highway", "name"]
    edge_keys += ["name_zh"] if n_e and has_zh[o0] else []
    edge_keys += ["closed", "edge_id"] + (["geometry"] if n_e and has_geom[o0] else [])
    later = [
        (int(np.argmax(mask[order])), rank, key)
        for rank, (key, mask) in enumerate((("name_zh", has_zh), ("geometry", has_geom)))
        if key not in edge_keys and mask.any()
    ]
    edge_keys += [key for *_pos, key in sorted(later)]
    # The data's credit (OpenStreetMap's) goes with the file, and comes back when it is read.
    graph_data = [("crs", network.crs), ("name", network.name), ("created_by", "yingji")]
    if credit := network_attribution(network):
        graph_data.append((ATTRIBUTION_KEY, credit))
    graph_keys = [k for k, _v in graph_data]
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
            f'<data key="{ids[("graph", k)]}">{_xml_text(str(v))}</data>' for k, v in graph_data
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
    k_len, k_spd, k_tt, k_hw, k_name, k_zh, k_closed, k_id, k_geom = (
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
            "geometry",
        )
    )
    ends = network._edge_ends
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
        wkt = _wkt(ends, geom, rows[has_geom[rows]])
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
                + (f'  <data key="{k_geom}">{wkt[k]}</data>\n' if k in wkt else "")
                + "</edge>\n"
            )
        yield "".join(out)
    yield "</graph></graphml>"


def _wkt(ends: tuple[Any, Any], geometry: EdgeGeometry | None, rows: Any) -> dict[int, str]:
    """WKT of the polylines of edges ``rows`` (curved ones), as ``str(LineString)`` writes it."""
    if geometry is None or not len(rows):
        return {}
    import shapely

    a, b = ends
    lines = linestrings(a[rows], b[rows], geometry.take(rows))
    return dict(zip(rows.tolist(), shapely.to_wkt(lines, rounding_precision=-1), strict=True))
