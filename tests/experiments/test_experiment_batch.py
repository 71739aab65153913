"""The batch runner on a fake replication: executors, ordering, resume, refusal, tables.

The fake is a pure function of (config, replication, root seed) that draws
from generators seeded exactly like the real runner's tree, so everything the
runner guarantees (identical results whatever the executor, resume = fresh
run, common random numbers) can be checked fast and exactly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from experiments.batch import Progress, qualified_name, run_experiment
from experiments.design import ExperimentSpec
from experiments.store import ResultStore, find_summary, read_table, write_table
from networks.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- the fake
@dataclass
class FakeRecords:
    incidents: dict[str, np.ndarray]

    def tables(self) -> dict[str, dict[str, np.ndarray]]:
        return {"incidents": self.incidents}


@dataclass
class FakeResult:
    summary: dict[str, float | int]
    records: FakeRecords


def fake_replicate(config, *, replication: int, root_seed: int) -> FakeResult:
    """Incidents depend on (root, r) only; response times on the policy and townships too."""
    rep = np.random.SeedSequence(root_seed).spawn(replication + 1)[replication]
    incident_seed, response_seed = rep.spawn(2)
    rng_inc = np.random.default_rng(incident_seed)
    n = int(rng_inc.poisson(40)) + 1
    call = np.sort(rng_inc.uniform(0.0, 600.0, n))
    severity = rng_inc.integers(1, 5, n)
    data = config.to_dict()
    scale = 1.0 if data["policy"]["name"] == "nearest_available" else 0.85
    scale *= 10.0 / max(data["network"]["townships"], 1)
    rng = np.random.default_rng(response_seed)
    travel = rng.gamma(4.0, 2.0 * scale, n) + 0.2 * severity
    travel *= 1.0 + data["run"]["travel_noise"] * rng.standard_normal(n)
    arrival = call + np.abs(travel)
    delay = arrival - call
    summary = {
        "incidents": n,
        "share_arrival": float(np.mean(delay <= 10.0)),
        "arrival_mean": float(delay.mean()),
        "arrival_p50": float(np.quantile(delay, 0.5)),
        "arrival_p90": float(np.quantile(delay, 0.9)),
        "replication": replication,
    }
    incidents = {
        "id": np.arange(n),
        "call": call,
        "first_arrival": arrival,
        "grade": severity,
        "reason": np.array(["" if d <= 30 else "late" for d in delay], dtype=object),
    }
    return FakeResult(summary=summary, records=FakeRecords(incidents))


def slow_fake_replicate(config, *, replication: int, root_seed: int) -> FakeResult:
    """The fake, slowed down so that a test can kill a run half-way."""
    time.sleep(0.04)
    return fake_replicate(config, replication=replication, root_seed=root_seed)


def experiment_dict(**over):
    data = {
        "name": "fake",
        "replications": 3,
        "root_seed": 99,
        "metrics": ["share_arrival", "arrival_mean"],
        "baseline": {"policy.name": "nearest_available", "network.townships": 10},
        "base": {"network": {"synthetic": "county"}, "policy": {"name": "nearest_available"}},
        "factors": [
            {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]},
            {"key": "network.townships", "levels": [6, 10]},
        ],
    }
    data.update(over)
    return data


def make_spec(tmp_path, **over) -> ExperimentSpec:
    return ExperimentSpec.from_dict(experiment_dict(**over), source="fake.toml", base_dir=tmp_path)


def table_bytes(out: Path) -> bytes:
    return find_summary(out).read_bytes()


# --------------------------------------------------------------------------- tests
def test_serial_run_stores_every_replication_sorted(tmp_path):
    spec = make_spec(tmp_path)
    res = run_experiment(spec, tmp_path / "out", replicate=fake_replicate, progress=False)
    assert (res.ran, res.skipped) == (12, 0)
    table = read_table(res.summary)
    assert res.summary.suffix == ".parquet"
    assert table["point"] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert table["replication"] == [0, 1, 2] * 4
    assert table["policy.name"][:6] == ["nearest_available"] * 6
    assert table["network.townships"] == [6, 6, 6, 10, 10, 10] * 2
    # The summary's own "replication" repeats the id column, so it is not doubled.
    assert "summary.replication" not in table
    # Each row is exactly the fake's output for that point's config.
    points = spec.points()
    for i in range(12):
        p, r = points[table["point"][i]], table["replication"][i]
        want = fake_replicate(p.config, replication=r, root_seed=99).summary
        assert table["arrival_mean"][i] == want["arrival_mean"]
        assert table["config_hash"][i] == p.config_hash
    # Common random numbers: the incident count of replication r is the same everywhere.
    by_rep = {}
    for r, n in zip(table["replication"], table["incidents"], strict=True):
        by_rep.setdefault(r, set()).add(n)
    assert all(len(v) == 1 for v in by_rep.values())


def test_serial_and_two_processes_give_identical_tables(tmp_path):
    import multiprocessing

    method = multiprocessing.get_start_method(allow_none=True)
    spec = make_spec(tmp_path, replications=4)
    a = run_experiment(spec, tmp_path / "a", replicate=fake_replicate, progress=False)
    b = run_experiment(spec, tmp_path / "b", replicate=fake_replicate, workers=2, progress=False)
    assert b.executor == "2 processes"
    assert a.summary.read_bytes() == b.summary.read_bytes()
    # The pool got its start method through mp_context; the global one is at most fixed
    # to the platform default (the standard library's spawn code does that), never ours.
    default = multiprocessing.get_all_start_methods()[0]
    assert multiprocessing.get_start_method(allow_none=True) in (method, default)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_serial_table(tmp_path):
    pytest.importorskip("distributed")
    spec = make_spec(tmp_path, replications=2)
    a = run_experiment(spec, tmp_path / "a", replicate=fake_replicate, progress=False)
    b = run_experiment(
        spec, tmp_path / "b", replicate=fake_replicate, dask="local:2", progress=False
    )
    assert b.executor.startswith("dask local")
    assert a.summary.read_bytes() == b.summary.read_bytes()


def test_resume_skips_finished_and_matches_a_fresh_run(tmp_path):
    spec = make_spec(tmp_path)
    out = tmp_path / "out"
    calls = []

    def counting(config, *, replication, root_seed):
        calls.append(replication)
        return fake_replicate(config, replication=replication, root_seed=root_seed)

    counting.__qualname__ = "counting"
    first = run_experiment(spec, out, replicate=counting, progress=False)
    assert first.ran == 12 and len(calls) == 12
    # Remove three replications as if the run had died before them.
    store = ResultStore.open(out)
    for pid, r in (("p001", 2), ("p003", 0), ("p003", 1)):
        store.summary_path(pid, r).unlink()
    before = table_bytes(out)
    find_summary(out).unlink()
    second = run_experiment(spec, out, replicate=counting, progress=False)
    assert (second.ran, second.skipped) == (3, 9)
    assert sorted(calls[12:]) == [0, 1, 2]
    assert table_bytes(out) == before


def test_more_replications_extend_without_rerunning(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=2), out, replicate=fake_replicate)
    res = run_experiment(make_spec(tmp_path, replications=3), out, replicate=fake_replicate)
    assert (res.ran, res.skipped) == (4, 8)
    fresh = run_experiment(
        make_spec(tmp_path, replications=3), tmp_path / "fresh", replicate=fake_replicate
    )
    assert table_bytes(out) == table_bytes(fresh.out)


def test_an_extension_killed_early_leaves_no_summary_of_the_smaller_experiment(tmp_path):
    # A researcher reading summary.* after a killed extension got the 2-replication table
    # beside a manifest of 3, without a word.
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=2), out, replicate=fake_replicate,
                   records=True)  # fmt: skip
    assert find_summary(out).exists() and any((out / "records").iterdir())

    def dies(config, *, replication, root_seed):
        if replication == 2:
            raise KeyboardInterrupt  # the run is killed at its first new replication
        return fake_replicate(config, replication=replication, root_seed=root_seed)

    dies.__qualname__ = fake_replicate.__qualname__  # the same replication function
    with pytest.raises(KeyboardInterrupt):
        run_experiment(make_spec(tmp_path, replications=3), out, replicate=dies, records=True)
    with pytest.raises(ConfigError, match="no summary table"):
        find_summary(out)
    assert not [p for p in (out / "records").iterdir() if p.suffix in (".csv", ".parquet")]
    # the replication files stay: the rerun finishes as an uninterrupted run would
    res = run_experiment(make_spec(tmp_path, replications=3), out, replicate=fake_replicate,
                         records=True)  # fmt: skip
    assert (res.ran, res.skipped) == (4, 8)
    fresh = run_experiment(make_spec(tmp_path, replications=3), tmp_path / "fresh",
                           replicate=fake_replicate, records=True)  # fmt: skip
    assert table_bytes(out) == table_bytes(fresh.out)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"root_seed": 100}, "root seed 99 there, 100 now"),
        (
            {"factors": [{"key": "policy.name", "levels": ["nearest_available"]}],
             "baseline": {}},
            "4 design points there, 1 now",
        ),
        (
            {"base": {"network": {"synthetic": "county", "seed": 3},
                      "policy": {"name": "nearest_available"}}},
            "design point p000: network.seed is 0 there, 3 now",  # the key, not a hash
        ),
    ],
)  # fmt: skip
def test_a_different_experiment_in_the_same_folder_is_refused(tmp_path, change, message):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    before = sorted(p.name for p in (out / "runs").rglob("*"))
    with pytest.raises(ConfigError, match=message) as info:
        run_experiment(make_spec(tmp_path, replications=1, **change), out, replicate=fake_replicate)
    assert "never mixed" in str(info.value)
    assert sorted(p.name for p in (out / "runs").rglob("*")) == before


def test_a_changed_point_without_its_stored_config_is_named_by_its_hash(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    (out / "points" / "p000.json").write_text("{", encoding="utf-8")  # damaged by hand
    change = {"base": {"network": {"synthetic": "county", "seed": 3},
                       "policy": {"name": "nearest_available"}}}  # fmt: skip
    with pytest.raises(ConfigError, match="design point p000 config hash [0-9a-f]{12} there"):
        run_experiment(make_spec(tmp_path, replications=1, **change), out, replicate=fake_replicate)


def test_changed_key_names_the_first_differing_leaf():
    from experiments.manifest import changed_key

    there = {"run": {"travel_noise": 0.1, "seed": 1}, "policy": {"name": "a"}}
    assert changed_key(there, there) is None
    assert changed_key(there, {**there, "run": {"travel_noise": 0.2, "seed": 1}}) == (
        "run.travel_noise", "0.1", "0.2")  # fmt: skip
    assert changed_key(there, {**there, "duty": {"receiving": "county"}}) == (
        "duty", "not set", '{"receiving": "county"}')  # fmt: skip
    assert changed_key(there, {**there, "policy": {"name": "甲"}})[2] == '"甲"'  # as written
    long = {**there, "stations": [{"name": f"Station {k}", "node": k} for k in range(20)]}
    shown = changed_key(there, long)[2]  # a whole table list would fill the error line
    assert len(shown) == 80 and shown.endswith("…") and shown.startswith('[{"name": "Station 0"')


def test_another_replication_function_is_another_experiment(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    with pytest.raises(ConfigError, match="replication function"):
        run_experiment(make_spec(tmp_path, replications=1), out, replicate=slow_fake_replicate)


def test_a_folder_of_other_files_is_refused(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(ConfigError, match="not an experiment folder"):
        run_experiment(make_spec(tmp_path), out, replicate=fake_replicate)
    assert (out / "thesis.tex").read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]


def test_manifest_records_hash_version_and_seed(tmp_path):
    spec = make_spec(tmp_path, replications=1)
    out = tmp_path / "out"
    run_experiment(spec, out, replicate=fake_replicate)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 99
    assert manifest["replicate"] == qualified_name(fake_replicate)
    from importlib.metadata import version

    assert manifest["package_version"] == version("yingji")
    assert [p["config_hash"] for p in manifest["points"]] == [p.config_hash for p in spec.points()]
    row = json.loads(ResultStore.open(out).summary_path("p002", 0).read_text())
    assert row["config_hash"] == spec.points()[2].config_hash and row["root_seed"] == 99


def test_csv_when_pyarrow_is_missing_holds_the_same_values(tmp_path, monkeypatch):
    spec = make_spec(tmp_path)
    a = read_table(run_experiment(spec, tmp_path / "pq", replicate=fake_replicate).summary)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    csv_run = run_experiment(spec, tmp_path / "csv", replicate=fake_replicate)
    assert csv_run.summary.suffix == ".csv"
    b = read_table(csv_run.summary)
    assert list(a) == list(b)
    for col, values in a.items():
        if isinstance(values[0], float):
            assert [float(x) for x in b[col]] == values  # repr round-trips exactly
        else:
            assert [str(x) for x in values] == b[col]


def test_parquet_requested_without_pyarrow_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ConfigError, match=r"yingji\[parquet\]"):
        write_table({"a": [1]}, tmp_path / "t", fmt="parquet")


def test_parquet_without_pyarrow_is_refused_before_any_replication(tmp_path, monkeypatch):
    calls = []

    def counting(config, *, replication, root_seed):
        calls.append(replication)
        return fake_replicate(config, replication=replication, root_seed=root_seed)

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ConfigError, match=r"--format: Parquet output needs pyarrow"):
        run_experiment(
            make_spec(tmp_path), tmp_path / "out", replicate=counting, table_format="parquet"
        )
    assert not calls and not (tmp_path / "out").exists()


def test_table_columns_keep_their_types(tmp_path):
    cols = {
        "i": [1, 2],
        "f": [0.1, float("nan")],
        "s": ["a", "b"],
        "mixed": [1, 2.5],
        "table": [{"name": "x"}, {"name": "y", "reserve": 1}],
    }
    t = read_table(write_table(cols, tmp_path / "t", fmt="parquet"))
    assert t["i"] == [1, 2] and t["s"] == ["a", "b"] and t["mixed"] == [1.0, 2.5]
    assert t["f"][0] == 0.1 and np.isnan(t["f"][1])
    assert t["table"] == ['{"name":"x"}', '{"name":"y","reserve":1}']
    c = read_table(write_table(cols, tmp_path / "t", fmt="csv"))
    assert c["f"] == ["0.1", "nan"] and c["mixed"] == ["1.0", "2.5"]
    assert not (tmp_path / "t.parquet").exists()  # the stale other format is removed


def test_records_are_kept_on_request_as_tidy_tables(tmp_path):
    spec = make_spec(tmp_path, replications=2)
    res = run_experiment(spec, tmp_path / "out", replicate=fake_replicate, records=True)
    assert [p.name for p in res.records] == ["incidents.parquet"]
    inc = read_table(res.records[0])
    points = spec.points()
    expect_rows = 0
    for p in points:
        for r in range(2):
            want = fake_replicate(p.config, replication=r, root_seed=99).records.incidents
            sel = [
                i
                for i in range(len(inc["point"]))
                if inc["point"][i] == p.index and inc["replication"][i] == r
            ]
            assert [inc["first_arrival"][i] for i in sel] == want["first_arrival"].tolist()
            assert [inc["reason"][i] for i in sel] == [str(x) for x in want["reason"]]
            expect_rows += len(want["id"])
    assert len(inc["point"]) == expect_rows
    # Asking for records later re-runs only replications that lack them.
    res2 = run_experiment(spec, tmp_path / "out", replicate=fake_replicate, records=True)
    assert res2.ran == 0


def test_a_user_error_inside_a_replication_names_point_and_replication(tmp_path):
    def broken(config, *, replication, root_seed):
        if replication == 1:
            raise ConfigError("station off the map", source="stations.csv", key="row 3")
        return fake_replicate(config, replication=replication, root_seed=root_seed)

    out = tmp_path / "out"
    with pytest.raises(ConfigError, match=r"replication 1: stations.csv: row 3: station off"):
        run_experiment(make_spec(tmp_path), out, replicate=broken)
    # Replications finished before the error are kept for the resume.
    assert ResultStore.open(out).done()


def test_progress_line_counts_points_and_replications():
    import io

    buf = io.StringIO()
    bar = Progress(total=4, points=2, per_point={0: 2, 1: 2}, stream=buf, enabled=True)
    for p in (0, 1, 0):
        bar.advance(p)
    assert bar.points_done() == 1
    text = bar.line(30.0)
    assert "3/4 replications" in text and "1/2 points" in text and "ETA 00:10" in text
    quiet = Progress(total=1, points=1, per_point={0: 1}, stream=io.StringIO())
    assert quiet.enabled is False  # a StringIO is not a terminal


def _runner_script(out: Path, replicate: str) -> str:
    return (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from experiments.batch import run_experiment\n"
        "from experiments.design import ExperimentSpec\n"
        f"from tests.experiments.test_experiment_batch import experiment_dict, {replicate}\n"
        "from pathlib import Path\n"
        f"spec = ExperimentSpec.from_dict(experiment_dict(replications=6), source='fake.toml',"
        f" base_dir=Path({str(out.parent)!r}))\n"
        f"run_experiment(spec, {str(out)!r}, replicate={replicate}, progress=False)\n"
    )


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path):
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _runner_script(out, "slow_fake_replicate")], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = list((out / "runs").rglob("r*.json")) if (out / "runs").exists() else []
            if len(runs) >= 5:
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    partial = len(list((out / "runs").rglob("r*.json")))
    assert 5 <= partial < 24
    assert not (out / "summary.parquet").exists()
    # Resume in this process, and compare with an uninterrupted run.
    spec = ExperimentSpec.from_dict(
        experiment_dict(replications=6), source="fake.toml", base_dir=tmp_path
    )
    res = run_experiment(spec, out, replicate=slow_fake_replicate)
    assert res.skipped == partial and res.ran == 24 - partial
    fresh = run_experiment(spec, tmp_path / "fresh", replicate=slow_fake_replicate)
    assert table_bytes(out) == table_bytes(fresh.out)
    assert len(read_table(find_summary(out))["point"]) == 24


def broken_replicate(config, *, replication: int, root_seed: int) -> FakeResult:
    """The fake, but severity-priority replication 1 is a user's mistake."""
    if replication == 1 and config.to_dict()["policy"]["name"] == "severity_priority":
        raise ConfigError("no such station", source="stations.csv", key="row 4")
    return fake_replicate(config, replication=replication, root_seed=root_seed)


