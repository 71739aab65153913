"""The reporting chain (信息报送): first, follow-up and final reports, written at duty desks.

After a run, each incident the desks learned of produces its reports
(:mod:`sim.reporting_rules` says to whom and by when):

* at the receiving desk, when the call is taken, the officer phones the next
  level up (``phone_first``) and then writes the written first report
  (``written_first``), one piece of work; with direct reporting, the same
  pair again straight to the top of the event's reach;
* a ``follow_up`` at every tick of the follow-up interval and on every change
  that matters while the event lasts: more forces called because the first
  were not enough (``more_forces``), a depot short (``supply_short``), a
  secondary event (``cascade``);
* a ``final`` report when the event is cleared;
* every level below the top of the reach passes on what it receives: on the
  phone report it phones the next level up and writes its own written first
  report, one piece of work as at the receiving desk; follow-ups and the final
  report are passed on as they arrive. The province and the state receive
  but are not modelled.

Officers put a report down to answer a call (calls have pre-emptive priority
and the report is resumed where it was left), so the reports change no other
record of the run. Reports are worked first come first served on the
officers calls leave free. A follow-up whose event has ended before an
officer could start it is dropped: a missed report (漏报). A report sent after
its limit is late (迟报).

Live video from the scene (可视化) comes from the first team on scene after a
set-up time, or from a drone flown in a straight line from a station that has
one, whichever is first.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from networks.roadnet import RoadNetwork
from sim.duty import LEVELS, DeskLayout, DutyDesks
from sim.fleet import draws
from sim.records import RunRecords
from sim.reporting_rules import KINDS, ReportingRules

_INF = math.inf
_NAN = math.nan
#: Columns of the ``reports`` table.
REPORT_COLUMNS = (
    "incident", "kind", "number", "from_level", "from_desk", "to_level", "direct", "change",
    "trigger", "due", "sent", "late", "missed", "wait",
)  # fmt: skip
#: Columns of the ``duty`` table (one row per desk and hour).
DUTY_COLUMNS = ("level", "desk", "start", "end", "officers", "calls", "reports", "utilisation")
#: Columns of the ``scene`` table (one row per incident).
SCENE_COLUMNS = (
    "incident", "desk", "answered", "call_wait", "video", "video_source", "changes", "missed",
)  # fmt: skip
#: Width of a ``duty`` row, minutes.
DUTY_BIN = 60.0


@dataclass
class _Job:
    """Work queued at one desk: consecutive report rows written by one officer."""

    arrive: float
    works: list[float]
    rows: list[int]
    drop_at: float = _INF  # a follow-up is dropped if not begun before this (the event ended)
    seg: int = 0
    left: float = 0.0
    started: float = _NAN


class _Rows:
    """The ``reports`` table being built, as parallel lists."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {c: [] for c in REPORT_COLUMNS}
        self.grade: list[int] = []
        self.call: list[float] = []
        self.learned: list[float] = []  # when the sending level learned of the event
        self.pair: list[int] = []  # written_first -> its phone_first row

    def add(self, i: int, kind: str, frm: int, desk: str, to: int, *, direct: bool = False,
            change: str = "", trigger: float, grade: int, call: float, learned: float,
            pair: int = -1) -> int:  # fmt: skip
        c = self.cols
        c["incident"].append(i)
        c["kind"].append(kind)
        c["number"].append(0)
        c["from_level"].append(LEVELS[frm])
        c["from_desk"].append(desk)
        c["to_level"].append(LEVELS[to])
        c["direct"].append(direct)
        c["change"].append(change)
        c["trigger"].append(trigger)
        c["sent"].append(_NAN)
        c["missed"].append(False)
        c["wait"].append(_NAN)
        self.grade.append(grade)
        self.call.append(call)
        self.learned.append(learned)
        self.pair.append(pair)
        return len(self.grade) - 1


