"""Fit team turnout and road speeds to a log by matching quantiles of arrival.

The call-taken to first-arrival interval is turnout plus travel. Turnout adds
the same minutes to every trip; a road group's speed factor stretches the part
of each trip driven on that group. Quantiles of the interval taken within
strata (the road group a trip mostly drives on, crossed with its length)
separate the two:
short trips show turnout, long trips on main roads show the major-road speed
(:func:`experiments.replay.simulate.trip_strata`).

The objective is the squared difference between simulated and observed
quantiles summed over strata, each weighted by its share of incidents, with
the simulation re-run on the same random numbers at every trial (so the
objective is a deterministic function of the factors). A bounded least-squares
search (``scipy.optimize.least_squares``) works on the logarithms of the
factors, with forward-difference steps of 3 % of each factor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.replay.compare import QUANTILES, compared_incidents
from networks.errors import ConfigError
from networks.i18n import _

__all__ = ["Calibration", "calibrate", "quantile_loss", "quantile_residuals"]

#: Finite-difference step of the search, in the logarithm of a factor (3 %).
_LOG_STEP = 0.03

#: Signature of the simulation calibration drives: factors in, one row per
#: replication and one column per incident of the arrival interval out.
Simulate = Callable[[float, Mapping[str, float]], np.ndarray]


@dataclass(frozen=True)
class Calibration:
    """Fitted factors and the fit before and after.

    Attributes
    ----------
    turnout
        Factor on every team's turnout time.
    speed
        Road group to speed factor.
    loss_before, loss_after
        Quantile loss (minutes squared) at factors 1 and at the fit.
    evaluations
        Simulations run.
    converged
        Whether the search met its tolerance within its budget, having compared
        some simulated arrival with an observed one.
    at_bound
        The factors (``turnout``, ``speed.<group>``) that ended at a bound of the
        search (within 1 %): the log asks for more than the search allows, or is
        too small to say.
    """

    turnout: float
    speed: dict[str, float]
    loss_before: float
    loss_after: float
    evaluations: int
    converged: bool
    history: list[tuple[float, ...]] = field(default_factory=list, repr=False)
    at_bound: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``calibration.json``)."""
        return {
            "turnout": self.turnout,
            "speed": dict(self.speed),
            "loss_before": self.loss_before,
            "loss_after": self.loss_after,
            "evaluations": self.evaluations,
            "converged": self.converged,
            "at_bound": list(self.at_bound),
        }

    def result_line(self) -> str:
        """The fit in one line for people: every factor as ``×1.47``, in the language's separators.

        The headline a report quotes: one multiplication sign throughout, and the
        road groups joined as the language joins a list (``，`` in Chinese).
        """
        from experiments.replay.adjust import road_group_label

        speeds = _(", ").join(f"{road_group_label(g)} ×{f:.2f}" for g, f in self.speed.items())
        return _(
            "calibrated: turnout ×{t:.2f}, road speed {speeds}; quantile loss "
            "{before:.2f} -> {after:.2f} min^2 ({n} simulations)"
        ).format(
            t=self.turnout,
            speeds=speeds,
            before=self.loss_before,
            after=self.loss_after,
            n=self.evaluations,
        )


def _strata_masks(
    observed: np.ndarray, strata: Any, min_count: int
) -> list[tuple[str, np.ndarray]]:
    """Stratum masks over known observations; strata under ``min_count`` pooled into one."""
    labels = np.asarray(strata, dtype=object)
    known = np.isfinite(observed)
    counts = {s: int((known & (labels == s)).sum()) for s in set(labels.tolist())}
    small = [s for s, c in counts.items() if c < min_count]
    labels = np.where(np.isin(labels, small), "(pooled)", labels)
    return [(s, known & (labels == s)) for s in sorted(set(labels[known].tolist()))]


