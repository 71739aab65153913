"""Axis units read once and as measure words (起, 支, 份), in Chinese and in English."""

from __future__ import annotations

import re

import pytest

from experiments.analysis import METRIC_LABELS, metric_text
from experiments.metric_units import (
    UNIT_LABELS,
    metric_axis_label,
    metric_unit,
    strip_unit,
    unit_text,
    with_unit,
)
from experiments.report_figures import paired_axis_label
from networks.i18n import _, language


def _labels(metric: str) -> list[tuple[str, str]]:
    """Every axis label of ``metric`` the figures draw, with the unit each one names."""
    u = metric_unit(metric)
    text = metric_text(metric)
    return [
        (metric_axis_label(text, metric), u.unit),
        (metric_axis_label(text, metric, difference=True), u.diff_unit),
        (paired_axis_label(metric), u.diff_unit),
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_metric_label_names_its_unit_twice(lang):
    with language(lang):
        twice = []
        for metric in METRIC_LABELS:
            for label, unit in _labels(metric):
                if not unit:
                    continue
                word = re.escape(unit_text(unit))
                found = re.findall(rf"[（(]{word}[）)]", label)
                if len(found) != 1 or not re.search(rf"[（(]{word}[）)]$", label):
                    twice.append(label)
        assert twice == []


def test_chinese_units_are_measure_words_not_the_nouns_of_the_same_spelling():
    with language("zh"):
        words = {u: unit_text(u) for u in UNIT_LABELS}
        # Translated (no English left) and short: a measure word, not a name.
        assert [w for w in words.values() if re.search("[A-Za-z]", w) or len(w) > 3] == []
        want = {"incidents": "起", "teams": "支", "reports": "份", "min": "分钟", "people": "人",
                "moves": "次"}  # fmt: skip
        assert {u: words[u] for u in want} == want
        # The nouns keep their own translation (the run table's 突发事件数, the map's 救援力量).
        assert words["incidents"] != _("incidents") and words["teams"] != _("teams")
        assert metric_axis_label(metric_text("served"), "served").endswith("（起）")
        assert metric_axis_label(metric_text("warning_teams_staged"), "warning_teams_staged") == (
            metric_text("warning_teams_staged") + "（支）"
        )


def test_english_unit_words_are_the_units():
    with language("en"):
        assert {u: unit_text(u) for u in UNIT_LABELS} == UNIT_LABELS
        assert with_unit("served", "incidents") == "served (incidents)"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_label_that_ends_in_its_unit_gets_it_once(lang):
    with language(lang):
        for unit in UNIT_LABELS:
            once = with_unit("x", unit)
            assert with_unit(once, unit) == once
            assert strip_unit(once, unit) == "x"
        # Each bracket style counts: a Chinese label may end in "(分钟)" too.
        word = unit_text("min")
        assert with_unit(f"x({word})", "min") == f"x({word})"
        assert strip_unit("x", "min") == "x" and strip_unit("x (min)", "") == "x (min)"
