"""Replay statistics: quantile comparison, tests, areas, model knobs and calibration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.replay.adjust import road_group, scale_distribution
from experiments.replay.calibrate import calibrate, quantile_loss
from experiments.replay.compare import (
    area_differences,
    compare_quantiles,
    two_sample_tests,
)
from networks.errors import ConfigError
from scenarios.distributions import Exponential, Fixed, Gamma, Lognormal, Triangular, Uniform


@settings(max_examples=25, deadline=None)
@given(
    shift=st.floats(-5, 5, allow_nan=False),
    seed=st.integers(0, 2**32 - 1),
    reps=st.integers(1, 4),
)
def test_a_shifted_model_differs_by_the_shift_at_every_quantile(shift, seed, reps):
    rng = np.random.default_rng(seed)
    obs = rng.lognormal(1.5, 0.5, 80)
    sim = np.tile(obs, (reps, 1)) + shift
    rows = compare_quantiles("arrival", obs, sim, rng=rng, n_resamples=99)
    for row in rows:
        assert row.difference == pytest.approx(shift, abs=1e-9)
        # Paired resampling: every resample sees the same shift, so the interval is the shift.
        assert row.difference_low == pytest.approx(shift, abs=1e-9)
        assert row.difference_high == pytest.approx(shift, abs=1e-9)
        assert row.observed_low <= row.observed <= row.observed_high


def test_unknown_observations_are_left_out_and_counted():
    rng = np.random.default_rng(1)
    obs = rng.exponential(5, 200)
    obs[::4] = np.nan
    sim = rng.exponential(5, (3, 200))
    (row,) = compare_quantiles("control", obs, sim, rng=rng, quantiles=[0.5], n_resamples=99)
    assert row.n_observed == 150
    assert row.n_simulated == 450
    assert row.observed == pytest.approx(np.nanmedian(obs))
    assert row.simulated == pytest.approx(np.median(sim[:, np.isfinite(obs)]))


def test_observed_quantile_interval_covers_the_truth_most_of_the_time():
    # Exponential(mean 5): the median is 5 ln 2. A 95 % interval should miss it rarely.
    truth = 5 * np.log(2)
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(40):
        obs = rng.exponential(5, 150)
        (row,) = compare_quantiles(
            "arrival", obs, obs[None, :], rng=rng, quantiles=[0.5], n_resamples=199
        )
        hits += row.observed_low <= truth <= row.observed_high
    assert hits >= 34  # 95 % nominal; binomial(40, 0.95) is below 34 with p < 0.01


def test_bad_shapes_and_quantiles_are_config_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ConfigError):
        compare_quantiles("arrival", np.ones(5), np.ones((2, 4)), rng=rng)
    with pytest.raises(ConfigError):
        compare_quantiles("arrival", np.ones(5), np.ones((2, 5)), rng=rng, quantiles=[1.0])


def test_two_sample_test_sees_a_shift_and_not_a_copy():
    rng = np.random.default_rng(3)
    obs = rng.lognormal(1.5, 0.4, 300)
    same = rng.lognormal(1.5, 0.4, (5, 300))
    slow = same + 3.0
    (ok,) = two_sample_tests({"arrival": obs}, {"arrival": same})
    (bad,) = two_sample_tests({"arrival": obs}, {"arrival": slow})
    assert ok.ks_p_value > 0.01
    assert bad.ks_p_value < 1e-6
    assert bad.ks_statistic > ok.ks_statistic


def test_area_differences_find_the_area_where_the_model_is_too_fast():
    rng = np.random.default_rng(5)
    area = np.array(["north", "south", "east"] * 40, dtype=object)
    obs = rng.exponential(6, area.size)
    sim = np.tile(obs, (2, 1))
    sim[:, area == "north"] -= 2.0  # too fast in the north
    sim[:, area == "east"] += 1.0  # too slow in the east
    rows = area_differences(obs, sim, area)
    assert [r.area for r in rows] == ["north", "south", "east"]
    assert rows[0].difference == pytest.approx(-2.0)
    assert rows[1].difference == pytest.approx(0.0)
    assert all(r.n == 40 for r in rows)


@pytest.mark.parametrize(
    "dist",
    [
        Fixed(2.0),
        Exponential(3.0),
        Lognormal(2.0, 0.3),
        Gamma(4.0, 0.5),
        Uniform(1.0, 3.0),
        Triangular(1.0, 2.0, 4.0),
    ],  # fmt: skip
)
def test_a_stretched_distribution_is_the_same_draw_times_the_factor(dist):
    base = dist.sample(np.random.default_rng(11), 50)
    stretched = scale_distribution(dist, 1.7).sample(np.random.default_rng(11), 50)
    np.testing.assert_allclose(stretched, 1.7 * np.asarray(base), rtol=1e-9)
    assert scale_distribution(dist, 1.7).mean == pytest.approx(1.7 * dist.mean)


def test_road_groups():
    groups = road_group(["trunk", "primary_link", "tertiary", "residential", "track"])
    assert groups.tolist() == ["major", "major", "minor", "local", "local"]
    with pytest.raises(ConfigError):
        scale_distribution(Fixed(1.0), 0.0)


def test_quantile_loss_is_zero_for_a_perfect_model_and_grows_with_the_error():
    rng = np.random.default_rng(2)
    obs = rng.exponential(5, 200)
    strata = np.array(["a", "b"] * 100, dtype=object)
    assert quantile_loss(obs, obs[None, :], strata) == pytest.approx(0.0)
    small = quantile_loss(obs, obs[None, :] + 1.0, strata)
    big = quantile_loss(obs, obs[None, :] + 2.0, strata)
    assert small == pytest.approx(3 * 1.0)  # three quantiles, each 1 minute off
    assert big == pytest.approx(4 * small)


def test_calibration_recovers_the_hidden_factors_of_a_known_model():
    # arrival = turnout * T + sum_g (minutes driven on group g) / speed_g: a model whose
    # truth is known; calibration sees only quantiles by stratum.
    rng = np.random.default_rng(9)
    n = 600
    turn = rng.lognormal(np.log(1.5), 0.3, (4, n))
    drive = {"major": rng.gamma(2.0, 3.0, n), "local": rng.gamma(2.0, 1.0, n)}
    drive["local"][: n // 2] *= 3.0  # half the incidents lie far along local roads
    truth = {"turnout": 1.6, "major": 0.7, "local": 1.25}

    def simulate(turnout, speed):
        return turnout * turn + sum(drive[g] / speed.get(g, 1.0) for g in drive)[None, :]

    observed = simulate(truth["turnout"], {"major": truth["major"], "local": truth["local"]})[0]
    band = np.where(drive["major"] > np.median(drive["major"]), "long", "short")
    strata = np.char.add(np.where(np.arange(n) < n // 2, "far|", "near|"), band)
    fit = calibrate(observed, simulate, strata, groups=("major", "local"))
    assert fit.loss_after < 0.01 * fit.loss_before
    assert fit.turnout == pytest.approx(truth["turnout"], rel=0.1)
    assert fit.speed["major"] == pytest.approx(truth["major"], rel=0.1)
    assert fit.speed["local"] == pytest.approx(truth["local"], rel=0.1)


def test_calibration_steps_see_the_slope_of_a_stepped_model():
    # Simulated minutes rounded to a tenth, as discrete decisions and recorded seconds make
    # them: steps of 1e-8 from factors of 1 see no slope at all, steps of 3 % do.
    rng = np.random.default_rng(4)
    n = 500
    turn = rng.lognormal(np.log(1.5), 0.3, (1, n))  # one replication: the truth fits exactly
    drive = rng.gamma(2.0, 3.0, n)

    def simulate(turnout, speed):
        return np.round(turnout * turn + (drive / speed["major"])[None, :], 1)

    observed = simulate(1.4, {"major": 0.8})[0]
    strata = np.where(drive > np.median(drive), "long", "short")
    fit = calibrate(observed, simulate, strata, groups=("major",), max_evaluations=60)
    # The first Jacobian tries each factor 3 % above 1, one at a time.
    first = np.asarray(fit.history[1:3])[:, :2]
    np.testing.assert_allclose(np.sort(first.max(axis=1)), np.exp(0.03))
    assert fit.turnout == pytest.approx(1.4, rel=0.05)
    assert fit.speed["major"] == pytest.approx(0.8, rel=0.05)
    assert fit.evaluations <= 60 + 2  # the budget is of simulations


def test_speed_factors_stretch_a_network_given_its_own_travel_times():
    import dataclasses

    from experiments.region import Region
    from experiments.replay.adjust import adjusted_region
    from networks import synthetic_county
    from networks.roadnet import RoadNetwork

    net = synthetic_county()
    own = dataclasses.replace(net.edges, time_s=net.edges.travel_time * 1.3)

    given = RoadNetwork(net.nodes, own, crs=net.crs, name="own")
    region = Region(network=given, stations=(), depots=(), sources={})
    slow = adjusted_region(region, speed={"major": 0.5, "local": 0.8})
    groups = road_group(net.edges.highway)
    ratio = slow.network.edges.travel_time / given.edges.travel_time
    np.testing.assert_allclose(ratio[groups == "major"], 2.0)
    np.testing.assert_allclose(ratio[groups == "local"], 1.25)
    np.testing.assert_allclose(ratio[groups == "minor"], 1.0)
