"""What a resumed output folder remembers: the code states that made it, and its records."""

from __future__ import annotations

import json
import logging
import shutil
from unittest import mock

import pytest

import experiments.manifest as manifest_module
from experiments.batch import run_experiment
from experiments.store import ResultStore, read_table
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

POINTS = 4  # the fake experiment's design: 2 policies x 2 township counts


def _run(tmp_path, replications: int, code: str, **kw):
    """Run the fake experiment into ``out`` as if yingji's code were in state ``code``."""
    spec = make_spec(tmp_path, replications=replications)
    with mock.patch.object(manifest_module, "code_digest", lambda: code * 64):
        return run_experiment(spec, tmp_path / "out", replicate=fake_replicate, **kw)


def _manifest(tmp_path) -> dict:
    return json.loads((tmp_path / "out" / "manifest.json").read_text())


def _warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "experiments.store" and r.levelno == logging.WARNING
    ]


def test_every_resume_with_mixed_code_warns_and_the_folder_keeps_its_first_digest(tmp_path, caplog):
    _run(tmp_path, 1, "A")
    caplog.clear()
    _run(tmp_path, 2, "B")
    assert len(_warnings(caplog)) == 1 and "code_digests" in _warnings(caplog)[0]
    m = _manifest(tmp_path)
    assert m["code_digest"] == "A" * 64  # the folder's own, not overwritten by the resume
    assert m["code_digests"] == [
        {"code_digest": "A" * 64, "replications": POINTS},
        {"code_digest": "B" * 64, "replications": POINTS},
    ]
    # Code B again: the folder still holds code A's results, so it still says so.
    caplog.clear()
    _run(tmp_path, 3, "B")
    assert len(_warnings(caplog)) == 1
    assert [s["replications"] for s in _manifest(tmp_path)["code_digests"]] == [POINTS, 2 * POINTS]
    # Back to code A: code B's results are there.
    caplog.clear()
    res = _run(tmp_path, 3, "A")
    assert res.ran == 0 and len(_warnings(caplog)) == 1
    states = _manifest(tmp_path)["code_digests"]
    assert [s["code_digest"][0] for s in states] == ["A", "B", "A"]
    assert [s["replications"] for s in states] == [POINTS, 2 * POINTS, 0]
    assert _manifest(tmp_path)["code_digest"] == "A" * 64


def test_a_run_stopped_before_its_end_is_counted_when_the_folder_is_next_opened(tmp_path):
    _run(tmp_path, 1, "A")
    with mock.patch.object(ResultStore, "count_code_states", lambda self: None):
        _run(tmp_path, 2, "B")  # as if killed after its last replication
    assert _manifest(tmp_path)["code_digests"][1]["replications"] == 0
    _run(tmp_path, 3, "C")
    states = _manifest(tmp_path)["code_digests"]
    assert [(s["code_digest"][0], s["replications"]) for s in states] == [
        ("A", POINTS),
        ("B", POINTS),
        ("C", POINTS),
    ]


def test_one_code_state_adds_nothing_and_says_nothing(tmp_path, caplog):
    _run(tmp_path, 1, "A")
    first = (tmp_path / "out" / "manifest.json").read_bytes()
    caplog.clear()
    res = _run(tmp_path, 1, "A")
    assert res.ran == 0 and not _warnings(caplog)
    assert (tmp_path / "out" / "manifest.json").read_bytes() == first
    assert "code_digests" not in _manifest(tmp_path)


@pytest.mark.parametrize("bad", [[], [{"code_digest": 3, "replications": 1}], "A", [None]])
def test_a_damaged_list_of_code_states_starts_again_from_the_folder_digest(tmp_path, bad):
    _run(tmp_path, 1, "A")
    m = _manifest(tmp_path)
    m["code_digests"] = bad
    (tmp_path / "out" / "manifest.json").write_text(json.dumps(m))
    _run(tmp_path, 2, "B")
    states = _manifest(tmp_path)["code_digests"]
    assert [(s["code_digest"][0], s["replications"]) for s in states] == [
        ("A", POINTS),
        ("B", POINTS),
    ]


def _record_replications(tmp_path) -> list[int]:
    table = read_table(next((tmp_path / "out" / "records").glob("incidents.*")))
    return sorted(set(table["replication"]))


def test_a_folder_with_records_keeps_recording_without_the_option(tmp_path, caplog):
    _run(tmp_path, 1, "A", records=True)
    caplog.set_level(logging.INFO, logger="experiments.batch")
    res = _run(tmp_path, 3, "A")  # --records forgotten on the resume
    assert res.ran == 2 * POINTS and res.records
    # records/ covers every replication of the summary, not only the first run's.
    assert _record_replications(tmp_path) == [0, 1, 2]
    summary = read_table(res.summary)
    assert sorted(set(summary["replication"])) == [0, 1, 2]
    notes = [r.getMessage() for r in caplog.records if r.name == "experiments.batch"]
    assert any("--records" in n for n in notes)


def test_a_folder_with_records_redoes_replications_that_lack_them(tmp_path):
    # A folder made before records were kept up: records/ of replication 0 only, and
    # replication 1 without its archives, as a resume used to leave it.
    out = tmp_path / "out"
    _run(tmp_path, 1, "A", records=True)
    kept = (out / "records").rename(tmp_path / "records")
    _run(tmp_path, 2, "A")  # records replication 1 too: the folder keeps recording
    for npz in out.glob("runs/*/r00001.npz"):
        npz.unlink()
    shutil.rmtree(out / "records")
    kept.rename(out / "records")
    res = _run(tmp_path, 2, "A")
    assert res.ran == POINTS and _record_replications(tmp_path) == [0, 1]


def test_a_folder_without_records_stays_without(tmp_path):
    _run(tmp_path, 1, "A")
    res = _run(tmp_path, 2, "A")
    assert res.records == () and not (tmp_path / "out" / "records").exists()
    assert not list((tmp_path / "out" / "runs").rglob("*.npz"))
