"""Travel answers that follow a network from road state to road state.

Notes
-----
Holds :class:`TravelOracle`: the shortest-path trees from and to a fixed set
of sources (a region's stations), kept exact as the roads close and reopen by
repairing only what changed (:mod:`networks.trees`). :func:`state_csr` gives
any state's CSR matrix for searches from single nodes (a scene).
:func:`checkout` hands out oracles kept between runs in this
process (building the trees of a city takes seconds; moving them to another
state takes milliseconds), each to one user at a time.

A run that comes back to states it has left (the hour bands of a congestion
profile, :mod:`sim.congestion`, each a state of its own) asks
:meth:`TravelOracle.kept_times` instead: read-only seconds per state, kept by
the oracle (and so for the next run in the process too), so that each (road
state, hour band) is worked out once and a band that comes back costs a
look-up. The state the trees stand in lends them its arrays instead of a
copy; they go to that state's entry when the trees move on. A move that
changes more than :data:`REGROW_SHARE` of the arcs (a band changes whole road
classes) grows the trees again, in place, instead of repairing them.

Memory: an oracle holds its arcs (about 380 bytes per node on a road
network) and, per source, 16 bytes per node in each direction (float64 and
float32 seconds, int32 predecessors): 32 bytes per source per node. For 102
sources on 198,000 nodes that is 0.68 GB; :data:`KEEP_BYTES` bounds what idle
oracles may hold. Kept seconds take 8 bytes per source per node and state,
but none for a state a tree set stands in; at most :data:`KEPT_TIMES_BYTES`
per oracle (counting those states' too). An oracle asked for kept seconds
also keeps spare tree sets standing in other states (one per hour band,
typically), within :data:`SPARE_TREES_BYTES`. Idle oracles give up their spare sets,
then their kept seconds, before any oracle is dropped.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
from scipy.sparse import csgraph, csr_matrix

from networks.roadnet import RoadNetwork
from networks.trees import ArcGraph, TreeSet

#: Bytes that oracles not in use may hold between runs (least recently used go first).
KEEP_BYTES = 1 << 30
#: Bytes of per-state seconds one oracle may keep (see ``kept_times``; the state the trees
#: stand in counts too, though it shares their arrays).
KEPT_TIMES_BYTES = 1 << 30
#: Share of the arcs beyond which a move grows the trees again instead of repairing them.
#: A band of a congestion profile changes whole road classes (every arc of the built-in
#: city under ``china_city``): repairing such a move took the city 2 to 4 times as long
#: as growing the trees again, with 1.4 to 2.8 GB of scratch, and ended by growing every
#: tree again anyway. A closure changes a few arcs and is repaired.
REGROW_SHARE = 0.05
#: Bytes of the tree sets an oracle keeps besides the one in use, each standing in the
#: state it was last moved to (see ``TravelOracle._take_nearest``). Two of the built-in
#: city's (0.7 GB each): with ``china_city``'s three bands, each band's closures are
#: repaired from that band's own trees instead of growing every tree again.
SPARE_TREES_BYTES = 3 << 29
#: Sources per Dijkstra call when growing trees again (bounds the float64 scratch).
_REGROW_CHUNK = 16
#: Guards the pool (checkout and release may come from several threads).
_LOCK = threading.Lock()


class _Stand:
    """A tree set of an oracle: its state, arcs and trees both ways.

    ``handed``: whether views of its float32 seconds were handed out (by
    :meth:`TravelOracle.kept_times`) since they were last replaced; such
    arrays must never be rewritten, so a move gives the trees new ones first.
    """

    __slots__ = ("state", "graph", "outward", "inward", "handed")

    def __init__(
        self,
        state: RoadNetwork,
        graph: ArcGraph,
        outward: TreeSet,
        inward: TreeSet,
        handed: bool,
    ) -> None:
        self.state, self.graph, self.outward, self.inward, self.handed = (
            state, graph, outward, inward, handed,
        )  # fmt: skip

    @classmethod
    def grown(cls, base: RoadNetwork, sources: np.ndarray, state: RoadNetwork) -> _Stand:
        """A new set with its trees grown in ``state`` (a state of ``base``)."""
        graph = ArcGraph(base)
        graph.move_to(state.factor)
        outward = TreeSet(graph, sources)
        return cls(state, graph, outward, TreeSet(graph, sources, reverse=True), False)

    @property
    def nbytes(self) -> int:
        return self.graph.nbytes + self.outward.nbytes + self.inward.nbytes


class TravelOracle:
    """Trees from and to ``sources`` on one network, moved between its states.

    Parameters
    ----------
    network
        Any state of the network; the oracle starts in its undisrupted state.
    sources
        Node indices (stations).
    start
        A state of the network to start in instead (the trees are grown there).

    Attributes
    ----------
    state : RoadNetwork
        The state the trees and searches answer for.
    """

    def __init__(
        self, network: RoadNetwork, sources: np.ndarray, *, start: RoadNetwork | None = None
    ) -> None:
        self.state = network.base
        self.sources = np.asarray(sources, dtype=np.int64).ravel()
        self.graph = ArcGraph(self.state)
        if start is not None and start is not self.state:
            # Trees grown once, in the state asked for first (a congested run starts in an
            # hour band: growing them free-flow first cost the city a second full growth).
            if start.base is not self.state:
                raise ValueError("a travel oracle answers for states of one network only")
            self.graph.move_to(start.factor)
            self.state = start
        self.outward = TreeSet(self.graph, self.sources)
        self.inward = TreeSet(self.graph, self.sources, reverse=True)
        self.in_use = False
        self.broken = False
        # Read-only seconds per state: version -> (state, out, in).
        self._kept: OrderedDict[int, tuple[weakref.ref[RoadNetwork], np.ndarray, np.ndarray]] = (
            OrderedDict()
        )
        #: Bytes of every kept entry (the budget counts the lent ones too).
        self._kept_bytes = 0
        #: Whether views of the trees' own float32 seconds were handed out (see _Stand).
        self._handed = False
        #: Other tree sets :meth:`kept_times` keeps, each standing in a state of its own
        #: (most recently used last; see :data:`SPARE_TREES_BYTES`).
        self._spares: list[_Stand] = []
        #: States whose seconds :meth:`kept_times` worked out (not found kept).
        self.computed = 0

    @property
    def out_times(self) -> np.ndarray:
        """float32 ``(len(sources), n_nodes)``: seconds from each source to every node.

        Rewritten in place by :meth:`move_to` (see :meth:`own_times`).
        """
        return self.outward.dist32

    @property
    def in_times(self) -> np.ndarray:
        """float32 ``(len(sources), n_nodes)``: seconds from every node to each source."""
        return self.inward.dist32

    @property
    def nbytes(self) -> int:
        """Bytes held: every tree set's trees and arcs, and the kept seconds no set lends."""
        trees = self.graph.nbytes + self.outward.nbytes + self.inward.nbytes
        return trees + self._spare_bytes() + self._kept_bytes - self._lent_bytes()

    def _spare_bytes(self) -> int:
        return sum(s.nbytes for s in self._spares)

    def _lent_bytes(self, stands: list[_Stand] | None = None) -> int:
        """Bytes of kept entries that are views of the seconds of ``stands`` (default: all)."""
        if stands is None:
            stands = [self._stand_here(), *self._spares]
        own = {id(s.outward.dist32) for s in stands}
        return sum(out.nbytes + inn.nbytes for _, out, inn in self._kept.values()
                   if id(out.base) in own)  # fmt: skip

    def kept_times(self, state: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from and to the sources in ``state``, read-only, kept per state.

        The first ask for a state moves a tree set there (the one nearest it,
        or a new one: see :meth:`_take_nearest`; repairing only what differs
        from where it was, or growing the trees again when most differs) and
        keeps read-only views of :attr:`out_times` and :attr:`in_times`; when
        the set moves on, those arrays stay with the state (and with whoever
        holds them) and the set takes new ones, so the views never change.
        Later asks, in this run or a later one, return them without moving.
        At most :data:`KEPT_TIMES_BYTES` are kept, the least recently asked
        for going first.

        Returns
        -------
        tuple of numpy.ndarray
            ``(out, in)``, float32, read-only, equal to :attr:`out_times` and
            :attr:`in_times` after ``move_to(state)``.
        """
        if state.base is not self.state.base:
            raise ValueError("a travel oracle answers for states of one network only")
        hit = self._kept.get(state.version)
        if hit is not None and hit[0]() is state:
            self._kept.move_to_end(state.version)
            return hit[1], hit[2]
        try:
            self._take_nearest(state)
            self.move_to(state)
            out, inn = self.out_times.view(), self.in_times.view()
            out.flags.writeable = inn.flags.writeable = False
            self._handed = True
            self.computed += 1
            self._drop_kept(state.version)
            self._kept[state.version] = (weakref.ref(state), out, inn)
            self._kept_bytes += out.nbytes + inn.nbytes
            while self._kept_bytes > KEPT_TIMES_BYTES and len(self._kept) > 1:
                self._drop_kept(next(iter(self._kept)))
        except BaseException:
            # Sets swapped half-way, or the books half-kept: never handed out again.
            self.broken = True
            raise
        return out, inn

    def _take_nearest(self, state: RoadNetwork) -> None:
        """Stand the trees nearest ``state`` in, before :meth:`kept_times` moves them there.

        The hour bands of a congestion profile each slow whole road classes, so
        a move between bands grows every tree again, while a closure within a
        band is repaired. With one set, a run whose bands are already kept
        (the trees standing in the last band worked out) grows its trees again
        for each closure in another band; with a set per band, each closure is
        a repair from its own band. So: the set whose state differs from
        ``state`` in fewest roads is taken; if even that one would be grown
        again, a new set is grown instead while :data:`SPARE_TREES_BYTES`
        allows, and the one in use is kept for later; else the set used least
        lately is grown again.
        """
        mine = [self._stand_here(), *self._spares]
        differ = [int(np.count_nonzero(t.graph.factor != state.factor)) for t in mine]
        best = int(np.argmin(differ))  # ties: the set in use
        # Roads, not arcs, as move_to counts (an estimate: more roads than arcs differ).
        if differ[best] > REGROW_SHARE * state.factor.size:
            if self._spare_bytes() + mine[0].nbytes <= SPARE_TREES_BYTES:
                try:
                    grown = _Stand.grown(self.state.base, self.sources, state)
                except MemoryError:  # a smaller machine: the sets there are grown again
                    grown = None
                if grown is not None:
                    self._spares.append(mine[0])
                    self._stand_in(grown)
                    return
            best = 1 if self._spares else 0  # grown again anyway: the set used least lately
        if best:
            self._spares.remove(mine[best])
            self._spares.append(mine[0])
            self._stand_in(mine[best])

    def _stand_here(self) -> _Stand:
        """The set in use, as a :class:`_Stand`."""
        return _Stand(self.state, self.graph, self.outward, self.inward, self._handed)

    def _stand_in(self, stand: _Stand) -> None:
        self.state, self.graph = stand.state, stand.graph
        self.outward, self.inward, self._handed = stand.outward, stand.inward, stand.handed

    def drop_spares(self) -> int:
        """Give up the tree sets not in use.

        What they lent to kept states stays with those states, as plain kept copies.

        Returns
        -------
        int
            Bytes freed (the sets' own, less the seconds they lent, which stay).
        """
        freed = self._spare_bytes() - self._lent_bytes(self._spares)
        self._spares.clear()
        return freed

    def keeps(self, state: RoadNetwork) -> bool:
        """Whether :meth:`kept_times` would answer for ``state`` without moving."""
        hit = self._kept.get(state.version)
        return hit is not None and hit[0]() is state

    def _drop_kept(self, version: int) -> None:
        old = self._kept.pop(version, None)
        if old is not None:  # a set that lent it still replaces its arrays before a move
            self._kept_bytes -= old[1].nbytes + old[2].nbytes

    def drop_kept(self) -> int:
        """Give up every kept entry; returns the bytes freed (lent arrays stay the trees')."""
        freed = self._kept_bytes - self._lent_bytes()
        self._kept.clear()
        self._kept_bytes = 0
        return freed

    def own_times(self) -> None:
        """Make :attr:`out_times` and :attr:`in_times` the arrays :meth:`move_to` rewrites.

        For a user that holds on to them across moves instead of asking
        :meth:`kept_times`: arrays handed out as kept seconds stay with their
        holders (kept seconds never change), and the trees take copies.
        """
        self._detach(fresh=False)

    def _detach(self, *, fresh: bool) -> None:
        """Leave handed-out arrays to their holders; the trees take copies (``fresh``: new)."""
        if not self._handed:
            return
        for trees in (self.outward, self.inward):
            lent = trees.dist32
            trees.dist32 = np.empty_like(lent) if fresh else lent.copy()
        self._handed = False

    def move_to(self, state: RoadNetwork) -> int:
        """Answer for ``state`` from now on (a state of the same network).

        Returns
        -------
        int
            Tree entries rewritten (0 if the state has the same travel times).
        """
        if state is self.state:
            return 0
        if state.base is not self.state.base:
            raise ValueError("a travel oracle moves between states of one network only")
        # Broken until the repair is done: an error or an interrupt half-way leaves trees
        # that match no state, and such an oracle is dropped, never handed out again.
        self.broken = True
        arcs, old, new = self.graph.move_to(state.factor)
        self.state = state
        regrow = arcs.size > REGROW_SHARE * self.graph.arc_u.size
        if arcs.size:  # trees grown again overwrite every entry: no need to copy
            self._detach(fresh=regrow)
        if regrow:
            written = _regrow(self.outward) + _regrow(self.inward)
        else:
            written = self.outward.update(arcs, old, new) + self.inward.update(arcs, old, new)
        self.broken = False
        return written

    def release(self) -> None:
        """Give the oracle back to :func:`checkout` for the next run (dropped if broken)."""
        with _LOCK:
            self.in_use = False
            if self.broken:
                for per_net in list(_KEPT.values()):
                    for pool in per_net.values():
                        if self in pool:
                            pool.remove(self)
            _trim()


def _regrow(trees: TreeSet) -> int:
    """Grow every tree of ``trees`` again on its graph's weights, in place; entries written.

    The same Dijkstra a :class:`~networks.trees.TreeSet` grows its trees by,
    a few sources at a time, so the scratch stays small and the arrays keep
    their identity (a user may hold :attr:`TravelOracle.out_times`).
    """
    g = trees.graph.reverse if trees.reverse else trees.graph.forward
    for lo in range(0, trees.sources.size, _REGROW_CHUNK):
        k = slice(lo, lo + _REGROW_CHUNK)
        d, p = csgraph.dijkstra(g, indices=trees.sources[k], return_predecessors=True)
        trees.dist[k], trees.pred[k], trees.dist32[k] = d, p, d
    return int(trees.dist.size)


#: Arcs of each network, never moved: for CSR matrices of any state (see :func:`state_csr`).
_ARCS: weakref.WeakKeyDictionary[RoadNetwork, ArcGraph] = weakref.WeakKeyDictionary()
#: CSR matrices of the last few states asked for: (state, reverse) -> matrix.
_CSRS: OrderedDict[tuple[int, int, bool], tuple[weakref.ref[RoadNetwork], csr_matrix]] = (
    OrderedDict()
)
_CSRS_KEPT = 6


def arcs_of(network: RoadNetwork) -> ArcGraph:
    """The arcs of ``network`` (shared by all its states; do not move it)."""
    base = network.base
    hit = _ARCS.get(base)
    if hit is None:
        hit = _ARCS[base] = ArcGraph(base)
    return hit


def state_csr(state: RoadNetwork, *, reverse: bool = False) -> csr_matrix:
    """Travel seconds of ``state`` as a CSR matrix (closed arcs stored as ``inf``).

    Equal, for every search, to the state's own :attr:`RoadNetwork.csr`, but
    made in milliseconds from the network's fixed arc structure, and only
    the last few are kept, so states that come and go do not each hold one.
    """
    key = (id(state.base), state.version, reverse)
    hit = _CSRS.get(key)
    if hit is not None and hit[0]() is state:
        _CSRS.move_to_end(key)
        return hit[1]
    m = arcs_of(state).csr_for(state.factor, reverse=reverse)
    _CSRS[key] = (weakref.ref(state), m)
    while len(_CSRS) > _CSRS_KEPT:
        _CSRS.popitem(last=False)
    return m


def open_graph(state: RoadNetwork) -> csr_matrix:
    """The arcs open in ``state`` as a CSR matrix of ones (for connectivity questions).

    Unlike :attr:`RoadNetwork.csr` it is not kept on the state, so asking
    about many states does not leave a matrix on each.
    """
    g = arcs_of(state)
    open_ = np.isfinite(g.weights_for(state.factor))
    n = state.n_nodes
    return csr_matrix((np.ones(int(open_.sum())), (g.arc_u[open_], g.arc_v[open_])), shape=(n, n))


#: Idle and busy oracles per network (weak: a network nobody holds frees its oracles).
_KEPT: weakref.WeakKeyDictionary[RoadNetwork, OrderedDict[bytes, list[TravelOracle]]] = (
    weakref.WeakKeyDictionary()
)


def checkout(
    network: RoadNetwork, sources: np.ndarray, *, start: RoadNetwork | None = None
) -> TravelOracle:
    """An oracle for ``sources`` on ``network``, reused if an idle one exists.

    The caller owns it until :meth:`TravelOracle.release`; its state is
    whatever the last user left, so move it before reading. A new one is made
    in the state ``start`` (default: the undisrupted one), where the caller
    will read first.
    """
    src = np.asarray(sources, dtype=np.int64).ravel()
    key = src.tobytes()
    with _LOCK:  # threaded workers must not get the same oracle
        per_net = _KEPT.setdefault(network.base, OrderedDict())
        pool = per_net.setdefault(key, [])
        per_net.move_to_end(key)
        for oracle in pool:
            if not oracle.in_use and not oracle.broken:
                oracle.in_use = True
                return oracle
    oracle = TravelOracle(network, src, start=start)  # seconds on a city: outside the lock
    oracle.in_use = True
    with _LOCK:
        per_net = _KEPT.setdefault(network.base, OrderedDict())
        per_net.setdefault(key, []).append(oracle)
        _trim()
    return oracle


def _trim() -> None:
    """Drop the least recently used idle oracles beyond :data:`KEEP_BYTES`."""
    idle: list[tuple[OrderedDict[bytes, list[TravelOracle]], bytes, TravelOracle]] = []
    for per_net in list(_KEPT.values()):
        for key, pool in per_net.items():
            idle.extend((per_net, key, o) for o in pool if not o.in_use)
    held = sum(o.nbytes for _, _, o in idle)
    for _per_net, _key, oracle in idle:  # spare tree sets, then kept copies, go first
        if held <= KEEP_BYTES:
            break
        held -= oracle.drop_spares()
    for _per_net, _key, oracle in idle:
        if held <= KEEP_BYTES:
            break
        held -= oracle.drop_kept()
    for per_net, key, oracle in idle:  # oldest layouts first (OrderedDict order)
        if held <= KEEP_BYTES:
            break
        per_net[key].remove(oracle)
        held -= oracle.nbytes
        if not per_net[key]:
            del per_net[key]
