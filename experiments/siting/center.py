"""The p-center model: :class:`PCenter`, solved by bisection over set covers.

Re-exported by :mod:`experiments.siting.median`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.siting.base import LocationModel, check_p
from experiments.siting.coverage import solve_set_cover
from experiments.siting.errors import InfeasibleError
from experiments.siting.heuristics import median_greedy_interchange
from networks.i18n import _


class PCenter(LocationModel):
    r"""p-center: p sites minimising the longest travel time to any demand point.

    .. math::

        \min r \quad \text{s.t.} \quad \min_{j : x_j = 1} t_{ij} \le r \;\; \forall i,
        \qquad \sum_j x_j = p, \qquad x_j = 1 \;\; \forall j \in F

    Solved exactly by bisection over the distinct travel times (Minieka 1970):
    :math:`r` is feasible when the set-covering problem (LSCP, with its exact
    reductions) at standard :math:`r` needs at most :math:`p` sites. The search
    runs between the largest nearest-candidate time (a lower bound) and the
    radius of a heuristic solution. Weights only mark which points are demand
    (weight > 0). Spare sites, if the cover needs fewer than :math:`p`, are added
    greedily to cut the demand-weighted time.

    Parameters
    ----------
    times, weights, fixed, time_limit, mip_rel_gap
        See :class:`~experiments.siting.base.LocationModel`.
    p
        Number of open sites, fixed ones included.

    Attributes
    ----------
    objective_
        The longest travel time from an open site to a demand point.
    iterations_
        Set-covering problems solved.
    """

    def __init__(self, times: Any, *, p: int, **kwargs: Any) -> None:
        super().__init__(times, **kwargs)
        self.p = check_p(p, self.n_candidates, self.fixed.size)

    def radius_of(self, selected: np.ndarray) -> float:
        """Longest time from the nearest of ``selected`` to a demand point."""
        near = self.times[:, np.asarray(selected, dtype=np.int64)].min(axis=1)
        return float(near[self.weights > 0].max(initial=0.0))

    def _solve(self, t0: float) -> None:
        active = np.flatnonzero(self.weights > 0)
        d = self.times[active]
        if active.size == 0:
            self.iterations_ = 0
            self._finish(self._pad(self.fixed), 0.0, 0.0, "optimal")
            return
        bad = active[~np.isfinite(d).any(axis=1)]
        if bad.size:
            raise InfeasibleError(
                _("p-center infeasible: {demand} cannot be reached from any candidate site").format(
                    demand=self._describe_demand(bad)
                )
            )
        heur = median_greedy_interchange(d, np.ones(active.size), self.p, self.fixed)
        best_sel, best_r = heur, float(d[:, heur].min(axis=1).max())
        radii = np.unique(d[np.isfinite(d)])
        lo = int(np.searchsorted(radii, d.min(axis=1).max()))
        hi = int(np.searchsorted(radii, best_r)) if np.isfinite(best_r) else radii.size - 1
        status, iterations = "optimal", 0
        feasible_hi = np.isfinite(best_r)
        while lo < hi or not feasible_hi:
            mid = (lo + hi) // 2 if feasible_hi else hi
            remaining = self._remaining(t0)
            if remaining is not None and remaining <= 0:
                status = "time_limit"
                break
            iterations += 1
            sel, bound, st = solve_set_cover(
                d <= radii[mid], self.fixed, time_limit=remaining, mip_rel_gap=0.0
            )
            if sel.size <= self.p:
                best_sel, best_r, hi, feasible_hi = sel, float(radii[mid]), mid, True
            elif bound > self.p or st == "optimal":
                lo = mid + 1
                if not feasible_hi and lo > hi:
                    raise InfeasibleError(
                        _("p-center infeasible: p sites cannot reach every point")
                    )
            else:
                status = "time_limit"
                break
        lower = float(radii[min(lo, radii.size - 1)]) if status == "time_limit" else best_r
        self.iterations_ = iterations
        selected = self._pad(best_sel)
        self._finish(selected, self.radius_of(selected), lower, status)

    def _pad(self, selected: np.ndarray) -> np.ndarray:
        """Add sites greedily (least weighted time) until ``p`` are open."""
        is_open = np.zeros(self.n_candidates, dtype=bool)
        is_open[np.asarray(selected, dtype=np.int64)] = True
        active = self.weights > 0
        d, w = self.times[active], self.weights[active]
        d = np.where(np.isfinite(d), d, np.finfo(np.float64).max / (d.shape[0] + 1))
        best = d[:, is_open].min(axis=1) if is_open.any() else np.full(d.shape[0], np.inf)
        while is_open.sum() < self.p:
            cost = w @ np.minimum(best[:, None], d) if d.shape[0] else np.zeros(d.shape[1])
            cost[is_open] = np.inf
            k = int(np.argmin(cost))
            is_open[k] = True
            best = np.minimum(best, d[:, k])
        return np.flatnonzero(is_open)
