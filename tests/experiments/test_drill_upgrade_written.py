"""After an upgrade, the written report a level told without one now owes (rules /9).

Under the Guizhou rules a grade III incident goes by phone straight to the
province (120 minutes) and asks no written report; at grades I-II the written
report follows the phone report within 30 minutes (电话报告30分钟内上报电子书面报告),
to the province as well. A drill drawn at grade II timed that written report to the
province; one drawn at III and escalated to II timed it to the city only. From
drawing rules /9 the sheet times it to the province too, counted from the phone
report of the upgrade, which the players may record as the follow-up the sheet asks.
"""

# ruff: noqa: F811
from __future__ import annotations

import pytest

from experiments.drill import gbt_standards
from experiments.drill.config import DrillConfig
from experiments.drill.draw import compose
from experiments.drill.time_checks import measure_time_standards
from networks import i18n
from scenarios.drill import seed_from_int
from tests.experiments.test_drill_deadline_levels import BASE, DRAWN_AT, observed

GUIZHOU = '[reporting]\nrules = "guizhou"\nreceiving = "county"\n'


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """``drawn(seed, rules)``: a Guizhou grade III drill with an escalation, composed."""
    p = tmp_path_factory.mktemp("uw") / "drill.toml"
    p.write_text(BASE.format(grades='"III"', injects='"escalation"') + GUIZHOU, encoding="utf-8")
    cfg = DrillConfig.from_file(p)
    region = cfg.region()

    def make(seed: int, rules: str | None = None):
        kw = {} if rules is None else {"rules": rules}
        return compose(cfg, region, seed=seed_from_int(seed), exercise_id="FIX-1",
                       drawn_at=DRAWN_AT, history=[], audit={}, **kw)  # fmt: skip

    return make


def _upgrade(script):
    """The escalation inject to grade II, or None."""
    return next(
        (i for i in script.injects if i.kind == "escalation" and int(i.truth["grade"]) == 2), None
    )


def _written_after_upgrade(script, no: int) -> list:
    with i18n.language("en"):
        return [
            r
            for r in gbt_standards.time_standards(script)
            if r.ref == "report:written_first" and r.inject == no
        ]


@pytest.fixture(scope="module")
def upgraded(drawn):
    """The first seed whose drill escalates III -> II, and that drill."""
    for seed in range(1, 60):
        s = drawn(seed)
        if _upgrade(s) is not None:
            return seed, s
    pytest.fail("no seed in 1-59 escalates grade III to II")


def test_the_upgrade_times_the_written_report_to_the_province(upgraded):
    _seed, s = upgraded
    inj = _upgrade(s)
    rows = _written_after_upgrade(s, inj.no)
    # as a drill drawn at grade II: to the city and, on the direct link, to the province
    assert sorted((r.to, r.target_min, r.start) for r in rows) == [
        ("city", 30.0, "the phone report"),
        ("province", 30.0, "the phone report"),
    ]


def test_it_counts_from_the_phone_report_of_the_upgrade_recorded_as_a_follow_up(upgraded):
    _seed, s = upgraded
    inj = _upgrade(s)
    (row,) = [r for r in _written_after_upgrade(s, inj.no) if r.to == "province"]
    at = inj.offset_min

    def check(*reports):
        got = {c.id: c for c in measure_time_standards(s, observed(*reports, end=at + 300))}
        return got[row.id]

    phoned = ("follow_up", "province", at + 40.0)  # the upgrade, told by phone
    on_time = check(phoned, ("written_first", "province", at + 60.0))
    assert on_time.status == "met"
    assert (on_time.start_min, on_time.minutes) == pytest.approx((at + 40.0, 20.0))
    # a written report to the city does not stand for the one to the province
    assert check(phoned, ("written_first", "city", at + 50.0)).status == "missed"
    # recorded as a phone first report, the upgrade's phone report starts the clock too
    first = check(("phone_first", "province", at + 10.0), ("written_first", "province", at + 45.0))
    assert first.status == "late"
    assert (first.start_min, first.minutes) == pytest.approx((at + 10.0, 35.0))


def test_a_drill_drawn_by_rules_8_keeps_its_sheet(drawn, upgraded):
    seed, s = upgraded
    old = drawn(seed, "yingji-drill-draw/8")
    inj = _upgrade(old)
    assert inj is not None and inj.no == _upgrade(s).no
    assert [r.to for r in _written_after_upgrade(old, inj.no)] == ["city"]
    (row,) = _written_after_upgrade(old, inj.no)
    # and its written report still counts from a phone first report only
    got = {
        c.id: c
        for c in measure_time_standards(
            old, observed(("follow_up", "city", inj.offset_min + 40.0), end=inj.offset_min + 300)
        )
    }
    assert got[row.id].start_min == pytest.approx(inj.offset_min)
