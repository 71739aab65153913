"""MEXCLP move-up: a greedy re-solve of the maximal expected covering model when coverage falls.

The dynamic policy of :mod:`sim.moveup` (``policy = "mexclp"``): after a
dispatch, if the expected coverage of the free teams (MEXCLP, with busy
probability ``q``) is below ``threshold`` times that of the best placement
found for as many teams, the best single moves are made one after another
until it is back above that, each gaining at least ``min_gain``. A part of
:class:`sim.moveup.MoveUp`, which holds the plans, limits and moves it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.moveup import _Plan

#: Least expected coverage (share of demand) a MEXCLP move must gain.
MIN_GAIN = 1e-6


class MexclpMoves:
    """The MEXCLP reaction and re-solve (methods of :class:`sim.moveup.MoveUp`)."""

    def _react_mexclp(self, cap: int) -> None:
        """MEXCLP, after a dispatch: if expected coverage fell below the threshold, re-solve."""
        now = self._placement_now(cap)
        if now is None:
            return
        plan, have = now
        k = sum(have)
        if not k or not plan.weighted:
            return
        key = tuple(have)
        ec = plan.expected.get(key)
        if ec is not None:
            if ec < plan.goal[k]:
                self._improve(cap, plan, have, plan.goal[k], ec)
            return
        counts = np.asarray(have, dtype=np.float64)
        powers = plan.model.powers(counts)  # what a re-solve's first step starts from too
        ec = plan.expected[key] = plan.model.expected_at(powers[1])
        if ec < plan.goal[k]:
            self._improve(cap, plan, have, plan.goal[k], ec, counts, powers)

    def _improve(
        self,
        cap: int,
        plan: _Plan,
        have: list[int],
        goal: float,
        ec: float,
        counts: np.ndarray | None = None,
        powers: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """Greedy MEXCLP re-solve: the best allowed single moves, until ``goal`` is met.

        Each move must gain at least ``min_gain`` of expected coverage; the
        re-solve stops when the expected coverage (``ec`` now) is back at
        ``goal`` (the threshold's share of the best placement), or no move
        gains enough. ``counts`` (``have`` as floats) and its ``powers``
        (:meth:`~sim.moveup_cover.CoverModel.powers`) if already worked out.
        """
        if counts is None:
            counts = np.asarray(have, dtype=np.float64)
        least = self._mu_least
        now, last, gap = self.env._now, self._mu_last, self._mu_gap
        keep = plan.keep  # a base keeps one free team with keep_last_team
        rested = {}  # post -> its rested free teams (posts without any left out)
        for p, lst in enumerate(plan.lists):
            if lst and have[p] > keep[p]:
                if len(lst) == 1:  # most posts hold one team of a capability
                    if now - last[lst[0]] >= gap:
                        rested[p] = [lst[0]]
                    continue
                mine = [t for t in lst if now - last[t] >= gap]
                if mine:
                    rested[p] = mine
        per_day = self._mu_per_day
        n_posts = len(plan.posts)
        sources = list(rested)  # in post order; a post leaves when its last rested team has
        for _step in range(len(last)):
            if ec >= goal:
                return
            if not sources or (per_day is not None and not self._budget()):
                return
            gain = plan.model.gains(counts, sources, blocked=plan.blocked, powers=powers)
            powers = None  # the counts change with the move
            best = int(gain.argmax())
            g = gain.item(best)
            if g < least:
                return
            ec += g
            i, q = divmod(best, n_posts)
            p = sources[i]
            mine = rested[p]
            team = mine.pop()
            if not mine or counts[p] - 1 <= keep[p]:
                del rested[p]
                sources = list(rested)
            self._move(team, plan.posts[q], plan.minutes_l[p][q])
            counts[p] -= 1
            counts[q] += 1
