"""Incidents and their dispatch: requirements, call taken, sending teams, clearing.

An incident costs one SimPy event however many teams it needs (see
:mod:`sim.model`): :meth:`Dispatch._call_taken` (run by the run loop as the
sorted calls come due, not a SimPy event) sends what is free at once
and :meth:`Dispatch._schedule` computes, from the teams' arrivals, when the
incident comes under control and clears (:func:`work_done_at`);
:meth:`Dispatch._cleared` sends its teams home (or on). Requests left short
wait in the queues of :class:`sim.queues.Queues`.

Per incident, the facts are plain lists indexed by incident id; per dispatch,
lists indexed by dispatch row (``d_fixed`` holds the fields fixed at dispatch:
incident, dispatched, turnout, travel, arrival, from node, from scene, network
state version, and the noiseless road seconds the choice was made on).
"""

from __future__ import annotations

import math
from heapq import heappush
from typing import Any

from simpy.core import Environment
from simpy.events import NORMAL, Timeout

from scenarios.stream import IncidentStream
from sim.facilities import CAPABILITIES
from sim.fleet import BUSY, CAP_INDEX, DIVERTED, HOME, HOMEWARD, RETURNING
from sim.policies import Candidate

_INF = math.inf
_NAN = math.nan


class Clearing(Timeout):
    """The moment incident ``i`` clears, as last scheduled: its value is ``(i, token)``.

    An incident's clearing is scheduled again when a team arrives; the earlier
    event stays in SimPy's queue with an old token. The run loop drops such an
    event unrun (:meth:`sim.roads.RoadStates._run_roads`), so that it moves no
    clock: one team's clearing time alone can lie weeks past the run's last
    real event.
    """


class At(Timeout):
    """A timeout at the moment ``at`` itself, not at ``now + (at - now)``.

    That sum can round a hair below ``at``: a stand-down set for minute
    ``10000.5`` would then move teams before it. ``at`` before now is now.
    """

    def __init__(self, env: Environment, at: float, value: Any = None) -> None:
        # Timeout.__init__ inlined, as SimPy inlines Event's, with the time pushed as given.
        at = max(at, env._now)
        self.env = env
        self.callbacks = []
        self._value = value
        self._delay = at - env._now
        self._ok = True
        heappush(env._queue, (at, NORMAL, next(env._eid), self))


def work_done_at(arrivals: list[float], work: float) -> float:
    """When ``work`` team-minutes are done by teams that each start at their arrival.

    ``arrivals`` must be sorted; with ``k`` teams on scene the work goes ``k``
    times as fast as with one.
    """
    done = 0.0
    for k in range(1, len(arrivals) + 1):
        start = arrivals[k - 1]
        end = arrivals[k] if k < len(arrivals) else _INF
        if done + k * (end - start) >= work:
            return start + (work - done) / k
        done += k * (end - start)
    return _INF  # pragma: no cover - the last segment is unbounded


