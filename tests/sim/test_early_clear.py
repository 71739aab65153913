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


def test_work_done_before_the_last_team_arrives_is_served():
    net = grid_network(2, 4, seconds=[20.0] * 10)
    quick = Fixed(0.0)
    stations = [
        Station("S0", 0, "township", (TeamSpec("fire", 30, turnout=quick),
                                      TeamSpec("medical", 30, turnout=quick))),
        Station("S1", 2, "township", (TeamSpec("fire", 30, turnout=quick),)),
    ]  # fmt: skip
    depots = [Depot("C", 0, "city", (("blankets", 0),))]
    need = Requirement("fire", 2, (("fire", 2), ("medical", 1)))
    stream = stream_from([0.0], [0], requirements=[need], control=[0.0], clear=[0.0])
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0))  # fmt: skip
    inc, d = rec.incidents, rec.dispatches
    assert inc["served"][0] and inc["reason"][0] == ""
    # The complement is on scene when the last team (40 s away) arrives; work was done at once.
    assert inc["on_scene"][0] == d["arrival"].max() > inc["cleared"][0]
    assert not np.isnan(d["released"]).any()
    assert np.all(d["returned"] >= d["arrival"])
