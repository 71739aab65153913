"""Drawing blind drills: the randomness follows its stated laws, constraints always hold."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from networks.errors import ConfigError
from scenarios.catalogue import load_catalogue
from scenarios.drill import (
    GENERATOR_VERSION,
    DrillDrawer,
    DrillScript,
    DrillSpec,
    PastDrill,
    SealError,
    Store,
    Unit,
    canonical_json,
    generator_from_seed,
    seed_from_int,
)

WINDOW = {"start": "2026-12-01T08:00:00+08:00", "end": "2026-12-08T20:00:00+08:00"}
#: When the draws of these tests happen: a week before the window opens.
DRAWN_AT = "2026-11-24T05:28:04+00:00"


def county_facilities(network) -> tuple[tuple[Unit, ...], tuple[Store, ...]]:
    """The default stations and depots of the county, as the draw sees them."""
    from sim.defaults import default_facilities

    stations, depots = default_facilities(network)
    units = tuple(
        Unit(s.name, s.node, tuple((t.capability, t.count, t.turnout.mean) for t in s.teams))
        for s in stations
    )
    stores = tuple(Store(d.name, d.node, d.tier, d.stock, d.parent) for d in depots)
    return units, stores


def make_drawer(county, history=(), **drill) -> DrillDrawer:
    extra = {k: drill.pop(k) for k in ("risk",) if k in drill}
    spec = DrillSpec.from_dict({"drill": {**WINDOW, **drill}, **extra})
    units, stores = county_facilities(county)
    return DrillDrawer(spec, county, load_catalogue(), units=units, stores=stores, history=history)


def draws(
    drawer: DrillDrawer, n: int, first: int = 0, rules: str = GENERATOR_VERSION
) -> list[DrillScript]:
    return [
        drawer.draw(
            rng=generator_from_seed(seed_from_int(i)),
            exercise_id="T",
            drawn_at=DRAWN_AT,
            rules=rules,
        )  # fmt: skip
        for i in range(first, first + n)
    ]


RISK = {"building_fire": 5.0, "traffic_accident": 3.0, "hazmat_leak": 1.5, "landslide": 0.5}


@pytest.fixture(scope="module")
def plain(county):
    """1500 draws over four hazards, no injects (the statistics are about the draw itself)."""
    d = make_drawer(county, hazards=list(RISK), injects=[], risk=RISK)
    return d, draws(d, 1500)


def test_hazard_frequencies_follow_the_regional_risk(plain):
    drawer, scripts = plain
    counts = np.array([sum(s.scene.hazard == h for s in scripts) for h in RISK])
    p = np.array(list(RISK.values())) / sum(RISK.values())
    assert stats.chisquare(counts, p * len(scripts)).pvalue > 1e-3


def test_start_times_are_uniform_in_the_window(plain):
    _, scripts = plain
    t0 = datetime.fromisoformat(WINDOW["start"])
    span = (datetime.fromisoformat(WINDOW["end"]) - t0).total_seconds()
    u = np.array([(datetime.fromisoformat(s.scene.start) - t0).total_seconds() for s in scripts])
    assert u.min() >= 0 and u.max() < span
    assert stats.kstest(u / span, "uniform").pvalue > 1e-3


def test_start_times_are_uniform_over_the_allowed_hours(county):
    window = {"start": "2026-12-01T12:30:00+08:00", "end": "2026-12-05T09:00:00+08:00"}
    d = make_drawer(county, **window, hours=[8, 18], injects=[])
    spec = d.spec
    # allowed: Dec 1 12:30-18:00, Dec 2-4 08:00-18:00, Dec 5 08:00-09:00
    assert [round((b - a) / 3600, 2) for a, b in spec.allowed_intervals()] == [5.5, 10, 10, 10, 1]
    t0 = datetime.fromisoformat(window["start"])
    starts = [datetime.fromisoformat(s.scene.start) for s in draws(d, 800)]
    assert all(8 <= t.hour < 18 for t in starts)
    # position of each start on the allowed time line, as a fraction of its length
    iv = spec.allowed_intervals()
    ends = np.cumsum([b - a for a, b in iv])
    pos = []
    for t in starts:
        x = (t - t0).total_seconds()
        k = next(i for i, (a, b) in enumerate(iv) if a <= x < b)
        pos.append(((ends[k - 1] if k else 0.0) + x - iv[k][0]) / ends[-1])
    assert stats.kstest(pos, "uniform").pvalue > 1e-3


def test_areas_follow_the_hazards_spatial_weights(plain):
    drawer, scripts = plain
    fires = [s for s in scripts if s.scene.hazard == "building_fire"]
    areas = sorted(set(drawer.areas.tolist()))
    p = np.array([drawer.node_probs["building_fire"][drawer.areas == a].sum() for a in areas])
    got = np.array([sum(s.scene.area == a for s in fires) for a in areas])
    keep = p * len(fires) >= 5  # chi-square needs expected counts >= 5; pool the rest
    exp, obs = p[keep] * len(fires), got[keep]
    if (~keep).any():
        exp, obs = np.append(exp, p[~keep].sum() * len(fires)), np.append(obs, got[~keep].sum())
    assert stats.chisquare(obs, exp).pvalue > 1e-3
    assert all(drawer.areas[s.scene.node] == s.scene.area for s in scripts)


def test_grades_follow_the_catalogue_restricted_to_the_allowed(county):
    d = make_drawer(county, hazards=["building_fire"], grades=["II", "III"], injects=[])
    scripts = draws(d, 600)
    g = np.array([s.scene.grade for s in scripts])
    assert set(g) <= {2, 3}
    probs = np.asarray(load_catalogue()["building_fire"].grade_probs)[[1, 2]]
    exp = probs / probs.sum() * len(g)
    assert stats.chisquare([np.sum(g == 2), np.sum(g == 3)], exp).pvalue > 1e-3


def test_no_repeat_avoids_exactly_the_last_n_drills(county):
    history = [
        PastDrill("building_fire", "County Seat"),  # older than the last two: allowed again
        PastDrill("building_fire", "Xiba Town"),
        PastDrill("traffic_accident", "County Seat"),
    ]
    d = make_drawer(
        county, history, hazards=["building_fire", "traffic_accident"], no_repeat=2, injects=[]
    )
    assert d.recent == {("building_fire", "Xiba Town"), ("traffic_accident", "County Seat")}
    pairs = [(s.scene.hazard, s.scene.area) for s in draws(d, 400)]
    assert not set(pairs) & d.recent
    # the seat holds about a third of the fire weight: it must come back after N drills
    assert ("building_fire", "County Seat") in pairs


def test_areas_excluded_and_included_are_honoured(county):
    d = make_drawer(county, exclude_areas=["County Seat", "Xiba Town"], injects=[])
    assert {s.scene.area for s in draws(d, 200)}.isdisjoint({"County Seat", "Xiba Town"})
    d = make_drawer(county, include_areas=["Beihe Town"], injects=[])
    assert {s.scene.area for s in draws(d, 100)} == {"Beihe Town"}


def test_areas_and_units_may_be_named_in_chinese(county):
    from networks import i18n

    d = make_drawer(county, exclude_areas=["龙潭镇", "Xiba Town"], injects=[])
    assert {s.scene.area for s in draws(d, 200)}.isdisjoint({"Longtan Town", "Xiba Town"})
    d = make_drawer(county, include_areas=["北河镇"], injects=[])
    assert {s.scene.area for s in draws(d, 50)} == {"Beihe Town"}
    # a station by its Chinese name or its record name: the record name is kept, once
    d = make_drawer(county, units=["龙潭镇应急救援站", "Baiyun Station", "Longtan Station"])
    assert [u.name for u in d.units] == ["Longtan Station", "Baiyun Station"]
    same = make_drawer(county, units=["Longtan Station", "白云镇应急救援站"])
    assert canonical_json(draws(d, 1)[0].to_dict()) == canonical_json(draws(same, 1)[0].to_dict())
    # a Chinese message lists the Chinese names, each with its record name in brackets
    with i18n.language("zh"):
        with pytest.raises(ConfigError, match="drill.exclude_areas") as area:
            make_drawer(county, exclude_areas=["亚特兰蒂斯"])
        with pytest.raises(ConfigError, match="drill.units") as unit:
            make_drawer(county, units=["无此站"])
    assert re.search(r"龙潭镇 ?[（(]Longtan Town[）)]", str(area.value)), area.value
    assert re.search(r"龙潭镇应急救援站 ?[（(]Longtan Station[）)]", str(unit.value)), unit.value
    with i18n.language("en"):
        with pytest.raises(ConfigError, match="unknown area") as area:
            make_drawer(county, exclude_areas=["Atlantis"])
    assert "Longtan Town, " in str(area.value) and "龙潭镇" not in str(area.value)


def test_nothing_left_to_draw_is_a_config_error(county):
    history = [PastDrill("building_fire", "Beihe Town")]
    with pytest.raises(ConfigError, match="nothing|no hazard"):
        make_drawer(county, history, hazards=["building_fire"], include_areas=["Beihe Town"])
    with pytest.raises(ConfigError, match="drill.include_areas.*unknown area"):
        make_drawer(county, include_areas=["Atlantis"])
    with pytest.raises(ConfigError, match="drill.units.*unknown unit"):
        make_drawer(county, units=["No Such Station"])


def test_same_seed_same_script_and_seeds_differ(county):
    d = make_drawer(county)
    a, b = draws(d, 1, 7)[0], draws(d, 1, 7)[0]
    assert canonical_json(a.to_dict()) == canonical_json(b.to_dict())
    others = {canonical_json(s.to_dict()) for s in draws(d, 20, 100)}
    assert len(others) == 20


@pytest.fixture(scope="module")
def full(county):
    d = make_drawer(county, grades=[2, 3, 4])
    return d, draws(d, 150)


def test_injects_are_numbered_in_time_order_and_complete(full):
    _, scripts = full
    for s in scripts:
        offsets = [i.offset_min for i in s.injects]
        assert [i.no for i in s.injects] == list(range(1, len(s.injects) + 1))
        assert offsets == sorted(offsets) and min(offsets, default=0) >= 0
        assert max(offsets, default=0) <= 180
        assert all(i.message.startswith("THIS IS A DRILL") for i in s.injects)
        assert all(
            i.expected_action and i.capability and i.sender and i.recipient for i in s.injects
        )
        kinds = [i.kind for i in s.injects]
        assert len(kinds) == len(set(kinds))
        assert {"media_enquiry", "casualty_update"} <= set(kinds)
        assert ("escalation" in kinds) == (s.scene.grade > 1)
        assert [x["inject"] for x in s.evaluation["items"]] == [i.no for i in s.injects]


def test_tabletop_injects_arrive_as_written_cards(county):
    field, table = (draws(make_drawer(county, type=t), 1, 11)[0] for t in ("field", "tabletop"))
    assert table.scene == field.scene and len(table.injects) == len(field.injects)
    for a, b in zip(field.injects, table.injects, strict=True):
        assert b.channel == f"written card (as if by {a.channel})" and b.message == a.message


def test_escalation_and_casualties_agree(full):
    from scenarios.drill.casualties import grade_band

    cat = load_catalogue()
    for s in (s for s in full[1] if s.scene.grade > 1):
        by = {i.kind: i for i in s.injects}
        g2 = by["escalation"].truth["grade"]
        assert g2 == s.scene.grade - 1
        up = by["casualty_update"]
        expect = g2 if by["escalation"].offset_min <= up.offset_min else s.scene.grade
        t = up.truth
        assert t["grade"] == expect
        assert grade_band(cat[s.scene.hazard], expect).holds(t["dead"], t["injured"], t["missing"])


def test_closed_road_lies_on_the_first_teams_route(full, county):
    drawer, scripts = full
    e = county.edges
    seen = 0
    for s in scripts:
        inj = next((i for i in s.injects if i.kind == "road_closed"), None)
        if inj is None:
            continue
        seen += 1
        unit = next(u for u in drawer.units if u.name == inj.truth["unit"])
        path = county.route(unit.node, s.scene.node)
        a, b = inj.truth["from_node"], inj.truth["to_node"]
        assert (a, b) in set(zip(path[:-1], path[1:], strict=True))
        for k in inj.truth["edges"]:
            assert {int(e.u[k]), int(e.v[k])} == {a, b}
    assert seen > 100


def test_depot_short_names_a_real_shortfall(full):
    drawer, scripts = full
    stock = {st.name: dict(st.stock) for st in drawer.stores}
    for s in scripts:
        for i in (i for i in s.injects if i.kind == "depot_short"):
            t = i.truth
            assert stock[t["depot"]][t["item"]] == t["booked"] > 0
            assert 0 <= t["available"] < t["need"]


def _check_depot_sources(drawer, scripts, county) -> tuple[int, int]:
    """Rules /9: the depots named hold what they give; what none holds goes to the level up."""
    from scenarios.drill.inject_depot import NAMED_SOURCES

    stock = {st.name: dict(st.stock) for st in drawer.stores}
    seen = beyond = 0
    for s in scripts:
        for i in (i for i in s.injects if i.kind == "depot_short"):
            seen += 1
            t = i.truth
            short = t["need"] - t["available"]
            names = [name for name, _k in t["sources"]]
            assert t["depot"] not in names and len(set(names)) == len(names)
            assert all(0 < k <= stock[name][t["item"]] for name, k in t["sources"])
            assert sum(k for _n, k in t["sources"]) + t["beyond_region"] == short
            # Only what the other depots together lack goes up a level.
            others = sum(v.get(t["item"], 0) for n, v in stock.items() if n != t["depot"])
            assert t["beyond_region"] == max(0, short - others)
            beyond += t["beyond_region"] > 0
            # Nearest first: each source but the last gives all it holds.
            assert all(k == stock[n][t["item"]] for n, k in t["sources"][:-1])
            times = county.travel_times(
                [next(st.node for st in drawer.stores if st.name == n) for n in names],
                reverse=False,
            )[:, s.scene.node]
            assert list(times) == sorted(times)
            assert t["fallback"] == (names[0] if names else "")
            # The nearest by name (past three, two and the others summed).
            named = names if len(names) <= NAMED_SOURCES else names[: NAMED_SOURCES - 1]
            assert all(name in i.expected_action for name in named)
            assert all(name not in i.expected_action for name in names[len(named) :])
            assert ("next level up" in i.expected_action) == (t["beyond_region"] > 0)
    return seen, beyond


def test_depot_short_sends_players_where_the_rest_really_is(full, county):
    seen, beyond = _check_depot_sources(*full, county)
    assert seen > 20 and beyond < seen


def test_depot_short_sends_what_the_region_lacks_up_a_level(county):
    """Depots holding a hundredth of their stock: the region often cannot cover the rest."""
    units, stores = county_facilities(county)
    poor = [replace(st, stock=tuple((k, max(1, v // 100)) for k, v in st.stock)) for st in stores]
    spec = DrillSpec.from_dict({"drill": {**WINDOW, "grades": [1, 2], "injects": ["depot_short"]}})
    d = DrillDrawer(spec, county, load_catalogue(), units=units, stores=poor)
    seen, beyond = _check_depot_sources(d, draws(d, 40), county)
    assert seen > 20 and beyond > 5


def test_script_round_trips_and_rejects_garbage(full):
    s = full[1][0]
    back = DrillScript.from_dict(s.to_dict())
    assert back == s
    assert canonical_json(back.to_dict()) == canonical_json(s.to_dict())
    with pytest.raises(SealError):
        DrillScript.from_dict({"format": "something else"})
    with pytest.raises(SealError):
        DrillScript.from_dict({**s.to_dict(), "scene": {"hazard": "x"}})


@pytest.mark.slow
def test_draw_on_a_real_osm_network_uses_grid_areas_and_road_names(shanghai):
    spec = DrillSpec.from_dict({"drill": WINDOW})
    units = (
        Unit("A", 10, (("fire", 2, 1.0), ("medical", 1, 1.0))),
        Unit("B", 2000, (("fire", 1, 1.0), ("general", 1, 2.0))),
    )
    d = DrillDrawer(spec, shanghai, load_catalogue(), units=units)
    assert all(a[0].isalpha() and a[1:].isdigit() for a in set(d.areas.tolist()))
    e = shanghai.edges
    for s in draws(d, 20):
        sc = s.scene
        assert d.areas[sc.node] == sc.area and sc.landmark == ""
        assert sc.road and sc.road in set(e.name.tolist()) and sc.place.startswith(sc.road)
        assert sc.area in s.alarm.message and sc.road in s.alarm.message


AREAS = ["County Seat", "Xiba Town", "Beihe Town", "Dongcun Town", "Longtan Town"]
HAZARDS = ["building_fire", "traffic_accident", "hazmat_leak", "forest_fire", "mass_poisoning"]


@given(
    hazards=st.lists(st.sampled_from(HAZARDS), min_size=1, max_size=4, unique=True),
    grades=st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True),
    excluded=st.lists(st.sampled_from(AREAS), max_size=3, unique=True),
    past=st.lists(st.tuples(st.sampled_from(HAZARDS), st.sampled_from(AREAS)), max_size=5),
    no_repeat=st.integers(0, 5),
    seed=st.integers(0, 2**32),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_draw_honours_every_constraint(
    county, hazards, grades, excluded, past, no_repeat, seed
):
    history = [PastDrill(h, a) for h, a in past]
    recent = set(past[-no_repeat:]) if no_repeat else set()
    # at most 3 + 5 of the 11 areas are closed to a hazard, and spatial weights are
    # positive everywhere, so something is always left to draw
    d = make_drawer(
        county,
        history,
        hazards=hazards,
        grades=grades,
        exclude_areas=excluded,
        no_repeat=no_repeat,
        injects=[],
    )
    assert d.recent == recent
    s = d.draw(rng=generator_from_seed(seed_from_int(seed)), exercise_id="T", drawn_at=DRAWN_AT)
    sc = s.scene
    assert sc.hazard in hazards and sc.grade in grades and sc.area not in excluded
    assert (sc.hazard, sc.area) not in recent
    assert WINDOW["start"] <= sc.start < WINDOW["end"]  # same offset: string order is time order


def test_hazard_sources_given_by_the_region_pull_the_place(county):
    xiba = next(m.node for m in county.landmarks if m.name == "Xiba Town")
    spec = DrillSpec.from_dict({"drill": {**WINDOW, "hazards": ["hazmat_leak"], "injects": []}})
    units, stores = county_facilities(county)
    near = DrillDrawer(
        spec, county, load_catalogue(), units=units, sources={"chemical_plant": [xiba]}
    )
    default = DrillDrawer(spec, county, load_catalogue(), units=units)
    d = np.hypot(county.nodes.x - county.nodes.x[xiba], county.nodes.y - county.nodes.y[xiba])
    mass = near.node_probs["hazmat_leak"][d <= 2000].sum()
    assert mass > 0.9 > default.node_probs["hazmat_leak"][d <= 2000].sum()
    assert {s.scene.area for s in draws(near, 30)} >= {"Xiba Town"}
