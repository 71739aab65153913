"""The compiled desk sweep agrees with the same code run as plain Python."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import compiled, desk_queue
from sim.desk_queue import capacity
from sim.duty import DeskStaff, take_calls


def _inputs(data: st.DataObject) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, np.ndarray]]:
    """Jobs of both classes, pairs and droppable follow-ups, and a desk that takes calls."""
    n = data.draw(st.integers(1, 40))
    arrive = np.sort(np.asarray(data.draw(st.lists(st.floats(0, 300), min_size=n, max_size=n))))
    w1 = np.asarray(data.draw(st.lists(st.floats(0.0, 30), min_size=n, max_size=n)))
    pair = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    w2 = np.where(
        pair, np.asarray(data.draw(st.lists(st.floats(0.1, 30), min_size=n, max_size=n))), 0.0
    )
    drop = np.asarray(
        data.draw(st.lists(st.one_of(st.just(np.inf), st.floats(0, 400)), min_size=n, max_size=n))
    )
    drop = np.where(pair, np.inf, drop)  # only single follow-ups are ever dropped
    r1 = np.arange(n, dtype=np.int64)
    r2 = np.where(pair, n + np.arange(n), -1).astype(np.int64)
    cls = np.where(pair, 0, 1).astype(np.int8)
    m = data.draw(st.integers(0, 15))
    picked = np.sort(np.asarray(data.draw(st.lists(st.floats(0, 300), min_size=m, max_size=m))))
    took = picked + np.asarray(data.draw(st.lists(st.floats(0.1, 5), min_size=m, max_size=m)))
    shifts = [(0.0, data.draw(st.integers(1, 3)))]
    if data.draw(st.booleans()):
        shifts.append((data.draw(st.floats(1, 300)), data.draw(st.integers(0, 4))))
    times, free = capacity(picked, took, shifts)
    return (arrive, w1, w2, r1, r2, drop, cls), (times, free)


def _both_sweeps(jobs, times, free, end):
    """The compiled sweep's outputs, and the same code's run as plain Python throughout."""
    n = jobs[0].size
    results = []
    # The plain sweep calls the plain heap helpers; the compiled one, their compiled copies.
    for fn in (desk_queue.SWEEP.compiled(), desk_queue._sweep):
        sent, wait, missed = np.full(2 * n, np.nan), np.full(2 * n, np.nan), np.zeros(2 * n, bool)
        pieces = np.zeros((4 * n + times.size + 8, 3))
        m = fn(*jobs, times, free, end, sent, wait, missed, pieces)
        results.append((sent, wait, missed, pieces[:m]))
    return results


def _no_numba() -> bool:
    return compiled._njit() is None


@settings(max_examples=150, deadline=None)
@given(data=st.data(), end=st.floats(50, 1000))
def test_compiled_sweep_equals_the_plain_python_sweep(data, end):
    if _no_numba():  # pragma: no cover - numba is a dependency
        pytest.skip("numba is not installed: only the plain sweep runs")
    jobs, (times, free) = _inputs(data)
    n = jobs[0].size
    results = _both_sweeps(jobs, times, free, end)
    for got, want in zip(results[0], results[1], strict=True):
        np.testing.assert_array_equal(got, want)
    sent, _wait, missed, pieces = results[0]
    # Work is written only between arrival and the end of the run, never by more officers
    # than the desk has, and in pieces that follow one another in time.
    assert np.all((pieces[:, 0] <= pieces[:, 1]) & (pieces[:, 1] <= end))
    assert np.all(pieces[1:, 0] >= pieces[:-1, 1] - 1e-9)
    assert np.all(pieces[:, 2] <= free.max())
    done = ~np.isnan(sent[:n])
    assert np.all(sent[:n][done] >= jobs[0][done])
    assert not np.any(missed[:n] & done)


def test_the_sweep_counts_pieces_past_a_buffer_too_small():
    # Three jobs on one officer with a call in between: more pieces than the buffer holds;
    # the count goes on, and sweep() runs again with room for all of them.
    arrive, w1 = np.array([0.0, 1.0, 2.0]), np.array([4.0, 4.0, 4.0])
    jobs = (arrive, w1, np.zeros(3), np.arange(3), np.full(3, -1), np.full(3, np.inf),
            np.ones(3, np.int8))  # fmt: skip
    times, free = capacity(np.array([2.0]), np.array([3.0]), [(0.0, 1)])
    out = np.full(3, np.nan), np.full(3, np.nan), np.zeros(3, bool)
    for fn in (desk_queue._sweep, desk_queue.SWEEP.compiled()):
        m = fn(*jobs, times, free, 100.0, *out, np.zeros((1, 3)))
        assert m > 1
    got = desk_queue.sweep(*jobs, times, free, 100.0, *out, True)
    assert len(got) == m
    assert np.isclose(((got[:, 1] - got[:, 0]) * got[:, 2]).sum(), w1.sum())
    assert out[0].tolist() == [5.0, 9.0, 13.0]


@settings(max_examples=100, deadline=None)
@given(
    calls=st.lists(st.tuples(st.floats(0, 600), st.floats(0.05, 20), st.integers(0, 2)),
                   min_size=1, max_size=60),
    officers=st.integers(1, 4),
)  # fmt: skip
def test_call_answering_by_the_heap_equals_the_officer_slots_of_a_shift_desk(calls, officers):
    # A desk whose two shifts keep the same officers is answered by the slot-by-slot path;
    # one shift by the c-server heap (ANSWER, plain or compiled: the next test compares
    # those). Same officers, same calls: same pick-up times.
    arrive, work, desk = (np.asarray([c[k] for c in calls]) for k in range(3))
    one = DeskStaff(((0.0, officers),))
    two = DeskStaff(((0.0, officers), (720.0, officers)))
    assert one.constant and not two.constant
    a1, t1 = take_calls(arrive, work, desk.astype(np.int64), 3, one)
    a2, t2 = take_calls(arrive, work, desk.astype(np.int64), 3, two)
    np.testing.assert_allclose(a1, a2, rtol=0, atol=1e-9)
    np.testing.assert_allclose(t1, a1 + work)
    assert np.all(a1 >= arrive)


def test_a_crowded_desk_grows_the_heap_and_agrees_with_plain_python():
    # 400 jobs at once on up to 120 officers whose number keeps changing (calls come and
    # go): pre-emptions leave stale heap entries, and the heap outgrows its first 64.
    rng = np.random.default_rng(7)
    n = 400
    arrive = np.sort(rng.uniform(0, 20, n))
    pair = rng.random(n) < 0.5
    jobs = (arrive, rng.exponential(5, n), np.where(pair, rng.exponential(5, n), 0.0),
            np.arange(n), np.where(pair, n + np.arange(n), -1), np.full(n, np.inf),
            np.where(pair, 0, 1).astype(np.int8))  # fmt: skip
    picked = np.sort(rng.uniform(0, 60, 300))
    times, free = capacity(picked, picked + rng.exponential(3, 300), [(0.0, 120)])
    (sent, wait, missed, pieces), want = _both_sweeps(jobs, times, free, 1e9)
    for got, exp in zip((sent, wait, missed, pieces), want, strict=True):
        np.testing.assert_array_equal(got, exp)
    assert pieces[:, 2].max() > 64  # more than the heap's first room at work at once
    assert not np.isnan(sent[:n]).any() and not np.isnan(sent[n:][pair]).any()


@settings(max_examples=60, deadline=None)
@given(
    calls=st.lists(st.tuples(st.floats(0, 600), st.floats(0.05, 20), st.integers(0, 2)),
                   min_size=1, max_size=60),
    officers=st.integers(1, 6),
)  # fmt: skip
def test_compiled_call_answering_equals_the_plain_python(calls, officers):
    if _no_numba():  # pragma: no cover - numba is a dependency
        pytest.skip("numba is not installed")
    arrive, work, desk = (np.asarray([c[k] for c in calls]) for k in range(3))
    desk = desk.astype(np.int64)
    order = np.lexsort((np.arange(arrive.size), arrive, desk))
    got = desk_queue.ANSWER.compiled()(arrive, work, desk, order, officers)
    np.testing.assert_array_equal(got, desk_queue._answer(arrive, work, desk, order, officers))


def test_a_read_only_install_compiles_without_a_disk_cache(monkeypatch):
    # numba refuses cache=True where no cache folder can be written: compile per process.
    asked = []

    def njit(**kw):
        asked.append(kw)
        if kw.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return lambda fn: ("compiled", fn)

    monkeypatch.setattr(compiled, "_njit", lambda: njit)
    assert compiled.compile_function(len) == ("compiled", len)
    assert asked == [{"cache": True, "nogil": True}, {"nogil": True}]


def test_serve_writes_back_into_arrays_of_another_dtype():
    out = (np.full(1, np.nan, np.float32), np.full(1, np.nan, np.float32), np.zeros(1, np.int8))
    times, free = capacity(np.zeros(0), np.zeros(0), [(0.0, 1)])
    desk_queue.serve([1.0], [2.5], [0.0], [0], [-1], [np.inf], times, free, out, 100.0)
    assert out[0][0] == 3.5 and out[1][0] == 0.0 and out[2][0] == 0