def serve(
    jobs: list[_Job],
    cap_times: list[float],
    cap_free: list[int],
    rows: _Rows,
    end: float,
    pieces: list[tuple[float, float, int]] | None = None,
) -> None:
    """Work ``jobs`` (sorted by arrival) first come first served on the officers calls leave free.

    ``cap_free[k]`` officers are free of calls from ``cap_times[k]`` on. At
    any moment the oldest unfinished jobs, as many as there are free
    officers, are worked on; a job pushed out of that set by a call waits
    with its work done so far. Sent times, waits and misses go into ``rows``;
    ``pieces`` (if given) collects ``(start, end, officers writing)``.
    """
    sent, wait, missed = rows.cols["sent"], rows.cols["wait"], rows.cols["missed"]
    pending: list[_Job] = []
    n_jobs = len(jobs)
    nb = len(cap_times)
    ai = 0
    t = 0.0
    bi = bisect_right(cap_times, t)
    free = cap_free[bi - 1] if bi else 0
    while ai < n_jobs or pending:
        if not pending:  # idle: jump to the next arrival
            t = jobs[ai].arrive
            if t > end:
                break
            bi = bisect_right(cap_times, t, bi)
            free = cap_free[bi - 1] if bi else 0
        while ai < n_jobs and jobs[ai].arrive <= t:
            job = jobs[ai]
            job.left = job.works[0]
            pending.append(job)
            ai += 1
        k = free if free < len(pending) else len(pending)
        # Begin (or drop) what comes into service now.
        j = 0
        while j < k:
            job = pending[j]
            if job.started != job.started:  # nan: first time in service
                if t >= job.drop_at:
                    for r in job.rows:
                        missed[r] = True
                    del pending[j]
                    k = free if free < len(pending) else len(pending)
                    continue
                job.started = t
                wait[job.rows[0]] = t - job.arrive
            j += 1
        t_next = jobs[ai].arrive if ai < n_jobs else _INF
        t_cap = cap_times[bi] if bi < nb else _INF
        if t_cap < t_next:
            t_next = t_cap
        done_at = _INF
        for j in range(k):
            x = t + pending[j].left
            if x < done_at:
                done_at = x
        if done_at <= t_next:
            t_next = done_at
        if t_next == _INF or t_next > end:
            if pieces is not None and k and end > t:
                pieces.append((t, end, k))
            break
        dt = t_next - t
        if pieces is not None and k and dt > 0:
            pieces.append((t, t_next, k))
        t = t_next
        j = 0
        while j < k:
            job = pending[j]
            job.left -= dt
            if job.left <= 1e-9 * (1.0 + abs(t)):
                r = job.rows[job.seg]
                sent[r] = t
                job.seg += 1
                if job.seg < len(job.works):
                    job.left = job.works[job.seg]
                    wait[job.rows[job.seg]] = 0.0  # the same officer goes straight on
                else:
                    del pending[j]
                    k -= 1
                    continue
            j += 1
        while bi < nb and cap_times[bi] <= t:
            free = cap_free[bi]
            bi += 1


def _capacity(
    calls: tuple[np.ndarray, np.ndarray], shifts: list[tuple[float, int]]
) -> tuple[list[float], list[int]]:
    """Officers free of calls, as a step function: (times, free from that time)."""
    start, stop = calls
    t = np.concatenate([start, stop, [s for s, _ in shifts]])
    d_busy = np.concatenate([np.ones(start.size), -np.ones(stop.size), np.zeros(len(shifts))])
    officers = np.zeros(t.size)
    shift_t = np.asarray([s for s, _ in shifts])
    shift_k = np.asarray([k for _, k in shifts], dtype=float)
    order = np.lexsort((d_busy, t))  # at a tie, a call ending frees before one starts
    t, d_busy = t[order], d_busy[order]
    busy = np.cumsum(d_busy)
    officers = shift_k[np.searchsorted(shift_t, t, side="right") - 1]
    free = np.maximum(officers - busy, 0).astype(np.int64)
    return t.tolist(), free.tolist()


