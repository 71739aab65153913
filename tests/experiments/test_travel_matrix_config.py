"""``[travel] matrix`` of a run config: read, checked with the region, used by the runs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.runner import run_replication, travel_matrix
from networks.errors import ConfigError
from tests.conftest import REPO

_BASE = """
name = "od"
[network]
synthetic = "county"
seed = 0
[scenario]
name = "multi_hazard"
[run]
horizon_min = 600
"""


def _config(tmp_path, rows: str, *, extra: str = "") -> RunConfig:
    (tmp_path / "od.csv").write_text("origin,destination,minutes,minutes_back\n" + rows)
    toml = tmp_path / "run.toml"
    toml.write_text(_BASE + '[travel]\nmatrix = "od.csv"\n' + extra)
    return RunConfig.from_file(toml)


def test_the_config_reads_the_matrix_and_the_runs_use_it(tmp_path):
    cfg = _config(tmp_path, "City Station,0,3,4\nCity Depot,5,7,\n")
    assert cfg.travel_matrix == tmp_path / "od.csv"
    assert RunConfig.from_dict(cfg.to_dict(), source="x").travel_matrix == cfg.travel_matrix
    region = cfg.region()
    m = travel_matrix(region)
    assert m.station.tolist() == [0] and m.seconds.tolist() == [180.0]
    assert m.seconds_back.tolist() == [240.0]
    assert m.depot.tolist() == [0] and m.depot_seconds.tolist() == [420.0]
    assert run_replication(cfg, replication=0, region=region).summary["incidents"] > 0


def test_without_a_matrix_the_region_has_none(tmp_path):
    toml = tmp_path / "run.toml"
    toml.write_text(_BASE)
    cfg = RunConfig.from_file(toml)
    assert cfg.travel_matrix is None and travel_matrix(cfg.region()) is None


def test_a_missing_matrix_file_names_the_key(tmp_path):
    toml = tmp_path / "run.toml"
    toml.write_text(_BASE + '[travel]\nmatrix = "nope.csv"\n')
    with pytest.raises(ConfigError, match=r"travel\.matrix: no such file"):
        RunConfig.from_file(toml)
    toml.write_text(_BASE + "[travel]\nspeed = 3\n")
    with pytest.raises(ConfigError, match="speed"):
        RunConfig.from_file(toml)


def test_another_siting_keeps_only_the_rows_of_its_facilities(tmp_path):
    import dataclasses

    region = _config(tmp_path, "City Station,0,3,4\nXiba Station,1,2,2\n").region()
    moved = dataclasses.replace(region, stations=region.stations[2:])
    m = travel_matrix(moved)
    assert m.station.tolist() == [0] and np.asarray(m.station_node).tolist() == [1]


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ("No Such Station,0,3,\n", "row 2, column origin"),
        ("City Station,999999,3,\n", "row 2, column destination"),
        ("City Station,0,3,\nCity Station,1,-2,\n", "row 3, column minutes"),
        ("City Station,0,3,nan\n", "row 2, column minutes_back"),
    ],
)
def test_yingji_run_refuses_a_bad_matrix_and_writes_nothing(tmp_path, rows, where):
    (tmp_path / "od.csv").write_text("origin,destination,minutes,minutes_back\n" + rows)
    toml = tmp_path / "run.toml"
    toml.write_text(_BASE + '[travel]\nmatrix = "od.csv"\n')
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", str(toml), "--out", str(out), "--no-plots"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"yingji: error: {tmp_path / 'od.csv'}: {where}: "
    ), lines
    assert not out.exists()
