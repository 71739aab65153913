"""Move-up: free teams moved to cover the places busy teams have left uncovered.

When teams are busy, the places their stations covered may be out of reach
of every free team of that capability. A move-up policy moves free teams
(at their stations, status ``HOME``) to other stations, with
:meth:`sim.relocate.Relocation._relocate`. Two policies, both per capability:

* ``compliance``: a compliance table says, for ``k`` free teams, at which
  stations they should stand. Whenever the number of free teams changes (a
  dispatch, a team released), the teams standing where the table has too
  many move to the stations it has too few: a team going back to the station
  it was built at first, then the nearest. The table is the user's, or is
  derived from the stations: all free means every team at its own station,
  and each team fewer leaves out the station whose loss costs least expected
  coverage (:meth:`sim.moveup_cover.CoverModel.drop_table`).
* ``mexclp``: after a dispatch, if the expected coverage of the free teams
  (MEXCLP, with busy probability ``q``) is below ``threshold`` times that of
  the best placement found for as many teams, the best single moves are
  made one after another until it is back above that, each gaining at least
  ``min_gain`` (a greedy re-solve of the maximal expected covering location
  model from where the teams stand; :mod:`sim.moveup_mexclp`).

A team counts at its post when it is there, or is driving there (back from
an incident, or on a move); a team a warning staged is the plan's until it
stands down: not moved, and left out of the placement (an extra at its staging
point, whose own team is then not surplus). A move must
respect the limits: no team moves again within ``min_minutes_between_moves``
of its last move, no move drives longer than ``max_travel_min``, at most
``max_moves_per_day`` moves per day, and no move while requests of that
capability wait for a team. A moved team stays dispatchable on the way, and
after an incident returns to the station it was moved to (its post), from
where the policy may move it on.

Decisions use the current road state; the coverage reported afterwards
(:meth:`MoveUp._moveup_tables`) uses the roads as they were at the start, at
free flow (without minute 0's hour band).

Cost: a policy looks at every dispatch (and compliance at every release) of a
capability that may move, a few times per incident, so the look is plain
Python on lists made once per capability and road state (:class:`_Plan`: the
table, the minutes and reach between posts, and the fleet's own free lists of
the posts, so a placement is a ``len`` per post). Compliance keeps what it
makes of each placement seen (:meth:`_Plan.gaps_at`), MEXCLP its expected
coverage. Moves go through :meth:`sim.relocate.Relocation._relocate_home`
(the checks of ``_relocate`` are true by construction).
"""

from __future__ import annotations

import math

import numpy as np

from networks import i18n
from networks.names import facility_label
from scenarios.stream import IncidentStream
from sim.facilities import CAPABILITIES, chinese_names
from sim.fleet import HOME, RETURNING
from sim.moveup_cover import CoverModel, busy_share
from sim.moveup_mexclp import MIN_GAIN, MexclpMoves
from sim.moveup_spec import MoveupSpec
from sim.records import RunRecords
from sim.relocate import REASONS

_INF = math.inf
_MOVE_UP = REASONS.index("move_up")
#: Plans kept per capability and road state (hour bands make many states; the latest stay).
_PLANS_KEPT = 64
#: Placements whose compliance gaps a plan keeps (cleared when full).
_GAPS_KEPT = 1 << 16
#: Compliance's gaps in a placement: ``()``, or (level, teams lacking, moves allowed, one short).
_Gaps = tuple[()] | tuple[list[int], int, list[tuple[int, int, int, float]], bool]


