"""Road geometry: OSM bends are kept compactly, and footprints cut the road, not its chord."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from networks import NetworkError, from_networkx, synthetic_county
from networks.geometry import (
    EdgeGeometry,
    edge_polylines,
    edge_runs,
    linestrings,
    polyline_distance,
    road_midpoints,
)
from scenarios.places import Geography

#: Nonglin Road (农林路) in the Shanghai extract: a residential way bending through
#: about 340 m between nodes 123 m apart (OSM node ids of its two ends).
NONGLIN = (2356192444, 6845782365)


def _ends(net):
    nd, e = net.nodes, net.edges
    return np.column_stack([nd.x[e.u], nd.y[e.u]]), np.column_stack([nd.x[e.v], nd.y[e.v]])


def _edge(net, a: int, b: int) -> int:
    u, v = net.node_index(a), net.node_index(b)
    return int(np.flatnonzero((net.edges.u == u) & (net.edges.v == v))[0])


def test_a_curved_shanghai_way_keeps_its_bends(shanghai):
    k, back = _edge(shanghai, *NONGLIN), _edge(shanghai, *NONGLIN[::-1])
    geom = shanghai.edges.geometry
    assert geom.counts[k] >= 1  # more than its two end points
    line = linestrings(*_ends(shanghai), geom)[k]
    assert shapely.length(line) == pytest.approx(shanghai.edges.length[k], rel=0.01)
    a, b = (end[k] for end in _ends(shanghai))
    assert shapely.length(line) > 2 * np.hypot(*(b - a))  # far from its chord
    # The way back runs through the same points the other way round.
    np.testing.assert_array_equal(geom.points(back), geom.points(k)[::-1])


def test_every_polyline_is_as_long_as_its_osm_edge(shanghai):
    """Lengths stay OpenStreetMap's; the kept points trace the same road (projection aside)."""
    lengths = shapely.length(linestrings(*_ends(shanghai), shanghai.edges.geometry))
    ratio = lengths / shanghai.edges.length
    assert np.abs(ratio - 1).max() < 0.01
    assert (shanghai.edges.geometry.counts > 0).mean() > 0.3  # curved roads are common


def test_straight_networks_hold_no_geometry(county):
    assert county.edges.geometry is None
    pts, owner = edge_polylines(*_ends(county), None)
    np.testing.assert_array_equal(np.bincount(owner), np.full(county.n_edges, 2))


def _pieces(runs: list[np.ndarray]) -> list[np.ndarray]:
    """The polylines of :func:`edge_runs`' runs, cut at the NaN rows that lift the pen."""
    out = []
    for run in runs:
        gap = np.flatnonzero(np.isnan(run[:, 0]))
        assert gap.size and gap[-1] == len(run) - 1  # every run ends with the pen lifted
        out += [p for p in np.split(run, gap + 1) if len(p)]
    return [p[~np.isnan(p[:, 0])] for p in out]


def _check_runs(net, chosen, per):
    """Cut at the NaN rows, the runs are the chosen edges' polylines, in order, per to a run."""
    geom = net.edges.geometry
    runs = edge_runs(edge_polylines(*_ends(net), geom), chosen, per=per)
    assert all(np.isnan(r[:, 0]).sum() <= per for r in runs)
    pieces = _pieces(runs)
    want = np.arange(net.n_edges) if chosen is None else np.flatnonzero(chosen)
    assert len(pieces) == want.size
    a, b = _ends(net)
    for k, piece in zip(want.tolist(), pieces, strict=True):
        inner = geom.points(k) if geom is not None else np.zeros((0, 2))
        np.testing.assert_array_equal(piece, np.vstack([a[k], inner, b[k]]))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), per=st.integers(1, 50), share=st.floats(0, 1))
def test_edge_runs_draw_exactly_the_chosen_edges(shanghai, seed, per, share):
    """OSM roads with their bends."""
    chosen = np.random.default_rng(seed).random(shanghai.n_edges) < share
    _check_runs(shanghai, chosen, per)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), per=st.integers(1, 5000), every=st.booleans())
def test_edge_runs_of_straight_roads(county, seed, per, every):
    """Straight roads (no geometry), the whole network or a random share of it."""
    chosen = None if every else np.random.default_rng(seed).random(county.n_edges) < 0.3
    _check_runs(county, chosen, per)


