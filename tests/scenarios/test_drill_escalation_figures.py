"""Drawing rules /9: an escalation gives a figure, not the regulation's band.

Up to /8 the team leader read out the new grade's meaning ("3-9 dead or
missing, or a neighbourhood flooded with people trapped"). From /9 the
escalation states the least deaths of the new grade's band, so the players
must grade from a figure as from a real report, and a casualty update after
it, inside the same band, never reports fewer dead.
"""

from __future__ import annotations

import pytest

from networks import i18n
from scenarios.catalogue import load_catalogue
from scenarios.drill import GENERATOR_VERSION, texts
from scenarios.drill.casualties import grade_band
from tests.scenarios.test_drill_draw import draws, make_drawer

HAZARDS = ["waterlogging", "building_collapse", "traffic_accident", "hazmat_leak"]

#: The rules before and the rules of this change.
RULES = ("yingji-drill-draw/8", GENERATOR_VERSION)


@pytest.fixture(scope="module")
def drawn(county):
    drawer = make_drawer(county, hazards=HAZARDS, grades=["III", "IV"],
                         injects=["escalation", "casualty_update"])  # fmt: skip
    return {rules: draws(drawer, 30, rules=rules) for rules in RULES}


def escalations(scripts):
    for s in scripts:
        esc = [i for i in s.injects if i.kind == "escalation"]
        if esc:
            yield s, esc[0]


def test_the_escalation_states_the_least_deaths_of_the_new_grade(drawn):
    catalogue = load_catalogue()
    seen = 0
    for s, esc in escalations(drawn[GENERATOR_VERSION]):
        h = catalogue[s.scene.hazard]
        least = grade_band(h, esc.truth["grade"]).dead[0]
        meaning = h.meaning[esc.truth["grade"] - 1]
        if least == 0:  # met by other criteria: the meaning, as before
            assert meaning in esc.message
            continue
        seen += 1
        assert f"at least {least} dead" in esc.message and meaning not in esc.message
        with i18n.language("zh"):
            assert f"至少 {least} 人" in texts.text(esc, "message")
        later = [i for i in s.injects if i.kind == "casualty_update"
                 and i.offset_min >= esc.offset_min]  # fmt: skip
        for up in later:  # the count after it agrees: never fewer dead
            assert up.truth["dead"] >= least
    assert seen >= 5


def test_rules_8_read_out_the_grades_meaning(drawn):
    catalogue = load_catalogue()
    olds = list(escalations(drawn["yingji-drill-draw/8"]))
    assert olds
    for s, esc in olds:
        assert catalogue[s.scene.hazard].meaning[esc.truth["grade"] - 1] in esc.message
