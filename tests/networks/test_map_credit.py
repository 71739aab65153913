"""Maps of OpenStreetMap roads credit OpenStreetMap (ODbL); maps of synthetic roads do not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from networks import i18n, load_network
from networks.credit import CREDIT_GID, is_osm_file, network_credit
from networks.plot import plot_network
from networks.roadnet import RoadNetwork

matplotlib.use("Agg")

#: Six points on a 2 x 3 grid, every street two-way; loaded: two junctions, six curved edges.
OSM_XML = (
    '<?xml version="1.0"?><osm version="0.6">'
    + "".join(
        f'<node id="{10 + 3 * r + c}" lat="{31.0 + 0.002 * r}" lon="{121.0 + 0.002 * c}"/>'
        for r in range(2)
        for c in range(3)
    )
    + '<way id="1"><nd ref="10"/><nd ref="11"/><nd ref="12"/><tag k="highway" v="primary"/></way>'
    + '<way id="2"><nd ref="13"/><nd ref="14"/><nd ref="15"/><tag k="highway" v="residential"/>'
    + "</way>"
    + "".join(
        f'<way id="{3 + c}"><nd ref="{10 + c}"/><nd ref="{13 + c}"/>'
        '<tag k="highway" v="residential"/></way>'
        for c in range(3)
    )
    + "</osm>"
)


@pytest.fixture(scope="module")
def osm_net(tmp_path_factory: pytest.TempPathFactory) -> RoadNetwork:
    """A tiny network read from an OpenStreetMap XML file."""
    path = tmp_path_factory.mktemp("osm") / "roads.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    return load_network(path)


def credits(fig) -> list[str]:
    """The texts of the credits drawn anywhere in ``fig``."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_gid() == CREDIT_GID]


def osm_text(fig) -> list[str]:
    """Every text of ``fig`` that names OpenStreetMap."""
    return [t.get_text() for t in fig.findobj(Text) if "OpenStreetMap" in t.get_text()]


@pytest.mark.parametrize(
    ("name", "osm"),
    [
        ("roads.osm", True),
        ("roads.osm.bz2", True),
        ("Roads.XML.GZ", True),
        ("roads.osm.pbf", True),
        ("roads.graphml", False),
        ("roads.osm.graphml", False),
        ("", False),
    ],
)
def test_openstreetmap_files_are_told_by_their_suffix(name, osm):
    assert is_osm_file(name) is osm


def test_a_map_of_osm_roads_credits_openstreetmap_in_its_lower_right_corner(osm_net):
    fig = plot_network(osm_net)
    assert credits(fig) == ["© OpenStreetMap contributors"]
    (credit,) = (t for t in fig.axes[0].texts if t.get_gid() == CREDIT_GID)
    fig.canvas.draw()
    box, axes_box = credit.get_window_extent(), fig.axes[0].get_window_extent()
    # Inside the map, in its lower right quarter (away from the legend, upper right).
    assert axes_box.x0 <= box.x0 and box.x1 <= axes_box.x1
    assert axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1
    assert box.x0 > (axes_box.x0 + axes_box.x1) / 2 and box.y1 < (axes_box.y0 + axes_box.y1) / 2
    plt.close(fig)


def test_the_credit_is_in_the_language_of_the_output(osm_net):
    with i18n.language("zh"):
        fig = plot_network(osm_net)
    assert credits(fig) == ["© OpenStreetMap 贡献者"]
    plt.close(fig)


def test_a_map_of_synthetic_roads_carries_no_credit(county):
    assert network_credit(county) is None
    fig = plot_network(county)
    assert credits(fig) == [] and osm_text(fig) == []
    plt.close(fig)


def test_the_incident_map_of_a_disrupted_osm_network_credits_it(osm_net):
    from sim.plots import plot_incident_map
    from tests.sim.test_plots import records

    state = osm_net.with_closed([0])  # a state of the roads keeps where they came from
    rec = records([3.0, 5.0, 8.0], nodes=[0, 1, 1], stations=(("A", 0), ("B", 1)))
    fig = plot_incident_map(state, rec)
    assert credits(fig) == ["© OpenStreetMap contributors"]
    plt.close(fig)


def test_the_network_plot_command_credits_an_osm_file(tmp_path, monkeypatch):
    from experiments import figures
    from experiments.cli import main

    osm = tmp_path / "roads.osm"
    osm.write_text(OSM_XML, encoding="utf-8")
    drawn = []

    def keep(fig, path, **_kw) -> Path:
        drawn.append(credits(fig))
        plt.close(fig)
        return Path(path)

    monkeypatch.setattr(figures, "save_figure", keep)
    assert main(["network", "plot", str(osm), "-o", str(tmp_path / "roads.png")]) == 0
    assert drawn == [["© OpenStreetMap contributors"]]


def test_both_panels_of_a_siting_map_of_osm_roads_credit_it():
    from experiments.config import RunConfig
    from experiments.siting.plan import site
    from experiments.siting.plots import plot_coverage_map
    from experiments.siting.task import read_tasks

    base = {
        "network": {"synthetic": "county"},
        "scenario": {"name": "typical_week"},
        "facilities": {"township_stations": 6},
        "run": {"seed": 3},
    }
    config = RunConfig.from_dict(base, source="test")
    task = read_tasks({**base, "siting": {"p": 6}}, source="test", base_dir=Path.cwd())[0]
    result = site(task, config, config.region())
    plain = plot_coverage_map(result)
    assert credits(plain) == []
    plt.close(plain)
    # The same roads as if read from an OpenStreetMap file (the credit follows the source).
    net = result.problem.network
    as_osm = RoadNetwork(
        net.nodes,
        net.edges,
        crs=net.crs,
        landmarks=net.landmarks,
        name=net.name,
        cleaning=dataclasses.replace(net.cleaning, source="county.osm.pbf"),
    )
    problem = dataclasses.replace(result.problem, network=as_osm)
    fig = plot_coverage_map(dataclasses.replace(result, problem=problem))
    assert credits(fig) == ["© OpenStreetMap contributors"] * 2
    plt.close(fig)


@pytest.mark.parametrize("osm", [True, False])
def test_the_replay_area_map_credits_osm_roads_and_keeps_its_legend_apart(osm_net, county, osm):
    """The replay's area map plots the nodes itself (not through plot_network)."""
    from types import SimpleNamespace

    import numpy as np

    from experiments.replay.compare import AreaRow
    from experiments.replay.plots import plot_area_map

    net = osm_net if osm else county
    nodes = np.array([0, 1, 1], dtype=np.int64)  # the tiny OSM network has two junctions
    result = SimpleNamespace(
        area=np.array(["a", "a", "b"]), nodes=nodes,
        areas=[AreaRow("a", 2, 5.0, 6.0, 1.0), AreaRow("b", 1, float("nan"), 4.0, float("nan"))],
    )  # fmt: skip
    station = SimpleNamespace(name="S", node=0)  # what the map reads of a station
    region = SimpleNamespace(network=net, stations=[station])
    fig = plot_area_map(result, region)
    try:
        assert credits(fig) == (["© OpenStreetMap contributors"] if osm else [])
        legend = fig.axes[0].get_legend()
        assert legend is not None and legend._loc == (3 if osm else 4)  # lower left / right
    finally:
        plt.close(fig)
