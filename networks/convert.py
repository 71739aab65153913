"""Between networkx graphs and the compiled :class:`~networks.roadnet.RoadNetwork`."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from networks.credit import ATTRIBUTION_KEY, graph_attribution, network_attribution
from networks.errors import NetworkError
from networks.geometry import EdgeGeometry, linestrings, ragged_positions
from networks.i18n import _
from networks.names import has_cjk
from networks.roadnet import (
    EdgeTable,
    Landmark,
    NodeTable,
    RoadNetwork,
    largest_strongly_connected,
)
from networks.speeds import speed_for, speed_table

#: Fastest speed an edge may carry, km/h (a typo must not make a road instant).
MAX_SPEED_KPH = 1_000.0


def utm_crs(lon: np.ndarray, lat: np.ndarray) -> str:
    """The UTM zone (as ``EPSG:326xx``/``EPSG:327xx``) for the centre of some points."""
    lon0, lat0 = float(np.mean(lon)), float(np.mean(lat))
    zone = int((lon0 + 180) // 6) % 60 + 1
    return f"EPSG:{(32600 if lat0 >= 0 else 32700) + zone}"


def _first(value: Any) -> Any:
    # osmnx keeps merged ways' tags as list(set(...)), whose order changes with the process's
    # hash seed: choose by value, never by position, or labels differ from run to run.
    return min(map(str, value)) if isinstance(value, list | tuple) and value else value


def _road_class(highway: Any, table: Mapping[str, float]) -> str:
    """One class for an edge's ``highway`` (a merged way's list): the one its speed came from.

    :func:`networks.speeds.speed_for` takes the fastest known class of a list; the
    label is that class (the first by name among equally fast ones, or among
    unknown ones when none is known), so that
    the hour multipliers of :mod:`sim.congestion` follow the speed.
    """
    if not isinstance(highway, list | tuple) or not highway:
        return str(highway)
    return min(map(str, highway), key=lambda h: (h not in table, -table.get(h, 0.0), h))


#: Tags of a Chinese name, best first (yingji's own attribute, then OpenStreetMap's).
ZH_NAME_KEYS = ("name_zh", "name:zh", "name:zh-Hans", "name:zh-CN")
#: Tags of a name for English output, best first (English, then pinyin).
EN_NAME_KEYS = ("name:en", "name:zh-Latn-pinyin", "name:zh_pinyin")


#: Edge attribute holding a way's English-facing and Chinese names, tab-separated (text that
#: GraphML keeps and osmnx's list-as-text does not confuse with a list), set before osmnx
#: merges ways (:func:`pair_names`): merged, each name tag would be a separate list.
NAME_PAIR = "yingji_names"


def pair_names(graph: Any) -> None:
    """Give every edge of an unsimplified osmnx graph its :data:`NAME_PAIR`.

    Simplifying keeps a merged edge's tags as separate lists, so its English
    and Chinese names could come from different ways; the pair keeps them
    together (:func:`names` takes the first pair by value).
    """
    for _u, _v, data in graph.edges(data=True):
        data[NAME_PAIR] = "\t".join(" ".join(x.split()) for x in names(data))


def names(data: Mapping[str, Any], key: str = "name") -> tuple[str, str]:
    """English-facing and Chinese name of an OSM-style element.

    The first is ``name:en`` (or pinyin, ``name:zh-Latn-pinyin``) where tagged,
    so English output reads English, else ``name``. The second is
    ``name_zh``/``name:zh``/``name:zh-Hans``, else ``name`` when it is written
    in Chinese, else ``""``.

    Parameters
    ----------
    data
        Tags or graph attributes (osmnx keeps merged ways' tags as lists).
    key
        The plain name's key: ``"name"``, or ``"landmark"`` for yingji's node
        attribute (whose Chinese name is ``landmark_zh``).
    """

    def text(k: str) -> str:
        return str(_first(data.get(k, "")) or "").strip()

    pair = str(_first(data.get(NAME_PAIR) or "")) if key == "name" else ""
    if "\t" in pair:  # set before merging: one way's two names, the first pair by value
        en, zh = pair.split("\t", 1)
        return en, zh
    plain = text(key)
    if key == "name":
        en = next((text(k) for k in EN_NAME_KEYS if text(k)), "")
        zh = next((text(k) for k in ZH_NAME_KEYS if text(k)), "")
    else:
        en, zh = "", text(f"{key}_zh")
    if not zh and has_cjk(plain):
        zh = plain
    return en or plain, zh


def _maxspeed_kph(value: Any) -> float | None:
    """Parse an OSM ``maxspeed`` tag (``"50"``, ``"30 mph"``, lists); ``None`` if unusable."""
    values = value if isinstance(value, list | tuple) else [value]
    found = []
    for item in values:
        text = str(item).strip().lower()
        mph = text.endswith("mph")
        num = text.replace("mph", "").replace("km/h", "").replace("kph", "").strip()
        try:
            v = float(num)
        except ValueError:
            continue
        if 0 < v <= MAX_SPEED_KPH:  # "none", "signals", typos and "inf" are unusable
            found.append(v * 1.609344 if mph else v)
    return max(found) if found else None


def node_number(value: Any, node: Any, name: str) -> float:
    """A node's coordinate ``name`` as a finite float, or :class:`NetworkError` naming the node."""
    if value is None:
        raise NetworkError(_("node {node} has no {name} coordinate").format(node=node, name=name))
    try:
        out = float(value)
    except (TypeError, ValueError):
        message = _("node {node}: {name} {value!r} is not a number")
        raise NetworkError(message.format(node=node, name=name, value=value)) from None
    if not math.isfinite(out):
        message = _("node {node}: {name} {value!r} is not a finite number")
        raise NetworkError(message.format(node=node, name=name, value=value))
    return out


def node_table(
    ids: Sequence[Any], column: Callable[[str], np.ndarray], crs: str, *, lonlat: bool
) -> tuple[NodeTable, str, Any]:
    """The node table of a graph's node columns, in metres (degrees are projected to UTM).

    Parameters
    ----------
    ids
        The nodes' ids (integers are kept as ``osmid``, else the rows are numbered).
    column
        Reads a checked numeric attribute of every node: ``x``, ``y``, then (once
        ``crs`` is checked, if ``lonlat``) ``lon`` and ``lat``, in that order.
    crs, lonlat
        The graph's ``crs`` attribute; whether the nodes have their own lon/lat.

    Returns
    -------
    nodes, crs, project
        The table, the network's crs and the transform of degrees to its metres
        (``None`` if the nodes were in metres already).
    """
    from pyproj import CRS, Transformer

    x, y = column("x"), column("y")
    try:
        geographic = CRS.from_user_input(crs).is_geographic
    except Exception as exc:  # pyproj raises CRSError and others for a bad string
        message = _("graph attribute crs {crs!r} is not a coordinate system")
        raise NetworkError(message.format(crs=crs)) from exc
    project: Any = None  # geographic degrees to the network's metres, where needed
    if geographic:
        for axis, col, lim, message in (
            ("x", x, 180, _("node {node}: {name} {value} is not a longitude (crs {crs})")),
            ("y", y, 90, _("node {node}: {name} {value} is not a latitude (crs {crs})")),
        ):
            bad = np.flatnonzero(np.abs(col) > lim)
            if bad.size:
                i = bad[0]
                raise NetworkError(message.format(node=ids[i], name=axis, value=col[i], crs=crs))
        lon, lat = x, y
        crs = utm_crs(lon, lat)
        project = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform
        x, y = project(lon, lat)
    elif lonlat:
        lon, lat = column("lon"), column("lat")
    else:
        lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    try:
        osmid = np.asarray([int(n) for n in ids], dtype=np.int64)
    except (TypeError, ValueError):
        osmid = np.arange(len(ids), dtype=np.int64)
    xy = (np.asarray(x, float), np.asarray(y, float))
    return NodeTable(osmid, *xy, np.asarray(lon), np.asarray(lat)), crs, project


def _edge_number(
    value: Any,
    a: Any,
    b: Any,
    name: str,
    unit: str,
    *,
    hi: float = math.inf,
    inf_ok: bool = False,
    positive: bool = False,
) -> float:
    """A finite number >= 0 (and <= ``hi``) of an edge, or :class:`NetworkError` naming it.

    With ``inf_ok``, ``inf`` is accepted too (a closed road's ``travel_time``); with
    ``positive``, 0 is refused too (a ``speed_kph``).
    """
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise NetworkError(
            _("edge {u}->{v}: {name} {value!r} is not a number").format(
                u=a, v=b, name=name, value=value
            )
        ) from None
    if inf_ok and out == math.inf:
        return out
    if inf_ok and not out >= 0:  # nan or negative
        raise NetworkError(
            _("edge {u}->{v}: {name} {value!r} is not a number >= 0 ({unit})").format(
                u=a, v=b, name=name, value=value, unit=unit
            )
        )
    if positive and not (math.isfinite(out) and 0 < out <= hi):  # callers give a finite hi
        message = _(
            "edge {u}->{v}: {name} {value!r} is not a finite number > 0 and <= {hi:g} ({unit})"
        )
        raise NetworkError(message.format(u=a, v=b, name=name, value=value, hi=hi, unit=unit))
    if not (math.isfinite(out) and 0 <= out <= hi):
        message = (
            _("edge {u}->{v}: {name} {value!r} is not a finite number >= 0 and <= {hi:g} ({unit})")
            if math.isfinite(hi)
            else _("edge {u}->{v}: {name} {value!r} is not a finite number >= 0 ({unit})")
        )
        raise NetworkError(message.format(u=a, v=b, name=name, value=value, hi=hi, unit=unit))
    return out


def from_networkx(
    graph: Any,
    *,
    speeds: Mapping[str, float] | None = None,
    name: str = "",
) -> RoadNetwork:
    """Compile a networkx road graph (osmnx or yingji style) to a :class:`RoadNetwork`.

    Parameters
    ----------
    graph
        A ``MultiDiGraph`` or ``DiGraph`` with node ``x``/``y`` and a ``crs``
        graph attribute (geographic coordinates are projected to UTM).
        Edges need ``length`` in metres; ``speed_kph`` is taken from the edge,
        else from ``maxspeed``, else from the road-class table. An edge's own
        ``travel_time`` (seconds; ``inf`` closes it) wins over ``length`` and
        speed, ``closed`` (true or false) closes it in the undisrupted state,
        ``geometry`` (a :class:`shapely.LineString` or its WKT, in the graph's
        ``crs``) keeps its bends. When every edge has a distinct integer
        ``edge_id`` (as yingji writes), edges are numbered in that order.
    speeds
        Overrides for the road-class speed table (km/h).
    name
        Label for the network.

    Returns
    -------
    RoadNetwork
        Its largest strongly connected part; ``cleaning`` says what was dropped.
        OSM edges no truck drives (footways, ...) are left out first, see
        :func:`networks.osmfile.drivable_part`.
    """
    from networks.osmfile import drivable_part  # osmfile imports this module

    graph = drivable_part(graph)  # footways etc. of an osmnx graph, as the OSM reader drops
    if graph.number_of_nodes() == 0 or graph.number_of_edges() == 0:
        raise NetworkError(_("the network has no drivable roads"))
    table = speed_table(speeds)
    ids = list(graph.nodes)
    index = {n: i for i, n in enumerate(ids)}
    nd = graph.nodes

    def column(k: str) -> np.ndarray:
        return np.fromiter((node_number(nd[n].get(k), n, k) for n in ids), float, len(ids))

    crs = str(graph.graph.get("crs", "EPSG:4326"))
    nodes, crs, project = node_table(ids, column, crs, lonlat="lon" in nd[ids[0]])

    items = _edges_in_order(graph)
    m = len(items)
    u = np.empty(m, np.int32)
    v = np.empty(m, np.int32)
    length = np.empty(m)
    speed = np.empty(m)
    time = np.full(m, np.nan)
    closed = np.zeros(m, dtype=bool)
    highway: list[str] = []
    names_en: list[str] = []
    names_zh: list[str] = []
    bent: list[int] = []
    for k, (a, b, d) in enumerate(items):
        u[k], v[k] = index[a], index[b]
        if d.get("length") is None:
            raise NetworkError(_("edge {u}->{v} has no length").format(u=a, v=b))
        length[k] = _edge_number(d["length"], a, b, "length", _("metres"))
        hw = d.get("highway", "road")
        s = d.get("speed_kph")
        if s is not None:  # 0 is refused: a road no one can drive is ``closed``
            s = _edge_number(s, a, b, "speed_kph", "km/h", hi=MAX_SPEED_KPH, positive=True)
        else:
            s = _maxspeed_kph(d["maxspeed"]) if d.get("maxspeed") is not None else None
        speed[k] = float(s) if s else speed_for(hw, table)
        if d.get("travel_time") is not None:
            t = _edge_number(d["travel_time"], a, b, "travel_time", _("seconds"), inf_ok=True)
            closed[k] |= t == math.inf  # what yingji writes for a closed road
            time[k] = t if t < math.inf else np.nan
        if d.get("closed") is not None:
            closed[k] |= _edge_flag(d["closed"], a, b, "closed")
        if d.get("geometry") is not None:
            bent.append(k)
        highway.append(_road_class(hw, table))
        en, zh = names(d)
        names_en.append(en)
        names_zh.append(zh)
    given = ~np.isnan(time)
    if given.any():  # the graph's own seconds where it has them, length / speed elsewhere
        time[~given] = length[~given] / (speed[~given] / 3.6)
    xy = np.column_stack([nodes.x, nodes.y])
    edges = EdgeTable(
        u,
        v,
        length,
        speed,
        np.asarray(highway),
        np.asarray(names_en, dtype=str),
        np.asarray(names_zh, dtype=str),
        time if given.any() else None,
        closed if closed.any() else None,
        _geometry(items, bent, u, v, xy, project),
    )
    nodes, edges, report, kept = largest_strongly_connected(nodes, edges)
    report.attribution = graph_attribution(graph.graph)  # osmnx's graphs are OpenStreetMap's
    new_index = {int(old): i for i, old in enumerate(kept)}
    landmarks = []
    for n in ids:
        if "landmark" in nd[n] and index[n] in new_index:
            en, zh = names(nd[n], "landmark")
            kind = str(nd[n].get("landmark_kind", ""))
            landmarks.append(Landmark(new_index[index[n]], en, kind, zh))
    return RoadNetwork(
        nodes,
        edges,
        crs=crs,
        landmarks=landmarks,
        name=name or graph.graph.get("name", ""),
        cleaning=report,
    )


def _edge_flag(value: Any, a: Any, b: Any, name: str) -> bool:
    """A true/false edge attribute (``True``, ``"False"``, ``1``, ``"yes"``...), or an error."""
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "1.0"):
        return True
    if text in ("false", "no", "0", "0.0"):
        return False
    raise NetworkError(
        _("edge {u}->{v}: {name} {value!r} is not true or false").format(
            u=a, v=b, name=name, value=value
        )
    )


