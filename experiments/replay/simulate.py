"""Replay a log's incidents through a region's model, replication by replication.

The log fixes what happened where and when (time, place, hazard, grade); the
replications draw only what it does not fix: call taking, turnout, travel
noise and, unless the log gives it, the work on scene. Replication ``r`` draws
from the response half of the run's seed tree (:func:`experiments.runner.
replication_seeds`), so a replay and a calibration trial at other factors see
the same random numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.replay.compare import (
    INTERVALS,
    AreaRow,
    QuantileRow,
    TwoSampleRow,
    area_differences,
    compare_quantiles,
    two_sample_tests,
)
from networks.errors import ConfigError
from networks.i18n import _

__all__ = [
    "ReplayResult",
    "first_due",
    "intervals_from_times",
    "replay",
    "simulate_intervals",
    "trip_minutes_by_group",
    "trip_strata",
]

#: Time columns, in the order of the response (``records.incidents`` names).
TIME_COLUMNS = ("call", "call_taken", "first_arrival", "under_control")


def intervals_from_times(times: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The three intervals from the four time columns (minutes; NaN where unknown).

    Parameters
    ----------
    times
        ``call``, ``call_taken``, ``first_arrival``, ``under_control``: arrays
        of equal shape (a column missing is all unknown).

    Returns
    -------
    dict
        :data:`~experiments.replay.compare.INTERVALS` key to array.
    """
    present = [np.asarray(times[c], dtype=np.float64) for c in TIME_COLUMNS if c in times]
    if not present:
        raise ConfigError(_("no time columns to compare"), key="times")
    shape = present[0].shape
    col = {
        c: np.asarray(times[c], dtype=np.float64) if c in times else np.full(shape, np.nan)
        for c in TIME_COLUMNS
    }
    return {
        "call_taking": col["call_taken"] - col["call"],
        "arrival": col["first_arrival"] - col["call_taken"],
        "control": col["under_control"] - col["first_arrival"],
    }


def first_due(region: Any, nodes: Any) -> tuple[np.ndarray, np.ndarray]:
    """The station that reaches each node first on free roads, and its travel minutes.

    Parameters
    ----------
    region
        An :class:`experiments.region.Region`.
    nodes
        Node index per incident.

    Returns
    -------
    area, minutes
        The first-due station's name (its area of first response, 责任区) and
        the free-flow minutes from it, one per incident.
    """
    node = np.asarray(nodes, dtype=np.int64)
    stations = region.stations
    tt = region.network.travel_times([s.node for s in stations])[:, node]
    best = np.argmin(tt, axis=0)
    labels = np.array([s.name for s in stations], dtype=object)
    return labels[best], tt[best, np.arange(node.size)].astype(np.float64) / 60.0


