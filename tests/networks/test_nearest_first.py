"""Sources nearest first to a node: the order and seconds of a stable argsort of whole rows."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from networks import NetworkError, from_networkx
from networks.nearest_first import NearestFirst


def _grid(side: int, seed: int):
    """A street grid of near-equal blocks (ties everywhere) and some one-way streets.

    A network keeps its largest strongly connected part only: places cut off
    come from closing roads (:func:`_cut`).
    """
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
    return from_networkx(g)


def _cut(net, rng):
    """The grid with some roads closed: corners and one-way pockets cut off, now and then."""
    return net.with_closed(np.flatnonzero(rng.random(net.n_edges) < 0.25))


@settings(max_examples=60, deadline=None)
@given(
    side=st.integers(2, 9),
    seed=st.integers(0, 2**32 - 1),
    n_sources=st.integers(1, 70),
    read=st.integers(0, 80),
    cut=st.booleans(),
)
@example(side=9, seed=0, n_sources=70, read=3, cut=False)
@example(side=9, seed=1, n_sources=70, read=3, cut=True)
def test_nearest_first_is_a_stable_argsort_of_the_whole_rows(side, seed, n_sources, read, cut):
    rng = np.random.default_rng(seed)
    net = _grid(side, seed)
    if cut:
        net = _cut(net, rng)
    sources = rng.integers(0, net.n_nodes, n_sources)  # repeats, the node itself
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
    assert nearest.unbounded == 0  # every forward search stayed within its bound


def test_the_cut_off_come_last_by_index():
    """Sources no road leads from to the node: inf, after the rest, in the order given."""
    rng = np.random.default_rng(3)
    net = _cut(_grid(8, 3), rng)
    for node in range(net.n_nodes):
        sources = np.arange(net.n_nodes)[::-1]
        seconds = net.travel_times(sources)[:, node]
        if np.isinf(seconds).sum() >= 3 and np.isfinite(seconds).sum() >= 3:
            break
    got = list(NearestFirst(net, sources, node))
    cut_off = [i for i, s in got if np.isinf(s)]
    assert cut_off == np.flatnonzero(np.isinf(seconds)).tolist()
    assert [i for i, _ in got[-len(cut_off) :]] == cut_off


def test_nodes_outside_the_network_are_refused(county):
    with pytest.raises(NetworkError, match="out of range"):
        NearestFirst(county, [0, county.n_nodes], 1)
    with pytest.raises(NetworkError, match="out of range"):
        NearestFirst(county, [0], -1)
    assert list(NearestFirst(county, [], 5)) == []


def test_only_the_nearest_are_searched(county):
    """Reading the first few of many sources searches forward from a few chunks, not all."""
    rng = np.random.default_rng(7)
    sources = rng.integers(0, county.n_nodes, 400)
    nearest = NearestFirst(county, sources, int(sources[0]))
    first = next(iter(nearest))
    assert first[1] == 0.0 and sources[first[0]] == sources[0]
    assert nearest._next < 100  # sources searched forward
