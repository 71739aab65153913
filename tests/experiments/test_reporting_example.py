"""examples/reporting.toml: the experiment is valid and its factor staffs the township desks.

No replication runs here; the experiment itself is run in the docs (docs/simulation.md).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from experiments.runner import desks_and_rules
from experiments.spec import ExperimentSpec
from sim.duty import DEFAULT_OFFICERS, DutyDesks

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "reporting.toml"
KEY = "duty.township.officers"


@pytest.fixture(scope="module")
def spec() -> ExperimentSpec:
    return ExperimentSpec.from_file(EXAMPLE)


def test_the_example_validates_with_its_metrics(spec):
    spec.check_metrics()  # every metric is one the simulation's summary has
    assert spec.factor_keys == (KEY,)
    assert {"reporting_late", "reporting_missed", "duty_utilisation_township"} <= set(spec.metrics)
    assert spec.baseline_point() is spec.points()[0]
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["description_zh"] and "\n" not in data["description_zh"]


def test_the_factor_reaches_the_township_desks_and_nothing_else(spec):
    points = spec.points()
    assert [dict(p.values)[KEY] for p in points] == [1, 3]
    region = points[0].config.region()
    staffed = []
    for p in points:
        duty, rules = desks_and_rules(p.config, region)
        assert isinstance(duty, DutyDesks) and duty.receiving == "township"
        assert duty.staff["township"].shifts == ((0.0, dict(p.values)[KEY]),)
        # The levels above keep their default staffing.
        for level in ("county", "city"):
            assert duty.staff[level].most == DEFAULT_OFFICERS[level]
        assert rules is not None and rules.name == "national"
        staffed.append(duty.staff["township"].officers_at(0.0))
    assert staffed == [1, 3]
    # Only the staffing differs, so the points face the same incidents (same map and
    # scenario) and their comparison is paired.
    a, b = (p.config.to_dict() for p in points)
    assert a.pop("duty") != b.pop("duty")
    assert a == b
    assert points[0].config_hash != points[1].config_hash
    assert a["scenario"]["name"] == "rainstorm_72h" and a["network"]["synthetic"] == "county"
