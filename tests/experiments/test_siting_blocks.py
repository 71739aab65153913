"""Siting matrices a block of rows at a time: the same numbers as whole-matrix arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.siting import SupplyHierarchy, base
from experiments.siting.base import columns_float64


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
    return SupplyHierarchy(
        ud, t(n_u, n_j), t(n_j, n_i), p_township=1, standard=20.0, upstream_weight=beta,
        **village,
    )  # fmt: skip


def _whole(m: SupplyHierarchy) -> list[np.ndarray]:
    """The routes by whole-matrix sums, as they were worked out before the blocks."""
    direct = m.upper_to_demand.min(axis=0)
    a, b = m.upper_to_township.min(axis=0), m.upper_to_village.min(axis=0)
    t_town = m.upstream_weight * a[:, None] + m.township_to_demand
    j, i = np.nonzero(t_town < direct[None, :])
    parts = [(i, j, np.full(i.size, -1), t_town[j, i])]
    if m.n_village:
        t_vu = m.upstream_weight * b[:, None] + m.village_to_demand
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
        got = m._routes()
    want = _whole(m)
    n = want[0].size
    for g, w in zip(got, want, strict=True):  # the village-to-village legs come after these
        np.testing.assert_array_equal(g[:n], w)


def test_routes_are_kept_until_a_matrix_is_replaced():
    m = _model(3, 2, 0.25)
    first = m._routes()
    assert m._routes() is first  # solve, evaluate and the fewest-moves search share them
    assert not first[3].flags.writeable  # a caller writing into them would change the next
    m.township_to_demand = m.township_to_demand + 100.0  # no township beats the upper tier now
    again = m._routes()
    assert again is not first
    assert (again[1] >= 0).sum() < (first[1] >= 0).sum()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 7),
    block=st.sampled_from([1, 3, 10, 1 << 23]),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_columns_float64_equal_fancy_indexing(seed, rows, block, dtype):
    rng = np.random.default_rng(seed)
    times = (rng.random((rows, 13)) * 1e4).astype(dtype)
    times[rng.random(times.shape) < 0.1] = np.inf
    cols = rng.integers(0, 13, size=int(rng.integers(0, 20)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base, "BLOCK_ENTRIES", block)
        got = columns_float64(times, cols)
    assert got.dtype == np.float64 and got.flags.c_contiguous
    np.testing.assert_array_equal(got, np.asarray(times[:, cols], dtype=np.float64))
