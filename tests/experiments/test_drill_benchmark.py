"""Benchmark timeline: an exact trace on a five-node road, and the evaluators' map."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.drill.benchmark import benchmark_timeline
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue
from scenarios.drill import Alarm, DrillScript, Inject, Scene, Store, Unit
from tests.sim.helpers import named_roads


@pytest.fixture(scope="module")
def road() -> RoadNetwork:
    """0-1-2-3-4 along x, 1 km apart at 36 km/h (100 s each); a detour 1-5-2 of 150 s + 150 s."""
    x = [0, 1000, 2000, 3000, 4000, 1500]
    y = [0, 0, 0, 0, 0, 1000]
    pairs = [(0, 1, 1000), (1, 2, 1000), (2, 3, 1000), (3, 4, 1000), (1, 5, 1500), (5, 2, 1500)]
    return named_roads(x, y, pairs)


@pytest.fixture(scope="module")
def catalogue() -> HazardCatalogue:
    return HazardCatalogue.from_dict(
        {
            "profiles": {"flat": [1] * 24},
            "hazards": {
                "test_fire": {
                    "name": "Test fire",
                    "category": "accident",
                    "cap_category": "Fire",
                    "under_control": "out",
                    "grade_probs": [0, 0, 0, 1],
                    "meaning": ["a", "b", "c", "d"],
                    "teams": {"fire": 3, "medical": 1},
                    "supplies": {"blankets": 50},
                    "control_work": {"dist": "fixed", "value": 20},
                    "clear_work": {"dist": "fixed", "value": 5},
                }
            },
        }
    )


UNITS = (
    Unit("A", 0, (("fire", 2, 2.0), ("medical", 1, 1.0))),
    Unit("B", 4, (("fire", 1, 0.5),)),
    Unit("Not taking part", 2, (("fire", 9, 0.0),)),
)
STORES = (
    Store("D1", 3, "township", (("blankets", 30),)),
    Store("D2", 0, "county", (("blankets", 100), ("tents", 5))),
)


def script(road: RoadNetwork, closed: list[int]) -> DrillScript:
    scene = Scene(
        "test_fire",
        "Test fire",
        "accident",
        "Fire",
        4,
        "d",
        2,
        2000.0,
        0.0,
        0.02,
        0.0,
        "X",
        "Road 12",
        "",
        "Road 12",
        "2026-12-01T08:00:00+08:00",
        "out",
    )
    inj = Inject(
        1,
        "road_closed",
        3.0,
        "",
        "police",
        "A",
        "phone",
        "m",
        "a",
        "c",
        {"edges": closed, "unit": "A", "capability": "fire", "road": "Road 12"},
    )
    return DrillScript(
        "T",
        "t",
        "j",
        "field",
        "six-no",
        "g",
        "t0",
        scene,
        ("A", "B"),
        Alarm("s", "a", "b", "c", "h", "m", "i"),
        (inj,),
        {"targets": {"call_taking": 1.0, "arrival": 10.0, "control": 15.0}},
    )


def test_benchmark_is_call_taking_plus_turnout_plus_travel(road, catalogue):
    e = road.edges
    closed = [int(i) for i in np.flatnonzero(((e.u == 1) & (e.v == 2)) | ((e.u == 2) & (e.v == 1)))]
    rows = benchmark_timeline(
        script(road, closed),
        road,
        catalogue,
        units=UNITS,
        stores=STORES,
        call_taking_min=1.0,
        loading_min=30.0,
    )
    by = {r["event"]: r for r in rows}
    # B: 1 + 0.5 + 200 s; A's fire teams: 1 + 2 + 200 s; A's medical: 1 + 1 + 200 s
    assert by["First fire team arrives"]["at_min"] == round(1 + 0.5 + 200 / 60, 1)
    assert by["First fire team arrives"]["detail"] == "B"
    assert by["3 fire teams on scene"]["at_min"] == round(1 + 2 + 200 / 60, 1)
    assert by["3 fire teams on scene"]["detail"] == "A, B"
    assert by["First medical team arrives"]["at_min"] == round(1 + 1 + 200 / 60, 1)
    first = by["First team on scene"]
    assert first["at_min"] == round(1 + 0.5 + 200 / 60, 1) and first["within_target"] is True
    ctrl = by["Under control (plan)"]
    # 4 teams x 20 min = 80 team-minutes, each team working from its arrival: B's fire team
    # alone for 0.5 min, with the medic for 1 min, then all four.
    b, med, a = 1 + 0.5 + 200 / 60, 1 + 1 + 200 / 60, 1 + 2 + 200 / 60
    done = (med - b) * 1 + (a - med) * 2
    assert ctrl["at_min"] == round(a + (80 - done) / 4, 1)  # 25.7
    assert ctrl["target_min"] == 26 and ctrl["within_target"] is True
    # blankets: 30 from D1 (100 s away), the other 20 from D2 (200 s away), after 30 min loading
    sup = by["50 of 50 blankets delivered"]
    assert sup["at_min"] == round(1 + 30 + 200 / 60, 1)
    assert sup["detail"] == "from 30 D1, 20 D2" and sup["nodes"] == [3, 0]
    # closing 1-2 sends A round 1-5-2: 100 + 150 + 150 s
    assert by["Inject 1: first team re-routed"]["at_min"] == round(1 + 2 + 400 / 60, 1)
    assert "+3.3 min" in by["Inject 1: first team re-routed"]["detail"]
    ats = [r["at_min"] for r in rows]
    assert ats == sorted(ats)
    assert by["First team on scene"]["clock"] == "2026-12-01T08:04:48+08:00"


def test_missing_capability_and_short_supplies_are_reported(road, catalogue):
    units = (Unit("B", 4, (("fire", 1, 0.5),)),)
    s = script(road, [])
    s = DrillScript(**{**s.__dict__, "participants": ("B",)})
    rows = benchmark_timeline(s, road, catalogue, units=units, stores=STORES[:1])
    by = {r["event"]: r for r in rows}
    assert by["1 fire teams on scene"]["detail"] == "B; only 1 of 3 available"
    assert by["Full required complement on scene"]["at_min"] is None
    assert "short of 2 fire, 1 medical" in by["Full required complement on scene"]["detail"]
    assert by["Under control (plan)"]["at_min"] is None
    assert by["No medical team among the participants"]["at_min"] is None
    assert by["30 of 50 blankets delivered"]["detail"] == "from 30 D1; short by 20"


def short_depot(road: RoadNetwork, available: int) -> DrillScript:
    """The script with D1's keeper calling: only ``available`` of its 30 blankets on the shelf."""
    s = script(road, [])
    truth = {"depot": "D1", "item": "blankets", "need": 50, "available": available, "booked": 30}
    call = Inject(2, "depot_short", 20.0, "", "D1", "logistics", "phone", "m", "a", "c", truth)
    return DrillScript(**{**s.__dict__, "injects": (*s.injects, call)})


