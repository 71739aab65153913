"""Each team's turnout and resupply generators, made only when a team first draws."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.distributions import Fixed, Lognormal
from sim.fleet import draws, team_streams


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63), n=st.integers(0, 12), spawned=st.integers(0, 3))
def test_team_streams_are_the_generators_spawning_would_make(seed, n, spawned):
    """root.spawn(n)[t].spawn(2)[j], also from a root that has spawned children before."""
    root, twin = np.random.default_rng(seed), np.random.default_rng(seed)
    root.spawn(spawned)
    twin.spawn(spawned)
    made = team_streams(root, n)
    assert len(made) == n
    for (turnout, resupply), child in zip(made, twin.spawn(n), strict=True):
        want = child.spawn(2)
        np.testing.assert_array_equal(turnout().random(4), want[0].random(4))
        np.testing.assert_array_equal(resupply().random(4), want[1].random(4))


def test_draws_make_the_generator_at_the_first_draw_only():
    calls = []

    def make():
        calls.append(1)
        return np.random.default_rng(5)

    lazy = draws(Lognormal(2.0, 0.5), make, block=4)
    assert calls == []  # a team never sent out never makes one
    got = [next(lazy) for _ in range(10)]  # three blocks of four
    assert calls == [1]
    eager = draws(Lognormal(2.0, 0.5), np.random.default_rng(5), block=4)
    np.testing.assert_array_equal(got, [next(eager) for _ in range(10)])
    assert next(draws(Fixed(3.0), make)) == 3.0 and calls == [1]