def report_chain(
    records: RunRecords,
    *,
    network: RoadNetwork,
    stations: Sequence[Any],
    desks: DutyDesks,
    layout: DeskLayout,
    answered: np.ndarray,
    parent: np.ndarray,
    rules: ReportingRules,
    rng: np.random.Generator,
    pieces: dict[tuple[int, int], list[tuple[float, float, int]]] | None = None,
    reports: bool = True,
) -> dict[str, dict[str, np.ndarray]]:
    """The ``reports``, ``duty`` and ``scene`` tables of a run.

    Parameters
    ----------
    records
        The run's records (incidents, dispatches, stock-outs).
    network, stations
        For drone flights (straight-line distance from stations with drones).
    desks, layout
        Staffing, and the desk of each level serving each incident.
    answered
        When an officer picked up each call (``nan`` if never).
    parent
        Per incident, the incident it cascaded from (``-1`` if none).
    rules
        Reporting rules of the jurisdiction.
    rng
        The reporting chain's own generator (writing times, video set-up).
    pieces
        If given, filled per ``(level, desk)`` with ``(start, end, officers
        writing)`` intervals (for checks).
    reports
        Whether reports are written; without them only the calls occupy the
        desks (``video`` is then ``nan``).

    Returns
    -------
    dict
        ``{"reports": ..., "duty": ..., "scene": ...}``, columns as in
        :data:`REPORT_COLUMNS`, :data:`DUTY_COLUMNS`, :data:`SCENE_COLUMNS`.
    """
    inc = records.incidents
    n = len(inc["id"])
    end = float(records.end)
    kind_rngs = rng.spawn(len(KINDS) + 1)
    work = {k: draws(rules.writing[k], r) for k, r in zip(KINDS, kind_rngs, strict=False)}
    call = inc["call"].tolist()
    taken = inc["call_taken"].tolist()
    cleared = inc["cleared"].tolist()
    grade = inc["grade"].astype(int).tolist()
    levels = layout.levels
    base = LEVELS.index(levels[0])
    reach = [LEVELS.index(rules.reach[g - 1]) if 1 <= g <= 4 else base for g in grade]
    changes = _changes(records, parent)
    rows = _Rows()
    # Jobs per (level position, desk), filled level by level.
    jobs: dict[tuple[int, int], list[_Job]] = {}
    units = layout.units
    desk0 = layout.desk[0].tolist()
    interval = rules.follow_up_interval
    for i in range(n):
        r0 = taken[i]
        top = reach[i]
        if not reports or r0 != r0 or r0 > end or top <= base:
            continue
        d, g, c = desk0[i], grade[i], call[i]
        name = units[0][d]
        q = jobs.setdefault((0, d), [])
        p = rows.add(i, "phone_first", base, name, base + 1, trigger=r0, grade=g, call=c,
                     learned=r0)  # fmt: skip
        w = rows.add(i, "written_first", base, name, base + 1, trigger=r0, grade=g, call=c,
                     learned=r0, pair=p)  # fmt: skip
        q.append(_Job(r0, [next(work["phone_first"]), next(work["written_first"])], [p, w]))
        if g <= rules.direct_grades and top > base + 1:
            p = rows.add(i, "phone_first", base, name, top, direct=True, trigger=r0, grade=g,
                         call=c, learned=r0)  # fmt: skip
            w = rows.add(i, "written_first", base, name, top, direct=True, trigger=r0, grade=g,
                         call=c, learned=r0, pair=p)  # fmt: skip
            q.append(_Job(r0, [next(work["phone_first"]), next(work["written_first"])], [p, w]))
        stop = cleared[i] if cleared[i] == cleared[i] else end
        ticks: list[tuple[float, str]] = []
        if interval is not None:
            k = 1
            while r0 + k * interval < stop:
                ticks.append((r0 + k * interval, ""))
                k += 1
        ticks += [(t, what) for t, what in changes.get(i, ()) if r0 < t < stop]
        for t, what in sorted(ticks):
            f = rows.add(i, "follow_up", base, name, base + 1, change=what, trigger=t, grade=g,
                         call=c, learned=r0)  # fmt: skip
            q.append(_Job(t, [next(work["follow_up"])], [f], drop_at=stop))
        if cleared[i] == cleared[i] and cleared[i] <= end:
            f = rows.add(i, "final", base, name, base + 1, trigger=cleared[i], grade=g, call=c,
                         learned=r0)  # fmt: skip
            q.append(_Job(cleared[i], [next(work["final"])], [f]))
    written: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
    answered_l = answered
    taken_a = inc["call_taken"]
    for pos, level in enumerate(levels):
        lv = base + pos
        staff = desks.staff[level]
        shifts = staff.changes(desks.start_hour, end)
        desk_of = layout.desk[pos]
        for d in range(len(units[pos])):
            if pos == 0:
                mine = (desk_of == d) & ~np.isnan(answered_l)
                calls = (answered_l[mine], taken_a[mine])
            else:
                calls = (np.zeros(0), np.zeros(0))
            times, free = _capacity(calls, shifts)
            q = jobs.get((pos, d), [])
            q.sort(key=lambda job: job.arrive)
            got: list[tuple[float, float, int]] = []
            serve(q, times, free, rows, end, got)
            written[(pos, d)] = got
        # Relay what this level received to the next, where it is a desk below the top.
        if pos + 1 >= len(levels):
            break
        _relay(rows, jobs, pos + 1, lv, layout, reach, grade, call, cleared, end, work)
    _finish(rows, rules)
    scene = _scene(records, rows, layout, answered, network, stations, rules, kind_rngs[-1],
                   changes)  # fmt: skip
    duty = _duty(desks, layout, answered, taken_a, written, end)
    if pieces is not None:
        pieces.update(written)
    return {"reports": _table(rows), "duty": duty, "scene": scene}


