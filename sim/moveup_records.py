"""Move-up's records: coverage over time rebuilt from the dispatches and moves, and its summary.

Coverage is worked out after the run, from the records alone (nothing is
logged on the engine's hot path). A team covers from where dispatch takes
it to be: its post from the start until it is sent; on its way back, its
post from half-way home (after restocking, if it restocks); on a move, the
old station for the first half of the drive and the new one after.
:func:`coverage_table` turns those comings and goings into the share of
demand covered over time, per capability
(:func:`sim.moveup_cover.coverage_series`); :func:`moveup_summary` gives the
move-ups per day (not a warning plan's moves) and the time-averaged coverage
over the incident period (:func:`incident_window`), not the whole run: the
run's end is set by what follows the last call (restocking can last days),
differs between design points facing the same incidents, and a quiet tail
would dilute the averages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from networks.i18n import N_
from sim.moveup_cover import (
    CoverModel,
    coverage_series,
    expected_sorted,
    series_sorted,
    time_average,
)
from sim.records import RunRecords

#: Columns of the ``coverage`` table.
COVERAGE_COLUMNS = ("time", "capability", "free_at_posts", "share", "expected_share")
#: Move-up's metrics in a run's summary table: (key, label, unit kind).
MOVEUP_HEADLINE = (
    ("moveup_coverage_share", N_("demand covered by a free team, time average"), "share"),
    (
        "moveup_expected_coverage_share",
        N_("expected coverage (teams busy with probability q), time average"),
        "share",
    ),
    ("moveup_moves_per_day", N_("move-ups per day"), "count"),
    ("moveup_move_min_mean", N_("drive of a move-up, mean"), "min"),
)


def post_events(
    records: RunRecords,
    *,
    team_base: np.ndarray,
    arrive: np.ndarray,
    move_seq: np.ndarray,
    way: Mapping[int, tuple[float, float]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every team's coming to stand at a station and leaving it.

    A team counts where dispatch takes it to be (:mod:`sim.fleet`): at its
    post from the start until it is sent from there; on its way back, at its
    post from half-way home (after restocking, if it restocks); on a move, at
    its old station for the first half of the drive and at the new one after.

    Parameters
    ----------
    records
        The run's records (``dispatches``, and ``moves`` if any).
    team_base
        The station each team was built at.
    arrive
        When each move would arrive (not masked at the end of the run).
    move_seq
        Per move, the number of dispatch rows made before it (orders moves
        and dispatches made at the same instant).
    way
        Dispatch row -> ``(start, planned end)`` of its drive home, for the rows
        whose drive is not from ``max(released, arrival)`` to ``returned``: a team
        sent on from the road (``returned`` is then when it was sent), or one that
        waited at the scene for a road to reopen. ``end`` is ``inf`` while it
        cannot get home.

    Returns
    -------
    tuple
        ``(team, time, station, step)`` arrays, ``step`` +1 (comes to stand
        there) or -1 (leaves); unsorted.
    """
    d = records.dispatches
    mv = records.moves or {}
    n_d = len(d["team"])
    n_m = len(mv.get("team", ()))
    end = records.end
    # One event per dispatch row and per move, each team's in the order they happened.
    team = np.concatenate([d["team"], mv.get("team", np.zeros(0, np.int64))]).astype(np.int64)
    seq = np.concatenate([np.arange(n_d), move_seq]).astype(np.int64)
    is_move = np.concatenate([np.zeros(n_d, bool), np.ones(n_m, bool)])
    order = np.lexsort((~is_move, seq, team))  # a move before the rows made after it
    team, is_move = team[order], is_move[order]
    n = team.size
    start = np.zeros(n)  # when it leaves (dispatched; a move: departs)
    back_t = np.zeros(n)  # when it counts at a post again, and which
    back_s = np.zeros(n, np.int64)
    from_s = np.zeros(n, np.int64)  # a move's old station
    dr = order[~is_move]
    start[~is_move] = d["dispatched"][dr]
    back_s[~is_move] = d["station"][dr]
    with np.errstate(invalid="ignore"):
        ret, avail = d["returned"][dr], d["available"][dr]
        way_start = np.fmax(d["released"][dr], d["arrival"][dr])  # the way back starts
        half = np.where(avail > ret, avail, (way_start + ret) / 2.0)  # restocking: once restocked
        if way:  # the drives the records cannot tell (sent on, or stranded a while)
            at = np.full(n_d, -1, dtype=np.int64)
            at[np.fromiter(way, np.int64, len(way))] = np.arange(len(way))
            drive = np.asarray(list(way.values()), dtype=np.float64).reshape(-1, 2)
            k = at[dr]
            hit = k >= 0
            half[hit] = drive[k[hit]].sum(axis=1) / 2.0
        back_t[~is_move] = np.where(d["diverted"][dr], np.inf, half)
    if n_m:
        mr = order[is_move] - n_d
        start[is_move] = mv["depart"][mr]
        back_t[is_move] = (mv["depart"][mr] + arrive[mr]) / 2.0
        back_s[is_move] = mv["to_station"][mr]
        from_s[is_move] = mv["from_station"][mr]
    same_next = np.zeros(n, bool)
    same_next[:-1] = team[1:] == team[:-1]
    next_start = np.full(n, np.inf)
    next_start[:-1] = np.where(same_next[:-1], start[1:], np.inf)
    with np.errstate(invalid="ignore"):
        back = np.isfinite(back_t) & (back_t <= np.where(same_next, next_start, end))
    # Where each event leaves from: the post it was counted at, if it was counted at one.
    first = np.ones(n, bool)
    first[1:] = team[1:] != team[:-1]
    was_at = np.where(first, True, np.roll(back, 1))
    was_s = np.where(first, team_base[team] if n else 0, np.roll(back_s, 1))
    leave = ~is_move & was_at
    move_leave_t = np.minimum(back_t, next_start)
    n_teams = team_base.size
    parts = [
        (np.arange(n_teams), np.zeros(n_teams), team_base, 1.0),  # at its post from the start
        (team[leave], start[leave], was_s[leave], -1.0),  # sent from its post
        (team[is_move], move_leave_t[is_move], from_s[is_move], -1.0),  # a move leaves
        (team[back], back_t[back], back_s[back], 1.0),  # back at a post (or moved in)
    ]
    out_team = np.concatenate([p[0] for p in parts]).astype(np.int64)
    out_time = np.concatenate([p[1] for p in parts]).astype(np.float64)
    out_station = np.concatenate([p[2] for p in parts]).astype(np.int64)
    out_step = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
    return out_team, out_time, out_station, out_step


