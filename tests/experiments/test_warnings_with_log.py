"""[warnings] with a replayed incident log: refused before any work, in one line, exit 2.

A log holds incidents, not the weather events a warning is issued for, so the
plan would silently do nothing (audit_ops finding 3): ``yingji run`` refuses
the pair before reading the log, ``yingji replay --config`` before simulating.
A drawn scenario keeps its warnings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.cli import main
from experiments.config import RunConfig
from experiments.runner import run_replication
from experiments.spec import ExperimentSpec
from networks.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
LOG = "time,node,hazard,grade\n30,5,building_fire,IV\n95,40,waterlogging,III\n"
BASE = {"network": {"synthetic": "county"}, "run": {"horizon_min": 1440, "replications": 1}}


def _log(folder: Path) -> Path:
    path = folder / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def _replayed(folder: Path, warnings: dict | None) -> dict:
    data = {**BASE, "scenario": {"name": "typhoon_landfall", "incidents": str(_log(folder))}}
    return data if warnings is None else {**data, "warnings": warnings}


@pytest.mark.parametrize("warnings", [{}, {"lead_h": 24}, {"orange": {"stage_share": 1.0}}])
def test_a_log_with_a_warning_plan_is_refused_naming_the_file_and_key(tmp_path, warnings):
    with pytest.raises(ConfigError) as exc:
        RunConfig.from_dict(_replayed(tmp_path, warnings), source="run.toml", base_dir=tmp_path)
    message = str(exc.value)
    assert exc.value.key == "warnings" and message.startswith("run.toml: warnings: ")
    assert "scenario.incidents" in message and "\n" not in message


def test_the_log_is_not_read_before_the_refusal(tmp_path):
    # A log that does not exist would be its own error; the combination is refused first.
    data = _replayed(tmp_path, {"lead_h": 6})
    data["scenario"]["incidents"] = str(tmp_path / "no_such_log.csv")
    with pytest.raises(ConfigError) as exc:
        RunConfig.from_dict(data, source="run.toml", base_dir=tmp_path)
    assert exc.value.key == "warnings"


def test_the_same_log_without_warnings_and_a_drawn_scenario_with_them_still_run(tmp_path):
    log_only = RunConfig.from_dict(_replayed(tmp_path, None), source="run.toml")
    assert log_only.incidents is not None and log_only.warnings is None
    drawn = RunConfig.from_dict(
        {**BASE, "scenario": {"name": "typhoon_landfall"}, "warnings": {"lead_h": 12}},
        source="run.toml",
    )
    summary = run_replication(drawn, replication=0).summary
    assert summary["warning_issued"] >= 1 and summary["warning_teams_staged"] > 0


@pytest.mark.parametrize(("lang", "prefix"), [("en", "yingji: error: "), ("zh", "yingji：错误：")])
def test_the_command_refuses_it_in_one_line_with_exit_2_and_writes_nothing(
    tmp_path, capsys, lang, prefix
):
    _log(tmp_path)
    cfg = tmp_path / "replay.toml"
    cfg.write_text(
        '[network]\nsynthetic = "county"\n[scenario]\nname = "typhoon_landfall"\n'
        'incidents = "log.csv"\n[warnings]\nlead_h = 24\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["--lang", lang, "run", str(cfg), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(prefix), err
    assert f"{cfg}: warnings: " in err[0]
    assert not out.exists()


def test_an_experiment_replaying_a_log_with_warnings_is_refused(tmp_path):
    _log(tmp_path)
    base = _replayed(tmp_path, {})
    base["scenario"]["incidents"] = "log.csv"  # beside the experiment file
    data = {"name": "x", "replications": 1, "base": base,
            "factors": [{"key": "warnings.lead_h", "levels": [0, 6]}]}  # fmt: skip
    with pytest.raises(ConfigError) as exc:
        ExperimentSpec.from_dict(data, source="exp.toml", base_dir=tmp_path).points()
    assert "warnings" in str(exc.value) and "\n" not in str(exc.value)


def test_a_replay_with_a_warning_plan_in_its_config_is_refused_before_simulating(tmp_path, capsys):
    cfg = tmp_path / "region.toml"
    cfg.write_text(
        '[network]\nsynthetic = "county"\n[run]\nreplications = 2\n[warnings]\nlead_h = 12\n',
        encoding="utf-8",
    )
    log = REPO / "examples" / "replay" / "county_log.csv"
    out = tmp_path / "out"
    status = main(["replay", str(log), "--config", str(cfg), "--no-plots", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and f"{cfg}: warnings: " in err[0], err
    assert not out.exists()
