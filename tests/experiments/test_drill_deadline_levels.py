"""Drill deadlines by level, the direct written report, and the HSEEP sheet's timing.

* A report counts only toward the deadlines of its own level: under the national
  rules the report to the city and the direct one to the State Council are both
  due in 120 minutes, and a report sent only to the city must not meet the State
  Council's (audit_drill finding 1).
* Under Guizhou's rules the written report to the province is due within 30
  minutes of the phone report to it (seed 001), and the drill times it (finding 6).
* The HSEEP sheet lists the deadlines as the time standards count them: after an
  upgrade from its inject, the follow-up after each inject that changes the
  picture, labels in words (finding 7).

Scripts are composed as a draw does, on the built-in county, without the simulated spread.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments.drill import gbt_standards, packet_text, packets
from experiments.drill.config import DrillConfig, DrillReporting
from experiments.drill.draw import compose
from experiments.drill.observations import Observations, Report
from experiments.drill.time_checks import measure_time_standards
from networks import i18n
from scenarios.drill import seed_from_int
from sim.reporting_rules import PRESETS

BASE = """[drill]
id = "FIX-1"
type = "field"
blind = "six-no"
start = 2026-12-01T08:00:00+08:00
end = 2026-12-12T18:00:00+08:00
grades = [{grades}]
injects = [{injects}]
[benchmark]
replications = 0
"""
DRAWN_AT = "2026-06-01T00:00:00+00:00"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def draw(tmp_path_factory):
    """``draw(extra, grades=, injects=, seed=)``: a composed script of a drill file."""
    cache: dict = {}
    region = None

    def make(extra: str = "", *, grades: str = '"II"', injects: str = "", seed: int = 1):
        nonlocal region
        key = (extra, grades, injects, seed)
        if key not in cache:
            p = tmp_path_factory.mktemp("d") / "drill.toml"
            p.write_text(BASE.format(grades=grades, injects=injects) + extra, encoding="utf-8")
            cfg = DrillConfig.from_file(p)
            region = region or cfg.region()
            cache[key] = compose(
                cfg,
                region,
                seed=seed_from_int(seed),
                exercise_id="FIX-1",
                drawn_at=DRAWN_AT,
                history=[],
                audit={},
            )
        return cache[key]

    return make


def observed(*reports: tuple[str, str, float], end: float = 300.0) -> Observations:
    """Observations with the milestones met and ``reports`` as (kind, level, minute)."""
    milestones = {
        "call_taken": 0.5,
        "first_arrival": 9.0,
        "under_control": 25.0,
        "command_post": 20.0,
        "video": 20.0,
        "end_of_play": end,
    }
    return Observations(
        source=str(Path("obs.csv")),
        milestones=dict(milestones),
        milestone_rows={k: n + 2 for n, k in enumerate(milestones)},
        reports=tuple(
            Report(kind, level, minute, (), 20 + n)
            for n, (kind, level, minute) in enumerate(reports)
        ),
    )


def _first_rows(script):
    """The first-report rows of the drawn grade (no inject), in English, by id."""
    with i18n.language("en"):
        return {
            r.id: r
            for r in gbt_standards.time_standards(script)
            if r.ref in ("report:phone_first", "report:written_first") and r.inject is None
        }


# ------------------------------------------------------------------ finding 1
def test_report_to_the_city_does_not_meet_the_direct_deadline_to_the_state_council(draw):
    s = draw()  # national rules, grade II: first reports to the city and directly to the state
    rows = _first_rows(s)
    to = {r.to for r in rows.values()}
    assert to == {"city", "state"}
    # the two levels share their 120-minute limits: a match by minutes cannot tell them apart
    assert {r.target_min for r in rows.values() if r.to == "city"} & {
        r.target_min for r in rows.values() if r.to == "state"
    }
    city_only = observed(("phone_first", "city", 10), ("written_first", "city", 20))
    got = {c.id: c for c in measure_time_standards(s, city_only)}
    for id_, r in rows.items():
        assert got[id_].status == ("met" if r.to == "city" else "missed"), r.item
        assert (got[id_].minutes is None) == (r.to == "state")
    # and the other way round: reports straight to the State Council leave the city's undone
    state_only = observed(("phone_first", "state", 12), ("written_first", "state", 30))
    got = {c.id: c for c in measure_time_standards(s, state_only)}
    for id_, r in rows.items():
        assert got[id_].status == ("met" if r.to == "state" else "missed"), r.item
    # the written report after the phone report counts from the phone report to its own level
    after = [r for r in rows.values() if r.start == "the phone report" and r.to == "state"]
    assert [got[r.id].start_min for r in after] == [12.0]
    assert [got[r.id].minutes for r in after] == [18.0]


def test_a_report_that_names_no_level_still_counts_toward_every_level(draw):
    s = draw()
    rows = _first_rows(s)
    got = {c.id: c for c in measure_time_standards(s, observed(("phone_first", "", 10)))}
    phone = [r for r in rows.values() if r.ref == "report:phone_first"]
    assert {r.to for r in phone} == {"city", "state"}
    assert all(got[r.id].status == "met" and got[r.id].minutes == 10 for r in phone)


# ------------------------------------------------------------------ finding 6
def test_guizhou_times_the_written_report_to_the_province_after_the_phone_report():
    gz = DrillReporting(rules=PRESETS["guizhou"])
    wap = PRESETS["guizhou"].written_after_phone
    for grade in (1, 2, 3, 4):
        direct = [
            r
            for r in gz.limits(grade)
            if r["report"] == "written_first" and r["to"] == "province" and r["from"] == "phone"
        ]
        # 重大以上 (I-II): 电话报告30分钟内上报电子书面报告; III and IV set no such limit
        want = [] if wap[grade - 1] is None else [wap[grade - 1]]
        assert [r["limit_min"] for r in direct] == want
        assert all(r["direct"] for r in direct)
    assert wap[:2] == (30.0, 30.0)


def test_guizhou_drill_scores_the_written_report_to_the_province(draw):
    s = draw('[reporting]\nrules = "guizhou"\n')
    with i18n.language("en"):
        rows = [
            r
            for r in gbt_standards.time_standards(s)
            if r.ref == "report:written_first" and r.to == "province" and r.inject is None
        ]
    assert [(r.target_min, r.start, r.indicator) for r in rows] == [
        (30.0, "the phone report", "R2")
    ]
    (row,) = rows

    def check(*reports):
        got = {c.id: c for c in measure_time_standards(s, observed(*reports))}
        return got[row.id]

    phone = ("phone_first", "province", 10.0)
    on_time = check(phone, ("written_first", "province", 35.0))
    assert (on_time.status, on_time.start_min, on_time.minutes) == ("met", 10.0, 25.0)
    late = check(phone, ("written_first", "province", 50.0))  # 40 min: within 1.5 x 30
    assert (late.status, late.share) == ("late", 0.5)
    # a written report to the city does not stand for the one to the province
    assert check(phone, ("written_first", "city", 20.0)).status == "missed"


# ------------------------------------------------------------------ finding 7
def _hseep(draw):
    for seed in range(1, 40):
        s = draw(
            '[evaluation]\nstandard = "hseep"\n',
            grades='"III", "IV"',
            injects='"escalation", "casualty_update"',
            seed=seed,
        )
        kinds = {i.kind for i in s.injects}
        if {"escalation", "casualty_update"} <= kinds:
            return s
    pytest.fail("no draw with an escalation and a casualty update")


def _deadlines(md: str, script) -> list[list[str]]:
    """The rows (header first) of the sheet's reporting table, in the language in use."""
    grade = packet_text.grade(script.evaluation["reporting"]["grade"])
    heading = "## " + i18n._("Reporting deadlines (grade {grade})").format(grade=grade)
    part = md.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in part.splitlines() if ln.startswith("| ")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]


