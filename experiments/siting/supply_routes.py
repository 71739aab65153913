"""The routes of the supply hierarchy: every way a demand point can be served faster.

:class:`~experiments.siting.hierarchy.SupplyHierarchy` asks for them when it
solves, evaluates a choice of sites, and scores the swaps of the search for
the fewest moves; :func:`supply_routes` works them out once, a block of rows
at a time, so that a city's every node as demand never holds a second
candidates x nodes matrix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from experiments.siting import base

Routes = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def restock_legs(seconds: np.ndarray, upstream_weight: float) -> np.ndarray:
    r"""Restocking legs weighted by :math:`\beta`, an unreachable leg costing 0 at 0.

    At :math:`\beta = 0` stock is in place and only the last leg counts, so a
    depot the upper tier cannot reach still delivers (IEEE 0 x inf would be NaN
    and drop its routes); at :math:`\beta > 0` an unreachable leg stays infinite.
    """
    if upstream_weight == 0:
        return np.zeros_like(seconds)
    return upstream_weight * seconds


def _row_blocks(lead: np.ndarray, times: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """``lead[:, None] + times`` a block of rows at a time: (first row, block)."""
    step = max(1, base.BLOCK_ENTRIES // max(times.shape[1], 1))
    for lo in range(0, times.shape[0], step):
        yield lo, lead[lo : lo + step, None] + times[lo : lo + step]


def supply_routes(model: Any) -> Routes:
    """Every route worth having: demand, township (-1), village (-1), seconds.

    Parameters
    ----------
    model
        A :class:`~experiments.siting.hierarchy.SupplyHierarchy` (its matrices,
        ``n_village`` and ``upstream_weight``).

    Returns
    -------
    demand, township, village, seconds
        One entry per route that beats the upper tier's direct delivery:
        through a township depot, a village point, or a village point restocked
        by a township depot; ``-1`` where a route skips that tier.
    """
    beta = model.upstream_weight
    direct = model.upper_to_demand.min(axis=0)
    a = model.upper_to_township.min(axis=0)  # township restock
    b = model.upper_to_village.min(axis=0)  # village restock from the upper tier
    parts = []
    # (J, I) and (V, I) a block of rows at a time: on a city's every node as demand the
    # whole sum would be another 1.7 GB. Row-major blocks keep np.nonzero's order.
    for j0, blk in _row_blocks(restock_legs(a, beta), model.township_to_demand):
        j, i = np.nonzero(blk < direct[None, :])
        parts.append((i, j + j0, np.full(i.size, -1), blk[j, i]))
    if model.n_village:
        for v0, blk in _row_blocks(restock_legs(b, beta), model.village_to_demand):
            v, i = np.nonzero(blk < direct[None, :])
            parts.append((i, np.full(i.size, -1), v + v0, blk[v, i]))
        stock = restock_legs(a[:, None] + model.township_to_village, beta)  # (J, V)
        useful_j, useful_v = np.nonzero(stock < restock_legs(b, beta)[None, :])
        for jj, vv in zip(useful_j.tolist(), useful_v.tolist(), strict=True):
            t = stock[jj, vv] + model.village_to_demand[vv]
            ii = np.flatnonzero(t < direct)
            parts.append((ii, np.full(ii.size, jj), np.full(ii.size, vv), t[ii]))
    cols = [np.concatenate([p[k] for p in parts]) for k in range(4)]
    return cols[0].astype(np.int64), cols[1].astype(np.int64), cols[2].astype(np.int64), cols[3]
