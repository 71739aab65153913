"""The rush-hour and warning rows of the printed run summary, with the features and without.

The expected numbers are worked out here from each replication's records (the
incidents, supplies, warnings and warned tables), not from the summaries the
table is printed from, and their intervals with scipy's t quantile.
"""

from __future__ import annotations

import contextlib
import io
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from experiments.cli import main
from experiments.config import RunConfig
from experiments.metric_units import metric_unit
from experiments.outputs import HEADLINE, format_summary
from experiments.replicate_parallel import run_replications
from experiments.summary_rows import (
    OPTIONAL_HEADLINE,
    RUSH_HOUR_HEADLINE,
    _hour_ranges,
    count_text,
    row_cells,
    row_label,
)
from networks.i18n import _, language
from sim.targets import ResponseTargets
from sim.warning_summary import WARNING_HEADLINE

#: The built-in county shrunk, three replications.
TINY = """\
name = "tiny"

[network]
synthetic = "county"
seed = 0
townships = 4
villages = 12
grid = 8

[scenario]
name = "{scenario}"

[run]
seed = 5
replications = 3
travel_noise = 0.1
"""
#: Congested roads with the clock starting at 06:30 (so the split is not by run minute),
#: and the typhoon warned a day ahead.
FEATURES = """
[congestion]
profile = "china_city"
start_hour = 6.5

[warnings]
stand_down_h = 6
lead_h = 24
"""
START_HOUR = 6.5
PEAKS = {7, 8, 17, 18}  # 07:00-09:00 and 17:00-19:00, as the traffic reports count them


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Per case (features on / off): the config file, its config and its replications."""
    base = tmp_path_factory.mktemp("summary-rows")
    out = {}
    for case, text in (
        ("on", TINY.format(scenario="typhoon_landfall") + FEATURES),
        ("off", TINY.format(scenario="typhoon_landfall")),
    ):
        path = base / f"{case}.toml"
        path.write_text(text, encoding="utf-8")
        cfg = RunConfig.from_file(path)
        out[case] = (path, cfg, run_replications(cfg, progress=False))
    return out


def _table(cfg, results, lang: str) -> str:
    with language(lang):
        return format_summary(cfg, results)


def _rows(text: str) -> dict[str, list[float]]:
    """Label -> the numbers of its row (mean, CI low, CI high) of a printed table."""
    rows = {}
    for line in text.splitlines():
        parts = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        if len(parts) == 2 and re.fullmatch(r"[-\d.% ～]+", parts[1]):
            # Counts may print whole ("2 - 2"), anything else with one decimal.
            rows[parts[0]] = [float(x) for x in re.findall(r"\d+(?:\.\d)?", parts[1])]
    return rows


def _across(values: list[float], unit: str) -> list[float]:
    """Mean and 95 % t interval of per-replication values as the table shows them."""
    x = np.array([v for v in values if math.isfinite(v)])
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    mean, lo, hi = x.mean(), x.mean() - half, x.mean() + half
    if unit == "share":
        return [100 * min(max(v, 0.0), 1.0) for v in (mean, lo, hi)]
    return [mean, max(lo, 0.0), hi]


def _nanmean(x: np.ndarray) -> float:
    x = x[~np.isnan(x)]
    return float(x.mean()) if x.size else math.nan


def _rush_hour_values(records, arrival: float) -> dict[str, float]:
    """The ``rush_hour_*`` and ``off_peak_*`` metrics of one replication, from its incidents."""
    inc = records.incidents
    needs = (inc["reason"] != "after_horizon") & (inc["teams_needed"] > 0)
    hour = np.floor((START_HOUR * 60 + inc["call"]) / 60) % 24
    rush = np.isin(hour, sorted(PEAKS))
    minutes = inc["first_arrival"] - inc["call_taken"]
    out = {}
    for name, part in (("rush_hour", rush), ("off_peak", ~rush)):
        sel = needs & part
        x = minutes[sel][~np.isnan(minutes[sel])]
        out[f"{name}_incidents"] = float(sel.sum())
        out[f"{name}_arrival_share"] = (
            float(np.sum(x <= arrival + 1e-9) / sel.sum()) if sel.any() else math.nan
        )
        out[f"{name}_arrival_mean"] = float(x.mean()) if x.size else math.nan
        out[f"{name}_arrival_p90"] = float(np.percentile(x, 90)) if x.size else math.nan
    return out


def _warning_values(records, arrival: float) -> dict[str, float]:
    """The printed ``warning_*`` metrics of one replication, from its records."""
    w, inc, sup = records.warnings, records.incidents, records.supplies
    warned = np.isin(inc["id"], np.asarray(records.warned["incident"]))
    rows = warned & (inc["reason"] != "after_horizon")
    needs = rows & (inc["teams_needed"] > 0)
    minutes = inc["first_arrival"] - inc["call_taken"]
    issue = np.asarray(sup["kind"]) == "issue"
    last: dict[int, float] = {}  # incident -> when its last unit issued arrived
    who, when = np.asarray(sup["incident"])[issue], np.asarray(sup["arrive"])[issue]
    for i, t in zip(who.tolist(), when.tolist(), strict=True):
        last[i] = max(last.get(i, -math.inf), t)
    # Fully supplied: every unit arrived within the run and none was short.
    delivery = np.array(
        [
            last[i] - ct if math.isfinite(last.get(i, math.inf)) and short == 0 else math.nan
            for i, ct, short in zip(
                inc["id"].tolist(), inc["call_taken"], inc["supply_short"], strict=True
            )
        ]
    )
    return {
        "warning_teams_staged": float(np.sum(w["teams_staged"])),
        "warning_stock_units": float(np.sum(w["stock_units"])),
        "warning_officers_added": float(np.sum(w["officers_added"])),
        "warning_incidents": float(rows.sum()),
        "warning_compliance_arrival": (
            float(np.sum(minutes[needs] <= arrival + 1e-9) / needs.sum())
            if needs.any()
            else math.nan
        ),
        "warning_arrival_mean": _nanmean(minutes[needs]),
        "warning_call_taking_mean": _nanmean((inc["call_taken"] - inc["call"])[rows]),
        "warning_supply_delivery_mean": _nanmean(delivery[rows]),
        "warning_supply_short_incidents": float(np.sum(inc["supply_short"][rows] > 0)),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("headline", "values"),
    [(RUSH_HOUR_HEADLINE, _rush_hour_values), (WARNING_HEADLINE, _warning_values)],
    ids=["rush_hour", "warning"],
)
def test_the_feature_rows_show_the_records_mean_and_interval(runs, lang, headline, values):
    _path, cfg, results = runs["on"]
    arrival = ResponseTargets.from_dict(dict(cfg.targets)).arrival
    per_rep = [values(r.records, arrival) for r in results]
    rows = _rows(_table(cfg, results, lang))
    with language(lang):
        labels = {key: row_label(label, unit) for key, label, unit in headline}
    for key, _label, unit in headline:
        got = rows[labels[key]]
        want = _across([v[key] for v in per_rep], unit)
        # The table shows one decimal; the summaries round to six.
        assert got == pytest.approx(want, abs=0.051), key
    if headline is RUSH_HOUR_HEADLINE:  # the two parts split the incidents needing teams
        assert all(v["rush_hour_incidents"] > 0 for v in per_rep)
        both_parts = [v["rush_hour_incidents"] + v["off_peak_incidents"] for v in per_rep]
        needing = [
            float(np.sum((inc["teams_needed"] > 0) & (inc["reason"] != "after_horizon")))
            for inc in (r.records.incidents for r in results)
        ]
        assert both_parts == needing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_the_features_there_are_no_rush_hour_or_warning_rows(runs, lang):
    on = _table(*runs["on"][1:], lang)
    off = _table(*runs["off"][1:], lang)
    with language(lang):
        labels = [row_label(lb, u) for _k, lb, u in (*RUSH_HOUR_HEADLINE, *WARNING_HEADLINE)]
        roads = _("roads by time of day: {profile}; rush hours are calls at {hours} "
                  "(the run's clock starts at {start})").split("{")[0]  # fmt: skip
    assert set(labels) <= set(_rows(on))
    assert not set(labels) & set(_rows(off))
    assert [line for line in on.splitlines() if line.startswith(roads)] != []
    assert roads not in off
    # The standard's rows come first and name the same metrics either way.
    assert list(_rows(off)) == list(_rows(on))[: len(_rows(off))]


def test_the_congestion_line_names_the_clock_the_split_uses(runs):
    text = _table(*runs["on"][1:], "en")
    line = next(line for line in text.splitlines() if line.startswith("roads by time of day"))
    # The profile by its name, not its config key.
    assert "weekday rush hours of a large Chinese city" in line and "china_city" not in line
    assert "07:00-09:00 and 17:00-19:00" in line
    assert line.endswith("starts at 06:30)")


def test_the_command_prints_the_same_table_in_the_language_asked_for(runs, tmp_path):
    path, cfg, results = runs["on"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["--lang", "zh", "run", str(path), "--out", str(tmp_path / "o"), "--no-plots"])
    assert code == 0
    assert buf.getvalue().startswith(_table(cfg, results, "zh") + "\n")


finite = st.floats(-1e4, 1e4, allow_nan=False)


@given(mean=st.floats(0, 1e4), half=st.floats(0, 1e4), unit=st.sampled_from(["count", "min"]))
def test_a_count_or_minutes_interval_never_shows_below_zero(mean, half, unit):
    cell, ci = row_cells({"mean": mean, "ci_low": mean - half, "ci_high": mean + half}, unit)
    low, high = (float(x) for x in ci.split(" - "))
    assert 0.0 <= low <= float(cell) + 0.05 <= high + 0.1
    assert float(cell) == pytest.approx(mean, abs=0.051)


@given(mean=finite, lo=finite, hi=finite)
def test_a_share_shows_within_0_and_100_percent(mean, lo, hi):
    cell, ci = row_cells({"mean": mean, "ci_low": lo, "ci_high": hi}, "share")
    shown = [float(cell.rstrip("%")), *(float(x.rstrip("%")) for x in ci.split(" - "))]
    assert all(0.0 <= x <= 100.0 for x in shown)


@given(
    count=st.integers(0, 10**6),
    reps=st.integers(1, 20),
    unit=st.sampled_from(["count", "min"]),
)
def test_a_count_prints_whole_when_it_is_and_minutes_always_with_one_decimal(count, reps, unit):
    # The mean of ``reps`` replications that counted ``count`` in all, and an interval
    # around it; whole only where the replications' total divides evenly.
    mean = count / reps
    cell, ci = row_cells({"mean": mean, "ci_low": mean - 0.25, "ci_high": mean + 0.5}, unit)
    shown = [cell.strip(), *ci.split(" - ")]
    for text, value in zip(shown, (mean, max(mean - 0.25, 0.0), mean + 0.5), strict=True):
        whole = unit == "count" and value == int(value)
        assert ("." not in text) == whole, (text, value)
        assert re.fullmatch(r"\d+" if whole else r"\d+\.\d", text)
        assert float(text) == pytest.approx(value, abs=0.051)
    assert len(cell) == 10


@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_count_text_is_whole_exactly_for_whole_values(value):
    text = count_text(value)
    assert ("." in text) == (value != round(value))
    assert float(text) == pytest.approx(value, abs=0.051)
    assert text != "-0"


def test_the_summary_rows_units_are_the_units_of_their_metrics():
    # The table and the summary's lines print a count as metric_units reads the key:
    # a row marked "count" is counted in something (incidents, people, teams, ...).
    kinds = {"%": "share", "min": "min"}
    for key, _label, unit in (*HEADLINE, *OPTIONAL_HEADLINE):
        of_key = metric_unit(key).unit
        assert of_key, key
        assert kinds.get(of_key, "count") == unit, key


def test_unknown_means_and_intervals_show_a_dash():
    for unit in ("share", "count", "min"):
        cell, ci = row_cells({"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan}, unit)
        assert (cell.strip(), ci) == ("-", "-")
        assert len(cell) == 10


@given(st.sets(st.integers(0, 23)))
def test_hour_ranges_cover_exactly_the_hours_given(hours):
    ranges = _hour_ranges(hours)
    assert {h for a, b in ranges for h in range(a, b)} == hours
    assert all(b1 < a2 for (_a1, b1), (a2, _b2) in zip(ranges, ranges[1:], strict=False))


@pytest.mark.parametrize(
    ("lang", "share", "minutes"),
    [("en", "12.4 - 15.6%", "4.2 - 6.1"), ("zh", "12.4%～15.6%", "4.2～6.1")],
)
def test_an_interval_is_written_as_each_language_writes_a_range(lang, share, minutes):
    # Chinese: a wave dash, each percentage with its sign (GB/T 15835).
    with language(lang):
        assert row_cells({"mean": 0.14, "ci_low": 0.124, "ci_high": 0.156}, "share")[1] == share
        _cell, ci = row_cells({"mean": 5.0, "ci_low": 4.2, "ci_high": 6.1}, "min")
        assert ci == minutes
