"""Coverage of demand by free teams: the arithmetic move-up decides on and reports.

A place (node) with demand is *covered* by a station within ``cover_min``
minutes' drive of it. With ``n`` free teams at stations covering it, the
maximal expected covering location problem (MEXCLP, Daskin 1983) counts
``1 - q**n`` of its demand, ``q`` being the chance that a team is busy when
called; with ``q = 0`` that is plain coverage (covered or not). Places covered
by the same stations are one *group* (their demand summed), so every sum here
runs over a few dozen groups, not over the network's nodes.

:class:`CoverModel` holds, for one capability and one road state, the groups
(which candidate posts cover each, and its demand), and gives the expected
coverage of a placement, the best single moves (one matrix product), the
compliance table derived from the stations and the greedy best placement per
number of teams. :func:`coverage_series` rebuilds, after a run, the share of
demand covered over time from the dispatch and move records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

_INF = math.inf


class CoverModel:
    """Demand groups of one capability under one road state.

    Parameters
    ----------
    tt
        Seconds from each station to every node, ``(n_stations, n_nodes)``.
    posts
        Station indices that teams may stand at (the candidate posts).
    weights
        Demand per node (``n_nodes``); zero where there is none.
    cover_s
        Seconds of drive within which a node is covered.
    q
        Busy probability (MEXCLP's ``q``).

    Attributes
    ----------
    posts
        The candidate posts (station indices), in order; a placement is a count per post.
    cover
        ``(n_groups, n_posts)`` 0/1: which posts cover each group.
    weight
        ``(n_groups,)`` demand of each group, as a share of all demand (sums to at
        most 1: demand no post covers is in no group).
    """

    def __init__(
        self,
        tt: np.ndarray,
        posts: Sequence[int],
        weights: np.ndarray,
        cover_s: float,
        q: float,
    ) -> None:
        self.posts = list(posts)
        self.q = float(q)
        total = float(weights.sum())
        nodes = np.flatnonzero(weights > 0)
        if not self.posts or total <= 0 or not nodes.size:
            self.cover = np.zeros((0, len(self.posts)))
            self.weight = np.zeros(0)
        else:
            reach = np.asarray(tt[np.ix_(self.posts, nodes)] <= cover_s).T  # (nodes, posts)
            pattern, inv = _patterns(reach)
            w = np.bincount(inv.ravel(), weights=weights[nodes], minlength=len(pattern)) / total
            keep = pattern.any(axis=1)  # demand no post covers never counts
            self.cover = pattern[keep].astype(np.float64)
            self.weight = w[keep]
        self.index = {s: k for k, s in enumerate(self.posts)}
        # q ** cover: a team added at a post multiplies a group's q ** n by this.
        self._qcover = self.q**self.cover
        # For gains(), made once: the weights as a column, and the moves that stay put.
        self._wcol = self.weight[:, None]
        self._stay = np.eye(len(self.posts), dtype=bool)

    # ------------------------------------------------------------ coverage
    def expected(self, counts: np.ndarray) -> float:
        """Expected covered share of demand with ``counts`` free teams per post."""
        n = self.cover @ counts
        return float(self.weight @ (1.0 - self.q**n))

    def powers(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per group, the free teams covering it (``n``) and ``q ** n``, for the two below."""
        n = self.cover @ counts
        return n, self.q**n

    def expected_at(self, qn: np.ndarray) -> float:
        """:meth:`expected` from ``q ** n`` of :meth:`powers` (the same arithmetic)."""
        return float(self.weight @ (1.0 - qn))

    def covered(self, counts: np.ndarray) -> float:
        """Share of demand covered by at least one of ``counts`` free teams per post."""
        n = self.cover @ counts
        return float(self.weight @ (n > 0))

    def gains(
        self,
        counts: np.ndarray,
        sources: Sequence[int],
        *,
        blocked: np.ndarray | None = None,
        powers: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Expected coverage gained by moving one team from post ``sources[i]`` to post ``j``.

        Parameters
        ----------
        counts
            Free teams per post.
        sources
            Posts a team may leave.
        blocked
            ``(n_posts, n_posts)`` booleans: moves not allowed (their gain is 0), the
            diagonal (staying put) included; default: the diagonal only.
        powers
            :meth:`powers` of ``counts``, if already worked out.

        Returns
        -------
        numpy.ndarray
            ``(len(sources), n_posts)``; the diagonal entries (same post) are 0.
        """
        n, qn = self.powers(counts) if powers is None else powers
        lost = self.weight * qn  # demand each group fails to cover now
        src = np.asarray(sources, dtype=np.int64)
        # Without the team at p, a group's q**n is divided by q**cover[g, p].
        after = (self._wcol * self.q ** (n[:, None] - self.cover[:, src])).T
        out = lost.sum() - after @ self._qcover
        out[(self._stay if blocked is None else blocked)[src]] = 0.0
        return out

    # ------------------------------------------------------------ placements
    def drop_table(self, bases: np.ndarray) -> list[np.ndarray]:
        """The compliance table derived from the stations: levels ``0..n``, ``n`` = the bases.

        Level ``n`` is the stations as built (``bases`` teams per post); each
        lower level leaves out the one team whose loss costs least expected
        coverage (ties: the post listed last), so the levels are nested and a
        change of one free team asks at most one move.
        """
        levels = [bases.astype(np.float64)]
        cur = levels[0].copy()
        while cur.sum() > 0:
            best, best_ec = -1, -_INF
            for p in np.flatnonzero(cur > 0).tolist():
                cur[p] -= 1
                ec = self.expected(cur)
                cur[p] += 1
                if ec >= best_ec:
                    best, best_ec = p, ec
            cur[best] -= 1
            levels.append(cur.copy())
        return levels[::-1]

    def greedy_best(self, n: int) -> list[float]:
        """Expected coverage of the greedy placement of ``0..n`` teams (adding the best one)."""
        cur = np.zeros(len(self.posts))
        out = [0.0]
        for _k in range(n):
            if not self.posts:
                out.append(0.0)
                continue
            ecs = [self.expected(cur + np.eye(1, len(self.posts), p).ravel())
                   for p in range(len(self.posts))]  # fmt: skip
            p = int(np.argmax(ecs))
            cur[p] += 1
            out.append(float(ecs[p]))
        return out


def busy_share(
    asked: np.ndarray, work: np.ndarray, *, teams: int, span: float, round_trip: float
) -> float:
    """Share of its time a capability's teams are busy, estimated from the incidents.

    Parameters
    ----------
    asked
        Teams of the capability each incident asks for.
    work
        Minutes of work on scene per team of each incident (control and clearing
        with the full complement there).
    teams
        Teams of the capability.
    span
        Minutes the incidents are spread over.
    round_trip
        Minutes of driving per team sent (there and back).

    Returns
    -------
    float
        Team-minutes asked over the teams' minutes, at most 0.95 (0 without
        incidents or teams).
    """
    if teams <= 0 or span <= 0 or not asked.size:
        return 0.0
    busy = float(np.sum(asked * (work + round_trip)))
    return min(busy / (teams * span), 0.95)


def _patterns(reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean matrix, and each row's index among them."""
    if reach.shape[1] <= 62:  # one integer per row: a 1-d unique is much faster
        code = reach.astype(np.int64) @ (np.int64(1) << np.arange(reach.shape[1], dtype=np.int64))
        uniq, first, inv = np.unique(code, return_index=True, return_inverse=True)
        return reach[first], inv.ravel()
    # Rows as big-endian words of their packed bits: they sort as the rows do (column 0
    # first), so the groups come in np.unique(reach, axis=0)'s order, found by one lexsort of
    # a few words per row instead of a sort of rows as long as there are posts (seconds on
    # a city's 200,000 nodes and 100 posts, for every road state).
    packed = np.packbits(reach, axis=1)
    pad = -packed.shape[1] % 8
    if pad:
        packed = np.pad(packed, ((0, 0), (0, pad)))
    words = np.ascontiguousarray(packed).view(">u8").astype(np.uint64)
    order = np.lexsort(words.T[::-1])  # stable: each group's first row comes first
    ranked = words[order]
    new = np.ones(order.size, dtype=bool)
    new[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
    inv = np.empty(order.size, dtype=np.int64)
    inv[order] = np.cumsum(new) - 1
    return reach[order[new]], inv


def coverage_series(
    model: CoverModel,
    events: np.ndarray,
    end: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share of demand covered over time, from teams arriving at and leaving posts.

    Parameters
    ----------
    model
        The capability's coverage model.
    events
        ``(n, 3)`` rows ``(time, post index, +1 or -1)``: a free team comes to
        stand at a post, or leaves it; any order (sorted here, stable).
    end
        End of the run (minutes): events after it are dropped.

    Returns
    -------
    tuple
        ``(time, free_at_posts, share)`` at the start and after every change.
    """
    events = events[events[:, 0] <= end] if events.size else events.reshape(0, 3)
    order = np.argsort(events[:, 0], kind="stable")
    ev = events[order]
    if len(model.posts) > 62:  # too many posts for one integer per placement: count in a matrix
        return _series_dense(model, ev, end)
    return series_sorted(model, ev[:, 0], ev[:, 1].astype(np.int64), ev[:, 2].astype(np.int64))


def series_sorted(
    model: CoverModel, time: np.ndarray, post: np.ndarray, step: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`coverage_series` of events already in time order and within the run.

    ``post`` (post index) and ``step`` (+1 or -1) are integer arrays; the
    model has at most 62 posts.
    """
    n_posts = len(model.posts)
    # Each post's count after each event: a cumulative sum per post (events in time order;
    # a stable sort of small integers is a radix sort).
    by_post = np.argsort(post.astype(np.int8), kind="stable")
    run = np.cumsum(step[by_post])
    first = np.ones(run.size, dtype=bool)
    first[1:] = post[by_post][1:] != post[by_post][:-1]
    start = np.flatnonzero(first)
    before = np.concatenate([[0], run[start[1:] - 1]]) if run.size else run
    after = np.empty_like(run)
    after[by_post] = run - np.repeat(before, np.diff(np.append(start, run.size)))
    # Which posts have a team, as bits of one integer (bit p: post p): each event flips at
    # most its own post's bit, so the placement code is a cumulative sum of the flips.
    flip = (after > 0).astype(np.int64) - (after - step > 0)
    code = np.cumsum(flip * (np.int64(1) << post))
    free = np.cumsum(step)
    # Several events at one instant: the state after the last of them.
    last = np.ones(time.size, dtype=bool)
    last[:-1] = time[1:] != time[:-1]
    time, code, free = time[last], code[last], free[last].astype(np.float64)
    share = np.zeros(time.size)
    if model.weight.size and time.size:
        # Coverage depends only on which posts have a team: work it out once per placement.
        uniq, inv = np.unique(code, return_inverse=True)
        occupied = (uniq[:, None] >> np.arange(n_posts, dtype=np.int64)) & 1 > 0
        share = (((occupied.astype(np.float64) @ model.cover.T) > 0) @ model.weight)[inv.ravel()]
    return _from_zero(time, free, share)


def expected_sorted(
    model: CoverModel, time: np.ndarray, post: np.ndarray, step: np.ndarray, *, chunk: int = 16384
) -> np.ndarray:
    """MEXCLP's expected coverage after each instant of :func:`series_sorted`'s events.

    What the policies maximise (:meth:`CoverModel.expected`: a group covered by
    ``n`` free teams counts ``1 - q**n`` of its demand), where the plain share
    counts it whole once one team covers it; so after a burst of dispatches a
    move can lower the plain share while it raises this one.

    Parameters
    ----------
    model
        The capability's coverage model (its ``q``).
    time, post, step
        As :func:`series_sorted` takes them (in time order, within the run).
    chunk
        Events whose counts per post are held at once (bounds the memory on
        regions of many posts).

    Returns
    -------
    numpy.ndarray
        One value per instant of :func:`series_sorted`'s ``time`` (the start
        included), in its order.
    """
    n_posts = len(model.posts)
    last = np.ones(time.size, dtype=bool)
    last[:-1] = time[1:] != time[:-1]
    out = np.zeros(int(np.count_nonzero(last)))
    if model.weight.size and time.size:
        # Counts per post after each instant (a cumulative sum per post, as series_sorted),
        # chunked to bound the memory on regions of many posts.
        kept = np.flatnonzero(last)
        counts = np.zeros(n_posts)
        parts = []
        for a in range(0, time.size, chunk):
            b = min(a + chunk, time.size)
            steps = np.zeros((b - a, n_posts))
            steps[np.arange(b - a), post[a:b]] = step[a:b]
            c = counts + np.cumsum(steps, axis=0)
            counts = c[-1]
            # Within one instant a team may leave before it is counted in (a -1 before its
            # +1): only each instant's last row is kept, and no count below 0 is raised to
            # a power.
            i, j = np.searchsorted(kept, (a, b))
            parts.append(_expected_rows(model, np.maximum(c[kept[i:j] - a], 0)))
        out = np.concatenate(parts)
    if not time.size or time[0] > 0:  # nobody at a post before the first event
        out = np.concatenate([[0.0], out])
    return out


def _expected_rows(model: CoverModel, counts: np.ndarray) -> np.ndarray:
    """Expected coverage of each placement (a row of counts per post).

    Worked out once per placement where a placement fits in one integer (a run
    visits few placements, many times).
    """
    uniq, inv = counts, np.arange(counts.shape[0])
    radix = counts.max(axis=0) + 1 if counts.size else np.ones(counts.shape[1])
    if counts.size and float(np.prod(radix)) < 2.0**62:  # mixed radix: counts are small
        place = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
        _codes, first, inv = np.unique(
            counts.astype(np.int64) @ place, return_index=True, return_inverse=True
        )
        uniq = counts[first]
    return ((1.0 - model.q ** (uniq @ model.cover.T)) @ model.weight)[inv.ravel()]


def _series_dense(
    model: CoverModel, ev: np.ndarray, end: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`coverage_series` for events in time order, with a count per post and event."""
    n_posts = len(model.posts)
    steps = np.zeros((ev.shape[0], max(n_posts, 1)), dtype=np.int32)
    if ev.shape[0]:
        steps[np.arange(ev.shape[0]), ev[:, 1].astype(np.int64)] = ev[:, 2]
    counts = np.cumsum(steps, axis=0)[:, :n_posts]
    time = ev[:, 0]
    last = np.ones(time.size, dtype=bool)
    last[:-1] = time[1:] != time[:-1]
    time, counts = time[last], counts[last]
    share = np.zeros(time.size)
    if model.weight.size and time.size:
        occupied, inv = _patterns(counts > 0)
        share = (((occupied.astype(np.float64) @ model.cover.T) > 0) @ model.weight)[inv]
    return _from_zero(time, counts.sum(axis=1).astype(np.float64), share)


def _from_zero(
    time: np.ndarray, free: np.ndarray, share: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The series from minute 0: nobody at a post before the first event."""
    if not time.size or time[0] > 0:
        time = np.concatenate([[0.0], time])
        free = np.concatenate([[0.0], free])
        share = np.concatenate([[0.0], share])
    return time, free, share


def time_average(time: np.ndarray, value: np.ndarray, end: float) -> float:
    """Mean of a step function (``value[i]`` from ``time[i]``, in time order) over ``[0, end]``.

    Steps after ``end`` count for nothing.
    """
    if end <= 0 or not time.size:
        return math.nan
    span = np.diff(np.minimum(np.concatenate([time, [end]]), end))
    return float(np.sum(value * np.clip(span, 0, None)) / end)
