"""The report's confidence level as computed, tiny paired differences, and degenerate t tests."""

from __future__ import annotations

import html
import math
import re
import warnings
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from experiments.analysis import level_percent, paired_ci
from experiments.batch import run_experiment
from experiments.metric_units import format_metric
from experiments.report import plot_metric_by_factor, write_report
from experiments.store import ResultStore, read_table
from networks.i18n import _, language
from tests.experiments.test_experiment_batch import fake_replicate, make_spec


@dataclass
class _Result:
    summary: dict[str, float]
    records: None = None


def tiny_difference(config, *, replication: int, root_seed: int) -> _Result:
    """A wait that severity priority lengthens by about a thousandth of a minute."""
    slower = config.to_dict()["policy"]["name"] == "severity_priority"
    bump = 0.001 + 0.0004 * (replication % 2) if slower else 0.0
    return _Result({"wait_mean": 5.0 + 0.3 * replication + bump, "replication": replication})


# --------------------------------------------------------------------------- level
@pytest.mark.parametrize(
    ("level", "text"), [(0.95, "95%"), (0.999, "99.9%"), (0.975, "97.5%"), (0.57, "57%")]
)
def test_a_level_reads_as_computed_not_rounded(level, text):
    assert level_percent(level) == text


def test_the_report_and_its_tables_say_the_level_they_computed(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    with language("en"):
        page = write_report(out, level=0.999, metrics=["arrival_mean"]).read_text()
        heading = _("Means and {level} confidence intervals").format(level="99.9%")
        assert html.escape(heading, quote=False) in page
        store = ResultStore.open(out)
        fig = plot_metric_by_factor(
            store.rows(), store.points, "policy.name", "arrival_mean", level=0.975
        )
        assert "97.5%" in fig.axes[0].get_title()
        plt.close(fig)
    for name in ("points", "paired"):
        table = read_table(out / "analysis" / f"{name}.csv")
        assert table["level"] and {float(v) for v in table["level"]} == {0.999}


# --------------------------------------------------------------------------- differences
@pytest.mark.parametrize(
    ("value", "metric", "want"),
    [
        (0.0012, "intervals_arrival_mean", "0.0012"),
        (-0.004, "intervals_arrival_mean", "-0.004"),
        (0.000833, "intervals_arrival_mean", "0.000833"),
        (0.0, "intervals_arrival_mean", "0.00"),
        (0.25, "intervals_arrival_mean", "0.25"),
        (0.003, "served", "0.003"),
        (-1e-6, "compliance_arrival", "-0.0001"),
    ],
)
def test_a_difference_that_is_not_zero_never_reads_as_zero(value, metric, want):
    assert format_metric(value, metric, difference=True, unit=False, nonzero=True) == want


def _numbers(cell: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", cell.replace(",", ""))]


def test_a_significant_tiny_difference_is_bold_with_its_digits(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=4), out, replicate=tiny_difference)
    with language("en"):
        page = write_report(out, metrics=["wait_mean"], baseline="p000").read_text()
    paired = read_table(out / "analysis" / "paired.csv")
    bold = 0
    for i, pid in enumerate(paired["point_id"]):
        if pid == "p000":
            continue
        csv = [float(paired[k][i]) for k in ("diff", "ci_low", "ci_high")]
        # A row leads with the point's label, its id under it.
        head = rf"<tr><td>[^<]*<br><small>{pid}</small></td>"
        row = re.search(rf"{head}(.*?)</tr>", page.split("<h2>")[3]).group(1)
        cell = re.sub(r"n=\d+", "", html.unescape(re.sub(r"<[^>]+>", " ", row)))
        shown = _numbers(cell)
        assert len(shown) == 3
        for got, want in zip(shown, csv, strict=True):
            assert got == pytest.approx(want, rel=0.01) and (got == 0.0) == (want == 0.0)
        significant = csv[1] > 0 or csv[2] < 0
        assert ("<b>" in row) == significant
        bold += significant
    assert bold == 2  # both severity-priority points, each about 0.0012 min slower


# --------------------------------------------------------------------------- t and p
@pytest.mark.parametrize("step", [1.0, -2.5])
def test_a_constant_difference_has_the_t_and_p_of_ttest_rel(step):
    base = np.array([1.0, 2.0, 3.0, 7.0])
    iv = paired_ci(base + step, base)
    with warnings.catch_warnings():  # scipy warns of no spread; paired_ci does not
        warnings.simplefilter("ignore", RuntimeWarning)
        want = stats.ttest_rel(base + step, base)
    assert (iv.low, iv.high) == (pytest.approx(step), pytest.approx(step))
    assert iv.t == want.statistic == math.copysign(math.inf, step)
    assert iv.p_value == want.pvalue == 0.0


def test_no_difference_at_all_has_no_t_and_no_p():
    iv = paired_ci([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert math.isnan(iv.t) and math.isnan(iv.p_value)
    one = paired_ci([2.0], [1.0])
    assert one.n == 1 and math.isnan(one.t) and math.isnan(one.p_value)
