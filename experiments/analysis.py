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

from networks.errors import ConfigError
from networks.i18n import N_, _, get_language

#: Summary keys that identify a row rather than measure it.
ID_KEYS = frozenset({"replication", "root_seed", "point", "seed"})
#: Metrics as a person reads them. In English a metric is shown by its summary key (the
#: name ``--metrics`` and the CSV columns use); in Chinese by its name (到场达标率).
METRIC_LABELS = {
    "compliance_call_taking": N_("compliance_call_taking"),
    "compliance_arrival": N_("compliance_arrival"),
    "compliance_control": N_("compliance_control"),
    "compliance_all_three": N_("compliance_all_three"),
    "intervals_arrival_mean": N_("intervals_arrival_mean"),
    "intervals_arrival_p90": N_("intervals_arrival_p90"),
    "served": N_("served"),
    "mutual_aid_share": N_("mutual_aid_share"),
    "supply_within_standard": N_("supply_within_standard"),
    "supply_delivery_mean": N_("supply_delivery_mean"),
    "supply_delivery_p90": N_("supply_delivery_p90"),
    "supply_short_units": N_("supply_short_units"),
    "people_rescued_alive": N_("people_rescued_alive"),
    "people_delay_deaths": N_("people_delay_deaths"),
    "people_alive_share": N_("people_alive_share"),
    "people_rescue_min": N_("people_rescue_min"),
    "people_not_reached": N_("people_not_reached"),
    "people_shelter_overflow": N_("people_shelter_overflow"),
    "people_evacuation_min_mean": N_("people_evacuation_min_mean"),
    "warning_compliance_arrival": N_("warning_compliance_arrival"),
    "warning_arrival_mean": N_("warning_arrival_mean"),
    "warning_arrival_p90": N_("warning_arrival_p90"),
    "warning_call_taking_mean": N_("warning_call_taking_mean"),
    "warning_supply_delivery_mean": N_("warning_supply_delivery_mean"),
    "warning_supply_short_units": N_("warning_supply_short_units"),
    "warning_supply_short_incidents": N_("warning_supply_short_incidents"),
    "warning_teams_staged": N_("warning_teams_staged"),
    "warning_stock_units": N_("warning_stock_units"),
    "moveup_coverage_share": N_("moveup_coverage_share"),
    "moveup_moves_per_day": N_("moveup_moves_per_day"),
    "moveup_moves": N_("moveup_moves"),
    "moveup_move_min_mean": N_("moveup_move_min_mean"),
    "rush_hour_arrival_share": N_("rush_hour_arrival_share"),
    "rush_hour_arrival_mean": N_("rush_hour_arrival_mean"),
    "rush_hour_arrival_p90": N_("rush_hour_arrival_p90"),
    "rush_hour_incidents": N_("rush_hour_incidents"),
    "off_peak_arrival_share": N_("off_peak_arrival_share"),
    "off_peak_arrival_mean": N_("off_peak_arrival_mean"),
    "off_peak_arrival_p90": N_("off_peak_arrival_p90"),
    "off_peak_incidents": N_("off_peak_incidents"),
    # Duty desks and the reporting chain (II 级事件续报及时率 in Chinese).
    "reporting_late": N_("reporting_late"),
    "reporting_missed": N_("reporting_missed"),
    "reporting_video_share": N_("reporting_video_share"),
    "duty_call_wait_mean": N_("duty_call_wait_mean"),
    "duty_utilisation_township": N_("duty_utilisation_township"),
    "duty_utilisation_county": N_("duty_utilisation_county"),
    "duty_utilisation_city": N_("duty_utilisation_city"),
    "reporting_on_time_phone_first_share": N_("reporting_on_time_phone_first_share"),
    "reporting_on_time_written_first_share": N_("reporting_on_time_written_first_share"),
    "reporting_on_time_follow_up_share": N_("reporting_on_time_follow_up_share"),
    "reporting_on_time_final_share": N_("reporting_on_time_final_share"),
    "reporting_on_time_by_grade_phone_first_1_share": N_(
        "reporting_on_time_by_grade_phone_first_1_share"
    ),
    "reporting_on_time_by_grade_phone_first_2_share": N_(
        "reporting_on_time_by_grade_phone_first_2_share"
    ),
    "reporting_on_time_by_grade_phone_first_3_share": N_(
        "reporting_on_time_by_grade_phone_first_3_share"
    ),
    "reporting_on_time_by_grade_phone_first_4_share": N_(
        "reporting_on_time_by_grade_phone_first_4_share"
    ),
    "reporting_on_time_by_grade_written_first_1_share": N_(
        "reporting_on_time_by_grade_written_first_1_share"
    ),
    "reporting_on_time_by_grade_written_first_2_share": N_(
        "reporting_on_time_by_grade_written_first_2_share"
    ),
    "reporting_on_time_by_grade_written_first_3_share": N_(
        "reporting_on_time_by_grade_written_first_3_share"
    ),
    "reporting_on_time_by_grade_written_first_4_share": N_(
        "reporting_on_time_by_grade_written_first_4_share"
    ),
    "reporting_on_time_by_grade_follow_up_1_share": N_(
        "reporting_on_time_by_grade_follow_up_1_share"
    ),
    "reporting_on_time_by_grade_follow_up_2_share": N_(
        "reporting_on_time_by_grade_follow_up_2_share"
    ),
    "reporting_on_time_by_grade_follow_up_3_share": N_(
        "reporting_on_time_by_grade_follow_up_3_share"
    ),
    "reporting_on_time_by_grade_follow_up_4_share": N_(
        "reporting_on_time_by_grade_follow_up_4_share"
    ),
    "reporting_on_time_by_grade_final_1_share": N_("reporting_on_time_by_grade_final_1_share"),
    "reporting_on_time_by_grade_final_2_share": N_("reporting_on_time_by_grade_final_2_share"),
    "reporting_on_time_by_grade_final_3_share": N_("reporting_on_time_by_grade_final_3_share"),
    "reporting_on_time_by_grade_final_4_share": N_("reporting_on_time_by_grade_final_4_share"),
}


