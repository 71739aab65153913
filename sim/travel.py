"""Travel answers per road state: travel-time tables, dispatch orders, scene rows, route metres.

Everything the engine knows about roads it asks a :class:`TravelTables`, one
per network state: seconds from the stations (:attr:`~TravelTables.tt`) and
back to them (:attr:`~TravelTables.tt_back`), stations per capability sorted by
travel time to a node (:meth:`~TravelTables.order`), seconds from a scene node
(:meth:`~TravelTables.scene_row`) and the depots nearest a node
(:meth:`~TravelTables.depot_order`, :attr:`~TravelTables.depot_tt`). After a
run, :func:`dispatch_lengths` turns the dispatches into route metres.

What depends only on a network state (and the facility layout) is cached per
state and shared between runs: edge lengths and station route lengths
(``_LENGTHS``), dispatch orders (``_ORDERS``) and scene rows (``_SCENES``,
bounded in bytes over all states). States live as long as their network, so
the caches are keyed weakly.

The engine uses this module only through :class:`sim.roads.RoadStates`.
"""

from __future__ import annotations

import math
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from scipy.sparse import csgraph

from networks.roadnet import RoadNetwork
from sim.facilities import CAPABILITIES

_INF = math.inf
#: Per network state: fastest-parallel-edge length lookup and station route lengths.
_LENGTHS: weakref.WeakKeyDictionary[RoadNetwork, dict[Any, Any]] = weakref.WeakKeyDictionary()


