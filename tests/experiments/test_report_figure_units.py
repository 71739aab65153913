"""Experiment figures name their units, show shares in percent and fit long-tailed time axes."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import experiments.report_figures as rf
from experiments.analysis import mean_ci
from experiments.metric_names import simulation_metrics
from experiments.metric_units import metric_axis_label, metric_unit

matplotlib.use("Agg")


@pytest.mark.parametrize(
    ("metric", "unit", "scale"),
    [
        ("compliance_arrival", "%", 100.0),
        ("mutual_aid_share", "%", 100.0),
        ("supply_within_standard", "%", 100.0),
        ("utilisation_Baiyun Station_committed", "%", 100.0),
        ("intervals_arrival_p90", "min", 1.0),
        ("supply_delivery_mean", "min", 1.0),
        ("reinforcement_arrived_min", "min", 1.0),
        ("intervals_arrival_n", "incidents", 1.0),
        ("served", "incidents", 1.0),
        ("utilisation_Baiyun Station_teams", "teams", 1.0),
        ("stockouts_city_issue_units_short", "supply units", 1.0),
        ("targets_control_reading", "", 1.0),
    ],
)
def test_metric_units(metric, unit, scale):
    u = metric_unit(metric)
    assert (u.unit, u.scale) == (unit, scale)
    assert u.diff_unit == ("pp" if unit == "%" else unit)


def test_every_numeric_simulation_metric_has_a_unit():
    found = simulation_metrics()
    assert found is not None
    names, _prefixes = found
    assert [m for m in sorted(names) if not metric_unit(m).unit] == ["targets_control_reading"]


def _design(metric: str, values: dict[tuple[str, int], list[float]]):
    points = [
        SimpleNamespace(
            index=i, id=f"p{i:03d}", values={"policy.name": pol, "facilities.township_stations": n}
        )
        for i, (pol, n) in enumerate(values)
    ]
    rows = [
        SimpleNamespace(point=p.index, replication=r, summary={metric: v})
        for p, vs in zip(points, values.values(), strict=True)
        for r, v in enumerate(vs)
    ]
    return rows, points


@settings(max_examples=10, deadline=None)
@given(
    shares=st.lists(
        st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=2, max_size=4),
        min_size=2,
        max_size=2,
    )
)
def test_a_share_is_plotted_in_percent_with_its_unit(shares):
    levels = {("nearest_available", 6): shares[0], ("nearest_available", 10): shares[1]}
    rows, points = _design("compliance_arrival", levels)
    fig = rf.plot_metric_by_factor(
        rows, points, "facilities.township_stations", "compliance_arrival"
    )
    ax = fig.axes[0]
    ys = ax.containers[0].lines[0].get_ydata()
    assert ys.tolist() == pytest.approx([100 * mean_ci(v).mean for v in shares])
    assert ax.get_ylabel().endswith("(%)")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["6", "10"]  # the levels run
    plt.close(fig)


def test_paired_differences_of_a_share_are_in_percentage_points():
    table = {
        "metric": ["compliance_arrival"] * 2,
        "label": ["a", "b"],
        "baseline": ["p000"] * 2,
        "diff": [0.0, 0.05],
        "ci_low": [0.0, 0.01],
        "ci_high": [0.0, 0.09],
    }
    fig = rf.plot_paired_differences(table, "compliance_arrival")
    ax = fig.axes[0]
    assert ax.containers[0].lines[0].get_xdata().tolist() == pytest.approx([0.0, 5.0])
    assert ax.get_xlabel().endswith("(percentage points)")
    assert metric_axis_label("x", "intervals_arrival_mean", difference=True) == "x (min)"
    plt.close(fig)


def _cdf(monkeypatch, curves):
    monkeypatch.setattr(rf, "response_cdfs", lambda *a, **k: ("records", curves))
    store = SimpleNamespace(
        points=[SimpleNamespace(index=p, id=f"p{p:03d}", values={}) for p in curves]
    )
    return rf.plot_response_cdf(store, [], target=10.0)


def test_a_cdf_with_a_short_tail_ends_at_the_99th_percentile_and_says_so(monkeypatch):
    x = np.sort(np.r_[np.linspace(1.0, 30.0, 198), 60.0, 80.0])
    fig = _cdf(monkeypatch, {0: (x, np.arange(1, 201) / 200)})
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"
    assert ax.get_xlim()[1] == pytest.approx(np.quantile(x, 0.99))
    note = re.search(r"(\d+) longer not shown", ax.get_xlabel())
    assert note is not None and int(note.group(1)) == int(np.sum(x > np.quantile(x, 0.99)))
    assert "%" in ax.get_ylabel()
    plt.close(fig)


def test_a_cdf_with_a_long_tail_goes_on_a_log_axis(monkeypatch):
    x = np.sort(np.r_[np.linspace(1.0, 9.0, 80), np.linspace(300.0, 1500.0, 20)])
    fig = _cdf(monkeypatch, {0: (x, np.arange(1, 101) / 100)})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
    assert "not shown" not in ax.get_xlabel()
    plt.close(fig)
