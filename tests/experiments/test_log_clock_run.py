"""A dated incident log runs on its own clock: rush hours and duty shifts start at its minute 0.

The same instants written as local times, with ``+08:00`` or in UTC (``Z``),
with or without ``[scenario] start``, give the very same run.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.replay import read_replay_log
from experiments.replay.simulate import simulate_intervals
from experiments.runner import desks_and_rules, run_replication

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_LOG = ROOT / "examples" / "replay" / "county_log.csv"
#: The first call of the example log, local time, as a clock hour.
FIRST_HOUR = 7 + 9 / 60 + 47 / 3600
TIME_COLUMNS = ("time", "call_taken", "first_arrival", "under_control")
LOG_COLUMNS = ("time", "lon", "lat", "hazard", "grade")
REGION = """[network]
synthetic = "county"
[facilities]
stations = "default"
depots = "default"
[congestion]
profile = "china_city"
{congestion}
[duty]
county = {{ officers = {{ "08:00" = 3, "20:00" = 1 }} }}
[run]
seed = 1
replications = 1
"""


def _rows(n: int = 60) -> list[dict[str, str]]:
    with EXAMPLE_LOG.open(newline="", encoding="utf-8-sig") as fh:
        return [r for _, r in zip(range(n), csv.DictReader(fh), strict=False)]


def _write_log(path: Path, rows: list[dict[str, str]], way: str, columns: tuple[str, ...]) -> Path:
    """The rows with their date-times written ``local``, ``offset`` (+08:00) or ``utc`` (Z)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for r in rows:
            out = {c: r[c] for c in columns}
            for c in TIME_COLUMNS:
                if c in out and out[c]:
                    t = datetime.fromisoformat(out[c])
                    if way == "offset":
                        out[c] = t.isoformat() + "+08:00"
                    elif way == "utc":
                        out[c] = (t - timedelta(hours=8)).isoformat() + "Z"
            w.writerow(out)
    return path


def _config(folder: Path, name: str, log: Path, start: str | None) -> RunConfig:
    scenario = f'[scenario]\nname = "typical_week"\nincidents = "{log.name}"\n'
    if start is not None:
        scenario += f"start = {start}\n"
    path = folder / f"{name}.toml"
    path.write_text(REGION.format(congestion="") + scenario, encoding="utf-8")
    return RunConfig.from_file(path)


#: (log written, [scenario] start): the same instants every time.
WAYS = {
    "local": ("local", None),
    "local_start": ("local", "2026-01-05T07:09:47"),
    "utc_start": ("utc", "2026-01-04T23:09:47Z"),
    "offset": ("offset", None),
    "offset_naive_start": ("offset", "2026-01-05T07:09:47"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clock")
    rows = _rows()
    out = {}
    for name, (way, start) in WAYS.items():
        log = _write_log(folder / f"{way}.csv", rows, way, LOG_COLUMNS)
        cfg = _config(folder, name, log, start)
        out[name] = (cfg, run_replication(cfg, replication=0))
    return out


def test_the_same_instants_give_the_same_records_whatever_the_way_of_writing(runs):
    _, base = runs["local"]
    for name, (_, res) in runs.items():
        for table in ("incidents", "dispatches"):
            got, want = getattr(res.records, table), getattr(base.records, table)
            assert got.keys() == want.keys()
            for col in want:
                np.testing.assert_array_equal(got[col], want[col], err_msg=f"{name} {col}")


def test_rush_hours_and_shifts_start_at_the_logs_first_call(runs):
    for name, (cfg, res) in runs.items():
        assert res.records.meta["congestion"]["start_hour"] == pytest.approx(FIRST_HOUR), name
        duty, _ = desks_and_rules(cfg, cfg.region())
        assert duty.start_hour == pytest.approx(FIRST_HOUR), name


def test_own_start_hours_and_a_log_of_minutes_keep_their_clocks(tmp_path):
    log = tmp_path / "minutes.csv"
    log.write_text("time,lon,lat,hazard,grade\n5,117.170687,28.307892,building_fire,4\n")
    cfg = _config(tmp_path, "minutes", log, None)
    assert run_replication(cfg, replication=0).records.meta["congestion"]["start_hour"] == 0.0
    assert desks_and_rules(cfg, cfg.region())[0].start_hour == 0.0  # typical_week: midnight
    dated = _write_log(tmp_path / "d.csv", _rows(3), "local", LOG_COLUMNS)
    own = tmp_path / "own.toml"
    text = REGION.format(congestion="start_hour = 22").replace("[duty]\n", "[duty]\nstart_hour=5\n")
    own.write_text(text + f'[scenario]\nname = "typical_week"\nincidents = "{dated.name}"\n')
    cfg = RunConfig.from_file(own)
    assert run_replication(cfg, replication=0).records.meta["congestion"]["start_hour"] == 22.0
    assert desks_and_rules(cfg, cfg.region())[0].start_hour == 5.0


def test_replay_runs_on_the_logs_clock_in_any_offset(tmp_path):
    rows = _rows()
    cols = (*TIME_COLUMNS, "lon", "lat", "hazard", "grade")
    region_toml = tmp_path / "region.toml"
    region_toml.write_text(REGION.format(congestion="") + '[scenario]\nname = "typical_week"\n')
    cfg = RunConfig.from_file(region_toml)
    region = cfg.region()
    sims = []
    for way in ("local", "utc"):
        log = read_replay_log(_write_log(tmp_path / f"{way}.csv", rows, way, cols), region.network)
        sims.append(simulate_intervals(cfg, region, log, replications=1, seed=1))
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(
        REGION.format(congestion=f"start_hour = {FIRST_HOUR!r}")
        + '[scenario]\nname = "typical_week"\n'
    )
    log = read_replay_log(tmp_path / "local.csv", region.network)
    sims.append(simulate_intervals(RunConfig.from_file(fixed), region, log, replications=1, seed=1))
    for other in sims[1:]:
        for k, v in sims[0].items():
            np.testing.assert_array_equal(other[k], v, err_msg=k)
