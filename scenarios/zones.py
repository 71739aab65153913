"""Isolation zones of a stream ("avoid danger first, then rescue").

A hazardous-chemical leak (and any hazard whose road rule is labelled
``isolation``) closes every edge within its isolation radius, as a
:class:`~scenarios.stream.ScheduledDisruption` whose label starts with
``"isolation"`` and whose ``incident`` is the leak. The scene itself lies
inside the zone, so responders cannot drive to it through open roads: they
stage at the zone's edge. These helpers find the zones and those staging nodes.
"""

from __future__ import annotations

import numpy as np

from networks.roadnet import RoadNetwork
from scenarios.stream import IncidentStream


def isolation_zones(stream: IncidentStream) -> dict[str, np.ndarray]:
    """The isolation zones of a stream as columns.

    Returns
    -------
    dict
        ``row`` (index into ``stream.disruptions``), ``incident``, ``start``,
        ``end`` (minutes) and ``n_edges``.
    """
    rows = [i for i, d in enumerate(stream.disruptions)
            if d.disruption.label.startswith("isolation")]  # fmt: skip
    ds = [stream.disruptions[i] for i in rows]
    return {
        "row": np.asarray(rows, dtype=np.int64),
        "incident": np.array([d.incident for d in ds], dtype=np.int64),
        "start": np.array([d.start for d in ds], dtype=float),
        "end": np.array([d.end for d in ds], dtype=float),
        "n_edges": np.array([len(d.disruption.edges) for d in ds], dtype=np.int64),
    }


def staging_nodes(stream: IncidentStream, network: RoadNetwork) -> np.ndarray:
    """For each isolation zone, the nearest node to its scene that responders can reach.

    That is the node nearest the scene (straight line) that no zone edge
    touches and that lies in the largest strongly connected part of the
    network with the zone closed. Responders to the leak drive there rather
    than into the zone. Order follows :func:`isolation_zones`.
    """
    from scipy.sparse import csgraph

    zones = isolation_zones(stream)
    x, y = network.nodes.x, network.nodes.y
    e = network.edges
    out = np.empty(zones["row"].size, dtype=np.int64)
    for k, (row, inc) in enumerate(zip(zones["row"], zones["incident"], strict=True)):
        edges = np.asarray(stream.disruptions[row].disruption.edges, dtype=np.int64)
        inside = np.zeros(network.n_nodes, dtype=bool)
        inside[e.u[edges]] = True
        inside[e.v[edges]] = True
        state = network.under([stream.disruptions[row].disruption])
        _, part = csgraph.connected_components(state.csr, directed=True, connection="strong")
        inside |= part != np.argmax(np.bincount(part))
        scene = int(stream.node[inc]) if inc >= 0 else int(e.u[edges[0]])
        d = np.hypot(x - x[scene], y - y[scene])
        d[inside] = np.inf
        out[k] = int(np.argmin(d)) if np.isfinite(d).any() else scene
    return out