def _relay(
    rows: _Rows,
    jobs: dict[tuple[int, int], list[_Job]],
    nxt: int,
    lv: int,
    layout: DeskLayout,
    reach: list[int],
    grade: list[int],
    call: list[float],
    cleared: list[float],
    end: float,
    work: dict[str, Any],
) -> None:
    """Queue at level position ``nxt`` the relays of what level ``lv`` sent it."""
    cols = rows.cols
    into = LEVELS[lv + 1]
    mine = [
        r for r in range(len(rows.grade))
        if cols["to_level"][r] == into and not cols["direct"][r]
        and cols["from_level"][r] == LEVELS[lv] and cols["sent"][r] == cols["sent"][r]
        and reach[cols["incident"][r]] > lv + 1
    ]  # fmt: skip
    learned: dict[int, float] = {}
    for r in mine:
        if cols["kind"][r] == "phone_first":
            i = cols["incident"][r]
            learned[i] = min(learned.get(i, _INF), cols["sent"][r])
    for r in sorted(mine, key=lambda r: cols["sent"][r]):
        i, s, kind = cols["incident"][r], cols["sent"][r], cols["kind"][r]
        if kind == "written_first":
            continue  # each level writes its own, straight after its phone report
        d = int(layout.desk[nxt][i])
        unit = layout.units[nxt][d]
        common = {"grade": grade[i], "call": call[i], "learned": learned.get(i, s)}
        nr = rows.add(i, kind, lv + 1, unit, lv + 2, change=cols["change"][r], trigger=s,
                      **common)  # fmt: skip
        q = jobs.setdefault((nxt, d), [])
        if kind == "phone_first":
            w = rows.add(i, "written_first", lv + 1, unit, lv + 2, trigger=s, pair=nr, **common)
            q.append(_Job(s, [next(work["phone_first"]), next(work["written_first"])], [nr, w]))
            continue
        stop = cleared[i] if cleared[i] == cleared[i] else end
        drop = stop if kind == "follow_up" else _INF
        q.append(_Job(s, [next(work[kind])], [nr], drop_at=drop))


