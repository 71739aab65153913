"""The score loop (issue 14): ``yingji drill score`` and ``yingji drill history``.

The shipped example ``examples/drill_observations.csv`` pairs with the drill
``examples/drill.toml`` draws with ``--seed 5`` (the draw's content does not
depend on the time of the draw; the observations give times as ``+minutes``
after the alarm): a grade IV rainstorm waterlogging with six injects. The
expected scores below are computed by hand from the weights and rules of the
evaluation plan (``experiments.drill.evaluation_gbt``), not by running the code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from experiments.cli import main
from tests.conftest import REPO, read_csv
from tests.experiments.cli_calls import run

EXAMPLE = REPO / "examples" / "drill.toml"
OBSERVATIONS = REPO / "examples" / "drill_observations.csv"
SEED = 5


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): "dir"
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def revealed(tmp_path_factory):
    """The example drawn with seed 5 a week before its window, and revealed (in English)."""
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    base = tmp_path_factory.mktemp("score")
    d, key = base / "d", base / "k.key"
    with pytest.MonkeyPatch.context() as mp:
        freeze_draw_clock(mp)
        assert main(["drill", "draw", str(EXAMPLE), "--out", str(d), "--key", str(key),
                     "--seed", str(SEED)]) == 0  # fmt: skip
    assert main(["--lang", "en", "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    return d


@pytest.fixture
def drill(revealed, tmp_path) -> Path:
    d = tmp_path / "d"
    shutil.copytree(revealed, d)
    return d


def test_the_example_pairs_with_the_seed_5_draw(revealed):
    """The premises of the hand computation: what the seed-5 draw of the example holds."""
    s = json.loads((revealed / "revealed" / "script.json").read_bytes())
    assert (s["scene"]["hazard"], s["scene"]["grade"], s["drill_type"]) == (
        "waterlogging",
        4,
        "field",
    )
    assert [(i["no"], i["kind"], i["offset_min"]) for i in s["injects"]] == [
        (1, "road_closed", 7.0),
        (2, "media_enquiry", 18.9),
        (3, "cascade", 28.1),
        (4, "escalation", 31.6),
        (5, "depot_short", 32.5),
        (6, "casualty_update", 71.1),
    ]
    assert s["scene"]["start"].startswith(
        "2027-06-26T"
    )  # the drill's date: due dates count from it
    ts = read_csv(revealed / "revealed" / "evaluators" / "time_standards.csv")
    assert [(r["id"], r["ref"], r["target_min"], r["inject"]) for r in ts] == [
        ("T1", "standard:call_taking", "1", ""),
        # 1 + 10, plus the 7.3 min inject 1's road closure delays the first arrival by (the
        # benchmark's re-route of Huangtu Station: drawing rules /9)
        ("T2", "standard:arrival", "18.3", ""),
        # a grade IV waterlogging is 20 min of control work, more than the standard's 15:
        # under control within 20 min of the full complement on scene (drawing rules /7)
        ("T3", "standard:control", "20", ""),
        ("T4", "standard:command_post", "30", ""),
        ("T5", "standard:video", "30", ""),
        ("T6", "report:phone_first", "60", ""),
        # grade IV's 360 from the call, brought forward by the upgrade to III (inject 4) to
        # III's 60 from it (drawing rules /9)
        ("T7", "report:written_first", "60", "4"),
        ("T8", "report:follow_up", "60", "1"),
        ("T9", "report:follow_up", "60", "3"),
        ("T10", "report:follow_up", "60", "5"),
        ("T11", "report:follow_up", "60", "6"),
        ("T12", "report:follow_up", "720", ""),
        # the upgrade, to the city told already: a follow-up within grade III's phone limit
        ("T13", "report:follow_up", "30", "4"),
    ]


# Hand computation for the example (times in minutes after the alarm).
# Ratings earn A 100 %, B 80 %, C 50 %, D 0 % of the weight; a time row 100 % within its
# target, 50 % within 1.5 times it, else 0; a time indicator takes its lowest row.
#
#   T1  call taken 0.8 <= 1                                      -> 1
#   T2  first arrival 21 > 18.3, <= 27.45 (the target 1 + 10 plus the 7.3 min inject 1's
#       closure delays the first arrival by, rules /9; without it 21 > 16.5 -> 0) -> 0.5
#   T3  under control 41.5, counted from the full complement at 21: 20.5 > 20, <= 30 -> 0.5
#   T4  command post 24 <= 30                                    -> 1
#   T5  video 38 > 30, <= 45                                     -> 0.5
#   T6  phone first at 12 <= 60                                  -> 1
#   T7  written first at 88, 56.4 after the upgrade (inject 4, 31.6) <= 60 -> 1
#   T8  follow-up at 30 after inject 1 (7.0): 23 <= 60           -> 1
#   T9  ... after inject 3 (28.1): 30 - 28.1 = 1.9               -> 1
#   T10 ... after inject 5 (32.5): 58 - 32.5 = 25.5              -> 1
#   T11 ... after inject 6 (71.1): 125 - 71.1 = 53.9             -> 1
#   T12 reports at 12, 30, 58, 88, 125, end of play 150: longest gap 88 -> 125 = 37 <= 720 -> 1
#   T13 the upgrade's follow-up after inject 4 (31.6) at 58: 26.4 <= 30 -> 1
#
#   R1 4 x 1 = 4; R2 6 x min(T6, T7) = 6;
#   R3 3 x B: the written first report filled 16 of the 18 required fields (no "needs", no
#      "contact"), 16/18 = 0.89 >= 0.8 -> B -> 3 x 0.8 = 2.4;
#   R4 4 x min(T8..T13) = 4; R5 3 x B = 2.4; R6 4 x A = 4                reporting 22.8
#   C1 5; C2 5 x T4 = 5; C3 4 x B = 3.2; C4 4 x C = 2; C5 4 x T5 = 2; C6 4    command 21.2
#   O1 6 x T2 = 3; O2 6 (A, veto item passed); O3 8 x T3 = 4; O4 4 x B = 3.2;
#   O5 5; O6 5 x B = 4                                                    operations 25.2
#   S1 5 x C = 2.5; S2 4; S3 3; S4 3 points of 4                             support 12.5
#   every indicator applies: weight 100; total 22.8 + 21.2 + 25.2 + 12.5 = 81.7
#   81.7 >= 80 and < 90 -> good (良好).
POINTS = {
    "R1": 4, "R2": 6, "R3": 2.4, "R4": 4, "R5": 2.4, "R6": 4,
    "C1": 5, "C2": 5, "C3": 3.2, "C4": 2, "C5": 2, "C6": 4,
    "O1": 3, "O2": 6, "O3": 4, "O4": 3.2, "O5": 5, "O6": 4,
    "S1": 2.5, "S2": 4, "S3": 3, "S4": 3,
}  # fmt: skip
TIME_SHARES = {
    "T1": 1, "T2": 0.5, "T3": 0.5, "T4": 1, "T5": 0.5, "T6": 1, "T7": 1, "T8": 1, "T9": 1,
    "T10": 1, "T11": 1, "T12": 1, "T13": 1,
}  # fmt: skip
# The improvement list: every time row below full (T2, T3, T5), every rating below
# full (R5 B, C3 B, C4 C, O4 B, O6 B, S1 C, S4 3/4), inject 6 (no list of the missing), the
# two reports with blank required fields (rows 15 and 16). Groups by what each tests: arrival,
# control, cascade, muster -> rescue; video, reporting, information officers, work groups,
# escalation -> coordination; casualties -> medical; supplies -> logistics. Due: the drill's
# date 2027-06-26 + 30 days = 2027-07-26.
IMPROVEMENTS = [
    ("time", "T2", "O1", "rescue"),
    ("time", "T3", "O3", "rescue"),
    ("time", "T5", "C5", "coordination"),
    ("indicator", "R5", "R5", "coordination"),
    ("indicator", "C3", "C3", "coordination"),
    ("indicator", "C4", "C4", "coordination"),
    ("indicator", "O4", "O4", "rescue"),
    ("indicator", "O6", "O6", "medical"),
    ("indicator", "S1", "S1", "logistics"),
    ("indicator", "S4", "S4", "rescue"),
    ("inject", "6", "O6", "medical"),
    ("report", "15", "R3", "coordination"),
    ("report", "16", "R4", "coordination"),
]


def test_example_scores_as_computed_by_hand(drill, capsys):
    code, out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS)
    assert code == 0, err
    assert "81.7 out of 100, good; 13 improvements open" in out
    scored = drill / "scored"
    assert sorted(p.name for p in scored.iterdir()) == [
        ".yingji-output", "evaluation_form.csv", "evaluation_form.html", "evaluation_form.md",
        "evaluation_report.html", "evaluation_report.md", "improvements.csv",
        "improvements.html", "observations.csv", "score.json",
    ]  # fmt: skip
    score = json.loads((scored / "score.json").read_text())
    assert {k: v["points"] for k, v in score["indicators"].items()} == pytest.approx(POINTS)
    assert {k: v["share"] for k, v in score["time_standards"].items()} == TIME_SHARES
    assert score["indicators"]["R3"]["how"] == "completeness"
    assert score["indicators"]["R3"]["given"] == "B"
    assert score["counted_weight"] == 100
    assert score["total"] == pytest.approx(81.7)
    assert (score["conclusion"], score["veto"]) == ("good", False)
    form = read_csv(scored / "evaluation_form.csv")
    assert {r["id"]: float(r["points"]) for r in form[:-1]} == pytest.approx(POINTS)
    assert (form[-1]["id"], form[-1]["given"], form[-1]["how"]) == ("total", "81.7", "good")
    rows = read_csv(scored / "improvements.csv")
    assert [(r["kind"], r["ref"], r["indicator_id"], r["group_key"]) for r in rows] == IMPROVEMENTS
    assert {(r["due"], r["status"]) for r in rows} == {("2027-07-26", "open")}
    assert rows[0]["lead_unit"] == "Synthetic County fire and rescue brigade"  # drill.toml
    assert rows[0]["lead_unit_zh"] == "示范县消防救援大队"
    report = (scored / "evaluation_report.md").read_text()
    for heading in ("## 1. Overview", "## 2. Basis", "## 3. Results", "## 4. Against the bench",
                    "## 5. Problems", "## 6. Recommendations", "## 7. Conclusion"):  # fmt: skip
        assert heading in report
    assert "Support needed, Contact phone" in report  # the written first report's blanks
    assert "| First team on scene | Huangtu Station | 13.4 |" in report  # plan vs observed
    assert (scored / "observations.csv").read_bytes() == OBSERVATIONS.read_bytes()
    # the revealed folder is untouched: verify still passes
    code, out, _ = run(capsys, "drill", "verify", drill)
    assert code == 0 and "match the manifest" in out


def test_scored_folder_is_replaced_only_with_overwrite(drill, capsys):
    assert run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS)[0] == 0
    before = snapshot(drill)
    code, _, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS)
    assert code == 2 and "--overwrite" in err and snapshot(drill) == before
    code, _, err = run(capsys, "--lang", "zh", "drill", "score", drill, "--observations",
                       OBSERVATIONS, "--overwrite")  # fmt: skip
    assert code == 0, err
    assert "良好" in (drill / "scored" / "evaluation_report.html").read_text()
    assert run(capsys, "drill", "verify", drill)[0] == 0


def _edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


BASE = OBSERVATIONS.read_text(encoding="utf-8")
MALFORMED = {
    "unknown kind": (_edit(BASE, "milestone,dispatch", "milestones,dispatch"),
                     "row 5, column kind"),
    "bad time": (_edit(BASE, "dispatch,+3,", "dispatch,3 pm,"), "row 5, column time"),
    "time a week after the alarm": (_edit(BASE, "dispatch,+3,", "dispatch,+1e308,"),
                                    "row 5, column time: 6.94e+304 days after the alarm"),
    "dispatch before the call taken": (_edit(BASE, "call_taken,+0.8,", "call_taken,+50,"),
                                       "row 5, column time: dispatch at +3.0 min comes before "
                                       "call_taken at +50.0 min (row 4)"),
    "play ends before control": (_edit(BASE, "end_of_play,+150,", "end_of_play,+30,"),
                                 "row 11, column time: end_of_play at +30.0 min comes before "
                                 "under_control at +41.5 min (row 9)"),
    "control before the first arrival": (_edit(BASE, "under_control,+41.5,", "under_control,+5,"),
                                         "row 9, column time: under_control at +5.0 min comes "
                                         "before first_arrival at +21.0 min (row 6)"),
    "dispatch of a call never taken": (_edit(BASE, "call_taken,+0.8,,", "call_taken,,no,"),
                                       "row 5, column time: dispatch at +3.0 min, but "
                                       "call_taken did not happen (row 4)"),
    "full complement without a first team": (
        _edit(BASE, "first_arrival,+21,,", "first_arrival,,no,"),
        "row 7, column time: full_complement at +21.0 min, but first_arrival did not happen "
        "(row 6)",
    ),
    "score above the maximum": (_edit(BASE, "S4,,,3,", "S4,,,5,"), "row 36, column score"),
    "unknown inject": (BASE + "inject,7,+80,yes,,,,\n", "row 37, column ref"),
    "missing call_taken": (_edit(BASE, "milestone,call_taken,+0.8,,,,信息报送评估员,\n", ""),
                           "no observation of call_taken"),
    "missing rating": (_edit(BASE, "indicator,C1,,,A,,指挥协调评估员,\n", ""),
                       "no rating of indicator C1"),
    "unknown template field": (_edit(BASE, "reporter;contact", "reporter;phone_no"),
                               "row 13, column fields"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_observations_exit_2_and_write_nothing(case, drill, tmp_path, capsys):
    text, where = MALFORMED[case]
    obs = tmp_path / "obs.csv"
    obs.write_text(text, encoding="utf-8")
    hist = tmp_path / "history.csv"
    shutil.copy(REPO / "examples" / "drill_history.csv", hist)
    before, hist_before = snapshot(drill), hist.read_bytes()
    code, out, err = run(capsys, "drill", "score", drill, "--observations", obs,
                         "--append-history", hist)  # fmt: skip
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and out == ""
    assert len(lines) == 1 and lines[0].startswith("yingji: error: "), err
    assert str(obs) in lines[0] and where in lines[0], lines[0]
    assert snapshot(drill) == before  # no scored/ folder, no staging folder left
    assert hist.read_bytes() == hist_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "history.csv", "obs.csv"]


def test_a_changed_revealed_file_is_not_scored(drill, capsys):
    sheet = drill / "revealed" / "evaluators" / "indicators.csv"
    sheet.write_bytes(sheet.read_bytes().replace(b"S4,field", b"S4,fielD"))
    code, _, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS)
    assert code == 2 and "indicators.csv" in err and not (drill / "scored").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_verify_refuses_a_drill_whose_sealed_file_is_gone(drill, capsys, lang):
    assert run(capsys, "drill", "verify", drill)[0] == 0
    (drill / "script.sealed").unlink()
    code, out, err = run(capsys, "--lang", lang, "drill", "verify", drill)
    assert code == 2 and "script.sealed" in err and len(err.strip().splitlines()) == 1


def test_history_records_the_score_and_lists_past_drills(drill, tmp_path, capsys):
    hist = tmp_path / "history.csv"
    shutil.copy(REPO / "examples" / "drill_history.csv", hist)
    past = read_csv(hist)
    code, out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS,
                         "--append-history", hist)  # fmt: skip
    assert code == 0, err
    assert str(hist.resolve()) in out
    rows = read_csv(hist)
    # the drill was not in the history: its row is added; the others keep their values
    assert [{k: r[k] for k in past[0]} for r in rows[:-1]] == past
    assert all(r["score"] == r["conclusion"] == r["open_improvements"] == "" for r in rows[:-1])
    last = rows[-1]
    got = [last[k] for k in ("exercise_id", "hazard", "score", "conclusion", "open_improvements")]
    assert got == ["SC-2026-Q4", "waterlogging", "81.7", "good", "13"]
    # scored again: the same row is updated, not a second one added
    last_rated_d = OBSERVATIONS.read_text(encoding="utf-8").replace("O2,,,A,", "O2,,,D,")
    obs = tmp_path / "obs.csv"
    obs.write_text(last_rated_d, encoding="utf-8")
    code, out, err = run(capsys, "drill", "score", drill, "--observations", obs,
                         "--append-history", hist, "--overwrite")  # fmt: skip
    assert code == 0, err
    # the veto item rated D: 81.7 - 6 = 75.7, and the drill fails whatever the total
    assert "75.7 out of 100, fail; 14 improvements open" in out
    again = read_csv(hist)
    assert len(again) == len(rows) and again[:-1] == rows[:-1]
    assert (again[-1]["score"], again[-1]["conclusion"], again[-1]["open_improvements"]) == (
        "75.7", "fail", "14",
    )  # fmt: skip
    code, out, _ = run(capsys, "drill", "history", hist)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Exercise", "Drawn", "Hazard", "Area", "Start", "Score",
                                "Conclusion", "Open", "improvements"]  # fmt: skip
    assert "SC-2026-Q1" in lines[2] and "Building fire" in lines[2] and "County Seat" in lines[2]
    assert "SC-2026-Q4" in lines[-1] and "75.7" in lines[-1] and "fail" in lines[-1]
    assert lines[-1].rstrip().endswith("14")
    code, out, _ = run(capsys, "--lang", "zh", "drill", "history", hist)
    assert code == 0 and "县城" in out and "不合格" in out


def test_history_through_the_drill_file_updates_the_revealed_row(drill, tmp_path, capsys):
    """A history the reveal wrote (five columns, this drill's row in it) gains the score columns."""
    toml = tmp_path / "drill.toml"
    toml.write_text(EXAMPLE.read_text().replace('"drill_history.csv"', '"h.csv"'))
    hist = tmp_path / "h.csv"
    header, mine = (drill / "revealed" / "history_row.csv").read_text("utf-8-sig").splitlines()
    hist.write_text(f"{header}\n2026-01-02T00:00:00+00:00,OLD,building_fire,Xiba Town,\n{mine}\n")
    code, out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS,
                         "--append-history", toml)  # fmt: skip
    assert code == 0, err
    assert str(hist.resolve()) in out
    rows = read_csv(hist)
    assert list(rows[0]) == ["drawn_at", "exercise_id", "hazard", "area", "start", "score",
                             "conclusion", "open_improvements"]  # fmt: skip
    assert [(r["exercise_id"], r["score"]) for r in rows] == [("OLD", ""), ("SC-2026-Q4", "81.7")]
    code, out, _ = run(capsys, "drill", "history", toml)
    assert code == 0 and "81.7" in out and "OLD" in out


