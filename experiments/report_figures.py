"""Figures of the experiment report: metric by factor, paired differences, response-time CDFs.

* :func:`plot_metric_by_factor`: each metric against each factor, with CI bars,
  one line per combination of the other factors (against a Latin-hypercube
  factor, one marker per design point, a colour per combination of the grid
  factors);
* :func:`plot_paired_differences`: the paired differences against the baseline,
  with CI bars;
* :func:`response_cdfs` and :func:`plot_response_cdf`: response-time CDFs per
  design point. With records saved (``--records``) the curve is the exact
  empirical CDF of ``first_arrival - call_taken`` (the standard's arrival
  interval, as the summary measures it) pooled over replications; without,
  it is sketched through the replication means of the response-time quantiles
  the summary reports (``intervals_arrival_median``, ``intervals_arrival_p90``,
  or ``arrival_pNN``), joined by straight lines, which is all a summary knows.

Titles, axis labels and legends speak the language in use; every axis names its
unit (:mod:`experiments.metric_units`: shares in %, their differences in
percentage points, times in minutes). The page that shows them is
:mod:`experiments.report`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from experiments.analysis import factor_text, level_percent, level_text, mean_ci, point_text
from experiments.design import factor_levels, format_value
from experiments.design_labels import point_labels
from experiments.metric_labels import metric_name
from experiments.metric_units import (
    clip_to_unit,
    metric_axis_label,
    metric_unit,
    strip_unit,
    with_unit,
)
from experiments.store import ResultStore, StoredPoint
from networks.i18n import N_, _
from sim.summary import INTERVALS, replication_value

_QUANTILE = re.compile(r"^(?P<base>.+)_(?:p(?P<q>\d{1,2}(?:\.\d+)?)|(?P<median>median))$")
#: Where the response-time CDF comes from (:func:`response_cdfs`), for its title.
_CDF_SOURCES = {
    "records": N_("pooled records"),
    "quantiles": N_("mean summary quantiles"),
    "none": N_("no response times in the results"),
}
#: Axis label of the response-time CDF by measure, the interval the summary reports (in
#: minutes, see :func:`_cdf_axis`); any other measure: the generic label.
_CDF_AXES = {
    "call_taking": N_("call -> call taken"),
    "arrival": N_("call taken -> first arrival"),
    "control": N_("first arrival -> under control"),
    "response": N_("call -> first arrival"),
}
#: Where the interval ending at a ``first_*`` record column starts: the standard's
#: (``sim.summary.INTERVALS``: call taken -> first arrival), else when the call was taken.
_CDF_START = {end: start for _name, start, end in INTERVALS if end.startswith("first_")}


def _axes(ax: Any, size: tuple[float, float] = (6.0, 4.0)) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    if ax is None:
        fig, ax = plt.subplots(figsize=size)
        return fig, ax
    return ax.figure, ax


def _is_numeric(values: Sequence[Any]) -> bool:
    return all(not isinstance(v, bool) and isinstance(v, int | float) for v in values)


# --------------------------------------------------------------------------- plots
def plot_metric_by_factor(
    rows: Sequence[Any],
    points: Sequence[StoredPoint],
    factor: str,
    metric: str,
    *,
    level: float = 0.95,
    ax: Any = None,
    sampled: Collection[str] = (),
) -> Any:
    """Mean of ``metric`` against the levels of ``factor`` with CI bars.

    One series per combination of the other factors' levels. Numeric levels
    sit at their values, joined by lines; other levels (policies, profiles) at
    evenly spaced positions, markers without lines, the series side by side. A share is
    shown in percent; the axis names the unit. A bar ends where the metric
    can (a share within 0-100%, a count or minutes not below 0), as the
    report's table clips it.

    Against a Latin-hypercube factor (in ``sampled``) every design point has
    its own value: the points are markers without lines, one series per
    combination of the grid factors (those not in ``sampled``), and the ticks
    are the axis's own.

    Parameters
    ----------
    rows
        Stored replications.
    points
        The design points.
    factor, metric
        What to put on the x and y axes.
    level
        Confidence level of the bars.
    ax
        Axes to draw on; a new figure if ``None``.
    sampled
        Keys of the design's Latin-hypercube factors.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax)
    spread = factor in sampled  # no two points need share a level: no lines, no level ticks
    others = [k for k in points[0].values if k != factor] if points else []
    if spread:
        others = [k for k in others if k not in sampled]
    levels = list(dict.fromkeys(json.dumps(p.values[factor], sort_keys=True) for p in points))
    raw = [json.loads(t) for t in levels]
    numeric = _is_numeric(raw)
    pos = {
        t: (float(v) if numeric else float(i))
        for i, (t, v) in enumerate(zip(levels, raw, strict=True))
    }
    values = {p.index: [] for p in points}
    for row in rows:
        if row.point in values:
            values[row.point].append(replication_value(row.summary, metric))
    groups: dict[tuple[str, ...], list[StoredPoint]] = {}
    for p in points:
        groups.setdefault(tuple(format_value(p.values[k]) for k in others), []).append(p)
    # What a person reads: factor names and levels in the language in use.
    among = factor_levels(points)  # two plans of one file name read apart
    shown = {
        key: point_text([(k, members[0].values[k]) for k in others], levels=among)
        if others
        else None
        for key, members in groups.items()
    }
    span = (max(pos.values()) - min(pos.values())) if len(pos) > 1 else 1.0
    dodge = 0.02 * span if len(groups) > 1 else 0.0
    if not numeric and len(groups) > 1:  # side by side within a category, a third of a step
        dodge = min(0.1, 0.35 / len(groups))
    many = len(groups) > 8
    if many:
        _distinct_colours(ax, len(groups))
    unit = metric_unit(metric)
    for g, (key, members) in enumerate(groups.items()):
        xs, ys, lo, hi = [], [], [], []
        for p in members:
            iv = mean_ci(values[p.index], level=level)
            xs.append(
                pos[json.dumps(p.values[factor], sort_keys=True)] + dodge * (g - len(groups) / 2)
            )
            ys.append(unit.scale * iv.mean)
            low, high = (clip_to_unit(b, unit.unit) for b in (iv.low, iv.high))
            lo.append(unit.scale * (iv.mean - low) if iv.n > 1 else 0.0)
            hi.append(unit.scale * (high - iv.mean) if iv.n > 1 else 0.0)
        order = np.argsort(xs)
        label = shown[key]
        ax.errorbar(
            np.asarray(xs)[order],
            np.asarray(ys)[order],
            yerr=[np.asarray(lo)[order], np.asarray(hi)[order]],
            marker="o",
            capsize=3,
            # A line says the metric runs between the levels: not between categories
            # (policies, profiles), nor between sampled points.
            linestyle="-" if len(xs) <= 12 and numeric and not spread else "none",
            label=label,
        )
    if not numeric:
        ticks = [level_text(factor, v, among=raw) for v in raw]
        # Long levels (a table's path, a policy with parameters) slant, or they run together.
        slant = {"rotation": 20, "ha": "right"} if max(map(len, ticks)) > 12 else {}
        ax.set_xticks([pos[t] for t in levels], ticks, **slant)
    elif spread:  # sampled values: the axis's own ticks, whole numbers for an integer factor
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=all(isinstance(v, int) for v in raw)))
    elif len(levels) <= 12:  # ticks at the levels run, not at values no point has
        ax.set_xticks([pos[t] for t in levels], [format_value(v) for v in raw])
    ax.set_xlabel(factor_text(factor))  # a factor's name says what its levels count
    ax.set_ylabel(metric_axis_label(metric_name(metric), metric))
    ax.set_title(
        _("{metric} by {factor} (mean, {level} CI)").format(
            metric=metric_name(metric), factor=factor_text(factor), level=level_percent(level)
        )
    )
    if many:
        _legend_beside(ax, len(groups))
    elif len(groups) > 1:
        ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


