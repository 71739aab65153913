"""Confidence-interval maths against scipy.stats, and coverage under the null."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from experiments.analysis import (
    choose_metrics,
    mean_ci,
    numeric_metrics,
    paired_ci,
    paired_intervals,
    point_intervals,
)
from networks.errors import ConfigError

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(x=st.lists(finite, min_size=2, max_size=40), level=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_mean_ci_is_scipy_t_interval(x, level):
    a = np.array(x)
    iv = mean_ci(a, level=level)
    sem = stats.sem(a)
    assert iv.n == len(a) and iv.mean == pytest.approx(a.mean(), rel=1e-12, abs=1e-9)
    if sem > 0:
        lo, hi = stats.t.interval(level, len(a) - 1, loc=a.mean(), scale=sem)
        assert iv.low == pytest.approx(lo, rel=1e-9, abs=1e-9)
        assert iv.high == pytest.approx(hi, rel=1e-9, abs=1e-9)
    else:
        assert iv.low == iv.high == pytest.approx(a.mean())


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(finite, finite), min_size=2, max_size=40),
    level=st.sampled_from([0.9, 0.95]),
)
def test_paired_ci_is_scipy_ttest_rel(pairs, level):
    a, b = np.array(pairs).T
    iv = paired_ci(a, b, level=level)
    d = a - b
    if np.std(d) > 1e-9 * (1 + np.abs(d).max()):
        res = stats.ttest_rel(a, b)
        ci = res.confidence_interval(confidence_level=level)
        assert iv.low == pytest.approx(ci.low, rel=1e-7, abs=1e-7)
        assert iv.high == pytest.approx(ci.high, rel=1e-7, abs=1e-7)
        assert iv.t == pytest.approx(res.statistic, rel=1e-7)
        assert iv.p_value == pytest.approx(res.pvalue, rel=1e-7, abs=1e-12)


def test_degenerate_cases():
    assert mean_ci([]).n == 0 and math.isnan(mean_ci([]).mean)
    one = mean_ci([3.0])
    assert one.mean == 3.0 and math.isnan(one.low) and math.isnan(one.high)
    # nan replications (metric undefined there) are left out.
    assert mean_ci([1.0, np.nan, 3.0]).n == 2
    same = paired_ci([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert (same.mean, same.low, same.high) == (0.0, 0.0, 0.0) and math.isnan(same.p_value)
    # A pair with nan on either side is dropped from both.
    assert paired_ci([1.0, np.nan, 3.0, 5.0], [0.0, 1.0, np.nan, 4.0]).n == 2
    with pytest.raises(ConfigError, match="confidence level"):
        mean_ci([1.0, 2.0], level=1.5)


def test_t_interval_covers_the_true_mean_at_its_level():
    # 2,000 samples of n=5 from N(10, 3): coverage ~ Binomial(2000, 0.95).
    rng = np.random.default_rng(7)
    samples = rng.normal(10.0, 3.0, (2000, 5))
    hits = 0
    for s in samples:
        iv = mean_ci(s)
        hits += iv.low <= 10.0 <= iv.high
    # 5 standard errors of a binomial proportion around 0.95.
    assert abs(hits / 2000 - 0.95) < 5 * math.sqrt(0.95 * 0.05 / 2000)


def test_pairing_narrows_the_interval_under_common_random_numbers():
    rng = np.random.default_rng(3)
    shared = rng.normal(20.0, 5.0, 30)  # the incidents both designs face
    a = shared + rng.normal(0.0, 0.5, 30)
    b = shared - 1.0 + rng.normal(0.0, 0.5, 30)
    paired = paired_ci(b, a)
    unpaired = mean_ci(b).half_width + mean_ci(a).half_width
    assert paired.half_width < unpaired / 5
    assert paired.high < 0  # the 1-minute improvement is detected


def _rows(table):
    return [
        SimpleNamespace(point=p, replication=r, summary=s) for (p, r), s in sorted(table.items())
    ]


def test_tables_pair_only_common_replications():
    points = [SimpleNamespace(index=i, id=f"p{i:03d}", label=f"x={i}") for i in range(2)]
    table = {
        (0, 0): {"m": 1.0, "tag": "a"},
        (0, 1): {"m": 2.0, "tag": "a"},
        (0, 2): {"m": 4.0, "tag": "a"},
        (1, 0): {"m": 2.0, "tag": "b"},
        (1, 2): {"m": 7.0, "tag": "b"},
    }
    rows = _rows(table)
    assert numeric_metrics(rows) == ["m"]
    per = point_intervals(rows, points, ["m"])
    assert per["n"] == [3, 2]
    assert per["mean"] == [pytest.approx(7 / 3), pytest.approx(4.5)]
    pair = paired_intervals(rows, points, ["m"], baseline=0)
    assert pair["n"] == [3, 2]  # replication 1 is missing at p001
    assert pair["diff"][1] == pytest.approx(((2 - 1) + (7 - 4)) / 2)
    ci = stats.ttest_rel([2.0, 7.0], [1.0, 4.0]).confidence_interval()
    assert (pair["ci_low"][1], pair["ci_high"][1]) == (
        pytest.approx(ci.low),
        pytest.approx(ci.high),
    )
    with pytest.raises(ConfigError, match="no numeric metric 'tag'"):
        choose_metrics(rows, ["tag"], source="out")


def test_a_factor_named_like_a_table_column_gets_a_prefix():
    points = [
        SimpleNamespace(index=i, id=f"p{i:03d}", label=f"level={i}", values={"level": i})
        for i in range(2)
    ]
    rows = _rows({(p, r): {"m": float(p + r), "k": 1.0} for p in range(2) for r in range(3)})
    per = point_intervals(rows, points, ["m", "k"], level=0.9)
    assert per["level"] == [0.9] * 4  # the confidence level stays what it was
    assert per["factor.level"] == [0, 0, 1, 1]  # point-major
    pair = paired_intervals(rows, points, ["m", "k"], baseline=0)
    assert pair["factor.level"] == [0, 1, 0, 1]  # metric-major
    assert pair["point"] == [0, 1, 0, 1]


def test_each_row_names_the_unit_its_values_are_in():
    points = [
        SimpleNamespace(index=i, id=f"p{i:03d}", label=f"x={i}", values={"unit": i})
        for i in range(2)
    ]
    metrics = ["compliance_arrival", "intervals_arrival_mean", "warning_teams_staged", "m"]
    rows = _rows({(p, r): dict.fromkeys(metrics, 0.5) for p in range(2) for r in range(2)})
    per = point_intervals(rows, points, metrics)
    # A share is a fraction in the tables (0.5, not 50 %); a key without a unit gets none.
    assert per["unit"] == ["share", "min", "teams", ""] * 2
    assert per["factor.unit"] == [0] * 4 + [1] * 4  # a factor named "unit" keeps its levels
    pair = paired_intervals(rows, points, metrics, baseline=0)
    assert pair["unit"] == ["share", "share", "min", "min", "teams", "teams", "", ""]