def test_scoring_a_second_draw_of_the_same_drill_file_never_overwrites_the_first(
    drill, tmp_path, capsys
):
    """Two draws of one drill file share the exercise id; each keeps its own history row."""
    hist = tmp_path / "h.csv"
    header, mine = (drill / "revealed" / "history_row.csv").read_text("utf-8-sig").splitlines()
    first_drawn = "2026-01-02T00:00:00+00:00"
    # The earlier draw: same exercise id, drawn another day, scored 83.0.
    earlier = f"{first_drawn},SC-2026-Q4,building_fire,Xiba Town,,83.0,good,9"
    hist.write_text(f"{header},score,conclusion,open_improvements\n{earlier}\n")
    code, out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS,
                         "--append-history", hist)  # fmt: skip
    assert code == 0, err
    rows = read_csv(hist)
    assert len(rows) == 2
    assert [rows[0][k] for k in ("drawn_at", "hazard", "score")] == [
        first_drawn, "building_fire", "83.0"
    ]  # fmt: skip
    assert rows[1]["drawn_at"] == mine.split(",")[0] and rows[1]["score"] == "81.7"


@pytest.mark.parametrize("points", ["0", "0.5", "6"])
def test_a_veto_item_rated_in_points_is_refused_and_nothing_is_scored(
    drill, tmp_path, capsys, points
):
    # 0.5 of 6 points escaped the veto (only a share of exactly 0 failed the drill).
    obs = tmp_path / "obs.csv"
    text = OBSERVATIONS.read_text(encoding="utf-8")
    assert "indicator,O2,,,A," in text
    obs.write_text(text.replace("indicator,O2,,,A,", f"indicator,O2,,,{points},"), "utf-8")
    code, out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs)
    assert code == 2 and not out
    assert str(obs) in err and "O2 is a veto item" in err and "score" in err
    assert not (drill / "scored").exists()
    # Other rating indicators still take points.
    obs.write_text(text.replace("indicator,O2,,,A,", "indicator,O2,,,D,"), "utf-8")
    assert run(capsys, "drill", "score", drill, "--observations", obs)[0] == 0
    # Left blank it is a missing rating, not one "in points".
    shutil.rmtree(drill / "scored")
    obs.write_text(text.replace("indicator,O2,,,A,", "indicator,O2,,,,"), "utf-8")
    code, _out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs)
    assert code == 2 and "not in points" not in err and "expected a rating A-D" in err


