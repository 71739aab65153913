"""Warnings in a run (sim.prepositioning): off changes nothing, stock is kept, teams move whole."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from scenarios.distributions import Fixed
from scenarios.stream import Requirement
from scenarios.warnings import ScheduledWarning
from sim.duty import DutyDesks
from sim.facilities import Depot, Station, TeamSpec
from sim.warnings import LevelPlan, WarningPlan
from tests.sim.helpers import road_network, stream_from

N = 21  # nodes 0..20 on a line, a minute apart
NET = road_network(N, [(i, i + 1, 60.0) for i in range(N - 1)])
NOW = Fixed(0.0)


def _team(cap: str, count: int = 1, size: int = 10) -> TeamSpec:
    return TeamSpec(cap, size, count=count, turnout=NOW)


STATIONS = (
    Station("City", 0, "city", (_team("water_rescue", 2), _team("technical_rescue", 2),
                                 _team("fire", 2))),
    Station("East", 10, "township", (_team("general", size=30), _team("fire"))),
    Station("Far", 20, "township", (_team("general", size=30),)),
)  # fmt: skip


def _depots(stock: dict[str, int] | None = None) -> tuple[Depot, ...]:
    s = stock or {}
    return (
        Depot("City Depot", 0, "city", {"water": s.get("city", 1000), "tents": 50}),
        Depot("County", 5, "county", {"water": s.get("county", 300)}, "City Depot", 90.0),
        Depot("East Depot", 10, "township", {"water": s.get("town", 100), "tents": 5}, "County",
              45.0),
        Depot("Far Depot", 20, "township", {"water": s.get("town", 100)}, "County", 60.0),
        Depot("East Village", 12, "village", {"water": s.get("village", 10)}, "East Depot", 20.0),
        Depot("Far Village", 18, "village", {"water": s.get("village", 10)}, "Far Depot", 30.0),
    )  # fmt: skip


FLOOD = Requirement("flood", 3, (("water_rescue", 1), ("general", 1)), (("water", 40),))
CRASH = Requirement("traffic_accident", 4, (("fire", 1),), (("tents", 2),))
PLAN = WarningPlan(stand_down_h=1.0)


def _warning(lead_h: float, *, start_h: float = 6.0, hours: float = 4.0, level: int = 2,
             nodes=range(8, N)) -> ScheduledWarning:  # fmt: skip
    start = start_h * 60.0
    area = np.asarray(list(nodes), dtype=np.int64)
    return ScheduledWarning(
        start - lead_h * 60.0, start, start + hours * 60.0, level, area, "rainstorm", "events[0]"
    )


def _stream(seed: int, n: int = 30, *, warnings=(), span_h: float = 12.0):
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(0, span_h * 60.0, n))
    nodes = rng.integers(0, N, n)
    req = rng.integers(0, 2, n)
    st_ = stream_from(times, nodes, requirements=[FLOOD, CRASH], requirement=req,
                      control=rng.uniform(5, 60, n), clear=rng.uniform(5, 60, n),
                      grade=np.where(req == 0, 3, 4))  # fmt: skip
    return dataclasses.replace(st_, warnings=tuple(warnings))


def _run(stream, plan=None, *, depots=None, **kw):
    return sim.run(NET, STATIONS, depots or _depots(), stream, rng=7, warnings=plan, **kw)


def _same_except_warnings(a, b) -> None:
    ta, tb = a.tables(), b.tables()
    assert set(tb) - set(ta) <= {"warnings", "warned"} and set(ta) <= set(tb)
    for name, tab in ta.items():
        for col, x in tab.items():
            np.testing.assert_array_equal(x, tb[name][col], err_msg=f"{name}.{col}")
    for k in ("initial", "final", "in_transit"):
        np.testing.assert_array_equal(a.stock[k], b.stock[k])
    assert a.end == b.end and a.meta["events"] == b.meta["events"]


# ------------------------------------------------------------------ off changes nothing
def test_warnings_without_a_plan_change_no_record():
    plain = _run(_stream(1))
    warned = _run(_stream(1, warnings=[_warning(6.0), _warning(2.0, start_h=9.0, level=1)]))
    assert plain.equals(warned) and warned.warnings is None and warned.moves is None


_level = st.builds(
    LevelPlan,
    stage_share=st.floats(0, 1), stage_delay_h=st.floats(0, 12),
    stock_share=st.floats(0, 3), stock_delay_h=st.floats(0, 12),
    desk_officers=st.sampled_from([(), (("township", 2),), (("county", 1), ("city", 3))]),
    desk_delay_h=st.floats(0, 12),
)  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), level=_level, colour=st.integers(1, 4),
       duty=st.booleans())  # fmt: skip
def test_a_warning_without_lead_time_changes_no_record(seed, level, colour, duty):
    plan = WarningPlan(
        levels=tuple((c, level) for c in ("red", "orange", "yellow", "blue")),
        stand_down_h=2.0, stage_from=("city", "township"),
    )  # fmt: skip
    w = [_warning(0.0, level=colour), _warning(0.0, start_h=2.0, hours=1.0, nodes=[20])]
    desks = DutyDesks() if duty else None
    plain = _run(_stream(seed), duty=desks)
    warned = _run(_stream(seed, warnings=w), plan, duty=desks)
    _same_except_warnings(plain, warned)
    t = warned.warnings
    assert t["teams_staged"].sum() == t["stock_units"].sum() == t["officers_added"].sum() == 0
    assert np.isnan(t["staged"]).all() and np.isnan(t["pushed"]).all()
    assert len(warned.warned["incident"]) > 0


# ------------------------------------------------------------------ stock
@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    share=st.floats(0, 3),
    delay=st.floats(0, 10),
    lead=st.floats(0, 30),
    stock=st.fixed_dictionaries({k: st.integers(0, 400) for k in
                                 ("city", "county", "town", "village")}),
    n=st.integers(0, 40),
)  # fmt: skip
def test_stock_is_never_negative_and_is_conserved_across_transfers(
    seed, share, delay, lead, stock, n
):
    level = LevelPlan(stage_share=0.0, stock_share=share, stock_delay_h=delay)
    plan = WarningPlan(levels=tuple((c, level) for c, _ in PLAN.levels), stand_down_h=1.0)
    depots = _depots(stock)
    rec = _run(_stream(seed, n, warnings=[_warning(lead)]), plan, depots=depots)
    s, items = rec.stock, rec.stock["items"]
    assert (s["final"] >= 0).all() and (s["in_transit"] >= 0).all()
    sup = rec.supplies
    for k, item in enumerate(items):
        issued = sup["quantity"][(sup["kind"] == "issue") & (sup["item"] == item)].sum()
        held = s["final"][:, k].sum() + s["in_transit"][:, k].sum()
        assert held + issued == s["initial"][:, k].sum(), item
    push = sup["kind"] == "preposition"
    tiers, parent = rec.depots["tier"], rec.depots["parent"]
    # Units pushed down count as they come into the area's lower tiers: a township's
    # hand-on to its villages is in what its county sent it (not counted twice).
    src = sup["source"].astype(np.int64)
    lower = np.isin(tiers[src], ("township", "village")) & (rec.depots["node"][src] >= 8)
    assert sup["quantity"][push & ~lower].sum() == rec.warnings["stock_units"].sum()
    assert (sup["quantity"][push] > 0).all()
    for src, dst, t, arrive in zip(sup["source"][push], sup["target"][push], sup["time"][push],
                                   sup["arrive"][push], strict=True):  # fmt: skip
        assert parent[dst] == src and tiers[dst] in ("township", "village")
        assert rec.depots["node"][dst] >= 8  # in the warned area
        start = 6 * 60.0 - lead * 60.0 + delay * 60.0
        assert t == pytest.approx(max(start, 0.0))
        assert arrive == pytest.approx(max(start + depots[dst].lead_time_min, t))
    if lead <= delay or share == 0:
        assert not push.any()


def test_stock_goes_down_to_the_area_and_the_parent_keeps_what_it_lacks():
    level = LevelPlan(stock_share=0.5, stock_delay_h=1.0)
    plan = WarningPlan(levels=tuple((c, level) for c, _ in PLAN.levels))
    rec = _run(_stream(2, 0, warnings=[_warning(12.0)]), plan, depots=_depots({"county": 60}))
    sup, names = rec.supplies, list(rec.depots["name"])
    rows = zip(sup["source"], sup["target"], sup["item"], sup["quantity"], strict=True)
    got = {(names[s], names[d], i): q for s, d, i, q in rows}
    # Each township asks its county for half its 100 and half its village's 10 (55 each):
    # the county has 60, so the first gets 55 and the second 5; tents come from nowhere
    # (the county keeps none). The villages take 5 each from their townships at once. The
    # county, emptied, orders its 60 back from the city depot, as after any transfer.
    assert got == {("County", "East Depot", "water"): 55, ("County", "Far Depot", "water"): 5,
                   ("East Depot", "East Village", "water"): 5,
                   ("Far Depot", "Far Village", "water"): 5,
                   ("City Depot", "County", "water"): 60}  # fmt: skip
    refill = (sup["kind"] == "transfer") & (sup["target"] == names.index("County"))
    pushed = sup["kind"] == "preposition"
    assert sup["time"][refill].min() == sup["time"][pushed].max()  # ordered once all is sent
    assert rec.warnings["stock_short"][0] == 50 + 2  # 50 water and East's 2 tents not sent
    final = dict(zip(names, rec.stock["final"][:, rec.stock["items"].index("water")].tolist(),
                     strict=True))  # fmt: skip
    assert final["East Depot"] == 150 and final["Far Village"] == 15 and final["County"] == 60
    assert final["City Depot"] == 1000 - 60


# ------------------------------------------------------------------ teams
def _moves_are_whole(rec) -> None:
    """Each team is at one post at a time and never moves while out on an incident."""
    mv, d = rec.moves, rec.dispatches
    for team in np.unique(mv["team"]):
        mine = np.flatnonzero(mv["team"] == team)
        post = rec.teams["station"][team]
        for k in mine:
            assert mv["from_station"][k] == post  # it leaves the post it holds
            post = mv["to_station"][k]
            dep = mv["depart"][k]
            sent = (d["team"] == team) & (d["dispatched"] <= dep)
            back = np.where(np.isnan(d["returned"][sent]), np.inf, d["returned"][sent])
            assert np.all(back <= dep), (team, dep)  # home before it moves
        later = np.flatnonzero(mv["team"] == team)
        for k in later[1:]:
            assert mv["depart"][k] >= mv["depart"][k - 1]


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), lead=st.floats(2.5, 30), share=st.sampled_from([0.5, 1.0]))
def test_a_staged_team_is_never_in_two_places_and_goes_home(seed, lead, share):
    level = LevelPlan(stage_share=share, stage_delay_h=2.0)
    plan = WarningPlan(levels=tuple((c, level) for c, _ in PLAN.levels), stand_down_h=1.0)
    rec = _run(_stream(seed, 40, warnings=[_warning(lead)], span_h=14), plan)
    mv = rec.moves
    staged = int(rec.warnings["teams_staged"][0])
    assert staged <= math.floor(share * 2) * 2  # water and technical teams; busy ones stay
    out = (mv["depart"] < rec.warnings["stand_down"][0]) & (mv["reason"] == "warning")
    assert out.sum() == staged
    assert set(rec.stations["name"][mv["to_station"][out]]) <= {"East", "Far"}
    assert set(rec.teams["capability"][mv["team"][out]]) <= {"water_rescue", "technical_rescue"}
    _moves_are_whole(rec)
    # After the stand-down every staged team went home (the run outlasts them all).
    for team in mv["team"][out]:
        last = np.flatnonzero(mv["team"] == team)[-1]
        assert mv["to_station"][last] == rec.teams["station"][team]


def test_staging_spreads_teams_farthest_first_and_dispatch_names_the_post():
    level = LevelPlan(stage_share=1.0, stage_delay_h=0.0)
    plan = WarningPlan(levels=tuple((c, level) for c, _ in PLAN.levels), stand_down_h=1.0)
    late = stream_from([6 * 60.0 + 30], [20], requirements=[FLOOD])
    rec = _run(dataclasses.replace(late, warnings=(_warning(4.0),)), plan)
    mv = rec.moves
    first = mv["depart"] == 120.0
    # Two water and two technical teams go round the points, the farthest (Far) first.
    assert rec.stations["name"][mv["to_station"][first]].tolist() == ["Far", "East"] * 2
    d = rec.dispatches
    water = rec.teams["capability"][d["team"]] == "water_rescue"
    assert rec.stations["name"][d["station"][water]].tolist() == ["Far"]
    assert d["travel"][water][0] == 0.0  # it was waiting at the scene's own station


@given(leads=st.lists(st.floats(0, 24), min_size=2, max_size=5, unique=True))
@settings(max_examples=20, deadline=None)
def test_a_longer_lead_time_never_gives_a_later_arrival(leads):
    # One flood at the far end an hour into the storm; the water teams wait at the city.
    level = LevelPlan(stage_share=1.0, stage_delay_h=2.0, stock_share=0.0)
    plan = WarningPlan(levels=tuple((c, level) for c, _ in PLAN.levels))
    flood = stream_from([7 * 60.0], [20], requirements=[FLOOD])
    arrivals = []
    for lead in sorted(leads):
        rec = _run(dataclasses.replace(flood, warnings=(_warning(lead),)), plan)
        d = rec.dispatches
        water = rec.teams["capability"][d["team"]] == "water_rescue"
        arrivals.append(float(d["arrival"][water][0] - rec.incidents["call_taken"][0]))
    assert all(b <= a + 1e-9 for a, b in zip(arrivals, arrivals[1:], strict=False)), arrivals
    if sorted(leads)[0] <= 2.0 and sorted(leads)[-1] >= 2.5:  # none staged vs in place
        assert arrivals[-1] < arrivals[0]


# ------------------------------------------------------------------ the records
def test_the_warned_incidents_do_not_depend_on_the_lead_time():
    runs = [_run(_stream(5, 60, warnings=[_warning(lead)], span_h=14), PLAN) for lead in (0, 8)]
    a, b = (r.warned for r in runs)
    np.testing.assert_array_equal(a["incident"], b["incident"])
    inc = runs[0].incidents
    rows = a["incident"]
    assert np.all((inc["call"][rows] >= 360) & (inc["call"][rows] < 360 + 240 + 60))
    assert np.all(inc["node"][rows] >= 8)
    s0, s8 = (sim.summarise(r) for r in runs)
    assert s0["warning"]["incidents"] == s8["warning"]["incidents"] == len(rows)
    assert s0["warning"]["teams_staged"] == 0 < s8["warning"]["teams_staged"]
    assert s8["warning"]["stock_units"] > 0 and s8["warning"]["issued"] == 1


def test_officers_added_counts_every_desk_reinforced():
    """``officers_added``: the level's extra officers on each of its desks, once reinforced."""
    plan = WarningPlan()
    extra = dict(plan.level(2).desk_officers)
    duty = DutyDesks()
    rec = _run(_stream(3, warnings=[_warning(3.0)]), plan, duty=duty)
    desks = {lv: len(set(rec.duty["desk"][rec.duty["level"] == lv])) for lv in extra}
    assert desks["township"] == 2  # East and Far
    want = sum(x * desks[lv] for lv, x in extra.items())
    assert want > sum(extra.values())  # more desks than levels: a sum per level falls short
    assert rec.warnings["officers_added"].tolist() == [want]
    # Reinforced after the run's horizon: not taken, no officer added.
    late = _run(_stream(3, warnings=[_warning(3.0)]), plan, duty=duty, horizon=60.0)
    assert math.isnan(late.warnings["reinforced"][0])
    assert late.warnings["officers_added"].tolist() == [0]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), gap_h=st.floats(0.5, 3.0), long_h=st.floats(1.0, 6.0),
       shares=st.sampled_from([(0.5, 1.0), (1.0, 0.5), (0.5, 0.5)]))  # fmt: skip
