"""What ``yingji run`` and ``yingji demo`` write: records, ``summary.json``, plots, a table.

Layout of the output folder::

    summary.json                  config, per-replication summaries, means with 95 % CIs
    records/rep-000/incidents.csv one row per incident (also .parquet with pyarrow)
    records/rep-000/dispatches.csv
    records/rep-000/supplies.csv
    records/rep-000/reports.csv   with the reporting chain: one row per report
    records/rep-000/duty.csv      with duty desks: officer-minutes per desk and hour
    records/rep-000/scene.csv     with duty desks: per incident, call wait and live video
    records/rep-000/people.csv    with [people]: per incident, trapped, rescued, evacuated
    records/rep-000/shelters.csv  with [people]: per shelter, who it took
    records/rep-000/warnings.csv  with [warnings]: per warning, what its plan did (warned.csv)
    records/rep-000/moves.csv     with [moveup]: per move (coverage.csv: coverage over time)
    records-parquet/rep-000/...   the same tables as Parquet, where pyarrow is installed
    response_times.png            the standard's intervals against their targets
    incident_map.png              incidents coloured by minutes to first arrival
    utilisation.png               team utilisation by station
    report_timeliness.png         with the reporting chain: first reports against their limits

The commands write this into a staging folder that
:func:`experiments.outdir.staged_folder` swaps in whole, so a folder never
holds parts of two runs, and a failed run leaves the earlier folder as it was.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from experiments.analysis import mean_ci
from experiments.config import Region, RunConfig
from experiments.metric_units import metric_unit
from experiments.runner import ReplicationResult
from experiments.store import atomic_write_text, write_table
from experiments.summary_rows import (
    OPTIONAL_HEADLINE,
    congestion_line,
    count_text,
    cut_note,
    metric_rows,
)
from networks.i18n import N_, _, both, get_language, pad, width
from sim.report_summary import on_time_by_grade_lines
from sim.summary import replication_value

#: Metrics shown in the printed summary, with labels (translated where shown).
HEADLINE = (
    ("compliance_call_taking", N_("call taken within target"), "share"),
    ("compliance_arrival", N_("first team on scene within target"), "share"),
    ("compliance_control", N_("under control within target"), "share"),
    ("compliance_all_three", N_("all three targets met"), "share"),
    ("intervals_call_taking_mean", N_("call taking, mean"), "min"),
    ("intervals_arrival_mean", N_("call taken -> first arrival, mean"), "min"),
    ("intervals_arrival_median", N_("call taken -> first arrival, median"), "min"),
    ("intervals_arrival_p90", N_("call taken -> first arrival, 90th pct"), "min"),
    ("intervals_control_mean", N_("first arrival -> under control, mean"), "min"),
    ("incidents", N_("incidents"), "count"),
    ("served", N_("served"), "count"),
)
#: Half-width of a share's 95 % interval below which the summary does not warn (5 points).
SHARE_HALF_WIDTH = 0.05
#: Grades I-IV as shown in running text.
_GRADE_NAMES = ("I", "II", "III", "IV")
#: Tables of a replication written under ``records/`` when its records have them.
RECORD_TABLES = (
    "incidents", "dispatches", "supplies", "reports", "duty", "scene", "people", "shelters",
    "warnings", "warned", "moves", "coverage", "disruptions",
)  # fmt: skip

#: The shipped dispatch policies as experiment tables show a factor level: the config
#: value in English (beside the factor's key, as the point labels store it), named in Chinese.
POLICY_LABELS = {
    "nearest_available": N_("nearest_available"),
    "severity_priority": N_("severity_priority"),
}
#: The shipped dispatch policies named in a sentence (English too: the run summary's head).
POLICY_NAMES = {
    "nearest_available": N_("nearest available team"),
    "severity_priority": N_("severity priority"),
}
#: Why an incident went unserved (``reason`` in the records), as a person reads it.
UNSERVED_LABELS = {
    "no_capability": N_("no team with the capability anywhere"),
    "after_horizon": N_("called after the run's end"),
    "horizon": N_("teams still short at the run's end"),
    "unreachable": N_("cut off by closed roads"),
    "stalled": N_("no team left to send"),
}
#: Stock-out counts in the summary (``stockouts_<tier>_<what>``) as a person reads them,
#: the tiers named as on the maps; tier ``none``: no depot in reach carried the item.
#: An issue goes to an incident; a restocking order fills a lower tier's depot.
STOCKOUT_LABELS = {
    "city_issue_events": N_("city depot: issues short"),
    "city_issue_units_short": N_("city depot: units short on issue"),
    "city_replenish_events": N_("city depot: restocking orders short"),
    "city_replenish_units_short": N_("city depot: units short on restocking"),
    "county_issue_events": N_("county depot: issues short"),
    "county_issue_units_short": N_("county depot: units short on issue"),
    "county_replenish_events": N_("county depot: restocking orders short"),
    "county_replenish_units_short": N_("county depot: units short on restocking"),
    "township_issue_events": N_("township depot: issues short"),
    "township_issue_units_short": N_("township depot: units short on issue"),
    "township_replenish_events": N_("township depot: restocking orders short"),
    "township_replenish_units_short": N_("township depot: units short on restocking"),
    "village_issue_events": N_("village point: issues short"),
    "village_issue_units_short": N_("village point: units short on issue"),
    "village_replenish_events": N_("village point: restocking orders short"),
    "village_replenish_units_short": N_("village point: units short on restocking"),
    "none_issue_events": N_("no depot with the item: issues short"),
    "none_issue_units_short": N_("no depot with the item: units short on issue"),
    "none_replenish_events": N_("no depot with the item: restocking orders short"),
    "none_replenish_units_short": N_("no depot with the item: units short on restocking"),
}


def _version() -> str:
    from networks import __version__

    return __version__


def across_replications(results: Sequence[ReplicationResult]) -> dict[str, dict[str, float]]:
    """Mean and 95 % Student-t interval of every numeric metric over replications.

    The metrics are the keys of any replication's summary (in the order first
    seen) that are a number in at least one. A count the summary leaves out for
    being 0 (a stock-out, an unserved reason, a grade's incidents) is 0 in that
    replication, so its mean is per run; any other metric without a value there
    (``None``: a share of reports with none to count) is left out of its mean,
    and ``n`` is the replications with one (:func:`sim.summary.replication_value`).
    """

    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    keys = [
        k
        for k in dict.fromkeys(k for r in results for k in r.summary)
        if k not in ("replication", "root_seed") and any(number(r.summary.get(k)) for r in results)
    ]
    out = {}
    for k in keys:
        ci = mean_ci([replication_value(r.summary, k) for r in results])
        out[k] = {"mean": ci.mean, "ci_low": ci.low, "ci_high": ci.high, "n": ci.n}
    return out


def replications_needed(
    values: Sequence[float], *, half_width: float, level: float = 0.95
) -> int | None:
    """Replications whose Student-t interval would be at most ``half_width`` wide each side.

    Estimated from the standard deviation of ``values`` (one per replication;
    non-finite ones left out): the smallest ``n >= 2`` with
    ``t(level, n - 1) * sd / sqrt(n) <= half_width``.

    Returns
    -------
    int or None
        ``None`` with fewer than two finite values (no standard deviation).
    """
    import numpy as np
    from scipy import stats

    x = np.asarray([v for v in values if isinstance(v, int | float) and math.isfinite(v)], float)
    if x.size < 2:
        return None
    sd = float(x.std(ddof=1))
    q = 0.5 + level / 2
    # The normal quantile gives a lower bound; t is wider, so step up from there.
    n = max(2, math.ceil((float(stats.norm.ppf(q)) * sd / half_width) ** 2))
    while float(stats.t.ppf(q, n - 1)) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


def replication_warning(
    results: Sequence[ReplicationResult],
    across: Mapping[str, Mapping[str, float]] | None = None,
    *,
    half_width: float = SHARE_HALF_WIDTH,
) -> str | None:
    """One warning line when a share's 95 % interval in the summary is wider than ``half_width``.

    It names the widest share and how many replications would bring every
    share the summary shows (the standard's, and those of congestion,
    reporting, people, move-up and warnings) within ``half_width``
    (estimated from the replications' standard deviations); ``None`` when
    every interval is narrow enough or there are fewer than two replications.
    """
    across = across_replications(results) if across is None else across
    wide = []
    for key, label, unit in (*HEADLINE, *OPTIONAL_HEADLINE):  # every share the table shows
        a = across.get(key)
        if unit != "share" or a is None or not math.isfinite(a["ci_low"]):
            continue
        half = (a["ci_high"] - a["ci_low"]) / 2
        if half > half_width:
            values = [replication_value(r.summary, key) for r in results]
            needed = replications_needed(values, half_width=half_width)
            wide.append((half, label, needed or 0))
    if not wide:
        return None
    half, label, _n = max(wide)
    return _(
        "warning: {n} replications give a 95% CI of ±{half} percentage points ({metric}); "
        "about {needed} replications would bring every share within ±{target} percentage points"
    ).format(
        n=len(results),
        half=f"{100 * min(half, 1.0):.1f}",  # past 100 points: no information either way
        metric=_(label),
        needed=max(n for _h, _l, n in wide),
        target=f"{100 * half_width:g}",
    )


def _clean(value: Any) -> Any:
    """JSON cannot hold nan or inf: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _join(items: Sequence[str]) -> str:
    """Items of a list in running text (``a, b`` / ``a，b``)."""
    return _(", ").join(items)


def _scenario_names(scenario: str) -> tuple[str | None, str | None]:
    """A config's scenario file's ``title`` and ``name_zh`` (``None`` where not given)."""
    from networks.errors import YingjiError
    from scenarios.spec import scenario_dir
    from scenarios.validate import read_toml

    path = Path(scenario)
    if path.suffix != ".toml" and not path.exists():
        path = scenario_dir() / f"{scenario}.toml"
    try:
        data = read_toml(path)
    except YingjiError:  # a label never fails a run (the run read the file already)
        return None, None
    title, zh = data.get("title"), data.get("name_zh")
    return (title or None if isinstance(title, str) else None,
            zh if isinstance(zh, str) else None)  # fmt: skip


def scenario_label(scenario: str) -> str:
    """A run config's scenario as shown: the catalogue's Chinese name in Chinese, else as given."""
    return both(scenario, _scenario_names(scenario)[1])


def scenario_name(scenario: str) -> str:
    """A run config's scenario named in a sentence: its ``title`` in English (else as given)."""
    title, zh = _scenario_names(scenario)
    return both(title or scenario, zh)


def policy_label(name: str | None) -> str:
    """A dispatch policy as a factor level of an experiment (the config's name if not shipped)."""
    label = POLICY_LABELS.get(str(name))
    return _(label) if label else str(name)


def policy_name(name: str | None) -> str:
    """A dispatch policy named in a sentence (the config's name if not a shipped one)."""
    label = POLICY_NAMES.get(str(name))
    return _(label) if label else str(name)


def _count_item(label: str, key: str, value: float) -> str:
    """``label value`` of a metric in running text: a count whole where it is, else one decimal."""
    unit = metric_unit(key).unit
    number = count_text(value) if unit not in ("", "%", "min") else f"{value:.1f}"
    return f"{label} {number}"


def _stockout_label(key: str) -> str:
    """``stockouts_county_issue_events`` as shown."""
    what = key.removeprefix("stockouts_")
    return _(STOCKOUT_LABELS[what]) if what in STOCKOUT_LABELS else what


def format_summary(
    config: RunConfig,
    results: Sequence[ReplicationResult],
    *,
    title: str | None = None,
    names_zh: Mapping[str, str] | None = None,
) -> str:
    """A readable table of the headline metrics (mean and 95 % CI over replications).

    Parameters
    ----------
    config
        The run's config.
    results
        One result per replication.
    title
        Name of the run in the first line; the config's ``name`` (or "run") if ``None``.
    names_zh
        Chinese names of facilities (:attr:`experiments.config.Region.names_zh`),
        shown in Chinese instead of the ``name``.

    Returns
    -------
    str
        The table, in the language in use, columns aligned by terminal width.
    """
    from networks.names import facility_label

    across = across_replications(results)
    first = results[0].summary
    t = (
        first.get("targets_call_taking"),
        first.get("targets_arrival"),
        first.get("targets_control"),
    )
    policy = dict(config.policy).get("name")
    # One message per form, chosen here: the catalogue holds no plural entries.
    head = (
        _("{name}: scenario {scenario}, policy {policy}, {n} replication, seed {seed}")
        if len(results) == 1
        else _("{name}: scenario {scenario}, policy {policy}, {n} replications, seed {seed}")
    )
    standard = _(
        "standard: call taken <= {call_taking} min, first arrival <= {arrival} min after, "
        "under control <= {control} min after arrival"
    )
    after_call = first.get("targets_control_reading") == "after_call"
    if after_call:
        standard = _(
            "standard: call taken <= {call_taking} min, first arrival <= {arrival} min after, "
            "handling under way <= {control} min after the call"
        )
    by_grade = dict(config.targets).get("control_by_grade")
    # Handling under way counts from the call: its interval row says so.
    relabel = {"intervals_control_mean": N_("call -> first team at work on scene, mean")}
    shown = (*HEADLINE, *OPTIONAL_HEADLINE)
    rows = metric_rows(across, shown, relabel=relabel if after_call else None)
    # 40 columns of labels, or more where a translation is wider.
    first_col = max([40, *(width(label) + 2 for label, _c, _i in rows)])
    lines = [
        head.format(
            name=title or both(config.name, config.name_zh) or _("run"),
            scenario=(
                config.incidents.path.name  # a replayed log: its file, not the catalogue
                if getattr(config, "incidents", None) is not None
                else scenario_name(config.scenario)
            ),
            policy=policy_name(policy),
            n=len(results),
            seed=results[0].summary.get("root_seed"),
        ),
        standard.format(call_taking=f"{t[0]:g}", arrival=f"{t[1]:g}", control=f"{t[2]:g}"),
        *(
            [
                _("control targets by grade: {items}").format(
                    items=_join(
                        [
                            f"{_GRADE_NAMES[g]} {v:g}"
                            for g, v in enumerate(by_grade)
                            if v is not False and v is not None
                        ]
                    )
                )
            ]
            if isinstance(by_grade, list | tuple) and any(v not in (None, False) for v in by_grade)
            else []
        ),
        *[line for line in (congestion_line(config),) if line is not None],
        "",
        pad(_("metric"), first_col) + pad(_("mean"), 10, ">") + pad(_("95% CI"), 22, ">"),
    ]
    lines += [pad(label, first_col) + cell + pad(ci, 22, ">") for label, cell, ci in rows]
    lines += cut_note(across, shown)  # else a bound of 0 cut from below reads as measured
    warning = replication_warning(results, across)  # right under the intervals it is about
    if warning is not None:
        lines.append(warning)
    lines += on_time_by_grade_lines(across)  # 首报快、续报准、终报全, by grade (with reporting)
    unserved = {
        k.removeprefix("unserved_"): v for k, v in across.items() if k.startswith("unserved_")
    }
    if unserved:
        items = [
            _count_item(
                _(UNSERVED_LABELS[k]) if k in UNSERVED_LABELS else k, f"unserved_{k}", v["mean"]
            )
            for k, v in sorted(unserved.items())
        ]
        lines.append(_("unserved (mean per run): {items}").format(items=_join(items)))
    stockouts = {k: v for k, v in across.items() if k.startswith("stockouts_") and v["mean"]}
    if stockouts:
        # By tier and kind, as the labels list them (a later replication's keys come last).
        order = {f"stockouts_{k}": i for i, k in enumerate(STOCKOUT_LABELS)}
        items = [
            _count_item(_stockout_label(k), k, v["mean"])
            for k, v in sorted(stockouts.items(), key=lambda kv: order.get(kv[0], len(order)))
        ]
        lines.append(_("stock-outs (mean per run): {items}").format(items=_join(items)))
    busiest = sorted(
        (
            (v["mean"], k.removeprefix("utilisation_").removesuffix("_committed"))
            for k, v in across.items()
            if k.startswith("utilisation_") and k.endswith("_committed")
        ),
        reverse=True,
    )[:3]
    if busiest:
        items = [f"{facility_label(name, names_zh)} {100 * u:.1f}%" for u, name in busiest]
        lines.append(
            _("busiest stations (share of team time committed): {items}").format(items=_join(items))
        )
    return "\n".join(lines)


def write_run_outputs(
    config: RunConfig,
    region: Region,
    results: Sequence[ReplicationResult],
    out: Path,
    *,
    plots: bool = True,
) -> list[Path]:
    """Write records, ``summary.json`` and plots of a run into ``out``.

    Parameters
    ----------
    config
        The run's config (saved in ``summary.json``).
    region
        The region it ran on (for the map).
    results
        One result per replication, in replication order.
    out
        Output folder (created if missing).
    plots
        Whether to draw the plots (from replication 0): three, and with the
        reporting chain a fourth, ``report_timeliness.png``.

    Returns
    -------
    list of pathlib.Path
        Files written.
    """
    from experiments.figures import save_figure
    from sim.plots import plot_incident_map, plot_response_times, plot_utilisation
    from sim.targets import ResponseTargets

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    parquet = importlib.util.find_spec("pyarrow") is not None
    for res in results:
        rep = f"rep-{res.replication:03d}"
        tables = res.records.tables()
        for name in RECORD_TABLES:
            if name not in tables:  # reports, duty, scene, people, shelters: only when modelled
                continue
            (out / "records" / rep).mkdir(parents=True, exist_ok=True)
            written.append(write_table(tables[name], out / "records" / rep / name, fmt="csv"))
            if parquet:
                (out / "records-parquet" / rep).mkdir(parents=True, exist_ok=True)
                stem = out / "records-parquet" / rep / name
                written.append(write_table(tables[name], stem, fmt="parquet"))
    summary = {
        "yingji_version": _version(),
        # The language a report regenerated from this folder speaks.
        "language": get_language(),
        "config": config.to_dict(),
        "replications": [r.summary for r in results],
        "across_replications": across_replications(results),
    }
    written.append(
        atomic_write_text(out / "summary.json", json.dumps(_clean(summary), indent=2) + "\n")
    )
    if plots:
        targets = ResponseTargets.from_dict(dict(config.targets))
        rec, r, zh = results[0].records, results[0].replication, region.names_zh
        figures = {
            "response_times.png": plot_response_times(rec, targets=targets, replication=r),
            "incident_map.png": plot_incident_map(region.network, rec, replication=r, names_zh=zh),
            "utilisation.png": plot_utilisation(rec, names_zh=zh, replication=r),
        }
        if rec.reports is not None:
            from sim.report_plots import plot_report_timeliness

            figures["report_timeliness.png"] = plot_report_timeliness(rec, replication=r)
        written += [save_figure(fig, out / name) for name, fig in figures.items()]
    return written
