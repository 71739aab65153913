"""Deadlines an inject states: counted from the inject, and the ones the evaluators time.

The casualty update used to ask for a report "due 60 min after the call" while it
arrived 71 minutes after the call, and the evaluation sheet timed that report
from the inject by another limit. Scripts are composed as a draw does
(:func:`experiments.drill.draw.compose`) over the reporting presets, receiving
levels and drawn seeds; the sheet rows are those the scoring measures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from experiments.drill import gbt_standards
from experiments.drill.config import DrillConfig
from experiments.drill.draw import compose
from experiments.drill.time_checks import _basis
from networks import i18n
from scenarios.drill import GENERATOR_VERSION, seed_from_int, texts
from sim.reporting_rules import PRESETS

BASE = """[drill]
id = "DL-1"
start = 2026-12-01T08:00:00+08:00
end = 2026-12-12T18:00:00+08:00
grades = ["I", "II", "III", "IV"]
[benchmark]
replications = 0
[reporting]
rules = "{rules}"
receiving = "{receiving}"
{extra}
"""
DRAWN_AT = "2026-06-01T00:00:00+00:00"
#: The report an inject's stated deadline is for, as the sheet's rows name it (an upgrade
#: also goes as a follow-up to the levels told at the drawn grade, see upgrade_rows).
REPORT_OF = {"casualty_update": "report:follow_up", "escalation": "report:phone_first"}
FIRST = ("report:phone_first", "report:written_first")


def upgrade_rows(rows, inj) -> list:
    """The rows an escalation's stated deadline times: every report the sheet counts from
    it (first reports to a level the new grade adds, by phone or in writing; a follow-up
    to a level told, or the follow-up after a change)."""
    return [
        r for r in rows
        if r.inject == inj.no and r.ref.startswith("report:") and _basis(r) == "inject"
    ]  # fmt: skip


#: The example's old keys over the Henan rules (the file the audit drew from).
OLD_KEYS = "first_phone = [15, 15, 30, 60]\nfirst_written = [35, 35, 60, 360]"


@pytest.fixture(scope="module")
def composer(tmp_path_factory):
    """``make(rules, receiving, extra, seed)``: a composed script (configs built once)."""
    configs: dict[tuple[str, str, str], DrillConfig] = {}
    region = None

    def make(rules: str, receiving: str, extra: str, seed: int, version: str = GENERATOR_VERSION):
        nonlocal region
        key = (rules, receiving, extra)
        if key not in configs:
            p = Path(tmp_path_factory.mktemp("dl")) / "drill.toml"
            p.write_text(BASE.format(rules=rules, receiving=receiving, extra=extra), "utf-8")
            configs[key] = DrillConfig.from_file(p)
            region = region or configs[key].region()
        return compose(
            configs[key],
            region,
            seed=seed_from_int(seed),
            exercise_id="DL-1",
            drawn_at=DRAWN_AT,
            history=[],
            audit={},
            rules=version,
        )

    return make


def stated_deadline(inject) -> float | None:
    """The deadline (minutes) an inject's expected action states, if any."""
    spec = inject.texts.get("expected_action", {})
    return dict(spec.get("args", {})).get("deadline") if isinstance(spec, dict) else None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)  # fixed examples: the known case below is pinned, not drawn by chance