def _changes(records: RunRecords, parent: np.ndarray) -> dict[int, list[tuple[float, str]]]:
    """Per incident, the changes a follow-up must report: ``(time, what)``."""
    out: dict[int, list[tuple[float, str]]] = {}
    inc, d, so = records.incidents, records.dispatches, records.stockouts
    # More forces: a team sent after the first dispatch (the first were not enough).
    if len(d["incident"]):
        first = inc["first_dispatch"][d["incident"]]
        later = d["dispatched"] > first + 1e-9
        for i, t in _firsts(d["incident"][later], d["dispatched"][later]):
            out.setdefault(i, []).append((t, "more_forces"))
    sel = (so["incident"] >= 0) & (so["kind"] == "issue")
    for i, t in _firsts(so["incident"][sel], so["time"][sel]):
        out.setdefault(i, []).append((t, "supply_short"))
    kids = np.flatnonzero(parent >= 0)
    for i, t in _firsts(parent[kids], inc["call"][kids]):
        out.setdefault(i, []).append((t, "cascade"))
    return out


def _firsts(who: np.ndarray, when: np.ndarray) -> list[tuple[int, float]]:
    """``(who, earliest when)`` per distinct ``who``."""
    if not who.size:
        return []
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    keep = np.r_[True, who[1:] != who[:-1]]
    return list(zip(who[keep].tolist(), when[keep].tolist(), strict=True))


def _finish(rows: _Rows, rules: ReportingRules) -> None:
    """Due times, lateness and follow-up numbers of every report."""
    c = rows.cols
    n = len(rows.grade)
    due = [_NAN] * n
    for r in range(n):
        kind, to, g = c["kind"][r], c["to_level"][r], rows.grade[r]
        lim = rules.limit(kind, to, g)
        if kind in ("phone_first", "written_first"):
            x = rows.learned[r] + lim if lim is not None else _INF
            first = rules.first_report.get(to)
            if kind == "phone_first" and first is not None and first[g - 1] is not None:
                x = min(x, rows.call[r] + first[g - 1])
            if kind == "written_first" and rules.written_after_phone is not None:
                ps = c["sent"][rows.pair[r]] if rows.pair[r] >= 0 else _NAN
                if ps == ps:
                    x = min(x, ps + rules.written_after_phone)
        else:
            x = c["trigger"][r] + lim if lim is not None else _INF
        due[r] = x if x < _INF else _NAN
    c["due"] = due
    c["late"] = [
        (not c["missed"][r]) and due[r] == due[r]
        and (c["sent"][r] > due[r] + 1e-9 or c["sent"][r] != c["sent"][r])
        for r in range(n)
    ]  # fmt: skip
    # Follow-ups are numbered 续报一, 二, ... per incident and link, in the order sent.
    counter: dict[tuple[int, str, str, bool], int] = {}
    order = sorted(
        (r for r in range(n) if c["kind"][r] == "follow_up" and c["sent"][r] == c["sent"][r]),
        key=lambda r: c["sent"][r],
    )
    for r in order:
        key = (c["incident"][r], c["from_level"][r], c["to_level"][r], c["direct"][r])
        counter[key] = counter.get(key, 0) + 1
        c["number"][r] = counter[key]


def _table(rows: _Rows) -> dict[str, np.ndarray]:
    c = rows.cols
    f64 = np.float64
    return {
        "incident": np.asarray(c["incident"], dtype=np.int64),
        "kind": np.asarray(c["kind"], dtype=str) if c["kind"] else np.zeros(0, dtype=str),
        "number": np.asarray(c["number"], dtype=np.int64),
        "from_level": np.asarray(c["from_level"], dtype=str)
        if c["kind"] else np.zeros(0, dtype=str),
        "from_desk": np.asarray(c["from_desk"], dtype=str)
        if c["kind"] else np.zeros(0, dtype=str),
        "to_level": np.asarray(c["to_level"], dtype=str) if c["kind"] else np.zeros(0, dtype=str),
        "direct": np.asarray(c["direct"], dtype=bool),
        "change": np.asarray(c["change"], dtype=str) if c["kind"] else np.zeros(0, dtype=str),
        "trigger": np.asarray(c["trigger"], dtype=f64),
        "due": np.asarray(c["due"], dtype=f64),
        "sent": np.asarray(c["sent"], dtype=f64),
        "late": np.asarray(c["late"], dtype=bool),
        "missed": np.asarray(c["missed"], dtype=bool),
        "wait": np.asarray(c["wait"], dtype=f64),
    }  # fmt: skip


