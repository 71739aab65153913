"""Report figures: bars clipped as the table clips them, hypercube factors, stale figures."""

from __future__ import annotations

import json
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest

import experiments.report as report
from experiments.analysis import mean_ci
from experiments.batch import run_experiment
from experiments.metric_units import clip_to_unit
from experiments.report_figures import plot_metric_by_factor, plot_paired_differences
from experiments.store import ResultStore
from tests.experiments.test_experiment_batch import fake_replicate, make_spec


def _design(metric: str, values: dict[int, list[float]]):
    points = [
        SimpleNamespace(index=i, id=f"p{i:03d}", values={"n": n}) for i, n in enumerate(values)
    ]
    rows = [
        SimpleNamespace(point=p.index, replication=r, summary={metric: v})
        for p, vs in zip(points, values.values(), strict=True)
        for r, v in enumerate(vs)
    ]
    return rows, points


def _bar_ends(ax) -> list[tuple[float, float]]:
    """(low, high) of every vertical error bar on the axes."""
    ends = []
    for container in ax.containers:
        for segments in container.lines[2]:
            ends += [(min(s[:, 1]), max(s[:, 1])) for s in segments.get_segments()]
    return ends


@pytest.mark.parametrize(
    ("metric", "scale", "values"),
    [
        ("compliance_arrival", 100.0, {6: [0.0, 1.0], 10: [0.9, 1.0, 0.95]}),
        ("served", 1.0, {6: [0.0, 30.0], 10: [2.0, 40.0, 1.0]}),
    ],
)
def test_bars_stop_where_the_metric_can_as_in_the_table(metric, scale, values):
    rows, points = _design(metric, values)
    fig = plot_metric_by_factor(rows, points, "n", metric)
    unit = "%" if scale == 100.0 else "incidents"
    want = []
    for vs in values.values():
        iv = mean_ci(vs)
        clipped = tuple(clip_to_unit(b, unit) for b in (iv.low, iv.high))
        assert clipped != (iv.low, iv.high)  # the raw interval runs past what can be
        want.append(tuple(scale * b for b in clipped))
    assert np.allclose(sorted(_bar_ends(fig.axes[0])), sorted(want))
    plt.close(fig)


def test_paired_bars_of_a_share_stay_within_100_percentage_points():
    table = {
        "metric": ["compliance_arrival"] * 2,
        "label": ["a", "b"],
        "baseline": ["p000"] * 2,
        "diff": [0.0, 0.6],
        "ci_low": [0.0, -0.4],
        "ci_high": [0.0, 1.6],
    }
    fig = plot_paired_differences(table, "compliance_arrival")
    segments = fig.axes[0].containers[0].lines[2][0].get_segments()
    assert np.allclose([(s[0, 0], s[1, 0]) for s in segments], [(0.0, 0.0), (-40.0, 100.0)])
    plt.close(fig)


