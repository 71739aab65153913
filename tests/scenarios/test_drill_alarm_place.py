"""The alarm's message names the scene's area once (drawing rules /9).

Most scenes are placed from the centre of their own township or the county
seat ("Avenue 23, 3.7 km north-east of County Seat"); up to /8 the message
then added the area again ("... of County Seat (County Seat)", "…发生道路交通事故（属县城）").
"""

from __future__ import annotations

import pytest

from networks import i18n
from scenarios.drill import GENERATOR_VERSION, texts
from scenarios.drill.script import DrillScript
from tests.scenarios.test_drill_draw import draws, make_drawer


def landmark_is_area(script: DrillScript) -> bool:
    args = script.scene.texts["place"].get("args", {})
    return "landmark" in args and texts.english(args["landmark"]) == script.scene.area


#: The rules before and the rules of this change.
RULES = ("yingji-drill-draw/8", GENERATOR_VERSION)


@pytest.fixture(scope="module")
def scripts(county):
    drawer = make_drawer(county, injects=[])
    return {rules: draws(drawer, 40, rules=rules) for rules in RULES}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_area_is_named_once_when_the_place_is_told_from_it(scripts, lang):
    new = scripts[GENERATOR_VERSION]
    assert sum(map(landmark_is_area, new)) >= 10  # the case is common, not a corner
    for s in new:
        with i18n.language(lang):
            message, area = texts.text(s.alarm, "message"), texts.text(s.scene, "area")
            place = texts.text(s.scene, "place")
        assert place in message
        # the area after the place only where the place is not told from it
        said_after = message.split(place, 1)[1]
        assert (area in said_after) == (not landmark_is_area(s)), message


def test_rules_8_keep_the_area_after_every_place(scripts):
    for s in scripts["yingji-drill-draw/8"]:
        assert f"({s.scene.area})" in s.alarm.message


def test_a_township_desk_takes_calls_from_its_township_and_the_county_the_rest(county):
    drawer = make_drawer(county, injects=[])
    drawer.receiving = "township"  # [reporting] receiving = "township"
    townships = {lm.name for lm in county.landmarks if lm.kind == "township"}
    kinds = set()
    for s in draws(drawer, 40):
        in_township = s.scene.area in townships
        kinds.add(in_township)
        if in_township:  # the duty room of the scene's own township
            assert s.alarm.recipient == f"Duty officer, {s.scene.area} government duty room"
        else:  # the county seat is no township: its calls reach the county's centre
            assert "emergency command centre" in s.alarm.recipient
    assert kinds == {True, False}
