"""[moveup] in a run config: checked before any work, in the outputs, and the shipped example."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.runner import moveup_spec, run_replication
from experiments.spec import ExperimentSpec
from networks import i18n
from networks.errors import ConfigError
from networks.names import facility_label
from sim.moveup_spec import MoveupSpec

REPO = Path(__file__).resolve().parents[2]
BASE = {"network": {"synthetic": "county"}, "scenario": {"name": "typical_week"}}


def _config(moveup, **more):
    return RunConfig.from_dict({**BASE, "moveup": moveup, **more}, source="run.toml")


def test_moveup_round_trips_and_stays_off_without_the_table():
    cfg = _config({"policy": "mexclp", "threshold": 0.8, "capabilities": ["fire"],
                   "keep_last_team": True})  # fmt: skip
    again = RunConfig.from_dict(cfg.to_dict(), source="run.toml")
    assert again == cfg and again.to_dict()["moveup"]["threshold"] == 0.8
    spec = moveup_spec(cfg, cfg.region())
    assert spec.policy == "mexclp" and spec.capabilities == ("fire",) and spec.keep_last_team
    assert not MoveupSpec.from_dict({}).keep_last_team
    assert MoveupSpec.from_dict(spec.to_dict() | {"busy_probability": 0.1}).threshold == 0.8
    plain = RunConfig.from_dict(BASE, source="run.toml")
    assert plain.moveup is None and "moveup" not in plain.to_dict()
    rec = run_replication(plain, replication=0).records
    assert rec.moves is None and rec.coverage is None


@pytest.mark.parametrize(
    ("moveup", "key"),
    [
        ({"policy": "teleport"}, "moveup.policy"),
        ({"speed": 3}, "moveup.speed"),
        ({"capabilities": ["fire", "dragons"]}, "moveup.capabilities[1]"),
        ({"capabilities": "fire"}, "moveup.capabilities"),
        ({"max_travel_min": 0}, "moveup.max_travel_min"),
        ({"min_minutes_between_moves": -5}, "moveup.min_minutes_between_moves"),
        ({"max_moves_per_day": -1}, "moveup.max_moves_per_day"),
        ({"busy_probability": 1.5}, "moveup.busy_probability"),
        ({"demand": "everywhere"}, "moveup.demand"),
        ({"keep_last_team": "yes"}, "moveup.keep_last_team"),
        ({"tables": {"fire": [["A", "B"]]}}, "moveup.tables.fire[0]"),
        ({"tables": {"unicorn": [["A"]]}}, "moveup.tables.unicorn"),
    ],
)
def test_a_mistake_names_its_key(moveup, key):
    with pytest.raises(ConfigError) as exc:
        _config(moveup)
    assert exc.value.key == key and "run.toml" in str(exc.value)


def test_a_table_naming_no_station_of_the_region_is_refused_with_its_key():
    cfg = _config({"tables": {"fire": [["City Station"], ["City Station", "Atlantis Station"]]}})
    with pytest.raises(ConfigError) as exc:
        moveup_spec(cfg, cfg.region())
    assert exc.value.key == "moveup.tables.fire[1][1]"


def test_a_table_may_name_stations_as_the_chinese_outputs_print_them():
    # 西坝镇应急救援站 is what a Chinese run prints for Xiba Station: the same station
    cfg = _config(
        {"tables": {"fire": [["西坝镇应急救援站"], ["City Station", "西坝镇应急救援站"]]}}
    )
    with i18n.language("zh"):
        assert facility_label("Xiba Station") == "西坝镇应急救援站"
    spec = moveup_spec(cfg, cfg.region())
    assert dict(spec.tables)["fire"] == (("Xiba Station",), ("City Station", "Xiba Station"))
    cfg = _config({"tables": {"fire": [["西坝应急站"]]}})
    with pytest.raises(ConfigError) as exc:
        moveup_spec(cfg, cfg.region())
    # the message lists the stations a table may name
    assert exc.value.key == "moveup.tables.fire[0][0]" and "Xiba Station" in str(exc.value)


def test_a_bad_moveup_table_exits_2_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[network]\nsynthetic = "county"\n[moveup]\nmax_travel_min = -5\n')
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", str(bad), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert str(bad) in lines[0] and "moveup.max_travel_min" in lines[0]


def test_the_run_writes_moves_and_coverage_and_prints_them(tmp_path, capsys):
    from experiments.cli import main

    cfg = tmp_path / "week.toml"
    cfg.write_text('[network]\nsynthetic = "county"\n[scenario]\nname = "typical_week"\n'
                   '[moveup]\npolicy = "compliance"\n[run]\nreplications = 2\n')  # fmt: skip
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out), "--no-plots"]) == 0
    text = capsys.readouterr().out
    assert "demand covered by a free team" in text and "move-ups per day" in text
    for name in ("moves", "coverage"):
        assert (out / "records" / "rep-000" / f"{name}.csv").is_file()


# ----------------------------------------------------------------- examples/moveup.toml

EXAMPLE = REPO / "examples" / "moveup.toml"
KEY = "moveup.policy"


def test_the_example_compares_the_policies_on_the_same_incidents():
    spec = ExperimentSpec.from_file(EXAMPLE)
    spec.check_metrics()  # every metric is one the simulation's summary has
    assert spec.factor_keys == (KEY,) and dict(spec.baseline_point().values)[KEY] == "none"
    assert {"moveup_coverage_share", "compliance_arrival", "moveup_moves_per_day"} <= set(
        spec.metrics
    )
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["description_zh"] and "\n" not in data["description_zh"]
    assert data["base"]["network"] == {"synthetic": "county"}
    points = spec.points()
    dicts = [p.config.to_dict() for p in points]
    policies = [d["moveup"].pop("policy") for d in dicts]
    assert policies == ["none", "compliance", "mexclp"] and dicts[0] == dicts[1] == dicts[2]
    # Replication 0 of every point: the same incidents; "none" moves nobody.
    runs = [run_replication(p.config, replication=0, root_seed=spec.root_seed) for p in points]
    calls = [r.records.incidents["call"] for r in runs]
    np.testing.assert_array_equal(calls[0], calls[1])
    np.testing.assert_array_equal(calls[0], calls[2])
    assert runs[0].summary["moveup_moves"] == 0 and runs[1].summary["moveup_moves"] > 0


@pytest.mark.parametrize(
    ("moveup", "words"),
    [
        ('policy = "mexclp"\n', "moveup.tables.fire: not read (read by policy"),
        ('capabilities = ["medical"]\n',
         "moveup.tables.fire: not read (not among the capabilities that move (medical))"),
    ],
)  # fmt: skip
def test_a_table_nothing_reads_is_allowed_but_yingji_run_warns(tmp_path, capsys, moveup, words):
    # An experiment may cross a bureau's table with other policies; a run alone warns.
    from experiments.cli import main

    path = tmp_path / "run.toml"
    path.write_text(
        '[network]\nsynthetic = "county"\n[run]\nhorizon_min = 60\n'
        f'[moveup]\n{moveup}[moveup.tables]\nfire = [["City Station"]]\n',
        encoding="utf-8",
    )
    args = ["--lang", "en", "run", str(path), "--out", str(tmp_path / "o"), "--no-plots"]
    assert main([*args, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert words in err and str(path) in err
    # Under the compliance policy the same table is read: no warning.
    path.write_text(path.read_text("utf-8").replace(moveup, ""), encoding="utf-8")
    assert main([*args, "--quiet", "--overwrite"]) == 0
    assert "not read" not in capsys.readouterr().err


def test_the_python_api_reads_a_stations_chinese_name_as_the_run_config_does():
    import sim
    from networks import synthetic_county
    from scenarios import generate_stream, load_scenario

    net = synthetic_county()
    stations, depots = sim.default_facilities(net)
    stream = generate_stream(load_scenario("typical_week"), net, rng=np.random.default_rng(1))

    def run(name: str):
        spec = MoveupSpec.from_dict({"policy": "compliance", "tables": {"fire": [[name]]}})
        return sim.run(net, stations, depots, stream, rng=np.random.default_rng(2), moveup=spec,
                       horizon=600)  # fmt: skip

    assert run("西坝镇应急救援站").equals(run("Xiba Station"))