def quantile_residuals(
    observed: np.ndarray,
    simulated: np.ndarray,
    strata: Any,
    *,
    quantiles: Sequence[float] = QUANTILES,
    min_count: int = 10,
) -> np.ndarray:
    """Simulated minus observed quantiles per stratum, weighted by sqrt(incident share).

    The vector's layout and weights depend on the observed values and strata
    only, so they are the same at every trial of a calibration. Within a
    stratum both quantiles are taken on the same incidents
    (:func:`~experiments.replay.compare.compared_incidents`). Its sum of
    squares is :func:`quantile_loss`.

    Parameters
    ----------
    observed, simulated, strata, quantiles, min_count
        As in :func:`quantile_loss`.

    Returns
    -------
    numpy.ndarray
        ``strata x quantiles`` residuals in minutes (0 where a stratum has no
        simulated value).
    """
    obs = np.asarray(observed, dtype=np.float64)
    sim = np.atleast_2d(np.asarray(simulated, dtype=np.float64))
    qs = np.asarray(quantiles, dtype=np.float64)
    masks = _strata_masks(obs, strata, min_count)
    total = sum(int(m.sum()) for _label, m in masks)
    compared = compared_incidents(obs, sim)
    out = np.zeros((len(masks), qs.size))
    for k, (_label, mask) in enumerate(masks):
        both = mask & compared
        if not both.any():
            continue
        diff = np.nanquantile(sim[:, both], qs) - np.quantile(obs[both], qs)
        out[k] = np.sqrt(mask.sum() / total) * diff
    return out.ravel()


def quantile_loss(
    observed: np.ndarray,
    simulated: np.ndarray,
    strata: Any,
    *,
    quantiles: Sequence[float] = QUANTILES,
    min_count: int = 10,
) -> float:
    """Squared quantile differences summed over strata, weighted by incident share.

    Parameters
    ----------
    observed
        One value per incident (NaN: unknown).
    simulated
        One row per replication, one column per incident.
    strata
        A label per incident; strata with fewer than ``min_count`` known
        observed values are pooled into one.
    quantiles
        Probabilities compared.
    min_count
        Smallest stratum kept on its own.

    Returns
    -------
    float
        The loss in minutes squared (NaN when no incident is known).
    """
    if not np.isfinite(np.asarray(observed, dtype=np.float64)).any():
        return float("nan")
    r = quantile_residuals(observed, simulated, strata, quantiles=quantiles, min_count=min_count)
    return float(np.sum(r**2))


