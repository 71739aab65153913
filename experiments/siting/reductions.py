"""Exact reductions that shrink a covering problem without changing its optimum.

* Demand points with the same coverage set become one row weighted by their sum
  (MCLP, LSCP, backup coverage): the model cannot tell them apart.
* A candidate whose coverage set is contained in another's is dominated (MCLP,
  LSCP): swapping it for the bigger one never loses coverage, so some optimum
  avoids it. Of identical candidates the first is kept.
"""

from __future__ import annotations

import numpy as np


def merge_rows(cover: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge demand rows with identical coverage sets.

    Parameters
    ----------
    cover
        Boolean matrix, ``cover[i, j]`` true if candidate ``j`` covers demand ``i``.
    weights
        Demand per row.

    Returns
    -------
    unique, merged, inverse
        The distinct rows (in order of first appearance), their summed weights,
        and for each original row the index of its merged row.
    """
    n, m = cover.shape
    if n == 0:
        return cover.copy(), weights.copy(), np.zeros(0, dtype=np.int64)
    packed = np.ascontiguousarray(np.packbits(cover, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    # Renumber by first appearance so the result does not depend on byte order.
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    inverse = rank[inverse.ravel()]
    unique = cover[first[order]]
    merged = np.bincount(inverse, weights=weights, minlength=order.size)
    return unique, merged, inverse


def dominated_columns(cover: np.ndarray, protect: np.ndarray | None = None) -> np.ndarray:
    """Candidates worth keeping: those not dominated by another candidate.

    Parameters
    ----------
    cover
        Boolean ``(rows, candidates)`` coverage matrix (rows that matter only).
    protect
        Boolean mask of candidates that must be kept (fixed sites).

    Returns
    -------
    numpy.ndarray
        Boolean mask of candidates to keep. Every dropped candidate's coverage set
        is contained in that of a kept one.
    """
    m = cover.shape[1]
    c = cover.astype(np.float32)
    # inter[j, k] = |N_j & N_k|; exact in float32 while rows < 2**24.
    inter = c.T @ c
    size = np.diag(inter).copy()
    subset = inter == size[:, None]  # subset[j, k]: N_j is inside N_k
    np.fill_diagonal(subset, False)
    idx = np.arange(m)
    beats = (size[None, :] > size[:, None]) | (idx[None, :] < idx[:, None])
    drop = (subset & beats).any(axis=1)
    if protect is not None:
        drop &= ~protect
    return ~drop