class _Plan:
    """What a capability's policy decides on in one road state.

    ``model`` (:class:`~sim.moveup_cover.CoverModel`), its ``posts`` (station
    indices) and ``index`` (station -> post), the compliance ``table`` (counts
    per post by number of free teams), ``best`` (expected coverage of the
    greedy placement by number of teams), ``minutes`` of driving between posts
    and ``reach`` (within ``max_travel_min``).

    The rest is for the per-event evaluation, which must cost little:
    ``version`` (the road state it was made for), ``lists`` (each post's list
    of free teams of the capability: the fleet's own lists, which are mutated
    but never replaced), ``post_of`` (station -> post, ``-1`` if none; as a
    list), ``goal`` (MEXCLP's threshold times ``best`` by number of free
    teams), ``blocked`` (moves out of reach, or to the same post), ``weighted``
    (whether any demand is covered at all) and ``expected`` (expected coverage
    by placement), and ``keep`` (free teams no move may take a post below:
    1 at a base with ``keep_last_team``, else 0).
    """

    __slots__ = (
        "model", "posts", "index", "table", "best", "minutes", "reach", "minutes_l", "reach_l",
        "expected", "version", "lists", "post_of", "goal", "blocked", "weighted", "keep", "gaps",
    )  # fmt: skip

    def __init__(
        self,
        model: CoverModel,
        posts: list[int],
        table: list[list[int]],
        best: list[float],
        minutes: np.ndarray,
        reach: np.ndarray,
    ) -> None:
        self.model, self.posts, self.index = model, posts, model.index
        self.table, self.best, self.minutes, self.reach = table, best, minutes, reach
        # Plain lists for the loops of a compliance move (numpy scalars are slow to index).
        self.minutes_l: list[list[float]] = minutes.tolist()
        self.reach_l: list[list[bool]] = reach.tolist()
        # Expected coverage by placement (the few placements a run visits come back often).
        self.expected: dict[tuple[int, ...], float] = {}
        self.blocked = ~reach | np.eye(len(posts), dtype=bool)  # moves MEXCLP may not make
        self.weighted = bool(model.weight.size)
        self.version = -1
        self.lists: list[list[int]] = []
        self.post_of: list[int] = []
        self.goal: list[float] = []
        self.keep: list[int] = [0] * len(posts)
        # Compliance's gaps by placement (what it does depends on little else; see gaps_at).
        self.gaps: dict[tuple[int, ...], _Gaps] = {}

    def gaps_at(self, have: tuple[int, ...]) -> _Gaps:
        """What compliance makes of the placement ``have`` (free teams per post), kept.

        ``()`` if the placement is the table's (or beyond it), or no post over the
        table's level may give a team to one under it; else ``(want, need, ways,
        one)``: the table's level, the teams the posts under it lack, the moves
        the limits allow as ``(from post, to post, to station, minutes)`` and
        whether one team is short. Only which teams may move (their last move)
        is left to decide at the time.
        """
        if len(self.gaps) >= _GAPS_KEPT:  # the placements a run visits are few; stay bounded
            self.gaps.clear()
        k = sum(have)
        gaps: _Gaps = ()
        if k < len(self.table) and list(have) != self.table[k]:
            want = self.table[k]
            short, over = [], []
            need = 0
            for q, (w, h) in enumerate(zip(want, have, strict=True)):
                if w > h:
                    short.append(q)
                    need += w - h
                elif w < h and h > self.keep[q]:  # a post at its last kept team gives none
                    over.append(q)
            reach, minutes, posts = self.reach_l, self.minutes_l, self.posts
            ways = [(p, q, posts[q], minutes[p][q]) for p in over for q in short if reach[p][q]]
            if ways:
                gaps = (want, need, ways, need == 1 and len(short) == 1)
        self.gaps[have] = gaps
        return gaps


