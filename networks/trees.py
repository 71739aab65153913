"""Shortest-path trees kept exact while road states change, and the arcs they run on.

Notes
-----
Holds :class:`ArcGraph` (every distinct arc of a network, with the travel
seconds of one road state, as forward and reverse CSR matrices whose structure
never changes) and :class:`TreeSet` (shortest-path trees from, or to, a set of
sources on it). Moving an :class:`ArcGraph` to another state rewrites only the
weights of the arcs that changed; each :class:`TreeSet` then repairs only the
trees that need it:

* an arc that got slower (or closed) matters only to trees that use it, and
  only below it: that subtree is cleared and filled again from its
  neighbours outside it;
* an arc that got faster (or reopened) is relaxed from its tail, and the
  improvement is spread as far as it reaches.

Both repairs are vectorised over all trees at once (a label-correcting sweep,
one numpy round per hop). Distances equal a from-scratch Dijkstra on the new
state exactly: each is the same float64 sum of arc weights along a fastest
path (see ``tests/networks/test_trees.py``). Predecessors may differ where two
routes tie; they are used only to find subtrees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

if TYPE_CHECKING:
    from networks.roadnet import RoadNetwork

#: scipy's predecessor value for "none" (a source, or unreachable).
NO_PRED = -9999
#: Share of a tree's nodes beyond which a repair gives way to growing the tree again.
REDO_SHARE = 0.2


def _ragged(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``starts[k] .. starts[k] + counts[k] - 1`` for all ``k``, and their ``k``."""
    owner = np.repeat(np.arange(starts.size), counts)
    total = owner.size
    if not total:
        return np.zeros(0, np.int64), owner
    offset = np.cumsum(counts) - counts
    pos = np.arange(total, dtype=np.int64) - np.repeat(offset, counts) + np.repeat(starts, counts)
    return pos, owner


