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

import math
from bisect import bisect_right, insort

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
    """
    sent, wait, missed = out
    n = len(arrive)
    # Jobs in line are kept as keys: j for an urgent job, n + j for another.
    rank = [0 if urgent is None or urgent[j] else n for j in range(n)]
    left = [0.0] * n
    second = [False] * n
    begun = [False] * n
    pending: list[int] = []
    nb = len(cap_times)
    ai = 0
    t = 0.0
    bi = bisect_right(cap_times, t)
    free = cap_free[bi - 1] if bi else 0
    while ai < n or pending:
        if not pending:  # idle: jump to the next arrival
            t = arrive[ai]
            if t > end:
                break
            bi = bisect_right(cap_times, t, bi)
            free = cap_free[bi - 1] if bi else 0
            # Alone, and done before the next arrival and the next change of officers.
            if free:
                j = ai
                done = t + w1[j] + (w2[j] if r2[j] >= 0 else 0.0)
                nxt = arrive[j + 1] if j + 1 < n else _INF
                cap = cap_times[bi] if bi < nb else _INF
                if done <= nxt and done <= cap and done <= end and t < drop[j]:
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
        while ai < n and arrive[ai] <= t:
            left[ai] = w1[ai]
            key = rank[ai] + ai
            if not pending or key > pending[-1]:
                pending.append(key)
            else:
                insort(pending, key)
            ai += 1
        k = free if free < len(pending) else len(pending)
        # Begin (or drop) what comes into service now.
        i = 0
        while i < k:
            j = pending[i] % n
            if not begun[j]:
                if t >= drop[j]:
                    missed[r1[j]] = True
                    del pending[i]
                    k = free if free < len(pending) else len(pending)
                    continue
                begun[j] = True
                wait[r1[j]] = t - arrive[j]
            i += 1
        t_next = arrive[ai] if ai < n else _INF
        t_cap = cap_times[bi] if bi < nb else _INF
        if t_cap < t_next:
            t_next = t_cap
        for i in range(k):
            x = t + left[pending[i] % n]
            if x < t_next:
                t_next = x
        if t_next == _INF or t_next > end:
            if pieces is not None and k and end > t:
                pieces.append((t, end, k))
            break
        dt = t_next - t
        if pieces is not None and k and dt > 0:
            pieces.append((t, t_next, k))
        t = t_next
        i = 0
        while i < k:
            j = pending[i] % n
            left[j] -= dt
            if left[j] <= 1e-9 * (1.0 + abs(t)):
                if not second[j]:
                    sent[r1[j]] = t
                    if r2[j] >= 0:
                        second[j] = True
                        left[j] = w2[j]
                        wait[r2[j]] = 0.0  # the same officer goes straight on
                        i += 1
                        continue
                else:
                    sent[r2[j]] = t
                del pending[i]
                k -= 1
                continue
            i += 1
        while bi < nb and cap_times[bi] <= t:
            free = cap_free[bi]
            bi += 1