def trip_minutes_by_group(
    region: Any, nodes: Any, *, by: str = "group"
) -> tuple[np.ndarray, np.ndarray]:
    """Free-flow minutes of each incident's first-due trip, split by road group.

    The trip is the fastest route from the station that reaches the incident
    first; its minutes on each road group add up along the station's
    shortest-path tree (by pointer doubling: a few vectorised passes, not a
    walk per incident).

    Parameters
    ----------
    region
        An :class:`experiments.region.Region`.
    nodes
        Node index per incident.
    by
        ``"group"`` (:data:`experiments.replay.adjust.ROAD_GROUPS`) or ``"class"``
        (the network's OpenStreetMap road classes).

    Returns
    -------
    minutes, groups
        ``(len(groups), len(nodes))`` minutes and the group (or class) names.
    """
    from scipy.sparse import csgraph

    from experiments.replay.adjust import ROAD_GROUPS, road_group

    net = region.network
    node = np.asarray(nodes, dtype=np.int64)
    labels = (
        road_group(net.edges.highway)
        if by == "group"
        else np.asarray(net.edges.highway).astype(str)
    )
    groups = tuple(ROAD_GROUPS) if by == "group" else tuple(sorted(set(labels.tolist())))
    index = {g: k for k, g in enumerate(groups)}
    code = np.array([index[g] for g in labels], dtype=np.int64)
    # The group of the fastest edge between each pair of nodes (what the router takes).
    t = net.edge_time
    ok = np.isfinite(t)
    u, v, tt, cg = net.edges.u[ok], net.edges.v[ok], t[ok], code[ok]
    order = np.lexsort((tt, v, u))
    u, v, cg = u[order], v[order], cg[order]
    first = np.ones(u.size, dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    pair = u[first] * net.n_nodes + v[first]
    pair_group = cg[first]
    stations = region.stations
    tt_st = net.travel_times([s.node for s in stations])[:, node]
    due = np.argmin(tt_st, axis=0)
    out = np.zeros((len(groups), node.size))
    for k in np.unique(due):
        dist, pred = csgraph.dijkstra(net.csr, indices=stations[k].node, return_predecessors=True)
        has = pred >= 0
        own = np.zeros((len(groups), net.n_nodes))
        idx = np.flatnonzero(has)
        g = pair_group[np.searchsorted(pair, pred[idx] * net.n_nodes + idx)]
        own[g, idx] = (dist[idx] - dist[pred[idx]]) / 60.0
        ptr = np.where(has, pred, -1)
        while (ptr >= 0).any():  # list ranking: each pass doubles the jump
            live = np.flatnonzero(ptr >= 0)
            own[:, live] += own[:, ptr[live]]
            ptr[live] = ptr[ptr[live]]
        sel = due == k
        out[:, sel] = own[:, node[sel]]
    return out, np.array(groups)


def trip_strata(region: Any, nodes: Any, *, bands: int = 3, by: str = "group") -> np.ndarray:
    """Calibration strata: the road group a first-due trip mostly drives on, by length.

    Parameters
    ----------
    region
        The region.
    nodes
        Node index per incident.
    bands
        Trip-length bands (quantiles of free-flow minutes over all incidents).
    by
        Label trips by road ``"group"`` or road ``"class"``.

    Returns
    -------
    numpy.ndarray
        Labels like ``"major|2"``, one per incident.
    """
    minutes, groups = trip_minutes_by_group(region, nodes, by=by)
    total = minutes.sum(axis=0)
    edges = np.quantile(total, np.linspace(0, 1, bands + 1)[1:-1]) if total.size else []
    band = np.searchsorted(edges, total, side="right")
    main = groups[np.argmax(minutes, axis=0)]
    return np.array([f"{g}|{b}" for g, b in zip(main, band, strict=True)], dtype=object)


def simulate_intervals(
    config: Any,
    region: Any,
    log: Any,
    *,
    replications: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Run the replay's replications and return the simulated intervals.

    Parameters
    ----------
    config
        The region's :class:`experiments.config.RunConfig` (policy, targets,
        travel noise, duty desks).
    region
        The region to run on (possibly adjusted by calibration).
    log
        The :class:`~experiments.replay.log.ReplayLog`.
    replications
        How many replications.
    seed
        Root seed.

    Returns
    -------
    dict
        Interval key to an array of shape ``(replications, incidents)``.
    """
    import dataclasses
    from pathlib import Path

    from experiments.incident_source import IncidentSource
    from experiments.runner import run_replication

    # The config replays the log: every replication the same incidents, the work
    # on scene the log leaves out drawn from the replication's incident seed.
    # Its minute 0 goes with it: rush hours and duty shifts run on the log's own clock.
    start = None if log.start is None else log.start.isoformat()
    roads = None if log.disruptions is None else Path(log.disruptions)
    source = IncidentSource(path=Path(log.source), start=start, disruptions=roads)
    cfg = dataclasses.replace(config, incidents=source)
    reg = dataclasses.replace(region, incidents=log.incidents)
    rows: dict[str, list[np.ndarray]] = {k: [] for k in INTERVALS}
    for r in range(replications):
        res = run_replication(cfg, replication=r, root_seed=seed, region=reg)
        for k, v in intervals_from_times(res.records.incidents).items():
            rows[k].append(v)
    return {k: np.vstack(v) for k, v in rows.items()}


@dataclass
class ReplayResult:
    """Observed against simulated, for one region and one log.

    Attributes
    ----------
    observed
        Interval key to observed minutes, one per incident.
    simulated
        Interval key to simulated minutes, replications x incidents.
    area, trip_minutes
        First-due area and free-flow minutes per incident.
    quantiles, tests, areas
        The comparison tables.
    replications, seed
        What was run.
    roads
        The road closures and slowdowns replayed with the log (``None``: none
        given, the roads stayed open).
    """

    observed: dict[str, np.ndarray]
    simulated: dict[str, np.ndarray]
    area: np.ndarray
    trip_minutes: np.ndarray
    quantiles: list[QuantileRow]
    tests: list[TwoSampleRow]
    areas: list[AreaRow]
    replications: int
    seed: int
    nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    roads: int | None = None

    def to_frame(self) -> Any:
        """Observed and simulated intervals as one tidy :class:`pandas.DataFrame`.

        One row per incident, interval and replication: ``incident``, ``node``,
        ``area``, ``interval``, ``replication``, ``observed`` (the same in every
        replication), ``simulated`` (minutes; NaN where unknown). Needs pandas.
        """
        import pandas as pd

        n = self.area.size
        parts = []
        for k in INTERVALS:
            sim = self.simulated[k]
            reps = sim.shape[0]
            parts.append(
                pd.DataFrame(
                    {
                        "incident": np.tile(np.arange(n), reps),
                        "node": np.tile(self.nodes, reps),
                        "area": np.tile(self.area.astype(str), reps),
                        "interval": k,
                        "replication": np.repeat(np.arange(reps), n),
                        "observed": np.tile(self.observed[k], reps),
                        "simulated": sim.ravel(),
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (``replay.json``)."""
        return {
            "replications": self.replications,
            "seed": self.seed,
            "incidents": int(self.area.size),
            "quantiles": [r.to_dict() for r in self.quantiles],
            "tests": [r.to_dict() for r in self.tests],
            "areas": [r.to_dict() for r in self.areas],
        }


def replay(
    config: Any,
    log: Any,
    *,
    region: Any = None,
    replications: int = 20,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    n_resamples: int = 999,
) -> ReplayResult:
    """Replay a log's incidents through a region and compare the intervals.

    Parameters
    ----------
    config
        The region's run config.
    log
        The log (:func:`~experiments.replay.log.read_replay_log`): its
        incidents and observed times.
    region
        Region to run on; the config's if ``None``.
    replications
        Replications of the response.
    seed
        Root seed; the config's ``run.seed`` if ``None``.
    rng
        Generator for the bootstrap; derived from the seed if ``None``.
    quantiles
        Probabilities compared.
    n_resamples
        Bootstrap resamples.

    Returns
    -------
    ReplayResult
    """
    region = config.region() if region is None else region
    root = config.seed if seed is None else int(seed)
    if replications < 1:
        raise ConfigError(_("replications must be >= 1"), key="replications")
    observed = intervals_from_times(log.times)
    simulated = simulate_intervals(config, region, log, replications=replications, seed=root)
    nodes = log.incidents.template.node
    area, minutes = first_due(region, nodes)
    boot = rng if rng is not None else np.random.default_rng([root, 0x5E71A7])
    rows: list[QuantileRow] = []
    for k in INTERVALS:
        rows += compare_quantiles(
            k, observed[k], simulated[k], rng=boot, quantiles=quantiles, n_resamples=n_resamples
        )
    return ReplayResult(
        observed=observed,
        simulated=simulated,
        area=area,
        trip_minutes=minutes,
        quantiles=rows,
        tests=two_sample_tests(observed, simulated),
        areas=area_differences(observed["arrival"], simulated["arrival"], area),
        replications=replications,
        seed=root,
        nodes=np.asarray(nodes, dtype=np.int64),
        roads=None if log.disruptions is None else len(log.incidents.template.disruptions),
    )
