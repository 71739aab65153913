"""Drills the Chinese way: the GB/T 46792 packet, the reporting presets, work groups, disclosure.

Scripts are composed as a draw does (:func:`experiments.drill.draw.compose`),
without the simulated spread, on the built-in county built once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest

from experiments.drill import evaluation_gbt as gbt
from experiments.drill import gbt_standards, packets
from experiments.drill.config import DrillConfig, DrillReporting
from experiments.drill.control_target import closure_allowance
from experiments.drill.draw import compose
from networks import i18n
from networks.errors import ConfigError
from networks.files import csv_bytes
from scenarios.drill import seed_from_int
from scenarios.drill.workgroups import (
    DEFAULT_GROUPS,
    DISCLOSURE,
    ITEMS,
    POSITIONS,
    disclosed,
    known_at_alarm,
)
from scenarios.stream import GRADE_NAMES
from sim.reporting_rules import KINDS, PRESETS

HAN = re.compile(r"[\u4e00-\u9fff]")
BASE = """[drill]
id = "GBT-1"
type = "{type}"
blind = "{blind}"
start = 2026-12-01T08:00:00+08:00
end = 2026-12-12T18:00:00+08:00
grades = ["II", "III"]
[benchmark]
replications = 0
"""
DRAWN_AT = "2026-06-01T00:00:00+00:00"


def write(tmp_path: Path, extra: str = "", *, type: str = "field", blind: str = "six-no") -> Path:
    p = tmp_path / "drill.toml"
    p.write_text(BASE.format(type=type, blind=blind) + extra, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    return DrillConfig.from_file(write(tmp_path_factory.mktemp("r"))).region()


@pytest.fixture(scope="module")
def draw(region, tmp_path_factory):
    """``draw(extra, type=, blind=, seed=)``: a composed script of a drill file."""
    cache = {}

    def make(extra: str = "", *, type: str = "field", blind: str = "six-no", seed: int = 1):
        key = (extra, type, blind, seed)
        if key not in cache:
            cfg = DrillConfig.from_file(
                write(tmp_path_factory.mktemp("d"), extra, type=type, blind=blind)
            )
            cache[key] = compose(
                cfg,
                region,
                seed=seed_from_int(seed),
                exercise_id="GBT-1",
                drawn_at=DRAWN_AT,
                history=[],
                audit={},
            )
        return cache[key]

    return make


# ------------------------------------------------------------------ indicator tables
@pytest.mark.parametrize("drill_type", ["field", "tabletop"])
def test_indicator_weights_sum_to_100_and_every_row_is_complete(drill_type):
    table = gbt.indicators(drill_type)
    assert sum(i.weight for i in table) == 100
    assert len({i.id for i in table}) == len(table)
    assert {i.position for i in table} == set(POSITIONS)  # every position has indicators
    assert any(i.veto for i in table)
    for i in table:
        assert i.category in gbt.CATEGORIES and i.rule in ("time", "rating") and i.tests
        assert all(HAN.search(p[1]) for p in (i.name, i.criterion)), i.id
        if i.rule == "time":  # a time indicator is scored from a standard or a deadline
            assert all(r.split(":")[0] in ("standard", "report") for r in i.tests), i.id


def test_script_records_scheme_deadlines_and_command_post(draw):
    s = draw()
    ev = s.evaluation
    assert ev["scheme"] == "gbt46792" and gbt.scheme(s) == "gbt46792"
    assert ev["reporting_rules"]["rules"] == "national"
    assert ev["reporting_rules"]["grade"] == GRADE_NAMES[s.scene.grade]
    assert ev["command_post"]["target_min"] == 30
    assert [g["key"] for g in ev["command_post"]["groups"]] == [g.key for g in DEFAULT_GROUPS]


@pytest.mark.parametrize(
    ("drill_type", "blind", "seed"),
    [("field", "six-no", 1), ("tabletop", "double", 2), ("field", "double", 3)],
)
def test_every_time_standard_names_the_inject_or_standard_it_tests(draw, drill_type, blind, seed):
    s = draw(type=drill_type, blind=blind, seed=seed)
    rows = gbt.time_standards(s)
    table = {i.id: i for i in gbt.indicators(drill_type)}
    injects = {i.no: i for i in s.injects}
    for r in rows:
        assert r.tests.strip() and r.source.strip(), r
        assert r.ref.startswith(("standard:", "report:"))
        assert r.indicator in table and table[r.indicator].rule == "time", r
        assert r.ref in table[r.indicator].tests or r.ref.startswith("report:")
        if r.inject is not None:
            assert r.inject in injects and str(r.inject) in r.tests
    t = s.evaluation["targets"]
    call, arrive, control = (t[k] for k in ("call_taking", "arrival", "control"))
    target = {r.ref: r.target_min for r in rows if r.ref.startswith("standard:")}
    # rules /7: a hazard whose control work outlasts the standard's 15 min is held to that
    # work from the full complement on scene, else 1 + 10 + 15 from the alarm
    held = "control_standard" in t
    assert held == (control > 15)
    # rules /9: the arrival row allows the detour of the drill's own closure (none without one)
    detour = closure_allowance(s)
    assert detour is None or injects[detour[0]].kind == "road_closed" and detour[1] > 0
    assert target == {
        "standard:call_taking": call,
        "standard:arrival": pytest.approx(call + arrive + (detour[1] if detour else 0.0)),
        "standard:control": control if held else call + arrive + control,
        "standard:command_post": 30,
        "standard:video": 30,
    }
    # every inject that changes the picture has its follow-up deadline
    follow = {r.inject for r in rows if r.ref == "report:follow_up" and r.inject}
    assert follow == {i.no for i in s.injects if i.kind in gbt_standards._CHANGES}
    # tabletop: arrival, control and video are judged against the plan
    plan = {r.ref for r in rows if r.measure == "plan"}
    assert plan == (
        {"standard:arrival", "standard:control", "standard:video"}
        if drill_type == "tabletop"
        else set()
    )


# ------------------------------------------------------------------ reporting presets
@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_reporting_limits_are_the_presets_limits(preset, grade):
    rules = PRESETS[preset]
    rows = DrillReporting(rules=rules).limits(grade)
    g = grade - 1
    for r in rows:
        assert r["source"] == preset
        if r["report"] in KINDS and r["from"] in ("call", "change", "end"):
            kind = r["report"]
            lim = rules.limit(kind, r["to"], grade)
            first = rules.first_report.get(r["to"], (None,) * 4)[g]
            assert r["limit_min"] == min(x for x in (lim, first) if x is not None), r
    # nothing the preset sets for the next level up is left out
    for kind in KINDS:
        lim = rules.limit(kind, "city", grade)
        if lim is not None:
            assert any(r["report"] == kind and r["to"] == "city" for r in rows), kind
    wap = rules.written_after_phone[g]
    # the written report is due after the phone report on the link to the next level and on
    # the direct one (Guizhou: 电话报告30分钟内上报电子书面报告, for reports to the province)
    links = {"city"} | {r["to"] for r in rows if r["direct"]}
    after = [(r["to"], r["limit_min"]) for r in rows if r["from"] == "phone"]
    assert sorted(after) == (sorted((lv, wap) for lv in links) if wap else [])


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_drawn_script_records_the_presets_limits_for_its_grade(draw, preset):
    s = draw(f'[reporting]\nrules = "{preset}"\n')
    rr = s.evaluation["reporting_rules"]
    grade = s.scene.grade
    assert rr["rules"] == preset and rr["to"] == "city" and rr["grade"] == GRADE_NAMES[grade]
    mine = [
        {k: v for k, v in r.items() if k != "grade"}
        for r in rr["limits"]
        if r["grade"] == GRADE_NAMES[grade]
    ]
    assert mine == DrillReporting(rules=PRESETS[preset]).limits(grade)
    # the time standards quote them, and so does the HSEEP table of the draw
    for r in mine:
        if r["from"] in ("call", "phone", "previous", "end"):
            assert any(
                t.ref == f"report:{r['report']}" and t.target_min == r["limit_min"]
                for t in gbt.time_standards(s)
            ), r
    phone = [r["limit_min"] for r in mine if r["report"] == "phone_first" and r["from"] == "call"]
    assert s.evaluation["reporting"]["deadlines_min"].get("first_phone") == (
        min(phone) if phone else None
    )


def test_old_reporting_keys_override_the_preset(draw):
    plain = draw('[reporting]\nrules = "henan"\n')
    grade = plain.scene.grade  # II or III
    g3 = [
        r for r in DrillReporting(rules=PRESETS["henan"]).limits(3) if r["report"] == "phone_first"
    ]
    assert g3 == []  # Henan sets no phone deadline for grade III
    s = draw('[reporting]\nrules = "henan"\nfirst_phone = [10, 10, 20, 30]\n')
    rows = [
        r
        for r in s.evaluation["reporting_rules"]["limits"]
        if r["report"] == "phone_first" and r["grade"] == GRADE_NAMES[grade]
    ]
    assert [(r["limit_min"], r["source"]) for r in rows] == [([10, 20][grade - 2], "config")]
    assert s.evaluation["reporting"]["deadlines_min"]["first_phone"] == [10, 20][grade - 2]
    assert s.evaluation["reporting_rules"]["overrides"] == ["first_phone"]


# ------------------------------------------------------------------ the two standards
def test_hseep_standard_gives_the_old_sheet(draw):
    s = draw('[evaluation]\nstandard = "hseep"\nscale = "PSMU"\n')
    assert gbt.scheme(s) == "hseep"
    files = packets.evaluator_files(s)
    assert files == {
        "evaluation.md": packets.evaluation_markdown(s).encode(),
        "evaluation.html": packets.evaluation_html(s).encode(),
        "benchmark.csv": csv_bytes(packets.benchmark_csv(s)),
    }
    assert b"P: performed without challenges" in files["evaluation.md"]
    new = packets.evaluator_files(draw())
    assert set(new) == {
        "evaluation.md",
        "evaluation.html",
        "observation_sheets.md",
        "observation_sheets.html",
        "indicators.csv",
        "time_standards.csv",
        "observations_template.csv",
        "benchmark.csv",
    }
    assert b"GB/T 46792-2025" in new["evaluation.md"]
    assert b"performed without challenges" not in new["evaluation.md"]


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('[evaluation]\nstandard = "iso22398"\n', "evaluation.standard"),
        ('[evaluation]\nstandrd = "hseep"\n', "evaluation.standrd"),
        ('[reporting]\nrules = "beijing"\n', "reporting.rules"),
        ('[reporting]\nreceiving = "state"\n', "reporting.receiving"),
        ('[reporting]\nrulez = "henan"\n', "reporting.rulez"),
        ("[workgroups]\ncommand_post_min = 0\n", "workgroups.command_post_min"),
        ("[workgroups]\ncolour = 1\n", "workgroups.colour"),
        ('[workgroups]\ngroups = ["rescue", "nope"]\n', "workgroups.groups"),
        # array entries count from 0, as every other array key does: [0] is the first
        ('[[workgroups.group]]\nkey = "traffic"\n', "workgroups.group[0].name"),
        (
            '[[workgroups.group]]\nkey = "rescue"\nposition = "boss"\n',
            "workgroups.group[0].position",
        ),
        (
            '[[workgroups.group]]\nkey = "rescue"\n[[workgroups.group]]\nkey = "liaison"\n',
            "workgroups.group[1].name",
        ),
        ('[[workgroups.force]]\nname = "Army"\nkind = "army"\n', "workgroups.force[0].kind"),
        (
            '[[workgroups.force]]\nname = "X"\nkind = "social"\ngroup = "nope"\n',
            "workgroups.force[0].group",
        ),
        (
            '[workgroups]\ngroups = ["rescue"]\n[[workgroups.group]]\nkey = "traffic"\n'
            'name = "Traffic"\n',
            "workgroups.groups",
        ),
    ],
)
def test_bad_keys_name_the_file_and_the_key(tmp_path, extra, key):
    p = write(tmp_path, extra)
    with pytest.raises(ConfigError) as exc:
        DrillConfig.from_file(p)
    assert exc.value.source == str(p) and exc.value.key == key
    assert str(exc.value).startswith(f"{p}: {key}: ")


# ------------------------------------------------------------------ the packet in Chinese
def test_chinese_packet_speaks_the_bureaus_terms(draw):
    s = draw()
    with i18n.language("zh"):
        plan = packets.gbt_markdown(s)
        sheets = packets.observation_markdown(s)
        table = packets.gbt_markdown(draw(type="tabletop"))
    basis = [
        plan.index("GB/T 46792-2025《突发事件应急演练评估指南》"),
        plan.index("AQ/T 9009-2015《生产安全事故应急演练评估规范》"),
    ]
    assert basis == sorted(basis)  # the national guide first
    for term in (
        "优秀",
        "良好",
        "合格",
        "不合格",
        "实战演练",
        "先避险、再抢险",
        "灾害信息员",
        "企业应急救援力量",
        "社会应急救援力量",
        "现场指挥部",
        "1分钟接警",
        "10分钟到场",
        "15分钟处置",
        "30分钟内现场可视化",
        "国务院令第493号",
        *(g.name_zh for g in DEFAULT_GROUPS),
        *(p[1] for p in POSITIONS.values()),
    ):
        assert term in plan, term
    for p in POSITIONS.values():
        assert p[1] in sheets
    assert "桌面推演" in table and "实战演练" not in table.split("## ")[1]
    for text in (plan, sheets, packets.gbt_markdown(s)):
        assert "HSEEP" not in text and "P/S/M/U" not in text
        assert "Incident commander" not in text and "Safety officer" not in text


def test_csvs_are_the_same_in_both_languages_with_chinese_companions(draw):
    s = draw(seed=4)
    for fn in (packets.indicators_csv, packets.time_standards_csv):
        with i18n.language("zh"):
            zh = fn(s)
        with i18n.language("en"):
            en = fn(s)
        assert zh == en
        rows = list(csv.DictReader(io.StringIO(en)))
        zh_cols = [c for c in rows[0] if c.endswith("_zh")]
        assert zh_cols and all(c.removesuffix("_zh") in rows[0] for c in zh_cols)
        for r in rows:
            assert all(HAN.search(r[c]) for c in zh_cols if r[c]), r
            assert not any(HAN.search(r[c]) for c in r if not c.endswith("_zh")), r
    rows = list(csv.DictReader(io.StringIO(packets.indicators_csv(s))))
    assert sum(float(r["weight"]) for r in rows) == 100


# ------------------------------------------------------------------ scoring rules
def test_scoring_converts_observations_as_documented():
    field = gbt.indicators("field")
    full = {i.id: 1.0 for i in field}
    assert gbt.total_score(field, full) == 100 and gbt.conclusion(field, full) == "excellent"
    # O3 (8 points) late but within 1.5 x the target, C4 (4 points) rated C: 100 - 4 - 2
    some = {**full, "O3": gbt.time_share(30.0, 26.0), "C4": gbt.rating_share("c")}
    assert gbt.total_score(field, some) == pytest.approx(94.0)
    assert gbt.conclusion(field, some) == "excellent"
    # R1 (4 points) not done: 96, but an indicator at 0 is never excellent
    assert gbt.conclusion(field, {**full, "R1": gbt.time_share(None, 1.0)}) == "good"
    # a veto item rated D fails the drill whatever the total (94)
    assert gbt.conclusion(field, {**full, "O2": gbt.rating_share("D")}) == "fail"
    # every rating B: 80, good; all C: 50, fail; S2 not tested: rescaled to what applies
    assert gbt.conclusion(field, {i.id: 0.8 for i in field}) == "good"
    assert gbt.conclusion(field, {i.id: 0.5 for i in field}) == "fail"
    half = {**{i.id: 0.6 for i in field}, "S2": None}
    assert gbt.total_score(field, half) == pytest.approx(60.0)
    assert gbt.conclusion(field, half) == "pass"
    assert [gbt.time_share(x, 10) for x in (10, 15, 15.1, None)] == [1.0, 0.5, 0.0, 0.0]


# ------------------------------------------------------------------ work groups and roles
def test_work_groups_and_forces_come_from_the_drill_file(draw):
    s = draw(
        "[workgroups]\ncommand_post_min = 20\n"
        '[[workgroups.group]]\nkey = "rescue"\nlead = "Brigade A"\nlead_zh = "甲大队"\n'
        '[[workgroups.group]]\nkey = "traffic"\nname = "Traffic control group"\n'
        'name_zh = "交通管控组"\nlead = "Transport bureau"\nposition = "support"\n'
        '[[workgroups.force]]\nname = "Plant brigade"\nname_zh = "化工厂专职消防队"\n'
        'kind = "enterprise"\n'
    )
    post = gbt.command_post(s)
    assert [g.key for g in post.groups][-1] == "traffic" and len(post.groups) == 9
    assert post.group("rescue").lead_zh == "甲大队" and post.group("rescue").name_zh == "抢险救援组"
    assert [(f.kind, f.group) for f in post.forces] == [("enterprise", "rescue")]
    rows = {r.ref: r for r in gbt.time_standards(s)}
    assert rows["standard:command_post"].target_min == 20
    with i18n.language("en"):
        support = packets.observation_markdown(s).split("## Observation record: Support")[1]
    assert "Traffic control group, lead" in support and "Rescue group" not in support
    with i18n.language("zh"):
        plan = packets.gbt_markdown(s)
    assert "交通管控组" in plan and "化工厂专职消防队" in plan and "甲大队" in plan


def _group_words(lang: str) -> list[str]:
    out = []
    for g in DEFAULT_GROUPS:
        out += [g.name_zh, g.lead_zh] if lang == "zh" else [g.name, g.lead]
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_six_no_participants_learn_no_roles_and_no_method(draw, lang):
    from experiments.drill.alarm import METHODS

    for drill_type in ("field", "tabletop"):
        six, double = draw(type=drill_type), draw(type=drill_type, blind="double")
        method = i18n.both(*METHODS[drill_type]) if lang == "en" else METHODS[drill_type][1]
        with i18n.language(lang):
            texts_six = packets.alarm_text(six) + packets.cap_alert(six).decode()
            text_double = packets.alarm_text(double)
        # the table says so, and the packets follow it
        assert not known_at_alarm("six-no", "participants", "roles")
        assert not known_at_alarm("six-no", "participants", "method")
        assert packets.disclosed_lines(six) == []
        for word in (*_group_words(lang), method, "现场指挥部", "command post", "指挥长"):
            assert word not in texts_six, word
        for word in ("field", "tabletop", "实战", "桌面"):
            assert word not in texts_six.lower(), word
        assert known_at_alarm("double", "participants", "roles")
        assert known_at_alarm("double", "participants", "method")
        for word in (*_group_words(lang), method):
            assert word in text_double, word


def test_disclosure_table_sets_double_blind_apart_from_six_no():
    assert set(DISCLOSURE) == {"single", "double", "six-no"}
    for level in DISCLOSURE.values():
        assert set(level) == {"participants", "controllers", "evaluators"}
        assert all(set(row) == set(ITEMS) for row in level.values())
    p2, p6 = DISCLOSURE["double"]["participants"], DISCLOSURE["six-no"]["participants"]
    # double blind: no notice, time, place and content undisclosed until play
    for level in ("double", "six-no"):
        assert [disclosed(level, "participants", k) for k in ("notice", "time", "place")] == [
            "alarm"
        ] * 3
        assert disclosed(level, "participants", "content") == "play"
        assert disclosed(level, "participants", "script") == "after"
    # six-no adds: no roles assigned, no method disclosed, no rehearsal, no script beforehand
    assert (p2["roles"], p2["method"], p2["rehearsal"]) == ("alarm", "alarm", "allowed")
    assert (p6["roles"], p6["method"], p6["rehearsal"]) == ("after", "after", "none")
    assert disclosed("double", "controllers", "script") == "before"
    assert disclosed("six-no", "controllers", "script") == "reveal"
    # single blind: only the time is kept from the players
    p1 = DISCLOSURE["single"]["participants"]
    assert [k for k, v in p1.items() if v not in ("before", "allowed")] == ["time", "script"]


def test_evaluators_record_roles_where_none_were_assigned(draw):
    six, double = draw(), draw(blind="double")
    with i18n.language("en"):
        a, b = packets.gbt_markdown(six), packets.gbt_markdown(double)
    assert "| Role | The plan names | Taken by | At (clock) | Notes |" in a
    assert "| Role | Assigned to | Took it up at (clock) | Notes |" in b


def test_scripts_drawn_before_the_choice_keep_the_hseep_sheet(draw):
    s = draw()
    new_keys = ("scheme", "reporting_rules", "command_post")
    old = replace(s, evaluation={k: v for k, v in s.evaluation.items() if k not in new_keys})
    assert gbt.scheme(old) == "hseep"
    assert set(packets.evaluator_files(old)) == {
        "evaluation.md",
        "evaluation.html",
        "benchmark.csv",
    }
    # the GB/T packet still renders from what the old script holds
    rows = gbt.time_standards(old)
    assert any(r.ref == "report:phone_first" for r in rows)
    assert "GB/T 46792-2025" in gbt.gbt_markdown(old)


def test_html_pages_escape_the_bureaus_own_names(draw):
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: set[str] = set()

        def handle_starttag(self, tag, attrs) -> None:
            self.tags.add(tag)

    s = draw(
        '[[workgroups.group]]\nkey = "rescue"\nlead = "<script>x</script> & <b>"\n'
        '[[workgroups.force]]\nname = "<i>team</i>"\nkind = "social"\n',
        blind="double",
    )
    for page in (packets.gbt_html(s), packets.observation_html(s)):
        p = Tags()
        p.feed(page)
        assert {"script", "b", "i"}.isdisjoint(p.tags) and "table" in p.tags


def test_every_us_incident_command_role_has_its_chinese_counterpart():
    from scenarios.drill.draw import SIX_NO_ROLES
    from scenarios.drill.workgroups import ICS_ROLES

    keys = {g.key for g in DEFAULT_GROUPS} | {"commander", ""}
    assert set(ICS_ROLES) == set(SIX_NO_ROLES) and set(ICS_ROLES.values()) <= keys


@pytest.mark.parametrize(("hazard", "cited"), [("waterlogging", False), ("building_fire", True)])
def test_the_production_safety_specification_is_cited_for_accidents_only(
    region, tmp_path, hazard, cited
):
    # AQ/T 9009-2015 evaluates drills of production-safety accidents (事故灾难); a flood's
    # or an epidemic's plan cited it as its basis (review)
    p = write(tmp_path)
    p.write_text(
        p.read_text("utf-8").replace('grades = ["II", "III"]',
                                     f'grades = ["II", "III"]\nhazards = ["{hazard}"]'),
        "utf-8",
    )  # fmt: skip
    s = compose(DrillConfig.from_file(p), region, seed=seed_from_int(3), exercise_id="GBT-1",
                drawn_at=DRAWN_AT, history=[], audit={})  # fmt: skip
    assert s.scene.hazard == hazard
    with i18n.language("zh"):
        plan = packets.gbt_markdown(s)
    assert "GB/T 46792-2025《突发事件应急演练评估指南》" in plan
    assert ("AQ/T 9009-2015" in plan) == cited
