"""Exact traces on tiny deterministic cases: every time is worked out by hand."""

import numpy as np
import pytest

import sim
from networks.roadnet import Disruption
from scenarios.distributions import Fixed
from scenarios.stream import Requirement, ScheduledDisruption
from sim.facilities import Depot, Station, TeamSpec
from tests.sim.helpers import road_network, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))
FIRE2 = Requirement("fire", 2, (("fire", 2),))
ZERO = Fixed(0.0)


def line():
    # 0 - 1 - 2 - 3, one minute per link, 600 m per link.
    return road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])


def station(name, node, teams=1, turnout=2.0, area=""):
    return Station(
        name, node, "city", (TeamSpec("fire", 6, count=teams, turnout=Fixed(turnout)),), area=area
    )


def go(net, stations, stream, depots=(), **kw):
    kw.setdefault("call_taking", Fixed(1.0))
    return sim.run(net, stations, depots, stream, rng=np.random.default_rng(0), **kw)


def test_single_incident_timeline():
    s = stream_from([0.0], [3], requirements=[FIRE], control=[10.0], clear=[5.0])
    r = go(line(), [station("A", 0)], s)
    inc, d = r.incidents, r.dispatches
    assert inc["call_taken"][0] == 1.0
    assert inc["first_dispatch"][0] == 1.0
    assert inc["first_arrival"][0] == pytest.approx(6.0)  # 1 + turnout 2 + 3 links
    assert inc["under_control"][0] == pytest.approx(16.0)
    assert inc["cleared"][0] == pytest.approx(21.0)
    assert inc["served"][0] and inc["reason"][0] == ""
    assert d["travel"][0] == pytest.approx(3.0)
    assert d["distance_m"][0] == pytest.approx(1800.0)
    assert d["returned"][0] == pytest.approx(24.0)
    assert r.end == pytest.approx(21.0)  # the last event; the return needs none
    assert r.team_state(0, 0.5) == "available"
    assert r.team_state(0, 2.0) == "en_route"
    assert r.team_state(0, 10.0) == "on_scene"
    assert r.team_state(0, 22.0) == "returning"
    assert r.team_state(0, 25.0) == "available"


def test_teams_share_the_work_from_their_arrival():
    # Two teams needed, 10 min of control work each: 20 team-minutes. A's team arrives at 4 and
    # works alone until B's arrives at 5 (1 done); the other 19 take two teams 9.5 min.
    s = stream_from([0.0], [2], requirements=[FIRE2], control=[10.0], clear=[6.0])
    r = go(line(), [station("A", 0), station("B", 3)], s)
    inc = r.incidents
    assert sorted(r.dispatches["arrival"]) == pytest.approx([4.0, 5.0])
    assert inc["first_arrival"][0] == pytest.approx(4.0)
    assert inc["on_scene"][0] == pytest.approx(5.0)
    assert inc["under_control"][0] == pytest.approx(14.5)
    assert inc["cleared"][0] == pytest.approx(20.5)  # 12 more team-minutes by two teams
    # Arriving together, a full complement takes exactly control_work.
    both = go(line(), [station("A", 1, teams=2)], s)
    assert both.incidents["under_control"][0] == pytest.approx(both.incidents["on_scene"][0] + 10.0)


def test_an_incident_cleared_short_of_teams_stops_asking():
    # Fire teams at nodes 0 and 3. X (node 0) keeps A's team until 51. Y (node 3) needs two:
    # B's team is there at 1.5 and works alone, 2 x 5 = 10 team-minutes, clearing at 11.5,
    # long before A's team is free; the request for a second team is dropped.
    s = stream_from([0.0, 0.5], [0, 3], requirements=[FIRE, FIRE2], requirement=[0, 1],
                    control=[50.0, 5.0], clear=[0.0, 0.0])  # fmt: skip
    r = go(line(), [station("A", 0, turnout=0.0), station("B", 3, turnout=0.0)], s)
    inc = r.incidents
    assert inc["served"].all()
    assert inc["teams_needed"].tolist() == [1, 2]
    assert inc["teams_sent"].tolist() == [1, 1]
    assert inc["under_control"].tolist() == pytest.approx([51.0, 11.5])
    assert inc["cleared"][1] == pytest.approx(11.5)
    assert len(r.dispatches["team"]) == 2


