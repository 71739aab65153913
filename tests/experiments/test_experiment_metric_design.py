"""A metric the design cannot give is refused before any replication runs, saying why.

A table the metric needs that no design point has (``people_*`` without
``[people]``), a station no design point has (``utilisation_<station>_*``), or
a misspelt name under a prefix the summary uses (``unserved_``, ``by_grade_``)
is refused by ``plan`` and ``run`` with one line naming the experiment file and
``metrics[i]``; the same reasons are there for the report (:func:`metric_problem`).
"""

from __future__ import annotations

import pytest

from experiments.design import ExperimentSpec
from experiments.metric_names import SECTION_NEEDS, metric_families, metric_problem
from networks.errors import ConfigError
from tests.experiments.cli_calls import one_line, run

TINY = """name = "tiny"
replications = 1
root_seed = 7
metrics = ["compliance_arrival", {metric!r}]
[base.network]
synthetic = "county"
[base.scenario]
name = "typical_week"
{extra}
[[factors]]
key = "policy.name"
levels = ["nearest_available", "severity_priority"]
"""


def _spec(tmp_path, metric: str, extra: str = "") -> ExperimentSpec:
    path = tmp_path / "exp.toml"
    path.write_text(TINY.format(metric=metric, extra=extra).replace("'", '"'))
    return ExperimentSpec.from_file(path)


def _refusal(tmp_path, metric: str, extra: str = "") -> str:
    spec = _spec(tmp_path, metric, extra)
    with pytest.raises(ConfigError) as err:
        spec.check_metrics()
    assert err.value.key == "metrics[1]" and err.value.source == spec.source
    return str(err.value)


@pytest.mark.parametrize(
    ("metric", "needs"),
    [
        ("people_rescued_alive", "a [people] table"),
        ("reporting_late", 'a [reporting] table with rules other than "off"'),
        ("duty_call_wait_mean", "a [duty] or [reporting] table"),
        ("warning_teams_staged", "a [warnings] table"),
        ("moveup_moves", "a [moveup] table"),
        ("rush_hour_arrival_share", "a [congestion] table"),
        ("reinforcement_arrived_min", "a [reinforcement] table"),
    ],
)
def test_a_metric_whose_table_no_point_has_is_refused(tmp_path, metric, needs):
    text = _refusal(tmp_path, metric)
    assert f"{metric!r} needs {needs} in the run config; no design point has one" in text


def test_reporting_turned_off_gives_no_reporting_metrics(tmp_path):
    off = '[base.reporting]\nrules = "off"\n'
    assert "needs a [reporting] table" in _refusal(tmp_path, "reporting_late", off)
    assert "[duty] or [reporting]" in _refusal(tmp_path, "duty_call_wait_mean", off)
    desks = off + '[base.duty]\nreceiving = "township"\n'
    _spec(tmp_path, "duty_call_wait_mean", desks).check_metrics()


def test_a_table_in_one_design_point_is_enough(tmp_path):
    extra = '[[factors]]\nkey = "reporting.rules"\nlevels = ["off", "national"]\n'
    _spec(tmp_path, "reporting_late", extra).check_metrics()  # p001, p003 report


def test_a_station_no_point_has_is_refused_with_the_closest_name(tmp_path):
    text = _refusal(tmp_path, "utilisation_City_Station_teams")
    assert "no design point has a station 'City_Station'" in text
    assert "did you mean 'utilisation_City Station_teams'?" in text
    _spec(tmp_path, "utilisation_City Station_teams").check_metrics()


def test_a_station_of_one_siting_is_a_metric_of_the_design(tmp_path):
    extra = (
        '[[factors]]\nkey = "stations"\nlevels = [[{ name = "Dam Post", tier = "county", '
        'landmark = "Xiba Town", teams = [{ capability = "general", size = 40 }] }]]\n'
    )
    _spec(tmp_path, "utilisation_Dam Post_committed", extra).check_metrics()
    assert "station 'Dam_Post'" in _refusal(tmp_path, "utilisation_Dam_Post_committed", extra)


@pytest.mark.parametrize(
    ("metric", "close"),
    [
        ("unserved_unreachble", "unserved_unreachable"),
        ("by_grade_5_incidents", "by_grade_4_incidents"),
        ("by_grade_1_arrival_shares", "by_grade_1_arrival_share"),
        ("stockouts_county_issue_event", "stockouts_county_issue_events"),
    ],
)
def test_a_misspelt_name_under_a_known_prefix_is_refused(tmp_path, metric, close):
    assert f"unknown metric {metric!r}; did you mean {close!r}?" in _refusal(tmp_path, metric)
    _spec(tmp_path, close).check_metrics()


def test_plan_and_run_refuse_before_any_replication(tmp_path, capsys):
    _spec(tmp_path, "people_rescued_alive")
    exp, out = tmp_path / "exp.toml", tmp_path / "out"
    for argv in (("plan", exp), ("run", exp, "--out", out, "--quiet")):
        code, _out, err = run(capsys, "experiment", *argv)
        line = one_line(err)
        assert code == 2 and f"{exp}: metrics[1]: " in line and "[people]" in line
    assert not out.exists()


def test_every_optional_summary_section_says_what_it_needs():
    fam = metric_families()
    assert fam is not None and set(fam.sections) == set(SECTION_NEEDS)


def test_the_reasons_read_plain_configs_as_points_json_holds_them(tmp_path):
    spec = _spec(tmp_path, "served")
    configs = [p.config.to_dict() for p in spec.points()]
    assert "[people]" in metric_problem("people_rescued_alive", configs=configs)
    assert metric_problem("people_rescued_alive", configs=[{**configs[0], "people": {}}]) is None
    assert metric_problem("served", configs=configs) is None
