"""Demand groups of wide coverage matrices (more than 62 posts) are np.unique's rows, in its order.

A city has about a hundred posts: the groups are found from packed bits, and
must be exactly ``np.unique(reach, axis=0)`` (same rows, same order, same
inverse), or coverage sums would change.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.moveup_cover import _patterns


@settings(max_examples=60, deadline=None)
@given(
    posts=st.integers(63, 200),
    rows=st.integers(1, 400),
    kinds=st.integers(1, 30),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_wide_patterns_are_numpys_unique_rows(posts, rows, kinds, density, seed):
    rng = np.random.default_rng(seed)
    base = rng.random((kinds, posts)) < density
    reach = base[rng.integers(0, kinds, rows)]
    want, want_inv = np.unique(reach, axis=0, return_inverse=True)
    got, got_inv = _patterns(reach)
    assert got.dtype == bool and np.array_equal(got, want)
    assert np.array_equal(got_inv, want_inv.ravel())
    assert np.array_equal(got[got_inv], reach)  # every row is its group's pattern


def test_rows_differing_only_in_the_last_post_are_two_groups():
    reach = np.zeros((3, 130), dtype=bool)
    reach[1, -1] = True  # the padding bits must not hide the last column
    got, inv = _patterns(reach)
    assert got.shape[0] == 2 and inv.tolist() == [0, 1, 0]