def _edges_in_order(graph: Any) -> list[tuple[Any, Any, dict[str, Any]]]:
    """The graph's edges, by ``edge_id`` when every edge has a distinct integer one."""
    items = list(graph.edges(data=True))
    keys = []
    for *_ends, d in items:
        value = d.get("edge_id")
        try:
            keys.append(int(str(value).strip()))
        except ValueError:  # absent or not an integer: the graph's own order
            return items
    if len(set(keys)) < len(keys):
        return items
    return [items[i] for i in np.argsort(keys, kind="stable")]


def _geometry(
    items: list[tuple[Any, Any, dict[str, Any]]],
    bent: list[int],
    u: np.ndarray,
    v: np.ndarray,
    xy: np.ndarray,
    project: Any,
) -> EdgeGeometry | None:
    """The interior points of the edges at ``bent`` (rows of ``items``), projected to ``xy``'s crs.

    A line drawn from head to tail is turned round; its end points give way to
    the nodes' own coordinates.
    """
    if not bent:
        return None
    import shapely

    values = [items[k][2]["geometry"] for k in bent]
    lines = np.empty(len(values), dtype=object)
    lines[:] = [g if isinstance(g, shapely.Geometry) else None for g in values]
    text = np.flatnonzero([isinstance(g, str) for g in values])
    if text.size:
        lines[text] = shapely.from_wkt([values[i] for i in text], on_invalid="ignore")
    counts = shapely.get_num_coordinates(lines).astype(np.int64)
    starts = np.cumsum(counts) - counts
    bad = (shapely.get_type_id(lines) != shapely.GeometryType.LINESTRING) | (counts < 2)
    if not bad.any():
        coords = shapely.get_coordinates(lines)
        if project is not None:
            coords = np.column_stack(project(coords[:, 0], coords[:, 1]))
        bad = ~np.logical_and.reduceat(np.isfinite(coords).all(axis=1), starts)
    if bad.any():
        k = bent[int(np.flatnonzero(bad)[0])]
        a, b, d = items[k]
        raise NetworkError(
            _("edge {u}->{v}: geometry {value} is not a line of finite coordinates").format(
                u=a, v=b, value=str(d["geometry"])[:80]
            )
        )
    rows = np.asarray(bent, dtype=np.int64)
    first, last = coords[starts], coords[starts + counts - 1]
    pu, pv = xy[u[rows]], xy[v[rows]]
    d_fwd = np.hypot(*(first - pu).T) + np.hypot(*(last - pv).T)
    d_rev = np.hypot(*(first - pv).T) + np.hypot(*(last - pu).T)
    inner = np.maximum(counts - 2, 0)
    pos, owner = ragged_positions(starts + 1, inner)
    turn = (d_rev < d_fwd)[owner]
    pos[turn] = (2 * starts + counts - 1)[owner[turn]] - pos[turn]
    return EdgeGeometry.from_parts(len(items), rows, inner, coords[pos])