class MoveUp(MexclpMoves):
    """The move-up policy of a run, and its coverage records.

    A part of :class:`sim.engine.Engine`. :meth:`_init_moveup` runs after the
    fleet and dispatch are set up; with no spec, ``self.moveup`` is ``None``
    and the engine asks nothing else of this part.
    """

    def _init_moveup(self, spec: MoveupSpec | None, stream: IncidentStream) -> None:
        """Demand per capability; tables and coverage models are made per road state."""
        self.moveup = spec
        #: Whether a policy may move teams (the engine asks this part nothing otherwise).
        self.moveup_active = spec is not None and spec.policy != "none"
        if spec is None:
            return
        self.record_moves = True
        n_local = len(self.stations) - (1 if self.reinforcement is not None else 0)
        self._mu_local = n_local
        have = [c for c in range(len(CAPABILITIES)) if self.local_cap[c] > 0]
        if spec.capabilities is not None:
            have = [c for c in have if CAPABILITIES[c] in spec.capabilities]
        self._mu_caps = have
        self._mu_on = [False] * len(CAPABILITIES)
        for c in have:
            self._mu_on[c] = spec.policy != "none"
        pop = None
        if spec.demand == "population":  # one proxy for every capability (made once)
            from scenarios.geography_cache import population_proxy

            pop = population_proxy(self.network)  # shared with the streams (read-only)
        self._mu_demand = {c: self._demand(spec, stream, c, pop) for c in have}
        self._mu_q = {c: self._busy(spec, stream, c) for c in have}
        # Teams of each capability built at each local station.
        self._mu_bases: dict[int, np.ndarray] = {}
        for c in have:
            b = np.zeros(n_local)
            for t in range(self.n_teams):
                if self.team_cap[t] == c and self.team_base[t] < n_local:
                    b[self.team_base[t]] += 1
            self._mu_bases[c] = b
        self._mu_last = [-_INF] * self.n_teams  # start of each team's last move
        # Teams a warning has staged, per capability (the plan's until they stand down).
        self._mu_staged: list[set[int]] = [set() for _ in CAPABILITIES]
        self._mu_gap = spec.min_gap_min
        self._mu_threshold = spec.threshold
        self._mu_comply = spec.policy == "compliance"
        self._mu_react = self._react_comply if self._mu_comply else self._react_mexclp
        self._mu_day = -1
        self._mu_today = 0
        self._mu_plans: dict[tuple[int, int], _Plan] = {}
        self._mu_cur: list[_Plan | None] = [None] * len(CAPABILITIES)  # plan now, per capability
        self._mu_per_day = spec.max_moves_per_day
        self._mu_least = max(spec.min_gain, MIN_GAIN)
        self._mu_tables = self._user_tables(spec)

    def _demand(
        self, spec: MoveupSpec, stream: IncidentStream, cap: int, pop: np.ndarray | None
    ) -> np.ndarray:
        """Demand per node for ``cap``: population (``pop``), uniform, or the run's incidents."""
        n = self.network.n_nodes
        if spec.demand == "nodes":
            return np.ones(n)
        if pop is not None:
            return pop
        asks = np.asarray([any(c == cap for c, _k in teams) for teams in self.req_teams],
                          dtype=bool)  # fmt: skip
        if not len(stream):
            return np.zeros(n)
        mine = asks[np.asarray(stream.requirement, dtype=np.int64)]
        return np.bincount(stream.node[mine], minlength=n).astype(np.float64)

    def _busy(self, spec: MoveupSpec, stream: IncidentStream, cap: int) -> float:
        """MEXCLP's ``q`` for ``cap``: the spec's, or one rate from the incidents' load."""
        if spec.busy_probability is not None:
            return spec.busy_probability
        if not len(stream):
            return 0.0
        per_req = np.asarray([sum(k for c, k in teams if c == cap) for teams in self.req_teams])
        asked = per_req[np.asarray(stream.requirement, dtype=np.int64)]
        cover_min = spec.cover_min if spec.cover_min is not None else self.targets.arrival
        return busy_share(
            asked,
            np.asarray(stream.control_work) + np.asarray(stream.clear_work),
            teams=int(self.local_cap[cap]),
            span=float(np.max(stream.time)),
            round_trip=2.0 * cover_min,
        )

    def _user_tables(self, spec: MoveupSpec) -> dict[int, list[list[int]]]:
        """The compliance tables given by name, as counts per local station by level."""
        local = self.stations[: self._mu_local]
        # or by its Chinese name, as the Chinese outputs print it (as the run config reads it)
        zh = chinese_names(local)
        with i18n.language("zh"):
            names = {facility_label(s.name, zh): k for k, s in enumerate(local)}
        names.update({s.name: k for k, s in enumerate(local)})
        out = {}
        for cap, levels in spec.tables:
            rows = [[0] * self._mu_local]
            for level in levels:
                row = [0] * self._mu_local
                for name in level:
                    if name not in names:
                        raise ValueError(f"moveup.tables.{cap}: no station named {name!r}")
                    row[names[name]] += 1
                rows.append(row)
            out[CAPABILITIES.index(cap)] = rows
        return out

    # ------------------------------------------------------------ plans
    def _mu_plan(self, cap: int) -> _Plan:
        """What ``cap``'s policy decides on in the current road state (made once per state)."""
        version = self.tables.state.version
        key = (cap, version)
        hit = self._mu_plans.get(key)
        if hit is None:
            if len(self._mu_plans) >= _PLANS_KEPT:  # hour bands come and go: keep the latest
                del self._mu_plans[next(iter(self._mu_plans))]
            hit = self._mu_plans[key] = self._make_plan(cap, self.tables.tt)
            hit.version = version
            # The fleet's free lists of the posts (local stations: never swapped, unlike the
            # reinforcement's, see sim.standby), so a placement is a len() per post.
            hit.lists = [self.free_home[s][cap] for s in hit.posts]
            post_of = [-1] * len(self.stations)
            for k, s in enumerate(hit.posts):
                post_of[s] = k
            hit.post_of = post_of
            if hit.best:  # MEXCLP: re-solve below this, by number of free teams
                last, thr = len(hit.best) - 1, self._mu_threshold
                hit.goal = [thr * hit.best[min(k, last)] for k in range(self.n_teams + 1)]
        self._mu_cur[cap] = hit
        return hit

    def _cover_model(self, cap: int, tt: np.ndarray, posts: list[int] | None = None) -> CoverModel:
        """``cap``'s coverage model on the travel times ``tt`` (its posts: see the spec)."""
        spec = self.moveup
        assert spec is not None
        cover_min = spec.cover_min if spec.cover_min is not None else self.targets.arrival
        if posts is None and spec.policy == "mexclp" and spec.posts == "bases":
            posts = np.flatnonzero(self._mu_bases[cap] > 0).tolist()
        elif posts is None:
            posts = list(range(self._mu_local))
        return CoverModel(tt, posts, self._mu_demand[cap], cover_min * 60.0, self._mu_q[cap])

    def _make_plan(self, cap: int, tt: np.ndarray) -> _Plan:
        spec = self.moveup
        assert spec is not None
        bases = self._mu_bases[cap]
        model = self._cover_model(cap, tt)
        posts = model.posts
        if cap in self._mu_tables:
            table = [[row[s] for s in posts] for row in self._mu_tables[cap]]
        elif model.weight.size:
            table = [[int(x) for x in level] for level in model.drop_table(bases[posts])]
        else:  # no demand any post covers: nothing to gain, nobody moves
            table = []
        best = model.greedy_best(int(bases.sum())) if spec.policy == "mexclp" else []
        nodes = self.station_nodes[posts]
        minutes = np.asarray(tt[np.ix_(posts, nodes)], dtype=np.float64) / 60.0  # one copy, not two
        plan = _Plan(model, posts, table, best, minutes, minutes <= spec.max_travel_min)
        if spec.keep_last_team:  # 乡镇站不抽空: a base keeps one free team of its own
            plan.keep = [int(b > 0) for b in bases[posts].tolist()]
        return plan

    # ------------------------------------------------------------ triggers
    # These run at every dispatch and release of a capability that may move (a few per
    # incident): plain lists, no numpy on the way to "nothing to do", no call not needed
    # (so each policy has its own, with the placement worked out inline).
    def _moveup_dispatched(self, req: int) -> None:
        """After a call's dispatches: rebalance the capabilities it took teams of."""
        on, react = self._mu_on, self._mu_react
        for cap, _count in self.req_teams[req]:
            if on[cap]:
                react(cap)

    def _moveup_freed(self, caps: list[int]) -> None:
        """Teams of ``caps`` became free (released, or restocked): compliance looks again."""
        if self._mu_comply:
            on = self._mu_on
            for cap in caps:
                if on[cap]:
                    self._react_comply(cap)

    def _placement_now(self, cap: int) -> tuple[_Plan, list[int]] | None:
        """The plan of ``cap`` and its free teams per post now; ``None``: no move may be made.

        A team counts at its post while there or on its way there (back, or moving);
        a team a warning has staged does not count (the plan holds it until it stands
        down, and the table's slots are for the others).
        """
        if self.queues[cap]:  # requests wait: every free team is theirs
            return None
        if self._mu_per_day is not None and not self._budget():  # today's moves are done
            return None
        ret = self.returning[cap]
        if ret and self.env._now >= self.home_at[cap]:
            self._settle(cap)
            ret = self.returning[cap]
        plan = self._mu_cur[cap]
        if plan is None or plan.version != self.tables.state.version:
            plan = self._mu_plan(cap)
        have = list(map(len, plan.lists))
        if ret:
            post_of, station, ret_end = plan.post_of, self.team_station, self.ret_end
            for team in ret:
                p = post_of[station[team]]
                if p >= 0 and ret_end[team] < _INF:
                    have[p] += 1
        staged = self._mu_staged[cap]
        if staged:  # a staged team is an extra at its staging post: the policy plans without it
            post_of, station, status, ret_end = (
                plan.post_of,
                self.team_station,
                self.status,
                self.ret_end,
            )
            for team in staged:
                p = post_of[station[team]]
                s = status[team]
                if p >= 0 and (s == HOME or s == RETURNING and ret_end[team] < _INF):
                    have[p] -= 1
        return plan, have

    def _react_comply(self, cap: int) -> None:
        """Compliance: if the free teams of ``cap`` stand elsewhere than the table says, move."""
        now = self._placement_now(cap)
        if now is None:
            return
        plan, have = now
        key = tuple(have)
        gaps = plan.gaps.get(key)
        if gaps is None:
            gaps = plan.gaps_at(key)
        if gaps:
            self._comply(plan, have, gaps)

    def _budget(self) -> bool:
        """Whether today's moves leave room for one more."""
        cap = self._mu_per_day
        if cap is None:
            return True
        day = int(self.env._now // 1440.0)
        if day != self._mu_day:
            self._mu_day, self._mu_today = day, 0
        return self._mu_today < cap

    def _move(self, team: int, station: int, minutes: float) -> None:
        # The policies move only teams free at a post to another post: no checks to make.
        # ``minutes`` is the plan's, of the road state now (the same tt / 60 _relocate reads).
        self._relocate_home(team, station, _MOVE_UP, minutes)
        self._mu_last[team] = self.env._now
        self._mu_today += 1

    def _comply(self, plan: _Plan, have: list[int], gaps: _Gaps) -> None:
        """Move teams from posts with more than the table's level to those with fewer.

        A team going back to the station it was built at first (so that a hole
        left by a team filled in from elsewhere closes the way it opened), then
        the nearest, then the lowest team number.
        """
        want, need, ways, one = gaps
        now = self.env._now
        base, last, gap, lists = self.team_base, self._mu_last, self._mu_gap, plan.lists
        if one:  # one team short (the usual case): the best team
            best = None
            for p, _q, target, m in ways:
                for team in lists[p]:
                    if now - last[team] >= gap:
                        key = (base[team] != target, m, team)
                        if best is None or key < best:
                            best = key
            if best is not None and (self._mu_per_day is None or self._budget()):
                self._move(best[2], ways[0][2], best[1])  # ways all lead to the one post
            return
        # Every allowed (team, short post) pair, ranked: (not going home, minutes, team, p, q).
        pairs = []
        for p, q, target, m in ways:
            for team in lists[p]:
                if now - last[team] >= gap:
                    pairs.append((base[team] != target, m, team, p, q))
        if not pairs:
            return
        per_day, posts = self._mu_per_day, plan.posts
        pairs.sort()
        gone: set[int] = set()
        have = list(have)
        for _home, minutes_pq, team, p, q in pairs:
            if team in gone or have[p] <= want[p] or have[p] <= plan.keep[p] or have[q] >= want[q]:
                continue
            if per_day is not None and not self._budget():
                continue
            self._move(team, posts[q], minutes_pq)
            gone.add(team)
            have[p] -= 1
            have[q] += 1
            need -= 1
            if not need:  # every short post is filled: no pair left could move
                return

    # ------------------------------------------------------------ records
    def _moveup_start(self) -> None:
        """Coverage models of the roads at the start (what the records measure coverage on).

        At free flow (the clock hour of the start must not set a run's yardstick),
        on every local station whatever the policy (MEXCLP's bases would leave out
        a team staged at a township station: two yardsticks in one paired difference).
        """
        every = list(range(self._mu_local))
        free_flow = self._bands is None  # else the start state carries minute 0's band
        tt = self.tables.tt if free_flow else self._travel.at(self._free_start).tt
        self._mu_start = {}
        for cap in self._mu_caps:
            model = self._mu_plan(cap).model if free_flow else None  # made already
            if model is None or model.posts != every:
                model = self._cover_model(cap, tt, every)
            self._mu_start[cap] = model

    def _moveup_tables(self, records: RunRecords) -> None:
        """Add the ``coverage`` table and the settings to the records (changes no other row)."""
        from sim.moveup_records import coverage_table

        spec = self.moveup
        assert spec is not None
        *_cols, arrive, _reason, move_seq = self._move_columns()
        records.coverage = coverage_table(
            records,
            models={CAPABILITIES[c]: m for c, m in self._mu_start.items()},
            team_base=np.asarray(self.team_base, dtype=np.int64),
            arrive=arrive,
            move_seq=move_seq,
            way=self.d_way,
        )
        caps = [CAPABILITIES[c] for c in self._mu_caps]
        records.meta["moveup"] = {
            **spec.to_dict(),
            "demand_weights": {
                n: float(self._mu_demand[c].sum()) for n, c in zip(caps, self._mu_caps, strict=True)
            },
            "busy_probability_used": {
                n: self._mu_q[c] for n, c in zip(caps, self._mu_caps, strict=True)
            },
        }
