"""Every factor a shipped example experiment varies has a name a person reads (乡镇值班...)."""

from __future__ import annotations

import re
import tomllib

import pytest

from experiments.analysis import FACTOR_LABELS, factor_text, point_text
from networks.i18n import language
from tests.conftest import REPO

CJK = re.compile(r"[\u4e00-\u9fff]")


def _example_factor_keys() -> dict[str, list[str]]:
    """Factor keys of every experiment under examples/ (a file with ``[[factors]]``)."""
    found = {}
    for path in sorted((REPO / "examples").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("factors"):
            found[path.name] = [f["key"] for f in data["factors"]]
    return found


def test_the_examples_have_experiments_to_check():
    keys = _example_factor_keys()
    assert "reporting.toml" in keys and "duty.township.officers" in keys["reporting.toml"]
    assert len(keys) >= 5


def test_every_factor_of_every_shipped_experiment_has_a_label():
    missing = [
        f"{name}: {key}"
        for name, keys in _example_factor_keys().items()
        for key in keys
        if key not in FACTOR_LABELS
    ]
    assert missing == []


@pytest.mark.parametrize(
    "key", sorted({k for keys in _example_factor_keys().values() for k in keys})
)
def test_every_shipped_factor_reads_in_chinese(key):
    with language("zh"):
        assert CJK.search(factor_text(key)) and key not in point_text({key: 1})
    with language("en"):
        assert factor_text(key) == key  # English shows the key, as --baseline takes it


@pytest.mark.parametrize(
    ("key", "zh"),
    [
        ("targets.arrival", "到达现场（响应时限标准）"),
        ("run.horizon_min", "模拟时长（运行参数）"),
        ("scenario.name", "情景名称"),  # the key's term already names its table
        ("moveup.capabilities", "调度力量类型（动态调度）"),  # no brackets in brackets
    ],
)
def test_any_documented_run_key_reads_in_chinese_by_the_config_reference_terms(key, zh):
    with language("zh"):
        assert factor_text(key) == zh
        assert factor_text("no_such.table_key") == "no_such.table_key"
    with language("en"):
        assert factor_text(key) == key


def test_a_shipped_scenario_level_reads_by_its_chinese_name():
    from experiments.analysis import level_text

    with language("zh"):
        assert level_text("scenario.name", "typical_week") == "典型一周"
        assert level_text("scenario.name", "my_own.toml") == "my_own.toml"
    with language("en"):
        assert level_text("scenario.name", "typical_week") == "typical_week"


def test_factors_that_change_the_incidents_are_the_map_scenario_and_sources_ones():
    from types import SimpleNamespace

    from experiments.report import incident_factors

    def points(key, levels):
        return [SimpleNamespace(values={"policy.name": "a", key: v}) for v in levels]

    assert incident_factors(points("sources.chemical_plant", [[], ["landmark:X"]])) == [
        "sources.chemical_plant"
    ]
    assert incident_factors(points("scenario.name", ["typical_week", "chemical_leak"]))
    assert incident_factors(points("network.townships", [6, 10]))
    assert incident_factors(points("facilities.township_stations", [6, 10])) == []
    assert incident_factors(points("sources.chemical_plant", [[], []])) == []  # not varied