#: Lines a legend inside the axes holds before it hides them; more go beside the axes.
_LEGEND_INSIDE = 12


def _distinct_colours(ax: Any, n: int) -> None:
    """``n`` colours none of which repeats (matplotlib's default cycle repeats after 10)."""
    from matplotlib import colormaps

    if n <= 20:
        colours = [colormaps["tab20"](i) for i in range(n)]
    else:
        colours = list(colormaps["viridis"](np.linspace(0.0, 0.95, n)))
    ax.set_prop_cycle(color=colours)


def _legend_beside(ax: Any, n: int) -> None:
    """A legend of ``n`` entries to the right of the axes (the figure is saved tight)."""
    ax.legend(fontsize="xx-small", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              ncol=1 if n <= 24 else 2 if n <= 48 else 3, frameon=False)  # fmt: skip


def plot_paired_differences(
    paired: Mapping[str, Sequence[Any]],
    metric: str,
    *,
    ax: Any = None,
    labels: Mapping[int, str] | None = None,
    baseline: str | None = None,
) -> Any:
    """Paired differences of ``metric`` against the baseline, one CI bar per design point.

    Differences of a share are in percentage points; the axis names the unit. A bar
    ends where a difference can (of shares within ±100 percentage points), as the
    report's table clips it.

    Parameters
    ----------
    paired
        Table from :func:`experiments.analysis.paired_intervals`.
    metric
        Which metric.
    ax
        Axes to draw on; a new figure if ``None``.
    labels
        Design point (``point`` column) -> the text on its tick; the table's
        ``label`` where not given.
    baseline
        What the baseline is, for the title (its id, the table's ``baseline``,
        where not given).

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = [i for i, m in enumerate(paired["metric"]) if m == metric]
    fig, ax = _axes(ax, (6.0, 0.5 + 0.35 * max(len(rows), 2)))
    y = np.arange(len(rows))
    unit = metric_unit(metric)

    def bound(column: str) -> np.ndarray:
        ends = [clip_to_unit(float(paired[column][i]), unit.unit, difference=True) for i in rows]
        return unit.scale * np.array(ends, dtype=float)

    d = unit.scale * np.array([paired["diff"][i] for i in rows], dtype=float)
    lo, hi = bound("ci_low"), bound("ci_high")
    err = np.nan_to_num(np.vstack([d - lo, hi - d]))
    ax.errorbar(d, y, xerr=err, fmt="o", capsize=3)
    ax.axvline(0.0, color="grey", linewidth=1)
    points = paired.get("point") if labels else None
    ticks = [
        labels.get(points[i], paired["label"][i]) if labels and points else paired["label"][i]
        for i in rows
    ]
    ax.set_yticks(y, ticks, fontsize="small")
    ax.invert_yaxis()
    if baseline is None:
        baseline = str(paired["baseline"][rows[0]]) if rows else ""
    ax.set_xlabel(paired_axis_label(metric))
    title = _("Paired differences in {metric}").format(metric=metric_name(metric))
    ax.set_title(f"{title}\n" + _("baseline: {label}").format(label=baseline), fontsize="medium")
    ax.grid(alpha=0.3, axis="x")
    return fig


def paired_axis_label(metric: str) -> str:
    """The axis label of the paired differences of ``metric`` against the baseline.

    The unit comes last and once: a Chinese metric name that ends in its unit
    (``平均到场用时（分钟）``) loses it inside the sentence.

    Parameters
    ----------
    metric
        The summary key.

    Returns
    -------
    str
    """
    name = strip_unit(metric_name(metric), metric_unit(metric).unit)
    text = _("{metric}: point - baseline").format(metric=name)
    return metric_axis_label(text, metric, difference=True)


def _cdf_axis(measure: str) -> str:
    """The time axis label of the response-time CDF of ``measure``, in minutes."""
    axis = _CDF_AXES.get(measure)
    if axis:
        return with_unit(_(axis), "min")
    return _("{measure}: minutes after the call was taken").format(measure=measure)


def response_cdfs(
    store: ResultStore, rows: Sequence[Any], *, measure: str = "arrival"
) -> tuple[str, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Response-time CDF per design point: ``(how, {point: (minutes, probability)})``.

    ``how`` is ``"records"`` (exact pooled empirical CDF of ``first_<measure>``
    minus when the call was taken, the interval the summary's ``intervals_arrival_*``
    measure), ``"quantiles"`` (means of the summary's ``<measure>_pNN`` values) or
    ``"none"``.
    """
    points = {p.index: p for p in store.points}
    pooled: dict[int, list[np.ndarray]] = {}
    end = f"first_{measure}"
    start = _CDF_START.get(end, "call_taken")
    for row in rows:
        rec = store.load_records(points[row.point].id, row.replication).get("incidents")
        if rec is None or start not in rec or end not in rec:
            pooled = {}
            break
        delay = rec[end] - rec[start]
        pooled.setdefault(row.point, []).append(delay[np.isfinite(delay)])
    if pooled and rows:
        out = {}
        for point, parts in pooled.items():
            x = np.sort(np.concatenate(parts))
            out[point] = (x, np.arange(1, len(x) + 1) / max(len(x), 1))
        return "records", out
    found: dict[str, dict[float, str]] = {}
    for row in rows[:1]:
        for k in row.summary:
            m = _QUANTILE.match(k)
            if m:
                q = 0.5 if m["median"] else float(m["q"]) / 100.0
                found.setdefault(m["base"], {})[q] = k
    # The simulator's summary says "intervals_arrival_p90"; accept "arrival_p90" too.
    qs = found.get(f"intervals_{measure}") or found.get(measure)
    if not qs:
        return "none", {}
    out = {}
    for point in points:
        mine = [row for row in rows if row.point == point]
        if not mine:
            continue
        probs = sorted(qs)
        x = np.array(
            [mean_ci([replication_value(r.summary, qs[q]) for r in mine]).mean for q in probs]
        )
        out[point] = (x, np.array(probs))
    return "quantiles", out