def test_queue_then_redispatch_from_scene_and_from_station():
    # A at node 3 keeps the only team until 1 + 2 + 3 + 10 = 16; its return takes 3 min.
    # B (node 1) waits in the queue and gets the team at 16 from A's scene: 2 links, no turnout.
    # C (node 3) is taken at 21.9 by the team on its way back from B (cleared 18, back at 19):
    # more than half of that return has elapsed, so it counts from the station: 3 links.
    s = stream_from(
        [0.0, 5.0, 20.9], [3, 1, 3], requirements=[FIRE],
        control=[10.0, 0.0, 0.0], clear=[0.0, 0.0, 0.0],
    )  # fmt: skip
    r = go(line(), [station("A", 0)], s)
    inc, d = r.incidents, r.dispatches
    assert inc["first_dispatch"].tolist() == pytest.approx([1.0, 16.0, 21.9])
    assert d["from_scene"].tolist() == [False, True, False]
    assert d["from_node"].tolist() == [0, 3, 0]
    assert d["turnout"].tolist() == pytest.approx([2.0, 0.0, 2.0])  # C: back home by 21.9
    assert inc["first_arrival"].tolist() == pytest.approx([6.0, 18.0, 26.9])
    assert d["distance_m"].tolist() == pytest.approx([1800.0, 1200.0, 1800.0])
    assert d["returned"][0] == pytest.approx(16.0)  # re-dispatched the moment it was released


def test_redispatch_mid_return_uses_half_rule():
    # Team released at node 3 at 16 heading home (3 min). D at node 2 taken at 17.0 (1 of 3 min
    # elapsed: still "at the scene", 1 link); E at node 2 taken at 17.6 for a second team case.
    s = stream_from([0.0, 16.0], [3, 2], requirements=[FIRE], control=[10.0, 0.0], clear=[0.0, 0.0])
    r = go(line(), [station("A", 0)], s)
    d = r.dispatches
    assert d["from_node"].tolist() == [0, 3]
    assert d["travel"][1] == pytest.approx(1.0)
    s = stream_from([0.0, 16.6], [3, 2], requirements=[FIRE], control=[10.0, 0.0], clear=[0.0, 0.0])
    r = go(line(), [station("A", 0)], s)
    d = r.dispatches
    assert d["from_node"].tolist() == [0, 0]  # 1.6 of 3 min elapsed: counted from the station
    assert d["travel"][1] == pytest.approx(2.0)
    assert d["turnout"][1] == 0.0  # but it is on the road, so no turnout


def test_disruption_changes_travel_after_its_start_only():
    # 0-1-2 one minute per link; detour 0-3-2 five minutes per link. Close 1->2 from 5 to 20.
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (0, 3, 300), (3, 2, 300)])
    e12 = int(np.flatnonzero((net.edges.u == 1) & (net.edges.v == 2))[0])
    closure = ScheduledDisruption(5.0, 20.0, Disruption((e12,)))
    s = stream_from([0.0, 6.0, 25.0], [2, 2, 2], requirements=[FIRE], disruptions=[closure])
    r = go(net, [station("A", 0, teams=3, turnout=0.0)], s)
    assert r.dispatches["travel"].tolist() == pytest.approx([2.0, 10.0, 2.0])
    assert r.dispatches["distance_m"].tolist() == pytest.approx([1200.0, 6000.0, 1200.0])
    assert r.dispatches["mutual_aid"].tolist() == [False, False, False]


