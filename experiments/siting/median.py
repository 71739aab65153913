"""Median and center models: p-median (with optional capacities) and p-center.

This module holds :class:`PMedian` (its Lagrangian bound and reductions
included); the sorted-distance model it solves is built by
:class:`experiments.siting.radius.Levels`, and :class:`PCenter` lives in
:mod:`experiments.siting.center` and is re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from experiments.siting._milp import run_milp
from experiments.siting.base import LocationModel, check_p
from experiments.siting.center import PCenter
from experiments.siting.errors import InfeasibleError, SitingError
from experiments.siting.heuristics import median_greedy_interchange
from experiments.siting.radius import Levels
from networks.i18n import _

__all__ = ["PCenter", "PMedian"]


class PMedian(LocationModel):
    r"""p-median: p sites minimising demand-weighted travel time to the nearest site.

    Uncapacitated, it is solved in the radius (sorted-distance) formulation of
    Elloumi (2010) and García, Labbé & Marín (2011). For demand point :math:`i`
    let :math:`D_i^1 < D_i^2 < \dots < D_i^{K_i}` be its distinct travel times
    from the candidates; :math:`z_i^k = 1` when no open site is within
    :math:`D_i^k`:

    .. math::

        \min \sum_i w_i \Big(D_i^1 + \sum_{k=1}^{K_i - 1} (D_i^{k+1} - D_i^k)\, z_i^k\Big)
        \quad \text{s.t.} \quad z_i^k \ge z_i^{k-1} - \sum_{j : t_{ij} = D_i^k} x_j,
        \;\; z_i^0 = 1, \qquad \sum_j x_j = p, \qquad x_j = 1 \;\; \forall j \in F

    with :math:`x_j \in \{0,1\}`, :math:`z \ge 0` continuous (its LP relaxation
    equals the classic assignment model's, with far fewer nonzeros).

    Before the MILP: a greedy + interchange incumbent, restarted from the open
    sets of a Lagrangian relaxation (Beasley 1993) solved by subgradient steps;
    the Lagrangian bound's reduced costs then prove, pair by pair, which sites
    no solution better than the incumbent can serve each demand point from, so
    each row is cut at the farthest level still possible (with "served within
    it" enforced) and sites no better solution opens are closed. The cut model
    holds every better solution, so its optimum (or the incumbent, if it has
    none better) is the optimum. ``status_ == "time_limit"`` means the limit
    stopped the search; ``"too_large"`` that the time left was clearly too
    little for a MILP of the cut model's size (about a second per 500 rows),
    so it was not started; ``bound_`` and ``gap_`` are then the proven ones.

    With ``capacity``, the classic assignment formulation is used:

    .. math::

        \min \sum_{ij} w_i t_{ij} y_{ij} \quad \text{s.t.} \quad \sum_j y_{ij} = 1,
        \quad y_{ij} \le x_j, \quad \sum_i w_i y_{ij} \le Q_j x_j, \quad \sum_j x_j = p

    with :math:`y_{ij} \in \{0,1\}` (``single_source``) or :math:`[0,1]`.

    Parameters
    ----------
    times, weights, fixed, time_limit, mip_rel_gap
        See :class:`~experiments.siting.base.LocationModel`.
    p
        Number of open sites, fixed ones included.
    capacity
        Demand weight each candidate can serve (scalar or one per candidate;
        ``inf`` = unlimited); ``None`` for the uncapacitated model.
    single_source
        With capacities: serve each demand point from one site only.

    Attributes
    ----------
    objective_
        Demand-weighted travel time (seconds x weight).
    mean_time_
        ``objective_`` per unit of demand.
    allocation_
        With capacities: share of each demand point served by each candidate,
        shape ``(n_demand, n_candidates)``.
    iterations_
        Subgradient iterations plus MILPs solved (uncapacitated).
    """

    def __init__(
        self,
        times: Any,
        *,
        p: int,
        capacity: Any = None,
        single_source: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(times, **kwargs)
        self.p = check_p(p, self.n_candidates, self.fixed.size)
        if capacity is None:
            self.capacity = None
        else:
            cap = np.broadcast_to(np.asarray(capacity, dtype=np.float64), (self.n_candidates,))
            if np.isnan(cap).any() or (cap < 0).any():
                raise SitingError(_("capacity must be non-negative (inf for unlimited)"))
            self.capacity = cap.copy()
        self.single_source = bool(single_source)

    def cost_of(self, selected: np.ndarray) -> float:
        """Demand-weighted time to the nearest of ``selected`` (uncapacitated)."""
        nearest = self.times[:, np.asarray(selected, dtype=np.int64)].min(axis=1)
        active = self.weights > 0
        return float(self.weights[active] @ nearest[active])

    def _check_reachable(self, d: np.ndarray, active: np.ndarray) -> None:
        bad = active[~np.isfinite(d).any(axis=1)]
        if bad.size:
            raise InfeasibleError(
                _("p-median infeasible: {demand} cannot be reached from any candidate site").format(
                    demand=self._describe_demand(bad)
                )
            )

    def _solve(self, t0: float) -> None:
        if self.capacity is None:
            self._solve_radius(t0)
        else:
            self._solve_capacitated(t0)
        total = self.weights.sum()
        self.mean_time_ = self.objective_ / total if total > 0 else 0.0

    # ---------------------------------------------------------- uncapacitated
    def _solve_radius(self, t0: float) -> None:
        active = np.flatnonzero(self.weights > 0)
        m = self.n_candidates
        if active.size == 0:
            sel = median_greedy_interchange(self.times, np.ones(self.n_demand), self.p, self.fixed)
            self.iterations_ = 0
            self._finish(sel, 0.0, 0.0, "optimal")
            return
        d, w = self.times[active], self.weights[active]
        self._check_reachable(d, active)
        heur = median_greedy_interchange(d, w, self.p, self.fixed)
        upper = float(w @ d[:, heur].min(axis=1))
        lv = Levels(d, w)
        lb_x = np.zeros(m)
        lb_x[self.fixed] = 1.0
        ub_x = np.ones(m)
        best_sel, best = heur, upper
        if not np.isfinite(upper):
            # No reachable-everywhere start: solve the whole model, no bounding.
            trunc, forced, lower, iterations = lv.n_lev - 1, lv.has_inf, -np.inf, 0
        else:
            trunc, forced, lower, iterations, ub_x, lag_sel = self._bound_by_lagrange(
                lv, d, w, upper, t0
            )
            if lag_sel is not None:
                best_sel, best = lag_sel, float(w @ d[:, lag_sel].min(axis=1))
        self.reduction_.update(
            rows=self.n_demand,
            candidates=m,
            reduced_rows=int((trunc + forced).sum()),
            full_rows=int(lv.n_lev.sum()),
            reduced_candidates=int(ub_x.sum()),
        )
        status = "optimal"
        tol = self.mip_rel_gap * abs(best) + 1e-9 * max(1.0, abs(best))
        remaining = self._remaining(t0)
        # HiGHS needs roughly a second per 500 rows of this model before it helps:
        # with less time left than that, keep the bound and the incumbent.
        hopeless = remaining is not None and remaining < (trunc + forced).sum() / 500
        if not np.isfinite(best) or (lower < best - tol and not hopeless):
            c, a, row_lo, row_hi, constant = lv.model(trunc, forced, self.p)
            n_z = c.size - m
            out = run_milp(
                c,
                integrality=np.concatenate([np.ones(m), np.zeros(n_z)]),
                lb=np.concatenate([lb_x, np.zeros(n_z)]),
                ub=np.concatenate([ub_x, np.full(n_z, np.inf)]),
                a=a,
                row_lo=row_lo,
                row_hi=row_hi,
                time_limit=self._remaining(t0),
                mip_rel_gap=self.mip_rel_gap,
            )
            iterations += 1
            if out.status == "infeasible" and not np.isfinite(best):
                raise InfeasibleError(
                    _("p-median infeasible: no {p} sites reach every demand point").format(p=self.p)
                )
            if out.x is not None:
                sel = np.flatnonzero(out.x[:m] > 0.5)
                cost = float(w @ d[:, sel].min(axis=1))
                if cost < best:
                    best_sel, best = sel, cost
            # The restricted model holds every solution better than ``upper``.
            if out.status != "infeasible":
                lower = max(lower, min(best, out.bound + constant))
            status = "optimal" if out.status != "time_limit" else "time_limit"
        elif lower < best - tol:
            # Out of time, or too little left for a MILP this size: say which.
            status = "time_limit" if remaining is None or remaining <= 1.0 else "too_large"
        self.iterations_ = iterations
        self._finish(best_sel, best, lower, status)

    def _bound_by_lagrange(
        self, lv: Levels, d: np.ndarray, w: np.ndarray, upper: float, t0: float
    ) -> tuple[np.ndarray, np.ndarray, float, int, np.ndarray, np.ndarray | None]:
        r"""Lagrangian bound and exact reductions for the sorted-distance model.

        Relaxing "each point served once" with multipliers :math:`\lambda_i`
        (Beasley 1993) gives :math:`L(\lambda) = \sum_i \lambda_i + \min_{|S|=p}
        \sum_{j \in S} \rho_j` with :math:`\rho_j = \sum_i \min(0, w_i t_{ij} -
        \lambda_i)`, maximised by subgradient steps. Any solution serving point
        ``i`` from ``j`` costs at least :math:`L + (w_i t_{ij} - \lambda_i)^+ +
        \delta_j` (:math:`\delta_j` the price of opening ``j`` when the bound
        would not); where that exceeds ``upper`` no better solution uses the pair,
        so each row is cut at the farthest level still allowed, with "served
        within it" enforced, and sites no better solution can open are closed.
        Returns the cut, the forced mask, the bound, the iterations, the open
        upper bounds of ``x`` and the best Lagrangian open set (a candidate
        solution) if it beat the start.
        """
        n, m = d.shape
        cost = w[:, None] * d  # inf stays inf: min(0, inf - lam) = 0
        free = np.ones(m, dtype=bool)
        free[self.fixed] = False
        k_free = self.p - self.fixed.size
        lam = np.where(np.isfinite(d), cost, -np.inf).max(axis=1)
        lam = np.minimum(lam, cost.min(axis=1) * 2 + 1.0)
        best_l, best_lam, theta, stall, it = -np.inf, lam.copy(), 2.0, 0, 0
        best_sel: np.ndarray | None = None
        best_ub = upper
        tried: set[bytes] = set()
        while it < 600 and theta > 1e-4:
            it += 1
            red = np.minimum(cost - lam[:, None], 0.0)
            rho = red.sum(axis=0)
            chosen = self._pick(rho, free, k_free)
            value = float(lam.sum() + rho[chosen].sum())
            if value > best_l + 1e-12 * abs(value):
                best_l, best_lam, stall = value, lam.copy(), 0
            else:
                stall += 1
                if stall >= 20:
                    theta, stall = theta / 2, 0
            if it % 75 == 0:
                # The relaxation's open set is a good place to restart the
                # interchange from: it escapes the greedy start's local optimum.
                key = np.sort(chosen).tobytes()
                if key not in tried:
                    tried.add(key)
                    sel = median_greedy_interchange(d, w, self.p, self.fixed, start=chosen)
                    near = d[:, sel].min(axis=1)
                    if np.isfinite(near).all() and float(w @ near) < best_ub:
                        best_ub, best_sel = float(w @ near), sel
            if best_l >= best_ub * (1 - max(self.mip_rel_gap, 1e-9)):
                break
            remaining = self._remaining(t0)
            if remaining is not None and remaining <= 0:
                break
            g = 1.0 - (red[:, chosen] < 0).sum(axis=1)
            norm = float(g @ g)
            if norm == 0:
                break  # the relaxation's solution is feasible: optimal
            lam = lam + theta * (best_ub - value) / norm * g
        lam = best_lam
        red = np.minimum(cost - lam[:, None], 0.0)
        rho = red.sum(axis=0)
        chosen = self._pick(rho, free, k_free)
        lower = float(lam.sum() + rho[chosen].sum())
        slack = best_ub * (1 + 1e-9) + 1e-6 - lower
        is_chosen = np.zeros(m, dtype=bool)
        is_chosen[chosen] = True
        worst = rho[chosen & free[chosen]].max(initial=-np.inf) if k_free else np.inf
        delta = np.where(is_chosen, 0.0, np.maximum(rho - worst, 0.0))
        ub_x = np.ones(m)
        ub_x[free & (delta > slack)] = 0.0
        with np.errstate(invalid="ignore"):
            pair = np.maximum(cost - lam[:, None], 0.0) + delta[None, :]
        allowed = (pair <= slack) & np.isfinite(d) & (ub_x[None, :] > 0)
        lev_of = np.empty_like(lv.lev)
        np.put_along_axis(lev_of, lv.order, lv.lev, axis=1)  # level of each (i, j)
        far = np.where(allowed, lev_of, -1).max(axis=1)
        # A row with no allowed site cannot be served better than ``upper``: any
        # cut is exact then; level 0 with "served within" makes the model infeasible.
        far = np.maximum(far, 0)
        forced = (far < lv.n_lev - 1) | lv.has_inf
        return far, forced, lower, it, ub_x, best_sel

    @staticmethod
    def _pick(rho: np.ndarray, free: np.ndarray, k: int) -> np.ndarray:
        """Fixed sites plus the ``k`` free ones with the smallest ``rho``."""
        idx = np.flatnonzero(free)
        if k <= 0:
            return np.flatnonzero(~free)
        part = idx[np.argpartition(rho[idx], k - 1)[:k]] if k < idx.size else idx
        return np.concatenate([np.flatnonzero(~free), part])

    # ------------------------------------------------------------ capacitated
    def _solve_capacitated(self, t0: float) -> None:
        assert self.capacity is not None
        active = np.flatnonzero(self.weights > 0)
        m = self.n_candidates
        d, w = self.times[active], self.weights[active]
        self._check_reachable(d, active)
        cap = self.capacity
        free_caps = np.sort(np.delete(cap, self.fixed))[::-1][: self.p - self.fixed.size]
        best_total = cap[self.fixed].sum() + free_caps.sum()
        if best_total < w.sum() - 1e-9:
            raise InfeasibleError(
                _(
                    "capacitated p-median infeasible: the {p} largest capacities sum to "
                    "{total}, less than the total demand {demand}"
                ).format(p=self.p, total=f"{best_total:g}", demand=f"{w.sum():g}")
            )
        n = d.shape[0]
        pi, pj = np.nonzero(np.isfinite(d))
        k = pi.size
        # Variables: x (m), then y for every reachable pair.
        y = m + np.arange(k)
        c = np.concatenate([np.zeros(m), w[pi] * d[pi, pj]])
        big = np.where(np.isfinite(cap), cap, w.sum())
        blocks = [
            sparse.csr_array((np.ones(k), (pi, y)), shape=(n, m + k)),  # assign once
            sparse.csr_array(  # y_ij <= x_j
                (np.r_[np.ones(k), -np.ones(k)], (np.r_[np.arange(k), np.arange(k)], np.r_[y, pj])),
                shape=(k, m + k),
            ),
            sparse.csr_array(  # load <= capacity
                (np.r_[w[pi], -big], (np.r_[pj, np.arange(m)], np.r_[y, np.arange(m)])),
                shape=(m, m + k),
            ),
            sparse.csr_array(np.r_[np.ones(m), np.zeros(k)][None, :]),
        ]
        lb = np.zeros(m + k)
        lb[self.fixed] = 1.0
        out = run_milp(
            c,
            integrality=np.r_[np.ones(m), np.full(k, 1.0 if self.single_source else 0.0)],
            lb=lb,
            ub=np.ones(m + k),
            a=sparse.vstack(blocks).tocsr(),
            row_lo=np.r_[np.ones(n), np.full(k + m, -np.inf), self.p],
            row_hi=np.r_[np.ones(n), np.zeros(k + m), self.p],
            time_limit=self._remaining(t0),
            mip_rel_gap=self.mip_rel_gap,
        )
        if out.status == "infeasible":
            message = (
                _(
                    "capacitated p-median infeasible: no {p} sites can serve every "
                    "demand point within their capacities from single sites"
                )
                if self.single_source
                else _(
                    "capacitated p-median infeasible: no {p} sites can serve every "
                    "demand point within their capacities"
                )
            )
            raise InfeasibleError(message.format(p=self.p))
        if out.x is None:
            raise SitingError(
                _("capacitated p-median found no solution within {seconds} s").format(
                    seconds=f"{self.time_limit:g}"
                )
            )
        alloc = np.zeros((self.n_demand, m))
        alloc[active[pi], pj] = out.x[m:]
        selected = np.flatnonzero(out.x[:m] > 0.5)
        self._finish(selected, out.objective, out.bound, out.status)
        self.allocation_ = alloc
        assign = np.argmax(alloc, axis=1)
        assign[alloc.max(axis=1) <= 0] = -1
        self.assignment_ = np.where(self.weights > 0, assign, self.assignment_)
        self.iterations_ = 1
