"""The experiment report: tables, plots and one self-contained HTML file.

``write_report(out)`` reads an output folder (finished or not), computes per
design point and metric the mean with its Student-t interval and the paired
difference against a baseline point (:mod:`experiments.analysis`), draws the
figures of :mod:`experiments.report_figures` (each metric against each factor,
the paired differences against the baseline, response-time CDFs per design
point), and writes ``report.html`` (figures embedded as base64 PNG: opens from
disk, no server), ``figures/*.png`` and ``analysis/points.csv`` /
``analysis/paired.csv``. The page and the figures speak the language in use
(``<html lang="zh-CN">`` in Chinese); the CSV tables are the same in every
language.

Here: choosing metrics and the baseline, the tables, the page; the plotting
functions are re-exported from :mod:`experiments.report_figures`.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from experiments.analysis import (
    choose_metrics,
    factor_text,
    known_metric,
    level_percent,
    level_text,
    numeric_metrics,
    paired_intervals,
    point_intervals,
)
from experiments.batch import DEFAULT_REPLICATE
from experiments.design import factor_levels, find_point
from experiments.design_labels import point_labels
from experiments.figures import save_figure
from experiments.metric_labels import metric_heading, metric_name
from experiments.metric_units import clip_to_unit, format_interval, format_metric, metric_unit
from experiments.report_figures import (
    plot_metric_by_factor,
    plot_paired_differences,
    plot_response_cdf,
    response_cdfs,
)
from experiments.store import ResultStore, StoredPoint, atomic_write_text, write_table
from networks.errors import ConfigError
from networks.i18n import _, both, tag

__all__ = [
    "DEFAULT_METRICS",
    "parse_baseline",
    "plot_metric_by_factor",
    "plot_paired_differences",
    "plot_response_cdf",
    "response_cdfs",
    "write_report",
]

#: Metrics the report shows when neither the experiment nor the command names any
#: (those present in the results; every numeric metric still goes to analysis/*.csv).
DEFAULT_METRICS = (
    "compliance_call_taking", "compliance_arrival", "compliance_control",
    "compliance_all_three", "intervals_arrival_mean", "intervals_arrival_p90", "served",
    "mutual_aid_share",
)  # fmt: skip


# --------------------------------------------------------------------------- report
def _fmt(v: Any, digits: int = 4) -> str:
    if isinstance(v, float):
        return "–" if not math.isfinite(v) else f"{v:.{digits}g}"
    return html.escape(str(v))


def _cell(v: Any, metric: str, *, diff: bool = False, unit: bool = True) -> str:
    """A number of ``metric`` in its unit (:func:`experiments.metric_units.format_metric`).

    A difference that is not zero never reads as zero (``0.0012``, not ``0.00``).
    """
    if v is None or (isinstance(v, int | float) and not isinstance(v, bool)):
        value = None if v is None else float(v)
        return html.escape(format_metric(value, metric, difference=diff, unit=unit, nonzero=diff))
    return _fmt(v)


def incident_factors(points: Sequence[Any]) -> list[str]:
    """Factors whose levels change the incidents (the map, the scenario, hazard sources).

    Replication ``r`` of two design points then shares its seeds but not its
    incidents (a redrawn county, another scenario, another log).
    """
    keys = {k for p in points for k in p.values}
    varied = [k for k in sorted(keys) if len({repr(p.values.get(k)) for p in points}) > 1]
    return [k for k in varied if k.split(".")[0] in ("network", "scenario", "sources")]


def _clipped(metric: str, v: Any, *, diff: bool = False) -> Any:
    """An interval end within what ``metric`` can be, as the printed run summary shows it.

    A share in [0, 1] (a difference in [-1, 1]); a count or minutes not below 0.
    """
    if not isinstance(v, int | float) or isinstance(v, bool):
        return v
    return clip_to_unit(float(v), metric_unit(metric).unit, difference=diff)


def _table_html(header: Sequence[str], body: Sequence[Sequence[str]], cls: str = "") -> str:
    """A table of HTML cells; header cells are text (escaped here) unless they start with ``<``."""
    head = "".join(f"<th>{h if h.startswith('<') else html.escape(h)}</th>" for h in header)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _target(store: ResultStore, measure: str) -> float | None:
    """The response target of ``measure`` in minutes (the config's, else the default)."""
    from sim.targets import ResponseTargets

    path = store.root / "points" / f"{store.points[0].id}.json"
    try:
        cfg = json.loads(path.read_text(encoding="utf-8"))["config"]
        targets = ResponseTargets.from_dict(cfg.get("targets", {}), source=str(path))
        return float(getattr(targets, measure))
    except (OSError, KeyError, ValueError, TypeError, AttributeError, ConfigError):
        return None


def parse_baseline(text: str | None) -> dict[str, Any] | None:
    """``p003``, ``3`` or ``key=level,key=level`` from the command line."""
    if text is None:
        return None
    if "=" not in text:
        if not text.strip():
            raise ConfigError(_("expected a point id such as p003 or key=level"), key="--baseline")
        return {"id": text.strip()}
    out = {}
    for part in text.split(","):
        k, sep, v = part.partition("=")
        if not sep or not k.strip():
            raise ConfigError(
                _("expected key=level pairs, got {text!r}").format(text=part), key="--baseline"
            )
        out[k.strip()] = v.strip()
    return out


def write_report(
    out: str | Path,
    *,
    baseline: Mapping[str, Any] | str | None = None,
    metrics: Sequence[str] | None = None,
    level: float = 0.95,
    measure: str = "arrival",
) -> Path:
    """Analyse an output folder and write ``report.html`` beside the results.

    Parameters
    ----------
    out
        Output folder of :func:`experiments.batch.run_experiment`.
    baseline
        Baseline design point: ``{"id": "p000"}``, factor levels, or text as
        :func:`parse_baseline` reads it; the experiment's own, else the first point.
    metrics
        Metrics to report (``None``: the experiment's list, else every numeric one;
        an empty list is refused).
    level
        Confidence level.
    measure
        Response measure of the CDF plot (``arrival``).

    Returns
    -------
    pathlib.Path
        The HTML file.

    The page and the figures are in the language in use (:mod:`networks.i18n`);
    ``yingji experiment report`` uses the language recorded in the manifest.
    """
    if not 0.0 < level < 1.0:
        raise ConfigError(
            _("confidence level must be in (0, 1), got {level}").format(level=level), key="--level"
        )
    store = ResultStore.open(out)
    root = store.root
    manifest = str(root / "manifest.json")
    rows = store.rows()
    if not rows:
        raise ConfigError(_("no finished replications to report yet"), source=str(root))
    points = store.points
    man = store.manifest
    everything = numeric_metrics(rows)
    if metrics is not None:
        metrics = _check_metrics(rows, metrics, source=str(root), key="--metrics")
    elif man.get("metrics"):
        metrics = _check_metrics(rows, man["metrics"], source=manifest, key="metrics")
    else:
        metrics = [m for m in DEFAULT_METRICS if m in everything] or everything[:8]
    if isinstance(baseline, str):
        baseline = parse_baseline(baseline)
    if baseline:
        base = _point(points, baseline, source=str(root), key="--baseline")
    elif man.get("baseline"):
        base = _point(points, man["baseline"], source=manifest, key="baseline")
    else:
        base = points[0]

    # Tables of every numeric metric go to analysis/; the page shows the chosen ones. A
    # chosen count no replication recorded (0 in all) joins the tables after the rest.
    shown = set(metrics)
    tabled = everything + [m for m in dict.fromkeys(metrics) if m not in everything]
    per_all = point_intervals(rows, points, tabled, level=level)
    paired_all = paired_intervals(rows, points, tabled, baseline=base.index, level=level)
    write_table(per_all, root / "analysis" / "points", fmt="csv")
    write_table(paired_all, root / "analysis" / "paired", fmt="csv")
    per_point = _subset(per_all, shown)
    paired = _subset(paired_all, shown)

    figures: list[tuple[str, Path]] = []
    keys = [f["key"] for f in man["factors"]]
    sampled = {f["key"] for f in man["factors"] if "lhs" in f}  # Latin-hypercube factors
    labels = point_labels(points)  # two plans of one file name read apart
    for m in metrics:
        for k in keys:
            fig = plot_metric_by_factor(rows, points, k, m, level=level, sampled=sampled)
            figures.append(
                (
                    _("{metric} by {factor}").format(metric=metric_name(m), factor=factor_text(k)),
                    save_figure(fig, root / "figures" / f"{m}__{_slug(k)}.png"),
                )
            )
        if len(points) > 1:
            fig = plot_paired_differences(paired, m, labels=labels, baseline=labels[base.index])
            figures.append(
                (
                    _("{metric}: paired differences").format(metric=metric_name(m)),
                    save_figure(fig, root / "figures" / f"{m}__paired.png"),
                )
            )
    fig = plot_response_cdf(store, rows, measure=measure, target=_target(store, measure))
    figures.append(
        (_("response-time CDF"), save_figure(fig, root / "figures" / "response_cdf.png"))
    )
    _forget_old_figures(root / "figures", [path for _title, path in figures])

    page = _page(store, rows, points, metrics, per_point, paired, base, level, figures)
    return atomic_write_text(root / "report.html", page)


def _check_metrics(
    rows: Sequence[Any], metrics: Sequence[str], *, source: str, key: str
) -> list[str]:
    """``metrics`` if every one is a numeric metric of the results, else one clear error."""
    if not metrics:  # an empty choice must not quietly mean "the default metrics"
        raise ConfigError(
            _("names no metric; give metric names separated by commas (or leave it out)"),
            source=source,
            key=key,
        )
    try:
        return choose_metrics(rows, metrics, source=source)
    except ConfigError:
        available = numeric_metrics(rows)
        shown = _(", ").join(available[:12] + (["…"] if len(available) > 12 else []))
        from experiments.metric_names import metric_problem

        bad = next(m for m in metrics if not known_metric(m, available))
        text = _("no numeric metric {metric!r} in the results (available: {available})").format(
            metric=bad, available=shown
        )
        # A name the simulation never writes: its own error (the closest name) says it all.
        raise ConfigError(metric_problem(bad) or text, source=source, key=key) from None


def _point(
    points: Sequence[StoredPoint], want: Mapping[str, Any], *, source: str, key: str
) -> StoredPoint:
    """The baseline design point, or one error naming ``key`` (an option or manifest key)."""
    from experiments.spec_base import bare

    try:
        return find_point(points, want, source=source)  # type: ignore[arg-type]
    except ConfigError as exc:
        raise ConfigError(bare(exc), source=source, key=key) from None


#: The figures the last report drew, by file name: a rerun removes those it no longer draws.
FIGURE_INDEX = "report_figures.json"


def _forget_old_figures(folder: Path, drawn: Sequence[Path]) -> None:
    """Remove the figures an earlier report drew in ``folder`` that this one did not.

    Only files listed in ``folder/report_figures.json`` (written here) go: a file the
    report never wrote, such as one a user put there, is left alone.
    """
    index = folder / FIGURE_INDEX
    names = [p.name for p in drawn]
    try:
        before = json.loads(index.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        before = []  # no index (a report of an older yingji) or a damaged one: remove nothing
    for name in before if isinstance(before, list) else []:
        # Only a figure's plain file name: an edited index cannot reach outside the folder.
        ours = isinstance(name, str) and name.endswith(".png") and Path(name).name == name
        if ours and name not in names:
            (folder / name).unlink(missing_ok=True)
    atomic_write_text(index, json.dumps({"files": names}, indent=1) + "\n")


def _subset(table: Mapping[str, Sequence[Any]], metrics: set[str]) -> dict[str, list[Any]]:
    keep = [i for i, m in enumerate(table["metric"]) if m in metrics]
    return {k: [v[i] for i in keep] for k, v in table.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _html(template: str, **values: str) -> str:
    """A translated template escaped for HTML, filled with ``values`` (HTML already)."""
    return html.escape(template, quote=False).format(**values)


def _page(
    store: ResultStore,
    rows: Sequence[Any],
    points: Sequence[StoredPoint],
    metrics: Sequence[str],
    per_point: Mapping[str, Sequence[Any]],
    paired: Mapping[str, Sequence[Any]],
    base: StoredPoint,
    level: float,
    figures: Sequence[tuple[str, Path]],
) -> str:
    man = store.manifest
    keys = [f["key"] for f in man["factors"]]
    levels, texts = factor_levels(points), point_labels(points)
    done = {p.index: 0 for p in points}
    for row in rows:
        done[row.point] += 1
    point = _("point")
    # A metric's column: its name and the unit its cells do not show (minutes, a count's
    # measure word), with the key it goes by (--metrics, CSV) where the name is not the key.
    heads = [
        f"<span>{html.escape(metric_heading(m))}<br><small>{html.escape(m)}</small></span>"
        if metric_name(m) != m
        else metric_heading(m)  # _table_html escapes it
        for m in metrics
    ]
    design = _table_html(
        [point, *(factor_text(k) for k in keys), _("replications")],
        [
            [p.id, *(_fmt(level_text(k, p.values[k], among=levels[k])) for k in keys),
             f"{done[p.index]}/{store.replications}"]
            for p in points
        ],
    )  # fmt: skip
    idx = {k: i for i, k in enumerate(zip(per_point["point"], per_point["metric"], strict=True))}

    def row_head(p: StoredPoint) -> str:  # what the point is; under it the id files go by
        text = texts[p.index]
        text = _("{id} (baseline)").format(id=text) if p.index == base.index else text
        return f"{html.escape(text)}<br><small>{html.escape(p.id)}</small>"

    means = _table_html(
        [point, *heads],
        [
            [row_head(p)]
            + [
                "{} <small>[{}, {}]</small>".format(
                    *map(
                        html.escape,
                        format_interval(
                            per_point["mean"][i],
                            _clipped(m, per_point["ci_low"][i]),
                            _clipped(m, per_point["ci_high"][i]),
                            m,
                        ),
                    )
                )  # fmt: skip
                for m, i in ((m, idx[(p.index, m)]) for m in metrics)
            ]
            for p in points
        ],
    )
    pidx = {(paired["point"][i], paired["metric"][i]): i for i in range(len(paired["point"]))}
    diff_rows = []
    for p in points:
        if p.index == base.index:
            continue
        cells = [row_head(p)]
        for m in metrics:
            i = pidx[(p.index, m)]
            lo, hi = paired["ci_low"][i], paired["ci_high"][i]
            sig = math.isfinite(lo) and (lo > 0 or hi < 0)
            # The value names its unit (percentage points); its bounds are in the same, to
            # as many decimals as it.
            diff, low, high = map(html.escape, format_interval(
                paired["diff"][i], _clipped(m, lo, diff=True), _clipped(m, hi, diff=True), m,
                difference=True,
            ))  # fmt: skip
            cell = f"{diff} <small>[{low}, {high}] n={paired['n'][i]}</small>"
            cells.append(f"<b>{cell}</b>" if sig else cell)
        diff_rows.append(cells)
    diffs = (
        _table_html([point, *heads], diff_rows)
        if diff_rows
        else "<p>" + _html(_("Only one design point.")) + "</p>"
    )
    imgs = "\n".join(
        f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,'
        f'{base64.b64encode(path.read_bytes()).decode("ascii")}"><figcaption>'
        f"{html.escape(title)}</figcaption></figure>"
        for title, path in figures
    )
    labels = _table_html(
        [point, _("design point"), _("config hash")],
        [[p.id, html.escape(texts[p.index]), f"<code>{p.config_hash[:12]}</code>"] for p in points],
    )
    title = html.escape(str(both(man.get("experiment", "experiment"), man.get("name_zh"))))
    about = html.escape(str(both(man.get("description", ""), man.get("description_zh"))))
    head = _html(_("{title} — yingji experiment"), title=title)
    facts = _html(
        _(
            "yingji {version} · root seed {seed} · {points} design points × {replications} "
            "replications ({finished} finished)"
        ),
        version=html.escape(man["package_version"]),
        seed=str(man["root_seed"]),
        points=str(len(points)),
        replications=str(store.replications),
        finished=str(len(rows)),
    )
    if man["replicate"] != DEFAULT_REPLICATE:  # a researcher's own: part of what data are
        facts += " · " + _html(
            _("replication function {function}"),
            function=f"<code>{html.escape(man['replicate'])}</code>",
        )
    means_head = _html(_("Means and {level} confidence intervals"), level=level_percent(level))
    means_note = _html(
        _(
            "Student-t interval over replications of each design point, cut to what the "
            "metric can be (no share above 100% or below 0, no count or minutes below 0; "
            "analysis/points.csv keeps the uncut bounds)."
        )
    )
    diffs_head = _html(
        _("Paired differences against the baseline, {label}"), label=html.escape(texts[base.index])
    )
    redrawn = incident_factors(points)
    diffs_note = _html(
        _(
            "Replication {r} of every design point sees the same incidents (common random "
            "numbers), so each difference is a paired t interval over the replications both "
            "points finished; bold when the interval excludes zero."
        )
        if not redrawn
        else _(
            "Replication {r} of every design point draws from the same random numbers, but "
            "the design varies {keys}, which changes the incidents themselves: pairs share "
            "seeds, not incidents, and pair less closely. Each difference is a paired t "
            "interval over the replications both points finished; bold when the interval "
            "excludes zero."
        ),
        r="<i>r</i>",
        keys=html.escape(_(", ").join(factor_text(k) for k in redrawn)),
    )
    design_head = _html(_("Design"))
    figures_head = _html(_("Figures"))
    labels_head = _html(_("Design point labels"))
    return f"""<!DOCTYPE html>
<html lang="{tag()}"><head><meta charset="utf-8"><title>{head}</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }}
th {{ background: #f3f3f3; }} small {{ color: #666; }}
figure {{ display: inline-block; margin: 0.5em; vertical-align: top; }}
img {{ max-width: 34em; }} figcaption {{ font-size: 0.85em; color: #555; }}
</style></head><body>
<h1>{title}</h1>
<p>{about}</p>
<p>{facts}</p>
<h2>{design_head}</h2>{design}
<h2>{means_head}</h2>
<p>{means_note}</p>{means}
<h2>{diffs_head}</h2>
<p>{diffs_note}</p>{diffs}
<h2>{figures_head}</h2>{imgs}
<h2>{labels_head}</h2>{labels}
</body></html>
"""
