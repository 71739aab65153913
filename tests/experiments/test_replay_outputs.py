"""The replay table's verdicts: the test's level, and which area is too fast or too slow."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.replay.compare import AreaRow, TwoSampleRow
from experiments.replay.outputs import KS_LEVEL, format_replay
from networks import i18n

NAMES = ("Beihe Station", "Dongcun Station", "Shiqiao Station", "Xishan Station")


def _areas(differences: list[float]) -> list[AreaRow]:
    rows = [AreaRow(n, 10, 7.0, 7.0 + d, d) for n, d in zip(NAMES, differences, strict=False)]
    return sorted(rows, key=lambda r: (r.difference, r.area))  # as area_differences sorts them


def _area_line(differences: list[float], lang: str) -> str | None:
    """The printed line about areas, if any."""
    with i18n.language(lang):
        text = format_replay(_result([0.5], _areas(differences)))
    lines = [x for x in text.splitlines() if "arrival by area" in x or "分责任区" in x]
    assert len(lines) <= 1
    return lines[0] if lines else None


def _result(p_values: list[float], areas: list[AreaRow]) -> SimpleNamespace:
    tests = [TwoSampleRow("arrival", 0.1, p, 100, 200) for p in p_values]
    return SimpleNamespace(
        area=np.zeros(100), replications=2, seed=1, quantiles=[], tests=tests, areas=areas
    )


@pytest.mark.parametrize("p", [0.0225, 0.5, 0.001])  # NaN: "no data" (test_replay_no_data)
def test_the_verdict_states_the_level_it_is_read_at(p):
    with i18n.language("en"):
        text = format_replay(_result([p], []))
    line = next(x for x in text.splitlines() if "Kolmogorov" in x)
    assert f"at the {KS_LEVEL:g} level" in line
    differ = "distributions differ" in line
    assert differ == (np.isfinite(p) and p < KS_LEVEL), line


@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=len(NAMES)))
def test_only_a_positive_difference_is_called_too_slow(differences):
    line = _area_line(differences, "en")
    slow = re.search(r"most too slow (.+?) \(([-+]\d+\.\d) min\)", line)
    fast = re.search(r"most too fast (.+?) \(([-+]\d+\.\d) min\)", line)
    shown = [round(d, 1) for d in differences]
    assert (slow is not None) == (max(shown) > 0)
    assert (fast is not None) == (min(shown) < 0)
    if slow:  # the area with the largest positive difference, as printed
        assert float(slow.group(2)) > 0 and float(slow.group(2)) == pytest.approx(max(shown))
    if fast:
        assert float(fast.group(2)) < 0 and float(fast.group(2)) == pytest.approx(min(shown))


def test_a_model_too_fast_everywhere_says_no_area_is_too_slow():
    line = _area_line([-2.4, -1.6, -0.8], "en")
    assert "Beihe Station (-2.4 min)" in line and "none too slow" in line
    assert "Dongcun" not in line
    zh = _area_line([-2.4, -1.6, -0.8], "zh")
    assert "最偏慢" not in zh and "-1.6" not in zh


def test_no_areas_no_line():
    assert _area_line([], "en") is None


def test_a_value_that_rounds_to_zero_prints_without_a_sign():
    """The replay console read "-0.0 [-0.0, 0.0]" for differences a hair below zero."""
    from experiments.replay.outputs import _ci, _fmt

    assert [_fmt(x) for x in (-0.01, -0.0, 0.04, -0.06, -12.0)] == ["0.0", "0.0", "0.0",
                                                                     "-0.1", "-12.0"]  # fmt: skip
    assert _ci(-0.04, 0.02) == "[0.0, 0.0]" and _fmt(float("nan")) == "-"