@given(
    rules=st.sampled_from(sorted(PRESETS)),
    receiving=st.sampled_from(["township", "county", "city"]),
    extra=st.sampled_from(["", OLD_KEYS]),
    seed=st.integers(0, 10**6),
)
def test_a_stated_deadline_counts_from_the_inject_as_the_sheet_times_it(
    composer, rules, receiving, extra, seed
):
    script = composer(rules, receiving, extra, seed)
    with i18n.language("en"):
        rows = gbt_standards.time_standards(script)
    for inj in script.injects:
        deadline = stated_deadline(inj)
        # an inject that states no deadline has none in the sheet to contradict; one that
        # does is a kind whose report the sheet times
        if deadline is None:
            continue
        assert inj.kind in REPORT_OF, inj.kind
        tied = (
            upgrade_rows(rows, inj)
            if inj.kind == "escalation"
            else [r for r in rows if r.inject == inj.no and r.ref == REPORT_OF[inj.kind]]
        )
        assert tied, (inj.kind, inj.expected_action)
        # the sheet measures these rows from the inject, so the deadline is still ahead
        # when the inject is delivered
        assert all(_basis(r) == "inject" for r in tied)
        assert deadline == min(r.target_min for r in tied) > 0
        assert "after the call" not in inj.expected_action


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.sampled_from(sorted(PRESETS)),
    extra=st.sampled_from(["", OLD_KEYS]),
    seed=st.integers(0, 10**6),
)
def test_the_casualty_update_asks_for_the_follow_up_the_sheet_times(composer, rules, extra, seed):
    script = composer(rules, "county", extra, seed)
    up = next(i for i in script.injects if i.kind == "casualty_update")
    with i18n.language("en"):
        follow = [
            r.target_min
            for r in gbt_standards.time_standards(script)
            if r.inject == up.no and r.ref == "report:follow_up"
        ]
    # a sheet that times the update's follow-up has the update state that limit, and
    # a sheet without one has the update state none
    assert stated_deadline(up) == (min(follow) if follow else None)
    if follow:
        assert f"within {min(follow):g} min of this update" in up.expected_action


def test_the_chinese_casualty_update_counts_from_the_update(composer):
    script = composer("henan", "county", OLD_KEYS, 5)
    up = next(i for i in script.injects if i.kind == "casualty_update")
    with i18n.language("zh"):
        action = texts.text(up, "expected_action")
    assert f"收到本条伤亡信息后 {stated_deadline(up):g} 分钟内报送续报" in action
    assert "报警后" not in action


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.sampled_from(sorted(PRESETS)),
    receiving=st.sampled_from(["township", "county", "city"]),
    extra=st.sampled_from(["", OLD_KEYS]),
    seed=st.integers(0, 10**6),
)
@example(rules="guizhou", receiving="county", extra="", seed=29)  # III -> II: the province
def test_an_upgrade_is_a_follow_up_to_levels_told_and_a_first_report_to_new_ones(
    composer, rules, receiving, extra, seed
):
    script = composer(rules, receiving, extra, seed)
    esc = next((i for i in script.injects if i.kind == "escalation"), None)
    if esc is None:
        return
    with i18n.language("en"):
        rows = gbt_standards.time_standards(script)
    first = FIRST
    told = {r.to for r in rows if r.ref in first and r.inject is None}
    owed = {(r.ref, r.to) for r in rows if r.ref in first and r.inject is None}
    after = [r for r in rows if r.inject == esc.no]
    rr = script.evaluation["reporting_rules"]
    new = {"I": 1, "II": 2, "III": 3, "IV": 4}
    g = next(k for k, v in new.items() if v == int(esc.truth["grade"]))
    # a written report owed already, brought forward (rules /9) where the new grade's limit
    # from the upgrade ends before the drawn grade's from the call: that row replaces it
    drawn_written = {
        x["to"]: x["limit_min"]
        for x in rr["limits"]
        if x["grade"] == rr["grade"] and x["report"] == "written_first" and x["from"] == "call"
    }
    new_written = {
        x["to"]: x["limit_min"]
        for x in rr["limits"]
        if x["grade"] == g and x["report"] == "written_first" and x["from"] == "call"
    }
    brought = {
        r.to: r.target_min for r in after
        if r.ref == "report:written_first" and r.to in drawn_written
        and r.start != "the phone report"
    }  # fmt: skip
    assert brought == {
        to: new_written[to] for to, lim in drawn_written.items()
        if to in new_written and esc.offset_min + new_written[to] < lim
    }  # fmt: skip
    assert not [r for r in rows if r.ref == "report:written_first" and r.inject is None
                and r.to in brought and r.start != "the phone report"]  # fmt: skip
    told |= set(brought)
    # a level told at the drawn grade gets no second first report of a kind it owed already
    # (scored twice under R2); a written report it did not owe may come (rules /9: Guizhou's
    # province, told by phone of a grade III incident, owes it after an upgrade to II)
    assert not [r for r in after if (r.ref, r.to) in owed and r.to not in brought]
    extra_written = {
        r.to for r in after
        if r.ref == "report:written_first" and r.to in told and r.start == "the phone report"
    }  # fmt: skip
    # it hears of the upgrade in one follow-up, by the new grade's phone limit
    phone = {
        x["to"]: x["limit_min"]
        for x in rr["limits"]
        if x["grade"] == g and x["report"] == "phone_first" and x["from"] == "call"
    }
    ups = {r.to: r.target_min for r in after if r.ref == "report:follow_up"}
    for level in told & set(phone):
        assert ups[level] == phone[level], (level, ups, phone)
    # a level the new grade adds gets its first reports, counted from the upgrade
    assert {r.to for r in after if r.ref in first} == set(phone) - told | {
        x["to"] for x in rr["limits"]
        if x["grade"] == g and x["from"] in ("call", "phone") and x["to"] not in told
    } | extra_written | set(brought)  # fmt: skip


