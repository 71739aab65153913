"""Move-up (sim.moveup): off changes nothing, limits hold, coverage is right, it helps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import sim
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Station, TeamSpec
from sim.moveup_cover import (
    CoverModel,
    _series_dense,
    coverage_series,
    expected_sorted,
    time_average,
)
from sim.moveup_records import COVERAGE_COLUMNS, incident_window, moveup_summary, post_events
from sim.moveup_spec import MoveupSpec
from sim.summary import utilisation
from tests.sim.helpers import grid_network, road_network, stream_from
from tests.sim.test_properties import scenario
from tests.sim.test_relocate import check_fleet, check_move_records

FIRE = [Requirement("fire", 4, (("fire", 1),))]


def _line(*, a_teams: int = 2):
    """Five nodes 5 min apart: A at node 0 (``a_teams`` fire teams), B at node 4 (one)."""
    net = road_network(5, [(0, 1, 300), (1, 2, 300), (2, 3, 300), (3, 4, 300)])
    team = lambda n: (TeamSpec("fire", 30, count=n, turnout=Fixed(1.0)),)  # noqa: E731
    return net, [Station("A", 0, "township", team(a_teams)),
                 Station("B", 4, "township", team(1), area="b")]  # fmt: skip


def _two_calls_at_b():
    """B's team is taken for an hour at minute 0; a second call at B at minute 30."""
    return stream_from([0.0, 30.0], [4, 4], requirements=FIRE, control=[60, 5], clear=[0, 0])


#: Demand where the calls of these hand-worked cases are (all at B): the run's own incidents.
AT_B = "incidents"


def _run(net, stations, stream, seed=0, **kw):
    return sim.run(net, stations, [], stream, rng=np.random.default_rng(seed),
                   call_taking=Fixed(0.5), **kw)  # fmt: skip


# ------------------------------------------------------------ off changes nothing


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_without_moveup_the_records_are_those_of_a_run_without_the_keyword(case):
    net, stations, depots, stream, kw, seed = case
    plain = sim.run(net, stations, depots, stream, rng=np.random.default_rng(seed), **kw)
    off = sim.run(net, stations, depots, stream, rng=np.random.default_rng(seed), moveup=None,
                  **kw)  # fmt: skip
    assert off.equals(plain) and off.moves is None and off.coverage is None
    assert "moveup" not in sim.summarise(off)
    # Policy "none" measures coverage and moves nobody: every other record stays.
    none = sim.run(net, stations, depots, stream, rng=np.random.default_rng(seed),
                   moveup=MoveupSpec(policy="none"), **kw)  # fmt: skip
    for name, table in plain.tables().items():
        other = none.tables()[name]
        for col, x in table.items():
            np.testing.assert_array_equal(x, other[col], err_msg=f"{name}.{col}")
    assert len(none.moves["team"]) == 0 and len(none.coverage["time"]) > 0
    assert sim.summarise(none)["moveup"]["moves"] == 0


# ------------------------------------------------------------ limits


@st.composite
def moveup_spec(draw):
    return MoveupSpec(
        policy=draw(st.sampled_from(["compliance", "mexclp"])),
        min_gap_min=draw(st.sampled_from([0.0, 15.0, 60.0])),
        max_travel_min=draw(st.sampled_from([2.0, 8.0, 30.0, 1000.0])),
        max_moves_per_day=draw(st.sampled_from([None, None, 0, 1, 3])),
        busy_probability=draw(st.sampled_from([None, 0.0, 0.3])),
        threshold=draw(st.sampled_from([0.5, 0.9, 1.0])),
        min_gain=draw(st.sampled_from([0.0, 0.01])),
        posts=draw(st.sampled_from(["bases", "all"])),
        cover_min=draw(st.sampled_from([None, 3.0])),
        demand=draw(st.sampled_from(["population", "incidents", "nodes"])),
    )


