"""A replay's printed table and its output folder.

Files (``yingji replay ... --out DIR``):

``replay.json``
    What was run and every comparison (and the calibration, if asked).
``quantiles.csv``, ``tests.csv``, ``areas.csv``
    The comparison tables (columns: :class:`~experiments.replay.compare.QuantileRow`,
    :class:`~experiments.replay.compare.TwoSampleRow`,
    :class:`~experiments.replay.compare.AreaRow`).
``intervals.csv``
    Per incident: the observed intervals and the simulated ones (mean over
    replications), with node and first-due area.
``qq.png``, ``histograms.png``, ``area_map.png``
    The figures of :mod:`experiments.replay.plots`.
``calibrated/``
    With ``--calibrate``: the same tables and figures at the fitted factors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from experiments.replay.compare import INTERVALS, interval_label
from networks.i18n import _, pad
from networks.names import facility_label

#: Significance level of the printed Kolmogorov-Smirnov verdict (a screen, docs/replay.md).
KS_LEVEL = 0.01


def _fmt(x: float, digits: int = 1) -> str:
    if not np.isfinite(x):
        return "-"
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.0"


def _ci(low: float, high: float) -> str:
    return f"[{_fmt(low)}, {_fmt(high)}]"


def _cell(value: float, low: float, high: float, width: int) -> str:
    """A value and its interval right-aligned in ``width + 16`` columns, a space before each.

    The space is kept when a wide number fills its column (``1550.7 [1322.9, 1720.8]``).
    """
    return f"{' ' + _fmt(value):>{width}}{' ' + _ci(low, high):>16}"


def ks_verdict(p_value: float) -> str:
    """The Kolmogorov-Smirnov verdict, naming the level it is read at (:data:`KS_LEVEL`).

    Parameters
    ----------
    p_value
        The test's p-value (NaN when a side has no values).

    Returns
    -------
    str
        ``distributions differ at the 0.01 level`` or ``no clear difference at the 0.01 level``;
        ``no data`` for a NaN p-value: nothing was compared, so there is no verdict.
    """
    if not np.isfinite(p_value):
        return _("no data")
    level = f"{KS_LEVEL:g}"
    if p_value < KS_LEVEL:
        return _("distributions differ at the {level} level").format(level=level)
    return _("no clear difference at the {level} level").format(level=level)


def format_area_extremes(
    areas: Sequence[Any], names_zh: Mapping[str, str] | None = None
) -> str | None:
    """The areas where the model is most too fast and most too slow on arrival.

    A side is named only when some area's median difference (simulated - observed)
    has that sign at the printed precision, so a negative difference is never
    called too slow.

    Parameters
    ----------
    areas
        :class:`~experiments.replay.compare.AreaRow` rows.
    names_zh
        Chinese station names (areas are named after their first-due station).

    Returns
    -------
    str or None
        One line, or ``None`` when no area was compared.
    """
    if not areas:
        return None
    # The printed precision: -0.04 min reads as -0.0 and is neither fast nor slow.
    fast = min(areas, key=lambda r: (r.difference, r.area))
    slow = max(areas, key=lambda r: (r.difference, r.area))
    too_fast = round(fast.difference, 1) < 0
    too_slow = round(slow.difference, 1) > 0
    named = {
        "fast": facility_label(fast.area, names_zh),
        "df": fast.difference,
        "slow": facility_label(slow.area, names_zh),
        "ds": slow.difference,
    }
    if too_fast and too_slow:
        text = _(
            "arrival by area: most too fast {fast} ({df:+.1f} min), "
            "most too slow {slow} ({ds:+.1f} min)"
        )
    elif too_fast:
        text = _("arrival by area: most too fast {fast} ({df:+.1f} min), none too slow")
    elif too_slow:
        text = _("arrival by area: none too fast, most too slow {slow} ({ds:+.1f} min)")
    else:
        text = _("arrival by area: no area too fast or too slow")
    return text.format(**named)


def format_replay(
    result: Any,
    *,
    title: str = "",
    calibration: Any = None,
    names_zh: Mapping[str, str] | None = None,
) -> str:
    """The comparison as a table for people (minutes; simulated - observed).

    Parameters
    ----------
    result
        A :class:`~experiments.replay.simulate.ReplayResult`.
    title
        First line (the log's name).
    calibration
        A :class:`~experiments.replay.calibrate.Calibration` to report, if any.
    names_zh
        Chinese station names (areas are named after their first-due station).

    Returns
    -------
    str
    """
    lines = []
    if title:
        lines.append(title)
    lines.append(
        _("{n} incidents from the log, {r} replications each, seed {seed}").format(
            n=int(result.area.size), r=result.replications, seed=result.seed
        )
    )
    # The roads are an assumption of the comparison: a flood day replayed on open roads
    # reads as a model far too fast.
    roads = getattr(result, "roads", None)
    lines.append(
        _("roads open throughout (no --disruptions given: closures the log met are not replayed)")
        if roads is None
        else _("{n} road closures and slowdowns replayed with the log").format(n=roads)
    )
    lines.append("")
    head = (
        pad(_("interval"), 36)
        + pad(_("quantile"), 8, ">")
        + pad(_("observed"), 26, ">")
        + pad(_("simulated"), 26, ">")
        + pad(_("difference"), 27, ">")
    )
    lines.append(head)
    for row in result.quantiles:
        lines.append(
            pad(interval_label(row.interval), 36)
            + pad("P" + str(round(row.q * 100)), 8, ">")
            + _cell(row.observed, row.observed_low, row.observed_high, 10)
            + _cell(row.simulated, row.simulated_low, row.simulated_high, 10)
            + _cell(row.difference, row.difference_low, row.difference_high, 11)
        )
    lines.append(_("minutes; difference = simulated - observed, 95 % paired bootstrap intervals"))
    lines.append("")
    for t in result.tests:
        lines.append(
            _("{interval}: Kolmogorov-Smirnov D = {d}, p {p} ({verdict})").format(
                interval=interval_label(t.interval),
                d=_fmt(t.ks_statistic, 3),
                # Four decimals; a smaller p is "< 0.0001", never "= 0.0000".
                p="< 0.0001" if t.ks_p_value < 5e-5 else f"= {_fmt(t.ks_p_value, 4)}",
                verdict=ks_verdict(t.ks_p_value),
            )
        )
    area_line = format_area_extremes(result.areas, names_zh)
    if area_line:
        lines.append(area_line)
    if calibration is not None:
        lines.append("")
        lines.append(calibration.result_line())  # × throughout, the language's separators
        if getattr(calibration, "at_bound", ()):
            lines.append(
                _(
                    "warning: {factors} ended at a limit of the search: the log is too small, "
                    "or too far from the model, for the fit to mean much"
                ).format(factors=_(", ").join(calibration.at_bound))
            )
    return "\n".join(lines)


def _rows_table(rows: Sequence[Any]) -> dict[str, list[Any]]:
    dicts = [r.to_dict() for r in rows]
    if not dicts:
        return {}
    return {k: [d[k] for d in dicts] for k in dicts[0]}


def write_replay(result: Any, region: Any, folder: Path, *, plots: bool = True) -> list[Path]:
    """Write a replay's tables, summary and figures into ``folder``.

    Parameters
    ----------
    result
        The replay.
    region
        The region replayed (for the map).
    folder
        An existing (staging) folder.
    plots
        Whether to draw the figures.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from experiments.figures import save_figure
    from experiments.replay.plots import plot_area_map, plot_histograms, plot_qq
    from experiments.tables import write_table
    from networks.files import atomic_write_text

    written = [
        atomic_write_text(
            folder / "replay.json",
            json.dumps(result.summary(), ensure_ascii=False, indent=2, allow_nan=True) + "\n",
        )
    ]
    for name, rows in (
        ("quantiles", result.quantiles),
        ("tests", result.tests),
        ("areas", result.areas),
    ):
        table = _rows_table(rows)
        if table:
            written.append(write_table(table, folder / name, fmt="csv"))
    per_incident: dict[str, Any] = {
        "incident": np.arange(result.area.size),
        "node": result.nodes,
        "area": [str(a) for a in result.area],
        "free_flow_min": result.trip_minutes,
    }
    for k in INTERVALS:
        per_incident[f"{k}_observed"] = result.observed[k]
        sim = result.simulated[k]
        with np.errstate(invalid="ignore"):
            known = np.isfinite(sim).any(axis=0)
            mean = np.full(sim.shape[1], np.nan)
            mean[known] = np.nanmean(sim[:, known], axis=0)
        per_incident[f"{k}_simulated_mean"] = mean
    written.append(write_table(per_incident, folder / "intervals", fmt="csv"))
    if plots:
        written.append(save_figure(plot_qq(result.observed, result.simulated), folder / "qq.png"))
        written.append(
            save_figure(
                plot_histograms(result.observed, result.simulated), folder / "histograms.png"
            )
        )
        written.append(save_figure(plot_area_map(result, region), folder / "area_map.png"))
    return written
