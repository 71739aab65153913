"""A long-lived Dask cluster: each run uses its own files, and leaves none behind.

A cluster started once (``dask scheduler`` and ``dask worker``, dask-jobqueue) serves
run after run. A worker must run the policy code each run sent it, not the package of
that name it imported for an earlier run (an edited helper, another project's
``policies``), and must not keep every run's input files until it ends.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from experiments import task_inputs
from experiments.config import RunConfig
from experiments.replicate_parallel import run_replications
from experiments.task_inputs import KEEP_IDLE, InputShipper, _forget, run_shipped
from tests.experiments.test_remote_inputs import make_project


@pytest.fixture(scope="module")
def graphml(tmp_path_factory) -> Path:
    """A small county saved as a road file."""
    from networks import synthetic_county
    from networks.graphml import save_graphml

    path = tmp_path_factory.mktemp("net") / "county.graphml"
    save_graphml(synthetic_county(seed=0, townships=3, villages=20, grid=6), path)
    return path


@pytest.fixture(scope="module")
def cluster():
    """One worker process that outlives the runs, as on a shared cluster."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as c:
        yield c.scheduler_address


def _worker_state(address: str) -> list:
    """What the worker process keeps: its run folders and the runs it has written files of."""
    from distributed import Client

    def state() -> tuple[list[str], list[str]]:
        from experiments import task_inputs as ti

        folders = sorted(p.name for p in ti._FOLDER[0].iterdir()) if ti._FOLDER else []
        return folders, sorted(ti._WRITTEN)

    with Client(address, timeout=10) as client:
        return list(client.run(state).values())


def test_a_worker_runs_the_policy_files_of_this_run_not_an_earlier_one(cluster, graphml, tmp_path):
    project, pkg = make_project(tmp_path / "a", graphml)
    first = run_replications(
        RunConfig.from_file(project / "run.toml"), replications=1, dask=cluster
    )
    # Edited, or another project's package of the same name: its helper says otherwise.
    shutil.copytree(project, tmp_path / "b")
    (tmp_path / "b" / pkg / "helper.py").write_text('SEAT = "East"\n')
    edited = RunConfig.from_file(tmp_path / "b" / "run.toml")
    second = run_replications(edited, replications=1, dask=cluster)
    # The same code under a name no process has imported: what a new worker would run.
    fresh, fresh_pkg = make_project(tmp_path / "c", graphml)
    (fresh / fresh_pkg / "helper.py").write_text('SEAT = "East"\n')
    expected = run_replications(RunConfig.from_file(fresh / "run.toml"), replications=1)
    assert [r.summary for r in expected] != [r.summary for r in first]  # the helper matters
    assert [r.summary for r in second] == [r.summary for r in expected]
    # Nothing of either run is left on the worker.
    assert _worker_state(cluster) == [([], [])]


def _trivial(config: RunConfig) -> str:
    """A task that only looks at where its scenario file is."""
    return config.scenario


def test_a_run_s_folder_goes_as_the_run_ends_or_once_its_last_task_does(tmp_path, graphml):
    project, _pkg = make_project(tmp_path / "proj", graphml)
    config = RunConfig.from_file(project / "run.toml")
    ship = InputShipper([config], put=lambda data: data)
    scenario = Path(run_shipped(ship.payload((config,)), _trivial, config))
    folder = task_inputs._FOLDER[0] / ship.token[:16]
    assert folder in scenario.parents and folder.is_dir()
    _forget(ship.token)
    assert not folder.exists() and ship.token not in task_inputs._WRITTEN

    def ended_while_running(c: RunConfig) -> bool:
        _forget(ship.token)  # the run ends (an error elsewhere) while this task still runs
        return Path(c.scenario).is_file()

    assert run_shipped(ship.payload((config,)), ended_while_running, config)
    assert not folder.exists() and ship.token not in task_inputs._WRITTEN


def test_a_worker_keeps_few_folders_of_runs_that_never_said_they_ended(tmp_path, graphml):
    project, _pkg = make_project(tmp_path / "proj", graphml)
    config = RunConfig.from_file(project / "run.toml")
    tokens = []
    for _run in range(KEEP_IDLE + 3):  # clients stopped before they could say so
        ship = InputShipper([config], put=lambda data: data)
        run_shipped(ship.payload((config,)), _trivial, config)
        tokens.append(ship.token)
    kept = [t for t in tokens if (task_inputs._FOLDER[0] / t[:16]).exists()]
    assert kept == tokens[-KEEP_IDLE:]  # the last runs used, each still whole
    assert set(task_inputs._WRITTEN) & set(tokens) == set(kept)