def coverage_table(
    records: RunRecords,
    *,
    models: Mapping[str, CoverModel],
    team_base: np.ndarray,
    arrive: np.ndarray,
    move_seq: np.ndarray,
    way: Mapping[int, tuple[float, float]] | None = None,
) -> dict[str, np.ndarray]:
    """The ``coverage`` table: per capability, the share of demand covered after each change.

    Parameters
    ----------
    records
        The run's records.
    models
        Coverage model per capability name (the roads at the start).
    team_base, arrive, move_seq, way
        As :func:`post_events` takes them.

    Returns
    -------
    dict
        Columns :data:`COVERAGE_COLUMNS`: ``time`` (minutes), ``capability``,
        ``free_at_posts`` (free teams standing at candidate posts), ``share``
        (of the capability's demand within reach of one of them) and
        ``expected_share`` (the expected coverage the policies maximise, each
        team busy with probability ``q``: :func:`sim.moveup_cover.expected_sorted`).
    """
    team, time, station, step = post_events(
        records, team_base=team_base, arrive=arrive, move_seq=move_seq, way=way
    )
    # In time order once (stable, as coverage_series sorts), then grouped by capability
    # (a stable sort again: each capability's events stay in time order).
    order = np.argsort(time, kind="stable")
    team, time, station, step = team[order], time[order], station[order], step[order]
    keep = time <= records.end
    team, time, station, step = team[keep], time[keep], station[keep], step[keep]
    team_cap = records.teams["capability"]
    which = np.full(team_cap.size, -1, dtype=np.int64)  # each team's capability among models
    for k, cap in enumerate(models):
        which[team_cap == cap] = k
    ev_cap = which[team]
    order = np.argsort(ev_cap.astype(np.int8 if len(models) < 127 else np.int64), kind="stable")
    bounds = np.searchsorted(ev_cap[order], np.arange(len(models) + 1))
    cols: dict[str, list[np.ndarray]] = {c: [] for c in COVERAGE_COLUMNS}
    n_stations = len(records.stations["name"])
    step = step.astype(np.int64)
    for k, model in enumerate(models.values()):
        rows = order[bounds[k] : bounds[k + 1]]
        post_of = np.full(n_stations, -1, dtype=np.int64)
        post_of[np.asarray(model.posts, dtype=np.int64)] = np.arange(len(model.posts))
        p = post_of[station[rows]]
        at = p >= 0
        rows, p = rows[at], p[at]
        if len(model.posts) > 62:
            ev = np.column_stack([time[rows], p, step[rows]]).astype(np.float64)
            t, free, share = coverage_series(model, ev, records.end)
        else:
            t, free, share = series_sorted(model, time[rows], p, step[rows])
        cols["time"].append(t)
        cols["free_at_posts"].append(free.astype(np.int64))
        cols["share"].append(share)
        cols["expected_share"].append(expected_sorted(model, time[rows], p, step[rows]))
    if not models:
        return {
            "time": np.zeros(0),
            "capability": np.zeros(0, dtype=str),
            "free_at_posts": np.zeros(0, np.int64),
            "share": np.zeros(0),
            "expected_share": np.zeros(0),
        }
    names = np.asarray(list(models), dtype=str)
    return {
        "time": np.concatenate(cols["time"]).astype(np.float64),
        "capability": np.repeat(names, [t.size for t in cols["time"]]),
        "free_at_posts": np.concatenate(cols["free_at_posts"]),
        "share": np.concatenate(cols["share"]).astype(np.float64),
        "expected_share": np.concatenate(cols["expected_share"]).astype(np.float64),
    }