def _within(text: str) -> float:
    """The minutes an (English) expected action quotes: "... within 30 min ..."."""
    return float(re.search(r"within (\d+(?:\.\d+)?) min", text)[1])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hseep_sheet_times_the_deadlines_as_the_injects_and_time_standards(draw, lang):
    s = _hseep(draw)
    esc = next(i for i in s.injects if i.kind == "escalation")
    cas = next(i for i in s.injects if i.kind == "casualty_update")
    with i18n.language(lang):
        header, *rows = _deadlines(packets.evaluation_markdown(s, None), s)
        ts = [r for r in gbt_standards.time_standards(s) if r.ref.startswith("report:")]
        label = {i.no: gbt_standards._inject_label(i.no, i.kind) for i in (esc, cas)}
        assert header[2] == i18n._("Counted from")
    # the same rows, limits and starting points as the evaluators' time standards
    assert rows == [[r.item, f"{r.target_min:g}", r.start, "", ""] for r in ts]
    # the upgrade is reported within the limit its inject quotes, counted from that inject
    upgrade = [(r[2], float(r[1])) for r, t in zip(rows, ts, strict=True)
               if t.inject == esc.no]  # fmt: skip
    assert upgrade and {at for at, _m in upgrade} == {label[esc.no]}
    assert min(m for _at, m in upgrade) == _within(esc.expected_action)
    # the follow-up the casualty update asks for, within its limit of the update
    assert [float(r[1]) for r in rows if r[2] == label[cas.no]] == [_within(cas.expected_action)]
    # labels in words: no raw keys, and in Chinese the names are Chinese
    for raw in ("first phone", "first_phone", "follow up every", "follow_up", "written_first"):
        assert all(raw not in r[0] for r in rows)
    if lang == "zh":
        assert all(HAN.search(r[0]) and HAN.search(r[2]) for r in rows)
