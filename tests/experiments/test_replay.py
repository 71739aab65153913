"""Replay of an incident log: the truth matches, a shift is found, calibration recovers it."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from experiments.config import RunConfig
from experiments.replay import (
    adjusted_region,
    calibrate_replay,
    read_replay_log,
    replay,
)
from experiments.replay.simulate import simulate_intervals, trip_minutes_by_group
from networks.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_LOG = ROOT / "examples" / "replay" / "county_log.csv"


def _make_log_module():
    spec = importlib.util.spec_from_file_location("make_log", ROOT / "examples/replay/make_log.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MAKE_LOG = _make_log_module()


@pytest.fixture(scope="module")
def county():
    cfg = RunConfig.from_file(ROOT / "examples" / "county.toml")
    return cfg, cfg.region()


@pytest.fixture(scope="module")
def short_log(tmp_path_factory, county):
    path = tmp_path_factory.mktemp("log") / "log.csv"
    MAKE_LOG.write_log(path, weeks=6, seed=7)
    return path


def _arrival_rows(result):
    return [r for r in result.quantiles if r.interval == "arrival"]


def test_the_shipped_log_is_what_its_script_writes(tmp_path):
    # The example log is generated, not hand-edited: the script reproduces it byte for byte.
    out = MAKE_LOG.write_log(tmp_path / "log.csv")
    assert out.read_bytes() == EXAMPLE_LOG.read_bytes()


def test_replaying_through_the_truth_matches_and_a_shift_is_found(county, short_log, tmp_path):
    cfg, region = county
    log = read_replay_log(short_log, region.network)
    truth = adjusted_region(region, speed=MAKE_LOG.TRUE_SPEED, turnout=MAKE_LOG.TRUE_TURNOUT)
    rng = np.random.default_rng(0)
    same = replay(cfg, log, region=truth, replications=3, n_resamples=199, rng=rng)
    for row in _arrival_rows(same):
        assert abs(row.difference) < 1.0, row
    (arrival_test,) = [t for t in same.tests if t.interval == "arrival"]
    assert arrival_test.ks_p_value > 0.01

    # The default model drives faster than the truth: replay says the model is too fast.
    default = replay(cfg, log, region=region, replications=3, n_resamples=199, rng=rng)
    for row in _arrival_rows(default):
        assert row.difference_high < 0, row

    # The same log with first arrivals three minutes later than they were.
    text = short_log.read_text(encoding="utf-8").splitlines()
    head = text[0].split(",")
    col = head.index("first_arrival")
    shifted = [text[0]]
    for line in text[1:]:
        cells = line.split(",")
        if cells[col]:
            t = np.datetime64(cells[col]) + np.timedelta64(180, "s")
            cells[col] = str(t)
        shifted.append(",".join(cells))
    path = tmp_path / "shifted.csv"
    path.write_text("\n".join(shifted) + "\n", encoding="utf-8")
    late = replay(
        cfg, read_replay_log(path, region.network), region=truth, replications=3,
        n_resamples=199, rng=rng,
    )  # fmt: skip
    for row in _arrival_rows(late):
        assert row.difference_high < 0, row  # the model is found too fast at every quantile
        assert row.difference == pytest.approx(-3.0, abs=1.0)
    (late_test,) = [t for t in late.tests if t.interval == "arrival"]
    assert late_test.ks_p_value < 1e-6
    # Control is timed from the (shifted) arrival: three minutes shorter in the log.
    control = [r for r in late.quantiles if r.interval == "control" and r.q == 0.5]
    assert control[0].difference > 1.0


def test_supplies_never_change_when_teams_arrive(county, short_log):
    # Calibration runs without depots on this ground (its trials are much cheaper).
    cfg, region = county
    log = read_replay_log(short_log, region.network)
    full = simulate_intervals(cfg, region, log, replications=2, seed=3)
    bare = simulate_intervals(cfg, dataclasses.replace(region, depots=()), log,
                              replications=2, seed=3)  # fmt: skip
    np.testing.assert_array_equal(full["arrival"], bare["arrival"])


def test_trip_minutes_by_group_add_up_to_the_trip(county, short_log):
    cfg, region = county
    log = read_replay_log(short_log, region.network)
    nodes = log.incidents.template.node
    minutes, groups = trip_minutes_by_group(region, nodes)
    tt = region.network.travel_times([s.node for s in region.stations])[:, nodes].min(axis=0)
    np.testing.assert_allclose(minutes.sum(axis=0), tt / 60.0, atol=1e-3)
    assert (minutes >= 0).all()
    assert list(groups) == ["major", "minor", "local"]
    # Slowing only the major roads lengthens exactly the trips that drive on them.
    slow = adjusted_region(region, speed={"major": 0.5})
    tt2 = slow.network.travel_times([s.node for s in region.stations])[:, nodes].min(axis=0)
    assert np.all(tt2 / 60.0 <= minutes.sum(axis=0) + minutes[0] + 1e-3)
    assert np.all((tt2 > tt + 1e-3) <= (minutes[0] > 0))


def test_calibration_recovers_the_hidden_truth_of_the_example_log(county):
    cfg, region = county
    log = read_replay_log(EXAMPLE_LOG, region.network)
    fit = calibrate_replay(cfg, log, region=region, replications=3, max_evaluations=100)
    assert fit.loss_after < 0.05 * fit.loss_before
    assert fit.turnout == pytest.approx(MAKE_LOG.TRUE_TURNOUT, rel=0.1)
    for group, true in MAKE_LOG.TRUE_SPEED.items():
        assert fit.speed[group] == pytest.approx(true, rel=0.1), group


def test_an_observed_time_before_the_alarm_names_row_and_column(county, tmp_path):
    _cfg, region = county
    rows = EXAMPLE_LOG.read_text(encoding="utf-8").splitlines()[:6]
    cells = rows[3].split(",")
    cells[5] = "2020-01-01T00:00:00"  # call_taken long before the alarm
    rows[3] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_replay_log(path, region.network)
    text = str(err.value)
    assert "bad.csv" in text and "4" in text and "call_taken" in text


def test_replay_command_writes_the_comparison_and_refuses_a_bad_log(county, short_log, tmp_path):
    from experiments.commands.replay import replay_and_report

    out = tmp_path / "out"
    status = replay_and_report(
        short_log, config_path=ROOT / "examples" / "county.toml", out=out, replications=2,
        plots=True,
    )  # fmt: skip
    assert status == 0
    names = {p.name for p in out.iterdir()}
    assert {"replay.json", "quantiles.csv", "tests.csv", "areas.csv", "intervals.csv",
            "qq.png", "histograms.png", "area_map.png"} <= names  # fmt: skip
    summary = json.loads((out / "replay.json").read_text(encoding="utf-8"))
    assert summary["replications"] == 2
    assert len(summary["quantiles"]) == 9
    before = sorted(p.name for p in out.iterdir())
    bad = tmp_path / "bad.csv"
    bad.write_text(short_log.read_text(encoding="utf-8").replace("一般", "九级", 1), "utf-8")
    with pytest.raises(ConfigError):
        replay_and_report(
            bad, config_path=ROOT / "examples" / "county.toml", out=out, replications=2,
            overwrite=True,
        )  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == before


def test_the_example_script_uses_the_public_api_and_its_frames(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "compare_log", ROOT / "examples/replay/compare_log.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    medians = mod.main(tmp_path / "cmp.png", replications=2)
    assert (tmp_path / "cmp.png").stat().st_size > 10_000
    # The example log's county is slower than the default model.
    assert medians.loc["arrival", "observed"] > medians.loc["arrival", "simulated"] + 1.0
    assert medians.loc["call_taking", "observed"] == pytest.approx(
        medians.loc["call_taking", "simulated"], abs=0.2
    )


def test_a_bad_row_is_one_line_and_exit_2_from_the_command_line(short_log, tmp_path, capsys):
    from experiments.cli import main

    bad = tmp_path / "bad.csv"
    lines = short_log.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[4] = "9"  # grade
    lines[5] = ",".join(cells)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "never"
    status = main(["--lang", "en", "replay", str(bad), "--config",
                   str(ROOT / "examples" / "county.toml"), "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1
    assert "bad.csv" in err[0] and "row 6" in err[0] and "grade" in err[0]
    assert not out.exists()


def test_calibration_by_road_class_fits_one_factor_per_class(county, short_log):
    cfg, region = county
    log = read_replay_log(short_log, region.network)
    fit = calibrate_replay(cfg, log, region=region, replications=1, by="class",
                           max_evaluations=30)  # fmt: skip
    classes = set(np.asarray(region.network.edges.highway).astype(str).tolist())
    assert set(fit.speed) == classes
    assert fit.loss_after < fit.loss_before
    # A class factor stretches exactly that class's roads.
    one = adjusted_region(region, speed={"residential": 0.5})
    cls = np.asarray(region.network.edges.highway).astype(str)
    ratio = one.network.edges.travel_time / region.network.edges.travel_time
    np.testing.assert_allclose(ratio[cls == "residential"], 2.0)
    np.testing.assert_allclose(ratio[cls != "residential"], 1.0)
    with pytest.raises(ConfigError):
        calibrate_replay(cfg, log, region=region, by="lane")


def _far_from_every_node(network, lo=800.0, hi=2500.0):
    """A (lon, lat) between ``lo`` and ``hi`` metres from the nearest road node."""
    lon, lat = network.nodes.lon, network.nodes.lat
    k = np.cos(np.radians(float(lat.mean())))
    for i in range(0, len(lon), 7):
        for step in np.arange(0.004, 0.03, 0.002):
            x, y = float(lon[i]), float(lat[i]) + step
            d = 111_320.0 * np.hypot((lon - x) * k, lat - y).min()
            if lo < d < hi:
                return x, y
    raise AssertionError("no point so far from the roads")


def test_replay_snaps_a_scene_far_from_a_node_when_told(county, short_log, tmp_path, capsys):
    """Long rural edges have no node near a scene: ``--max-snap-m`` places it (as
    ``[scenario] max_snap_m`` does for ``yingji run``); without it, one line, exit 2."""
    from experiments.cli import main

    _cfg, region = county
    lon, lat = _far_from_every_node(region.network)
    lines = short_log.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    cells = lines[1].split(",")
    cells[head.index("lon")], cells[head.index("lat")] = f"{lon:.6f}", f"{lat:.6f}"
    lines[1] = ",".join(cells)
    far = tmp_path / "far.csv"
    far.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--lang", "en", "replay", str(far), "--config", str(ROOT / "examples" / "county.toml"),
            "--replications", "2", "--no-plots"]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "no")]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "at most 500 m" in err and not (tmp_path / "no").exists()
    assert main([*args, "--out", str(tmp_path / "yes"), "--max-snap-m", "3000"]) == 0
    assert (tmp_path / "yes" / "replay.json").exists()


def test_a_log_of_a_handful_of_incidents_is_read_with_a_warning(county, tmp_path, caplog):
    from experiments.replay import read_replay_log

    _cfg, region = county
    lines = EXAMPLE_LOG.read_text(encoding="utf-8").splitlines()
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")  # header and 4 incidents
    caplog.clear()
    read_replay_log(tiny, region.network)
    warned = [r.getMessage() for r in caplog.records if "incidents only" in r.getMessage()]
    assert len(warned) == 1 and "times of 4 incidents" in warned[0]
    caplog.clear()
    read_replay_log(EXAMPLE_LOG, region.network)  # hundreds: no warning
    assert not [r for r in caplog.records if "incidents only" in r.getMessage()]
