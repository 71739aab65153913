import math

import numpy as np
import pytest

from networks.errors import ConfigError
from sim.distributions import Exponential, Fixed, Lognormal, Triangular, Uniform, from_dict

DISTS = [
    Fixed(2.5),
    Exponential(3.0),
    Lognormal(2.0, 0.5),
    Uniform(1.0, 4.0),
    Triangular(0.5, 1.0, 3.0),
]


@pytest.mark.parametrize("dist", DISTS, ids=lambda d: d.kind)
def test_sample_moments_match_theory(dist):
    n = 200_000
    x = dist.sample(np.random.default_rng(7), n)
    assert x.shape == (n,) and x.min() >= 0
    # Mean within 5 standard errors; variance within 5 % (all these have finite 4th moments).
    se = math.sqrt(dist.variance / n)
    assert abs(x.mean() - dist.mean) <= 5 * se + 1e-12
    assert x.var() == pytest.approx(dist.variance, rel=0.05, abs=1e-12)


@pytest.mark.parametrize("dist", DISTS, ids=lambda d: d.kind)
def test_dict_round_trip(dist):
    assert from_dict(dist.to_dict()) == dist
    assert from_dict(dist.to_dict()).to_dict() == dist.to_dict()


def test_scalar_sample_and_bare_number():
    assert from_dict(4) == Fixed(4.0)
    assert isinstance(Exponential(1.0).sample(np.random.default_rng(0)), float)


def test_same_seed_same_draws():
    d = Lognormal(1.0, 1.0)
    a = d.sample(np.random.default_rng(3), 10)
    b = d.sample(np.random.default_rng(3), 10)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "data, key",
    [
        ({"kind": "fixed", "value": -1}, "t.turnout"),
        ({"kind": "uniform", "low": -1, "high": 2}, "t.turnout"),
        ({"kind": "triangular", "low": 0, "mode": 3, "high": 2}, "t.turnout"),
        ({"kind": "exponential", "mean": 0}, "t.turnout"),
        ({"kind": "lognormal", "mean": 1}, "t.turnout"),
        ({"kind": "normal", "mean": 1}, "t.turnout.kind"),
        ({"kind": "fixed", "value": "3"}, "t.turnout.value"),
        ({"kind": "fixed", "value": 1, "extra": 2}, "t.turnout"),
    ],
)
def test_bad_dicts_raise_config_error_with_key(data, key):
    with pytest.raises(ConfigError) as exc:
        from_dict(data, source="f.toml", key="t.turnout")
    assert exc.value.source == "f.toml" and exc.value.key == key
