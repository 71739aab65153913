"""Warning levels as a bureau writes them: 橙色, 橙, Ⅱ and II are orange (audit_ops finding 4).

In a scenario's ``warning = { level = ... }`` and as the name of a plan table
(``[warnings.II]``, ``[warnings."橙色"]``); records and the plan keep the
English colour, and one level named twice in a ``[warnings]`` is refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.cli import main
from experiments.config import RunConfig
from experiments.runner import run_replication, warning_plan
from networks.errors import ConfigError
from scenarios.warnings import LEVEL_COLOURS, LEVEL_NAMES, EarlyWarning, level_of
from sim.warnings import DEFAULT_LEVELS, WarningPlan

#: (name, level, colour) for every accepted name of every level.
NAMES = [
    (name, level, LEVEL_COLOURS[level - 1])
    for level, names in enumerate(LEVEL_NAMES, 1)
    for name in names
]
CHINESE = {"红色": 1, "红": 1, "橙色": 2, "橙": 2, "黄色": 3, "黄": 3, "蓝色": 4, "蓝": 4,
           "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}  # fmt: skip


@pytest.mark.parametrize(("name", "level"), sorted(CHINESE.items()))
def test_the_bureaus_forms_name_the_level_in_a_scenario_warning(name, level):
    assert level_of(name) == level
    w = EarlyWarning.from_dict({"level": name, "lead_h": 6}, source="s.toml", key="warning")
    assert w.level == level
    assert w.to_dict()["level"] == LEVEL_COLOURS[level - 1]  # kept as the English colour


@pytest.mark.parametrize("name", ["amber", "V", "0", "橙色预警x"])
def test_a_name_of_no_level_is_still_refused(name):
    with pytest.raises(ConfigError) as exc:
        EarlyWarning.from_dict({"level": name, "lead_h": 6}, source="s.toml", key="warning")
    assert exc.value.key == "warning.level"
    with pytest.raises(ConfigError) as exc:
        WarningPlan.from_dict({name: {"stage_share": 0.5}}, source="run.toml")
    assert exc.value.key == f"warnings.{name}"


@pytest.mark.parametrize(("name", "level", "colour"), NAMES)
def test_every_name_of_a_level_is_the_same_plan_table(name, level, colour):
    table = {"stage_share": 0.125, "desk_officers": {"city": 3}}
    by_name = WarningPlan.from_dict({name: table}, source="run.toml")
    assert by_name == WarningPlan.from_dict({colour: table}, source="run.toml")
    assert by_name.level(level).stage_share == 0.125
    others = [c for c in LEVEL_COLOURS if c != colour]
    assert all(dict(by_name.levels)[c] == DEFAULT_LEVELS[c] for c in others)
    assert set(by_name.to_dict()) >= set(LEVEL_COLOURS)
    assert not set(by_name.to_dict()) & (set(CHINESE) - set(LEVEL_COLOURS))


@pytest.mark.parametrize(
    ("first", "second"), [("orange", "II"), ("橙色", "橙"), ("Ⅰ", "red"), ("IV", "蓝色")]
)
def test_one_level_named_twice_is_refused_naming_both(first, second):
    with pytest.raises(ConfigError) as exc:
        WarningPlan.from_dict({first: {}, second: {}}, source="run.toml")
    assert exc.value.key == f"warnings.{second}" and f"warnings.{first}" in str(exc.value)
    assert "\n" not in str(exc.value)


def _write(folder: Path, level: str, plan: str) -> Path:
    """A storm scenario warned at ``level`` 12 h ahead and a run config with ``plan``."""
    (folder / "storm.toml").write_text(
        'name = "storm"\nduration_h = 24\n[background.rates]\nbuilding_fire = 4.0\n'
        '[[events]]\ntype = "rainstorm"\nstart_h = 14\nduration_h = 6\nintensity_mm_h = 20\n'
        f'radius_m = 9000\nwarning = {{ level = "{level}", lead_h = 12 }}\n',
        encoding="utf-8",
    )
    run = folder / "run.toml"
    run.write_text(
        '[network]\nsynthetic = "county"\n[scenario]\nfile = "storm.toml"\n'
        f"[run]\nhorizon_min = 1440\n{plan}",
        encoding="utf-8",
    )
    return run


def test_a_run_in_chinese_terms_gives_the_records_of_the_english_one(tmp_path):
    english, chinese = tmp_path / "en", tmp_path / "zh"
    english.mkdir()
    chinese.mkdir()
    plans = {
        english: _write(english, "orange", "[warnings.orange]\nstage_share = 1.0\n"),
        chinese: _write(chinese, "橙色", '[warnings."Ⅱ"]\nstage_share = 1.0\n'),
    }
    configs = {k: RunConfig.from_file(v) for k, v in plans.items()}
    assert warning_plan(configs[chinese]) == warning_plan(configs[english])
    assert warning_plan(configs[chinese]).level(2).stage_share == 1.0
    a = run_replication(configs[english], replication=0).records
    b = run_replication(configs[chinese], replication=0).records
    assert b.warnings["level"].tolist() == ["orange"]
    assert a.moves is not None and len(a.moves["team"]) > 0  # the plan did act
    assert a.tables().keys() == b.tables().keys()
    for name, table in a.tables().items():
        for col, x in table.items():
            np.testing.assert_array_equal(x, b.tables()[name][col], err_msg=f"{name}.{col}")


def test_the_command_refuses_a_level_given_twice_in_one_line(tmp_path, capsys):
    run = _write(tmp_path, "red", '[warnings.red]\nstage_share = 1.0\n[warnings."红色"]\n')
    assert main(["run", str(run), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{run}: warnings.红色: " in err[0] and "warnings.red" in err[0]