def test_severity_priority_reorders_queue():
    # One team, busy with the first call until 1 + 10 = 11; then grade IV (t=1) and grade I (t=2)
    # wait. FIFO serves the grade IV first; severity priority the grade I.
    s = stream_from(
        [0.0, 1.0, 2.0], [0, 0, 0], requirements=[FIRE], grade=[3, 4, 1], control=[10.0, 10.0, 10.0]
    )
    fifo = go(line(), [station("A", 0, turnout=0.0)], s)
    sev = go(line(), [station("A", 0, turnout=0.0)], s, policy=sim.SeverityPriority(reserve=0))
    assert fifo.incidents["first_dispatch"].tolist() == pytest.approx([1.0, 11.0, 21.0])
    assert sev.incidents["first_dispatch"].tolist() == pytest.approx([1.0, 21.0, 11.0])


def test_reserve_keeping():
    # Area "a" has two fire teams; k = 1 keeps one back from grade III-IV incidents.
    s = stream_from([0.0, 1.0, 2.0], [1, 1, 1], requirements=[FIRE], grade=[3, 3, 2],
                    control=[100.0, 100.0, 100.0])  # fmt: skip
    st = [station("A", 0, teams=2, turnout=0.0, area="a")]
    never = sim.SeverityPriority(reserve=1, max_hold=float("inf"))
    r = go(line(), st, s, policy=never, horizon=50.0)
    inc = r.incidents
    assert inc["first_dispatch"].tolist()[0] == 1.0
    assert np.isnan(inc["first_dispatch"][1])  # held back for grade I-II
    assert inc["first_dispatch"][2] == 3.0
    assert inc["reason"].tolist() == ["", "horizon", ""]
    plain = go(line(), st, s, horizon=50.0)
    assert plain.incidents["first_dispatch"].tolist()[:2] == [1.0, 2.0]


def test_reserve_is_held_at_most_max_hold():
    # The second grade III call (taken at 2) is held back, then gets the reserve team at 2 + 15.
    s = stream_from([0.0, 1.0], [1, 1], requirements=[FIRE], grade=[3, 3], control=[100.0, 5.0])
    st = [station("A", 0, teams=2, turnout=0.0, area="a")]
    r = go(line(), st, s, policy=sim.SeverityPriority(reserve=1, max_hold=15.0))
    assert r.incidents["first_dispatch"].tolist() == pytest.approx([1.0, 17.0])
    assert r.incidents["served"].all()


def test_unserved_reasons():
    req = [FIRE, Requirement("chem", 2, (("hazmat", 1),)), FIRE2]
    s = stream_from(
        [0.0, 0.0, 1.0, 90.0],
        [3, 3, 3, 3],
        requirements=req,
        requirement=[1, 2, 0, 0],
        control=[0.0, 0.0, 30.0, 0.0],
    )
    r = go(line(), [station("A", 0)], s, horizon=20.0)
    # Hazmat exists nowhere: unserved. Two fire teams asked, one exists: capped, served.
    assert r.incidents["reason"].tolist() == ["no_capability", "", "", "after_horizon"]
    assert r.incidents["served"].tolist() == [False, True, True, False]
    assert r.incidents["teams_needed"].tolist() == [0, 1, 1, 1]
    assert r.incidents["teams_short"].tolist() == [1, 1, 0, 0]
    # The only team is cut off from node 3: recorded unreachable, not silently dropped.
    net = line()
    cut = [int(k) for k in np.flatnonzero((net.edges.u == 2) & (net.edges.v == 3))]
    s = stream_from(
        [0.0],
        [3],
        requirements=[FIRE],
        disruptions=[ScheduledDisruption(0.0, float("inf"), Disruption(tuple(cut)))],
    )
    r = go(net, [station("A", 0)], s)
    assert r.incidents["reason"].tolist() == ["unreachable"]