def test_the_drills_row_is_found_at_its_instant_however_the_offset_is_written(
    drill, tmp_path, capsys
):
    from datetime import datetime, timedelta, timezone

    hist = tmp_path / "h.csv"
    header, mine = (drill / "revealed" / "history_row.csv").read_text("utf-8-sig").splitlines()
    drawn = mine.split(",")[0]
    beijing = datetime.fromisoformat(drawn).astimezone(timezone(timedelta(hours=8)))
    hist.write_text(f"{header}\n{mine.replace(drawn, beijing.isoformat(), 1)}\n")
    code, _out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS,
                          "--append-history", hist)  # fmt: skip
    assert code == 0, err
    rows = read_csv(hist)
    assert len(rows) == 1 and rows[0]["score"] == "81.7"  # updated, not added again


def _delivered(inject5_time: str, delivered: str) -> str:
    """The example with a ``delivered`` column, inject 5 (the depot short) done and delivered."""
    text = _edit(BASE, "kind,ref,time,done,score,fields,evaluator,note",
                 "kind,ref,time,done,score,fields,evaluator,note,delivered")  # fmt: skip
    return _edit(text, "inject,5,+66,yes,,,保障评估员,从县级储备库补调排水泵，晚到约30分钟",
                 f"inject,5,{inject5_time},yes,,,保障评估员,补调排水泵,{delivered}")  # fmt: skip


