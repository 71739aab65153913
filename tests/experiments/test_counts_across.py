"""Means over a run's replications of counts a replication's summary leaves out when they are 0.

:func:`sim.summary.summarise` writes a stock-out count, an unserved reason or a
grade's incidents only when there is one; a replication without the key
counted 0 of them. The means per run (``summary.json``, the printed summary)
must count it as 0, and keep a key that replication 0 lacks. A share that is
undefined in a replication (a grade without incidents) stays left out of its
mean. The summaries are made up here: no simulation runs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from experiments.config import RunConfig
from experiments.demo import DEMO_CONFIG
from experiments.outputs import STOCKOUT_LABELS, across_replications, format_summary
from experiments.runner import ReplicationResult
from networks.i18n import _, language
from sim.summary import left_out_when_zero, missing_value, replication_value

#: Three replications as the county example's: township restocking short in 0 and 2, a
#: village stock-out in 2 only, a grade I incident in 0 only (with its shares).
PER_REP = [
    {"stockouts_township_replenish_events": 7, "stockouts_township_replenish_units_short": 26,
     "by_grade_1_incidents": 1, "by_grade_1_arrival_share": 0.0, "unserved_stalled": 2,
     "compliance_arrival": 0.5},
    {"compliance_arrival": None},
    {"stockouts_township_replenish_events": 13, "stockouts_township_replenish_units_short": 347,
     "stockouts_village_issue_events": 7, "stockouts_village_issue_units_short": 1125,
     "compliance_arrival": 0.7},
]  # fmt: skip


def _results(per_rep: list[dict]) -> list[ReplicationResult]:
    base = {"root_seed": 7, "incidents": 10, "targets_call_taking": 1.0,
            "targets_arrival": 10.0, "targets_control": 15.0}  # fmt: skip
    return [ReplicationResult(r, {**base, **s}, None) for r, s in enumerate(per_rep)]


def _t_interval(x: list[float]) -> tuple[float, float, float]:
    a = np.asarray(x, float)
    low, high = stats.t.interval(0.95, a.size - 1, loc=a.mean(), scale=stats.sem(a))
    return float(a.mean()), float(low), float(high)


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("stockouts_village_issue_events", True),
        ("stockouts_none_replenish_units_short", True),
        ("unserved_after_horizon", True),
        ("by_grade_3_incidents", True),
        ("by_grade_3_arrival_share", False),
        ("by_grade_3_all_three_share", False),
        ("reporting_on_time_by_grade_final_2_share", False),
        ("incidents", False),
        ("compliance_arrival", False),
        ("people_trapped", False),
    ],
)
def test_which_keys_are_counts_left_out_when_zero(key, count):
    assert left_out_when_zero(key) is count
    assert (missing_value(key) == 0) is count
    assert math.isnan(replication_value({}, key)) is not count


def test_a_value_present_is_read_as_it_is_and_none_is_undefined():
    assert replication_value({"stockouts_city_issue_events": 3}, "stockouts_city_issue_events") == 3
    assert math.isnan(replication_value({"compliance_arrival": None}, "compliance_arrival"))


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("stockouts_township_replenish_events", [7, 0, 13]),
        ("stockouts_township_replenish_units_short", [26, 0, 347]),
        # Only replication 2 has these: they must not be dropped for replication 0 lacking them.
        ("stockouts_village_issue_events", [0, 0, 7]),
        ("stockouts_village_issue_units_short", [0, 0, 1125]),
        ("by_grade_1_incidents", [1, 0, 0]),
        ("unserved_stalled", [2, 0, 0]),
    ],
)
def test_a_count_is_averaged_per_run(key, values):
    a = across_replications(_results(PER_REP))[key]
    mean, low, high = _t_interval(values)
    assert a["n"] == 3
    assert a["mean"] == pytest.approx(mean)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((low, high))


def test_an_undefined_metric_is_left_out_of_its_mean():
    across = across_replications(_results(PER_REP))
    # A grade's share exists only where the grade had incidents.
    assert across["by_grade_1_arrival_share"]["n"] == 1
    assert across["by_grade_1_arrival_share"]["mean"] == 0.0
    assert across["compliance_arrival"]["n"] == 2
    assert across["compliance_arrival"]["mean"] == pytest.approx(0.6)


def test_counts_alike_in_every_replication_keep_their_mean():
    same = [{"stockouts_city_issue_events": 3}, {"stockouts_city_issue_events": 3}]
    a = across_replications(_results(same))["stockouts_city_issue_events"]
    assert (a["mean"], a["ci_low"], a["ci_high"], a["n"]) == (3, 3, 3, 2)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_printed_stock_outs_are_means_per_run(lang):
    cfg = RunConfig.from_dict(DEMO_CONFIG, source="<test>")
    with language(lang):
        text = format_summary(cfg, _results(PER_REP))
        head = _("stock-outs (mean per run): {items}").split("{")[0]
        label = {k: _(v) for k, v in STOCKOUT_LABELS.items()}
        sep = _(", ")
    (line,) = [x for x in text.splitlines() if x.startswith(head)]
    items = line[len(head) :].split(sep)
    # Tiers in order (township before village), each a mean over the 3 replications.
    assert items == [
        f"{label['township_replenish_events']} 6.7",
        f"{label['township_replenish_units_short']} 124.3",
        f"{label['village_issue_events']} 2.3",
        f"{label['village_issue_units_short']} 375",
    ]
