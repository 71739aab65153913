"""The draw reads past drills by what they name, not by how they spell it.

A history row may name its hazard by key or English or Chinese name and its area
in either language (any case); the "no repeat" and "no rehearsal" rules compare
catalogue keys and recorded area names. An unknown hazard or area, or a time that
is not ISO 8601, is refused naming the history file, the row and the column.
"""

from __future__ import annotations

import pytest

from networks import i18n
from networks.errors import ConfigError
from scenarios.drill import PastDrill, canonical_json
from scenarios.drill.rehearsal import canonical_history
from tests.scenarios.test_drill_draw import DRAWN_AT, draws, make_drawer

#: One past drill, spelt three ways: catalogue keys, Chinese names, English names in other case.
AS_KEYS = PastDrill("building_fire", "Xiba Town", "2026-11-01T09:00:00+00:00", "Q3")
IN_CHINESE = PastDrill("建筑火灾", "西坝镇", "2026-11-01T09:00:00+00:00", "Q3")
IN_OTHER_CASE = PastDrill(" BUILDING FIRE ", "xiba town", "2026-11-01T09:00:00+00:00", "Q3")


@pytest.mark.parametrize("past", [IN_CHINESE, IN_OTHER_CASE])
def test_a_drill_named_in_chinese_or_other_case_is_not_drawn_again(county, past):
    """The audit's repro: the only hazard and area left were drilled last time."""
    with pytest.raises(ConfigError, match="drilled recently"):
        make_drawer(county, [past], hazards=["building_fire"], include_areas=["Xiba Town"])


@pytest.mark.parametrize("past", [IN_CHINESE, IN_OTHER_CASE])
def test_names_bar_and_draw_exactly_what_keys_do(county, past):
    keys = make_drawer(county, [AS_KEYS], hazards=["building_fire"], blind="six-no")
    names = make_drawer(county, [past], hazards=["building_fire"], blind="six-no")
    assert names.recent == keys.recent == {("building_fire", "Xiba Town")}
    a, b = draws(keys, 5, 11), draws(names, 5, 11)
    # same seed, same script, down to what the audit records of the history
    assert [canonical_json(s.to_dict()) for s in a] == [canonical_json(s.to_dict()) for s in b]
    assert a[0].audit["rehearsal"] == [["building_fire", "Xiba Town", AS_KEYS.drawn_at, ""]]


BAD = {
    "unknown hazard": (
        PastDrill("dragon", "Xiba Town"),
        "column hazard",
        "unknown hazard 'dragon'",
    ),
    "unknown area": (PastDrill("building_fire", "Atlantis"), "column area", "unknown area"),
    # a landmark, but not an area the draw knows (areas are townships and the seat)
    "a village": (PastDrill("building_fire", "老湾村"), "column area", "unknown area '老湾村'"),
    "bad drawn_at": (
        PastDrill("building_fire", "Xiba Town", "not-a-date"),
        "column drawn_at",
        "not-a-date",
    ),
    "bad start": (
        PastDrill("building_fire", "Xiba Town", start="2026-13-45T09:00"),
        "column start",
        "2026-13-45",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_history_row_names_file_row_and_column(county, case):
    past, column, what = BAD[case]
    row = PastDrill(**{**vars(past), "source": "hist.csv", "row": 3})
    history = [AS_KEYS, row]
    with pytest.raises(ConfigError) as exc:
        make_drawer(county, history)
    assert exc.value.source == "hist.csv" and exc.value.key == f"row 3, {column}"
    assert what in str(exc.value)
    with i18n.language("zh"), pytest.raises(ConfigError) as zh:
        make_drawer(county, history)
    assert zh.value.key == f"第 3 行，{column.split()[1]} 列", zh.value


def test_a_row_not_read_from_a_file_is_named_by_its_position():
    from scenarios.catalogue import load_catalogue

    history = [AS_KEYS, PastDrill("x", "y")]
    with pytest.raises(ConfigError) as exc:
        canonical_history(history, catalogue=load_catalogue(), source="d.toml")
    assert exc.value.source == "d.toml" and exc.value.key == "history[1].hazard"


def test_without_catalogue_or_network_names_are_kept_and_only_times_checked():
    kept = canonical_history([IN_CHINESE])
    assert kept == (IN_CHINESE,)
    with pytest.raises(ConfigError, match="drawn_at"):
        canonical_history([PastDrill("建筑火灾", "西坝镇", "yesterday")])


def test_the_same_seed_still_gives_the_same_script(county):
    d = make_drawer(county, [IN_CHINESE], injects=[])
    one = d.draw(rng=_rng(3), exercise_id="T", drawn_at=DRAWN_AT)
    two = d.draw(rng=_rng(3), exercise_id="T", drawn_at=DRAWN_AT)
    assert canonical_json(one.to_dict()) == canonical_json(two.to_dict())


def _rng(i: int):
    from scenarios.drill import generator_from_seed, seed_from_int

    return generator_from_seed(seed_from_int(i))
