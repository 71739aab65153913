"""Grade bands are catalogue numbers (``deaths``, ``seriously_injured``), not read from sentences.

The drill's casualty figures used to be parsed out of each hazard's English
``meaning`` sentences, so a translator rewording "50-299 dead (incl. missing)"
as "between 50 and 299 dead" silently turned a grade II earthquake's 50-299
dead into 10-29. The shipped catalogue now states the bands as numbers; they
must say what the sentences say and draw exactly what the sentences drew.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from experiments.cli import main
from networks.errors import ConfigError
from networks.i18n import language
from scenarios.catalogue import HazardCatalogue, load_catalogue
from scenarios.drill import generator_from_seed, seed_from_int
from scenarios.drill.casualties import casualty_update, criteria, grade_band
from scenarios.drill.drawing_rules import PLAIN_RULES
from scenarios.drill.injects import InjectContext

SHIPPED = load_catalogue()
GRADES = (1, 2, 3, 4)
#: The earthquake's meanings reworded by a translator: the same bands, other words.
REWORDED = (
    "300 dead or more (incl. missing), or direct loss >=1% of the province's GDP",
    "between 50 and 299 dead (incl. missing), or serious economic loss",
    "10-49 people killed (incl. missing), or fairly heavy economic loss",
    "under 10 dead (incl. missing), or some economic loss",
)


def _within_all(stated: list[tuple[int, int | None]]) -> tuple[int, int | None] | None:
    """What meets every bound a sentence states (None if it states none)."""
    if not stated:
        return None
    his = [hi for _, hi in stated if hi is not None]
    return max(lo for lo, _ in stated), (min(his) if his else None)


def _context(hazard, grade: int, seed: int) -> InjectContext:
    return InjectContext(
        network=None,
        namer=None,
        catalogue=SHIPPED,
        hazard=hazard,
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
        rules=PLAIN_RULES,
    )


def _catalogue_file(tmp_path: Path, body: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _error(tmp_path: Path, body: str) -> ConfigError:
    path = _catalogue_file(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_catalogue(path)
    assert info.value.source == str(path)
    return info.value


# ------------------------------------------------------------ the shipped catalogue
@pytest.mark.parametrize("key", SHIPPED.keys)
def test_the_bands_say_what_the_meaning_sentences_say(key):
    h = SHIPPED[key]
    assert h.deaths is not None and len(h.deaths) == 4
    for g in GRADES:
        text = h.meaning[g - 1]
        assert h.deaths[g - 1] == _within_all(criteria(text)), (key, g, text)
        injured = h.seriously_injured[g - 1] if h.seriously_injured else None
        assert injured == _within_all(criteria(text, "injured")), (key, g, text)
    counts_missing = any(re.search(r"incl\. missing|dead or missing", m) for m in h.meaning)
    assert h.deaths_include_missing == counts_missing
    assert h.deaths_include_missing == any("含失踪" in m for m in h.meaning_zh)


@pytest.mark.parametrize("key", SHIPPED.keys)
def test_the_shipped_bands_draw_exactly_what_the_sentences_drew(key):
    h = SHIPPED[key]
    from_sentences = replace(h, deaths=None)  # how every hazard's bands were read before
    for g in GRADES:
        assert grade_band(h, g) == grade_band(from_sentences, g)
        for seed in range(5):
            a, b = _context(h, g, seed), _context(from_sentences, g, seed)
            x, y = casualty_update(a, g), casualty_update(b, g)
            assert (x.truth, x.message, x.offset_min) == (y.truth, y.message, y.offset_min)
            assert a.rng.bit_generator.state == b.rng.bit_generator.state


def test_rewording_a_meaning_changes_no_figure(tmp_path, caplog):
    lines = ",\n  ".join(f'"{m}"' for m in REWORDED)
    path = _catalogue_file(tmp_path, f"[hazards.earthquake]\nmeaning = [\n  {lines},\n]\n")
    with caplog.at_level(logging.WARNING, logger="scenarios"):
        quake = load_catalogue(path)["earthquake"]
    assert quake.meaning == REWORDED
    for g in GRADES:
        assert grade_band(quake, g) == grade_band(SHIPPED["earthquake"], g)
    assert grade_band(quake, 2).dead == (50, 299) and grade_band(quake, 2).with_missing
    assert not caplog.records  # the shipped bands stand: nothing deprecated here


def test_a_bureaus_own_bands_move_the_figures(tmp_path):
    path = _catalogue_file(
        tmp_path, "[hazards.earthquake]\ndeaths = [[100, inf], [20, 99], [5, 19], [0, 4]]\n"
    )
    quake = load_catalogue(path)["earthquake"]
    band = grade_band(quake, 2)
    assert band.dead == (20, 99) and band.with_missing  # the missing still count, as shipped
    for seed in range(20):
        t = casualty_update(_context(quake, 2, seed), 2).truth
        assert t["dead"] >= 20 and t["dead"] + t["missing"] <= 99
    assert grade_band(quake, 1).dead == (100, None) and grade_band(quake, 1).draw_hi == 150


def test_bands_survive_the_toml_round_trip():
    again = HazardCatalogue.from_dict(SHIPPED.to_dict())
    for h in SHIPPED:
        twin = again[h.key]
        assert (twin.deaths, twin.seriously_injured, twin.deaths_include_missing) == (
            h.deaths,
            h.seriously_injured,
            h.deaths_include_missing,
        )


# ------------------------------------------------------------ a user's catalogue
_NEW = """[hazards.dam_break]
name = "Reservoir dam break"
category = "natural_disaster"
cap_category = "Met"
under_control = "Flow stopped."
grade_probs = [0.1, 0.3, 0.4, 0.2]
meaning = [">=30 dead or missing", "10-29 dead or missing", "3-9 dead or missing",
           "fewer than 3 dead"]