def test_overlapping_warnings_stage_the_stronger_plan_not_the_sum(seed, gap_h, long_h, shares):
    """Two warnings over one area: their staging does not add up, nor stand down early.

    Teams staged under the first still count for the second; at the first's stand-down
    those the second's share would keep stay staged until the second stands down.
    """
    a, b = (LevelPlan(stage_share=x, stage_delay_h=0.0) for x in shares)
    plan = WarningPlan(levels=(("orange", a), ("red", b)), stand_down_h=0.5)
    first = _warning(4.0, level=2)
    second = _warning(4.0 - gap_h, start_h=6.0 + gap_h, hours=4.0 + long_h, level=1)
    rec = _run(_stream(seed, 40, warnings=[first, second], span_h=16), plan)
    mv, w = rec.moves, rec.warnings
    caps = rec.teams["capability"][mv["team"]]
    staged = (mv["reason"] == "warning") & (rec.stations["tier"][mv["from_station"]] == "city")
    for cap in ("water_rescue", "technical_rescue"):
        # The City's two teams of each: never more out than the stronger share asks for.
        out = np.sort(mv["depart"][staged & (caps == cap)])
        assert len(out) <= math.floor(max(shares) * 2)
    # No team staged by either goes home before the second's stand-down if its share would
    # have kept it (every team it asks for is one of the first's or its own).
    keep = math.floor(shares[1] * 2)
    home = (mv["reason"] == "warning") & (rec.stations["tier"][mv["to_station"]] == "city")
    early = home & (mv["depart"] < w["stand_down"][1])
    for cap in ("water_rescue", "technical_rescue"):
        went = (mv["team"][staged & (caps == cap)]).tolist()
        back_early = (mv["team"][early & (caps == cap)]).tolist()
        assert len(went) - len(back_early) >= min(keep, len(went)) or not went
    _moves_are_whole(rec)


