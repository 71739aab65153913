"""Covering models: set covering (LSCP), maximal covering (MCLP), backup coverage."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from experiments.siting._milp import run_milp
from experiments.siting.base import LocationModel, check_p
from experiments.siting.errors import InfeasibleError, SitingError
from experiments.siting.heuristics import cover_greedy_interchange, pad_nearer
from experiments.siting.reductions import dominated_columns, merge_rows
from networks.i18n import _

# Row dominance costs rows**2 * candidates; above this many rows it is skipped.
_ROW_DOMINANCE_MAX_ROWS = 2500


def _check_standard(standard: Any) -> float:
    s = float(standard)
    if not np.isfinite(s) or s < 0:
        raise SitingError(
            _("standard must be finite, non-negative seconds, got {value!r}").format(value=standard)
        )
    return s


def _standard_limit(kwargs: dict[str, Any]) -> float | None:
    """How far a coverage model's searches must reach: the standard, as float32 times read it.

    Travel times are float32: a node 480.00001 s away reads 480.0 s, within a
    480 s standard, in every table the plan prints; a search cut at the
    standard in float64 would drop it and the model would call it uncovered.
    """
    standard = kwargs.get("standard")
    if standard is None:
        return None
    return float(np.nextafter(np.float32(standard), np.float32(np.inf)))


def _minutes(seconds: float) -> str:
    """A standard in seconds as the minutes a planner sets it in (480 -> ``8``)."""
    return f"{round(seconds / 60, 2):g}"


def _dominated_rows(cover: np.ndarray) -> np.ndarray:
    """Rows worth keeping in a set-covering problem (distinct rows assumed).

    A row whose coverage set contains another row's set is implied by it.
    """
    c = cover.astype(np.float32)
    inter = c @ c.T
    size = np.diag(inter).copy()
    sub = inter == size[:, None]  # sub[k, i]: N_k inside N_i
    np.fill_diagonal(sub, False)
    return ~sub.any(axis=0)


def _greedy_set_cover(cover: np.ndarray) -> np.ndarray:
    """Chvatal's greedy cover (every row must be coverable)."""
    left = np.ones(cover.shape[0], dtype=bool)
    c = cover.astype(np.float32)
    chosen = []
    while left.any():
        k = int(np.argmax(left.astype(np.float32) @ c))
        chosen.append(k)
        left &= ~cover[:, k]
    return np.array(chosen, dtype=np.int64)


def solve_set_cover(
    cover: np.ndarray,
    fixed: np.ndarray,
    *,
    time_limit: float | None,
    mip_rel_gap: float,
    stats: dict[str, int] | None = None,
) -> tuple[np.ndarray, float, str]:
    """Fewest candidates (fixed ones included) covering every row of ``cover``.

    Parameters
    ----------
    cover
        Boolean ``(rows, candidates)``; every row must be coverable.
    fixed
        Candidate positions that are open anyway.
    time_limit, mip_rel_gap
        Passed to the MILP.
    stats
        If given, receives the problem sizes before and after reduction.

    Returns
    -------
    selected, bound, status
        Candidate positions, a lower bound on the count, and the MILP status.
    """
    n, m = cover.shape
    rows = ~cover[:, fixed].any(axis=1) if fixed.size else np.ones(n, dtype=bool)
    work = cover[rows]
    free = np.ones(m, dtype=bool)
    free[fixed] = False
    cols = np.flatnonzero(free)
    work = work[:, cols]
    # Alternate the reductions until nothing changes; each one is exact.
    while True:
        before = work.shape
        keep_c = dominated_columns(work)
        work, cols = work[:, keep_c], cols[keep_c]
        # Dropping columns can make rows equal: merge before row dominance.
        work, _weights, _rows = merge_rows(work, np.ones(work.shape[0]))
        if work.shape[0] <= _ROW_DOMINANCE_MAX_ROWS and work.shape[0] > 1:
            work = work[_dominated_rows(work)]
        if work.shape == before:
            break
    if stats is not None:
        stats.update(rows=n, candidates=m, reduced_rows=work.shape[0], reduced_candidates=cols.size)
    if work.shape[0] == 0:
        return np.sort(fixed), float(fixed.size), "optimal"
    k = cols.size
    a = sparse.csr_array(work.astype(np.float64))
    greedy = _greedy_set_cover(work)
    out = run_milp(
        np.ones(k),
        integrality=np.ones(k),
        lb=np.zeros(k),
        ub=np.ones(k),
        a=a,
        row_lo=np.ones(work.shape[0]),
        row_hi=np.full(work.shape[0], np.inf),
        time_limit=time_limit,
        mip_rel_gap=mip_rel_gap,
        incumbent=float(greedy.size),
    )
    if out.status == "infeasible":  # pragma: no cover - rows were checked coverable
        raise InfeasibleError(_("the set-covering problem has no solution"))
    if out.x is None or greedy.size < out.objective - 0.5:
        pick = greedy
    else:
        pick = np.flatnonzero(out.x > 0.5)
    bound = float(np.ceil(out.bound - 1e-6)) + fixed.size if np.isfinite(out.bound) else 0.0
    selected = np.sort(np.concatenate([fixed, cols[pick]]))
    return selected, max(bound, float(fixed.size)), out.status


