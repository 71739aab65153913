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

#: Grades set by deaths, and some that are not (an epidemic's by cases, a mass gathering's
#: grades III-IV and a mass poisoning's grade I by other criteria).
HAZARDS = ["waterlogging", "building_collapse", "traffic_accident", "epidemic_cluster",
           "mass_gathering", "mass_poisoning"]  # fmt: skip

#: The rules before and the rules of this change.
RULES = ("yingji-drill-draw/8", GENERATOR_VERSION)


@pytest.fixture(scope="module")
def drawn(county):
    drawer = make_drawer(county, hazards=HAZARDS, grades=["II", "III", "IV"],
                         injects=["escalation", "casualty_update"])  # fmt: skip
    return {rules: draws(drawer, 60, rules=rules) for rules in RULES}


def escalations(scripts):
    for s in scripts:
        esc = [i for i in s.injects if i.kind == "escalation"]
        if esc:
            yield s, esc[0]


def test_the_escalation_states_the_least_deaths_of_the_new_grade(drawn):
    catalogue = load_catalogue()
    seen = unset = 0
    for s, esc in escalations(drawn[GENERATOR_VERSION]):
        h = catalogue[s.scene.hazard]
        g = esc.truth["grade"]
        stated = h.deaths[g - 1] if h.deaths is not None else None
        meaning = h.meaning[g - 1]
        if stated is None or stated[0] == 0:  # deaths do not set the grade: its meaning
            assert meaning in esc.message and "dead confirmed" not in esc.message
            unset += 1
            continue
        least = stated[0]
        assert least == grade_band(h, g).dead[0]  # the band a later update keeps to
        seen += 1
        assert f"at least {least} dead" in esc.message and meaning not in esc.message
        with i18n.language("zh"):
            assert f"至少 {least} 人" in texts.text(esc, "message")
        later = [i for i in s.injects if i.kind == "casualty_update"
                 and i.offset_min >= esc.offset_min]  # fmt: skip
        for up in later:  # the count after it agrees: never fewer dead
            assert up.truth["dead"] >= least
    assert seen >= 5 and unset >= 3


def test_rules_8_read_out_the_grades_meaning(drawn):
    catalogue = load_catalogue()
    olds = list(escalations(drawn["yingji-drill-draw/8"]))
    assert olds
    for s, esc in olds:
        assert catalogue[s.scene.hazard].meaning[esc.truth["grade"] - 1] in esc.message