def _two_areas(stage_from=("city",), share=0.5, mid_share=None):
    """Warning 0 (orange) over the far end, staging at Far; 1 (red) over the middle, at East."""
    orange = LevelPlan(stage_share=share, stage_delay_h=0.0)
    red = LevelPlan(stage_share=share if mid_share is None else mid_share, stage_delay_h=0.0)
    caps = ("water_rescue", "technical_rescue", "general")
    plan = WarningPlan(levels=(("orange", orange), ("red", red)), stand_down_h=0.5,
                       stage_from=stage_from, stage_capabilities=caps)  # fmt: skip
    far = _warning(4.0, start_h=6.0, hours=4.0, nodes=[18, 19, 20], level=2)
    mid = _warning(3.0, start_h=7.0, hours=5.0, nodes=[9, 10, 11], level=1)
    late = stream_from([20 * 60.0], [0], requirements=[CRASH])  # after both: all teams free
    return _run(dataclasses.replace(late, warnings=(far, mid)), plan)


@pytest.mark.parametrize("mid_share", [0.5, 1.0])
def test_warnings_over_different_areas_each_stage_their_own_teams(mid_share):
    """Overlapping in time, not in area: the second area gets its share, the first's go home.

    With the second's share the larger, it would take more of the City's teams than it has
    at its own points: the first's, standing in the other area, still go home.
    """
    rec = _two_areas(mid_share=mid_share)
    mv, w = rec.moves, rec.warnings
    name = rec.stations["name"]
    to_mid = (name[mv["to_station"]] == "East") & (mv["depart"] < w["stand_down"][1])
    assert w["teams_staged"].tolist() == [2, 2]  # one of the City's two of each, per area
    assert to_mid.sum() == 2 and set(name[mv["from_station"][to_mid]]) == {"City"}
    # Far's teams go home at the first stand-down, not held for the other area's warning.
    from_far = name[mv["from_station"]] == "Far"
    assert (mv["depart"][from_far] == w["stand_down"][0]).all()
    _moves_are_whole(rec)


