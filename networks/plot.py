"""Maps of a road network, with optional point layers; returns matplotlib figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from networks.credit import draw_credit, network_credit
from networks.geometry import edge_polylines, edge_runs
from networks.i18n import N_, _
from networks.roadnet import RoadNetwork

#: Colour and line width by road class, from fast to slow.
ROAD_STYLE: dict[str, tuple[str, float]] = {
    "motorway": ("#c0392b", 2.2),
    "trunk": ("#e67e22", 2.0),
    "primary": ("#f1c40f", 1.6),
    "secondary": ("#27ae60", 1.3),
    "tertiary": ("#2980b9", 1.1),
    "unclassified": ("#8e44ad", 0.8),
    "residential": ("#95a5a6", 0.6),
}
_OTHER = ("#bdc3c7", 0.5)

#: Road classes (OSM ``highway`` tags) as a person reads them; the tag itself in English.
ROAD_CLASS_LABELS = {
    "motorway": N_("motorway"),
    "trunk": N_("trunk"),
    "primary": N_("primary"),
    "secondary": N_("secondary"),
    "tertiary": N_("tertiary"),
    "unclassified": N_("unclassified"),
    "residential": N_("residential"),
    "motorway_link": N_("motorway_link"),
    "trunk_link": N_("trunk_link"),
    "primary_link": N_("primary_link"),
    "secondary_link": N_("secondary_link"),
    "tertiary_link": N_("tertiary_link"),
    "living_street": N_("living_street"),
    "service": N_("service"),
    # Farm and forest roads: forest-fire and flood crews drive them.
    "track": N_("track"),
    "road": N_("road"),
    "busway": N_("busway"),
}


def road_class_label(highway: str) -> str:
    """A road class as shown (Chinese road grades in Chinese; other tags as given)."""
    label = ROAD_CLASS_LABELS.get(highway)
    return _(label) if label else highway


def _style(highway: str) -> tuple[str, float]:
    return ROAD_STYLE.get(highway.removesuffix("_link"), _OTHER)


def plot_network(
    network: RoadNetwork,
    *,
    ax: Any = None,
    layers: Mapping[str, Sequence[int] | np.ndarray] | None = None,
    layer_styles: Mapping[str, Mapping[str, Any]] | None = None,
    node_values: np.ndarray | None = None,
    value_label: str = "",
    show_closed: bool = True,
    title: str | None = None,
    labels: Mapping[int, str] | Sequence[tuple[int, str]] | None = None,
    counts: Mapping[str, int] | None = None,
) -> Any:
    """Draw a network coloured by road class, with point layers on top.

    Parameters
    ----------
    network
        The network (any state; closed edges are drawn dashed red).
    ax
        Axes to draw on; a new figure is made if ``None``.
    layers
        Node indices per layer name (``{"stations": [...], "depots": [...]}``).
    layer_styles
        Keyword arguments for ``ax.scatter`` per layer.
    node_values
        A value per node (e.g. minutes to the nearest station) drawn as coloured dots,
        the colours spanning the 2nd to 98th percentile (:func:`fitted_norm`).
    value_label
        Colour-bar label for ``node_values``, with its unit.
    show_closed
        Whether to mark closed edges.
    title
        Axes title; defaults to the network's name.
    labels
        Names beside nodes (node -> name, or ``(node, name)`` pairs), see :func:`label_nodes`.
    counts
        The number the legend shows per layer (e.g. incidents, several at one node);
        the number of node indices given where missing.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    A network of OpenStreetMap data (read from an OpenStreetMap file, from
    osmnx, or from a GraphML made of either) gets the credit its licence asks
    for in the lower right corner (:func:`networks.credit.network_credit`).
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 8))
    else:
        fig = ax.figure
    nd, e = network.nodes, network.edges
    # Each road as drawn: its OSM bends where kept, else the segment between its nodes.
    ends = np.column_stack([nd.x[e.u], nd.y[e.u]]), np.column_stack([nd.x[e.v], nd.y[e.v]])
    lines = edge_polylines(*ends, e.geometry)  # once: every class and the closed roads select
    classes = np.unique(e.highway)
    # Slow roads first so fast ones draw on top.
    order = sorted(classes, key=lambda c: _style(str(c))[1])
    handles = []
    for cls in order:
        colour, width = _style(str(cls))
        sel = e.highway == cls
        runs = edge_runs(lines, sel)
        ax.add_collection(LineCollection(runs, colors=colour, linewidths=width, zorder=1))
        if not str(cls).endswith("_link"):
            label = road_class_label(str(cls))
            handles.append(Line2D([], [], color=colour, lw=width + 0.5, label=label))
    closed = network.closed
    if show_closed and closed.any():
        ax.add_collection(
            LineCollection(
                edge_runs(lines, closed),
                colors="#d00000",
                linewidths=2.5,
                linestyles="--",
                zorder=2,
            )  # fmt: skip
        )
        handles.append(Line2D([], [], color="#d00000", lw=2.5, ls="--", label=_("closed")))
    if node_values is not None:
        vals = np.asarray(node_values, float)
        finite = np.isfinite(vals)
        norm = fitted_norm(vals[finite])
        sc = ax.scatter(
            nd.x[finite], nd.y[finite], c=vals[finite], s=4, cmap="viridis_r", norm=norm, zorder=3
        )
        colour_bar(sc, vals[finite], ax=ax, label=value_label)
        if (~finite).any():
            ax.scatter(nd.x[~finite], nd.y[~finite], s=6, c="k", marker="x", zorder=3)
    default_markers = ["^", "s", "o", "D", "v", "P"]
    for i, (name, idx) in enumerate((layers or {}).items()):
        idx = np.asarray(idx, dtype=np.int64)
        style = {
            "marker": default_markers[i % len(default_markers)],
            "s": 40,
            "zorder": 4,
            "edgecolors": "k",
            "linewidths": 0.5,
        }
        style.update((layer_styles or {}).get(name, {}))
        n = (counts or {}).get(name, idx.size)
        label = _("{layer} ({n})").format(layer=name, n=n)
        h = ax.scatter(nd.x[idx], nd.y[idx], label=label, **style)
        handles.append(h)
    ax.set_xlim(nd.x.min() - 200, nd.x.max() + 200)
    ax.set_ylim(nd.y.min() - 200, nd.y.max() + 200)
    if labels:
        label_nodes(ax, network, labels)
    ax.set_aspect("equal")
    # Coordinates stay in metres (layers drawn later use them); the ticks read in km.
    km = FuncFormatter(lambda v, _pos: f"{v / 1000:g}".replace("-", "\N{MINUS SIGN}"))
    ax.xaxis.set_major_formatter(km)
    ax.yaxis.set_major_formatter(km)
    ax.set_xlabel(_("x (km)"))
    ax.set_ylabel(_("y (km)"))
    ax.set_title(title if title is not None else network.name)
    marked = [np.asarray(i, dtype=np.int64) for i in (layers or {}).values()]
    marked += [np.asarray([int(n) for n, _name in _pairs(labels)], dtype=np.int64)]
    idx = np.concatenate(marked) if marked else np.zeros(0, dtype=np.int64)
    credit = network_credit(network)
    if credit:  # ODbL: every map of OpenStreetMap roads names them (synthetic ones owe no one)
        draw_credit(ax, credit)
    # After the credit: the corner hiding no facility, no name and not the credit.
    place_legend(ax, (nd.x[idx], nd.y[idx]), handles=handles, fontsize=7, framealpha=0.85)
    return fig


