"""Two design points that are one run config are refused, like listed levels that repeat.

A hypercube over a factor of whole numbers can draw one number twice; listed
levels can mean the same (``0`` and ``0.0``). Either would run identical seeds
on an identical config: wasted runs, and a baseline that matches two points.
"""

from __future__ import annotations

import pytest

from experiments.design import ExperimentSpec
from networks.errors import ConfigError
from tests.experiments.cli_calls import one_line, run


def _data(**over) -> dict:
    data = {
        "name": "lhs",
        "root_seed": 1,
        "lhs_samples": 6,
        "base": {"network": {"synthetic": "county"}},
        "factors": [{"key": "facilities.township_stations", "lhs": [8, 10], "integer": True}],
    }
    return {**data, **over}


def test_more_whole_number_samples_than_numbers_are_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        ExperimentSpec.from_dict(_data(), source="lhs.toml", base_dir=tmp_path)
    assert err.value.key == "lhs_samples"
    text = str(err.value)
    assert "the same design point (facilities.township_stations=" in text
    assert "3 combinations for lhs_samples = 6" in text


def test_the_refusal_is_one_line_of_plan(tmp_path, capsys):
    path = tmp_path / "lhsint.toml"
    path.write_text(
        'name = "b"\nreplications = 2\nroot_seed = 1\nlhs_samples = 6\n[base.network]\n'
        'synthetic = "county"\n[[factors]]\nkey = "facilities.township_stations"\n'
        "lhs = [8, 10]\ninteger = true\n"
    )
    code, out, err = run(capsys, "experiment", "plan", path)
    assert code == 2 and not out
    assert one_line(err).startswith(f"yingji: error: {path}: lhs_samples: hypercube points ")


def test_distinct_whole_number_samples_are_kept(tmp_path):
    spec = ExperimentSpec.from_dict(_data(lhs_samples=3, lhs_seed=4), source="x", base_dir=tmp_path)
    levels = sorted(dict(p.values)["facilities.township_stations"] for p in spec.points())
    assert levels == [8, 9, 10]


def test_a_hypercube_crossed_with_a_grid_repeats_nothing_across_grid_levels(tmp_path):
    grid = {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]}
    factors = [grid, {"key": "run.travel_noise", "lhs": [0.0, 0.3]}]
    spec = ExperimentSpec.from_dict(_data(factors=factors), source="x", base_dir=tmp_path)
    assert len({p.config_hash for p in spec.points()}) == 12


def test_listed_levels_that_mean_the_same_config_are_refused(tmp_path):
    data = _data(lhs_samples=0, factors=[{"key": "run.travel_noise", "levels": [0, 0.0]}])
    with pytest.raises(ConfigError) as err:
        ExperimentSpec.from_dict(data, source="x", base_dir=tmp_path)
    assert err.value.key == "factors"
    assert "design points p000 (run.travel_noise=0) and p001 (" in str(err.value)
