"""A script that runs an experiment with workers > 1 needs ``if __name__ == "__main__":``.

Spawned workers re-run the script's top level first; unguarded, each used to
start the whole run again on the same folder ("another run is writing to this
folder"), and later each printed a traceback. ``run_experiment`` now refuses
in the parent before any worker starts, a worker that gets there anyway stops
with one line, a lost worker is one line too, and the docs example is guarded.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments.batch import run_experiment
from experiments.worker_guard import WorkerLost
from networks import i18n
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

REPO = Path(__file__).resolve().parents[2]
GUARD_HINT = 'under if __name__ == "__main__":'


def _script(out: Path, *, guarded: bool, in_function: bool = False) -> str:
    body = [
        "spec = ExperimentSpec.from_dict(experiment_dict(replications=2), source='fake.toml',"
        f" base_dir=Path({str(out.parent)!r}))",
        f"res = run_experiment(spec, {str(out)!r}, replicate=fake_replicate, workers=2,"
        " progress=False)",
        "print('ran', res.ran)",
    ]
    if in_function:  # the call inside a function the top level calls
        body = ["def main():"] + ["    " + line for line in body] + ["main()"]
    if guarded:
        body = ['if __name__ == "__main__":'] + ["    " + line for line in body]
    head = [
        "from pathlib import Path",
        "from experiments.batch import run_experiment",
        "from experiments.design import ExperimentSpec",
        "from tests.experiments.test_experiment_batch import experiment_dict, fake_replicate",
    ]
    return "\n".join(head + body) + "\n"


def _run_script(
    tmp_path: Path, *, guarded: bool, in_function: bool = False
) -> subprocess.CompletedProcess[str]:
    # A file, not ``-c``: spawn re-runs the main module only when it has a path.
    path = tmp_path / ("guarded.py" if guarded else "unguarded.py")
    text = _script(tmp_path / "out", guarded=guarded, in_function=in_function)
    path.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "YINGJI_LANG": "en"}
    return subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("in_function", [False, True], ids=["top-level", "in-a-function"])
def test_an_unguarded_script_is_refused_once_before_any_worker_starts(tmp_path, in_function):
    proc = _run_script(tmp_path, guarded=False, in_function=in_function)
    assert proc.returncode != 0
    assert "another run is writing to this folder" not in proc.stderr
    # The script's own traceback only: no worker started, so none printed one.
    assert proc.stderr.count("Traceback") == 1, proc.stderr
    assert "spawn" not in proc.stderr and "BrokenProcessPool" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("networks.errors.ConfigError: workers:"), last
    assert GUARD_HINT in last and "top level" in last
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("in_function", [False, True], ids=["top-level", "in-a-function"])
def test_the_same_script_under_the_guard_runs_with_two_workers(tmp_path, in_function):
    proc = _run_script(tmp_path, guarded=True, in_function=in_function)
    assert proc.returncode == 0, proc.stderr
    assert "ran 8" in proc.stdout  # 4 points x 2 replications, all in the workers


def test_a_worker_re_running_the_script_stops_with_one_line_before_writing(
    tmp_path, monkeypatch, capsys
):
    # What a spawned worker looks like while it re-runs its parent's script.
    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop, i18n.language("en"):
        run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, workers=2)
    assert stop.value.code == 2  # SystemExit: the worker prints no traceback
    err = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert len(err) == 1 and err[0].startswith("yingji: error: workers:")
    assert GUARD_HINT in err[0]
    assert not out.exists()
    # One process starts no worker, so nothing re-runs the script: allowed.
    res = run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    assert res.ran == 12


def test_the_docs_python_example_calls_the_runner_under_the_guard():
    text = (REPO / "docs" / "experiments.md").read_text(encoding="utf-8")
    section = text[text.index("## From Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    tree = ast.parse(code)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "run_experiment"
    ]
    assert calls, "the example no longer calls run_experiment"
    guards = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
    ]
    guarded = {id(n) for g in guards for n in ast.walk(g)}
    assert all(id(c) in guarded for c in calls)


def dying_replicate(config, *, replication: int, root_seed: int):
    """A replicate whose worker dies on replication 1 while ``YINGJI_TEST_DIE`` is set.

    As the kernel's out-of-memory killer would kill it.
    """
    if replication == 1 and os.environ.get("YINGJI_TEST_DIE"):
        time.sleep(1.0)  # replication 0 (a few milliseconds) comes back and is stored first
        os._exit(9)
    return fake_replicate(config, replication=replication, root_seed=root_seed)


def test_a_lost_worker_is_one_line_and_the_stored_replications_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("YINGJI_TEST_DIE", "1")  # the spawned workers inherit it
    out = tmp_path / "out"
    spec = make_spec(tmp_path, replications=2)
    with pytest.raises(WorkerLost) as lost, i18n.language("en"):
        run_experiment(spec, out, replicate=dying_replicate, workers=2, progress=False)
    assert "\n" not in str(lost.value) and "same command runs the rest" in str(lost.value)
    assert lost.value.__cause__ is None and lost.value.__suppress_context__
    # The folder is a resumable run: the replications that came back are there.
    monkeypatch.delenv("YINGJI_TEST_DIE")
    res = run_experiment(spec, out, replicate=dying_replicate, progress=False)
    assert res.ran + res.skipped == 8 and res.ran < 8


def test_the_command_line_reports_a_lost_worker_in_one_line_with_status_1(
    tmp_path, monkeypatch, capsys
):
    from experiments import cli
    from experiments.worker_guard import lost_message

    def lose(*_args, **_kw):
        raise WorkerLost(lost_message())

    monkeypatch.setattr("experiments.batch.run_experiment", lose)
    spec = REPO / "examples" / "experiment.toml"
    status = cli.main(["--lang", "zh", "experiment", "run", str(spec), "--out",
                       str(tmp_path / "o"), "--workers", "2"])  # fmt: skip
    err = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert status == 1
    assert len(err) == 1 and err[0].startswith("yingji：错误：") and "工作进程" in err[0]


@pytest.mark.parametrize(
    ("text", "guarded", "open_"),
    [
        ('def main():\n    pass\nif __name__ == "__main__":\n    main()\n', {4}, set()),
        ('MAIN = __name__ == "__main__"\nif MAIN:\n    run()\n', {3}, set()),
        ('match __name__:\n    case "__main__":\n        run()\n', {3}, set()),
        ('if __name__ != "__main__":\n    run()\nelse:\n    ok()\n', {4}, {2}),
        ('if not __name__ != "__main__":\n    run()\n', {2}, set()),
        ("run()\n", set(), {1}),
    ],
    ids=["guard", "flag", "match", "not-equal", "not-not-equal", "bare"],
)
def test_the_guard_is_read_from_the_tests_of_name(tmp_path, text, guarded, open_):
    from experiments.worker_guard import _guarded_lines

    path = tmp_path / "s.py"
    path.write_text(text, encoding="utf-8")
    lines = _guarded_lines(str(path))
    assert guarded <= lines and not (open_ & lines)


def test_run_replications_from_an_unguarded_script_is_refused_before_workers_start(tmp_path):
    path = tmp_path / "rr.py"
    path.write_text(
        "from experiments.config import RunConfig\n"
        "from experiments.replicate_parallel import run_replications\n"
        f"cfg = RunConfig.from_file({str(REPO / 'examples' / 'county.toml')!r})\n"
        "run_replications(cfg, replications=2, workers=2, progress=False)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "YINGJI_LANG": "en"}
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode != 0 and proc.stderr.count("Traceback") == 1, proc.stderr
    assert "spawn" not in proc.stderr and GUARD_HINT in proc.stderr.strip().splitlines()[-1]


def test_a_lost_worker_outside_an_experiment_says_nothing_was_kept():
    from experiments.executors import open_executor, plan_executor

    with pytest.raises(WorkerLost) as lost, i18n.language("en"):
        with open_executor(plan_executor(workers=2)) as (pool, _n):
            pool.submit(os._exit, 9).result()
    assert "nothing of this run was written" in str(lost.value)
