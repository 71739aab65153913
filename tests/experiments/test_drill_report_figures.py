"""续报准: a report's figures are checked against the casualty update it followed.

The example drill (seed 5) has an escalation, inject 4 at +31.6 min ("at
least 3 dead confirmed so far"), and a casualty update, inject 6 at +71.1 min:
8 dead, 27 injured, none unaccounted for. The example observations send
follow-ups to the city at +30 (row 13), before either, at +58 (row 14), after
the escalation, and at +125 (row 16), after the update. The evaluators record
the figures a report gave in a ``figures`` column; one that differs from the
latest update delivered before the report goes on the improvement list, to
the coordination group.
"""

# ruff: noqa: F811 - the fixtures of test_drill_score are imported and used by name
from __future__ import annotations

import json

import pytest

from tests.conftest import read_csv
from tests.experiments.cli_calls import one_line, run
from tests.experiments.test_drill_score import BASE, _edit, drill, revealed  # noqa: F401

FOLLOW_UP_125 = "report,follow_up:city,+125,"
FOLLOW_UP_30 = "report,follow_up:city,+30,"


def with_figures(text: str, at: dict[str, str]) -> str:
    """The example observations with a ``figures`` column, given for the rows starting ``at``."""
    text = _edit(text, "kind,ref,time,done,score,fields,evaluator,note",
                 "kind,ref,time,done,score,fields,evaluator,note,figures")  # fmt: skip
    lines = []
    for line in text.splitlines():
        for start, figures in at.items():
            if line.startswith(start):
                line = f'{line},"{figures}"'
        lines.append(line)
    return "\n".join(lines) + "\n"


def score(drill, tmp_path, capsys, text: str, lang: str = "en"):
    obs = tmp_path / "obs.csv"
    obs.write_text(text, encoding="utf-8")
    return run(capsys, "--lang", lang, "drill", "score", drill, "--observations", obs)


def test_figures_as_the_update_gave_them_pass(drill, tmp_path, capsys):
    text = with_figures(BASE, {FOLLOW_UP_125: "dead=8; injured=27; missing=0",
                               FOLLOW_UP_30: "dead=1"})  # fmt: skip
    code, _out, err = score(drill, tmp_path, capsys, text)
    assert code == 0, err
    got = json.loads((drill / "scored/score.json").read_text())
    reports = {r["row"]: r for r in got["reports"]}
    assert reports[16]["figures_checked_against"] == 6 and reports[16]["wrong_figures"] == []
    # before the escalation and the update nothing was given to check against
    assert reports[13]["figures_checked_against"] is None
    assert not [r for r in read_csv(drill / "scored/improvements.csv") if r["kind"] == "figures"]


def test_figures_other_than_the_updates_go_on_the_improvement_list(drill, tmp_path, capsys):
    text = with_figures(BASE, {FOLLOW_UP_125: "死亡人数=5；受伤人数=27人；失踪（失联）人数：0"})
    code, _out, err = score(drill, tmp_path, capsys, text, lang="zh")
    assert code == 0, err
    got = json.loads((drill / "scored/score.json").read_text())
    wrong = {r["row"]: r["wrong_figures"] for r in got["reports"]}[16]
    assert wrong == [{"field": "dead", "reported": 5, "given": 8}]
    rows = [r for r in read_csv(drill / "scored/improvements.csv") if r["kind"] == "figures"]
    assert [(r["ref"], r["indicator_id"], r["group_key"]) for r in rows] == [
        ("16", "R4", "coordination")
    ]
    assert "死亡人数 5（通报为 8）" in rows[0]["shortfall_zh"]
    assert "情景注入6" in rows[0]["shortfall_zh"]
    assert "Dead 5 (the update: 8)" in rows[0]["shortfall"]
    # the score is the same: accuracy is an improvement, not points (the plan's weights)
    assert got["total"] == pytest.approx(81.7)
    # and the conclusion does not call R4 fully met beside its improvement item
    report = (drill / "scored/evaluation_report.md").read_text(encoding="utf-8")
    (fully,) = [ln for ln in report.splitlines() if ln.startswith("完全达到：")]
    assert "R4" not in fully and "R6" in fully
    (marked,) = [ln for ln in report.splitlines() if ln.startswith("得满分但仍列入整改清单：")]
    assert "R4" in marked


@pytest.mark.parametrize(
    ("start", "cell", "where"),
    [
        (FOLLOW_UP_125, "dead=eight", "row 16, column figures"),
        (FOLLOW_UP_125, "cows=3", "row 16, column figures"),
        ("milestone,call_taken", "dead=1", "row 4, column figures"),
    ],
)
def test_a_bad_figures_cell_is_one_line_naming_row_and_column(
    drill,
    tmp_path,
    capsys,
    start,
    cell,
    where,
):
    code, _out, err = score(drill, tmp_path, capsys, with_figures(BASE, {start: cell}))
    assert code == 2
    assert where in one_line(err)
    assert not (drill / "scored").exists()


FOLLOW_UP_58 = "report,follow_up:city,+58,"


@pytest.mark.parametrize(("cell", "wrong"), [("dead=2", [2]), ("dead=4; injured=1", [])])
def test_after_an_escalation_a_report_may_not_give_fewer_dead_than_it(
    drill, tmp_path, capsys, cell, wrong
):
    # inject 4 (+31.6, rules /9): "at least 3 dead confirmed so far"; the casualty update
    # (inject 6) comes only at +71.1, so the report at +58 answers to the escalation
    code, _out, err = score(drill, tmp_path, capsys, with_figures(BASE, {FOLLOW_UP_58: cell}))
    assert code == 0, err
    got = json.loads((drill / "scored/score.json").read_text())
    report = {r["row"]: r for r in got["reports"]}[14]
    assert report["figures_checked_against"] == 4 and report["figures_at_least"] is True
    assert [w["reported"] for w in report["wrong_figures"]] == wrong
    rows = [r for r in read_csv(drill / "scored/improvements.csv") if r["kind"] == "figures"]
    assert len(rows) == len(wrong)
    if wrong:
        assert "Dead 2 (the update: at least 3)" in rows[0]["shortfall"]


def test_figure_names_are_read_without_a_template():
    from experiments.drill.observations import FieldNames, read_figures

    got = read_figures("死亡人数=5；受伤=２人, missing: 1", FieldNames(None), ValueError)
    assert got == (("dead", 5), ("injured", 2), ("missing", 1))


def test_casualty_figures_are_read_where_the_form_has_no_such_field():
    # Form 10 (public health) has 发病人数, 危重病例 and 死亡人数, no 受伤 or 失踪 field; the
    # casualty update of such a drill still gives injured and missing, and the template's
    # comment asks for them: they are read, and a field neither form nor update has is not.
    from experiments.drill.observations import FieldNames, read_figures

    form10 = FieldNames([("cases", "Cases", "发病人数"), ("dead", "Dead", "死亡人数")])
    got = read_figures("死亡人数=15；受伤人数=31；失踪（失联）人数=5", form10, ValueError)
    assert got == (("dead", 15), ("injured", 31), ("missing", 5))
    assert read_figures("发病人数=40", form10, ValueError) == (("cases", 40),)
    with pytest.raises(ValueError, match="cows"):
        read_figures("cows=3", form10, ValueError)
