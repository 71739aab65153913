"""The queue of report work at one duty desk: first come first served, calls first.

A desk's officers answer calls first (:func:`sim.duty.take_calls`); report
writing gets the officers calls leave free. :func:`capacity` turns a desk's
calls and shifts into that number as a step function; :func:`serve` works the
desk's jobs on it, first reports before the others.

The sweep (:func:`_sweep`) is plain Python written so that numba can
compile it (arrays, no closures or deques): it walks job by job, which no
numpy or scipy routine does for a queue with pre-emption. It runs as plain
Python for a process's first jobs and compiled once there are enough of them
(:class:`sim.compiled.Kernel`); tests check that both agree.

A job is one officer's piece of work: one report, or two written straight
one after the other (a phone report and then the written first report). Jobs
are given as parallel lists (``arrive``, ``w1``, ``w2``, ``r1``, ``r2``,
``drop``): arrival, the minutes of the first and second report (``r2 = -1``
when there is no second), their rows in the reports table, and a time from
which the job is dropped if not yet begun (a follow-up whose event has
ended). The outcome is written into the table's ``sent``, ``wait`` and
``missed`` lists; ``pieces`` collects ``(start, end, officers writing)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.compiled import Kernel


def capacity(
    answered: np.ndarray, taken: np.ndarray, shifts: list[tuple[float, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Officers free of calls, as a step function ``(times, free from that time)``.

    Parameters
    ----------
    answered, taken
        When each call of the desk was picked up and when it was taken.
    shifts
        ``(run minute, officers on duty)`` from :meth:`sim.duty.DeskStaff.changes`.
    """
    t = np.concatenate([answered, taken, [s for s, _ in shifts]])
    d_busy = np.concatenate([np.ones(answered.size), -np.ones(taken.size), np.zeros(len(shifts))])
    shift_t = np.asarray([s for s, _ in shifts])
    shift_k = np.asarray([k for _, k in shifts], dtype=float)
    order = np.lexsort((d_busy, t))  # at a tie, a call ending frees before one starts
    t, d_busy = t[order], d_busy[order]
    busy = np.cumsum(d_busy)
    officers = shift_k[np.searchsorted(shift_t, t, side="right") - 1]
    free = np.maximum(officers - busy, 0).astype(np.int64)
    return t.astype(np.float64), free


def serve(
    arrive: Sequence[float],
    w1: Sequence[float],
    w2: Sequence[float],
    r1: Sequence[int],
    r2: Sequence[int],
    drop: Sequence[float],
    cap_times: Sequence[float],
    cap_free: Sequence[int],
    out: tuple[Any, Any, Any],
    end: float,
    pieces: list[tuple[float, float, int]] | None = None,
    urgent: Sequence[bool] | None = None,
) -> None:
    """Jobs (sorted by arrival) on the officers calls leave free, urgent ones first.

    ``cap_free[k]`` officers are free of calls from ``cap_times[k]`` on. At
    any moment the unfinished jobs first in line, as many as there are free
    officers, are worked on: urgent jobs (``urgent[j]``: first reports,
    "首报快") before the others, each class first come first served. A job
    pushed out of that set, by a call or by an urgent job, waits with its work
    done so far (pre-emptive resume).

    ``out`` is ``(sent, wait, missed)``, indexed by the rows ``r1``/``r2``:
    numpy arrays (written in place) or lists (their items replaced).
    ``pieces``, if given, is extended with ``(start, end, officers writing)``.
    """
    n = len(arrive)
    cls = np.ones(n, np.int8) if urgent is None else np.where(np.asarray(urgent, bool), 0, 1)
    arrays = [np.asarray(o, dtype=bool if k == 2 else np.float64) for k, o in enumerate(out)]
    # Lists are copied by asarray: the results go back into them at the end.
    sent, wait, missed = (a if a is o else a.copy() for a, o in zip(arrays, out, strict=True))
    got = sweep(
        np.asarray(arrive, np.float64), np.asarray(w1, np.float64), np.asarray(w2, np.float64),
        np.asarray(r1, np.int64), np.asarray(r2, np.int64), np.asarray(drop, np.float64),
        cls.astype(np.int8), np.asarray(cap_times, np.float64), np.asarray(cap_free, np.int64),
        float(end), sent, wait, missed, pieces is not None,
    )  # fmt: skip
    for o, a in zip(out, (sent, wait, missed), strict=True):
        if isinstance(o, list):
            o[:] = a.tolist()
        elif a is not o:  # an array of another dtype: written back, cast
            o[...] = a
    if pieces is not None:
        pieces.extend((a, b, int(k)) for a, b, k in got.tolist())