def test_a_deadline_counts_from_when_the_inject_was_delivered(drill, tmp_path, capsys):
    # The depot keeper's call (inject 5, planned +32.5) came at +90, when the players
    # asked the depot: the follow-up due within 60 min counts from +90, met by +125.
    obs = tmp_path / "obs.csv"
    obs.write_text(_delivered("+110", "+90"), encoding="utf-8")
    code, out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs)
    assert code == 0, err
    form = (drill / "scored" / "evaluation_form.csv").read_text(encoding="utf-8")
    assert "T10 Follow-up report to city: 35 of 60 min (met)" in form
    # Without the column it counts from the planned offset, as before.
    shutil.rmtree(drill / "scored")
    assert run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS)[0] == 0
    form = (drill / "scored" / "evaluation_form.csv").read_text(encoding="utf-8")
    assert "T10 Follow-up report to city: 25.5 of 60 min (met)" in form


def test_an_inject_delivered_after_the_end_of_play_is_no_shortfall(drill, tmp_path, capsys):
    # Inject 6 (planned inside play) came only at +160, after the end of play (+150).
    text = _delivered("+66", "")
    text = _edit(text, "inject,6,,no,,,现场处置评估员,未建立失联人员名单",
                 "inject,6,,no,,,现场处置评估员,未建立失联人员名单,+160")  # fmt: skip
    obs = tmp_path / "obs.csv"
    obs.write_text(text, encoding="utf-8")
    code, _out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs)
    assert code == 0, err
    rows = read_csv(drill / "scored" / "improvements.csv")
    assert not [r for r in rows if r["kind"] == "inject" and r["ref"] == "6"]
    report = (drill / "scored" / "evaluation_report.md").read_text(encoding="utf-8")
    line = next(x for x in report.splitlines() if "+160 (planned +" in x)
    assert "after the end of play" in line


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            _delivered("+66", "+70"),
            "row 21, column time: done at +66.0 min, before the inject was delivered at +70.0 min",
        ),
        (_delivered("+66", "soon"), "row 21, column delivered"),
        (
            _edit(
                _delivered("+66", ""),
                "milestone,dispatch,+3,,,,指挥协调评估员,",
                "milestone,dispatch,+3,,,,指挥协调评估员,,+3",
            ),
            "row 5, column delivered",
        ),
    ],
    ids=["done-before-delivered", "bad-time", "not-an-inject"],
)
def test_a_bad_delivery_time_is_one_line_naming_the_row(drill, tmp_path, capsys, text, where):
    obs = tmp_path / "obs.csv"
    obs.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs)
    assert code == 2 and where in err and len(err.strip().splitlines()) == 1
    assert not (drill / "scored").exists()


