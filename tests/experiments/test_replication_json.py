"""Replication files are valid JSON, and undefined metrics still read back as nan.

``runs/pNNN/rNNNNN.json`` stores an undefined metric (nan) as ``null``; every
reader (resume, the summary table, the analysis tables, the report) gets nan
back, and folders written before, whose files hold bare ``NaN`` tokens, still
resume and report.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from experiments.analysis import numeric_metrics
from experiments.batch import run_experiment
from experiments.report import write_report
from experiments.store import ResultStore, read_table
from tests.experiments.test_experiment_batch import fake_replicate, make_spec


def nan_replicate(config, *, replication: int, root_seed: int):
    """The fake with ``late_mean``, undefined (nan) in even replications."""
    res = fake_replicate(config, replication=replication, root_seed=root_seed)
    res.summary["late_mean"] = math.nan if replication % 2 == 0 else res.summary["arrival_mean"]
    return res


def _refuse(token: str) -> None:
    raise ValueError(f"not JSON: {token}")


def _strict(path: Path) -> dict:
    """A file read as strict JSON (NaN/Infinity are refused, as browsers and jq -e do)."""
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse)


def _run(tmp_path: Path, replications: int) -> Path:
    spec = make_spec(tmp_path, replications=replications, metrics=["arrival_mean", "late_mean"])
    run_experiment(spec, tmp_path / "out", replicate=nan_replicate, progress=False)
    return tmp_path / "out"


def _late(out: Path) -> dict[tuple[int, int], float]:
    return {(r.point, r.replication): r.summary["late_mean"] for r in ResultStore.open(out).rows()}


def _check_nan_read_back(out: Path, replications: int) -> None:
    """Every reader sees nan exactly in the even replications, numbers elsewhere."""
    store = ResultStore.open(out)
    rows = store.rows()
    assert len(rows) == 4 * replications
    assert "late_mean" in numeric_metrics(rows)
    for (_, r), v in _late(out).items():
        assert math.isnan(v) == (r % 2 == 0)
    table = read_table(store.write_summary())
    late = np.asarray(table["late_mean"], dtype=float)
    assert np.array_equal(np.isnan(late), np.asarray(table["replication"]) % 2 == 0)
    write_report(out)
    points = read_table(out / "analysis" / "points.csv")
    n = [int(n) for m, n in zip(points["metric"], points["n"], strict=True) if m == "late_mean"]
    assert n == [replications // 2] * 4  # only the defined (odd) replications count


def test_replication_files_are_strict_json_with_null(tmp_path):
    out = _run(tmp_path, 2)
    files = sorted(out.glob("runs/*/r*.json"))
    assert len(files) == 8
    for f in files:
        data = _strict(f)
        late = data["summary"]["late_mean"]
        assert (late is None) == (data["replication"] % 2 == 0)
    _check_nan_read_back(out, 2)


def test_old_folder_with_nan_tokens_resumes_and_reports(tmp_path):
    out = _run(tmp_path, 2)
    # Rewrite the files as before the fix: bare NaN tokens.
    for f in out.glob("runs/*/r*.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        data["summary"] = {k: math.nan if v is None else v for k, v in data["summary"].items()}
        f.write_text(json.dumps(data, indent=1, allow_nan=True) + "\n", encoding="utf-8")
    assert "NaN" in (out / "runs" / "p000" / "r00000.json").read_text(encoding="utf-8")
    before = {f: f.read_bytes() for f in out.glob("runs/*/r*.json")}
    # Resume to 4 replications: the old files count as done (kept as they are).
    spec = make_spec(tmp_path, replications=4, metrics=["arrival_mean", "late_mean"])
    res = run_experiment(spec, out, replicate=nan_replicate, progress=False)
    assert (res.ran, res.skipped) == (8, 8)
    assert all(f.read_bytes() == b for f, b in before.items())
    for f in set(out.glob("runs/*/r*.json")) - set(before):
        _strict(f)
    _check_nan_read_back(out, 4)