def test_a_donor_gives_only_its_own_teams():
    """Township stations give teams too: Far, holding City teams staged there, keeps them."""
    rec = _two_areas(stage_from=("city", "township"), share=1.0)
    mv, w = rec.moves, rec.warnings
    name = rec.stations["name"]
    during = mv["depart"] < w["stand_down"][0]
    from_far = during & (name[mv["from_station"]] == "Far")
    assert from_far.any()  # Far gave its own general team to the middle
    assert set(name[rec.teams["station"][mv["team"][from_far]]]) == {"Far"}
    _moves_are_whole(rec)


def test_a_warning_whose_staging_is_still_to_come_keeps_the_teams_out():
    """Issued before the first's stand-down, staging after it: its teams stay, not churned."""
    orange = LevelPlan(stage_share=0.5, stage_delay_h=0.0)
    red = LevelPlan(stage_share=0.5, stage_delay_h=3.0)
    plan = WarningPlan(levels=(("orange", orange), ("red", red)), stand_down_h=0.5)
    first = _warning(4.0, start_h=6.0, hours=4.0, level=2)  # stands down at 10.5 h
    second = _warning(4.0, start_h=14.0, hours=2.0, level=1)  # issued 10 h, stages at 13 h
    late = stream_from([20 * 60.0], [0], requirements=[CRASH])
    rec = _run(dataclasses.replace(late, warnings=(first, second)), plan)
    mv, w = rec.moves, rec.warnings
    assert w["teams_staged"].tolist() == [2, 0]  # the second's share is out already
    out_again = (rec.stations["tier"][mv["from_station"]] == "city") & (mv["depart"] > 120.0)
    home = rec.stations["tier"][mv["to_station"]] == "city"
    assert not (out_again & ~home).any()
    assert np.allclose(mv["depart"][home], w["stand_down"][1])  # home at the second's
    _moves_are_whole(rec)


