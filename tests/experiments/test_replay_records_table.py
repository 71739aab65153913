"""A run's records/incidents table replays as it is; on_scene is a time; columns are named.

Also the printed table keeps a space between a wide number and its interval.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.replay import read_replay_log
from experiments.replay.compare import QuantileRow
from experiments.replay.outputs import format_replay
from experiments.replay.simulate import ReplayResult
from experiments.runner import run_replication
from experiments.tables import write_table
from networks.errors import ConfigError
from scenarios import load_catalogue

CONFIG = """[network]
synthetic = "county"
townships = 4
villages = 16
grid = 8
seed = 3
[scenario]
name = "multi_hazard"
[run]
seed = 5
horizon_min = 2880
"""


def run_records(folder: Path, names: tuple[str, ...] = ("incidents",)):
    """Replication 0 of :data:`CONFIG` in ``folder`` and the tables ``names`` as yingji writes them.

    Returns the config, its region, the run's records and the written paths by name.
    """
    (folder / "run.toml").write_text(CONFIG, encoding="utf-8")
    cfg = RunConfig.from_file(folder / "run.toml")
    region = cfg.region()
    records = run_replication(cfg, replication=0, region=region).records
    tables = records.tables()
    paths = {k: write_table(tables[k], folder / k, fmt="csv") for k in names}
    return cfg, region, records, paths


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A run's records as yingji writes them (records/rep-000/incidents.csv), and the run."""
    _cfg, region, records, paths = run_records(tmp_path_factory.mktemp("records"))
    return paths["incidents"], records.incidents, region


def _rewrite(src: Path, dst: Path, change) -> Path:
    with src.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    rows = [change(dict(r)) for r in rows]
    with dst.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return dst


def test_a_records_table_replays_with_its_own_times_and_the_catalogues_teams(written):
    path, inc, region = written
    assert {"call", "on_scene", "teams_needed", "served"} <= set(inc)
    assert (inc["teams_needed"] > 1).any()  # a count that must not become lead-capability teams
    log = read_replay_log(path, region.network)
    order = np.argsort(inc["call"], kind="stable")
    assert len(log) == len(order)
    for col in ("call", "call_taken", "first_arrival", "under_control"):
        np.testing.assert_array_equal(log.times[col], inc[col][order].astype(float), err_msg=col)
    tmpl = log.incidents.template
    base = load_catalogue().requirements()
    teams = [tmpl.requirements[k].teams for k in tmpl.requirement]
    want = [base[k].teams for k in tmpl.requirement]
    assert teams == want and np.array_equal(tmpl.node, inc["node"][order])


def test_on_scene_holding_minutes_of_work_is_refused_not_read_as_work(written, tmp_path):
    path, _, region = written

    def work(r):
        r["on_scene"] = "25" if r["first_arrival"] else ""
        return r

    with pytest.raises(ConfigError, match="control_work") as err:
        read_replay_log(_rewrite(path, tmp_path / "work.csv", work), region.network)
    assert err.value.key.endswith("column on_scene")


def test_call_and_time_together_are_refused(written, tmp_path):
    path, _, region = written
    both = _rewrite(path, tmp_path / "both.csv", lambda r: {"time": r["call"], **r})
    with pytest.raises(ConfigError, match="give time or call, not both"):
        read_replay_log(both, region.network)


@pytest.mark.parametrize(
    ("header", "near"),
    [("first_arival", "first_arrival"), ("under_controll", "under_control"), ("到场时间", None)],
)
def test_an_unknown_column_lists_the_observed_times_and_the_nearest_name(
    written, tmp_path, header, near
):
    path, _, region = written
    bad = _rewrite(path, tmp_path / "bad.csv", lambda r: {**r, header: r["first_arrival"]})
    with pytest.raises(ConfigError) as err:
        read_replay_log(bad, region.network)
    msg = str(err.value)
    assert err.value.key == f"row 1, column {header}"
    for col in ("call_taken", "first_arrival", "under_control", "dispatch", "arrival"):
        assert re.search(rf"\b{col}\b", msg), col
    assert (f"did you mean {near}?" in msg) if near else "did you mean" not in msg


def test_wide_numbers_keep_a_space_before_their_interval():
    row = QuantileRow(
        "control", 0.5, 17.8, 14.5, 21.4, 1550.7, 1322.9, 1720.8, 1532.8, 1302.8, 1705.0, 9, 9
    )
    result = ReplayResult(
        observed={}, simulated={}, area=np.array(["a"]), trip_minutes=np.zeros(1),
        quantiles=[row], tests=[], areas=[], replications=5, seed=1,
    )  # fmt: skip
    line = next(x for x in format_replay(result).splitlines() if "P50" in x)
    assert "1550.7 [1322.9, 1720.8]" in line and "1532.8 [1302.8, 1705.0]" in line
    assert not re.search(r"\d\[|\]\S", line)
