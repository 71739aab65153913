"""Background incidents: Poisson counts per window, spatial allocation, time-of-day profile."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scenarios import ScenarioSpec, generate_stream
from scenarios.places import Geography


def spec(rates, *, hours=24, start_hour=0, overrides=None, profiles=None, depth=0):
    return ScenarioSpec.from_dict(
        {
            "name": "t",
            "duration_h": hours,
            "start_hour": start_hour,
            "max_cascade_depth": depth,
            "background": {"rates": rates, "profiles": profiles or {}},
            "overrides": overrides or {},
        }
    )


def test_counts_per_window_are_poisson_with_the_profile(small, catalogue):
    # mass_poisoning: no cascades, no road rules, "meals" profile (strongly non-flat).
    s = spec({"mass_poisoning": 30.0}, hours=24, start_hour=6)
    prof = catalogue.profile("meals")
    windows = [(0, 120), (360, 480), (600, 900)]  # minutes from 06:00
    counts = {w: [] for w in windows}
    reps = 300
    for seed in range(reps):
        st = generate_stream(s, small, rng=np.random.default_rng(seed), catalogue=catalogue)
        for lo, hi in windows:
            counts[(lo, hi)].append(int(((st.time >= lo) & (st.time < hi)).sum()))
    for (lo, hi), c in counts.items():
        hours = (6 + np.arange(lo // 60, hi // 60)) % 24
        mu = 30.0 / 24 * prof[hours].sum()
        c = np.asarray(c, float)
        assert abs(c.mean() - mu) <= 4 * np.sqrt(mu / reps), (lo, hi, c.mean(), mu)
        # Dispersion test: (n-1) s^2 / mu ~ chi2(n-1) for Poisson counts.
        d = (reps - 1) * c.var(ddof=1) / mu
        assert stats.chi2.ppf(0.0005, reps - 1) < d < stats.chi2.ppf(0.9995, reps - 1)


def test_spatial_allocation_matches_user_weights(small, catalogue):
    rng = np.random.default_rng(5)
    w = rng.gamma(0.5, size=small.n_nodes)
    w[rng.random(small.n_nodes) < 0.3] = 0.0
    s = spec({"mass_poisoning": 20000.0}, overrides={"hazards": {"mass_poisoning": {"source": ""}}})
    st = generate_stream(s, small, rng=np.random.default_rng(1), weights=w, catalogue=catalogue)
    assert np.all(w[st.node] > 0), "an incident landed on a zero-weight node"
    obs = np.bincount(st.node, minlength=small.n_nodes).astype(float)
    # Pool nodes into 20 groups by weight so every expected count is large.
    order = np.argsort(w)[w[np.argsort(w)] > 0]
    groups = np.array_split(order, 20)
    o = np.array([obs[g].sum() for g in groups])
    e = np.array([w[g].sum() for g in groups]) / w.sum() * len(st)
    assert stats.chisquare(o, e).pvalue > 1e-3


def test_source_kernel_and_chi_square_on_default_sources(small, catalogue):
    geo = Geography(small)
    h = catalogue["hazmat_leak"]
    w = geo.hazard_weights(weight=h.weight, source=h.source, source_m=h.source_m)
    d = geo.distance_to("chemical_plant")
    # Weight ratio between two nodes is exactly exp(-(d1 - d2) / scale) for a uniform base.
    i, j = 0, small.n_nodes - 1
    assert w[i] / w[j] == pytest.approx(np.exp(-(d[i] - d[j]) / h.source_m))
    assert w.sum() == pytest.approx(1.0)
    no_effects = {"hazards": {"hazmat_leak": {"roads": [], "cascade": []}}}
    s = spec({"hazmat_leak": 5000.0}, overrides=no_effects)
    st = generate_stream(s, small, rng=np.random.default_rng(2), catalogue=catalogue)
    near = d <= 1000
    p_near = w[near].sum()
    k = int(near[st.node].sum())
    assert stats.binomtest(k, len(st), p_near).pvalue > 1e-3


def test_population_proxy_is_node_density(small):
    geo = Geography(small)
    x, y = small.nodes.x, small.nodes.y
    dens = np.array([(np.hypot(x - x[i], y - y[i]) <= 1000).sum() for i in range(small.n_nodes)])
    assert np.allclose(geo.population, dens / dens.mean())


def test_bad_weights_are_a_config_error(small, catalogue):
    from networks.errors import ConfigError

    with pytest.raises(ConfigError, match="weights"):
        generate_stream(
            spec({"building_fire": 1.0}),
            small,
            rng=np.random.default_rng(0),
            weights=np.zeros(small.n_nodes),
            catalogue=catalogue,
        )
