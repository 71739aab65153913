"""``yingji site --evaluate`` with [warnings]: sitings compared by how the warned forces stand."""

from __future__ import annotations

import dataclasses
import tomllib

import numpy as np
import pytest

from experiments.analysis import METRIC_LABELS
from experiments.commands.site import format_evaluation
from experiments.config import RunConfig
from experiments.metric_units import metric_unit
from experiments.runner import run_replication
from experiments.siting.evaluate import (
    DEPOT_METRICS,
    HIGHER_IS_BETTER,
    PEOPLE_METRICS,
    STATION_METRICS,
    WARNING_METRICS,
    Evaluation,
    default_metrics,
    evaluate_siting,
)
from experiments.siting.task import read_tasks
from sim.warning_summary import WARNING_HEADLINE
from tests.conftest import REPO

#: A typhoon warned a day ahead on the built-in county, cut to 36 hours.
BASE = {
    "network": {"synthetic": "county"},
    "scenario": {"name": "typhoon_landfall"},
    "warnings": {"lead_h": 24},
    "run": {"horizon_min": 2160},  # the warned hazard and its stand-down
}
EXAMPLE = REPO / "examples" / "siting_warning.toml"


def _config(**tables):
    return RunConfig.from_dict({**BASE, **tables}, source="run.toml")


@pytest.fixture(scope="module")
def config():
    return _config()


def test_the_warning_metrics_are_headline_metrics_with_labels_and_units():
    headline = {key for key, _label, _unit in WARNING_HEADLINE}
    for facility in ("stations", "depots"):
        for m in WARNING_METRICS[facility]:
            assert m in headline and m in METRIC_LABELS and metric_unit(m).unit
    assert metric_unit("warning_compliance_arrival").unit == "%"
    # More of the plan carried out and more arrivals on time are better; minutes are not.
    assert {"warning_compliance_arrival", "warning_teams_staged"} <= HIGHER_IS_BETTER
    assert not {"warning_arrival_mean", "warning_supply_short_incidents"} & HIGHER_IS_BETTER


def test_the_default_metrics_follow_what_the_config_models():
    plain = RunConfig.from_dict({k: v for k, v in BASE.items() if k != "warnings"}, source="x")
    people = _config(people={})
    assert default_metrics(plain, "stations") == STATION_METRICS
    assert default_metrics(plain, "depots") == DEPOT_METRICS
    assert default_metrics(_config(), "stations") == (
        *STATION_METRICS,
        *WARNING_METRICS["stations"],
    )
    assert default_metrics(_config(), "depots") == (*DEPOT_METRICS, *WARNING_METRICS["depots"])
    assert default_metrics(people, "stations") == (
        *STATION_METRICS, *PEOPLE_METRICS, *WARNING_METRICS["stations"],
    )  # fmt: skip
    assert default_metrics(people, "depots") == (*DEPOT_METRICS, *WARNING_METRICS["depots"])


def test_a_station_siting_is_compared_by_the_warned_areas_arrivals(config):
    region = config.region()
    fewer = dataclasses.replace(region, stations=region.stations[:7])
    ev = evaluate_siting(config, region, fewer, 2)
    assert ev.metrics == (*STATION_METRICS, *WARNING_METRICS["stations"])
    # The evaluation's values are the warned area's metrics of the same replications run
    # alone: the paired runs carry the warning plan.
    alone = run_replication(config, replication=1, region=fewer).summary
    for m in WARNING_METRICS["stations"]:
        assert ev.proposed[m][1] == pytest.approx(alone[m]), m
    t = ev.table()
    row = t["metric"].index("warning_arrival_mean")
    assert np.isfinite(t["diff"][row])
    # Four township stations fewer: the warned area's first teams arrive at other times.
    assert not np.array_equal(
        ev.proposed["warning_arrival_mean"], ev.current["warning_arrival_mean"]
    )
    text = format_evaluation(ev)
    line = next(x for x in text.splitlines() if "warning_compliance_arrival" in x)
    assert "%" in line and "pts" in line  # a share, shown in percent like the others
    line = next(x for x in text.splitlines() if "warning_arrival_mean" in x)
    assert "%" not in line


