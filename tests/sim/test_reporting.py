"""The reporting chain (sim.reporting): priority-queue closed form, invariants, acceptance."""

from __future__ import annotations

import dataclasses
import functools
import heapq
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from benchmarks.bench_sim import county_stream
from experiments.config import RunConfig
from experiments.runner import run_replication
from networks.errors import ConfigError
from sim.desk_queue import capacity, serve
from sim.duty import DESK_LEVELS, LEVELS, DeskStaff, DutyDesks, assign_desks, take_calls
from sim.reporting import report_chain
from sim.reporting_rules import KINDS, PRESETS, ReportingRules, rules_from_config
from sim.summary import summarise
from sim.targets import ResponseTargets

_DAY = 1440.0
FIRST = ("phone_first", "written_first")


@functools.cache
def _region():
    """The built-in county with its default facilities (built once; kept out of the
    arguments of property tests, whose failure reports would print it)."""
    from networks import synthetic_county

    net = synthetic_county()
    return net, sim.default_facilities(net)


# ------------------------------------------------------- M/M/1 with two priority classes


def priority_sojourn(lam1: float, mu1: float, lam2: float, mu2: float) -> tuple[float, float]:
    """Mean times in system of M/M/1 with pre-emptive-resume priority for class 1.

    Class 1 sees an M/M/1 queue of its own; class 2 (Kleinrock; Harchol-Balter,
    ch. 32) ``T2 = E[S2] / (1 - rho1) + R2 / ((1 - rho1)(1 - rho1 - rho2))`` with
    ``R2 = lambda1 E[S1^2] / 2 + lambda2 E[S2^2] / 2`` and ``E[S^2] = 2 / mu^2``.
    """
    rho1, rho2 = lam1 / mu1, lam2 / mu2
    t1 = 1.0 / (mu1 - lam1)
    r2 = lam1 * (2.0 / mu1**2) / 2.0 + lam2 * (2.0 / mu2**2) / 2.0
    t2 = (1.0 / mu2) / (1.0 - rho1) + r2 / ((1.0 - rho1) * (1.0 - rho1 - rho2))
    return t1, t2


def test_priority_formula_conserves_work_for_identical_classes():
    # Identical exponential classes: the pair is one M/M/1 queue at rho1 + rho2, and the
    # load-weighted mean of the two times in system is its 1 / (mu - lambda).
    t1, t2 = priority_sojourn(0.3, 1.0, 0.3, 1.0)
    assert t1 == pytest.approx(1.0 / 0.7)
    assert (t1 + t2) / 2 == pytest.approx(1.0 / (1.0 - 0.6))


def _jobs(arrive, work, drop=None):
    """Single-report jobs in the parallel lists of sim.desk_queue, and an empty outcome."""
    m = len(arrive)
    drop = [math.inf] * m if drop is None else list(drop)
    jobs = (list(arrive), list(work), [0.0] * m, list(range(m)), [-1] * m, drop)
    out = ([math.nan] * m, [math.nan] * m, [False] * m)
    return jobs, out


def _merged(pieces):
    """Pieces with adjacent ones of the same officer count joined."""
    out: list[tuple[float, float, int]] = []
    for a, b, k in pieces:
        if out and out[-1][1] == a and out[-1][2] == k:
            out[-1] = (out[-1][0], b, k)
        else:
            out.append((a, b, k))
    return out


def _two_classes(seed: int, lam1: float, mu1: float, lam2: float, mu2: float, n1: int):
    """One officer: calls via take_calls, reports via serve on what calls leave free."""
    r1, r2 = np.random.default_rng(seed).spawn(2)
    a1 = np.cumsum(r1.exponential(1.0 / lam1, n1))
    w1 = r1.exponential(1.0 / mu1, n1)
    horizon = float(a1[-1])
    a2 = np.cumsum(r2.exponential(1.0 / lam2, int(lam2 * horizon * 1.5) + 50))
    a2 = a2[a2 < horizon]
    w2 = r2.exponential(1.0 / mu2, a2.size)
    answered, taken = take_calls(a1, w1, np.zeros(n1, np.int64), 1, DeskStaff(((0.0, 1),)))
    times, free = capacity(answered, taken, [(0.0, 1)])
    jobs, out = _jobs(a2.tolist(), w2.tolist())
    pieces: list[tuple[float, float, int]] = []
    serve(*jobs, times, free, out, math.inf, pieces)
    sent = np.asarray(out[0])
    assert not np.isnan(sent).any()
    # The officer writes only while free of calls, one thing at a time, and exactly the
    # reports' work in all.
    assert all(k == 1 for _, _, k in pieces)
    span = sum(b - a for a, b, _ in pieces)
    assert span == pytest.approx(w2.sum(), rel=1e-6)
    return (taken - a1).mean(), (sent - a2).mean()


