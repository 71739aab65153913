"""Among equally good sitings, the one that moves the fewest current sites."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from experiments.siting.plan import SitingProblem

#: Relative difference of two scores below which they tie, for models whose score adds up
#: road times: those are float32 (about 7 significant digits), so two sitings equally good
#: on the map (a chain via a township depot as long as the direct delivery) differ by
#: their rounding, up to ~1e-7 of the total. 1e-6 of a mean drive is far below a real gain.
TIME_RTOL = 1e-6
#: The same for models whose score adds demand weights (MCLP, backup cover, LSCP): exact
#: float64 sums, where a unit of demand is a real loss however large the total.
WEIGHT_RTOL = 1e-9
#: Models whose score is a sum (or maximum) of road times.
TIME_MODELS = frozenset({"pmedian", "pcenter", "hierarchy"})


def _score(problem: SitingProblem, model: Any) -> Any:
    """``score(positions)`` of a solved model: larger is better, feasibility included."""
    kind = problem.task.model
    if kind == "mclp":
        return lambda s: float(model.weights @ (model.times[:, s] <= model.standard).any(axis=1))
    if kind == "backup":
        return lambda s: model.objective_of(s)
    if kind == "pmedian" and model.capacity is None:
        return lambda s: -model.cost_of(s)
    if kind == "pcenter":
        return lambda s: -model.radius_of(s)
    if kind == "lscp":
        need = model.weights > 0
        return lambda s: (
            0.0 if (model.times[need][:, s] <= model.standard).any(axis=1).all() else -1.0
        )
    if kind == "hierarchy":
        total = model.weights.sum()

        def score(s: np.ndarray) -> float:
            t = model.evaluate(s)[0]
            if model.weights[t <= model.standard].sum() < model.min_coverage * total - 1e-9:
                return -np.inf
            return -float(model.weights @ t)

        return score
    return None


def fewest_moves(problem: SitingProblem, model: Any, positions: np.ndarray) -> np.ndarray:
    """Among solutions as good as ``positions``, one that moves fewer current sites.

    Location models are often indifferent between many optima (every point
    already covered, equal radii); a planner is not: a station that need not move
    should stay. Each new site is swapped for a closed current site whenever
    the model's objective (and feasibility) stays as good, until no swap does.

    Parameters
    ----------
    problem
        The problem.
    model
        Its solved model.
    positions
        Open candidate positions (model columns) of the solution.

    Returns
    -------
    numpy.ndarray
        Open positions, same objective, no more moves than ``positions``.
    """
    score = _score(problem, model)
    if score is None:
        return positions
    cols = model.township_nodes if problem.task.model == "hierarchy" else problem.candidates
    pos_of = {int(n): k for k, n in enumerate(cols)}
    current = {pos_of[int(n)] for n in problem.current if int(n) in pos_of}
    chosen = [int(k) for k in positions]
    best = score(np.asarray(chosen))
    rtol = TIME_RTOL if problem.task.model in TIME_MODELS else WEIGHT_RTOL
    tol = rtol * max(1.0, abs(best)) if np.isfinite(best) else 0.0
    changed = True
    while changed:
        changed = False
        for i, k in enumerate(chosen):
            if k in current or cols[k] in problem.fixed or cols[k] in problem.background:
                continue
            for c in sorted(current - set(chosen)):
                trial = np.asarray(chosen[:i] + [c] + chosen[i + 1 :])
                if score(trial) >= best - tol:
                    chosen[i] = c
                    changed = True
                    break
    return np.sort(np.asarray(chosen, dtype=np.int64))
