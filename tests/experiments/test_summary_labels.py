"""How ``yingji run``'s printed summary writes counts and names things, in both languages.

Counts print whole where they are (audit 7); the head line, the stock-out and
unserved lines name policies, depot tiers and reasons rather than print config
keys (audit 8); Chinese uses one term per concept, the depot tiers as the maps
name them (audit 12). The summaries are made up here: no simulation runs.
"""

from __future__ import annotations

import re

import pytest

from experiments.analysis import metric_text
from experiments.config import RunConfig
from experiments.demo import DEMO_CONFIG
from experiments.outputs import (
    HEADLINE,
    POLICY_NAMES,
    STOCKOUT_LABELS,
    UNSERVED_LABELS,
    format_summary,
    policy_name,
)
from experiments.runner import ReplicationResult
from experiments.siting.task import facilities_text
from experiments.summary_rows import CUT_NOTE, OPTIONAL_HEADLINE, row_label
from networks.i18n import _, language

#: A config key or summary key: lower-case words joined by underscores.
KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
TIERS = ("city", "county", "township", "village")


def _results(per_rep: list[dict[str, float]]) -> list[ReplicationResult]:
    """Replications with these summaries (the standard's targets and a seed added)."""
    base = {"root_seed": 7, "targets_call_taking": 1.0, "targets_arrival": 10.0,
            "targets_control": 15.0}  # fmt: skip
    return [ReplicationResult(r, {**base, **s}, None) for r, s in enumerate(per_rep)]


def _summary(per_rep: list[dict[str, float]], lang: str, policy: str = "severity_priority") -> str:
    cfg = RunConfig.from_dict({**DEMO_CONFIG, "policy": {"name": policy}}, source="<test>")
    with language(lang):
        return format_summary(cfg, _results(per_rep))


def _line(text: str, start: str) -> str:
    (line,) = [x for x in text.splitlines() if x.startswith(start)]
    return line


def _row(text: str, label: str) -> list[str]:
    """The mean and interval cells of a table row."""
    line = _line(text, label + "  ")
    return re.split(r"\s{2,}| - |～", line[len(label) :].strip())


# ------------------------------------------------------------------------ audit 7: counts
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_counts_print_whole_where_every_replication_counted_alike(lang):
    reps = [
        {"incidents": 96, "served": 95, "warning_teams_staged": 2, "intervals_arrival_mean": 6.0,
         "stockouts_city_issue_events": 3, "stockouts_city_issue_units_short": 1237,
         "unserved_after_horizon": 1},
        {"incidents": 96, "served": 96, "warning_teams_staged": 2, "intervals_arrival_mean": 6.0,
         "stockouts_city_issue_events": 3, "stockouts_city_issue_units_short": 1240,
         "unserved_after_horizon": 2},
    ]  # fmt: skip
    text = _summary(reps, lang)
    with language(lang):
        incidents, served = _(HEADLINE[-2][1]), _(HEADLINE[-1][1])
        staged = _(next(label for k, label, _u in OPTIONAL_HEADLINE if k == "warning_teams_staged"))
        minutes = row_label(HEADLINE[5][1], HEADLINE[5][2])
        city, units = (_(STOCKOUT_LABELS[f"city_issue_{w}"]) for w in ("events", "units_short"))
        late = _(UNSERVED_LABELS["after_horizon"])
        stock_head = _("stock-outs (mean per run): {items}").split("{")[0]
        sep = _(", ")
    assert _row(text, incidents) == ["96", "96", "96"]
    assert _row(text, staged) == ["2", "2", "2"]
    # A mean that is not whole keeps its decimal, and so do the interval's ends.
    mean, low, high = _row(text, served)
    assert mean == "95.5" and re.fullmatch(r"\d+(\.\d)?", low) and re.fullmatch(r"\d+\.\d", high)
    # Minutes keep one decimal, whole or not.
    assert _row(text, minutes) == ["6.0", "6.0", "6.0"]
    stock = _line(text, stock_head)
    assert f"{city} 3{sep}" in stock and f"{units} 1238.5" in stock
    assert f"{late} 1.5" in text


# ----------------------------------------------------------------- audit 8: names, not keys
def test_the_english_head_names_the_policy():
    for policy, name in POLICY_NAMES.items():
        head = _summary([{"incidents": 1}], "en", policy).splitlines()[0]
        assert f", policy {name}, " in head and policy not in head


