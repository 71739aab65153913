"""Diversion on a large network: one reversed search to the scene, not one per staged team.

An earthquake on the city stages thousands of teams at incidents still short
of their complement, and each diversion compared every one of them by its
own whole-network search (23,032 searches for 1,193 diversions in the first
ten minutes). Above :data:`sim.travel.FULL_TREE_NODES` nodes, ``_divert``
now reads one search on the reversed roads from the waiting scene. It must
give the same times, and so the same records.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
import sim.queues as queues
from networks.oracle import state_csr
from scenarios import generate_stream, load_scenario
from sim.policies import SeverityPriority
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
    # The same shortest paths summed in the other order: float32 hides the difference.
    np.testing.assert_array_max_ulp(to_here[finite], forward[finite], maxulp=1)
    assert state_csr(net, reverse=True).shape == (n, n)


def _run(county, stream):
    stations, depots = sim.default_facilities(county)
    # Severity first: a later grade I-II call may take a team from a grade IV one.
    return sim.run(county, stations, depots, stream, rng=np.random.default_rng(4),
                   travel_noise=0.15, policy=SeverityPriority(reserve=1))  # fmt: skip


def test_county_earthquake_records_equal_with_reversed_diversion(county, monkeypatch):
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
    monkeypatch.setattr(queues, "FULL_TREE_NODES", 0)  # the county takes the city's path
    for f, stream in zip(forward, streams, strict=True):
        r = _run(county, stream)
        for name in ("incidents", "dispatches"):
            a, b = getattr(f, name), getattr(r, name)
            assert a.keys() == b.keys()
            for col in a:  # assert_array_equal takes nan for nan
                np.testing.assert_array_equal(a[col], b[col], err_msg=f"{name}.{col}")
    assert len(asked) >= diverted