def test_officers_added_over_a_reinforcement_in_force_count_the_excess_only():
    """An orange then a red warning over it: desks take the stronger, officers count once."""
    plan = WarningPlan()
    w = [_warning(4.0, level=2), _warning(3.0, start_h=6.0, hours=4.0, level=1)]
    rec = _run(_stream(3, warnings=w), plan, duty=DutyDesks())
    desks = {lv: len(set(rec.duty["desk"][rec.duty["level"] == lv])) for lv in rec.duty["level"]}
    orange, red = (dict(plan.level(g).desk_officers) for g in (2, 1))
    first = sum(x * desks[lv] for lv, x in orange.items())
    peak = sum(max(orange.get(lv, 0), red.get(lv, 0)) * desks[lv] for lv in desks)
    assert rec.warnings["officers_added"].tolist() == [first, peak - first]


def test_a_stale_clearing_does_not_keep_a_staged_team_retrying():
    """What is still to come, for a staged team's retries home, leaves out stale clearings."""
    import simpy

    from sim.dispatch import Clearing
    from sim.prepositioning import Prepositioning

    class Part(Prepositioning):
        def __init__(self) -> None:
            self.env = simpy.Environment()
            self.token = [1, 0]
            Clearing(self.env, 9e5, (0, 0))  # incident 0's clearing, scheduled again since
            Clearing(self.env, 50.0, (0, 1))
            Clearing(self.env, 60.0, (1, 0))

    part = Part()
    assert len(part.env._queue) == 3 and part._to_come() == 2


