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
record of the run. Reports are worked first come first served on the officers
calls leave free; a follow-up or final report finished before its link's
written first report is sent waits for it. A follow-up whose event has ended
before an officer could start it is dropped (``missed``: the final report
covers it); it is also late if its limit passed before the event ended. A
report sent after its limit is late (迟报).

Live video from the scene (可视化) is in :mod:`sim.desk_tables`; the queue of
work at a desk in :mod:`sim.desk_queue`.

The reports are built level by level as numpy columns (one block per level);
only the queue itself walks job by job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from networks.roadnet import RoadNetwork
from sim.desk_queue import capacity, sweep
from sim.desk_tables import DUTY_BIN, DUTY_COLUMNS, SCENE_COLUMNS, duty_table, scene_table
from sim.duty import LEVELS, DeskLayout, DutyDesks
from sim.records import RunRecords
from sim.report_changes import CHANGES, changes_of, to_report
from sim.reporting_rules import KINDS, ReportingRules

__all__ = ["DUTY_BIN", "DUTY_COLUMNS", "REPORT_COLUMNS", "SCENE_COLUMNS", "report_chain"]

_NAN = math.nan
#: Columns of the ``reports`` table.
REPORT_COLUMNS = (
    "incident", "kind", "number", "from_level", "from_desk", "to_level", "direct", "change",
    "trigger", "due", "sent", "late", "missed", "wait",
)  # fmt: skip
_PHONE, _WRITTEN, _FOLLOW, _FINAL = range(4)


