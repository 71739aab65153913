"""Scenario specs and the shipped library, on the built-in county and the Shanghai extract."""

from __future__ import annotations

import numpy as np
import pytest

from networks.errors import ConfigError
from scenarios import Location, ScenarioSpec, generate_stream, list_scenarios, load_scenario
from scenarios.places import Geography

SHIPPED = [
    "chemical_leak",
    "earthquake_m6",
    "multi_hazard",
    "rainstorm_72h",
    "typhoon_landfall",
    "typical_week",
]


def test_the_library_holds_the_named_scenarios():
    assert set(SHIPPED) <= set(list_scenarios())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_spec_round_trips(name):
    spec = load_scenario(name)
    again = ScenarioSpec.from_dict(spec.to_dict())
    assert again == spec


def check_stream(st, net, spec):
    horizon = spec.duration_h * 60
    assert len(st) > 0
    assert st.time.min() >= 0 and st.time.max() <= horizon
    assert st.node.min() >= 0 and st.node.max() < net.n_nodes
    kids = np.flatnonzero(st.parent >= 0)
    assert np.all(st.parent[kids] < kids) and np.all(st.time[st.parent[kids]] <= st.time[kids])
    for d in st.disruptions:
        e = np.asarray(d.disruption.edges)
        assert e.size and e.min() >= 0 and e.max() < net.n_edges
        assert d.end > d.start >= 0
        assert d.incident < len(st)
    net.under([d.disruption for d in st.disruptions[:5]])  # the network accepts them


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_sample_on_the_county(name, county, catalogue):
    spec = load_scenario(name)
    st = generate_stream(spec, county, rng=np.random.default_rng(7), catalogue=catalogue)
    check_stream(st, county, spec)


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_sample_on_shanghai(name, shanghai, catalogue):
    spec = load_scenario(name)
    st = generate_stream(spec, shanghai, rng=np.random.default_rng(7), catalogue=catalogue)
    check_stream(st, shanghai, spec)


def test_multi_hazard_is_a_demo_sized_stream(county, catalogue):
    spec = load_scenario("multi_hazard")
    assert 24 <= spec.duration_h <= 72
    n = [
        len(generate_stream(spec, county, rng=np.random.default_rng(s), catalogue=catalogue))
        for s in range(3)
    ]
    # Big enough to stress the county, small enough for the demo to run in seconds.
    assert all(60 <= k <= 400 for k in n), n
    st = generate_stream(spec, county, rng=np.random.default_rng(0), catalogue=catalogue)
    assert set(st.category) >= {"natural_disaster", "accident"}


# --------------------------------------------------------------------- errors
def write(tmp_path, text):
    f = tmp_path / "s.toml"
    f.write_text(text)
    return f


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('name = "x"', "duration_h"),
        ('name = "x"\nduration_h = 5\nstart_hour = 24', "start_hour"),
        ('name = "x"\nduration_h = 5\n[background.rates]\nmeteor = 1', "background.rates.meteor"),
        ('name = "x"\nduration_h = 5\n[background.rates]\nflood = -1', "background.rates.flood"),
        ('name = "x"\nduration_h = 5\n[[events]]\ntype = "tsunami"', "events[0].type"),
        (
            'name = "x"\nduration_h = 5\n[[events]]\ntype = "earthquake"\ntime_h = 1\n'
            "magnitude = 12",
            "events[0].magnitude",
        ),
        (
            'name = "x"\nduration_h = 5\n[[events]]\ntype = "rainstorm"\nstart_h = 1\n'
            'duration_h = 2\nintensity_mm_h = 5\nat = "downtown"',
            "events[0].at",
        ),
        (
            'name = "x"\nduration_h = 5\n[[events]]\ntype = "incident"\nhazard = "alien"\n'
            "time_h = 1",
            "events[0].hazard",
        ),
        (
            'name = "x"\nduration_h = 5\n[overrides.hazards.flood]\ngrade_probs = [1, 1, 0, 0]',
            "overrides.hazards.flood.grade_probs",
        ),
        ('name = "x"\nduration_h = 5\nwhatever = 1', "whatever"),
    ],
)
def test_scenario_mistakes_name_file_and_key(tmp_path, text, key):
    f = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_scenario(f)
    msg = str(info.value)
    assert msg.startswith(f"{f}: {key}:"), msg
    assert "\n" not in msg


