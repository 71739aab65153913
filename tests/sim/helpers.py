"""Test doubles for sim: tiny road networks and a Poisson incident source.

The Poisson source stands in for the scenario generator in tests only; the
product consumes ``scenarios.stream.IncidentStream`` from ``scenarios``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from networks.roadnet import Disruption, EdgeTable, NodeTable, RoadNetwork
from scenarios.distributions import Distribution
from scenarios.stream import IncidentStream, Requirement, ScheduledDisruption


def road_network(n: int, arcs: Sequence[tuple[int, int, float]], *, two_way: bool = True):
    """A network of ``n`` nodes on a line (x = 1 km apart) with arcs (u, v, seconds)."""
    u, v, sec = [], [], []
    for a, b, s in arcs:
        u.append(a), v.append(b), sec.append(s)
        if two_way:
            u.append(b), v.append(a), sec.append(s)
    sec = np.asarray(sec, float)
    x = np.arange(n) * 1000.0
    nodes = NodeTable(np.arange(n), x, np.zeros(n), x / 1e5, np.zeros(n))
    # 36 km/h = 10 m/s, so length 10 * seconds gives the wanted travel time.
    edges = EdgeTable(
        np.asarray(u, np.int32),
        np.asarray(v, np.int32),
        10.0 * sec,
        np.full(len(u), 36.0),
        np.full(len(u), "residential"),
        np.full(len(u), ""),
    )
    return RoadNetwork(nodes, edges, crs="EPSG:3857", name="test")


def named_roads(x, y, roads: Sequence[tuple[int, int, float]], *, name: str = "line"):
    """Two-way roads ``(a, b, metres)`` at 36 km/h between nodes at ``x``, ``y`` (metres).

    Each road is named ``Road ab`` after its nodes, lower first, in both directions.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    u, v, length = [], [], []
    for a, b, m in roads:
        u += [a, b]
        v += [b, a]
        length += [m, m]
    n = len(u)
    edges = EdgeTable(
        np.array(u, np.int32),
        np.array(v, np.int32),
        np.array(length, float),
        np.full(n, 36.0),
        np.full(n, "residential", dtype=object),
        np.array([f"Road {min(a, b)}{max(a, b)}" for a, b in zip(u, v, strict=True)], object),
    )
    nodes = NodeTable(np.arange(len(x)), x, y, x / 1e5, y / 1e5)
    return RoadNetwork(nodes, edges, crs="EPSG:3857", name=name)


def grid_network(rows: int, cols: int, *, seconds: Sequence[float] | np.ndarray):
    """A two-way grid; ``seconds`` gives each undirected link's travel time in order."""
    arcs = []
    k = 0
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            for j in ([i + 1] if c + 1 < cols else []) + ([i + cols] if r + 1 < rows else []):
                arcs.append((i, j, float(seconds[k % len(seconds)])))
                k += 1
    return road_network(rows * cols, arcs)


def stream_from(
    times,
    nodes,
    *,
    requirements: Sequence[Requirement],
    requirement=None,
    control=None,
    clear=None,
    grade=None,
    disruptions: Sequence[ScheduledDisruption] = (),
) -> IncidentStream:
    n = len(times)
    grade = np.full(n, 3) if grade is None else np.asarray(grade)
    return IncidentStream.from_rows(
        time=times,
        node=nodes,
        hazard=[
            requirements[r].hazard for r in (requirement if requirement is not None else [0] * n)
        ],
        category=["accident"] * n,
        grade=grade,
        requirement=np.zeros(n, int) if requirement is None else requirement,
        control_work=np.zeros(n) if control is None else control,
        clear_work=np.zeros(n) if clear is None else clear,
        requirements=requirements,
        disruptions=disruptions,
    )


def poisson_stream(
    nodes: Sequence[int] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None,
    *,
    rate: float,
    n: int,
    rng: np.random.Generator,
    requirements: Sequence[Requirement],
    requirement_probs: Sequence[float] | None = None,
    control: Distribution,
    clear: Distribution,
    disruptions: Sequence[tuple[float, float, Sequence[int]]] = (),
) -> IncidentStream:
    """``n`` incidents at Poisson rate ``rate`` per minute over weighted nodes."""
    a_rng, n_rng, r_rng, w_rng = rng.spawn(4)
    times = np.cumsum(a_rng.exponential(1.0 / rate, n))
    nodes = np.asarray(nodes)
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    where = n_rng.choice(nodes, size=n, p=p)
    req = r_rng.choice(len(requirements), size=n, p=requirement_probs)
    grade = np.asarray([requirements[k].grade for k in req])
    return stream_from(
        times,
        where,
        requirements=requirements,
        requirement=req,
        control=control.sample(w_rng, n),
        clear=clear.sample(w_rng, n),
        grade=grade,
        disruptions=[
            ScheduledDisruption(s, e, Disruption(tuple(int(x) for x in edges)))
            for s, e, edges in disruptions
        ],
    )
