"""Hazard catalogue: shipped content, round trips, overrides and error messages."""

from __future__ import annotations

import pytest

from networks.errors import ConfigError
from scenarios.catalogue import (
    CAPABILITIES,
    SUPPLY_ITEMS,
    HazardCatalogue,
    load_catalogue,
    shipped_catalogue_path,
)
from scenarios.stream import CATEGORIES


@pytest.fixture(scope="module")
def cat() -> HazardCatalogue:
    return load_catalogue()


def test_shipped_catalogue_covers_the_four_categories(cat):
    assert len(cat) >= 12
    cats = {h.category for h in cat}
    assert cats == set(CATEGORIES)
    for key in (
        "waterlogging",
        "flood",
        "typhoon",
        "earthquake",
        "landslide",
        "forest_fire",
        "building_fire",
        "hazmat_leak",
        "traffic_accident",
        "mine_accident",
    ):
        assert key in cat


def test_every_hazard_is_complete(cat):
    for h in cat:
        assert sum(h.grade_probs) == pytest.approx(1.0)
        assert all(m for m in h.meaning) and h.under_control
        for g in (1, 2, 3, 4):
            req = h.requirement(g)
            assert req.teams, (h.key, g)
            assert {c for c, _ in req.teams} <= set(CAPABILITIES)
            assert {s for s, _ in req.supplies} <= set(SUPPLY_ITEMS)
            assert h.control_work(g).mean > 0
        # Worse grades never need fewer teams of a capability.
        for _, counts in h.teams:
            assert list(counts) == sorted(counts, reverse=True), h.key
        for c in h.cascade:
            assert c.hazard in cat


def test_round_trip(cat):
    again = HazardCatalogue.from_dict(cat.to_dict())
    assert again.hazards == cat.hazards
    assert again.profiles == cat.profiles


def test_requirements_rows_follow_hazard_and_grade(cat):
    reqs = cat.requirements()
    for i, h in enumerate(cat.hazards):
        for g in (1, 2, 3, 4):
            assert (reqs[4 * i + g - 1].hazard, reqs[4 * i + g - 1].grade) == (h.key, g)


def test_user_file_overrides_and_adds(tmp_path, cat):
    f = tmp_path / "mine.toml"
    f.write_text(
        """
[hazards.building_fire]
grade_probs = [0.0, 0.0, 0.5, 0.5]
teams = { fire = [20, 10, 5, 3] }

[hazards.dam_break]
name = "Dam break"
category = "natural_disaster"
cap_category = "Met"
under_control = "Flow stopped"
grade_probs = [0.5, 0.5, 0, 0]
meaning = ["a", "b", "c", "d"]
teams = { water_rescue = 10 }
control_work = { dist = "exponential", mean = 600 }
clear_work = { dist = "fixed", value = 60 }
cascade = [{ hazard = "flood", probability = 1.0, delay = { dist = "fixed", value = 30 } }]
"""
    )
    user = load_catalogue(f)
    bf = user["building_fire"]
    assert bf.grade_probs == (0.0, 0.0, 0.5, 0.5)
    assert dict(bf.teams)["fire"] == (20, 10, 5, 3)
    # Untouched keys of an overridden hazard stay as shipped.
    assert bf.control_work == cat["building_fire"].control_work
    assert user["dam_break"].requirement(1).teams == (("water_rescue", 10),)
    assert len(user) == len(cat) + 1
    assert user.sources[-1] == str(f)


#: A complete new hazard; ``{teams}`` is its teams table.
DAM_BREAK = """[hazards.dam_break]
name = "Dam break"
category = "natural_disaster"
cap_category = "Met"
under_control = "Flow stopped"
grade_probs = [0.0, 0.0, 0.5, 0.5]
meaning = ["a", "b", "c", "d"]
teams = {teams}
control_work = {{ dist = "exponential", mean = 600 }}
clear_work = {{ dist = "fixed", value = 60 }}
"""


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (
            "[hazards.building_fire]\ngrade_probs = [0.5, 0.5, 0.5, 0.5]",
            "hazards.building_fire.grade_probs",
            "sum to 1",
        ),
        (
            "[hazards.building_fire]\nteams = { firefighters = 3 }",
            "hazards.building_fire.teams.firefighters",
            "unknown key",
        ),
        (
            "[hazards.building_fire]\ncategory = 'disaster'",
            "hazards.building_fire.category",
            "not one of",
        ),
        (
            "[hazards.building_fire]\ncontrol_work = { dist = 'lognormal', mean = -3, cv = 1 }",
            "hazards.building_fire.control_work.mean",
            "must be > 0",
        ),
        (
            "[hazards.building_fire]\ncontrol_work = { dist = 'lognormal', mean = [1, 2], cv = 1 }",
            "hazards.building_fire.control_work.mean",
            "list of 4",
        ),
        (
            "[[hazards.flood.cascade]]\nhazard = 'meteor'\nprobability = 0.1\n"
            "delay = { dist = 'fixed', value = 1 }",
            "hazards.flood.cascade[0].hazard",
            "unknown hazard",
        ),
        (
            "[[hazards.flood.roads]]\neffect = 'close'\nfactor = 2\nradius_m = 10\n"
            "duration = { dist = 'fixed', value = 1 }",
            "hazards.flood.roads[0].factor",
            "no factor",
        ),
        ("[hazards.new_one]\nname = 'x'", "hazards.new_one.grade_probs", "missing"),
        # Counts of zero were no teams, yet passed: incidents recorded served, every time NaN.
        (
            DAM_BREAK.format(teams="{ water_rescue = 0 }"),
            "hazards.dam_break.teams",
            "teams: at least one capability with a count is needed",
        ),
        (
            DAM_BREAK.format(teams="{ water_rescue = 0, general = [0, 0, 0, 0] }"),
            "hazards.dam_break.teams",
            "teams: at least one capability with a count is needed",
        ),
        (
            DAM_BREAK.format(teams="{ water_rescue = [2, 1, 1, 0], fire = [0, 0, 1, 0] }"),
            "hazards.dam_break.teams",
            "teams: grade IV: at least one capability",
        ),
        (
            "[hazards.flood.teams]\nwater_rescue = 0\ngeneral = 0\nmedical = 0",
            "hazards.flood.teams",
            "at least one capability",
        ),
        ("[profiles]\nnight = [1, 2]", "profiles.night", "24 hourly"),
        ("[hazards.flood]\nprofile = 'lunar'", "hazards.flood.profile", "unknown profile"),
        ("hazard = 1", "hazard", "unknown key"),
    ],
)
def test_mistakes_name_file_and_key(tmp_path, text, key, words):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_catalogue(f)
    msg = str(info.value)
    assert msg.startswith(f"{f}: {key}:"), msg
    assert words in msg
    assert "\n" not in msg


def test_broken_toml_names_the_file(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text("[hazards\n")
    with pytest.raises(ConfigError, match="broken.toml: not valid TOML"):
        load_catalogue(f)
    with pytest.raises(ConfigError, match="file not found"):
        load_catalogue(tmp_path / "missing.toml")


def test_shipped_file_is_package_data():
    assert shipped_catalogue_path().is_file()