def to_networkx(network: RoadNetwork) -> Any:
    """A network state as an osmnx-style :class:`networkx.MultiDiGraph`.

    See :meth:`networks.roadnet.RoadNetwork.to_networkx`, which calls it.
    """
    import networkx as nx

    g = nx.MultiDiGraph(crs=network.crs, name=network.name, created_by="yingji")
    if credit := network_attribution(network):  # the licence's credit goes with the data
        g.graph[ATTRIBUTION_KEY] = credit
    nd, e = network.nodes, network.edges
    marks = {lm.node: lm for lm in network.landmarks}
    for i in range(network.n_nodes):
        attrs = {
            "x": float(nd.x[i]),
            "y": float(nd.y[i]),
            "lon": float(nd.lon[i]),
            "lat": float(nd.lat[i]),
        }
        if i in marks:
            attrs["landmark"] = marks[i].name
            attrs["landmark_kind"] = marks[i].kind
            if marks[i].name_zh:
                attrs["landmark_zh"] = marks[i].name_zh
        g.add_node(int(nd.osmid[i]), **attrs)
    tt = network.edge_time
    ids = nd.osmid
    assert e.name_zh is not None
    curved: dict[int, Any] = {}
    if e.geometry is not None:
        bent = np.flatnonzero(e.geometry.counts > 0)
        a, b = network._edge_ends
        lines = linestrings(a[bent], b[bent], e.geometry.take(bent))
        curved = dict(zip(bent.tolist(), lines, strict=True))
    for k in range(network.n_edges):
        zh = {"name_zh": str(e.name_zh[k])} if e.name_zh[k] else {}
        g.add_edge(
            int(ids[e.u[k]]),
            int(ids[e.v[k]]),
            length=float(e.length[k]),
            speed_kph=float(e.speed_kph[k]),
            travel_time=float(tt[k]),
            highway=str(e.highway[k]),
            name=str(e.name[k]),
            **zh,
            closed=bool(np.isinf(tt[k])),
            edge_id=k,
            **({"geometry": curved[k]} if k in curved else {}),
        )
    return g