def metric_text(metric: str) -> str:
    """A metric as a person reads it, in the language in use (its key when it has no name)."""
    text = METRIC_LABELS.get(metric)
    return _(text) if text else metric


#: Factor keys as a person reads them: the key itself in English, its name in Chinese
#: (乡镇应急救援站数量). Any other key is shown as written.
FACTOR_LABELS = {
    "facilities.township_stations": N_("facilities.township_stations"),
    "network.townships": N_("network.townships"),
    "run.travel_noise": N_("run.travel_noise"),
    "policy.name": N_("policy.name"),
    "policy.reserve": N_("policy.reserve"),
    "warnings.lead_h": N_("warnings.lead_h"),
    "moveup.policy": N_("moveup.policy"),
    "congestion.profile": N_("congestion.profile"),
    # A whole [policy] table (a custom policy with its parameters), examples/custom_policy_*.
    "policy": N_("policy"),
    # Officers on duty per desk of each level (examples/reporting.toml varies the township's).
    "duty.township.officers": N_("duty.township.officers"),
    "duty.county.officers": N_("duty.county.officers"),
    "duty.city.officers": N_("duty.city.officers"),
}


def factor_text(key: str) -> str:
    """A factor key as a person reads it, in the language in use (the key when unknown).

    In Chinese a key without a label of its own takes the run config's terms for
    the key and its table (``到达现场（响应时限标准）`` for ``targets.arrival``), as
    ``docs/config.md`` lists them.
    """
    text = FACTOR_LABELS.get(key)
    if text:
        return _(text)
    if get_language() == "zh":
        return _config_term(key) or key
    return key


def _config_term(key: str) -> str | None:
    """The run config's Chinese term for a dotted key, with its table's; ``None``: none."""
    from experiments.config_reference import section

    table, _dot, name = key.rpartition(".")
    try:
        sec = section(f"run:{table}")
        term = sec[name].zh
    except KeyError:
        return None
    if not term:
        return None
    return term if not sec.zh or sec.zh in term else f"{term}（{sec.zh}）"