def _edge_lengths(state: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Sorted arc codes ``u * n + v`` and the length of the fastest such arc (open arcs)."""
    cache = _LENGTHS.setdefault(state, {})
    hit = cache.get("edges")
    if hit is None:
        n = state.n_nodes
        t = state.edge_time
        open_ = np.isfinite(t)
        u = state.edges.u[open_].astype(np.int64)
        v = state.edges.v[open_].astype(np.int64)
        length, t = state.edges.length[open_], t[open_]
        order = np.lexsort((t, v, u))
        codes = u[order] * n + v[order]
        first = np.ones(codes.size, dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        hit = cache["edges"] = (codes[first], length[order][first])
    return hit


def _arc_length(state: RoadNetwork, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    codes, length = _edge_lengths(state)
    return length[np.searchsorted(codes, u * state.n_nodes + v)]


def route_lengths(state: RoadNetwork, sources: Sequence[int] | np.ndarray) -> np.ndarray:
    """Metres along the fastest route from each source to every node.

    One shortest-path tree per source (with predecessors), then path lengths
    summed by pointer doubling; cached per network state and source set, so
    meant for few sources (stations).

    Returns
    -------
    numpy.ndarray
        float32 ``(len(sources), n_nodes)``; ``inf`` where unreachable.
    """
    src = np.asarray(sources, dtype=np.int64).ravel()
    cache = _LENGTHS.setdefault(state, {})
    key = src.tobytes()
    hit = cache.get(key)
    if hit is not None:
        return hit
    n = state.n_nodes
    _, pred = csgraph.dijkstra(state.csr, indices=src, return_predecessors=True)
    out = np.empty((src.size, n), dtype=np.float32)
    idx = np.arange(n, dtype=np.int64)
    step = max(1, 2**19 // max(n, 1))  # rows per chunk: bounded scratch
    for lo in range(0, src.size, step):
        p = pred[lo : lo + step].astype(np.int64)
        has = p >= 0
        w = np.zeros(p.shape)
        w[has] = _arc_length(state, p[has], np.broadcast_to(idx, p.shape)[has])
        # Pointer doubling: after k rounds acc holds the length of the first 2**k edges.
        anc = np.where(has, p, -1)
        acc = w
        while True:
            m = anc >= 0
            if not m.any():
                break
            a = np.where(m, anc, 0)
            acc = np.where(m, acc + np.take_along_axis(acc, a, 1), acc)
            anc = np.where(m, np.take_along_axis(anc, a, 1), -1)
        acc[~has] = np.inf
        acc[np.arange(p.shape[0]), src[lo : lo + step]] = 0.0
        out[lo : lo + p.shape[0]] = acc
    out.flags.writeable = False
    cache[key] = out
    return out


def _walk_lengths(
    pred: np.ndarray, plen: np.ndarray, row: np.ndarray, source: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """Metres from ``source[k]`` to ``target[k]`` in the trees ``pred[row[k]]``.

    ``plen`` holds each node's parent-arc length; all pairs walk back towards
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


#: Bytes of scene rows (seconds + predecessors from incident nodes) kept per network state.
_SCENE_BYTES = 256 * 2**20
_SCENES: weakref.WeakKeyDictionary[RoadNetwork, dict[int, tuple[array, np.ndarray, np.ndarray]]] = (
    weakref.WeakKeyDictionary()
)
#: Scene rows in the order they were made, across all states: (state ref, node, bytes).
_SCENE_ORDER: deque[tuple[weakref.ref[RoadNetwork], int, int]] = deque()
_scene_bytes = 0


def _remember_scene(state: RoadNetwork, node: int, row: tuple[array, np.ndarray, np.ndarray]):
    """Keep a scene row; drop the oldest rows of any state beyond the global byte budget."""
    global _scene_bytes
    size = 12 * state.n_nodes
    _SCENES.setdefault(state, {})[node] = row
    _SCENE_ORDER.append((weakref.ref(state), node, size))
    _scene_bytes += size
    while _scene_bytes > _SCENE_BYTES and len(_SCENE_ORDER) > 1:
        ref, old, nbytes = _SCENE_ORDER.popleft()
        _scene_bytes -= nbytes
        owner = ref()
        if owner is not None:
            _SCENES.get(owner, {}).pop(old, None)


#: Per network state: dispatch orders per facility layout (a few layouts kept).
_ORDERS: weakref.WeakKeyDictionary[RoadNetwork, dict[Any, Any]] = weakref.WeakKeyDictionary()
_LAYOUTS_KEPT = 8


def _shared(state: RoadNetwork, key: Any, make: Callable[[], Any]) -> Any:
    """A per-state value shared between runs, made on first use (oldest layouts dropped)."""
    d = _ORDERS.setdefault(state, {})
    hit = d.get(key)
    if hit is None:
        if len(d) >= 2 * _LAYOUTS_KEPT:
            del d[next(iter(d))]
        hit = d[key] = make()
    return hit


def _scene_cache(state: RoadNetwork) -> dict[int, tuple[array, np.ndarray, np.ndarray]]:
    """Scene rows of a network state, shared by all runs on it (they depend on nothing else).

    Rows made are remembered through :func:`_remember_scene`, which bounds the
    bytes held over all states (states live as long as their network).
    """
    return _SCENES.setdefault(state, {})


class TravelTables:
    """Travel answers for one network state: station and depot rows, orders, scene rows.

    Parameters
    ----------
    state
        The network state.
    station_nodes
        Node of each station.
    cap_stations
        Per capability (index into :data:`~sim.facilities.CAPABILITIES`), the
        stations that hold teams of it.
    depot_nodes
        Node of each depot.

    Attributes
    ----------
    state
        The network state (its ``version`` tags each dispatch).
    tt
        Seconds from each station to every node, ``(n_stations, n_nodes)``.
    tt_back
        Seconds from every node back to each station, same shape.
    """

    def __init__(
        self,
        state: RoadNetwork,
        *,
        station_nodes: np.ndarray,
        cap_stations: Sequence[np.ndarray],
        depot_nodes: np.ndarray,
    ) -> None:
        self.state = state
        self.cap_stations = cap_stations
        self.depot_nodes = depot_nodes
        self.tt = state.travel_times(station_nodes)  # station -> node, s
        self.tt_back = state.travel_times(station_nodes, reverse=True)  # node -> station
        # Orders depend only on the state and the facility layout: shared between runs.
        skey = (
            "stations",
            station_nodes.tobytes(),
            tuple(c.tobytes() for c in cap_stations),
        )
        self.orders, self._sorted = _shared(state, skey, self._sort_stations)
        self.depot_orders: dict[int, np.ndarray] = _shared(
            state, ("depots", depot_nodes.tobytes()), dict
        )
        self.scene = _scene_cache(state)

    def _sort_stations(self) -> tuple[list[dict[int, list[tuple[int, float]]]], list]:
        # Per capability: stations holding it, sorted by time to each node ((n_nodes, k) arrays).
        out = []
        for st in self.cap_stations:
            sub = self.tt[st]
            o = np.argsort(sub, axis=0, kind="stable")
            out.append(
                (
                    np.ascontiguousarray(st[o].T),
                    np.ascontiguousarray(np.take_along_axis(sub, o, 0).T),
                )
            )
        return [{} for _ in CAPABILITIES], out

    def order(self, cap: int, node: int) -> list[tuple[int, float]]:
        """Stations holding ``cap`` that can reach ``node``, nearest first, with seconds."""
        hit = self.orders[cap].get(node)
        if hit is None:
            st, sec = self._sorted[cap]
            hit = [
                (a, b)
                for a, b in zip(st[node].tolist(), sec[node].tolist(), strict=True)
                if b < _INF
            ]
            self.orders[cap][node] = hit
        return hit

    def scene_row(self, node: int) -> array:
        """Seconds from a scene node to every node (one shortest-path tree per node, cached).

        The tree's predecessors are kept to measure route lengths after the run.
        """
        hit = self.scene.get(node)
        if hit is None:
            hit = self._scene_tree(node)
        return hit[0]

    def scene_tree(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Predecessors and parent-arc metres of the tree from a scene node."""
        hit = self.scene.get(node) or self._scene_tree(node)
        return hit[1], hit[2]

    def _scene_tree(self, node: int) -> tuple[array, np.ndarray, np.ndarray]:
        sec, pred = csgraph.dijkstra(self.state.csr, indices=node, return_predecessors=True)
        has = pred >= 0
        plen = np.zeros(pred.size, dtype=np.float32)
        plen[has] = _arc_length(self.state, pred[has].astype(np.int64), np.flatnonzero(has))
        hit = (array("f", sec.astype(np.float32).tobytes()), pred.astype(np.int32), plen)
        _remember_scene(self.state, node, hit)
        return hit

    def depot_order(self, node: int) -> np.ndarray:
        """Depots that can reach ``node``, nearest first (cached per node)."""
        hit = self.depot_orders.get(node)
        if hit is None:
            col = self.depot_tt[:, node]
            o = np.argsort(col, kind="stable")
            hit = self.depot_orders[node] = o[np.isfinite(col[o])]
        return hit

    @cached_property
    def depot_tt(self) -> np.ndarray:
        """Seconds from each depot to every node."""
        return self.state.travel_times(self.depot_nodes)


def dispatch_lengths(
    tables: Mapping[int, TravelTables],
    station_nodes: np.ndarray,
    station: np.ndarray,
    from_node: np.ndarray,
    target: np.ndarray,
    version: np.ndarray,
) -> np.ndarray:
    """Route metres of every dispatch, vectorised per network state at dispatch.

    Parameters
    ----------
    tables
        The tables of every network state a dispatch was made in, by state version.
    station_nodes
        Node of each station.
    station, from_node, target, version
        Per dispatch: the team's station, where it set off from (its station
        or a previous scene), the scene node it drove to and the version of the
        network state it was dispatched in.

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
        tb = tables[v]
        sel = (version == v) & at_station
        out[sel] = route_lengths(tb.state, station_nodes)[station[sel], target[sel]]
        sel = np.flatnonzero((version == v) & ~at_station)
        if sel.size:
            src, row = np.unique(from_node[sel], return_inverse=True)
            trees = [tb.scene_tree(k) for k in src.tolist()]
            pred = np.stack([t[0] for t in trees])
            plen = np.stack([t[1] for t in trees])
            out[sel] = _walk_lengths(pred, plen, row, from_node[sel], target[sel])
    return out
