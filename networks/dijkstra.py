"""Shortest travel times by Dijkstra, chunked for memory and shared among processes.

Notes
-----
Holds :func:`dijkstra_float32`, which :meth:`networks.roadnet.RoadNetwork.travel_times`
calls: float32 results, float64 scratch bounded by ``_CHUNK_BYTES`` per call,
sources shared among forked worker processes on Linux.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

#: Peak bytes of float64 scratch allowed per dijkstra call; sources are chunked to fit.
_CHUNK_BYTES = 64 * 2**20


def _dijkstra_chunks(graph: sparse.csr_matrix, src: np.ndarray, limit: float) -> np.ndarray:
    """Dijkstra from ``src`` as float32, in chunks that bound the float64 scratch memory."""
    out = np.empty((src.size, graph.shape[0]), dtype=np.float32)
    step = max(1, _CHUNK_BYTES // (8 * max(graph.shape[0], 1)))
    for lo in range(0, src.size, step):
        chunk = src[lo : lo + step]
        out[lo : lo + chunk.size] = csgraph.dijkstra(graph, indices=chunk, limit=limit)
    return out


#: The graph a forked worker reads (inherited, never pickled).
_FORKED: dict[str, Any] = {}


def _forked_chunk(src: np.ndarray, limit: float) -> np.ndarray:
    return _dijkstra_chunks(_FORKED["graph"], src, limit)


def dijkstra_float32(
    graph: sparse.csr_matrix, src: np.ndarray, limit: float, workers: int
) -> np.ndarray:
    """Dijkstra from ``src``, shared among ``workers`` forked processes when worth it."""
    import multiprocessing as mp
    import sys

    # scipy holds the GIL, so threads do not help; forked processes inherit the graph.
    if workers <= 1 or src.size < 2 * workers or not sys.platform.startswith("linux"):
        return _dijkstra_chunks(graph, src, limit)
    from concurrent.futures import ProcessPoolExecutor

    _FORKED["graph"] = graph
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            parts = list(pool.map(_forked_chunk, np.array_split(src, workers), [limit] * workers))
    finally:
        _FORKED.clear()
    return np.concatenate(parts)
