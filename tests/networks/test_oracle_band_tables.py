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


def _held(o) -> int:
    """Bytes of the distinct arrays an oracle holds: its sets, and kept seconds of no set."""
    sets = [o._stand_here(), *o._spares]
    own = {id(s.outward.dist32) for s in sets} | {id(s.inward.dist32) for s in sets}
    total = sum(s.nbytes for s in sets)
    for _ref, out, back in o._kept.values():
        total += sum(a.nbytes for a in (out, back) if id(a.base) not in own)
    return total


def test_the_state_the_trees_stand_in_keeps_no_copy_of_their_seconds(county, monkeypatch):
    monkeypatch.setattr(oracle_mod, "SPARE_TREES_BYTES", 0)  # one tree set, moved
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


# ------------------------------------------------------------------ a tree set per band
def _grown_and_repaired(monkeypatch):
    """Count tree sets grown (per direction) and repairs, wherever they happen."""
    counts = {"grown": 0, "regrown": 0, "repaired": 0}
    real_init, real_update, real_regrow = (
        trees_mod.TreeSet.__init__, trees_mod.TreeSet.update, oracle_mod._regrow,
    )  # fmt: skip

    def init(self, *a, **k):
        counts["grown"] += 1
        real_init(self, *a, **k)

    def update(self, *a):
        counts["repaired"] += 1
        return real_update(self, *a)

    def regrow(trees):
        counts["regrown"] += 1
        return real_regrow(trees)

    monkeypatch.setattr(trees_mod.TreeSet, "__init__", init)
    monkeypatch.setattr(trees_mod.TreeSet, "update", update)
    monkeypatch.setattr(oracle_mod, "_regrow", regrow)
    return counts


def test_each_band_keeps_its_own_trees_and_its_closures_are_repaired_from_them(county, monkeypatch):
    counts = _grown_and_repaired(monkeypatch)
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    one = o.nbytes
    night, day, peak = _bands(county)
    cut = range(0, 60)
    kept = {}
    for state in (day, peak, night):
        kept[state.version] = o.kept_times(state)
    assert counts == {"grown": 6, "regrown": 0, "repaired": 0}  # a set per band, no regrowth
    assert o.nbytes == 3 * one  # and no copy: each band's seconds are its own set's
    # A closure in each band, in an order that would grow every tree again with one set.
    closed = [s.with_closed(cut) for s in (night, day, peak)]
    closed.append(day.with_closed(range(60, 90)))  # another closure in the day
    for state in (closed[1], closed[0], closed[2], closed[3]):
        kept[state.version] = o.kept_times(state)
        assert o.state is state
    assert counts["grown"] == 6 and counts["regrown"] == 0 and counts["repaired"] == 8
    assert o.nbytes == _held(o) == 3 * one + 4 * 2 * nodes.size * county.n_nodes * 4  # 4 left
    for state in (night, day, peak, *closed):
        _assert_times(*kept[state.version], state, nodes)
        out, back = o.kept_times(state)  # all kept: no work
        assert out is kept[state.version][0] and back is kept[state.version][1]
    assert o.computed == 7
    before = o.nbytes
    freed = o.drop_spares()
    after = o.nbytes
    assert freed > 0 and freed == before - after and after == _held(o)
    for state in (night, day, peak, *closed):  # what the dropped sets lent stays kept
        assert o.kept_times(state)[0] is kept[state.version][0]
    assert o.computed == 7 and o.nbytes == after


def test_seconds_handed_out_never_change_even_after_they_leave_the_kept(county, monkeypatch):
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    each = 2 * nodes.size * county.n_nodes * 4
    monkeypatch.setattr(oracle_mod, "KEPT_TIMES_BYTES", 2 * each)  # two states kept
    night, day, _peak = _bands(county)
    handed = {}
    for state in (night, day, day.with_closed(range(0, 60)), night.with_closed(range(0, 60))):
        handed[state] = o.kept_times(state)
        assert o.nbytes == _held(o)
    # The night's seconds left the kept when the third state came; its set was then moved on
    # to the night with a closure. What was handed out still reads the night.
    assert not o.keeps(night)
    for state, (out, back) in handed.items():
        _assert_times(out, back, state, nodes)


