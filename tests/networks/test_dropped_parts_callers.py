"""Stations, incident logs and scenario places on a dropped part say so (audit_input #7)."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.cli import main
from networks import load_network
from networks.errors import ConfigError
from scenarios.places import Geography, Location
from tests.networks.test_dropped_parts import _two_towns

_WHY = "lies on a part of the roads not connected both ways to the main network 'towns'"


def _run(tmp_path, table: str) -> None:
    (tmp_path / "stations.csv").write_text(table)
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        'name = "towns"\n[network]\nfile = "towns.graphml"\n'
        '[facilities]\nstations = "stations.csv"\ndepots = "none"\n'
        '[scenario]\nname = "typical_week"\n'
    )
    assert main(["run", str(cfg), "--out", str(tmp_path / "out"), "--quiet", "--no-plots"]) == 2


def test_a_station_by_lon_lat_on_the_dropped_part_says_so(tmp_path, capsys):
    path, _west, _east = _two_towns(tmp_path)
    d = load_network(path).cleaning.dropped
    lon, lat = float(d.lon[4]), float(d.lat[4])
    _run(tmp_path, f"name,tier,lon,lat,capability,size,count\nE,city,{lon},{lat},fire,6,1\n")
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"yingji: error: {tmp_path / 'stations.csv'}: line 2: ")
    assert f"lon {lon}, lat {lat} {_WHY}" in err[-1]


def test_a_station_far_from_every_road_keeps_the_distance_message(tmp_path, capsys):
    path, _west, _east = _two_towns(tmp_path)
    d = load_network(path).cleaning.dropped
    lon = float(d.lon.max()) + 0.5
    _run(tmp_path, f"name,tier,lon,lat,capability,size,count\nE,city,{lon},{d.lat[0]},fire,6,1\n")
    assert "km from the nearest road node" in capsys.readouterr().err.splitlines()[-1]


def test_an_incident_log_row_on_the_dropped_part_says_so(tmp_path):
    from scenarios.incident_log import IncidentLog

    path, _west, east = _two_towns(tmp_path)
    net = load_network(path)
    d = net.cleaning.dropped
    log = tmp_path / "log.csv"
    log.write_text(
        "time,lon,lat,hazard,grade\n"
        f"1,{net.nodes.lon[0]},{net.nodes.lat[0]},building_fire,IV\n"
        f"2,{d.lon[2]},{d.lat[2]},building_fire,IV\n"
        f"3,{d.lon[3]},{d.lat[3]},building_fire,IV\n"
    )
    with pytest.raises(
        ConfigError, match=rf"row 3, column lon: lon {d.lon[2]}, lat {d.lat[2]} {_WHY}"
    ):
        IncidentLog.from_csv(log, net)
    log.write_text(f"time,osmid,hazard,grade\n1,{east[7]},building_fire,IV\n")
    with pytest.raises(ConfigError, match=rf"row 2, column osmid: node id {east[7]} {_WHY}"):
        IncidentLog.from_csv(log, net)


def test_a_scenario_place_on_the_dropped_part_says_so(tmp_path):
    path, _west, _east = _two_towns(tmp_path)
    net = load_network(path)
    d = net.cleaning.dropped
    place = Location.from_value({"x": float(d.x[6]), "y": float(d.y[6])})
    with pytest.raises(ConfigError, match=rf"^s\.toml: events\[0\]\.at: the place {_WHY}"):
        place.resolve(
            Geography(net), rng=np.random.default_rng(0), source="s.toml", key="events[0].at"
        )


def test_network_info_lists_the_dropped_parts_without_pointing_to_itself(tmp_path, capsys):
    path, _west, _east = _two_towns(tmp_path)
    assert main(["network", "info", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "network info" not in err  # the loading warning names this command: not here
    assert "part 1" in out and "dropped" in out
    # Loading it anywhere else still warns, naming the command that lists the parts.
    assert main(["network", "plot", str(path), "-o", str(tmp_path / "n.png")]) == 0
    assert f"yingji network info {path}" in capsys.readouterr().err