class _Block:
    """The reports written at one level: numpy columns, and the jobs they make."""

    def __init__(self, pos: int, level: int) -> None:
        self.pos, self.level = pos, level
        self.cols: dict[str, list[np.ndarray]] = {}
        self.jobs: list[tuple[np.ndarray, ...]] = []
        self.n = 0

    def add(self, **cols: np.ndarray) -> np.ndarray:
        """Append rows (equal-length columns); their indices within the block."""
        m = len(cols["incident"])
        for k, v in cols.items():
            self.cols.setdefault(k, []).append(np.broadcast_to(v, (m,)))
        idx = np.arange(self.n, self.n + m)
        self.n += m
        return idx

    def job(self, desk: np.ndarray, arrive: np.ndarray, w1: np.ndarray, r1: np.ndarray,
            w2: np.ndarray | None = None, r2: np.ndarray | None = None,
            drop: np.ndarray | None = None) -> None:  # fmt: skip
        m = len(arrive)
        self.jobs.append((
            desk, arrive, w1, r1,
            np.zeros(m) if w2 is None else w2,
            np.full(m, -1) if r2 is None else r2,
            np.full(m, np.inf) if drop is None else drop,
        ))  # fmt: skip

    def column(self, name: str) -> np.ndarray:
        parts = self.cols.get(name, [])
        return np.concatenate(parts) if parts else np.zeros(0)


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
    pieces: dict[tuple[int, int], np.ndarray] | None = None,
    reports: bool = True,
    cuts: tuple[np.ndarray, np.ndarray] | None = None,
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
        If given, filled per ``(level position, desk)`` with ``(start, end,
        officers writing)`` intervals (for checks).
    reports
        Whether reports are written; without them only the calls occupy the
        desks (``video`` is then ``nan``).
    cuts
        Road closures an incident brings with it: ``(incident, start)``; one
        that starts while its event is being handled is a change to report.

    Returns
    -------
    dict
        ``{"reports": ..., "duty": ..., "scene": ...}``, columns as in
        :data:`REPORT_COLUMNS`, :data:`DUTY_COLUMNS`, :data:`SCENE_COLUMNS`.
    """
    inc = records.incidents
    n = len(inc["id"])
    end = float(records.end)
    *kind_rngs, video_rng = rng.spawn(len(KINDS) + 1)

    def work(kind: int, m: int) -> np.ndarray:
        return rules.writing[KINDS[kind]].sample(kind_rngs[kind], m) if m else np.zeros(0)

    taken = inc["call_taken"]
    cleared = inc["cleared"]
    grade = np.clip(inc["grade"].astype(np.int64), 1, 4)
    levels = layout.levels
    base = LEVELS.index(levels[0])
    top = np.asarray([LEVELS.index(x) for x in rules.reach], dtype=np.int64)[grade - 1]
    stop = np.where(np.isnan(cleared), end, cleared)
    ch_who, ch_when, ch_what = changes_of(records, parent, cuts)
    # Only the changes an incident had to report: its call taken in the run, and found
    # while it lasted (those the receiving desk follows up or misses).
    live = to_report(inc, taken, stop, top > base, end, ch_who, ch_when)
    ch_who, ch_when, ch_what = ch_who[live], ch_when[live], ch_what[live]
    blocks: list[_Block] = []
    written: dict[tuple[int, int], np.ndarray] = {}
    block = _Block(0, base)
    if reports:
        _receiving(block, inc, taken, stop, top, base, end, layout, rules, work,
                   (ch_who, ch_when, ch_what))  # fmt: skip
    for pos, level in enumerate(levels):
        out = _serve_level(block, desks, level, layout, answered, taken, end, written)
        blocks.append(block)
        if pos + 1 >= len(levels):
            break
        block = _relay(block, out, pos + 1, top, stop, layout, work)
    table = _finish(blocks, layout, rules, end, inc["call"], grade, stop)
    missed = np.bincount(table["incident"][table["missed"]], minlength=n)[:n]
    changes = np.bincount(ch_who, minlength=n)[:n] if n else np.zeros(0, np.int64)
    scene = scene_table(records, layout, answered, network, stations,
                        rules if reports else None, video_rng, changes, missed)  # fmt: skip
    duty = duty_table(desks, layout, answered, taken, written, end)
    if pieces is not None:
        pieces.update(written)
    return {"reports": table, "duty": duty, "scene": scene}


def _receiving(
    b: _Block,
    inc: dict[str, np.ndarray],
    taken: np.ndarray,
    stop: np.ndarray,
    top: np.ndarray,
    base: int,
    end: float,
    layout: DeskLayout,
    rules: ReportingRules,
    work: Any,
    changes: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """The receiving desk's reports: first (and direct), follow-ups, final."""
    grade = np.clip(inc["grade"].astype(np.int64), 1, 4)
    desk = layout.desk[0]
    with np.errstate(invalid="ignore"):
        ok = (taken <= end) & (top > base)
    i = np.flatnonzero(ok)
    r0 = taken[i]

    def rows(who: np.ndarray, kind: int, trigger: np.ndarray, to: Any, *, direct: bool = False,
             change: Any = 0, pair: Any = -1) -> np.ndarray:  # fmt: skip
        return b.add(incident=who, kind=np.int8(kind), frm=np.int8(base), to=to,
                     direct=np.bool_(direct), change=change, trigger=trigger,
                     learned=taken[who], pair=pair, desk=desk[who])  # fmt: skip

    p = rows(i, _PHONE, r0, np.int64(base + 1))
    w = rows(i, _WRITTEN, r0, np.int64(base + 1), pair=p)
    b.job(desk[i], r0, work(_PHONE, i.size), p, work(_WRITTEN, i.size), w)
    # Direct reports go to the top of the reach, or to ``direct_to`` if lower.
    cap = LEVELS.index(rules.direct_to) if rules.direct_to is not None else len(LEVELS)
    dtop = np.minimum(top, cap)
    dsel = i[(grade[i] <= rules.direct_grades) & (dtop[i] > base + 1)]
    if dsel.size:
        p = rows(dsel, _PHONE, taken[dsel], dtop[dsel], direct=True)
        w = rows(dsel, _WRITTEN, taken[dsel], dtop[dsel], direct=True, pair=p)
        b.job(desk[dsel], taken[dsel], work(_PHONE, dsel.size), p, work(_WRITTEN, dsel.size), w)
    # Follow-ups: the interval's ticks, and the changes, while the event lasts.
    who, when, what = [], [], []
    if rules.follow_up_interval is not None and i.size:
        step = rules.follow_up_interval
        ticks = np.maximum(np.ceil((stop[i] - r0) / step) - 1, 0).astype(np.int64)
        rep = np.repeat(i, ticks)
        k = np.arange(rep.size) - np.repeat(np.cumsum(ticks) - ticks, ticks) + 1
        who.append(rep)
        when.append(taken[rep] + k * step)
        what.append(np.zeros(rep.size, np.int64))
    cw, ct, cc = changes  # those owed (sim.report_changes.to_report)
    if cw.size:
        who.append(cw)
        when.append(np.maximum(ct, taken[cw]))  # found at the latest when the call is taken
        what.append(cc)
    if who:
        fw, ft, fc = np.concatenate(who), np.concatenate(when), np.concatenate(what)
        order = np.lexsort((ft, fw))
        fw, ft, fc = fw[order], ft[order], fc[order]
        f = rows(fw, _FOLLOW, ft, np.int64(base + 1), change=fc)
        b.job(desk[fw], ft, work(_FOLLOW, fw.size), f, drop=stop[fw])
    with np.errstate(invalid="ignore"):
        fin = i[inc["cleared"][i] <= end]
    f = rows(fin, _FINAL, inc["cleared"][fin], np.int64(base + 1))
    b.job(desk[fin], inc["cleared"][fin], work(_FINAL, fin.size), f)


