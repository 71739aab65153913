"""Pre-positioning (提前部署) during a run: what a warning's plan does with teams and stock.

For each warning of the stream (:class:`scenarios.warnings.ScheduledWarning`)
the plan of its level (:class:`sim.warnings.LevelPlan`) is carried out once:

* **Teams staged.** ``stage_delay_h`` after the issue, ``stage_share`` of the
  teams of each of the ``stage_capabilities`` (water rescue, technical rescue
  and general by default) at each station of a ``stage_from`` tier (rounded
  down; only teams free at their station go) move to the staging points: the
  township stations in the warned area (or, with none there, the township
  station nearest to it). Each donor's teams go round the staging points,
  farthest from it first. A move is :meth:`sim.relocate.Relocation._relocate`
  (reason ``warning``): the team is dispatchable on the way and serves from
  its staging point afterwards. ``stand_down_h`` after the hazard ends each
  staged team moves back to its own station (a team then busy goes once it
  is free at its post). No staging point is added to the stations. Where
  warnings overlap at the same staging points the stronger plan holds, not
  their sum: teams another warning in force put at a warning's points count
  towards its share, and stay at a stand-down while a warning in force there
  would have staged them. Donors give only their own teams.
* **Stock pushed down.** ``stock_delay_h`` after the issue, every township
  depot and village point in the area is sent ``stock_share`` times its
  normal stock of each item it carries (rounded down) along its regular
  supply line, from its parent depot: a township asks its county depot for
  its own extra and that of its villages in the area, a village asks its
  township (which gives at once from what it holds). A parent gives what it
  has (stock never goes negative; what it lacks is not sent) and restocks
  itself as usual, at its next draw or transfer. Each transfer arrives after
  the receiving depot's lead time, counts as on order there meanwhile, and
  is a ``supplies`` row of kind ``preposition``.
* Duty desks are reinforced by :mod:`sim.duty_boost` before the run.

An action due at or after its hazard's start is not taken; one due before the
run starts is taken at minute 0 (a transfer keeps the part of its lead time
already over). The plan draws no random numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from simpy.events import Timeout

from scenarios.warnings import ScheduledWarning
from sim.dispatch import At, Clearing
from sim.duty_boost import boost_windows
from sim.fleet import HOME, RETURNING
from sim.warnings import WarningPlan

_INF = math.inf
#: Minutes between tries to send a staged team home while it is busy.
RETRY_MIN = 15.0
#: Depot tiers the stock is pushed down to.
PUSH_TIERS = ("township", "village")
#: Columns of the ``warnings`` table.
WARNING_COLUMNS = (
    "warning", "event", "hazard", "level", "issue", "start", "end", "stand_down", "area_nodes",
    "staged", "teams_staged", "pushed", "stock_units", "stock_short", "reinforced",
    "officers_added",
)  # fmt: skip


class Prepositioning:
    """A warning plan carried out during a run.

    A part of :class:`sim.engine.Engine`: :meth:`_init_warnings` runs after
    the fleet, the relocation and the supplies are set up, and schedules one
    event per action; nothing is added to the handling of an incident.
    """

    def _init_warnings(self, plan: WarningPlan | None) -> None:
        """Schedule each warning's staging and stock actions (nothing without a plan)."""
        self.warning_plan = plan
        if plan is None:
            return
        warned = self.stream.warnings
        self.warned = warned
        n = len(warned)
        self.w_staged: list[list[int]] = [[] for _ in range(n)]
        # Teams another warning staged, kept staged for this one at that one's stand-down.
        self.w_held: list[list[int]] = [[] for _ in range(n)]
        # Per warning: None, no stand-down scheduled (nothing staged); False, one is; True, done.
        self.w_over: list[bool | None] = [None] * n
        self.w_points: list[list[int] | None] = [None] * n  # staging points, once needed
        self.w_stages = [False] * n  # whether its staging is planned (due before the hazard)
        self.w_log: dict[str, list[Any]] = {
            k: [math.nan] * n for k in ("staged", "pushed", "stand_down")
        }
        self.w_log.update({k: [0] * n for k in ("stock_units", "stock_short")})
        n_stations = len(self.stations) - (self.reinforcement is not None)
        self.w_local = range(n_stations)  # the reinforcement's station is never used
        self.base_count = [[0] * len(self.capabilities) for _ in self.stations]
        for team, s in enumerate(self.team_base):
            self.base_count[s][self.team_cap[team]] += 1
        self.w_retries = 0  # tries to send a team home still pending
        for i, w in enumerate(warned):
            lp = plan.level(w.level)
            self.w_log["stand_down"][i] = w.end + plan.stand_down_h * 60.0
            t = w.issue + lp.stage_delay_h * 60.0
            if lp.stage_share > 0 and t < w.start:
                self.w_stages[i] = True
                ev = Timeout(self.env, max(t, 0.0), i)
                ev.callbacks.append(self._stage)
            t = w.issue + lp.stock_delay_h * 60.0
            if lp.stock_share > 0 and t < w.start:
                ev = Timeout(self.env, max(t, 0.0), (i, t))
                ev.callbacks.append(self._push)

    # ------------------------------------------------------------ teams
    def _staging_points(self, w: ScheduledWarning) -> list[int]:
        """The township stations in the warned area, else the one nearest to it."""
        town = [s for s in self.w_local if self.stations[s].tier == "township"]
        inside = np.isin(self.station_nodes[town], w.nodes) if town else np.zeros(0, bool)
        points = [s for s, ok in zip(town, inside.tolist(), strict=True) if ok]
        if points or not town or not len(w.nodes):
            return points
        from scipy.spatial import cKDTree

        xy = np.column_stack([self.network.nodes.x, self.network.nodes.y])
        dist, _ = cKDTree(xy[w.nodes]).query(xy[self.station_nodes[town]])
        return [town[int(np.argmin(dist))]]

    def _points(self, i: int) -> list[int]:
        """Warning ``i``'s staging points (worked out once)."""
        pts = self.w_points[i]
        if pts is None:
            pts = self.w_points[i] = self._staging_points(self.warned[i])
        return pts

    def _stage(self, ev: Timeout) -> None:
        """Move the level's share of the donors' free teams to the staging points."""
        i = ev._value
        w = self.warned[i]
        plan = self.warning_plan
        assert plan is not None
        share = plan.level(w.level).stage_share
        points = self._points(i)
        caps = {self.capabilities.index(c) for c in plan.stage_capabilities}
        donors = [
            s for s in self.w_local if self.stations[s].tier in plan.stage_from and s not in points
        ]
        # Teams another warning in force already put at these points count towards this
        # one's share: where warnings overlap, the stronger plan holds, not their sum (as
        # for the desks). Teams staged elsewhere, for another area, do not.
        out = self._out_at(points)
        k = 0
        for d in donors:
            if not points:
                break
            row = self.tables.tt[d]
            order = sorted(points, key=lambda s: (-float(row[self.station_nodes_list[s]]), s))
            for cap, count in enumerate(self.base_count[d]):
                n = math.floor(share * count + 1e-9) if cap in caps else 0
                n -= out.get((d, cap), 0)
                if n <= 0:
                    continue
                own = [t for t in self._free_at(d, cap) if self.team_base[t] == d]
                for team in sorted(own)[:n]:
                    s = order[k % len(order)]
                    k += 1
                    if self._relocate(team, s, "warning") < _INF:
                        self.w_staged[i].append(team)
        self.w_log["staged"][i] = self.env._now
        if self.w_staged[i] and self.w_over[i] is None:  # (holding teams, it has one)
            self._stand_down_at(i)

    def _stand_down_at(self, i: int) -> None:
        """Schedule warning ``i``'s stand-down (once: only a warning holding teams has one)."""
        self.w_over[i] = False
        back = At(self.env, self.w_log["stand_down"][i], i)
        back.callbacks.append(self._stand_down)

    def _out_at(self, points: list[int]) -> dict[tuple[int, int], int]:
        """Teams staged at ``points`` under warnings not yet stood down, by (own station, cap)."""
        here = set(points)
        out: dict[tuple[int, int], int] = {}
        for j, over in enumerate(self.w_over):
            if over is False:
                for team in (*self.w_staged[j], *self.w_held[j]):
                    if self.team_station[team] in here:
                        key = (self.team_base[team], self.team_cap[team])
                        out[key] = out.get(key, 0) + 1
        return out

    def _stand_down(self, ev: Timeout) -> None:
        """The warning's forces stand down: its staged teams go back to their stations.

        A team stays staged instead while a warning still in force (issued, its
        staging planned, not yet standing down) has it at one of its own staging
        points and fewer of its station's teams of its capability there than its
        share (the stronger plan holds); that warning's stand-down sends it home.
        """
        i = ev._value
        self.w_over[i] = True
        now, log = self.env._now, self.w_log
        later = [
            j for j, over in enumerate(self.w_over)
            if over is not True and self.w_stages[j]
            and self.warned[j].issue <= now < log["stand_down"][j]
        ]  # fmt: skip
        out = {j: self._out_at(self._points(j)) for j in later}  # kept at j's points so far
        for team in (*self.w_staged[i], *self.w_held[i]):
            d, cap, at = self.team_base[team], self.team_cap[team], self.team_station[team]
            keep = next(
                (j for j in later
                 if at in self._points(j) and self._wants(j, d, cap, out[j].get((d, cap), 0))),
                -1,
            )  # fmt: skip
            if keep >= 0:
                self.w_held[keep].append(team)
                for j in later:  # it stands at every warning's points that include its post
                    if at in self._points(j):
                        out[j][(d, cap)] = out[j].get((d, cap), 0) + 1
                if self.w_over[keep] is None:
                    self._stand_down_at(keep)
            else:
                self._send_home(team)

    def _wants(self, j: int, station: int, cap: int, out: int) -> bool:
        """Whether warning ``j``'s plan would stage more than ``out`` of ``station``'s ``cap``."""
        plan = self.warning_plan
        assert plan is not None
        if self.capabilities[cap] not in plan.stage_capabilities:
            return False
        if self.stations[station].tier not in plan.stage_from or station in self._points(j):
            return False  # (a staging point of j's is no donor of j's)
        share = plan.level(self.warned[j].level).stage_share
        return out < math.floor(share * self.base_count[station][cap] + 1e-9)

    def _send_home(self, team: int) -> None:
        """Move a staged team back to its own station, now or once it is free at its post."""
        home = self.team_base[team]
        if self.team_station[team] == home:
            return
        if self.status[team] == RETURNING:
            self._settle(self.team_cap[team])
        if self.status[team] == HOME and self._relocate(team, home, "warning") < _INF:
            return
        back = self.ret_end[team] - self.env._now
        if self.status[team] == RETURNING and back < _INF:  # on its way to its post: on arrival
            wait = max(back, 1.0)
        elif self._to_come() + (self._arrival < _INF) > self.w_retries:
            # Busy: try again while something other than these tries is still to happen (an
            # event, or a call to come: it is then freed; a road cut for good would otherwise
            # keep the run going).
            wait = RETRY_MIN
        else:
            return
        self.w_retries += 1
        again = Timeout(self.env, wait, team)
        again.callbacks.append(self._retry_home)

    def _to_come(self) -> int:
        """Events still queued, without the clearings scheduled again since (never run)."""
        token = self.token
        return sum(
            1 for *_, e in self.env._queue
            if not (type(e) is Clearing and e._value[1] != token[e._value[0]])
        )  # fmt: skip

    def _retry_home(self, ev: Timeout) -> None:
        self.w_retries -= 1
        self._send_home(ev._value)

    # ------------------------------------------------------------ stock
    def _push(self, ev: Timeout) -> None:
        """Fill the area's township depots and village points from their parent depots."""
        i, planned = ev._value
        w = self.warned[i]
        plan = self.warning_plan
        assert plan is not None
        share = plan.level(w.level).stock_share
        inside = np.isin(self.depot_nodes, w.nodes).tolist() if len(self.depots) else []
        targets = [d for d, ok in enumerate(inside) if ok and self.depots[d].tier in PUSH_TIERS]
        targets.sort(key=lambda d: (PUSH_TIERS.index(self.depots[d].tier), d))  # townships first
        extra = {d: {it: math.floor(share * q + 1e-9) for it, q in self.initial[d].items()}
                 for d in targets}  # fmt: skip
        ask = {d: dict(extra[d]) for d in targets}
        for d in targets:  # a township also fetches what its villages in the area will take
            for c in self.depot_children[d]:
                for it, q in extra.get(c, {}).items():
                    ask[d][it] = ask[d].get(it, 0) + q
        gave: dict[tuple[int, str], None] = {}  # (depot, item) that sent stock down, in order
        relay = set(targets)
        for d in targets:
            p = self.depot_parent[d]
            # Units are counted as they come into the area's lower tiers (from a county or city
            # depot, or a township outside it): a township's hand-on to its villages is already
            # in what its county sent it (counted twice, 60,935 for 39,605 new).
            counted = p not in relay
            for it, q in ask[d].items():
                give = min(self.stock[p].get(it, 0), q) if p >= 0 else 0
                if give > 0:
                    self._transfer_down(p, d, it, give, planned + self.depots[d].lead_time_min)
                    gave[(p, it)] = None
                if counted:
                    self.w_log["stock_units"][i] += give
                    self.w_log["stock_short"][i] += q - give
        # A depot that sent stock down orders its deficit from its own parent, as after any
        # transfer (the county depots are refilled from the city's), once all is sent.
        for p, it in gave:
            self._reorder(p, it)
        self.w_log["pushed"][i] = self.env._now

    def _transfer_down(self, src: int, d: int, item: str, q: int, arrive: float) -> None:
        """Send ``q`` of ``item`` from depot ``src`` to ``d`` now, arriving at ``arrive``."""
        now = self.env._now
        self.stock[src][item] -= q
        if self.stock[src][item] == 0:
            self.has[item][src] = False
        self.on_order[d][item] = self.on_order[d].get(item, 0) + q
        arrive = max(arrive, now)
        self._movement(now, arrive, "preposition", item, q, src, d, -1)
        ev = At(self.env, arrive, (d, item, q))
        ev.callbacks.append(self._replenished)

    # ------------------------------------------------------------ records
    def _warned_table(self) -> dict[str, np.ndarray]:
        """The ``warned`` table: incidents called in a warned area while its plan holds.

        From the hazard's start until the stand-down, the first such warning of
        each incident; the same rows whatever the plan did.
        """
        st = self.stream
        which = np.full(len(st), -1, dtype=np.int64)
        for i, w in enumerate(self.warned):
            inside = (st.time >= w.start) & (st.time < self.w_log["stand_down"][i])
            inside &= np.isin(st.node, w.nodes) & (which < 0)
            which[inside] = i
        rows = np.flatnonzero(which >= 0)
        return {"incident": rows.astype(np.int64), "warning": which[rows]}

    def _warning_table(self, end: float) -> dict[str, np.ndarray]:
        """The ``warnings`` table: one row per warning, what its plan did and when."""
        warned, log = self.warned, self.w_log
        n = len(warned)
        reinforced = [math.nan] * n
        officers = [0] * n
        duty = getattr(self, "duty", None)
        levels = duty.levels if duty is not None else ()
        plan = self.warning_plan
        assert plan is not None
        layout = getattr(self, "desks", None)  # sim.duty.DeskLayout: the desks of each level
        n_desks = dict(zip(layout.levels, map(len, layout.units), strict=True)) if layout else {}
        windows = [win for win in boost_windows(warned, plan) if win[1] in levels]
        for k, (i, level, a, _b, x) in enumerate(windows):
            reinforced[i] = a
            # The stronger reinforcement holds (sim.duty_boost): over one already in force
            # at that level (or ending as it starts), a warning adds only its excess.
            held = max((y for j, (_, lv, aj, bj, y) in enumerate(windows)
                        if lv == level and (aj, j) < (a, k) and bj >= a), default=0)  # fmt: skip
            if a <= end:  # each desk of the level gets that many more officers
                officers[i] += max(x - held, 0) * n_desks.get(level, 0)

        def times(values: list[float]) -> np.ndarray:
            out = np.asarray(values, dtype=np.float64)
            out[out > end] = np.nan
            return out

        return {
            "warning": np.arange(n, dtype=np.int64),
            "event": np.asarray([w.event for w in warned], dtype=str),
            "hazard": np.asarray([w.hazard for w in warned], dtype=str),
            "level": np.asarray([w.colour for w in warned], dtype=str),
            "issue": np.asarray([w.issue for w in warned], dtype=np.float64),
            "start": np.asarray([w.start for w in warned], dtype=np.float64),
            "end": np.asarray([w.end for w in warned], dtype=np.float64),
            "stand_down": np.asarray(log["stand_down"], dtype=np.float64),
            "area_nodes": np.asarray([len(w.nodes) for w in warned], dtype=np.int64),
            "staged": times(log["staged"]),
            "teams_staged": np.asarray([len(s) for s in self.w_staged], dtype=np.int64),
            "pushed": times(log["pushed"]),
            "stock_units": np.asarray(log["stock_units"], dtype=np.int64),
            "stock_short": np.asarray(log["stock_short"], dtype=np.int64),
            "reinforced": times(reinforced),
            "officers_added": np.asarray(officers, dtype=np.int64),
        }