teams = { water_rescue = [20, 12, 6, 3] }
control_work = { dist = "lognormal", mean = 600, cv = 0.5 }
clear_work = { dist = "lognormal", mean = 600, cv = 0.5 }
"""


def test_a_hazard_without_bands_reads_its_sentences_as_before_and_says_so(tmp_path, caplog):
    path = _catalogue_file(tmp_path, _NEW)
    with caplog.at_level(logging.WARNING, logger="scenarios"):
        dam = load_catalogue(path)["dam_break"]
        load_catalogue(path)  # one warning per file and hazard, however often it is read
    assert dam.deaths is None
    assert grade_band(dam, 2).dead == (10, 29) and grade_band(dam, 2).with_missing
    assert grade_band(dam, 4).dead == (0, 2)
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(f"{path}: hazards.dam_break.deaths: ")
    assert "deprecated" in record.getMessage() and "\n" not in record.getMessage()
    # Written back (a scenario's overrides laid over it), it stays without bands.
    assert HazardCatalogue.from_dict(load_catalogue(path).to_dict())["dam_break"].deaths is None


def test_a_new_hazard_with_bands_uses_them_and_says_nothing(tmp_path, caplog):
    body = _NEW + "deaths = [[50, inf], [20, 49], [5, 19], [0, 4]]\n"
    body += "seriously_injured = [[100, inf], [50, 99], [10, 49], [0, 9]]\n"
    with caplog.at_level(logging.WARNING, logger="scenarios"):
        dam = load_catalogue(_catalogue_file(tmp_path, body))["dam_break"]
    assert not caplog.records
    band = grade_band(dam, 3)
    assert band.dead == (5, 19) and not band.with_missing and band.injured_max == 49


_QUAKE = "[hazards.earthquake]\n"


@pytest.mark.parametrize(
    ("value", "key", "words"),
    [
        ("[[30, inf], [10, 29], [0, 9]]", "deaths", "4 ranges"),
        ('"30/10/3"', "deaths", "4 ranges"),
        ("[[30, inf], [10, 30], [3, 9], [0, 2]]", "deaths[1]", "grade II [10, 30]"),
        ("[[0, 2], [3, 9], [10, 29], [30, inf]]", "deaths[1]", "grade I to grade IV"),
        ("[[30, inf], [10, inf], [3, 9], [0, 2]]", "deaths[1]", "grade II [10, inf]"),
        ("[[30, inf], [], [3, 30], [0, 2]]", "deaths[2]", "grade I [30, inf]"),
        ("[[30, inf], [10, 29], [3, 9], [-1, 2]]", "deaths[3]", ">= 0"),
        ("[[30, inf], [29, 10], [3, 9], [0, 2]]", "deaths[1]", ">= 29"),
        ("[[inf, inf], [10, 29], [3, 9], [0, 2]]", "deaths[0]", "integer"),
        ("[[30, inf], [10, 29.5], [3, 9], [0, 2]]", "deaths[1]", "integer"),
        ("[[30, 40, 50], [10, 29], [3, 9], [0, 2]]", "deaths[0]", "[fewest, most]"),
        ("[30, [10, 29], [3, 9], [0, 2]]", "deaths[0]", "[fewest, most]"),
    ],
)
def test_malformed_bands_are_refused_naming_file_and_key(tmp_path, value, key, words):
    err = _error(tmp_path, f"{_QUAKE}deaths = {value}\n")
    assert err.key == f"hazards.earthquake.{key}"
    assert words in str(err) and "\n" not in str(err)


def test_malformed_injured_bands_and_flag_are_refused(tmp_path):
    err = _error(tmp_path, f"{_QUAKE}seriously_injured = [[100, inf], [50, 100], [10, 49], []]\n")
    assert err.key == "hazards.earthquake.seriously_injured[1]"
    err = _error(tmp_path, f'{_QUAKE}deaths_include_missing = "yes"\n')
    assert err.key == "hazards.earthquake.deaths_include_missing"


def test_injured_bands_without_deaths_are_refused(tmp_path):
    err = _error(tmp_path, _NEW + "seriously_injured = [[100, inf], [50, 99], [10, 49], []]\n")
    assert err.key == "hazards.dam_break.deaths"


def test_the_cli_refuses_malformed_bands_in_one_line_with_status_2(tmp_path, capsys):
    path = _catalogue_file(tmp_path, f"{_QUAKE}deaths = [[30, inf], [10, 30], [3, 9], [0, 2]]\n")
    with language("en"):
        assert main(["scenario", "hazards", "--catalogue", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"yingji: error: {path}: hazards.earthquake.deaths[1]: grade II")