@pytest.mark.parametrize(
    "lam1, mu1, lam2, mu2",
    [
        (0.3, 1.0, 0.3, 1.0),  # rho1 = rho2 = 0.3, equal service
        (0.4, 1.0 / 0.75, 0.0375, 1.0 / 8.0),  # 45-second calls, 8-minute follow-ups
    ],
)
def test_one_officer_desk_is_a_two_class_priority_queue(lam1, mu1, lam2, mu2):
    seeds = range(8)
    got = np.array([_two_classes(s, lam1, mu1, lam2, mu2, n1=40_000) for s in seeds])
    t1, t2 = priority_sojourn(lam1, mu1, lam2, mu2)
    mean, se = got.mean(axis=0), got.std(axis=0, ddof=1) / math.sqrt(len(seeds))
    assert se[0] < 0.03 * t1 and se[1] < 0.05 * t2  # enough runs to tell the disciplines apart
    assert abs(mean[0] - t1) < 4 * se[0], (mean[0], t1, se[0])
    assert abs(mean[1] - t2) < 4 * se[1], (mean[1], t2, se[1])
    # A non-pre-emptive desk would give E[S2] + R2 / ((1 - rho1)(1 - rho1 - rho2)): ruled out.
    rho1, rho2 = lam1 / mu1, lam2 / mu2
    r2 = lam1 / mu1**2 + lam2 / mu2**2
    t2_np = 1.0 / mu2 + r2 / ((1 - rho1) * (1 - rho1 - rho2))
    assert abs(mean[1] - t2_np) > 4 * se[1]


def test_serve_resumes_a_report_put_down_for_a_call():
    # One officer; a call 2..5; a 4-minute report arriving at 0 is put down at 2 and
    # resumed at 5 (2 minutes left): sent at 7. A second report (arriving at 1) waits.
    times, free = capacity(np.array([2.0]), np.array([5.0]), [(0.0, 1)])
    jobs, out = _jobs([0.0, 1.0], [4.0, 1.0])
    pieces: list[tuple[float, float, int]] = []
    serve(*jobs, times, free, out, 100.0, pieces)
    assert out[0] == [7.0, 8.0]
    assert out[1] == [0.0, 6.0]
    assert _merged(pieces) == [(0.0, 2.0, 1), (5.0, 8.0, 1)]


def test_serve_writes_the_pair_back_to_back_and_stops_at_the_end():
    # A phone report (3) then its written report (10) by the same officer; a call 5..6
    # interrupts the written one. The run ends at 13.5: the written report is not sent.
    times, free = capacity(np.array([5.0]), np.array([6.0]), [(0.0, 1)])
    out = ([math.nan] * 2, [math.nan] * 2, [False] * 2)
    serve([0.0], [3.0], [10.0], [0], [1], [math.inf], times, free, out, 13.5)
    assert out[0][0] == 3.0 and math.isnan(out[0][1])
    assert out[1] == [0.0, 0.0]
    out = ([math.nan] * 2, [math.nan] * 2, [False] * 2)
    serve([0.0], [3.0], [10.0], [0], [1], [math.inf], times, free, out, 100.0)
    assert out[0] == [3.0, 14.0]


def test_serve_drops_a_follow_up_whose_event_ended_first():
    # The officer is on a call 0..10; a follow-up of an event that ended at 6 is missed,
    # one that ends later is written after the call.
    times, free = capacity(np.array([0.0]), np.array([10.0]), [(0.0, 1)])
    jobs, out = _jobs([1.0, 1.0], [2.0, 2.0], drop=[6.0, 20.0])
    serve(*jobs, times, free, out, 100.0)
    assert out[2] == [True, False]
    assert math.isnan(out[0][0])
    assert out[0][1] == 12.0


@settings(max_examples=100, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(0, 500), st.floats(0.1, 60), st.floats(0, 800)),
        min_size=1,
        max_size=30,
    ),
    officers=st.integers(1, 4),
    end=st.floats(10, 1000),
)
def test_serve_without_calls_is_the_plain_fifo_queue(data, officers, end):
    # A desk that takes no calls and keeps one staffing, single-report jobs of one class:
    # the c-server first-come-first-served queue (a job starts when it arrives or when
    # the first officer is free; a follow-up not begun before its drop time is missed).
    data = sorted(data)
    arrive, work, drop = ([x[k] for x in data] for k in range(3))
    free = [0.0] * officers
    want_sent, want_missed = [], []
    for t, w, d in zip(arrive, work, drop, strict=True):
        start = max(t, free[0])
        if start > end:
            want_sent.append(math.nan)
            want_missed.append(False)
            continue
        if start >= d:
            want_sent.append(math.nan)
            want_missed.append(True)
            continue
        heapq.heapreplace(free, start + w)
        want_sent.append(start + w if start + w <= end else math.nan)
        want_missed.append(False)
    times, free_l = capacity(np.zeros(0), np.zeros(0), [(0.0, officers)])
    jobs, b = _jobs(arrive, work, drop)
    serve(*jobs, times, free_l, b, end)
    assert b[2] == want_missed
    np.testing.assert_allclose(b[0], want_sent, rtol=0, atol=1e-6)
    for s_, t in zip(b[0], arrive, strict=True):
        assert math.isnan(s_) or t < s_ <= end