def test_supplies_escalate_and_replenish():
    water = Requirement("flood", 2, (), (("drinking_water", 50),))
    depots = [
        Depot("V", 3, "village", (("drinking_water", 10),), parent="T", lead_time_min=30),
        Depot("T", 2, "township", (("drinking_water", 30),), parent="C", lead_time_min=60),
        Depot("C", 0, "city", (("drinking_water", 100),)),
    ]
    s = stream_from([0.0], [3], requirements=[water], control=[5.0])
    r = go(line(), [station("A", 0)], s, depots=depots)
    sup, out = r.supplies, r.stockouts
    issue = sup["kind"] == "issue"
    assert sup["source"][issue].tolist() == [0, 1, 2]
    assert sup["quantity"][issue].tolist() == [10, 30, 10]
    assert sup["arrive"][issue].tolist() == pytest.approx([1.0, 2.0, 4.0])
    assert out["tier"].tolist()[:2] == ["village", "township"]
    assert out["short"].tolist()[:2] == [40, 10]
    # T reorders 30 from C (at 61); then V gets 10 from T (at 91) and T 10 more from C (121).
    tr = ~issue
    assert list(zip(sup["source"][tr].tolist(), sup["target"][tr].tolist(),
                    sup["quantity"][tr].tolist(), sup["arrive"][tr].tolist(), strict=True)) == [
        (2, 1, 30, 61.0), (1, 0, 10, 91.0), (2, 1, 10, 121.0)]  # fmt: skip
    assert r.incidents["served"][0] and r.incidents["supply_short"][0] == 0
    assert (
        r.stock["final"].sum() + r.stock["in_transit"].sum() + sup["quantity"][issue].sum()
        == r.stock["initial"].sum()
    )
    assert r.stock["final"][:, 0].tolist() == [10, 30, 50]


def test_same_seed_same_records_and_policy_keeps_call_times():
    from scenarios.distributions import Lognormal

    net = line()
    s = stream_from(
        np.arange(20) * 3.0, [0, 1, 2, 3] * 5, requirements=[FIRE], control=np.full(20, 7.0)
    )
    st = [Station("A", 0, "city", (TeamSpec("fire", 6, count=2, turnout=Lognormal(1, 0.5)),))]
    a = sim.run(net, st, (), s, rng=np.random.default_rng(9), travel_noise=0.3)
    b = sim.run(net, st, (), s, rng=np.random.default_rng(9), travel_noise=0.3)
    c = sim.run(
        net,
        st,
        (),
        s,
        rng=np.random.default_rng(9),
        travel_noise=0.3,
        policy=sim.SeverityPriority(),
    )
    d = sim.run(net, st, (), s, rng=np.random.default_rng(10), travel_noise=0.3)
    assert a.equals(b)
    assert not a.equals(d)
    assert np.array_equal(a.incidents["call_taken"], c.incidents["call_taken"])


def test_reserve_never_holds_back_an_areas_last_team():
    # A one-team area keeps min(k, 1 - 1) = 0 in reserve: its grade IV call is answered.
    s = stream_from([0.0], [1], requirements=[FIRE], grade=[4], control=[5.0])
    r = go(line(), [station("A", 0, turnout=0.0, area="a")], s,
           policy=sim.SeverityPriority(reserve=1))  # fmt: skip
    assert r.incidents["first_dispatch"].tolist() == [1.0]