def test_a_guizhou_escalation_states_the_county_follow_up_due_first(composer):
    # Guizhou times no phone report to the county: at an upgrade from II to I the county
    # hears of it by the follow-up after a change (60 min), the province by phone (120).
    # Drawn by /7, the inject stated 120; the rows below time 60 for the county.
    script = composer("guizhou", "township", "", 79996)
    with i18n.language("en"):
        rows = gbt_standards.time_standards(script)
    inj = next(i for i in script.injects if i.kind == "escalation")
    assert {(r.to, r.target_min) for r in upgrade_rows(rows, inj)} == {
        ("county", 60.0),
        ("province", 120.0),
    }
    assert stated_deadline(inj) == 60.0
    assert "within 60 min" in inj.expected_action


def test_a_guizhou_escalation_drawn_by_the_rules_7_redraws_as_it_was_sealed(composer):
    # /7 stated the new grade's phone deadline (120 min); a re-draw must write it again
    script = composer("guizhou", "township", "", 79996, "yingji-drill-draw/7")
    inj = next(i for i in script.injects if i.kind == "escalation")
    assert stated_deadline(inj) == 120.0
    assert script.generator_version == "yingji-drill-draw/7"


def test_an_escalation_states_a_written_first_report_to_a_level_it_adds(tmp_path):
    # Henan, reports received by the city: a grade IV drill reports to no one above the
    # city; upgraded to III it owes the province a written first report within 60 min of
    # the escalation, which the inject must state (it stated no deadline at all).
    path = tmp_path / "drill.toml"
    text = BASE.format(rules="henan", receiving="city", extra="")
    path.write_text(text.replace('grades = ["I", "II", "III", "IV"]', 'grades = ["IV"]'), "utf-8")
    cfg = DrillConfig.from_file(path)
    script = compose(cfg, cfg.region(), seed=seed_from_int(0), exercise_id="DL-1",
                     drawn_at=DRAWN_AT, history=[], audit={})  # fmt: skip
    inj = next(i for i in script.injects if i.kind == "escalation")
    with i18n.language("en"):
        rows = upgrade_rows(gbt_standards.time_standards(script), inj)
    assert [(r.ref, r.to, r.target_min) for r in rows] == [
        ("report:written_first", "province", 60.0)
    ]
    assert stated_deadline(inj) == 60.0


def test_the_national_rules_are_named_after_decree_493_only_for_accidents(composer):
    # 国务院令第493号 is the production safety accident regulation: a natural disaster's or a
    # public health event's sheet says it borrows its limits
    seen = set()
    for seed in range(40):
        script = composer("national", "county", "", seed)
        cat = script.scene.category
        with i18n.language("zh"):
            sources = {r.source for r in gbt_standards.time_standards(script)}
        borrowed = "国家规定（参照国务院令第493号的报告时限）" in sources
        assert borrowed == (cat != "accident"), (cat, sources)
        assert ("国家规定（国务院令第493号）" in sources) == (cat == "accident")
        seen.add(cat == "accident")
    assert seen == {True, False}
