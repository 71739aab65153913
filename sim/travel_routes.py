"""Route metres of a run's dispatches, worked out after the run per network state.

:func:`dispatch_lengths` measures every dispatch along the fastest route of
the state it was made in: from a station by the station's route-metre rows
(:func:`sim.travel.route_lengths`), from a scene by walking the scene's
shortest-path tree back (whole trees, kept with :mod:`sim.travel`'s scene rows,
on networks up to :data:`~sim.travel.FULL_TREE_NODES` nodes; else a search
bounded by the drive's own seconds). The parent-arc metres of whole scene
trees are kept per state and scene node (:data:`_SCENE_METRES`), so a scene
that comes back in a later run is a walk, not an arc search.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse import csgraph

from networks.oracle import arcs_of, state_csr
from networks.roadnet import RoadNetwork
from sim.travel import (
    _INF,
    _SCENES,
    FULL_TREE_NODES,
    SCENE_BYTES,
    _arc_metres,
    _Kept,
    _parent_metres,
    route_lengths,
    scene_row,
)

__all__ = ["dispatch_lengths"]

#: Parent-arc metres of whole scene trees (small networks), per state and scene node: the
#: route metres of a run's dispatches from scenes are then a walk, not an arc search.
_SCENE_METRES = _Kept(SCENE_BYTES // 2)


def _scene_pred(state: RoadNetwork, node: int, limit: float) -> np.ndarray:
    """Predecessors of the search from ``node``: a whole tree on small networks, else bounded.

    Which one depends only on the network's size, so route metres never depend
    on what happened to be kept.
    """
    if state.n_nodes <= FULL_TREE_NODES:
        hit = _SCENES.get(state, node)
        if hit is None or hit[2] is None:
            scene_row(state, node)
            hit = _SCENES.get(state, node)
        if hit is not None:
            return hit[2]
        limit = _INF
    _, pred = csgraph.dijkstra(
        state_csr(state), indices=node, limit=limit, return_predecessors=True
    )
    return pred


def _scene_metres(
    state: RoadNetwork, source: int, target: np.ndarray, seconds: float
) -> np.ndarray:
    """Metres along the fastest routes from ``source`` to ``target`` (``seconds`` away at most)."""
    # Bounded at what the drives took: the search covers the ball they lie in, no more.
    pred = _scene_pred(state, source, seconds * (1 + 1e-6) + 1e-3)
    # Arc metres summed as float32 (as route metres from scenes always were).
    arcs, metres = arcs_of(state), _arc_metres(state, np.float32)
    acc = np.zeros(target.size)
    cur = target.astype(np.int64).copy()
    live = np.flatnonzero(cur != source)
    while live.size:  # all routes walk back towards the source together, one arc per round
        c = cur[live]
        p = pred[c].astype(np.int64)
        bad = p < 0
        if bad.any():  # beyond the bound: cannot happen for a dispatched team; kept explicit
            acc[live[bad]] = np.inf
            live, p, c = live[~bad], p[~bad], c[~bad]
        acc[live] += metres[arcs.arc_index(p, c)]
        cur[live] = p
        live = live[p != source]
    return acc


def dispatch_lengths(
    state_of: Callable[[int], RoadNetwork],
    station_nodes: np.ndarray,
    station: np.ndarray,
    from_node: np.ndarray,
    target: np.ndarray,
    version: np.ndarray,
    seconds: np.ndarray,
) -> np.ndarray:
    """Route metres of every dispatch, vectorised per network state at dispatch.

    Parameters
    ----------
    state_of
        The network state of a version a dispatch was made in.
    station_nodes
        Node of each station.
    station, from_node, target, version, seconds
        Per dispatch: the team's station, where it set off from (its station
        or a previous scene), the scene node it drove to, the version of the
        network state it was dispatched in, and the road seconds of the drive
        (at least those from ``from_node``; bounds the search from a scene).

    Returns
    -------
    numpy.ndarray
        Metres along the fastest route from ``from_node`` to ``target``.
    """
    out = np.full(station.size, np.nan)
    if not station.size:
        return out
    at_station = from_node == station_nodes[station]
    for v in np.unique(version).tolist():
        state = state_of(v)
        sel = np.flatnonzero((version == v) & at_station)
        if sel.size:
            src, row = np.unique(station_nodes[station[sel]], return_inverse=True)
            out[sel] = route_lengths(state, src)[row, target[sel]]
        sel = np.flatnonzero((version == v) & ~at_station)
        if state.n_nodes <= FULL_TREE_NODES:  # small trees: walk all routes together
            src, row = np.unique(from_node[sel], return_inverse=True)
            for lo in range(0, src.size, 256):
                part = np.flatnonzero((row >= lo) & (row < lo + 256))
                nodes = src[lo : lo + 256].tolist()
                pred = np.stack([_scene_pred(state, k, _INF) for k in nodes])
                idx = sel[part]
                out[idx] = _walk_lengths(
                    pred, _scene_parent_metres(state, nodes, pred), row[part] - lo,
                    from_node[idx], target[idx],
                )  # fmt: skip
            continue
        for k in np.unique(from_node[sel]).tolist():
            idx = sel[from_node[sel] == k]
            out[idx] = _scene_metres(state, k, target[idx], float(seconds[idx].max()))
    return out


def _scene_parent_metres(state: RoadNetwork, nodes: list[int], pred: np.ndarray) -> np.ndarray:
    """Parent-arc metres of the whole trees ``pred`` from scene ``nodes`` (kept per state, node)."""
    rows = [_SCENE_METRES.get(state, k) for k in nodes]
    missing = [i for i, r in enumerate(rows) if r is None]
    if missing:  # worked out together (one arc search), then kept row by row
        new = _parent_metres(state, pred[missing])
        for i, r in zip(missing, new, strict=True):
            rows[i] = r
            _SCENE_METRES.put(state, nodes[i], r, r.nbytes)
    return np.stack(rows)


def _walk_lengths(
    pred: np.ndarray, plen: np.ndarray, row: np.ndarray, source: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """Metres from ``source[k]`` to ``target[k]`` in the trees ``pred[row[k]]``.

    ``plen`` holds each node's parent-arc metres; all pairs walk back towards
    their source together, one arc per round.
    """
    acc = np.zeros(target.size)
    cur = target.astype(np.int64).copy()
    live = np.flatnonzero(cur != source)
    while live.size:
        r, c = row[live], cur[live]
        p = pred[r, c].astype(np.int64)
        bad = p < 0
        if bad.any():  # unreachable (cannot happen for a dispatched team; kept explicit)
            acc[live[bad]] = np.inf
            live, p, r, c = live[~bad], p[~bad], r[~bad], c[~bad]
        acc[live] += plen[r, c]
        cur[live] = p
        live = live[p != source[live]]
    return acc
