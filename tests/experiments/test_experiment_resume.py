"""Resuming an experiment: byte-identical folders, damaged files redone, renamed files, workers.

A resumed run must leave exactly the files of an uninterrupted one (only
``timings.csv``, which is documented as not a result, and the lock file may
differ), whatever was left behind: missing replications, files cut short by
a crash, or a corrupt records archive. Killing ``yingji experiment run
--workers N`` must not leave its worker processes behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from experiments.batch import run_experiment
from experiments.cli import main
from experiments.design import ExperimentSpec, simulation_metrics
from experiments.store import TIMINGS, ResultStore, npz_bytes, records_ok
from networks.files import TMP_PREFIX
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

REPO = Path(__file__).resolve().parents[2]
#: Files of an output folder that are not results.
NOT_RESULTS = {TIMINGS, ".lock"}

#: A small real experiment: two policies on the built-in county, one simulated day.
SMALL = """name = "small"
replications = {reps}
root_seed = 7
metrics = ["compliance_arrival", "intervals_arrival_mean"]

[base.network]
synthetic = "county"
[base.scenario]
name = "typical_week"
[base.run]
horizon_min = 1440

[[factors]]
key = "policy.name"
levels = ["nearest_available", "severity_priority"]
"""


def result_files(root: Path) -> dict[str, str]:
    """Every result file under ``root`` with the sha256 of its bytes."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in NOT_RESULTS:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    with subprocess.Popen([sys.executable, "-c", "pass"]) as proc:
        proc.wait()
    return proc.pid


def assert_same_results(a: Path, b: Path) -> None:
    fa, fb = result_files(a), result_files(b)
    assert sorted(fa) == sorted(fb)
    differ = [name for name in fa if fa[name] != fb[name]]
    assert not differ, f"files differ: {differ}"


# --------------------------------------------------------------------------- identity
def test_resumed_folder_is_byte_identical_to_an_uninterrupted_one(tmp_path):
    spec = make_spec(tmp_path, replications=3)
    a = tmp_path / "a"
    run_experiment(spec, a, replicate=fake_replicate, records=True, progress=False)
    b = tmp_path / "b"
    # Part of it first (fewer replications), then a crash loses some files ...
    run_experiment(make_spec(tmp_path, replications=2), b, replicate=fake_replicate, records=True)
    store = ResultStore.open(b)
    store.summary_path("p001", 1).unlink()
    store.records_path("p002", 0).unlink()
    (b / "summary.parquet").unlink()
    # ... and leaves the temporary files it was writing (what SIGKILL leaves) ...
    dead = _dead_pid()
    stale = [
        b / "runs" / "p000" / f"{TMP_PREFIX}{dead}-0a1b2c3d-r00008.npz",
        b / "runs" / "p001" / f"{TMP_PREFIX}{dead}-4e5f6a7b-r00001.json",
        b / f"{TMP_PREFIX}{dead}-8c9d0e1f-summary.parquet",
    ]
    for f in stale:
        f.write_bytes(b"PK\x03\x04 cut short")
    # ... while another live process (a report, say) is writing into the folder.
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as live:
        busy = b / "figures" / f"{TMP_PREFIX}{live.pid}-11223344-response_cdf.png"
        busy.parent.mkdir()
        busy.write_bytes(b"half a picture")
        time.sleep(2.1)  # zip entries carry 2-second times: a later write must not differ
        # ... and the full count resumes it.
        res = run_experiment(spec, b, replicate=fake_replicate, records=True, progress=False)
        live.kill()
    assert (res.ran, res.skipped) == (6, 6)
    assert not [f for f in stale if f.exists()], "a dead run's temporary file survived"
    assert busy.exists(), "a live writer's temporary file was removed"
    busy.unlink()
    busy.parent.rmdir()
    assert_same_results(a, b)
    # No wall-clock time in any result; the timings live apart.
    for f in a.rglob("runs/*/r*.json"):
        assert "elapsed" not in f.read_text()
    assert (a / TIMINGS).read_text().startswith("point_id,replication,elapsed_s\n")
    rows = ResultStore.open(b).rows()
    assert all(np.isfinite(row.elapsed_s) for row in rows)


