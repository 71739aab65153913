"""Greedy construction plus interchange: fast good solutions to bound the MILPs.

They give the incumbent reported when a time limit stops the exact solver, and
set the starting truncation of the p-median formulation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def cover_greedy_interchange(
    cover: np.ndarray, weights: np.ndarray, budget: int
) -> tuple[np.ndarray, float]:
    """Pick ``budget`` columns covering as much row weight as possible.

    Parameters
    ----------
    cover
        Boolean ``(rows, candidates)`` coverage matrix.
    weights
        Row weights.
    budget
        Number of candidates to pick.

    Returns
    -------
    chosen, value
        Candidate positions and the covered weight.
    """
    n, m = cover.shape
    budget = min(budget, m)
    c = cover.astype(np.float64)
    counts = np.zeros(n)
    chosen: list[int] = []
    free = np.ones(m, dtype=bool)
    for _ in range(budget):
        gain = (weights * (counts == 0)) @ c
        gain[~free] = -1.0
        k = int(np.argmax(gain))
        chosen.append(k)
        free[k] = False
        counts += c[:, k]
    value = float(weights[counts > 0].sum())
    improved = True
    while improved:
        improved = False
        for pos in range(len(chosen)):
            j = chosen[pos]
            without = counts - c[:, j]
            gain = (weights * (without == 0)) @ c
            loss = gain[j]
            gain[~free] = -1.0
            k = int(np.argmax(gain))
            if gain[k] > loss + 1e-9 * max(1.0, value):
                chosen[pos] = k
                free[j], free[k] = True, False
                counts = without + c[:, k]
                value += gain[k] - loss
                improved = True
    return np.array(sorted(chosen), dtype=np.int64), value


def _capped(times: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Replace ``inf`` with a penalty larger than any all-reachable solution's cost."""
    finite = np.isfinite(times)
    if finite.all():
        return times
    top = float(times[finite].max()) if finite.any() else 1.0
    big = (top + 1.0) * (weights.sum() + 1.0) / max(weights[weights > 0].min(initial=1.0), 1e-12)
    return np.where(finite, times, big)


def median_greedy_interchange(
    times: np.ndarray,
    weights: np.ndarray,
    p: int,
    fixed: np.ndarray,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Greedy-add then best-swap (Teitz-Bart) p-median heuristic.

    Parameters
    ----------
    times
        ``(n_demand, n_candidates)`` travel times (``inf`` allowed).
    weights
        Demand weights.
    p
        Number of open sites, fixed ones included.
    fixed
        Candidate positions that stay open.
    start
        Sites to start the interchange from (completed greedily); default greedy.

    Returns
    -------
    numpy.ndarray
        Sorted candidate positions of the ``p`` sites.
    """
    d = _capped(times, weights)
    n, m = d.shape
    is_open = np.zeros(m, dtype=bool)
    is_open[fixed] = True
    if start is not None:
        is_open[np.asarray(start, dtype=np.int64)] = True  # at most p sites, fixed included
    best = d[:, is_open].min(axis=1) if is_open.any() else np.full(n, np.inf)
    while is_open.sum() < p:
        cost = weights @ np.minimum(best[:, None], d)
        cost[is_open] = np.inf
        k = int(np.argmin(cost))
        is_open[k] = True
        best = np.minimum(best, d[:, k])
    movable = [int(j) for j in np.flatnonzero(is_open) if j not in set(fixed.tolist())]
    improved = True
    while improved and is_open.sum() < m:
        improved = False
        for j in movable.copy():
            open_idx = np.flatnonzero(is_open)
            sub = d[:, open_idx]
            order = np.argsort(sub, axis=1, kind="stable")[:, :2]
            d1 = sub[np.arange(n), order[:, 0]]
            d2 = sub[np.arange(n), order[:, 1]] if open_idx.size > 1 else np.full(n, np.inf)
            current = float(weights @ d1)
            b = np.where(open_idx[order[:, 0]] == j, d2, d1)
            cost = weights @ np.minimum(b[:, None], d)
            cost[is_open] = np.inf
            k = int(np.argmin(cost))
            if cost[k] < current - 1e-9 * max(1.0, abs(current)):
                is_open[j], is_open[k] = False, True
                movable[movable.index(j)] = k
                improved = True
    return np.flatnonzero(is_open).astype(np.int64)


#: Bytes of travel times compared at once when padding (chunks of candidates).
_PAD_CHUNK_BYTES = 64 * 2**20


def pad_nearer(
    selected: np.ndarray,
    p: int,
    scores: Callable[[], np.ndarray],
    times: np.ndarray,
    weights: np.ndarray,
    cap: float,
) -> np.ndarray:
    """Add unselected candidates until ``p`` are open: coverage first, then travel time.

    Each site added is the one that covers the most demand weight not yet within
    ``cap`` seconds of an open site (none, where the model's solution covers all a
    candidate can: only a time-limited solve leaves any), then the one that most
    lowers the demand-weighted travel time to the nearest open site (a greedy
    p-median step, a point nobody reaches counting at ``cap``), then by ``scores``
    (called only if sites are missing), then by index.
    """
    if selected.size >= p:
        return np.sort(selected)
    score = scores()
    chosen = [int(j) for j in selected]
    open_ = np.zeros(score.size, dtype=bool)
    open_[chosen] = True
    n = times.shape[0]
    best = np.full(n, np.inf)
    if chosen:
        best = times[:, chosen].min(axis=1).astype(np.float64)
    step = max(1, _PAD_CHUNK_BYTES // max(1, 8 * n))
    while len(chosen) < p:
        near = np.minimum(best, cap)
        open_w = np.where(best <= cap, 0.0, weights)  # demand still outside the standard
        cover = np.zeros(score.size)
        gain = np.zeros(score.size)
        for c0 in range(0, score.size, step):
            block = np.asarray(times[:, c0 : c0 + step], dtype=np.float64)
            cover[c0 : c0 + step] = open_w @ (block <= cap)
            gain[c0 : c0 + step] = weights @ np.maximum(near[:, None] - np.minimum(block, cap), 0)
        rest = np.flatnonzero(~open_)
        # Most coverage, then most travel cut, then score, then lowest index (last key first).
        j = int(rest[np.lexsort((rest, -score[rest], -gain[rest], -cover[rest]))[0]])
        chosen.append(j)
        open_[j] = True
        best = np.minimum(best, times[:, j])
    return np.sort(np.asarray(chosen, dtype=np.int64))