def test_chunks_group_one_replication_on_one_network(tmp_path):
    from experiments.batch import plan_chunks

    points = make_spec(tmp_path).points()
    todo = [(r, p) for r in range(3) for p in points]
    chunks = plan_chunks(todo, tasks_wanted=4)
    assert sorted((r, p.index) for c in chunks for r, p in c) == sorted(
        (r, p.index) for r, p in todo
    )
    assert len(chunks) == 6
    for c in chunks:
        assert len({r for r, _ in c}) == 1 and len({p.config.network for _, p in c}) == 1
    assert [c[0][0] for c in chunks] == [0, 0, 1, 1, 2, 2]  # replication-major
    # Too few groups for the workers: split until every worker has work.
    one_net = make_spec(tmp_path, factors=[experiment_dict()["factors"][0]], baseline={})
    todo = [(0, p) for p in one_net.points()]
    assert [len(c) for c in plan_chunks(todo, tasks_wanted=4)] == [1, 1]
    assert [len(c) for c in plan_chunks(todo, tasks_wanted=1)] == [2]


def test_an_error_in_a_worker_keeps_the_rest_of_its_chunk_and_names_the_point(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match=r"design point p00[23] .*replication 1: stations.csv"):
        run_experiment(make_spec(tmp_path), out, replicate=broken_replicate, workers=2)
    done = ResultStore.open(out).done()
    # Nearest-available replication 1 ran in the same chunk before the failure, or alone.
    assert (0, 1) in done or (1, 1) in done
    assert not {(2, 1), (3, 1)} & done