@st.composite
def busy_region(draw):
    """A 3 x 4 grid with 3-4 stations of fire and medical teams, and a busy few hours."""
    net = grid_network(3, 4, seconds=draw(st.lists(st.floats(60, 600), min_size=17,
                                                   max_size=17)))  # fmt: skip
    nodes = draw(st.lists(st.integers(0, 11), min_size=3, max_size=4, unique=True))
    stations = [
        Station(f"S{k}", node, "township",
                (TeamSpec("fire", 30, count=draw(st.integers(1, 2)), turnout=Fixed(1.0)),
                 TeamSpec("medical", 30,
                          resupply=draw(st.sampled_from([Fixed(0.0), Fixed(10.0)])))),
                area=draw(st.sampled_from(["a", "b"])))
        for k, node in enumerate(nodes)
    ]  # fmt: skip
    m = draw(st.integers(5, 30))
    reqs = [Requirement("fire", 4, (("fire", 1),)),
            Requirement("fire", 3, (("fire", 2), ("medical", 1)))]  # fmt: skip
    stream = stream_from(
        sorted(draw(st.lists(st.floats(0, 600), min_size=m, max_size=m))),
        draw(st.lists(st.integers(0, 11), min_size=m, max_size=m)),
        requirements=reqs,
        requirement=draw(st.lists(st.integers(0, 1), min_size=m, max_size=m)),
        control=draw(st.lists(st.floats(5, 90), min_size=m, max_size=m)),
        clear=draw(st.lists(st.floats(0, 30), min_size=m, max_size=m)),
        grade=[4] * m,
    )
    kw = {"policy": sim.NearestAvailable(), "horizon": draw(st.sampled_from([None, 400.0])),
          "travel_noise": draw(st.sampled_from([0.0, 0.3]))}  # fmt: skip
    return net, stations, [], stream, kw, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.one_of(busy_region(), busy_region(), scenario()), spec=moveup_spec())
def test_moves_keep_the_limits_and_the_fleet_consistent(case, spec):
    net, stations, depots, stream, kw, seed = case
    from simpy.events import Timeout

    from sim.engine import Engine
    from sim.targets import ResponseTargets

    eng = Engine(
        net, stations, depots, stream, policy=kw["policy"], rng=np.random.default_rng(seed),
        horizon=kw["horizon"], targets=ResponseTargets(), travel_noise=kw["travel_noise"],
        call_taking=Fixed(0.5), moveup=spec,
    )  # fmt: skip
    for t in np.linspace(0, 400, 9):  # look at the counters now and then during the run
        ev = Timeout(eng.env, float(t))
        ev.callbacks.append(lambda _e: check_fleet(eng))
    rec = eng.run()
    check_fleet(eng)
    check_move_records(eng, rec)
    for col, x in _coverage_by_definition(eng, rec).items():
        assert rec.coverage[col].dtype == x.dtype
        if col in ("share", "expected_share"):  # summed in another order here
            np.testing.assert_allclose(rec.coverage[col], x, rtol=0, atol=1e-12)
        else:
            np.testing.assert_array_equal(rec.coverage[col], x, err_msg=col)
    mv, d = rec.moves, rec.dispatches
    depart = mv["depart"]
    drive = np.asarray([m[4] - m[3] for m in eng.mv_rows])
    assert np.all(drive <= spec.max_travel_min + 1e-9)
    for team in np.unique(mv["team"]):
        t = depart[mv["team"] == team]
        assert np.all(np.diff(t) >= spec.min_gap_min - 1e-9)
    if spec.max_moves_per_day is not None:
        _, per_day = np.unique(np.floor(depart / 1440.0), return_counts=True)
        assert np.all(per_day <= spec.max_moves_per_day)
    assert set(mv["reason"].tolist()) <= {"move_up"}
    # A move leaves only a team free at its station: every trip it was sent on before the
    # move (rows made earlier) was over by then.
    for k in range(len(mv["team"])):
        earlier = np.flatnonzero(d["team"][: eng.mv_rows[k][6]] == mv["team"][k])
        for r in earlier:
            assert d["available"][r] <= depart[k] + 1e-9
    # Coverage is a share, and the summary's average lies within the table's range.
    cov = rec.coverage
    assert np.all((cov["share"] >= 0) & (cov["share"] <= 1 + 1e-12))
    assert np.all(cov["free_at_posts"] >= 0)
    # A station's share of team time is of its own teams, wherever they were posted: at
    # most 1, and the shares add up to the time every row committed.
    util = utilisation(rec)
    span = rec.end - rec.start
    total = 0.0
    for name, u in util.items():
        for key in ("committed", "away"):
            assert u[key] is None or u[key] <= 1.0 + 1e-9, (name, key, u)
        total += (u["committed"] or 0.0) * u["teams"] * span
    rel = np.where(np.isnan(d["released"]), rec.end, d["released"])
    spent = np.clip(rel, rec.start, rec.end) - np.clip(d["dispatched"], rec.start, rec.end)
    teams = sum(u["teams"] for u in util.values())
    # Each share is rounded to 4 decimals.
    assert total == pytest.approx(float(spent.sum()), abs=0.5e-4 * teams * span + 1e-9)
    s = moveup_summary(rec)
    assert s["moves"] == len(mv["team"])
    if s["expected_coverage_share"] is not None:
        e = cov["expected_share"]
        assert e.min() - 1e-6 <= s["expected_coverage_share"] <= e.max() + 1e-6
    for cap, avg in s["coverage"].items():
        if avg is not None:
            sel = cov["share"][cov["capability"] == cap]
            assert sel.min() - 1e-6 <= avg <= sel.max() + 1e-6  # the summary rounds


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.one_of(busy_region(), scenario()), spec=moveup_spec())
def test_same_seed_same_moves(case, spec):
    net, stations, depots, stream, kw, seed = case
    a, b = (sim.run(net, stations, depots, stream, rng=np.random.default_rng(seed), moveup=spec,
                    **kw) for _ in range(2))  # fmt: skip
    assert a.equals(b)