def test_a_policy_not_shipped_is_shown_as_the_config_names_it():
    for lang in ("en", "zh"):
        with language(lang):
            assert policy_name("mypkg.dispatch:Nearest") == "mypkg.dispatch:Nearest"


def test_the_english_stock_out_and_unserved_lines_name_what_they_count():
    rep = {"incidents": 3, **{f"unserved_{k}": 1 for k in UNSERVED_LABELS},
           **{f"stockouts_{k}": 2 for k in STOCKOUT_LABELS}}  # fmt: skip
    text = _summary([rep, rep], "en")
    stock = _line(text, "stock-outs (mean per run): ")
    unserved = _line(text, "unserved (mean per run): ")
    for line, labels in ((stock, STOCKOUT_LABELS), (unserved, UNSERVED_LABELS)):
        items = line.split(": ", 1)[1].split(", ")
        assert sorted(items) == sorted(f"{label} {1 if line is unserved else 2}"
                                       for label in labels.values())  # fmt: skip
        assert KEY.findall(line) == [], line
    # Every count a name of its own: a tier's four counts and the tiers apart.
    assert len(set(STOCKOUT_LABELS.values())) == len(STOCKOUT_LABELS)
    assert len(set(UNSERVED_LABELS.values())) == len(UNSERVED_LABELS)


def test_the_chinese_head_names_the_policy_as_before():
    head = _summary([{"incidents": 1}], "zh").splitlines()[0]
    assert "按事件等级优先调派" in head and "severity" not in head


# ------------------------------------------------------------- audit 12: one term per concept
def test_the_chinese_stock_out_labels_name_the_tiers_as_the_maps_do():
    with language("zh"):
        for tier in TIERS:
            name = facilities_text("depots", tier)  # 市级应急物资储备库 ... (legends, site)
            keys = [f"{tier}_{k}_{w}" for k in ("issue", "replenish")
                    for w in ("events", "units_short")]  # fmt: skip
            labels = [_(STOCKOUT_LABELS[key]) for key in keys]
            assert all(label.startswith(name) for label in labels), (name, labels)
            assert len(set(labels)) == 4


def test_chinese_rows_say_mean_and_minutes_alike():
    # "..., mean" rows of minutes read "…，均值（分钟）" like the standard's rows, the
    # relabelled control row (control counted from the call) included.
    relabel = ("intervals_control_mean", "call -> first team at work on scene, mean", "min")
    with language("zh"):
        for _key, label, unit in (*HEADLINE, *OPTIONAL_HEADLINE, relabel):
            if unit == "min" and label.endswith(", mean"):
                assert _(label).endswith("，均值（分钟）"), label


def test_chinese_uses_one_term_per_concept_across_outputs():
    with language("zh"):
        # Under control (the map's popup) as the table's control rows say it: 得到控制, the
        # law's words (突发事件应对法: 威胁和危害得到控制); 处置完成 read as "all done".
        assert _("first arrival -> under control").endswith(_("under control"))
        assert _("under control") == "得到控制"
        # Served, as the console counts it, the map's legend and the siting warning: 响应到位.
        served = _("served").removesuffix("事件数")
        assert served == "响应到位"
        for text in (_("incidents reached ({n})"), _("unserved ({n})"), _("unserved")):
            assert served in text, text
        # Stock moved forward before a warning as the teams are: 前置.
        teams = _("teams staged before warned hazards")
        stock = _("supply units pushed down before warned hazards")
        assert teams.split("的")[0] == stock.split("的")[0]
        # Evacuees no shelter could take: the console's row and the report's metric.
        assert _("evacuees without shelter room") == metric_text("people_shelter_overflow")
        # Minutes in the report's names of times, as every other time metric has them.
        for key in ("people_rescue_min", "people_evacuation_min_mean", "moveup_move_min_mean"):
            assert metric_text(key).endswith("（分钟）"), key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cut_interval_is_said_to_be_cut(lang):
    # Two replications of 0 and 2 incidents left short: the t interval runs below 0, the
    # table shows 0; a planner must not read that 0 as a measurement.
    cut = [{"incidents": 96, "served": 96, "warning_supply_short_incidents": k} for k in (0, 2)]
    kept = [{"incidents": 96, "served": 96, "warning_supply_short_incidents": k} for k in (2, 2)]
    with language(lang):
        note = _(CUT_NOTE)
        label = _(
            next(lb for k, lb, _u in OPTIONAL_HEADLINE if k == "warning_supply_short_incidents")
        )
    text = _summary(cut, lang)
    assert _row(text, label)[1] == "0" and note in text
    assert note not in _summary(kept, lang)
