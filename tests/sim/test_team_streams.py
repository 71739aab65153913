"""Each team's turnout and resupply generators, made only when a team first draws."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.distributions import Fixed, Lognormal
from sim.fleet import draws, team_streams

BIT_GENERATORS = (np.random.PCG64, np.random.Philox, np.random.SFC64, np.random.MT19937)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**63),
    n=st.integers(0, 12),
    spawned=st.integers(0, 3),
    kind=st.sampled_from(BIT_GENERATORS),
    pool=st.sampled_from([4, 8]),
)
def test_team_streams_are_the_generators_spawning_would_make(seed, n, spawned, kind, pool):
    """root.spawn(n)[t].spawn(2)[j], for any bit generator and pool size, also after spawns."""

    def rng():
        return np.random.Generator(kind(np.random.SeedSequence(seed, pool_size=pool)))

    root, twin = rng(), rng()
    root.spawn(spawned)
    twin.spawn(spawned)
    made = team_streams(root, n)
    assert len(made) == n
    for (turnout, resupply), child in zip(made, twin.spawn(n), strict=True):
        want = child.spawn(2)
        assert type(turnout().bit_generator) is kind
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


def test_each_team_draws_from_its_own_spawned_streams(county):
    """The engine's teams: turnout of team t from root.spawn(n)[t].spawn(2)[0], in team order."""
    from scenarios.distributions import Lognormal
    from sim.defaults import default_facilities
    from sim.fleet import Fleet

    stations, _depots = default_facilities(county)
    fleet = Fleet()
    fleet._init_fleet(stations, np.random.default_rng(11))
    specs = [ts for s in stations for ts in s.teams for _ in range(ts.count)]
    children = np.random.default_rng(11).spawn(len(specs))
    for t, (ts, child) in enumerate(zip(specs, children, strict=True)):
        if not isinstance(ts.turnout, Lognormal):
            continue
        want = ts.turnout.sample(child.spawn(2)[0], 64).tolist()[:3]
        assert [next(fleet.team_turnout[t]) for _ in range(3)] == want
