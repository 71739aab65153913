"""On-time shares of every kind of report by incident grade (首报快、续报准、终报全)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.analysis import METRIC_LABELS, metric_text
from experiments.config import RunConfig
from experiments.metric_names import check_metric_names, simulation_metrics
from experiments.metric_units import metric_unit
from experiments.runner import run_replication
from sim.report_summary import (
    GRADES,
    by_grade_key,
    on_time_by_grade_lines,
    reporting_summary,
)
from sim.reporting_rules import KINDS

#: A rainstorm (incidents of every grade) under Henan's limits, which differ by grade and
#: leave the phone reports of grades III-IV without one, plus limits on final reports
#: (no shipped preset has them), one officer at each township desk (so some are late).
CONFIG = {
    "network": {"synthetic": "county"},
    "scenario": {"name": "rainstorm_72h"},
    "reporting": {"rules": "henan", "deadlines": {"final": [60, 120, 240, 480]}},
    "duty": {"receiving": "township", "township": {"officers": 1}},
    "run": {"seed": 7},
}


@pytest.fixture(scope="module")
def run():
    return run_replication(RunConfig.from_dict(CONFIG, source="test"), replication=0)


def _expected(records) -> dict[tuple[str, int], tuple[int, float | None]]:
    """``(kind, grade) -> (reports counted, share on time)`` straight from the reports table.

    Counted: a limit, and sent or due within the run; a missed follow-up only if its limit
    passed before its event cleared (then not on time); on time: sent by the limit (the
    ``late`` column is not used).
    """
    rep, inc = records.reports, records.incidents
    grade_of = dict(zip(inc["id"].tolist(), inc["grade"].tolist(), strict=True))
    cleared = dict(zip(inc["id"].tolist(), inc["cleared"].tolist(), strict=True))
    counts: dict[tuple[str, int], list[int]] = {(k, g): [0, 0] for k in KINDS for g in GRADES}
    for i in range(len(rep["kind"])):
        due, sent = float(rep["due"][i]), float(rep["sent"][i])
        if math.isnan(due) or (math.isnan(sent) and due > records.end):
            continue
        stop = cleared[int(rep["incident"][i])]
        if rep["missed"][i] and not due < (records.end if math.isnan(stop) else stop) - 1e-9:
            continue
        c = counts[(str(rep["kind"][i]), int(grade_of[int(rep["incident"][i])]))]
        c[0] += 1
        c[1] += int(not math.isnan(sent) and sent <= due + 1e-9)
    return {key: (n, ok / n if n else None) for key, (n, ok) in counts.items()}


def test_shares_by_kind_and_grade_match_the_reports_table(run):
    records = run.records
    assert np.array_equal(records.incidents["id"], np.arange(len(records.incidents["id"])))
    got = reporting_summary(records)["on_time_by_grade"]
    want = _expected(records)
    for (kind, g), (n, share) in want.items():
        cell = got[kind][str(g)]
        assert cell["n"] == n, (kind, g)
        if share is None:
            assert cell["share"] is None
        else:
            assert cell["share"] == pytest.approx(share, abs=1e-6), (kind, g)
            assert run.summary[by_grade_key(kind, g)] == cell["share"]
    # The run has teeth: several grades, every kind counted, some late and some on time.
    grades = {g for (_k, g), (n, _s) in want.items() if n}
    assert len(grades) >= 3
    assert all(sum(want[(k, g)][0] for g in GRADES) for k in KINDS)
    shares = [s for (_n, s) in want.values() if s is not None]
    assert min(shares) < 1.0 and max(shares) > 0.0
    # Henan sets no limit on the phone reports of grades III and IV: none counted.
    assert want[("phone_first", 3)][0] == want[("phone_first", 4)][0] == 0
    assert sum(want[("written_first", g)][0] for g in (3, 4)) > 0


def test_first_on_time_is_kept_and_is_both_first_kinds_together(run):
    summary = reporting_summary(run.records)
    for g in GRADES:
        both = [summary["on_time_by_grade"][k][str(g)] for k in ("phone_first", "written_first")]
        first = summary["first_on_time"][str(g)]
        assert first["n"] == sum(c["n"] for c in both)
        if first["n"]:
            on_time = sum(c["share"] * c["n"] for c in both if c["n"])
            assert first["share"] == pytest.approx(on_time / first["n"], abs=1e-5)
        assert run.summary[f"reporting_first_on_time_{g}_n"] == first["n"]


def test_the_new_metrics_are_known_shares_with_labels():
    names = [by_grade_key(k, g) for k in KINDS for g in GRADES]
    assert simulation_metrics() is not None  # else the check below lets anything through
    check_metric_names(names, source="exp.toml")  # known before any run
    check_metric_names([n.replace("_share", "_n") for n in names], source="exp.toml")
    for name in names:
        assert metric_unit(name).unit == "%" and metric_unit(name).diff_unit == "pp"
        assert metric_unit(name.replace("_share", "_n")).unit == "reports"
        assert name in METRIC_LABELS
    # English shows the key itself; every reporting and duty label is a metric the summary has.
    labels = [m for m in METRIC_LABELS if m.startswith(("reporting_", "duty_"))]
    check_metric_names(labels, source="labels")
    assert all(metric_text(m) == m for m in labels)


# --------------------------------------------------------------------------- property


@st.composite
def _records(draw):
    """Records of a reporting chain, just what :func:`reporting_summary` reads."""
    n_inc = draw(st.integers(1, 6))
    grades = np.asarray(draw(st.lists(st.sampled_from(GRADES), min_size=n_inc, max_size=n_inc)))
    m = draw(st.integers(0, 30))
    end = 100.0
    maybe = st.one_of(st.just(math.nan), st.floats(0.0, 150.0))
    due = np.asarray(draw(st.lists(maybe, min_size=m, max_size=m)), float)
    sent = np.asarray(draw(st.lists(maybe, min_size=m, max_size=m)), float)
    missed = np.asarray(draw(st.lists(st.booleans(), min_size=m, max_size=m)), bool)
    with np.errstate(invalid="ignore"):
        late = ~missed & ~np.isnan(due) & ((sent > due) | (np.isnan(sent) & (due <= end)))
    rep = {
        "incident": np.asarray(
            draw(st.lists(st.integers(0, n_inc - 1), min_size=m, max_size=m)), np.int64
        ),  # fmt: skip
        "kind": np.asarray(draw(st.lists(st.sampled_from(KINDS), min_size=m, max_size=m)), str),
        "trigger": np.zeros(m),
        "due": due,
        "sent": sent,
        "missed": missed,
        "late": late,
    }
    inc = {
        "grade": grades,
        "call_taken": np.zeros(n_inc),
        "reason": np.full(n_inc, "", dtype=object),
    }
    return SimpleNamespace(reports=rep, incidents=inc, scene={"video": np.full(n_inc, 5.0)},
                           end=end, meta={})  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(_records())
def test_per_grade_shares_are_shares_and_add_up_to_each_kind(records):
    s = reporting_summary(records)
    for kind in KINDS:
        total = s["on_time"][kind]
        cells = [s["on_time_by_grade"][kind][str(g)] for g in GRADES]
        assert sum(c["n"] for c in cells) == total["n"]
        on_time = 0.0
        for c in cells:
            if c["n"] == 0:
                assert c["share"] is None
                continue
            assert 0.0 <= c["low"] <= c["share"] <= c["high"] <= 1.0
            on_time += c["share"] * c["n"]
        if total["n"]:
            assert on_time == pytest.approx(total["share"] * total["n"], abs=1e-4)


# ------------------------------------------------------------------ the printed block


def test_the_printed_block_shows_each_kind_with_a_limit_by_grade():
    across = {
        by_grade_key("follow_up", 2): {"mean": 0.5},
        by_grade_key("follow_up", 4): {"mean": 0.875},
        by_grade_key("follow_up", 3): {"mean": math.nan},  # no replication had one
        by_grade_key("final", 1): {"mean": math.nan},
    }
    lines = on_time_by_grade_lines(across)
    assert len(lines) == 3  # heading, grades, follow-ups; no row for the other kinds
    assert lines[1].split()[-4:] == ["I", "II", "III", "IV"]
    assert lines[2].split() == ["follow-up", "report", "-", "50.0%", "-", "87.5%"]
    assert on_time_by_grade_lines({}) == []


def test_the_printed_block_of_a_run_has_the_kinds_it_counted(run):
    from experiments.outputs import across_replications

    lines = on_time_by_grade_lines(across_replications([run]))
    note = [ln for ln in lines if ln.strip().startswith("*")]
    rows = {
        line.strip().rsplit(None, 4)[0]: line.split()[-4:] for line in lines[2:] if line not in note
    }
    assert set(rows) == {"phone first report", "written first report", "follow-up report",
                         "final report"}  # fmt: skip
    assert rows["phone first report"][2:] == ["-", "-"]  # Henan: no limit for III and IV
    want = _expected(run.records)
    marked = False
    for kind, label in (
        ("follow_up", "follow-up report"),
        ("written_first", "written first report"),
    ):
        for g in GRADES:
            n, share = want[(kind, g)]
            cell = rows[label][g - 1]
            # a share of fewer than 10 reports (one replication here) is marked with *
            few = "*" if share is not None and n < 10 else ""
            marked |= bool(few)
            assert cell == ("-" if share is None else f"{100 * share:.1f}%{few}"), (kind, g)
    # the mark is explained under the rows when a cell carries it
    assert bool(note) == marked and (not note or "fewer than 10 reports" in note[0])
