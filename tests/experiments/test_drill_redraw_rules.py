"""Drawing rules /5 (casualty bands, plain places) re-draw the drills drawn by /4 as they were.

A drill drawn before /5 keeps its texts: ``verify --redraw`` re-draws it by the
rules its script records, so it still verifies; a new drill is drawn by /5.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import experiments.drill.draw as drawing
from scenarios.catalogue import load_catalogue
from scenarios.drill import EARLIER_VERSIONS, GENERATOR_VERSION
from scenarios.drill.casualties import DEAD_BY_GRADE, grade_band
from tests.experiments.cli_calls import reveal_copy, run

#: A small earthquake drill of grade II far ahead: a collapse at the first scene follows,
#: and the casualty update states figures.
QUAKE = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
blind = "double"
hazards = ["earthquake"]
grades = ["II"]
injects = ["casualty_update", "media_enquiry"]
[benchmark]
replications = 0
"""


def round_trip(tmp_path, capsys, name: str, seed: int) -> dict:
    """Draw, reveal and verify with --redraw; the revealed script."""
    cfg, d, key = tmp_path / "quake.toml", tmp_path / name, tmp_path / f"{name}.key"
    cfg.write_text(QUAKE)
    code, _, err = run(capsys, "drill", "draw", cfg, "--out", d, "--key", key, "--seed", seed)
    assert code == 0, err
    code, _, err = run(capsys, "drill", "reveal", d, "--key", key)
    assert code == 0, err
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", cfg)
    assert code == 0 and "re-drawing from the seed gives the same script" in out, err
    return json.loads((d / "revealed" / "script.json").read_bytes())


def direct_written_after_phone(script: dict) -> list[dict]:
    """The sealed deadline rows of a written report timed from the phone report, direct link."""
    rows = script["evaluation"]["reporting_rules"]["limits"]
    return [r for r in rows if r["report"] == "written_first" and r["from"] == "phone"
            and r["direct"]]  # fmt: skip


def casualties(script: dict) -> dict:
    return next(i for i in script["injects"] if i["kind"] == "casualty_update")["truth"]


def test_a_drill_drawn_by_the_earlier_rules_still_redraws(tmp_path, capsys, monkeypatch):
    with monkeypatch.context() as mp:  # a drill drawn by the yingji before /5
        mp.setattr(
            drawing, "compose", functools.partial(drawing.compose, rules=EARLIER_VERSIONS[0])
        )
        old = round_trip(tmp_path, capsys, "old", 9)
    assert old["generator_version"] == EARLIER_VERSIONS[0]
    lo, hi = DEAD_BY_GRADE[2]
    assert lo <= casualties(old)["dead"] <= hi  # as it was drawn: the production-safety table
    # Its sealed deadlines are those /4 wrote: no written report timed on the direct link.
    assert direct_written_after_phone(old) == []


def test_a_new_drill_states_the_hazards_own_band(tmp_path, capsys):
    new = round_trip(tmp_path, capsys, "new", 9)
    assert new["generator_version"] == GENERATOR_VERSION
    t = casualties(new)
    assert grade_band(load_catalogue()["earthquake"], 2).holds(
        t["dead"], t["injured"], t["missing"]
    )
    assert 50 <= t["dead"] and t["dead"] + t["missing"] <= 299  # the earthquake plan's grade II
    # Grade II reports straight to the State Council: its written report is timed there too.
    (row,) = direct_written_after_phone(new)
    assert row["to"] == "state" and row["limit_min"] == 30


#: A drill sealed by the code of 2c028c8 (rules /4): see tests/experiments/data/README.md.
SEALED_BY_RULES_4 = Path(__file__).parent / "data" / "drill_rules4"


def test_a_drill_sealed_by_the_yingji_before_rules_5_reveals_and_redraws(tmp_path, capsys):
    d = reveal_copy(SEALED_BY_RULES_4, tmp_path, capsys)
    script = json.loads((d / "revealed" / "script.json").read_bytes())
    assert script["generator_version"] == EARLIER_VERSIONS[0]
    kinds = {i["kind"] for i in script["injects"]}
    assert {"cascade", "casualty_update", "escalation"} <= kinds  # what /5 draws otherwise
    assert direct_written_after_phone(script) == []
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", SEALED_BY_RULES_4 / "drill.toml")
    assert code == 0 and "re-drawing from the seed gives the same script" in out, err
