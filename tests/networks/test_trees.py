"""Repaired shortest-path trees equal a from-scratch Dijkstra on every new road state."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csgraph

from networks import synthetic_county
from networks.states import Disruption
from networks.trees import NO_PRED, ArcGraph, TreeSet


@pytest.fixture(scope="module")
def small():
    return synthetic_county(seed=5, townships=6, villages=40, grid=14)


def _check(net, state, fwd: TreeSet, rev: TreeSet) -> None:
    """Distances equal scipy's on the state's own CSR; predecessors form valid trees."""
    src = fwd.sources
    want = csgraph.dijkstra(state.csr, indices=src)
    want_rev = csgraph.dijkstra(state.csr_reverse, indices=src)
    np.testing.assert_array_equal(fwd.dist, want)
    np.testing.assert_array_equal(rev.dist, want_rev)
    # What readers see is what RoadNetwork.travel_times gives for the state.
    np.testing.assert_array_equal(fwd.dist32, state.travel_times(src))
    np.testing.assert_array_equal(rev.dist32, state.travel_times(src, reverse=True))
    for trees, csr in ((fwd, state.csr), (rev, state.csr_reverse)):
        for k in range(len(src)):
            p = trees.pred[k]
            has = p != NO_PRED
            # Every predecessor arc is open and tight: d[v] == d[pred] + w(pred, v).
            w = _arc_weights(csr, p[has], np.flatnonzero(has))
            assert np.all(np.isfinite(w))
            np.testing.assert_array_equal(trees.dist[k, has], trees.dist[k, p[has]] + w)
            # Exactly the reachable nodes other than the source have a predecessor.
            reach = np.isfinite(trees.dist[k])
            reach[src[k]] = False
            np.testing.assert_array_equal(has, reach)


def _arc_weights(csr, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Weights of arcs ``u -> v`` stored in ``csr`` (``inf`` where there is no such arc)."""
    coo = csr.tocoo()
    n = csr.shape[0]
    codes = coo.row.astype(np.int64) * n + coo.col
    order = np.argsort(codes)
    codes, data = codes[order], coo.data[order]
    want = u.astype(np.int64) * n + v
    at = np.clip(np.searchsorted(codes, want), 0, max(codes.size - 1, 0))
    return np.where(codes[at] == want, data[at], np.inf)