def test_a_worker_with_another_version_is_refused(tmp_path, monkeypatch):
    import experiments.batch

    monkeypatch.setattr(experiments.batch, "package_version", lambda: "9.9.9")
    with pytest.raises(ConfigError, match="a worker runs yingji 9.9.9"):
        run_experiment(make_spec(tmp_path), tmp_path / "out", replicate=fake_replicate)
    assert not ResultStore.open(tmp_path / "out").done()


def test_dask_scheduler_address_gives_the_serial_table(tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = make_spec(tmp_path, replications=2)
    a = run_experiment(spec, tmp_path / "a", replicate=fake_replicate)
    # An in-process cluster reached over TCP stands for an existing (e.g. SLURM) one.
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
        dashboard_address=":0",
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        b = run_experiment(spec, tmp_path / "b", replicate=fake_replicate, dask=address)
    assert b.executor == f"dask {address}"
    assert a.summary.read_bytes() == b.summary.read_bytes()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 0}, "positive integer"),
        ({"workers": 2, "dask": "local:2"}, "either --workers or --dask"),
        ({"dask": "local:0"}, "local:N with N from 1 to 256"),
        ({"dask": "local:100000"}, "local:N with N from 1 to 256"),
        ({"workers": 10**6}, "--workers: must be at most 256"),
        ({"dask": "myhost:8786"}, "tcp://HOST:PORT or local:N"),
    ],
)
def test_bad_executor_options_are_config_errors(tmp_path, options, message):
    with pytest.raises(ConfigError, match=message):
        run_experiment(make_spec(tmp_path), tmp_path / "out", replicate=fake_replicate, **options)