def test_urgent_incident_diverts_a_team_still_on_its_way():
    # One fire and one medical team at node 0, no turnout. X (grade IV) holds the medic until
    # 51. A (grade III, node 3) gets the fire team at 2 (due at 5) and waits for the medic.
    # B (grade I, node 2) is taken at 3: the fire team is still on its way to A, less than
    # half-way, so B takes it from node 0 (due at 5). B works alone (2 x 10 team-minutes)
    # and clears at 25 without the medic; the team then goes on to A (1 min), which works
    # alone from 26 and clears at 46. Nobody waits for the medic.
    both = [
        Requirement("x", 4, (("medical", 1),)),
        Requirement("fire", 3, (("fire", 1), ("medical", 1))),
        Requirement("fire", 1, (("fire", 1), ("medical", 1))),
    ]
    st = [Station("S", 0, "city", (TeamSpec("fire", 6, turnout=ZERO),
                                   TeamSpec("medical", 4, turnout=ZERO)))]  # fmt: skip
    s = stream_from([0.0, 1.0, 2.0], [0, 3, 2], requirements=both, requirement=[0, 1, 2],
                    grade=[4, 3, 1], control=[50.0, 10.0, 10.0], clear=[0.0, 0.0, 0.0])  # fmt: skip
    r = go(line(), st, s, policy=sim.SeverityPriority(reserve=0))
    inc, d = r.incidents, r.dispatches
    assert inc["served"].all()
    assert inc["first_arrival"].tolist() == pytest.approx([1.0, 26.0, 5.0])
    assert inc["under_control"].tolist() == pytest.approx([51.0, 46.0, 25.0])
    assert d["diverted"].tolist() == [False, True, False, False]
    assert d["from_node"][2] == 0 and d["incident"][2] == 2  # from the station to B
    assert d["from_node"][3] == 2 and d["incident"][3] == 1  # from B's scene on to A
    assert inc["teams_sent"].tolist() == [1, 1, 1]
    # A team already on scene is working and is never taken away.
    s2 = stream_from([0.0, 1.0, 5.0], [0, 3, 2], requirements=both, requirement=[0, 1, 2],
                     grade=[4, 3, 1], control=[50.0, 10.0, 10.0],
                     clear=[0.0, 0.0, 0.0])  # fmt: skip
    r2 = go(line(), st, s2, policy=sim.SeverityPriority(reserve=0))
    assert not r2.dispatches["diverted"].any()


@pytest.mark.parametrize(
    ("b_call", "b_arrival", "turnout", "from_node"),
    [
        # B taken at 3: the fire team, sent to A at 2, is still turning out at its station
        # until 4. It finishes that turnout (1 min left), then drives 0 -> 2: on scene at 6.
        (2.0, 6.0, 1.0, 0),
        # B taken at 5: it left at 4 on a 3-minute drive to A, less than half of it done
        # (the turnout is not part of the drive): from the station, no turnout, at 7.
        (4.0, 7.0, 0.0, 0),
        # B taken at 6: more than half-way to A (node 3), on from there: 1 min, at 7.
        (5.0, 7.0, 0.0, 3),
    ],
)
def test_a_diverted_team_finishes_its_turnout_and_halves_its_drive(
    b_call, b_arrival, turnout, from_node
):
    """The team of the test above with a 2-minute turnout, taken at three moments.

    It used to lose the rest of its turnout (on scene a minute early, and marked
    sent on from a scene it never reached), and the half-way point counted the
    turnout as part of the drive.
    """
    both = [
        Requirement("x", 4, (("medical", 1),)),
        Requirement("fire", 3, (("fire", 1), ("medical", 1))),
        Requirement("fire", 1, (("fire", 1), ("medical", 1))),
    ]
    st = [Station("S", 0, "city", (TeamSpec("fire", 6, turnout=Fixed(2.0)),
                                   TeamSpec("medical", 4, turnout=ZERO)))]  # fmt: skip
    s = stream_from([0.0, 1.0, b_call], [0, 3, 2], requirements=both, requirement=[0, 1, 2],
                    grade=[4, 3, 1], control=[50.0, 10.0, 10.0], clear=[0.0, 0.0, 0.0])  # fmt: skip
    d = go(line(), st, s, policy=sim.SeverityPriority(reserve=0)).dispatches
    assert d["diverted"].tolist() == [False, True, False, False]
    assert d["incident"][2] == 2 and d["arrival"][2] == pytest.approx(b_arrival)
    assert d["turnout"][2] == pytest.approx(turnout) and d["from_node"][2] == from_node
    assert d["from_scene"][2] == (from_node == 3)  # sent on from A's scene only if there


