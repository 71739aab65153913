"""The observations file the reveal writes for the evaluators to fill in after the drill.

The example drill (``examples/drill.toml``, seed 5) revealed in each language:
the template must hold a row for everything ``drill score`` refuses to go
without, and filled in with times inside every target and an A for every
rating it scores 100. Left blank it is refused at its first milestone row.
"""

# ruff: noqa: F811 - the fixtures of test_drill_gbt are imported and used by name
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from experiments.cli import main
from networks.files import CSV_ENCODING
from tests.conftest import REPO
from tests.experiments.cli_calls import one_line, run
from tests.experiments.test_drill_gbt import draw, region  # noqa: F401 - fixtures

EXAMPLE = REPO / "examples" / "drill.toml"
TEMPLATE = "revealed/evaluators/observations_template.csv"
HAN = re.compile(r"[\u4e00-\u9fff]")

#: Times inside every target of the example drill's plan (1 min call, 11 min arrival,
#: 20 min control from the full complement, post and video within 30).
MILESTONE_AT = {
    "call_taken": 0.5, "dispatch": 2.0, "first_arrival": 8.0, "full_complement": 8.0,
    "command_post": 20.0, "under_control": 25.0, "video": 15.0, "end_of_play": 150.0,
}  # fmt: skip


@pytest.fixture(scope="module", params=["zh", "en"])
def revealed(request, tmp_path_factory) -> tuple[Path, str]:
    """The example drawn with seed 5 and revealed in ``lang``: (drill folder, lang)."""
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    base = tmp_path_factory.mktemp("template")
    d, key = base / "d", base / "k.key"
    lang = request.param
    with pytest.MonkeyPatch.context() as mp:
        freeze_draw_clock(mp)
        assert main(["--lang", lang, "drill", "draw", str(EXAMPLE), "--out", str(d),
                     "--key", str(key), "--seed", "5"]) == 0  # fmt: skip
    assert main(["--lang", lang, "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    return d, lang


def lines(folder: Path) -> list[list[str]]:
    text = (folder / TEMPLATE).read_text(encoding=CSV_ENCODING)
    return [r for r in csv.reader(io.StringIO(text)) if r]


#: When the filled-in file sends each report (follow-ups: after injects 1, 3, 4 and 5, and 6).
REPORT_AT = {"phone_first": [10.0], "written_first": [60.0], "follow_up": [45.0, 80.0]}


def fill(rows: list[list[str]], script: dict) -> str:
    """Every blank filled as a drill that met every target would, each report row sent."""
    header = next(r for r in rows if not r[0].startswith("#"))
    col = {c: k for k, c in enumerate(header)}
    injects = {i["no"]: i for i in script["injects"]}
    out = []
    for k, r in enumerate(rows):
        r = list(r)
        if r[0] == "milestone":
            r[col["time"]] = f"+{MILESTONE_AT[r[col['ref']]]}"
        elif r[0] == "inject":
            inj = injects[int(r[col["ref"]])]
            given = 30.0 if inj["trigger"] else inj["offset_min"]
            if inj["trigger"]:  # set off by the players: given when they set it off
                r[col["delivered"]] = f"+{given}"
            r[col["done"]], r[col["time"]] = "yes", f"+{given + 2}"
        elif r[0] == "indicator":
            r[col["score"]] = "A"
        elif r[0] == "# report":  # to copy once per report sent; its kind's fields follow
            r[0] = "report"
            text = next(x[0] for x in rows[k + 1 :] if len(x) == 1)
            r[col["fields"]] = re.split(r"：|: ", text, maxsplit=2)[-1]
            for t in REPORT_AT[r[col["ref"]].partition(":")[0]]:
                out.append([*r[:2], f"+{t}", *r[3:]])
            continue
        out.append(r)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(out)
    return buf.getvalue()


def test_the_template_has_a_row_for_every_inject_milestone_and_rating(revealed):
    revealed, lang = revealed
    rows = lines(revealed)
    script = json.loads((revealed / "revealed/script.json").read_text())
    data = [r for r in rows if r and not r[0].startswith("#")]
    assert data[0] == ["kind", "ref", "time", "done", "score", "fields", "evaluator", "note",
                       "delivered", "figures"]  # fmt: skip
    refs = {(r[0], r[1]) for r in data[1:]}
    assert {("inject", str(i["no"])) for i in script["injects"]} <= refs
    assert ("milestone", "end_of_play") in refs and ("milestone", "call_taken") in refs
    # every cell a player's action writes is blank: nothing is filled in for them
    assert all(not any(r[2:6]) and not any(r[7:]) for r in data[1:])
    assert all(r[6] for r in data[1:])  # an evaluator position on each row
    # the comments speak the language of the reveal; the keys stay English
    comments = " ".join(r[0] for r in rows if r and r[0].startswith("# ") and len(r) == 1)
    assert bool(HAN.search(comments.replace("17时21分", "").replace("是/否", ""))) == (lang == "zh")
    assert all(not HAN.search(r[0] + r[1]) for r in data)


def test_the_blank_template_is_refused_at_its_first_milestone(revealed, capsys):
    revealed, _lang = revealed
    code, _out, err = run(capsys, "drill", "score", revealed, "--observations",
                          revealed / TEMPLATE)  # fmt: skip
    assert code == 2
    line = one_line(err)
    assert "observations_template.csv" in line and "time" in line
    first = next(k for k, r in enumerate(lines(revealed), 1) if r and r[0] == "milestone")
    assert f"row {first}" in line or f"第 {first} 行" in line or f"第{first}行" in line


def test_the_template_filled_in_as_a_perfect_drill_scores_100(revealed, tmp_path, capsys):
    revealed, _lang = revealed
    script = json.loads((revealed / "revealed/script.json").read_text())
    obs = tmp_path / "obs.csv"
    obs.write_text(fill(lines(revealed), script), encoding=CSV_ENCODING)
    code, _out, err = run(capsys, "drill", "score", revealed, "--observations", obs)
    assert code == 0, err
    score = json.loads((revealed / "scored/score.json").read_text())
    assert score["counted_weight"] == 100
    assert score["total"] == pytest.approx(100.0)
    assert score["indicators"]["R3"]["how"] == "completeness"  # left to the tool, rated A
    assert score["indicators"]["R3"]["given"] == "A"


@pytest.mark.parametrize(("drill_type", "seed"), [("tabletop", 2), ("field", 3), ("tabletop", 4)])
def test_every_drawn_drill_scores_from_its_template_filled_in(draw, drill_type, seed, tmp_path):
    """Tabletop and field drills of grades II-III: the filled template is a whole file."""
    from experiments.drill.observation_template import observations_template
    from experiments.drill.score import read_drill_observations, score_drill

    script = draw(type=drill_type, seed=seed)
    rows = [r for r in csv.reader(io.StringIO(observations_template(script))) if r]
    obs = tmp_path / "obs.csv"
    obs.write_text(fill(rows, script.to_dict()), encoding=CSV_ENCODING)
    score = score_drill(script, read_drill_observations(script, obs))  # no row missing
    rated = {s.id for s in score.indicators if s.how == "rating"}
    assert rated and all(s.share is not None for s in score.indicators if s.id in rated)
