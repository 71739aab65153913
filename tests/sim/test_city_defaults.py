"""Default facilities on the built-in city: 1 city, 10 county, 91 township depots, 1,000 points."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from networks import i18n, synthetic_city
from networks.names import facility_label
from sim.defaults import DEFAULT_LEAD_TIME, DEFAULT_STOCK, default_facilities
from sim.facilities import CAPABILITIES, TOWNSHIP_TEAM_MIN_SIZE, check_facilities

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def facilities(city):
    return default_facilities(city)


def _county_of(network) -> dict[str, str]:
    """Township stem -> county name, as the generator records it (landmark order)."""
    out, county = {}, None
    for lm in network.landmarks:
        if lm.kind == "county":
            county = lm.name
        elif lm.kind == "township":
            out[lm.name.removesuffix(" Town")] = county
    return out


def test_one_ten_ninety_one_thousand_depots_in_a_chain_to_the_city(city, facilities):
    stations, depots = facilities
    check_facilities(city.n_nodes, stations, depots)
    assert Counter(d.tier for d in depots) == {
        "city": 1, "county": 10, "township": 91, "village": 1000,
    }  # fmt: skip
    by = {d.name: d for d in depots}
    assert by["City Depot"].parent is None
    marks = {lm.name: lm for lm in city.landmarks}
    county_of = _county_of(city)
    for v in (lm for lm in city.landmarks if lm.kind == "village"):
        store = by[f"{v.name} Store"]
        stem = v.name.rpartition(" Village ")[0]
        town = by[store.parent]
        assert (store.node, town.name, town.tier) == (v.node, f"{stem} Depot", "township")
        county = by[town.parent]
        assert county.name == f"{county_of[stem]} Depot" and county.tier == "county"
        assert county.node == marks[county_of[stem]].node
        assert county.parent == "City Depot"
    for d in depots:
        assert dict(d.stock) == DEFAULT_STOCK[d.tier]
        assert d.lead_time_min == DEFAULT_LEAD_TIME.get(d.tier, d.lead_time_min)


def test_a_township_depot_answers_to_the_county_seat_nearest_by_road(city, facilities):
    """The generator's county is also the nearest county seat by road (no shortcut)."""
    _stations, depots = facilities
    seats = [c for c in depots if c.tier == "county"]
    times = city.travel_times([c.node for c in seats])  # 10 x 200,000: 8 MB
    towns = [d for d in depots if d.tier == "township"]
    assert [seats[int(np.argmin(times[:, d.node]))].name for d in towns] == [
        d.parent for d in towns
    ]


def test_stations_at_centre_seats_and_every_township(city, facilities):
    stations, _depots = facilities
    assert Counter(s.tier for s in stations) == {"city": 1, "county": 10, "township": 91}
    towns = {lm.node for lm in city.landmarks if lm.kind == "township"}
    township_stations = [s for s in stations if s.tier == "township"]
    assert {s.node for s in township_stations} == towns
    for s in township_stations:
        general = [t for t in s.teams if t.capability == "general"]
        assert general and general[0].size >= TOWNSHIP_TEAM_MIN_SIZE >= 30
        assert {t.capability for t in s.teams} >= {"general", "fire", "medical"}
    seats = {lm.node for lm in city.landmarks if lm.kind == "county"}
    assert {s.node for s in stations if s.tier == "county"} == seats
    municipal = stations[0]
    assert municipal.name == "Municipal Station" and municipal.tier == "city"
    assert {t.capability for t in municipal.teams} == set(CAPABILITIES)


def test_township_stations_can_be_limited_without_touching_depots(city, facilities):
    stations, depots = default_facilities(city, township_stations=5)
    assert sum(s.tier == "township" for s in stations) == 5
    assert depots == facilities[1]


def test_facility_names_read_in_chinese_and_stay_pinyin_in_english(facilities):
    stations, depots = facilities
    names = [s.name for s in stations] + [d.name for d in depots]
    with i18n.language("en"):
        assert [facility_label(n) for n in names] == names
    with i18n.language("zh"):
        zh = [facility_label(n) for n in names]
    for text in zh:
        assert CJK.search(text) and not LATIN.search(text), text
    assert len(set(zh)) == len(zh)
    assert zh[:2] == ["市级应急救援站", "安平县应急救援站"]
    assert {"市级应急物资储备库", "安平县综合物资库", "东村镇应急物资库"} <= set(zh)


def test_a_small_city_keeps_villages_with_their_township():
    net = synthetic_city(seed=2, counties=2, townships=2, villages=9, grid=8, county_grid=6)
    _stations, depots = default_facilities(net)
    by = {d.name: d for d in depots}
    for d in depots:
        if d.tier == "village":
            assert by[d.parent].name == d.name.rpartition(" Village ")[0] + " Depot"
