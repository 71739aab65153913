"""A bureau's travel-time matrix in place of the roads (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from networks import synthetic_county
from networks.errors import ConfigError
from scenarios.distributions import Exponential, Fixed
from scenarios.limits import MAX_DURATION_MIN
from scenarios.stream import Requirement
from sim.defaults import default_facilities
from sim.depot_search import FIRST_LIMIT, DepotSearch
from sim.facilities import Station, TeamSpec
from sim.travel_matrix import TravelMatrix, read_od_matrix
from tests.sim.helpers import grid_network, poisson_stream, road_network, stream_from

FIRE = Requirement("fire", 3, (("fire", 1),))
FLOOD = Requirement("flood", 3, (("fire", 1),), (("drinking_water", 50), ("sandbags", 20)))


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_a_matrix_of_the_networks_own_times_changes_no_record():
    net = synthetic_county(seed=0)
    stations, depots = default_facilities(net)
    stream = poisson_stream(
        np.arange(net.n_nodes), None, rate=0.2, n=300, rng=np.random.default_rng(1),
        requirements=[FIRE, FLOOD], control=Exponential(30.0), clear=Fixed(10.0),
    )  # fmt: skip
    s_nodes = [s.node for s in stations]
    d_nodes = [d.node for d in depots]
    out = net.travel_times(s_nodes).astype(np.float32)
    back = net.travel_times(s_nodes, reverse=True).astype(np.float32)
    dep = net.travel_times(d_nodes).astype(np.float32)
    s_idx, s_node = np.nonzero(np.isfinite(out) & np.isfinite(back))
    d_idx, d_node = np.nonzero(np.isfinite(dep))
    matrix = TravelMatrix(
        station=s_idx, station_node=s_node, seconds=out[s_idx, s_node],
        seconds_back=back[s_idx, s_node], depot=d_idx, depot_node=d_node,
        depot_seconds=dep[d_idx, d_node],
    )  # fmt: skip
    kw = {"rng": np.random.default_rng(2), "travel_noise": 0.0}
    plain = sim.run(net, stations, depots, stream, **kw)
    kw["rng"] = np.random.default_rng(2)
    with_matrix = sim.run(net, stations, depots, stream, travel_matrix=matrix, **kw)
    assert len(plain.dispatches["station"]) > 100 and len(plain.supplies["item"]) > 0
    for name, table in plain.tables().items():
        _same(table, with_matrix.tables()[name])


def _two_stations():
    # A 3 x 3 grid of 60-second links; station A at node 0, B at node 8; the incident at
    # node 2 is 2 links from A and 2 links from B: a tie that A (listed first) wins.
    net = grid_network(3, 3, seconds=[60.0])
    team = (TeamSpec("fire", 6, turnout=Fixed(0)),)
    stations = (Station("A", 0, "city", team), Station("B", 8, "city", team))
    stream = stream_from([0.0], [2], requirements=[FIRE], control=[5.0], clear=[0.0])
    return net, stations, stream


def test_a_slow_matrix_pair_sends_the_other_station(tmp_path):
    net, stations, stream = _two_stations()
    kw = {"rng": np.random.default_rng(0), "call_taking": Fixed(0)}
    plain = sim.run(net, stations, (), stream, **kw)
    assert plain.dispatches["station"].tolist() == [0]
    assert plain.dispatches["travel"][0] == pytest.approx(2.0)
    f = tmp_path / "od.csv"
    f.write_text("origin,destination,minutes,minutes_back\nA,2,30,31\n")
    od = read_od_matrix(f)
    od.check(names=["A", "B"], n_nodes=net.n_nodes)
    m = od.resolve(stations=["A", "B"], depots=[])
    rec = sim.run(net, stations, (), stream, travel_matrix=m, **kw)
    assert rec.dispatches["station"].tolist() == [1]  # B: 2 minutes by road beats A's 30
    assert rec.dispatches["travel"][0] == pytest.approx(2.0)
    # A fast pair: A again, at the matrix's minutes.
    f.write_text("origin,destination,minutes\nA,2,0.5\n")
    m = read_od_matrix(f).resolve(stations=["A", "B"], depots=[])
    rec = sim.run(net, stations, (), stream, travel_matrix=m, **kw)
    assert rec.dispatches["station"].tolist() == [0]
    assert rec.dispatches["travel"][0] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("origin,destination,minutes\nA,2,-1\n", "row 2, column minutes"),
        ("origin,destination,minutes\nA,2,3\nA,4,nan\n", "row 3, column minutes"),
        ("origin,destination,minutes,minutes_back\nA,2,3,inf\n", "row 2, column minutes_back"),
        ("origin,destination,minutes\nA,2,3\nA,4,1e300\n", "row 3, column minutes"),
        ("origin,destination,minutes,minutes_back\nA,2,3,1e39\n", "row 2, column minutes_back"),
        ("origin,destination,minutes\nA,x,3\n", "row 2, column destination"),
        ("origin,destination,minutes\nA,2,3\nA,2,4\n", "row 3, column destination"),
        ("origin,destination,minutes\n,2,3\n", "row 2, column origin"),
        ("origin,destination\nA,2\n", "row 1, column minutes"),
        ("origin,destination,minutes,speed\nA,2,3,4\n", "row 1, column speed"),
    ],
)
def test_bad_rows_name_the_file_row_and_column(tmp_path, text, where):
    f = tmp_path / "od.csv"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        read_od_matrix(f)
    msg = str(err.value)
    assert msg.startswith(f"{f}: {where}: ") and "\n" not in msg


def test_minutes_beyond_the_longest_run_are_refused_and_the_longest_is_kept(tmp_path):
    # 1e300 is a finite float64 but inf as float32 seconds, where it read as a road cut.
    f = tmp_path / "od.csv"
    f.write_text(f"origin,destination,minutes\nA,2,{MAX_DURATION_MIN + 1}\n")
    with pytest.raises(
        ConfigError, match=rf"at most {MAX_DURATION_MIN:,} .*got '{MAX_DURATION_MIN + 1}'$"
    ):
        read_od_matrix(f)
    f.write_text(f"origin,destination,minutes\nA,2,{MAX_DURATION_MIN}\n")
    with np.errstate(over="raise"):
        m = read_od_matrix(f).resolve(stations=["A"], depots=["A"])
    assert m.seconds.tolist() == [MAX_DURATION_MIN * 60.0]
    assert np.isfinite(m.seconds_back).all() and np.isfinite(m.depot_seconds).all()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("origin,destination,minutes\nA,2,3\nNowhere,2,3\n", "row 3, column origin"),
        ("origin,destination,minutes\nA,9,3\n", "row 2, column destination"),
        ("origin,destination,minutes\nA,-1,3\n", "row 2, column destination"),
    ],
)
def test_unknown_origins_and_nodes_off_the_network_are_refused(tmp_path, text, where):
    f = tmp_path / "od.csv"
    f.write_text(text)
    with pytest.raises(ConfigError, match=rf"^{f}: {where}: "):
        read_od_matrix(f).check(names=["A", "B"], n_nodes=9)


def test_depot_pairs_replace_road_times_even_beyond_the_first_search():
    net = road_network(4, [(0, 1, 60.0), (1, 2, 60.0), (2, 3, 60.0)])
    both = np.array([True, True])

    def search(depot: int, seconds: float) -> DepotSearch:
        m = TravelMatrix(
            station=np.zeros(0, np.int64), station_node=np.zeros(0, np.int64),
            seconds=np.zeros(0, np.float32), seconds_back=np.zeros(0, np.float32),
            depot=np.array([depot]), depot_node=np.array([1]),
            depot_seconds=np.array([seconds], np.float32),
        )  # fmt: skip
        return DepotSearch(np.array([0, 3]), matrix=m)

    assert DepotSearch(np.array([0, 3])).first(net, 1, both) == 0  # 60 s against 120 s
    slow = search(0, FIRST_LIMIT + 100.0)  # beyond the first search: the road depot wins
    assert slow.first(net, 1, both) == 1
    assert slow.seconds(net, 0, 1) == FIRST_LIMIT + 100.0
    assert slow.first(net, 1, np.array([True, False])) == 0
    assert search(1, 10.0).first(net, 1, both) == 1


def test_no_depot_wanted_answers_none_without_a_search(monkeypatch):
    # After a long run an item can be out at every depot: each stock-out searched the whole
    # network (in every road state) to find none.
    net = road_network(4, [(0, 1, 60.0), (1, 2, 60.0), (2, 3, 60.0)])
    ds = DepotSearch(np.array([0, 3]))
    calls = []
    real = ds._search
    monkeypatch.setattr(ds, "_search", lambda *a: calls.append(a) or real(*a))
    assert ds.first(net, 1, np.array([False, False])) == -1 and calls == []
    assert ds.first(net, 2, np.array([False, True])) == 1 and calls
