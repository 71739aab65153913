"""Care for the injured (``people.care_min``) counts only medical teams that reached the scene."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import sim
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from sim.facilities import Station, TeamSpec
from sim.people_spec import PeopleSpec
from tests.sim.helpers import road_network, stream_from
from tests.sim.test_people import _people, _records
from tests.sim.test_properties import _run, scenario

INJURED = PeopleSpec.from_dict({"hazards": {"collapse": {"injured": 5}}})


def test_a_medical_team_diverted_on_its_way_cares_for_nobody():
    # Medic 0 would have arrived at 10 but was taken away at 3; medic 1 arrives at 40.
    rows = [(0, "medical", 10.0, 3.0), (0, "general", 5.0, 500.0), (0, "medical", 40.0, 500.0)]
    p = _people(_records([0.0], [500.0], rows, diverted=[0]), spec=INJURED)
    assert p["injured"][0] > 0 and p["care_min"][0] == 40.0
    # Its only medic diverted: nobody cared for the injured, however early it was due.
    p = _people(_records([0.0], [500.0], rows[:2], diverted=[0]), spec=INJURED)
    assert p["injured"][0] > 0 and np.isnan(p["care_min"][0])
    # The same row not diverted is the first care.
    p = _people(_records([0.0], [500.0], rows[:2]), spec=INJURED)
    assert p["care_min"][0] == 10.0


def test_a_medical_team_due_after_the_end_cares_for_nobody_within_the_run():
    rows = [(0, "medical", 40.0, np.nan)]  # sent before the end of the run, due after it
    p = _people(_records([0.0], [np.nan], rows, end=30.0), spec=INJURED)
    assert p["injured"][0] > 0 and np.isnan(p["care_min"][0])


def test_the_medic_taken_by_a_graver_incident_does_not_count_at_the_first():
    # One fire and one medical team at node 0 (line 0-1-2-3, a minute per link), no turnout.
    # X (grade IV, node 0) holds the fire team. A (grade III, node 3) gets the medic at 2,
    # due at 5, and waits for fire. B (grade I, node 2) is taken at 3 and takes the medic,
    # still less than half-way: A's medic row is diverted and A's care comes later.
    reqs = [
        Requirement("x", 4, (("fire", 1),)),
        Requirement("collapse", 3, (("medical", 1), ("fire", 1))),
        Requirement("y", 1, (("medical", 1),)),
    ]
    zero = Fixed(0.0)
    st = [Station("S", 0, "city", (TeamSpec("fire", 6, turnout=zero),
                                   TeamSpec("medical", 4, turnout=zero)))]  # fmt: skip
    s = stream_from([0.0, 1.0, 2.0], [0, 3, 2], requirements=reqs, requirement=[0, 1, 2],
                    grade=[4, 3, 1], control=[50.0, 10.0, 10.0], clear=[0.0, 0.0, 0.0])  # fmt: skip
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])
    r = sim.run(net, st, (), s, rng=np.random.default_rng(0), call_taking=Fixed(1.0),
                policy=sim.SeverityPriority(reserve=0), people=INJURED)  # fmt: skip
    d, p = r.dispatches, r.people
    medic_a = (d["incident"] == 1) & (d["capability"] == "medical")
    assert medic_a.sum() == 2 and d["diverted"][medic_a].tolist() == [True, False]
    k = int(np.flatnonzero(p["incident"] == 1)[0])
    assert p["injured"][k] > 0
    # Care from the medic that reached A, not from the one due at 5 and taken away at 3.
    assert p["care_min"][k] == pytest.approx(d["arrival"][medic_a][1] - 1.0)
    assert d["arrival"][medic_a][1] > d["arrival"][medic_a][0]


def _busy_run(seed: int, horizon: float | None):
    """One fire team and two medics, far-off scenes: incidents needing both wait for the fire
    team with a medic on its way, which a graver call needing only a medic then takes."""
    rng = np.random.default_rng(seed)
    reqs = [
        Requirement("x", 4, (("fire", 1),)),
        Requirement("collapse", 3, (("medical", 1), ("fire", 1))),
        Requirement("collapse", 1, (("medical", 1),)),
    ]
    half = Fixed(0.5)
    st = [Station("S", 0, "city", (TeamSpec("fire", 6, turnout=half),
                                   TeamSpec("medical", 4, count=2, turnout=half)))]  # fmt: skip
    n = 40
    req = rng.choice(3, n, p=[0.3, 0.4, 0.3])
    s = stream_from(np.sort(rng.uniform(0, 300, n)), rng.integers(1, 7, n), requirements=reqs,
                    requirement=req, grade=np.asarray([4, 3, 1])[req],
                    control=rng.uniform(5, 40, n), clear=rng.uniform(0, 10, n))  # fmt: skip
    net = road_network(7, [(k, k + 1, 600) for k in range(6)])  # 10 minutes a link
    return sim.run(net, st, (), s, rng=np.random.default_rng(seed + 1), horizon=horizon,
                   travel_noise=0.2, policy=sim.SeverityPriority(reserve=0),
                   people=INJURED)  # fmt: skip


def _check_care(rec) -> int:
    """Assert care is the first medical arrival of a row not diverted, within the run;
    return the number of diverted medical rows at incidents with injured."""
    d, p, call = rec.dispatches, rec.people, rec.incidents["call"]
    medical = d["capability"] == "medical"
    reached = medical & ~d["diverted"] & (d["arrival"] <= rec.end)
    for i, injured, care in zip(p["incident"], p["injured"], p["care_min"], strict=True):
        first = d["arrival"][reached & (d["incident"] == i)]
        if injured == 0 or not first.size:
            assert np.isnan(care)  # never attributed to a team that did not arrive
        else:
            assert care == first.min() - call[i]
    hurt = p["incident"][p["injured"] > 0]
    return int(np.sum(medical & d["diverted"] & np.isin(d["incident"], hurt)))


def test_care_over_seeds_never_comes_from_a_team_that_did_not_arrive():
    diverted = sum(_check_care(_busy_run(seed, h)) for seed in range(12) for h in (None, 250.0))
    assert diverted > 0  # the seeds do divert medics from incidents with injured people


FIRE_INJURED = PeopleSpec.from_dict({"hazards": {"fire": {"injured": 3}}})


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(scenario())
def test_care_is_the_first_medical_team_that_reached_the_scene(case):
    net, stations, depots, stream, kw, seed = case
    _check_care(_run((net, stations, depots, stream, {**kw, "people": FIRE_INJURED}, seed)))