def test_edge_runs_refuse_a_mask_that_is_not_one_boolean_per_edge(county):
    lines = edge_polylines(*_ends(county), None)
    assert edge_runs(lines, np.zeros(county.n_edges, bool)) == []
    with pytest.raises(ValueError, match="one per edge"):
        edge_runs(lines, np.array([0, 1, 2]))  # indices, not a mask
    with pytest.raises(ValueError, match="one per edge"):
        edge_runs(lines, np.ones(county.n_edges - 1, bool))
    with pytest.raises(ValueError, match="at least 1"):
        edge_runs(lines, per=0)


# ---------------------------------------------------------------- a hand-made curve
#: A road bulging 500 m north of its 1 km chord, and a detour south through node 3.
BULGE = shapely.LineString([(0, 0), (250, 400), (500, 500), (750, 400), (1000, 0)])


def _bulge_graph(*, reverse_geometry: bool = False) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(crs="EPSG:32650")
    for n, (x, y) in {1: (0.0, 0.0), 2: (1000.0, 0.0), 3: (500.0, -800.0)}.items():
        g.add_node(n, x=x, y=y)
    there = BULGE.reverse() if reverse_geometry else BULGE
    g.add_edge(1, 2, length=BULGE.length, highway="residential", geometry=there)
    g.add_edge(2, 1, length=BULGE.length, highway="residential", geometry=there.reverse().wkt)
    side = float(np.hypot(500, 800))
    for a, b in ((1, 3), (3, 2)):
        g.add_edge(a, b, length=side, highway="residential")
        g.add_edge(b, a, length=side, highway="residential")
    return g


@pytest.fixture(scope="module")
def bulge():
    return from_networkx(_bulge_graph())


def _curved(net) -> list[int]:
    return sorted(np.flatnonzero(net.edges.geometry.counts > 0).tolist())


def test_a_footprint_on_the_bulge_cuts_the_curved_road(bulge):
    curved = _curved(bulge)
    assert len(curved) == 2
    geo = Geography(bulge)
    # A 50 m circle on the bulge, 480 m from the chord.
    assert geo.edges_within(500, 480, 50).tolist() == curved
    assert bulge.edges_near(500, 480, 50).tolist() == curved
    # A road-cut line across the bulge only.
    assert bulge.edges_in_polygon(shapely.LineString([(500, 200), (500, 600)])).tolist() == curved


def test_a_footprint_on_the_chord_alone_cuts_nothing(bulge):
    geo = Geography(bulge)
    assert geo.edges_within(500, 0, 50).size == 0
    assert bulge.edges_near(500, 0, 50).size == 0
    assert bulge.edges_in_polygon(shapely.LineString([(500, -100), (500, 100)])).size == 0
    # Without its bends the same road is a chord, and the chord is what a footprint cuts.
    straight = from_networkx(_without_geometry(_bulge_graph()))
    assert straight.edges.geometry is None
    assert Geography(straight).edges_within(500, 0, 50).size == 2
    assert Geography(straight).edges_within(500, 480, 50).size == 0