def test_dask_without_the_extra_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"yingji\[dask\]") as info:
        run_experiment(make_spec(tmp_path), tmp_path / "out", replicate=fake_replicate,
                       dask="local:2")  # fmt: skip
    assert info.value.key == "--dask"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["unused", "tcp://", "tcp://127.0.0.1:99999"])
def test_an_unreachable_scheduler_is_refused_soon_with_nothing_written(
    tmp_path, monkeypatch, address
):
    pytest.importorskip("distributed")
    import socket

    import experiments.executors

    if address == "unused":
        with socket.socket() as sock:  # a port nobody listens on (once closed)
            sock.bind(("127.0.0.1", 0))
            address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setattr(experiments.executors, "DASK_CONNECT_TIMEOUT_S", 1)
    out = tmp_path / "out"
    t0 = time.monotonic()
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler") as info:
        run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, dask=address)
    assert time.monotonic() - t0 < 15
    assert info.value.key == "--dask"
    assert "\n" not in str(info.value)
    assert not out.exists(), "the folder was made before the scheduler answered"


def test_a_second_concurrent_run_into_one_folder_is_refused(tmp_path):
    from experiments.store import folder_lock

    out = tmp_path / "out"
    with folder_lock(out):
        with pytest.raises(ConfigError, match="another run is writing to this folder"):
            run_experiment(make_spec(tmp_path), out, replicate=fake_replicate)
    assert not (out / "manifest.json").exists()
    assert run_experiment(make_spec(tmp_path), out, replicate=fake_replicate).ran == 12


def test_changed_code_under_the_same_version_is_reported_on_resume(tmp_path, caplog):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["code_digest"] = "0" * 64  # as if made before an edit of an editable install
    (out / "manifest.json").write_text(json.dumps(manifest))
    caplog.clear()
    res = run_experiment(make_spec(tmp_path, replications=2), out, replicate=fake_replicate)
    (warning,) = [r for r in caplog.records if r.name == "experiments.store"]
    assert warning.levelname == "WARNING"
    assert "other code of yingji (same version)" in warning.getMessage()
    assert (res.ran, res.skipped) == (4, 4)
