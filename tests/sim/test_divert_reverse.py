"""Diversion on a large network: one reversed search to the scene, not one per staged team.

An earthquake on the city stages thousands of teams at incidents still short
of their complement, and each diversion compared every one of them by its
own whole-network search (23,032 searches for 1,193 diversions in the first
ten minutes). Above :data:`sim.travel.FULL_TREE_NODES` nodes, ``_divert``
now ranks them by one search on the reversed roads from the waiting scene,
and searches forward only from those within two float32 steps of the best
(the other order of the sums may move a time by one step). It must choose
the same team at the same time, and so give the same records.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
import sim.queues as queues
import sim.travel_routes
from networks.oracle import state_csr
from scenarios import generate_stream, load_scenario
from sim.fleet import DIVERTED
from sim.policies import SeverityPriority
from sim.queues import Queues
from sim.travel import scene_row, to_scene_row
from tests.sim.helpers import road_network


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 12),
    arcs=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(1.0, 900.0)), max_size=40
    ),
    node=st.integers(0, 11),
)
def test_reversed_row_is_every_forward_row_read_at_the_scene(n, arcs, node):
    # One-way arcs, so the reversed roads differ from the roads.
    net = road_network(n, [(a % n, b % n, s) for a, b, s in arcs if a % n != b % n],
                       two_way=False)  # fmt: skip
    node %= n
    to_here = np.frombuffer(to_scene_row(net, node), dtype=np.float32)
    forward = np.array([np.frombuffer(scene_row(net, a), np.float32)[node] for a in range(n)])
    assert np.array_equal(np.isinf(to_here), np.isinf(forward))
    finite = np.isfinite(forward)
    # The same shortest paths summed in the other order: at most one float32 step apart.
    np.testing.assert_array_max_ulp(to_here[finite], forward[finite], maxulp=1)
    assert state_csr(net, reverse=True).shape == (n, n)


def _chain(lower: bool) -> tuple[float, float, float, float]:
    """Seconds (a, b, c) of a one-way chain 0 -> 1 -> 2 -> 3 read 700.0 searched forward and
    one float32 step above it (``lower``: forward is lower) or below it searched backward;
    and that backward time."""
    rng = np.random.default_rng(0)
    step = np.nextafter(np.float32(700.0), np.float32(np.inf if lower else 0.0))
    mid = (700.0 + float(step)) / 2  # float64 sums either side of it round apart
    while True:
        a, b = rng.uniform(1, 300, 2)
        for k in range(-3, 4):
            c = mid - a - b
            c += k * np.spacing(c)
            net = road_network(4, [(0, 1, a), (1, 2, b), (2, 3, c)], two_way=False)
            forward = np.frombuffer(scene_row(net, 0), np.float32)[3]
            back = np.frombuffer(to_scene_row(net, 3), np.float32)[0]
            if forward == 700.0 and back == step:
                return a, b, c, float(back)


def _large(monkeypatch) -> None:
    """The paths of a network above FULL_TREE_NODES: reversed ranking, bounded rows."""
    monkeypatch.setattr(queues, "FULL_TREE_NODES", 0)
    monkeypatch.setattr(sim.travel, "FULL_TREE_NODES", 0)


class _Staged(Queues):
    """What ``_divert`` reads and writes: incident 0 waits at node 3; two teams are staged."""

    def __init__(self, net, nodes):
        self.env = type("Env", (), {"_now": 60.0})()
        self.keys = {0: 0, 1: 1, 2: 1}  # incidents 1 and 2 are less urgent
        self.s_node = [3, *nodes]
        self.tables = type("Tables", (), {
            "state": net,
            "scene_row": staticmethod(lambda n, limit=np.inf: scene_row(net, n, limit)),
            "to_scene_row": staticmethod(lambda n: to_scene_row(net, n)),
        })()  # fmt: skip
        # Rows 0 and 1 (teams 0 and 1) sent at 0 to arrive at 100: past half-way at 60.
        self.staged = [{0: 1, 1: 2}]
        self.d_fixed = [(1, 0.0, 0.0, 100.0, 100.0, 5, False, 0, 6000.0),
                        (2, 0.0, 0.0, 100.0, 100.0, 5, False, 0, 6000.0)]  # fmt: skip
        self.d_team, self.d_ret, self.d_avail = [0, 1], [np.nan] * 2, [np.nan] * 2
        self.diverted, self.rows = {}, [None, [0], [1]]
        self.last_arrival, self.first_arrival = [0.0] * 3, [0.0] * 3
        self.need_left, self.waiting, self.queues, self.seq = [0] * 3, [{}], [[]], 0
        self.status, self.n_free, self.free_area, self.team_area = [0, 0], [0], [[0]], [0, 0]

    def _schedule(self, i):
        pass


def test_diversion_takes_the_team_a_forward_search_finds_first(monkeypatch):
    a, b, c, back = _chain(lower=True)
    # Node 4 is ``back`` seconds from the scene in both directions (one arc); node 0 is a
    # float32 step nearer searched forward, and ranks level with node 4 searched backward.
    net = road_network(5, [(0, 1, a), (1, 2, b), (2, 3, c), (4, 3, back)], two_way=False)
    assert np.frombuffer(scene_row(net, 4), np.float32)[3] == back
    assert np.frombuffer(to_scene_row(net, 3), np.float32)[0] == back
    _large(monkeypatch)
    staged = _Staged(net, nodes=[4, 0])  # the team at node 4 comes first
    team, seconds, at, _ = staged._divert(0, 0)
    assert (team, at) == (1, 0)  # not the first of two seemingly level: the nearer
    assert seconds == np.frombuffer(scene_row(net, 0), np.float32)[3] < back
    assert staged.status[1] == DIVERTED and staged.staged == [{0: 1}]


def test_diversion_keeps_a_team_two_steps_behind_the_best_ranked(monkeypatch):
    # Both teams are 700.0 s away searched forward (the first is taken, as before), but the
    # first reads a step above that backward and the second a step below: two steps apart.
    a1, b1, c1, back1 = _chain(lower=True)
    a2, b2, c2, back2 = _chain(lower=False)
    assert back1 > 700.0 > back2
    net = road_network(7, [(0, 1, a1), (1, 2, b1), (2, 3, c1), (4, 5, a2), (5, 6, b2), (6, 3, c2)],
                       two_way=False)  # fmt: skip
    _large(monkeypatch)
    staged = _Staged(net, nodes=[0, 4])
    team, seconds, at, _ = staged._divert(0, 0)
    assert (team, at, seconds) == (0, 0, 700.0)


def _run(county, stream):
    stations, depots = sim.default_facilities(county)
    # Severity first: a later grade I-II call may take a team from a grade IV one.
    return sim.run(county, stations, depots, stream, rng=np.random.default_rng(4),
                   travel_noise=0.15, policy=SeverityPriority(reserve=1))  # fmt: skip


def test_county_earthquake_records_equal_with_reversed_diversion(county, monkeypatch):
    # Both runs search as on a large network (bounded rows, route metres from bounded trees);
    # only the second diverts by the reversed ranking.
    monkeypatch.setattr(sim.travel, "FULL_TREE_NODES", 0)
    monkeypatch.setattr(sim.travel_routes, "FULL_TREE_NODES", 0)
    quake = load_scenario("earthquake_m6")
    streams = [generate_stream(quake, county, rng=np.random.default_rng(s)) for s in (3, 5, 7)]
    forward = [_run(county, s) for s in streams]
    diverted = sum(int(f.dispatches["diverted"].sum()) for f in forward)
    assert diverted >= 20  # the scenario diverts teams, so the new path is exercised
    asked = []
    real = sim.travel.TravelTables.to_scene_row

    def counted(self, node):
        asked.append(node)
        return real(self, node)

    monkeypatch.setattr(sim.travel.TravelTables, "to_scene_row", counted)
    monkeypatch.setattr(queues, "FULL_TREE_NODES", 0)  # the county takes the city's diversion
    for f, stream in zip(forward, streams, strict=True):
        r = _run(county, stream)
        for name in ("incidents", "dispatches"):
            a, b = getattr(f, name), getattr(r, name)
            assert a.keys() == b.keys()
            for col in a:  # assert_array_equal takes nan for nan
                np.testing.assert_array_equal(a[col], b[col], err_msg=f"{name}.{col}")
    assert len(asked) >= diverted
