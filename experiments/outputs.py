"""What ``yingji run`` and ``yingji demo`` write: records, ``summary.json``, plots, a table.

Layout of the output folder::

    summary.json                  config, per-replication summaries, means with 95 % CIs
    records/rep-000/incidents.csv one row per incident (also .parquet with pyarrow)
    records/rep-000/dispatches.csv
    records/rep-000/supplies.csv
    records-parquet/rep-000/...   the same tables as Parquet, where pyarrow is installed
    response_times.png            the standard's intervals against their targets
    incident_map.png              incidents coloured by minutes to first arrival
    utilisation.png               team utilisation by station

The commands write this into a staging folder that
:func:`experiments.outdir.staged_folder` swaps in whole, so a folder never
holds parts of two runs, and a failed run leaves the earlier folder as it was.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from experiments.analysis import mean_ci
from experiments.config import Region, RunConfig
from experiments.runner import ReplicationResult
from experiments.store import atomic_write_text, write_table

#: Metrics shown in the printed summary, with labels.
HEADLINE = (
    ("compliance_call_taking", "call taken within target", "share"),
    ("compliance_arrival", "first team on scene within target", "share"),
    ("compliance_control", "under control within target", "share"),
    ("compliance_all_three", "all three targets met", "share"),
    ("intervals_call_taking_mean", "call taking, mean", "min"),
    ("intervals_arrival_mean", "call taken -> first arrival, mean", "min"),
    ("intervals_arrival_median", "call taken -> first arrival, median", "min"),
    ("intervals_arrival_p90", "call taken -> first arrival, 90th pct", "min"),
    ("intervals_control_mean", "first arrival -> under control, mean", "min"),
    ("incidents", "incidents", "count"),
    ("served", "served", "count"),
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yingji")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def across_replications(results: Sequence[ReplicationResult]) -> dict[str, dict[str, float]]:
    """Mean and 95 % Student-t interval of every numeric metric over replications."""
    keys = [
        k
        for k, v in results[0].summary.items()
        if isinstance(v, int | float)
        and not isinstance(v, bool)
        and k not in ("replication", "root_seed")
    ]
    out = {}
    for k in keys:
        values = [r.summary.get(k) for r in results]
        ci = mean_ci([math.nan if v is None else v for v in values])
        out[k] = {"mean": ci.mean, "ci_low": ci.low, "ci_high": ci.high, "n": ci.n}
    return out


def _clean(value: Any) -> Any:
    """JSON cannot hold nan or inf: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def format_summary(config: RunConfig, results: Sequence[ReplicationResult]) -> str:
    """A readable table of the headline metrics (mean and 95 % CI over replications)."""
    across = across_replications(results)
    first = results[0].summary
    t = (
        first.get("targets_call_taking"),
        first.get("targets_arrival"),
        first.get("targets_control"),
    )
    policy = dict(config.policy).get("name")
    lines = [
        f"{config.name or 'run'}: scenario {config.scenario}, policy {policy}, "
        f"{len(results)} replication(s), seed {results[0].summary.get('root_seed')}",
        f"standard: call taken <= {t[0]:g} min, first arrival <= {t[1]:g} min after, "
        f"under control <= {t[2]:g} min after arrival",
        "",
        f"{'metric':<40}{'mean':>10}{'95% CI':>22}",
    ]
    for key, label, unit in HEADLINE:
        if key not in across:
            continue
        a = across[key]
        if unit == "share":
            # A share lies in [0, 1]; the t interval of a few replications may not.
            mean, lo, hi = (100 * min(max(a[x], 0.0), 1.0) for x in ("mean", "ci_low", "ci_high"))
            cell = f"{mean:9.1f}%"
            ci = f"{lo:.1f} - {hi:.1f}%" if math.isfinite(lo) else "-"
        else:
            mean, lo, hi = a["mean"], a["ci_low"], a["ci_high"]
            cell = f"{mean:10.1f}" if math.isfinite(mean) else f"{'-':>10}"
            ci = f"{lo:.1f} - {hi:.1f}" if math.isfinite(lo) else "-"
        lines.append(f"{label:<40}{cell}{ci:>22}")
    unserved = {
        k.removeprefix("unserved_"): v for k, v in across.items() if k.startswith("unserved_")
    }
    if unserved:
        lines.append(
            "unserved (mean per run): "
            + ", ".join(f"{k} {v['mean']:.1f}" for k, v in sorted(unserved.items()))
        )
    stockouts = {k: v for k, v in across.items() if k.startswith("stockouts_") and v["mean"]}
    if stockouts:
        lines.append(
            "stock-outs (mean per run): "
            + ", ".join(
                # tier "none": no depot that could reach the scene carried the item
                f"{k.removeprefix('stockouts_').replace('none_', 'nowhere_')} {v['mean']:.1f}"
                for k, v in stockouts.items()
            )
        )
    busiest = sorted(
        (
            (v["mean"], k.removeprefix("utilisation_").removesuffix("_committed"))
            for k, v in across.items()
            if k.startswith("utilisation_") and k.endswith("_committed")
        ),
        reverse=True,
    )[:3]
    if busiest:
        lines.append(
            "busiest stations (share of team time committed): "
            + ", ".join(f"{name} {100 * u:.1f}%" for u, name in busiest)
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
        Whether to draw the three plots (from replication 0).

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
        for name in ("incidents", "dispatches", "supplies"):
            (out / "records" / rep).mkdir(parents=True, exist_ok=True)
            written.append(write_table(tables[name], out / "records" / rep / name, fmt="csv"))
            if parquet:
                (out / "records-parquet" / rep).mkdir(parents=True, exist_ok=True)
                stem = out / "records-parquet" / rep / name
                written.append(write_table(tables[name], stem, fmt="parquet"))
    summary = {
        "yingji_version": _version(),
        "config": config.to_dict(),
        "replications": [r.summary for r in results],
        "across_replications": across_replications(results),
    }
    written.append(
        atomic_write_text(out / "summary.json", json.dumps(_clean(summary), indent=2) + "\n")
    )
    if plots:
        targets = ResponseTargets.from_dict(dict(config.targets))
        rec = results[0].records
        written.append(
            save_figure(plot_response_times(rec, targets=targets), out / "response_times.png")
        )
        written.append(
            save_figure(plot_incident_map(region.network, rec), out / "incident_map.png")
        )
        written.append(save_figure(plot_utilisation(rec), out / "utilisation.png"))
    return written
