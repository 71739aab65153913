"""``yingji experiment`` end to end with the real simulation on examples/experiment.toml."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments.batch import run_experiment
from experiments.cli import main
from experiments.design import ExperimentSpec
from experiments.store import ResultStore, read_table

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "experiment.toml"


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory):
    """The example run once, serially, through the command line."""
    out = tmp_path_factory.mktemp("serial") / "out"
    assert main(["experiment", "run", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    return out


def test_example_runs_every_point_and_replication(serial_run):
    spec = ExperimentSpec.from_file(EXAMPLE)
    table = read_table(serial_run / "summary.parquet")
    n = len(spec.points()) * spec.replications
    assert len(spec.points()) == 4 and len(table["point"]) == n
    assert table["policy.name"] == ["nearest_available"] * 6 + ["severity_priority"] * 6
    assert table["facilities.township_stations"] == ([6] * 3 + [10] * 3) * 2
    # Common random numbers on one map: every design point of replication r faces the same
    # incidents, whatever the policy or the number of stations.
    count: dict[int, set] = {}
    for r, k in zip(table["replication"], table["incidents"], strict=True):
        count.setdefault(r, set()).add(k)
    assert len(count) == 3 and all(len(v) == 1 for v in count.values())
    # The policies do differ in some metric (else the pairing would prove nothing).
    metrics = [k for k in table if k.startswith(("compliance_", "intervals_", "utilisation_"))]
    assert any(table[m][:6] != table[m][6:] for m in metrics)


def test_rerun_resumes_with_nothing_left(serial_run, capsys):
    before = (serial_run / "summary.parquet").read_bytes()
    assert main(["experiment", "run", str(EXAMPLE), "--out", str(serial_run), "--quiet"]) == 0
    assert "0 runs made (design point x replication), 12 already done" in capsys.readouterr().out
    assert (serial_run / "summary.parquet").read_bytes() == before


def test_other_config_in_the_folder_exits_2_with_one_line(serial_run, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE.read_text().replace("root_seed = 20240601", "root_seed = 1"))
    code = main(["experiment", "run", str(other), "--out", str(serial_run), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "root seed 20240601 there, 1 now" in err
    assert "never mixed" in err


@pytest.mark.slow
def test_report_is_self_contained_html(serial_run, capsys):
    metrics = "compliance_arrival,intervals_arrival_p90"
    assert main(["experiment", "report", str(serial_run), "--metrics", metrics]) == 0
    assert "report.html" in capsys.readouterr().out
    page = (serial_run / "report.html").read_text()
    # Every image inline, nothing fetched from anywhere.
    # 2 metrics x (2 factors + paired differences) + the response-time CDF.
    assert page.count('src="data:image/png;base64,') == 7
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)
    assert "Paired differences against the baseline, " in page
    per_point = read_table(serial_run / "analysis" / "points.csv")
    assert set(per_point["metric"]) >= {"compliance_arrival", "intervals_arrival_p90"}
    assert (serial_run / "figures" / "response_cdf.png").stat().st_size > 1000


def test_report_baseline_from_the_command_line(serial_run):
    args = ["experiment", "report", str(serial_run), "--metrics", "compliance_arrival"]
    baseline = "policy.name=severity_priority,facilities.township_stations=6"
    assert main([*args, "--baseline", baseline]) == 0
    paired = read_table(serial_run / "analysis" / "paired.csv")
    assert set(paired["baseline"]) == {"p002"}
    rows = [i for i, m in enumerate(paired["point_id"]) if m == "p002"]
    # Against itself every defined difference is exactly zero.
    assert all(float(paired["diff"][i]) == 0.0 for i in rows if int(paired["n"][i]) > 0)
    assert any(int(paired["n"][i]) == 3 for i in rows)


def test_plan_lists_points_and_baseline(capsys):
    assert main(["experiment", "plan", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "4 design points x 3 replications = 12 runs" in out
    assert re.search(r"p001  [0-9a-f]{12}  policy.name=nearest_available, .*\(baseline\)", out)


@pytest.mark.slow
def test_two_processes_and_dask_give_the_serial_table(serial_run, tmp_path):
    pytest.importorskip("distributed")
    want = (serial_run / "summary.parquet").read_bytes()
    two = tmp_path / "two"
    assert main(["experiment", "run", str(EXAMPLE), "--out", str(two), "--workers", "2",
                 "--quiet"]) == 0  # fmt: skip
    assert (two / "summary.parquet").read_bytes() == want
    res = run_experiment(EXAMPLE, tmp_path / "dask", dask="local:2", progress=False)
    assert res.executor == "dask local cluster (2)"
    assert res.summary.read_bytes() == want


@pytest.mark.slow
def test_sigkill_then_resume_through_the_cli_equals_the_serial_run(serial_run, tmp_path):
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"}
    cmd = [
        sys.executable,
        "-m",
        "experiments",
        "experiment",
        "run",
        str(EXAMPLE),
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list(out.glob("runs/*/r*.json"))) >= 3:
                break
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    done = len(list(out.glob("runs/*/r*.json")))
    if proc.returncode != -signal.SIGKILL or done >= 12:
        pytest.skip("the run finished before it could be killed")
    assert not (out / "summary.parquet").exists()
    res = run_experiment(EXAMPLE, out, progress=False)
    assert (res.ran, res.skipped) == (12 - done, done)
    assert res.summary.read_bytes() == (serial_run / "summary.parquet").read_bytes()
    assert ResultStore.open(out).done() == ResultStore.open(serial_run).done()


def test_common_random_numbers_give_both_policies_the_same_incidents(tmp_path):
    import tomllib

    data = tomllib.loads(EXAMPLE.read_text())
    data.update(replications=2, baseline={})
    data["factors"] = [data["factors"][0]]  # the two policies on one map
    spec = ExperimentSpec.from_dict(data, source=str(EXAMPLE), base_dir=EXAMPLE.parent)
    res = run_experiment(spec, tmp_path / "out", records=True, progress=False)
    store = ResultStore.open(res.out)
    for r in range(2):
        a = store.load_records("p000", r)["incidents"]
        b = store.load_records("p001", r)["incidents"]
        for col in ("call", "hazard", "grade", "node"):
            assert (a[col] == b[col]).all(), col
    # Different replications do not share incidents.
    c = store.load_records("p000", 1)["incidents"]
    a = store.load_records("p000", 0)["incidents"]
    assert len(a["call"]) != len(c["call"]) or (a["call"] != c["call"]).any()
