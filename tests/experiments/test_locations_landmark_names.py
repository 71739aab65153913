"""A landmark in a run config or table: either language, any case (audit #6).

As a scenario's ``at = "landmark:..."`` and a drill's areas; an unknown name is
refused listing some landmarks, in Chinese with the English name in brackets.
"""

from __future__ import annotations

import pytest

from experiments.locations import resolve_location
from networks import i18n
from networks.errors import ConfigError


def _named(county):
    return next(lm for lm in county.landmarks if lm.kind == "township" and lm.name_zh)


def test_a_landmark_resolves_by_its_chinese_name_and_in_any_case(county):
    lm = _named(county)
    for given in (lm.name, lm.name_zh, lm.name.upper(), f"  {lm.name.lower()} "):
        assert resolve_location(f"landmark:{given}", county) == lm.node
    # The table form (a ``landmark`` cell) takes the same names.
    assert resolve_location({"landmark": lm.name_zh}, county) == lm.node


def test_a_run_config_places_reinforcement_by_a_chinese_landmark():
    from experiments.config import RunConfig

    data = {
        "network": {"synthetic": "county"},
        "scenario": {"name": "typical_week"},
        "reinforcement": {
            "location": "landmark:县城",
            "teams": [{"capability": "general", "size": 20}],
        },
    }
    region = RunConfig.from_dict(data, source="run.toml").region()
    seat = next(lm for lm in region.network.landmarks if lm.name == "County Seat")
    assert region.reinforcement.station.node == seat.node


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_landmark_lists_names_in_the_language_in_use(county, lang):
    lm = _named(county)
    with i18n.language(lang), pytest.raises(ConfigError) as info:
        resolve_location("landmark:Atlantis", county, source="run.toml", key="sources.x[0]")
    text = str(info.value)
    assert text.startswith("run.toml: sources.x[0]: ") and "'Atlantis'" in text
    if lang == "zh":
        assert f"{lm.name_zh}（{lm.name}）" in text
    else:
        assert lm.name in text and lm.name_zh not in text


def test_a_network_without_landmarks_says_so():
    from networks import synthetic_county

    bare = synthetic_county(townships=1, villages=1, grid=4)
    bare.landmarks = ()  # as most OpenStreetMap extracts are
    with pytest.raises(ConfigError, match="it has no landmarks"):
        resolve_location("landmark:Xiba Town", bare)
