"""The head line of ``yingji run`` / ``yingji demo``: the scenario in words, replications counted.

In English the scenario is named in words as the policy is (``typical week``,
not the key ``typical_week``: the file's ``title``), and one replication is "1 replication", more
are "N replications" (one message per form: the catalogue has no plural
entries). In Chinese the scenario goes by its file's Chinese name. The
summaries are made up here: no simulation runs.
"""

from __future__ import annotations

import re

import pytest

from experiments.config import RunConfig
from experiments.demo import DEMO_CONFIG
from experiments.outputs import POLICY_NAMES, format_summary, scenario_name
from experiments.runner import ReplicationResult
from networks.i18n import language
from scenarios.spec import ScenarioSpec, list_scenarios, load_scenario

#: The shipped scenarios' English names, from their files.
SCENARIO_NAMES = {k: load_scenario(k).title for k in list_scenarios()}

#: A config key: lower-case words joined by underscores.
KEY = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def _head(lang: str, *, scenario: str = "typical_week", replications: int = 2) -> str:
    """The first line of the printed summary of ``replications`` made-up replications."""
    cfg = RunConfig.from_dict({**DEMO_CONFIG, "scenario": {"name": scenario}}, source="<test>")
    base = {"root_seed": 7, "incidents": 1, "targets_call_taking": 1.0,
            "targets_arrival": 10.0, "targets_control": 15.0}  # fmt: skip
    results = [ReplicationResult(r, dict(base), None) for r in range(replications)]
    with language(lang):
        return format_summary(cfg, results).splitlines()[0]


def test_every_shipped_scenario_has_an_english_name_in_words():
    for key, words in SCENARIO_NAMES.items():
        assert words and KEY.search(words) is None and words != key, key


def test_a_title_is_the_english_label_and_survives_a_round_trip():
    spec = load_scenario("typical_week")
    with language("en"):
        assert spec.label() == "typical week"
    with language("zh"):
        assert spec.label() == "典型一周"
    again = ScenarioSpec.from_dict(spec.to_dict(), source="<test>")
    assert again.title == "typical week" and again == spec
    untitled = ScenarioSpec.from_dict({**spec.to_dict(), "title": ""}, source="<test>")
    with language("en"):
        assert untitled.label() == "typical_week"


@pytest.mark.parametrize("scenario", sorted(SCENARIO_NAMES))
def test_the_english_head_names_the_scenario_in_words_as_it_does_the_policy(scenario):
    head = _head("en", scenario=scenario)
    words = SCENARIO_NAMES[scenario]
    assert f": scenario {words}, policy {POLICY_NAMES['severity_priority']}, " in head
    assert KEY.findall(head) == [], head


@pytest.mark.parametrize("scenario", sorted(SCENARIO_NAMES))
def test_the_chinese_head_names_the_scenario_by_its_files_chinese_name(scenario):
    head = _head("zh", scenario=scenario)
    assert f"“{load_scenario(scenario).name_zh}”" in head
    assert scenario not in head and SCENARIO_NAMES[scenario] not in head


@pytest.mark.parametrize(("n", "counted"), [(1, "1 replication"), (2, "2 replications"),
                                            (3, "3 replications")])  # fmt: skip
def test_the_english_head_counts_replications_in_proper_english(n, counted):
    head = _head("en", replications=n)
    assert head == f"demo: scenario typical week, policy severity priority, {counted}, seed 7"


@pytest.mark.parametrize("n", [1, 2])
def test_the_chinese_head_counts_replications_in_chinese(n):
    head = _head("zh", replications=n)
    assert f"重复运行 {n} 次" in head
    assert re.search(r"[A-Za-z]", head.split("：", 1)[1]) is None, head  # after the run's name


def test_a_scenario_not_shipped_is_named_as_given():
    for lang in ("en", "zh"):
        with language(lang):
            assert scenario_name("my_scenarios/flood.toml") == "my_scenarios/flood.toml"
