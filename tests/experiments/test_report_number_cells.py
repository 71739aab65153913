"""Experiment report cells show each number in its unit: %, percentage points, counts, minutes."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.batch import run_experiment
from experiments.metric_units import format_interval, format_metric
from experiments.report import write_report
from networks.i18n import _, language
from tests.experiments.test_experiment_batch import make_spec

METRICS = ["compliance_arrival", "served", "warning_stock_units", "intervals_arrival_mean"]


@dataclass
class _Result:
    summary: dict[str, float | int]
    records: None = None


def unit_replicate(config, *, replication: int, root_seed: int) -> _Result:
    """A share, a count in the tens of thousands, a count that varies, and minutes."""
    rng = np.random.default_rng([root_seed, replication])
    bigger = config.to_dict()["network"]["townships"] / 10.0
    return _Result(
        {
            "compliance_arrival": float(rng.uniform(0.2, 0.4) * bigger),
            "served": 60935,
            "warning_stock_units": int(rng.integers(40_000, 50_000)),
            "intervals_arrival_mean": float(rng.uniform(4.0, 9.0)),
            "replication": replication,
        }
    )


@pytest.mark.parametrize(
    ("value", "metric", "difference", "want"),
    [
        (0.29687, "compliance_arrival", False, "29.7%"),
        (1.0, "mutual_aid_share", False, "100.0%"),
        (60935.0, "served", False, "60,935"),
        (2.0, "warning_teams_staged", False, "2"),
        (4700.5, "people_shelter_overflow", False, "4,700.50"),
        (-40763.2, "people_shelter_overflow", True, "-40,763.20"),
        (5.2437, "intervals_arrival_mean", False, "5.24"),
        (1234.5, "supply_delivery_p90", False, "1,234.50"),
        (0.41966, "targets_control_reading", False, "0.4197"),
        (60930.0, "some_unknown_key", False, "6.093e+04"),
        (math.nan, "served", False, "–"),
        (None, "compliance_arrival", True, "–"),
    ],
)
def test_format_metric_by_unit(value, metric, difference, want):
    assert format_metric(value, metric, difference=difference) == want


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_share_differences_are_percentage_points(lang):
    with language(lang):
        assert format_metric(0.0421, "compliance_arrival", difference=True) == _(
            "{value} pp"
        ).format(value="4.2")
        assert format_metric(0.0421, "compliance_arrival", difference=True, unit=False) == "4.2"
        # A tiny negative difference does not read "-0.0".
        assert format_metric(-1e-6, "compliance_arrival", difference=True, unit=False) == "0.0"


def test_chinese_share_differences_read_as_percentage_points():
    with language("zh"):
        assert format_metric(0.0421, "compliance_arrival", difference=True) == "4.2 个百分点"


def _cells(page: str, table: int) -> list[list[str]]:
    """The body cells of the ``table``-th table of the page, as text."""
    body = re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S)[table]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


@pytest.fixture
def no_figures(monkeypatch):
    """The tables alone: drawing the report's figures is what takes the time."""
    import experiments.report as report

    def save(_fig, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"png")
        return path

    for name in ("plot_metric_by_factor", "plot_paired_differences", "plot_response_cdf"):
        monkeypatch.setattr(report, name, lambda *a, **k: None)
    monkeypatch.setattr(report, "save_figure", save)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_tables_show_percent_points_counts_and_minutes(tmp_path, lang, no_figures):
    spec = make_spec(tmp_path, replications=3, metrics=METRICS)
    out = tmp_path / "out"
    run_experiment(spec, out, replicate=unit_replicate, progress=False)
    with language(lang):
        page = write_report(out).read_text(encoding="utf-8")
        pp = re.escape(_("{value} pp").format(value="@")).replace("@", r"-?\d+\.\d")
    means, diffs = _cells(page, 1), _cells(page, 2)
    assert len(means) == 4 and len(diffs) == 3
    share = r"\d+\.\d%"
    for row in means:
        assert re.fullmatch(rf"{share} \[{share}, {share}\]", row[1]), row[1]
        assert row[2] == "60,935 [60,935, 60,935]"  # the same count every replication
        assert re.fullmatch(
            r"\d{2},\d{3}(\.\d\d)? \[\d{2},\d{3}\.\d\d, \d{2},\d{3}\.\d\d\]", row[3]
        )
        # Minutes never below 0, shares within 0-100 %, as the printed summary shows them.
        assert re.fullmatch(r"\d\.\d\d \[\d+\.\d\d, \d+\.\d\d\]", row[4]), row[4]
        assert all(0.0 <= float(x) <= 100.0 for x in re.findall(r"(-?[\d.]+)%", row[1]))
    for row in diffs:
        assert re.fullmatch(rf"{pp} \[-?\d+\.\d, -?\d+\.\d\] n=3", row[1]), row[1]
        bounds = re.findall(r"\[(-?[\d.]+), (-?[\d.]+)\]", row[1])[0]
        assert all(-100.0 <= float(b) <= 100.0 for b in bounds)
        assert row[2] == "0 [0, 0] n=3"
    assert not [c for row in means + diffs for c in row if re.search(r"\de[+-]\d", c)]


@given(v=st.floats(-1e6, 1e6, allow_nan=False), diff=st.booleans())
def test_interval_ends_are_clipped_to_what_the_metric_can_be(v, diff):
    from experiments.report import _clipped

    share = _clipped("compliance_arrival", v, diff=diff)
    assert (-1.0 if diff else 0.0) <= share <= 1.0
    assert share == v or not ((-1.0 if diff else 0.0) <= v <= 1.0)  # only ends outside move
    minutes = _clipped("intervals_arrival_mean", v, diff=diff)
    assert minutes == (v if diff else max(v, 0.0))  # a difference of minutes may be < 0
    assert _clipped("incidents", v) == max(v, 0.0)
    assert _clipped("some_unknown_metric", v) == v


def test_an_estimate_and_its_bounds_share_their_decimals():
    # The report showed -0.01 [-0.01, -0.00356] for -0.00646 [-0.00936, -0.00356]: the
    # estimate looked equal to its bound. All three now take the decimals that give the
    # smallest three significant digits.
    with language("en"):
        assert format_interval(
            -0.00646, -0.00936, -0.00356, "warning_call_taking_mean", difference=True
        ) == ("-0.00646", "-0.00936", "-0.00356")
        assert format_interval(-0.000399, -0.007, 0.006, "compliance_arrival", difference=True) == (
            "-0.0399 pp", "-0.7000", "0.6000",
        )  # fmt: skip
        # the usual decimals where they do: a share one, minutes two; counts as before
        assert format_interval(0.894, 0.866, 0.922, "compliance_arrival") == (
            "89.4%", "86.6%", "92.2%",
        )  # fmt: skip
        assert format_interval(24.2, 16.8, 31.6, "intervals_arrival_mean") == (
            "24.20", "16.80", "31.60",
        )  # fmt: skip
        assert format_interval(0.0, 0.0, 0.0, "intervals_arrival_mean", difference=True) == (
            "0.00", "0.00", "0.00",
        )  # fmt: skip
