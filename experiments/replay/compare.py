"""Observed against simulated response intervals: quantiles, tests, areas.

Trace-driven validation (Strauss et al. 2021, 2024) replays the incidents of a
historical log through the model and compares the intervals the log observed
with the intervals the model produced *for the same incidents*. Because the
incidents are the same, observed and simulated values pair up by incident:
the confidence intervals here resample incidents (a paired bootstrap, so the
observed and simulated quantiles move together), and the simulated side pools
every replication of an incident.

Every comparison (quantiles, test, areas, figures, calibration) takes its
incidents from :func:`compared_incidents`: those the log has a value for and
the run measured at least once. An incident the log leaves empty drops out of
both sides, so a log that records some hazards only is not compared with the
simulated values of the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _

__all__ = [
    "INTERVALS",
    "QUANTILES",
    "AreaRow",
    "QuantileRow",
    "TwoSampleRow",
    "area_differences",
    "compare_quantiles",
    "compared_incidents",
    "interval_label",
    "pooled_samples",
    "two_sample_tests",
]

#: The intervals a log and a run both measure, in the order of the response.
INTERVALS = ("call_taking", "arrival", "control")

#: Quantiles compared by default (10th, median, 90th percentile).
QUANTILES = (0.1, 0.5, 0.9)


def interval_label(name: str) -> str:
    """The interval's name for people, in the language in use."""
    labels = {
        "call_taking": _("call taking (alarm -> call taken)"),
        "arrival": _("call taken -> first arrival"),
        "control": _("first arrival -> under control"),
    }
    return labels.get(name, name)


@dataclass(frozen=True)
class QuantileRow:
    """One quantile of one interval, observed and simulated, in minutes.

    ``*_low``/``*_high`` are the bounds of a paired percentile bootstrap over
    incidents; ``difference`` is simulated minus observed (positive: the model
    is too slow).
    """

    interval: str
    q: float
    observed: float
    observed_low: float
    observed_high: float
    simulated: float
    simulated_low: float
    simulated_high: float
    difference: float
    difference_low: float
    difference_high: float
    n_observed: int
    n_simulated: int

    def to_dict(self) -> dict[str, Any]:
        """The row as a flat dict (the columns of ``quantiles.csv``)."""
        return asdict(self)


@dataclass(frozen=True)
class TwoSampleRow:
    """A two-sample test of one interval (does the model reproduce its distribution?)."""

    interval: str
    ks_statistic: float
    ks_p_value: float
    n_observed: int
    n_simulated: int

    def to_dict(self) -> dict[str, Any]:
        """The row as a flat dict (the columns of ``tests.csv``)."""
        return asdict(self)


@dataclass(frozen=True)
class AreaRow:
    """Median interval in one area, observed and simulated (minutes)."""

    area: str
    n: int
    observed_median: float
    simulated_median: float
    difference: float

    def to_dict(self) -> dict[str, Any]:
        """The row as a flat dict (the columns of ``areas.csv``)."""
        return asdict(self)


def _shapes(observed: Any, simulated: Any) -> tuple[np.ndarray, np.ndarray]:
    obs = np.asarray(observed, dtype=np.float64)
    sim = np.asarray(simulated, dtype=np.float64)
    if sim.ndim == 1:
        sim = sim[None, :]
    if obs.ndim != 1 or sim.ndim != 2 or sim.shape[1] != obs.shape[0]:
        raise ConfigError(
            _(
                "observed values must be one per incident and simulated values one row per "
                "replication with one per incident (got {obs} and {sim})"
            ).format(obs=obs.shape, sim=sim.shape)
        )
    return obs, sim


def compared_incidents(observed: Any, simulated: Any) -> np.ndarray:
    """Which incidents an interval is compared on, observed and simulated alike.

    Parameters
    ----------
    observed
        One value per incident (minutes); NaN where the log does not know it.
    simulated
        One row per replication, one column per incident (minutes); NaN where
        the run has no value.

    Returns
    -------
    numpy.ndarray
        Boolean, one per incident: the log knows the interval and some
        replication measured it.
    """
    obs, sim = _shapes(observed, simulated)
    return np.isfinite(obs) & np.isfinite(sim).any(axis=0)


def pooled_samples(observed: Any, simulated: Any) -> tuple[np.ndarray, np.ndarray]:
    """The observed values and the pooled simulated values of the same incidents.

    Parameters
    ----------
    observed, simulated
        As in :func:`compared_incidents`.

    Returns
    -------
    observed, simulated
        The known observed values of :func:`compared_incidents`, and every
        finite simulated value of those incidents over all replications.
    """
    obs, sim = _shapes(observed, simulated)
    keep = compared_incidents(obs, sim)
    pooled = sim[:, keep]
    return obs[keep], pooled[np.isfinite(pooled)]


