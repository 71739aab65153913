"""Travel times from the compiled network against networkx's Dijkstra."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest


def _nx_digraph(net):
    """A plain DiGraph with the fastest of parallel edges, weighted by seconds."""
    g = nx.DiGraph()
    g.add_nodes_from(range(net.n_nodes))
    t = net.edge_time
    for k in np.argsort(-t):  # slowest first so the fastest parallel edge wins
        if np.isfinite(t[k]):
            g.add_edge(int(net.edges.u[k]), int(net.edges.v[k]), w=float(t[k]))
    return g


@pytest.fixture(params=["county", "shanghai"])
def net(request):
    return request.getfixturevalue(request.param)


def test_forward_times_equal_networkx(net):
    rng = np.random.default_rng(11)
    sources = rng.choice(net.n_nodes, size=8, replace=False)
    got = net.travel_times(sources)
    g = _nx_digraph(net)
    for i, s in enumerate(sources):
        ref = nx.single_source_dijkstra_path_length(g, int(s), weight="w")
        targets = rng.choice(net.n_nodes, size=200, replace=False)
        for t in targets:
            assert got[i, t] == pytest.approx(ref[int(t)], rel=1e-6, abs=1e-3)


def test_reverse_times_are_times_to_the_sources(net):
    rng = np.random.default_rng(12)
    sources = rng.choice(net.n_nodes, size=5, replace=False)
    back = net.travel_times(sources, reverse=True)
    g = _nx_digraph(net).reverse(copy=True)
    for i, s in enumerate(sources):
        ref = nx.single_source_dijkstra_path_length(g, int(s), weight="w")
        for j in rng.choice(net.n_nodes, size=100, replace=False):
            assert back[i, j] == pytest.approx(ref[int(j)], rel=1e-6, abs=1e-3)
            # ... and equal to the forward time from j to s.
            assert back[i, j] == pytest.approx(net.travel_time(int(j), int(s)), rel=1e-6)


def test_times_are_float32_read_only_and_cached(county):
    a = county.travel_times([0, 5, 9])
    assert a.dtype == np.float32 and a.shape == (3, county.n_nodes)
    assert not a.flags.writeable
    assert county.travel_times([0, 5, 9]) is a
    assert county.travel_times([0, 5, 9], reverse=True) is not a


def test_limit_cuts_the_search_explicitly(county):
    full = county.travel_times([3])
    cut = county.travel_times([3], limit=600.0)
    inside = full <= 600.0
    np.testing.assert_allclose(cut[inside], full[inside], rtol=1e-6)
    assert np.isinf(cut[~inside]).all()
    assert (~inside).any()


def test_route_follows_the_shortest_time(county):
    rng = np.random.default_rng(5)
    for s, t in rng.choice(county.n_nodes, size=(10, 2)):
        path = county.route(int(s), int(t))
        assert path[0] == s and path[-1] == t
        along = county.edge_time[county.route_edges(path)].sum()
        assert along == pytest.approx(county.travel_time(int(s), int(t)), rel=1e-5)


def test_source_out_of_range_is_a_network_error(county):
    from networks import NetworkError

    with pytest.raises(NetworkError, match="out of range"):
        county.travel_times([county.n_nodes])


def test_worker_processes_give_identical_times(county):
    sources = np.arange(0, county.n_nodes, 211)
    serial = county.travel_times(sources)
    county._cache.clear()
    parallel = county.travel_times(sources, workers=2)
    np.testing.assert_array_equal(serial, parallel)