def level_text(key: str, value: Any) -> str:
    """A factor level as a person reads it: a shipped policy by its name, else as written.

    A whole table (``key = "policy"``, levels ``{name = ..., reserve = 1}``) reads in
    Chinese as its name and parameters in words (``就近调派（预留队伍数：1）``); in
    English as written, as the design point's stored label.
    """
    from experiments.design import format_value

    if isinstance(value, Mapping) and value and get_language() == "zh":
        return _table_text(key, value)
    if key == "policy.name" and isinstance(value, str):
        from experiments.outputs import policy_label

        return policy_label(value)
    if key == "moveup.policy" and isinstance(value, str):
        from sim.moveup_spec import POLICY_LABELS

        return _(POLICY_LABELS[value]) if value in POLICY_LABELS else value
    if key == "scenario.name" and isinstance(value, str):
        from experiments.outputs import scenario_label

        return scenario_label(value)
    if key == "congestion.profile" and isinstance(value, str):
        from sim.congestion import PROFILE_LABELS

        return _(PROFILE_LABELS[value]) if value in PROFILE_LABELS else value
    return format_value(value)


def _table_text(key: str, table: Mapping[str, Any]) -> str:
    """A table level in words: its ``name`` (a policy's label), then its other keys."""

    def sub(k: str) -> str:  # a key the labels name (预留队伍数), else as written (area)
        return factor_text(f"{key}.{k}") if f"{key}.{k}" in FACTOR_LABELS else k

    pairs = _(", ").join(
        _("{key}={value}").format(key=sub(k), value=level_text(f"{key}.{k}", v))
        for k, v in sorted(table.items())
        if k != "name"
    )
    if "name" not in table:
        return pairs
    name = level_text(f"{key}.name", table["name"])
    return _("{name} ({parameters})").format(name=name, parameters=pairs) if pairs else name


def point_text(values: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> str:
    """A design point's levels as a person reads them (in English: its label as stored)."""
    pairs = values.items() if isinstance(values, Mapping) else values
    shown = [
        _("{key}={value}").format(key=factor_text(k), value=level_text(k, v)) for k, v in pairs
    ]
    return _(", ").join(shown) or _("base")


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
        The design points (with ``index``, ``id``, ``label``).
    metrics
        Metrics to summarise.
    level
        Confidence level.

    Returns
    -------
    dict
        Columns ``point, point_id, label, metric, n, mean, sd, level, ci_low, ci_high``
        (``level``: the confidence level of the interval), rows ordered by point then
        metric order.
    """
    names = ("point", "point_id", "label", "metric", "n", "mean", "sd", "level", "ci_low")
    cols: dict[str, list[Any]] = {k: [] for k in (*names, "ci_high")}
    per_metric = {m: _by_point(rows, m) for m in metrics}
    for p in points:
        for m in metrics:
            values = list(per_metric[m].get(p.index, {}).values())
            iv = mean_ci(values, level=level)
            for k, v in zip(
                cols,
                (p.index, p.id, p.label, m, iv.n, iv.mean, iv.sd, level, iv.low, iv.high),
                strict=True,
            ):
                cols[k].append(v)
    return cols


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
        Columns ``point, point_id, label, metric, baseline, n, diff, level, ci_low,
        ci_high, t, p_value`` (``level``: the confidence level of the interval).
    """
    names = ("point", "point_id", "label", "metric", "baseline", "n", "diff", "level", "ci_low")
    cols: dict[str, list[Any]] = {k: [] for k in (*names, "ci_high", "t", "p_value")}
    base_id = next(p.id for p in points if p.index == baseline)
    for m in metrics:
        by_point = _by_point(rows, m)
        base = by_point.get(baseline, {})
        for p in points:
            mine = by_point.get(p.index, {})
            common = sorted(set(mine) & set(base))
            iv = paired_ci([mine[r] for r in common], [base[r] for r in common], level=level)
            values = (p.index, p.id, p.label, m, base_id, iv.n, iv.mean, level, iv.low,
                      iv.high, iv.t, iv.p_value)  # fmt: skip
            for k, v in zip(cols, values, strict=True):
                cols[k].append(v)
    return cols


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