def plot_response_cdf(
    store: ResultStore,
    rows: Sequence[Any],
    *,
    measure: str = "arrival",
    target: float | None = None,
    ax: Any = None,
    quantile: float = 0.99,
    log_tail: float = 10.0,
) -> Any:
    """Response-time CDFs per design point (see :func:`response_cdfs` for the source).

    Queued calls give long tails. When the pooled ``quantile`` of the times
    exceeds ``log_tail`` times the larger of their median and the target, the
    time axis is logarithmic; otherwise it ends at that quantile and says how
    many times lie beyond. The share axis is in percent.

    Parameters
    ----------
    store
        The output folder.
    rows
        Stored replications to use.
    measure
        ``arrival`` (first team on scene) or another ``first_*`` column.
    target
        Target in minutes, drawn as a vertical line.
    ax
        Axes to draw on; a new figure if ``None``.
    quantile
        Where a linear time axis ends.
    log_tail
        How long a tail (as a multiple of the median or target) asks for a log axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.ticker import PercentFormatter

    fig, ax = _axes(ax, (6.5, 4.2))
    how, curves = response_cdfs(store, rows, measure=measure)
    texts = point_labels(store.points)
    labels = {p.index: texts[p.index] for p in store.points}  # read apart (design_labels)
    if len(curves) > _LEGEND_INSIDE:
        _distinct_colours(ax, len(curves))
    for point, (x, prob) in curves.items():
        if how == "records":
            ax.step(x, prob, where="post", label=labels[point])
        else:  # a few quantiles, not a distribution: markers, no line drawn between them
            ax.plot(x, prob, marker="o", linestyle="none", label=labels[point])
    if target is not None:
        ax.axvline(
            target,
            color="grey",
            linestyle="--",
            linewidth=1,
            label=_("target {minutes} min").format(minutes=f"{target:g}"),
        )
    label = _cdf_axis(measure)
    ax.set_xlabel(_time_axis(ax, curves, how=how, target=target, quantile=quantile,
                             log_tail=log_tail, label=label))  # fmt: skip
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(_("share of incidents (%)"))
    ax.set_ylim(0, 1.02)
    title = (
        _("Response-time CDF per design point ({source})")
        if how != "quantiles"  # the summary's median and 90th percentile, averaged
        else _("Response-time quantiles per design point ({source}; run with --records "
               "for the whole distribution)")
    )  # fmt: skip
    ax.set_title(title.format(source=_(_CDF_SOURCES[how])))
    if len(curves) > _LEGEND_INSIDE:  # every curve named, beside the axes
        _legend_beside(ax, len(curves) + (target is not None))
    elif curves:
        ax.legend(fontsize="x-small")
    ax.grid(alpha=0.3)
    return fig


def _time_axis(
    ax: Any,
    curves: Mapping[int, tuple[np.ndarray, np.ndarray]],
    *,
    how: str,
    target: float | None,
    quantile: float,
    log_tail: float,
    label: str,
) -> str:
    """Fit the time axis of the CDFs to a long tail; the axis label, with any note."""
    if how != "records" or not curves:
        return label
    x = np.concatenate([c[0] for c in curves.values()])
    if x.size == 0:
        return label
    top = float(np.quantile(x, quantile))
    if x[x > 0].size and top > log_tail * max(float(np.median(x)), target or 0.0):
        ax.set_xscale("log")
        return _("{label}, log scale").format(label=label)
    q, top = top, max(top, 1.2 * (target or 0.0), 1e-9)  # the target stays in view
    ax.set_xlim(0.0, top)
    hidden = int(np.sum(x > top))
    if not hidden:
        return label
    if top == q:
        note = _("axis ends at the {pct}th percentile, {top} min; {n} longer not shown")
    else:
        note = _("axis ends at {top} min; {n} longer not shown")
    return label + "\n" + note.format(pct=f"{100 * quantile:g}", top=f"{top:.3g}", n=hidden)
