"""A run's output folder is one unit: refused, replaced whole, or left as it was after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from experiments.cli import main
from tests.bad_inputs.harness import snapshot
from tests.conftest import REPO

SMALL = """name = "small"
[network]
synthetic = "county"
[scenario]
name = "typical_week"
[run]
seed = 1
replications = 1
"""


@pytest.fixture()
def cfg(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(SMALL)
    return path


def _summary(out):
    return json.loads((out / "summary.json").read_text())


def test_summary_records_the_command_line_not_the_config(cfg, tmp_path):
    out = tmp_path / "out"
    argv = ["run", str(cfg), "--seed", "7", "--replications", "2", "--no-plots", "--out", str(out)]
    assert main(argv) == 0
    s = _summary(out)
    assert s["config"]["run"]["seed"] == 7 and s["config"]["run"]["replications"] == 2
    assert [r["replication"] for r in s["replications"]] == [0, 1]
    assert {r["root_seed"] for r in s["replications"]} == {7}


def test_an_earlier_run_is_refused_then_replaced_whole(cfg, tmp_path, capsys):
    out = tmp_path / "out"
    base = ["run", str(cfg), "--no-plots", "--out", str(out)]
    assert main([*base, "--replications", "3"]) == 0
    first = snapshot(out)
    assert main([*base, "--replications", "2"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert snapshot(out) == first
    assert main([*base, "--replications", "2", "--overwrite"]) == 0
    # Nothing of the three-replication run is left beside the two-replication one.
    reps = sorted(p.name for p in (out / "records").iterdir() if p.is_dir())
    assert reps == ["rep-000", "rep-001"]
    assert len(_summary(out)["replications"]) == 2
    marker = json.loads((out / ".yingji-output").read_text())
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert files - {".yingji-output"} == set(marker["files"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _start(cfg, out, *extra):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    argv = [sys.executable, "-m", "experiments", "run", str(cfg), "--out", str(out), *extra]
    return subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip


@pytest.mark.parametrize("delay", [0.5, 2.0, 3.5, 5.0])
def test_a_run_killed_at_any_moment_leaves_the_old_results_or_the_new(cfg, tmp_path, delay):
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--replications", "3", "--out", str(out)]) == 0
    old = snapshot(out)
    proc = _start(cfg, out, "--replications", "2", "--seed", "5", "--overwrite")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    now = snapshot(out)
    if now != old:  # the new run finished before the kill: all of it, nothing old
        s = _summary(out)
        assert s["config"]["run"]["seed"] == 5 and len(s["replications"]) == 2
        assert not (out / "records" / "rep-002").exists()
    assert all(not p.name.startswith(".yj-") for p in out.rglob("*"))
    # The next run into the same place clears what the killed one left beside it.
    assert main(["run", str(cfg), "--no-plots", "--out", str(out), "--overwrite"]) == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_sigterm_stops_cleanly_and_keeps_the_old_run(cfg, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--no-plots", "--out", str(out)]) == 0
    old = snapshot(out)
    proc = _start(cfg, out, "--replications", "500", "--overwrite")
    time.sleep(3.0)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.decode().strip() == "yingji: interrupted"
    assert snapshot(out) == old
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
