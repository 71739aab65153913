"""``yingji site CONFIG.toml``: where stations or depots should stand, and whether it helps."""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from experiments.commands import argtypes
from experiments.metric_units import share_text  # 100.0% only when it is all
from networks import i18n
from networks.i18n import N_, _

#: Where the demand came from, for the keywords of ``demand`` (a table: its file name).
DEMAND_SOURCES = {
    "scenario": N_("(scenario)"),
    "log": N_("(incident log)"),
    "population": N_("(population proxy, relative weights)"),
    "nodes": N_("(nodes)"),
}
#: The sites of one tier, whatever the facility (a row of the account).
TIER_SITES = {
    "provincial": N_("provincial sites"),
    "city": N_("city sites"),
    "county": N_("county sites"),
    "township": N_("township sites"),
    "village": N_("village sites"),
}
#: The solver's status (``coverage.json`` keeps the value itself).
STATUSES = {
    "optimal": N_("optimal"),
    "time_limit": N_("stopped at the time limit (best found)"),
    "too_large": N_("stopped early (the exact model would not finish in the time left)"),
}


def _word(table: dict[Any, str], key: Any, default: str) -> str:
    """The translated entry of ``table`` for ``key``, else ``default`` as it is."""
    text = table.get(key)
    return _(text) if text else default


def _num(v: float, unit: str = "") -> str:
    return "-" if v is None or not math.isfinite(v) else f"{v:.1f}{unit}"


def _amount(v: float) -> str:
    """A demand total as a planner reads it: census counts in full (3,625,923, not 3.62592e+06)."""
    return f"{v:.6g}" if abs(v) < 1e6 else f"{v:,.0f}"


def objective_text(result: Any) -> str:
    """The model's objective in the planner's units (minutes, shares, sites)."""
    prob, m = result.problem, result.model
    obj, total = float(m.objective_), float(prob.weights.sum())
    kind = prob.task.model
    if kind == "mclp":
        return _("objective {value} of {total} demand within the standard ({share})").format(
            value=_amount(obj), total=_amount(total), share=share_text(obj / total)
        )
    if kind == "backup":
        return _("objective {value} (demand covered, plus {weight} x demand covered twice)").format(
            value=_amount(obj), weight=f"{prob.task.backup_weight:g}"
        )
    if kind == "lscp":
        bg = prob.background.size
        return _("objective {value} sites ({n} {tier_sites} + {others} of other tiers)").format(
            value=f"{obj:g}",
            n=f"{obj - bg:g}",
            tier_sites=_word(TIER_SITES, prob.task.tier, f"{prob.task.tier} sites"),
            others=bg,
        )
    if kind == "pmedian":
        return _("objective: mean travel {minutes} min (demand-weighted)").format(
            minutes=f"{obj / total / 60:.2f}"
        )
    if kind == "pcenter":
        return _("objective: longest travel {minutes} min").format(minutes=f"{obj / 60:.2f}")
    return _("objective: mean delivery through the supply chain {minutes} min").format(
        minutes=f"{obj / total / 60:.2f}"
    )


def _rows(rows: list[tuple[str, str, str]], label: int) -> list[str]:
    """Table rows: a label padded to ``label`` terminal columns, two right-aligned values."""
    return [
        f"  {i18n.pad(k, label)}{i18n.pad(x, 10, '>')}{i18n.pad(y, 10, '>')}" for k, x, y in rows
    ]