def _without_geometry(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    for *_pair, d in g.edges(data=True):  # noqa: B007 - only the data is changed
        d.pop("geometry", None)
    return g


def test_distances_and_midpoints_follow_the_road(bulge):
    geo = Geography(bulge)
    curved = _curved(bulge)
    assert geo.segment_distance(500, 530)[curved] == pytest.approx([30.0, 30.0])  # the apex
    _, _, mid, _, _ = geo._edge_geom
    np.testing.assert_allclose(mid[curved], [[500, 500], [500, 500]])  # halfway along the road
    assert bulge.edges.length[curved] == pytest.approx([BULGE.length] * 2)  # lengths untouched


def test_a_line_drawn_backwards_is_turned_round():
    a, b = from_networkx(_bulge_graph()), from_networkx(_bulge_graph(reverse_geometry=True))
    np.testing.assert_array_equal(a.edges.geometry.xy, b.edges.geometry.xy)


@pytest.mark.parametrize("value", ["LINESTRING (0 0)", "POINT (1 2)", "not wkt", 42])
def test_a_geometry_that_is_not_a_line_is_refused_naming_the_edge(value):
    g = _bulge_graph()
    g.edges[1, 2, 0]["geometry"] = value
    with pytest.raises(NetworkError, match=r"^edge 1->2: geometry .* is not a line"):
        from_networkx(g)


def test_cleaning_keeps_each_edges_own_bends():
    """A dropped dead end takes its geometry with it; the others keep theirs."""
    g = _bulge_graph()
    g.add_node(4, x=2000.0, y=0.0)
    stub = shapely.LineString([(1000, 0), (1500, 300), (2000, 0)])
    g.add_edge(2, 4, length=stub.length, highway="residential", geometry=stub)  # one-way stub
    net = from_networkx(g)
    assert net.cleaning.edges_dropped == 1 and net.n_edges == 6
    whole = from_networkx(_bulge_graph())
    np.testing.assert_array_equal(net.edges.geometry.xy, whole.edges.geometry.xy)


# ------------------------------------------------------------------ properties
@st.composite
def _polylines(draw):
    """Random edges, some straight, some with up to five interior points."""
    m = draw(st.integers(1, 8))
    counts = draw(arrays(np.int64, m, elements=st.integers(0, 5)))
    coord = st.integers(-1_000_000, 1_000_000).map(lambda c: c / 100)  # centimetres
    a = draw(arrays(float, (m, 2), elements=coord))
    b = draw(arrays(float, (m, 2), elements=coord))
    xy = draw(arrays(float, (int(counts.sum()), 2), elements=coord))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return a, b, EdgeGeometry(offsets, xy)


@settings(max_examples=60, deadline=None)
@given(_polylines(), st.floats(-2e4, 2e4), st.floats(-2e4, 2e4))
def test_polyline_distance_is_shapelys(lines, x, y):
    a, b, geom = lines
    want = shapely.distance(linestrings(a, b, geom), shapely.Point(x, y))
    np.testing.assert_allclose(polyline_distance(x, y, a, b, geom), want, rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(_polylines())
def test_road_midpoints_lie_halfway_along_the_road(lines):
    a, b, geom = lines
    mid = road_midpoints(a, b, geom)
    straight = geom.counts == 0
    np.testing.assert_array_equal(mid[straight], ((a + b) / 2)[straight])  # bit for bit
    roads = linestrings(a, b, geom)
    tol = 1e-6 * (1 + shapely.length(roads))
    assert (shapely.distance(roads, shapely.points(mid)) <= tol).all()
    half = shapely.line_interpolate_point(roads, shapely.length(roads) / 2)
    np.testing.assert_allclose(mid, shapely.get_coordinates(half), atol=float(tol.max()))


@settings(max_examples=60, deadline=None)
@given(_polylines(), st.data())
def test_take_keeps_each_edges_points(lines, data):
    _a, _b, geom = lines
    n = len(geom)
    keep = np.asarray(data.draw(st.lists(st.integers(0, n - 1), max_size=2 * n)), dtype=np.int64)
    sub = geom.take(keep)
    assert len(sub) == keep.size
    for i, k in enumerate(keep.tolist()):
        np.testing.assert_array_equal(sub.points(i), geom.points(k))
    mask = np.zeros(n, dtype=bool)
    mask[keep] = True
    np.testing.assert_array_equal(geom.take(mask).xy, geom.take(np.flatnonzero(mask)).xy)


def test_synthetic_footprints_are_the_chords_as_before():
    """On straight edges the polyline code gives the old chord answers, bit for bit."""
    net = synthetic_county(seed=1, townships=3, villages=12, grid=8)
    geo = Geography(net)
    a, b = _ends(net)
    ab = b - a
    for x, y, r in ((0.0, 0.0, 900.0), (4000.0, -2500.0, 3000.0)):
        ll = np.einsum("ij,ij->i", ab, ab)
        t = np.clip(np.einsum("ij,ij->i", np.array([x, y]) - a, ab) / np.where(ll > 0, ll, 1), 0, 1)
        p = a + ab * t[:, None]
        old = np.hypot(p[:, 0] - x, p[:, 1] - y)
        np.testing.assert_array_equal(geo.segment_distance(x, y), old)
        np.testing.assert_array_equal(geo.edges_within(x, y, r), np.flatnonzero(old <= r))
    np.testing.assert_array_equal(geo._edge_geom[2], (a + b) / 2)
