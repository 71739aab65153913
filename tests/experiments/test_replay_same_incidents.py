"""Replay compares the same incidents on both sides in every output.

A log that records an interval for some incidents only (here: only the long ones)
must not be compared with the simulated values of the incidents it left empty.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from experiments.replay.calibrate import calibrate, quantile_loss
from experiments.replay.compare import (
    area_differences,
    compare_quantiles,
    two_sample_tests,
)
from experiments.replay.plots import plot_histograms, plot_qq
from networks import i18n

ROOT = Path(__file__).resolve().parents[2]


def _long_only(seed: int = 4, n: int = 400, reps: int = 3):
    """A model that is right on every incident, and a log that kept only the long ones."""
    rng = np.random.default_rng(seed)
    truth = np.where(rng.random(n) < 0.3, rng.normal(60, 8, n), rng.normal(12, 3, n))
    sim = truth[None, :] + rng.normal(0, 2, (reps, n))
    obs = truth + rng.normal(0, 2, n)
    obs[truth < 30] = np.nan  # the short incidents' times were not recorded
    return obs, sim


def test_the_test_pools_the_simulated_values_of_the_logged_incidents_only():
    obs, sim = _long_only()
    (row,) = two_sample_tests({"control": obs}, {"control": sim})
    keep = np.isfinite(obs)
    expected = stats.ks_2samp(obs[keep], sim[:, keep].ravel())
    assert row.ks_statistic == pytest.approx(expected.statistic)
    assert row.ks_p_value == pytest.approx(expected.pvalue)
    assert row.ks_p_value > 0.01  # the model is right: no verdict against it
    (q,) = compare_quantiles("control", obs, sim, rng=np.random.default_rng(0), quantiles=[0.5],
                             n_resamples=9)  # fmt: skip
    assert (row.n_observed, row.n_simulated) == (q.n_observed, q.n_simulated)


def test_an_incident_the_run_never_measured_drops_out_of_both_sides():
    obs, sim = _long_only()
    sim[:, 0] = np.nan  # never reached in any replication
    obs[0] = 500.0  # an observed value that would move every statistic
    (row,) = two_sample_tests({"control": obs}, {"control": sim})
    (q,) = compare_quantiles("control", obs, sim, rng=np.random.default_rng(0), quantiles=[0.9],
                             n_resamples=9)  # fmt: skip
    assert row.n_observed == q.n_observed == int(np.isfinite(obs).sum()) - 1


def test_areas_compare_the_same_incidents():
    rng = np.random.default_rng(5)
    area = np.array(["north", "south"] * 30, dtype=object)
    obs = rng.exponential(6, area.size)
    sim = np.tile(obs, (2, 1))  # a perfect model
    never = np.flatnonzero(area == "north")[:10]
    obs[never] = 90.0  # slow calls the run never measured
    sim[:, never] = np.nan
    rows = {r.area: r for r in area_differences(obs, sim, area)}
    assert rows["north"].n == 20
    assert rows["north"].difference == pytest.approx(0.0)
    assert rows["south"].difference == pytest.approx(0.0)


def test_calibration_compares_the_same_incidents_in_each_stratum():
    rng = np.random.default_rng(2)
    obs = rng.exponential(5, 200)
    strata = np.array(["a", "b"] * 100, dtype=object)
    sim = np.tile(obs, (2, 1))
    obs[:20] = 60.0  # long calls the run never measured
    sim[:, :20] = np.nan
    assert quantile_loss(obs, sim, strata) == pytest.approx(0.0)
    assert quantile_loss(obs, sim + 1.0, strata) == pytest.approx(3 * 1.0)


def test_calibration_has_not_converged_when_only_unlogged_incidents_were_simulated():
    observed = np.full(30, np.nan)
    observed[:15] = np.linspace(5.0, 15.0, 15)
    sim = np.full((2, 30), np.nan)
    sim[:, 15:] = 10.0  # only the incidents the log has no time for
    fit = calibrate(observed, lambda t, s: sim, np.array(["a"] * 30), groups=("major",))
    assert not fit.converged


def _legend_texts(fig) -> list[str]:
    legends = [ax.get_legend() for ax in fig.axes]
    return [t.get_text() for lg in legends if lg is not None for t in lg.get_texts()]


def test_the_figures_draw_the_same_incidents():
    import matplotlib.pyplot as plt

    obs, sim = _long_only(n=200)
    keep = np.isfinite(obs)
    with i18n.language("en"):
        hist = plot_histograms({"control": obs}, {"control": sim})
        qq = plot_qq({"control": obs}, {"control": sim})
    try:
        texts = _legend_texts(hist)
        assert f"simulated (n = {sim[:, keep].size})" in texts
        assert f"observed (n = {int(keep.sum())})" in texts
        (points, *_rest) = qq.axes[2].get_lines()
        probs = np.linspace(0.01, 0.99, 99)
        np.testing.assert_allclose(points.get_ydata(), np.quantile(sim[:, keep], probs))
    finally:
        plt.close(hist)
        plt.close(qq)


def test_a_log_with_control_for_long_hazards_only_is_not_condemned(tmp_path):
    from experiments.config import RunConfig
    from experiments.replay import read_replay_log, replay

    path = ROOT / "examples" / "replay" / "county_log.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:300]
    for r in rows:
        if r["hazard"] in ("建筑火灾", "道路交通事故"):  # short control times left empty
            r["under_control"] = ""
    log_path = tmp_path / "log.csv"
    with log_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    cfg = RunConfig.from_file(ROOT / "examples" / "county.toml")
    region = cfg.region()
    log = read_replay_log(log_path, region.network)
    res = replay(cfg, log, region=region, replications=2, n_resamples=19)
    counts = {q.interval: (q.n_observed, q.n_simulated) for q in res.quantiles}
    for t in res.tests:
        assert (t.n_observed, t.n_simulated) == counts[t.interval]
    control = next(t for t in res.tests if t.interval == "control")
    keep = np.isfinite(res.observed["control"])
    assert control.n_observed < keep.size
    same = res.simulated["control"][:, keep]
    expected = stats.ks_2samp(res.observed["control"][keep], same[np.isfinite(same)])
    assert control.ks_statistic == pytest.approx(expected.statistic)
