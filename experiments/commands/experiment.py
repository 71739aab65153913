"""``yingji experiment run|report|plan``: batch experiments and their reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.commands.argtypes import integer
from experiments.executors import MAX_WORKERS


def cmd_run(args: argparse.Namespace) -> int:
    """``yingji experiment run EXP.toml --out DIR``: run or resume an experiment."""
    from experiments.batch import run_experiment

    res = run_experiment(
        Path(args.experiment),
        Path(args.out),
        workers=args.workers,
        dask=args.dask,
        records=args.records,
        table_format=args.format,
        progress=False if args.quiet else None,
    )
    print(
        f"{res.ran} replications run, {res.skipped} already done ({res.executor}, "
        f"{res.elapsed_s:.1f} s); summary: {res.summary}"
    )
    for path in res.records:
        print(f"records: {path}")
    if args.report:
        from experiments.report import write_report

        print(f"report: {write_report(Path(args.out))}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``yingji experiment report DIR``: confidence intervals, paired differences, HTML."""
    from experiments.report import write_report

    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    path = write_report(Path(args.out), baseline=args.baseline, metrics=metrics, level=args.level)
    print(f"report: {path}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """``yingji experiment plan EXP.toml``: list the design points without running them."""
    from experiments.design import ExperimentSpec

    spec = ExperimentSpec.from_file(args.experiment)
    spec.check_metrics()
    points = spec.points()
    base = spec.baseline_point()
    print(
        f"{spec.name}: {len(points)} design points x {spec.replications} replications "
        f"= {len(points) * spec.replications} runs, root seed {spec.root_seed}"
    )
    for p in points:
        mark = "  (baseline)" if base is not None and p.index == base.index else ""
        print(f"{p.id}  {p.config_hash[:12]}  {p.label}{mark}")
    return 0


def _level(text: str) -> float:
    """An argparse type: a confidence level strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0.0 < value < 1.0:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``experiment`` to the ``yingji`` parser."""
    exp = sub.add_parser("experiment", help="run designed experiments and report on them")
    esub = exp.add_subparsers(dest="experiment_command", required=True, metavar="ACTION")

    run = esub.add_parser(
        "run",
        help="run (or resume) an experiment",
        description="Run every design point x replication of an experiment TOML into an "
        "output folder. Re-running resumes; a folder of another experiment is refused.",
    )
    run.add_argument("experiment", help="experiment TOML file")
    run.add_argument("--out", required=True, help="output folder (created or resumed)")
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=integer(1, MAX_WORKERS),
        default=1,
        help=f"local worker processes, 1 to {MAX_WORKERS} (default 1: serial)",
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://HOST:PORT) or local:N for a local cluster of N workers",
    )
    run.add_argument("--records", action="store_true", help="also keep per-incident records")
    run.add_argument(
        "--format",
        choices=["auto", "parquet", "csv"],
        default="auto",
        help="table format (auto: Parquet when pyarrow is installed)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--report", action="store_true", help="write the HTML report when done")
    run.set_defaults(func=cmd_run)

    rep = esub.add_parser(
        "report",
        help="confidence intervals, paired differences and an HTML report",
        description="Analyse an experiment's output folder (finished or not) and write "
        "report.html, figures/ and analysis/ into it.",
    )
    rep.add_argument("out", help="output folder of 'yingji experiment run'")
    rep.add_argument(
        "--baseline",
        help="baseline design point: p003, or key=level[,key=level] (default: the "
        "experiment's baseline, else p000)",
    )
    rep.add_argument("--metrics", help="comma-separated metrics (default: the experiment's)")
    rep.add_argument("--level", type=_level, default=0.95, help="confidence level (0.95)")
    rep.set_defaults(func=cmd_report)

    plan = esub.add_parser("plan", help="list the design points of an experiment")
    plan.add_argument("experiment", help="experiment TOML file")
    plan.set_defaults(func=cmd_plan)
