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


def scene_closures(stream: IncidentStream) -> np.ndarray:
    """Rows of ``stream.disruptions`` that close roads at an incident's own scene.

    Isolation zones, and closures (factor ``inf``) that an incident brings
    with it: a landslide's road cut, a mine site, waterlogged streets.
    """
    return np.array(
        [k for k, d in enumerate(stream.disruptions)
         if d.disruption.label.startswith("isolation")
         or (d.incident >= 0 and d.disruption.factor == np.inf)],
        dtype=np.int64,
    )  # fmt: skip


def cut_off(network: RoadNetwork, disruption: object) -> np.ndarray:
    """Nodes outside the largest strongly connected part of ``network`` under ``disruption``.

    No team from the rest of the network can reach them, nor leave them, by road.
    """
    from scipy.sparse import csgraph

    from networks.oracle import open_graph

    state = network.under([disruption])  # type: ignore[list-item]
    _, part = csgraph.connected_components(open_graph(state), directed=True, connection="strong")
    return part != np.argmax(np.bincount(part))


def staging_nodes(
    stream: IncidentStream,
    network: RoadNetwork,
    rows: np.ndarray | None = None,
    *,
    cut: list[np.ndarray] | None = None,
) -> np.ndarray:
    """For each closure, the nearest node to its scene that responders can reach.

    That is the node nearest the scene (straight line) in the largest
    strongly connected part of the network with the closure in place and,
    for an isolation zone, touched by none of its edges: responders stage
    outside the zone, or drive up to the edge of a road cut.

    Parameters
    ----------
    stream, network
        The stream and the network it was drawn on.
    rows
        Rows of ``stream.disruptions``; the isolation zones
        (:func:`isolation_zones`) if ``None``.
    cut
        :func:`cut_off` of each row's disruption, if already known.

    Returns
    -------
    numpy.ndarray
        One node per row, in order.
    """
    rows = isolation_zones(stream)["row"] if rows is None else np.asarray(rows, dtype=np.int64)
    x, y = network.nodes.x, network.nodes.y
    e = network.edges
    out = np.empty(rows.size, dtype=np.int64)
    for k, row in enumerate(rows.tolist()):
        d = stream.disruptions[row]
        edges = np.asarray(d.disruption.edges, dtype=np.int64)
        inside = (cut_off(network, d.disruption) if cut is None else cut[k]).copy()
        if d.disruption.label.startswith("isolation"):  # danger: keep clear of the zone
            inside[e.u[edges]] = True
            inside[e.v[edges]] = True
        scene = int(stream.node[d.incident]) if d.incident >= 0 else int(e.u[edges[0]])
        dist = np.hypot(x - x[scene], y - y[scene])
        dist[inside] = np.inf
        out[k] = int(np.argmin(dist)) if np.isfinite(dist).any() else scene
    return out
