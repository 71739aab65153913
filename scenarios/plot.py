"""A map of an incident stream: incidents by category over the roads it closes."""

from __future__ import annotations

from typing import Any

import numpy as np

from networks.i18n import _, both
from networks.roadnet import RoadNetwork
from scenarios.stream import CATEGORIES, IncidentStream
from scenarios.terms import category_name, source_name

_STYLE = {
    "natural_disaster": {"marker": "o", "color": "#1f77b4"},
    "accident": {"marker": "^", "color": "#d62728"},
    "public_health": {"marker": "P", "color": "#2ca02c"},
    "social_safety": {"marker": "s", "color": "#9467bd"},
}


def plot_stream(
    stream: IncidentStream,
    network: RoadNetwork,
    *,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Draw incidents by category on the network, with every road the stream closes dashed red.

    The legend counts incidents per category, so the counts add up to the
    stream's length even where incidents share a node.

    Parameters
    ----------
    stream
        The incident stream.
    network
        Its road network.
    ax
        Axes to draw on; a new figure if ``None``.
    title
        Axes title; default: the network's name and the incident count.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from networks.plot import plot_network

    closures = [d.disruption for d in stream.disruptions if np.isinf(d.disruption.factor)]
    state = network.under(closures) if closures else network
    names = {c: both(c.replace("_", " "), category_name(c)) for c in CATEGORIES}
    of = {c: stream.node[stream.category == c] for c in CATEGORIES}
    # One marker per node, but the legend counts incidents (several may share a node).
    layers = {names[c]: np.unique(v) for c, v in of.items() if v.size}
    counts = {names[c]: int(v.size) for c, v in of.items() if v.size}
    styles = {names[c]: dict(_STYLE[c], s=22) for c in CATEGORIES}
    if title is None:
        title = _("{network}: {n} incidents").format(network=network.name, n=len(stream))
    return plot_network(
        state, ax=ax, layers=layers, layer_styles=styles, title=title, counts=counts
    )


def plot_sources(
    network: RoadNetwork,
    *,
    sources: dict[str, Any] | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Draw the hazard sources and derived road sets a stream would use on a network.

    Low-lying roads are drawn dashed red (as closed) so the flood-prone band
    stands out; sources are point layers by kind.

    Parameters
    ----------
    network
        The road network.
    sources
        Hazard-source node indices by kind; missing kinds take the defaults
        of :func:`scenarios.places.default_sources`.
    ax
        Axes to draw on; a new figure if ``None``.
    title
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from networks.plot import plot_network
    from networks.roadnet import Disruption
    from scenarios.places import Geography

    geo = Geography(network, sources=sources)
    low = np.flatnonzero(geo.road_set("low_lying"))
    state = network.under([Disruption(tuple(int(e) for e in low))]) if low.size else network
    if title is None:
        title = _("{network}: hazard sources, low-lying roads").format(network=network.name)
    return plot_network(
        state,
        ax=ax,
        layers={both(k, source_name(k)): v for k, v in sorted(geo.sources.items())},
        title=title,
    )
