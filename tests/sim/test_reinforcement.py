"""Outside reinforcement: called in by a grade I-II incident, usable only once it arrives."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from networks.errors import ConfigError
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Reinforcement, Station, TeamSpec
from tests.sim.helpers import poisson_stream, road_network, stream_from

ZERO = Fixed(0.0)
GRAVE = Requirement("collapse", 1, (("general", 2),))  # grade I, two teams
MINOR = Requirement("collapse", 3, (("general", 2),))  # grade III, same complement


def line():
    # 0 - 1 - 2, one minute per link.
    return road_network(3, [(0, 1, 60), (1, 2, 60)])


def county():
    return [Station("County", 0, "city", (TeamSpec("general", 30, turnout=ZERO),))]


def corps(delay=60.0, max_grade=2):
    station = Station("Corps", 2, "provincial", (TeamSpec("general", 50, turnout=ZERO),))
    return Reinforcement(station, max_grade=max_grade, delay=Fixed(delay))


def go(stream, reinforcement=None, net=None):
    return sim.run(
        net or line(), county(), (), stream, rng=np.random.default_rng(0),
        call_taking=ZERO, reinforcement=reinforcement,
    )  # fmt: skip


def test_a_grave_incident_calls_the_corps_which_serves_once_it_arrives():
    s = stream_from([5.0], [1], requirements=[GRAVE], grade=[1], control=[30.0], clear=[0.0])
    r = go(s, corps(delay=60.0))
    inc, d = r.incidents, r.dispatches
    assert r.meta["reinforcement"]["called_min"] == 5.0
    assert r.meta["reinforcement"]["arrived_min"] == pytest.approx(65.0)
    # The county team drives one link; the corps sets off on arrival, one link away.
    station = r.stations["name"][d["station"]]
    assert list(station) == ["County", "Corps"]
    assert d["dispatched"].tolist() == pytest.approx([5.0, 65.0])
    assert d["arrival"].tolist() == pytest.approx([6.0, 66.0])
    assert inc["teams_needed"][0] == 2 and inc["teams_short"][0] == 0
    assert inc["served"][0]
    # 60 team-minutes of work: 60 alone (6..66) would finish it exactly as the corps arrives.
    assert inc["under_control"][0] == pytest.approx(66.0)


def test_a_lesser_incident_does_not_call_it_and_is_capped_at_the_county():
    s = stream_from([5.0], [1], requirements=[MINOR], grade=[3], control=[30.0], clear=[0.0])
    r = go(s, corps())
    assert r.meta["reinforcement"]["called_min"] is None
    assert r.meta["reinforcement"]["arrived_min"] is None
    assert (r.stations["name"][r.dispatches["station"]] == "County").all()
    assert r.incidents["teams_needed"][0] == 1 and r.incidents["teams_short"][0] == 1


def test_max_grade_sets_what_counts_as_grave():
    s = stream_from([5.0], [1], requirements=[MINOR], grade=[3], control=[30.0], clear=[0.0])
    r = go(s, corps(max_grade=3))
    assert r.meta["reinforcement"]["called_min"] == 5.0
    assert r.incidents["teams_needed"][0] == 2


def test_an_uncalled_reinforcement_changes_nothing():
    net = road_network(6, [(k, k + 1, 90) for k in range(5)])
    stations = [
        Station("A", 0, "city", (TeamSpec("general", 30, count=2),)),
        Station("B", 5, "county", (TeamSpec("general", 30),)),
    ]
    stream = poisson_stream(
        np.arange(6), None, rate=0.05, n=300, rng=np.random.default_rng(3),
        requirements=[MINOR], control=Fixed(20.0), clear=Fixed(5.0),
    )  # fmt: skip
    plain = sim.run(net, stations, (), stream, rng=np.random.default_rng(9), travel_noise=0.2)
    extra = Reinforcement(Station("Corps", 3, "provincial", (TeamSpec("general", 50),)))
    more = sim.run(
        net, stations, (), stream, rng=np.random.default_rng(9), travel_noise=0.2,
        reinforcement=extra,
    )  # fmt: skip
    for col, values in plain.incidents.items():
        np.testing.assert_array_equal(values, more.incidents[col], err_msg=col)
    for col, values in plain.dispatches.items():
        np.testing.assert_array_equal(values, more.dispatches[col], err_msg=col)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    delay=st.floats(0.0, 300.0),
    grave_share=st.floats(0.0, 0.5),
)
def test_corps_teams_never_move_before_they_arrive(seed, delay, grave_share):
    rng = np.random.default_rng(seed)
    net = road_network(5, [(k, k + 1, 120) for k in range(4)])
    stations = [Station("A", 0, "city", (TeamSpec("general", 30, count=2),))]
    stream = poisson_stream(
        np.arange(5), None, rate=0.1, n=80, rng=rng, requirements=[MINOR, GRAVE],
        requirement_probs=[1 - grave_share, grave_share], control=Fixed(25.0),
        clear=Fixed(5.0),
    )  # fmt: skip
    extra = Reinforcement(
        Station("Corps", 4, "provincial", (TeamSpec("general", 50, count=3),)), delay=Fixed(delay)
    )
    r = sim.run(net, stations, (), stream, rng=np.random.default_rng(seed), reinforcement=extra)
    info = r.meta["reinforcement"]
    grave = stream.grade <= 2
    if not grave.any():
        assert info["called_min"] is None
    else:
        first = r.incidents["call_taken"][grave].min()
        assert info["called_min"] == pytest.approx(first)
        if info["arrived_min"] is not None:
            assert info["arrived_min"] == pytest.approx(first + delay)
    from_corps = r.stations["name"][r.dispatches["station"]] == "Corps"
    if from_corps.any():
        assert (r.dispatches["dispatched"][from_corps] >= info["arrived_min"] - 1e-9).all()
    # Every incident still ends served or with a reason.
    assert ((r.incidents["served"]) | (r.incidents["reason"] != "")).all()


def test_spec_round_trips_and_refuses_bad_input():
    spec = {
        "name": "Provincial Corps", "node": 2, "max_grade": 1,
        "teams": [{"capability": "general", "size": 50, "count": 4}],
        "delay_min": {"dist": "lognormal", "mean": 180, "cv": 0.2},
    }  # fmt: skip
    r = Reinforcement.from_dict(spec, source="r.toml", key="reinforcement")
    assert r.station.tier == "provincial" and r.max_grade == 1 and r.delay.mean == 180
    assert Reinforcement.from_dict(r.to_dict()) == r
    with pytest.raises(ConfigError, match="r.toml: reinforcement.max_grade"):
        Reinforcement.from_dict({**spec, "max_grade": 5}, source="r.toml", key="reinforcement")
    with pytest.raises(ConfigError, match="r.toml: reinforcement.delay_min"):
        Reinforcement.from_dict({**spec, "delay_min": -3}, source="r.toml", key="reinforcement")


def test_an_uncalled_corps_in_a_county_area_does_not_hold_its_reserve():
    # Reserve 1 per area: the township's one team may go to a grade III call only if the
    # area has another. A corps that has not come must not count as that other team.
    town = [Station("Town", 0, "township", (TeamSpec("general", 30, turnout=ZERO),),
                    area="Town")]  # fmt: skip
    one = Requirement("collapse", 3, (("general", 1),))
    s = stream_from([5.0], [1], requirements=[one], grade=[3], control=[10.0], clear=[0.0])
    shared = Reinforcement(
        Station("Corps", 2, "provincial", (TeamSpec("general", 50, turnout=ZERO),), area="Town"),
        delay=Fixed(60.0),
    )
    runs = [
        sim.run(line(), town, (), s, rng=np.random.default_rng(0), call_taking=ZERO,
                policy=sim.SeverityPriority(reserve=1), reinforcement=extra)
        for extra in (None, shared)
    ]  # fmt: skip
    assert runs[0].dispatches["dispatched"].tolist() == runs[1].dispatches["dispatched"].tolist()


def test_once_arrived_the_corps_serves_lesser_incidents_too():
    # Only the corps has water rescue. A grade I collapse calls it in at 5 (arrives 65);
    # a grade III flood at 200 is then served by it, not refused as "no capability".
    flood = Requirement("flood", 3, (("water_rescue", 1),))
    quake = Requirement("collapse", 1, (("general", 1),))
    s = stream_from([5.0, 200.0], [1, 1], requirements=[quake, flood], requirement=[0, 1],
                    grade=[1, 3], control=[10.0, 10.0], clear=[0.0, 0.0])  # fmt: skip
    teams = (TeamSpec("general", 50, turnout=ZERO), TeamSpec("water_rescue", 8, turnout=ZERO))
    extra = Reinforcement(Station("Corps", 2, "provincial", teams), delay=Fixed(60.0))
    r = go(s, extra)
    assert r.incidents["served"].tolist() == [True, True]
    assert r.incidents["teams_short"].tolist() == [0, 0]
    # Before it arrives, the same flood would be refused: the county has no such team.
    early = stream_from([5.0, 20.0], [1, 1], requirements=[quake, flood], requirement=[0, 1],
                        grade=[1, 3], control=[10.0, 10.0], clear=[0.0, 0.0])  # fmt: skip
    assert go(early, extra).incidents["reason"].tolist() == ["", "no_capability"]


def test_corps_teams_stand_by_until_they_come_and_count_time_from_then():
    s = stream_from([5.0], [1], requirements=[GRAVE], grade=[1], control=[30.0], clear=[0.0])
    r = go(s, corps(delay=60.0))
    corps_team = int(np.flatnonzero(r.stations["name"][r.teams["station"]] == "Corps")[0])
    assert r.team_state(corps_team, 30.0) == "standby"
    assert r.team_state(corps_team, 65.5) == "en_route"
    u = sim.summary.utilisation(r)["Corps"]
    d = r.dispatches
    row = np.flatnonzero(r.stations["name"][d["station"]] == "Corps")[0]
    committed = min(d["released"][row], r.end) - d["dispatched"][row]
    assert u["committed"] == pytest.approx(committed / (r.end - 65.0))
    # Never called: no window, no share (standing by is not idle capacity).
    minor = stream_from([5.0], [1], requirements=[MINOR], grade=[3], control=[30.0], clear=[0.0])
    assert sim.summary.utilisation(go(minor, corps()))["Corps"]["committed"] is None
