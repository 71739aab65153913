"""Requests waiting for teams: the queues per capability, serving them, and diversion.

A request the free teams could not fill at call taken waits in its
capability's queue, ordered by the policy's ``queue_key``; whenever teams of
that capability become free (or a road reopens, or the reinforcement
arrives, or the policy may relent) the queue is served from its head. A more
urgent request may also take a team still on its way to a less urgent
incident that is itself short of its complement (:meth:`Queues._divert`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from simpy.events import Timeout

from sim.dispatch import At
from sim.facilities import CAPABILITIES
from sim.fleet import DIVERTED
from sim.policies import Candidate, DispatchPolicy
from sim.travel import FULL_TREE_NODES

_INF = math.inf
_NAN = math.nan
#: Queued requests scanned past a head that cannot be served, per attempt.
_SCAN_LIMIT = 256


class Queues:
    """Waiting requests per capability and the staged teams they may take.

    A part of :class:`sim.engine.Engine`. :class:`sim.dispatch.Dispatch`
    leaves short requests here (:meth:`_wait`) and asks :meth:`_divert` when
    nothing is free; whatever frees teams calls :meth:`_serve`.
    """

    def _init_queues(self, policy: DispatchPolicy) -> None:
        """Empty queues; the policy orders them and may ask to be asked again."""
        self.waiting: list[dict[int, int]] = [{} for _ in CAPABILITIES]
        # Rows of teams sent to incidents still short of their complement (may be diverted),
        # and the time each diverted row was diverted.
        self.staged: list[dict[int, int]] = [{} for _ in CAPABILITIES]
        self.diverted: dict[int, float] = {}
        # Turnout a diverted team had still to do at its station (it had not left): team -> min.
        self.turnout_left: dict[int, float] = {}
        self.keys: dict[int, Any] = {}
        self.queues: list[list[tuple[Any, int, int]]] = [[] for _ in CAPABILITIES]
        self.seq = 0
        #: Minutes after call taken at which the policy may relent (see SeverityPriority).
        self.recheck: float | None = getattr(policy, "recheck_after", None)

    def _wait(self, i: int, cap: int, need: int, grade: int, since: float) -> None:
        """Queue incident ``i`` for ``need`` more teams of ``cap`` (called at call taken)."""
        self.waiting[cap][i] = need
        self.seq += 1
        heapq.heappush(self.queues[cap], (self.policy.queue_key(grade, since), self.seq, i))
        if self.recheck is not None:  # the policy may relent after a while: look again
            ev = At(self.env, since + self.recheck, cap)
            ev.callbacks.append(self._recheck)

    def _key(self, i: int) -> Any:
        """The policy's queue key of incident ``i`` (cached)."""
        k = self.keys.get(i)
        if k is None:
            k = self.keys[i] = self.policy.queue_key(self.s_grade[i], self.call_taken[i])
        return k

    def _divert(self, i: int, cap: int) -> Candidate | None:
        """Take a team of ``cap`` from a lower-priority incident still short of its complement.

        Without this, two incidents each holding part of what the other needs
        would wait for ever (the more urgent one came later and the queue order
        puts it first). The team is taken to be at its origin while less than
        half of its drive there has elapsed, else at that incident's scene; one
        still turning out at its station finishes its turnout first.
        """
        now = self.env._now
        key = self._key(i)
        node = self.s_node[i]
        tb = self.tables
        cands: list[tuple[int, int]] = []  # (row, where its team is taken to be), in order
        for r, y in self.staged[cap].items():
            if not key < self._key(y):
                continue
            _, disp, turnout, travel, arr, origin, _, _, _ = self.d_fixed[r]
            if arr <= now:  # on scene and working: it stays
                continue
            cands.append((r, self.s_node[y] if (now - disp - turnout) * 2.0 >= travel else origin))
        limit = _INF
        if cands and tb.state.n_nodes > FULL_TREE_NODES:
            # A whole-network search from each team would cost thousands per earthquake on a
            # city: one reversed search to the scene ranks them all. Its float32 times may be
            # one step off those searched from the teams (sums added in the other order), so
            # the teams within two steps of the best are searched from, no farther than that.
            to_here = tb.to_scene_row(node)
            low = min(to_here[at] for _r, at in cands)
            if low == _INF:
                return None
            up = np.nextafter(np.float32(low), np.float32(_INF))
            cut = float(np.nextafter(up, np.float32(_INF)))
            cands = [(r, at) for r, at in cands if to_here[at] <= cut]
            limit = cut * 1.000001 + 1e-3  # a margin above float32 rounding, as in nearest()
        best: tuple[float, int, int] | None = None
        for r, at in cands:
            t = tb.scene_row(at, limit)[node]
            if t < _INF and (best is None or t < best[0]):
                best = (t, r, at)
        if best is None:
            return None
        t, r, at = best
        y = self.staged[cap].pop(r)
        team = self.d_team[r]
        _, disp, turnout, _, _, origin, was_scene, _, _ = self.d_fixed[r]
        left = disp + turnout - self.env._now
        if left > 0.0:  # still at its station: the rest of its turnout, not drawn again
            self.turnout_left[team] = left
        self.diverted[r] = now
        self.d_ret[r] = self.d_avail[r] = now
        rows = self.rows[y]
        rows.remove(r)  # type: ignore[union-attr]
        self.last_arrival[y] = max((self.d_fixed[k][4] for k in rows), default=0.0)  # type: ignore[union-attr]
        self.first_arrival[y] = min((self.d_fixed[k][4] for k in rows), default=_NAN)  # type: ignore[union-attr]
        self.need_left[y] += 1
        self._schedule(y)  # one team fewer: y clears later (or waits, if none is left)
        waiting = self.waiting[cap]
        if waiting.get(y, 0) == 0:
            self.seq += 1
            heapq.heappush(self.queues[cap], (self._key(y), self.seq, y))
        waiting[y] = waiting.get(y, 0) + 1
        # _assign counts the team out of the free pool: it never was in it.
        self.status[team] = DIVERTED
        self.n_free[cap] += 1
        self.free_area[self.team_area[team]][cap] += 1
        # Sent on from a scene if taken to be at the old one, or if it had set out from one.
        return (team, t, at, at != origin or bool(was_scene))

    def _recheck(self, ev: Timeout) -> None:
        """The policy may relent now: serve the queue again."""
        cap = ev._value
        if self.queues[cap]:
            self._serve(cap)

    def _serve(self, cap: int) -> None:
        """Give free teams of ``cap`` to waiting requests, in the policy's order."""
        choose = self.policy.choose
        free = self.n_free
        blocked = self._feed_head(
            cap,
            lambda i: choose(self, self.s_node[i], cap, self.s_grade[i], self.call_taken[i]),
            lambda: free[cap],
        )
        if blocked:
            self._serve_scan(cap)
        if self.queues[cap] and self.staged[cap]:
            self._divert_for_queue(cap)

    def _divert_for_queue(self, cap: int) -> None:
        """Let the head of the queue take staged teams from lower-priority incidents.

        A request passed over (its scene cut off, or a reserve kept) can find
        the teams it needs staged at later, lower-priority incidents that are
        themselves waiting: without diversion those would never move. Only the
        head is tried (those behind it have no more donors than it has), so a
        long queue costs nothing here.
        """
        staged = self.staged
        self._feed_head(cap, lambda i: self._divert(i, cap), lambda: staged[cap])

    def _feed_head(
        self,
        cap: int,
        pick: Callable[[int], Candidate | None],
        more: Callable[[], Any],
    ) -> bool:
        """Give the head of ``cap``'s queue a team from ``pick`` while ``more()`` holds.

        Returns whether a head was left that ``pick`` found nothing for.
        """
        q = self.queues[cap]
        waiting = self.waiting[cap]
        while q and more():
            i = q[0][2]
            need = waiting.get(i, 0)
            if need == 0:
                heapq.heappop(q)
                continue
            cand = pick(i)
            if cand is None:
                return True
            self._assign(i, cap, cand)
            if need == 1:
                del waiting[i]
                heapq.heappop(q)
            else:
                waiting[i] = need - 1
        return False

    def _serve_scan(self, cap: int) -> None:
        """The head cannot be served (out of reach, or reserve kept): try those behind it."""
        q = self.queues[cap]
        waiting = self.waiting[cap]
        choose = self.policy.choose
        for entry in heapq.nsmallest(_SCAN_LIMIT, q)[1:]:
            i = entry[2]
            need = waiting.get(i, 0)
            while need and self.n_free[cap]:
                cand = choose(self, self.s_node[i], cap, self.s_grade[i], self.call_taken[i])
                if cand is None:
                    break
                self._assign(i, cap, cand)
                need -= 1
            if need:
                waiting[i] = need
            else:
                waiting.pop(i, None)
            if not self.n_free[cap]:
                break
        q[:] = [e for e in q if waiting.get(e[2], 0)]
        heapq.heapify(q)
