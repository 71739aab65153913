"""Early warnings of weather events (scenarios.warnings): reading, drawing, lead time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from networks.errors import ConfigError
from scenarios import generate_stream
from scenarios.places import Geography
from scenarios.spec import ScenarioSpec
from scenarios.warnings import (
    LEVEL_CHOICES,
    EarlyWarning,
    ScheduledWarning,
    level_of,
    rain_level,
    with_lead,
)

RAIN = {"type": "rainstorm", "start_h": 10, "duration_h": 6, "intensity_mm_h": 40,
        "radius_m": 5000}  # fmt: skip
TYPHOON = {"type": "typhoon", "start_h": 12, "duration_h": 8, "radius_m": 8000}


def _spec(*events):
    return ScenarioSpec.from_dict(
        {"name": "w", "duration_h": 30, "background": {"rates": {"building_fire": 4.0}},
         "events": list(events)},
        source="w.toml",
    )  # fmt: skip


# ------------------------------------------------------------------ reading
@pytest.mark.parametrize(
    ("text", "level"),
    [("red", 1), ("I", 1), ("orange", 2), ("II", 2), ("yellow", 3), ("III", 3), ("blue", 4),
     ("IV", 4)],
)  # fmt: skip
def test_a_level_is_a_colour_or_its_numeral(text, level):
    assert level_of(text) == level
    w = EarlyWarning.from_dict({"level": text, "lead_h": 3})
    assert w.level == level and level_of(w.to_dict()["level"]) == level


@pytest.mark.parametrize(
    "warning",
    [
        {"level": "orange", "lead_h": 6},
        {"level": "red", "lead_h": 0, "area": "all"},
        {"level": "III", "lead_h": 24.5, "area": {"at": "landmark:Xiba Town", "radius_m": 4000}},
    ],
)
def test_an_event_with_a_warning_round_trips(warning):
    spec = _spec({**RAIN, "warning": warning}, {**TYPHOON, "warning": warning})
    again = ScenarioSpec.from_dict(spec.to_dict(), source="w.toml")
    assert again == spec and spec.events[0].warning is not None
    assert again.events[1].warning == spec.events[1].warning


@pytest.mark.parametrize(
    ("warning", "key"),
    [
        ({"level": "purple", "lead_h": 6}, "events[0].warning.level"),
        ({"level": "red", "lead_h": -1}, "events[0].warning.lead_h"),
        ({"level": "red"}, "events[0].warning.lead_h"),
        ({"lead_h": 6}, "events[0].warning.level"),
        ({"level": "red", "lead_h": 6, "area": "county"}, "events[0].warning.area"),
        (
            {"level": "red", "lead_h": 6, "area": {"radius_m": -5}},
            "events[0].warning.area.radius_m",
        ),
        ({"level": "red", "lead_h": 6, "area": {"at": "nowhere"}}, "events[0].warning.area.at"),
        ({"level": "red", "lead_h": 6, "colour": "red"}, "events[0].warning.colour"),
        ("red", "events[0].warning"),
    ],
)
def test_a_bad_warning_is_one_error_naming_the_file_and_key(warning, key):
    with pytest.raises(ConfigError) as exc:
        _spec({**RAIN, "warning": warning})
    assert exc.value.key == key and "w.toml" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_warning_area_at_an_unknown_landmark_names_the_warning_area_key(county):
    warning = {"level": "red", "lead_h": 6, "area": {"at": "landmark:Nowhere", "radius_m": 100}}
    with pytest.raises(ConfigError) as exc:
        generate_stream(_spec({**RAIN, "warning": warning}), county, rng=1)
    assert exc.value.key == "events[0].warning.area.at"
    assert "Nowhere" in str(exc.value) and "w.toml" in str(exc.value)


@pytest.mark.parametrize(
    ("mm_h", "hours", "level"),
    [
        (34, 3, 1),  # 102 mm in 3 h: red
        (33, 3, 2),  # 99 mm in 3 h: orange (50 mm in 3 h)
        (17, 3, 2),  # 51 mm in 3 h
        (16, 24, 3),  # 48 mm in 3 h, 96 in 6 h: yellow
        (9, 24, 3),  # 54 mm in 6 h
        (8, 24, 4),  # 48 mm in 6 h, 96 in 12 h: blue
        (4.5, 12, 4),  # 54 mm in 12 h
        (4, 24, None),  # 48 mm in 12 h: no signal
        (200, 0.2, None),  # 40 mm in all: no signal
    ],
)
def test_rain_level_is_the_cma_rainstorm_signal(mm_h, hours, level):
    assert rain_level(mm_h, hours) == level


def test_every_listed_level_is_read():
    assert {level_of(t) for t in LEVEL_CHOICES} == {1, 2, 3, 4}


# ------------------------------------------------------------------ drawing
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), lead=st.floats(0, 48), area=st.sampled_from(
    ["footprint", "all", {"at": "random", "radius_m": 3000}]))  # fmt: skip
def test_a_warning_changes_no_incident_and_is_issued_lead_hours_ahead(county, seed, lead, area):
    warning = {"level": "orange", "lead_h": lead, "area": area}
    plain = generate_stream(_spec(RAIN, TYPHOON), county, rng=seed)
    warned = generate_stream(
        _spec({**RAIN, "warning": warning}, {**TYPHOON, "warning": warning}), county, rng=seed
    )
    assert plain.warnings == ()
    for col in ("time", "node", "hazard", "grade", "control_work", "parent"):
        np.testing.assert_array_equal(getattr(plain, col), getattr(warned, col))
    assert [d.start for d in plain.disruptions] == [d.start for d in warned.disruptions]
    rain, typhoon = sorted(warned.warnings, key=lambda w: w.event)
    assert (rain.event, rain.hazard, typhoon.hazard) == ("events[0]", "rainstorm", "typhoon")
    for w, ev in ((rain, RAIN), (typhoon, TYPHOON)):
        assert w.level == 2 and w.colour == "orange"
        assert w.start == ev["start_h"] * 60 and w.end == (ev["start_h"] + ev["duration_h"]) * 60
        assert w.lead == pytest.approx(lead * 60, abs=1e-9)
        assert w.issue == pytest.approx(w.start - lead * 60, abs=1e-9)
        assert np.all(np.diff(w.nodes) > 0)
    if area == "all":
        assert len(rain.nodes) == county.n_nodes
    geo = Geography(county)
    if area == "footprint":  # the storm's circle around the centre
        x, y = geo.xy[geo.centre]
        np.testing.assert_array_equal(rain.nodes, geo.nodes_within(x, y, RAIN["radius_m"]))
        assert len(typhoon.nodes) > len(rain.nodes)  # the swept track is wider


def test_with_lead_warns_every_weather_event_at_its_signal_level(county):
    faint = {**RAIN, "intensity_mm_h": 2, "start_h": 20}
    own = {**TYPHOON, "warning": {"level": "blue", "lead_h": 1, "area": "all"}}
    spec = with_lead(_spec(RAIN, faint, own), 12)
    rain, none, typhoon = spec.events
    assert rain.warning == EarlyWarning(level=rain_level(40, 6), lead_h=12)
    assert none.warning is None  # 2 mm/h for 6 h: below the blue signal
    assert typhoon.warning.level == 4 and typhoon.warning.lead_h == 12
    assert typhoon.warning.area_radius_m == math.inf
    stream = generate_stream(spec, county, rng=3)
    assert sorted(w.issue for w in stream.warnings) == [-120.0, 0.0]
    assert all(isinstance(w, ScheduledWarning) for w in stream.warnings)
