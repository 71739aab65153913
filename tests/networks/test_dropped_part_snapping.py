"""A point nearer a dropped node than any kept one is refused, even near kept roads (audit_net #2).

docs/networks.md: a place given "by coordinates nearer a dropped node than any kept one is
refused", whatever the distance to the kept roads (up to ``max_snap_m``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from experiments.locations import resolve_location
from networks import load_network
from networks.errors import ConfigError
from scenarios.incident_log import IncidentLog
from scenarios.places import Geography, Location
from tests.networks.test_dropped_parts import STEP, _grid

_WHY = "lies on a part of the roads not connected both ways to the main network 'stub'"
#: The kept town's east edge is at x = 5 * STEP; the cut-off town starts this far east of it.
GAP = 300.0


@pytest.fixture(scope="module")
def stub(tmp_path_factory):
    """A 6 x 6 town and, 300 m east, a 3 x 3 town reached only by a one-way road (dropped)."""
    g = nx.MultiDiGraph(crs="EPSG:32650")
    west = _grid(g, 1, 6, 0.0)
    east = _grid(g, 1001, 3, 5 * STEP + GAP)
    g.add_edge(west[5], east[0], length=GAP, highway="primary")
    path = tmp_path_factory.mktemp("stub") / "stub.graphml"
    nx.write_graphml(g, path)
    net = load_network(path)
    assert net.cleaning.dropped is not None and len(net.cleaning.dropped) == len(east)
    return net


def _dropped_point(net):
    """A dropped node's own position: 0 m from it, GAP (< 500 m) from the nearest kept node."""
    d = net.cleaning.dropped
    k = int(np.argmin(d.x + np.abs(d.y - STEP)))  # the one facing the kept node at (5*STEP, STEP)
    assert net.snap([d.x[k]], [d.y[k]])[1][0] == pytest.approx(GAP)
    return k


def _kept_node(net, x: float, y: float) -> int:
    return int(np.flatnonzero((net.nodes.x == x) & (net.nodes.y == y))[0])


def test_a_station_within_500_m_of_kept_roads_but_on_the_dropped_part_is_refused(stub):
    d, k = stub.cleaning.dropped, _dropped_point(stub)
    lon, lat = float(d.lon[k]), float(d.lat[k])
    with pytest.raises(ConfigError, match=rf"^run\.toml: stations\[0\]: lon {lon}, lat {lat} "):
        resolve_location({"lon": lon, "lat": lat}, stub, source="run.toml", key="stations[0]")
    with pytest.raises(ConfigError, match=_WHY):
        resolve_location({"x": float(d.x[k]), "y": float(d.y[k])}, stub)


def test_a_station_on_the_kept_roads_snaps_as_before(stub):
    # Nearer the kept node (100 m) than the dropped one (200 m): snapped, not refused.
    want = _kept_node(stub, 5 * STEP, STEP)
    assert resolve_location({"x": 5 * STEP + 100.0, "y": STEP}, stub) == want
    lon, lat = stub.nodes.lon[want] + 0.0005, stub.nodes.lat[want]  # about 50 m east
    assert resolve_location({"lon": float(lon), "lat": float(lat)}, stub) == want


def test_a_scenario_place_on_the_dropped_part_is_refused_and_a_kept_one_snaps(stub):
    d, k = stub.cleaning.dropped, _dropped_point(stub)
    geo, rng = Geography(stub), np.random.default_rng(0)
    place = Location.from_value({"x": float(d.x[k]), "y": float(d.y[k])})
    with pytest.raises(ConfigError, match=rf"^s\.toml: events\[0\]\.at: the place {_WHY}"):
        place.resolve(geo, rng=rng, source="s.toml", key="events[0].at")
    kept = Location.from_value({"x": 5 * STEP + 100.0, "y": STEP})
    assert kept.resolve(geo, rng=rng) == _kept_node(stub, 5 * STEP, STEP)


def test_an_incident_log_row_on_the_dropped_part_is_refused_and_a_kept_one_snaps(stub, tmp_path):
    d, k = stub.cleaning.dropped, _dropped_point(stub)
    want = _kept_node(stub, 5 * STEP, STEP)
    near = (float(stub.nodes.lon[want]) + 0.0005, float(stub.nodes.lat[want]))
    log = tmp_path / "log.csv"
    log.write_text(
        "time,lon,lat,hazard,grade\n"
        f"1,{near[0]},{near[1]},building_fire,IV\n"
        f"2,{d.lon[k]},{d.lat[k]},building_fire,IV\n"
    )
    with pytest.raises(ConfigError, match=rf"row 3, column lon: lon {d.lon[k]}, lat .* {_WHY}"):
        IncidentLog.from_csv(log, stub)
    log.write_text(f"time,lon,lat,hazard,grade\n1,{near[0]},{near[1]},building_fire,IV\n")
    assert IncidentLog.from_csv(log, stub).template.node.tolist() == [want]


def test_parts_at_checks_many_points_as_point_reason_checks_one(stub):
    d = stub.cleaning.dropped
    east = float(d.x.max())  # the cut-off town's east edge
    x = np.array([d.x[0], 5 * STEP + 100.0, east + 400.0, east + 900.0])
    y = np.array([d.y[0], STEP, 0.0, 0.0])
    kept = stub.snap(x, y)[1]
    parts = stub.cleaning.parts_at(x, y, 500.0, kept)
    # On the part; nearer a kept node; 400 m off the part and nearer it; beyond 500 m.
    assert parts.tolist() == [1, 0, 1, 0]
    one = [stub.dropped_reason(a, b, max_m=500.0) is not None for a, b in zip(x, y, strict=True)]
    assert one == (parts > 0).tolist()
