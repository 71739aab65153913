"""Maps: colour scales fitted to the data, legends that count what they say, names, km axes."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import LogNorm

from networks.plot import colour_bar, fitted_norm, plot_network
from tests.sim.helpers import road_network

matplotlib.use("Agg")
NET = road_network(5, [(0, 1, 240), (1, 2, 240), (2, 3, 240), (3, 4, 240)])

values = st.lists(
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), min_size=1, max_size=50
)


@given(v=values)
def test_the_colour_scale_spans_the_data_quantiles(v):
    x = np.array(v)
    norm = fitted_norm(np.r_[x, np.nan, np.inf])  # non-finite values are ignored
    lo, hi = np.quantile(x, [0.02, 0.98])
    if hi > lo:
        assert (norm.vmin, norm.vmax) == pytest.approx((lo, hi))
    else:  # a constant still gets a scale, around it
        assert norm.vmin < lo < norm.vmax


def test_a_long_positive_tail_gets_a_log_scale_only_when_asked():
    x = np.r_[np.linspace(1.0, 10.0, 90), np.linspace(500.0, 2000.0, 10)]
    assert isinstance(fitted_norm(x, log_tail=10.0), LogNorm)
    assert not isinstance(fitted_norm(x), LogNorm)
    assert not isinstance(fitted_norm(np.linspace(1.0, 10.0, 50), log_tail=10.0), LogNorm)


@pytest.mark.parametrize(
    ("data", "extend"),
    [
        (np.linspace(0.0, 1.0, 101), "both"),
        (np.r_[np.zeros(10), np.linspace(0.0, 1.0, 5)], "max"),
        (np.r_[np.linspace(0.0, 1.0, 5), np.ones(10)], "min"),
        (np.r_[np.zeros(10), np.ones(10)], "neither"),
    ],
)
def test_the_colour_bar_points_to_values_beyond_the_scale(data, extend):
    fig, ax = plt.subplots()
    sc = ax.scatter(data, data, c=data, norm=fitted_norm(data))
    bar = colour_bar(sc, data, ax=ax, label="minutes (min)")
    assert bar.extend == extend
    assert bar.ax.get_ylabel() == "minutes (min)"
    plt.close(fig)


def test_node_values_are_coloured_on_a_fitted_scale_with_a_labelled_bar():
    vals = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    fig = plot_network(NET, node_values=vals, value_label="travel (min)")
    (sc,) = [c for c in fig.axes[0].collections if c.get_array() is not None]
    assert (sc.norm.vmin, sc.norm.vmax) == pytest.approx(tuple(np.quantile(vals[:4], [0.02, 0.98])))
    assert fig.axes[1].get_ylabel() == "travel (min)"
    plt.close(fig)


def test_legend_counts_what_it_is_given_and_names_stand_beside_their_nodes():
    fig = plot_network(
        NET,
        layers={"incidents": [1, 2], "stations": [0, 4]},
        counts={"incidents": 7},
        labels=[(0, "North"), (4, "South"), (4, "Depot")],
    )
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "incidents (7)" in legend and "stations (2)" in legend
    texts = {t.get_text(): t.xy for t in ax.texts}
    assert texts == {"North": (0.0, 0.0), "South / Depot": (4000.0, 0.0)}
    plt.close(fig)


def test_map_axes_read_in_km():
    fig = plot_network(NET)
    ax = fig.axes[0]
    assert "km" in ax.get_xlabel() and "km" in ax.get_ylabel()
    assert ax.xaxis.get_major_formatter()(3000.0, 0) == "3"
    assert ax.xaxis.get_major_formatter()(-2500.0, 0) == "\N{MINUS SIGN}2.5"
    plt.close(fig)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(min_value=0, max_value=8), limit=st.integers(min_value=1, max_value=6))
def test_too_many_names_are_left_off_rather_than_piled_up(n, limit):
    from networks.plot import label_nodes

    fig, ax = plt.subplots()
    names = {i: f"S{i}" for i in range(n)}
    drawn = label_nodes(ax, road_network(8, [(0, 1, 60)]), names, limit=limit)
    assert len(drawn) == (n if n <= limit else 0)
    plt.close(fig)


def test_a_name_at_the_right_edge_reads_to_the_left_of_its_node():
    # (the frame and a colour bar beside it cut off 北河镇应急救援站 at the county's east)
    from networks import synthetic_county
    from networks.plot import label_nodes

    net = synthetic_county()
    x = net.nodes.x
    east, west = int(np.argmax(x)), int(np.argmin(x))
    fig, ax = plt.subplots()
    drawn = {t.get_text(): t for t in label_nodes(ax, net, {east: "East", west: "West"})}
    assert drawn["East"].get_horizontalalignment() == "right"
    assert drawn["East"].xyann[0] < 0
    assert drawn["West"].get_horizontalalignment() == "left" and drawn["West"].xyann[0] > 0
    plt.close(fig)


def test_a_name_under_the_legend_outweighs_any_number_of_points():
    # Costs in order, not summed: 1001 incidents near each other corner must not push the
    # legend over a station's name.
    from matplotlib.lines import Line2D

    from networks.plot import place_legend

    fig, ax = plt.subplots(figsize=(8, 8))
    ax.set_xlim(0, 10000)
    ax.set_ylim(0, 10000)
    ax.set_aspect("equal")
    name = ax.text(300, 9700, "Nanshan Station", va="top")
    rng = np.random.default_rng(0)
    px = np.r_[rng.uniform(9000, 9500, 1001), rng.uniform(500, 1000, 2002)]
    py = np.r_[rng.uniform(9000, 9500, 1001), rng.uniform(500, 1000, 2002)]
    px[2002:] += 8500  # lower right
    handles = [Line2D([], [], label=f"layer {i}") for i in range(4)]
    legend = place_legend(ax, (np.array([]), np.array([])), (px, py), handles=handles)
    fig.canvas.draw()
    assert not legend.get_window_extent().overlaps(name.get_window_extent())
    assert len([c for c in ax.get_children() if c is ax.get_legend()]) == 1
    plt.close(fig)


def test_the_legend_is_placed_with_the_osm_credit_already_drawn(monkeypatch):
    # The legend must see the credit (ODbL) to keep clear of it: drawn first, then placed.
    import networks.plot as plot

    seen = []
    place = plot.place_legend

    def spy(ax, *args, **kw):
        seen.append([t.get_text() for t in ax.texts])
        return place(ax, *args, **kw)

    monkeypatch.setattr(plot, "network_credit", lambda net: "© OpenStreetMap contributors")
    monkeypatch.setattr(plot, "place_legend", spy)
    net = road_network(3, [(0, 1, 60.0), (1, 2, 60.0)])
    fig = plot.plot_network(net, layers={"stations": np.array([0])})
    assert seen and "© OpenStreetMap contributors" in seen[-1]
    plt.close(fig)


def _crowded_names(monkeypatch=None):
    """A county map with six long names on nodes a few hundred metres apart; their boxes."""
    from networks import synthetic_county

    net = synthetic_county()
    town = next(lm.node for lm in net.landmarks if lm.kind == "township")
    d = np.hypot(net.nodes.x - net.nodes.x[town], net.nodes.y - net.nodes.y[town])
    near = [int(n) for n in np.argsort(d)[:6]]
    assert d[near[-1]] < 600  # crowded at the scale of a county map
    names = {n: f"Township Station No. {k}" for k, n in enumerate(near)}
    fig = plot_network(net, layers={"stations": near}, labels=names)
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in fig.axes[0].texts if t.get_gid() == "node-label"]
    plt.close(fig)
    return boxes


def test_names_of_nearby_stations_do_not_cover_each_other(monkeypatch):
    boxes = _crowded_names()
    assert len(boxes) == 6
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    # Without spreading them they would: the test is of the spreading.
    monkeypatch.setattr("networks.plot.spread_labels", lambda ax: None)
    piled = _crowded_names()
    assert any(a.overlaps(b) for i, a in enumerate(piled) for b in piled[i + 1 :])
