"""The figures of one run say what they show: counts, units, replication, tails, names, scales."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from networks import i18n
from sim.plots import plot_incident_map, plot_response_times, plot_utilisation
from sim.records import RunRecords
from sim.summary import target_checks, utilisation
from sim.targets import ResponseTargets
from tests.sim.helpers import named_roads, road_network

matplotlib.use("Agg")
NET = road_network(5, [(0, 1, 240), (1, 2, 240), (2, 3, 240), (3, 4, 240)])


def records(
    arrival: np.ndarray,
    *,
    nodes: np.ndarray | None = None,
    served: np.ndarray | None = None,
    stations: tuple[tuple[str, int], ...] = (("A", 0), ("B", 4)),
    busy: tuple[float, ...] = (),
) -> RunRecords:
    """Records of incidents with given minutes from call taken to first arrival.

    ``busy`` gives, per station, the minutes its one team is committed out of 1000.
    """
    arrival = np.asarray(arrival, dtype=float)
    n = arrival.size
    call = np.arange(n, dtype=float)
    taken = call + 0.5
    first = taken + arrival
    k = len(busy)
    return RunRecords(
        incidents={
            "id": np.arange(n),
            "call": call,
            "call_taken": taken,
            "first_arrival": first,
            "under_control": first + 10.0,
            "node": np.zeros(n, dtype=np.int64) if nodes is None else np.asarray(nodes),
            "served": np.ones(n, bool) if served is None else np.asarray(served),
            "reason": np.full(n, "", dtype=object),
            "grade": np.full(n, 4),
            "teams_needed": np.ones(n, dtype=np.int64),
        },
        dispatches={
            "station": np.arange(k),
            "dispatched": np.zeros(k),
            "released": np.asarray(busy, dtype=float),
            "available": np.asarray(busy, dtype=float),
            "team": np.arange(k),
            "mutual_aid": np.zeros(k, bool),
        },
        supplies={},
        stockouts={},
        teams={"station": np.arange(len(stations))},
        stations={
            "name": np.array([s for s, _n in stations]),
            "node": np.array([n for _s, n in stations], dtype=np.int64),
        },
        depots={},
        stock={},
        start=0.0,
        end=1000.0,
        meta={"targets": {"arrival": 10.0}},
    )


minutes = st.lists(
    st.floats(min_value=0.01, max_value=5000.0, allow_nan=False), min_size=1, max_size=60
)


@settings(max_examples=25, deadline=None)
@given(x=minutes)
def test_no_response_time_is_dropped_without_saying_so(x):
    fig = plot_response_times(records(np.array(x)), intervals=("arrival",))
    ax = fig.axes[0]
    drawn = round(sum(p.get_height() for p in ax.patches))
    label = ax.get_xlabel()
    assert "min" in label
    if ax.get_xscale() == "log":  # every value on a log axis
        assert drawn == len(x) and "log" in label
    else:
        hidden = len(x) - drawn
        note = re.search(r"(\d+) longer not shown", label)
        assert (note is not None and int(note.group(1)) == hidden) if hidden else note is None
    # The share within the target counts every value, shown or not.
    legend = ax.get_legend().get_texts()[0].get_text()
    assert legend.endswith(f"{np.mean(np.array(x) <= 10.0):.0%}")
    plt.close(fig)


def test_the_share_within_the_target_is_the_summarys_compliance():
    # An incident no team reached has no time to draw, but it missed the standard: the
    # figure's share is over every incident, as compliance_arrival is (2 of 4, not 2 of 3).
    rec = records(np.array([3.0, 12.0, np.nan, 5.0]))
    fig = plot_response_times(rec, intervals=("arrival",))
    legend = fig.axes[0].get_legend().get_texts()[0].get_text()
    assert legend.endswith("50%")
    met, counted, _x = target_checks(rec, ResponseTargets())["arrival"]
    assert met[counted].mean() == 0.5
    plt.close(fig)


def test_a_long_tail_goes_on_a_log_axis_and_a_short_one_is_clipped_with_a_note():
    bulk = np.linspace(2.0, 9.0, 60)
    fig = plot_response_times(records(np.r_[bulk, 800.0, 900.0, 1000.0]), intervals=("arrival",))
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)
    x = np.r_[np.linspace(1.0, 30.0, 198), 60.0, 80.0]
    fig = plot_response_times(records(x), intervals=("arrival",))
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"
    assert ax.get_xlim()[1] == pytest.approx(np.quantile(x, 0.99))
    assert "99th percentile" in ax.get_xlabel() and "2 longer not shown" in ax.get_xlabel()
    plt.close(fig)


def test_figures_of_one_replication_name_it_in_the_title():
    rec = records(np.array([3.0, 4.0, 12.0]), busy=(100.0, 50.0))
    fig = plot_response_times(rec, replication=3)
    assert "replication 3" in fig.get_suptitle()
    plt.close(fig)
    fig = plot_incident_map(NET, rec, replication=3)
    assert "replication 3" in fig.axes[0].get_title()
    plt.close(fig)
    fig = plot_utilisation(rec, replication=3)
    assert "replication 3" in fig.axes[0].get_title()
    plt.close(fig)
    fig = plot_utilisation(rec)
    assert "replication" not in fig.axes[0].get_title()
    plt.close(fig)


def test_the_incident_map_legend_counts_incidents_not_nodes():
    # Five incidents on two nodes, one of them unserved.
    rec = records(
        np.array([2.0, 3.0, 4.0, 5.0, np.nan]),
        nodes=np.array([1, 1, 1, 2, 2]),
        served=np.array([True, True, True, True, False]),
    )
    fig = plot_incident_map(NET, rec)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "incidents reached (4)" in legend
    assert "unserved (1)" in legend
    assert "stations (2)" in legend
    plt.close(fig)


def test_the_incident_map_names_its_stations_in_the_language_in_use():
    rec = records(np.array([2.0, 3.0]), stations=(("A", 0), ("B", 4), ("C", 4)))
    fig = plot_incident_map(NET, rec)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"A", "B / C"} <= texts
    plt.close(fig)
    with i18n.language("zh"):
        fig = plot_incident_map(NET, rec, names_zh={"A": "甲站"})
    assert "甲站" in {t.get_text() for t in fig.axes[0].texts}
    plt.close(fig)


@settings(max_examples=15, deadline=None)
@given(x=st.lists(st.floats(min_value=0.1, max_value=60.0), min_size=2, max_size=40))
def test_the_incident_colours_span_the_data_quantiles(x):
    t = np.array(x)
    fig = plot_incident_map(NET, records(t))
    (sc,) = [c for c in fig.axes[0].collections if c.get_array() is not None]
    lo, hi = np.quantile(t, [0.02, 0.98])
    if hi > lo:
        assert (sc.norm.vmin, sc.norm.vmax) == pytest.approx((lo, hi))
    assert "min" in fig.axes[-1].get_ylabel()  # the colour bar, with its unit
    plt.close(fig)


def test_utilisation_is_in_percent_busiest_first_on_a_fitted_scale():
    rec = records(np.array([2.0]), stations=(("A", 0), ("B", 4), ("C", 2)), busy=(20, 60, 40))
    fig = plot_utilisation(rec)
    ax = fig.axes[0]
    use = utilisation(rec)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == ["B", "C", "A"]
    bars = ax.patches[len(names) :]  # committed, drawn over away
    assert [b.get_width() for b in bars] == pytest.approx(
        [100 * use[n]["committed"] for n in names]
    )
    assert "%" in ax.get_xlabel()
    assert 6.0 <= ax.get_xlim()[1] < 100.0  # fits the busiest (6 %), not 0-100 %
    assert {f"{100 * use[n]['committed']:.1f}%" for n in names} <= {
        t.get_text().strip() for t in ax.texts
    }
    plt.close(fig)


def _covered(fig, x, y) -> int:
    """How many of the points (data coordinates) the axes' legend box covers."""
    ax = fig.axes[0]
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent().transformed(ax.transData.inverted())
    return int(np.count_nonzero((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)))