# ------------------------------------------------------------ it helps


@pytest.mark.parametrize("policy", ["compliance", "mexclp"])
def test_a_team_moved_into_the_hole_answers_the_next_call_sooner(policy):
    net, stations = _line()
    stream = _two_calls_at_b()
    none = _run(net, stations, stream, moveup=MoveupSpec(policy="none", demand=AT_B))
    moved = _run(net, stations, stream, moveup=MoveupSpec(policy=policy, busy_probability=0.0,
                                                          demand=AT_B))  # fmt: skip
    # Without move-up the second call waits for a team from A: 1 min turnout, 20 min drive.
    wait = lambda r: r.incidents["first_arrival"][1] - r.incidents["call"][1]  # noqa: E731
    assert wait(none) == pytest.approx(0.5 + 1.0 + 20.0)
    # With it, one of A's two teams left for B when B's team was sent (at 0.5), arrived at
    # 20.5 and answers from there: turnout only.
    mv = moved.moves
    assert list(mv["from_station"])[:1] == [0] and list(mv["to_station"])[:1] == [1]
    assert mv["depart"][0] == pytest.approx(0.5) and mv["arrive"][0] == pytest.approx(20.5)
    assert wait(moved) == pytest.approx(0.5 + 1.0)
    assert moved.dispatches["station"][1] == 1
    # All demand is at B (the incidents'): covered from half-way through the move (10.5)
    # until that team is sent (30.5), and again when the teams are back.
    s_none, s_moved = (sim.summarise(r)["moveup"]["coverage_share"] for r in (none, moved))
    assert s_moved > s_none
    cov = moved.coverage
    at = lambda t: cov["share"][np.searchsorted(cov["time"], t, side="right") - 1]  # noqa: E731
    assert at(10.0) == 0.0 and at(11.0) == 1.0 and at(31.0) == 0.0


def test_a_move_too_long_or_too_soon_is_not_made():
    net, stations = _line()
    stream = _two_calls_at_b()
    far = _run(net, stations, stream, moveup=MoveupSpec(max_travel_min=19.0, demand=AT_B))
    assert len(far.moves["team"]) == 0
    none_today = _run(net, stations, stream, moveup=MoveupSpec(max_moves_per_day=0, demand=AT_B))
    assert len(none_today.moves["team"]) == 0


def test_the_derived_table_fills_the_hole_and_restores_the_stations():
    net, stations = _line()
    stream = _two_calls_at_b()
    rec = _run(net, stations, stream, moveup=MoveupSpec(min_gap_min=0.0, demand=AT_B))
    mv = rec.moves
    # When everybody is free again the table asks for the stations as built: the team moved
    # to B goes home to A (it was built there), B's own team stays.
    last = {int(t): int(s) for t, s in zip(mv["team"], mv["to_station"], strict=True)}
    final = [last.get(t, int(rec.teams["station"][t])) for t in range(3)]
    assert sorted(final) == [0, 0, 1]