def test_resume_through_the_cli_is_byte_identical_with_the_simulation(tmp_path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text(SMALL.format(reps=2))
    part = tmp_path / "part.toml"
    part.write_text(SMALL.format(reps=1))
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["experiment", "run", str(exp), "--out", str(a), "--quiet", "--records"]) == 0
    assert main(["experiment", "run", str(part), "--out", str(b), "--quiet", "--records"]) == 0
    (b / "runs" / "p000" / "r00000.json").write_text('{"point": 0, "point_id": "p0')  # cut
    assert main(["experiment", "run", str(exp), "--out", str(b), "--quiet", "--records"]) == 0
    out = capsys.readouterr()
    assert "3 runs made (design point x replication), 1 already done" in out.out
    assert "damaged replication files (runs/p000/r00000.json)" in out.err
    assert_same_results(a, b)


# --------------------------------------------------------------------------- damage
@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "",
        lambda text: "not json at all\n",
        lambda text: "[1, 2, 3]\n",
        lambda text: text.replace('"summary"', '"summery"'),
    ],
    ids=["cut-in-half", "empty", "not-json", "not-a-table", "no-summary"],
)
def test_a_damaged_replication_file_is_redone_on_resume(tmp_path, caplog, damage):
    spec = make_spec(tmp_path, replications=2)
    a, b = tmp_path / "a", tmp_path / "b"
    run_experiment(spec, a, replicate=fake_replicate, progress=False)
    run_experiment(spec, b, replicate=fake_replicate, progress=False)
    victim = ResultStore.open(b).summary_path("p003", 1)
    victim.write_text(damage(victim.read_text()))
    # A report on the damaged folder leaves the replication out, without a traceback.
    assert (3, 1) not in ResultStore.open(b).done()
    assert len(ResultStore.open(b).rows()) == 7
    caplog.clear()
    res = run_experiment(spec, b, replicate=fake_replicate, progress=False)
    assert (res.ran, res.skipped) == (1, 7)
    assert "runs/p003/r00001.json" in caplog.text  # a logged warning (the CLI shows it)
    assert_same_results(a, b)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: data[:-30] + bytes(30),
        lambda data: data[:40] + bytes(len(data) - 80) + data[-40:],
    ],
    ids=["cut-in-half", "empty", "zeroed-tail", "zeroed-middle"],
)
def test_a_corrupt_records_archive_is_redone_on_resume(tmp_path, damage):
    spec = make_spec(tmp_path, replications=2)
    a, b = tmp_path / "a", tmp_path / "b"
    run_experiment(spec, a, replicate=fake_replicate, records=True, progress=False)
    run_experiment(spec, b, replicate=fake_replicate, records=True, progress=False)
    npz = ResultStore.open(b).records_path("p001", 0)
    npz.write_bytes(damage(npz.read_bytes()))
    assert not records_ok(npz)
    res = run_experiment(spec, b, replicate=fake_replicate, records=True, progress=False)
    assert (res.ran, res.skipped) == (1, 7)
    assert records_ok(npz)
    assert_same_results(a, b)


