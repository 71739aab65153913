"""Experiment specs: factors, design points, hashes, Latin hypercube and the seed tree."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.design import ExperimentSpec, config_hash, find_point
from experiments.seeding import replication_seed, replication_seeds
from networks.errors import ConfigError

BASE = {"network": {"synthetic": "county"}, "policy": {"name": "nearest_available"}}


def spec_of(tmp_path, **data):
    data.setdefault("base", BASE)
    return ExperimentSpec.from_dict(data, source="exp.toml", base_dir=tmp_path)


def test_file_with_base_config_and_inline_override(tmp_path):
    (tmp_path / "run.toml").write_text(
        '[network]\nsynthetic = "county"\nvillages = 80\n'
        '[policy]\nname = "severity_priority"\n[run]\ntravel_noise = 0.1\n'
    )
    (tmp_path / "exp.toml").write_text(
        'name = "demo"\nreplications = 5\nroot_seed = 7\n'
        'metrics = ["share_arrival"]\n'
        'baseline = { "policy.name" = "severity_priority", "network.townships" = 6 }\n'
        '[base]\nconfig = "run.toml"\n[base.run]\ntravel_noise = 0.2\n'
        '[[factors]]\nkey = "policy.name"\nlevels = ["severity_priority", "nearest_available"]\n'
        '[[factors]]\nkey = "network.townships"\nrange = [6, 10, 2]\n'
    )
    spec = ExperimentSpec.from_file(tmp_path / "exp.toml")
    pts = spec.points()
    assert len(pts) == 6 and spec.replications == 5 and spec.root_seed == 7
    # Full factorial, last factor fastest, labels in factor order.
    assert [dict(p.values)["network.townships"] for p in pts] == [6, 8, 10] * 2
    assert pts[4].label == "policy.name=nearest_available, network.townships=8"
    assert [p.id for p in pts] == ["p000", "p001", "p002", "p003", "p004", "p005"]
    cfg = pts[4].config
    assert cfg.network.townships == 8 and cfg.network.villages == 80
    assert dict(cfg.policy) == {"name": "nearest_available"}
    assert cfg.travel_noise == 0.2  # inline overrides the file
    # The experiment owns the seed; the run's own count is normalised.
    assert cfg.seed == 7 and cfg.replications == 1
    assert spec.baseline_point() is pts[0]


def test_hash_depends_on_config_and_version_only(tmp_path):
    a = spec_of(tmp_path, factors=[{"key": "network.townships", "levels": [6, 10]}])
    b = spec_of(tmp_path, factors=[{"key": "network.townships", "levels": [10, 6]}])
    assert a.points()[0].config_hash == b.points()[1].config_hash
    assert a.points()[0].config_hash != a.points()[1].config_hash
    # More replications do not change a point: an experiment can be extended.
    c = spec_of(tmp_path, replications=9, factors=[{"key": "network.townships", "levels": [6]}])
    assert c.points()[0].config_hash == a.points()[0].config_hash
    data = a.points()[0].config.to_dict()
    assert config_hash(data, version="0.1.0") != config_hash(data, version="0.2.0")
    assert a.points()[0].config_hash == config_hash(data)


def test_to_dict_round_trips(tmp_path):
    spec = spec_of(
        tmp_path,
        replications=3,
        root_seed=11,
        metrics=["arrival_mean"],
        baseline="p001",
        lhs_samples=4,
        lhs_seed=5,
        factors=[
            {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
            {"key": "run.travel_noise", "lhs": [0.0, 0.3]},
        ],
    )
    again = ExperimentSpec.from_dict(spec.to_dict(), source="exp.toml", base_dir=tmp_path)
    assert again.to_dict() == spec.to_dict()
    assert [p.config_hash for p in again.points()] == [p.config_hash for p in spec.points()]
    assert spec.baseline_point().id == "p001"


def test_float_range_is_inclusive_without_drift(tmp_path):
    spec = spec_of(tmp_path, factors=[{"key": "run.travel_noise", "range": [0.0, 0.3, 0.1]}])
    assert [dict(p.values)["run.travel_noise"] for p in spec.points()] == [0.0, 0.1, 0.2, 0.3]


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), seed=st.integers(0, 2**32))
def test_latin_hypercube_puts_one_point_in_every_stratum(tmp_path_factory, n, seed):
    spec = spec_of(
        tmp_path_factory.getbasetemp(),
        lhs_samples=n,
        root_seed=seed,
        factors=[
            {"key": "run.travel_noise", "lhs": [0.1, 0.5]},
            {"key": "network.villages", "lhs": [50, 50 + 3 * n - 1], "integer": True},
        ],
    )
    table = np.array(spec.lhs_table())
    noise, villages = table[:, 0], table[:, 1]
    # Each of the n equal bins of each range holds exactly one sample.
    assert sorted(np.floor((noise - 0.1) / 0.4 * n).astype(int)) == list(range(n))
    assert sorted(((villages - 50) // 3).astype(int)) == list(range(n))
    assert all(float(v).is_integer() for v in villages)
    assert (
        spec.lhs_table()
        == spec_of(tmp_path_factory.getbasetemp(), **{**spec.to_dict(), "base": BASE}).lhs_table()
    )


def test_hypercube_is_crossed_with_the_grid_and_seeded(tmp_path):
    factors = [
        {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
        {"key": "run.travel_noise", "lhs": [0.0, 0.3]},
    ]
    spec = spec_of(tmp_path, lhs_samples=3, factors=factors)
    pts = spec.points()
    noise = [dict(p.values)["run.travel_noise"] for p in pts]
    assert len(pts) == 6 and noise[:3] == noise[3:]  # same sample under each grid cell
    other = spec_of(tmp_path, lhs_samples=3, lhs_seed=1, factors=factors)
    assert [dict(p.values)["run.travel_noise"] for p in other.points()][:3] != noise[:3]


def test_table_valued_levels(tmp_path):
    spec = spec_of(
        tmp_path,
        factors=[
            {
                "key": "policy",
                "levels": [
                    {"name": "nearest_available"},
                    {"name": "severity_priority", "reserve": 2},
                ],
            }
        ],
    )
    assert dict(spec.points()[1].config.policy) == {"name": "severity_priority", "reserve": 2}
    assert spec.points()[1].label == 'policy={"name":"severity_priority","reserve":2}'


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        ({"replicas": 3}, "replicas", r"unknown key \(expected one of base, baseline, "),
        ({"factors": [{"key": "a", "lvls": [1]}]}, "factors[0].lvls",
         r"unknown key \(expected one of integer, key, levels, lhs, range\)"),
        ({"metrics": []}, "metrics", "at least one metric name"),
        ({"factors": [{"key": "a", "range": [0, "9"]}]}, "factors[0].range",
         "expected a finite number, got '9'"),
        ({"factors": [{"key": "a", "lhs": [0, float("inf")]}]}, "factors[0].lhs",
         "expected a finite number, got inf"),
        ({"factors": [{"key": "a", "lhs": [0, 1], "integer": 1}]}, "factors[0].integer",
         "expected true or false"),
        ({"factors": [{"key": "a", "levels": [1, 2], "integer": True}]}, "factors[0].integer",
         "lhs factors only"),
        ({"factors": [{"levels": [1, 2]}]}, "factors[0].key", 'such as key = "policy.name"'),
        ({"name": 3}, "name", "expected a string"),
        ({"base": None}, "base", "missing \\[base\\]"),
        ({"base": {"network": {"synthetic": "town"}}}, "base.network.synthetic",
         "unknown synthetic"),
        ({"replications": 0}, "replications", "must be >= 1, got 0"),
        ({"replications": 10**12}, "replications", "must be <= 10000, got 1000000000000"),
        ({"replications": 2.0}, "replications", "expected an integer, got 2.0"),
        ({"lhs_samples": 10**9, "factors": [{"key": "run.travel_noise", "lhs": [0, 1]}]},
         "lhs_samples", "must be <= 10000"),
        ({"factors": [{"key": "network.townships", "range": [0, 10**12]}]}, "factors[0].range",
         "at most 10,000 design points"),
        ({"factors": [{"key": "run.travel_noise", "range": [0.0, 1e300, 1e-300]}]},
         "factors[0].range", "at most 10,000 design points"),
        ({"factors": [{"key": f"policy.x{i}", "levels": list(range(10))} for i in range(6)]},
         "factors", "1,000,000 design points; at most 10,000"),
        ({"replications": 10_000, "factors": [{"key": "network.townships",
                                               "levels": list(range(1, 201))}]},
         "replications", "200 design points x 10,000 replications = 2,000,000 runs"),
        ({"metrics": ["replication"]}, "metrics[0]", "identifies a replication"),
        ({"root_seed": -1}, "root_seed", "integer seed"),
        ({"factors": [{"key": "run.seed", "levels": [1]}]}, "factors[0].key",
         "set by the experiment"),
        ({"factors": [{"key": "policy.name"}]}, "factors[0]", "exactly one of levels"),
        ({"factors": [{"key": "a", "levels": [1, 1]}]}, "factors[0].levels", "levels repeat"),
        ({"factors": [{"key": "a", "range": [5, 1]}]}, "factors[0].range", "start <= stop"),
        ({"factors": [{"key": "a", "lhs": [1, 0]}]}, "factors[0].lhs", "low < high"),
        ({"factors": [{"key": "run.travel_noise", "lhs": [0, 1]}]}, "lhs_samples", "lhs_samples"),
        (
            {"factors": [{"key": "policy", "levels": [{"name": "nearest_available"}]},
                         {"key": "policy.name", "levels": ["x"]}]},
            "factors[1]",
            "overlaps factors\\[0\\]",
        ),
        (
            {"factors": [{"key": "policy.name", "levels": ["nearest_available", "fastest"]}]},
            "factors[0]",
            "'fastest'.*design point policy.name=fastest",
        ),
        (
            {"factors": [{"key": "network.townships", "levels": [-2]}]},
            "factors[0]",
            ">= 0",
        ),
        (  # a misspelt factor key is shown, not only inside the point's label
            {"factors": [{"key": "policy.nmae", "levels": ["nearest_available"]}]},
            "factors[0]",
            "^exp.toml: factors\\[0\\]: policy.nmae: unknown key",
        ),
        (
            {"factors": [{"key": "network.townships", "levels": [4, 6]}],
             "baseline": {"policy.name": "x"}},
            "baseline.policy.name",
            "not a factor key",
        ),
        (
            {"factors": [{"key": "network.townships", "levels": [4, 6]}],
             "baseline": {"network.townships": 5}},
            "baseline",
            "no design point has network.townships=5 .*network.townships: 4, 6",
        ),
        ({"baseline": "p009"}, "baseline", "no design point 'p009'"),
        ({"factors": [{"key": "name", "levels": [1]}]}, "factors[0].key", "set by the experiment"),
        (
            {"factors": [{"key": "run.horizon_min", "levels": [datetime.date(2024, 1, 1)]}]},
            "factors[0].levels",
            "not dates",
        ),
    ],
)  # fmt: skip
def test_mistakes_name_the_file_and_key(tmp_path, data, key, message):
    with pytest.raises(ConfigError, match=message) as info:
        spec_of(tmp_path, **data)
    assert info.value.source == "exp.toml"
    assert info.value.key == key


def test_missing_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        ExperimentSpec.from_file(tmp_path / "nope.toml")
    (tmp_path / "exp.toml").write_text('[base]\nconfig = "missing.toml"\n')
    with pytest.raises(ConfigError, match="base.config: no such run config file: .*missing.toml"):
        ExperimentSpec.from_file(tmp_path / "exp.toml")
    (tmp_path / "bad.toml").write_text("replications = = 2")
    with pytest.raises(ConfigError, match="not valid TOML"):
        ExperimentSpec.from_file(tmp_path / "bad.toml")


def test_find_point_accepts_levels_as_text(tmp_path):
    spec = spec_of(tmp_path, factors=[{"key": "network.townships", "levels": [4, 6]}])
    assert find_point(spec.points(), {"network.townships": "6"}).index == 1
    assert find_point(spec.points(), {"id": "1"}).index == 1


@settings(max_examples=30, deadline=None)
@given(root=st.integers(0, 2**63 - 1), r=st.integers(0, 50), extra=st.integers(1, 20))
def test_replication_seed_is_the_spawned_child_whatever_the_count(root, r, extra):
    child = np.random.SeedSequence(root).spawn(r + extra)[r]
    mine = replication_seed(root, r)
    assert np.array_equal(mine.generate_state(4), child.generate_state(4))
    assert np.array_equal(
        replication_seeds(root, r + 1)[r].generate_state(4), child.generate_state(4)
    )


def test_seed_tree_matches_the_runner():
    runner = pytest.importorskip("experiments.runner")
    for r in (0, 3):
        inc, resp = runner.replication_seeds(2024, r)
        mine = replication_seed(2024, r).spawn(2)
        assert np.array_equal(inc.generate_state(4), mine[0].generate_state(4))
        assert np.array_equal(resp.generate_state(4), mine[1].generate_state(4))


def test_integer_false_on_a_levels_factor_is_accepted(tmp_path):
    factors = [{"key": "policy.name", "levels": ["nearest_available"], "integer": False}]
    assert len(spec_of(tmp_path, factors=factors).points()) == 1


def test_a_report_of_a_folder_that_is_not_there_says_so(tmp_path):
    from experiments.manifest import read_manifest

    with pytest.raises(ConfigError, match="no such folder"):
        read_manifest(tmp_path / "no_such_dir")
    with pytest.raises(ConfigError, match="no manifest.json"):
        read_manifest(tmp_path)  # there, but nobody's experiment