def test_a_user_table_is_followed():
    net, stations = _line()
    stream = stream_from([0.0], [0], requirements=FIRE, control=[120], clear=[0])
    # Two free teams: both at B (the user's choice), whatever coverage says.
    spec = MoveupSpec(tables=(("fire", (("A",), ("B", "B"), ("A", "A", "B"))),))
    rec = _run(net, stations, stream, moveup=spec)
    mv = rec.moves
    # A's remaining team moves to B; when the first team is back at A (three free), the
    # table asks for A, A, B: the team moved goes home.
    assert list(mv["to_station"]) == [1, 0] and mv["team"][0] == mv["team"][1]
    assert rec.meta["moveup"]["tables"] == {"fire": [["A"], ["B", "B"], ["A", "A", "B"]]}


# ------------------------------------------------------------ averaging window, foresight


def test_averages_are_over_the_incident_period_whatever_the_run_end():
    net, stations = _line()
    # B's team is out 40 min from 0.5; the second call at B (30) takes 30 min. Without
    # move-up a team from A drives 20 min each way for it and the run ends at 81.5; with
    # compliance the team moved to B answers it and the run ends at 61.5.
    stream = stream_from([0.0, 30.0], [4, 4], requirements=FIRE, control=[40, 30], clear=[0, 0])
    spec = MoveupSpec(demand=AT_B, busy_probability=0.0)
    none = _run(net, stations, stream, moveup=replace(spec, policy="none"))
    moved = _run(net, stations, stream, moveup=spec)
    assert none.end != moved.end
    # The same window for both: from the start to the last call (30 min).
    assert incident_window(none) == incident_window(moved) == 30.0
    s_none, s_moved = moveup_summary(none), moveup_summary(moved)
    # B (all the demand) covered until its team is sent (0.5); with the move, again from
    # half-way through it (10.5) to the window's end.
    assert s_none["coverage_share"] == pytest.approx(0.5 / 30, abs=1e-6)
    assert s_moved["coverage_share"] == pytest.approx((0.5 + 19.5) / 30, abs=1e-6)
    # One move started by minute 30 (more follow as the teams come back): per day of 30 min.
    assert s_moved["moves"] > 1
    assert s_moved["moves_per_day"] == pytest.approx(1 / (30 / 1440))
    # A later end (a longer restock, say) changes nothing; a horizon is the window.
    for rec in (none, moved):
        assert moveup_summary(replace(rec, end=rec.end + 5000.0)) == moveup_summary(rec)
    short = _run(net, stations, stream, moveup=spec, horizon=45.0)
    assert incident_window(short) == 45.0
    # Until 30.5 as above; then A's last team moves to B at 30.5 and counts there from 40.5.
    assert moveup_summary(short)["coverage_share"] == pytest.approx((0.5 + 20 + 4.5) / 45,
                                                                    abs=1e-6)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=busy_region(), spec=moveup_spec(), demand=st.sampled_from(["population", "nodes"]),
       cut=st.floats(50, 550))  # fmt: skip
def test_without_foresight_moves_do_not_depend_on_later_incidents(case, spec, demand, cut):
    # The default demand (and "nodes") does not know where this run's incidents will come:
    # the moves made before minute ``cut`` are the same whether or not there are incidents
    # after it. (The default busy probability is a rate of the whole run's incidents, so it
    # is given here.)
    net, stations, depots, stream, kw, seed = case
    spec = replace(spec, demand=demand, busy_probability=spec.busy_probability or 0.2)
    k = int(np.searchsorted(stream.time, cut))  # the incidents called before the cut
    assume(k > 0)
    cols = ("time", "node", "hazard", "category", "grade", "requirement", "control_work",
            "clear_work", "parent")  # fmt: skip
    first = replace(stream, **{c: getattr(stream, c)[:k] for c in cols})
    moves = []
    for s in (stream, first):
        rec = sim.run(net, stations, depots, s, rng=np.random.default_rng(seed),
                      call_taking=Fixed(0.5), moveup=spec, **kw)  # fmt: skip
        before = rec.moves["depart"] < cut
        moves.append([rec.moves[c][before].tolist() for c in ("team", "to_station", "depart")])
    assert moves[0] == moves[1]
    assert MoveupSpec().demand == "population"


# ------------------------------------------------------------ coverage arithmetic


