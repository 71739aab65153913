"""What cleaning drops is kept, named in errors and warned about (audit_input #7)."""

from __future__ import annotations

import logging
import pickle

import networkx as nx
import pytest

from experiments.cli import main
from networks import NetworkError, load_network, save_graphml
from networks.cleaning import WARN_DROPPED_SHARE

#: Metres between neighbouring nodes of a grid.
STEP = 200.0


def _grid(g: nx.MultiDiGraph, first: int, side: int, x0: float) -> list[int]:
    """A ``side`` x ``side`` grid joined both ways, ids from ``first``, west edge at ``x0``."""
    ids = [first + i for i in range(side * side)]
    for i, n in enumerate(ids):
        g.add_node(n, x=x0 + STEP * (i % side), y=STEP * (i // side))
    for i, n in enumerate(ids):
        for j in (i + 1 if (i + 1) % side else None, i + side if i + side < len(ids) else None):
            if j is not None:
                g.add_edge(n, ids[j], length=STEP, highway="residential")
                g.add_edge(ids[j], n, length=STEP, highway="residential")
    return ids


def _two_towns(tmp_path, east_side: int = 5):
    """A 6 x 6 west town and an east town 5 km off, joined by one one-way road (west to east)."""
    g = nx.MultiDiGraph(crs="EPSG:32650")
    west = _grid(g, 1, 6, 0.0)
    east = _grid(g, 1001, east_side, 6000.0)
    g.add_edge(west[5], east[0], length=5000.0, highway="primary")
    path = tmp_path / "towns.graphml"
    nx.write_graphml(g, path)
    return path, west, east


def test_the_dropped_part_is_kept_with_ids_and_coordinates(tmp_path):
    path, west, east = _two_towns(tmp_path)
    net = load_network(path)
    assert sorted(net.nodes.osmid.tolist()) == west
    d = net.cleaning.dropped
    assert d is not None and sorted(d.osmid.tolist()) == east
    assert d.sizes.tolist() == [len(east)] and set(d.part.tolist()) == {1}
    assert d.x.min() >= 6000.0 and d.lon.min() > net.nodes.lon.max()  # the east town
    parts = net.summary()["dropped"]["parts"]
    assert [(p["part"], p["nodes"]) for p in parts] == [(1, len(east))]
    lon0, lat0, lon1, lat1 = parts[0]["bbox_lonlat"]
    assert lon0 <= parts[0]["lon"] <= lon1 and lat0 <= parts[0]["lat"] <= lat1
    # Sent to a worker, the network still knows (the lookups are rebuilt there).
    back = pickle.loads(pickle.dumps(net))
    assert back.cleaning.dropped.part_of_id(east[3]) == 1


def test_a_node_id_on_the_dropped_part_is_told_apart_from_a_made_up_one(tmp_path):
    path, _west, east = _two_towns(tmp_path)
    net = load_network(path)
    with pytest.raises(NetworkError) as err:
        net.node_index(east[3])
    msg = str(err.value)
    assert f"node id {east[3]} lies on a part of the roads not connected both ways" in msg
    assert f"yingji network info {path}" in msg and "\n" not in msg
    with pytest.raises(NetworkError, match=r"^node id 999999 is not on the network 'towns'$"):
        net.node_index(999999)


def test_a_point_on_the_dropped_part_says_so_and_a_point_elsewhere_does_not(tmp_path):
    path, _west, _east = _two_towns(tmp_path)
    net = load_network(path)
    d = net.cleaning.dropped
    lon, lat = float(d.lon[4]) + 0.0005, float(d.lat[4])  # about 50 m east of a dropped node
    msg = net.dropped_reason(lon, lat, lonlat=True, max_m=500)
    assert msg is not None and msg.startswith(f"lon {lon}, lat {lat} lies on a part of the roads")
    assert "dropped part 1 of 1, nodes: 25;" in msg
    x, y = float(d.x[4]) + 50.0, float(d.y[4])
    assert net.dropped_reason(x, y, max_m=500).startswith(f"x {x}, y {y} lies on a part")
    assert net.dropped_reason(x, y, max_m=10.0) is None  # farther than allowed: elsewhere
    assert net.dropped_reason(x + 20_000, y, max_m=500) is None  # nowhere near any road


def test_loading_warns_when_more_than_five_percent_of_the_nodes_are_dropped(tmp_path, caplog):
    path, west, east = _two_towns(tmp_path)
    with caplog.at_level(logging.WARNING, logger="networks"):
        load_network(path)
    [record] = caplog.records
    share = len(east) / (len(west) + len(east))
    assert share > WARN_DROPPED_SHARE
    assert record.getMessage().startswith(f"{path}: 25 of 61 road nodes ({share:.0%}) are not")
    # Once per process: every design point of an experiment loads the same file.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="networks"):
        assert load_network(path).cleaning.nodes_dropped == 25
    assert not caplog.records
    # One dropped node of 37 (under 5 %) is the usual one-way stub: no warning.
    caplog.clear()
    (tmp_path / "one").mkdir()
    small, _west, _east = _two_towns(tmp_path / "one", east_side=1)
    with caplog.at_level(logging.WARNING, logger="networks"):
        net = load_network(small)
    assert net.cleaning.nodes_dropped == 1 and not caplog.records


def test_a_clean_networks_summary_and_saved_file_are_as_before(tmp_path):
    path, west, _east = _two_towns(tmp_path)
    # What is saved is the kept part only, as before: it loads clean, without warnings.
    saved = save_graphml(load_network(path), tmp_path / "west.graphml")
    again = load_network(saved)
    assert again.n_nodes == len(west) and again.cleaning.nodes_dropped == 0
    assert set(again.summary()["dropped"]) == {"nodes", "edges", "strongly_connected_parts"}
    assert again.cleaning.parts() == []


def test_run_with_a_station_on_the_dropped_part_warns_then_names_it(tmp_path, capsys):
    path, _west, east = _two_towns(tmp_path)
    (tmp_path / "stations.csv").write_text(
        f"name,tier,osmid,capability,size,count\nEast Station,city,{east[3]},fire,6,1\n"
    )
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        'name = "towns"\n[network]\nfile = "towns.graphml"\n'
        '[facilities]\nstations = "stations.csv"\ndepots = "none"\n'
        '[scenario]\nname = "typical_week"\n'
    )
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out), "--quiet", "--no-plots"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and not out.exists()
    assert err[0].startswith("yingji: warning: ") and "25 of 61 road nodes (41%)" in err[0]
    assert err[1].startswith(f"yingji: error: {tmp_path / 'stations.csv'}: line 2, column osmid: ")
    assert f"node id {east[3]} lies on a part of the roads not connected both ways" in err[1]


def test_a_spawned_worker_shows_warnings_as_the_command_line_does():
    import os
    import subprocess
    import sys

    code = (
        "import logging\n"
        "from experiments.executors import _show_warnings\n"
        "_show_warnings()\n"
        "logging.getLogger('networks.cleaning').warning('part of the roads dropped')\n"
        "logging.getLogger('networks.cleaning').info('not shown')\n"
    )
    env = {**os.environ, "YINGJI_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stderr.splitlines() == ["yingji: warning: part of the roads dropped"]