def test_xlsx_observations_score_the_same(drill, tmp_path, capsys):
    import csv

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    with OBSERVATIONS.open(encoding="utf-8-sig", newline="") as fh:
        for line in csv.reader(fh):
            sheet.append([float(c) if c in ("3",) else c for c in line])  # a number cell too
    path = tmp_path / "obs.xlsx"
    book.save(path)
    code, out, err = run(capsys, "drill", "score", drill, "--observations", path)
    assert code == 0, err
    assert "81.7 out of 100" in out
    assert (drill / "scored" / "observations.xlsx").read_bytes() == path.read_bytes()


def test_deadlines_after_the_end_of_play_are_left_out_and_the_total_rescaled(revealed, tmp_path):
    """Play ends at 90 min, before the written first report and the last follow-up were sent.

    Left out (nothing observed, deadline after the end of play): T7 (31.6 + 60 = 91.6, the
    upgrade's), T11 (71.1 + 60 = 131.1); R3 is left out too (no written first report, none
    due). R2 = 6 x T6 = 6, R4 = 4 x min(T8, T9, T10, T13 (the upgrade's follow-up at 58),
    T12: gaps 18, 28, 90 - 58 = 32 <= 720) = 4. Points 81.7 - 2.4 = 79.3 over a counted
    weight of 100 - 3 = 97: total 100 x 79.3 / 97 = 81.75..., good (良好).
    """
    from experiments.drill.score import read_drill_observations, score_drill
    from scenarios.drill import DrillScript

    text = OBSERVATIONS.read_text(encoding="utf-8")
    late = ("report,written_first", "report,follow_up:city,+125")
    lines = [ln for ln in text.splitlines() if not ln.startswith(late)]
    obs = tmp_path / "obs.csv"
    obs.write_text("\n".join(lines).replace("end_of_play,+150", "end_of_play,+90") + "\n")
    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    score = score_drill(script, read_drill_observations(script, obs))
    shares = {c.id: c.share for c in score.checks}
    assert [k for k, v in shares.items() if v is None] == ["T7", "T11"]
    assert score.indicator("R3").share is None and score.indicator("R2").points == 6
    assert score.indicator("R4").points == 4
    assert score.counted_weight == 97
    assert score.total == pytest.approx(100 * 79.3 / 97)
    assert score.conclusion == "good"
    # A row not due says so once, not "not due by the end of play (not due by the end of play)".
    from experiments.drill.score_texts import check_line, rows_by_id

    rows = rows_by_id(score)
    for c in score.checks:
        line = check_line(c, rows[c.id])
        assert line.count("not due") == (c.share is None), line
    # T2, T3, T5; the seven ratings below full; inject 6
    assert [(s.kind, s.ref) for s in score.shortfalls] == [
        ("time", "T2"), ("time", "T3"), ("time", "T5"), ("indicator", "R5"),
        ("indicator", "C3"), ("indicator", "C4"), ("indicator", "O4"), ("indicator", "O6"),
        ("indicator", "S1"), ("indicator", "S4"), ("inject", "6"),
    ]  # fmt: skip


def test_the_drill_files_names_of_first_reports_are_read_in_observations(revealed, tmp_path):
    # [reporting] says first_phone and first_written; an evaluator who writes those in the
    # observations means phone_first and written_first, and scores the same
    from experiments.drill.score import read_drill_observations, score_drill
    from scenarios.drill import DrillScript

    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    text = OBSERVATIONS.read_text(encoding="utf-8")
    renamed = text.replace("report,phone_first:", "report,first_phone:").replace(
        "report,written_first:", "report,first_written:"
    )
    assert renamed != text
    obs = tmp_path / "obs.csv"
    obs.write_text(renamed, encoding="utf-8")
    got = read_drill_observations(script, obs)
    want = read_drill_observations(script, OBSERVATIONS)
    assert [r.kind for r in got.reports] == [r.kind for r in want.reports]
    assert score_drill(script, got).total == pytest.approx(score_drill(script, want).total)


