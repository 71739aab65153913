"""A policy of one's own by import path in ``run``, experiments and ``site --evaluate``.

The worked example is ``examples/policies/seat_reserve.py`` with
``examples/custom_policy.toml`` and ``examples/custom_policy_experiment.toml``.
Worker processes import the module again, from the folder the config found it in.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from experiments.cli import main
from tests.conftest import REPO, read_csv

EXAMPLES = REPO / "examples"


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def own_folder(tmp_path_factory):
    """The example config and policy package copied under a name used nowhere else."""
    folder = tmp_path_factory.mktemp("mine")
    shutil.copytree(EXAMPLES / "policies", folder / "cp_policies")
    text = (EXAMPLES / "custom_policy.toml").read_text(encoding="utf-8")
    assert '"policies.seat_reserve:SeatReserve"' in text
    text = text.replace('"policies.seat_reserve:', '"cp_policies.seat_reserve:')
    (folder / "run.toml").write_text(text, encoding="utf-8")
    return folder


def test_run_with_two_workers_writes_the_same_bytes_as_one(own_folder, tmp_path):
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        args = ["run", str(own_folder / "run.toml"), "--out", str(out), "--no-plots"]
        assert main([*args, "--replications", "2", "--workers", str(workers)]) == 0
        outs.append(out)
    one, two = outs
    assert _files(one) == _files(two)
    for rel in _files(one):
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel
    assert '"name": "cp_policies.seat_reserve:SeatReserve"' in (one / "summary.json").read_text()
    # Reading the config left the policy package as it was (no __pycache__).
    assert sorted(p.name for p in (own_folder / "cp_policies").iterdir()) == [
        "__init__.py",
        "seat_reserve.py",
    ]


def test_a_policy_level_of_an_experiment_in_memory_equals_the_folder_with_two_workers(
    tmp_path, monkeypatch
):
    from experiments.batch import run_experiment
    from experiments.design import ExperimentSpec

    spec = ExperimentSpec.from_file(EXAMPLES / "custom_policy_experiment.toml")
    levels = [dict(p.values)["policy"]["name"] for p in spec.points()]
    assert levels == ["nearest_available", "policies.seat_reserve:SeatReserve"]
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    memory = run_experiment(spec, progress=False)
    assert list(here.iterdir()) == []  # nothing written, not even a lock file
    assert memory.out is None and memory.summary is None and memory.records == ()
    disk = run_experiment(spec, tmp_path / "exp", workers=2, progress=False)
    on_disk = pd.read_parquet(disk.summary)
    pd.testing.assert_frame_equal(memory.table, on_disk)
    assert memory.table["point_id"].tolist() == ["p000", "p000", "p001", "p001"]
    # The two policies met the same incidents (common random numbers) and answered differently.
    t = memory.table.set_index(["point_id", "replication"])
    assert t.loc["p000", "incidents"].tolist() == t.loc["p001", "incidents"].tolist()
    metrics = [c for c in t.columns if c.startswith(("intervals_", "utilisation_"))]
    assert not t.loc["p000", metrics].equals(t.loc["p001", metrics])


def test_site_evaluate_runs_a_policy_by_import_path(own_folder, tmp_path):
    # With nothing held back the example is nearest-available: the same paired evaluation.
    siting = (EXAMPLES / "siting.toml").read_text(encoding="utf-8")
    assert '[policy]\nname = "nearest_available"\n' in siting
    mine = siting.replace(
        '[policy]\nname = "nearest_available"\n',
        '[policy]\nname = "cp_policies.seat_reserve:SeatReserve"\nreserve = 0\n',
    )
    (own_folder / "siting.toml").write_text(mine, encoding="utf-8")
    shutil.copy(EXAMPLES / "siting.toml", tmp_path / "siting.toml")
    rows = []
    for cfg, out in ((own_folder / "siting.toml", "a"), (tmp_path / "siting.toml", "b")):
        args = ["site", str(cfg), "--task", "stations", "--out", str(tmp_path / out)]
        assert main([*args, "--evaluate", "2", "--no-plots"]) == 0
        rows.append(read_csv(tmp_path / out / "stations" / "evaluation.csv"))
    assert rows[0] == rows[1] and len(rows[0]) > 3
