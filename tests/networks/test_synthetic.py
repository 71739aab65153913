"""The built-in synthetic county."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csgraph

from networks import synthetic_county
from networks.speeds import speed_table
from networks.synthetic import MAX_GRID, MAX_TOWNSHIP_GRID, MAX_TOWNSHIPS, MAX_VILLAGES


def test_same_seed_same_county_other_seed_other_county():
    a, b, c = synthetic_county(seed=4), synthetic_county(seed=4), synthetic_county(seed=5)
    np.testing.assert_array_equal(a.nodes.x, b.nodes.x)
    np.testing.assert_array_equal(a.edges.u, b.edges.u)
    assert a.n_nodes != c.n_nodes or not np.array_equal(a.nodes.x, c.nodes.x)


def test_default_county_shape(county):
    kinds = [lm.kind for lm in county.landmarks]
    assert kinds.count("city") == 1
    assert kinds.count("township") == 10
    assert kinds.count("village") == 100
    assert county.cleaning.nodes_dropped == 0
    n, labels = csgraph.connected_components(county.csr, directed=True, connection="strong")
    assert n == 1
    # Metres: the county spans tens of km, the core grid has 250 m blocks.
    width = county.nodes.x.max() - county.nodes.x.min()
    assert 20_000 < width < 80_000


def test_speeds_follow_the_road_class_table(county):
    table = speed_table()
    for cls in np.unique(county.edges.highway):
        assert (county.edges.speed_kph[county.edges.highway == cls] == table[str(cls)]).all()
    # Rural roads are slower than the ring road.
    assert table["unclassified"] < table["trunk"]


def test_lonlat_round_trip_through_the_projection(county):
    x, y = county.project(county.nodes.lon[:50], county.nodes.lat[:50])
    np.testing.assert_allclose(x, county.nodes.x[:50], atol=1e-3)
    np.testing.assert_allclose(y, county.nodes.y[:50], atol=1e-3)


@pytest.mark.slow
def test_scales_past_100k_nodes():
    big = synthetic_county(grid=320, townships=20, villages=400)
    assert big.n_nodes >= 100_000
    assert big.cleaning.nodes_dropped == 0


def test_parameters_are_validated():
    with pytest.raises(ValueError):
        synthetic_county(grid=1)
    for too_many in (
        {"grid": MAX_GRID + 1},
        {"villages": MAX_VILLAGES + 1},
        {"townships": MAX_TOWNSHIPS + 1},
        {"township_grid": MAX_TOWNSHIP_GRID + 1},
    ):
        with pytest.raises(ValueError):
            synthetic_county(**too_many)


def test_a_200k_node_city_stays_within_the_bounds():
    """grid 440, 1,000 villages, 50 townships: the size another study needs."""
    assert 440 <= MAX_GRID and 1_000 <= MAX_VILLAGES and 50 <= MAX_TOWNSHIPS


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_many_villages_build_in_seconds():
    """Villages join their nearest neighbour: quadratic in Python once took minutes."""
    import time

    t0 = time.perf_counter()
    net = synthetic_county(townships=0, villages=MAX_VILLAGES // 4)
    assert time.perf_counter() - t0 < 30
    assert sum(lm.kind == "village" for lm in net.landmarks) > MAX_VILLAGES // 5


def test_snap_returns_the_node_itself(county):
    idx = np.arange(0, county.n_nodes, 97)
    got, dist = county.snap(county.nodes.x[idx] + 1.0, county.nodes.y[idx])
    np.testing.assert_array_equal(got, idx)
    np.testing.assert_allclose(dist, 1.0)
    got_ll, _ = county.snap(county.nodes.lon[idx], county.nodes.lat[idx], lonlat=True)
    np.testing.assert_array_equal(got_ll, idx)