def format_result(result: Any) -> str:
    """The plain-text account of one solved task printed by ``yingji site``."""
    from experiments.siting.task import facilities_text, model_text, task_label

    prob = result.problem
    t = prob.task
    rep = result.report
    p = _("fewest sites") if prob.p is None else _("p = {p}").format(p=prob.p)
    n_other = int(np.isin(prob.candidates, prob.background).sum())
    what = facilities_text(t.facility, t.tier)
    demand = t.demand if isinstance(t.demand, Path) else None
    lines = [
        _(
            "{name}: {model} on the {facilities}, {p}, travel standard {budget} min "
            "({standard} min standard - {turnout} min turnout)"
        ).format(
            name=task_label(t),
            model=model_text(t.model),
            facilities=what,
            p=p,
            budget=f"{prob.budget_min:g}",
            standard=f"{prob.standard_min:g}",
            turnout=f"{t.turnout_min:g}",
        ),
        "  "
        + _(
            "{demand} demand points {source}, {candidates} candidate sites, {fixed} fixed "
            "open; {others} site(s) of other tiers stay and serve"
        ).format(
            demand=prob.demand_nodes.size,
            source=_("({file})").format(file=demand.name)
            if demand
            else _word(DEMAND_SOURCES, "log" if prob.from_log else t.demand, f"({t.demand})"),
            candidates=prob.candidates.size - n_other,
            fixed=prob.fixed.size,
            others=prob.background.size,
        ),
        "  "
        + _("solver: {status}, {objective}, gap {gap}, {seconds} s").format(
            status=_word(STATUSES, rep["status"], rep["status"]),
            objective=objective_text(result),
            gap=f"{rep['gap']:.3%}",
            seconds=f"{rep['solve_time_s']:.2f}",
        ),
    ]
    b, a = result.before, result.after
    rows = [
        (_word(TIER_SITES, t.tier, f"{t.tier} sites"), str(b["sites"]), str(a["sites"])),
        (_("of them new (moved or added)"), "-", str(a["new_sites"])),
        (_("demand within {minutes} min").format(minutes=f"{prob.budget_min:g}"),
         share_text(b["covered_share"]), share_text(a["covered_share"])),
        (_("mean travel to demand (min)"), _num(b.get("mean_min")), _num(a.get("mean_min"))),
        (_("90th percentile (min)"), _num(b.get("p90_min")), _num(a.get("p90_min"))),
        (_("worst demand point (min)"), _num(b.get("max_min")), _num(a.get("max_min"))),
    ]  # fmt: skip
    if "chain_mean_min" in a:
        rows.append((_("delivery through the chain (min)"), _num(b["chain_mean_min"]),
                     _num(a["chain_mean_min"])))  # fmt: skip
    label = max(34, *(i18n.width(k) + 2 for k, _x, _y in rows))
    lines.append(_rows([("", _("current"), _("proposed"))], label)[0])
    lines += _rows(rows, label)
    return "\n".join(lines)


def turnout_note(task: Any, region: Any) -> str | None:
    """A note when a station task counts the whole standard as driving (``turnout_min = 0``).

    The arrival standard (10 分钟到场) counts from the alarm: a team's turnout comes
    out of it. With ``turnout_min = 0`` the coverage is of the drive alone, above what
    the stations' teams can meet; the note gives their mean turnout.
    """
    from experiments.siting.task import facilities_text

    if task.facility != "stations" or task.turnout_min > 0:
        return None
    means = [ts.turnout.mean for st in region.stations if st.tier == task.tier for ts in st.teams]
    if not means or max(means) <= 0:
        return None
    return _(
        "note: turnout_min = 0 counts the whole standard as driving; the teams of the "
        "{facilities} take {fastest} to {slowest} min on average to turn out (set turnout_min "
        "to count it, as the simulation does)"
    ).format(
        facilities=facilities_text(task.facility, task.tier),
        fastest=f"{min(means):.1f}",
        slowest=f"{max(means):.1f}",
    )


def _value_format(metric: str) -> tuple[bool, Any]:
    """Whether a metric is a share (percent, differences in points), and how its values print.

    Shares print in percent with one decimal (a value below 100 % never as 100.0 %, see
    :func:`~experiments.metric_units.share_text`); counts (teams, people, ...: means over
    replications) whole when they are, else like minutes and anything else with two
    decimals (differences often are).
    """
    from experiments.metric_units import metric_unit

    unit = metric_unit(metric).unit

    def fmt(v: float, difference: bool = False) -> str:
        if not math.isfinite(v):
            return "-"
        if unit == "%":
            return f"{100 * v:.1f}%" if difference else share_text(v)
        if unit and unit != "min" and v == round(v):
            return f"{v:.0f}"
        return f"{v:.2f}"

    return unit == "%", fmt


