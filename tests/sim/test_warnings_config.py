"""[warnings] in a run config: checked before any work, off without it, and the example."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from experiments.cli import main
from experiments.config import RunConfig
from experiments.runner import run_replication, warning_plan
from experiments.spec import ExperimentSpec
from networks.errors import ConfigError
from sim.warnings import DEFAULT_LEVELS, WarningPlan

REPO = Path(__file__).resolve().parents[2]
BASE = {"network": {"synthetic": "county"}, "scenario": {"name": "typhoon_landfall"},
        "run": {"horizon_min": 1440}}  # fmt: skip


def _config(warnings, **more):
    return RunConfig.from_dict({**BASE, "warnings": warnings, **more}, source="run.toml")


def test_the_plan_round_trips_and_levels_left_out_keep_their_defaults():
    cfg = _config({"lead_h": 6, "orange": {"stage_share": 0.25, "desk_officers": {"city": 2}}})
    again = RunConfig.from_dict(cfg.to_dict(), source="run.toml")
    assert again == cfg
    plan = warning_plan(cfg)
    assert plan.lead_h == 6 and plan.level(1) == DEFAULT_LEVELS["red"]
    orange = plan.level(2)
    assert orange.stage_share == 0.25 and orange.desk_officers == (("city", 2),)
    assert orange.stock_share == DEFAULT_LEVELS["orange"].stock_share
    assert WarningPlan.from_dict(plan.to_dict()) == plan
    # Higher levels do more, sooner.
    red, orange, yellow, blue = (DEFAULT_LEVELS[c] for c in ("red", "orange", "yellow", "blue"))
    for hi, lo in ((red, orange), (orange, yellow), (yellow, blue)):
        assert hi.stage_share >= lo.stage_share and hi.stock_share >= lo.stock_share
        assert hi.stage_delay_h <= lo.stage_delay_h and hi.stock_delay_h <= lo.stock_delay_h
        assert sum(n for _, n in hi.desk_officers) >= sum(n for _, n in lo.desk_officers)


def test_without_the_table_a_run_has_no_warnings():
    plain = RunConfig.from_dict(BASE, source="run.toml")
    assert plain.warnings is None and "warnings" not in plain.to_dict()
    rec = run_replication(plain, replication=0).records
    assert rec.warnings is None and rec.warned is None and rec.moves is None
    assert not any(k.startswith("warning_") for k in run_replication(plain, replication=0).summary)


@pytest.mark.parametrize(
    ("warnings", "key"),
    [
        ({"purple": {}}, "warnings.purple"),
        ({"lead_h": -1}, "warnings.lead_h"),
        ({"stand_down_h": -2}, "warnings.stand_down_h"),
        ({"stage_from": ["village"]}, "warnings.stage_from"),
        ({"stage_capabilities": ["boats"]}, "warnings.stage_capabilities"),
        ({"orange": {"stage_share": 1.5}}, "warnings.orange.stage_share"),
        ({"red": {"stock_delay_h": -1}}, "warnings.red.stock_delay_h"),
        ({"blue": {"desk_officers": {"village": 1}}}, "warnings.blue.desk_officers.village"),
        ({"yellow": {"desk_officers": {"county": -1}}}, "warnings.yellow.desk_officers.county"),
        ({"red": {"boats": 3}}, "warnings.red.boats"),
    ],
)
def test_a_mistake_names_its_key(warnings, key):
    with pytest.raises(ConfigError) as exc:
        _config(warnings)
    assert exc.value.key == key and "run.toml" in str(exc.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(["county", "village"], "'village'"), (["county", 3], "3"), ("county", "'county'")],
)
def test_a_bad_tier_list_names_the_entry_that_is_wrong(value, shown):
    with pytest.raises(ConfigError) as exc:
        _config({"stage_from": value})
    text = str(exc.value)
    assert shown in text and "township" in text  # what is wrong, and what would do
    assert "'county'," not in text  # not the whole list echoed back when one entry is wrong


@pytest.mark.parametrize(
    ("table", "key"),
    [("[warnings]\nlead_h = -6\n", "warnings.lead_h"),
     ("[warnings.amber]\nstage_share = 0.5\n", "warnings.amber")],
)  # fmt: skip
def test_the_command_line_refuses_a_bad_plan_in_one_line_with_exit_2(tmp_path, capsys, table, key):
    bad = tmp_path / "bad.toml"
    bad.write_text('[network]\nsynthetic = "county"\n' + table, encoding="utf-8")
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and key in err[0], err


def test_a_bad_warning_in_a_scenario_file_stops_the_command(tmp_path, capsys):
    scen = tmp_path / "storm.toml"
    scen.write_text(
        'name = "storm"\nduration_h = 24\n[[events]]\ntype = "rainstorm"\nstart_h = 6\n'
        'duration_h = 4\nintensity_mm_h = 40\nwarning = { level = "amber", lead_h = 6 }\n',
        encoding="utf-8",
    )
    run = tmp_path / "run.toml"
    run.write_text(f'[network]\nsynthetic = "county"\n[scenario]\nfile = "{scen.name}"\n')
    assert main(["run", str(run), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(scen) in err[0] and "events[0].warning.level" in err[0], err


def test_the_lead_time_of_the_plan_warns_the_scenario_and_changes_no_incident():
    runs = {lead: run_replication(_config({"lead_h": lead}), replication=1) for lead in (0, 12)}
    a, b = runs[0].records, runs[12].records
    np.testing.assert_array_equal(a.incidents["call"], b.incidents["call"])
    np.testing.assert_array_equal(a.warned["incident"], b.warned["incident"])
    assert a.warnings["level"].tolist() == ["orange"]  # the typhoon's 30 mm/h CMA signal
    assert b.warnings["issue"][0] == b.warnings["start"][0] - 12 * 60
    assert runs[0].summary["warning_teams_staged"] == 0 < runs[12].summary["warning_teams_staged"]
    plain = run_replication(RunConfig.from_dict(BASE, source="run.toml"), replication=1).records
    for name, table in plain.tables().items():  # lead 0: the county without warning
        for col, x in table.items():
            np.testing.assert_array_equal(x, a.tables()[name][col], err_msg=f"{name}.{col}")


# ----------------------------------------------------------------- examples/warning_lead.toml
EXAMPLE = REPO / "examples" / "warning_lead.toml"
KEY = "warnings.lead_h"


def test_the_example_varies_the_lead_time_on_the_same_incidents():
    spec = ExperimentSpec.from_file(EXAMPLE)
    spec.check_metrics()  # every metric is one the simulation's summary has
    assert spec.factor_keys == (KEY,) and dict(spec.baseline_point().values)[KEY] == 0
    assert [dict(p.values)[KEY] for p in spec.points()] == [0, 6, 24]
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["description_zh"] and data["base"]["network"]["synthetic"] == "county"
    configs = [p.config.to_dict() for p in spec.points()]
    leads = [c["warnings"].pop("lead_h") for c in configs]
    assert leads == [0, 6, 24] and configs[0] == configs[1] == configs[2]
    # the typhoon comes late enough for the longest lead's warning to be issued within the
    # run: one issued before minute 0 has its actions taken at minute 0, and 24 h would
    # read as "done before the run" (the shipped typhoon_landfall comes at hour 12)
    import scenarios

    typhoon = scenarios.load_scenario(configs[0]["scenario"]["file"]).events[0]
    assert type(typhoon).__name__ == "Typhoon" and typhoon.start_h >= max(leads)
