"""The engine against closed forms: Erlang C, Little's law, low-load coverage."""

import dataclasses
import math

import numpy as np
import pytest

import sim
from scenarios.distributions import Exponential, Fixed
from scenarios.stream import Requirement
from sim.facilities import Station, TeamSpec
from tests.sim.helpers import poisson_stream, road_network, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))


def erlang_c(c: int, lam: float, mu: float) -> tuple[float, float]:
    """Probability of waiting and mean wait in M/M/c (textbook formula)."""
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait, p_wait / (c * mu - lam)


def batch_se(x: np.ndarray, batches: int = 25) -> float:
    """Standard error of the mean by batch means (the waits are autocorrelated)."""
    m = np.array([b.mean() for b in np.array_split(x, batches)])
    return float(m.std(ddof=1) / math.sqrt(batches))


def mmc_run(*, c: int, lam: float, mean_service: float, n: int, seed: int):
    # Every incident at the station's node: zero travel, zero turnout, zero call taking,
    # so a team is a server and control_work (exponential) the service time.
    net = road_network(2, [(0, 1, 60)])
    st = [Station("S", 0, "city", (TeamSpec("fire", 6, count=c, turnout=Fixed(0)),))]
    stream = poisson_stream(
        [0], None, rate=lam, n=n, rng=np.random.default_rng(seed), requirements=[FIRE],
        control=Exponential(mean_service), clear=Fixed(0.0),
    )  # fmt: skip
    rec = sim.run(net, st, (), stream, rng=np.random.default_rng(seed + 1), call_taking=Fixed(0))
    return stream, rec


@pytest.mark.parametrize("c, rho", [(1, 0.6), (3, 0.75), (8, 0.85)])
def test_mean_wait_matches_erlang_c(c, rho):
    mean_service = 10.0
    lam = rho * c / mean_service
    stream, rec = mmc_run(c=c, lam=lam, mean_service=mean_service, n=40_000, seed=c)
    inc = rec.incidents
    warm = len(inc["call"]) // 20  # drop the empty-system start
    wait = (inc["first_dispatch"] - inc["call_taken"])[warm:]
    assert np.all(inc["served"])
    p_wait, wq = erlang_c(c, lam, 1 / mean_service)
    se = batch_se(wait)
    assert abs(wait.mean() - wq) < 4 * se, (wait.mean(), wq, se)
    assert abs(wait.mean() - wq) < 0.15 * wq
    waited = (wait > 1e-12).astype(float)
    assert abs(waited.mean() - p_wait) < 4 * batch_se(waited) + 0.01


def test_littles_law_on_records():
    c, mean_service, lam = 4, 10.0, 0.3
    _, rec = mmc_run(c=c, lam=lam, mean_service=mean_service, n=30_000, seed=11)
    inc = rec.incidents
    call, taken = inc["call"], inc["first_dispatch"]
    done = inc["cleared"]
    # L measured by sampling the number of incidents in the system (queue) at random instants,
    # independently of the per-incident sojourn times that give W.
    t_end = call[-1]
    u = np.sort(np.random.default_rng(0).uniform(t_end * 0.05, t_end * 0.95, 20_000))
    in_system = np.searchsorted(np.sort(call), u, side="right") - np.searchsorted(
        np.sort(done), u, side="right"
    )
    in_queue = np.searchsorted(np.sort(call), u, side="right") - np.searchsorted(
        np.sort(taken), u, side="right"
    )
    lam_hat = len(call) / t_end
    w = (done - call).mean()
    wq = (taken - call).mean()
    assert in_system.mean() == pytest.approx(lam_hat * w, rel=0.05)
    assert in_queue.mean() == pytest.approx(lam_hat * wq, rel=0.12)
    # And against theory: L = lambda / mu + Lq (Erlang C).
    _, wq_theory = erlang_c(c, lam, 1 / mean_service)
    assert in_system.mean() == pytest.approx(lam * (mean_service + wq_theory), rel=0.08)


def test_low_load_arrival_share_equals_coverage(county):
    stations, _ = sim.default_facilities(county)
    # No turnout and no call taking: arrival is pure travel from the nearest fire station.
    stations = [
        dataclasses.replace(
            s, teams=tuple(dataclasses.replace(t, turnout=Fixed(0.0)) for t in s.teams)
        )
        for s in stations
    ]
    w = np.random.default_rng(3).gamma(0.5, size=county.n_nodes)
    stream = poisson_stream(
        np.arange(county.n_nodes), w, rate=1 / 50_000, n=3000, rng=np.random.default_rng(4),
        requirements=[FIRE], control=Fixed(20.0), clear=Fixed(10.0),
    )  # fmt: skip
    rec = sim.run(county, stations, (), stream, rng=np.random.default_rng(5), call_taking=Fixed(0))
    inc = rec.incidents
    assert not rec.dispatches["from_scene"].any()  # nobody was busy: a truly idle system
    fire_nodes = [s.node for s in stations if any(t.capability == "fire" for t in s.teams)]
    nearest = county.travel_times(fire_nodes).min(axis=0) / 60.0  # minutes, straight from arrays
    arrive = inc["first_arrival"] - inc["call_taken"]
    np.testing.assert_allclose(arrive, nearest[inc["node"]], rtol=1e-6)
    share = np.mean(arrive <= 10.0)
    assert share == np.mean(nearest[inc["node"]] <= 10.0)
    # And the demand-weighted share of nodes, within binomial noise.
    p = float(np.sum(w * (nearest <= 10.0)) / w.sum())
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / len(arrive))


def test_travel_noise_is_lognormal_with_mean_one():
    # Far apart calls at node 3 of a line with 3-minute drives: every dispatch starts at home.
    net = road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])
    st = [Station("S", 0, "city", (TeamSpec("fire", 6, turnout=Fixed(0)),))]
    n = 4000
    stream = stream_from(np.arange(n) * 100.0, np.full(n, 3), requirements=[FIRE])
    rec = sim.run(net, st, (), stream, rng=np.random.default_rng(8), travel_noise=0.5)
    factor = rec.dispatches["travel"] / 3.0
    assert not rec.dispatches["from_scene"].any()
    assert abs(factor.mean() - 1.0) < 4 * 0.5 / math.sqrt(n)
    assert factor.std() == pytest.approx(0.5, rel=0.08)
    # Log-normal: the log of the factor is normal with variance log(1 + cv^2).
    assert np.log(factor).var() == pytest.approx(math.log1p(0.25), rel=0.08)
