"""The example files under examples/scenarios/ load and sample (they are documentation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenarios import generate_stream, load_catalogue, load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def test_example_catalogue_overrides_and_adds():
    cat = load_catalogue(EXAMPLES / "my_hazards.toml")
    assert dict(cat["building_fire"].teams)["fire"] == (16, 10, 5, 3)
    assert "dam_break" in cat and cat["dam_break"].cascade[0].hazard == "flood"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*_drill.toml")), ids=lambda p: p.stem)
def test_example_scenarios_sample(path, county):
    spec = load_scenario(path)
    st = generate_stream(spec, county, rng=np.random.default_rng(0))
    assert len(st) and st.time.max() <= spec.duration_h * 60


def test_dam_break_drill_trace(county):
    spec = load_scenario(EXAMPLES / "dam_break_drill.toml")
    st = generate_stream(spec, county, rng=np.random.default_rng(0))
    dam = np.flatnonzero(st.hazard == "dam_break")
    assert dam.size == 1 and st.time[dam[0]] == 180.0 and st.grade[dam[0]] == 2
    # Grade II: a flood follows with probability 0.8, same grade, carrying the dam's id.
    floods = np.flatnonzero((st.hazard == "flood") & (st.parent == dam[0]))
    assert np.all(st.grade[floods] == 2)
    zone = [d for d in st.disruptions if d.incident == dam[0]]
    assert len(zone) == 1 and zone[0].disruption.label == "dam break flood: dam_break"