def sweep(
    arrive: np.ndarray, w1: np.ndarray, w2: np.ndarray, r1: np.ndarray, r2: np.ndarray,
    drop: np.ndarray, cls: np.ndarray, cap_times: np.ndarray, cap_free: np.ndarray,
    end: float, sent: np.ndarray, wait: np.ndarray, missed: np.ndarray, keep: bool,
) -> np.ndarray:  # fmt: skip
    """:func:`serve` on arrays (``cls`` 0 for urgent jobs, 1 for the others), compiled.

    Returns the ``(start, end, officers writing)`` pieces as an ``(m, 3)``
    array if ``keep``, else an empty one.
    """
    rows = 3 * arrive.size + cap_times.size + 2 if keep else 0
    run = SWEEP.pick(arrive.size)
    while True:
        pieces = np.zeros((rows, 3))
        m = run(arrive, w1, w2, r1, r2, drop, cls, cap_times, cap_free, end, sent, wait,
                missed, pieces)  # fmt: skip
        if m <= rows or not keep:
            return pieces[:m]
        rows = m  # more pieces than the bound guessed: once more with room for all


def _heap_push(
    hk: np.ndarray, hj: np.ndarray, hv: np.ndarray, hn: int, f: float, j: int, v: int
) -> None:
    """Push ``(f, j, v)`` on the binary heap ``hk, hj, hv`` of ``hn`` entries (with room)."""
    k = hn
    while k > 0:
        p = (k - 1) >> 1
        if hk[p] < f or (hk[p] == f and hj[p] <= j):
            break
        hk[k], hj[k], hv[k] = hk[p], hj[p], hv[p]
        k = p
    hk[k], hj[k], hv[k] = f, j, v


def _grown(a: np.ndarray) -> np.ndarray:
    """``a`` with room for twice as many entries."""
    return np.concatenate((a, np.empty_like(a)))


def _heap_pop(hk: np.ndarray, hj: np.ndarray, hv: np.ndarray, hn: int) -> None:
    """Remove the top of the heap of ``hn`` entries (read it first from index 0)."""
    hn -= 1
    f, j, v = hk[hn], hj[hn], hv[hn]
    k = 0
    while True:
        c = 2 * k + 1
        if c >= hn:
            break
        if c + 1 < hn and (hk[c + 1] < hk[c] or (hk[c + 1] == hk[c] and hj[c + 1] < hj[c])):
            c += 1
        if f < hk[c] or (f == hk[c] and j <= hj[c]):
            break
        hk[k], hj[k], hv[k] = hk[c], hj[c], hv[c]
        k = c
    hk[k], hj[k], hv[k] = f, j, v


