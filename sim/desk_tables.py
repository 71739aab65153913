"""Tables of the duty desks: officer time per desk and hour, and what each scene got.

:func:`duty_table` integrates the officers on duty, their calls and their
report writing over hour-long bins; :func:`scene_table` gives each incident
its receiving desk, the call's wait, live video from the scene (the first
team's set-up, or a drone flown in a straight line from a station that has
one, whichever is first), and its changes and missed follow-ups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from networks.roadnet import RoadNetwork
from sim.duty import DeskLayout, DutyDesks
from sim.records import RunRecords
from sim.reporting_rules import ReportingRules

#: Columns of the ``duty`` table (one row per desk and hour).
DUTY_COLUMNS = ("level", "desk", "start", "end", "officers", "calls", "reports", "utilisation")
#: Columns of the ``scene`` table (one row per incident).
SCENE_COLUMNS = (
    "incident", "desk", "answered", "call_wait", "video", "video_source", "changes", "missed",
)  # fmt: skip
#: Width of a ``duty`` row, minutes.
DUTY_BIN = 60.0


def scene_table(
    records: RunRecords,
    layout: DeskLayout,
    answered: np.ndarray,
    network: RoadNetwork,
    stations: Sequence[Any],
    rules: ReportingRules | None,
    rng: np.random.Generator,
    changes: np.ndarray,
    missed: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per incident: receiving desk, call wait, live video, changes and missed follow-ups.

    ``changes`` and ``missed`` are counts per incident; without ``rules`` (desks
    but no reporting chain) there is no video and ``video`` is ``nan``.
    """
    inc = records.incidents
    n = len(inc["id"])
    call, taken, arrive = inc["call"], inc["call_taken"], inc["first_arrival"]
    video = np.full(n, np.nan)
    source = np.full(n, "", dtype=object)
    if rules is not None and n:
        team = arrive + rules.video_setup.sample(rng, n)
        drone = np.full(n, np.inf)
        flyers = [s for s in stations if _has_drone(s, rules.drones)]
        if flyers:
            from scipy.spatial import cKDTree

            xy = np.column_stack([network.nodes.x, network.nodes.y])
            dist, _ = cKDTree(xy[[s.node for s in flyers]]).query(xy[inc["node"]])
            drone = taken + rules.drone_launch + dist / (rules.drone_speed_kph * 1000.0 / 60.0)
        team_v = np.where(np.isnan(team), np.inf, team)
        first = np.minimum(team_v, drone)
        video = np.where(np.isfinite(first), first - call, np.nan)
        video[video > records.end - call] = np.nan
        source = np.where(np.isnan(video), "", np.where(drone < team_v, "drone", "team"))
    units = np.asarray(layout.units[0], dtype=str)
    return {
        "incident": np.arange(n, dtype=np.int64),
        "desk": units[layout.desk[0]] if n else np.zeros(0, dtype=str),
        "answered": answered.astype(np.float64),
        "call_wait": answered - call,
        "video": video,
        "video_source": source.astype(str) if n else np.zeros(0, dtype=str),
        "changes": changes.astype(np.int64),
        "missed": missed.astype(np.int64),
    }


def _has_drone(station: Any, drones: Sequence[str]) -> bool:
    return any(
        d == station.name or (d.startswith("tier:") and d[5:] == station.tier) for d in drones
    )


def duty_table(
    desks: DutyDesks,
    layout: DeskLayout,
    answered: np.ndarray,
    taken: np.ndarray,
    written: dict[tuple[int, int], np.ndarray],
    end: float,
) -> dict[str, np.ndarray]:
    """Officer-minutes on calls and on reports per desk and hour, and the share of officers busy.

    ``written`` holds, per ``(level position, desk)``, the ``(start, end,
    officers writing)`` pieces of report work as an ``(m, 3)`` array.
    """
    edges = np.arange(0.0, end + DUTY_BIN, DUTY_BIN) if end > 0 else np.zeros(1)
    if edges[-1] < end:
        edges = np.append(edges, end)
    edges = np.minimum(edges, end) if end > 0 else edges
    nb = max(len(edges) - 1, 0)
    out: dict[str, list[Any]] = {c: [] for c in DUTY_COLUMNS}
    for pos, level in enumerate(layout.levels):
        staff = desks.staff[level]
        shifts = staff.changes(desks.start_hour, end)
        st = np.asarray([s for s, _ in shifts])
        sk = np.asarray([k for _, k in shifts], dtype=float)
        # Officer-minutes on duty per bin: the integral of the shift step function.
        on = _integral(st, sk, edges)
        for d, unit in enumerate(layout.units[pos]):
            if pos == 0:
                mine = (layout.desk[0] == d) & ~np.isnan(answered)
                a, b = answered[mine], np.minimum(taken[mine], end)
                calls = _busy(a, b, edges)
            else:
                calls = np.zeros(nb)
            arr = written.get((pos, d))
            if arr is not None and len(arr):
                reports = _busy_sorted(arr, edges)
            else:
                reports = np.zeros(nb)
            out["level"].append(level)
            out["desk"].append(unit)
            out["start"].append(edges[:-1])
            out["end"].append(edges[1:])
            out["officers"].append(on / np.maximum(np.diff(edges), 1e-12))
            out["calls"].append(calls)
            out["reports"].append(reports)
            out["utilisation"].append((calls + reports) / np.maximum(on, 1e-12))
    num = ("start", "end", "officers", "calls", "reports", "utilisation")
    return {
        # One name per desk, repeated for its bins in numpy rather than in a Python list.
        "level": np.repeat(np.asarray(out["level"], dtype=str), nb),
        "desk": np.repeat(np.asarray(out["desk"], dtype=str), nb),
        **{k: (np.concatenate(out[k]) if out[k] else np.zeros(0)) for k in num},
    }


def _integral(times: np.ndarray, values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral of a step function (``values[k]`` from ``times[k]``) over each bin."""
    pts = np.unique(np.concatenate([times, edges]))
    level = values[np.searchsorted(times, pts, side="right") - 1]
    cum = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(pts))])
    at = np.interp(edges, pts, cum)
    return np.diff(at)


def _busy_sorted(pieces: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """:func:`_busy` of ``(start, end, weight)`` pieces that follow one another in time.

    Pieces of one desk's sweep never overlap and come in order, so the busy
    minutes before each piece's start and end are a running sum: no sort.
    """
    t = pieces[:, :2].ravel()
    cum = np.zeros(t.size)
    np.cumsum((pieces[:, 1] - pieces[:, 0]) * pieces[:, 2], out=cum[1::2])
    cum[2::2] = cum[1:-1:2]
    return np.diff(np.interp(edges, t, cum, left=0.0, right=cum[-1]))


def _busy(
    start: np.ndarray, stop: np.ndarray, edges: np.ndarray, weight: np.ndarray | None = None
) -> np.ndarray:
    """Sum over intervals of ``weight`` x their overlap with each bin."""
    if not start.size or len(edges) < 2:
        return np.zeros(max(len(edges) - 1, 0))
    w = np.ones(start.size) if weight is None else np.asarray(weight, dtype=float)
    # The busy minutes before x are piecewise linear in x: the slope rises by w at
    # each start and falls by w at each stop.
    t = np.concatenate([start, stop])
    order = np.argsort(t, kind="stable")
    t = t[order]
    slope = np.cumsum(np.concatenate([w, -w])[order])
    cum = np.concatenate([[0.0], np.cumsum(slope[:-1] * np.diff(t))])
    return np.diff(np.interp(edges, t, cum, left=0.0, right=cum[-1]))