# --------------------------------------------------------------------------- hypercube
@pytest.fixture
def hypercube(tmp_path):
    factors = [
        {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
        {"key": "run.travel_noise", "lhs": [0.0, 0.4]},
        {"key": "network.townships", "lhs": [4, 12], "integer": True},
    ]
    spec = make_spec(tmp_path, replications=2, lhs_samples=6, factors=factors, baseline="p000")
    run_experiment(spec, tmp_path / "out", replicate=fake_replicate, progress=False)
    return ResultStore.open(tmp_path / "out")


def test_a_hypercube_factor_is_one_series_per_grid_level_with_the_axis_own_ticks(hypercube):
    store = hypercube
    sampled = {"run.travel_noise", "network.townships"}
    for key in sorted(sampled):
        fig = plot_metric_by_factor(
            store.rows(), store.points, key, "arrival_mean", sampled=sampled
        )
        ax = fig.axes[0]
        assert len(ax.containers) == 2  # one per policy, not one per design point
        for container in ax.containers:
            assert len(container.lines[0].get_xdata()) == 6
            assert container.lines[0].get_linestyle() == "None"  # markers, no lines
        assert len(ax.get_legend().get_texts()) == 2
        ticks = ax.get_xticks()
        steps = np.diff(ticks)
        assert len(ticks) >= 3 and np.allclose(steps, steps[0])  # evenly spaced, not the samples
        if key == "network.townships":
            assert np.allclose(ticks, np.round(ticks))  # whole stations
        plt.close(fig)


def test_the_report_tells_the_plots_which_factors_are_sampled(hypercube, monkeypatch):
    seen = []
    draw = report.plot_metric_by_factor

    def spy(*args, **kwargs):
        seen.append(kwargs.get("sampled"))
        return draw(*args, **kwargs)

    monkeypatch.setattr(report, "plot_metric_by_factor", spy)
    report.write_report(hypercube.root, metrics=["arrival_mean"])
    assert seen and all(s == {"run.travel_noise", "network.townships"} for s in seen)


# --------------------------------------------------------------------------- stale figures
def test_a_rerun_removes_the_figures_it_no_longer_draws_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    report.write_report(out, metrics=["arrival_mean", "share_arrival"])
    figures = out / "figures"
    first = {p.name for p in figures.glob("*.png")}
    assert "arrival_mean__paired.png" in first
    # A user's files, one named like a figure the report could draw.
    for name in ("mine.png", "notes.txt", "incidents__paired.png"):
        (figures / name).write_text("user", encoding="utf-8")
    (tmp_path / "outside.png").write_text("user", encoding="utf-8")
    index = figures / report.FIGURE_INDEX
    listed = json.loads(index.read_text(encoding="utf-8"))["files"]
    assert set(listed) == first
    # An index edited to reach outside the folder must not remove anything there.
    index.write_text(json.dumps({"files": [*listed, "../outside.png"]}), encoding="utf-8")
    report.write_report(out, metrics=["share_arrival"], baseline="p002")
    now = {p.name for p in figures.glob("*.png")}
    drawn = set(json.loads(index.read_text(encoding="utf-8"))["files"])
    assert not any(n.startswith("arrival_mean__") for n in now)
    assert now == drawn | {"mine.png", "incidents__paired.png"}
    assert (figures / "notes.txt").exists() and (tmp_path / "outside.png").exists()


# --------------------------------------------------------------------------- many lines
def test_a_factor_plot_of_many_groups_names_every_line_in_its_own_colour():
    # 11 groups: the legend was dropped and the 10-colour cycle repeated (blue twice).
    points = [
        SimpleNamespace(index=2 * g + k, id=f"p{2 * g + k:03d}", values={"x": x, "g": g})
        for g in range(11)
        for k, x in enumerate((1, 2))
    ]
    rows = [
        SimpleNamespace(point=p.index, replication=r, summary={"arrival_mean": 5.0 + p.index + r})
        for p in points
        for r in range(2)
    ]
    fig = plot_metric_by_factor(rows, points, "x", "arrival_mean")
    ax = fig.axes[0]
    assert len(ax.containers) == 11
    assert len(ax.get_legend().get_texts()) == 11
    colours = {tuple(c.lines[0].get_color()) for c in ax.containers}
    assert len(colours) == 11
    plt.close(fig)


def test_a_cdf_of_many_design_points_names_every_curve(monkeypatch):
    import experiments.report_figures as rf

    n = 22
    curves = {i: (np.array([1.0, 2.0, 3.0]) + i, np.array([0.2, 0.6, 1.0])) for i in range(n)}
    monkeypatch.setattr(rf, "response_cdfs", lambda store, rows, measure: ("quantiles", curves))
    store = SimpleNamespace(
        points=[SimpleNamespace(index=i, id=f"p{i:03d}", values={"k": i}) for i in range(n)]
    )
    fig = rf.plot_response_cdf(store, [], target=10.0)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    # Each curve by what its point is (the report's rows name the ids beside them).
    assert len(texts) == n + 1 and texts[:n] == [f"k={i}" for i in range(n)]
    assert len({tuple(line.get_color()) for line in ax.get_lines()[:n]}) == n
    plt.close(fig)
