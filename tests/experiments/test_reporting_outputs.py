"""What ``yingji run`` writes and prints with the reporting chain (信息报送), and without it."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from experiments.cli import main
from experiments.metric_names import check_metric_names, simulation_metrics
from experiments.outputs import HEADLINE
from experiments.summary_rows import REPORTING_HEADLINE
from experiments.tables import read_table
from networks.errors import ConfigError
from sim.reporting import DUTY_COLUMNS, REPORT_COLUMNS, SCENE_COLUMNS

#: The built-in county shrunk, a typical week, two replications.
TINY = """\
name = "tiny"

[network]
synthetic = "county"
seed = 0
townships = 4
villages = 12
grid = 8

[scenario]
name = "typical_week"

[run]
seed = 5
replications = 2
"""
#: The reporting chain under the national rules, one officer at each township desk.
CHAIN = """\
[reporting]
rules = "national"

[duty]
township = { officers = 1 }
"""
CHAIN_TABLES = {"reports": REPORT_COLUMNS, "duty": DUTY_COLUMNS, "scene": SCENE_COLUMNS}


def _run(folder, text: str, *args: str) -> str:
    cfg = folder.with_suffix(".toml")
    cfg.write_text(text, encoding="utf-8")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["run", str(cfg), "--out", str(folder), *args]) == 0
    return buf.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The tiny run with the chain (and plots) and without it (no plots): folder and stdout."""
    base = tmp_path_factory.mktemp("reporting-outputs")
    on, off = base / "on", base / "off"
    return {
        "on": (on, _run(on, TINY + CHAIN)),
        "off": (off, _run(off, TINY, "--no-plots")),
    }


def _summary(folder):
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_the_chain_tables_are_written_with_their_columns(runs):
    folder, _text = runs["on"]
    summary = _summary(folder)
    for rep, reps in enumerate(summary["replications"]):
        where = folder / "records" / f"rep-{rep:03d}"
        tables = {name: read_table(where / f"{name}.csv") for name in CHAIN_TABLES}
        for name, columns in CHAIN_TABLES.items():
            assert tuple(tables[name]) == columns, name
        # One report row per report the summary counted, one scene row per incident.
        assert len(tables["reports"]["kind"]) == reps["reporting_reports"] > 0
        assert len(tables["scene"]["incident"]) == reps["incidents"]
        late = sum(v == "true" for v in tables["reports"]["late"])
        assert late == reps["reporting_late"]
        assert set(tables["duty"]["level"]) >= {"township", "county"}
        parquet = folder / "records-parquet" / f"rep-{rep:03d}"
        if (folder / "records-parquet").exists():
            for name, columns in CHAIN_TABLES.items():
                back = read_table(parquet / f"{name}.parquet")
                assert tuple(back) == columns, name
                assert len(back[columns[0]]) == len(tables[name][columns[0]]), name
    assert (folder / "report_timeliness.png").stat().st_size > 0


def test_without_the_chain_no_chain_tables_and_no_timeliness_plot(runs):
    folder, _text = runs["off"]
    names = {p.stem for p in (folder / "records").rglob("*") if p.is_file()}
    # (and the roads its incidents met, where they closed or slowed some; the run's
    # station and depot lookup tables)
    assert names - {"disruptions", "stations", "depots"} == {"incidents", "dispatches", "supplies"}
    assert not (folder / "report_timeliness.png").exists()


def test_the_printed_summary_has_reporting_lines_only_with_the_chain(runs):
    on, off = runs["on"][1], runs["off"][1]
    reps = _summary(runs["on"][0])["replications"]
    labels = [label for _key, label, _unit in REPORTING_HEADLINE]
    for key, label, _unit in REPORTING_HEADLINE:
        # A share of follow-ups is shown if some replication had follow-ups to count.
        shown = any(r.get(key) is not None for r in reps)
        assert sum(line.startswith(label) for line in on.splitlines()) == shown, label
        assert label not in off
    assert sum(line.startswith(tuple(labels)) for line in on.splitlines()) >= len(labels) - 1
    # The standard's lines come first and are the same whether the chain is on or not.
    for _key, label, _unit in HEADLINE:
        row = [line for line in on.splitlines() if line.startswith(label)]
        assert row == [line for line in off.splitlines() if line.startswith(label)], label
    # Shares print as percentages, like the standard's.
    phone = next(line for line in on.splitlines() if line.startswith(labels[0]))
    assert phone.split()[len(labels[0].split())].endswith("%")


