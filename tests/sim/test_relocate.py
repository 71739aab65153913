"""The relocation primitive (sim.relocate): a free team moved to another station as its post."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simpy.events import Timeout

import sim
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.engine import Engine
from sim.facilities import CAPABILITIES, Station, TeamSpec
from sim.fleet import BUSY, DIVERTED, HOME, HOMEWARD, RETURNING, STANDBY
from sim.policies import NearestAvailable
from sim.relocate import REASONS
from sim.targets import ResponseTargets
from tests.sim.helpers import road_network, stream_from
from tests.sim.test_properties import scenario

FIRE = [Requirement("fire", 4, (("fire", 1),))]


def _line():
    """Five nodes 5 min apart; A at node 0 with two fire teams, B at node 4 (20 min away)."""
    net = road_network(5, [(0, 1, 300), (1, 2, 300), (2, 3, 300), (3, 4, 300)])
    stations = [
        Station("A", 0, "township", (TeamSpec("fire", 30, count=2, turnout=Fixed(1.0)),)),
        Station("B", 4, "township", (TeamSpec("medical", 30, count=1, turnout=Fixed(1.0)),),
                area="b"),
    ]  # fmt: skip
    return net, stations


def _engine(net, stations, stream, **kw):
    return Engine(
        net, stations, [], stream, policy=NearestAvailable(), rng=np.random.default_rng(1),
        horizon=None, targets=ResponseTargets(), travel_noise=0.0, call_taking=Fixed(0.5), **kw,
    )  # fmt: skip


def _at(eng, t, fn):
    ev = Timeout(eng.env, t)
    ev.callbacks.append(lambda _e: fn())


def test_a_moved_team_counts_at_its_old_station_then_at_its_new_post():
    net, stations = _line()
    stations[0] = Station("A", 0, "township", (TeamSpec("fire", 30, turnout=Fixed(1.0)),))
    # Calls at node 4 taken at 5.5 (first half of the move) and 40.5 (after it is back at B).
    stream = stream_from([5.0, 40.0], [4, 4], requirements=FIRE, control=[1, 1], clear=[1, 1])
    eng = _engine(net, stations, stream)
    got = {}
    _at(eng, 1.0, lambda: got.setdefault("arrive", eng._relocate(0, 1, "warning")))
    rec = eng.run()
    assert got["arrive"] == pytest.approx(21.0)  # 20 min drive, no turnout
    d = rec.dispatches
    # At 5.5 the moving team is taken to be at A (first half of its drive): sent from A's
    # node as a team on the road (no turnout), 20 minutes away.
    assert d["team"][0] == 0 and d["turnout"][0] == 0.0 and d["from_scene"][0]
    assert d["from_node"][0] == 0 and d["travel"][0] == pytest.approx(20.0)
    # After the incident it returns to its new post, B: the second call is answered from there.
    assert d["returned"][0] == pytest.approx(d["released"][0])  # B is at the scene's node
    assert d["team"][1] == 0 and d["turnout"][1] == 1.0 and d["travel"][1] == 0.0
    assert list(d["station"]) == [1, 1]  # its post when sent
    mv = rec.moves
    assert list(mv["team"]) == [0] and list(mv["from_station"]) == [0]
    assert list(mv["to_station"]) == [1] and list(mv["reason"]) == ["warning"]
    assert list(mv["capability"]) == ["fire"]
    assert mv["depart"][0] == 1.0 and mv["arrive"][0] == pytest.approx(21.0)
    assert mv["dispatched"][0] == pytest.approx(5.5)  # sent before it arrived
    assert list(rec.teams["station"]) == [0, 1]  # teams keep the station they were built at


def test_a_move_that_arrives_first_answers_from_the_new_station_with_turnout():
    net, stations = _line()
    stream = stream_from([30.0], [4], requirements=FIRE, control=[1], clear=[1])
    eng = _engine(net, stations, stream)
    _at(eng, 1.0, lambda: eng._relocate(0, 1, "move_up"))
    rec = eng.run()
    d = rec.dispatches
    assert d["team"][0] == 0 and not d["from_scene"][0] and d["turnout"][0] == 1.0
    assert d["travel"][0] == 0.0 and d["station"][0] == 1
    assert np.isnan(rec.moves["dispatched"][0])


def test_relocate_refuses_what_it_cannot_do():
    net, stations = _line()
    stream = stream_from([1.0], [4], requirements=FIRE, control=[100], clear=[1])
    eng = _engine(net, stations, stream)
    errors = []

    def tries():
        busy = next(t for t in range(eng.n_teams) if eng.status[t] == BUSY)
        for team, station, reason in ((busy, 0, "move_up"), (0, 5, "move_up"), (0, 1, "x")):
            try:
                eng._relocate(team, station, reason)
            except ValueError as e:
                errors.append(str(e))
        free = next(t for t in range(eng.n_teams) if eng.status[t] == HOME)
        errors.append(eng._relocate(free, eng.team_station[free], "move_up"))  # no move

    _at(eng, 5.0, tries)
    rec = eng.run()
    assert len(errors) == 4 and errors[3] == 5.0
    assert rec.moves is None  # no move made, and nothing asked for the table


def test_a_capability_new_to_a_station_is_found_there_by_dispatch():
    net, stations = _line()
    stream = stream_from([30.0], [4], requirements=FIRE, control=[1], clear=[1])
    eng = _engine(net, stations, stream)
    _at(eng, 1.0, lambda: eng._relocate(0, 1, "move_up"))
    eng.run()
    fire = CAPABILITIES.index("fire")
    assert 1 in eng.cap_stations[fire].tolist()  # B holds fire now
    assert eng.free_area[1][fire] == 1 and eng.area_total[1][fire] == 1
    assert eng.area_total[0][fire] == 1


# ------------------------------------------------------------ fleet invariants


def check_fleet(eng) -> None:
    """Every counter the fleet keeps agrees with the teams' states and posts."""
    n_caps = len(CAPABILITIES)
    seen = {}
    for s, per_cap in enumerate(eng.free_home):
        for c, lst in enumerate(per_cap):
            for t in lst:
                assert t not in seen, f"team {t} in two free lists"  # one place at a time
                seen[t] = (s, c)
                assert eng.status[t] == HOME and eng.team_station[t] == s and eng.team_cap[t] == c
    for c, lst in enumerate(eng.returning):
        for t in lst:
            assert t not in seen, f"team {t} both at a station and on its way"
            seen[t] = ("ret", c)
            assert eng.status[t] == RETURNING and eng.team_cap[t] == c
            assert eng.home_at[c] <= eng.ret_end[t]
    # HOME teams not yet put back on a free list are on the returning list (lazily settled).
    for t in range(eng.n_teams):
        if eng.status[t] in (HOME, RETURNING):
            assert t in seen, f"free team {t} on no list"
        assert eng.team_area[t] == eng._station_area[eng.team_station[t]]
        assert eng.team_station[t] in eng.cap_stations[eng.team_cap[t]].tolist()
    free = [0] * n_caps
    free_area = [[0] * n_caps for _ in eng.area_names]
    total_area = [[0] * n_caps for _ in eng.area_names]
    for t in range(eng.n_teams):
        c, a = eng.team_cap[t], eng.team_area[t]
        if eng.status[t] != STANDBY:
            total_area[a][c] += 1
        if eng.status[t] in (HOME, RETURNING):
            free[c] += 1
            free_area[a][c] += 1
    assert free == eng.n_free
    assert free_area == eng.free_area
    assert total_area == eng.area_total
    assert not any(eng.status[t] == DIVERTED for t in range(eng.n_teams))  # only for a moment


