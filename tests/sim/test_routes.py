"""Route lengths of dispatches equal the lengths of the fastest routes, edge by edge."""

import numpy as np

import sim
from scenarios.distributions import Exponential
from scenarios.stream import Requirement
from sim.model import route_lengths
from tests.sim.helpers import poisson_stream


def path_metres(net, a: int, b: int) -> float:
    path = net.route(a, b)
    return float(net.edges.length[net.route_edges(path)].sum()) if len(path) > 1 else 0.0


def test_route_lengths_match_paths(county):
    rng = np.random.default_rng(0)
    src = rng.choice(county.n_nodes, 5, replace=False)
    lengths = route_lengths(county, src)
    for k, a in enumerate(src.tolist()):
        for b in rng.choice(county.n_nodes, 8).tolist():
            assert np.isclose(lengths[k, b], path_metres(county, a, b), rtol=1e-5)


def test_dispatch_distances_match_paths(county):
    stations, _ = sim.default_facilities(county)
    fire = Requirement("fire", 3, (("fire", 1),))
    # Busy enough that teams are often re-sent from the previous scene.
    stream = poisson_stream(
        np.arange(county.n_nodes), None, rate=0.15, n=1500, rng=np.random.default_rng(1),
        requirements=[fire], control=Exponential(30.0), clear=Exponential(10.0),
    )  # fmt: skip
    rec = sim.run(county, stations, (), stream, rng=np.random.default_rng(2))
    d = rec.dispatches
    scene = d["from_node"] != rec.stations["node"][d["station"]]
    assert scene.sum() > 20
    rows = np.concatenate([np.flatnonzero(scene)[:40], np.flatnonzero(~scene)[:20]])
    for r in rows.tolist():
        want = path_metres(
            county, int(d["from_node"][r]), int(rec.incidents["node"][d["incident"][r]])
        )
        assert np.isclose(d["distance_m"][r], want, rtol=1e-5), r


def test_results_do_not_depend_on_shared_caches(county, monkeypatch):
    import networks.oracle as oracle
    import sim.travel as travel

    stations, _ = sim.default_facilities(county)
    fire = Requirement("fire", 3, (("fire", 1),))
    stream = poisson_stream(
        np.arange(county.n_nodes), None, rate=0.15, n=400, rng=np.random.default_rng(3),
        requirements=[fire], control=Exponential(30.0), clear=Exponential(10.0),
    )  # fmt: skip
    a = sim.run(county, stations, (), stream, rng=np.random.default_rng(4))
    # Scene rows evicted as soon as they are made, every shared cache emptied, dispatch
    # orders cut short (so walks go on past the kept prefix), and no oracle to reuse.
    monkeypatch.setattr(travel._SCENES, "budget", 1)
    monkeypatch.setattr(travel, "ORDER_PREFIX", 1)
    travel._SCENES.clear()
    travel._ORDERS.clear()
    travel._LENGTHS.clear()
    travel._DEPOTS.clear()
    oracle._KEPT.clear()
    b = sim.run(county, stations, (), stream, rng=np.random.default_rng(4))
    assert b.dispatches["from_scene"].any()
    assert a.equals(b)