def _sweep(
    arrive: np.ndarray, w1: np.ndarray, w2: np.ndarray, r1: np.ndarray, r2: np.ndarray,
    drop: np.ndarray, cls: np.ndarray, cap_times: np.ndarray, cap_free: np.ndarray,
    end: float, sent: np.ndarray, wait: np.ndarray, missed: np.ndarray, pieces: np.ndarray,
) -> int:  # fmt: skip
    """The event sweep of :func:`serve`: the number of pieces it found.

    ``pieces`` has room for as many as its rows; the count goes on past them.
    The sweep moves from event to event (an arrival, a change in the officers
    free, the end of a report), with the jobs at work in a heap by when they
    finish, so a desk of many officers costs little more than one.
    """
    n = arrive.size
    nb = cap_times.size
    inf = math.inf
    left = np.zeros(n)
    fin = np.zeros(n)
    second = np.zeros(n, np.bool_)
    begun = np.zeros(n, np.bool_)
    ver = np.zeros(n, np.int64)
    # Waiting jobs per class: ring buffers (a pre-empted job goes back to the front).
    ring = np.empty((2, n + 1), np.int64)
    head = np.zeros(2, np.int64)
    size = np.zeros(2, np.int64)
    cap = n + 1
    # Jobs at work per class, in the order they began: at most as many as officers.
    most = max(cap_free.max(), 1) if nb else 1
    work = np.empty((2, most + 1), np.int64)
    nw = np.zeros(2, np.int64)
    # Jobs at work by when they finish: a binary heap of (finish, job, version).
    # Stale entries stay until they reach the top; the heap grows when it must.
    hk = np.empty(64)
    hj = np.empty(64, np.int64)
    hv = np.empty(64, np.int64)
    hn = 0
    npc = 0
    ai = 0
    t = 0.0
    bi = np.searchsorted(cap_times, t, side="right")
    free = cap_free[bi - 1] if bi else 0
    busy = 0
    while True:
        if busy == 0 and size[0] == 0 and size[1] == 0:
            if ai >= n:
                break
            t = arrive[ai]
            if t > end:
                break
            while bi < nb and cap_times[bi] <= t:
                bi += 1
            free = cap_free[bi - 1] if bi else 0
            j = ai
            if free > 0 and t < drop[j]:
                done = t + w1[j] + (w2[j] if r2[j] >= 0 else 0.0)
                nxt = arrive[j + 1] if j + 1 < n else inf
                cnext = cap_times[bi] if bi < nb else inf
                if done <= nxt and done <= cnext and done <= end:
                    wait[r1[j]] = 0.0
                    sent[r1[j]] = t + w1[j]
                    if r2[j] >= 0:
                        wait[r2[j]] = 0.0
                        sent[r2[j]] = done
                    if npc < pieces.shape[0]:
                        pieces[npc, 0] = t
                        pieces[npc, 1] = done
                        pieces[npc, 2] = 1.0
                    npc += 1
                    ai += 1
                    t = done
                    while bi < nb and cap_times[bi] <= t:
                        bi += 1
                    free = cap_free[bi - 1] if bi else 0
                    continue
        else:
            while hn and hv[0] != ver[hj[0]]:
                _heap_pop(hk, hj, hv, hn)
                hn -= 1
            t_next = hk[0] if hn else inf
            if ai < n and arrive[ai] < t_next:
                t_next = arrive[ai]
            if bi < nb and cap_times[bi] < t_next:
                t_next = cap_times[bi]
            done = t_next == inf or t_next > end
            stop = end if done else t_next
            if busy and stop > t:  # the officers' work since the last change
                if npc < pieces.shape[0]:
                    pieces[npc, 0] = t
                    pieces[npc, 1] = stop
                    pieces[npc, 2] = busy
                npc += 1
            if done:
                break
            t = t_next
            while hn and hk[0] <= t:
                f, j, v = hk[0], hj[0], hv[0]
                _heap_pop(hk, hj, hv, hn)
                hn -= 1
                if v != ver[j]:
                    continue
                if not second[j]:
                    sent[r1[j]] = f
                    if r2[j] >= 0:
                        second[j] = True
                        wait[r2[j]] = 0.0
                        fin[j] = f + w2[j]
                        if hn == hk.size:
                            hk, hj, hv = _grown(hk), _grown(hj), _grown(hv)
                        _heap_push(hk, hj, hv, hn, fin[j], j, v)
                        hn += 1
                        continue
                else:
                    sent[r2[j]] = f
                c = cls[j]
                k = 0
                while work[c, k] != j:
                    k += 1
                work[c, k : nw[c] - 1] = work[c, k + 1 : nw[c]]
                nw[c] -= 1
                ver[j] += 1
                busy -= 1
        while ai < n and arrive[ai] <= t:
            left[ai] = w1[ai]
            c = cls[ai]
            ring[c, (head[c] + size[c]) % cap] = ai
            size[c] += 1
            ai += 1
        while bi < nb and cap_times[bi] <= t:
            free = cap_free[bi]
            bi += 1
        while busy > free:
            c = 1 if nw[1] else 0
            nw[c] -= 1
            j = work[c, nw[c]]
            left[j] = fin[j] - t
            ver[j] += 1
            busy -= 1
            head[c] = (head[c] - 1) % cap
            ring[c, head[c]] = j
            size[c] += 1
        while True:
            if busy < free and (size[0] or size[1]):
                c = 0 if size[0] else 1
                j = ring[c, head[c]]
                head[c] = (head[c] + 1) % cap
                size[c] -= 1
                if not begun[j]:
                    if t >= drop[j]:
                        missed[r1[j]] = True
                        continue
                    begun[j] = True
                    wait[r1[j]] = t - arrive[j]
                fin[j] = t + left[j]
                work[c, nw[c]] = j
                nw[c] += 1
                busy += 1
                if hn == hk.size:
                    hk, hj, hv = _grown(hk), _grown(hj), _grown(hv)
                _heap_push(hk, hj, hv, hn, fin[j], j, ver[j])
                hn += 1
            elif size[0] and nw[1] and busy >= free and free > 0:
                nw[1] -= 1
                j = work[1, nw[1]]
                left[j] = fin[j] - t
                ver[j] += 1
                busy -= 1
                head[1] = (head[1] - 1) % cap
                ring[1, head[1]] = j
                size[1] += 1
            else:
                break
    return npc


def _answer(arrive: np.ndarray, work: np.ndarray, desk: np.ndarray, order: np.ndarray,
            officers: int) -> np.ndarray:  # fmt: skip
    """When each call is picked up: per desk, ``officers`` answering first come first served.

    ``order`` lists the calls by desk, then time. The officers' free times are a
    binary heap per desk: a call goes to the first officer free.
    """
    answered = np.empty(arrive.size)
    free = np.zeros(max(officers, 1))
    cur = -1
    for i in order:
        if desk[i] != cur:
            cur = desk[i]
            free[:] = 0.0
        start = arrive[i] if arrive[i] > free[0] else free[0]
        answered[i] = start
        # Replace the root (the officer who takes the call) and sift it down.
        f = start + work[i]
        k = 0
        while True:
            ch = 2 * k + 1
            if ch >= officers:
                break
            if ch + 1 < officers and free[ch + 1] < free[ch]:
                ch += 1
            if f <= free[ch]:
                break
            free[k] = free[ch]
            k = ch
        free[k] = f
    return answered


#: The sweep and the call answering as run: plain Python, compiled by numba once a
#: process has put enough jobs or calls through them (sim.compiled).
SWEEP = Kernel(_sweep, (_heap_push, _heap_pop, _grown))
# A call costs the plain answering about 1.1 us (a job the sweep 16): its compiling
# (0.5 s on a new install) pays only after some 500,000 calls.
ANSWER = Kernel(_answer, after=500_000)