def _series_by_definition(model, events, end):
    """Coverage over time the long way: a count per post after every event, in time order."""
    events = events[events[:, 0] <= end]
    ev = events[np.argsort(events[:, 0], kind="stable")]
    counts = np.zeros((len(ev), len(model.posts)), dtype=np.int64)
    now = np.zeros(len(model.posts), dtype=np.int64)
    for k, (_t, p, step) in enumerate(ev):
        now[int(p)] += int(step)
        counts[k] = now
    time = ev[:, 0]
    last = np.append(time[1:] != time[:-1], True) if len(time) else np.zeros(0, bool)
    time, counts = time[last], counts[last]
    share = np.zeros(len(time))
    expected = np.zeros(len(time))
    for k, row in enumerate(counts > 0):  # a group is covered when a post covering it has a team
        if model.weight.size:
            share[k] = ((row.astype(np.float64) @ model.cover.T) > 0) @ model.weight
            expected[k] = model.expected(np.maximum(counts[k], 0).astype(np.float64))
    free = counts.sum(axis=1).astype(np.float64)
    if not len(time) or time[0] > 0:
        time, free, share, expected = (
            np.concatenate([[0.0], x]) for x in (time, free, share, expected)
        )
    return time, free, share, expected


def _coverage_by_definition(eng, rec):
    """The ``coverage`` table the long way: each capability's events on its own."""
    *_cols, arrive, _reason, move_seq = eng._move_columns()
    team, time, station, step = post_events(
        rec, team_base=np.asarray(eng.team_base), arrive=arrive, move_seq=move_seq, way=eng.d_way
    )
    cols = {c: [] for c in COVERAGE_COLUMNS}
    for cap, model in eng._mu_start.items():
        name = sim.facilities.CAPABILITIES[cap]
        post_of = {s: k for k, s in enumerate(model.posts)}
        sel = [k for k in range(len(team)) if eng.team_cap[team[k]] == cap
               and station[k] in post_of]  # fmt: skip
        ev = np.asarray([(time[k], post_of[station[k]], step[k]) for k in sel]).reshape(-1, 3)
        t, free, share, expected = _series_by_definition(model, ev, rec.end)
        cols["time"].append(t)
        cols["capability"].append([name] * len(t))
        cols["free_at_posts"].append(free.astype(np.int64))
        cols["share"].append(share)
        cols["expected_share"].append(expected)
    if not eng._mu_start:
        return {}
    return {
        "time": np.concatenate(cols["time"]),
        "capability": np.asarray(sum(cols["capability"], []), dtype=str),
        "free_at_posts": np.concatenate(cols["free_at_posts"]),
        "share": np.concatenate(cols["share"]),
        "expected_share": np.concatenate(cols["expected_share"]),
    }


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_posts=st.sampled_from([1, 3, 6, 70]),
    events=st.lists(st.tuples(st.sampled_from([0.0, 1.0, 2.5, 4.0, 9.0]), st.integers(0, 10**6),
                              st.sampled_from([-1, 1])), max_size=40),
    end=st.sampled_from([3.0, 100.0]),
)  # fmt: skip
def test_coverage_over_time_is_the_count_per_post_after_each_instant(seed, n_posts, events, end):
    # Many events share an instant, counts may go below zero: the series must still be the
    # state after the last event of each instant, counted post by post (70 posts: too many
    # for one integer per placement, counted in a matrix).
    rng = np.random.default_rng(seed)
    model = CoverModel(rng.uniform(0, 1200, (n_posts, 25)), list(range(n_posts)),
                       rng.uniform(0, 1, 25) * (rng.random(25) < 0.7), 600.0, 0.2)  # fmt: skip
    ev = np.asarray([(t, p % n_posts, s) for t, p, s in events], dtype=np.float64).reshape(-1, 3)
    time, free, share = coverage_series(model, ev, end)
    want = _series_by_definition(model, ev, end)
    np.testing.assert_array_equal(time, want[0])
    np.testing.assert_array_equal(free, want[1])
    np.testing.assert_allclose(share, want[2], rtol=0, atol=1e-12)  # summed in another order
    # Bit for bit what a count per post and event in a matrix gives (the records' first way).
    kept = ev[ev[:, 0] <= end]
    dense = _series_dense(model, kept[np.argsort(kept[:, 0], kind="stable")], end)
    for x, y in zip((time, free, share), dense, strict=True):
        np.testing.assert_array_equal(x, y)
    # The expected coverage the policies maximise, at the same instants.
    order = kept[np.argsort(kept[:, 0], kind="stable")]
    got = expected_sorted(model, order[:, 0], order[:, 1].astype(np.int64),
                          order[:, 2].astype(np.int64), chunk=7)  # several chunks  # fmt: skip
    np.testing.assert_allclose(got, want[3], rtol=0, atol=1e-12)