def test_an_oracle_interrupted_between_sets_is_never_handed_out_again(county, monkeypatch):
    nodes = _nodes(county)
    oracle_mod._KEPT.clear()
    o = oracle_mod.checkout(county, nodes)
    night, day, _peak = _bands(county)
    o.kept_times(day)  # a set for the day, the night's kept spare

    def interrupted(self, stand):
        self.state = stand.state  # half-way: the state switched, the trees not
        raise KeyboardInterrupt

    monkeypatch.setattr(oracle_mod.TravelOracle, "_stand_in", interrupted)
    with pytest.raises(KeyboardInterrupt):
        o.kept_times(night.with_closed(range(0, 60)))
    assert o.broken
    o.release()
    assert oracle_mod.checkout(county, nodes) is not o


def test_spare_sets_stay_within_their_budget_and_go_first_when_idle(county, monkeypatch):
    counts = _grown_and_repaired(monkeypatch)
    nodes = _nodes(county)
    oracle_mod._KEPT.clear()
    o = oracle_mod.checkout(county, nodes)
    one = o.nbytes
    monkeypatch.setattr(oracle_mod, "SPARE_TREES_BYTES", one)  # room for one spare set
    night, day, peak = _bands(county)
    kept = {s.version: o.kept_times(s) for s in (day, peak)}
    # The day got a set of its own; the peak found no room for another, so the night's set
    # (used least lately) was grown again there.
    assert counts == {"grown": 4, "regrown": 2, "repaired": 0} and len(o._spares) == 1
    # Back to the night: the day's set, used least lately now, is grown again; the peak's kept.
    peak_trees = o.outward
    kept[night.version] = o.kept_times(night)
    assert counts == {"grown": 4, "regrown": 4, "repaired": 0}
    assert o._spares[0].outward is peak_trees and o.outward is not peak_trees
    # A closure at the peak is repaired from the peak's own set.
    closed = peak.with_closed(range(0, 60))
    kept[closed.version] = o.kept_times(closed)
    assert counts["regrown"] == 4 and counts["repaired"] == 2
    for state in (night, day, peak, closed):
        _assert_times(*kept[state.version], state, nodes)
    # Idle and over the pool's budget: the spare set goes first, the seconds it lent stay.
    monkeypatch.setattr(oracle_mod, "KEEP_BYTES", o.nbytes - 1)
    o.release()
    assert not o._spares and o._kept_bytes > 0 and oracle_mod.checkout(county, nodes) is o
    for state in (night, day, peak, closed):
        out, back = o.kept_times(state)
        assert out is kept[state.version][0]
        _assert_times(out, back, state, nodes)
    assert o.nbytes == one + o._kept_bytes - 2 * nodes.size * county.n_nodes * 4  # one lent
    assert o.nbytes == _held(o)
    o.release()


def test_with_no_room_for_another_set_the_one_used_least_lately_is_grown_again(county, monkeypatch):
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    monkeypatch.setattr(oracle_mod, "SPARE_TREES_BYTES", 2 * o.nbytes)  # two spare sets
    night, day, peak = _bands(county)
    trees = {}
    for state in (night, day, peak):
        o.kept_times(state)
        trees[state] = o.outward
    o.kept_times(day.with_closed(range(0, 60)))  # the day's set, used again (a repair)
    assert o.outward is trees[day] and [s.outward for s in o._spares] == [trees[night], trees[peak]]
    # Far from every set (a tenth of the roads closed): no room, so the night's set (used
    # least lately) is grown again there; the peak's and the day's are kept.
    far = night.with_closed(range(0, county.n_edges, 10))
    o.kept_times(far)
    assert o.outward is trees[night]
    assert [s.outward for s in o._spares] == [trees[peak], trees[day]]
    _assert_times(o.out_times, o.in_times, far, nodes)


def test_a_set_that_cannot_be_grown_for_want_of_memory_leaves_the_sets_there_to_move(
    county, monkeypatch
):
    nodes = _nodes(county)
    o = oracle_mod.TravelOracle(county, nodes)
    night, day, peak = _bands(county)
    o.kept_times(day)  # a set of its own; the night's is the spare

    def no_memory(*args):
        raise MemoryError

    monkeypatch.setattr(oracle_mod._Stand, "grown", no_memory)
    spare = o._spares[0].outward
    out, back = o.kept_times(peak)  # no new set: the night's (used least lately) moves there
    assert not o.broken and len(o._spares) == 1 and o.outward is spare
    _assert_times(out, back, peak, nodes)
    _assert_times(*o.kept_times(day), day, nodes)
