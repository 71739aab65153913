"""Casualty updates keep to the hazard's own grade bands (drawing rules /5).

They used to draw deaths from one production-safety table (30/10/3) for every
hazard, so a grade II earthquake (50-299 dead by the national earthquake plan)
stated 19 dead, and one escalated to grade I stated 30.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.catalogue import load_catalogue
from scenarios.drill import generator_from_seed, seed_from_int
from scenarios.drill.casualties import DEAD_BY_GRADE, casualty_update, criteria, grade_band
from scenarios.drill.drawing_rules import PLAIN_RULES, rules_number, version_name
from scenarios.drill.injects import InjectContext, build_injects

#: What the plans the catalogue cites allow, by grade I-IV: (fewest dead, most dead or None,
#: the missing counted with the dead, most injured or None). Written out from the plans
#: (DOMAIN.md section 2, the citations in hazards.toml), not read from the catalogue.
_ACCIDENT = [(30, None, False, None), (10, 29, False, 99), (3, 9, False, 49), (0, 2, False, 9)]
_WEATHER = [(30, None, True, None), (10, 29, True, None), (3, 9, True, None), (0, 2, True, None)]
ORACLE = {
    "earthquake": [(300, None, True, None), (50, 299, True, None), (10, 49, True, None),
                   (0, 9, True, None)],
    "waterlogging": _WEATHER,
    "flood": _WEATHER,
    "typhoon": _WEATHER,
    "landslide": [(30, None, False, None), (10, 29, False, None), (3, 9, False, None),
                  (0, 2, False, None)],
    "forest_fire": [(30, None, False, None), (10, 29, False, 99), (3, 9, False, 49),
                    (1, 2, False, 9)],
    "building_collapse": _ACCIDENT,
    "building_fire": _ACCIDENT,
    "hazmat_leak": _ACCIDENT,
    "traffic_accident": _ACCIDENT,
    "mine_accident": _ACCIDENT,
    "crowd_crush": _ACCIDENT,
    # grade I states no deaths: at least what grade II needs (10 or more dead)
    "mass_poisoning": [(10, None, False, None), (10, None, False, None), (1, 4, False, None),
                       (0, 0, False, None)],
    # grades III and IV state no deaths: below grade II's 10
    "mass_gathering": [(30, None, False, None), (10, 29, False, None), (0, 9, False, None),
                       (0, 9, False, None)],
    # no grade states deaths: any figure is inside
    "epidemic_cluster": [(0, None, False, None)] * 4,
}  # fmt: skip
STATED = re.compile(r"update: (\d+) dead, (\d+) injured, (\d+) unaccounted for\.")


@functools.cache
def catalogue():
    return load_catalogue()


def context(hazard: str, grade: int, seed: int, rules: int = PLAIN_RULES) -> InjectContext:
    """Enough of a draw for the escalation and the casualty update (no network needed)."""
    cat = catalogue()
    return InjectContext(
        network=None,
        namer=None,
        catalogue=cat,
        hazard=cat[hazard],
        grade=grade,
        node=0,
        area="",
        place="",
        jurisdiction="",
        units=(),
        unit_times=np.zeros((0, 1)),
        stores=(),
        store_order=(),
        near=None,
        reporting={"first_phone": (15.0, 15.0, 30.0, 60.0)},
        rng=generator_from_seed(seed_from_int(seed)),
        follow_up_min=(60.0, 60.0, 60.0, 60.0),
        rules=rules,
    )


def inside(hazard: str, grade: int, dead: int, injured: int, missing: int) -> bool:
    lo, hi, with_missing, injured_max = ORACLE[hazard][grade - 1]
    total = dead + missing if with_missing else dead
    return (
        dead >= lo
        and (hi is None or total <= hi)
        and (injured_max is None or injured <= injured_max)
    )


def stated(inject) -> tuple[int, int, int]:
    """The figures the inject's message states (what players hear), checked against its truth."""
    m = STATED.search(inject.message)
    assert m, inject.message
    figures = tuple(int(x) for x in m.groups())
    t = inject.truth
    assert figures == (t["dead"], t["injured"], t["missing"])
    return figures


def test_the_oracle_covers_every_shipped_hazard():
    assert set(ORACLE) == set(catalogue().keys)


@given(
    hazard=st.sampled_from(sorted(ORACLE)),
    grade=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=400, deadline=None)
