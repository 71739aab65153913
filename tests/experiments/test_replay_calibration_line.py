"""The calibration's result line: one multiplication sign, the language's separators.

The headline of ``yingji replay --calibrate`` that a report quotes: ``×1.47``
for every factor (never the letter ``x``), the road groups joined as the
language joins a list (``，`` in Chinese, never ``, `` inside Chinese text).
Texts are compared through ``_()`` so the test holds before and after the
catalogue is rebuilt.
"""

from __future__ import annotations

import re

import pytest

from experiments.replay.adjust import road_group_label
from experiments.replay.calibrate import Calibration
from networks import i18n
from networks.i18n import _

FIT = Calibration(
    turnout=1.4712,
    speed={"major": 0.7891, "minor": 0.8512, "local": 0.6702},
    loss_before=19.7612,
    loss_after=0.1123,
    evaluations=25,
    converged=True,
)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_factor_reads_times_and_the_groups_join_in_the_language(lang):
    with i18n.language(lang):
        line = FIT.result_line()
        groups = _(", ").join(
            f"{road_group_label(g)} ×{f}" for g, f in [("major", "0.79"), ("minor", "0.85"),
                                                       ("local", "0.67")]
        )  # fmt: skip
    assert "×1.47" in line and groups in line
    assert line.count("×") == 4 and not re.search(r"\bx\d", line)
    assert "19.76" in line and "0.11" in line and "25" in line


def test_the_chinese_line_has_no_english_comma_between_groups():
    with i18n.language("zh"):
        line = FIT.result_line()
        groups = [road_group_label(g) for g in FIT.speed]
        sep = _(", ")
    between = line[line.index(groups[0]) : line.index(groups[-1])]
    assert sep == "，" and ", " not in between and between.count(sep) == 2
