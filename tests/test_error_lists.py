"""Errors list valid names as a person writes them (``a, b, c``), never as Python's
``['a', 'b']``, and name only what is wrong (run review #5)."""

from __future__ import annotations

import re

import pytest

from networks.errors import ConfigError

#: A Python list or tuple of strings, as repr prints it.
PY_LIST = re.compile(r"[\[(]'[^']*',")


def _error(call) -> str:  # noqa: ANN001
    with pytest.raises((ConfigError, ValueError)) as info:
        call()
    return str(info.value)


def test_an_unknown_station_or_depot_tier_lists_the_tiers_plainly():
    from sim.depots import Depot
    from sim.stations import Station

    station = _error(lambda: Station.from_dict(
        {"name": "A", "node": 0, "tier": "villag", "teams": [{"capability": "fire"}]},
        source="s.csv"))  # fmt: skip
    depot = _error(lambda: Depot.from_dict({"name": "B", "node": 0, "tier": "villag"},
                                           source="d.csv"))  # fmt: skip
    for text, one in ((station, "township"), (depot, "village")):
        assert "'villag'" in text and one in text
        assert not PY_LIST.search(text), text


def test_an_unknown_moveup_capability_lists_the_capabilities_plainly():
    from sim.moveup_spec import MoveupSpec

    text = _error(lambda: MoveupSpec.from_dict({"capabilities": ["fire", "boats"]},
                                               source="run.toml"))  # fmt: skip
    assert "'boats'" in text and "water_rescue" in text and "capabilities[1]" in text
    assert not PY_LIST.search(text), text


def test_repeated_siting_task_names_are_named_once_each(tmp_path):
    from experiments.siting.task import read_tasks

    task = {"facility": "stations", "tier": "township", "model": "mclp", "p": 2,
            "standard_min": 10}  # fmt: skip
    tasks = [{**task, "name": n} for n in ("a", "b", "a", "c")]
    text = _error(lambda: read_tasks({"siting": tasks}, source="site.toml", base_dir=tmp_path))
    assert text.endswith("task names repeat: a"), text
    assert not PY_LIST.search(text), text


def test_an_unknown_team_capability_supply_item_or_scenario_lists_them_plainly():
    from experiments.config import RunConfig
    from sim.depots import Depot
    from sim.stations import Station

    team = _error(lambda: Station.from_dict(
        {"name": "A", "node": 0, "tier": "township", "teams": [{"capability": "boats"}]},
        source="s.csv"))  # fmt: skip
    item = _error(
        lambda: Depot.from_dict(
            {"name": "B", "node": 0, "tier": "township", "stock": {"gold": 1}}, source="d.csv"
        )
    )
    scenario = _error(lambda: RunConfig.from_dict(
        {"network": {"synthetic": "county"}, "scenario": {"name": "typical_weak"}},
        source="run.toml"))  # fmt: skip
    for text, wrong, right in ((team, "'boats'", "water_rescue"), (item, "'gold'", "water"),
                               (scenario, "'typical_weak'", "typical_week")):  # fmt: skip
        assert wrong in text and right in text, text
        assert not PY_LIST.search(text), text