def fitted_norm(
    values: np.ndarray,
    *,
    quantiles: tuple[float, float] = (0.02, 0.98),
    log_tail: float | None = None,
) -> Any:
    """A colour scale fitted to the data: from one quantile of ``values`` to another.

    A fixed scale either washes every point into one colour or caps the bulk;
    the quantiles keep a few extreme values from setting it (the colour bar
    drawn by :func:`colour_bar` shows them as arrows).

    Parameters
    ----------
    values
        The values coloured (non-finite ones are ignored).
    quantiles
        Lower and upper quantile, the ends of the scale.
    log_tail
        With a long tail, when the upper end exceeds ``log_tail`` times the
        median and the lower end is positive, the scale is logarithmic; never if ``None``.

    Returns
    -------
    matplotlib.colors.Normalize
        ``Normalize``, or ``LogNorm`` for a long tail; ``vmin`` and ``vmax`` are
        the quantiles (a constant gets a unit-wide scale around it).
    """
    from matplotlib.colors import LogNorm, Normalize

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return Normalize(0.0, 1.0)
    lo, hi = (float(q) for q in np.quantile(v, quantiles))
    if hi <= lo:
        return Normalize(lo - 0.5, hi + 0.5)
    if log_tail is not None and lo > 0 and hi > log_tail * float(np.median(v)):
        return LogNorm(lo, hi)
    return Normalize(lo, hi)