def test_a_team_kept_counts_for_every_warning_in_force_at_its_point():
    """Red (Far, all) stands down under orange (East and Far, half) and yellow (Far, half).

    The teams it leaves at Far are one plan's: the stronger of orange and yellow keeps one
    of the City's two of each there, not one for each of them.
    """
    full = LevelPlan(stage_share=1.0, stage_delay_h=0.0)
    half = LevelPlan(stage_share=0.5, stage_delay_h=0.0)
    plan = WarningPlan(levels=(("red", full), ("orange", half), ("yellow", half),
                               ("blue", half)), stand_down_h=0.5)  # fmt: skip
    ws = (_warning(4.0, start_h=6.0, hours=2.0, level=1, nodes=range(15, 21)),
          _warning(3.0, start_h=6.0, hours=4.0, level=2),
          _warning(3.0, start_h=6.0, hours=6.0, level=3, nodes=range(15, 21)))  # fmt: skip
    late = stream_from([20 * 60.0], [0], requirements=[CRASH])
    rec = _run(dataclasses.replace(late, warnings=ws), plan)
    mv, w = rec.moves, rec.warnings
    name = rec.stations["name"]
    assert w["teams_staged"].tolist() == [4, 0, 0]
    at_red = np.isclose(mv["depart"], w["stand_down"][0]) & (name[mv["from_station"]] == "Far")
    caps = rec.teams["capability"][mv["team"][at_red]]
    assert sorted(caps.tolist()) == ["technical_rescue", "water_rescue"]  # one of each home
    _moves_are_whole(rec)


