"""Depots by road time to a scene, found by searching outward from the scene.

Notes
-----
Holds :class:`DepotSearch`. A supply request needs the nearest depot that has
the item, and the road times of the depots it then escalates to. With a
thousand village points on a city's roads a depots x nodes table would hold
hundreds of millions of numbers per road state; instead one search runs
backwards from the scene, first within :data:`FIRST_LIMIT` seconds (village
and township depots are usually that near) and over the whole network only
when what is wanted lies farther out. Answers are kept per road state and
scene node, the most recent :data:`SCENES_KEPT` of them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csgraph

from networks.oracle import state_csr
from networks.roadnet import RoadNetwork
from sim.travel_matrix import TravelMatrix

#: Seconds the first search from a scene covers.
FIRST_LIMIT = 1800.0
#: (state, scene node) answers kept.
SCENES_KEPT = 4096


@dataclass(frozen=True)
class Reach:
    """The depots a search from one scene found.

    Attributes
    ----------
    order
        Depot indices, nearest first (ties by index), those found only.
    seconds
        float32 road seconds from each of ``order`` to the scene.
    complete
        Whether the search covered the whole network (else depots not in
        ``order`` are farther than :data:`FIRST_LIMIT` or unreachable).
    """

    order: np.ndarray
    seconds: np.ndarray
    complete: bool
    #: Depot -> seconds, made on the first :meth:`DepotSearch.seconds` asked of it.
    by_depot: dict[int, float] = field(default_factory=dict, compare=False, repr=False)


class DepotSearch:
    """Nearest depots to scene nodes, per road state.

    Parameters
    ----------
    depot_nodes
        Node of each depot.
    matrix
        A bureau's travel times: its depot pairs replace the road times (in
        every state); ``None`` for the roads alone.
    """

    def __init__(self, depot_nodes: np.ndarray, *, matrix: TravelMatrix | None = None) -> None:
        self.depot_nodes = np.asarray(depot_nodes, dtype=np.int64)
        self.matrix = matrix
        self._kept: OrderedDict[tuple[int, int, bool], Reach] = OrderedDict()

    def reach(self, state: RoadNetwork, node: int, *, full: bool = False) -> Reach:
        """The depots within reach of ``node`` (all of them if ``full``)."""
        key = (state.version, node, full)
        hit = self._kept.get(key)
        if hit is not None:
            self._kept.move_to_end(key)
            return hit
        if not full and self.depot_nodes.size:
            hit = self._search(state, node, FIRST_LIMIT)
        if hit is None or not hit.order.size and not hit.complete:
            hit = self._search(state, node, np.inf)
        self._kept[key] = hit
        if len(self._kept) > SCENES_KEPT:
            self._kept.popitem(last=False)
        return hit

    def _search(self, state: RoadNetwork, node: int, limit: float) -> Reach:
        if not self.depot_nodes.size:  # nothing to find: spare the search of the whole network
            return Reach(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), complete=True)
        times = csgraph.dijkstra(state_csr(state, reverse=True), indices=node, limit=limit)
        sec = times[self.depot_nodes].astype(np.float32)
        row = None if self.matrix is None else self.matrix.depot_row(sec.size, node)
        if row is not None:
            given = ~np.isnan(row)
            sec[given] = row[given]
        order = np.argsort(sec, kind="stable")
        # Within the limit only: a matrix time beyond it may be beaten by a depot not searched.
        order = order[np.isfinite(sec[order]) & (sec[order] <= limit)]
        return Reach(order, sec[order], complete=limit == np.inf)

    def first(self, state: RoadNetwork, node: int, wanted: np.ndarray) -> int:
        """The nearest depot with ``wanted[depot]`` true that can reach ``node``; -1 if none."""
        if not wanted.any():  # no depot will do (an item out everywhere): nothing to search
            return -1
        r = self.reach(state, node)
        while True:
            ok = wanted[r.order]
            k = int(ok.argmax()) if ok.size else 0
            if ok.size and ok[k]:
                return int(r.order[k])
            if r.complete:
                return -1
            r = self.reach(state, node, full=True)

    def seconds(self, state: RoadNetwork, depot: int, node: int) -> float:
        """Road seconds from ``depot`` to ``node`` (``inf`` if unreachable)."""
        r = self.reach(state, node)
        while True:
            if not r.by_depot and r.order.size:  # a dict look-up beats a scan of the array
                r.by_depot.update(zip(r.order.tolist(), r.seconds.tolist(), strict=True))
            sec = r.by_depot.get(depot)
            if sec is not None:
                return sec
            if r.complete:
                return np.inf
            r = self.reach(state, node, full=True)
