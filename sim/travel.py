"""Travel answers for one run: station trees, dispatch orders, scene rows, depots, route metres.

Everything the engine knows about roads it asks a :class:`TravelTables`, the
view of the current road state that :class:`Travel` gives it: seconds from
the stations (:attr:`~TravelTables.tt`) and back to them
(:attr:`~TravelTables.tt_back`), stations per capability sorted by travel time
to a node (:meth:`~TravelTables.order`), seconds from a scene node
(:meth:`~TravelTables.scene_row`) and to one
(:meth:`~TravelTables.to_scene_row`), and the depots nearest a node
(:meth:`~TravelTables.depot_first`, :meth:`~TravelTables.depot_seconds`).
After a run, :func:`sim.travel_routes.dispatch_lengths` turns the dispatches into
route metres.

What is kept, and for how long (see also ``docs/simulation.md``):

* the station trees, one :class:`~networks.oracle.TravelOracle` per run,
  moved from state to state by repairing only what a closure or reopening
  changed, and handed to the next run in the process afterwards; with
  congestion (hour bands, :mod:`sim.congestion`), read-only station arrays
  per state, kept by the oracle within
  :data:`~networks.oracle.KEPT_TIMES_BYTES` (the state the trees stand in
  shares the trees' own), so that a band coming back moves nothing;
* dispatch orders per (state, layout): the nearest :data:`ORDER_PREFIX`
  stations per node and capability (the rest worked out when a dispatch
  walks past them), at most :data:`ORDERS_KEPT` nodes per state and layout;
* scene rows (seconds from an incident node, searched only as far as could
  still beat the best team found), and whole rows of seconds *to* a scene
  (:func:`to_scene_row`, one reversed search, for diversion on large
  networks) per state, at most :data:`SCENE_BYTES` over all states;
* depot searches (:mod:`sim.depot_search`) per layout, bounded in count;
* route metres of station trees per (state, station), at most
  :data:`LENGTH_BYTES`, and arc metres of the last few states;
* the tables of the last :data:`_VIEWS_KEPT` states a run was in (each
  holds its state, so states that come and go are not all kept).

The engine uses this module only through :class:`sim.roads.RoadStates`.
"""

from __future__ import annotations

import math
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from scipy.sparse import csgraph

from networks.oracle import TravelOracle, arcs_of, checkout, state_csr
from networks.roadnet import RoadNetwork
from sim.depot_search import DepotSearch
from sim.facilities import CAPABILITIES
from sim.travel_matrix import TravelMatrix

_INF = math.inf
#: Stations kept per node in a dispatch order; a walk past them works out the rest.
ORDER_PREFIX = 16
#: Nodes whose dispatch orders are kept per state and layout (oldest first out).
ORDERS_KEPT = 1 << 14
#: Bytes of scene rows (float32 seconds from incident nodes), all states.
SCENE_BYTES = 128 * 2**20
#: Networks up to this many nodes keep whole scene trees (cheap there, and reused for
#: route metres); larger ones search from a scene only as far as asked.
FULL_TREE_NODES = 50_000
#: Bytes of station route-metre rows kept, all states.
LENGTH_BYTES = 128 * 2**20
#: Sources per Dijkstra call when measuring routes (bounds the float64 scratch).
_CHUNK = 16
#: Tables of states a run keeps at hand (oldest first out).
_VIEWS_KEPT = 64


class _Kept:
    """Rows kept per (state, key) within a byte budget, oldest first out."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.rows: OrderedDict[tuple[int, int, Any], tuple[weakref.ref, Any, int]] = OrderedDict()
        self.held = 0

    def get(self, state: RoadNetwork, key: Any) -> Any:
        hit = self.rows.get((id(state.base), state.version, key))
        return hit[1] if hit is not None and hit[0]() is state else None

    def put(self, state: RoadNetwork, key: Any, value: Any, nbytes: int) -> None:
        k = (id(state.base), state.version, key)
        old = self.rows.pop(k, None)
        if old is not None:
            self.held -= old[2]
        self.rows[k] = (weakref.ref(state), value, nbytes)
        self.held += nbytes
        while self.held > self.budget and len(self.rows) > 1:
            _, (_, _, size) = self.rows.popitem(last=False)
            self.held -= size

    def clear(self) -> None:
        self.rows.clear()
        self.held = 0


_SCENES = _Kept(SCENE_BYTES)
_LENGTHS = _Kept(LENGTH_BYTES)
_ARC_METRES = _Kept(4 * 8 * 2**20)  # a few states' arc metres (8 bytes per arc)


def _arc_metres(state: RoadNetwork, dtype: Any = np.float64) -> np.ndarray:
    """Metres of every arc's fastest edge in ``state``."""
    key = ("arcs", np.dtype(dtype).str)
    hit = _ARC_METRES.get(state, key)
    if hit is None:
        hit = arcs_of(state).lengths_for(state.factor).astype(dtype)
        _ARC_METRES.put(state, key, hit, hit.nbytes)
    return hit


