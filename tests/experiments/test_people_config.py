"""[people] in a run config: checked before any work, placed per region, in outputs and sitings."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.runner import people_spec, run_replication
from experiments.siting.evaluate import PEOPLE_METRICS, STATION_METRICS, evaluate_siting
from experiments.spec import ExperimentSpec
from networks.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
BASE = {"network": {"synthetic": "county"}, "scenario": {"name": "typical_week"}}


def _config(people, **more):
    return RunConfig.from_dict({**BASE, "people": people, **more}, source="run.toml")


def test_people_round_trip_and_stay_off_without_the_table():
    cfg = _config({"station_capacity": 500, "hazards": {"building_fire": {"trapped": 2}}})
    again = RunConfig.from_dict(cfg.to_dict(), source="run.toml")
    assert again == cfg and again.to_dict()["people"]["station_capacity"] == 500
    plain = RunConfig.from_dict(BASE, source="run.toml")
    assert plain.people is None and "people" not in plain.to_dict()
    assert run_replication(plain, replication=0).records.people is None


@pytest.mark.parametrize(
    ("people", "key"),
    [
        ({"hazards": {"alien_invasion": {"trapped": 1}}}, "people.hazards.alien_invasion"),
        ({"hazards": {"building_fire": {"trapped": -1}}}, "people.hazards.building_fire.trapped"),
        ({"hazards": {"building_fire": {"buried": 1}}}, "people.hazards.building_fire.buried"),
        ({"rescue_per_hour": {"dogs": 1}}, "people.rescue_per_hour.dogs"),
        ({"evacuation_batch": 0}, "people.evacuation_batch"),
        ({"shelters": "schools"}, "people.shelters"),
        ({"shelters": [{"name": "A", "capacity": 10}]}, "people.shelters[0].location"),
        ({"survival": {"hours": [1, 2], "alive": [0.2, 0.8]}}, "people.survival.alive"),
    ],
)
def test_a_mistake_names_its_key(people, key):
    with pytest.raises(ConfigError) as exc:
        _config(people)
    assert exc.value.key == key and "run.toml" in str(exc.value)


def test_shelters_are_placed_on_the_region_and_off_the_map_is_refused():
    cfg = _config({"shelters": [{"name": "School", "location": "landmark:Xiba Town",
                                 "capacity": 800}]})  # fmt: skip
    region = cfg.region()
    spec = people_spec(cfg, region)
    xiba = next(lm.node for lm in region.network.landmarks if lm.name == "Xiba Town")
    assert [(s.name, s.node, s.capacity) for s in spec.shelters] == [("School", xiba, 800)]
    bad = _config({"shelters": [{"name": "S", "location": "landmark:Atlantis", "capacity": 1}]})
    with pytest.raises(ConfigError) as exc:
        people_spec(bad, region)
    assert exc.value.key == "people.shelters[0].location"
    # A station capacity beside a list of shelters would change nothing: named, not ignored.
    both = {"station_capacity": 1000, "shelters": [{"name": "A", "location": 3, "capacity": 800}]}
    with pytest.raises(ConfigError) as exc:
        people_spec(_config(both), region)
    assert exc.value.key == "people.station_capacity" and '"stations"' in str(exc.value)


def test_a_bad_people_table_exits_2_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[network]\nsynthetic = "county"\n[people]\nstation_capacity = -5\n')
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", str(bad), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert str(bad) in lines[0] and "people.station_capacity" in lines[0]


def test_the_run_writes_people_and_shelters_and_prints_lives(tmp_path, capsys):
    from experiments.cli import main

    cfg = tmp_path / "quake.toml"
    cfg.write_text('[network]\nsynthetic = "county"\n[scenario]\nname = "earthquake_m6"\n'
                   "[people]\n[run]\nreplications = 2\n")  # fmt: skip
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out), "--no-plots"]) == 0
    text = capsys.readouterr().out
    assert "people rescued alive" in text and "deaths due to delay" in text
    for name in ("people", "shelters"):
        assert (out / "records" / "rep-000" / f"{name}.csv").is_file()
    rep = json.loads((out / "summary.json").read_text())["replications"][0]
    assert rep["people_trapped"] == (
        rep["people_rescued_alive"] + rep["people_died_waiting"] + rep["people_not_reached"]
    )


def test_a_siting_evaluation_compares_lives_when_the_config_has_people():
    cfg = _config({}, run={"horizon_min": 2880})
    region = cfg.region()
    fewer = dataclasses.replace(region, stations=region.stations[:7])
    ev = evaluate_siting(cfg, region, fewer, 2)
    assert ev.metrics == (*STATION_METRICS, *PEOPLE_METRICS)
    t = ev.table()
    row = t["metric"].index("people_rescued_alive")
    assert np.isfinite(t["current"][row]) and np.isfinite(t["diff"][row])
    plain = RunConfig.from_dict(BASE, source="run.toml")
    assert evaluate_siting(plain, region, region, 2).metrics == STATION_METRICS


# ----------------------------------------------------------------- examples/people.toml

EXAMPLE = REPO / "examples" / "people.toml"
KEY = "facilities.township_stations"


def test_the_example_compares_station_counts_on_the_same_people():
    spec = ExperimentSpec.from_file(EXAMPLE)
    spec.check_metrics()  # every metric is one the simulation's summary has
    assert spec.factor_keys == (KEY,) and dict(spec.baseline_point().values)[KEY] == 10
    assert {"people_rescued_alive", "people_delay_deaths"} <= set(spec.metrics)
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["description_zh"] and "\n" not in data["description_zh"]
    points = spec.points()
    a, b = (p.config.to_dict() for p in points)
    assert a.pop("facilities") != b.pop("facilities") and a == b  # only the stations differ
    assert a["scenario"]["name"] == "earthquake_m6" and "people" in a
    # Replication 0 of both points: the same incidents and the same people.
    runs = [run_replication(p.config, replication=0, root_seed=spec.root_seed) for p in points]
    one, two = (r.records.people for r in runs)
    np.testing.assert_array_equal(one["incident"], two["incident"])
    np.testing.assert_array_equal(one["trapped"], two["trapped"])
    assert runs[0].summary["people_trapped"] > 0