def test_a_disrupted_network_state_is_the_baseline():
    # 0-1-2 one minute per link; detour 0-3-2 five minutes per link; 1->2 closed before the run.
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (0, 3, 300), (3, 2, 300)])
    e12 = int(np.flatnonzero((net.edges.u == 1) & (net.edges.v == 2))[0])
    closed = net.with_closed([e12])
    e03 = int(np.flatnonzero((net.edges.u == 0) & (net.edges.v == 3))[0])
    slow = ScheduledDisruption(5.0, 20.0, Disruption((e03,), factor=2.0))
    s = stream_from([0.0, 6.0, 25.0], [2, 2, 2], requirements=[FIRE], disruptions=[slow])
    r = go(closed, [station("A", 0, teams=3, turnout=0.0)], s)
    # Closed all along; the detour's first link is also twice as slow from 5 to 20.
    assert r.dispatches["travel"].tolist() == pytest.approx([10.0, 15.0, 10.0])


def test_resupplying_team_is_not_sent_on_its_way_back():
    # Released at node 3 at 16, home at 19, restocked at 24: the call taken at 17 waits till 24.
    st = [Station("A", 0, "city", (TeamSpec("hazmat", 8, turnout=ZERO, resupply=Fixed(5.0)),))]
    chem = Requirement("chem", 3, (("hazmat", 1),))
    s = stream_from([0.0, 16.0], [3, 2], requirements=[chem], control=[12.0, 0.0])
    r = go(line(), st, s)
    d = r.dispatches
    assert d["returned"][0] == pytest.approx(19.0) and d["available"][0] == pytest.approx(24.0)
    assert r.incidents["first_dispatch"].tolist() == pytest.approx([1.0, 24.0])
    assert d["turnout"][1] == 0.0 and d["travel"][1] == pytest.approx(2.0)  # from the station
    assert [r.team_state(0, t) for t in (2.0, 10.0, 17.0, 20.0, 25.0)] == [
        "en_route", "on_scene", "returning", "resupplying", "en_route"]  # fmt: skip


@pytest.mark.parametrize(("label", "arrival", "metres"),
                         [("isolation 800 m", 2.0, 600.0), ("flood", 3.0, 1200.0)])  # fmt: skip
def test_avoid_danger_first_responders_stage_outside_an_isolation_zone(label, arrival, metres):
    # 0-1-2-3 one minute per link. An incident at node 3 at time 0 closes the links around
    # it (2-3) for 100 min. An isolation zone is answered at its staging node (node 1: the
    # nearest node not touched by the zone), reached at 1 + 1 = 2; an ordinary closure that
    # cuts the scene off is worked from the edge of the cut (node 2), reached at 1 + 2 = 3,
    # rather than waiting 100 min for the road to reopen.
    net = line()
    e = net.edges
    zone = tuple(int(k) for k in np.flatnonzero((e.u == 3) | (e.v == 3)))
    d = ScheduledDisruption(0.0, 100.0, Disruption(zone, label=label), incident=0)
    s = stream_from([0.0], [3], requirements=[FIRE], control=[5.0], disruptions=[d])
    r = go(net, [station("A", 0, turnout=0.0)], s)
    inc = r.incidents
    assert inc["node"][0] == 3  # the record keeps the real scene
    assert inc["first_arrival"][0] == pytest.approx(arrival)
    assert r.dispatches["distance_m"][0] == pytest.approx(metres)  # 600 m links


def test_a_team_cut_off_at_the_scene_goes_home_when_the_road_reopens():
    # 0 - 1 - 2; the link 0-1 (arcs 0 and 1) is closed from minute 5 to 100. With no call
    # taking and no turnout the team reaches node 2 at 2, clears at 12 and is cut off.
    net = road_network(3, [(0, 1, 60), (1, 2, 60)])
    cut = ScheduledDisruption(5.0, 100.0, Disruption((0, 1)))
    s = stream_from([0.0, 150.0], [2, 0], requirements=[FIRE], control=[10.0, 5.0],
                    clear=[0.0, 0.0], disruptions=[cut])  # fmt: skip
    r = go(net, [station("A", 0, turnout=0.0)], s, call_taking=ZERO)
    d = r.dispatches
    assert d["arrival"][0] == pytest.approx(2.0)
    assert d["released"][0] == pytest.approx(12.0)
    # Stranded from 12 until the road reopens at 100, then two minutes home.
    assert d["returned"][0] == pytest.approx(102.0)
    assert r.team_state(0, 50.0) == "returning"
    assert r.team_state(0, 120.0) == "available"
    # The next call finds the team at its station, not at the old scene.
    assert not d["from_scene"][1] and d["dispatched"][1] == pytest.approx(150.0)
    assert d["travel"][1] == pytest.approx(0.0)


