"""Time-of-day travel times (sim.congestion): bands, the clock, ranking, tables kept per band."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import networks.oracle as oracle_mod
import sim
import sim.congestion as congestion_mod
import sim.travel as travel
import sim.travel_routes as travel_routes
from networks.roadnet import Disruption, EdgeTable, NodeTable, RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS
from scenarios.distributions import Exponential, Fixed
from scenarios.stream import Requirement, ScheduledDisruption
from sim.congestion import CHINA_CITY, Congestion, clock_hour, clock_hours, hour_starts, tier_of
from sim.congestion_summary import call_hours
from sim.facilities import Station, TeamSpec
from sim.roads import RoadStates
from tests.sim.helpers import poisson_stream, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))
GENERAL = Requirement("traffic_accident", 4, (("general", 1),))
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def classed_network(n: int, arcs: list[tuple[int, int, float, str]]) -> RoadNetwork:
    """``n`` nodes 1 km apart with two-way arcs ``(u, v, free-flow seconds, road class)``."""
    u, v, sec, cls = [], [], [], []
    for a, b, s, c in arcs:
        u += [a, b]
        v += [b, a]
        sec += [s, s]
        cls += [c, c]
    x = np.arange(n) * 1000.0
    nodes = NodeTable(np.arange(n), x, np.zeros(n), x / 1e5, np.zeros(n))
    edges = EdgeTable(
        np.asarray(u, np.int32), np.asarray(v, np.int32), 10.0 * np.asarray(sec),
        np.full(len(u), 36.0), np.asarray(cls), np.full(len(u), ""),
    )  # fmt: skip
    return RoadNetwork(nodes, edges, crs="EPSG:3857", name="classed")


def station(name: str, node: int, capability: str = "fire") -> Station:
    team = TeamSpec(capability, 30, 1, turnout=Fixed(0.0))
    return Station(name, node, "county", (team,))


def uniform(f: float) -> Congestion:
    """Every road class ``f`` times slower in every hour."""
    return Congestion("flat", tuple((c, (f,) * 24) for c in sorted(DRIVABLE_HIGHWAYS)))


def sparse_stream(net: RoadNetwork, n: int, gap: float, seed: int):
    """``n`` incidents ``gap`` minutes apart at random nodes: every team is home at each call."""
    rng = np.random.default_rng(seed)
    return stream_from(
        np.arange(n) * gap + 5.0, rng.integers(0, net.n_nodes, n), requirements=[GENERAL],
        control=np.full(n, 10.0), clear=np.full(n, 5.0),
    )  # fmt: skip


# ------------------------------------------------------------------ off by default
def test_a_flat_profile_gives_exactly_todays_records(county):
    stations, depots = sim.default_facilities(county)
    cut = np.flatnonzero(county.edges.highway == "primary")[:40]
    stream = poisson_stream(
        np.arange(county.n_nodes), None, rate=0.05, n=150, rng=np.random.default_rng(7),
        requirements=[FIRE, GENERAL], control=Exponential(20.0), clear=Exponential(10.0),
        disruptions=[(600.0, 1500.0, cut.tolist())],
    )  # fmt: skip
    kw = dict(rng=np.random.default_rng(3), travel_noise=0.1)
    today = sim.run(county, stations, depots, stream, **kw)
    all_ones = Congestion("flat", (("primary", (1.0,) * 24),), start_hour=7)
    assert all_ones.flat and Congestion("flat").flat and not Congestion().flat
    for flat in (Congestion("flat"), all_ones):
        kw["rng"] = np.random.default_rng(3)
        rec = sim.run(county, stations, depots, stream, congestion=flat, **kw)
        assert rec.equals(today)
        assert rec.end == today.end and rec.meta["events"] == today.meta["events"]
        assert rec.meta["congestion"]["profile"] == "flat"
    assert "congestion" not in today.meta


# ------------------------------------------------------------------ closed forms
@SETTINGS
@given(f=st.floats(1.0, 3.0))
def test_a_uniform_factor_scales_every_drive_and_keeps_every_choice(county, f):
    stations, _ = sim.default_facilities(county)
    stream = sparse_stream(county, 30, 480.0, seed=11)
    kw = dict(rng=np.random.default_rng(5), travel_noise=0.1)
    one = sim.run(county, stations, (), stream, **kw)
    kw["rng"] = np.random.default_rng(5)
    slow = sim.run(county, stations, (), stream, congestion=uniform(f), **kw)
    a, b = one.dispatches, slow.dispatches
    np.testing.assert_array_equal(a["team"], b["team"])
    np.testing.assert_array_equal(a["station"], b["station"])
    np.testing.assert_allclose(b["travel"], f * a["travel"], rtol=1e-6)
    back = lambda d: d["returned"] - np.maximum(d["released"], d["arrival"])  # noqa: E731
    np.testing.assert_allclose(back(b), f * back(a), rtol=1e-6)
    assert slow.meta["events"] == one.meta["events"]  # bands switch without events of their own


def test_a_uniform_factor_keeps_every_dispatch_order(county):
    stations, _ = sim.default_facilities(county)
    nodes = np.asarray([s.node for s in stations], dtype=np.int64)
    caps = [np.arange(len(stations))] + [np.zeros(0, np.int64)] * 5
    tr = travel.Travel(county, station_nodes=nodes, cap_stations=caps, depot_nodes=nodes[:1],
                       keep=True)  # fmt: skip
    plan = uniform(2.5).plan()
    (band,) = sim.congestion.band_disruptions(county, plan)
    flat, slow = tr.at(county), tr.at(county.under(band))
    np.testing.assert_allclose(slow.tt, 2.5 * flat.tt, rtol=1e-6)
    for node in range(0, county.n_nodes, 37):
        assert [s for s, _ in slow.order(0, node)] == [s for s, _ in flat.order(0, node)]
    tr.close()


def test_slowing_one_class_in_the_peak_hands_the_call_to_the_other_station():
    # Station A reaches the scene in 10 min by an arterial, station B in 12 min by a
    # residential street; at 08:00-09:00 the arterial takes 1.5 times as long (15 min).
    net = classed_network(3, [(0, 2, 600.0, "primary"), (1, 2, 720.0, "residential")])
    peak = (1.0,) * 8 + (1.5,) + (1.0,) * 15
    cong = Congestion("flat", (("primary", peak),), start_hour=6)
    times = [60.0, 150.0, 170.0, 240.0]  # 07:00, 08:30, 08:50, 10:00
    stream = stream_from(times, [2] * 4, requirements=[FIRE])
    rec = sim.run(net, [station("A", 0), station("B", 1)], (), stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0), congestion=cong)  # fmt: skip
    d = rec.dispatches
    assert d["station"].tolist() == [0, 1, 1, 0]
    np.testing.assert_allclose(d["travel"], [10.0, 12.0, 12.0, 10.0])
    # Without the peak, A is nearer at every hour.
    calm = sim.run(net, [station("A", 0), station("B", 1)], (), stream,
                   rng=np.random.default_rng(0), call_taking=Fixed(0.0))  # fmt: skip
    assert calm.dispatches["station"].tolist() == [0, 0, 0, 0]


@SETTINGS
@given(
    start=st.sampled_from([0.0, 5.0, 7.5, 16.0, 23.0]),
    minute=st.one_of(st.floats(0.0, 3 * 1440.0), st.integers(0, 71).map(lambda k: 60.0 * k)),
    work=st.floats(0.0, 300.0),
)
@example(start=0.0, minute=539.9999999999991, work=0.0)  # a hair before 09:00 read as 09:00
def test_a_trip_is_timed_by_the_hour_it_starts_in(start, minute, work):
    # A multiplier of its own in every hour: 24 bands.
    mult = tuple(1.0 + 0.1 * h for h in range(24))
    net = classed_network(2, [(0, 1, 600.0, "primary")])
    stream = stream_from([minute], [1], requirements=[FIRE], control=[work])
    cong = Congestion("flat", (("primary", mult),), start_hour=start)
    rec = sim.run(net, [station("A", 0)], (), stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0), congestion=cong)  # fmt: skip
    d = rec.dispatches

    def hour(t: float) -> int:
        return int(math.floor((start * 60.0 + t) / 60.0)) % 24

    assert d["dispatched"][0] == minute
    assert d["travel"][0] == pytest.approx(10.0 * mult[hour(minute)], rel=1e-6)
    cleared = rec.incidents["cleared"][0]
    assert cleared == pytest.approx(minute + d["travel"][0] + work, rel=1e-9)
    # The way back is timed by the hour the team sets off (the clearing).
    assert d["returned"][0] - cleared == pytest.approx(10.0 * mult[hour(cleared)], rel=1e-6)
    assert rec.meta["congestion"]["hour_band"] == list(range(24))


def test_the_run_ends_at_its_last_event_not_at_a_change_of_band(county):
    stations, _ = sim.default_facilities(county)
    stream = sparse_stream(county, 3, 100.0, seed=2)
    base = sim.run(county, stations, (), stream, rng=np.random.default_rng(1))
    # Free flow until 17:00, slow after: from noon the first change is at minute 300, after
    # everything has happened, and the evening band comes back every day.
    evening = (1.0,) * 17 + (2.0,) * 7
    cong = Congestion("flat", tuple((c, evening) for c in sorted(DRIVABLE_HIGHWAYS)), 12)
    rec = sim.run(county, stations, (), stream, rng=np.random.default_rng(1), congestion=cong)
    assert base.end < 300 and rec.end == base.end and rec.equals(base)
    horizon = sim.run(county, stations, (), stream, rng=np.random.default_rng(1), horizon=2000.0,
                      congestion=cong)  # fmt: skip
    assert horizon.end == 2000.0


# ------------------------------------------------------------------ tables per (state, band)
def test_each_band_is_worked_out_once_and_kept_for_later_runs(county, monkeypatch):
    stations, _ = sim.default_facilities(county)
    oracle_mod._KEPT.clear()  # a fresh oracle, with nothing kept
    moves = []
    move_to = oracle_mod.TravelOracle.move_to

    def counted(self, state):
        moves.append(state.version)
        return move_to(self, state)

    monkeypatch.setattr(oracle_mod.TravelOracle, "move_to", counted)
    stream = sparse_stream(county, 40, 150.0, seed=4)  # four days: 24 changes of band
    cong = Congestion("china_city", start_hour=0)
    sim.run(county, stations, (), stream, rng=np.random.default_rng(2), congestion=cong)
    nodes = np.asarray([s.node for s in stations], dtype=np.int64)
    oracle = oracle_mod.checkout(county, nodes)
    oracle.release()
    assert cong.plan().n_bands == 3 and oracle.computed == 3
    assert len(set(moves)) == len(moves) == 3  # each band's state reached once
    sim.run(county, stations, (), stream, rng=np.random.default_rng(3), congestion=cong)
    assert oracle.computed == 3 and len(moves) == 3  # the next run moves nothing


@SETTINGS
@given(
    start=st.integers(0, 23),
    spans=st.lists(st.tuples(st.floats(0, 4000), st.floats(10, 1500)), min_size=1, max_size=3),
)
def test_bands_and_disruptions_interleaved_match_tables_from_scratch(county, start, spans):
    stations, _ = sim.default_facilities(county)
    nodes = np.asarray([s.node for s in stations], dtype=np.int64)
    rng = np.random.default_rng(len(spans))
    dis = [
        ScheduledDisruption(s, s + d, Disruption(tuple(rng.choice(county.n_edges, 60).tolist()),
                                                 factor=float(k % 2 and 2.0 or np.inf)))
        for k, (s, d) in enumerate(spans)
    ]  # fmt: skip
    stream = sparse_stream(county, 20, 200.0, seed=1)
    stream = stream_from(
        stream.time, stream.node, requirements=[GENERAL], control=stream.control_work,
        clear=stream.clear_work, disruptions=dis,
    )  # fmt: skip
    cong = Congestion("china_city", start_hour=start)
    plan = cong.plan()
    cls = county.edges.highway.astype(str)
    mult = np.asarray([cong.multipliers(c) for c in cls])  # (edges, 24), worked out apart
    seen = []
    tables_for = RoadStates._tables_for

    def checked(self, state):
        tb = tables_for(self, state)
        want = county.base.factor.copy()
        for j in sorted(self.active):  # the stream's own order (by start)
            d = self.stream.disruptions[j].disruption
            want[np.asarray(d.edges)] *= d.factor
        # The band of the event the tables are for (a band switches just before its first).
        want *= mult[:, plan.hour_at(max(self.env._now, getattr(self, "_band_since", 0.0)))]
        np.testing.assert_allclose(state.factor, want, rtol=1e-12)
        np.testing.assert_array_equal(tb.tt, state.travel_times(nodes))
        np.testing.assert_array_equal(tb.tt_back, state.travel_times(nodes, reverse=True))
        seen.append((self.env._now, state.version))
        return tb

    try:
        RoadStates._tables_for = checked
        sim.run(county, stations, (), stream, rng=np.random.default_rng(0), congestion=cong)
    finally:
        RoadStates._tables_for = tables_for
    assert len(seen) > len(dis)  # bands changed as well as disruptions


def test_route_metres_follow_the_congested_routes():
    # Two ways from the station to the scene: 2 km of arterial (2 x 100 s) or 1.5 km of
    # street (150 s); free flow takes the street, the peak (x2 on arterials) ... still the
    # street; a slowed street (x3) in the evening takes the arterial.
    net = classed_network(
        4, [(0, 1, 100.0, "primary"), (1, 3, 100.0, "primary"), (0, 2, 75.0, "residential"),
            (2, 3, 75.0, "residential")],
    )  # fmt: skip
    evening = (1.0,) * 18 + (3.0,) + (1.0,) * 5
    cong = Congestion("flat", (("residential", evening),), start_hour=0)
    stream = stream_from([600.0, 18 * 60 + 10.0], [3, 3], requirements=[FIRE])
    travel_routes._SCENE_METRES.clear()
    rec = sim.run(net, [station("A", 0)], (), stream, rng=np.random.default_rng(0),
                  call_taking=Fixed(0.0), congestion=cong)  # fmt: skip
    d = rec.dispatches
    np.testing.assert_allclose(d["distance_m"], [1500.0, 2000.0])
    np.testing.assert_allclose(d["travel"], [2.5, 200 / 60])


# ------------------------------------------------------------------ the profile
def test_the_china_city_profile_is_free_at_night_and_slowest_on_major_roads_at_peak():
    for tier, hours in CHINA_CITY.items():
        assert all(hours[h] == 1.0 for h in (23, 0, 1, 2, 3, 4, 5)), tier
        assert max(hours) == hours[8] == hours[17], tier  # the peaks are the slowest hours
    order = ["expressway", "arterial", "collector", "local"]
    peaks = [CHINA_CITY[t][8] for t in order]
    assert peaks == sorted(peaks, reverse=True) and peaks[0] > peaks[-1]
    assert tier_of("trunk_link") == "expressway" and tier_of("track") == "local"
    plan = Congestion().plan(("primary", "residential"))
    assert plan.n_bands == 3 and plan.hour_band[3] != plan.hour_band[8] != plan.hour_band[12]


@given(start=st.floats(0, 23.99), minute=st.floats(0, 10 * 1440))
@example(start=0.4, minute=516.0)  # (17 - 0.4) * 60 = 996.0000000000001: 17:00 came a hair late
def test_the_next_change_of_band_is_the_first_later_hour_in_another_band(start, minute):
    plan = Congestion(start_hour=start).plan()
    t = plan.next_change(minute)
    assert t > minute and plan.band_at(t) != plan.band_at(minute)
    # Nothing changes in between (checked on a minute grid).
    grid = np.arange(math.floor(minute) + 1, t, 1.0)
    assert all(plan.band_at(x) == plan.band_at(minute) for x in grid.tolist())


@given(start=st.floats(0, 23.99), minute=st.floats(0, 10 * 1440))
@example(start=0.0, minute=539.9999999999991)
@example(start=0.1, minute=1014.0)  # (17 - 0.1) * 60 = 1013.9999999999999: 17:00 starts at 1014
def test_the_clock_hour_turns_where_the_hours_start(start, minute):
    offsets, hours = hour_starts(start)
    h = clock_hour(minute, start)
    assert clock_hours(np.array([minute]), start).tolist() == [h]
    # The hour as a clock reads it, away from the turn of an hour (where rounding decides).
    clock = start * 60.0 + minute
    if abs(clock / 60.0 - round(clock / 60.0)) > 1e-9:
        assert h == math.floor(clock / 60.0) % 24
    # And exactly where the hours start: from the first float minute that reads as the turn.
    day = math.floor(minute / 1440.0) * 1440.0
    for t, hour in zip(offsets, hours, strict=True):
        at = congestion_mod._turn(day, t)
        assert abs(at - (day + t)) <= 4 * math.ulp(day + t)
        before = math.nextafter(at, -math.inf)
        want = [(hour - 1) % 24, hour] if before >= 0 else [hour]
        minutes = [before, at] if before >= 0 else [at]
        assert [clock_hour(m, start) for m in minutes] == want
        assert clock_hours(np.array(minutes), start).tolist() == want
        incidents = SimpleNamespace(incidents={"call": np.array(minutes)})
        assert call_hours(incidents, start).tolist() == want  # the rush-hour rows' clock


def test_an_hour_starts_at_the_minute_a_person_reads_off_the_clock():
    # Sums of a fractional start hour fall a hair either side of the minute; the turn is the
    # minute itself (rounded to 1e-9 min), not the float the sum gave.
    for start, minute, hour in ((0.1, 1014.0, 17), (0.4, 996.0, 17), (8.6, 24.0, 9)):
        assert clock_hour(minute, start) == hour
        assert clock_hour(math.nextafter(minute, 0.0), start) == hour - 1
        assert minute in hour_starts(start)[0]


def test_a_link_follows_its_parent_unless_given():
    peak = (1.0,) * 7 + (2.0,) + (1.0,) * 16
    c = Congestion("flat", (("primary", peak),))
    assert c.multipliers("primary_link") == peak and c.multipliers("secondary") == (1.0,) * 24
    c = Congestion("china_city", (("primary", peak), ("primary_link", (1.0,) * 24)))
    assert c.multipliers("primary_link") == (1.0,) * 24
    assert c.multipliers("motorway") == CHINA_CITY["expressway"]


def test_matrix_pairs_keep_their_minutes_while_the_roads_slow(tmp_path):
    from sim.travel_matrix import read_od_matrix
    from tests.sim.helpers import grid_network

    # A 3 x 3 grid of 60-second streets: the scene at node 2 is 2 minutes from B (node 8) by
    # road; the bureau's matrix gives A (node 0) 3 minutes. Free flow: B; streets twice as
    # slow: B takes 4 minutes and A's measured 3 win.
    net = grid_network(3, 3, seconds=[60.0])
    stations = (station("A", 0), station("B", 8))
    stream = stream_from([0.0], [2], requirements=[FIRE], control=[5.0])
    f = tmp_path / "od.csv"
    f.write_text("origin,destination,minutes\nA,2,3\n")
    m = read_od_matrix(f).resolve(stations=["A", "B"], depots=[])
    kw = {"rng": np.random.default_rng(0), "call_taking": Fixed(0.0), "travel_matrix": m}
    free = sim.run(net, stations, (), stream, **kw)
    assert free.dispatches["station"].tolist() == [1]
    np.testing.assert_allclose(free.dispatches["travel"], [2.0])
    slow = sim.run(net, stations, (), stream, congestion=uniform(2.0), **kw)
    assert slow.dispatches["station"].tolist() == [0]
    np.testing.assert_allclose(slow.dispatches["travel"], [3.0])