def _parent_metres(state: RoadNetwork, pred: np.ndarray, dtype: Any = np.float32) -> np.ndarray:
    """Metres of each node's parent arc in trees ``pred`` (0 where none)."""
    has = pred >= 0
    out = np.zeros(pred.shape, dtype=dtype)
    child = np.broadcast_to(np.arange(pred.shape[-1]), pred.shape)[has]
    out[has] = _arc_metres(state)[arcs_of(state).arc_index(pred[has], child)]
    return out


def _tree_metres(pred: np.ndarray, plen: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Metres from each tree's source to every node, by pointer doubling (``inf`` unreached)."""
    has = pred >= 0
    anc = np.where(has, pred, -1).astype(np.int64)
    acc = plen
    # After k rounds acc holds the length of the first 2**k arcs up from each node.
    while True:
        m = anc >= 0
        if not m.any():
            break
        a = np.where(m, anc, 0)
        acc = np.where(m, acc + np.take_along_axis(acc, a, 1), acc)
        anc = np.where(m, np.take_along_axis(anc, a, 1), -1)
    acc[~has] = np.inf
    acc[np.arange(pred.shape[0]), src] = 0.0
    return acc.astype(np.float32)


def route_lengths(state: RoadNetwork, sources: Sequence[int] | np.ndarray) -> np.ndarray:
    """Metres along the fastest route from each source to every node.

    One shortest-path tree per source (with predecessors), then path lengths
    summed by pointer doubling; rows are kept per state and source node
    (within :data:`LENGTH_BYTES`), so meant for few sources (stations).

    Returns
    -------
    numpy.ndarray
        float32 ``(len(sources), n_nodes)``; ``inf`` where unreachable.
    """
    src = np.asarray(sources, dtype=np.int64).ravel()
    rows = {k: _LENGTHS.get(state, k) for k in np.unique(src).tolist()}
    missing = np.array([k for k, r in rows.items() if r is None], dtype=np.int64)
    for lo in range(0, missing.size, _CHUNK):
        chunk = missing[lo : lo + _CHUNK]
        _, pred = csgraph.dijkstra(state_csr(state), indices=chunk, return_predecessors=True)
        metres = _tree_metres(pred, _parent_metres(state, pred, np.float64), chunk)
        for k, row in zip(chunk.tolist(), metres, strict=True):
            row.flags.writeable = False
            rows[k] = row
            _LENGTHS.put(state, k, row, row.nbytes)
    out = np.empty((src.size, state.n_nodes), dtype=np.float32)
    for i, k in enumerate(src.tolist()):
        out[i] = rows[k]
    out.flags.writeable = False
    return out


def scene_row(state: RoadNetwork, node: int, limit: float = _INF) -> array:
    """float32 seconds from ``node`` to every node in ``state`` (``inf`` beyond ``limit``).

    Exact within ``limit`` (a bounded search costs what it covers, not the
    network); kept within :data:`SCENE_BYTES` over all states, a kept row
    serving any later ask with a limit no larger than its own.
    """
    hit = _SCENES.get(state, node)
    if hit is None or hit[1] < limit:
        if state.n_nodes <= FULL_TREE_NODES:  # whole trees, kept for the route metres too
            sec, pred = csgraph.dijkstra(state_csr(state), indices=node, return_predecessors=True)
            hit = (array("f", sec.astype(np.float32).tobytes()), _INF, pred.astype(np.int32))
        else:
            sec = csgraph.dijkstra(state_csr(state), indices=node, limit=limit)
            hit = (array("f", sec.astype(np.float32).tobytes()), limit, None)
        _SCENES.put(state, node, hit, (4 if hit[2] is None else 8) * state.n_nodes)
    return hit[0]


def to_scene_row(state: RoadNetwork, node: int) -> array:
    """float32 seconds from every node to ``node`` in ``state``: one search on the reversed roads.

    What :func:`scene_row` from each of many nodes would give at ``node``,
    for the price of one search, except that the sums are added in the other
    order: a time may be one float32 step off (rarely; the caller that needs
    the exact time searches forward from the few nearest). Kept with the
    scene rows, under ``("to", node)``.
    """
    key = ("to", node)
    hit = _SCENES.get(state, key)
    if hit is None:
        sec = csgraph.dijkstra(state_csr(state, reverse=True), indices=node)
        hit = array("f", sec.astype(np.float32).tobytes())
        _SCENES.put(state, key, hit, 4 * state.n_nodes)
    return hit


class _Prefix(list):
    """The nearest stations of a dispatch order as a list; iterating goes on to the rest.

    The rest is kept as two small arrays (8 bytes a station, not a Python
    tuple each) and turned into pairs only when a walk gets that far.
    """

    __slots__ = ("tail_station", "tail_seconds")

    def __iter__(self) -> Iterator[tuple[int, float]]:
        yield from list.__iter__(self)
        yield from zip(self.tail_station.tolist(), self.tail_seconds.tolist(), strict=True)


class TravelTables:
    """Travel answers for the current road state of a run (see :class:`Travel`).

    Attributes
    ----------
    state
        The network state (its ``version`` tags each dispatch).
    tt
        float32 seconds from each station to every node, ``(n_stations, n_nodes)``.
    tt_back
        float32 seconds from every node back to each station, same shape.
        Both are the run's oracle arrays (or, with a travel matrix, copies with
        the matrix pairs written over them): valid while this state is current.
    bounds
        Whether ``tt`` and ``tt_back`` are road times, so that the triangle
        inequality bounds drives through a station (not with a travel matrix).
    """

    def __init__(
        self,
        state: RoadNetwork,
        travel: Travel,
        times: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.state = state
        self.travel = travel
        self.tt, self.tt_back = travel.times if times is None else times
        self.bounds = travel.matrix is None
        self.cap_stations = travel.cap_stations
        # Orders depend only on the state and the layout: shared between runs.
        self.orders: list[dict[int, list[tuple[int, float]]]] = _shared_orders(state, travel)

    def order(self, cap: int, node: int) -> list[tuple[int, float]]:
        """Stations holding ``cap`` that can reach ``node``, nearest first, with seconds."""
        kept = self.orders[cap]
        hit = kept.get(node)
        if hit is None:
            st = self.cap_stations[cap]
            sec = self.tt[st, node]
            o = np.argsort(sec, kind="stable")
            o = o[np.isfinite(sec[o])]
            st, sec = st[o], sec[o]
            p = ORDER_PREFIX
            hit = list(zip(st[:p].tolist(), sec[:p].tolist(), strict=True))
            if st.size > p:
                hit = _Prefix(hit)
                hit.tail_station, hit.tail_seconds = st[p:].astype(np.int32), sec[p:]
            if len(kept) >= ORDERS_KEPT:
                del kept[next(iter(kept))]
            kept[node] = hit
        return hit

    def scene_row(self, node: int, limit: float = _INF) -> array:
        """Seconds from a scene node to every node (``inf`` beyond ``limit``; kept)."""
        return scene_row(self.state, node, limit)

    def to_scene_row(self, node: int) -> array:
        """Seconds from every node to a scene node (one reversed search; kept)."""
        return to_scene_row(self.state, node)

    def depot_first(self, node: int, wanted: np.ndarray) -> int:
        """The nearest depot with ``wanted[depot]`` that can reach ``node``; -1 if none."""
        return self.travel.depots.first(self.state, node, wanted)

    def depot_seconds(self, depot: int, node: int) -> float:
        """Road seconds from ``depot`` to ``node``."""
        return self.travel.depots.seconds(self.state, depot, node)


#: Per network state: dispatch orders per layout (a few layouts kept).
_ORDERS: weakref.WeakKeyDictionary[RoadNetwork, dict[Any, Any]] = weakref.WeakKeyDictionary()
_LAYOUTS_KEPT = 8
#: Depot searches per network and depot layout.
_DEPOTS: weakref.WeakKeyDictionary[RoadNetwork, dict[bytes, DepotSearch]] = (
    weakref.WeakKeyDictionary()
)


def _shared_orders(state: RoadNetwork, travel: Travel) -> list[dict[int, Any]]:
    d = _ORDERS.setdefault(state, {})
    hit = d.get(travel.layout)
    if hit is None:
        if len(d) >= _LAYOUTS_KEPT:
            del d[next(iter(d))]
        hit = d[travel.layout] = [{} for _ in CAPABILITIES]
    return hit


class Travel:
    """The travel side of one run: its oracle, its views of road states, its depot search.

    Parameters
    ----------
    network
        The network (any state).
    station_nodes
        Node of each station.
    cap_stations
        Per capability (index into :data:`~sim.facilities.CAPABILITIES`), the
        stations that hold teams of it.
    depot_nodes
        Node of each depot.
    matrix
        A bureau's own travel times (:class:`~sim.travel_matrix.TravelMatrix`):
        its station and depot pairs replace the road times in every state;
        ``None`` for the roads alone.
    keep
        Whether the run comes back to states it has left (hour bands): each
        state's tables are then arrays kept by the oracle
        (:meth:`~networks.oracle.TravelOracle.kept_times`), valid after the
        oracle moves on, instead of the arrays its moves rewrite.
    start
        The state the run reads first: an oracle made for this run grows its
        trees there (a reused one moves there as usual).

    Notes
    -----
    Call :meth:`close` when the run is over: the oracle goes back to the
    pool for the next run in this process.
    """

    def __init__(
        self,
        network: RoadNetwork,
        *,
        station_nodes: np.ndarray,
        cap_stations: Sequence[np.ndarray],
        depot_nodes: np.ndarray,
        matrix: TravelMatrix | None = None,
        keep: bool = False,
        start: RoadNetwork | None = None,
    ) -> None:
        self.cap_stations = cap_stations
        self.matrix = matrix
        self.keep = keep
        mkey = b"" if matrix is None else matrix.key
        self.layout = (station_nodes.tobytes(), tuple(c.tobytes() for c in cap_stations), mkey)
        per_net = _DEPOTS.setdefault(network.base, {})
        dkey = depot_nodes.tobytes() + mkey
        self.depots = per_net.get(dkey)
        if self.depots is None:
            if len(per_net) >= _LAYOUTS_KEPT:
                del per_net[next(iter(per_net))]
            self.depots = per_net[dkey] = DepotSearch(depot_nodes, matrix=matrix)
        self.oracle: TravelOracle = checkout(network, station_nodes, start=start)
        # Without a matrix the tables are the oracle's own arrays; with one, copies
        # rewritten at each move (the oracle's arrays are its trees' and go to the next run).
        o = self.oracle
        if not keep:  # held across moves: not arrays lent to a kept state by an earlier run
            o.own_times()
        self.times = (
            (o.out_times, o.in_times)
            if matrix is None or keep  # kept tables bring their own arrays
            else (o.out_times.copy(), o.in_times.copy())
        )
        self._views: dict[int, TravelTables] = {}

    def at(self, state: RoadNetwork) -> TravelTables:
        """The tables of ``state``, which becomes the current one."""
        if self.keep:
            return self._kept(state)
        self.oracle.move_to(state)
        if self.matrix is not None:
            out, back = self.times
            np.copyto(out, self.oracle.out_times)
            np.copyto(back, self.oracle.in_times)
            self.matrix.overlay(out, back)
        view = self._views.get(state.version)
        if view is None:
            # Bounded: each view holds its state (an earthquake on the city makes hundreds,
            # 2.6 MB of factors each, and their dispatch orders); a state that comes back
            # after its view has gone gets a new one, with the same answers.
            if len(self._views) >= _VIEWS_KEPT:
                del self._views[next(iter(self._views))]
            view = self._views[state.version] = TravelTables(state, self)
        return view

    def _kept(self, state: RoadNetwork) -> TravelTables:
        """The tables of ``state`` on arrays kept per state (they stay valid when others follow)."""
        view = self._views.get(state.version)
        if view is not None and view.state is state:
            # Every view's state is kept by the oracle (see below): asking again marks it
            # recently used there too, so a state in constant use is not the first to go.
            self.oracle.kept_times(state)
            return view
        out, back = self.oracle.kept_times(state)
        if self.matrix is not None:  # the run's own copies: the kept ones are shared
            out, back = out.copy(), back.copy()
            self.matrix.overlay(out, back)
        # A view holds its state's seconds (160 MB on the city): once the oracle has let
        # them go, the view must too. Before, 64 views of an earthquake's reopenings under
        # hour bands held some 10 GB of seconds on the city beyond the oracle's 1 GiB.
        gone = [v for v, view in self._views.items() if not self.oracle.keeps(view.state)]
        for v in gone:
            del self._views[v]
        if len(self._views) >= _VIEWS_KEPT:
            del self._views[next(iter(self._views))]
        view = self._views[state.version] = TravelTables(state, self, (out, back))
        return view

    def close(self) -> None:
        """Hand the oracle back (the tables must not be read afterwards)."""
        self.oracle.release()