def test_unknown_name_lists_the_shipped_ones():
    with pytest.raises(ConfigError, match="typical_week"):
        load_scenario("no_such_scenario")


def test_missing_landmark_names_the_file_and_key(tmp_path, small, catalogue):
    f = write(
        tmp_path,
        'name = "x"\nduration_h = 5\n[[events]]\ntype = "incident"\n'
        'hazard = "flood"\ntime_h = 1\nat = "landmark:Atlantis"',
    )
    spec = load_scenario(f)
    with pytest.raises(ConfigError) as info:
        generate_stream(spec, small, rng=np.random.default_rng(0), catalogue=catalogue)
    assert str(info.value).startswith(f"{f}: events[0].at: no landmark 'Atlantis'")


def test_scenario_catalogue_file_is_relative_to_the_scenario(tmp_path, small):
    (tmp_path / "extra.toml").write_text(
        '[hazards.dam_break]\nname = "Dam break"\ncategory = "natural_disaster"\n'
        'cap_category = "Met"\nunder_control = "flow stopped"\ngrade_probs = [0, 0, 0, 1]\n'
        'meaning = ["a", "b", "c", "d"]\nteams = { water_rescue = 3 }\n'
        'control_work = { dist = "fixed", value = 60 }\n'
        'clear_work = { dist = "fixed", value = 5 }\n'
    )
    f = write(
        tmp_path,
        'name = "x"\nduration_h = 24\ncatalogue = "extra.toml"\n[background.rates]\ndam_break = 50',
    )
    spec = load_scenario(f)
    st = generate_stream(spec, small, rng=np.random.default_rng(0))
    assert set(st.hazard) == {"dam_break"}
    assert np.all(st.control_work == 60)
    assert st.requirements[st.requirement[0]].teams == (("water_rescue", 3),)


# ------------------------------------------------------------------ locations
def test_locations_resolve_relative_to_the_network(county):
    geo = Geography(county)
    rng = np.random.default_rng(0)
    xiba = next(m for m in county.landmarks if m.name == "Xiba Town")
    assert Location.from_value("landmark:Xiba Town").resolve(geo, rng=rng) == xiba.node
    assert Location.from_value("centre").resolve(geo, rng=rng) == geo.centre
    i = 1234
    x, y = county.nodes.x[i], county.nodes.y[i]
    assert Location.from_value({"x": x, "y": y}).resolve(geo, rng=rng) == i
    lon, lat = county.nodes.lon[i], county.nodes.lat[i]
    assert Location.from_value({"lon": lon, "lat": lat}).resolve(geo, rng=rng) == i
    j = Location.from_value({"at": "node:1234", "dx": 5000, "dy": 0}).resolve(geo, rng=rng)
    assert abs(county.nodes.x[j] - (x + 5000)) < 1000
    sw = Location.from_value("bbox:0,0").resolve(geo, rng=rng)
    d = np.hypot(county.nodes.x - county.nodes.x.min(), county.nodes.y - county.nodes.y.min())
    assert sw == int(np.argmin(d))
    plant = Location.from_value("source:chemical_plant").resolve(geo, rng=rng)
    assert plant in geo.sources["chemical_plant"]
    for v in (
        "centre",
        "random",
        "landmark:Xiba Town",
        {"x": 1.0, "y": 2.0},
        {"at": "bbox:0.5,0.5", "dx": 10.0, "dy": 0.0},
    ):
        loc = Location.from_value(v)
        assert Location.from_value(loc.to_value()) == loc


@pytest.mark.parametrize("bad", ["downtown", "landmark:", "node:x", "bbox:2,0", {"x": 1}])
def test_bad_locations(bad):
    with pytest.raises(ConfigError):
        Location.from_value(bad, source="f.toml", key="events[0].at")


def test_default_sources_are_deterministic_and_sensible(county):
    a, b = Geography(county).sources, Geography(county).sources
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    geo = Geography(county)
    r = np.hypot(*(geo.xy - geo.xy[geo.centre]).T)
    assert np.median(r[a["forest"]]) > np.percentile(r, 60)  # forests are far out
    assert len(a["chemical_plant"]) == 2 and len(a["mine"]) == 2
    user = Geography(county, sources={"chemical_plant": [5]}).sources
    assert list(user["chemical_plant"]) == [5] and np.array_equal(user["mine"], a["mine"])
