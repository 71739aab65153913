"""Errors about an experiment's baseline and report options name the real mistake, once.

A misspelt factor key is the factor's error, not the (correct) baseline's; a
baseline that matches no design point lists the levels each factor has; an
unknown ``--metrics`` name gets one message. Lists read with the language's
separators, never as a Python list. Texts are compared through ``_()`` so the
tests hold before and after the catalogue is rebuilt.
"""

from __future__ import annotations

import pytest

from experiments.batch import run_experiment
from experiments.report import write_report
from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

FACTORS = [
    {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
    {"key": "network.townships", "levels": [6, 10]},
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A finished fake experiment (no baseline of its own)."""
    tmp = tmp_path_factory.mktemp("baseline")
    run_experiment(
        make_spec(tmp, baseline={}), tmp / "out", replicate=fake_replicate, progress=False
    )
    return tmp / "out"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_misspelt_factor_key_is_blamed_on_the_factor_not_the_baseline(tmp_path, lang):
    factors = [{**FACTORS[0], "key": "policy.nmae"}, FACTORS[1]]
    with i18n.language(lang), pytest.raises(ConfigError) as err:
        make_spec(tmp_path, factors=factors)  # baseline policy.name, as the file meant
    assert err.value.key == "factors[0]"
    assert "policy.nmae" in str(err.value) and "baseline" not in str(err.value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_baseline_key_that_is_no_factor_lists_the_factors_in_words(tmp_path, lang):
    with i18n.language(lang):
        keys = _(", ").join(["policy.name", "network.townships"])
        with pytest.raises(ConfigError) as err:
            make_spec(tmp_path, baseline={"polcy.name": "nearest_available"})
    assert err.value.key == "baseline.polcy.name"
    assert keys in str(err.value) and "['" not in str(err.value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_baseline_matching_no_point_says_so_and_lists_each_factors_levels(tmp_path, lang):
    with i18n.language(lang):
        levels = _("; ").join(
            [
                _("{key}: {levels}").format(
                    key="policy.name",
                    levels=_(", ").join(["nearest_available", "severity_priority"]),
                ),
                _("{key}: {levels}").format(
                    key="network.townships", levels=_(", ").join("6 10".split())
                ),
            ]
        )
        with pytest.raises(ConfigError) as err:
            make_spec(
                tmp_path, baseline={"policy.name": "nearest_available", "network.townships": 8}
            )
    text = str(err.value)
    assert err.value.key == "baseline" and levels in text
    assert "matches 0" not in text and " 0 " not in text


def test_report_baseline_matching_no_point_lists_the_levels(results):
    with i18n.language("zh"):
        levels = _(", ").join(["nearest_available", "severity_priority"])
        want = _("{key}: {levels}").format(key="policy.name", levels=levels)
        with pytest.raises(ConfigError) as err:
            write_report(results, baseline="policy.name=nearest")
    assert err.value.key == "--baseline" and want in str(err.value)


def test_report_baseline_key_that_is_no_factor_is_named(results):
    with pytest.raises(ConfigError) as err:
        write_report(results, baseline="polcy.name=nearest_available")
    assert err.value.key == "--baseline"
    assert str(err.value).count(str(results)) == 1  # the folder named once, not nested
    assert "'polcy.name'" in str(err.value) and "policy.name, network.townships" in str(err.value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_metric_gets_one_message_with_the_closest_name(results, lang):
    from experiments.metric_names import metric_problem

    with i18n.language(lang):
        want = metric_problem("compliance_arival")  # "did you mean 'compliance_arrival'?"
        with pytest.raises(ConfigError) as err:
            write_report(results, metrics=["share_arrival", "compliance_arival"])
    assert want and "'compliance_arrival'" in want
    assert err.value.key == "--metrics" and str(err.value).endswith(f"--metrics: {want}")
