"""Sources nearest first by road to one node, worked out only as far as they are read.

A drill's depot keeper calls the nearest depot that holds an item; on a city
with a thousand depots and village points that is the first few of them, yet
ordering all of them by a search from each costs half a minute.
:class:`NearestFirst` gives the same order and the same seconds as
``np.argsort(network.travel_times(sources)[:, node], kind="stable")``, from
one search on the reversed roads and forward searches, a few sources at a
time, each bounded just past that source's own distance.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence

import numpy as np
from scipy.sparse import csgraph

from networks.errors import NetworkError
from networks.i18n import _
from networks.roadnet import RoadNetwork

#: Sources per forward search call (those nearest by the reversed search go together).
_CHUNK = 16
#: Relative and absolute margins (seconds) above float rounding between the two directions.
_REL, _ABS = 1e-6, 1e-3


class NearestFirst:
    """Indices of ``sources`` by their float32 seconds to ``node``, ties by index.

    Iterating yields ``(index, seconds)`` pairs, ``seconds`` a ``numpy.float32``
    equal to ``network.travel_times(sources)[index, node]``, in the order of a
    stable argsort of those seconds (unreachable sources last, ``inf``). It may
    be iterated again; what was worked out is kept.

    Parameters
    ----------
    network
        The road network (state).
    sources
        Source node indices.
    node
        The node they drive to.

    Raises
    ------
    NetworkError
        If ``node`` or a source is not a node index of ``network``.

    Notes
    -----
    One search from ``node`` on the reversed roads gives every source's
    seconds summed in the other order, within float rounding of the forward
    sum. Sources are searched forward in that order, a few at a time, bounded
    just past the largest of them (a bounded search is exact within its
    bound). A source is handed out once every source not yet searched must
    be farther by more than float32 rounding, so no tie is left undecided.
    """

    def __init__(self, network: RoadNetwork, sources: Sequence[int] | np.ndarray, node: int):
        self.network = network
        self.node = int(node)
        self.sources = np.asarray(sources, dtype=np.int64).ravel()
        last = network.n_nodes - 1
        if not 0 <= self.node <= last or (
            self.sources.size and (self.sources.min() < 0 or self.sources.max() > last)
        ):
            raise NetworkError(_("source node index out of range 0..{last}").format(last=last))
        #: Chunks searched again without a bound (none: the margin is far above rounding).
        self.unbounded = 0
        back = csgraph.dijkstra(network.csr_reverse, indices=self.node)[self.sources]
        finite = np.isfinite(back)
        self._back = back
        self._queue = np.flatnonzero(finite)[np.argsort(back[finite], kind="stable")]
        self._unreached = np.flatnonzero(~finite).tolist()  # inf both ways: last, by index
        self._tail = 0  # unreachable sources handed out
        self._next = 0  # position in _queue of the first source not searched forward
        self._heap: list[tuple[np.float32, int]] = []  # searched, not handed out
        self._done: list[tuple[int, np.float32]] = []

    def __iter__(self) -> Iterator[tuple[int, np.float32]]:
        k = 0
        while k < len(self._done) or self._advance():
            yield self._done[k]
            k += 1

    def _advance(self) -> bool:
        """Hand out one more source (False when none is left)."""
        queue, back = self._queue, self._back
        while True:
            if self._heap:
                sec, i = self._heap[0]
                if self._next >= queue.size or (
                    back[queue[self._next]] * (1 - _REL) - _ABS > float(sec) * (1 + _REL) + _ABS
                ):
                    heapq.heappop(self._heap)
                    self._done.append((i, sec))
                    return True
            elif self._next >= queue.size:  # every reachable source is out: the rest
                if self._tail >= len(self._unreached):
                    return False
                self._done.append((self._unreached[self._tail], np.float32(np.inf)))
                self._tail += 1
                return True
            self._search()

    def _search(self) -> None:
        """Search forward from the next few sources, bounded just past their reversed seconds."""
        chunk = self._queue[self._next : self._next + _CHUNK]
        self._next += chunk.size
        limit = float(self._back[chunk].max()) * (1 + _REL) + _ABS
        graph = self.network.csr
        sec = csgraph.dijkstra(graph, indices=self.sources[chunk], limit=limit)[:, self.node]
        if not np.isfinite(sec).all():  # cannot happen (the margin is far above rounding)
            self.unbounded += 1
            sec = csgraph.dijkstra(graph, indices=self.sources[chunk])[:, self.node]
        for i, s in zip(chunk.tolist(), sec.astype(np.float32), strict=True):
            heapq.heappush(self._heap, (s, i))