changes = st.lists(
    st.tuples(
        st.sampled_from(["close", "slow", "reopen", "clear"]),
        st.integers(min_value=1, max_value=25),
        st.integers(min_value=0, max_value=2**32 - 1),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=changes, share=st.sampled_from([0.0, 0.2, 1.0]))
def test_repair_equals_from_scratch(small, steps, share, monkeypatch):
    """Whether trees are repaired (share 1), grown again (0) or a mix, they are exact."""
    import networks.trees as trees

    monkeypatch.setattr(trees, "REDO_SHARE", share)
    net = small
    g = ArcGraph(net)
    src = np.random.default_rng(0).choice(net.n_nodes, 7, replace=False)
    fwd, rev = TreeSet(g, src), TreeSet(g, src, reverse=True)
    active: list[Disruption] = []
    for kind, k, seed in steps:
        rng = np.random.default_rng(seed)
        if kind == "close":
            active.append(Disruption(tuple(rng.choice(net.n_edges, k, replace=False).tolist())))
        elif kind == "slow":
            edges = tuple(rng.choice(net.n_edges, k, replace=False).tolist())
            active.append(Disruption(edges, float(rng.uniform(1.0, 6.0))))
        elif kind == "reopen" and active:
            active.pop(int(rng.integers(len(active))))
        elif kind == "clear":
            active = []
        state = net.under(active)
        arcs, old, new = g.move_to(state.factor)
        fwd.update(arcs, old, new)
        rev.update(arcs, old, new)
        _check(net, state, fwd, rev)


def test_closing_a_tree_arc_repairs_only_below_it(small):
    """A closure on a tree repairs that subtree, not the whole tree; reopening restores it."""
    net = small
    g = ArcGraph(net)
    src = np.array([net.landmarks[0].node])
    fwd = TreeSet(g, src)
    before = fwd.dist.copy()
    # A tree arc with a small subtree below it: a node whose only child-free position
    # makes it a leaf-ish node; closing its parent arc touches a handful of entries.
    p = fwd.pred[0]
    children = np.bincount(p[p >= 0], minlength=net.n_nodes)
    leaf = int(np.flatnonzero((p >= 0) & (children == 0))[0])
    edges = np.flatnonzero((net.edges.u == p[leaf]) & (net.edges.v == leaf))
    state = net.with_closed(edges)
    touched = fwd.update(*g.move_to(state.factor))
    assert 1 <= touched < net.n_nodes // 20
    np.testing.assert_array_equal(fwd.dist, csgraph.dijkstra(state.csr, indices=src))
    assert fwd.update(*g.move_to(net.factor)) >= 1
    np.testing.assert_array_equal(fwd.dist, before)


def test_unchanged_state_changes_nothing(small):
    g = ArcGraph(small)
    fwd = TreeSet(g, np.array([0, 1]))
    arcs, old, new = g.move_to(small.factor.copy())
    assert arcs.size == 0 and fwd.update(arcs, old, new) == 0
    # Slowing an edge by a factor of one is no change either.
    state = small.under([Disruption((3,), 1.0)])
    assert g.move_to(state.factor)[0].size == 0


def test_arc_lengths_are_those_of_the_fastest_parallel_edge():
    """An arc's metres follow its fastest open edge from state to state."""
    from networks.roadnet import EdgeTable, NodeTable, RoadNetwork

    x = np.array([0.0, 100.0, 150.0])
    nodes = NodeTable(np.arange(3, dtype=np.int64), x, np.zeros(3), x / 1e5, np.zeros(3))
    u, v = np.array([0, 0, 1, 1, 2]), np.array([1, 1, 2, 0, 1])
    length = np.array([100.0, 300.0, 50.0, 100.0, 50.0])
    speed = np.array([10.0, 60.0, 30.0, 10.0, 30.0])
    road = np.full(5, "primary")
    edges = EdgeTable(u, v, length, speed, road, np.full(5, ""))
    net = RoadNetwork(nodes, edges, crs="EPSG:3857")
    g = ArcGraph(net)
    arc = g.arc_index(np.array([0]), np.array([1]))
    assert g.lengths_for(net.factor)[arc] == 300.0  # 300 m at 60 km/h beats 100 m at 10
    closed = net.with_closed([1])
    assert g.lengths_for(closed.factor)[arc] == 100.0
    assert g.weights_for(closed.factor)[arc] == pytest.approx(36.0)


def test_arc_graph_matches_state_csr(small):
    """The fixed-structure CSR of a state gives the same trees as the state's own CSR."""
    rng = np.random.default_rng(3)
    state = small.with_closed(rng.choice(small.n_edges, 30, replace=False))
    g = ArcGraph(small)
    src = rng.choice(small.n_nodes, 5, replace=False)
    for reverse, own in ((False, state.csr), (True, state.csr_reverse)):
        d1, p1 = csgraph.dijkstra(own, indices=src, return_predecessors=True)
        d2, p2 = csgraph.dijkstra(
            g.csr_for(state.factor, reverse=reverse), indices=src, return_predecessors=True
        )
        np.testing.assert_array_equal(d1, d2)
        np.testing.assert_array_equal(p1, p2)


def test_arc_index_finds_every_arc_on_every_ask(small):
    """Arc indices by (u, v), asked in batches as the route-metre walks ask them."""
    g = ArcGraph(small)
    rng = np.random.default_rng(5)
    before = g.nbytes
    for _ in range(3):  # the first ask makes the sorted codes; later ones reuse them
        k = rng.permutation(g.arc_u.size)[:500]
        np.testing.assert_array_equal(g.arc_index(g.arc_u[k], g.arc_v[k]), k)
    assert g.nbytes == before + 8 * g.arc_u.size  # the codes are counted once made