def _serve_level(
    b: _Block,
    desks: DutyDesks,
    level: str,
    layout: DeskLayout,
    answered: np.ndarray,
    taken: np.ndarray,
    end: float,
    written: dict[tuple[int, int], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Work a level's jobs at its desks; ``(sent, wait, missed)`` per row of the block."""
    sent, wait, missed = np.full(b.n, _NAN), np.full(b.n, _NAN), np.zeros(b.n, bool)
    shifts = desks.staff[level].changes(desks.start_hour, end)
    if b.jobs:
        desk, arrive, w1, r1, w2, r2, drop = (np.concatenate(c) for c in zip(*b.jobs, strict=True))
    else:
        desk = arrive = w1 = r1 = w2 = r2 = drop = np.zeros(0)
    order = np.lexsort((np.arange(arrive.size), arrive, desk))
    desk = desk[order].astype(np.int64)
    cut = np.searchsorted(desk, np.arange(len(layout.units[b.pos]) + 1))
    arrive, w1, w2, drop = (c[order].astype(np.float64) for c in (arrive, w1, w2, drop))
    r1, r2 = (c[order].astype(np.int64) for c in (r1, r2))
    # First reports (a phone report and its written one, r2 >= 0) go first.
    cls = np.where(r2 >= 0, 0, 1).astype(np.int8)
    n_units = len(layout.units[b.pos])
    if b.pos == 0:  # only the receiving desks take calls: each desk's calls, in call order
        picked = np.flatnonzero(~np.isnan(answered))
        picked = picked[np.argsort(layout.desk[0][picked], kind="stable")]
        a_cut = np.searchsorted(layout.desk[0][picked], np.arange(n_units + 1))
        a_all, t_all = answered[picked], taken[picked]
    for d in range(n_units):
        lo, hi = int(cut[d]), int(cut[d + 1])
        if b.pos == 0:
            c0, c1 = int(a_cut[d]), int(a_cut[d + 1])
            times, free = capacity(a_all[c0:c1], t_all[c0:c1], shifts)
        else:
            times, free = capacity(np.zeros(0), np.zeros(0), shifts)
        got = sweep(arrive[lo:hi], w1[lo:hi], w2[lo:hi], r1[lo:hi], r2[lo:hi], drop[lo:hi],
                    cls[lo:hi], times, free, end,
                    sent, wait, missed, True)  # fmt: skip
        written[(b.pos, d)] = got
    _after_first(b, sent)
    b.cols["sent"], b.cols["wait"], b.cols["missed"] = [sent], [wait], [missed]
    return sent, wait, missed


def _after_first(b: _Block, sent: np.ndarray) -> None:
    """Hold a follow-up or final report written before its link's first report is sent.

    With two officers, one can finish a follow-up (a change found at call
    taking) while the other still writes the written first report: 续报 must
    not reach the next level before 首报, so it is sent when the first report
    is (and not at all if that is not sent within the run).
    """
    if not b.n:
        return
    kind, to = b.column("kind"), b.column("to").astype(np.int64)
    who, direct = b.column("incident").astype(np.int64), b.column("direct").astype(bool)
    first = np.flatnonzero((kind == _WRITTEN) & ~direct)
    later = np.flatnonzero(((kind == _FOLLOW) | (kind == _FINAL)) & ~direct & ~np.isnan(sent))
    if not first.size or not later.size:
        return
    # Each link (incident, level sent to) has one written first report at a level.
    key = who * (len(LEVELS) + 2) + to
    at = np.full(int(key.max()) + 1, -np.inf)  # -inf: no written report on the link
    at[key[first]] = sent[first]
    f = at[key[later]]
    held = np.isnan(f) | (f > sent[later])
    sent[later[held]] = f[held]


def _relay(
    b: _Block,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
    pos: int,
    top: np.ndarray,
    stop: np.ndarray,
    layout: DeskLayout,
    work: Any,
) -> _Block:
    """The next level's reports: it passes on what ``b``'s level sent it."""
    sent = out[0]
    lv = b.level
    nb = _Block(pos, lv + 1)
    if not b.n:
        return nb
    who, kind, to = b.column("incident").astype(np.int64), b.column("kind"), b.column("to")
    direct, change = b.column("direct").astype(bool), b.column("change").astype(np.int64)
    sel = (to == lv + 1) & ~direct & ~np.isnan(sent) & (top[who] > lv + 1) & (kind != _WRITTEN)
    rows = np.flatnonzero(sel)
    rows = rows[np.argsort(sent[rows], kind="stable")]
    desk = layout.desk[pos]
    for k in (_PHONE, _FOLLOW, _FINAL):
        r = rows[kind[rows] == k]
        i, s = who[r], sent[r]
        new = nb.add(incident=i, kind=np.int8(k), frm=np.int8(lv + 1), to=np.int64(lv + 2),
                     direct=np.bool_(False), change=change[r], trigger=s, learned=s,
                     pair=np.int64(-1), desk=desk[i])  # fmt: skip
        if k == _PHONE:  # each level writes its own written report straight after
            w = nb.add(incident=i, kind=np.int8(_WRITTEN), frm=np.int8(lv + 1),
                       to=np.int64(lv + 2), direct=np.bool_(False), change=np.int64(0),
                       trigger=s, learned=s, pair=new, desk=desk[i])  # fmt: skip
            nb.job(desk[i], s, work(_PHONE, i.size), new, work(_WRITTEN, i.size), w)
        else:
            nb.job(desk[i], s, work(k, i.size), new, drop=stop[i] if k == _FOLLOW else None)
    return nb


def _finish(
    blocks: list[_Block], layout: DeskLayout, rules: ReportingRules, end: float,
    call: np.ndarray, grades: np.ndarray, stop: np.ndarray,
) -> dict[str, np.ndarray]:  # fmt: skip
    """The ``reports`` table: due times, lateness and follow-up numbers of every report.

    ``stop``: when each incident's event ended (a follow-up not begun by then is dropped).
    """
    offset = np.cumsum([0] + [b.n for b in blocks])

    def col(name: str, dtype: Any) -> np.ndarray:
        parts = [b.column(name).astype(dtype) for b in blocks if b.n]
        return np.concatenate(parts) if parts else np.zeros(0, dtype)

    who = col("incident", np.int64)
    # Small codes as int8: the sorts and gathers below move a quarter of the bytes.
    kind, frm, to = (col(c, np.int8) for c in ("kind", "frm", "to"))
    pair = np.concatenate(
        [np.where(b.column("pair") >= 0, b.column("pair") + offset[k], -1).astype(np.int64)
         for k, b in enumerate(blocks) if b.n] or [np.zeros(0, np.int64)]
    )  # fmt: skip
    direct, missed = col("direct", bool), col("missed", bool)
    trigger, learned, sent, wait = (col(c, float) for c in ("trigger", "learned", "sent", "wait"))
    # Desks as codes into all levels' desk names (strings are made once, in order).
    first_unit = np.cumsum([0] + [len(u) for u in layout.units])
    desk = np.concatenate(
        [b.column("desk").astype(np.int64) + first_unit[b.pos] for b in blocks if b.n]
        or [np.zeros(0, np.int64)]
    )
    unit_names = np.asarray([u for units in layout.units for u in units], dtype=str)
    from_call = call[who] if who.size else np.zeros(0)
    grade = grades[who] if who.size else np.zeros(0, np.int64)
    # Limits as a (kind, level, grade) table, nan where none.
    table = np.full((len(KINDS), len(LEVELS), 4), np.nan)
    for k, q in enumerate(KINDS):
        for v, lv in enumerate(LEVELS):
            for g in range(4):
                lim = rules.limit(q, lv, g + 1)
                table[k, v, g] = np.nan if lim is None else lim
    first = kind <= _WRITTEN
    due = np.where(first, learned, trigger) + table[kind, to, grade - 1]
    for lv, limits in rules.first_report.items():
        by_g = np.asarray([np.nan if x is None else x for x in limits])
        sel = (kind == _PHONE) & (to == LEVELS.index(lv))
        due[sel] = np.fmin(due[sel], from_call[sel] + by_g[grade[sel] - 1])
    wap = np.asarray([np.nan if x is None else x for x in rules.written_after_phone])
    sel = (kind == _WRITTEN) & (pair >= 0)
    due[sel] = np.fmin(due[sel], sent[pair[sel]] + wap[grade[sel] - 1])
    with np.errstate(invalid="ignore"):
        late = ~missed & ~np.isnan(due) & ((sent > due + 1e-9) | (np.isnan(sent) & (due <= end)))
        # A follow-up dropped when its event ended was late already if its limit had passed
        # by then: the final report covering it does not make it on time.
        late |= missed & (due < (stop[who] if who.size else np.zeros(0)) - 1e-9)
    # Follow-ups are numbered 续报一, 二, ... per incident and link, in the order sent.
    number = np.zeros(who.size, dtype=np.int64)
    fu = np.flatnonzero((kind == _FOLLOW) & ~np.isnan(sent))
    if fu.size:
        o = fu[np.lexsort((sent[fu], to[fu], frm[fu], who[fu]))]
        key = np.stack([who[o], frm[o], to[o]])
        new = np.r_[True, np.any(key[:, 1:] != key[:, :-1], axis=0)]
        start = np.maximum.accumulate(np.where(new, np.arange(o.size), 0))
        number[o] = np.arange(o.size) - start + 1
    # One incident's reports together, level by level, in the order they were due to start;
    # numbers are reordered, and the text columns made from the reordered codes.
    o = np.lexsort((kind, trigger, frm, who))
    change = col("change", np.int8)
    who, kind, frm, to, desk, change = who[o], kind[o], frm[o], to[o], desk[o], change[o]

    def text(names: Any, codes: np.ndarray) -> np.ndarray:
        return np.asarray(names, dtype=str)[codes] if codes.size else np.zeros(0, dtype=str)

    return {
        "incident": who,
        "kind": text(KINDS, kind),
        "number": number[o],
        "from_level": text(LEVELS, frm),
        "from_desk": unit_names[desk] if desk.size else np.zeros(0, dtype=str),
        "to_level": text(LEVELS, to),
        "direct": direct[o],
        "change": text(CHANGES, change),
        "trigger": trigger[o],
        "due": due[o],
        "sent": sent[o],
        "late": late[o],
        "missed": missed[o],
        "wait": wait[o],
    }
