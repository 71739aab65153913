"""Disruptions: closing and slowing roads makes new network states."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.sparse import csgraph

from networks import Disruption, synthetic_county
from tests.sim.helpers import road_network


@pytest.fixture(scope="module")
def tiebreak_county():
    """A county whose edge lengths are jittered so that every shortest path is unique."""
    from networks.roadnet import EdgeTable, RoadNetwork

    base = synthetic_county(seed=3, townships=6, villages=30)
    rng = np.random.default_rng(0)
    e = base.edges
    length = e.length * rng.uniform(1.0, 1.01, size=len(e))
    edges = EdgeTable(e.u, e.v, length, e.speed_kph, e.highway, e.name)
    return RoadNetwork(base.nodes, edges, crs=base.crs, landmarks=base.landmarks)


def _subtree(pred: np.ndarray, root: int) -> np.ndarray:
    """Nodes whose shortest-path tree path passes through ``root``."""
    children: dict[int, list[int]] = {}
    for node, parent in enumerate(pred):
        if parent >= 0:
            children.setdefault(int(parent), []).append(node)
    inside = np.zeros(len(pred), dtype=bool)
    todo = [root]
    while todo:
        node = todo.pop()
        inside[node] = True
        todo.extend(children.get(node, ()))
    return inside


def test_closing_an_edge_lengthens_exactly_the_routes_that_used_it(tiebreak_county):
    net = tiebreak_county
    rng = np.random.default_rng(1)
    for source in rng.choice(net.n_nodes, size=3, replace=False):
        before, pred = csgraph.dijkstra(net.csr, indices=int(source), return_predecessors=True)
        # An edge of the shortest-path tree that many routes use: the tree edge into the
        # node with the largest subtree, away from the source.
        tree_v = np.flatnonzero(pred >= 0)
        sizes = {int(v): int(_subtree(pred, int(v)).sum()) for v in rng.choice(tree_v, 40)}
        v = max(sizes, key=lambda k: (sizes[k] < net.n_nodes // 2, sizes[k]))
        u = int(pred[v])
        edge = np.flatnonzero((net.edges.u == u) & (net.edges.v == v))
        closed = net.with_closed(edge)
        after = closed.travel_times([int(source)])[0]
        used = _subtree(pred, v)
        assert (after[used] > before[used] * (1 + 1e-6)).all()
        np.testing.assert_allclose(after[~used], before[~used], rtol=1e-6)


def test_states_have_versions_and_are_reused(county):
    d = Disruption(edges=(0, 1, 2), label="test")
    a = county.under([d])
    b = county.under([d])
    assert a is b
    assert a.version != county.version
    assert county.under([]) is county.base
    assert a.closed.sum() == 3 and county.closed.sum() == 0
    slow = county.under([Disruption(edges=(0,), factor=2.0)])
    assert slow.version not in (a.version, county.version)
    assert slow.edge_time[0] == pytest.approx(2 * county.edge_time[0])


def test_unreachable_nodes_read_inf_not_a_crash(county):
    target = county.landmarks[-1].node  # a village
    into = np.flatnonzero(county.edges.v == target)
    cut = county.with_closed(into)
    times = cut.travel_times([county.landmarks[0].node])
    assert np.isinf(times[0, target])
    assert np.isfinite(np.delete(times[0], target)).all()
    assert cut.route(county.landmarks[0].node, target) == []


def test_circle_selects_edges_within_radius(county):
    cx, cy = county.nodes.x[100], county.nodes.y[100]
    sel = county.edges_near(cx, cy, 1500.0)
    e, nd = county.edges, county.nodes
    d_u = np.hypot(nd.x[e.u] - cx, nd.y[e.u] - cy)
    d_v = np.hypot(nd.x[e.v] - cx, nd.y[e.v] - cy)
    picked = np.zeros(len(e), dtype=bool)
    picked[sel] = True
    # Every edge with an end inside is picked; nothing with both ends far beyond is.
    assert picked[(d_u < 1499) | (d_v < 1499)].all()
    assert not picked[(d_u > 1500 + e.length) & (d_v > 1500 + e.length)].any()


def test_polygon_selection(county):
    nd = county.nodes
    square = [(-1000, -1000), (1000, -1000), (1000, 1000), (-1000, 1000)]
    sel = county.edges_in_polygon(square)
    e = county.edges
    inside = (np.abs(nd.x[e.u]) < 999) & (np.abs(nd.y[e.u]) < 999)
    assert set(np.flatnonzero(inside)) <= set(sel.tolist())
    mids_x = (nd.x[e.u[sel]] + nd.x[e.v[sel]]) / 2
    assert (np.abs(mids_x) <= 1000 + e.length[sel]).all()


def test_bad_disruptions_are_refused(county):
    from networks import NetworkError

    with pytest.raises(ValueError, match="factor"):
        Disruption(edges=(0,), factor=0.5)
    with pytest.raises(NetworkError, match="out of range"):
        county.under([Disruption(edges=(county.n_edges,))])


def test_unused_states_are_freed_and_versions_never_repeat():
    import gc

    net = synthetic_county(seed=5, townships=3, villages=10, grid=8)
    held = net.under([Disruption((0,))])
    versions = {net.version, held.version}
    for k in range(1, 120):
        state = net.under([Disruption((k,))])
        state.travel_times([0])  # give it a cache worth freeing
        versions.add(state.version)
    assert len(versions) == 121  # every state its own version
    del state
    gc.collect()
    # Only the states still used (net, held) and the most recent ones stay alive.
    assert len(net._shared.states) <= 2 + 32
    assert net.under([Disruption((0,))]) is held  # in use: the same object
    again = net.under([Disruption((1,))])  # long gone: made again, with a new version
    assert again.version not in versions
    np.testing.assert_array_equal(again.travel_times([0]), net.with_closed([1]).travel_times([0]))


def test_a_pickled_network_travels_the_same(county):
    import pickle

    copy = pickle.loads(pickle.dumps(county))
    assert copy.base is copy and copy.under([]) is copy
    np.testing.assert_array_equal(copy.travel_times([0, 5]), county.travel_times([0, 5]))
    cut = [Disruption(tuple(range(20)))]
    np.testing.assert_array_equal(
        copy.under(cut).travel_times([3]), county.under(cut).travel_times([3])
    )


@settings(max_examples=60, deadline=None)
@example(sets=[[(0, 2.0)], [(0, 4.0)]])  # the same edge, other factors: other states
@given(
    sets=st.lists(
        st.lists(
            st.tuples(st.integers(0, 7), st.sampled_from([1.0, 2.0, 4.0, np.inf])), max_size=4
        ),
        min_size=2,
        max_size=5,
    )  # fmt: skip
)
def test_states_are_shared_exactly_when_their_factors_are_equal(sets):
    """The registry key (the edges that differ from the undisrupted state) tells states apart."""
    net = road_network(5, [(0, 1, 10.0), (1, 2, 10.0), (2, 3, 10.0), (3, 4, 10.0)])  # 8 arcs
    states = [net.under([Disruption((e,), f) for e, f in ds]) for ds in sets]
    wanted = []
    for ds in sets:
        w = np.ones(net.n_edges)
        for e, f in ds:
            w[e] *= f
        wanted.append(w)
    for a, wa in zip(states, wanted, strict=True):
        assert np.array_equal(a.factor, wa)  # not a state of other disruptions
        for b, wb in zip(states, wanted, strict=True):
            assert (a is b) == bool(np.array_equal(wa, wb))
