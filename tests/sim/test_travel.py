"""The travel side of a run: dispatch orders, scene searches and the oracle pool."""

import math
import types

import numpy as np
import pytest

import networks.oracle as oracle_mod
import sim.travel as travel
from networks import synthetic_county
from sim.facilities import CAPABILITIES
from sim.fleet import RETURNING, Fleet
from sim.travel import Travel


@pytest.fixture(scope="module")
def net():
    return synthetic_county(seed=0)


def _layout(net, k: int):
    rng = np.random.default_rng(0)
    st = rng.choice(net.n_nodes, k, replace=False).astype(np.int64)
    caps = [np.arange(k)] + [np.zeros(0, np.int64)] * (len(CAPABILITIES) - 1)
    return st, caps


def test_a_kept_order_walks_its_own_state_after_the_oracle_moves_on(net, monkeypatch):
    """The tail of a kept dispatch order belongs to its state, whatever the oracle does next."""
    monkeypatch.setattr(travel, "ORDER_PREFIX", 2)
    travel._ORDERS.clear()
    st, caps = _layout(net, 8)
    tr = Travel(net, station_nodes=st, cap_stations=caps, depot_nodes=st[:1])
    node = 17
    kept = tr.at(net).order(0, node)
    want = [(int(s), float(t)) for s, t in sorted(
        ((s, np.float32(net.travel_times(st)[s, node])) for s in range(8)), key=lambda x: x[1]
    )]  # fmt: skip
    # Move the oracle to a state where most of the county is cut off.
    closed = net.with_closed(np.flatnonzero(net.edges.u == node))
    tr.at(closed)
    assert len(kept) == 2 and list(kept) == want
    tr.close()


def test_a_turning_team_far_from_its_old_scene_does_not_break_the_search(net):
    """A team still driving to a cleared scene, farther than the best team, is passed over."""
    st, caps = _layout(net, 2)
    tr = Travel(net, station_nodes=st, cap_stations=caps, depot_nodes=st[:1])
    tb0 = tr.at(net)
    home = 0
    far = int(np.argmax(np.where(np.isfinite(tb0.tt[home]), tb0.tt[home], -1)))
    node = int(np.argsort(tb0.tt[home])[5])
    # Every road out of the scene closed: no bound through the team's home station is finite.
    tb = tr.at(net.with_closed(np.flatnonzero(net.edges.u == node)))
    best = float(tb.tt[1, node])
    env = types.SimpleNamespace(_now=100.0)
    fleet = types.SimpleNamespace(
        env=env, tables=tb, returning=[[0]] + [[] for _ in CAPABILITIES[1:]],
        home_at=[math.inf] * len(CAPABILITIES),
        free_home=[[[] for _ in CAPABILITIES], [[1]] + [[] for _ in CAPABILITIES[1:]]],
        station_nodes_list=st.tolist(), ret_start=[100.0 + (best + 600) / 60.0, 0.0],
        ret_end=[1e9, 0.0], ret_scene=[far, 0], team_station=[0, 1], status=[RETURNING, 0],
    )  # fmt: skip
    team, secs, _, from_scene = Fleet.nearest(fleet, node, 0)
    assert (team, from_scene) == (1, False) and secs == pytest.approx(best)
    tr.close()


def test_an_oracle_left_half_repaired_is_never_handed_out_again(net, monkeypatch):
    st, _ = _layout(net, 3)
    first = oracle_mod.checkout(net, st)

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(first.outward, "update", boom)
    with pytest.raises(KeyboardInterrupt):
        first.move_to(net.with_closed([0, 1, 2]))
    first.release()
    second = oracle_mod.checkout(net, st)
    assert second is not first and second.state is net.base
    second.release()
    # A healthy oracle is reused.
    assert oracle_mod.checkout(net, st) is second
    second.release()