def test_the_upgrade_reported_by_phone_meets_its_follow_up_row(revealed, tmp_path):
    # 电话报告后补书面: the upgrade phoned to the city at +50 (18.4 min after inject 4),
    # before the written follow-up at +58, meets T13 from then; the score is the same
    from experiments.drill.score import read_drill_observations, score_drill
    from scenarios.drill import DrillScript

    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    text = OBSERVATIONS.read_text(encoding="utf-8")
    phoned = tmp_path / "obs.csv"
    phoned.write_text(text.replace("report,follow_up:city,+58,",
                                   "report,phone_first:city,+50,,,,信息报送评估员,电话报告升级\n"
                                   "report,follow_up:city,+58,"),
                      encoding="utf-8")  # fmt: skip
    assert phoned.read_text(encoding="utf-8") != text
    got = score_drill(script, read_drill_observations(script, phoned))
    checks = {c.id: c for c in got.checks}
    assert checks["T13"].minutes == pytest.approx(50 - 31.6) and checks["T13"].share == 1
    assert got.indicator("R4").points == 4 and got.indicator("R2").points == 6
    # a phone report before the upgrade does not stand for it
    early = tmp_path / "early.csv"
    early.write_text(text.replace("report,follow_up:city,+58,", "report,phone_first:city,+25,"),
                     encoding="utf-8")  # fmt: skip
    late = score_drill(script, read_drill_observations(script, early))
    assert {c.id: c for c in late.checks}["T13"].minutes == pytest.approx(125 - 31.6)


def test_an_upgrade_brings_the_written_report_owed_forward(revealed, tmp_path):
    # Henan: grade IV owes the city a written report 360 min after the call; the upgrade to
    # III (inject 4, +31.6) brings it to III's 60 min from the upgrade (rules /9, T7).
    from experiments.drill.score import read_drill_observations, score_drill
    from scenarios.drill import DrillScript

    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    text = OBSERVATIONS.read_text(encoding="utf-8")

    def t7(written_at: str):
        obs = tmp_path / "obs.csv"
        obs.write_text(text.replace("report,written_first:city,+88,",
                                    f"report,written_first:city,{written_at},"),
                       encoding="utf-8")  # fmt: skip
        return {c.id: c for c in score_drill(script, read_drill_observations(script, obs)).checks}[
            "T7"
        ]

    assert t7("+88").minutes == pytest.approx(88 - 31.6) and t7("+88").share == 1
    late = t7("+118")  # within grade IV's 360, but 86.4 after the upgrade: half
    assert late.minutes == pytest.approx(118 - 31.6) and late.share == 0.5
    # a written report made before the upgrade was on time: it meets the row
    early = t7("+25")
    assert early.minutes == 0 and early.share == 1


def test_an_upgrade_delivered_late_does_not_push_the_written_deadline_past_its_own(
    revealed, tmp_path
):
    # Inject 4 delivered at +330 instead of +31.6: 60 min from it would end at +390, after
    # grade IV's own 360; the row counts from +300, so a written report at +375 is late.
    from experiments.drill.score import read_drill_observations, score_drill
    from scenarios.drill import DrillScript

    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    text = OBSERVATIONS.read_text(encoding="utf-8")
    text = _edit(text, "kind,ref,time,done,score,fields,evaluator,note",
                 "kind,ref,time,done,score,fields,evaluator,note,delivered")  # fmt: skip
    text = _edit(text, "inject,4,+42.4,yes,,,指挥协调评估员,",
                 "inject,4,+340,yes,,,指挥协调评估员,,+330")  # fmt: skip
    text = text.replace("report,written_first:city,+88,", "report,written_first:city,+375,")
    text = text.replace("end_of_play,+150", "end_of_play,+400")
    obs = tmp_path / "obs.csv"
    obs.write_text(text, encoding="utf-8")
    checks = {c.id: c for c in score_drill(script, read_drill_observations(script, obs)).checks}
    assert checks["T7"].start_min == pytest.approx(300)
    assert checks["T7"].minutes == pytest.approx(75) and checks["T7"].share == 0.5


def test_a_drill_drawn_before_rules_9_keeps_the_drawn_written_deadline(revealed):
    from experiments.drill.gbt_standards import time_standards
    from scenarios.drill import DrillScript
    from scenarios.drill.drawing_rules import TIGHTEN_RULES, version_name

    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    old = dataclasses.replace(script, generator_version=version_name(TIGHTEN_RULES - 1))
    rows = {r.id: r for r in time_standards(old)}
    assert (rows["T7"].ref, rows["T7"].target_min, rows["T7"].inject) == (
        "report:written_first",
        360.0,
        None,
    )


def test_rows_other_than_the_reveals_are_warned_of(drill, capsys, monkeypatch):
    # revealed and scored by this version: no warning
    code, _out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS)
    assert code == 0 and "other rows than the reveal" not in err
    # a version whose rules time the drill otherwise (as the escalation rows changed)
    from experiments.drill import evaluation_gbt

    real = evaluation_gbt.time_standards_csv
    monkeypatch.setattr(evaluation_gbt, "time_standards_csv", lambda s: real(s) + "T99,x\n")
    code, _out, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS,
                          "--overwrite")  # fmt: skip
    assert code == 0
    assert "time_standards.csv: this version of yingji times the drill by other rows" in err


def test_every_csv_the_drill_writes_opens_in_excel(drill, tmp_path, capsys):
    # Excel on Chinese Windows reads a CSV without a UTF-8 byte-order mark as GBK.
    hist = tmp_path / "history.csv"
    shutil.copy(REPO / "examples" / "drill_history.csv", hist)  # written without the mark
    code, _, err = run(capsys, "drill", "score", drill, "--observations", OBSERVATIONS,
                       "--append-history", hist)  # fmt: skip
    assert code == 0, err
    written = [p for p in drill.rglob("*.csv") if p.name != "observations.csv"]
    assert {p.name for p in written} >= {
        "injects.csv", "benchmark.csv", "indicators.csv", "time_standards.csv",
        "history_row.csv", "evaluation_form.csv", "improvements.csv",
    }  # fmt: skip
    for p in [*written, hist]:
        data = p.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1, p
    # the observations are the organiser's file, kept byte for byte
    assert (drill / "scored" / "observations.csv").read_bytes() == OBSERVATIONS.read_bytes()