def test_the_map_legend_hides_no_station():
    # A square town whose stations stand in its upper right, where the legend always
    # stood: it moves to a corner free of them (a planner lost two of five stations under
    # it). On a 10 x 10 grid of streets 1 km apart.
    side = 10
    c, r = np.meshgrid(np.arange(side), np.arange(side))
    x, y = 1000.0 * c.ravel(), 1000.0 * r.ravel()
    k = np.arange(side * side).reshape(side, side)
    roads = [
        (int(a), int(b), 1000.0) for a, b in zip(k[:, :-1].ravel(), k[:, 1:].ravel(), strict=True)
    ]
    roads += [(int(a), int(b), 1000.0) for a, b in zip(k[:-1].ravel(), k[1:].ravel(), strict=True)]
    town = named_roads(x, y, roads, name="town")
    corner = k[-3:, -3:].ravel()  # the nine nodes of the upper right
    stations = tuple((f"Station {n}", int(n)) for n in corner)
    rec = records(np.full(30, 5.0), nodes=np.arange(30) * 7 % town.n_nodes, stations=stations)
    fig = plot_incident_map(town, rec)
    assert _covered(fig, x[corner], y[corner]) == 0
    plt.close(fig)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_demo_map_legend_covers_no_station_and_no_name(lang):
    # A new user found "Nanshan Station" written over the legend of the demo's incident
    # map: fixed boxes of 40 % of the axes tied at every corner, whatever the legend's size.
    from experiments.demo import demo_config
    from experiments.runner import run_replication

    cfg = demo_config()
    region = cfg.region()
    net, stations = region.network, region.stations
    rec = run_replication(cfg, replication=0, region=region).records
    with i18n.language(lang):
        fig = plot_incident_map(net, rec)
    ax = fig.axes[0]
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    names = [t for t in ax.texts if t.get_text().strip()]
    assert len(names) >= len(stations)
    hit = [t.get_text() for t in names if box.overlaps(t.get_window_extent())]
    assert hit == []
    x, y = net.nodes.x[rec.stations["node"]], net.nodes.y[rec.stations["node"]]
    assert _covered(fig, x, y) == 0
    plt.close(fig)