class LSCP(LocationModel):
    r"""Location set covering problem: fewest sites so every demand is within the standard.

    .. math::

        \min \sum_j x_j \quad \text{s.t.} \quad \sum_{j \in N_i} x_j \ge 1 \;\; \forall i,
        \qquad x_j \in \{0, 1\}, \quad x_j = 1 \;\; \forall j \in F

    where :math:`N_i = \{j : t_{ij} \le S\}` are the candidates within the
    standard :math:`S` of demand point :math:`i` (points of zero weight are not
    demand and are ignored) and :math:`F` the fixed sites (Toregas et al. 1971).

    Exact reductions before the MILP: rows covered by fixed sites dropped, equal
    rows merged, dominated candidates and implied rows removed.

    Parameters
    ----------
    times, weights, fixed, time_limit, mip_rel_gap
        See :class:`~experiments.siting.base.LocationModel`.
    standard
        Response-time standard :math:`S`, seconds.

    Attributes
    ----------
    objective_
        Number of open sites.
    coverage_
        Share of demand weight within the standard (1.0).
    """

    def __init__(self, times: Any, *, standard: float, **kwargs: Any) -> None:
        super().__init__(times, **kwargs)
        self.standard = _check_standard(standard)

    @classmethod
    def _network_limit(cls, kwargs: dict[str, Any]) -> float | None:
        return _standard_limit(kwargs)

    def _solve(self, t0: float) -> None:
        active = np.flatnonzero(self.weights > 0)
        cover = self.times[active] <= self.standard
        bad = active[~cover.any(axis=1)]
        if bad.size:
            raise InfeasibleError(
                _(
                    "LSCP infeasible: {demand} are not within the standard of {minutes} min "
                    "from any candidate site"
                ).format(demand=self._describe_demand(bad), minutes=_minutes(self.standard))
            )
        selected, bound, status = solve_set_cover(
            cover,
            self.fixed,
            time_limit=self._remaining(t0),
            mip_rel_gap=self.mip_rel_gap,
            stats=self.reduction_,
        )
        self._finish(selected, float(selected.size), bound, status)
        self.coverage_ = 1.0


