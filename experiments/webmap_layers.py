"""The layers of the interactive map as plain data: roads, travel-time bands, points, closures.

:mod:`experiments.webmap` assembles these into the page; everything here is
JSON-ready (lists, ints, short floats) and sized for one HTML file:

* roads are one segment per road (both directions together) in whole metres;
  when a network has more than ``max_segments`` of them, the end points are
  snapped to a grid that doubles (2 m, 4 m, ...) until the distinct segments
  fit, the segment of the faster road class kept where two fall together;
* points (demand) beyond ``max_points`` are thinned the same way, keeping the
  slowest point of each grid cell so that poor coverage is never hidden;
* stations, depots and incidents are never thinned.

Coordinates are projected metres from the south-west corner of the network
(``origin``); road and closure coordinates are in grid cells of ``cell`` metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from networks.i18n import _
from networks.plot import ROAD_STYLE, road_class_label
from networks.roadnet import RoadNetwork
from scenarios.closure_text import closure_text

#: Road segments drawn at most (about 20 bytes each in the page): the synthetic city's
#: 380,000 roads are drawn on a 256 m grid as 54,000 segments, a page of about 1.3 MB.
MAX_SEGMENTS = 60_000
#: Points of a thinned layer (demand points) drawn at most.
MAX_POINTS = 20_000
#: Style of road classes :data:`networks.plot.ROAD_STYLE` does not name (as that map draws them).
OTHER_STYLE = ("#bdc3c7", 0.5)
#: Colours of the travel-time bands, nearest first.
BAND_COLOURS = ("#1a9850", "#fee08b", "#f46d43", "#a50026")
#: Colour map of minutes (as the static incident map) and the colour of "never reached".
COLOUR_MAP = "plasma"
NONE_COLOUR = "#9e9e9e"


@dataclass(frozen=True)
class RoadLayer:
    """Road segments as drawn: at most ``max_segments``, end points on a grid of ``cell`` metres.

    Attributes
    ----------
    cell
        Grid spacing, metres (1 when nothing had to be thinned).
    xy
        ``(n, 4)`` int array of ``x1, y1, x2, y2`` in grid cells from the origin.
    cls
        Class of each segment, an index of ``classes``.
    classes
        Road classes (OSM ``highway`` without ``_link``), fastest first.
    edge
        The edge each segment stands for (the first of the fastest class).
    total
        Segments before thinning (one per road, both directions together).
    """

    cell: float
    xy: np.ndarray
    cls: np.ndarray
    classes: tuple[str, ...]
    edge: np.ndarray
    total: int


def _rank(highway: str) -> tuple[int, str]:
    order = list(ROAD_STYLE)
    return (order.index(highway), "") if highway in order else (len(order), highway)


def _snap(x: np.ndarray, y: np.ndarray, cell: float) -> np.ndarray:
    """One int per grid cell of ``cell`` metres holding each point (x, y >= 0 from the origin)."""
    gx, gy = np.rint(x / cell).astype(np.int64), np.rint(y / cell).astype(np.int64)
    return gx * (int(gy.max(initial=0)) + 1) + gy


def _first_pairs(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Rows of the first occurrence of each distinct ``(lo, hi)`` pair, ascending."""
    order = np.lexsort((hi, lo))  # stable: the earliest row leads each run of equal pairs
    a, b = lo[order], hi[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return np.sort(order[first])


def thin_roads(
    network: RoadNetwork, *, origin: tuple[float, float], max_segments: int = MAX_SEGMENTS
) -> RoadLayer:
    """One segment per road, its ends snapped to the finest grid (1, 2, 4, ... m) that fits.

    Parameters
    ----------
    network
        The network.
    origin
        Projected metres of the map's origin (its south-west corner).
    max_segments
        Most segments to keep.

    Returns
    -------
    RoadLayer
    """
    e, nd = network.edges, network.nodes
    names, inverse = np.unique(np.asarray(e.highway, dtype=str), return_inverse=True)
    bases = [str(h).removesuffix("_link") for h in names]
    classes = tuple(sorted(set(bases), key=_rank))
    cls_all = np.array([classes.index(b) for b in bases], dtype=np.int64)[inverse]
    # Fastest class first, then edge order: of segments that fall together, the first stays.
    order = np.argsort(cls_all, kind="stable")
    u, v = e.u[order], e.v[order]
    order = order[_first_pairs(np.minimum(u, v), np.maximum(u, v))]  # both directions: one
    x, y = nd.x - origin[0], nd.y - origin[1]
    cell = 0.5
    while True:
        cell *= 2.0
        p = _snap(x, y, cell)
        a, b = p[e.u[order]], p[e.v[order]]
        rows = np.flatnonzero(a != b)
        rows = rows[_first_pairs(np.minimum(a, b)[rows], np.maximum(a, b)[rows])]
        if cell == 1.0:
            total = rows.size
        if rows.size <= max_segments:
            break
    edge = order[rows]
    gx = np.rint(x / cell).astype(np.int64)
    gy = np.rint(y / cell).astype(np.int64)
    xy = np.column_stack([gx[e.u[edge]], gy[e.u[edge]], gx[e.v[edge]], gy[e.v[edge]]])
    return RoadLayer(cell=cell, xy=xy, cls=cls_all[edge], classes=classes, edge=edge, total=total)


def road_classes(layer: RoadLayer) -> list[dict[str, Any]]:
    """Label, colour and line width (px) of each class of ``layer``, fastest first."""
    out = []
    for key in layer.classes:
        colour, width = ROAD_STYLE.get(key, OTHER_STYLE)
        out.append(
            {"key": key, "label": road_class_label(key), "colour": colour,
             "width": round(0.6 + 0.9 * width, 2)}
        )  # fmt: skip
    return out


def nearest_minutes(
    network: RoadNetwork, sources: Sequence[int], *, limit_min: float
) -> np.ndarray:
    """Minutes from the nearest of ``sources`` to every node (``inf`` beyond ``limit_min``)."""
    from scipy.sparse import csgraph

    src = np.unique(np.asarray(sources, dtype=np.int64))
    if src.size == 0:
        return np.full(network.n_nodes, np.inf)
    sec = csgraph.dijkstra(network.csr, indices=src, min_only=True, limit=limit_min * 60.0)
    return np.asarray(sec, dtype=np.float64) / 60.0


def segment_bands(
    layer: RoadLayer, network: RoadNetwork, minutes: np.ndarray, bands: Sequence[float]
) -> np.ndarray:
    """The band of each road segment: the first ``bands[k]`` both its ends are within.

    ``len(bands)`` where a segment is farther than the last band.
    """
    e = network.edges
    worst = np.maximum(minutes[e.u[layer.edge]], minutes[e.v[layer.edge]])
    return np.searchsorted(np.asarray(bands, dtype=float), worst, side="left")


def band_legend(bands: Sequence[float]) -> list[dict[str, str]]:
    """Label and colour of each travel-time band."""
    colours = BAND_COLOURS[: len(bands)]
    return [
        {"label": _("within {minutes} min").format(minutes=f"{b:g}"), "colour": c}
        for b, c in zip(bands, colours, strict=True)
    ]


def colour_scale(*, stops: int = 9) -> list[str]:
    """Hex colours of :data:`COLOUR_MAP` at ``stops`` even steps (the legend's gradient)."""
    import matplotlib
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps[COLOUR_MAP]
    return [to_hex(cmap(v)) for v in np.linspace(0.0, 1.0, stops)]


def colours(values: np.ndarray, top: float) -> list[str]:
    """Hex colour of each value on the scale 0..``top`` (:data:`NONE_COLOUR` where not finite)."""
    import matplotlib
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps[COLOUR_MAP]
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    rgba = cmap(np.clip(np.where(ok, v, 0.0) / top, 0.0, 1.0))
    return [to_hex(c) if good else NONE_COLOUR for c, good in zip(rgba, ok, strict=True)]


def thin_points(
    x: np.ndarray, y: np.ndarray, values: np.ndarray, *, max_points: int = MAX_POINTS
) -> tuple[np.ndarray, float]:
    """Rows to draw of a point layer: all, or the slowest of each cell of the finest grid that fits.

    Parameters
    ----------
    x, y
        Metres from the origin.
    values
        Minutes (``inf``: never reached, the slowest of all).
    max_points
        Most points to keep.

    Returns
    -------
    rows : numpy.ndarray
        Indices of the points kept, ascending.
    cell : float
        Grid spacing used, metres (0 when every point is kept).
    """
    n = len(values)
    if n <= max_points:
        return np.arange(n), 0.0
    v = np.where(np.isnan(values), np.inf, np.asarray(values, dtype=float))
    # Slowest first, so np.unique keeps the slowest point of each cell.
    order = np.lexsort((np.arange(n), -v))
    cell = 2.0
    while True:
        _uniq, first = np.unique(_snap(np.asarray(x)[order], np.asarray(y)[order], cell),
                                 return_index=True)  # fmt: skip
        if first.size <= max_points:
            return np.sort(order[first]), cell
        cell *= 2.0


def closure_items(
    stream: Any,
    network: RoadNetwork,
    layer: RoadLayer,
    *,
    origin: tuple[float, float],
    hazard_names: dict[str, str],
) -> list[dict[str, Any]]:
    """The stream's road closures and slowdowns, each with its time window and segments.

    Segments use the grid of ``layer`` (a closure shorter than a cell is a dot).
    """
    nd, e = network.nodes, network.edges
    x, y = nd.x - origin[0], nd.y - origin[1]
    p = _snap(x, y, layer.cell)
    g = np.column_stack([np.rint(x / layer.cell), np.rint(y / layer.cell)]).astype(np.int64)
    out = []
    for d in stream.disruptions:
        idx = np.asarray(d.disruption.edges, dtype=np.int64)
        a, b = p[e.u[idx]], p[e.v[idx]]
        # A road closed both ways is one segment.
        rows = idx[_first_pairs(np.minimum(a, b), np.maximum(a, b))]
        seg = np.column_stack([g[e.u[rows]], g[e.v[rows]]])
        closed = bool(np.isinf(d.disruption.factor))
        if d.incident >= 0:
            hazard = str(stream.hazard[d.incident])
            text = (
                _("closed by incident {id}: {hazard}") if closed
                else _("slowed by incident {id}: {hazard}")
            ).format(id=int(d.incident), hazard=hazard_names.get(hazard, hazard))  # fmt: skip
        else:
            # The label stays machine data in the records; the map shows it in words.
            text = closure_text(d.disruption.label, hazard_names)
        out.append(
            {"start": round(float(d.start), 2), "end": round(float(d.end), 2),
             "closed": closed, "label": text, "xy": seg.ravel().tolist()}
        )  # fmt: skip
    return out


def busiest_time(items: Sequence[dict[str, Any]], start: float) -> float:
    """When the slider starts: the first moment the most closures and slowdowns are in force.

    A whole minute where one has that many (the slider moves by minutes), else the
    exact moment; ``start`` when there are none.
    """
    if not items:
        return start
    s = np.array([it["start"] for it in items], dtype=float)
    t_end = np.array([it["end"] for it in items], dtype=float)
    # The count changes only at starts: a start, or the next whole minute, is a best moment.
    when = np.concatenate([np.ceil(s), s])
    active = ((s[None, :] <= when[:, None]) & (when[:, None] < t_end[None, :])).sum(axis=1)
    whole = active[: s.size] == active.max()
    if whole.any():
        return float(when[: s.size][whole].min())
    return float(s[active[s.size :] == active.max()].min())


def frame(network: RoadNetwork) -> tuple[tuple[float, float], list[int]]:
    """Origin (south-west corner) and extent in whole metres."""
    x, y = network.nodes.x, network.nodes.y
    origin = (float(x.min()), float(y.min()))
    return origin, [int(np.ceil(x.max() - origin[0])), int(np.ceil(y.max() - origin[1]))]


def node_xy(network: RoadNetwork, nodes: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    """Whole metres from the origin of ``nodes``, shape ``(n, 2)``."""
    nd = network.nodes
    return np.rint(np.column_stack([nd.x[nodes] - origin[0], nd.y[nodes] - origin[1]])).astype(int)


def road_data(
    network: RoadNetwork, origin: tuple[float, float], max_segments: int
) -> tuple[RoadLayer, dict[str, Any], list[str]]:
    """The thinned roads, their JSON and the note on thinning (empty if none was needed)."""
    layer = thin_roads(network, origin=origin, max_segments=max_segments)
    data = {
        "cell": layer.cell,
        "classes": road_classes(layer),
        "xy": layer.xy.ravel().tolist(),
        "cls": layer.cls.tolist(),
        "total": layer.total,
    }
    notes = []
    if layer.cell > 1:
        notes.append(
            _("roads simplified to a {cell} m grid: {shown} of {total} road segments drawn").format(
                cell=f"{layer.cell:g}", shown=f"{len(layer.edge):,}", total=f"{layer.total:,}"
            )
        )
    return layer, data, notes


def bands_layer(
    layer: RoadLayer,
    network: RoadNetwork,
    sources: np.ndarray,
    bands: tuple[float, ...],
    label: str,
) -> dict[str, Any]:
    """The isochrone layer: the band of each road segment from the nearest of ``sources``."""
    minutes = nearest_minutes(network, sources, limit_min=bands[-1])
    return {
        "id": "isochrones", "type": "bands", "label": label, "on": True,
        "bands": band_legend(bands),
        "band": segment_bands(layer, network, minutes, bands).tolist(),
        "note": _("free-flow driving on the roads drawn, turnout not included"),
    }  # fmt: skip