def test_a_corrupt_archive_is_one_line_for_the_report_and_dropped_when_redone(tmp_path):
    spec = make_spec(tmp_path, replications=1)
    out = tmp_path / "out"
    run_experiment(spec, out, replicate=fake_replicate, records=True, progress=False)
    store = ResultStore.open(out)
    npz = store.records_path("p000", 0)
    npz.write_bytes(b"PK\x03\x04 truncated")
    from networks.errors import ConfigError

    with pytest.raises(ConfigError, match="damaged records archive"):
        store.load_records("p000", 0)
    # Redone without --records: a folder started with records keeps recording (its
    # manifest says so), so the archive is redone whole next to the rewritten summary.
    store.summary_path("p000", 0).unlink()
    shutil.rmtree(out / "records")
    run_experiment(spec, out, replicate=fake_replicate, progress=False)
    assert records_ok(npz) and (out / "records").is_dir()
    # Saved without records, as in a folder that does not record: the damaged
    # archive goes, so it never sits next to a summary it does not belong to.
    npz.write_bytes(b"PK\x03\x04 truncated")
    summary = json.loads(store.summary_path("p000", 0).read_text())["summary"]
    ResultStore.open(out).save(spec.points()[0], 0, summary=summary, records=None, elapsed_s=0.0)
    assert not npz.exists()


def test_records_archives_do_not_depend_on_the_clock():
    arrays = {"incidents/id": np.arange(5), "incidents/reason": np.array(["a", "late"])}
    data = npz_bytes(arrays)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    time.sleep(2.1)
    assert npz_bytes(arrays) == data
    with np.load(__import__("io").BytesIO(data), allow_pickle=False) as z:
        assert sorted(z.files) == ["incidents/id", "incidents/reason"]
        assert z["incidents/reason"].tolist() == ["a", "late"]


# --------------------------------------------------------------------------- identity
def test_a_renamed_copy_of_the_experiment_file_resumes_the_same_folder(tmp_path, capsys):
    text = SMALL.format(reps=1).replace('name = "small"\n', "")  # no name: the file's stem
    first = tmp_path / "first.toml"
    first.write_text(text)
    elsewhere = tmp_path / "copies"
    elsewhere.mkdir()
    copy = elsewhere / "renamed copy.toml"
    copy.write_text(text)
    a, b = ExperimentSpec.from_file(first), ExperimentSpec.from_file(copy)
    assert [p.config_hash for p in a.points()] == [p.config_hash for p in b.points()]
    out = tmp_path / "out"
    assert run_experiment(first, out, replicate=fake_replicate).ran == 2
    res = run_experiment(copy, out, replicate=fake_replicate)
    assert (res.ran, res.skipped) == (0, 2)
    # The manifest still says which file ran last, but that is not the identity.
    assert json.loads((out / "manifest.json").read_text())["source"] == str(copy)
    # Through the command line with the simulation too.
    sim_out = tmp_path / "sim"
    assert main(["experiment", "run", str(first), "--out", str(sim_out), "--quiet"]) == 0
    assert main(["experiment", "run", str(copy), "--out", str(sim_out), "--quiet"]) == 0
    assert "0 runs made (design point x replication), 2 already done" in capsys.readouterr().out


