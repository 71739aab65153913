"""What the docs say a warnings run writes is what it writes (audit_ops findings 5 and 6).

* docs/simulation.md lists every ``kind`` of ``supplies.csv`` a warnings run writes;
* the ``moves`` table: a plan that moves no team (lead 0) writes none, and the docs say so;
* ``stage_share`` stages only the ``stage_capabilities``, as its help text says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments.config import RunConfig
from experiments.runner import run_replication
from sim.warnings import WARNINGS_LEVEL

REPO = Path(__file__).resolve().parents[2]
SIMDOC = (REPO / "docs" / "simulation.md").read_text(encoding="utf-8")
BASE = {"network": {"synthetic": "county"}, "scenario": {"name": "typhoon_landfall"},
        "run": {"horizon_min": 1440}}  # fmt: skip


def _records(warnings: dict):
    cfg = RunConfig.from_dict({**BASE, "warnings": warnings}, source="run.toml")
    return run_replication(cfg, replication=0).records


def _section(heading: str) -> str:
    """The text under a ``###`` heading of docs/simulation.md, up to the next heading."""
    start = SIMDOC.index(heading)
    end = SIMDOC.find("\n#", start + len(heading))
    return SIMDOC[start : end if end >= 0 else None]


@pytest.fixture(scope="module")
def staged():
    """Only water rescue teams staged, all of them, 12 h before the typhoon (orange)."""
    return _records(
        {"lead_h": 12, "stage_capabilities": ["water_rescue"], "orange": {"stage_share": 1.0}}
    )


def test_every_supply_kind_a_warnings_run_writes_is_documented(staged):
    kinds = set(staged.supplies["kind"].tolist())
    assert "preposition" in kinds  # the push-down before the typhoon
    documented = set(re.findall(r"`([a-z_]+)`", _section("### `supplies.csv`")))
    assert kinds <= documented, kinds - documented


def test_only_the_stage_capabilities_are_staged_as_the_help_says(staged):
    moved = staged.moves["capability"][staged.moves["reason"] == "warning"]
    assert len(moved) > 0 and set(moved.tolist()) == {"water_rescue"}
    text = WARNINGS_LEVEL["stage_share"].help
    assert "stage_capabilities" in text and "every capability" not in text


def test_a_plan_that_moves_no_team_writes_no_moves_table_as_the_docs_say(staged):
    assert _records({"lead_h": 0}).moves is None  # lead 0: the records of no warning
    assert staged.moves is not None
    doc = " ".join(_section("### Team moves on the map").split())
    assert "whenever `[moveup]` or `[warnings]` is on" not in doc
    assert "with `[warnings]` once the plan has staged a team" in doc