def incident_window(records: RunRecords) -> float:
    """End of the window move-up's averages are taken over (minutes; it starts at the start).

    The run's horizon if it has one, else the last incident's call: the
    incident period, the same for every design point facing the same
    incidents (the run's end is not: it waits for the last team back and
    restocked).

    Parameters
    ----------
    records
        The run's records (``meta["horizon"]``, ``incidents["call"]``).

    Returns
    -------
    float
        Minutes; without incidents or horizon, ``records.start`` (an empty window).
    """
    horizon = records.meta.get("horizon")
    if horizon is not None:
        return float(horizon)
    call = np.asarray(records.incidents["call"], dtype=np.float64)
    call = call[~np.isnan(call)]
    return float(call.max()) if call.size else records.start


def moveup_summary(records: RunRecords) -> dict[str, Any]:
    """Moves and coverage of one run.

    Rates and averages are over the incident period (:func:`incident_window`).

    The moves counted are move-ups (reason ``move_up``): a warning plan's
    staging and stand-down moves (reason ``warning``) are the plan's, reported
    by :func:`sim.warning_summary.warning_summary` (``teams_staged``), though
    the coverage counts the teams wherever they are.

    Returns
    -------
    dict
        ``moves`` (move-ups, the whole run), ``moves_per_day`` (move-ups started
        in the incident period, per day of it), ``move_min_mean`` (drive minutes
        per move-up that arrived within the run), ``coverage_share``
        (time-averaged share of demand within ``cover_min`` of a free team at
        its station over the incident period, over the capabilities weighted
        by their demand), ``expected_coverage_share`` (the same average of the
        expected coverage the policies maximise) and ``coverage`` (the plain
        share per capability).
    """
    from sim.summary import _num

    mv, cov = records.moves, records.coverage
    assert mv is not None and cov is not None
    end = incident_window(records)
    span = end - records.start
    up = np.asarray(mv["reason"]) == "move_up"  # not a warning's staging or stand-down
    depart = np.asarray(mv["depart"], dtype=np.float64)[up]
    n = int(depart.size)
    n_window = int(np.count_nonzero(depart <= end))
    minutes = np.asarray(mv["arrive"], dtype=np.float64)[up] - depart
    minutes = minutes[~np.isnan(minutes)]
    weights = (records.meta.get("moveup") or {}).get("demand_weights", {})
    per_cap: dict[str, Any] = {}
    total_w = acc = acc_e = 0.0
    expected = cov.get("expected_share")  # records saved before it had the column: none
    for cap in dict.fromkeys(cov["capability"].tolist()):
        sel = cov["capability"] == cap
        avg = time_average(cov["time"][sel] - records.start, cov["share"][sel], span)
        per_cap[str(cap)] = _num(avg)
        w = float(weights.get(cap, 0.0))
        if avg == avg and w > 0:
            total_w += w
            acc += w * avg
            if expected is not None:
                acc_e += w * time_average(cov["time"][sel] - records.start, expected[sel], span)
    return {
        "moves": n,
        "moves_per_day": _num(n_window / (span / 1440.0)) if span > 0 else None,
        "move_min_mean": _num(minutes.mean()) if minutes.size else None,
        "coverage_share": _num(acc / total_w) if total_w > 0 else None,
        "expected_coverage_share": (
            _num(acc_e / total_w) if total_w > 0 and expected is not None else None
        ),
        "coverage": per_cap,
    }