def calibrate(
    observed: np.ndarray,
    simulate: Simulate,
    strata: np.ndarray,
    *,
    groups: Sequence[str] = ("major", "minor", "local"),
    fit_turnout: bool = True,
    bounds: tuple[float, float] = (0.25, 4.0),
    quantiles: Sequence[float] = QUANTILES,
    max_evaluations: int = 200,
    source: str | None = None,
) -> Calibration:
    """Fit the turnout factor and a speed factor per road group to observed arrivals.

    Parameters
    ----------
    observed
        Observed call-taken to first-arrival minutes, one per incident.
    simulate
        Runs the replay at ``(turnout, speed)`` on the same random numbers
        every time and returns the simulated interval (replications x incidents).
    strata
        Stratum label per incident (see :func:`quantile_loss`).
    groups
        Road groups given a factor of their own (the others stay at 1).
    fit_turnout
        Whether the turnout factor is fitted (else kept at 1).
    bounds
        Lowest and highest factor tried.
    quantiles
        Probabilities compared.
    max_evaluations
        Budget of simulations.
    source
        The log's file, named by the error when it has no observed arrival.

    Returns
    -------
    Calibration

    Raises
    ------
    ConfigError
        Bad bounds, nothing to fit, or no observed arrival to fit to.
    """
    from scipy import optimize

    lo, hi = bounds
    if not 0 < lo < 1 < hi:
        raise ConfigError(_("calibration bounds must satisfy 0 < low < 1 < high"), key="bounds")
    names = (["turnout"] if fit_turnout else []) + [f"speed.{g}" for g in groups]
    if not names:
        raise ConfigError(_("nothing to calibrate"), key="groups")
    _refuse_without_arrivals(observed, source)
    history: list[tuple[float, ...]] = []
    compared = False  # whether any trial simulated an arrival the log observed

    def factors(x: np.ndarray) -> tuple[float, dict[str, float]]:
        f = np.exp(x)
        turnout = float(f[0]) if fit_turnout else 1.0
        speed = {g: float(v) for g, v in zip(groups, f[int(fit_turnout) :], strict=True)}
        return turnout, speed

    def residuals(x: np.ndarray) -> np.ndarray:
        nonlocal compared
        turnout, speed = factors(x)
        sim = simulate(turnout, speed)
        compared = compared or bool(compared_incidents(observed, sim).any())
        r = quantile_residuals(observed, sim, strata, quantiles=quantiles)
        history.append((*np.exp(x).tolist(), float(np.sum(r**2))))
        return r

    x0 = np.zeros(len(names))
    r0 = residuals(x0)
    before = float(np.sum(r0**2))
    last = [x0.copy(), r0]  # the residuals least_squares asked for last (its Jacobian's base)
    top = np.log(hi)

    def fun(x: np.ndarray) -> np.ndarray:
        if np.array_equal(last[0], x):  # the same factors simulate the same (x0 at the start)
            return last[1]
        r = residuals(x)
        last[:] = [x.copy(), r]
        return r

    def jacobian(x: np.ndarray) -> np.ndarray:
        # Forward differences in steps of 3 % of each factor (0.03 in its logarithm), back
        # from the upper bound. Finer steps see only the jumps of discrete dispatch
        # decisions, not the slope; scipy's diff_step is relative to x, which starts at
        # log 1 = 0, where it falls back to a step of 1e-8.
        base = last[1] if np.array_equal(last[0], x) else residuals(x)
        jac = np.empty((base.size, x.size))
        for i in range(x.size):
            h = _LOG_STEP if x[i] + _LOG_STEP <= top else -_LOG_STEP
            xi = x.copy()
            xi[i] += h
            jac[:, i] = (residuals(xi) - base) / h
        return jac

    res = optimize.least_squares(
        fun,
        x0,
        jac=jacobian,
        bounds=(np.full(len(names), np.log(lo)), top),
        # A Jacobian costs one simulation per factor: the budget is of simulations.
        max_nfev=max(2, max_evaluations // (len(names) + 1)),
        # Stop at 1 % steps: finer than a year of logs can tell apart.
        xtol=1e-2,
        ftol=1e-3,
    )
    turnout, speed = factors(res.x)
    edge = np.log(1.01)  # within 1 % of a bound
    at_bound = tuple(
        n for n, x in zip(names, res.x, strict=True)
        if x <= np.log(lo) + edge or x >= np.log(hi) - edge
    )  # fmt: skip
    return Calibration(
        turnout=turnout,
        speed=speed,
        loss_before=before,
        loss_after=float(np.sum(res.fun**2)),
        evaluations=len(history),
        # A flat zero objective (no simulated arrival to compare) is no fit.
        converged=bool(res.status > 0) and compared,
        history=history,
        at_bound=at_bound,
    )


def _refuse_without_arrivals(observed: Any, source: str | None) -> None:
    """Refuse observed arrivals that are all missing (one line naming ``source``)."""
    if not np.isfinite(np.asarray(observed, dtype=np.float64)).any():
        # Nothing to fit: the search would stop at once on an empty objective
        # and call factors of 1 "converged".
        raise ConfigError(
            _(
                "no observed arrival to calibrate on: give call_taken and first_arrival "
                "of the same incidents"
            ),
            source=source,
        )


def check_observed(log: Any, *, source: str | None = None) -> None:
    """Refuse a replay log with no observed arrival before calibrating on it.

    Parameters
    ----------
    log
        A :class:`experiments.replay.log.ReplayLog`.
    source
        The log's file, named by the error.

    Raises
    ------
    ConfigError
        No incident has both ``call_taken`` and ``first_arrival``.
    """
    from experiments.replay.simulate import intervals_from_times

    _refuse_without_arrivals(intervals_from_times(log.times)["arrival"], source)