def test_a_first_report_goes_before_a_final_report_being_written():
    # One officer writing a 30-minute final report from minute 0; a first report (phone 3
    # + written 10) arrives at minute 5: it is worked at once ("首报快"), and the final
    # report resumes after it, its work done so far kept.
    arrive, w1, w2, r1, r2, drop = (
        [0.0, 5.0],
        [30.0, 3.0],
        [0.0, 10.0],
        [0, 1],
        [-1, 2],
        [
            math.inf,
            math.inf,
        ],
    )
    out = ([math.nan] * 3, [math.nan] * 3, [False] * 3)
    times, free = capacity(np.zeros(0), np.zeros(0), [(0.0, 1)])
    serve(arrive, w1, w2, r1, r2, drop, times, free, out, 1000.0, None, [False, True])
    sent, wait, _missed = out
    assert sent[1] == pytest.approx(8.0) and sent[2] == pytest.approx(18.0)
    assert sent[0] == pytest.approx(43.0)  # 5 minutes before, 25 after the first report
    assert wait[1] == 0.0 and wait[0] == 0.0
    # First come first served instead: the first report waits for the final one.
    out = ([math.nan] * 3, [math.nan] * 3, [False] * 3)
    serve(arrive, w1, w2, r1, r2, drop, times, free, out, 1000.0)
    assert out[0][1] == pytest.approx(33.0) and out[0][0] == pytest.approx(30.0)


# --------------------------------------------------------------- properties of a run


def _check_due(rep, inc, rules: ReportingRules) -> None:
    """Each report's due time, worked out here from the rules as the module docstring says."""
    grade = np.clip(inc["grade"].astype(int), 1, 4)
    phone_sent = {}
    for r in np.flatnonzero(rep["kind"] == "phone_first"):
        key = (rep["incident"][r], rep["from_level"][r], rep["to_level"][r], rep["direct"][r])
        phone_sent[key] = rep["sent"][r]
    for r in range(len(rep["kind"])):
        kind, to, i = str(rep["kind"][r]), str(rep["to_level"][r]), int(rep["incident"][r])
        g = int(grade[i])
        lim = rules.limit(kind, to, g)
        # First reports count from when the sending level learned of the event: for the
        # receiving level the call taken, for a relay the phone report it received; that
        # is the report's trigger.
        due = math.inf if lim is None else rep["trigger"][r] + lim
        first = rules.first_report.get(to)
        if kind == "phone_first" and first is not None and first[g - 1] is not None:
            due = min(due, inc["call"][i] + first[g - 1])
        after_phone = rules.written_after_phone[g - 1]
        if kind == "written_first" and after_phone is not None:
            key = (i, rep["from_level"][r], to, rep["direct"][r])
            if not math.isnan(phone_sent[key]):
                due = min(due, phone_sent[key] + after_phone)
        if math.isinf(due):
            assert math.isnan(rep["due"][r]), r
        else:
            assert rep["due"][r] == pytest.approx(due, abs=1e-9), (r, kind, to, g)


@st.composite
def _staff(draw):
    starts = sorted(draw(st.sets(st.integers(0, 1439), min_size=1, max_size=3)))
    counts = draw(st.lists(st.integers(1, 3), min_size=len(starts), max_size=len(starts)))
    return DeskStaff(tuple((float(s), k) for s, k in zip(starts, counts, strict=True)))


@st.composite
def _setup(draw):
    preset = draw(st.sampled_from(sorted(PRESETS)))
    rules = dataclasses.replace(
        PRESETS[preset],
        follow_up_interval=draw(st.one_of(st.none(), st.floats(5.0, 120.0))),
        direct_grades=draw(st.integers(0, 4)),
        direct_to=draw(st.one_of(st.none(), st.sampled_from(LEVELS[1:]))),
    )
    desks = DutyDesks(
        receiving=draw(st.sampled_from(DESK_LEVELS)),
        staff={lv: draw(_staff()) for lv in DESK_LEVELS},
        start_hour=float(draw(st.integers(0, 23))),
    )
    n = draw(st.integers(1, 50))
    return {
        "rules": rules,
        "desks": desks,
        "n": n,
        "rate": draw(st.floats(0.02, 2.0)),
        "seed": draw(st.integers(0, 2**16)),
        "horizon": draw(st.one_of(st.none(), st.floats(30.0, 600.0))),
        "grades": draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)),
        "parents": draw(st.lists(st.integers(-3, 50), min_size=n, max_size=n)),
    }


def _stream(network, s):
    stream = county_stream(network, s["n"], rate=s["rate"], rng=np.random.default_rng(s["seed"]))
    # Random grades (I to IV), and some incidents cascading from an earlier one.
    parent = np.array([p if 0 <= p < i else -1 for i, p in enumerate(s["parents"])], np.int64)
    return dataclasses.replace(stream, grade=np.asarray(s["grades"], np.int8), parent=parent)


def _on_duty(staff: DeskStaff, off: float, u: float) -> int:
    """Officers on duty at run minute ``u`` (written here, not taken from sim.duty)."""
    m = (u + off) % _DAY
    on = [k for s, k in staff.shifts if s <= m]
    return on[-1] if on else staff.shifts[-1][1]