def format_evaluation(evaluation: Any) -> str:
    """The paired comparison table printed by ``yingji site --evaluate``.

    A difference resting on fewer pairs than the replications (a metric undefined
    in some of them) is followed by ``(n=…)``, explained under the table; interval
    ends are clipped to what the metric's unit allows (a share's difference to
    ±100 points).
    """
    from experiments.analysis import metric_text
    from experiments.metric_units import clip_to_unit, metric_unit, with_unit
    from experiments.siting.evaluate import verdict_text, waiting_note

    t = evaluation.table()
    # Each name with its unit (minutes, teams, ...); a share's values carry their "%".
    units = [metric_unit(m).unit for m in t["metric"]]
    names = [with_unit(metric_text(m), "" if u == "%" else u)
             for m, u in zip(t["metric"], units, strict=True)]  # fmt: skip
    rows = []
    fewer = False
    for i, m in enumerate(t["metric"]):
        share, f = _value_format(m)
        lo, hi = (clip_to_unit(t[c][i], metric_unit(m).unit, difference=True)
                  for c in ("diff_low", "diff_high"))  # fmt: skip
        diff = f"{f(t['diff'][i], True)} [{f(lo, True)}, {f(hi, True)}]"
        if share:
            diff = _("{difference} pts").format(difference=diff.replace("%", ""))
        if 0 < t["n"][i] < evaluation.replications:
            diff += f" (n={t['n'][i]})"
            fewer = True
        rows.append((names[i], f(t["current"][i]), f(t["proposed"][i]), diff,
                     verdict_text(t["verdict"][i])))  # fmt: skip
    # Columns wide enough for the words of the language in use (a Chinese character: two).
    label = max(26, *(i18n.width(r[0]) + 2 for r in rows))
    gap = max(28, *(i18n.width(r[3]) + 2 for r in rows))
    pad = i18n.pad
    lines = [
        "  "
        + _("simulated, {n} paired replications (same incidents for both sitings), 95% CI:").format(
            n=evaluation.replications
        ),
        "  "
        + pad(_("metric"), label)
        + pad(_("current"), 10, ">")
        + pad(_("proposed"), 10, ">")
        + "  "
        + pad(_("difference [95% CI]"), gap)
        + _("verdict"),
    ]
    for name, current, proposed, diff, verdict in rows:
        lines.append(
            f"  {pad(name, label)}{pad(current, 10, '>')}{pad(proposed, 10, '>')}  "
            f"{pad(diff, gap)}{verdict}"
        )
    if fewer:
        lines.append("  " + _("(n=…): the pairs with data; the other replications had nothing "
                              "to measure for that metric"))  # fmt: skip
    for warning in (
        evaluation_warning(evaluation),
        served_warning(evaluation),
        waiting_note(evaluation),
    ):
        if warning:
            lines.append("  " + warning)
    return "\n".join(lines)


def served_warning(evaluation: Any, least: float = 0.95) -> str | None:
    """A warning when either siting served fewer than ``least`` of the incidents.

    The time metrics are of the incidents served: a siting that leaves most of
    them unserved (no team with the capability anywhere, say) can look better on
    minutes while failing the county.
    """
    s = evaluation.served
    if not all(len(s.get(k, ())) for k in ("current", "proposed")):
        return None
    # Pooled over the replications, as `yingji run` totals them (62.9 of 67.7 incidents).
    cur, new = (evaluation.served_share(k) for k in ("current", "proposed"))
    if not (cur < least or new < least):
        return None
    return _(
        "warning: {current} of the incidents were served with the current siting and "
        "{proposed} with the proposed one; the times above are of those served (yingji run "
        "on the config says why the others were not)"
    ).format(current=share_text(cur), proposed=share_text(new))