class MCLP(LocationModel):
    r"""Maximal covering location problem: p sites covering the most demand.

    .. math::

        \max \sum_i w_i y_i \quad \text{s.t.} \quad y_i \le \sum_{j \in N_i} x_j
        \;\; \forall i, \qquad \sum_j x_j = p, \qquad x_j = 1 \;\; \forall j \in F,
        \qquad x_j \in \{0,1\}, \; 0 \le y_i \le 1

    (Church & ReVelle 1974), :math:`N_i = \{j : t_{ij} \le S\}`. The :math:`y_i`
    may be continuous: for integer :math:`x` an optimum has them 0 or 1.

    Exact reductions: rows covered by fixed sites become a constant, rows no
    candidate covers are dropped, equal rows are merged into one weighted row,
    dominated candidates are removed (the budget becomes :math:`\le`; the
    solution is padded back to exactly :math:`p` sites, which cannot lower the
    coverage). A greedy + interchange solution is the fallback incumbent.

    Sites beyond those the coverage needs (``p`` more than it takes to cover all
    the demand any candidate can cover) are chosen to cut the demand-weighted
    travel time to the nearest site most, one after the other, counting trips
    within the standard (a model built from the network knows no longer ones).

    Parameters
    ----------
    times, weights, fixed, time_limit, mip_rel_gap
        See :class:`~experiments.siting.base.LocationModel`.
    standard
        Response-time standard :math:`S`, seconds.
    p
        Number of open sites, fixed ones included.

    Attributes
    ----------
    objective_
        Demand weight within the standard.
    coverage_
        That weight as a share of all demand weight.
    covered_
        Boolean mask of the demand points within the standard.
    """

    maximise = True

    def __init__(self, times: Any, *, standard: float, p: int, **kwargs: Any) -> None:
        super().__init__(times, **kwargs)
        self.standard = _check_standard(standard)
        self.p = check_p(p, self.n_candidates, self.fixed.size)

    @classmethod
    def _network_limit(cls, kwargs: dict[str, Any]) -> float | None:
        return _standard_limit(kwargs)

    def _solve(self, t0: float) -> None:
        m = self.n_candidates
        cover_all = self.times <= self.standard
        active = self.weights > 0
        if self.fixed.size:
            active &= ~cover_all[:, self.fixed].any(axis=1)
        active &= cover_all.any(axis=1)
        free = np.ones(m, dtype=bool)
        free[self.fixed] = False
        cols = np.flatnonzero(free)
        work, w, _rows = merge_rows(cover_all[active][:, cols], self.weights[active])
        keep = dominated_columns(work)
        work, cols = work[:, keep], cols[keep]
        budget = self.p - self.fixed.size
        self.reduction_.update(
            rows=self.n_demand,
            candidates=m,
            reduced_rows=work.shape[0],
            reduced_candidates=cols.size,
        )
        status, bound_gain = "optimal", float(w.sum())
        if budget == 0 or work.shape[0] == 0:
            pick = np.zeros(0, dtype=np.int64)
            bound_gain = 0.0
        elif cols.size <= budget:
            pick = np.arange(cols.size)
        else:
            heur, heur_value = cover_greedy_interchange(work, w, budget)
            n_r, k = work.shape
            # Variables: x (k binary) then y (n_r continuous).
            c = np.concatenate([np.zeros(k), -w])
            a_cov = sparse.hstack([-sparse.csr_array(work.astype(np.float64)), sparse.eye(n_r)])
            a_bud = sparse.hstack([sparse.csr_array(np.ones((1, k))), sparse.csr_array((1, n_r))])
            out = run_milp(
                c,
                integrality=np.concatenate([np.ones(k), np.zeros(n_r)]),
                lb=np.zeros(k + n_r),
                ub=np.ones(k + n_r),
                a=sparse.vstack([a_cov, a_bud]).tocsr(),
                row_lo=np.full(n_r + 1, -np.inf),
                row_hi=np.concatenate([np.zeros(n_r), [budget]]),
                time_limit=self._remaining(t0),
                mip_rel_gap=self.mip_rel_gap,
                incumbent=-heur_value,
            )
            status = out.status
            bound_gain = -out.bound if np.isfinite(out.bound) else float(w.sum())
            if out.x is not None and -out.objective >= heur_value - 1e-9 * max(1.0, heur_value):
                pick = np.flatnonzero(out.x[:k] > 0.5)
            else:
                pick = heur
        # Demand each candidate reaches, to pad with; a float64 copy of cover_all (1.7 GB for a
        # thousand candidates over a city's every node), so only worked out when padding.
        score = lambda: self.weights @ cover_all  # noqa: E731
        selected = pad_nearer(np.concatenate([self.fixed, cols[pick]]), self.p, score, self.times,
                        self.weights, self.standard)  # fmt: skip
        covered = cover_all[:, selected].any(axis=1)
        objective = float(self.weights[covered].sum())
        fixed_part = float(self.weights[cover_all[:, self.fixed].any(axis=1)].sum())
        self._finish(selected, objective, fixed_part + bound_gain, status)
        self.covered_ = covered
        total = self.weights.sum()
        self.coverage_ = objective / total if total > 0 else 1.0


