"""Files of a siting task: sites (CSV, GeoJSON), coverage, the proposed facilities, plots.

Everything is written through a temporary file and a rename, so a failed run
leaves earlier files whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from experiments.config import Region
from experiments.siting.evaluate import Evaluation
from experiments.siting.plan import SitingResult
from experiments.siting.task import task_label
from experiments.store import atomic_write_text, write_table
from networks import i18n
from networks.i18n import _
from networks.names import facility_label

#: Every file ``yingji site`` may write into a task's folder.
SITE_FILES = (
    "sites.csv", "sites.geojson", "coverage.json", "proposed_stations.csv",
    "proposed_depots.csv", "coverage_map.png", "evaluation.csv", "evaluation_replications.csv",
    "evaluation.png",
)  # fmt: skip


def site_names_zh(result: SitingResult, proposed: Region) -> dict[str, str]:
    """Chinese names of the sites of :func:`site_table`, closed and merged ones included.

    Parameters
    ----------
    result
        The solved task (its problem holds the current region's names).
    proposed
        The proposed region.

    Returns
    -------
    dict
        ``name -> name_zh``.
    """
    return {**result.problem.current_names_zh, **proposed.names_zh}


def site_table(result: SitingResult, proposed: Region) -> dict[str, list[Any]]:
    """One row per site of the tier, current or proposed.

    Columns: ``name``, ``name_zh`` (its Chinese name, empty if it has none); ``status``
    (``kept``, ``new``, ``closed``, ``fixed`` for
    sites fixed open, ``merged`` for a current site that shares its node with a
    facility of another tier, which serves there instead); ``tier``, ``node``,
    ``osmid``, ``lon``, ``lat``, ``x``, ``y``; ``demand_served`` (demand weight
    nearer to this site than to any other open site) and
    ``demand_within_standard`` (of that, the part within the travel standard).
    """
    prob = result.problem
    net, task = prob.network, prob.task
    facilities = proposed.stations if task.facility == "stations" else proposed.depots
    name_at = {f.node: f.name for f in facilities if f.tier == task.tier}
    name_at.update({n: nm for n, nm in zip(prob.current, prob.current_names, strict=True)})
    sel, cur = result.selected, prob.current
    nodes = np.union1d(sel, cur)
    served = np.zeros(nodes.size)
    within = np.zeros(nodes.size)
    open_sites = np.union1d(sel, prob.background)
    tt = net.travel_times(open_sites)[:, prob.demand_nodes] / 60.0
    best = np.argmin(tt, axis=0)
    reach = tt[best, np.arange(best.size)]
    for k, node in enumerate(nodes):
        if node in sel:
            mine = open_sites[best] == node
            served[k] = prob.weights[mine].sum()
            within[k] = prob.weights[mine & (reach <= prob.budget_min)].sum()
    status_at = result.statuses()
    status = [status_at[int(n)] for n in nodes]
    names = [name_at.get(int(n), f"Node {n}") for n in nodes]
    zh = site_names_zh(result, proposed)
    with i18n.language("zh"):  # as a Chinese map or report names it, in any language
        shown = [facility_label(n, zh) for n in names]
    return {
        "name": names,
        "name_zh": [z if z != n else "" for n, z in zip(names, shown, strict=True)],
        "status": status,
        "tier": [task.tier] * nodes.size,
        "node": nodes.tolist(),
        "osmid": net.nodes.osmid[nodes].tolist(),
        "lon": np.round(net.nodes.lon[nodes], 7).tolist(),
        "lat": np.round(net.nodes.lat[nodes], 7).tolist(),
        "x": np.round(net.nodes.x[nodes], 2).tolist(),
        "y": np.round(net.nodes.y[nodes], 2).tolist(),
        "demand_served": served.tolist(),
        "demand_within_standard": within.tolist(),
    }


def sites_geojson(table: dict[str, list[Any]]) -> dict[str, Any]:
    """The site table as a GeoJSON FeatureCollection of points (WGS84 lon/lat)."""
    keys = [k for k in table if k not in ("lon", "lat")]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [table["lon"][i], table["lat"][i]]},
            "properties": {k: table[k][i] for k in keys},
        }
        for i in range(len(table["node"]))
    ]
    return {"type": "FeatureCollection", "features": features}


def facility_rows(facilities: Any, network: Any, kind: str) -> dict[str, list[Any]]:
    """Facilities as the tidy table ``facilities.stations``/``depots`` reads back.

    Stations: one row per team type; the turnout is written as its mean and
    coefficient of variation (``turnout_min``, ``turnout_cv``), which read back
    as a lognormal: exact for lognormal and fixed turnouts, the same first two
    moments for others. Depots: one row per item. A ``name_zh`` column follows
    ``name`` when some facility has a Chinese name.
    """
    cols: dict[str, list[Any]] = {}

    def add(**row: Any) -> None:
        for k, v in row.items():
            cols.setdefault(k, []).append(v)

    # A Chinese name column only where some facility has one (the table reads back either way).
    zh = any(getattr(f, "name_zh", "") for f in facilities)
    for f in facilities:
        names = {"name": f.name, **({"name_zh": f.name_zh} if zh else {})}
        where = {
            "node": int(f.node),
            "lon": round(float(network.nodes.lon[f.node]), 7),
            "lat": round(float(network.nodes.lat[f.node]), 7),
        }
        if kind == "stations":
            for t in f.teams:
                mean = float(t.turnout.mean)
                cv = float(np.sqrt(t.turnout.variance)) / mean if mean > 0 else 0.0
                add(**names, tier=f.tier, **where, capability=t.capability, size=t.size,
                    count=t.count, turnout_min=round(mean, 6), turnout_cv=round(cv, 6),
                    area=f.area)  # fmt: skip
        else:
            for item, qty in f.stock:
                add(**names, tier=f.tier, **where, item=item, quantity=int(qty),
                    parent=f.parent or "", lead_time_min=f.lead_time_min)  # fmt: skip
    return cols


def coverage_summary(result: SitingResult, evaluation: Evaluation | None = None) -> dict[str, Any]:
    """JSON-ready account of the task, the solver's report and the coverage before/after."""
    prob = result.problem
    from networks import __version__
    from networks.i18n import get_language

    out: dict[str, Any] = {
        "yingji_version": __version__,
        "language": get_language(),  # of the tables and maps; numbers do not depend on it
        "task": {
            "name": prob.task.name,
            "facility": prob.task.facility,
            "tier": prob.task.tier,
            "model": prob.task.model,
            "p": prob.p,
            "standard_min": prob.standard_min,
            "turnout_min": prob.task.turnout_min,
            "travel_standard_min": prob.budget_min,
            "demand": str(prob.task.demand),
            "candidates": str(prob.task.candidates),
            "fix": str(prob.task.fix),
            # What else shapes the answer: the sample (seed and streams) and the model's knobs.
            "seed": prob.seed if prob.task.demand == "scenario" else None,
            "demand_samples": (1 if prob.from_log else prob.task.demand_samples)
            if prob.task.demand == "scenario"
            else None,
            "demand_from_log": prob.from_log,
            "capacity": prob.task.capacity,
            "backup_weight": prob.task.backup_weight,
            "min_coverage": prob.task.min_coverage,
            "upstream_weight": prob.task.upstream_weight,
        },
        "sizes": {
            "demand_points": int(prob.demand_nodes.size),
            "demand_weight": float(prob.weights.sum()),
            "candidates": int(prob.candidate_sites.size),  # as printed: other tiers' apart
            "other_tier_sites": int(prob.background.size),
            "fixed": int(prob.fixed.size),
        },
        "solver": result.report,
        "before": result.before,
        "after": result.after,
        "selected_nodes": result.selected.tolist(),
    }
    if evaluation is not None:
        t = evaluation.table()
        out["evaluation"] = {
            "replications": evaluation.replications,
            "rows": [{k: _plain(t[k][i]) for k in t} for i in range(len(t["metric"]))],
        }
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if not np.isfinite(v) else float(v)
    return v


def write_siting_outputs(
    result: SitingResult,
    proposed: Region,
    out: Path,
    *,
    evaluation: Evaluation | None = None,
    plots: bool = True,
) -> list[Path]:
    """Write one task's files into ``out`` (created if missing).

    Files: ``sites.csv``, ``sites.geojson``, ``coverage.json``,
    ``proposed_<facility>.csv`` (the whole proposed set, readable as
    ``facilities.<facility>`` of a run config), ``coverage_map.png``; with an
    evaluation also ``evaluation.csv`` and ``evaluation.png``. Files of
    :data:`SITE_FILES` that this run does not write are removed, so the folder
    describes one run; other files are left alone.

    Returns
    -------
    list of pathlib.Path
        Files written.
    """
    from experiments.figures import save_figure
    from experiments.siting.plots import plot_coverage_map, plot_evaluation

    out.mkdir(parents=True, exist_ok=True)
    task = result.problem.task
    table = site_table(result, proposed)
    written = [write_table(table, out / "sites", fmt="csv")]
    written.append(
        atomic_write_text(out / "sites.geojson", json.dumps(sites_geojson(table), indent=1) + "\n")
    )
    summary = coverage_summary(result, evaluation)
    written.append(atomic_write_text(out / "coverage.json", json.dumps(summary, indent=2) + "\n"))
    facilities = proposed.stations if task.facility == "stations" else proposed.depots
    rows = facility_rows(facilities, proposed.network, task.facility)
    written.append(write_table(rows, out / f"proposed_{task.facility}", fmt="csv"))
    if evaluation is not None:
        written.append(write_table(evaluation.table(), out / "evaluation", fmt="csv"))
        written.append(
            write_table(evaluation.replication_table(), out / "evaluation_replications", fmt="csv")
        )
    if plots:
        names = dict(zip(table["node"], table["name"], strict=True))
        fig = plot_coverage_map(result, names=names, names_zh=site_names_zh(result, proposed))
        written.append(save_figure(fig, out / "coverage_map.png"))
        if evaluation is not None:
            title = _("{task}: proposed vs current siting").format(task=task_label(task))
            fig = plot_evaluation(evaluation, title=title)
            written.append(save_figure(fig, out / "evaluation.png"))
    # Files an earlier run left (an evaluation, plots, the other facility's table) would
    # sit beside this run's as if they belonged to it.
    for name in set(SITE_FILES) - {p.name for p in written}:
        (out / name).unlink(missing_ok=True)
    return written


def keep_other_tasks(out: Path, stage: Path, names: set[str]) -> None:
    """Copy an earlier run's task folders that this run does not write into ``stage``.

    Parameters
    ----------
    out
        The ``--out`` folder of ``yingji site`` (may not exist yet).
    stage
        The staged folder that replaces ``out`` as a whole.
    names
        The tasks this run writes (their earlier folders are not copied).
    """
    import shutil

    from experiments.outdir import MARKER

    if not out.is_dir():
        return
    for entry in sorted(out.iterdir()):
        if entry.name in names or entry.name == MARKER:
            continue
        if entry.is_dir():
            shutil.copytree(entry, stage / entry.name)
        else:
            shutil.copy2(entry, stage / entry.name)
