"""Demand points named as places a planner can find, for the models' error messages.

A model that cannot serve some demand points (LSCP with a standard no candidate
meets, say) names them. Node indices mean nothing to a planner: no map, table or
``sites.csv`` shows them. So the points are grouped by their nearest landmark
(village, township, county seat) and each group is named by that place, its
number of points and the longitude and latitude of its middle point; on a
network without landmarks, a few points far apart are named by their longitude
and latitude. The biggest groups come first, the rest are counted.
"""

from __future__ import annotations

import numpy as np

from networks.i18n import _, both
from networks.roadnet import RoadNetwork

#: Places (or, without landmarks, points) named before the rest are counted.
SHOWN = 3


def _where(network: RoadNetwork, node: int) -> str:
    """``lon 117.231, lat 28.301``: three decimals, about 100 m."""
    nodes = network.nodes
    return _("lon {lon}, lat {lat}").format(
        lon=f"{float(nodes.lon[node]):.3f}", lat=f"{float(nodes.lat[node]):.3f}"
    )


def _spread(x: np.ndarray, y: np.ndarray, k: int) -> list[int]:
    """Positions of ``k`` points far apart: the first, then each farthest from those taken."""
    taken = [0]
    d = np.hypot(x - x[0], y - y[0])
    while len(taken) < min(k, x.size):
        i = int(np.argmax(d))
        taken.append(i)
        d = np.minimum(d, np.hypot(x - x[i], y - y[i]))
    return taken


def _middle(x: np.ndarray, y: np.ndarray) -> int:
    """Position of the point nearest the points' mean (a point of the group, on a road)."""
    return int(np.argmin(np.hypot(x - x.mean(), y - y.mean())))


def demand_places_text(network: RoadNetwork, nodes: np.ndarray, *, shown: int = SHOWN) -> str:
    """Demand points as places: ``62 demand points (18 near Xiba Village 2, around lon …)``.

    Parameters
    ----------
    network
        The :class:`networks.RoadNetwork` the nodes are on.
    nodes
        Node indices of the demand points (at least one).
    shown
        Places (or points) named; the others are counted.

    Returns
    -------
    str
        One line in the language in use, without node indices.
    """
    from scipy.spatial import cKDTree

    nodes = np.asarray(nodes, dtype=np.int64)
    x = np.asarray(network.nodes.x, float)[nodes]
    y = np.asarray(network.nodes.y, float)[nodes]
    sep = both("; ", "；")
    marks = list(network.landmarks)
    if not marks:
        # One more shown rather than "and 1 more".
        picks = _spread(x, y, nodes.size if nodes.size <= shown + 1 else shown)
        text = sep.join(_where(network, int(nodes[i])) for i in picks)
        more = nodes.size - len(picks)
        template = (
            _("{n} demand points (at {places} and {more} more)")
            if more
            else _("{n} demand points (at {places})")
        )
        return template.format(n=nodes.size, places=text, more=more)
    at = np.array([m.node for m in marks], dtype=np.int64)
    mx = np.asarray(network.nodes.x, float)[at]
    my = np.asarray(network.nodes.y, float)[at]
    near = np.asarray(cKDTree(np.column_stack([mx, my])).query(np.column_stack([x, y]))[1])
    groups, counts = np.unique(near, return_counts=True)
    # Most points first; ties by the landmark's order in the network, for a stable message.
    order = np.lexsort((groups, -counts))
    shown = groups.size if groups.size <= shown + 1 else shown  # not "1 other places"
    parts = []
    for g in groups[order][:shown]:
        members = np.flatnonzero(near == g)
        parts.append(
            _("{count} near {place}, around {where}").format(
                count=members.size,
                place=marks[int(g)].label(),
                where=_where(network, int(nodes[members[_middle(x[members], y[members])]])),
            )
        )
    text = sep.join(parts)
    rest = groups[order][shown:]
    if rest.size:
        text = _("{places}; and {more} more near {others} other places").format(
            places=text, more=int(counts[order][shown:].sum()), others=rest.size
        )
    return _("{n} demand points ({places})").format(n=nodes.size, places=text)