def test_the_supplies_come_from_what_a_short_depot_really_holds(road, catalogue):
    def delivered(s: DrillScript, **kw) -> dict:
        rows = benchmark_timeline(s, road, catalogue, units=UNITS, stores=STORES, **kw)
        return next(r for r in rows if r["event"] == "50 of 50 blankets delivered")

    # D1 can release none: all 50 from D2 (200 s away), not 30 from D1 as its books say
    assert delivered(short_depot(road, 0))["detail"] == "from 50 D2"
    assert delivered(short_depot(road, 0))["nodes"] == [0]
    sup = delivered(short_depot(road, 12))
    assert sup["detail"] == "from 12 D1, 38 D2" and sup["at_min"] == round(1 + 30 + 200 / 60, 1)
    # the timelines sealed before rules /6 went by the books; a re-draw keeps them so
    assert delivered(short_depot(road, 0), rules=5)["detail"] == "from 30 D1, 20 D2"


def test_drill_map_draws_the_scene_and_the_facilities_used(road, catalogue):
    import matplotlib

    from experiments.drill.maps import plot_drill_map

    matplotlib.use("Agg")
    s = script(road, [2, 3])
    rows = benchmark_timeline(s, road, catalogue, units=UNITS, stores=STORES)
    s = s.with_evaluation(benchmark=rows)
    s = DrillScript(
        **{
            **s.__dict__,
            "region": {"stations": [["A", 0], ["B", 4]], "depots": [["D1", 3], ["D2", 0]]},
        }
    )
    fig = plot_drill_map(s, road)
    ax = fig.axes[0]
    labels = ax.get_legend().get_texts()
    names = " ".join(t.get_text() for t in labels)
    assert "scene (1)" in names and "stations (benchmark) (2)" in names
    assert "depots (benchmark) (2)" in names and "closed" in names
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_benchmark_equals_a_one_incident_simulation(county):
    """With fixed turnouts and call-taking, ``sim.run`` on the drill's incident agrees."""
    import dataclasses

    from scenarios.catalogue import load_catalogue
    from scenarios.stream import IncidentStream
    from sim import Fixed, NearestAvailable, run
    from sim.defaults import default_facilities
    from tests.scenarios.test_drill_draw import draws, make_drawer

    cat = load_catalogue()
    stations, depots = default_facilities(county)
    stations = [
        dataclasses.replace(
            s, teams=tuple(dataclasses.replace(t, turnout=Fixed(t.turnout.mean)) for t in s.teams)
        )
        for s in stations
    ]
    drawer = make_drawer(
        county,
        hazards=["building_fire", "traffic_accident", "hazmat_leak", "building_collapse"],
        grades=[2, 3],
        injects=[],
    )
    short = 0
    for s in draws(drawer, 12, first=300):
        sc, h = s.scene, cat[s.scene.hazard]
        stream = IncidentStream.from_rows(
            time=[0.0],
            node=[sc.node],
            hazard=[sc.hazard],
            category=[h.category],
            grade=[sc.grade],
            requirement=[0],
            control_work=[h.control_work(sc.grade).mean],
            clear_work=[10.0],
            requirements=[h.requirement(sc.grade)],
        )
        inc = run(
            county,
            stations,
            depots,
            stream,
            rng=np.random.default_rng(0),
            call_taking=Fixed(1.0),
            policy=NearestAvailable(),
        ).incidents
        rows = {
            r["event"]: r
            for r in benchmark_timeline(s, county, cat, units=drawer.units, stores=drawer.stores)
        }
        first = rows["First team on scene"]["at_min"]
        if rows["Full required complement on scene"]["at_min"] is None:
            # the region cannot field the requirement: no plan time; the simulator either
            # refuses the call or sends what there is, so only the first arrival compares
            assert rows["Under control (plan)"]["at_min"] is None
            assert inc["reason"][0] == "no_capability" or first == pytest.approx(
                inc["first_arrival"][0], abs=0.051
            )
            short += 1
            continue
        assert inc["served"][0]
        assert first == pytest.approx(inc["first_arrival"][0], abs=0.051)
        assert rows["Full required complement on scene"]["at_min"] == pytest.approx(
            inc["on_scene"][0], abs=0.051
        )
        assert rows["Under control (plan)"]["at_min"] == pytest.approx(
            inc["under_control"][0], abs=0.051
        )
    assert 0 < short < 12


