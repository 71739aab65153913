"""An incident whose work is done before its last team arrives is served, not stalled.

Found by the property tests: the team still on its way turns back when it
reaches the scene, but nothing in the event queue marks that arrival, so when
it came after the run's last event the incident read as "stalled" and its
teams were never released.
"""

import numpy as np

import sim
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Depot, Station, TeamSpec
from tests.sim.helpers import grid_network, stream_from


def _line(far: int):
    """Two fire teams and a medical team, one fire team ``far`` nodes (20 s each) away."""
    net = grid_network(2, 4, seconds=[20.0] * 10)
    quick = Fixed(0.0)
    stations = [
        Station("S0", 0, "township", (TeamSpec("fire", 30, turnout=quick),
                                      TeamSpec("medical", 30, turnout=quick))),
        Station("S1", far, "township", (TeamSpec("fire", 30, turnout=quick),)),
    ]  # fmt: skip
    depots = [Depot("C", 0, "city", (("blankets", 0),))]
    return net, stations, depots, Requirement("fire", 2, (("fire", 2), ("medical", 1)))


def test_work_done_before_the_last_team_arrives_is_served():
    net, stations, depots, need = _line(2)
    stream = stream_from([0.0], [0], requirements=[need], control=[0.0], clear=[0.0])
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0))  # fmt: skip
    inc, d = rec.incidents, rec.dispatches
    assert inc["served"][0] and inc["reason"][0] == ""
    # The complement is on scene when the last team (40 s away) arrives; work was done at once.
    assert inc["on_scene"][0] == d["arrival"].max() > inc["cleared"][0]
    assert not np.isnan(d["released"]).any()
    assert np.all(d["returned"] >= d["arrival"])


def test_a_team_released_before_the_horizon_keeps_its_release_in_the_records():
    # The same incident with a run that ends (horizon) before the far team arrives: the
    # incident is unserved (its complement is not on scene in time), but the near teams
    # were released when the work was done, and are sent again to a second call. Found by
    # the relocation property test: their dispatch rows read "released: nan".
    net, stations, depots, need = _line(3)
    one = Requirement("fire", 4, (("fire", 1),))
    stream = stream_from([0.0, 0.2], [0, 0], requirements=[need, one], requirement=[0, 1],
                         control=[0.0, 0.0], clear=[0.0, 0.0])  # fmt: skip
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0), horizon=0.5)  # fmt: skip
    inc, d = rec.incidents, rec.dispatches
    assert not inc["served"][0] and inc["reason"][0] == "horizon"
    first = np.flatnonzero(d["incident"] == 0)
    near = first[d["arrival"][first] <= 0.5]
    assert near.size and np.all(d["released"][near] == 0.0)  # work done at the first arrival
    again = np.flatnonzero(d["incident"] == 1)
    assert again.size  # a released team went to the second call
    for team in d["team"][again]:
        rows = np.flatnonzero(d["team"] == team)
        assert np.all(d["released"][rows[:-1]] <= d["dispatched"][rows[1:]])