# --------------------------------------------------------------------------- metrics
def test_an_unknown_metric_is_refused_before_any_work(tmp_path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text(SMALL.format(reps=1).replace('"intervals_arrival_mean"', '"arival_mean"'))
    out = tmp_path / "out"
    code = main(["experiment", "run", str(exp), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"{exp}: metrics[1]: unknown metric 'arival_mean'" in err
    assert not out.exists()
    assert main(["experiment", "plan", str(exp)]) == 2
    assert "metrics[1]" in capsys.readouterr().err


def test_known_metrics_cover_every_key_of_a_simulated_summary(tmp_path):
    from experiments.runner import run_replication

    known = simulation_metrics()
    assert known is not None
    names, prefixes = known
    assert {"compliance_arrival", "intervals_arrival_p90", "served"} <= names
    assert "utilisation_" in prefixes
    spec = ExperimentSpec.from_dict(
        {"base": {"network": {"synthetic": "county"}, "run": {"horizon_min": 1440}}},
        source="exp.toml",
        base_dir=tmp_path,
    )
    summary = run_replication(spec.points()[0].config, replication=0, root_seed=3).summary
    for key in summary:
        if key not in ("replication", "root_seed"):
            assert key in names or key.startswith(prefixes), key


# --------------------------------------------------------------------------- workers
def _children(pid: int) -> dict[int, str]:
    """Processes whose parent is ``pid``: pid -> start time (from /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            out[int(entry.name)] = fields[19]
    return out


def _alive(pid: int, start: str) -> bool:
    """Whether ``pid`` is still the process that started at ``start`` (zombies are dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0] not in ("Z", "X") and fields[19] == start


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _start_busy_run(tmp_path: Path) -> tuple[subprocess.Popen, dict[int, str]]:
    """``yingji experiment run --workers 2`` on a long experiment, once both workers work."""
    exp = tmp_path / "long.toml"
    exp.write_text(SMALL.format(reps=500))
    env = {**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "experiments", "experiment", "run", str(exp), "--out",
           str(tmp_path / "out"), "--workers", "2", "--quiet"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    kids: dict[int, str] = {}
    while time.monotonic() < deadline and proc.poll() is None:
        kids = _children(proc.pid)
        workers = [p for p in kids if _is_worker(p)]
        if len(workers) == 2 and list((tmp_path / "out").glob("runs/*/r*.json")):
            return proc, kids
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    pytest.fail(f"the workers never started (exit {proc.returncode}): {proc.stderr.read()!r}")


def _wait_gone(kids: dict[int, str], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    left = list(kids)
    while left and time.monotonic() < deadline:
        left = [p for p in left if _alive(p, kids[p])]
        time.sleep(0.05)
    return left


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigkill_of_the_parent_leaves_no_worker_behind(tmp_path):
    proc, kids = _start_busy_run(tmp_path)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        left = _wait_gone(kids, 10)
    finally:
        for pid in kids:  # never leave a stray process behind, even when the test fails
            if _alive(pid, kids[pid]):
                os.kill(pid, signal.SIGKILL)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert not left, f"processes outlived their killed parent: {left}"
    # What was finished is whole: the resume finds nothing damaged.
    found, damaged = ResultStore.open(tmp_path / "out").scan()
    assert found and not damaged


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigterm_of_the_parent_stops_the_workers_and_exits_cleanly(tmp_path):
    proc, kids = _start_busy_run(tmp_path)
    try:
        t0 = time.monotonic()
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - t0
        left = _wait_gone(kids, 5)
    finally:
        for pid in kids:
            if _alive(pid, kids[pid]):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert err.decode().strip() == "yingji: interrupted"
    assert took < 15
    assert not left, f"workers outlived the stopped run: {left}"
    out = tmp_path / "out"
    assert not [p for p in out.rglob(".yj-tmp-*")]
    found, damaged = ResultStore.open(out).scan()
    assert found and not damaged


def test_a_folder_an_earlier_start_left_without_results_can_take_the_fixed_experiment(
    tmp_path, caplog
):
    """Input checked only at the first replication (a node off the network, say) fails
    after the folder is made; once fixed, the same --out must not be refused as holding
    a different experiment: it holds no result. One with a result still is."""
    out = tmp_path / "out"

    def failing(config, *, replication, root_seed):
        raise ValueError("events[0].at: node 999999 is not on the network")

    with pytest.raises(ValueError):
        run_experiment(make_spec(tmp_path, root_seed=1), out, replicate=failing, progress=False)
    assert (out / "manifest.json").is_file()
    fixed = make_spec(tmp_path, root_seed=2)  # another experiment by its identity
    res = run_experiment(fixed, out, replicate=fake_replicate, progress=False)
    assert (res.ran, res.skipped) == (12, 0)
    assert "without a finished replication" in caplog.text
    assert sorted(p.name for p in (out / "points").iterdir()) == [
        f"{p.id}.json" for p in fixed.points()
    ]
    # now it holds results: a third experiment is refused, the results kept
    before = result_files(out)
    from networks.errors import ConfigError

    with pytest.raises(ConfigError, match="different experiment"):
        run_experiment(make_spec(tmp_path, root_seed=3), out, replicate=fake_replicate,
                       progress=False)  # fmt: skip
    assert result_files(out) == before
