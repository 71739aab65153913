"""A folder started with ``--records`` keeps recording on every resume, however early it died.

The manifest says ``"records": true`` from the first moment, so a run killed
before any replication finished (no ``records/``, no archives yet) and resumed
without ``--records`` still records every replication.
"""

from __future__ import annotations

import json

import pytest

from experiments.batch import run_experiment
from experiments.store import ResultStore, records_ok
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

#: Replications still to fail in :func:`dying_replicate` (a kill before the first finish).
FAILS = {"left": 0}


def dying_replicate(config, *, replication: int, root_seed: int):
    """:func:`fake_replicate`, but the first calls die (the same function name on resume)."""
    if FAILS["left"] > 0:
        FAILS["left"] -= 1
        raise KeyboardInterrupt
    return fake_replicate(config, replication=replication, root_seed=root_seed)


def _archives(out) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.glob("runs/*/r*.npz"))


def test_a_records_run_killed_before_its_first_finish_keeps_recording(tmp_path):
    spec = make_spec(tmp_path, replications=2)
    out = tmp_path / "out"
    FAILS["left"] = 1
    with pytest.raises(KeyboardInterrupt):
        run_experiment(spec, out, replicate=dying_replicate, records=True, progress=False)
    assert not list(out.glob("runs/*/r*.json")) and not (out / "records").exists()
    assert json.loads((out / "manifest.json").read_text())["records"] is True
    res = run_experiment(spec, out, replicate=dying_replicate, progress=False)  # no --records
    assert res.ran == 8 and res.records
    store = ResultStore.open(out)
    assert len(_archives(out)) == 8
    assert all(records_ok(store.records_path(p.id, r)) for p in store.points for r in (0, 1))
    assert store.manifest["records"] is True


def test_a_folder_from_before_the_flag_keeps_recording_by_its_archives(tmp_path):
    spec = make_spec(tmp_path, replications=1)
    out = tmp_path / "out"
    run_experiment(spec, out, replicate=fake_replicate, records=True, progress=False)
    # As an older yingji left a --records run killed before its end: archives only.
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["records"]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for p in (out / "records").iterdir():
        p.unlink()
    (out / "records").rmdir()
    res = run_experiment(make_spec(tmp_path, replications=2), out, replicate=fake_replicate)
    assert res.records and len(_archives(out)) == 8


def test_a_folder_without_records_gets_no_flag(tmp_path):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path, replications=1), out, replicate=fake_replicate)
    assert "records" not in json.loads((out / "manifest.json").read_text())
