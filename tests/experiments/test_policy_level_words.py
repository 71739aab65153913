"""Whole-table factor levels in words in Chinese, and ``experiment plan`` as the report reads."""

from __future__ import annotations

import re

import pytest

from experiments.analysis import factor_text, level_text, point_text
from experiments.cli import main
from experiments.design import ExperimentSpec
from experiments.outputs import policy_label
from networks.i18n import _, language
from tests.conftest import REPO

CUSTOM = {"name": "policies.seat_reserve:SeatReserve", "area": "County Seat", "reserve": 1}
JSONISH = re.compile(r'[{}"]')


def test_a_shipped_policy_table_reads_as_its_chinese_name():
    with language("zh"):
        assert level_text("policy", {"name": "nearest_available"}) == "就近调派"
        shown = level_text("policy", {"name": "severity_priority", "reserve": 2})
        assert shown.startswith(policy_label("severity_priority"))
        assert _("{key}={value}").format(key=factor_text("policy.reserve"), value="2") in shown
        assert not JSONISH.search(shown) and "severity_priority" not in shown


def test_a_custom_policy_table_names_its_parameters_without_json():
    with language("zh"):
        shown = point_text({"policy": CUSTOM})
    assert not JSONISH.search(shown)
    assert "预留队伍数" in shown  # a parameter the labels know, in words
    assert "area" in shown and "County Seat" in shown  # others as written
    assert shown.startswith("调派策略及参数")


def test_in_english_a_table_level_stays_as_the_stored_label():
    spec = ExperimentSpec.from_file(REPO / "examples" / "custom_policy_experiment.toml")
    with language("en"):
        assert [point_text(p.values) for p in spec.points()] == [p.label for p in spec.points()]
        assert "policy={" in spec.points()[1].label


@pytest.mark.parametrize(
    ("example", "english"),
    [("experiment.toml", "policy.name="), ("custom_policy_experiment.toml", "policy={")],
)
def test_plan_in_chinese_prints_the_labels_the_report_shows(example, english, capsys):
    path = REPO / "examples" / example
    with language("zh"):
        assert main(["--lang", "zh", "experiment", "plan", str(path)]) == 0
        want = [point_text(p.values) for p in ExperimentSpec.from_file(path).points()]
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if re.match(r"p\d{3}  ", line)]
    assert [line.split("  ")[2] for line in lines] == want
    assert english not in out and "nearest_available" not in out
    assert main(["--lang", "en", "experiment", "plan", str(path)]) == 0
    assert english in capsys.readouterr().out  # English keeps the keys as written
