"""``yingji run CONFIG.toml``: a configured region and scenario, end to end."""

from __future__ import annotations

import argparse
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.commands import argtypes
from networks.i18n import _, adopt

if TYPE_CHECKING:
    from experiments.config import RunConfig

logger = logging.getLogger(__name__)


def run_and_report(
    config_path: str | Path | None,
    *,
    out: Path,
    seed: int | None = None,
    replications: int | None = None,
    plots: bool = True,
    config: object = None,
    overwrite: bool = False,
    command: str = "run",
    extra: Callable[[Path], list[Path]] | None = None,
    title: str | None = None,
    workers: int = 1,
    dask: str | None = None,
    progress: bool | None = None,
    web_map: bool = False,
) -> int:
    """Run a config's replications, print the summary table and write the outputs.

    The output folder is checked before any work and written as one unit: an
    earlier run there is replaced whole (with ``overwrite``) or left untouched.

    Parameters
    ----------
    config_path
        TOML run config (ignored if ``config`` is given).
    out
        Output folder.
    seed, replications
        Override the config's ``run.seed`` and ``run.replications``; the summary
        records the values the run used.
    plots
        Whether to draw plots.
    config
        An already built :class:`experiments.config.RunConfig`.
    overwrite
        Whether an earlier yingji output in ``out`` may be replaced.
    command
        The command name recorded in the folder's marker.
    extra
        Writes further files into the (staging) output folder; returns them.
    title
        Name of the run in the summary table (the config's ``name`` if ``None``).
    workers, dask
        Where the replications run (:func:`experiments.executors.plan_executor`);
        the results are the same for any choice.
    progress
        Show a progress line on stderr; by default only when stderr is a terminal.
    web_map
        Also write ``map.html``, the interactive map of replication 0
        (:func:`experiments.webmap.write_run_map`).

    Returns
    -------
    int
        Exit status.
    """
    from experiments.config import RunConfig, adopt_file_language
    from experiments.executors import plan_executor
    from experiments.facility_records import write_facility_tables
    from experiments.outdir import check_folder_target, staged_folder
    from experiments.outputs import format_summary, write_run_outputs
    from experiments.replicate_parallel import run_replications

    if not isinstance(config, RunConfig):
        adopt_file_language(config_path)  # the config's own errors in its language
    cfg = config if isinstance(config, RunConfig) else RunConfig.from_file(config_path)
    adopt(getattr(cfg, "language", None))  # the config's language, unless --lang chose one
    check_folder_target(out, overwrite=overwrite, command=command)
    plan_executor(workers=workers, dask=dask)  # a bad --workers/--dask before any work
    region = cfg.region()  # validate placements before any work
    _warn_unread_tables(cfg, region)
    # The summary describes the run that produced it: overrides become the config's values.
    changes = {k: v for k, v in (("seed", seed), ("replications", replications)) if v is not None}
    cfg = dataclasses.replace(cfg, **changes)
    results = run_replications(cfg, workers=workers, dask=dask, progress=progress)
    _warn_idle_plan(cfg, results)
    print(format_summary(cfg, results, title=title, names_zh=region.names_zh))
    with staged_folder(out, command=command, overwrite=overwrite) as stage:
        written = list(extra(stage)) if extra is not None else []
        written += write_run_outputs(cfg, region, results, stage, plots=plots)
        # what the records' station and depot indices are (the same in every replication)
        written += write_facility_tables(results[0].records, region, stage / "records")
        if web_map:
            from experiments.webmap import write_run_map

            written.append(write_run_map(cfg, region, results, stage / "map.html"))
    print()
    # Name only what was written: --no-plots draws no plot, --map adds the map.
    done = {
        (True, True): _("wrote {n} files to {out}/ (summary.json, records/, plots, map.html)"),
        (True, False): _("wrote {n} files to {out}/ (summary.json, records/, plots)"),
        (False, True): _("wrote {n} files to {out}/ (summary.json, records/, map.html)"),
        (False, False): _("wrote {n} files to {out}/ (summary.json, records/)"),
    }[(bool(plots), bool(web_map))]
    print(done.format(n=len(written), out=out))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``yingji run``."""
    return run_and_report(
        args.config,
        out=Path(args.out),
        seed=args.seed,
        replications=args.replications,
        plots=not args.no_plots,
        overwrite=args.overwrite,
        workers=args.workers,
        dask=args.dask,
        progress=False if args.quiet else None,
        web_map=args.map,
    )


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """``--workers``, ``--dask`` and ``--quiet``, shared by the commands that run replications."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=argtypes.workers,
        default=1,
        help=_("local worker processes, 1 to {most} (default 1: serial)").format(
            most=argtypes.MAX_WORKERS
        ),
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=_("Dask scheduler (tcp://HOST:PORT) or local:N for a local cluster of N workers"),
    )
    p.add_argument("--quiet", action="store_true", help=_("no progress bar"))


def add_output_options(p: argparse.ArgumentParser, default: str) -> None:
    """``--out`` and ``--overwrite``, shared by the commands that write a run folder."""
    p.add_argument(
        "--out",
        default=default,
        help=_("output folder (default: {default})").format(default=default),
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace an earlier output in --out as a whole (default: refuse)"),
    )


def add_map_option(p: argparse.ArgumentParser, text: str) -> None:
    """``--map``: also write the interactive map (``map.html``)."""
    p.add_argument("--map", action="store_true", help=text)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``run`` to the ``yingji`` parser."""
    p = sub.add_parser("run", help=_("simulate a configured region and scenario"))
    p.add_argument("config", help=_("run config (TOML)"))
    p.add_argument(
        "--seed", type=argtypes.seed, default=None, help=_("root seed (default: the config's)")
    )
    p.add_argument(
        "--replications",
        type=argtypes.replications,
        default=None,
        help=_("replications, each an independent stream of incidents (default: the config's)"),
    )
    add_executor_options(p)
    add_output_options(p, "yingji-run")
    p.add_argument("--no-plots", action="store_true", help=_("skip the plots"))
    add_map_option(p, _("also write map.html, an interactive map of replication 0 (opens offline)"))
    p.set_defaults(func=cmd_run)


def _warn_unread_tables(cfg: RunConfig, region: Any) -> None:
    """Warn of ``[moveup.tables]`` entries the run would not read (they change nothing)."""
    from experiments.runner import moveup_spec

    spec = moveup_spec(cfg, region)
    for cap, why in spec.unread_tables() if spec is not None else ():
        logger.warning(
            _("{source}: moveup.tables.{capability}: not read ({why})").format(
                source=cfg.source, capability=cap, why=why
            )
        )


def _warn_idle_plan(cfg: RunConfig, results: Any) -> None:
    """Warn when ``[warnings]`` met no warning: its table of zeros would read as a result.

    Warnings are issued for the scenario's rainstorms and typhoons; a scenario
    without them (an earthquake) leaves the plan idle in every replication.
    """
    if cfg.warnings is None:
        return
    if any(r.records.warnings and len(r.records.warnings["warning"]) for r in results):
        return
    logger.warning(
        _(
            "{source}: warnings: no warning was issued in any replication (warnings are issued "
            "for the scenario's rainstorms and typhoons), so the plan changed nothing"
        ).format(source=cfg.source)
    )
