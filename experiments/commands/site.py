"""``yingji site CONFIG.toml``: where stations or depots should stand, and whether it helps."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from experiments.commands import argtypes


def _pct(v: float) -> str:
    return "-" if not math.isfinite(v) else f"{v:.1%}"


def _num(v: float, unit: str = "") -> str:
    return "-" if v is None or not math.isfinite(v) else f"{v:.1f}{unit}"


def objective_text(result: Any) -> str:
    """The model's objective in the planner's units (minutes, shares, sites)."""
    prob, m = result.problem, result.model
    obj, total = float(m.objective_), float(prob.weights.sum())
    kind = prob.task.model
    if kind == "mclp":
        return f"objective {obj:.6g} of {total:.6g} demand within the standard ({obj / total:.1%})"
    if kind == "backup":
        return (
            f"objective {obj:.6g} (demand covered, plus {prob.task.backup_weight:g} x "
            "demand covered twice)"
        )
    if kind == "lscp":
        bg = prob.background.size
        return f"objective {obj:g} sites ({obj - bg:g} {prob.task.tier} + {bg} of other tiers)"
    if kind == "pmedian":
        return f"objective: mean travel {obj / total / 60:.2f} min (demand-weighted)"
    if kind == "pcenter":
        return f"objective: longest travel {obj / 60:.2f} min"
    return f"objective: mean delivery through the supply chain {obj / total / 60:.2f} min"


def format_result(result: Any) -> str:
    """The plain-text account of one solved task printed by ``yingji site``."""
    prob = result.problem
    t = prob.task
    rep = result.report
    p = "fewest sites" if prob.p is None else f"p = {prob.p}"
    n_other = int(np.isin(prob.candidates, prob.background).sum())
    status = rep["status"]
    if status == "too_large":
        status = "stopped early (the exact model would not finish in the time left)"
    lines = [
        f"{t.name}: {t.model.upper()} on the {t.tier} {t.facility}, {p}, "
        f"travel standard {prob.budget_min:g} min "
        f"({prob.standard_min:g} min standard - {t.turnout_min:g} min turnout)",
        f"  {prob.demand_nodes.size} demand points ({Path(str(t.demand)).name}), "
        f"{prob.candidates.size - n_other} candidate sites, {prob.fixed.size} fixed open; "
        f"{prob.background.size} site(s) of other tiers stay and serve",
        f"  solver: {status}, {objective_text(result)}, gap {rep['gap']:.3%}, "
        f"{rep['solve_time_s']:.2f} s",
        f"  {'':34}{'current':>10}{'proposed':>10}",
    ]
    b, a = result.before, result.after
    rows = [
        (f"{t.tier} sites", str(b["sites"]), str(a["sites"])),
        ("of them new (moved or added)", "-", str(a["new_sites"])),
        (f"demand within {prob.budget_min:g} min", _pct(b["covered_share"]),
         _pct(a["covered_share"])),
        ("mean travel to demand (min)", _num(b.get("mean_min")), _num(a.get("mean_min"))),
        ("90th percentile (min)", _num(b.get("p90_min")), _num(a.get("p90_min"))),
        ("worst demand point (min)", _num(b.get("max_min")), _num(a.get("max_min"))),
    ]  # fmt: skip
    if "chain_mean_min" in a:
        rows.append(("delivery through the chain (min)", _num(b["chain_mean_min"]),
                     _num(a["chain_mean_min"])))  # fmt: skip
    lines += [f"  {k:34}{x:>10}{y:>10}" for k, x, y in rows]
    return "\n".join(lines)


def format_evaluation(evaluation: Any) -> str:
    """The paired comparison table printed by ``yingji site --evaluate``."""
    t = evaluation.table()
    lines = [
        f"  simulated, {evaluation.replications} paired replications "
        "(same incidents for both sitings), 95% CI:",
        f"  {'metric':26}{'current':>10}{'proposed':>10}  {'difference [95% CI]':28}verdict",
    ]
    for i, m in enumerate(t["metric"]):
        share = m.startswith(("compliance_", "supply_within"))
        f = (lambda v: "-" if not math.isfinite(v) else f"{100 * v:.1f}%") if share else (
            lambda v: "-" if not math.isfinite(v) else f"{v:.2f}"
        )  # fmt: skip
        diff = f"{f(t['diff'][i])} [{f(t['diff_low'][i])}, {f(t['diff_high'][i])}]"
        if share:
            diff = diff.replace("%", "") + " pts"
        lines.append(
            f"  {m:26}{f(t['current'][i]):>10}{f(t['proposed'][i]):>10}  {diff:28}{t['verdict'][i]}"
        )
    return "\n".join(lines)


def cmd_site(args: argparse.Namespace) -> int:
    """``yingji site``."""
    from experiments.config import RunConfig
    from experiments.outdir import check_folder_target, staged_folder
    from experiments.siting.evaluate import evaluate_siting
    from experiments.siting.outputs import write_siting_outputs
    from experiments.siting.plan import site
    from experiments.siting.proposal import proposed_region
    from experiments.siting.task import option_name, read_tasks
    from networks.errors import ConfigError
    from scenarios.validate import read_toml

    path = Path(args.config)
    if not path.exists():
        raise ConfigError("no such file", source=str(path))
    data = read_toml(path)
    config = RunConfig.from_dict(data, source=str(path), base_dir=path.parent)
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
    for task in tasks:
        check_folder_target(out / task.name, overwrite=args.overwrite)
    region = config.region()
    # Solve every task before writing anything: a mistake in the second task must not
    # leave the first one's folder half-replaced.
    solved = [(t, site(t, config, region)) for t in tasks]
    given = ", ".join(option_name(k) for k in overrides)
    if given and len(tasks) > 1:
        names = ", ".join(t.name for t in tasks)
        verb = "applies" if len(overrides) == 1 else "apply"
        print(
            f"note: {given} {verb} to every task ({names}); pick one with --task", file=sys.stderr
        )
    if args.p is not None and any(t.model == "lscp" for t in tasks):
        print("note: --p is not used by lscp, which finds the fewest sites", file=sys.stderr)
    for task, result in solved:
        proposed = proposed_region(result, region)
        print(format_result(result))
        evaluation = None
        if args.evaluate:
            evaluation = evaluate_siting(
                config, region, proposed, args.evaluate, facility=task.facility,
                standard_min=result.problem.standard_min, seed=args.seed,
            )  # fmt: skip
            print(format_evaluation(evaluation))
        # Each task's folder is one unit: replaced whole or left as it was.
        with staged_folder(out / task.name, command="site", overwrite=args.overwrite) as stage:
            written = write_siting_outputs(
                result, proposed, stage, evaluation=evaluation, plots=not args.no_plots
            )
        print(f"  wrote {len(written)} files to {out / task.name}/\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``site`` to the ``yingji`` parser."""
    from experiments.commands.run import add_output_options
    from experiments.siting.task import MODELS

    p = sub.add_parser(
        "site",
        help="choose where stations or depots should stand, and test it by simulation",
        description=(
            "Solve a location model for one tier of stations or depots of a run config "
            "(its [siting] section, or township stations by default), write the sites, "
            "coverage before/after and a map; with --evaluate, simulate current and "
            "proposed sitings on the same incidents and report the differences."
        ),
    )
    p.add_argument("config", help="run config (TOML), optionally with a [siting] section")
    p.add_argument("--model", choices=MODELS, default=None, help="location model")
    p.add_argument("--p", type=argtypes.positive, default=None, help="sites of the tier to open")
    p.add_argument(
        "--standard-min",
        type=argtypes.number(0, 24 * 60, lo_open=True),
        default=None,
        help="standard, minutes",
    )
    p.add_argument("--fix", default=None, help="CSV/GeoJSON of sites that stay open, or 'current'")
    p.add_argument(
        "--time-limit",
        type=argtypes.number(0, 7 * 24 * 3600, lo_open=True),
        default=None,
        help="solver limit, s (default 60)",
    )
    p.add_argument("--task", action="append", default=None, help="only this [[siting]] task")
    p.add_argument(
        "--evaluate", type=argtypes.integer(2, argtypes.MAX_REPLICATIONS), default=None,
        metavar="R", help="simulate R paired replications of current vs proposed (R >= 2)",
    )  # fmt: skip
    p.add_argument(
        "--seed", type=argtypes.seed, default=None, help="root seed (default: the config's)"
    )
    add_output_options(p, "yingji-site")
    p.add_argument("--no-plots", action="store_true", help="skip the plots")
    p.set_defaults(func=cmd_site)
