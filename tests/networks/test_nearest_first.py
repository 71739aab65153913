"""Sources nearest first to a node: the order and seconds of a stable argsort of whole rows."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from networks import from_networkx
from networks.nearest_first import NearestFirst


def _grid(side: int, seed: int):
    """A street grid of equal blocks (ties everywhere), some one-way streets and an island."""
    rng = np.random.default_rng(seed)
    g = nx.MultiDiGraph(crs="EPSG:32650")
    for i in range(side):
        for j in range(side):
            g.add_node(i * side + j, x=100.0 * i, y=100.0 * j)
    for i in range(side):
        for j in range(side):
            a = i * side + j
            right = (i + 1) * side + j if i + 1 < side else None
            for b in (right, a + 1 if j + 1 < side else None):
                if b is None:
                    continue
                # Few lengths, not exact in binary: equal routes whose sums differ in the last bit
                # by the order they are added in (forward or reversed), and exact ties.
                length = float(rng.choice([100.0, 100.1, 100.2, 100.3, 141.4]))
                g.add_edge(a, b, length=length, highway="residential")
                if rng.random() > 0.15:  # else one way
                    g.add_edge(b, a, length=length, highway="residential")
    island = side * side
    g.add_node(island, x=-500.0, y=-500.0)
    g.add_node(island + 1, x=-600.0, y=-500.0)
    g.add_edge(island, island + 1, length=100.0, highway="residential")
    g.add_edge(island + 1, island, length=100.0, highway="residential")
    return from_networkx(g)


@settings(max_examples=60, deadline=None)
@given(
    side=st.integers(2, 9),
    seed=st.integers(0, 2**32 - 1),
    n_sources=st.integers(1, 70),
    read=st.integers(0, 80),
)
@example(side=9, seed=0, n_sources=70, read=3)
def test_nearest_first_is_a_stable_argsort_of_the_whole_rows(side, seed, n_sources, read):
    net = _grid(side, seed)
    rng = np.random.default_rng(seed)
    sources = rng.integers(0, net.n_nodes, n_sources)  # repeats, the island, the node itself
    node = int(rng.integers(0, net.n_nodes))
    seconds = net.travel_times(sources)[:, node]
    order = np.argsort(seconds, kind="stable")
    nearest = NearestFirst(net, sources, node)
    # Read part of it first, then all: what was read is kept and the rest follows in order.
    head = [pair for pair, _ in zip(nearest, range(read), strict=False)]
    got = list(nearest)
    assert got[: len(head)] == head
    assert [i for i, _ in got] == order.tolist()
    np.testing.assert_array_equal(np.array([s for _, s in got], np.float32), seconds[order])
    assert all(isinstance(s, np.float32) for _, s in got)


def test_only_the_nearest_are_searched(county):
    """Reading the first few of many sources searches forward from a few chunks, not all."""
    rng = np.random.default_rng(7)
    sources = rng.integers(0, county.n_nodes, 400)
    nearest = NearestFirst(county, sources, int(sources[0]))
    first = next(iter(nearest))
    assert first[1] == 0.0 and sources[first[0]] == sources[0]
    assert nearest._next < 100  # sources searched forward
