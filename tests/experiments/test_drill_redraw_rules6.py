"""Rules /6 (closures with a way round, shortages benchmarked) re-draw /5 drills as they were.

``data/drill_rules5`` was sealed by the yingji before /6 with the test seed
16: a forest fire whose road-closed inject cut the scene off ("no way round
the closure") and whose depot-shortage inject the benchmark ignored. Today's
code must reveal it and re-draw it byte for byte by the /5 rules; the same
seed drawn now (by /6) closes a road with a way round and delivers the water
from what the short store really holds.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from scenarios.drill import EARLIER_VERSIONS, GENERATOR_VERSION
from tests.experiments.cli_calls import reveal_copy, run

#: A drill sealed by the code of 7db43d1 (rules /5): see tests/experiments/data/README.md.
SEALED_BY_RULES_5 = Path(__file__).parent / "data" / "drill_rules5"


def benchmark(folder: Path) -> dict[str, str]:
    """The revealed benchmark.csv: detail by event (English columns)."""
    with (folder / "revealed" / "evaluators" / "benchmark.csv").open(encoding="utf-8") as fh:
        return {row[2]: row[3] for row in csv.reader(fh)}


def injects(folder: Path) -> dict[str, dict]:
    script = json.loads((folder / "revealed" / "script.json").read_bytes())
    return {i["kind"]: i for i in script["injects"]}


def test_a_drill_sealed_by_the_rules_5_reveals_and_redraws(tmp_path, capsys):
    d = reveal_copy(SEALED_BY_RULES_5, tmp_path, capsys)
    script = json.loads((d / "revealed" / "script.json").read_bytes())
    assert script["generator_version"] == "yingji-drill-draw/5" in EARLIER_VERSIONS
    # what /5 drew and sealed, kept: the closure without a way round, water by the books
    rows = benchmark(d)
    assert rows["Inject 1: first team re-routed"] == "Baiyun Station: no way round the closure"
    assert "100 Baiyun Village 1 Store" in rows["500 of 500 drinking water delivered"]
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", SEALED_BY_RULES_5 / "drill.toml")
    assert code == 0 and "re-drawing from the seed gives the same script" in out, err


def test_the_same_seed_drawn_now_leaves_a_way_round(tmp_path, capsys):
    d, key = tmp_path / "drill", tmp_path / "drill.key"
    cfg = SEALED_BY_RULES_5 / "drill.toml"
    code, _, err = run(capsys, "drill", "draw", cfg, "--out", d, "--key", key, "--seed", 16)
    assert code == 0, err
    code, _, err = run(capsys, "drill", "reveal", d, "--key", key)
    assert code == 0, err
    by = injects(d)
    public = json.loads((d / "commitment.json").read_bytes())
    assert public["generator_version"] == GENERATOR_VERSION
    rows = benchmark(d)
    rerouted = rows[f"Inject {by['road_closed']['no']}: first team re-routed"]
    assert rerouted.startswith("Baiyun Station around the closure of"), rerouted
    short = by["depot_short"]["truth"]
    assert (short["depot"], short["item"], short["available"]) == (
        "Baiyun Village 1 Store",
        "drinking_water",
        55,
    )
    assert "55 Baiyun Village 1 Store" in rows["500 of 500 drinking water delivered"]
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", cfg)
    assert code == 0 and "re-drawing from the seed gives the same script" in out, err


def _control_row(folder: Path) -> dict[str, str]:
    path = folder / "revealed" / "evaluators" / "time_standards.csv"
    with path.open(encoding="utf-8-sig") as fh:
        return next(r for r in csv.DictReader(fh) if r["ref"] == "standard:control")


def test_the_control_target_follows_the_rules_the_drill_was_drawn_by(tmp_path, capsys):
    # A grade III forest fire (480 min of control work): sealed by /5, its sheet keeps the
    # standard's 1 + 10 + 15; drawn now (/7), it is held to its control work.
    (tmp_path / "old").mkdir()
    old = reveal_copy(SEALED_BY_RULES_5, tmp_path / "old", capsys)
    assert _control_row(old)["target_min"] == "26"
    d, key = tmp_path / "drill", tmp_path / "drill.key"
    cfg = SEALED_BY_RULES_5 / "drill.toml"
    assert run(capsys, "drill", "draw", cfg, "--out", d, "--key", key, "--seed", 16)[0] == 0
    assert run(capsys, "drill", "reveal", d, "--key", key)[0] == 0
    row = _control_row(d)
    assert row["target_min"] == "480"  # from the full complement on scene
    assert row["start"] == "the full complement on scene"
    assert "this hazard's 480 min of control work at its grade" in row["tests"]
    # the best-case plan meets it (the force at work from its arrival, all on scene)
    with (d / "revealed" / "evaluators" / "benchmark.csv").open(encoding="utf-8-sig") as fh:
        plan = next(r for r in csv.DictReader(fh) if r["event"] == "Under control (plan)")
    assert plan["within_target"] == "True", plan
    script = json.loads((d / "revealed" / "script.json").read_bytes())
    assert script["evaluation"]["targets"]["control_standard"] == 15