def _scene(
    records: RunRecords,
    rows: _Rows,
    layout: DeskLayout,
    answered: np.ndarray,
    network: RoadNetwork,
    stations: Sequence[Any],
    rules: ReportingRules,
    rng: np.random.Generator,
    changes: dict[int, list[tuple[float, str]]],
) -> dict[str, np.ndarray]:
    """Per incident: its receiving desk, the call's wait, live video, changes and misses."""
    inc = records.incidents
    n = len(inc["id"])
    call, taken, arrive = inc["call"], inc["call_taken"], inc["first_arrival"]
    setup = rules.video_setup.sample(rng, n) if n else np.zeros(0)
    team = arrive + setup
    drone = np.full(n, np.inf)
    flyers = [s for s in stations if _has_drone(s, rules.drones)]
    if flyers and n:
        from scipy.spatial import cKDTree

        xy = np.column_stack([network.nodes.x, network.nodes.y])
        dist, _ = cKDTree(xy[[s.node for s in flyers]]).query(xy[inc["node"]])
        drone = taken + rules.drone_launch + dist / (rules.drone_speed_kph * 1000.0 / 60.0)
    team_v = np.where(np.isnan(team), np.inf, team)
    first = np.minimum(team_v, drone)
    video = np.where(np.isfinite(first), first - call, np.nan)
    video[video > records.end - call] = np.nan
    source = np.where(np.isnan(video), "", np.where(drone < team_v, "drone", "team"))
    c = rows.cols
    who = np.asarray(c["incident"], dtype=np.int64)
    miss = np.bincount(who[np.asarray(c["missed"], dtype=bool)], minlength=n) if n else who
    units = np.asarray(layout.units[0], dtype=str)
    return {
        "incident": np.arange(n, dtype=np.int64),
        "desk": units[layout.desk[0]] if n else np.zeros(0, dtype=str),
        "answered": answered.astype(np.float64),
        "call_wait": answered - call,
        "video": video,
        "video_source": source.astype(str) if n else np.zeros(0, dtype=str),
        "changes": np.asarray([len(changes.get(i, ())) for i in range(n)], dtype=np.int64),
        "missed": miss.astype(np.int64)[:n],
    }


def _has_drone(station: Any, drones: Sequence[str]) -> bool:
    return any(
        d == station.name or (d.startswith("tier:") and d[5:] == station.tier) for d in drones
    )


def _duty(
    desks: DutyDesks,
    layout: DeskLayout,
    answered: np.ndarray,
    taken: np.ndarray,
    written: dict[tuple[int, int], list[tuple[float, float, int]]],
    end: float,
) -> dict[str, np.ndarray]:
    """Officer-minutes on calls and on reports per desk and hour, and the share of officers busy."""
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
            p = written.get((pos, d), [])
            if p:
                arr = np.asarray(p)
                reports = _busy(arr[:, 0], arr[:, 1], edges, arr[:, 2])
            else:
                reports = np.zeros(nb)
            out["level"] += [level] * nb
            out["desk"] += [unit] * nb
            out["start"].append(edges[:-1])
            out["end"].append(edges[1:])
            out["officers"].append(on / np.maximum(np.diff(edges), 1e-12))
            out["calls"].append(calls)
            out["reports"].append(reports)
            out["utilisation"].append((calls + reports) / np.maximum(on, 1e-12))
    num = ("start", "end", "officers", "calls", "reports", "utilisation")
    return {
        "level": np.asarray(out["level"], dtype=str),
        "desk": np.asarray(out["desk"], dtype=str),
        **{k: (np.concatenate(out[k]) if out[k] else np.zeros(0)) for k in num},
    }


def _integral(times: np.ndarray, values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral of a step function (``values[k]`` from ``times[k]``) over each bin."""
    pts = np.unique(np.concatenate([times, edges]))
    level = values[np.searchsorted(times, pts, side="right") - 1]
    cum = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(pts))])
    at = np.interp(edges, pts, cum)
    return np.diff(at)


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
