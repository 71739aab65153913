"""Every metric a user can choose has a Chinese name and a unit in the experiment report.

The names come from one source (:mod:`experiments.metric_labels`): the report's
own, the rows ``yingji run`` prints, and for families of keys (stock-outs per
tier, per grade, per station, per kind of report) names built from the key.
"""

from __future__ import annotations

import html
import re

import pytest

from experiments.analysis import METRIC_LABELS
from experiments.batch import run_experiment
from experiments.cli import main
from experiments.metric_labels import metric_heading, metric_name
from experiments.metric_names import simulation_metrics
from experiments.metric_units import metric_unit, unit_text
from experiments.outputs import HEADLINE, STOCKOUT_LABELS, UNSERVED_LABELS
from networks.i18n import _, language
from scenarios.terms import CAPABILITY_NAMES
from sim.defaults import default_facilities
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

#: Latin letters other than the grade numerals (I, V) and ASCII punctuation.
ENGLISH = re.compile(r"[A-HJ-UW-Za-z]")
#: Text keys: not numbers, so a report never shows them.
TEXT_KEYS = {"targets_control_reading"}


def _families(stations: list[str]) -> list[str]:
    """One key of every value of each family the summary keys by a name."""
    return [
        *(f"by_grade_{g}_{w}" for g in range(1, 5)
          for w in ("incidents", "arrival_share", "all_three_share")),
        *(f"stockouts_{what}" for what in STOCKOUT_LABELS),
        *(f"unserved_{reason}" for reason in UNSERVED_LABELS),
        *(f"moveup_coverage_{cap}" for cap in CAPABILITY_NAMES),
        *(f"utilisation_{s}_{w}" for s in stations
          for w in ("teams", "dispatches", "committed", "away")),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def choosable(county) -> list[str]:
    """Every metric key a user can choose on the built-in county (stations by name)."""
    known = simulation_metrics()
    assert known is not None
    names, prefixes = known
    keys = [*sorted(names), *_families([s.name for s in default_facilities(county)[0]])]
    assert all(k in names or k.startswith(prefixes) for k in keys)
    assert len(keys) > 250
    return keys


def test_every_metric_has_a_chinese_name_and_a_unit(choosable):
    keys = choosable
    with language("zh"):
        unnamed = [k for k in keys if metric_name(k) == k or ENGLISH.search(metric_name(k))]
        assert unnamed == []
        no_unit = [k for k in keys if k not in TEXT_KEYS and not metric_unit(k).unit]
        assert no_unit == []
        # The unit a cell leaves out is in the heading, once.
        for k in keys:
            unit = metric_unit(k).unit
            if unit and unit != "%":
                word = re.escape(unit_text(unit))
                assert len(re.findall(rf"（{word}）", metric_heading(k))) == 1, k


def test_names_are_the_consoles_where_it_prints_the_metric():
    with language("zh"):
        assert metric_name("incidents") == _("incidents") != "incidents"
        # The report's own names first (平均到场用时), then the console's rows.
        for key, label, _unit in HEADLINE:
            own = METRIC_LABELS.get(key)
            want = _(own) if own and _(own) != own else _(label)
            assert metric_name(key) == want != key
        assert metric_name("intervals_call_taking_mean") == _("call taking, mean")
        county = metric_name("stockouts_county_issue_events")
        assert county == _(STOCKOUT_LABELS["county_issue_events"])
        # Statistics of one quantity share its name; families name their member.
        assert metric_name("intervals_call_taking_p90").startswith(_("call taking"))
        assert "Ⅲ级" in metric_name("reporting_on_time_by_grade_follow_up_3_n")
        assert "Ⅲ级" in metric_name("by_grade_3_arrival_share")


def test_english_keeps_the_keys_and_adds_the_unit(choosable):
    with language("en"):
        assert all(metric_name(k) == k for k in choosable)
        assert metric_heading("intervals_call_taking_mean") == "intervals_call_taking_mean (min)"
        assert metric_heading("compliance_arrival") == "compliance_arrival"


def sim_keys_replicate(config, *, replication: int, root_seed: int):
    """The fake, its numbers under the simulation's keys (so the report can name them)."""
    res = fake_replicate(config, replication=replication, root_seed=root_seed)
    s = res.summary
    res.summary = {
        "incidents": s["incidents"],
        "intervals_call_taking_mean": s["arrival_mean"] / 10,
        "stockouts_county_issue_events": replication % 3,
        "moveup_coverage_fire": s["share_arrival"],
        "replication": replication,
    }
    return res


CHOSEN = [
    "incidents",
    "intervals_call_taking_mean",
    "stockouts_county_issue_events",
    "moveup_coverage_fire",
]


def _headings(page: str) -> list[str]:
    """The text of the means table's metric headings."""
    table = page.split("<table", 3)[2]  # design, then means
    heads = re.findall(r"<th>(.*?)</th>", table.split("</tr>", 1)[0])[1:]
    return [html.unescape(re.sub(r"<br>.*", "", re.sub(r"^<span>", "", h))) for h in heads]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_names_chosen_metrics_with_their_units(tmp_path, capsys, lang):
    out = tmp_path / "out"
    spec = make_spec(tmp_path, replications=2, metrics=["incidents"])
    run_experiment(spec, out, replicate=sim_keys_replicate, progress=False)
    args = ["--lang", lang, "experiment", "report", str(out), "--metrics", ",".join(CHOSEN)]
    assert main(args) == 0
    capsys.readouterr()
    page = (out / "report.html").read_text(encoding="utf-8")
    with language(lang):
        want = [metric_heading(m) for m in CHOSEN]
        minutes = unit_text("min")
    assert _headings(page) == want
    assert minutes in want[1]
    if lang == "zh":
        assert not any(ENGLISH.search(h) for h in want)
        for m in CHOSEN:  # the key each heading goes by, under its name
            assert f"<small>{html.escape(m)}</small>" in page