def test_a_drill_revealed_before_csvs_had_the_mark_scores_without_a_warning(
    tmp_path, capsys, monkeypatch
):
    # Revealed by an earlier version (its CSVs plain UTF-8): same rows, so no warning.
    from experiments.drill import evaluation_gbt
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    d, key = tmp_path / "d", tmp_path / "k.key"
    with monkeypatch.context() as mp:
        freeze_draw_clock(mp)
        mp.setattr(evaluation_gbt, "csv_bytes", lambda text: text.encode("utf-8"))
        assert main(["drill", "draw", str(EXAMPLE), "--out", str(d), "--key", str(key),
                     "--seed", str(SEED)]) == 0  # fmt: skip
        assert main(["--lang", "en", "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    ts = d / "revealed" / "evaluators" / "time_standards.csv"
    assert not ts.read_bytes().startswith(b"\xef\xbb\xbf")  # the premise
    code, _out, err = run(capsys, "drill", "score", d, "--observations", OBSERVATIONS)
    assert code == 0, err
    assert "other rows than the reveal" not in err


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_times_saved_by_a_spreadsheet_without_the_plus_score_the_same(drill, tmp_path, capsys,
                                                                       kind):  # fmt: skip
    # Excel and WPS save "+13.5" as the number 13.5 (and a typed "+13.5" becomes one too).
    import csv

    with OBSERVATIONS.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = next(k for k, r in enumerate(rows) if r and not r[0].startswith("#"))
    col = rows[head].index("time")
    changed = 0
    for r in rows[head + 1 :]:
        if len(r) > col and r[col].startswith("+"):
            r[col] = float(r[col][1:]) if kind == "xlsx" else r[col][1:]
            changed += 1
    assert changed > 10  # the premise: the example writes its times as +minutes
    if kind == "csv":
        path = tmp_path / "obs.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    else:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        for r in rows:
            book.active.append(r)
        path = tmp_path / "obs.xlsx"
        book.save(path)
    code, out, err = run(capsys, "drill", "score", drill, "--observations", path)
    assert code == 0, err
    assert "81.7 out of 100" in out


@pytest.mark.parametrize("text", ["20270626", "13.5.1", "1e3", "-3", "13,5"])
def test_a_bare_number_is_minutes_only_when_it_is_a_plain_decimal(text):
    from datetime import datetime

    from experiments.drill.observation_times import minute_of

    class Bad(Exception):
        pass

    alarm = datetime(2027, 6, 26, 18, 52, tzinfo=UTC)
    assert minute_of("13.5", alarm, lambda c, m: Bad(m)) == 13.5
    assert minute_of("0", alarm, lambda c, m: Bad(m)) == 0.0
    # an 8-digit ISO date is no longer a date (it would be midnight, before the alarm): minutes,
    # and more than a week of them; the others are no time at all
    with pytest.raises(Bad):
        minute_of(text, alarm, lambda c, m: Bad(m))


def test_the_control_target_is_the_hazards_control_work_where_that_outlasts_the_standard():
    # 15 分钟处置 holds for what a township team can handle in 15 minutes; a grade IV forest
    # fire is 120 min of control work, so the target was out of reach of the plan itself.
    from scenarios.catalogue import load_catalogue
    from scenarios.drill.evaluation import build_evaluation
    from scenarios.drill.spec import DrillSpec

    spec = DrillSpec.from_dict({"drill": {"start": "2026-12-01T08:00", "end": "2026-12-02T08:00"}})
    cat = load_catalogue()
    for hazard, grade in (("forest_fire", 4), ("building_fire", 4), ("waterlogging", 4)):
        work = cat[hazard].control_work(grade).mean
        ev = build_evaluation(spec, grade=grade, under_control="x", injects=(),
                              control_work=work)  # fmt: skip
        assert ev["targets"]["control"] == max(15.0, work)
        assert ("control_standard" in ev["targets"]) == (work > 15.0)
        # the standard row: from the alarm, or the work from the full complement on scene
        assert ev["standard"][2]["target_min"] == (work if work > 15.0 else 1 + 10 + 15)
    # scripts of earlier rules keep the standard's minutes (verify --redraw re-draws them)
    ev = build_evaluation(spec, grade=4, under_control="x", injects=())
    assert ev["targets"] == {"call_taking": 1.0, "arrival": 10.0, "control": 15.0}


def test_a_timed_inject_done_before_its_planned_time_is_warned_of(drill, tmp_path, capsys):
    # Inject 3 (planned +28.1, set off by no player) marked done at +20, with no delivered
    # time: accepted without a word before, while the same row with one was refused.
    obs = tmp_path / "obs.csv"
    obs.write_text(_edit(BASE, "inject,3,+35,yes", "inject,3,+20,yes"), encoding="utf-8")
    code, _out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs)
    assert code == 0, err
    assert "inject 3 done at +20.0 min, before its planned time +28.1 min" in err
    # given early, and said so: no warning
    text = _edit(BASE, "kind,ref,time,done,score,fields,evaluator,note",
                 "kind,ref,time,done,score,fields,evaluator,note,delivered")  # fmt: skip
    obs.write_text(_edit(text, "inject,3,+35,yes,,,现场处置评估员,",
                         "inject,3,+20,yes,,,现场处置评估员,,+18"), encoding="utf-8")  # fmt: skip
    code, _out, err = run(capsys, "--lang", "en", "drill", "score", drill, "--observations", obs,
                          "--overwrite")  # fmt: skip
    assert code == 0 and "planned time" not in err, err


@pytest.mark.parametrize(
    "text",
    ["17:21:30", "17：21：30", "１７：２１：３０", "2027-09-06T17:21:30+08:00", "2027/9/6 17:21:30",
     "2027-9-6 17:21:30", "2027.9.6 17:21:30", "2027年9月6日17时21分30秒", "2027年9月6日 17:21:30",
     "17时21分30秒", "17点21分30秒", "+17.2333333333", "＋17.2333333333"],
)  # fmt: skip
def test_times_as_evaluators_write_them_are_one_instant(text):
    # A Chinese input method types full-width colons; WPS and Excel save a date-time cell
    # as 2027/9/6 17:21; paper forms say 2027年9月6日17时21分.
    from datetime import datetime, timedelta, timezone

    from experiments.drill.observation_times import minute_of

    alarm = datetime(2027, 9, 6, 17, 4, 16, tzinfo=timezone(timedelta(hours=8)))
    assert minute_of(text, alarm, lambda c, m: ValueError(m)) == pytest.approx(17 + 14 / 60)


@pytest.mark.parametrize(
    "text", ["17;21", "25:10", "17时61分", "2027/13/6 17:21", "2027年9月", "17:21:"]
)
def test_a_time_that_is_none_is_refused_quoting_the_cell(text):
    from experiments.drill.observation_times import minute_of

    alarm = datetime(2027, 9, 6, 17, 4, 16, tzinfo=UTC)
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        minute_of(text, alarm, lambda c, m: ValueError(m))


def test_a_full_complement_that_never_came_counts_control_from_the_first_team(revealed, tmp_path):
    # T3 counts from the full complement on scene (rules /7). Recorded as never come (the
    # benchmark may say the county cannot field it), the row was left out and the total
    # rescaled upwards; it counts from the first team on scene instead.
    from experiments.drill.score import read_drill_observations, score_drill
    from scenarios.drill import DrillScript

    script = DrillScript.from_dict(json.loads((revealed / "revealed/script.json").read_bytes()))
    text = OBSERVATIONS.read_text(encoding="utf-8")
    assert "milestone,full_complement,+21," in text
    obs = tmp_path / "obs.csv"
    obs.write_text(text.replace("milestone,full_complement,+21,", "milestone,full_complement,,no"))
    score = score_drill(script, read_drill_observations(script, obs))
    (t3,) = [c for c in score.checks if c.id == "T3"]
    # first team at 21, under control at 41.5: 20.5 min against 20 (as with the full
    # complement at 21), half marks, and the total as the example's
    assert t3.share == 0.5 and t3.minutes == pytest.approx(20.5)
    assert score.counted_weight == 100
    assert score.total == pytest.approx(81.7)


def _early_end(drill: Path, tmp_path: Path, written: str | None) -> dict:
    """Score the example with play ending at +80, before the written first report is due
    (+91.6: 60 min after the upgrade, inject 4 at 31.6), with ``written`` as its fields
    sent at +70 (``None``: not sent). Returns score.json."""
    rows = OBSERVATIONS.read_text(encoding="utf-8-sig").splitlines()
    kept = []
    for row in rows:
        cells = row.split(",")
        if len(cells) > 2 and cells[2].startswith("+") and float(cells[2][1:]) > 80:
            continue  # after the end of play
        if row.startswith("report,written_first"):
            continue
        kept.append(row.replace("milestone,end_of_play,+150", "milestone,end_of_play,+80"))
    if written is not None:
        kept.append(f"report,written_first:city,+70,,,{written},信息报送评估员,")
    obs = tmp_path / f"obs-{written is not None}-{len(written or '')}.csv"
    obs.write_text("\n".join(kept) + "\n", encoding="utf-8")
    d = tmp_path / f"d-{obs.stem}"
    shutil.copytree(drill, d)
    assert main(["--lang", "en", "drill", "score", str(d), "--observations", str(obs)]) == 0
    score = json.loads((d / "scored" / "score.json").read_text())
    form = {r["id"]: r for r in read_csv(d / "scored" / "evaluation_form.csv")}
    score["form_R3"] = form["R3"]
    return score


def test_a_written_first_report_sent_early_never_scores_below_none_sent(drill, tmp_path):
    full = ("report_unit;report_time;time;place;event_type;grade;dead;injured;missing;"
            "trapped;evacuated;damage;trend;actions;forces;needs;reporter;contact")  # fmt: skip
    none = _early_end(drill, tmp_path, None)
    partial = _early_end(drill, tmp_path, "report_unit;report_time;time;place")
    complete = _early_end(drill, tmp_path, full)
    assert none["time_standards"]["T7"]["share"] is None  # not due by the end of play
    assert none["indicators"]["R3"]["share"] is None
    # Incomplete and early: left out like the missing one, not rated D.
    assert partial["indicators"]["R3"]["share"] is None
    assert partial["indicators"]["R3"]["given"] == "D"  # what it would have been, recorded
    # The machine form keeps it too, with no share and no points: the total leaves it out.
    r3 = partial["form_R3"]
    assert (r3["given"], r3["share"], r3["points"]) == ("D", "", "")
    assert partial["total"] >= none["total"]
    # Complete and early: its A counts.
    assert complete["indicators"]["R3"]["share"] == 1.0
    assert complete["total"] >= none["total"]


def test_a_written_first_report_is_due_only_by_a_deadline_within_play():
    from types import SimpleNamespace

    from experiments.drill.indicator_scores import _due_by_end

    def row(ref, start, target):  # noqa: ANN001, ANN202
        return SimpleNamespace(ref=ref, start_min=start, target_min=target)

    written = row("report:written_first", 31.6, 60.0)  # due at 91.6
    assert _due_by_end([written], 91.6) and not _due_by_end([written], 91.5)
    # No row (an event that stays at the receiving level), or nothing to count from: never
    # due, as a missing report is then never counted.
    assert not _due_by_end([row("report:phone_first", 0.0, 1.0)], 500.0)
    assert not _due_by_end([row("report:written_first", None, 60.0)], 500.0)
    # Any of its deadlines (to two levels) within play makes it due.
    assert _due_by_end([written, row("report:written_first", 0.0, 20.0)], 80.0)
