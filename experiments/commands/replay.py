"""``yingji replay LOG.csv --config REGION.toml``: a historical log through the model."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from experiments.commands import argtypes
from experiments.incident_source import MAX_SNAP_LIMIT_M
from networks.i18n import _, adopt


def replay_and_report(
    log_path: str | Path,
    *,
    config_path: str | Path,
    out: Path,
    replications: int = 20,
    seed: int | None = None,
    calibrate: bool = False,
    calibrate_by: str = "group",
    plots: bool = True,
    overwrite: bool = False,
    max_snap_m: float | None = None,
    disruptions: str | Path | None = None,
) -> int:
    """Replay a log, print observed against simulated, write the folder.

    Everything is read and checked before anything is written: a bad row stops
    the command with one line naming the log, the row and the column, and the
    output folder is left as it was.

    Parameters
    ----------
    log_path
        The log (CSV; columns in :mod:`experiments.replay.log`).
    config_path
        The region's run config (network, stations, policy).
    out
        Output folder.
    replications
        Replications of the response.
    seed
        Root seed (the config's ``run.seed`` if ``None``).
    calibrate
        Also fit turnout and road speeds, and compare again at the fit.
    calibrate_by
        One speed factor per road ``"group"`` (major, minor, local) or per road ``"class"``.
    plots
        Whether to draw the figures.
    overwrite
        Whether an earlier yingji output in ``out`` may be replaced.
    max_snap_m
        Farthest a log's lon/lat may lie from a road node, metres (``None``: 500).
    disruptions
        The roads closed or slowed while the log ran (CSV; ``None``: open roads).

    Returns
    -------
    int
        Exit status.
    """
    import json

    from experiments.config import RunConfig, adopt_file_language
    from experiments.outdir import check_folder_target, staged_folder
    from experiments.replay.adjust import adjusted_region
    from experiments.replay.fit import calibrate_replay
    from experiments.replay.log import read_replay_log
    from experiments.replay.outputs import format_replay, write_replay
    from experiments.replay.simulate import replay
    from networks.files import atomic_write_text

    adopt_file_language(config_path)
    cfg = RunConfig.from_file(config_path)
    adopt(getattr(cfg, "language", None))
    check_folder_target(out, overwrite=overwrite, command="replay")
    region = cfg.region()
    log = read_replay_log(log_path, region.network, max_snap_m=max_snap_m, disruptions=disruptions)
    if calibrate:  # refuse before any simulation when there is nothing to calibrate on
        from experiments.replay.calibrate import check_observed

        check_observed(log, source=log.source)
    cfg = dataclasses.replace(cfg, seed=cfg.seed if seed is None else seed)
    result = replay(cfg, log, region=region, replications=replications)
    print(format_replay(result, title=str(log_path), names_zh=region.names_zh))
    fit = after = None
    if calibrate:
        fit = calibrate_replay(cfg, log, region=region, by=calibrate_by)
        tuned = adjusted_region(region, speed=fit.speed, turnout=fit.turnout)
        after = replay(cfg, log, region=tuned, replications=replications)
        print()
        print(_("after calibration:"))
        print(format_replay(after, calibration=fit, names_zh=region.names_zh))
    with staged_folder(out, command="replay", overwrite=overwrite) as stage:
        written = write_replay(result, region, stage, plots=plots)
        if fit is not None and after is not None:
            written.append(
                atomic_write_text(
                    stage / "calibration.json",
                    json.dumps(fit.to_dict(), ensure_ascii=False, indent=2) + "\n",
                )
            )
            (stage / "calibrated").mkdir()
            written += write_replay(after, tuned, stage / "calibrated", plots=plots)
    print()
    print(_("wrote {n} files to {out}/").format(n=len(written), out=out))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """``yingji replay``."""
    return replay_and_report(
        args.log,
        config_path=args.config,
        out=Path(args.out),
        replications=args.replications,
        seed=args.seed,
        calibrate=args.calibrate,
        calibrate_by=args.calibrate_by,
        plots=not args.no_plots,
        overwrite=args.overwrite,
        max_snap_m=args.max_snap_m,
        disruptions=args.disruptions,
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``replay`` to the ``yingji`` parser."""
    from experiments.commands.run import add_output_options

    p = sub.add_parser(
        "replay",
        help=_("replay a historical incident log through a region and compare the times"),
    )
    p.add_argument("log", help=_("incident log (CSV) with the observed times"))
    p.add_argument("--config", required=True, help=_("the region's run config (TOML)"))
    p.add_argument(
        "--replications",
        type=argtypes.replications,
        default=20,
        help=_("replications of the response (default 20)"),
    )
    p.add_argument(
        "--seed", type=argtypes.seed, default=None, help=_("root seed (default: the config's)")
    )
    p.add_argument(
        "--calibrate",
        action="store_true",
        help=_("fit turnout and road speeds to the log, then compare again"),
    )
    p.add_argument(
        "--calibrate-by",
        choices=("group", "class"),
        default="group",
        help=_("one speed factor per road group (major, minor, local; default) or per road class"),
    )
    p.add_argument(
        "--max-snap-m",
        type=argtypes.number(0.0, MAX_SNAP_LIMIT_M),
        default=None,
        metavar="M",
        help=_(
            "farthest a log's lon/lat may lie from a road node, metres (default 500; raise it "
            "where long rural or expressway edges have no node near the scene)"
        ),
    )
    p.add_argument(
        "--disruptions",
        metavar="CSV",
        default=None,
        help=_(
            "roads closed or slowed while the log ran, as yingji scenario sample and a run's "
            "records/rep-NNN/disruptions.csv write them (default: the roads stayed open)"
        ),
    )
    add_output_options(p, "yingji-replay")
    p.add_argument("--no-plots", action="store_true", help=_("skip the plots"))
    p.set_defaults(func=cmd_replay)