def test_every_stated_figure_lies_in_the_hazards_grade_band(hazard, grade, seed):
    inj = casualty_update(context(hazard, grade, seed), grade)
    assert inj.truth["grade"] == grade
    assert inside(hazard, grade, *stated(inj)), (hazard, grade, inj.message)


@given(
    hazard=st.sampled_from(sorted(ORACLE)),
    grade=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=200, deadline=None)
def test_after_an_escalation_the_update_states_the_new_grades_figures(hazard, grade, seed):
    injects = build_injects(context(hazard, grade, seed), ["escalation", "casualty_update"])
    by = {i.kind: i for i in injects}
    esc, up = by["escalation"], by["casualty_update"]
    now = grade - 1 if esc.offset_min <= up.offset_min else grade
    assert up.truth["grade"] == now
    assert inside(hazard, now, *stated(up)), (hazard, now, up.message)


@pytest.mark.parametrize(("grade", "lo", "hi"), [(1, 300, None), (2, 50, 299), (3, 10, 49)])
def test_an_earthquake_states_the_earthquake_plans_deaths(grade, lo, hi):
    deaths = [
        inj.truth["dead"] + inj.truth["missing"]
        for inj in (casualty_update(context("earthquake", grade, s), grade) for s in range(40))
    ]
    assert min(deaths) >= lo and (hi is None or max(deaths) <= hi)


def test_the_bands_follow_the_catalogue_not_a_table():
    """A bureau's own catalogue (here: other earthquake bands) moves the figures with it."""
    quake = replace(
        catalogue()["earthquake"],
        meaning=(">=100 dead", "20-99 dead or missing", "5-19 dead", "fewer than 5 dead"),
        deaths=((100, None), (20, 99), (5, 19), (0, 4)),
    )
    assert grade_band(quake, 2).dead == (20, 99) and grade_band(quake, 2).with_missing
    ctx = replace(context("earthquake", 2, 0), hazard=quake, catalogue=catalogue())
    for seed in range(30):
        ctx.rng = generator_from_seed(seed_from_int(seed))
        t = casualty_update(ctx, 2).truth
        assert 20 <= t["dead"] and t["dead"] + t["missing"] <= 99


@pytest.mark.parametrize(
    ("text", "noun", "expected"),
    [
        (">=300 dead (incl. missing), or direct loss >=1% of GDP", "dead", [(300, None)]),
        ("50-299 dead (incl. missing); initially M5.0-6.0", "dead", [(50, 299)]),
        ("<10 dead (incl. missing)", "dead", [(0, 9)]),
        ("fewer than 3 dead and <1M yuan", "dead", [(0, 2)]),
        ("10 or more dead; or 5 or more dead", "dead", [(10, None), (5, None)]),
        ("any death; or up to 4 dead", "dead", [(0, 4), (1, None)]),
        ("30-99 poisoned by one meal, no deaths", "dead", [(0, 0)]),
        ("1,000-10,000 people, or violence with 10-29 dead", "dead", [(10, 29)]),
        ("300-1,000 people blocking roads", "dead", []),
        ("10-29 dead, or 50-99 seriously injured", "injured", [(50, 99)]),
        (">=100 poisoned or seriously injured, or >=50,000 evacuated", "injured", [(100, None)]),
    ],
)
def test_the_meanings_bounds_are_read_as_written(text, noun, expected):
    assert sorted(criteria(text, noun), key=str) == sorted(expected, key=str)


@pytest.mark.parametrize("hazard", sorted(ORACLE))
def test_only_the_figures_change_with_the_rules(hazard):
    """Rules /4 keep the old table (scripts drawn before re-draw the same); /5 takes as many
    random numbers in the same order (a band of one value too: mass poisoning IV states
    0 dead), so the update's time and every draw after it agree."""
    for grade in range(1, 5):
        for seed in range(25):
            old, new = context(hazard, grade, seed, rules=4), context(hazard, grade, seed)
            a, b = casualty_update(old, grade), casualty_update(new, grade)
            lo, hi = DEAD_BY_GRADE[grade]
            assert lo <= a.truth["dead"] <= hi
            assert a.offset_min == b.offset_min and a.expected_action == b.expected_action
            assert old.rng.bit_generator.state == new.rng.bit_generator.state


def test_rules_are_named_by_their_version():
    assert rules_number(version_name(PLAIN_RULES)) == PLAIN_RULES == 5
    with pytest.raises(ValueError):
        rules_number("yingji-drill-draw/99")