def check_move_records(eng, rec) -> None:
    """The records made from the moves, against their definitions, row by row.

    A dispatch row's ``station`` is the post its team had when sent: the station of
    its last move made before the row (or the one it was built at); a move's
    ``dispatched`` is when its team was next sent, if before the move would arrive.
    """
    d, mv = rec.dispatches, rec.moves
    teams = d["team"].tolist()
    for r, team in enumerate(teams):
        post = eng.team_base[team]
        for m in eng.mv_rows:
            if m[0] == team and m[6] <= r:
                post = m[2]
        assert d["station"][r] == post
    if mv is None:
        return
    for k, m in enumerate(eng.mv_rows):
        later = [r for r, team in enumerate(teams) if team == m[0] and r >= m[6]]
        sent = d["dispatched"][later[0]] if later else np.nan
        want = sent if sent < m[4] else np.nan
        np.testing.assert_array_equal(mv["dispatched"][k], want)
        assert mv["team"][k] == m[0] and mv["to_station"][k] == m[2] and mv["depart"][k] == m[3]
        assert mv["capability"][k] == CAPABILITIES[eng.team_cap[m[0]]]
        assert mv["reason"][k] == REASONS[m[5]]
    # String columns as wide as their longest entry, as numpy makes them from lists.
    for col in ("capability", "reason"):
        assert mv[col].dtype == np.asarray(mv[col].tolist() or [""], dtype=str).dtype


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=scenario(), moves=st.lists(st.tuples(st.floats(0, 300), st.integers(0, 10**6),
                                                st.integers(0, 10**6), st.sampled_from(REASONS)),
                                      max_size=8))  # fmt: skip
