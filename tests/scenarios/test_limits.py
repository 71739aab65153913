"""Scenario numbers at the edges: refused while the file is read, naming the key."""

from __future__ import annotations

import pytest

from networks.errors import ConfigError
from scenarios import ScenarioSpec, load_scenario
from scenarios.limits import MAX_DURATION_H, MAX_INCIDENTS, MAX_RATE_PER_DAY

RAIN = {"type": "rainstorm", "start_h": 1, "duration_h": 3, "intensity_mm_h": 40}
QUAKE = {"type": "earthquake", "time_h": 1, "magnitude": 7}


def _spec(**over: object) -> dict:
    return {"name": "edge", "duration_h": 24, **over}


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        (_spec(duration_h=1e300), "duration_h", f"<= {MAX_DURATION_H}"),
        (_spec(duration_h=float("inf")), "duration_h", "finite"),
        (_spec(duration_h=float("nan")), "duration_h", "finite"),
        (_spec(background={"scale": -1}), "background.scale", ">= 0"),
        (_spec(background={"rates": {"building_fire": -1}}), "background.rates.building_fire",
         ">="),
        (_spec(background={"rates": {"building_fire": 1e300}}), "background.rates.building_fire",
         "<="),
        (_spec(max_cascade_depth=10**9), "max_cascade_depth", "<="),
        (_spec(events=[{**RAIN, "start_h": 1e9}]), "events[0].start_h", "<="),
        (_spec(events=[{**RAIN, "duration_h": float("inf")}]), "events[0].duration_h", "finite"),
        (_spec(events=[{**RAIN, "reference_mm_h": 1e-300}]), "events[0].reference_mm_h", ">= 1"),
        (_spec(events=[{**RAIN, "rate_multiplier": {"traffic_accident": 1e9}}]),
         "events[0].rate_multiplier.traffic_accident", "<="),
        (_spec(events=[{**QUAKE, "omori_a": 300}]), "events[0].omori_a", "<= 10"),
        (_spec(events=[{**QUAKE, "fire_per_node": 1e300}]), "events[0].fire_per_node", "<="),
        (_spec(events=[{**QUAKE, "depth_km": 1e6}]), "events[0].depth_km", "<="),
        (_spec(events=[{"type": "incident", "hazard": "building_fire", "time_h": 1e300}]),
         "events[0].time_h", "<="),
        (_spec(events=[{**QUAKE, "time_h": 100}]), "events[0].time_h", "at or after the end"),
        (_spec(events=[RAIN, {**RAIN, "start_h": 24}]), "events[1].start_h", "never happen"),
        (_spec(events=[{"type": "incident", "hazard": "building_fire", "time_h": 24}]),
         "events[0].time_h", "(24 h)"),
    ],
)  # fmt: skip
def test_numbers_at_the_edges_name_the_key(data, key, words):
    with pytest.raises(ConfigError) as info:
        ScenarioSpec.from_dict(data, source="s.toml")
    assert info.value.key == key and info.value.source == "s.toml"
    assert words in str(info.value)


def test_a_scenario_expected_to_flood_memory_is_refused():
    rate = MAX_RATE_PER_DAY  # allowed alone, but not for a year
    data = _spec(duration_h=MAX_DURATION_H, background={"rates": {"building_fire": rate}})
    with pytest.raises(ConfigError, match="expects about") as info:
        ScenarioSpec.from_dict(data, source="s.toml")
    assert info.value.key == "background"
    storm = {**RAIN, "duration_h": 5000, "extra_per_day": {"waterlogging": rate}}
    with pytest.raises(ConfigError, match=f"{MAX_INCIDENTS:,}") as info:
        ScenarioSpec.from_dict(_spec(duration_h=MAX_DURATION_H, events=[storm]), source="s.toml")
    assert info.value.key == "events[0]"
    shaky = {**QUAKE, "aftershock_min_m": 0.5, "omori_b": 2.0, "omori_a": 5}
    with pytest.raises(ConfigError, match="expects about") as info:
        ScenarioSpec.from_dict(_spec(duration_h=MAX_DURATION_H, events=[shaky]), source="s.toml")
    assert info.value.key == "events[0]"


def test_the_same_storm_fits_a_short_scenario():
    storm = {**RAIN, "duration_h": 5000, "extra_per_day": {"waterlogging": 100.0}}
    spec = ScenarioSpec.from_dict(_spec(duration_h=48, events=[storm]))
    assert spec.events[0].expected_incidents({}, spec.duration_h) == pytest.approx(
        100.0 * 40 / 30 * 47 / 24  # from start_h = 1 to the end: 47 h
    )


def test_scenario_file_with_a_huge_duration_names_the_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\nduration_h = 1e300\n')
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}: duration_h: must be <=")


def test_catalogue_counts_are_bounded(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "x"\nduration_h = 24\n[overrides.hazards.building_fire.teams]\nfire = 1e9\n'
    )
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert "overrides.hazards.building_fire.teams.fire" in str(info.value)


def test_an_event_just_before_the_end_is_kept():
    spec = ScenarioSpec.from_dict(_spec(events=[{**QUAKE, "time_h": 23.9}]))
    assert spec.events[0].time_h == 23.9
