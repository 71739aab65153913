"""A script that runs an experiment with workers > 1 needs ``if __name__ == "__main__":``.

Spawned workers re-run the script's top level first; unguarded, each used to
start the whole run again on the same folder ("another run is writing to this
folder"). ``run_experiment`` now says what is wrong, and the docs example is
guarded.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.batch import run_experiment
from networks.errors import ConfigError
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

REPO = Path(__file__).resolve().parents[2]
GUARD_HINT = 'under if __name__ == "__main__":'


def _script(out: Path, *, guarded: bool) -> str:
    body = [
        "spec = ExperimentSpec.from_dict(experiment_dict(replications=2), source='fake.toml',"
        f" base_dir=Path({str(out.parent)!r}))",
        f"res = run_experiment(spec, {str(out)!r}, replicate=fake_replicate, workers=2,"
        " progress=False)",
        "print('ran', res.ran)",
    ]
    if guarded:
        body = ['if __name__ == "__main__":'] + ["    " + line for line in body]
    head = [
        "from pathlib import Path",
        "from experiments.batch import run_experiment",
        "from experiments.design import ExperimentSpec",
        "from tests.experiments.test_experiment_batch import experiment_dict, fake_replicate",
    ]
    return "\n".join(head + body) + "\n"


def _run_script(tmp_path: Path, *, guarded: bool) -> subprocess.CompletedProcess[str]:
    # A file, not ``-c``: spawn re-runs the main module only when it has a path.
    path = tmp_path / ("guarded.py" if guarded else "unguarded.py")
    path.write_text(_script(tmp_path / "out", guarded=guarded), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "YINGJI_LANG": "en"}
    return subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unguarded_script_gets_the_guard_error_not_the_folder_lock(tmp_path):
    proc = _run_script(tmp_path, guarded=False)
    assert proc.returncode != 0
    assert "another run is writing to this folder" not in proc.stderr
    refusals = [line for line in proc.stderr.splitlines() if line.startswith("networks.errors")]
    assert refusals, proc.stderr
    assert all(GUARD_HINT in line and "workers" in line for line in refusals), refusals


def test_the_same_script_under_the_guard_runs_with_two_workers(tmp_path):
    proc = _run_script(tmp_path, guarded=True)
    assert proc.returncode == 0, proc.stderr
    assert "ran 8" in proc.stdout  # 4 points x 2 replications, all in the workers


def test_the_refusal_comes_before_anything_is_written(tmp_path, monkeypatch):
    # What a spawned worker looks like while it re-runs its parent's script.
    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match=re.escape(GUARD_HINT)):
        run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, workers=2)
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
