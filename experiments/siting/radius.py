"""The radius (sorted-distance) formulation of the p-median: :class:`Levels`.

Each demand row's candidates are sorted by travel time and numbered by
distinct-time level; :meth:`Levels.model` builds the MILP of
:class:`~experiments.siting.median.PMedian` cut at given levels per row
(Elloumi 2010; García, Labbé & Marín 2011).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class Levels:
    """Each demand row's candidates sorted by time, with distinct-time level numbers.

    ``order`` (candidate at each sorted position), ``vals`` (sorted times), ``lev``
    (0-based level of each position; unreachable positions get the level count),
    ``n_lev`` (distinct finite times per row), ``has_inf`` (some candidate cannot
    reach the row).
    """

    def __init__(self, d: np.ndarray, w: np.ndarray) -> None:
        self.w = w
        self.order = np.argsort(d, axis=1, kind="stable")
        self.vals = np.take_along_axis(d, self.order, axis=1)
        step = np.zeros(self.vals.shape, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            step[:, 1:] = self.vals[:, 1:] != self.vals[:, :-1]
        lev = np.cumsum(step, axis=1)
        finite = np.isfinite(self.vals)
        self.n_lev = np.where(finite, lev + 1, 0).max(axis=1)
        self.lev = np.where(finite, lev, self.n_lev[:, None])
        self.has_inf = ~finite[:, -1]
        # Time of each level: the first sorted position carrying it.
        n = d.shape[0]
        self.level_val = np.full((n, int(self.n_lev.max()) + 1), np.inf)
        starts = np.diff(self.lev, axis=1, prepend=-1) > 0
        si, sr = np.nonzero(starts & finite)
        self.level_val[si, self.lev[si, sr]] = self.vals[si, sr]

    def level_of(self, dist: np.ndarray) -> np.ndarray:
        """Level of ``dist[i]`` in row ``i`` (the level count when ``inf``)."""
        # ``dist[i]`` is one of row i's times (or inf): its first position gives the level.
        pos = np.minimum((self.vals < dist[:, None]).sum(axis=1), self.vals.shape[1] - 1)
        return self.lev[np.arange(self.vals.shape[0]), pos]

    def steps(self) -> np.ndarray:
        """``w_i (D^{k+1} - D^k)`` per row and level (``inf`` past the last level)."""
        with np.errstate(invalid="ignore"):  # inf - inf past the last level
            diff = np.diff(self.level_val, axis=1)
        return self.w[:, None] * np.where(np.isnan(diff), np.inf, diff)

    def model(
        self, trunc: np.ndarray, forced: np.ndarray, p: int
    ) -> tuple[np.ndarray, sparse.csr_array, np.ndarray, np.ndarray, float]:
        """The sorted-distance model cut at ``trunc[i]`` levels per row.

        Row ``i`` gets ``z_i^0..z_i^{T-1}`` and rows ``z_i^k - z_i^{k-1} +
        sum_{level k} x >= 0`` (``z_i^{-1} = 1``); with ``forced[i]`` one more row
        at level ``T`` with ``z_i^T = 0`` (some open site within level ``T``),
        otherwise times beyond level ``T`` are charged as level ``T``. The last
        constraint row is the budget ``sum x = p``. Returns ``c, a, row_lo,
        row_hi, constant`` for variables ``x`` (candidates) then ``z``.
        """
        n, m = self.order.shape
        n_rows_i = trunc + forced
        row_base = np.concatenate([[0], np.cumsum(n_rows_i)[:-1]])
        z_base = m + np.concatenate([[0], np.cumsum(trunc)[:-1]])
        n_z = int(trunc.sum())
        n_rows = int(n_rows_i.sum())
        keep = (self.lev < trunc[:, None]) | (forced[:, None] & (self.lev == trunc[:, None]))
        ii, rr = np.nonzero(keep)
        x_rows = row_base[ii] + self.lev[ii, rr]
        x_cols = self.order[ii, rr]
        zi = np.repeat(np.arange(n), trunc)
        zk = np.arange(n_z) - np.repeat(z_base - m, trunc)
        z_cols = z_base[zi] + zk
        nxt = zk + 1 < n_rows_i[zi]
        rows = np.concatenate(
            [x_rows, row_base[zi] + zk, row_base[zi[nxt]] + zk[nxt] + 1, np.full(m, n_rows)]
        )
        cols = np.concatenate([x_cols, z_cols, z_cols[nxt], np.arange(m)])
        data = np.concatenate(
            [np.ones(x_rows.size), np.ones(n_z), -np.ones(int(nxt.sum())), np.ones(m)]
        )
        a = sparse.csr_array((data, (rows, cols)), shape=(n_rows + 1, m + n_z))
        row_lo = np.zeros(n_rows + 1)
        row_lo[row_base[n_rows_i > 0]] = 1.0  # level 0 (or the forced row if it is alone)
        row_lo[-1] = p
        row_hi = np.full(n_rows + 1, np.inf)
        row_hi[-1] = p
        step = self.level_val[zi, zk + 1] - self.level_val[zi, zk]
        c = np.concatenate([np.zeros(m), self.w[zi] * step])
        constant = float(self.w @ self.vals[:, 0])
        return c, a, row_lo, row_hi, constant
