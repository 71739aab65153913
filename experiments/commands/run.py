"""``yingji run CONFIG.toml``: a configured region and scenario, end to end."""

from __future__ import annotations

import argparse
from pathlib import Path


def run_and_report(
    config_path: str | Path | None,
    *,
    out: Path,
    seed: int | None = None,
    replications: int | None = None,
    plots: bool = True,
    config: object = None,
) -> int:
    """Run a config's replications, print the summary table and write the outputs.

    Parameters
    ----------
    config_path
        TOML run config (ignored if ``config`` is given).
    out
        Output folder.
    seed, replications
        Override the config's ``run.seed`` and ``run.replications``.
    plots
        Whether to draw plots.
    config
        An already built :class:`experiments.config.RunConfig`.

    Returns
    -------
    int
        Exit status.
    """
    from experiments.config import RunConfig
    from experiments.outputs import format_summary, write_run_outputs
    from experiments.runner import run_config

    cfg = config if isinstance(config, RunConfig) else RunConfig.from_file(config_path)
    region = cfg.region()  # validate placements before any work
    results = run_config(cfg, seed=seed, replications=replications)
    print(format_summary(cfg, results))
    written = write_run_outputs(cfg, region, results, out, plots=plots)
    print(f"\nwrote {len(written)} files to {out}/ (summary.json, records/, plots)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``yingji run``."""
    return run_and_report(
        args.config,
        out=Path(args.out),
        seed=args.seed,
        replications=args.replications,
        plots=not args.no_plots,
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``run`` to the ``yingji`` parser."""
    p = sub.add_parser("run", help="simulate a configured region and scenario")
    p.add_argument("config", help="run config (TOML)")
    p.add_argument("--seed", type=int, default=None, help="root seed (default: the config's)")
    p.add_argument("--replications", type=int, default=None, help="default: the config's")
    p.add_argument("--out", default="yingji-run", help="output folder (default: yingji-run)")
    p.add_argument("--no-plots", action="store_true", help="skip the plots")
    p.set_defaults(func=cmd_run)