class ArcGraph:
    """The distinct arcs ``u -> v`` of a network with one state's travel seconds.

    Closed arcs keep their place with weight ``inf`` (scipy's Dijkstra never
    relaxes them), so the CSR structure is the same in every state and a state
    change writes weights only.

    Parameters
    ----------
    network
        Any state of the network; the graph starts in that state.
    """

    def __init__(self, network: RoadNetwork) -> None:
        e = network.edges
        n = network.n_nodes
        u = e.u.astype(np.int64)
        v = e.v.astype(np.int64)
        # Edges grouped by arc (u, v); the arc's weight is its fastest open edge.
        self._edge_order = np.lexsort((v, u))
        uo, vo = u[self._edge_order], v[self._edge_order]
        first = np.ones(uo.size, dtype=bool)
        first[1:] = (uo[1:] != uo[:-1]) | (vo[1:] != vo[:-1])
        self._group = np.flatnonzero(first)
        self.arc_u, self.arc_v = uo[first], vo[first]
        # The arc of every edge (by edge index), so that a state change finds its arcs.
        self._edge_arc = np.empty(uo.size, dtype=np.int64)
        self._edge_arc[self._edge_order] = np.cumsum(first) - 1
        self.n_nodes = n
        self._codes: np.ndarray | None = None  # arc_u * n + arc_v, made when first asked
        self._time = e.travel_time[self._edge_order]
        self._length = e.length[self._edge_order]
        # Arcs with parallel edges: the only ones whose fastest edge can change.
        size = np.diff(np.append(self._group, uo.size))
        self._multi_arcs = np.flatnonzero(size > 1)
        self._multi_pos, owner = _ragged(self._group[self._multi_arcs], size[self._multi_arcs])
        self._multi_owner = owner
        self._multi_first = np.cumsum(size[self._multi_arcs]) - size[self._multi_arcs]
        self._base_length = self._length[self._group]
        self._base_length = self.lengths_for(np.ones(uo.size))
        self.factor = network.factor.copy()
        w = self.weights_for(self.factor)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.arc_u, minlength=n), out=indptr[1:])
        self.forward = sparse.csr_matrix((w, self.arc_v.astype(np.int32), indptr), shape=(n, n))
        # The reverse graph holds the same arcs sorted by head; ``_rev_pos[a]`` is where
        # arc ``a`` sits in it.
        rev_order = self._rev_order = np.lexsort((self.arc_u, self.arc_v))
        self._rev_pos = np.empty_like(rev_order)
        self._rev_pos[rev_order] = np.arange(rev_order.size)
        rindptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.arc_v, minlength=n), out=rindptr[1:])
        self.reverse = sparse.csr_matrix(
            (w[rev_order], self.arc_u[rev_order].astype(np.int32), rindptr), shape=(n, n)
        )

    @property
    def nbytes(self) -> int:
        """Bytes held (both CSR matrices and the edge grouping)."""
        arrays = (self._edge_order, self._edge_arc, self._group, self.arc_u, self.arc_v)
        held = sum(a.nbytes for a in arrays) + self._time.nbytes + self._length.nbytes
        for m in (self.forward, self.reverse):
            held += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
        extra = (self._rev_pos, self._rev_order, self.factor, self._base_length, self._multi_pos)
        codes = 0 if self._codes is None else self._codes.nbytes
        return held + sum(a.nbytes for a in extra) + codes

    def weights_for(self, factor: np.ndarray) -> np.ndarray:
        """Travel seconds of every arc under edge factors ``factor`` (``inf`` if closed)."""
        t = self._time * factor[self._edge_order]
        return np.minimum.reduceat(t, self._group) if t.size else t

    def lengths_for(self, factor: np.ndarray) -> np.ndarray:
        """Metres of every arc's fastest edge under ``factor`` (the edge the CSR weighs).

        Ties go to the lowest edge index. Only arcs with parallel edges can differ
        between states, so only those are looked at again.
        """
        out = self._base_length.copy()
        if self._multi_pos.size:
            t = self._time[self._multi_pos] * factor[self._edge_order[self._multi_pos]]
            order = np.lexsort((t, self._multi_owner))
            firsts = order[self._multi_first]
            out[self._multi_arcs] = self._length[self._multi_pos[firsts]]
        return out

    def arc_index(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Index of arc ``u -> v`` for each pair (the pairs must be arcs)."""
        codes = self._codes
        if codes is None:  # made once: walks of route metres ask a few pairs at a time
            codes = self._codes = self.arc_u * self.n_nodes + self.arc_v  # sorted: (u, v) order
        return np.searchsorted(codes, np.asarray(u, np.int64) * self.n_nodes + v)

    def csr_for(self, factor: np.ndarray, *, reverse: bool = False) -> sparse.csr_matrix:
        """A CSR matrix of another state, sharing this graph's structure."""
        w = self.weights_for(factor)
        m = self.reverse if reverse else self.forward
        data = w[self._rev_order] if reverse else w
        return sparse.csr_matrix((data, m.indices, m.indptr), shape=m.shape)

    def move_to(self, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Take the weights of another state; return what changed.

        Returns
        -------
        tuple of numpy.ndarray
            Indices of the arcs whose weight changed, their old and their new weights.
        """
        if np.array_equal(factor, self.factor):
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
        touched = np.flatnonzero(factor != self.factor)
        self.factor = factor.copy()
        arcs = np.unique(self._edge_arc[touched])  # only arcs holding a touched edge change
        old = self.forward.data[arcs].copy()
        lo = self._group[arcs]
        hi = np.append(self._group, self._edge_order.size)[arcs + 1]
        pos, owner = _ragged(lo, hi - lo)
        t = self._time[pos] * factor[self._edge_order[pos]]
        new = np.full(arcs.size, np.inf)
        np.minimum.at(new, owner, t)
        changed = new != old
        arcs, old, new = arcs[changed], old[changed], new[changed]
        self.forward.data[arcs] = new
        self.reverse.data[self._rev_pos[arcs]] = new
        return arcs, old, new


class TreeSet:
    """Shortest-path trees from (or, ``reverse``, to) some source nodes, repaired in place.

    Parameters
    ----------
    graph
        The arcs and their current weights; call :meth:`update` with what
        :meth:`ArcGraph.move_to` returns after every move.
    sources
        Node indices.
    reverse
        If true, ``dist[i, j]`` is the time from node ``j`` *to* ``sources[i]``.

    Attributes
    ----------
    dist : numpy.ndarray
        float64 ``(len(sources), n_nodes)`` seconds (``inf`` unreachable).
    dist32 : numpy.ndarray
        The same as float32, what readers use (equal to
        :meth:`networks.roadnet.RoadNetwork.travel_times` of the state).
    pred : numpy.ndarray
        int32 predecessor of each node in each tree (``NO_PRED`` for none).
    """

    def __init__(self, graph: ArcGraph, sources: np.ndarray, *, reverse: bool = False) -> None:
        self.graph = graph
        self.reverse = reverse
        self.sources = np.asarray(sources, dtype=np.int64).ravel()
        g = graph.reverse if reverse else graph.forward
        if self.sources.size:
            dist, pred = csgraph.dijkstra(g, indices=self.sources, return_predecessors=True)
        else:
            dist = np.zeros((0, graph.n_nodes))
            pred = np.zeros((0, graph.n_nodes), dtype=np.int32)
        self.dist = np.ascontiguousarray(dist, dtype=np.float64)
        self.pred = np.ascontiguousarray(pred, dtype=np.int32)
        self.dist32 = self.dist.astype(np.float32)

    @property
    def nbytes(self) -> int:
        """Bytes held by the trees."""
        return self.dist.nbytes + self.pred.nbytes + self.dist32.nbytes

    def _arcs(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """(out-arcs, in-arcs) of the graph the trees grow on."""
        g = self.graph
        return (g.reverse, g.forward) if self.reverse else (g.forward, g.reverse)

    def update(self, arcs: np.ndarray, old: np.ndarray, new: np.ndarray) -> int:
        """Repair the trees after the weights of ``arcs`` went from ``old`` to ``new``.

        A tree whose repair would reach more than :data:`REDO_SHARE` of the
        nodes is grown again from scratch instead (a road cut next to its
        source changes most of it, and scipy's Dijkstra is then cheaper).

        Returns
        -------
        int
            Tree entries (tree, node) written, counting a tree grown again as all of its.
        """
        m, n = self.dist.shape
        if not arcs.size or not m:
            return 0
        out, inn = self._arcs()
        tail, head = self.graph.arc_u[arcs], self.graph.arc_v[arcs]
        if self.reverse:
            tail, head = head, tail
        rows = np.arange(m, dtype=np.int64)[:, None] * n
        self._budget = np.full(m, max(int(REDO_SHARE * n), 1), dtype=np.int64)
        self._redo = np.zeros(m, dtype=bool)
        self._written = 0
        frontier = np.zeros(0, np.int64)

        # Slower arcs: clear the subtrees hanging below any tree arc among them.
        up = new > old
        if up.any():
            t, h = tail[up], head[up]
            roots = (rows + h[None, :]).ravel()
            uses = self.pred.reshape(-1)[roots] == np.broadcast_to(t, (m, t.size)).ravel()
            cleared = self._subtrees(roots[uses], out)
            if cleared.size:
                self.dist.reshape(-1)[cleared] = np.inf
                self.dist32.reshape(-1)[cleared] = np.inf
                self.pred.reshape(-1)[cleared] = NO_PRED
                # Each cleared node's best entry from its in-arcs (cleared tails read inf).
                s, x = np.divmod(cleared, n)
                pos, owner = _ragged(inn.indptr[x], inn.indptr[x + 1] - inn.indptr[x])
                frm = inn.indices[pos].astype(np.int64)
                cand = self.dist.reshape(-1)[s[owner] * n + frm] + inn.data[pos]
                frontier = self._settle(cleared[owner], cand, frm)

        # Faster arcs: relax them from their tails in every tree.
        down = new < old
        if down.any():
            t, h, w = tail[down], head[down], new[down]
            src = (rows + t[None, :]).ravel()
            dst = (rows + h[None, :]).ravel()
            cand = self.dist.reshape(-1)[src] + np.broadcast_to(w, (m, w.size)).ravel()
            relaxed = self._settle(dst, cand, src % n)
            frontier = np.union1d(frontier, relaxed) if frontier.size else relaxed

        # Spread the improvements, one hop per round.
        while frontier.size:
            frontier = self._within_budget(frontier)
            s, x = np.divmod(frontier, n)
            pos, owner = _ragged(out.indptr[x], out.indptr[x + 1] - out.indptr[x])
            to = s[owner] * n + out.indices[pos]
            cand = self.dist.reshape(-1)[frontier[owner]] + out.data[pos]
            frontier = self._settle(to, cand, x[owner])

        redo = np.flatnonzero(self._redo)
        if redo.size:  # grown again from scratch: exact, and cheaper than a wide repair
            g = self.graph.reverse if self.reverse else self.graph.forward
            for lo in range(0, redo.size, 16):
                k = redo[lo : lo + 16]
                d, p = csgraph.dijkstra(g, indices=self.sources[k], return_predecessors=True)
                self.dist[k], self.pred[k], self.dist32[k] = d, p, d
            self._written += redo.size * n
        return int(self._written)

    def _within_budget(self, flat: np.ndarray) -> np.ndarray:
        """Charge entries to their trees' budgets; drop trees gone over (grown again later)."""
        n = self.dist.shape[1]
        tree = flat // n
        self._budget -= np.bincount(tree, minlength=self._budget.size)
        over = self._budget < 0
        if over.any():
            self._redo |= over
            flat = flat[~over[tree]]
        return flat

    def _settle(self, target: np.ndarray, cand: np.ndarray, frm: np.ndarray) -> np.ndarray:
        """Write the least ``cand`` per ``target`` where it beats the current distance.

        Returns the targets improved (each once, sorted).
        """
        D = self.dist.reshape(-1)
        better = cand < D[target]
        if not better.any():
            return np.zeros(0, np.int64)
        target, cand, frm = target[better], cand[better], frm[better]
        np.minimum.at(D, target, cand)
        win = cand == D[target]  # the least candidate of each target (ties: the last wins)
        target = target[win]
        self.pred.reshape(-1)[target] = frm[win]
        self.dist32.reshape(-1)[target] = cand[win]
        target = np.sort(target)
        keep = np.ones(target.size, dtype=bool)
        keep[1:] = target[1:] != target[:-1]
        target = target[keep]
        self._written += target.size
        return target

    def _subtrees(self, roots: np.ndarray, out: sparse.csr_matrix) -> np.ndarray:
        """Flat (tree, node) indices of ``roots`` and everything below them.

        Trees whose subtrees outgrow their budget are left to be grown again.
        """
        if not roots.size:
            return roots
        n = self.dist.shape[1]
        P = self.pred.reshape(-1)
        found = []
        frontier = roots
        while frontier.size:
            frontier = self._within_budget(frontier)
            found.append(frontier)
            s, x = np.divmod(frontier, n)
            pos, owner = _ragged(out.indptr[x], out.indptr[x + 1] - out.indptr[x])
            to = s[owner] * n + out.indices[pos]
            frontier = to[P[to] == x[owner]]
        cleared = np.sort(np.concatenate(found))
        keep = np.ones(cleared.size, dtype=bool)
        keep[1:] = cleared[1:] != cleared[:-1]
        cleared = cleared[keep]
        # A tree that went over budget late may have entries found before: drop them too.
        return cleared[~self._redo[cleared // n]]
