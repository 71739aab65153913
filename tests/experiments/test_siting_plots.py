"""Siting figures: site names on the map, one colour scale fitted to both panels, units."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.siting.plan import nearest_minutes, site
from experiments.siting.plots import plot_coverage_map, plot_evaluation, site_labels
from experiments.siting.task import read_tasks
from networks import i18n

matplotlib.use("Agg")
BASE = {
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "facilities": {"township_stations": 6},
    "run": {"seed": 3},
}


@pytest.fixture(scope="module")
def result():
    config = RunConfig.from_dict(BASE, source="test")
    task = read_tasks({**BASE, "siting": {"p": 6}}, source="test", base_dir=Path.cwd())[0]
    return site(task, config, config.region())


@pytest.fixture(scope="module")
def figure(result):
    new = next(n for n, s in result.statuses().items() if s == "new")
    fig = plot_coverage_map(result, names={new: "Hilltop Station (proposed)"})
    yield fig
    plt.close(fig)


def test_the_coverage_map_names_the_sites_of_each_panel(result, figure):
    current, proposed = figure.axes[:2]
    prob = result.problem
    assert set(prob.current_names) <= {t.get_text() for t in current.texts}
    kept = {n for n, s in result.statuses().items() if s == "kept"}
    names = dict(zip(prob.current.tolist(), prob.current_names, strict=True))
    shown = {t.get_text() for t in proposed.texts}
    assert {names[n] for n in kept} <= shown
    assert "Hilltop Station" in shown  # a proposed site's name, without "(proposed)"
    assert not {names[n] for n, s in result.statuses().items() if s == "closed"} & shown


def test_both_panels_share_one_colour_scale_fitted_to_their_minutes(result, figure):
    prob = result.problem
    minutes = np.concatenate(
        [
            nearest_minutes(prob.network, np.union1d(sites, prob.background))
            for sites in (prob.current, result.selected)
        ]
    )
    lo, hi = np.quantile(minutes[np.isfinite(minutes)], [0.02, 0.98])
    norms = [c.norm for ax in figure.axes[:2] for c in ax.collections if c.get_array() is not None]
    assert len(norms) == 2
    assert all((n.vmin, n.vmax) == pytest.approx((lo, hi)) for n in norms)
    assert "(min)" in figure.axes[2].get_ylabel()  # the colour bar


def test_site_names_read_in_chinese_in_chinese(result):
    with i18n.language("zh"):
        labels = site_labels(result)
    assert labels and all(not name.isascii() for name in labels.values())


def test_the_evaluation_names_the_unit_of_every_axis():
    metrics = ["compliance_arrival", "intervals_arrival_mean"]
    table = {"metric": metrics, "verdict": ["better", "no clear difference"]}
    for col in ("current", "proposed", "diff"):
        table[col] = [0.5, 8.0]
        table[f"{col}_low"] = [0.4, 7.0]
        table[f"{col}_high"] = [0.6, 9.0]
    fig = plot_evaluation(SimpleNamespace(table=lambda: table, replications=3))
    labels = [[ax.get_xlabel() for ax in row] for row in np.reshape(fig.axes, (2, 2))]
    assert labels == [["%", "percentage points"], ["min", "min"]]
    share = fig.axes[0].containers[0].lines[0].get_xdata()
    assert share.tolist() == [50.0]
    plt.close(fig)