def test_random_relocations_keep_every_fleet_counter_and_no_team_in_two_places(case, moves):
    net, stations, depots, stream, kw, seed = case
    eng = Engine(
        net, stations, depots, stream, policy=kw["policy"], rng=np.random.default_rng(seed),
        horizon=kw["horizon"], targets=ResponseTargets(), travel_noise=kw["travel_noise"],
        call_taking=Fixed(0.5),
    )  # fmt: skip
    eng.record_moves = True  # the table even if no move is made
    made = []

    def move(pick_team: int, pick_station: int, reason: str) -> None:
        check_fleet(eng)
        home = [t for t in range(eng.n_teams) if eng.status[t] in (HOME, RETURNING)]
        for cap in range(len(CAPABILITIES)):
            eng._settle(cap)
        home = [t for t in home if eng.status[t] == HOME]
        if home:
            team = home[pick_team % len(home)]
            to = pick_station % len(eng.stations)
            moved = to != eng.team_station[team]
            arrive = eng._relocate(team, to, reason)
            made.append(moved and math.isfinite(arrive))
            if made[-1]:
                assert eng.team_station[team] == to and arrive >= eng.env.now
        check_fleet(eng)

    for t, a, b, why in moves:
        _at(eng, t, lambda a=a, b=b, why=why: move(a, b, why))
    rec = eng.run()
    check_fleet(eng)
    check_move_records(eng, rec)
    d, mv = rec.dispatches, rec.moves
    assert len(mv["team"]) == sum(made)  # one row per move made
    # No team in two places: a move starts only when the team is free at its station, never
    # between being sent and being back.
    for k in range(len(mv["team"])):
        earlier = np.flatnonzero(d["team"][: eng.mv_rows[k][6]] == mv["team"][k])
        for r in earlier:  # rows made before the move: that trip was over
            assert d["available"][r] <= mv["depart"][k] + 1e-9
    # A team's trips still never overlap, moves or not.
    for team in np.unique(d["team"]):
        rows = np.flatnonzero(d["team"] == team)
        for r0, r1 in zip(rows[:-1], rows[1:], strict=True):
            assert d["released"][r0] <= d["dispatched"][r1] + 1e-9
            assert d["available"][r0] <= d["dispatched"][r1] + 1e-9
    assert sim.summarise(rec)["incidents"] == len(stream)


def test_homeward_and_standby_teams_cannot_move():
    net, stations = _line()
    stations[0] = Station("A", 0, "township", (TeamSpec("fire", 30, count=2, turnout=Fixed(1.0),
                                                        resupply=Fixed(30.0)),))  # fmt: skip
    stream = stream_from([1.0], [4], requirements=FIRE, control=[1], clear=[1])
    eng = _engine(net, stations, stream)
    seen = []

    def later():
        team = int(eng.d_team[0])
        seen.append(eng.status[team])
        with pytest.raises(ValueError):
            eng._relocate(team, 1, "move_up")

    _at(eng, 30.0, later)
    eng.run()
    assert seen == [HOMEWARD]
