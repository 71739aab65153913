"""Seeds as ints, Generators, SeedSequences or None: normalised once, results unchanged for ints."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from networks.seeds import MAX_SEED, as_generator, as_root_seed

seeds = st.integers(0, MAX_SEED)


@given(seed=seeds)
def test_an_int_or_its_seed_sequence_is_the_same_generator_and_root(seed):
    a = as_generator(seed).random(3)
    np.testing.assert_array_equal(a, np.random.default_rng(seed).random(3))
    np.testing.assert_array_equal(a, as_generator(np.random.SeedSequence(seed)).random(3))
    assert as_root_seed(seed) == as_root_seed(np.random.SeedSequence(seed)) == seed
    assert as_root_seed(np.int64(seed)) == seed


@given(seed=seeds)
def test_a_generator_is_used_as_is_and_drawn_from_once_for_a_root(seed):
    gen = np.random.default_rng(seed)
    assert as_generator(gen) is gen
    root = as_root_seed(gen)
    twin = np.random.default_rng(seed)
    assert root == twin.integers(0, MAX_SEED, endpoint=True)
    assert 0 <= root <= MAX_SEED
    np.testing.assert_array_equal(gen.random(2), twin.random(2))  # advanced by one draw only


@given(seed=seeds, key=st.lists(st.integers(0, 50), min_size=1, max_size=3))
def test_a_spawned_sequence_gives_a_root_of_its_own(seed, key):
    child = np.random.SeedSequence(seed, spawn_key=tuple(key))
    root = as_root_seed(child)
    assert root == as_root_seed(np.random.SeedSequence(seed, spawn_key=tuple(key)))
    assert 0 <= root <= MAX_SEED


def test_none_is_the_default_or_fresh_entropy():
    assert as_root_seed(None, default=17) == 17
    fresh = {as_root_seed(None) for _ in range(4)}
    assert len(fresh) == 4 and all(0 <= r <= MAX_SEED for r in fresh)
    assert isinstance(as_generator(None), np.random.Generator)


@pytest.mark.parametrize("bad", [True, -1, 2**63, 1.5, "7", [1, 2]])
def test_anything_else_is_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        as_root_seed(bad)
    with pytest.raises((TypeError, ValueError)):
        as_generator(bad)


def test_the_bound_is_the_config_bound():
    from scenarios.validate import MAX_SEED as CONFIG_MAX

    assert MAX_SEED == CONFIG_MAX


def test_entry_points_take_an_int_as_they_take_its_generator(county):
    import sim
    from scenarios import generate_stream, load_scenario

    spec = load_scenario("typical_week")
    a = generate_stream(spec, county, rng=3)
    b = generate_stream(spec, county, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.time, b.time)
    np.testing.assert_array_equal(a.control_work, b.control_work)
    stations, depots = sim.default_facilities(county)
    ra = sim.run(county, stations, depots, a, rng=8, travel_noise=0.1)
    rb = sim.run(county, stations, depots, a, rng=np.random.default_rng(8), travel_noise=0.1)
    ia, ib = ra.incidents, rb.incidents
    for name in ia:
        np.testing.assert_array_equal(ia[name], ib[name], err_msg=name)
