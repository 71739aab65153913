"""The geography a network's streams share (audit F3): same results, no sharing across networks."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

import networks
from networks.states import Disruption
from scenarios import generate_stream, load_scenario
from scenarios.geography_cache import _CACHE, network_geography, population_proxy, within
from scenarios.places import FOREST_EDGE_M, LOW_LYING_M, RIVER_BAND_M, Geography

ROAD_SETS = {"low_lying": ("river", LOW_LYING_M), "river": ("river", RIVER_BAND_M),
             "forest": ("forest", FOREST_EDGE_M)}  # fmt: skip


def _net(seed: int = 5) -> networks.RoadNetwork:
    return networks.synthetic_county(seed=seed, townships=3, villages=9, grid=6)


def _fresh(geo: Geography, kind: str, lim: float | None = None) -> np.ndarray:
    """Distances to a kind's sources (or the road set within ``lim``), derived from scratch."""
    src = geo.xy[geo.sources[kind]]
    if lim is None:
        return cKDTree(src).query(geo.xy)[0]
    return cKDTree(src).query(geo._edge_geom[2])[0] <= lim


def test_a_second_geography_reuses_the_first_ones_results_unchanged():
    net = _net()
    first = Geography(net)
    kinds = sorted(first.sources)
    sets = {name: first.road_set(name).copy() for name in ROAD_SETS}
    dist = {k: first.distance_to(k).copy() for k in kinds}
    second = Geography(net)
    assert second.tree is first.tree and second.population is first.population
    for name, (kind, lim) in ROAD_SETS.items():
        assert second.road_set(name) is first.road_set(name)  # not derived again
        np.testing.assert_array_equal(second.road_set(name), sets[name])
        np.testing.assert_array_equal(sets[name], _fresh(first, kind, lim))
    for k in kinds:
        assert second.distance_to(k) is first.distance_to(k)
        np.testing.assert_array_equal(dist[k], _fresh(first, k))
    counts = first.tree.query_ball_point(first.xy, 1000.0, return_length=True)
    np.testing.assert_array_equal(second.population, counts / counts.mean())


def test_what_is_shared_cannot_be_changed_by_a_caller():
    geo = Geography(_net())
    arrays = [geo.population, geo.roads, geo.xy, geo.road_set("low_lying"),
              geo.distance_to("river"), geo.sources["river"], *geo._edge_geom[:3]]  # fmt: skip
    for a in arrays:
        with pytest.raises(ValueError, match="read-only"):
            a[0] = a[0]
    geo.sources["river"] = np.array([0])  # a caller's own dict: the next Geography is unaffected
    assert not np.array_equal(Geography(geo.network).sources["river"], [0])


def test_a_second_network_does_not_share_the_first_ones_cache():
    a, b, other = _net(5), _net(5), _net(6)  # b: equal to a, but another object
    ga, gb, go = Geography(a), Geography(b), Geography(other)
    assert gb.tree is not ga.tree and gb.population is not ga.population
    assert gb.road_set("low_lying") is not ga.road_set("low_lying")
    np.testing.assert_array_equal(gb.road_set("low_lying"), ga.road_set("low_lying"))
    assert not np.array_equal(go.xy, ga.xy)  # another network: its own geometry
    np.testing.assert_array_equal(go.road_set("river"), _fresh(go, "river", RIVER_BAND_M))


def test_a_disrupted_state_shares_its_base_and_a_dropped_network_frees_its_entry():
    net = _net(7)
    state = net.under([Disruption((0, 1), 2.0)])
    assert Geography(state).tree is Geography(net).tree
    assert net in _CACHE and state not in _CACHE
    entry = weakref.ref(network_geography(net))
    del net, state
    gc.collect()
    assert entry() is None  # nothing in the cache kept the network (or its entry) alive


def test_given_sources_get_their_own_road_sets_and_leave_the_defaults_alone():
    net = _net()
    default = Geography(net).road_set("low_lying").copy()
    far = int(np.argmax(np.hypot(*(Geography(net).xy - Geography(net).xy[0]).T)))
    mine = Geography(net, sources={"river": [0, far]})
    np.testing.assert_array_equal(mine.road_set("low_lying"), _fresh(mine, "river", LOW_LYING_M))
    assert not np.array_equal(mine.road_set("low_lying"), default)
    np.testing.assert_array_equal(Geography(net).road_set("low_lying"), default)


def test_replaced_landmarks_are_not_answered_from_the_cache():
    net = _net()
    with_seat = Geography(net).centre
    net.landmarks = ()
    x, y = net.nodes.x, net.nodes.y
    assert Geography(net).centre == int(np.argmin(np.hypot(x - np.median(x), y - np.median(y))))
    assert Geography(net).centre != with_seat  # the seat is not the median node here


def test_move_up_population_is_the_streams_proxy():
    net = _net()
    assert population_proxy(net) is Geography(net).population


@pytest.mark.parametrize("name", ["typhoon_landfall", "multi_hazard"])
def test_streams_on_a_warm_cache_equal_those_on_a_cold_one(name):
    spec = load_scenario(name)
    warm_net, cold_net = _net(8), _net(8)
    generate_stream(spec, warm_net, rng=1)  # fills warm_net's cache
    warm = generate_stream(spec, warm_net, rng=2)
    cold = generate_stream(spec, cold_net, rng=2)
    for col in ("time", "node", "hazard", "grade", "control_work", "clear_work", "parent"):
        np.testing.assert_array_equal(getattr(warm, col), getattr(cold, col))
    assert [(d.start, d.end, d.disruption) for d in warm.disruptions] == [
        (d.start, d.end, d.disruption) for d in cold.disruptions
    ]
    assert all(type(e) is int for d in warm.disruptions for e in d.disruption.edges)


# ------------------------------------------------------------ the bounded road-set query
_coord = st.floats(-5000, 5000, allow_nan=False).map(lambda v: round(v, 1))


@settings(max_examples=200, deadline=None)
@given(
    src=st.lists(st.tuples(_coord, _coord), min_size=1, max_size=20),
    pts=st.lists(st.tuples(_coord, _coord), min_size=0, max_size=40),
    lim=st.sampled_from([LOW_LYING_M, RIVER_BAND_M, FOREST_EDGE_M])
    | st.floats(0.0, 3000.0, allow_nan=False),
    angles=st.lists(st.floats(0, 2 * np.pi), max_size=10),
)
def test_the_bounded_query_gives_the_unbounded_mask(src, pts, lim, angles):
    s = np.array(src, dtype=float)
    # Points exactly at the limit (axis offsets) and within a rounding step of it (on a circle).
    exact = np.concatenate([s + [lim, 0.0], s - [0.0, lim]])
    ring = s[0] + lim * np.column_stack([np.cos(angles), np.sin(angles)]).reshape(-1, 2)
    p = np.concatenate([np.array(pts, dtype=float).reshape(-1, 2), exact, ring])
    full = cKDTree(s).query(p)[0]
    np.testing.assert_array_equal(within(s, p, lim), full <= lim)


def test_the_bound_keeps_roads_exactly_at_the_limit():
    s = np.array([[0.0, 0.0], [5000.0, 0.0]])
    p = np.array([[600.0, 0.0], [0.0, -600.0], [5600.0, 0.0], [0.0, 600.5]])
    assert within(s, p, 600.0).tolist() == [True, True, True, False]
    # scipy's bound is strict: the limit itself as the bound would lose them.
    plain = cKDTree(s).query(p, distance_upper_bound=600.0)[0] <= 600.0
    assert not plain[:3].any()
