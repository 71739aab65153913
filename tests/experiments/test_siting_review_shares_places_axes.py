"""Siting review F1, F2, F4: no false 100.0 %, infeasible demand named by place, axes in range.

F1: a share below 1 never reads 100.0 % (a worst point beyond the standard next to
"100.0% within the standard"). F2: the LSCP error names places and coordinates,
not node indices. F4: the evaluation plot's value axes stay within what the
metric can be (no 104 % delivery rate, no negative count).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from experiments.commands.site import _value_format, format_result
from experiments.config import RunConfig
from experiments.metric_units import share_text
from experiments.siting import LSCP
from experiments.siting.demand_places import demand_places_text
from experiments.siting.errors import InfeasibleError
from experiments.siting.plan import site
from experiments.siting.plots import plot_coverage_map, plot_evaluation
from experiments.siting.task import read_tasks
from networks import i18n
from networks.synthetic import synthetic_county
from scenarios.validate import read_toml
from tests.experiments.cli_calls import one_line, run

matplotlib.use("Agg")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "siting.toml"


# ---------------------------------------------------------------- F1: shares
@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.9998337643147397, "99.98%"),  # the review's p-center depots
        (0.9995, "99.95%"),
        (1 - 1e-12, "99.99%"),
        (1.0, "100.0%"),
        (0.873, "87.3%"),
        (0.99949, "99.9%"),
        (0.0, "0.0%"),
        (2e-5, "0.01%"),
        (float("nan"), "-"),
    ],
)
def test_a_share_reads_100_or_0_percent_only_when_it_is(share, text):
    assert share_text(share) == text


def test_no_share_below_one_rounds_up_to_100_percent():
    for share in np.linspace(0.999, 1.0, 2001)[:-1]:
        assert float(share_text(share).rstrip("%")) < 100.0, share
    for share in np.linspace(0.0, 0.001, 2001)[1:]:
        assert float(share_text(share).rstrip("%")) > 0.0, share


@pytest.fixture(scope="module")
def pcenter():
    """The review's F1 run: depots, p-center, p = 3 (99.98 % within 30 min, worst 31.1 min)."""
    data = read_toml(EXAMPLE)
    config = RunConfig.from_dict(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    (task,) = read_tasks(
        data, source=str(EXAMPLE), base_dir=EXAMPLE.parent,
        overrides={"model": "pcenter", "p": 3}, only=["depots"],
    )  # fmt: skip
    return site(task, config, config.region())


def test_the_table_and_the_map_do_not_claim_full_coverage_beyond_the_standard(pcenter):
    after = pcenter.after
    assert after["covered_share"] < 1 and after["max_min"] > pcenter.problem.budget_min
    for lang in ("en", "zh"):
        with i18n.language(lang):
            within = i18n._("demand within {minutes} min").format(minutes="30")
            (row,) = [ln for ln in format_result(pcenter).splitlines() if within in ln]
            fig = plot_coverage_map(pcenter)
        try:
            assert row.split()[-1] == "99.98%", row
            title = fig.axes[1].get_title()
            assert "99.98%" in title and "100.0%" not in title, title
        finally:
            plt.close(fig)


def test_the_evaluation_table_rounds_a_share_down_but_not_a_difference():
    fmt = _value_format("supply_within_standard")[1]
    assert fmt(0.9998) == "99.98%"
    assert fmt(1.0) == "100.0%"
    assert fmt(0.0004, True) == "0.0%"  # a difference prints as it is


# ---------------------------------------------------------------- F2: places
@pytest.fixture(scope="module")
def county():
    return synthetic_county(seed=0)


def test_an_lscp_error_names_places_and_coordinates_not_nodes(county):
    dem = np.arange(county.n_nodes)
    cand = np.array([county.landmarks[0].node])  # the county seat alone: most are too far
    for lang in ("en", "zh"):
        with i18n.language(lang), pytest.raises(InfeasibleError) as exc:
            LSCP.from_network(county, dem, None, cand, standard=300.0).solve()
        text = str(exc.value)
        assert "nodes [" not in text and "节点" not in text, text
        assert "\n" not in text
        if lang == "en":
            assert re.search(r"\(\d+ near [A-Z][\w ]+, around lon \d+\.\d{3}, lat \d+\.\d{3}; ",
                             text), text  # fmt: skip
            assert re.search(r"and \d+ more near \d+ other places\)", text), text
        else:
            assert re.search(r"[\u4e00-\u9fff]+(村|镇|县城)", text), text


def _plain_network(xy):
    xy = np.asarray(xy, float)
    nodes = SimpleNamespace(x=xy[:, 0], y=xy[:, 1], lon=117 + xy[:, 0] / 1e5,
                            lat=28 + xy[:, 1] / 1e5)  # fmt: skip
    return SimpleNamespace(nodes=nodes, landmarks=[])


def test_without_landmarks_points_far_apart_are_named_by_coordinates():
    net = _plain_network([[0, 0], [10, 0], [5000, 0], [0, 9000], [20, 0]])
    with i18n.language("en"):
        text = demand_places_text(net, np.arange(5), shown=3)
        four = demand_places_text(net, np.arange(4), shown=3)
    # The first point, then the farthest ones: three places, not three neighbours.
    assert text == (
        "5 demand points (at lon 117.000, lat 28.000; lon 117.000, lat 28.090; "
        "lon 117.050, lat 28.000 and 2 more)"
    )
    assert "more" not in four and four.count("lon ") == 4  # one more, not "and 1 more"


def test_places_are_grouped_by_nearest_landmark_biggest_first():
    net = _plain_network([[0, 0], [100, 0], [200, 0], [5000, 0], [5100, 0], [9000, 0]])
    net.landmarks = [
        SimpleNamespace(node=3, label=lambda: "East Village"),
        SimpleNamespace(node=0, label=lambda: "West Town"),
        SimpleNamespace(node=5, label=lambda: "Far Hamlet"),
    ]
    with i18n.language("en"):
        text = demand_places_text(net, np.arange(6), shown=1)
    assert text == (
        "6 demand points (3 near West Town, around lon 117.001, lat 28.000; "
        "and 3 more near 2 other places)"
    )


def test_the_command_line_error_stays_one_line_with_the_file_and_key(tmp_path, capsys):
    code, _out, err = run(capsys, "--lang", "en", "site", EXAMPLE, "--task", "stations",
                          "--model", "lscp", "--no-plots", "--out", tmp_path / "o")  # fmt: skip
    assert code == 2
    line = one_line(err)
    assert f"{EXAMPLE}: siting[0]: LSCP infeasible: " in line
    assert re.search(r"\d+ demand points \(\d+ near .+, around lon ", line), line
    assert "nodes [" not in line and "(travel standard 8 min)" in line


# ---------------------------------------------------------------- F4: axes
def test_evaluation_axes_stay_within_what_the_metric_can_be():
    metrics = ["supply_within_standard", "supply_short_units", "supply_delivery_mean"]
    table = {"metric": metrics, "verdict": ["no clear difference"] * 3, "n": [10] * 3}
    # All delivered, no shortage, a few minutes: the review's depot evaluation.
    values = {"current": [1.0, 0.0, 3.85], "proposed": [1.0, 0.0, 3.85], "diff": [0.0, 0.0, 0.0]}
    for col, v in values.items():
        table[col], table[f"{col}_low"], table[f"{col}_high"] = v, v, v
    table["diff_low"] = [0.0, 0.0, -0.04]
    table["diff_high"] = [0.0, 0.0, 0.04]
    fig = plot_evaluation(SimpleNamespace(table=lambda: table, replications=10))
    try:
        (share, share_d), (count, _count_d), (minutes, minutes_d) = np.reshape(fig.axes, (3, 2))
        lo, hi = share.get_xlim()
        assert 0.0 <= lo < hi <= 100.0
        assert -100.0 <= share_d.get_xlim()[0] and share_d.get_xlim()[1] <= 100.0
        assert count.get_xlim()[0] >= 0.0 < count.get_xlim()[1]
        assert minutes.get_xlim()[0] >= 0.0
        assert minutes_d.get_xlim()[0] < 0.0  # a difference of minutes may be negative
        # The markers on an edge (100 %, 0) are drawn whole, not clipped by the frame.
        assert not share.containers[0].lines[0].get_clip_on()
    finally:
        plt.close(fig)


def test_experiment_tables_never_print_a_share_short_of_all_as_100_percent():
    from experiments.metric_units import format_metric

    assert format_metric(0.9998, "compliance_arrival") == "99.98%"
    assert format_metric(1.0, "compliance_arrival") == "100.0%"
    assert format_metric(0.0001, "compliance_arrival") == "0.01%"
    assert format_metric(0.4567, "compliance_arrival") == "45.7%"
    # a difference of shares keeps its points (0.9998 of a share is 99.98 points)
    assert format_metric(0.9998, "compliance_arrival", difference=True).startswith("100.0")


def test_the_chinese_task_header_says_how_many_sites_in_words_not_the_solvers_p(pcenter):
    with i18n.language("zh"):
        head = format_result(pcenter).splitlines()[0]
    assert f"拟设 {pcenter.problem.p} 处" in head and "p =" not in head
    with i18n.language("en"):
        assert f"p = {pcenter.problem.p}" in format_result(pcenter).splitlines()[0]