def colour_bar(mappable: Any, values: np.ndarray, *, ax: Any, label: str) -> Any:
    """A labelled colour bar whose ends point on where values lie beyond the scale.

    Parameters
    ----------
    mappable
        What was drawn (a scatter with a norm).
    values
        The values drawn.
    ax
        The axes (or list of axes) the bar takes room from.
    label
        What the colours mean, with the unit; a logarithmic scale says so.

    Returns
    -------
    matplotlib.colorbar.Colorbar
    """
    from matplotlib.colors import LogNorm

    norm = mappable.norm
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    below = bool(v.size and v.min() < norm.vmin)
    above = bool(v.size and v.max() > norm.vmax)
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max"}.get(
        (below, above), "both"
    )
    if isinstance(norm, LogNorm):
        label = _("{label}, log scale").format(label=label)
    fig = mappable.axes.figure
    return fig.colorbar(mappable, ax=ax, shrink=0.7, extend=extend, label=label)


#: Corners a map's legend may take, the first preferred on a tie.
_CORNERS = ("upper right", "upper left", "lower left", "lower right")


def place_legend(ax: Any, marks: Any, points: Any = None, **kw: Any) -> Any:
    """Draw the legend in the corner of a map where it hides least.

    Each corner is tried with the legend as it will be drawn (its real size,
    not a guess), judged in order: the fewest stations or other marks under
    it (``marks``), then the fewest texts already on the axes it overlaps (a
    station's name, a place name, the data credit), then the fewest other
    points (``points``, such as incidents); ties go to the upper right. Call
    it once the figure's other parts are drawn (its credit, colour bar and
    title). Any canvas measures: without a renderer of its own, matplotlib
    lends the figure's. The names :func:`label_nodes` wrote are first moved
    apart (:func:`spread_labels`), where the figure's final layout shows them.

    Parameters
    ----------
    ax
        The map's axes, its limits set and its names written.
    marks
        ``(x, y)`` arrays of the stations and labelled nodes.
    points
        ``(x, y)`` arrays of other points, or ``None``.
    **kw
        Passed to :meth:`matplotlib.axes.Axes.legend` (handles, font size...).

    Returns
    -------
    matplotlib.legend.Legend
    """
    fig = ax.figure
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()  # constrained layout: the axes' final place and size
    ax.apply_aspect()  # the axes' final box, which an equal aspect sets only when drawn
    spread_labels(ax)  # the names where they will stay, before a corner is judged by them

    def shown(xy: Any) -> np.ndarray:
        if xy is None:
            return np.zeros((0, 2))
        x, y = (np.asarray(v, dtype=float).ravel() for v in xy)
        return ax.transData.transform(np.column_stack([x, y])) if x.size else np.zeros((0, 2))

    def under(box: Any, xy: np.ndarray) -> int:
        x, y = xy[:, 0], xy[:, 1]
        return int(np.count_nonzero((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)))

    m, p = shown(marks), shown(points)
    texts = [t.get_window_extent() for t in ax.texts if t.get_visible()]
    costs = []
    for k, corner in enumerate(_CORNERS):
        box = ax.legend(loc=corner, **kw).get_window_extent()
        # In order: a station hidden, then a name or the credit, then other points.
        costs.append((under(box, m), sum(box.overlaps(t) for t in texts), under(box, p), k))
    best = _CORNERS[min(costs)[3]]
    return ax.legend(loc=best, **kw)