def test_coverage_over_time_matches_a_hand_count():
    tt = np.array([[0.0, 100.0, 900.0], [900.0, 900.0, 0.0]])  # seconds, 2 posts x 3 nodes
    model = CoverModel(tt, [0, 1], np.array([1.0, 1.0, 2.0]), 600.0, 0.0)
    # Post 0 covers nodes 0 and 1 (half the demand), post 1 node 2 (the other half).
    ev = np.array([[0, 0, 1], [0, 1, 1], [10, 1, -1], [30, 1, 1], [40, 0, -1]], float)
    t, free, share = coverage_series(model, ev, 60.0)
    assert t.tolist() == [0, 10, 30, 40] and free.tolist() == [2, 1, 2, 1]
    assert share.tolist() == [1.0, 0.5, 1.0, 0.5]
    assert time_average(t, share, 60.0) == pytest.approx((10 + 0.5 * 20 + 10 + 0.5 * 20) / 60)
    # Teams busy half the time: two teams at post 0 cover its half 1 - 0.5^2, one 1 - 0.5.
    busy = CoverModel(tt, [0, 1], np.array([1.0, 1.0, 2.0]), 600.0, 0.5)
    ev = np.array([[0, 0, 1], [0, 0, 1], [10, 0, -1], [20, 1, 1]], float)
    got = expected_sorted(busy, ev[:, 0], ev[:, 1].astype(np.int64), ev[:, 2].astype(np.int64))
    assert got.tolist() == [0.375, 0.25, 0.5]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    q=st.sampled_from([0.0, 0.2, 0.6]),
    counts=st.lists(st.integers(0, 3), min_size=4, max_size=4),
)
def test_move_gains_are_the_change_in_expected_coverage(seed, q, counts):
    rng = np.random.default_rng(seed)
    model = CoverModel(rng.uniform(0, 1200, (4, 30)), [0, 1, 2, 3], rng.uniform(0, 1, 30),
                       600.0, q)  # fmt: skip
    c = np.asarray(counts, float)
    sources = [p for p in range(4) if c[p] > 0]
    if not sources:
        return
    gain = model.gains(c, sources)
    for i, p in enumerate(sources):
        for j in range(4):
            after = c.copy()
            after[p] -= 1
            after[j] += 1
            assert gain[i, j] == pytest.approx(model.expected(after) - model.expected(c), abs=1e-12)
    # MEXCLP with q = 0 is plain coverage.
    if q == 0.0:
        assert model.expected(c) == pytest.approx(model.covered(c))
    # The shortcuts move-up takes are the same arithmetic: expected coverage from the powers,
    # gains from powers worked out before, and moves not allowed masked in place.
    powers = model.powers(c)
    assert model.expected_at(powers[1]) == model.expected(c)
    np.testing.assert_array_equal(model.gains(c, sources, powers=powers), gain)
    blocked = (rng.random((4, 4)) < 0.3) | np.eye(4, dtype=bool)
    masked = gain.copy()
    masked[blocked[sources]] = 0.0
    np.testing.assert_array_equal(model.gains(c, sources, blocked=blocked), masked)


def test_the_derived_table_drops_the_team_that_costs_least():
    # Post 0 covers 3/4 of the demand, with two teams; post 1 the rest, with one. With
    # q = 0.5, a second team at the busy post (0.75 * 0.25 more) is worth more than the lone
    # team at the quiet one (0.25 * 0.5): that one is left out first.
    tt = np.array([[0.0, 0.0, 0.0, 900.0], [900.0, 900.0, 900.0, 0.0]])
    model = CoverModel(tt, [0, 1], np.ones(4), 600.0, 0.5)
    levels = model.drop_table(np.array([2.0, 1.0]))
    assert [lv.tolist() for lv in levels] == [[0, 0], [1, 0], [2, 0], [2, 1]]
    plain = CoverModel(tt, [0, 1], np.ones(4), 600.0, 0.0)  # q = 0: a second team adds nothing
    assert [lv.tolist() for lv in plain.drop_table(np.array([2.0, 1.0]))][2] == [1, 1]
    # Expected coverage of the greedy placement never falls as teams are added.
    best = model.greedy_best(3)
    assert best[0] == 0.0 and all(b2 >= b1 for b1, b2 in zip(best, best[1:], strict=False))
    assert best[1] == pytest.approx(0.75 * 0.5)  # the 3/4 of demand at post 0, 1 - q
