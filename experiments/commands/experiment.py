"""``yingji experiment run|report|plan``: batch experiments and their reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.commands.argtypes import integer
from experiments.executors import MAX_WORKERS
from networks import i18n
from networks.i18n import _


def cmd_run(args: argparse.Namespace) -> int:
    """``yingji experiment run EXP.toml --out DIR``: run or resume an experiment."""
    from experiments.batch import run_experiment
    from experiments.config import adopt_file_language
    from experiments.design import ExperimentSpec

    adopt_file_language(args.experiment)  # the file's own errors in its language
    spec = ExperimentSpec.from_file(args.experiment)
    i18n.adopt(spec.language)
    res = run_experiment(
        spec,
        Path(args.out),
        workers=args.workers,
        dask=args.dask,
        records=args.records,
        table_format=args.format,
        progress=False if args.quiet else None,
    )
    print(
        _(
            "{ran} runs made (design point x replication), {skipped} already done "
            "({executor}, {seconds} s); "
            "summary: {summary}"
        ).format(
            ran=res.ran,
            skipped=res.skipped,
            executor=res.executor,
            seconds=f"{res.elapsed_s:.1f}",
            summary=res.summary,
        )
    )
    for path in res.records:
        print(_("records: {path}").format(path=path))
    if args.report:
        from experiments.report import write_report

        print(_("report: {path}").format(path=write_report(Path(args.out))))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``yingji experiment report DIR``: confidence intervals, paired differences, HTML.

    The report speaks the language the folder was run in (its manifest's
    ``language``) unless the user chose one (``--lang``, ``YINGJI_LANG``).
    """
    from experiments.report import write_report
    from experiments.store import ResultStore, manifest_language

    i18n.adopt(manifest_language(ResultStore.open(Path(args.out)).manifest))
    metrics = None
    if args.metrics is not None:  # "--metrics ''" names none: refused, not the default
        metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    path = write_report(Path(args.out), baseline=args.baseline, metrics=metrics, level=args.level)
    print(_("report: {path}").format(path=path))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """``yingji experiment plan EXP.toml``: list the design points without running them.

    Each point reads as the report shows it: in Chinese, factors and levels in words.
    """
    from experiments.config import adopt_file_language
    from experiments.design import ExperimentSpec
    from experiments.design_labels import point_labels

    adopt_file_language(args.experiment)  # the file's own errors in its language
    spec = ExperimentSpec.from_file(args.experiment)
    i18n.adopt(spec.language)
    spec.check_metrics()
    points = spec.points()
    base = spec.baseline_point()
    print(
        _(
            "{name}: {points} design points x {replications} replications = {runs} runs, "
            "root seed {seed}"
        ).format(
            name=spec.title(),
            points=len(points),
            replications=spec.replications,
            runs=len(points) * spec.replications,
            seed=spec.root_seed,
        )
    )
    if spec.about():
        print(spec.about())
    labels = point_labels(points)
    for p in points:
        mark = "  " + _("(baseline)") if base is not None and p.index == base.index else ""
        print(f"{p.id}  {p.config_hash[:12]}  {labels[p.index]}{mark}")
    return 0


def _level(text: str) -> float:
    """An argparse type: a confidence level strictly between 0 and 1."""
    message = _("expected a number in (0, 1), got {text!r}")
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message.format(text=text)) from None
    if not 0.0 < value < 1.0:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(message.format(text=text))
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``experiment`` to the ``yingji`` parser."""
    exp = sub.add_parser("experiment", help=_("run designed experiments and report on them"))
    esub = exp.add_subparsers(dest="experiment_command", required=True, metavar="ACTION")

    run = esub.add_parser(
        "run",
        help=_("run (or resume) an experiment"),
        description=_(
            "Run every design point x replication of an experiment TOML into an "
            "output folder. Re-running resumes; a folder of another experiment is refused."
        ),
    )
    run.add_argument("experiment", help=_("experiment TOML file"))
    run.add_argument("--out", required=True, help=_("output folder (created or resumed)"))
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=integer(1, MAX_WORKERS),
        default=1,
        help=_("local worker processes, 1 to {most} (default 1: serial)").format(most=MAX_WORKERS),
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=_("Dask scheduler (tcp://HOST:PORT) or local:N for a local cluster of N workers"),
    )
    run.add_argument("--records", action="store_true", help=_("also keep per-incident records"))
    run.add_argument(
        "--format",
        choices=["auto", "parquet", "csv"],
        default="auto",
        help=_("table format (auto: Parquet when pyarrow is installed)"),
    )
    run.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    run.add_argument("--report", action="store_true", help=_("write the HTML report when done"))
    run.set_defaults(func=cmd_run)

    rep = esub.add_parser(
        "report",
        help=_("confidence intervals, paired differences and an HTML report"),
        description=_(
            "Analyse an experiment's output folder (finished or not) and write "
            "report.html, figures/ and analysis/ into it, in the language it was run in "
            "unless --lang says otherwise."
        ),
    )
    rep.add_argument("out", help=_("output folder of 'yingji experiment run'"))
    rep.add_argument(
        "--baseline",
        help=_(
            "baseline design point: p003, or key=level[,key=level] (default: the "
            "experiment's baseline, else p000)"
        ),
    )
    rep.add_argument("--metrics", help=_("comma-separated metrics (default: the experiment's)"))
    rep.add_argument("--level", type=_level, default=0.95, help=_("confidence level (0.95)"))
    rep.set_defaults(func=cmd_report)

    plan = esub.add_parser("plan", help=_("list the design points of an experiment"))
    plan.add_argument("experiment", help=_("experiment TOML file"))
    plan.set_defaults(func=cmd_plan)
