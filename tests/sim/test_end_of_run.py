"""The end of a run: what falls after it is masked, and when a run without horizon ends."""

import numpy as np
import pytest

import sim
from networks.roadnet import Disruption
from scenarios.distributions import Fixed
from scenarios.stream import Requirement, ScheduledDisruption
from sim.facilities import Depot, Station, TeamSpec
from tests.sim.helpers import road_network, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))
ZERO = Fixed(0.0)


def line():
    # 0 - 1 - 2 - 3, one minute per link.
    return road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])


def go(net, stream, *, horizon=None, teams=1, depots=()):
    st = [Station("A", 0, "city", (TeamSpec("fire", 6, count=teams, turnout=ZERO),))]
    return sim.run(net, st, depots, stream, rng=np.random.default_rng(0), horizon=horizon,
                   call_taking=ZERO)  # fmt: skip


@pytest.mark.parametrize(
    ("horizon", "control", "cleared"),
    [(10.0, np.nan, np.nan), (20.0, 13.0, np.nan), (30.0, 13.0, 23.0)],
)
def test_a_served_incident_still_being_worked_at_the_horizon_is_masked(horizon, control, cleared):
    # On scene at 3, under control at 13, cleared at 23.
    s = stream_from([0.0], [3], requirements=[FIRE], control=[10.0], clear=[10.0])
    r = go(line(), s, horizon=horizon)
    inc, d = r.incidents, r.dispatches
    assert inc["served"][0] and inc["first_arrival"][0] == pytest.approx(3.0)
    assert np.allclose([inc["under_control"][0], inc["cleared"][0]], [control, cleared],
                       equal_nan=True)  # fmt: skip
    # The incident and its team's release agree: nothing after the end happened.
    assert np.allclose(d["released"], inc["cleared"], equal_nan=True)
    # Not under control within the run is a miss of the control target, as unserved is.
    s = sim.summarise(r)
    assert s["intervals"]["control"]["n"] == (0 if np.isnan(control) else 1)
    assert s["compliance"]["control"] == (0.0 if np.isnan(control) else 1.0)


@pytest.mark.parametrize("horizon", [60.0, None])
def test_a_team_cut_off_by_a_road_still_closed_has_no_return(horizon):
    # 0 - 1 - 2; the link 0-1 closes at 5 and stays closed (until 100, or for ever without
    # a horizon). The team reaches node 2 at 2, clears at 12 and cannot get home.
    net = road_network(3, [(0, 1, 60), (1, 2, 60)])
    cut = ScheduledDisruption(5.0, 100.0 if horizon else np.inf, Disruption((0, 1)))
    s = stream_from([0.0], [2], requirements=[FIRE], control=[10.0], disruptions=[cut])
    d = go(net, s, horizon=horizon).dispatches
    assert d["released"][0] == pytest.approx(12.0)
    assert np.isnan(d["returned"][0]) and np.isnan(d["available"][0])


def test_without_horizon_the_run_waits_for_an_incident_without_teams_to_clear():
    # The last incident needs only supplies: taken at 50, under control at 60, cleared at 70;
    # no event marks either, yet it must not read as not cleared.
    store = Requirement("storm", 4, (), (("water", 1),))
    s = stream_from([0.0, 50.0], [3, 1], requirements=[FIRE, store], requirement=[0, 1],
                    control=[10.0, 10.0], clear=[0.0, 10.0])  # fmt: skip
    r = go(line(), s, depots=[Depot("D", 0, "city", (("water", 5),))])
    inc = r.incidents
    assert inc["served"].all()
    assert inc["under_control"][1] == pytest.approx(60.0)
    assert inc["cleared"][1] == pytest.approx(70.0) and r.end == pytest.approx(70.0)


def test_without_horizon_the_drive_home_after_the_last_event_stays_in_the_dispatch_rows():
    # Cleared at 13 (the last event, the end); the team is home at 16, after the end.
    s = stream_from([0.0], [3], requirements=[FIRE], control=[10.0])
    r = go(line(), s)
    d = r.dispatches
    assert r.end == pytest.approx(13.0)
    assert d["returned"][0] == pytest.approx(16.0) and d["available"][0] == pytest.approx(16.0)