def evaluation_warning(evaluation: Any) -> str | None:
    """A warning when a share's paired difference is known to less than ±5 points.

    Names the widest interval and about how many replications would bring every
    share's difference within ±5 points (from the differences' spread). A metric
    measured in only some replications needs proportionally more of them: its
    pairs needed are scaled by replications / pairs with data.
    """
    from experiments.outputs import SHARE_HALF_WIDTH, replications_needed

    t = evaluation.table()
    wide = []
    for i, m in enumerate(t["metric"]):
        if not _value_format(m)[0]:
            continue
        half = (t["diff_high"][i] - t["diff_low"][i]) / 2
        if math.isfinite(half) and half > SHARE_HALF_WIDTH:
            diffs = np.asarray(evaluation.proposed[m], float) - np.asarray(
                evaluation.current[m], float
            )
            pairs = replications_needed(diffs.tolist(), half_width=SHARE_HALF_WIDTH)
            # A finite half-width means n >= 2 pairs; each replication gives one with
            # probability about n / R.
            n = t["n"][i]
            needed = math.ceil(pairs * evaluation.replications / n) if pairs else None
            wide.append((half, m, n, needed))
    if not wide:
        return None
    from experiments.analysis import metric_text

    half, metric, n, _needed = max(wide, key=lambda w: w[0])
    needed = max((k or 0) for _h, _m, _n, k in wide)
    if n < evaluation.replications:
        text = _(
            "warning: only {n} of {replications} paired replications had data for {metric}, "
            "giving a 95% CI of ±{half} percentage points; about {needed} replications would "
            "bring every share's difference within ±{target}"
        )
    else:
        text = _(
            "warning: {n} paired replications give a 95% CI of ±{half} percentage points "
            "({metric}); about {needed} would bring every share's difference within ±{target}"
        )
    return text.format(
        n=n,
        replications=evaluation.replications,
        half=f"{100 * min(half, 1.0):.1f}",
        metric=metric_text(metric),
        needed=needed,
        target=f"{100 * SHARE_HALF_WIDTH:g}",
    )


