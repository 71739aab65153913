"""Confidence intervals of experiment results: per design point and paired against a baseline.

Per design point and metric the report gives the mean over replications and
a Student-t confidence interval, ``mean ± t(1 - a/2, n - 1) s / sqrt(n)``.
Because replication ``r`` of every design point sees the same incidents
(common random numbers), a comparison with the baseline point is paired:
the interval is the t interval of the per-replication differences over the
replications both points have (``scipy.stats.ttest_rel`` gives the same
numbers), usually far narrower than the difference of two independent
intervals. Replications where a metric is undefined (``nan``, such as a mean
arrival time with no arrivals) are left out of that metric.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.design_labels import (
    FACTOR_LABELS,
    METRIC_LABELS,
    factor_text,
    level_text,
    metric_text,
    point_text,
)
from experiments.metric_units import table_unit
from networks.errors import ConfigError
from networks.i18n import _

__all__ = [
    "FACTOR_LABELS", "ID_KEYS", "METRIC_LABELS", "Interval", "PairedInterval", "choose_metrics",
    "factor_text", "group_values", "known_metric", "level_percent", "level_text", "mean_ci",
    "metric_matrix", "metric_text", "numeric_metrics", "paired_ci", "paired_intervals",
    "point_intervals", "point_text",
]  # fmt: skip

#: Summary keys that identify a row rather than measure it.
ID_KEYS = frozenset({"replication", "root_seed", "point", "seed"})


def level_percent(level: float) -> str:
    """A confidence level as a percentage, as computed: 0.95 -> ``95%``, 0.999 -> ``99.9%``.

    Parameters
    ----------
    level
        Confidence level in (0, 1).

    Returns
    -------
    str
    """
    # Ten significant digits: no float noise (0.57 -> 57%), and no rounding up to 100%.
    return f"{level * 100:.10g}%"


@dataclass(frozen=True)
class Interval:
    """Mean of ``n`` values with a two-sided confidence interval.

    ``low``/``high`` are ``nan`` for fewer than two values; equal to ``mean``
    when every value is the same.
    """

    mean: float
    low: float
    high: float
    n: int
    sd: float
    level: float

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class PairedInterval(Interval):
    """Mean paired difference with its t interval, t statistic and two-sided p-value."""

    t: float = math.nan
    p_value: float = math.nan


def _finite(values: Any) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[np.isfinite(x)]


def mean_ci(values: Any, *, level: float = 0.95) -> Interval:
    """Mean and Student-t confidence interval of independent replications.

    Parameters
    ----------
    values
        One value per replication; non-finite values are left out.
    level
        Confidence level, in (0, 1).

    Returns
    -------
    Interval
    """
    from scipy import stats

    if not 0.0 < level < 1.0:
        raise ConfigError(
            _("confidence level must be in (0, 1), got {level}").format(level=level), key="level"
        )
    x = _finite(values)
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, math.nan, level)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1, math.nan, level)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, sd, level)


def paired_ci(values: Any, baseline: Any, *, level: float = 0.95) -> PairedInterval:
    """Paired t interval of ``values - baseline`` over pairs where both are finite.

    Parameters
    ----------
    values, baseline
        Equal-length arrays, element ``r`` of each from replication ``r``.
    level
        Confidence level, in (0, 1).

    Returns
    -------
    PairedInterval
        With the t statistic and two-sided p-value of ``mean difference = 0``, those of
        ``scipy.stats.ttest_rel``: when every pair differs by the same amount ``d``, the
        interval is ``[d, d]`` and t is ``±inf`` with p ``0`` (``nan`` for ``d = 0``, and
        for fewer than two pairs).
    """
    from scipy import stats

    a, b = np.asarray(values, dtype=float).ravel(), np.asarray(baseline, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(
            _("paired arrays differ in length: {a} vs {b}").format(a=a.shape, b=b.shape)
        )
    ok = np.isfinite(a) & np.isfinite(b)
    iv = mean_ci(a[ok] - b[ok], level=level)
    t = p = math.nan
    if iv.n >= 2 and iv.sd > 0:
        t = iv.mean / (iv.sd / math.sqrt(iv.n))
        p = float(2 * stats.t.sf(abs(t), iv.n - 1))
    elif iv.n >= 2 and iv.mean != 0:  # every pair differs by the same amount, as ttest_rel
        t, p = math.copysign(math.inf, iv.mean), 0.0
    return PairedInterval(iv.mean, iv.low, iv.high, iv.n, iv.sd, level, t=t, p_value=p)


# --------------------------------------------------------------------------- tables
def numeric_metrics(rows: Sequence[Any]) -> list[str]:
    """Summary keys that are numbers in every row that has them, in first-seen order."""
    seen: dict[str, bool] = {}
    for row in rows:
        for k, v in row.summary.items():
            ok = not isinstance(v, bool) and isinstance(v, int | float)
            seen[k] = seen.get(k, True) and ok
    return [k for k, ok in seen.items() if ok and k not in ID_KEYS]


def known_metric(metric: str, available: Collection[str]) -> bool:
    """Whether ``metric`` can be reported from results whose numeric metrics are ``available``.

    Parameters
    ----------
    metric
        A metric name (a flat summary key).
    available
        The numeric metrics of the results (:func:`numeric_metrics`).

    Returns
    -------
    bool
        True for an available metric, and for a count the simulation's summary
        leaves out when it is 0 (:data:`sim.summary.LEFT_OUT_COUNTS`): no
        replication recording it means 0 in every one, not an unknown metric.
    """
    from sim.summary import LEFT_OUT_COUNTS

    return metric in available or metric in LEFT_OUT_COUNTS


def choose_metrics(
    rows: Sequence[Any], wanted: Sequence[str] | None, *, source: str | None = None
) -> list[str]:
    """The metrics to analyse: ``wanted`` (checked against the results) or all numeric ones.

    ``wanted`` of ``None`` means all numeric ones; an empty list is refused. A
    wanted count that no replication recorded (:func:`known_metric`) is kept: it is 0.
    """
    available = numeric_metrics(rows)
    if wanted is None:
        return available
    if not wanted:
        raise ConfigError(
            _("expected at least one metric name (leave metrics out for the default ones)"),
            source=source,
            key="metrics",
        )
    for i, m in enumerate(wanted):
        if not known_metric(m, available):
            raise ConfigError(
                _("no numeric metric {metric!r} in the results; available: {available}").format(
                    metric=m, available=", ".join(available)
                ),
                source=source,
                key=f"metrics[{i}]",
            )
    return list(wanted)


def _by_point(rows: Sequence[Any], metric: str) -> dict[int, dict[int, float]]:
    """Point -> replication -> value; a count left out for being 0 is 0, else ``nan``."""
    from sim.summary import replication_value

    out: dict[int, dict[int, float]] = {}
    for row in rows:
        out.setdefault(row.point, {})[row.replication] = replication_value(row.summary, metric)
    return out


def point_intervals(
    rows: Sequence[Any], points: Sequence[Any], metrics: Sequence[str], *, level: float = 0.95
) -> dict[str, list[Any]]:
    """Mean and t interval per design point and metric, as a column table.

    Parameters
    ----------
    rows
        Stored replications (:meth:`experiments.store.ResultStore.rows`).
    points
        The design points (with ``index``, ``id``, ``label`` and, if any factors,
        ``values``: their levels).
    metrics
        Metrics to summarise.
    level
        Confidence level.

    Returns
    -------
    dict
        Columns ``point, point_id, label``, one per factor (its level at the
        point), then ``metric, unit, n, mean, sd, level, ci_low, ci_high`` (``unit``:
        :func:`~experiments.metric_units.table_unit`; ``level``: the confidence level
        of the interval), rows ordered by point then metric order.
    """
    names = ("point", "point_id", "label", "metric", "unit", "n", "mean", "sd", "level")
    cols: dict[str, list[Any]] = {k: [] for k in (*names, "ci_low", "ci_high")}
    per_metric = {m: _by_point(rows, m) for m in metrics}
    for p in points:
        for m in metrics:
            values = list(per_metric[m].get(p.index, {}).values())
            iv = mean_ci(values, level=level)
            row = (p.index, p.id, p.label, m, table_unit(m), iv.n, iv.mean, iv.sd, level,
                   iv.low, iv.high)  # fmt: skip
            for k, v in zip(cols, row, strict=True):
                cols[k].append(v)
    return _with_factors(cols, points, len(metrics))


def paired_intervals(
    rows: Sequence[Any],
    points: Sequence[Any],
    metrics: Sequence[str],
    *,
    baseline: int,
    level: float = 0.95,
) -> dict[str, list[Any]]:
    """Paired difference (point - baseline) per design point and metric, as a column table.

    Only replications that both points finished are paired.

    Returns
    -------
    dict
        Columns ``point, point_id, label``, one per factor (its level at the
        point), then ``metric, unit, baseline, n, diff, level, ci_low, ci_high, t,
        p_value`` (``unit`` as in :func:`point_intervals`, the difference's too;
        ``level``: the confidence level of the interval), rows ordered by metric
        then point.
    """
    names = ("point", "point_id", "label", "metric", "unit", "baseline", "n", "diff", "level")
    cols: dict[str, list[Any]] = {k: [] for k in (*names, "ci_low", "ci_high", "t", "p_value")}
    base_id = next(p.id for p in points if p.index == baseline)
    for m in metrics:
        by_point = _by_point(rows, m)
        base = by_point.get(baseline, {})
        for p in points:
            mine = by_point.get(p.index, {})
            common = sorted(set(mine) & set(base))
            iv = paired_ci([mine[r] for r in common], [base[r] for r in common], level=level)
            values = (p.index, p.id, p.label, m, table_unit(m), base_id, iv.n, iv.mean, level,
                      iv.low, iv.high, iv.t, iv.p_value)  # fmt: skip
            for k, v in zip(cols, values, strict=True):
                cols[k].append(v)
    return _with_factors(cols, points, len(metrics), by_metric=True)


def _with_factors(
    cols: dict[str, list[Any]], points: Sequence[Any], n_metrics: int, *, by_metric: bool = False
) -> dict[str, list[Any]]:
    """``cols`` with one column per factor after ``label``: each row's level of it.

    So that the table is tidy (filter or group by a factor without parsing
    ``label``), as the summary table is. A factor named like a column of the
    table is ``factor.<key>``. Rows are point-major (``by_metric``: metric-major).
    """
    per_point = [dict(getattr(p, "values", ())) for p in points]  # {key: level} or pairs
    keys = list(dict.fromkeys(k for v in per_point for k in v))
    if not keys:
        return cols
    if by_metric:
        levels = [v for _m in range(n_metrics) for v in per_point]
    else:
        levels = [v for v in per_point for _m in range(n_metrics)]
    out: dict[str, list[Any]] = {}
    for name, column in cols.items():
        out[name] = column
        if name == "label":
            for k in keys:
                out[k if k not in cols else f"factor.{k}"] = [v.get(k) for v in levels]
    return out


def metric_matrix(
    rows: Sequence[Any], points: Sequence[Any], metric: str
) -> tuple[np.ndarray, list[int]]:
    """``(points x replications)`` values of one metric.

    ``nan`` where a replication did not run or the metric is undefined in it; a
    count its summary left out for being 0 is 0 (:func:`sim.summary.replication_value`).
    """
    from sim.summary import replication_value

    reps = sorted({row.replication for row in rows})
    col = {r: i for i, r in enumerate(reps)}
    pos = {p.index: i for i, p in enumerate(points)}
    out = np.full((len(points), len(reps)), np.nan)
    for row in rows:
        if row.point in pos:
            out[pos[row.point], col[row.replication]] = replication_value(row.summary, metric)
    return out, reps


def group_values(values: Mapping[str, Any], keys: Sequence[str]) -> tuple[Any, ...]:
    """The levels of ``keys`` in a point's values (for grouping series in plots)."""
    return tuple(values.get(k) for k in keys)
