"""The report on a fake experiment: plotted numbers, CDF sources, partial runs, mistakes."""

from __future__ import annotations

import html

import numpy as np
import pytest

from experiments.analysis import factor_text, mean_ci
from experiments.batch import run_experiment
from experiments.report import (
    parse_baseline,
    plot_metric_by_factor,
    plot_paired_differences,
    response_cdfs,
    write_report,
)
from experiments.report_figures import plot_response_cdf
from experiments.store import ResultStore, read_table
from experiments.tables import find_summary
from networks.errors import ConfigError
from networks.i18n import _, language
from tests.experiments.test_experiment_batch import fake_replicate, make_spec


def taken_replicate(config, *, replication: int, root_seed: int):
    """The fake with a call-taking time: each call is taken 0.5-1.7 min after it comes in."""
    res = fake_replicate(config, replication=replication, root_seed=root_seed)
    inc = res.records.incidents
    inc["call_taken"] = inc["call"] + 0.5 + 0.3 * (inc["id"] % 5)
    return res


@pytest.fixture
def fake_run(tmp_path):
    spec = make_spec(tmp_path, replications=4)
    run_experiment(spec, tmp_path / "out", replicate=taken_replicate, records=True)
    return spec, ResultStore.open(tmp_path / "out")


def test_metric_plot_shows_means_and_t_bars(fake_run):
    spec, store = fake_run
    rows = store.rows()
    fig = plot_metric_by_factor(rows, store.points, "network.townships", "arrival_mean")
    ax = fig.axes[0]
    assert len(ax.containers) == 2  # one series per policy
    for container, policy in zip(
        ax.containers, ["nearest_available", "severity_priority"], strict=True
    ):
        line = container.lines[0]
        xs, ys = line.get_xdata(), line.get_ydata()
        for x, y in zip(xs, ys, strict=True):
            pts = [
                p for p in store.points
                if p.values["policy.name"] == policy and abs(p.values["network.townships"] - x) < 1
            ]  # fmt: skip
            assert len(pts) == 1
            vals = [r.summary["arrival_mean"] for r in rows if r.point == pts[0].index]
            assert y == pytest.approx(mean_ci(vals).mean)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_cdf_from_records_is_the_pooled_empirical_cdf_from_call_taken(fake_run):
    # The arrival interval of the standard and of the summary: call taken -> first arrival.
    spec, store = fake_run
    how, curves = response_cdfs(store, store.rows())
    assert how == "records"
    p = spec.points()[3]
    incidents = [
        taken_replicate(p.config, replication=r, root_seed=99).records.incidents for r in range(4)
    ]
    want = np.sort(np.concatenate([inc["first_arrival"] - inc["call_taken"] for inc in incidents]))
    x, prob = curves[3]
    assert np.array_equal(x, want)
    from_call = np.sort(np.concatenate([inc["first_arrival"] - inc["call"] for inc in incidents]))
    assert not np.allclose(x, from_call)
    assert prob[-1] == 1.0 and np.all(np.diff(prob) > 0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cdf_axis_says_from_call_taken_as_the_map_does(fake_run, lang):
    import matplotlib.pyplot as plt

    _spec, store = fake_run
    with language(lang):
        fig = plot_response_cdf(store, store.rows(), target=10.0)
        # The incident map's scale names the same interval: 接警至首支队伍到场（分钟）.
        assert fig.axes[0].get_xlabel().startswith(_("call taken -> first arrival (min)"))
    plt.close(fig)


def test_cdf_without_records_goes_through_mean_summary_quantiles(tmp_path):
    spec = make_spec(tmp_path, replications=3)
    run_experiment(spec, tmp_path / "out", replicate=fake_replicate)
    store = ResultStore.open(tmp_path / "out")
    rows = store.rows()
    how, curves = response_cdfs(store, rows)
    assert how == "quantiles"
    x, prob = curves[1]
    assert prob.tolist() == [0.5, 0.9]
    mine = [r for r in rows if r.point == 1]
    assert x[1] == pytest.approx(np.mean([r.summary["arrival_p90"] for r in mine]))
    assert response_cdfs(store, rows, measure="control")[0] == "none"
    # two quantiles are not a distribution: markers without a line, and the title says so
    fig = plot_response_cdf(store, rows)
    assert all(line.get_linestyle() == "None" for line in fig.axes[0].lines if line.get_marker())
    assert "quantiles" in fig.axes[0].get_title() and "CDF" not in fig.axes[0].get_title()
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_report_on_a_partial_run_pairs_common_replications(fake_run):
    spec, store = fake_run
    store.summary_path("p000", 3).unlink()  # the baseline lost replication 3
    path = write_report(store.root, baseline="p000", metrics=["share_arrival"])
    page = path.read_text()
    assert "3/4" in page and "(15 finished)" in page
    paired = read_table(store.root / "analysis" / "paired.csv")
    sel = [
        i
        for i, (p, m) in enumerate(zip(paired["point_id"], paired["metric"], strict=True))
        if p == "p003" and m == "share_arrival"
    ]
    assert [paired["n"][i] for i in sel] == ["3"]


def test_report_mistakes_are_config_errors(fake_run, tmp_path):
    spec, store = fake_run
    with pytest.raises(ConfigError, match="unknown metric 'wait'; metrics are summary keys"):
        write_report(store.root, metrics=["wait"])
    with pytest.raises(ConfigError, match="no design point has policy.name=fastest"):
        write_report(store.root, baseline="policy.name=fastest")
    with pytest.raises(ConfigError, match="not an experiment output folder"):
        write_report(tmp_path)
    for r in range(4):
        for p in store.points:
            store.summary_path(p.id, r).unlink()
    with pytest.raises(ConfigError, match="no finished replications"):
        write_report(store.root)


def test_paired_plot_draws_one_bar_per_point():
    table = {
        "metric": ["m", "m", "other"],
        "label": ["a", "b", "c"],
        "baseline": ["p000"] * 3,
        "diff": [0.0, 1.5, 9.0],
        "ci_low": [0.0, 0.5, 8.0],
        "ci_high": [0.0, 2.5, 10.0],
    }
    fig = plot_paired_differences(table, "m")
    line = fig.axes[0].containers[0].lines[0]
    assert line.get_xdata().tolist() == [0.0, 1.5]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_parse_baseline():
    assert parse_baseline("p002") == {"id": "p002"}
    assert parse_baseline("a.b=1, c=x") == {"a.b": "1", "c": "x"}
    with pytest.raises(ConfigError, match="key=level"):
        parse_baseline("a=1,oops")


def test_hypercube_experiment_reports_numeric_factor_at_its_values(tmp_path):
    factors = [
        {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
        {"key": "run.travel_noise", "lhs": [0.0, 0.4]},
    ]
    spec = make_spec(tmp_path, replications=2, lhs_samples=5, factors=factors, baseline="p000")
    run_experiment(spec, tmp_path / "out", replicate=fake_replicate)
    store = ResultStore.open(tmp_path / "out")
    fig = plot_metric_by_factor(store.rows(), store.points, "run.travel_noise", "arrival_mean")
    xs = sorted(x for c in fig.axes[0].containers for x in c.lines[0].get_xdata())
    noise = sorted(p.values["run.travel_noise"] for p in store.points)
    assert xs == pytest.approx(noise, abs=0.02)  # at the sampled values (dodged a little)
    import matplotlib.pyplot as plt

    plt.close(fig)
    page = write_report(store.root, metrics=["arrival_mean"]).read_text()
    # 1 metric x (2 factors + paired) + CDF.
    assert page.count("data:image/png;base64,") == 4


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_says_pairs_share_incidents_only_when_the_design_keeps_them(tmp_path, lang):
    # The fake design varies network.townships: a redrawn county, other incidents.
    redrawn = make_spec(tmp_path, replications=2)
    run_experiment(redrawn, tmp_path / "a", replicate=fake_replicate)
    kept = make_spec(
        tmp_path,
        replications=2,
        baseline={"policy.name": "nearest_available"},
        factors=[{"key": "policy.name", "levels": ["nearest_available", "severity_priority"]}],
    )
    run_experiment(kept, tmp_path / "b", replicate=fake_replicate)
    with language(lang):
        page_a = write_report(tmp_path / "a", metrics=["arrival_mean"]).read_text("utf-8")
        page_b = write_report(tmp_path / "b", metrics=["arrival_mean"]).read_text("utf-8")
        townships = html.escape(factor_text("network.townships"))
    words = {"en": "pairs share seeds, not incidents", "zh": "配对的是随机数而非警情"}[lang]
    assert words in page_a and townships in page_a.split(words)[0]  # the note names it
    assert words not in page_b
    same = {"en": "sees the same incidents", "zh": "使用相同的警情"}[lang]
    assert same in page_b and same not in page_a
    assert "analysis/points.csv" in page_a  # the cut bounds are said to be cut


def test_analysis_tables_have_a_column_per_factor_as_the_summary_does(fake_run):
    # Tidy: a researcher filters analysis/*.csv by a factor without parsing ``label``.
    _spec, store = fake_run
    write_report(store.root, baseline="p000", metrics=["share_arrival"])
    summary = read_table(find_summary(store.root))  # Parquet where pyarrow is installed
    keys = ["policy.name", "network.townships"]
    level = {
        pid: tuple(str(summary[k][i]) for k in keys) for i, pid in enumerate(summary["point_id"])
    }
    for name in ("points", "paired"):
        table = read_table(store.root / "analysis" / f"{name}.csv")
        cols = list(table)
        assert cols[cols.index("label") + 1 : cols.index("label") + 3] == keys, cols
        assert len(set(table["point_id"])) == 4
        for i, pid in enumerate(table["point_id"]):
            assert tuple(table[k][i] for k in keys) == level[pid]
            assert all(f"{k}={table[k][i]}" in table["label"][i] for k in keys)


def test_categories_are_not_joined_by_lines(fake_run):
    # Policies are categories: a line between them would read as a trend; levels of a
    # number are joined, and series sit side by side within a category.
    import matplotlib.pyplot as plt

    _spec, store = fake_run
    rows = store.rows()
    by_policy = plot_metric_by_factor(rows, store.points, "policy.name", "arrival_mean")
    lines = [c.lines[0] for c in by_policy.axes[0].containers]
    assert len(lines) == 2 and all(line.get_linestyle() == "None" for line in lines)
    xs = [tuple(line.get_xdata()) for line in lines]
    assert xs[0] != xs[1] and all(abs(a - b) < 0.5 for a, b in zip(*xs, strict=True))
    by_number = plot_metric_by_factor(rows, store.points, "network.townships", "arrival_mean")
    assert all(c.lines[0].get_linestyle() == "-" for c in by_number.axes[0].containers)
    plt.close("all")


def test_the_header_names_the_replication_function_only_when_it_is_not_yingjis(fake_run):
    # A planner read 重复运行函数 experiments.runner.run_replication as noise; a researcher's
    # own function is part of what the data are.
    _spec, store = fake_run
    page = write_report(store.root).read_text(encoding="utf-8")
    assert "taken_replicate" in page  # this fake's own
    from experiments.batch import DEFAULT_REPLICATE

    man = store.root / "manifest.json"
    import json

    data = json.loads(man.read_text(encoding="utf-8"))
    data["replicate"] = DEFAULT_REPLICATE
    man.write_text(json.dumps(data), encoding="utf-8")
    page = write_report(store.root).read_text(encoding="utf-8")
    assert DEFAULT_REPLICATE not in page and "replication function" not in page