def cmd_site(args: argparse.Namespace) -> int:
    """``yingji site``."""
    from experiments.config import RunConfig, config_language
    from experiments.outdir import check_folder_target, staged_folder
    from experiments.siting.evaluate import evaluate_siting
    from experiments.siting.outputs import keep_other_tasks, write_siting_outputs
    from experiments.siting.plan import site
    from experiments.siting.proposal import proposed_region
    from experiments.siting.task import option_name, read_tasks
    from networks.errors import ConfigError
    from scenarios.validate import read_toml

    path = Path(args.config)
    if not path.exists():
        raise ConfigError(_("no such file"), source=str(path))
    data = read_toml(path)
    i18n.adopt(config_language(data))  # the config's own errors already in its language
    config = RunConfig.from_dict(data, source=str(path), base_dir=path.parent)
    i18n.adopt(config.language)
    overrides = {
        k: v
        for k, v in (
            ("model", args.model),
            ("p", args.p),
            ("standard_min", args.standard_min),
            ("fix", args.fix),
            ("time_limit_s", args.time_limit),
        )
        if v is not None
    }
    tasks = read_tasks(
        data, source=str(path), base_dir=path.parent, overrides=overrides, only=args.task
    )
    out = Path(args.out)
    check_folder_target(out, overwrite=args.overwrite, command="site")
    if args.seed is not None:  # the demand's samples and the evaluation's replications alike
        config = dataclasses.replace(config, seed=args.seed)
    region = config.region()
    # Solve every task before writing anything: a mistake in the second task must not
    # leave the first one's folder half-replaced.
    solved = [(t, site(t, config, region)) for t in tasks]
    given = ", ".join(option_name(k) for k in overrides)
    if given and len(tasks) > 1:
        names = ", ".join(t.name for t in tasks)
        note = (
            _("note: {options} applies to every task ({tasks}); pick one with --task")
            if len(overrides) == 1
            else _("note: {options} apply to every task ({tasks}); pick one with --task")
        )
        print(note.format(options=given, tasks=names), file=sys.stderr)
    if args.p is not None and any(t.model == "lscp" for t in tasks):
        print(_("note: --p is not used by lscp, which finds the fewest sites"), file=sys.stderr)
    # The whole --out is one unit: every task of this run, and the folders of other tasks
    # an earlier run left there (copied across), swapped in together or not at all.
    with staged_folder(out, command="site", overwrite=args.overwrite) as stage:
        keep_other_tasks(out, stage, {t.name for t in tasks})
        for task, result in solved:
            proposed = proposed_region(result, region)
            print(format_result(result))
            note = turnout_note(task, region)
            if note:
                print("  " + note)
            evaluation = None
            if args.evaluate:
                if config.incidents is not None and task.demand == "scenario":
                    fitted = _(
                        "the evaluation replays the incident log the siting was fitted to: "
                        "its differences are in-sample, not a test on other incidents"
                    )
                    print(_("yingji: warning: {message}").format(message=fitted), file=sys.stderr)
                evaluation = evaluate_siting(
                    config, region, proposed, args.evaluate, facility=task.facility,
                    standard_min=result.problem.standard_min, seed=args.seed,
                    workers=args.workers, dask=args.dask,
                    progress=False if args.quiet else None,
                )  # fmt: skip
                print(format_evaluation(evaluation))
            written = write_siting_outputs(
                result, proposed, stage / task.name, evaluation=evaluation,
                plots=not args.no_plots,
            )  # fmt: skip
            if args.map:
                from experiments.webmap import osm_network, write_site_map

                written.append(write_site_map(
                    result, proposed, stage / task.name / "map.html", osm=osm_network(config)
                ))  # fmt: skip
            folder = out / task.name
            line = _("wrote {n} files to {folder}/").format(n=len(written), folder=folder)
            print("  " + line + "\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``site`` to the ``yingji`` parser."""
    from experiments.commands.run import add_executor_options, add_map_option, add_output_options
    from experiments.siting.task import MODELS

    p = sub.add_parser(
        "site",
        help=_("choose where stations or depots should stand, and test it by simulation"),
        description=_(
            "Solve a location model for one tier of stations or depots of a run config "
            "(its [siting] section, or township stations by default), write the sites, "
            "coverage before/after and a map; with --evaluate, simulate current and "
            "proposed sitings on the same incidents and report the differences."
        ),
    )
    p.add_argument("config", help=_("run config (TOML), optionally with a [siting] section"))
    p.add_argument("--model", choices=MODELS, default=None, help=_("location model"))
    p.add_argument("--p", type=argtypes.positive, default=None, help=_("sites of the tier to open"))
    p.add_argument(
        "--standard-min",
        type=argtypes.number(0, 24 * 60, lo_open=True),
        default=None,
        help=_("standard, minutes"),
    )
    p.add_argument(
        "--fix", default=None, help=_("CSV/GeoJSON of sites that stay open, or 'current'")
    )
    p.add_argument(
        "--time-limit",
        type=argtypes.number(0, 7 * 24 * 3600, lo_open=True),
        default=None,
        help=_("solver limit, s (default 60)"),
    )
    p.add_argument("--task", action="append", default=None, help=_("only this [[siting]] task"))
    p.add_argument(
        "--evaluate", type=argtypes.integer(2, argtypes.MAX_REPLICATIONS), default=None,
        metavar="R", help=_("simulate R paired replications of current vs proposed (R >= 2)"),
    )  # fmt: skip
    p.add_argument(
        "--seed", type=argtypes.seed, default=None, help=_("root seed (default: the config's)")
    )
    add_executor_options(p)
    add_output_options(p, "yingji-site")
    p.add_argument("--no-plots", action="store_true", help=_("skip the plots"))
    add_map_option(p, _("also write map.html per task, an interactive map of the sites (opens "
                        "offline)"))  # fmt: skip
    p.set_defaults(func=cmd_site)
