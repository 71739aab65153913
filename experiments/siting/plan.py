"""A siting task on a configured region: demand, candidates, the model, before and after.

The tier being sited is the *current* siting; facilities of the other tiers
stay where they are and keep serving demand (for depots, only the tiers above:
the ones below are restocked from the tier being sited). They enter the models
as fixed sites that do not count towards ``p``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.config import Region, RunConfig
from experiments.siting.errors import InfeasibleError, SitingError
from experiments.siting.moves import fewest_moves
from experiments.siting.places import candidate_nodes, demand_weights, fix_names, table_nodes
from experiments.siting.task import SitingTask, facilities_text
from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork

logger = logging.getLogger(__name__)


@dataclass
class SitingProblem:
    """The inputs of one siting task, as node indices of one network.

    Attributes
    ----------
    task
        The task.
    network
        The road network.
    standard_min, budget_min
        The standard, and the travel it leaves after turnout, minutes.
    demand_nodes, weights
        Demand points and their demand (all weights positive).
    candidates
        Candidate site nodes (sorted, distinct; current, fixed and background sites included).
    current, current_names
        Nodes and names of the facilities of the tier now.
    background
        Nodes of the other facilities that keep serving (fixed, outside ``p``).
    fixed
        Nodes of this tier that must stay open.
    p
        Sites of this tier to open (``None`` for LSCP, which finds the fewest).
    names
        Names given to sites by the ``fix`` table (node -> name).
    current_names_zh
        Chinese names of the region's facilities now (closed and merged sites
        keep theirs on the maps).
    seed
        The root seed the demand was sampled from (``demand = "scenario"``).
    from_log
        Whether the demand is the incidents of the config's log (``demand = "scenario"``
        with ``[scenario] incidents``), counted once.
    """

    task: SitingTask
    network: RoadNetwork
    standard_min: float
    budget_min: float
    demand_nodes: np.ndarray
    weights: np.ndarray
    candidates: np.ndarray
    current: np.ndarray
    current_names: tuple[str, ...]
    background: np.ndarray
    fixed: np.ndarray
    p: int | None
    names: dict[int, str] = field(default_factory=dict)
    current_names_zh: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    from_log: bool = False

    @property
    def candidate_sites(self) -> np.ndarray:
        """The candidate sites: :attr:`candidates` without other tiers' sites (:attr:`background`).

        The nodes where a site of another tier already stands serve as they are. This is
        what ``yingji site`` prints as the candidate sites, ``coverage.json`` stores as
        ``sizes.candidates`` and the map draws as its candidate layer (docs/siting.md).
        """
        return np.setdiff1d(self.candidates, self.background)


@dataclass
class SitingResult:
    """A solved siting task.

    Attributes
    ----------
    problem
        What was solved.
    model
        The solved location model (its ``_`` attributes hold the solver's report).
    selected
        Nodes of the tier's sites in the solution (sorted).
    before, after
        Coverage statistics of the current and the proposed siting
        (:func:`coverage_stats`).
    """

    problem: SitingProblem
    model: Any
    selected: np.ndarray
    before: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)

    def statuses(self) -> dict[int, str]:
        """What happens at each current or selected site of the tier (node -> status).

        ``kept``, ``new``, ``fixed`` (selected and fixed open), ``closed``, or
        ``merged``: a current site on the node of a facility of another tier,
        which the model counts as serving there already.
        """
        prob, sel = self.problem, set(self.selected.tolist())
        cur, fixed, bg = (set(a.tolist()) for a in (prob.current, prob.fixed, prob.background))
        out = {}
        for n in sorted(sel | cur):
            if n in sel:
                out[n] = "fixed" if n in fixed else "kept" if n in cur else "new"
            else:
                out[n] = "merged" if n in bg else "closed"
        return out

    @property
    def report(self) -> dict[str, Any]:
        """The solver's status, objective, gap and time as plain values."""
        m = self.model
        return {
            "status": str(m.status_),
            "objective": float(m.objective_),
            "bound": float(m.bound_),
            "gap": float(m.gap_),
            "solve_time_s": float(m.solve_time_),
        }


def build_problem(task: SitingTask, config: RunConfig, region: Region) -> SitingProblem:
    """Demand, candidates, current and fixed sites of a task on a region.

    Parameters
    ----------
    task
        The siting task.
    config
        The run config (scenario, seed and targets for the defaults).
    region
        The config's region (network and placed facilities).

    Returns
    -------
    SitingProblem
    """
    net = region.network
    facilities = region.stations if task.facility == "stations" else region.depots
    mine = [f for f in facilities if f.tier == task.tier]
    current = np.array([f.node for f in mine], dtype=np.int64)
    if task.facility == "stations":
        others = [f for f in facilities if f.tier != task.tier]
    else:
        from sim.facilities import DEPOT_TIERS

        rank = DEPOT_TIERS.index(task.tier)
        others = [f for f in facilities if DEPOT_TIERS.index(f.tier) < rank]
    background = np.unique(np.array([f.node for f in others], dtype=np.int64))
    if task.model == "hierarchy" and background.size == 0:
        raise task.error("model", _("the hierarchy model needs depots of a higher tier to stay"))

    if isinstance(task.fix, Path):
        nodes, rows = table_nodes(task.fix, net, task, "fix")
        fixed = np.unique(nodes)
        # A fixed site that is not a facility yet keeps the name its table gives it.
        names = fix_names(task.fix, nodes, rows, facilities, task.facility)
        _warn_fixed_on_others(task.fix, nodes, rows, others)
    elif task.fix == "current":
        fixed, names = np.unique(current), {}
    else:
        fixed, names = np.zeros(0, dtype=np.int64), {}
    fixed = np.setdiff1d(fixed, background)  # a fixed site already there is background

    cand = np.union1d(candidate_nodes(task, net, current), np.union1d(current, fixed))
    if task.model != "hierarchy":
        cand = np.union1d(cand, background)
    if cand.size == 0:
        raise task.error("candidates", _("no candidate sites"))

    p = None
    if task.model != "lscp":
        p = task.p if task.p is not None else int(current.size)
        key = "p" if task.p is not None else "tier"
        if p < 1:
            raise task.error(
                key,
                _("no {facilities} now; give p").format(
                    facilities=facilities_text(task.facility, task.tier)
                ),
            )
        if fixed.size > p:
            raise task.error(
                "p", _("{n} sites are fixed open, more than p = {p}").format(n=fixed.size, p=p)
            )
        free = cand.size - (np.isin(cand, background).sum() if task.model != "hierarchy" else 0)
        if p > free:
            raise task.error("p", _("p = {p} exceeds the {n} candidate sites").format(p=p, n=free))
    targets = dict(config.targets)
    dem, w = demand_weights(task, config, region)
    return SitingProblem(
        task=task,
        network=net,
        standard_min=task.standard(targets),
        budget_min=task.travel_budget_min(targets),
        demand_nodes=dem,
        weights=w,
        candidates=cand,
        current=current,
        current_names=tuple(f.name for f in mine),
        background=background,
        fixed=fixed,
        p=p,
        names=names,
        current_names_zh=region.names_zh,
        seed=config.seed,
        from_log=task.demand == "scenario" and config.incidents is not None,
    )


def _model(problem: SitingProblem) -> Any:
    from experiments.siting import LSCP, MCLP, BackupCoverage, PCenter, PMedian, SupplyHierarchy

    t = problem.task
    net, dem, w, cand = problem.network, problem.demand_nodes, problem.weights, problem.candidates
    standard_s = problem.budget_min * 60.0
    if t.model == "hierarchy":
        return SupplyHierarchy.from_network(
            net, dem, w, cand, problem.background,
            fixed_townships=problem.fixed, p_township=problem.p, standard=standard_s,
            min_coverage=t.min_coverage, upstream_weight=t.upstream_weight,
            time_limit=t.time_limit_s,
        )  # fmt: skip
    fixed = np.union1d(problem.background, problem.fixed)
    common: dict[str, Any] = {"fixed": fixed, "time_limit": t.time_limit_s}
    p = None if problem.p is None else problem.p + problem.background.size
    if t.model == "lscp":
        return LSCP.from_network(net, dem, w, cand, standard=standard_s, **common)
    if t.model == "mclp":
        return MCLP.from_network(net, dem, w, cand, standard=standard_s, p=p, **common)
    if t.model == "backup":
        return BackupCoverage.from_network(
            net, dem, w, cand, standard=standard_s, p=p, backup_weight=t.backup_weight, **common
        )
    if t.model == "pmedian":
        cap = None
        if t.capacity is not None:  # other tiers' sites keep serving without a limit
            cap = np.where(np.isin(cand, problem.background), np.inf, t.capacity)
        return PMedian.from_network(net, dem, w, cand, p=p, capacity=cap, **common)
    return PCenter.from_network(net, dem, w, cand, p=p, **common)


def nearest_minutes(network: RoadNetwork, sites: np.ndarray) -> np.ndarray:
    """Minutes from the nearest of ``sites`` to every node (``inf`` if none reaches it)."""
    sites = np.unique(np.asarray(sites, dtype=np.int64))
    if sites.size == 0:
        return np.full(network.n_nodes, np.inf)
    return network.travel_times(sites).min(axis=0).astype(np.float64) / 60.0


def coverage_stats(
    minutes: np.ndarray, demand_nodes: np.ndarray, weights: np.ndarray, budget_min: float
) -> dict[str, float]:
    """Demand-weighted coverage and travel-time statistics of one siting.

    Parameters
    ----------
    minutes
        Minutes from the nearest open site to every node.
    demand_nodes, weights
        Demand points and their demand.
    budget_min
        Travel standard, minutes.

    Returns
    -------
    dict
        ``covered_share`` (of demand within the standard), ``mean_min``,
        ``median_min``, ``p90_min`` and ``max_min`` of the reachable demand,
        ``unreachable_share``, and ``nodes_covered_share`` (of all nodes, unweighted).
    """
    t = minutes[demand_nodes]
    w = np.asarray(weights, dtype=np.float64)
    total = w.sum()
    ok = np.isfinite(t)
    out = {
        "covered_share": float(w[t <= budget_min].sum() / total),
        "unreachable_share": float(w[~ok].sum() / total),
        "nodes_covered_share": float(np.mean(minutes <= budget_min)),
    }
    if ok.any():
        out["mean_min"] = float(np.average(t[ok], weights=w[ok]))
        q = np.quantile(t[ok], [0.5, 0.9], weights=w[ok], method="inverted_cdf")
        out["median_min"], out["p90_min"] = float(q[0]), float(q[1])
        out["max_min"] = float(t[ok].max())
    return out


def solve_problem(problem: SitingProblem) -> SitingResult:
    """Solve a siting problem and measure the current and proposed siting.

    Returns
    -------
    SitingResult

    Raises
    ------
    SitingError
        If the model cannot be solved (for instance LSCP with demand no
        candidate reaches within the standard).
    """
    model = _model(problem).solve()
    if problem.task.model == "hierarchy":
        positions = fewest_moves(problem, model, model.selected_townships_)
        chosen = model.township_nodes[positions]
    else:
        positions = fewest_moves(problem, model, model.selected_)
        chosen = np.setdiff1d(problem.candidates[positions], problem.background)
    selected = np.sort(np.asarray(chosen, dtype=np.int64))
    result = SitingResult(problem=problem, model=model, selected=selected)
    for name, sites in (("before", problem.current), ("after", selected)):
        minutes = nearest_minutes(problem.network, np.union1d(sites, problem.background))
        stats = coverage_stats(minutes, problem.demand_nodes, problem.weights, problem.budget_min)
        stats["sites"] = int(np.unique(sites).size)
        stats["new_sites"] = int(np.setdiff1d(sites, problem.current).size)
        setattr(result, name, stats)
    if problem.task.model == "hierarchy":
        # What the hierarchy model optimises: delivery time along the supply chain.
        pos = {int(n): k for k, n in enumerate(model.township_nodes)}
        w = model.weights
        for name, sites in (("before", problem.current), ("after", selected)):
            cols = np.array([pos[int(n)] for n in sites if int(n) in pos], dtype=np.int64)
            t = model.evaluate(cols)[0]
            getattr(result, name)["chain_mean_min"] = float(w @ t / w.sum() / 60.0)
    return result


def _warn_fixed_on_others(path: Path, nodes: np.ndarray, rows: list, others: list) -> None:
    """Say which rows of a ``fix`` table stand where another tier's facility already serves.

    Such a site is that facility's node: it serves there whatever this tier does, so
    the row adds no fixed site. Said once per row, not refused (keeping it is moot).
    """
    at = {f.node: f.name for f in others}
    for node, row in zip(nodes.tolist(), rows, strict=True):
        if node in at:
            logger.warning(
                _(
                    "{source}: {where}: {other} already stands there and serves as it is; "
                    "the row adds no fixed site"
                ).format(source=path, where=row.key(), other=at[node])
            )


def site(task: SitingTask, config: RunConfig, region: Region | None = None) -> SitingResult:
    """Build and solve one task (the whole job of ``yingji site`` without the files).

    Parameters
    ----------
    task
        The siting task.
    config
        The run config.
    region
        Its region, if already built.

    Returns
    -------
    SitingResult
    """
    region = config.region() if region is None else region
    try:
        return solve_problem(build_problem(task, config, region))
    except InfeasibleError as exc:
        message = _(
            '{error}; add candidates (candidates = "nodes") or relax standard_min '
            "(travel standard {minutes} min)"
        ).format(error=exc, minutes=f"{task.travel_budget_min(dict(config.targets)):g}")
        raise ConfigError(message, source=task.source, key=task.key or None) from None
    except SitingError as exc:
        raise ConfigError(str(exc), source=task.source, key=task.key or None) from None