def label_nodes(
    ax: Any,
    network: RoadNetwork,
    labels: Mapping[int, str] | Sequence[tuple[int, str]],
    *,
    limit: int = 60,
) -> list[Any]:
    """Write names beside nodes (station names on a map), one text per node.

    Names at the same node are joined with " / ". The text has a white halo so it
    reads over roads.

    Parameters
    ----------
    ax
        The axes of the map.
    network
        The network the nodes belong to.
    labels
        Node index -> name, or ``(node, name)`` pairs (several may share a node).
    limit
        More nodes than this are not labelled (the names would cover the map).

    Returns
    -------
    list of matplotlib.text.Annotation
        The texts drawn.
    """
    from matplotlib import patheffects

    by_node: dict[int, list[str]] = {}
    for node, name in _pairs(labels):
        by_node.setdefault(int(node), []).append(str(name))
    if len(by_node) > limit:
        return []
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    x = network.nodes.x
    # A name at the right edge of the map reads to the left of its node (else the frame
    # and the colour bar beside it cut it off).
    right = float(x.min()) + 0.75 * float(x.max() - x.min()) if x.size else 0.0
    out = []
    for node, names in by_node.items():
        left = bool(x[node] > right)
        out.append(
            ax.annotate(
                " / ".join(dict.fromkeys(names)),
                (x[node], network.nodes.y[node]),
                xytext=(-5 if left else 5, 4),
                textcoords="offset points",
                ha="right" if left else "left",
                fontsize=7,
                zorder=7,
                path_effects=halo,
                gid="node-label",
            )
        )
    return out


#: Where a node's name may stand, in points from the node, nearest first: beside it,
#: then below, then further above and below (the side the label began on is tried first).
_OFFSETS = ((5, 4), (5, -12), (5, 14), (5, -22), (5, 24), (5, -32), (5, 34), (5, -42))


def spread_labels(ax: Any) -> None:
    """Move the names :func:`label_nodes` wrote so that no two cover each other.

    Greedy, top of the map first: each name takes the first place beside its node
    (:data:`_OFFSETS`, on its own side, then the other) that overlaps no name
    already placed and stays inside the axes; where every place overlaps, the
    one that overlaps least. Names of nodes outside the axes' limits are not
    drawn and take no place. Call it when the axes have their final size (the
    boxes are measured as drawn): :func:`place_legend` does.

    Parameters
    ----------
    ax
        A map's axes, with its limits set and its names written.
    """
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    names = [
        t for t in ax.texts
        if t.get_gid() == "node-label" and t.get_visible()
        and x0 <= t.xy[0] <= x1 and y0 <= t.xy[1] <= y1
    ]  # fmt: skip
    if not names:
        return
    frame = ax.get_window_extent()
    names.sort(key=lambda t: (-t.xy[1], t.xy[0]))  # data coordinates: top, then left
    placed: list[Any] = []
    for text in names:
        side = -1 if text.get_ha() == "right" else 1
        tries = [(side * dx, dy) for dx, dy in _OFFSETS] + [(-side * dx, dy) for dx, dy in _OFFSETS]
        best = None
        for k, (dx, dy) in enumerate(tries):
            text.xyann = (dx, dy)
            text.set_ha("left" if dx > 0 else "right")
            box = text.get_window_extent()
            covered = sum(_area(box, other) for other in placed)
            outside = not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                           and box.y1 <= frame.y1)  # fmt: skip
            cost = (covered > 0 or outside, covered, outside, k)
            if best is None or cost < best[0]:
                best = (cost, (dx, dy), box)
            if not cost[0]:
                break
        assert best is not None
        (dx, dy), box = best[1], best[2]
        text.xyann = (dx, dy)
        text.set_ha("left" if dx > 0 else "right")
        placed.append(box)


def _area(a: Any, b: Any) -> float:
    """The area two boxes share (display units)."""
    from matplotlib.transforms import Bbox

    both = Bbox.intersection(a, b)
    return 0.0 if both is None else float(both.width * both.height)


def _pairs(labels: Mapping[int, str] | Sequence[tuple[int, str]] | None) -> list[tuple[int, str]]:
    """``labels`` as ``(node, name)`` pairs (none for ``None``)."""
    if not labels:
        return []
    return list(labels.items()) if isinstance(labels, Mapping) else list(labels)