def test_a_team_still_driving_when_the_road_reopens_returns_from_the_scene():
    # 0 -1 min- 1 -10 min- 2; teams at 0 and 2, two needed at 1. The near team clears the
    # work alone by 3; the far one is still on its way (arrives 10), then turns back. Its
    # road home (1-2) is cut from 2 to 5: it still drives home from the scene from 10.
    net = road_network(3, [(0, 1, 60), (1, 2, 600)])
    two = Requirement("fire", 3, (("fire", 2),))
    cut = ScheduledDisruption(2.0, 5.0, Disruption((2, 3)))
    for resupply in (0.0, 3.0):
        teams = [
            Station(n, k, "county", (TeamSpec("fire", 10, turnout=ZERO, resupply=Fixed(resupply)),))
            for n, k in (("A", 0), ("B", 2))
        ]
        s = stream_from([0.0], [1], requirements=[two], control=[1.0], clear=[0.0],
                        disruptions=[cut])  # fmt: skip
        d = go(net, teams, s, call_taking=ZERO).dispatches
        assert d["arrival"].tolist() == pytest.approx([1.0, 10.0])
        assert d["returned"][1] == pytest.approx(20.0)
        assert d["available"][1] == pytest.approx(20.0 + resupply)


def test_a_team_sent_on_before_reaching_a_cleared_scene_finishes_that_drive_first():
    # 0 -1- 1 -10- 2 -10- 3 (minutes). X at 1 needs two teams: A's (from 0) arrives at 1
    # and finishes the work alone at 3; B's (from 3) is still 17 min short of node 1. At 4
    # a call at node 3: B would need 16 more minutes to reach 1, then 20 back to 3 (36);
    # A drives 0 -> 3 in 21 (its way home has passed half), so A goes.
    net = road_network(4, [(0, 1, 60), (1, 2, 600), (2, 3, 600)])
    s = stream_from([0.0, 4.0], [1, 3], requirements=[FIRE2, FIRE], requirement=[0, 1],
                    control=[1.0, 5.0], clear=[0.0, 0.0])  # fmt: skip
    r = go(net, [station("A", 0, turnout=0.0), station("B", 3, turnout=0.0)], s,
           call_taking=ZERO)  # fmt: skip
    d = r.dispatches
    second = d["incident"] == 1
    assert r.stations["name"][d["station"][second]].tolist() == ["A"]
    assert r.incidents["first_arrival"][1] == pytest.approx(25.0)
    # B's trip to the cleared scene ends there (20), then it drives home (40).
    b = np.flatnonzero((d["incident"] == 0) & (r.stations["name"][d["station"]] == "B"))[0]
    assert d["returned"][b] == pytest.approx(40.0)


def test_a_closure_that_leaves_another_way_in_is_driven_around_not_staged():
    # Two ways from 0 to 2: via 1 (2 min) or via 3 (4 min). The incident closes 1-2; its
    # scene stays reachable, so the team drives round by 3 to the real scene.
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (0, 3, 120), (3, 2, 120)])
    e = net.edges
    cut = tuple(
        int(k) for k in np.flatnonzero(((e.u == 1) & (e.v == 2)) | ((e.u == 2) & (e.v == 1)))
    )
    d = ScheduledDisruption(0.0, 100.0, Disruption(cut, label="road cut"), incident=0)
    s = stream_from([0.0], [2], requirements=[FIRE], control=[5.0], disruptions=[d])
    r = go(net, [station("A", 0, turnout=0.0)], s)
    assert r.incidents["first_arrival"][0] == pytest.approx(1.0 + 4.0)
    assert r.dispatches["distance_m"][0] == pytest.approx(2400.0)
