"""People at the scene (sim.people, sim.survival, sim.shelters): closed forms and properties."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from benchmarks.bench_sim import county_stream
from networks.errors import ConfigError
from sim.people import people_tables, rescue_times
from sim.people_spec import PeopleSpec, Shelter
from sim.records import RunRecords
from sim.shelters import _Filling, evacuate, trip_minutes
from sim.survival import TANGSHAN_1976, SurvivalCurve, survival_from
from tests.sim.helpers import road_network

_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


# ------------------------------------------------------------------ survival (the source)


def test_tangshan_steps_are_the_source_table():
    # 99.3 % within 30 minutes, then 81.0, 53.7, 36.7, 19.0, 7.4 % on days 1-5 (Tangshan).
    steps = SurvivalCurve("t", TANGSHAN_1976.hours, TANGSHAN_1976.alive, shape="steps")
    shares = (0.993, 0.810, 0.537, 0.367, 0.190, 0.074)
    ends = (30.0, 1440.0, 2880.0, 4320.0, 5760.0, 7200.0)
    begins = (0.0, *ends[:-1])
    for lo, hi, share in zip(begins, ends, shares, strict=True):
        inside = np.array([lo + 1e-6, (lo + hi) / 2, hi])  # a rescue at an end belongs before it
        assert np.array_equal(steps(inside), np.full(3, share))
    assert steps(0.0) == 0.993 and steps(7200.0 + 1e-6) == 0.074 and steps(1e6) == 0.074


def test_tangshan_linear_passes_through_the_middle_of_every_interval():
    middles = np.array([15.0, 735.0, 2160.0, 3600.0, 5040.0, 6480.0])
    assert np.allclose(TANGSHAN_1976(middles), TANGSHAN_1976.alive, rtol=0, atol=1e-12)
    # Flat before the first middle and after the last: the source says nothing more.
    assert TANGSHAN_1976(0.0) == 0.993 and TANGSHAN_1976(1e6) == 0.074
    # Halfway between two middles, halfway between their shares.
    assert TANGSHAN_1976((15.0 + 735.0) / 2) == pytest.approx((0.993 + 0.810) / 2)


@st.composite
def curves(draw):
    n = draw(st.integers(1, 8))
    gaps = draw(st.lists(st.floats(0.1, 50), min_size=n, max_size=n))
    drops = draw(st.lists(st.floats(0, 0.3), min_size=n, max_size=n))
    hours = tuple(np.cumsum(gaps).tolist())
    alive = tuple(np.clip(1.0 - np.cumsum(drops), 0, 1).tolist())
    return SurvivalCurve("c", hours, alive, shape=draw(st.sampled_from(["linear", "steps"])))


@_SETTINGS
@given(curve=curves(), t=st.lists(st.floats(0, 1e5), min_size=2, max_size=30))
def test_a_later_rescue_is_never_more_likely_alive(curve, t):
    t = np.sort(np.asarray(t))
    s = curve(t)
    assert np.all(np.diff(s) <= 1e-12) and np.all((s >= 0) & (s <= 1))


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("kobe", "people.survival"),
        (3, "people.survival"),
        ({"hours": [1, 2], "alive": [0.5, 0.9]}, "people.survival.alive"),
        ({"hours": [2, 1], "alive": [0.9, 0.5]}, "people.survival.hours"),
        ({"hours": [1, 2], "alive": [0.9]}, "people.survival.alive"),
        ({"hours": [1], "alive": [1.5]}, "people.survival.alive[0]"),
        ({"hours": [1], "alive": [0.5], "shape": "cubic"}, "people.survival.shape"),
        ({"hours": [1], "alive": [0.5], "x": 1}, "people.survival.x"),
    ],
)
def test_a_bad_curve_is_refused_naming_the_key(value, key):
    with pytest.raises(ConfigError) as exc:
        survival_from(value, source="run.toml")
    assert exc.value.key == key and "run.toml" in str(exc.value)


# ------------------------------------------------------------------ rescue (closed form)


def test_one_team_rescues_one_person_every_sixty_over_rate_minutes():
    who, k, t = rescue_times(np.array([3]), np.array([0]), np.array([10.0]),
                             np.array([500.0]), np.array([4.0]))  # fmt: skip
    assert who.tolist() == [0, 0, 0] and k.tolist() == [1, 2, 3]
    assert np.allclose(t, [25.0, 40.0, 55.0])
    # Released before the third is out: the capacity stops there.
    _w, _k, t = rescue_times(np.array([3]), np.array([0]), np.array([10.0]),
                             np.array([45.0]), np.array([4.0]))  # fmt: skip
    assert np.allclose(t[:2], [25.0, 40.0]) and math.isinf(t[2])


def test_teams_arriving_one_after_another_share_the_rescue():
    # 6/h from minute 10 (0.1 per minute), 12/h more from minute 20 (0.3 together), the
    # first leaves at 30. W(20) = 1, W(30) = 4, then 0.2 per minute.
    _w, _k, t = rescue_times(np.array([5]), np.array([0, 0]), np.array([10.0, 20.0]),
                             np.array([30.0, 100.0]), np.array([6.0, 12.0]))  # fmt: skip
    assert np.allclose(t, [20.0, 20.0 + 1 / 0.3, 20.0 + 2 / 0.3, 30.0, 35.0])


@st.composite
def teams(draw):
    n = draw(st.integers(1, 4))
    trapped = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    m = draw(st.integers(0, 8))
    inc = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    start = draw(st.lists(st.integers(0, 60), min_size=m, max_size=m))
    span = draw(st.lists(st.integers(0, 200), min_size=m, max_size=m))
    rate = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.5, 6.0]), min_size=m, max_size=m))
    a = np.asarray(start, float)
    return (np.asarray(trapped), np.asarray(inc, dtype=np.int64), a, a + np.asarray(span),
            np.asarray(rate))  # fmt: skip


def _capacity(i, t, inc, a, e, r):
    """People the teams of incident ``i`` could have extracted by ``t`` (the definition)."""
    mine = inc == i
    return float(np.sum(r[mine] / 60.0 * np.clip(np.minimum(t, e[mine]) - a[mine], 0, None)))


@_SETTINGS
@given(case=teams())
def test_the_kth_person_is_out_when_the_capacity_reaches_k(case):
    trapped, inc, a, e, r = case
    who, k, t = rescue_times(trapped, inc, a, e, r)
    assert len(t) == trapped.sum()
    for i, kk, tt in zip(who.tolist(), k.tolist(), t.tolist(), strict=True):
        total = _capacity(i, np.inf, inc, a, e, r)
        if math.isinf(tt):
            assert total < kk - 1e-9
        else:
            assert _capacity(i, tt, inc, a, e, r) == pytest.approx(kk, abs=1e-7)
            assert _capacity(i, tt - 1e-6, inc, a, e, r) < kk


# ------------------------------------------------------------------ people_tables on records

SPEC = PeopleSpec.from_dict({"hazards": {"collapse": {"trapped": 4, "injured": 2, "evacuated": 0}}})


def _records(call, cleared, rows, *, end=1e4, diverted=()):
    """Records of incidents of hazard ``collapse`` and the teams sent: (incident, capability,
    arrival, released) rows; the rows numbered in ``diverted`` were diverted."""
    n = len(call)
    caps = [c for _i, c, _a, _r in rows]
    inc = {
        "id": np.arange(n), "call": np.asarray(call, float), "cleared": np.asarray(cleared, float),
        "first_arrival": np.full(n, np.nan), "node": np.zeros(n, np.int64),
        "teams_sent": np.ones(n, np.int64), "hazard": np.full(n, "collapse"),
        "grade": np.full(n, 4, np.int8), "requirement": np.zeros(n, np.int32),
        "reason": np.where(np.asarray(call, float) > end, "after_horizon", ""),
    }  # fmt: skip
    d = {
        "incident": np.asarray([i for i, *_ in rows], np.int64),
        "team": np.arange(len(rows), dtype=np.int64),
        "arrival": np.asarray([x for _i, _c, x, _r in rows], float),
        "released": np.asarray([x for *_f, x in rows], float),
        "diverted": np.isin(np.arange(len(rows)), np.asarray(diverted, np.int64)),
    }
    teams = {"capability": np.asarray(caps, dtype=str)}
    empty: dict[str, np.ndarray] = {}
    return RunRecords(inc, d, empty, empty, teams, empty, empty, {}, 0.0, end)


def _people(rec, spec=SPEC, seed=1):
    return people_tables(rec, spec=spec, network=None, stations=(),  # type: ignore[arg-type]
                         rng=np.random.default_rng(seed))["people"]  # fmt: skip


@st.composite
def incidents_and_teams(draw):
    n = draw(st.integers(1, 5))
    call = draw(st.lists(st.floats(0, 500), min_size=n, max_size=n))
    work = draw(st.lists(st.floats(1, 3000), min_size=n, max_size=n))
    rows = []
    for i in range(n):
        for _ in range(draw(st.integers(0, 3))):
            arrive = call[i] + draw(st.floats(0, 600))
            cap = draw(st.sampled_from(["technical_rescue", "general", "medical", "fire"]))
            # released, or still on scene when the run ends (no release time)
            release = call[i] + work[i] if draw(st.booleans()) else np.nan
            rows.append((i, cap, arrive, release))
    cleared = [c + w for c, w in zip(call, work, strict=True)]
    return call, cleared, rows


@_SETTINGS
@given(case=incidents_and_teams(), seed=st.integers(0, 3))
def test_every_trapped_person_is_counted_once(case, seed):
    p = _people(_records(*case), seed=seed)
    assert np.array_equal(p["trapped"], p["rescued_alive"] + p["died_waiting"] + p["not_reached"])
    assert np.all((0 <= p["not_reached_dead"]) & (p["not_reached_dead"] <= p["not_reached"]))
    dead = p["died_waiting"] + p["not_reached_dead"]
    assert np.all(p["delay_deaths"] >= 0) and np.all(p["delay_deaths"] <= dead)


@_SETTINGS
@given(case=incidents_and_teams(), extra=st.data(), seed=st.integers(0, 3))
def test_more_or_earlier_teams_never_rescue_fewer_alive(case, extra, seed):
    call, cleared, rows = case
    before = _people(_records(call, cleared, rows), seed=seed)
    i = extra.draw(st.integers(0, len(call) - 1))
    more = [*rows, (i, "technical_rescue", call[i] + extra.draw(st.floats(0, 300)), cleared[i])]
    if rows and extra.draw(st.booleans()):  # or bring one team forward instead
        j = extra.draw(st.integers(0, len(rows) - 1))
        i0, cap, arrive, rel = rows[j]
        more = [*rows[:j], (i0, cap, call[i0] + (arrive - call[i0]) / 2, rel), *rows[j + 1 :]]
    after = _people(_records(call, cleared, more), seed=seed)
    # The same people with the same luck (the draws depend only on the incidents).
    assert np.array_equal(before["trapped"], after["trapped"])
    assert np.all(after["rescued_alive"] >= before["rescued_alive"])
    assert np.all(after["not_reached"] <= before["not_reached"])
    # nor leave more dead by the end, found or still trapped (the curve only falls)
    dead = {k: v["died_waiting"] + v["not_reached_dead"] for k, v in (("b", before), ("a", after))}
    assert np.all(dead["a"] <= dead["b"])


def test_infinite_capacity_at_zero_delay_loses_nobody_to_delay():
    call = [0.0, 100.0, 250.0]
    rows = [(i, "technical_rescue", c, c + 60.0) for i, c in enumerate(call)]
    spec = PeopleSpec.from_dict({"hazards": {"collapse": {"trapped": 20}},
                                 "rescue_per_hour": {"technical_rescue": 1e6}})  # fmt: skip
    p = _people(_records(call, [c + 60 for c in call], rows), spec=spec)
    assert p["trapped"].sum() > 0 and np.all(p["delay_deaths"] == 0)
    assert np.all(p["rescue_last_min"] < 0.01) and np.all(p["not_reached"] == 0)
    # Those who die are those the curve loses at once (1 - 0.993), not the delay's.
    assert p["died_waiting"].sum() < 0.05 * p["trapped"].sum()


def test_a_late_team_costs_lives_the_zero_delay_rescue_keeps():
    spec = PeopleSpec.from_dict({"hazards": {"collapse": {"trapped": 50}},
                                 "rescue_per_hour": {"technical_rescue": 1e4},
                                 "survival": {"hours": [1, 2], "alive": [1.0, 0.0],
                                              "shape": "steps"}})  # fmt: skip
    # A team arriving 2 hours after the call finds everyone dead; at once, all alive.
    rec = _records([0.0], [10_000.0], [(0, "technical_rescue", 121.0, 10_000.0)])
    p = _people(rec, spec=spec)
    assert p["rescued_alive"][0] == 0 and p["delay_deaths"][0] == p["trapped"][0] > 0


def test_people_still_trapped_at_the_end_count_as_dead_once_the_curve_says_so():
    # Everyone alive for an hour, dead after two. The only team is on its way when the run
    # ends: its people are not reached. Zero delay (on scene at the call) saves all.
    spec = PeopleSpec.from_dict({"hazards": {"collapse": {"trapped": 50}},
                                 "rescue_per_hour": {"technical_rescue": 1e4},
                                 "survival": {"hours": [1, 2], "alive": [1.0, 0.0],
                                              "shape": "steps"}})  # fmt: skip
    for end, dead in ((300.0, True), (50.0, False)):
        rec = _records([0.0], [np.nan], [(0, "technical_rescue", np.nan, np.nan)], end=end)
        p = _people(rec, spec=spec)
        n = p["trapped"][0]
        assert n > 0 and p["not_reached"][0] == n and p["rescued_alive"][0] == 0
        # dead by minute 300 on the curve: lost to delay as surely as if found dead; alive
        # at minute 50, the run does not say how they fare (censored, not counted)
        assert p["not_reached_dead"][0] == p["delay_deaths"][0] == (n if dead else 0)
    # a team there late but within the run finds them dead: the same count, not fewer
    late = _records([0.0], [10_000.0], [(0, "technical_rescue", 200.0, 10_000.0)], end=300.0)
    assert _people(late, spec=spec)["delay_deaths"][0] == n
    # no team sent at all within the run (every one busy): waiting for one is delay too
    p = _people(_records([0.0], [np.nan], [], end=300.0), spec=spec)
    assert p["not_reached_dead"][0] == p["delay_deaths"][0] == n
    # a team on scene at the call, digging too slowly to finish within the run: the rescue
    # is the zero-delay one, so those it leaves trapped and dead are no delay's
    slow = PeopleSpec.from_dict({**spec.to_dict(), "rescue_per_hour": {"technical_rescue": 6}})
    p = _people(_records([0.0], [np.nan], [(0, "technical_rescue", 0.0, np.nan)], end=300.0),
                spec=slow)  # fmt: skip
    assert p["not_reached_dead"][0] > 0 and p["died_waiting"][0] > 0
    assert p["delay_deaths"][0] == 0


def test_nobody_is_left_trapped_when_the_incident_clears():
    # One general team (2/h) cannot dig 4 people out in 30 minutes: the rest are out at clearing.
    spec = PeopleSpec.from_dict({"hazards": {"collapse": {"trapped": 4, "injured": 5}}})
    rec = _records([0.0], [40.0], [(0, "general", 10.0, 40.0)])
    p = _people(rec, spec=spec, seed=3)
    assert p["not_reached"][0] == 0
    assert p["rescue_last_min"][0] == pytest.approx(min(40.0, 10.0 + 30.0 * p["trapped"][0]))
    # Only a medical team: it digs nobody out, but sees the rescue through by clearing.
    p = _people(_records([0.0], [40.0], [(0, "medical", 10.0, 40.0)]), spec=spec, seed=3)
    assert p["not_reached"][0] == 0 and np.all(p["rescue_last_min"] == 40.0)
    assert p["injured"][0] > 0 and p["care_min"][0] == 10.0  # the injured are cared for
    # No team on scene within the run (it arrives after the end): nobody is reached.
    p = _people(_records([0.0], [np.nan], [(0, "general", np.nan, np.nan)], end=30.0),
                spec=spec, seed=3)  # fmt: skip
    assert p["not_reached"][0] == p["trapped"][0] > 0 and np.isnan(p["care_min"][0])


def test_incidents_called_after_the_end_are_no_part_of_the_run():
    spec = PeopleSpec.from_dict({"hazards": {"collapse": {"trapped": 30}}})
    rows = [(0, "general", 5.0, 50.0), (1, "general", 105.0, 150.0)]
    whole = _people(_records([0.0, 100.0], [50.0, 150.0], rows, end=1e4), spec=spec)
    cut = _people(_records([0.0, 100.0], [50.0, np.nan], rows[:1], end=60.0), spec=spec)
    assert whole["incident"].tolist() == [0, 1] and cut["incident"].tolist() == [0]
    # The same people at the first incident either way: the draws do not hang on the end.
    assert cut["trapped"][0] == whole["trapped"][0]


# ------------------------------------------------------------------ shelters


def test_trip_minutes_closed_form():
    # 100 people, 40 a trip: 3 trips; 2 vehicles: 2 rounds; 10 min to load, 15 to drive.
    assert trip_minutes(100, 15.0, batch=40, vehicles=2, load=10.0) == (10 + 30) + 10 + 15
    assert trip_minutes(40, 15.0, batch=40, vehicles=1, load=10.0) == 25.0


def _reference(need, minutes, room):
    """The shelters filled one incident at a time, nearest shelter first (the definition)."""
    taken = np.zeros(len(room), np.int64)
    placed = []
    for i in range(len(need)):
        left = int(need[i])
        for s in np.argsort(minutes[i], kind="stable"):
            if left == 0 or not np.isfinite(minutes[i, s]):
                break
            put = min(left, int(room[s] - taken[s]))
            if put > 0:
                taken[s] += put
                left -= put
        placed.append(int(need[i]) - left)
    return np.asarray(placed), taken


@_SETTINGS
@given(data=st.data())
def test_shelters_fill_nearest_first_and_never_past_capacity(data):
    k, m = data.draw(st.integers(1, 25)), data.draw(st.integers(1, 5))
    minutes = np.asarray(data.draw(st.lists(
        st.one_of(st.integers(1, 9).map(float), st.just(np.inf)), min_size=k * m, max_size=k * m
    ))).reshape(k, m)  # fmt: skip
    need = np.asarray(data.draw(st.lists(st.integers(1, 40), min_size=k, max_size=k)))
    room = np.asarray(data.draw(st.lists(st.integers(0, 80), min_size=m, max_size=m)))
    fill = _Filling(room, k)
    fill.run(minutes, need, np.zeros(k), batch=10, vehicles=np.ones(k, np.int64), load=1.0)
    placed, taken = _reference(need, minutes, room)
    assert np.array_equal(fill.sheltered, placed) and np.array_equal(fill.taken, taken)
    assert np.all(fill.taken <= room)
    assert np.array_equal(fill.sheltered + fill.overflow, need)


def test_evacuation_on_a_line_fills_the_near_shelter_then_the_far_one():
    net = road_network(4, [(0, 1, 60.0), (1, 2, 60.0), (2, 3, 60.0)])  # a minute per link
    shelters = (Shelter("near", 1, 50), Shelter("far", 3, 1000))
    per, table = evacuate(
        np.array([30, 40, 0, 10]), np.array([5.0, 6.0, 7.0, np.nan]), np.array([0, 0, 0, 0]),
        shelters, network=net, end=100.0, batch=40, vehicles=np.array([1, 1, 1, 1]), load=4.0,
    )  # fmt: skip
    assert per["sheltered"].tolist() == [30, 40, 0, 0]
    assert per["not_moved"].tolist() == [0, 0, 0, 10]  # no team on scene: nobody moved
    assert table["sheltered"].tolist() == [50, 20] and table["incidents"].tolist() == [2, 1]
    # The first goes 1 minute to "near": 5 + 4 + 1; the second also 3 minutes to "far".
    assert per["arrived"][0] == 10.0 and per["arrived"][1] == 6.0 + 4.0 + 3.0
    assert table["full_at"][0] == per["arrived"][1] and math.isnan(table["full_at"][1])


# ------------------------------------------------------------------ the engine hook


@functools.cache
def _region():
    from networks import synthetic_county

    net = synthetic_county()
    return net, sim.default_facilities(net)


COUNTY_SPEC = PeopleSpec.from_dict({"hazards": {
    "collapse": {"trapped": [60, 20, 6, 2], "evacuated": [2000, 500, 100, 20]},
    "hazchem_leak": {"injured": [100, 50, 15, 2], "evacuated": [50000, 10000, 2000, 200]},
}})  # fmt: skip


def _county_run(**kw):
    county, (stations, depots) = _region()
    stream = county_stream(county, 400, rate=0.3, rng=np.random.default_rng(5))
    return sim.run(county, stations, depots, stream, rng=np.random.default_rng(6), **kw)


def test_people_change_no_other_record_and_repeat_exactly():
    without = _county_run()
    with_ = _county_run(people=COUNTY_SPEC)
    again = _county_run(people=COUNTY_SPEC)
    assert without.people is None and with_.people is not None
    assert with_.equals(again)
    assert with_.people["trapped"].sum() > 0 and with_.people["evacuated"].sum() > 0
    with_.people = with_.shelters = None
    assert without.equals(with_)  # every other table, row for row
    a, b = sim.summarise(without), sim.summarise(with_)
    assert a == b


def test_people_summary_counts_and_shares():
    rec = _county_run(people=COUNTY_SPEC)
    s = sim.summarise(rec)["people"]
    p = rec.people
    assert (
        s["trapped"]
        == p["trapped"].sum()
        == (s["rescued_alive"] + s["died_waiting"] + s["not_reached"])
    )
    assert s["alive"]["n"] == s["rescued_alive"] + s["died_waiting"]
    assert s["alive"]["low"] <= s["alive"]["share"] <= s["alive"]["high"]
    # saved: rescued alive over everyone trapped (not reached = not saved)
    assert s["saved"]["n"] == s["trapped"]
    assert s["saved"]["share"] == pytest.approx(s["rescued_alive"] / s["trapped"])
    assert s["saved"]["low"] <= s["saved"]["share"] <= s["saved"]["high"]
    assert s["not_reached_dead"] == p["not_reached_dead"].sum() <= s["not_reached"]
    assert np.all(rec.shelters["sheltered"] <= rec.shelters["capacity"])
    # Shelters default to the stations, a thousand people each.
    county, (stations, _d) = _region()
    assert rec.shelters["name"].tolist() == [st.name for st in stations]
    assert s["sheltered"] == rec.shelters["sheltered"].sum()


def test_from_python_a_shelter_stands_on_a_node_index():
    rows = [{"name": "A", "location": {"node": 3}, "capacity": 5},
            {"name": "B", "location": 7, "capacity": 9}]  # fmt: skip
    spec = PeopleSpec.from_dict({"shelters": rows})
    assert spec.shelters == (Shelter("A", 3, 5), Shelter("B", 7, 9))
    with pytest.raises(ConfigError) as exc:
        PeopleSpec.from_dict({"shelters": [{"name": "A", "location": "landmark:X", "capacity": 1}]},
                             source="s.toml")  # fmt: skip
    assert exc.value.key == "people.shelters[0].location" and "s.toml" in str(exc.value)


def test_evacuation_drives_on_the_roads_the_run_started_on():
    """A what-if state (every road five times slower) holds for the evacuation drives too."""
    from networks import Disruption

    county, (stations, depots) = _region()
    slow = county.under([Disruption(tuple(range(len(county.edges.u))), 5.0)])
    stream = county_stream(county, 400, rate=0.3, rng=np.random.default_rng(5))
    runs = [
        sim.run(net, stations, depots, stream, rng=np.random.default_rng(6), people=COUNTY_SPEC)
        for net in (county, slow)
    ]

    def after_arrival(rec):  # evacuation minutes counted from the first team on scene
        p, i = rec.people, rec.incidents
        row = p["incident"]
        return p["evacuation_min"] - (i["first_arrival"][row] - i["call"][row]), p["sheltered"]

    (fast_t, fast_n), (slow_t, slow_n) = map(after_arrival, runs)
    both = np.isfinite(fast_t) & np.isfinite(slow_t) & (fast_n == slow_n) & (fast_n > 0)
    assert both.sum() >= 5
    # Loading takes as long on either; the drives (none to a shelter at the scene) take
    # five times as long.
    assert np.all(slow_t[both] >= fast_t[both])
    assert np.mean(slow_t[both] > fast_t[both]) > 0.5


def test_evacuation_is_timed_only_where_every_evacuee_found_room():
    # Timing only the people moved, a shortage of shelter room made an evacuation look
    # faster: the time is of incidents whose evacuees all reached a shelter (as the docs say).
    rec = _county_run(people=COUNTY_SPEC)  # a hazchem leak evacuates far past the room
    p = rec.people
    whole = p["sheltered"] == p["evacuated"]
    some = p["evacuated"] > 0
    assert (some & ~whole).any() and (some & whole).any()
    assert np.isnan(p["evacuation_min"][some & ~whole]).all()
    assert np.isfinite(p["evacuation_min"][some & whole]).all()
    s = sim.summarise(rec)["people"]["evacuation_min"]
    assert s["n"] == int(np.count_nonzero(some & whole))