def test_a_depot_siting_is_compared_by_the_stock_pushed_down(config):
    region = config.region()
    # Every other township depot closed, with its village points: the warned area gets
    # less stock pushed down to it.
    towns = [d.name for d in region.depots if d.tier == "township"]
    closed = set(towns[::2])
    kept = [d for d in region.depots if d.name not in closed and d.parent not in closed]
    fewer = dataclasses.replace(region, depots=kept)
    ev = evaluate_siting(config, region, fewer, 2, facility="depots")
    assert ev.metrics == (*DEPOT_METRICS, *WARNING_METRICS["depots"])
    t = ev.table()
    row = t["metric"].index("warning_stock_units")
    assert np.all(ev.proposed["warning_stock_units"] < ev.current["warning_stock_units"])
    assert t["verdict"][row] == "worse"  # less of the plan carried out


def test_an_evaluation_without_warned_incidents_has_no_value_not_an_error():
    # The typical week carries no warning: the warned metrics are undefined, not zero.
    cfg = RunConfig.from_dict(
        {**BASE, "scenario": {"name": "typical_week"}, "run": {"horizon_min": 720}}, source="x"
    )
    region = cfg.region()
    ev = evaluate_siting(cfg, region, region, 2, metrics=WARNING_METRICS["stations"])
    assert np.all(np.isnan(ev.current["warning_arrival_mean"]))
    assert ev.current["warning_teams_staged"].tolist() == [0.0, 0.0]
    t = ev.table()
    verdicts = dict(zip(t["metric"], t["verdict"], strict=True))
    assert verdicts["warning_arrival_mean"] == verdicts["warning_compliance_arrival"] == "no data"
    assert verdicts["warning_teams_staged"] == "no clear difference"  # 0 staged in both


def test_the_example_adds_three_stations_for_a_warned_typhoon():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    cfg = RunConfig.from_dict(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    assert cfg.warnings is not None and dict(cfg.warnings)["lead_h"] == 24
    assert cfg.scenario == "typhoon_landfall" and data["network"]["synthetic"] == "county"
    (task,) = read_tasks(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    assert (task.facility, task.tier, task.p, str(task.fix)) == (
        "stations",
        "township",
        9,
        "current",
    )
    assert set(WARNING_METRICS["stations"]) <= set(default_metrics(cfg, task.facility))


def test_format_evaluation_shows_shares_in_percent_minutes_and_counts_plainly():
    ev = Evaluation(
        metrics=("warning_compliance_arrival", "people_rescue_min", "warning_teams_staged"),
        current={"warning_compliance_arrival": np.array([0.2, 0.3]),
                 "people_rescue_min": np.array([50.0, 60.25]),
                 "warning_teams_staged": np.array([2.0, 2.0])},
        proposed={"warning_compliance_arrival": np.array([0.3, 0.4]),
                  "people_rescue_min": np.array([40.0, 50.25]),
                  "warning_teams_staged": np.array([3.0, 4.0])},
        replications=2,
    )  # fmt: skip
    lines = format_evaluation(ev).splitlines()
    assert "25.0%" in lines[2] and "35.0%" in lines[2] and "10.0 [10.0, 10.0] pts" in lines[2]
    # Minutes with two decimals, no percent.
    assert "55.12" in lines[3] and "%" not in lines[3]
    # Teams are counted: a count every replication agrees on prints whole, a mean with two
    # decimals; so does the difference 1.5 [-4.85, 7.85] of two pairs.
    name, rest = lines[4].split(")", 1)
    assert name.split() == ["warning_teams_staged", "(teams"]  # named with its unit
    assert rest.split()[:3] == ["2", "3.50", "1.50"]
    assert "2.00" not in lines[4]