class Dispatch:
    """Incidents from call taken to cleared, and the teams sent to them.

    A part of :class:`sim.engine.Engine`. It reads the fleet's lists
    (:class:`sim.fleet.Fleet`), the current travel tables (``tables``), the
    policy, and the queues (:class:`sim.queues.Queues`) it leaves short
    requests in.
    """

    def _init_dispatch(self, stream: IncidentStream) -> None:
        """Resolve the requirements against the fleet; empty incident and dispatch records."""
        # Requirements, resolved once per (hazard, grade) row.
        # A count above what the whole region has is capped there (everyone goes; the
        # shortfall is recorded); a capability nobody has makes the incident unserved.
        # With a reinforcement, rows ``R..2R-1`` are the same requirements resolved against
        # the county plus the reinforcement: used by an incident that calls it in, or that
        # is called after it has arrived.
        self.req_teams: list[list[tuple[int, int]]] = []
        self.req_total: list[int] = []
        self.req_short: list[int] = []
        self.req_ok: list[bool] = []
        self.n_req = len(stream.requirements)
        for have in [self.local_cap] + ([self.total_cap] if self.reinforcement is not None else []):
            for r in stream.requirements:
                asked = [(CAP_INDEX.get(c, -1), int(k)) for c, k in r.teams if k > 0]
                teams = [(c, min(k, have[c])) for c, k in asked if c >= 0]
                self.req_teams.append([(c, k) for c, k in teams if k > 0])
                self.req_total.append(sum(k for _, k in teams))
                self.req_short.append(sum(k for _, k in asked) - self.req_total[-1])
                self.req_ok.append(all(c >= 0 and have[c] > 0 for c, _ in asked))
        self.req_supplies = [
            tuple((str(i), int(q)) for i, q in r.supplies) for r in stream.requirements
        ] * (2 if self.reinforcement is not None else 1)

        # Incident bookkeeping (plain lists: cheaper to write than numpy scalars).
        n = len(stream)
        self.s_node = stream.node.tolist()  # where it is answered (sim.roads may stage it)
        self.s_grade = stream.grade.tolist()
        self.s_req = stream.requirement.tolist()
        self.s_control = stream.control_work.tolist()
        self.s_clear = stream.clear_work.tolist()
        self.first_dispatch = [_NAN] * n
        self.first_arrival = [_NAN] * n
        self.on_scene = [_NAN] * n
        self.under_control = [_NAN] * n
        self.cleared = [_NAN] * n
        self.need_left = [0] * n
        self.need_total = [0] * n
        # Bumped whenever an incident's clearing time is recomputed: older events are stale.
        self.token = [0] * n
        self._batch = -1  # incident whose first dispatches are being made (schedule once)
        self.last_arrival = [0.0] * n
        self.rows: list[list[int] | None] = [None] * n
        self.supply_short = [0] * n
        self.reason = [""] * n
        # Dispatch rows: fixed fields as one tuple per row; returned/available change later.
        self.d_fixed: list[tuple] = []
        self.d_team: list[int] = []
        self.d_ret: list[float] = []
        self.d_avail: list[float] = []
        # Rows whose drive home is not (released or arrival, returned): sent on from the road,
        # or stranded at the scene for a while; row -> (start, planned end) of that drive,
        # so move-up's coverage knows when the team passed half-way (sim.moveup_records).
        self.d_way: dict[int, tuple[float, float]] = {}

    # ------------------------------------------------------------ dispatch
    def _assign(self, i: int, cap: int, cand: Candidate) -> None:
        """Send one team to incident ``i``."""
        team, sec, from_node, from_scene = cand
        now = self.env._now
        status = self.status[team]
        ahead = 0.0
        if status == RETURNING:
            self.returning[cap].remove(team)
            r = self.last_row[team]
            if r >= 0:  # a team on a move (sim.relocate) has no dispatch row to close
                self.d_way[r] = (self.ret_start[team], self.ret_end[team])
                self.d_ret[r] = now
                self.d_avail[r] = now
            turnout = 0.0
            if from_scene and self.ret_start[team] > now:
                # Still driving to the old scene: ``sec`` includes the rest of that drive
                # (see nearest()), which is not re-drawn with travel noise.
                ahead = self.ret_start[team] - now
        elif status == DIVERTED:  # in no free list; out already, or the rest of its turnout
            turnout = self.turnout_left.pop(team, 0.0) if self.turnout_left else 0.0
        else:
            lst = self.free_home[self.team_station[team]][cap]
            if lst[-1] == team:
                lst.pop()
            else:
                lst.remove(team)
            turnout = next(self.team_turnout[team])
        self.status[team] = BUSY
        self.n_free[cap] -= 1
        self.free_area[self.team_area[team]][cap] -= 1
        travel = sec / 60.0 - ahead
        if self.noise is not None:
            travel *= next(self.noise)
        travel += ahead
        arrival = now + turnout + travel
        r = len(self.d_team)
        self.last_row[team] = r
        self.d_fixed.append(
            (
                i,
                now,
                turnout,
                travel,
                arrival,
                from_node,
                from_scene,
                self.tables.state.version,
                sec,
            )  # fmt: skip
        )
        self.d_team.append(team)
        self.d_ret.append(_NAN)
        self.d_avail.append(_NAN)
        rows = self.rows[i]
        if rows is None:
            self.rows[i] = [r]
            self.first_dispatch[i] = now
            self.first_arrival[i] = arrival
            self.last_arrival[i] = arrival
        else:
            rows.append(r)
            if not arrival >= self.first_arrival[i]:  # also when nan (its team was diverted)
                self.first_arrival[i] = arrival
            if arrival > self.last_arrival[i]:
                self.last_arrival[i] = arrival
        left = self.need_left[i] - 1
        self.need_left[i] = left
        if left:
            self.staged[cap][r] = i
        else:
            if len(self.rows[i]) > 1:  # type: ignore[arg-type]
                for row in self.rows[i]:  # type: ignore[union-attr]
                    self.staged[self.team_cap[self.d_team[row]]].pop(row, None)
            self.on_scene[i] = self.last_arrival[i]
        if i != self._batch:
            self._schedule(i)

    def _schedule(self, i: int) -> None:
        """(Re)compute when incident ``i`` comes under control and clears; schedule clearing."""
        rows = self.rows[i]
        self.token[i] += 1
        if not rows:
            self.under_control[i] = self.cleared[i] = _NAN
            return
        n = self.need_total[i]
        if len(rows) == 1:  # one team works alone from its arrival: work_done_at's first step
            a = self.d_fixed[rows[0]][4]
            ctrl = a + n * self.s_control[i]
            clr = a + n * (self.s_control[i] + self.s_clear[i])
        else:
            arrivals = sorted(self.d_fixed[r][4] for r in rows)
            ctrl = work_done_at(arrivals, n * self.s_control[i])
            clr = work_done_at(arrivals, n * (self.s_control[i] + self.s_clear[i]))
        self.under_control[i] = ctrl
        self.cleared[i] = clr
        ev = Clearing(self.env, clr - self.env._now, (i, self.token[i]))
        ev.callbacks.append(self._cleared)

    def _call_taken(self) -> None:
        """Dispatch for the incident whose call is taken now, after setting the next call.

        The run loop (:meth:`sim.roads.RoadStates._run_roads`) calls it at
        ``self._arrival``; the next call's time and event id are those a
        ``Timeout`` made here would have (so ties with events run as before).
        """
        k = self._next
        i = self._order[k]
        self._next = k + 1
        env = self.env
        if k + 1 < len(self._order):
            now = env._now
            self._arrival = now + (self.call_taken[self._order[k + 1]] - now)
            self._arrival_eid = next(env._eid)
        else:
            self._arrival = _INF
        req = self.s_req[i]
        if self.reinforcement is not None:
            req = self._with_reinforcement(i, req)
        if self.req_supplies[req]:
            self._draw_supplies(i, req)
        if not self.req_ok[req]:
            self.reason[i] = "no_capability"
            return
        total = self.req_total[req]
        if total == 0:  # supplies only: nothing to wait for
            now = self.env._now
            self.under_control[i] = now + self.s_control[i]
            self.cleared[i] = self.under_control[i] + self.s_clear[i]
            return
        self.need_left[i] = total
        self.need_total[i] = total
        node, grade = self.s_node[i], self.s_grade[i]
        since = self.call_taken[i]
        choose = self.policy.choose
        self._batch = i
        for cap, count in self.req_teams[req]:
            sent = 0
            while sent < count:
                cand = choose(self, node, cap, grade, since)
                if cand is None and self.staged[cap]:
                    cand = self._divert(i, cap)
                if cand is None:
                    break
                self._assign(i, cap, cand)
                sent += 1
            if sent < count:
                self._wait(i, cap, count - sent, grade, since)
        self._batch = -1
        if self.rows[i]:
            self._schedule(i)
        if self.moveup_active:  # free teams may move to cover for those sent
            self._moveup_dispatched(req)

    def _cleared(self, ev: Timeout) -> None:
        """Release the teams of a cleared incident and send them home (or on)."""
        i, token = ev._value
        if token != self.token[i]:  # rescheduled since: a stale event
            return
        now = self.env._now
        node = self.s_node[i]
        tb = self.tables
        if self.need_left[i]:
            # Cleared with fewer teams than asked for: stop asking for the rest.
            self.need_left[i] = 0
            for cap in range(len(CAPABILITIES)):
                self.waiting[cap].pop(i, None)
            for r in self.rows[i]:  # type: ignore[union-attr]
                self.staged[self.team_cap[self.d_team[r]]].pop(r, None)
            self.on_scene[i] = max(self.d_fixed[r][4] for r in self.rows[i])  # type: ignore[union-attr]
        freed: list[int] = []
        for r in self.rows[i]:  # type: ignore[union-attr]
            team = self.d_team[r]
            s = self.team_station[team]
            back = float(tb.tt_back[s, node]) / 60.0
            if self.noise is not None and back > 0:
                back *= next(self.noise)
            # A team still on its way turns back when it reaches the scene.
            start = max(now, self.d_fixed[r][4])
            end = start + back
            self.d_ret[r] = end
            cap = self.team_cap[team]
            res = self.team_resupply[team]
            if res is None:
                self.d_avail[r] = end
                self.status[team] = RETURNING
                self.ret_start[team] = start
                self.ret_end[team] = end
                self.ret_scene[team] = node
                self.returning[cap].append(team)
                if end < self.home_at[cap]:
                    self.home_at[cap] = end
                self.n_free[cap] += 1
                self.free_area[self.team_area[team]][cap] += 1
                if cap not in freed:
                    freed.append(cap)
            else:
                self.status[team] = HOMEWARD
                if end < _INF:
                    avail = end + next(res)
                    self.d_avail[r] = avail
                    done = At(self.env, avail, team)
                    done.callbacks.append(self._resupplied)
        for cap in freed:
            if self.queues[cap]:
                self._serve(cap)
        if self.moveup_active and freed:
            self._moveup_freed(freed)

    def _resupplied(self, ev: Timeout) -> None:
        """A team has restocked at its station: it is free there again."""
        team = ev._value
        cap = self.team_cap[team]
        self.status[team] = HOME
        self.free_home[self.team_station[team]][cap].append(team)
        self.n_free[cap] += 1
        self.free_area[self.team_area[team]][cap] += 1
        if self.queues[cap]:
            self._serve(cap)
        if self.moveup_active:
            self._moveup_freed([cap])
