"""``yingji experiment report --metrics``: a count no replication recorded reads 0.

:func:`sim.summary.summarise` leaves a stock-out count, an unserved reason or a
grade's incidents out when it is 0, so a short run on the built-in county may
record none of them in any replication. Named as a metric (on the command line
or in the experiment file), such a count is 0 in every replication, with its
interval 0-0; a name the simulation never writes is still refused in one line.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from experiments.analysis import numeric_metrics
from experiments.outputs import STOCKOUT_LABELS, UNSERVED_LABELS
from experiments.store import ResultStore
from sim.summary import LEFT_OUT_COUNTS, left_out_when_zero
from tests.experiments.cli_calls import one_line, run

#: Counts the tiny run below records in no replication (checked, not assumed).
UNRECORDED = ["stockouts_village_issue_events", "unserved_no_capability", "by_grade_1_incidents"]
REPLICATIONS = 2

#: Two policies on the built-in county for ten hours; the file names an unrecorded count.
EXPERIMENT = f"""\
name = "unrecorded-counts"
replications = {REPLICATIONS}
root_seed = 7
metrics = ["served", "{UNRECORDED[0]}"]

[base.network]
synthetic = "county"

[base.scenario]
name = "typical_week"

[base.run]
horizon_min = 600

[[factors]]
key = "policy.name"
levels = ["nearest_available", "severity_priority"]
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The experiment run into a folder (4 replications, about a second)."""
    base = tmp_path_factory.mktemp("unrecorded")
    (base / "exp.toml").write_text(EXPERIMENT, encoding="utf-8")
    argv = ["experiment", "run", base / "exp.toml", "--out", base / "out", "--quiet"]
    code, _out, err = _call(argv)
    assert code == 0, err
    rows = ResultStore.open(base / "out").rows()
    assert len(rows) == 2 * REPLICATIONS
    for key in UNRECORDED:  # the case this file is about
        assert all(key not in row.summary for row in rows), key
    return base / "out"


def _call(argv: list) -> tuple[int, str, str]:
    """``yingji ARGV`` in this process (capsys is function-scoped: a fixture cannot use it)."""
    import contextlib
    import io

    from experiments.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["--lang", "en", *map(str, argv)])
    return code, stdout.getvalue(), stderr.getvalue()


def _rows(path: Path, metric: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["metric"] == metric]


def test_a_count_no_replication_recorded_is_reported_as_zero(out, capsys):
    wanted = ",".join(["served", *UNRECORDED])
    code, stdout, err = run(
        capsys, "--lang", "en", "experiment", "report", out, "--metrics", wanted
    )
    assert code == 0, err
    assert str(out / "report.html") in stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    for metric in UNRECORDED:
        points = _rows(out / "analysis" / "points.csv", metric)
        assert [r["point_id"] for r in points] == ["p000", "p001"], metric
        for r in points:
            assert int(r["n"]) == REPLICATIONS
            assert [float(r[k]) for k in ("mean", "sd", "ci_low", "ci_high")] == [0, 0, 0, 0]
        paired = _rows(out / "analysis" / "paired.csv", metric)
        assert len(paired) == 2, metric
        for r in paired:
            assert int(r["n"]) == REPLICATIONS
            assert [float(r[k]) for k in ("diff", "ci_low", "ci_high")] == [0, 0, 0]
        assert metric in page
    assert "[0, 0]" in page


def test_the_experiment_files_metrics_may_name_such_a_count(out, capsys):
    code, _stdout, err = run(capsys, "--lang", "en", "experiment", "report", out)
    assert code == 0, err
    points = _rows(out / "analysis" / "points.csv", UNRECORDED[0])
    assert [float(r["mean"]) for r in points] == [0, 0]


def test_the_tables_hold_every_numeric_metric_and_no_more_otherwise(out, capsys):
    code, _stdout, err = run(
        capsys, "--lang", "en", "experiment", "report", out, "--metrics", "served"
    )
    assert code == 0, err
    with (out / "analysis" / "points.csv").open(encoding="utf-8", newline="") as fh:
        metrics = list(dict.fromkeys(r["metric"] for r in csv.DictReader(fh)))
    assert metrics == numeric_metrics(ResultStore.open(out).rows())


@pytest.mark.parametrize(
    "metric",
    [
        "no_such_metric",
        "stockouts_vilage_issue_events",  # a typo of a tier
        "stockouts_village_issue_events_total",
        "by_grade_5_incidents",  # grades are I to IV
        "unserved_for_no_reason",
    ],
)
def test_a_metric_the_simulation_never_writes_is_refused_in_one_line(out, capsys, metric):
    code, _stdout, err = run(capsys, "--lang", "en", "experiment", "report", out,
                             "--metrics", f"served,{metric}")  # fmt: skip
    assert code == 2
    line = one_line(err)
    assert repr(metric) in line and "--metrics" in line


def test_a_refusal_in_chinese_is_one_line_naming_the_metric(out, capsys):
    code, _stdout, err = run(capsys, "--lang", "zh", "experiment", "report", out,
                             "--metrics", "stockouts_vilage_issue_events")  # fmt: skip
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "'stockouts_vilage_issue_events'" in lines[0]


def test_the_counts_left_out_are_the_ones_the_summary_and_the_printed_lines_know():
    assert all(left_out_when_zero(k) for k in LEFT_OUT_COUNTS)
    stockouts = {k for k in LEFT_OUT_COUNTS if k.startswith("stockouts_")}
    assert stockouts == {f"stockouts_{k}" for k in STOCKOUT_LABELS}
    unserved = {k for k in LEFT_OUT_COUNTS if k.startswith("unserved_")}
    assert unserved == {f"unserved_{k}" for k in UNSERVED_LABELS}
    grades = {k for k in LEFT_OUT_COUNTS if k.startswith("by_grade_")}
    assert grades == {f"by_grade_{g}_incidents" for g in (1, 2, 3, 4)}


def test_every_count_a_run_left_out_or_wrote_is_a_known_one(out):
    for row in ResultStore.open(out).rows():
        written = {k for k in row.summary if left_out_when_zero(k)}
        assert written and written <= LEFT_OUT_COUNTS
