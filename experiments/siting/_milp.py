"""A thin wrapper around :func:`scipy.optimize.milp` (HiGHS) with honest reporting."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, milp

from experiments.siting.errors import SitingError
from networks.i18n import _


@dataclass(frozen=True)
class MilpOutcome:
    """What HiGHS returned, in the minimisation sense.

    ``x`` is ``None`` when no feasible point was found. ``bound`` is a valid
    lower bound on the optimum (the dual bound), ``-inf`` if none is known.
    ``status`` is ``"optimal"``, ``"time_limit"`` or ``"infeasible"``.
    """

    x: np.ndarray | None
    objective: float
    bound: float
    status: str
    seconds: float


def _since(t0: float) -> float:
    return time.perf_counter() - t0


def run_milp(
    c: np.ndarray,
    *,
    integrality: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    a: sparse.spmatrix | None,
    row_lo: np.ndarray | None,
    row_hi: np.ndarray | None,
    time_limit: float | None,
    mip_rel_gap: float,
    incumbent: float | None = None,
    lp_first: bool = True,
) -> MilpOutcome:
    """Minimise ``c @ x`` subject to ``row_lo <= a @ x <= row_hi`` and bounds.

    Parameters
    ----------
    c
        Objective coefficients.
    integrality
        1 for integer variables, 0 for continuous ones.
    lb, ub
        Variable bounds.
    a, row_lo, row_hi
        Constraint matrix (sparse) and row bounds; ``a=None`` for none.
    time_limit
        Seconds for HiGHS, or ``None`` for no limit.
    mip_rel_gap
        Relative gap at which HiGHS may stop (0 proves optimality).
    incumbent
        Objective of a known feasible solution (minimisation sense), if any.
    lp_first
        Solve the LP relaxation first: covering models often have an integral
        LP optimum, or one no better than the incumbent, and HiGHS's MIP
        machinery (presolve, cuts, heuristics) costs several times the LP. If
        the LP proves the incumbent optimal, ``x`` is ``None`` with status
        ``"optimal"`` and ``objective`` the incumbent's.

    Returns
    -------
    MilpOutcome
        Solution, objective, dual bound, status and wall seconds.
    """
    options: dict[str, float | bool] = {"disp": False, "mip_rel_gap": float(mip_rel_gap)}
    if time_limit is not None:
        # HiGHS needs a positive limit; a spent budget still gets a token try.
        options["time_limit"] = max(float(time_limit), 0.01)
    constraints = []
    if a is not None and a.shape[0] > 0:
        constraints.append(LinearConstraint(sparse.csr_array(a), row_lo, row_hi))
    t0 = time.perf_counter()
    ints = np.asarray(integrality, dtype=bool)
    if lp_first and ints.any():
        lp = milp(
            np.asarray(c, dtype=float),
            integrality=np.zeros_like(integrality),
            bounds=(lb, ub),
            constraints=constraints,
            options={k: v for k, v in options.items() if k != "mip_rel_gap"},
        )
        if lp.status == 2:
            return MilpOutcome(None, float("nan"), float("inf"), "infeasible", _since(t0))
        if lp.status == 0 and lp.x is not None:
            scale = max(1.0, abs(float(lp.fun)))
            frac = np.abs(lp.x[ints] - np.round(lp.x[ints]))
            if frac.max(initial=0.0) <= 1e-9:
                x = np.array(lp.x, dtype=float)
                x[ints] = np.round(x[ints])
                return MilpOutcome(x, float(lp.fun), float(lp.fun), "optimal", _since(t0))
            if incumbent is not None and lp.fun >= incumbent - 1e-9 * scale:
                return MilpOutcome(None, float(incumbent), float(lp.fun), "optimal", _since(t0))
        if time_limit is not None:
            options["time_limit"] = max(float(time_limit) - _since(t0), 0.01)
    res = milp(
        np.asarray(c, dtype=float),
        integrality=integrality,
        bounds=(lb, ub),
        constraints=constraints,
        options=options,
    )
    seconds = _since(t0)
    if res.status == 2:
        return MilpOutcome(None, float("nan"), float("inf"), "infeasible", seconds)
    if res.status not in (0, 1) or (res.status == 0 and res.x is None):
        raise SitingError(_("the MILP solver failed: {error}").format(error=res.message))
    bound = getattr(res, "mip_dual_bound", None)
    bound = -np.inf if bound is None or not np.isfinite(bound) else float(bound)
    if res.x is None:
        return MilpOutcome(None, float("nan"), bound, "time_limit", seconds)
    x = np.array(res.x, dtype=float)
    x[ints] = np.round(x[ints])
    status = "optimal" if res.status == 0 else "time_limit"
    objective = float(res.fun)
    if status == "optimal":
        bound = max(min(bound, objective), -np.inf) if np.isfinite(bound) else objective
    return MilpOutcome(x, objective, bound, status, seconds)