def test_the_chain_changes_no_other_number_of_the_summary(runs):
    # One officer per township desk answered every call of a typical week at once.
    on, off = _summary(runs["on"][0]), _summary(runs["off"][0])
    for a, b in zip(on["replications"], off["replications"], strict=True):
        assert a["duty_waited_share"] == 0.0
        assert {k: v for k, v in a.items() if k in b} == b


def _records_with_chain(tmp_path):
    from experiments.config import RunConfig
    from experiments.runner import run_replication

    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY + CHAIN, encoding="utf-8")
    return run_replication(RunConfig.from_file(cfg), replication=0)


def test_the_timeliness_plot_has_one_group_per_grade_present(tmp_path):
    import matplotlib.pyplot as plt

    from sim.report_plots import plot_report_timeliness

    rec = _records_with_chain(tmp_path).records
    rep = rec.reports
    first = np.isin(rep["kind"], ("phone_first", "written_first")) & ~np.isnan(rep["sent"])
    grades = set(rec.incidents["grade"][rep["incident"][first]].astype(int).tolist())
    assert grades  # a typical week has first reports
    fig = plot_report_timeliness(rec)
    try:
        (ax,) = fig.axes
        boxes = {p.get_gid() for p in ax.patches if p.get_gid()}
        expected = {f"grade-{g}-{k}" for g in grades for k in ("phone_first", "written_first")}
        assert boxes == expected
        absent = [t for t in ax.texts if t.get_text() == "no first reports"]
        assert len(absent) == 4 - len(grades)
        assert "minutes" in ax.get_ylabel() and ax.get_xlabel() == "incident grade"
        assert len(ax.get_xticklabels()) == 4  # I..IV whatever happened
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert {"phone first report", "written first report", "reporting time limit"} <= set(legend)
    finally:
        plt.close(fig)


def test_the_timeliness_plot_of_a_run_without_first_reports_says_so(tmp_path):
    import matplotlib.pyplot as plt

    from sim.report_plots import plot_report_timeliness

    rec = _records_with_chain(tmp_path).records
    rec.reports = {k: v[:0] for k, v in rec.reports.items()}
    _fig, ax = plt.subplots()
    try:
        fig = plot_report_timeliness(rec, ax=ax)
        assert fig is ax.figure
        assert not [p for p in ax.patches if p.get_gid()]
        assert [t.get_text() for t in ax.texts] == ["no first reports"] * 4
    finally:
        plt.close(fig)
    rec.reports = None
    with pytest.raises(ValueError, match="no reports"):
        plot_report_timeliness(rec)


def test_reporting_and_duty_metrics_are_accepted_and_nonsense_refused(tmp_path):
    good = [
        "reporting_late",
        "reporting_missed",
        "reporting_on_time_phone_first_share",
        "reporting_first_on_time_4_share",
        "reporting_video_share",
        "duty_call_wait_mean",
        "duty_utilisation_township",
    ]
    check_metric_names(good, source="exp.toml")
    with pytest.raises(ConfigError) as err:
        check_metric_names(["reporting_late", "reporting_nonsense"], source="exp.toml")
    assert "metrics[1]" in str(err.value) and "reporting_nonsense" in str(err.value)
    # Every key a run with the chain summarises is a known metric.
    names, prefixes = simulation_metrics()
    summary = _records_with_chain(tmp_path).summary
    for key in summary:
        if key not in ("replication", "root_seed"):
            assert key in names or key.startswith(prefixes), key


def test_the_demo_prints_the_reporting_lines(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "demo"), "--replications", "1"]) == 0
    text = capsys.readouterr().out
    for _key, label, _unit in REPORTING_HEADLINE:
        assert label in text, label
    assert (tmp_path / "demo" / "report_timeliness.png").exists()