def test_a_warning_keeps_no_team_of_its_own_staging_point_away():
    """Red's points are East and Far: East's own teams, staged at Far, come home to East."""
    lp = LevelPlan(stage_share=1.0, stage_delay_h=0.0)
    plan = WarningPlan(levels=tuple((c, lp) for c in ("red", "orange", "yellow", "blue")),
                       stand_down_h=0.0, stage_from=("city", "township"),
                       stage_capabilities=("general", "water_rescue"))  # fmt: skip
    orange = ScheduledWarning(0.0, 240.0, 360.0, 2, np.arange(18, 21), "rainstorm", "a")
    red = ScheduledWarning(60.0, 300.0, 720.0, 1, np.asarray([10, 20]), "rainstorm", "b")
    late = stream_from([20 * 60.0], [0], requirements=[CRASH])
    rec = _run(dataclasses.replace(late, warnings=(orange, red)), plan)
    mv = rec.moves
    name = rec.stations["name"]
    east_own = name[rec.teams["station"][mv["team"]]] == "East"
    home = east_own & (name[mv["to_station"]] == "East")
    assert home.any() and np.allclose(mv["depart"][home], 360.0)  # at orange's stand-down
    _moves_are_whole(rec)


def test_officers_added_back_to_back_count_once():
    """+2 per township desk from 4 h to 9 h, then again from 9 h: no officer added at 9 h."""
    lp = LevelPlan(desk_officers=(("township", 2),), desk_delay_h=1.0)
    plan = WarningPlan(levels=tuple((c, lp) for c in ("red", "orange", "yellow", "blue")),
                       stand_down_h=1.0)  # fmt: skip
    a = _warning(3.0, start_h=6.0, hours=2.0)  # desks +2 from 4 h to 9 h
    b = _warning(2.0, start_h=10.0, hours=2.0)  # issued at 8 h: +2 from 9 h to 13 h
    rec = _run(_stream(3, warnings=[a, b], span_h=16), plan, duty=DutyDesks())
    desks = len(set(rec.duty["desk"][rec.duty["level"] == "township"]))
    assert rec.warnings["officers_added"].tolist() == [2 * desks, 0]