def _sim_region(*, with_b: bool) -> tuple[list, list]:
    """The simulator's stations (A: 2 fire and 1 medical; B: 1 fire) and depot of UNITS."""
    from sim import Depot, Fixed, Station, TeamSpec

    a = (TeamSpec("fire", 6, 2, turnout=Fixed(2.0)), TeamSpec("medical", 4, 1, turnout=Fixed(1.0)))
    stations = [Station("A", 0, "county", a)]
    if with_b:
        stations.append(Station("B", 4, "county", (TeamSpec("fire", 6, 1, turnout=Fixed(0.5)),)))
    return stations, [Depot("D2", 0, "county", (("blankets", 100),))]


def test_simulated_spread_collapses_to_the_benchmark_without_randomness(road, catalogue):
    from experiments.drill.benchmark import simulated_spread
    from sim import Fixed

    stations, depots = _sim_region(with_b=True)
    s = script(road, [])
    by = {r["event"]: r for r in benchmark_timeline(s, road, catalogue, units=UNITS, stores=STORES)}
    spread = simulated_spread(
        s,
        road,
        catalogue,
        stations=stations,
        depots=depots,
        replications=5,
        travel_noise=0.0,
        call_taking=Fixed(1.0),
        rng=np.random.default_rng(1),
    )
    assert spread["replications"] == 5 and spread["served"] == 1.0
    for key, event in (
        ("first_arrival", "First team on scene"),
        ("on_scene", "Full required complement on scene"),
        ("under_control", "Under control (plan)"),
    ):
        m = spread[key]
        assert m["median"] == m["p90"] == pytest.approx(by[event]["at_min"], abs=0.051)
    assert spread["first_arrival"]["within_target"] == 1.0  # 4.8 <= 11
    assert spread["under_control"]["within_target"] == 1.0  # 25.7 <= 26
    noisy = simulated_spread(
        s,
        road,
        catalogue,
        stations=stations,
        depots=depots,
        replications=40,
        travel_noise=0.3,
        rng=np.random.default_rng(2),
    )
    fa = noisy["first_arrival"]
    assert fa["median"] < fa["p90"] and noisy["served"] == 1.0


def test_simulated_spread_does_not_count_a_short_complement_as_fielded(road, catalogue):
    """Short of a fire team: the simulator records what came on scene; the spread does not."""
    from experiments.drill.benchmark import simulated_spread
    from scenarios.drill.drawing_rules import FIELDED_RULES

    # The scene asks 3 fire and 1 medical; the participants have 2 fire.
    stations, depots = _sim_region(with_b=False)
    s = script(road, [])

    def spread(rules: int) -> dict:
        return simulated_spread(
            s, road, catalogue, stations=stations, depots=depots, replications=6,
            travel_noise=0.2, rng=np.random.default_rng(3), rules=rules,
        )  # fmt: skip

    now, before = spread(FIELDED_RULES), spread(FIELDED_RULES - 1)
    assert before["served"] == 1.0 and before["on_scene"]["median"] is not None  # as sealed then
    assert now["served"] == 0.0
    for key in ("on_scene", "under_control"):
        assert now[key]["median"] is None and now[key]["p90"] is None
    assert now["under_control"]["within_target"] == 0.0
    # The first team still comes, the same in both (same draws).
    assert now["first_arrival"] == before["first_arrival"]
    assert now["first_arrival"]["median"] is not None
    # The sheet's caption says what the share is of, by the script's rules.
    from dataclasses import replace

    from experiments.drill.evaluation_sheet import _spread_caption
    from scenarios.drill.drawing_rules import version_name

    new = replace(s.with_evaluation(simulated=now), generator_version=version_name(FIELDED_RULES))
    old = replace(s.with_evaluation(simulated=before), generator_version=version_name(8))
    assert "full complement on scene in 0 %" in _spread_caption(new)
    assert "every team the participants have for it on scene in 100 %" in _spread_caption(old)
