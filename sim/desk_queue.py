"""The queue of report work at one duty desk: first come first served, calls first.

A desk's officers answer calls first (:func:`sim.duty.take_calls`); report
writing gets the officers calls leave free. :func:`capacity` turns a desk's
calls and shifts into that number as a step function; :func:`serve` works the
desk's jobs on it, first reports before the others.

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

import heapq
import math
from bisect import bisect_right
from collections import deque

import numpy as np

_INF = math.inf


def capacity(
    answered: np.ndarray, taken: np.ndarray, shifts: list[tuple[float, int]]
) -> tuple[list[float], list[int]]:
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
    return t.tolist(), free.tolist()


def serve(
    arrive: list[float],
    w1: list[float],
    w2: list[float],
    r1: list[int],
    r2: list[int],
    drop: list[float],
    cap_times: list[float],
    cap_free: list[int],
    out: tuple[list[float], list[float], list[bool]],
    end: float,
    pieces: list[tuple[float, float, int]] | None = None,
    urgent: list[bool] | None = None,
) -> None:
    """Jobs (sorted by arrival) on the officers calls leave free, urgent ones first.

    ``cap_free[k]`` officers are free of calls from ``cap_times[k]`` on. At
    any moment the unfinished jobs first in line, as many as there are free
    officers, are worked on: urgent jobs (``urgent[j]``: first reports,
    "首报快") before the others, each class first come first served. A job
    pushed out of that set, by a call or by an urgent job, waits with its work
    done so far (pre-emptive resume).

    The sweep moves from event to event (an arrival, a change in the officers
    free, the end of a report), with the jobs at work in a heap by when they
    finish, so a desk of many officers costs little more than one.
    """
    sent, wait, missed = out
    n = len(arrive)
    cls = [1] * n if urgent is None else [0 if u else 1 for u in urgent]
    left = [0.0] * n  # work left in the current report while not at work
    fin = [0.0] * n  # when the current report is done while at work
    second = [False] * n
    begun = [False] * n
    ver = [0] * n  # bumped when a job stops being worked on: its heap entry is stale
    waiting: tuple[deque[int], deque[int]] = (deque(), deque())  # by class, in arrival order
    working: tuple[list[int], list[int]] = ([], [])  # by class, in arrival order
    heap: list[tuple[float, int, int]] = []
    nb = len(cap_times)
    ai = 0
    t = 0.0
    bi = bisect_right(cap_times, t)
    free = cap_free[bi - 1] if bi else 0
    busy = 0

    def stop(j: int, c: int) -> None:
        nonlocal busy
        left[j] = fin[j] - t
        ver[j] += 1
        busy -= 1
        waiting[c].appendleft(j)  # the latest at work: first of those waiting in its class

    while True:
        if not busy and not waiting[0] and not waiting[1]:
            if ai >= n:
                break
            t = arrive[ai]  # idle: jump to the next arrival
            if t > end:
                break
            bi = bisect_right(cap_times, t, bi)
            free = cap_free[bi - 1] if bi else 0
            j = ai
            # Alone, and done before the next arrival and the next change of officers.
            if free and t < drop[j]:
                done = t + w1[j] + (w2[j] if r2[j] >= 0 else 0.0)
                nxt = arrive[j + 1] if j + 1 < n else _INF
                cap = cap_times[bi] if bi < nb else _INF
                if done <= nxt and done <= cap and done <= end:
                    wait[r1[j]] = 0.0
                    sent[r1[j]] = t + w1[j]
                    if r2[j] >= 0:
                        wait[r2[j]] = 0.0
                        sent[r2[j]] = done
                    if pieces is not None:
                        pieces.append((t, done, 1))
                    ai += 1
                    t = done
                    bi = bisect_right(cap_times, t, bi)
                    free = cap_free[bi - 1] if bi else 0
                    continue
        else:
            while heap and heap[0][2] != ver[heap[0][1]]:
                heapq.heappop(heap)
            t_next = heap[0][0] if heap else _INF
            if ai < n and arrive[ai] < t_next:
                t_next = arrive[ai]
            if bi < nb and cap_times[bi] < t_next:
                t_next = cap_times[bi]
            if t_next == _INF or t_next > end:
                if pieces is not None and busy and end > t:
                    pieces.append((t, end, busy))
                break
            if pieces is not None and busy and t_next > t:
                pieces.append((t, t_next, busy))
            t = t_next
            while heap and heap[0][0] <= t:
                f, j, v = heapq.heappop(heap)
                if v != ver[j]:
                    continue
                if not second[j]:
                    sent[r1[j]] = f
                    if r2[j] >= 0:  # the same officer goes straight on
                        second[j] = True
                        wait[r2[j]] = 0.0
                        fin[j] = f + w2[j]
                        heapq.heappush(heap, (fin[j], j, v))
                        continue
                else:
                    sent[r2[j]] = f
                working[cls[j]].remove(j)
                ver[j] += 1
                busy -= 1
        while ai < n and arrive[ai] <= t:
            left[ai] = w1[ai]
            waiting[cls[ai]].append(ai)
            ai += 1
        while bi < nb and cap_times[bi] <= t:
            free = cap_free[bi]
            bi += 1
        # The first in line at work: fewer officers push the last out; an urgent job
        # waiting takes the place of the last other job at work.
        while busy > free:
            c = 1 if working[1] else 0
            stop(working[c].pop(), c)
        while True:
            if busy < free and (waiting[0] or waiting[1]):
                c = 0 if waiting[0] else 1
                j = waiting[c].popleft()
                if not begun[j]:
                    if t >= drop[j]:
                        missed[r1[j]] = True
                        continue
                    begun[j] = True
                    wait[r1[j]] = t - arrive[j]
                fin[j] = t + left[j]
                working[c].append(j)
                busy += 1
                heapq.heappush(heap, (fin[j], j, ver[j]))
            elif waiting[0] and working[1] and busy >= free and free > 0:
                stop(working[1].pop(), 1)
            else:
                break
