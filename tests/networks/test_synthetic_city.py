"""The built-in synthetic city: a prefecture-level city of counties, townships and villages."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csgraph

from experiments.network_spec import SYNTHETIC, NetworkSpec
from networks import synthetic_city, synthetic_county
from networks.errors import ConfigError
from networks.names import CITY_TOWNSHIP_NAMES, COUNTY_NAMES, chinese_place_name
from networks.synthetic_city import (
    MAX_CITY_GRID,
    MAX_CITY_TOWNSHIP_GRID,
    MAX_COUNTIES,
    MAX_COUNTY_GRID,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
#: A city small enough to build many times.
SMALL = {"counties": 3, "townships": 7, "villages": 30, "grid": 12, "county_grid": 8}


def test_default_city_is_seed_scale_and_strongly_connected(city):
    assert 180_000 <= city.n_nodes <= 220_000
    kinds = Counter(lm.kind for lm in city.landmarks)
    assert kinds == {"city": 1, "county": 10, "township": 91, "village": 1000}
    assert city.cleaning.nodes_dropped == 0
    n, _labels = csgraph.connected_components(city.csr, directed=True, connection="strong")
    assert n == 1
    # Expressways to the county seats, provincial roads between them, county and rural roads.
    classes = set(np.unique(city.edges.highway).tolist())
    assert {"motorway", "trunk", "secondary", "tertiary", "unclassified"} <= classes
    # Townships shared out as blocks of 10, 9, ..., 9 in landmark order.
    per_county, county = Counter(), None
    for lm in city.landmarks:
        if lm.kind == "county":
            county = lm.name
        elif lm.kind == "township":
            per_county[county] += 1
    assert sorted(per_county.values()) == [9] * 9 + [10]


def test_county_seats_lie_around_the_city_centre(city):
    x, y = city.nodes.x, city.nodes.y
    centre = next(lm.node for lm in city.landmarks if lm.kind == "city")
    seats = [lm.node for lm in city.landmarks if lm.kind == "county"]
    r = np.hypot(x[seats] - x[centre], y[seats] - y[centre])
    assert (r > 30_000).all() and (r < 70_000).all()
    # A county seat is well over an hour's drive from the city at most.
    t = city.travel_times([centre])[0, seats]
    assert np.isfinite(t).all() and (t < 2 * 3600).all()


def test_landmarks_and_roads_carry_unique_chinese_names(city):
    names = [lm.name for lm in city.landmarks]
    zh = [lm.name_zh for lm in city.landmarks]
    assert len(set(names)) == len(names) and len(set(zh)) == len(zh)
    for text in zh:
        assert CJK.search(text) and not LATIN.search(text), text
    assert zh[:3] == ["中心城区", "安平县", "东村镇"]
    assert (city.edges.name_zh != "").all()
    road = dict(zip(city.edges.name.tolist(), city.edges.name_zh.tolist(), strict=True))
    assert road["Anping Expressway"] == "安平高速"
    assert road["Anping Ring Road"] == "安平县环城路"
    assert road["Anping East Street 1"] == "安平县东1街"
    assert road["Provincial Road 1"] == "1号省道"


def test_name_lists_do_not_collide():
    assert len(CITY_TOWNSHIP_NAMES) >= 91 and len(set(CITY_TOWNSHIP_NAMES)) == len(
        CITY_TOWNSHIP_NAMES
    )
    assert not set(COUNTY_NAMES) & set(CITY_TOWNSHIP_NAMES)
    zh = [chinese_place_name(f"{t} Town") for t in CITY_TOWNSHIP_NAMES]
    zh += [chinese_place_name(f"{c} County") for c in COUNTY_NAMES]
    assert None not in zh and len(set(zh)) == len(zh)
    assert chinese_place_name("Anping 2 County") == "安平2县"


def test_same_seed_same_city_other_seed_other_city():
    a, b = synthetic_city(seed=4, **SMALL), synthetic_city(seed=4, **SMALL)
    c = synthetic_city(seed=5, **SMALL)
    np.testing.assert_array_equal(a.nodes.x, b.nodes.x)
    np.testing.assert_array_equal(a.edges.u, b.edges.u)
    assert a.landmarks == b.landmarks
    assert a.n_nodes != c.n_nodes or not np.array_equal(a.nodes.x, c.nodes.x)
    kinds = Counter(lm.kind for lm in a.landmarks)
    assert kinds == {"city": 1, "county": 3, "township": 7, "village": 30}


def test_the_county_is_not_a_city():
    assert not any(lm.kind == "county" for lm in synthetic_county().landmarks)


@pytest.mark.parametrize(
    "bad",
    [
        {"counties": 0},
        {"counties": MAX_COUNTIES + 1},
        {"counties": 4, "townships": 3},
        {"villages": -1},
        {"grid": 1},
        {"grid": MAX_CITY_GRID + 1},
        {"county_grid": MAX_COUNTY_GRID + 1},
        {"township_grid": MAX_CITY_TOWNSHIP_GRID + 1},
        {"counties": True},
        {"townships": 9.0},
    ],
)
def test_parameters_are_validated(bad):
    with pytest.raises(ValueError, match=list(bad)[-1]):  # the key named last is wrong
        synthetic_city(**{**SMALL, **bad})


def test_spec_defaults_are_the_generators():
    import inspect

    for kind, fn in (("county", synthetic_county), ("city", synthetic_city)):
        params = inspect.signature(fn).parameters
        assert {k: v[0] for k, v in SYNTHETIC[kind].items()} == {
            k: params[k].default for k in SYNTHETIC[kind]
        }


def _spec(text: dict) -> NetworkSpec:
    return NetworkSpec.from_dict(text, source="run.toml", base_dir=Path("."))


def test_city_spec_round_trips_and_builds_the_city():
    spec = _spec({"synthetic": "city", "seed": 3, **SMALL})
    assert spec.to_dict() == {"synthetic": "city", "seed": 3, **SMALL}
    assert _spec(spec.to_dict()) == spec
    net = spec.build()
    assert net.name == "synthetic-city-3"
    assert sum(lm.kind == "county" for lm in net.landmarks) == 3
    # Left out, the sizes are the city's, not the county's.
    city = _spec({"synthetic": "city"})
    assert (city.counties, city.townships, city.villages) == (10, 91, 1000)
    assert _spec({"synthetic": "county"}).to_dict() == {
        "synthetic": "county", "seed": 0, "townships": 10, "villages": 100, "grid": 24,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ({"synthetic": "city", "counties": 0}, "network.counties", ">= 1"),
        ({"synthetic": "city", "counties": MAX_COUNTIES + 1}, "network.counties", "<="),
        ({"synthetic": "city", "county_grid": 10**6}, "network.county_grid", "<="),
        ({"synthetic": "city", "grid": 1.5}, "network.grid", "integer"),
        ({"synthetic": "city", "counties": 5, "townships": 4}, "network.townships", ">= 5"),
        ({"synthetic": "county", "counties": 5}, "network.counties", '"city"'),
        ({"file": "roads.graphml", "county_grid": 5}, "network.county_grid", '"city"'),
        ({"synthetic": "town"}, "network.synthetic", '"county" or "city"'),
    ],
)
def test_bad_city_sizes_name_the_file_and_key(table, key, message):
    with pytest.raises(ConfigError) as info:
        _spec(table)
    text = str(info.value)
    assert text.startswith(f"run.toml: {key}") and message in text, text
    assert "\n" not in text
