"""The oracle's seconds kept per road state: no copy of the trees' state, bands grown again."""

from __future__ import annotations

import numpy as np
import pytest

import networks.oracle as oracle_mod
import networks.trees as trees_mod
import sim
from sim.congestion import Congestion, band_disruptions
from sim.facilities import CAPABILITIES
from sim.travel import Travel


def _nodes(net):
    return np.asarray([s.node for s in sim.default_facilities(net)[0]], dtype=np.int64)


def _bands(net):
    """The states of ``china_city``'s bands on ``net``: night (the base), day, peak."""
    return [net.under(d) for d in band_disruptions(net, Congestion("china_city").plan())]


def _assert_times(out, back, state, nodes):
    np.testing.assert_array_equal(out, state.travel_times(nodes))
    np.testing.assert_array_equal(back, state.travel_times(nodes, reverse=True))


def test_the_state_the_trees_stand_in_keeps_no_copy_of_their_seconds(county):
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    bare = o.nbytes
    each = 2 * nodes.size * county.n_nodes * 4  # float32 both ways
    states = _bands(county)
    assert states[0] is county.base
    for k, state in enumerate(states):
        out, back = o.kept_times(state)
        assert np.shares_memory(out, o.out_times) and np.shares_memory(back, o.in_times)
        assert o.nbytes == bare + k * each  # only the states left behind hold arrays
        _assert_times(out, back, state, nodes)
    # The night's arrays stayed with the night when the trees moved on.
    assert not np.shares_memory(o.kept_times(states[0])[0], o.out_times)


@pytest.mark.parametrize("share", [0.0, 1.0])  # every move grows the trees again; none does
def test_kept_seconds_stay_those_of_their_state_while_the_oracle_moves_on(
    county, monkeypatch, share
):
    monkeypatch.setattr(oracle_mod, "REGROW_SHARE", share)
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    night, day, peak = _bands(county)
    closed = day.with_closed(range(0, 60))
    kept = {}
    for state in (day, peak, closed, night, day, closed, peak, night):
        kept[state.version] = o.kept_times(state)
    o.move_to(closed.with_closed(range(60, 90)))  # a plain move after them, too
    for state in (night, day, peak, closed):
        _assert_times(*kept[state.version], state, nodes)
    assert o.computed == 4


def test_a_band_move_grows_the_trees_again_and_a_closure_repairs_them(county, monkeypatch):
    repairs = []
    update = trees_mod.TreeSet.update

    def counted(self, arcs, old, new):
        repairs.append(arcs.size)
        return update(self, arcs, old, new)

    monkeypatch.setattr(trees_mod.TreeSet, "update", counted)
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    held = o.out_times
    for state in _bands(county)[1:] + _bands(county)[:1]:
        assert o.move_to(state) == 2 * nodes.size * county.n_nodes
        _assert_times(o.out_times, o.in_times, state, nodes)
    assert repairs == [] and o.out_times is held  # grown again in place
    closed = county.with_closed(range(0, 60))
    o.move_to(closed)
    assert len(repairs) == 2
    _assert_times(o.out_times, o.in_times, closed, nodes)


def test_a_run_without_kept_tables_after_one_with_them_reads_its_own_moves(county):
    nodes = _nodes(county)
    caps = [np.arange(nodes.size)] + [np.zeros(0, np.int64)] * (len(CAPABILITIES) - 1)
    oracle_mod._KEPT.clear()
    kw = dict(station_nodes=nodes, cap_stations=caps, depot_nodes=nodes[:1])
    banded = Travel(county, keep=True, **kw)
    day = _bands(county)[1]
    kept = banded.at(day)
    banded.close()
    plain = Travel(county, **kw)  # the same oracle, standing in the day it lent its arrays to
    assert plain.oracle is banded.oracle
    closed = county.with_closed(range(0, 60))
    tb = plain.at(closed)
    _assert_times(tb.tt, tb.tt_back, closed, nodes)
    tb = plain.at(county)
    _assert_times(tb.tt, tb.tt_back, county, nodes)
    _assert_times(kept.tt, kept.tt_back, day, nodes)  # what the day lent is still the day's
    plain.close()
