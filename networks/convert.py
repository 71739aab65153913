"""Between networkx graphs and the compiled :class:`~networks.roadnet.RoadNetwork`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from networks.errors import NetworkError
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


def _is_geographic(crs: str) -> bool:
    from pyproj import CRS

    return CRS.from_user_input(crs).is_geographic


def utm_crs(lon: np.ndarray, lat: np.ndarray) -> str:
    """The UTM zone (as ``EPSG:326xx``/``EPSG:327xx``) for the centre of some points."""
    lon0, lat0 = float(np.mean(lon)), float(np.mean(lat))
    zone = int((lon0 + 180) // 6) % 60 + 1
    return f"EPSG:{(32600 if lat0 >= 0 else 32700) + zone}"


def _first(value: Any) -> Any:
    # osmnx keeps merged ways' tags as lists; the first is as good a label as any.
    return value[0] if isinstance(value, list | tuple) and value else value


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


def _node_column(graph: Any, ids: list[Any], name: str) -> np.ndarray:
    """A finite numeric node attribute of every node, or :class:`NetworkError` naming the node."""
    nd = graph.nodes
    out = np.empty(len(ids))
    for i, n in enumerate(ids):
        value = nd[n].get(name)
        if value is None:
            raise NetworkError(f"node {n} has no {name} coordinate")
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            raise NetworkError(f"node {n}: {name} {value!r} is not a number") from None
        if not math.isfinite(out[i]):
            raise NetworkError(f"node {n}: {name} {value!r} is not a finite number")
    return out


def _edge_number(
    value: Any, a: Any, b: Any, name: str, unit: str, *, hi: float = math.inf
) -> float:
    """A finite number >= 0 (and <= ``hi``) of an edge, or :class:`NetworkError` naming it."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise NetworkError(f"edge {a}->{b}: {name} {value!r} is not a number") from None
    if not (math.isfinite(out) and 0 <= out <= hi):
        bound = f"and <= {hi:g} " if math.isfinite(hi) else ""
        raise NetworkError(
            f"edge {a}->{b}: {name} {value!r} is not a finite number >= 0 {bound}({unit})"
        )
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
        else from ``maxspeed``, else from the road-class table.
    speeds
        Overrides for the road-class speed table (km/h).
    name
        Label for the network.

    Returns
    -------
    RoadNetwork
        Its largest strongly connected part; ``cleaning`` says what was dropped.
    """
    if graph.number_of_nodes() == 0 or graph.number_of_edges() == 0:
        raise NetworkError("the network has no drivable roads")
    table = speed_table(speeds)
    crs = str(graph.graph.get("crs", "EPSG:4326"))
    ids = list(graph.nodes)
    index = {n: i for i, n in enumerate(ids)}
    nd = graph.nodes
    x = _node_column(graph, ids, "x")
    y = _node_column(graph, ids, "y")
    try:
        geographic = _is_geographic(crs)
    except Exception as exc:  # pyproj raises CRSError and others for a bad string
        raise NetworkError(f"graph attribute crs {crs!r} is not a coordinate system") from exc
    if geographic:
        for name, col, lim in (("x", x, 180), ("y", y, 90)):
            bad = np.flatnonzero(np.abs(col) > lim)
            if bad.size:
                raise NetworkError(
                    f"node {ids[bad[0]]}: {name} {col[bad[0]]} is not a "
                    f"{'longitude' if name == 'x' else 'latitude'} (crs {crs})"
                )
        lon, lat = x, y
        crs = utm_crs(lon, lat)
        from pyproj import Transformer

        x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    elif all("lon" in nd[n] for n in ids[:1]):
        lon = _node_column(graph, ids, "lon")
        lat = _node_column(graph, ids, "lat")
    else:
        from pyproj import Transformer

        lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    try:
        osmid = np.asarray([int(n) for n in ids], dtype=np.int64)
    except (TypeError, ValueError):
        osmid = np.arange(len(ids), dtype=np.int64)

    m = graph.number_of_edges()
    u = np.empty(m, np.int32)
    v = np.empty(m, np.int32)
    length = np.empty(m)
    speed = np.empty(m)
    highway: list[str] = []
    names: list[str] = []
    for k, (a, b, d) in enumerate(graph.edges(data=True)):
        u[k], v[k] = index[a], index[b]
        if d.get("length") is None:
            raise NetworkError(f"edge {a}->{b} has no length")
        length[k] = _edge_number(d["length"], a, b, "length", "metres")
        hw = d.get("highway", "road")
        s = d.get("speed_kph")
        s = None if s is None else _edge_number(s, a, b, "speed_kph", "km/h", hi=MAX_SPEED_KPH)
        if not s:
            s = _maxspeed_kph(d["maxspeed"]) if d.get("maxspeed") is not None else None
        speed[k] = float(s) if s else speed_for(hw, table)
        highway.append(str(_first(hw)))
        names.append(str(_first(d.get("name", "")) or ""))
    nodes = NodeTable(
        osmid, np.asarray(x, float), np.asarray(y, float), np.asarray(lon), np.asarray(lat)
    )
    edges = EdgeTable(u, v, length, speed, np.asarray(highway), np.asarray(names))
    nodes, edges, report, kept = largest_strongly_connected(nodes, edges)
    new_index = {int(old): i for i, old in enumerate(kept)}
    landmarks = [
        Landmark(new_index[index[n]], str(nd[n]["landmark"]), str(nd[n].get("landmark_kind", "")))
        for n in ids
        if "landmark" in nd[n] and index[n] in new_index
    ]
    return RoadNetwork(
        nodes,
        edges,
        crs=crs,
        landmarks=landmarks,
        name=name or graph.graph.get("name", ""),
        cleaning=report,
    )