def _shift_starts(staff: DeskStaff, off: float, end: float) -> list[float]:
    return [
        d * _DAY + s - off
        for d in range(-1, int(end // _DAY) + 3)
        for s, _ in staff.shifts
        if 0.0 <= d * _DAY + s - off <= end
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=_setup())
def test_chain_invariants(s):
    county, (stations, depots) = _region()
    rules, desks = s["rules"], s["desks"]
    stream = _stream(county, s)
    seed = s["seed"]
    records = sim.run(
        county, stations, depots, stream, rng=np.random.default_rng(seed),
        horizon=s["horizon"], duty=desks, reporting=rules,
    )  # fmt: skip
    rep, inc, end = records.reports, records.incidents, records.end
    # Rebuild the chain with the run's own stream of draws, keeping the officers' pieces.
    rng = np.random.default_rng(seed)
    rng.spawn(4)
    layout = assign_desks(county, stations, stream.node, desks.levels)
    pieces: dict[tuple[int, int], np.ndarray] = {}
    again = report_chain(
        records, network=county, stations=stations, desks=desks, layout=layout,
        answered=records.scene["answered"], parent=stream.parent, rules=rules,
        rng=rng.spawn(1)[0], pieces=pieces,
    )["reports"]  # fmt: skip
    for col, x in rep.items():
        assert np.array_equal(x, again[col], equal_nan=x.dtype.kind == "f"), col

    sent, trigger = rep["sent"], rep["trigger"]
    done = ~np.isnan(sent)
    # Every report is sent after its trigger, within the run; a missed one is never sent.
    assert np.all(sent[done] >= trigger[done])
    assert np.all(sent[done] <= end)
    assert np.all(np.isnan(sent[rep["missed"]]))
    assert set(rep["kind"][rep["missed"]].tolist()) <= {"follow_up"}
    assert np.all(rep["wait"][~np.isnan(rep["wait"])] >= 0)
    # Late: sent after the limit, or still unsent when the limit passed within the run;
    # never late when sent in time, nor without a limit; a missed follow-up is late
    # exactly when its limit passed before its event ended (and it was dropped).
    due = rep["due"]
    with np.errstate(invalid="ignore"):
        assert not np.any(rep["late"] & done & (sent <= due))
        assert np.all(rep["late"][done & (sent > due + 1e-6)])
        unsent = ~done & ~rep["missed"]
        assert np.all(rep["late"][unsent & (due <= end)])
        assert not np.any(rep["late"][unsent & (due > end)])
    assert not np.any(rep["late"] & np.isnan(due))
    miss = rep["missed"]
    stop = np.where(np.isnan(inc["cleared"]), end, inc["cleared"])[rep["incident"][miss]]
    with np.errstate(invalid="ignore"):
        assert np.array_equal(rep["late"][miss], due[miss] < stop - 1e-9)
    # 首报 before 续报: no follow-up or final report reaches a level before that link's
    # written first report (a second officer may finish one first: it is held).
    link = list(zip(rep["incident"].tolist(), rep["from_level"], rep["to_level"], strict=True))
    written_at = {
        link[k]: sent[k] for k in np.flatnonzero((rep["kind"] == "written_first") & ~rep["direct"])
    }
    for k in np.flatnonzero(np.isin(rep["kind"], ["follow_up", "final"]) & done):
        assert sent[k] >= written_at[link[k]], (k, link[k])

    base = LEVELS.index(desks.receiving)
    _check_due(rep, inc, rules)
    reach = np.array([LEVELS.index(rules.reach[g - 1]) for g in inc["grade"].astype(int)])
    lv_from = np.array([LEVELS.index(x) for x in rep["from_level"]], dtype=int)
    lv_to = np.array([LEVELS.index(x) for x in rep["to_level"]], dtype=int)
    who = rep["incident"]
    assert np.all(lv_to <= reach[who]) and np.all(lv_from >= base)
    direct = rep["direct"]
    assert np.all(lv_to[~direct] == lv_from[~direct] + 1)
    # Direct reports: grades up to direct_grades, from the receiving desk, when it is taken,
    # to the top of the reach (or direct_to if lower), skipping at least one level; a pair each.
    cap = LEVELS.index(rules.direct_to) if rules.direct_to is not None else len(LEVELS)
    dtop = np.minimum(reach, cap)
    assert np.all(lv_from[direct] == base)
    assert np.all(lv_to[direct] == dtop[who[direct]])
    assert np.all(inc["grade"][who[direct]] <= rules.direct_grades)
    assert set(rep["kind"][direct].tolist()) <= set(FIRST)
    with np.errstate(invalid="ignore"):
        owed_direct = (
            (inc["call_taken"] <= end) & (inc["grade"] <= rules.direct_grades) & (dtop > base + 1)
        )
    for kind in FIRST:
        got = who[direct & (rep["kind"] == kind)]
        assert sorted(got.tolist()) == np.flatnonzero(owed_direct).tolist()
    # The receiving desk phones when the call is taken.
    first = (rep["kind"] == "phone_first") & (lv_from == base)
    assert np.array_equal(trigger[first], inc["call_taken"][who[first]])

    # A final report from the receiving level for every incident cleared within the run
    # whose call was taken and whose reach is above the receiving level.
    taken, cleared = inc["call_taken"], inc["cleared"]
    with np.errstate(invalid="ignore"):
        owed = (taken <= end) & (cleared <= end) & (reach > base)
    final = (rep["kind"] == "final") & (lv_from == base)
    assert sorted(who[final].tolist()) == np.flatnonzero(owed).tolist()
    assert np.array_equal(trigger[final], cleared[who[final]])

    # Follow-ups while the event lasts: the interval's ticks after the call taken, and the
    # changes (one already there at the call is found when the call is taken); one that
    # was begun, was begun before the event ended.
    stop = np.where(np.isnan(cleared), end, cleared)
    fu_all = rep["kind"] == "follow_up"
    fu_base = fu_all & (lv_from == base)
    assert np.all(trigger[fu_base] >= taken[who[fu_base]])
    assert np.all(
        trigger[fu_base & (rep["change"] == "")] > taken[who[fu_base & (rep["change"] == "")]]
    )
    assert np.all(trigger[fu_base] < stop[who[fu_base]])
    began = fu_all & ~np.isnan(rep["wait"])
    assert np.all(trigger[began] + rep["wait"][began] < stop[who[began]])
    if rules.follow_up_interval is not None:
        step = rules.follow_up_interval
        ticks = fu_all & (lv_from == base) & (rep["change"] == "")
        for i in np.flatnonzero(~np.isnan(taken) & (taken <= end) & (reach > base)):
            want = [taken[i] + k * step for k in range(1, 10_000) if taken[i] + k * step < stop[i]]
            np.testing.assert_allclose(np.sort(trigger[ticks & (who == i)]), want)
    else:
        assert not np.any(fu_all & (rep["change"] == ""))

    # Follow-ups numbered 1..k in the order sent, per incident and link.
    fu = (rep["kind"] == "follow_up") & done
    links: dict[tuple, list[tuple[float, int]]] = {}
    for r in np.flatnonzero(fu):
        key = (who[r], rep["from_level"][r], rep["to_level"][r], direct[r])
        links.setdefault(key, []).append((sent[r], rep["number"][r]))
    for got in links.values():
        got.sort()
        assert [k for _, k in got] == list(range(1, len(got) + 1))

    # Each level above the receiving one passes on exactly what it was sent.
    for lv in range(base + 1, LEVELS.index("city") + 1):  # levels with desks
        into = (lv_to == lv) & ~direct & done & (reach[who] > lv)
        want = []
        for r in np.flatnonzero(into):
            kinds = {"phone_first": FIRST, "written_first": ()}.get(
                rep["kind"][r], (rep["kind"][r],)
            )
            want += [(int(who[r]), k, float(sent[r])) for k in kinds]
        out = (lv_from == lv) & ~direct
        have = [(int(who[r]), str(rep["kind"][r]), float(trigger[r])) for r in np.flatnonzero(out)]
        assert sorted(want) == sorted(have), lv

    # No officer handles two things at once: reports are written only by officers on duty
    # and free of calls.
    answered = records.scene["answered"]
    off = desks.start_hour * 60.0
    for (pos, d), got in pieces.items():
        if not len(got):
            continue
        staff = desks.staff[layout.levels[pos]]
        if pos == 0:
            mine = (layout.desk[0] == d) & ~np.isnan(answered)
            a, b = answered[mine], taken[mine]
        else:
            a = b = np.zeros(0)
        p = np.asarray(got, dtype=float)
        assert np.all((0 <= p[:, 0]) & (p[:, 0] <= p[:, 1]) & (p[:, 1] <= end) & (p[:, 2] >= 1))
        pts = np.unique(np.concatenate([p[:, 0], p[:, 1], a, b, _shift_starts(staff, off, end)]))
        u = (pts[:-1] + pts[1:]) / 2
        u = u[(u >= p[:, 0].min()) & (u <= p[:, 1].max())]
        writing = ((p[:, 0] <= u[:, None]) & (u[:, None] < p[:, 1])) @ p[:, 2]
        calls = np.sum((a <= u[:, None]) & (u[:, None] < b), axis=1)
        on = np.array([_on_duty(staff, off, x) for x in u])
        bad = writing > np.maximum(on - calls, 0)
        assert not bad.any(), (pos, d, u[bad], writing[bad], on[bad], calls[bad])
    # The duty table counts the same officer-minutes on reports.
    for pos, level in enumerate(layout.levels):
        for d, unit in enumerate(layout.units[pos]):
            sel = (records.duty["level"] == level) & (records.duty["desk"] == unit)
            minutes = sum((e0 - s0) * k for s0, e0, k in pieces.get((pos, d), []))
            assert records.duty["reports"][sel].sum() == pytest.approx(minutes, abs=1e-6)


# ------------------------------------------------------- the chain changes nothing else


def _same_tables(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for col, x in a.items():
        y = b[col]
        assert x.dtype == y.dtype, col
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), col


OTHER = ("incidents", "dispatches", "supplies", "stockouts", "teams")


def _county_run(*, n=300, rate=0.3, seed=5, **kw):
    """A run on the built-in county: ``n`` Poisson incidents at ``rate`` per minute."""
    county, (stations, depots) = _region()
    stream = county_stream(county, n, rate=rate, rng=np.random.default_rng(seed))
    return sim.run(county, stations, depots, stream, rng=np.random.default_rng(seed + 1), **kw)


def test_reports_change_no_other_record():
    desks = DutyDesks(staff={lv: DeskStaff(((0.0, 1),)) for lv in DESK_LEVELS})
    without = _county_run(duty=desks)
    with_ = _county_run(duty=desks, reporting=PRESETS["henan"])
    assert without.reports is None and with_.reports is not None
    assert len(with_.reports["kind"]) > 0 and np.any(with_.reports["wait"] > 0)
    for name in OTHER:
        _same_tables(getattr(without, name), getattr(with_, name))
    # Reports take officer time, not call time: the calls wait exactly as long.
    assert np.array_equal(without.scene["answered"], with_.scene["answered"], equal_nan=True)
    assert np.all(with_.duty["reports"] >= 0) and with_.duty["reports"].sum() > 0
    assert without.duty["reports"].sum() == 0


def test_desks_without_limit_answer_as_no_desks():
    free = DutyDesks(staff={lv: DeskStaff(((0.0, 100),)) for lv in DESK_LEVELS})
    none = _county_run(rate=2.0)
    desks = _county_run(rate=2.0, duty=free)
    for name in OTHER:
        _same_tables(getattr(none, name), getattr(desks, name))
    assert np.all(desks.scene["call_wait"][~np.isnan(desks.scene["call_wait"])] == 0)
    # One officer at the township desks does make some calls wait (the check has teeth).
    one = _county_run(rate=2.0, duty=DutyDesks())
    assert np.nanmax(one.scene["call_wait"]) > 0
    assert not np.array_equal(one.incidents["call_taken"], none.incidents["call_taken"])


def test_same_seed_same_records():
    kw = {"duty": DutyDesks(), "reporting": PRESETS["guizhou"]}
    a = _county_run(**kw)
    b = _county_run(**kw)
    assert a.equals(b)
    for name in ("reports", "duty", "scene"):
        _same_tables(getattr(a, name), getattr(b, name))
    c = _county_run(seed=6, **kw)
    assert not np.array_equal(a.reports["sent"], c.reports["sent"], equal_nan=True)


# ----------------------------------------------------------------- acceptance (issue)


def _config(scenario: str, **tables):
    data = {
        "network": {"synthetic": "county"},
        "scenario": {"name": scenario},
        "reporting": {"rules": "national"},
        "run": {"seed": 2024},
        **tables,
    }
    return RunConfig.from_dict(data, source="test")


def test_typical_week_first_reports_on_time_with_default_staffing():
    cfg = _config("typical_week")
    for r in range(2):
        rep = run_replication(cfg, replication=r).records.reports
        first = np.isin(rep["kind"], FIRST)
        assert first.sum() > 20
        assert not np.any(rep["late"][first])
        # Sent, and by the due time where there is one.
        assert not np.isnan(rep["sent"][first]).any()
        has_due = first & ~np.isnan(rep["due"])
        assert has_due.any() and np.all(rep["sent"][has_due] <= rep["due"][has_due])


def test_rainstorm_reports_late_with_one_township_officer_fewer_with_three():
    late, late_township = {}, {}
    for k in (1, 3):
        cfg = _config("rainstorm_72h", duty={"township": {"officers": k}})
        late[k] = late_township[k] = 0
        for r in range(3):  # the same replications, so the same incidents
            rep = run_replication(cfg, replication=r).records.reports
            late[k] += int(rep["late"].sum())
            late_township[k] += int((rep["late"] & (rep["from_level"] == "township")).sum())
    assert late[1] > 0 and late_township[1] > 0
    assert late[3] < late[1]
    assert late_township[3] < late_township[1]


# ---------------------------------------------------------------------- rules, config


@pytest.mark.parametrize(
    "data, key",
    [
        ({"rules": "beijing"}, "reporting.rules"),
        ({"reach": ["city", "city", "city"]}, "reporting.reach"),
        ({"reach": ["city", "city", "city", "township"]}, "reporting.reach"),
        ({"reach": ["city", "city", "state", "state"]}, "reporting.reach"),  # I below IV
        ({"deadlines": {"phone_first": -5}}, "reporting.deadlines.phone_first"),
        ({"deadlines": {"final": [60, 60, 60, -1]}}, "reporting.deadlines.final"),
        ({"deadlines": {"phone_first": [60, 60]}}, "reporting.deadlines.phone_first"),
        ({"deadlines": {"county": {"follow_up": -1}}}, "reporting.deadlines.county.follow_up"),
        ({"deadlines": {"memo": 30}}, "reporting.deadlines.memo"),
        ({"deadlines": {"county": {"memo": 30}}}, "reporting.deadlines.county.memo"),
        ({"writing": {"memo": {"dist": "fixed", "value": 3}}}, "reporting.writing.memo"),
        ({"written_after_phone": -1}, "reporting.written_after_phone"),
        ({"follow_up_interval": 0}, "reporting.follow_up_interval"),
        ({"direct_grades": 5}, "reporting.direct_grades"),
        ({"direct_to": "township"}, "reporting.direct_to"),
        ({"written_after_phone": [30, 30]}, "reporting.written_after_phone"),
        ({"first_report": {"township": 30}}, "reporting.first_report.township"),
        ({"video": {"drones": "all"}}, "reporting.video.drones"),
        ({"colour": "red"}, "reporting.colour"),
    ],
)
def test_rules_from_dict_errors_name_the_key(data, key):
    with pytest.raises(ConfigError) as exc:
        ReportingRules.from_dict(data, source="run.toml")
    assert key in str(exc.value)
    assert "run.toml" in str(exc.value)


def test_presets_differ_as_documented():
    nat, hen, gui = PRESETS["national"], PRESETS["henan"], PRESETS["guizhou"]
    # National: one hour up to the county, two hours into the city and above.
    assert nat.limit("phone_first", "county", 4) == 60.0
    assert nat.limit("written_first", "city", 1) == 120.0
    assert nat.limit("final", "county", 1) is None
    assert nat.reach == ("state", "state", "province", "city")
    assert nat.written_after_phone == (30.0, 30.0, 30.0, 30.0)
    assert nat.direct_grades == 2 and nat.direct_to is None
    # Henan: phone within 15 minutes for grades I-II, none for III-IV; written 35/35/60/360.
    assert hen.limit("phone_first", "county", 1) == 15.0
    assert hen.limit("phone_first", "city", 2) == 15.0
    assert hen.limit("phone_first", "county", 4) is None
    assert [hen.limit("written_first", "province", g) for g in range(1, 5)] == [35, 35, 60, 360]
    assert hen.follow_up_interval == 720.0
    # Guizhou: within 2 hours of the event to the province (not grade IV), direct up to III.
    assert gui.first_report["province"] == (120.0, 120.0, 120.0, None)
    assert gui.direct_grades == 3 and gui.direct_to == "province"
    assert gui.written_after_phone == (30.0, 30.0, None, None)
    assert hen.direct_grades == 0 and hen.written_after_phone == (None, None, None, None)
    assert gui.limit("phone_first", "county", 1) is None
    assert ReportingRules.from_dict({"rules": "henan"}) == hen
    assert rules_from_config(None) is None
    assert rules_from_config({"rules": "off"}) is None


def test_rules_from_dict_overrides_on_top_of_the_preset():
    r = ReportingRules.from_dict(
        {
            "rules": "henan",
            "deadlines": {"final": [False, False, 600, 600], "city": {"phone_first": 45}},
            "follow_up_interval": False,
        }
    )
    assert r.name == "henan+custom"
    assert r.limit("final", "county", 3) == 600.0 and r.limit("final", "county", 1) is None
    assert r.limit("phone_first", "city", 4) == 45.0
    assert r.limit("phone_first", "county", 1) == 15.0  # the preset's, kept
    assert r.follow_up_interval is None
    for kind in KINDS:
        assert kind in r.writing


def test_custom_rules_round_trip_through_plain_data():
    r = ReportingRules.from_dict({"rules": "henan", "follow_up_interval": False})
    back = ReportingRules.from_dict(r.to_dict())
    assert back == r


def test_preset_rules_round_trip_through_plain_data():
    for name, rules in PRESETS.items():
        back = ReportingRules.from_dict(rules.to_dict())
        assert dataclasses.replace(back, name=name) == rules


def test_guizhou_first_report_to_the_province_counts_from_the_call():
    # Guizhou: grades I-III reach the province within 2 hours of the call, directly from the
    # receiving desk as well as step by step; grade IV has no such limit.
    records = _county_run(duty=DutyDesks(), reporting=PRESETS["guizhou"])
    rep, inc = records.reports, records.incidents
    into = (rep["kind"] == "phone_first") & (rep["to_level"] == "province")
    who = rep["incident"][into]
    assert into.any() and rep["direct"][into].any()
    grade = inc["grade"][who]
    assert np.all(np.isnan(rep["due"][into][grade == 4]))
    g3 = grade <= 3
    assert g3.any()
    np.testing.assert_allclose(rep["due"][into][g3], inc["call"][who][g3] + 120.0)
    # Direct reports go from the receiving desk straight to the top of the reach.
    direct = rep["direct"]
    assert set(rep["from_level"][direct].tolist()) == {"township"}
    assert set(rep["to_level"][direct].tolist()) == {"province"}  # direct_to, below the state
    assert np.all(inc["grade"][rep["incident"][direct]] <= 3)


# ----------------------------------------------------------------------------- summary


def test_summary_shares_sit_inside_their_intervals():
    records = _county_run(rate=1.0, duty=DutyDesks(), reporting=PRESETS["henan"])
    rep = summarise(records)["reporting"]
    assert rep["reports"] == len(records.reports["kind"])
    assert rep["late"] == int(records.reports["late"].sum())
    for kind in ("phone_first", "written_first"):
        s = rep["on_time"][kind]
        assert s["n"] > 0
        assert s["low"] <= s["share"] <= s["high"]
    # The phone reports of grade III-IV have no limit in Henan: left out of the share.
    r = records.reports
    counted = (r["kind"] == "phone_first") & ~np.isnan(r["due"]) & (~r["missed"] | r["late"])
    counted &= ~np.isnan(r["sent"]) | (r["due"] <= records.end)
    assert rep["on_time"]["phone_first"]["n"] == int(counted.sum())
    ok = counted & ~r["late"]
    assert rep["on_time"]["phone_first"]["share"] == pytest.approx(
        ok.sum() / counted.sum(), abs=1e-6
    )


def test_control_reading_after_call_measures_call_to_first_arrival():
    records = _county_run()
    inc = records.incidents
    needs = (inc["reason"] != "after_horizon") & (inc["teams_needed"] > 0)
    limit = 20.0
    after_call = ResponseTargets(control=limit, control_reading="after_call")
    after_arrival = ResponseTargets(control=limit)
    with np.errstate(invalid="ignore"):
        want_call = np.mean((inc["first_arrival"] - inc["call"])[needs] <= limit + 1e-9)
        want_arr = np.mean((inc["under_control"] - inc["first_arrival"])[needs] <= limit + 1e-9)
    got_call = summarise(records, after_call)["compliance"]["control"]
    got_arr = summarise(records, after_arrival)["compliance"]["control"]
    assert got_call == pytest.approx(want_call, abs=1e-6)
    assert got_arr == pytest.approx(want_arr, abs=1e-6)
    assert got_call != got_arr  # the two readings differ on this stream
    # By grade: a grade's own target replaces the common one.
    by_grade = ResponseTargets(
        control=limit, control_reading="after_call", control_by_grade=(None, None, 5.0, None)
    )
    lim = np.where(inc["grade"] == 3, 5.0, limit)
    with np.errstate(invalid="ignore"):
        want = np.mean(((inc["first_arrival"] - inc["call"]) <= lim + 1e-9)[needs])
    assert summarise(records, by_grade)["compliance"]["control"] == pytest.approx(want, abs=1e-6)


def test_every_change_an_incident_had_is_followed_up_or_missed():
    # A depot short or a road cut found when the call is taken, more forces later, a
    # secondary event: each reaches the next level up as a follow-up (or is missed,
    # when the event ended before an officer could start it).
    cfg = _config(
        "rainstorm_72h", reporting={"rules": "national"}, duty={"township": {"officers": 3}}
    )
    rec = run_replication(cfg, replication=0).records
    rep, inc = rec.reports, rec.incidents
    so = rec.stockouts
    short = set(so["incident"][(so["incident"] >= 0) & (so["kind"] == "issue")].tolist())
    taken = ~np.isnan(inc["call_taken"])
    short = {i for i in short if taken[i] and inc["cleared"][i] > inc["call_taken"][i]}
    assert short, "the rainstorm has depots short: the check needs some"
    first_link = (rep["kind"] == "follow_up") & (rep["from_level"] == "township")
    for i in short:
        mine = first_link & (rep["incident"] == i) & (rep["change"] == "supply_short")
        assert mine.sum() == 1, i
    kinds = set(rep["change"][first_link].tolist())
    assert {"supply_short", "road_cut"} <= kinds


def test_the_scene_counts_only_the_changes_to_report():
    """``scene.changes`` is the change follow-ups the receiving desk owed, sent or missed.

    With a horizon, incidents whose call was never taken counted their changes
    too (an after-horizon incident read ``changes = 1`` and had no report).
    """
    cfg = _config("earthquake_m6", run={"seed": 7, "horizon_min": 1500})
    rec = run_replication(cfg, replication=0).records
    rep, scene, inc = rec.reports, rec.scene, rec.incidents
    assert np.isnan(inc["call_taken"]).any()  # the premise: calls left after the horizon
    owed = (rep["kind"] == "follow_up") & (rep["change"] != "") & ~rep["direct"]
    owed &= rep["from_level"] == "township"
    per = np.bincount(rep["incident"][owed], minlength=len(inc["id"]))
    assert np.array_equal(scene["changes"], per[scene["incident"]])
    assert scene["changes"].sum() > 0
    assert not scene["changes"][np.isnan(inc["call_taken"][scene["incident"]])].any()


def test_a_follow_up_dropped_after_its_limit_is_late_and_counted():
    # One township officer in a rainstorm: follow-ups queue behind first reports, and some
    # are still unstarted, long overdue, when their event clears.
    cfg = _config("rainstorm_72h", duty={"township": {"officers": 1}})
    records = run_replication(cfg, replication=0).records
    r = records.reports
    fu = r["kind"] == "follow_up"
    overdue = r["missed"] & fu & r["late"]
    assert overdue.any() and (r["missed"] & fu & ~r["late"]).any()
    s = summarise(records)["reporting"]["on_time"]["follow_up"]
    with np.errstate(invalid="ignore"):
        sent = ~np.isnan(r["sent"])
        counted = fu & ~np.isnan(r["due"]) & (sent | (r["due"] <= records.end))
        counted &= ~r["missed"] | r["late"]
    # the overdue dropped follow-ups are in the share, as not on time
    assert s["n"] == int(counted.sum())
    assert s["share"] == pytest.approx((counted & ~r["late"]).sum() / counted.sum(), abs=1e-6)
    assert (counted & overdue).sum() == overdue.sum()