class BackupCoverage(LocationModel):
    r"""Backup coverage: p sites, rewarding demand covered once and again covered twice.

    .. math::

        \max \sum_i w_i (u_i + \beta v_i) \quad \text{s.t.} \quad
        u_i + v_i \le \sum_{j \in N_i} x_j, \quad v_i \le u_i \;\; \forall i,
        \qquad \sum_j x_j = p, \qquad x_j = 1 \;\; \forall j \in F

    with :math:`x_j \in \{0,1\}`, :math:`0 \le u_i, v_i \le 1`: :math:`u_i` is 1
    when some open site covers :math:`i`, :math:`v_i` when a second one does, so
    a busy station has a second within the standard (Hogan & ReVelle 1986,
    BACOP2 with :math:`\beta = (1-\theta)/\theta`). For :math:`0 \le \beta \le 1`
    continuous :math:`u, v` are integral at an optimum. With
    ``require_coverage=True`` every demand point must be covered once
    (:math:`u_i = 1`, BACOP1).

    Equal rows are merged; candidates are not reduced (a dominated site still adds
    backup coverage).

    Parameters
    ----------
    times, weights, fixed, time_limit, mip_rel_gap
        See :class:`~experiments.siting.base.LocationModel`.
    standard
        Response-time standard, seconds.
    p
        Number of open sites, fixed ones included.
    backup_weight
        :math:`\beta` in ``[0, 1]``: the value of a second cover relative to a first.
    require_coverage
        If true, every demand point must be covered at least once.

    Attributes
    ----------
    objective_
        :math:`\sum_i w_i (u_i + \beta v_i)`.
    coverage_
        Share of demand weight covered at least once.
    backup_coverage_
        Share of demand weight covered at least twice.
    cover_count_
        Number of open sites within the standard of each demand point.
    """

    maximise = True

    def __init__(
        self,
        times: Any,
        *,
        standard: float,
        p: int,
        backup_weight: float = 1.0,
        require_coverage: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(times, **kwargs)
        self.standard = _check_standard(standard)
        self.p = check_p(p, self.n_candidates, self.fixed.size)
        if not 0 <= backup_weight <= 1:
            raise SitingError(
                _("backup_weight must be in [0, 1], got {value!r}").format(value=backup_weight)
            )
        self.backup_weight = float(backup_weight)
        self.require_coverage = bool(require_coverage)

    @classmethod
    def _network_limit(cls, kwargs: dict[str, Any]) -> float | None:
        return _standard_limit(kwargs)

    def _solve(self, t0: float) -> None:
        m, beta = self.n_candidates, self.backup_weight
        cover_all = self.times <= self.standard
        coverable = cover_all.any(axis=1)
        positive = self.weights > 0
        if self.require_coverage and (positive & ~coverable).any():
            bad = np.flatnonzero(positive & ~coverable)
            raise InfeasibleError(
                _(
                    "backup coverage with require_coverage: {demand} are not within the "
                    "standard of {minutes} min from any candidate site"
                ).format(demand=self._describe_demand(bad), minutes=_minutes(self.standard))
            )
        active = positive & coverable
        work, w, _rows = merge_rows(cover_all[active], self.weights[active])
        n_r = work.shape[0]
        self.reduction_.update(
            rows=self.n_demand, candidates=m, reduced_rows=n_r, reduced_candidates=m
        )
        # Variables: x (m binary), u (n_r), v (n_r).
        c = np.concatenate([np.zeros(m), -w, -beta * w])
        cov = sparse.csr_array(work.astype(np.float64))
        eye = sparse.eye(n_r, format="csr")
        a = sparse.vstack(
            [
                sparse.hstack([-cov, eye, eye]),
                sparse.hstack([sparse.csr_array((n_r, m)), -eye, eye]),
                sparse.hstack([sparse.csr_array(np.ones((1, m))), sparse.csr_array((1, 2 * n_r))]),
            ]
        ).tocsr()
        lb = np.zeros(m + 2 * n_r)
        lb[self.fixed] = 1.0
        if self.require_coverage:
            lb[m : m + n_r] = 1.0
        out = run_milp(
            c,
            integrality=np.concatenate([np.ones(m), np.zeros(2 * n_r)]),
            lb=lb,
            ub=np.ones(m + 2 * n_r),
            a=a,
            row_lo=np.concatenate([np.full(2 * n_r, -np.inf), [self.p]]),
            row_hi=np.concatenate([np.zeros(2 * n_r), [self.p]]),
            time_limit=self._remaining(t0),
            mip_rel_gap=self.mip_rel_gap,
        )
        if out.status == "infeasible":
            raise InfeasibleError(
                _(
                    "backup coverage with require_coverage: p={p} sites cannot cover "
                    "every demand point within {minutes} min"
                ).format(p=self.p, minutes=_minutes(self.standard))
            )
        if out.x is None:
            raise SitingError(
                _(
                    "backup coverage found no solution within the time limit of {seconds} s; "
                    "raise time_limit"
                ).format(seconds=f"{self.time_limit:g}")
            )
        selected = np.flatnonzero(out.x[:m] > 0.5)
        count = cover_all[:, selected].sum(axis=1)
        objective = float(self.weights @ (np.minimum(count, 1) + beta * (count >= 2)))
        self._finish(selected, objective, -out.bound, out.status)
        self.cover_count_ = count
        total = self.weights.sum()
        self.coverage_ = float(self.weights[count >= 1].sum() / total) if total > 0 else 1.0
        self.backup_coverage_ = float(self.weights[count >= 2].sum() / total) if total > 0 else 1.0

    def objective_of(self, selected: np.ndarray) -> float:
        """The backup-coverage objective of any set of open sites (for checks)."""
        count = (self.times[:, np.asarray(selected, dtype=np.int64)] <= self.standard).sum(1)
        return float(self.weights @ (np.minimum(count, 1) + self.backup_weight * (count >= 2)))