def compare_quantiles(
    interval: str,
    observed: Any,
    simulated: Any,
    *,
    rng: np.random.Generator,
    quantiles: Sequence[float] = QUANTILES,
    n_resamples: int = 999,
    level: float = 0.95,
) -> list[QuantileRow]:
    """Quantiles of one interval, observed and simulated, with paired bootstrap intervals.

    Parameters
    ----------
    interval
        The interval's key (one of :data:`INTERVALS`), copied into the rows.
    observed
        One value per incident (minutes); NaN where the log does not know it.
    simulated
        One row per replication, one column per incident (minutes); NaN where
        the run has no value (never reached, after the horizon).
    rng
        Generator of the bootstrap resamples.
    quantiles
        Probabilities in (0, 1).
    n_resamples
        Bootstrap resamples of the incidents.
    level
        Confidence level of the intervals.

    Returns
    -------
    list of QuantileRow
        One row per quantile, in the order given. With fewer than two known
        observed values the row holds NaN.
    """
    from scipy import stats

    obs, sim = _shapes(observed, simulated)
    qs = np.asarray(quantiles, dtype=np.float64)
    if qs.size == 0 or np.any((qs <= 0) | (qs >= 1)):
        raise ConfigError(_("quantiles must lie strictly between 0 and 1"), key="quantiles")
    # Incidents the log knows nothing about for this interval carry no information.
    keep = compared_incidents(obs, sim)
    obs, sim = obs[keep], sim[:, keep]
    n_obs, n_sim = int(obs.size), int(np.isfinite(sim).sum())
    k = qs.size

    def statistic(o: np.ndarray, *s: np.ndarray, axis: int = -1) -> np.ndarray:
        q_obs = np.nanquantile(o, qs, axis=axis)
        q_sim = np.nanquantile(np.concatenate(s, axis=axis), qs, axis=axis)
        return np.concatenate([q_obs, q_sim, q_sim - q_obs], axis=0)

    if n_obs < 2:
        point = np.full(3 * k, np.nan)
        low = high = point
    else:
        data = (obs, *sim)
        point = statistic(*data)
        res = stats.bootstrap(
            data,
            statistic,
            paired=True,
            vectorized=True,
            n_resamples=n_resamples,
            confidence_level=level,
            method="percentile",  # quantiles are not smooth enough for BCa
            rng=rng,
            batch=100,  # bounds memory: each resample copies every replication
        )
        low, high = res.confidence_interval.low, res.confidence_interval.high
    rows = []
    for j, q in enumerate(qs):
        o, s, d = j, k + j, 2 * k + j
        rows.append(
            QuantileRow(
                interval=interval,
                q=float(q),
                observed=float(point[o]),
                observed_low=float(low[o]),
                observed_high=float(high[o]),
                simulated=float(point[s]),
                simulated_low=float(low[s]),
                simulated_high=float(high[s]),
                difference=float(point[d]),
                difference_low=float(low[d]),
                difference_high=float(high[d]),
                n_observed=n_obs,
                n_simulated=n_sim,
            )
        )
    return rows


def two_sample_tests(
    observed: Mapping[str, Any], simulated: Mapping[str, Any]
) -> list[TwoSampleRow]:
    """Two-sample Kolmogorov-Smirnov test per interval, observed against pooled simulated.

    The simulated sample pools every replication of the same incidents (those
    of :func:`compared_incidents`, as in :func:`compare_quantiles`), so it
    is not independent of the observed one in the textbook sense; read the
    p-value as a screen (a small value: the shapes differ), not as an exact
    error rate.

    Parameters
    ----------
    observed
        Interval key to one value per incident.
    simulated
        Interval key to one row per replication, one column per incident.

    Returns
    -------
    list of TwoSampleRow
        One row per interval present in both, in :data:`INTERVALS` order.
    """
    from scipy import stats

    rows = []
    for name in INTERVALS:
        if name not in observed or name not in simulated:
            continue
        o, s = pooled_samples(observed[name], simulated[name])
        if o.size < 2 or s.size < 2:
            rows.append(TwoSampleRow(name, np.nan, np.nan, int(o.size), int(s.size)))
            continue
        res = stats.ks_2samp(o, s)
        rows.append(
            TwoSampleRow(name, float(res.statistic), float(res.pvalue), int(o.size), int(s.size))
        )
    return rows


def area_differences(
    observed: Any, simulated: Any, areas: Sequence[str], *, min_count: int = 5
) -> list[AreaRow]:
    """Median of an interval per area, observed and simulated, and their difference.

    Parameters
    ----------
    observed
        One value per incident.
    simulated
        One row per replication, one column per incident.
    areas
        The area of each incident (for instance the first-due station's area).
    min_count
        Areas with fewer compared incidents (:func:`compared_incidents`) are left
        out (their median says little).

    Returns
    -------
    list of AreaRow
        Sorted by difference, the area where the model is most too fast first.
    """
    obs, sim = _shapes(observed, simulated)
    area = np.asarray(areas, dtype=object)
    if area.shape != obs.shape:
        raise ConfigError(_("one area per incident is needed"), key="areas")
    keep = compared_incidents(obs, sim)
    rows = []
    for name in sorted(set(area.tolist())):
        mask = (area == name) & keep
        n = int(mask.sum())
        if n == 0 or n < min_count:
            continue
        s = sim[:, mask]
        o_med = float(np.median(obs[mask]))
        s_med = float(np.nanmedian(s))
        rows.append(AreaRow(str(name), n, o_med, s_med, s_med - o_med))
    rows.sort(key=lambda r: (r.difference, r.area))
    return rows
