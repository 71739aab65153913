"""Siting matrices a block of rows at a time: the same numbers as whole-matrix arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.siting import MCLP, SupplyHierarchy, base
from experiments.siting.base import columns_float64
from experiments.siting.supply_routes import restock_legs, supply_routes


def _model(seed: int, n_v: int, beta: float) -> SupplyHierarchy:
    rng = np.random.default_rng(seed)
    n_u, n_i, n_j = 2, int(rng.integers(1, 30)), int(rng.integers(1, 9))
    t = lambda a, b: rng.integers(1, 40, size=(a, b)).astype(float) * 0.7  # noqa: E731
    village = {}
    if n_v:
        village = dict(
            upper_to_village=t(n_u, n_v), township_to_village=t(n_j, n_v),
            village_to_demand=t(n_v, n_i), p_village=1,
        )  # fmt: skip
    ud = t(n_u, n_i) + 10.0
    ud[0, rng.random(n_i) < 0.2] = np.inf  # some demand only the second upper depot reaches
    ut = t(n_u, n_j)
    ut[:, rng.random(n_j) < 0.2] = np.inf  # townships the upper tier cannot restock
    return SupplyHierarchy(
        ud, ut, t(n_j, n_i), p_township=1, standard=20.0, upstream_weight=beta, **village,
    )  # fmt: skip


def _whole(m: SupplyHierarchy) -> list[np.ndarray]:
    """The routes by whole-matrix sums, as they were worked out before the blocks."""
    direct = m.upper_to_demand.min(axis=0)
    a, b = m.upper_to_township.min(axis=0), m.upper_to_village.min(axis=0)
    t_town = restock_legs(a, m.upstream_weight)[:, None] + m.township_to_demand
    j, i = np.nonzero(t_town < direct[None, :])
    parts = [(i, j, np.full(i.size, -1), t_town[j, i])]
    if m.n_village:
        t_vu = restock_legs(b, m.upstream_weight)[:, None] + m.village_to_demand
        v, i = np.nonzero(t_vu < direct[None, :])
        parts.append((i, np.full(i.size, -1), v, t_vu[v, i]))
    return [np.concatenate([p[k] for p in parts]) for k in range(4)]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_v=st.integers(0, 3),
    beta=st.sampled_from([0.0, 0.25, 1.0]),
    block=st.sampled_from([1, 2, 5, 29, 1 << 23]),
)
def test_routes_by_blocks_equal_the_whole_matrix(seed, n_v, beta, block):
    """Any block size gives the same routes, in the same order (township and village legs)."""
    m = _model(seed, n_v, beta)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base, "BLOCK_ENTRIES", block)
        got = supply_routes(m)
    want = _whole(m)
    n = want[0].size
    for g, w in zip(got, want, strict=True):  # the village-to-village legs come after these
        np.testing.assert_array_equal(g[:n], w)
    # Those legs too, and nothing more: the same as one block of everything.
    for g, w in zip(got, supply_routes(m), strict=True):
        np.testing.assert_array_equal(g, w)


def test_routes_are_kept_until_a_matrix_is_replaced():
    m = _model(3, 2, 0.0)
    first = m._routes()
    assert m._routes() is first  # solve, evaluate and the fewest-moves search share them
    assert not first[3].flags.writeable  # a caller writing into them would change the next
    m.township_to_demand = m.township_to_demand + 100.0  # no township beats the upper tier now
    again = m._routes()
    assert again is not first
    assert (again[1] >= 0).sum() < (first[1] >= 0).sum()
    # Arrays replaced again and again, never asked in between: the freed array that was asked
    # for last leaves its id to a new one (CPython reuses the address), never itself.
    for _ in range(6):
        m.township_to_demand = m.township_to_demand - 20.0
    for g, w in zip(m._routes(), supply_routes(m), strict=True):
        np.testing.assert_array_equal(g, w)
    m.upstream_weight = 1.0
    for g, w in zip(m._routes(), supply_routes(m), strict=True):
        np.testing.assert_array_equal(g, w)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 7),
    block=st.sampled_from([1, 3, 10, 1 << 23]),
    dtype=st.sampled_from([np.float32, np.float64]),
    order=st.sampled_from(["C", "F"]),
)
def test_columns_float64_equal_fancy_indexing(seed, rows, block, dtype, order):
    rng = np.random.default_rng(seed)
    times = (rng.random((rows, 13)) * 1e4).astype(dtype)
    times[rng.random(times.shape) < 0.1] = np.inf
    cols = rng.integers(0, 13, size=int(rng.integers(0, 20)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base, "BLOCK_ENTRIES", block)
        got = columns_float64(times, cols, order=order)
    assert got.dtype == np.float64
    assert got.flags.c_contiguous if order == "C" else got.flags.f_contiguous
    np.testing.assert_array_equal(got, np.asarray(times[:, cols], dtype=np.float64))


def test_location_models_keep_the_layout_of_their_times(county):
    """from_network's times are C-ordered as they always were: matrix products round alike."""
    dem, cand = np.arange(0, county.n_nodes, 7), np.arange(0, county.n_nodes, 211)
    m = MCLP.from_network(county, dem, None, cand, standard=600.0, p=3)
    old = np.asarray(county.travel_times(cand, limit=600.0)[:, dem], dtype=np.float64).T
    assert m.times.flags.c_contiguous and m.times.strides == old.strides
    np.testing.assert_array_equal(m.times, old)
