"""Maps of a road network, with optional point layers; returns matplotlib figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

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
        A value per node (e.g. minutes to the nearest station) drawn as coloured dots.
    value_label
        Colour-bar label for ``node_values``.
    show_closed
        Whether to mark closed edges.
    title
        Axes title; defaults to the network's name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 8))
    else:
        fig = ax.figure
    nd, e = network.nodes, network.edges
    segs = np.stack(
        [np.column_stack([nd.x[e.u], nd.y[e.u]]), np.column_stack([nd.x[e.v], nd.y[e.v]])], axis=1
    )
    classes = np.unique(e.highway)
    # Slow roads first so fast ones draw on top.
    order = sorted(classes, key=lambda c: _style(str(c))[1])
    handles = []
    for cls in order:
        colour, width = _style(str(cls))
        sel = e.highway == cls
        ax.add_collection(LineCollection(segs[sel], colors=colour, linewidths=width, zorder=1))
        if not str(cls).endswith("_link"):
            label = road_class_label(str(cls))
            handles.append(Line2D([], [], color=colour, lw=width + 0.5, label=label))
    closed = network.closed
    if show_closed and closed.any():
        ax.add_collection(
            LineCollection(
                segs[closed], colors="#d00000", linewidths=2.5, linestyles="--", zorder=2
            )
        )
        handles.append(Line2D([], [], color="#d00000", lw=2.5, ls="--", label=_("closed")))
    if node_values is not None:
        vals = np.asarray(node_values, float)
        finite = np.isfinite(vals)
        sc = ax.scatter(nd.x[finite], nd.y[finite], c=vals[finite], s=4, cmap="viridis_r", zorder=3)
        fig.colorbar(sc, ax=ax, shrink=0.7, label=value_label)
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
        label = _("{layer} ({n})").format(layer=name, n=idx.size)
        h = ax.scatter(nd.x[idx], nd.y[idx], label=label, **style)
        handles.append(h)
    ax.set_xlim(nd.x.min() - 200, nd.x.max() + 200)
    ax.set_ylim(nd.y.min() - 200, nd.y.max() + 200)
    ax.set_aspect("equal")
    ax.set_xlabel(_("x (m)"))
    ax.set_ylabel(_("y (m)"))
    ax.set_title(title if title is not None else network.name)
    ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.85)
    return fig
