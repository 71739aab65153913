"""The SimPy engine: calls, dispatch, teams on the road and on scene, depots.

Design (why it is fast)
-----------------------
An incident costs two SimPy events, however many teams it needs: one when
its call has been taken (dispatch happens in the callback) and one when it
is cleared. Everything between is arithmetic, because nothing can interrupt
it: a dispatched team's turnout and travel are drawn at dispatch, so its
arrival time is known, and with the arrivals of the teams dispatched so far
the times of control and clearing follow (:func:`work_done_at`). Only an
incident that gets more teams later (from a queue) or loses one to a more
urgent call is rescheduled; its earlier clearing event is then ignored. A
returning team needs no event either:
it becomes dispatchable at clearing and its position is a function of time.
Events are bare :class:`simpy.events.Timeout` objects with a callback; there
are no generator processes.

Dispatch choices use travel-time arrays computed once per network state
(:meth:`networks.RoadNetwork.travel_times` from the station nodes) and, per
node, a Python list of stations sorted by travel time, so the per-call work
is a short walk over Python lists, not numpy calls on tiny arrays.

Modelling choices (documented in the issue)
-------------------------------------------
* Call taking has no capacity limit: each call takes a draw of
  ``call_taking`` minutes.
* A team dispatched from its station takes a turnout draw, then drives;
  a team re-dispatched on its way back has no turnout.
* A returning team is taken to be at the previous scene while less than half
  of its return trip has elapsed, and at its station afterwards (the return
  trip is not tracked edge by edge). A team whose incident cleared while it
  was still on its way there first finishes that drive, then turns: sent on,
  its new trip includes the rest of the old one. Travel from a scene node
  uses one shortest-path tree per (scene node, network state), cached.
* Teams with a non-zero ``resupply`` time are not re-dispatchable on their way
  back; they restock at the station first.
* Work on scene is shared: an incident needing ``n`` teams needs
  ``n * control_work`` team-minutes to come under control and ``n *
  (control_work + clear_work)`` to clear, and each team works from its
  arrival. A full complement arriving together therefore takes exactly
  ``control_work``; a partial one makes progress (slower) instead of standing
  idle, and an incident that clears before its last teams are free stops
  asking for them. A count above what the whole
  region has is capped there (everyone of that capability goes; the excess is
  recorded as ``teams_short``). If a required capability exists nowhere,
  nothing is sent and the incident is unserved (``no_capability``).
* Partial complements are sent at once and the rest waits in a queue ordered
  by the policy. A more urgent waiting incident may divert a team still on
  its way to a less urgent incident that is itself short of its complement
  (taken to be at its origin while less than half of its trip has elapsed,
  else at that scene); teams already on scene are working and stay.
* Travel to a scene ranks teams by drive time only (turnout is drawn per
  dispatch); ``mutual_aid`` marks a dispatch whose drive alone exceeds the
  arrival target, i.e. nothing nearer was free.
* A disruption changes the travel times of every dispatch and return that
  starts after it; teams already on the road keep their drawn times. A team
  whose road home is cut stays at the scene (and can be sent on from there)
  until a road reopens, then drives home.
* Supplies are drawn at call taken from the nearest depot (by road) that has
  the item in stock; what it cannot give escalates up the parent chain
  (village -> township -> county -> city). Each draw reorders the depot's
  deficit from its parent, which arrives after the depot's lead time. Supplies
  do not hold up control.
"""

from __future__ import annotations

import heapq
import itertools
import math
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import simpy
from scipy.sparse import csgraph
from simpy.events import Timeout

from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.distributions import Distribution, Fixed, Lognormal
from scenarios.stream import IncidentStream
from sim.facilities import CAPABILITIES, Depot, Reinforcement, Station, check_facilities
from sim.policies import Candidate, DispatchPolicy, NearestAvailable
from sim.records import STOCKOUT_COLUMNS, SUPPLY_COLUMNS, RunRecords
from sim.targets import ResponseTargets

_INF = math.inf
_NAN = math.nan
#: Team status codes (``_STANDBY``: a reinforcement team not yet called in).
_HOME, _RETURNING, _BUSY, _HOMEWARD, _DIVERTED, _STANDBY = 0, 1, 2, 3, 4, 5
#: Per network state: fastest-parallel-edge length lookup and station route lengths.
_LENGTHS: weakref.WeakKeyDictionary[RoadNetwork, dict[Any, Any]] = weakref.WeakKeyDictionary()
#: Queued requests scanned past a head that cannot be served, per attempt.
_SCAN_LIMIT = 256


def _edge_lengths(state: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Sorted arc codes ``u * n + v`` and the length of the fastest such arc (open arcs)."""
    cache = _LENGTHS.setdefault(state, {})
    hit = cache.get("edges")
    if hit is None:
        n = state.n_nodes
        t = state.edge_time
        open_ = np.isfinite(t)
        u = state.edges.u[open_].astype(np.int64)
        v = state.edges.v[open_].astype(np.int64)
        length, t = state.edges.length[open_], t[open_]
        order = np.lexsort((t, v, u))
        codes = u[order] * n + v[order]
        first = np.ones(codes.size, dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        hit = cache["edges"] = (codes[first], length[order][first])
    return hit


def _arc_length(state: RoadNetwork, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    codes, length = _edge_lengths(state)
    return length[np.searchsorted(codes, u * state.n_nodes + v)]


def route_lengths(state: RoadNetwork, sources: Sequence[int] | np.ndarray) -> np.ndarray:
    """Metres along the fastest route from each source to every node.

    One shortest-path tree per source (with predecessors), then path lengths
    summed by pointer doubling; cached per network state and source set, so
    meant for few sources (stations).

    Returns
    -------
    numpy.ndarray
        float32 ``(len(sources), n_nodes)``; ``inf`` where unreachable.
    """
    src = np.asarray(sources, dtype=np.int64).ravel()
    cache = _LENGTHS.setdefault(state, {})
    key = src.tobytes()
    hit = cache.get(key)
    if hit is not None:
        return hit
    n = state.n_nodes
    _, pred = csgraph.dijkstra(state.csr, indices=src, return_predecessors=True)
    out = np.empty((src.size, n), dtype=np.float32)
    idx = np.arange(n, dtype=np.int64)
    step = max(1, 2**19 // max(n, 1))  # rows per chunk: bounded scratch
    for lo in range(0, src.size, step):
        p = pred[lo : lo + step].astype(np.int64)
        has = p >= 0
        w = np.zeros(p.shape)
        w[has] = _arc_length(state, p[has], np.broadcast_to(idx, p.shape)[has])
        # Pointer doubling: after k rounds acc holds the length of the first 2**k edges.
        anc = np.where(has, p, -1)
        acc = w
        while True:
            m = anc >= 0
            if not m.any():
                break
            a = np.where(m, anc, 0)
            acc = np.where(m, acc + np.take_along_axis(acc, a, 1), acc)
            anc = np.where(m, np.take_along_axis(anc, a, 1), -1)
        acc[~has] = np.inf
        acc[np.arange(p.shape[0]), src[lo : lo + step]] = 0.0
        out[lo : lo + p.shape[0]] = acc
    out.flags.writeable = False
    cache[key] = out
    return out


def _walk_lengths(
    pred: np.ndarray, plen: np.ndarray, row: np.ndarray, source: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """Metres from ``source[k]`` to ``target[k]`` in the trees ``pred[row[k]]``.

    ``plen`` holds each node's parent-arc length; all pairs walk back towards
    their source together, one arc per round.
    """
    acc = np.zeros(target.size)
    cur = target.astype(np.int64).copy()
    live = np.flatnonzero(cur != source)
    while live.size:
        r, c = row[live], cur[live]
        p = pred[r, c].astype(np.int64)
        bad = p < 0
        if bad.any():  # unreachable (cannot happen for a dispatched team; kept explicit)
            acc[live[bad]] = np.inf
            live, p, r, c = live[~bad], p[~bad], r[~bad], c[~bad]
        acc[live] += plen[r, c]
        cur[live] = p
        live = live[p != source[live]]
    return acc


#: Bytes of scene rows (seconds + predecessors from incident nodes) kept per network state.
_SCENE_BYTES = 256 * 2**20
_SCENES: weakref.WeakKeyDictionary[RoadNetwork, dict[int, tuple[array, np.ndarray, np.ndarray]]] = (
    weakref.WeakKeyDictionary()
)
#: Scene rows in the order they were made, across all states: (state ref, node, bytes).
_SCENE_ORDER: deque[tuple[weakref.ref[RoadNetwork], int, int]] = deque()
_scene_bytes = 0


def _remember_scene(state: RoadNetwork, node: int, row: tuple[array, np.ndarray, np.ndarray]):
    """Keep a scene row; drop the oldest rows of any state beyond the global byte budget."""
    global _scene_bytes
    size = 12 * state.n_nodes
    _SCENES.setdefault(state, {})[node] = row
    _SCENE_ORDER.append((weakref.ref(state), node, size))
    _scene_bytes += size
    while _scene_bytes > _SCENE_BYTES and len(_SCENE_ORDER) > 1:
        ref, old, nbytes = _SCENE_ORDER.popleft()
        _scene_bytes -= nbytes
        owner = ref()
        if owner is not None:
            _SCENES.get(owner, {}).pop(old, None)


#: Per network state: dispatch orders per facility layout (a few layouts kept).
_ORDERS: weakref.WeakKeyDictionary[RoadNetwork, dict[Any, Any]] = weakref.WeakKeyDictionary()
_LAYOUTS_KEPT = 8


def _shared(state: RoadNetwork, key: Any, make: Callable[[], Any]) -> Any:
    """A per-state value shared between runs, made on first use (oldest layouts dropped)."""
    d = _ORDERS.setdefault(state, {})
    hit = d.get(key)
    if hit is None:
        if len(d) >= 2 * _LAYOUTS_KEPT:
            del d[next(iter(d))]
        hit = d[key] = make()
    return hit


def _scene_cache(state: RoadNetwork) -> dict[int, tuple[array, np.ndarray, np.ndarray]]:
    """Scene rows of a network state, shared by all runs on it (they depend on nothing else).

    Rows made are remembered through :func:`_remember_scene`, which bounds the
    bytes held over all states (states live as long as their network).
    """
    return _SCENES.setdefault(state, {})


class _Tables:
    """Travel answers for one network state: station and depot rows, orders, scene rows."""

    def __init__(self, state: RoadNetwork, engine: Engine) -> None:
        self.state = state
        self.e = engine
        self.tt = state.travel_times(engine.station_nodes)  # station -> node, s
        self.tt_back = state.travel_times(engine.station_nodes, reverse=True)  # node -> station
        self._dist: np.ndarray | None = None
        # Orders depend only on the state and the facility layout: shared between runs.
        skey = (
            "stations",
            engine.station_nodes.tobytes(),
            tuple(c.tobytes() for c in engine.cap_stations),
        )
        self.orders, self._sorted = _shared(state, skey, self._sort_stations)
        self.depot_orders: dict[int, np.ndarray] = _shared(
            state, ("depots", engine.depot_nodes.tobytes()), dict
        )
        self.scene = _scene_cache(state)

    def _sort_stations(self) -> tuple[list[dict[int, list[tuple[int, float]]]], list]:
        # Per capability: stations holding it, sorted by time to each node ((n_nodes, k) arrays).
        out = []
        for st in self.e.cap_stations:
            sub = self.tt[st]
            o = np.argsort(sub, axis=0, kind="stable")
            out.append(
                (
                    np.ascontiguousarray(st[o].T),
                    np.ascontiguousarray(np.take_along_axis(sub, o, 0).T),
                )
            )
        return [{} for _ in CAPABILITIES], out

    def order(self, cap: int, node: int) -> list[tuple[int, float]]:
        """Stations holding ``cap`` that can reach ``node``, nearest first, with seconds."""
        hit = self.orders[cap].get(node)
        if hit is None:
            st, sec = self._sorted[cap]
            hit = [
                (a, b)
                for a, b in zip(st[node].tolist(), sec[node].tolist(), strict=True)
                if b < _INF
            ]
            self.orders[cap][node] = hit
        return hit

    def scene_row(self, node: int) -> array:
        """Seconds from a scene node to every node (one shortest-path tree per node, cached).

        The tree's predecessors are kept to measure route lengths after the run.
        """
        hit = self.scene.get(node)
        if hit is None:
            hit = self._scene_tree(node)
        return hit[0]

    def scene_tree(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Predecessors and parent-arc metres of the tree from a scene node."""
        hit = self.scene.get(node) or self._scene_tree(node)
        return hit[1], hit[2]

    def _scene_tree(self, node: int) -> tuple[array, np.ndarray, np.ndarray]:
        sec, pred = csgraph.dijkstra(self.state.csr, indices=node, return_predecessors=True)
        has = pred >= 0
        plen = np.zeros(pred.size, dtype=np.float32)
        plen[has] = _arc_length(self.state, pred[has].astype(np.int64), np.flatnonzero(has))
        hit = (array("f", sec.astype(np.float32).tobytes()), pred.astype(np.int32), plen)
        _remember_scene(self.state, node, hit)
        return hit

    def depot_order(self, node: int) -> np.ndarray:
        """Depots that can reach ``node``, nearest first (cached per node)."""
        hit = self.depot_orders.get(node)
        if hit is None:
            col = self.depot_tt[:, node]
            o = np.argsort(col, kind="stable")
            hit = self.depot_orders[node] = o[np.isfinite(col[o])]
        return hit

    @cached_property
    def depot_tt(self) -> np.ndarray:
        """Seconds from each depot to every node."""
        return self.state.travel_times(self.e.depot_nodes)


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


def _draws(dist: Distribution, rng: np.random.Generator, block: int = 64) -> Iterator[float]:
    """Endless draws from one distribution and one generator, buffered in blocks.

    ``next()`` on the result is a C-level call, so a draw costs no numpy call.
    """
    if isinstance(dist, Fixed):
        return itertools.repeat(float(dist.value))

    def gen() -> Iterator[float]:
        while True:
            yield from dist.sample(rng, block).tolist()

    return gen()


class Engine:
    """One run of the response model; use :func:`run` rather than this class.

    It is also the :class:`~sim.policies.DispatchView` handed to policies.
    """

    capabilities = CAPABILITIES

    def __init__(
        self,
        network: RoadNetwork,
        stations: Sequence[Station],
        depots: Sequence[Depot],
        stream: IncidentStream,
        *,
        policy: DispatchPolicy,
        rng: np.random.Generator,
        horizon: float | None,
        targets: ResponseTargets,
        travel_noise: float,
        call_taking: Distribution,
        reinforcement: Reinforcement | None = None,
    ) -> None:
        if reinforcement is not None:
            # Its station goes last, so every other team keeps its index and its seed.
            stations = (*stations, reinforcement.station)
        check_facilities(network.n_nodes, stations, depots, source="sim.run")
        if len(stream) and (stream.node.min() < 0 or stream.node.max() >= network.n_nodes):
            raise ValueError(_("incident stream has nodes outside the network"))
        if not travel_noise >= 0:
            raise ValueError(_("travel_noise must be >= 0"))
        if horizon is not None and not horizon >= 0:
            raise ValueError(_("horizon must be >= 0"))
        # The state passed in is the baseline (a what-if closure stays closed); the stream's
        # disruptions come and go on top of it.
        self.network = network.base
        self.baseline = tuple(network.disruptions)
        self.stations = tuple(stations)
        self.depots = tuple(depots)
        self.stream = stream
        self.policy = policy
        self.horizon = horizon
        self.targets = targets
        self.env = simpy.Environment()
        # Independent streams: call taking, travel noise, and one per team (turnout, resupply),
        # so that a different policy sees the same call-taking times.
        call_rng, noise_rng, team_root, reinf_rng = rng.spawn(4)
        self.call_taken = (stream.time + call_taking.sample(call_rng, len(stream))).tolist()
        self.travel_noise = travel_noise
        self.noise = _draws(Lognormal(1.0, travel_noise), noise_rng) if travel_noise > 0 else None

        # Teams, flattened.
        cap_index = {c: k for k, c in enumerate(CAPABILITIES)}
        areas = sorted({s.area for s in self.stations})
        area_index = {a: k for k, a in enumerate(areas)}
        self.station_nodes = np.array([s.node for s in self.stations], dtype=np.int64)
        self.station_nodes_list = self.station_nodes.tolist()
        self.team_station: list[int] = []
        self.team_cap: list[int] = []
        self.team_size: list[int] = []
        self.team_area: list[int] = []
        self.team_turnout: list[Iterator[float]] = []
        self.team_resupply: list[Iterator[float] | None] = []
        specs = [(si, ts) for si, s in enumerate(self.stations) for ts in s.teams]
        n_teams = sum(ts.count for _, ts in specs)
        team_rngs = team_root.spawn(n_teams)
        self.free_home: list[list[list[int]]] = [[[] for _ in CAPABILITIES] for _ in self.stations]
        for si, ts in specs:
            for _copy in range(ts.count):
                t = len(self.team_station)
                self.team_station.append(si)
                self.team_cap.append(cap_index[ts.capability])
                self.team_size.append(ts.size)
                self.team_area.append(area_index[self.stations[si].area])
                turnout_rng, resupply_rng = team_rngs[t].spawn(2)
                self.team_turnout.append(_draws(ts.turnout, turnout_rng))
                no_resupply = isinstance(ts.resupply, Fixed) and ts.resupply.value == 0
                self.team_resupply.append(
                    None if no_resupply else _draws(ts.resupply, resupply_rng)
                )
                self.free_home[si][self.team_cap[t]].insert(0, t)  # pop() takes the first listed
        self.n_teams = n_teams
        self.status = [_HOME] * n_teams
        self.total_cap = [0] * len(CAPABILITIES)
        for c in self.team_cap:
            self.total_cap[c] += 1
        self.n_free = list(self.total_cap)
        self.free_area = [[0] * len(CAPABILITIES) for _ in areas]
        for t in range(n_teams):
            self.free_area[self.team_area[t]][self.team_cap[t]] += 1
        self.area_total = [list(row) for row in self.free_area]
        # Reinforcement teams stand by, off the free lists, until a grave incident calls them.
        self.reinforcement = reinforcement
        self.reinforced_at = _NAN  # when they arrived (minutes)
        self.called_at = _NAN  # when the call that brought them in was taken
        self.local_cap = list(self.total_cap)
        self._standby: list[list[int]] = []
        if reinforcement is not None:
            si = len(self.stations) - 1
            self._standby = self.free_home[si]
            self.free_home[si] = [[] for _ in CAPABILITIES]
            for lst in self._standby:
                for t in lst:
                    self.status[t] = _STANDBY
                    self.n_free[self.team_cap[t]] -= 1
                    self.free_area[self.team_area[t]][self.team_cap[t]] -= 1
                    # Nor do they count for an area's reserve until they come.
                    self.area_total[self.team_area[t]][self.team_cap[t]] -= 1
                    self.local_cap[self.team_cap[t]] -= 1
            self.reinforce_delay = float(reinforcement.delay.sample(reinf_rng))
        self.cap_stations = [
            np.array(
                sorted({self.team_station[t] for t in range(n_teams) if self.team_cap[t] == c}),
                dtype=np.int64,
            )
            for c in range(len(CAPABILITIES))
        ]
        self.returning: list[list[int]] = [[] for _ in CAPABILITIES]
        # Earliest end of a return per capability (a lower bound: entries may have left).
        self.home_at = [_INF] * len(CAPABILITIES)
        self.ret_start = [0.0] * n_teams
        self.ret_end = [0.0] * n_teams
        self.ret_scene = [0] * n_teams
        self.last_row = [-1] * n_teams

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
        for have in [self.local_cap] + ([self.total_cap] if reinforcement is not None else []):
            for r in stream.requirements:
                asked = [(cap_index.get(c, -1), int(k)) for c, k in r.teams if k > 0]
                teams = [(c, min(k, have[c])) for c, k in asked if c >= 0]
                self.req_teams.append([(c, k) for c, k in teams if k > 0])
                self.req_total.append(sum(k for _, k in teams))
                self.req_short.append(sum(k for _, k in asked) - self.req_total[-1])
                self.req_ok.append(all(c >= 0 and have[c] > 0 for c, _ in asked))
        self.req_supplies = [
            tuple((str(i), int(q)) for i, q in r.supplies) for r in stream.requirements
        ] * (2 if reinforcement is not None else 1)

        # Depots.
        self.depot_nodes = np.array([d.node for d in self.depots], dtype=np.int64)
        by_name = {d.name: k for k, d in enumerate(self.depots)}
        self.depot_parent = [by_name[d.parent] if d.parent else -1 for d in self.depots]
        self.depot_children: list[list[int]] = [[] for _ in self.depots]
        for k, p in enumerate(self.depot_parent):
            if p >= 0:
                self.depot_children[p].append(k)
        self.initial = [dict(d.stock) for d in self.depots]
        self.stock = [dict(d.stock) for d in self.depots]
        self.on_order: list[dict[str, int]] = [{} for _ in self.depots]
        # Per item, which depots carry it and which have some now (for vectorised "nearest
        # depot that has it" look-ups; kept in step with ``stock``).
        items = sorted(
            {k for d in self.initial for k in d} | {i for r in self.req_supplies for i, _ in r}
        )
        self.items = items
        self.carries = {it: np.array([it in d for d in self.initial], dtype=bool) for it in items}
        self.has = {
            it: np.array([d.get(it, 0) > 0 for d in self.initial], dtype=bool) for it in items
        }
        self.sup_rows: dict[str, list[Any]] = {k: [] for k in SUPPLY_COLUMNS}
        self.out_rows: dict[str, list[Any]] = {k: [] for k in STOCKOUT_COLUMNS}

        # Incident bookkeeping (plain lists: cheaper to write than numpy scalars).
        n = len(stream)
        self.s_node = stream.node.tolist()
        self._stage_isolated(stream, network)
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
        self.waiting: list[dict[int, int]] = [{} for _ in CAPABILITIES]
        # Rows of teams sent to incidents still short of their complement (may be diverted),
        # and the time each diverted row was diverted.
        self.staged: list[dict[int, int]] = [{} for _ in CAPABILITIES]
        self.diverted: dict[int, float] = {}
        self.keys: dict[int, Any] = {}
        self.queues: list[list[tuple[Any, int, int]]] = [[] for _ in CAPABILITIES]
        self.seq = 0
        #: Minutes after call taken at which the policy may relent (see SeverityPriority).
        self.recheck: float | None = getattr(policy, "recheck_after", None)
        self.mutual_limit = targets.arrival * 60.0  # seconds
        # Dispatch rows: fixed fields as one tuple per row; returned/available change later.
        self.d_fixed: list[tuple] = []
        self.d_team: list[int] = []
        self.d_ret: list[float] = []
        self.d_avail: list[float] = []

        # Network states.
        self.active: set[int] = set()
        self._tables: dict[int, _Tables] = {}
        self.tables = self._tables_for(network)

    def _stage_isolated(self, stream: IncidentStream, network: RoadNetwork) -> None:
        """Avoid danger first, and work from the edge of a cut: stage outside closures.

        An isolation zone (a disruption labelled ``isolation...``) closes the
        roads around a leak. The leak itself, and any incident called at a node
        inside the zone while it stands, is answered at the zone's staging
        node (:func:`scenarios.zones.staging_nodes`: the nearest node outside
        it that can be reached). Likewise an incident's own road closure (a
        landslide's cut, flooded streets): an incident whose scene it cuts
        off from the rest of the network, itself or one called there while it
        stands, is answered at the nearest node responders can reach, instead
        of waiting for the road to reopen. Records keep the real scene node.
        """
        from scenarios.zones import cut_off, scene_closures, staging_nodes

        rows = scene_closures(stream)
        if not rows.size:
            return
        e = network.edges
        cut = [cut_off(network, stream.disruptions[row].disruption) for row in rows.tolist()]
        stages = staging_nodes(stream, network, rows, cut=cut).tolist()
        for row, stage, cut_row in zip(rows.tolist(), stages, cut, strict=True):
            d = stream.disruptions[row]
            if d.disruption.label.startswith("isolation"):
                # Danger: nobody drives into the zone, even where a road would lead.
                edges = np.asarray(d.disruption.edges, dtype=np.int64)
                inside = np.zeros(network.n_nodes, dtype=bool)
                inside[e.u[edges]] = inside[e.v[edges]] = True
            else:
                inside = cut_row
            during = (stream.time >= d.start) & (stream.time < d.end) & inside[stream.node]
            own = [d.incident] if d.incident >= 0 and inside[stream.node[d.incident]] else []
            if d.disruption.label.startswith("isolation") and d.incident >= 0:
                own = [d.incident]
            for i in np.flatnonzero(during).tolist() + own:
                self.s_node[i] = stage

    # ------------------------------------------------------------ view API
    def nearest(
        self, node: int, capability: int, *, allow: Callable[[int], bool] | None = None
    ) -> Candidate | None:
        """The free team of ``capability`` with the shortest travel to ``node``.

        Parameters
        ----------
        node
            Target node.
        capability
            Index into :attr:`capabilities`.
        allow
            Optional filter on team ids.

        Returns
        -------
        tuple or None
            ``(team, travel_seconds, from_node, from_scene)``.
        """
        now = self.env._now
        tb = self.tables
        ret = self.returning[capability]
        if ret and now >= self.home_at[capability]:
            ret_end = self.ret_end
            keep = []
            for team in ret:
                if now >= ret_end[team]:  # home by now: a station team again
                    self.status[team] = _HOME
                    self.free_home[self.team_station[team]][capability].append(team)
                else:
                    keep.append(team)
            self.returning[capability] = ret = keep
            self.home_at[capability] = min((ret_end[t] for t in keep), default=_INF)
        best: Candidate | None = None
        best_t = _INF
        home = self.free_home
        for s, t in tb.order(capability, node):
            lst = home[s][capability]
            if lst:
                if allow is None:
                    best_t, best = t, (lst[-1], t, self.station_nodes_list[s], False)
                    break
                team = next((k for k in reversed(lst) if allow(k)), -1)
                if team >= 0:
                    best_t, best = t, (team, t, self.station_nodes_list[s], False)
                    break
        if not ret:
            return best
        ret_start, team_station = self.ret_start, self.team_station
        tt, tt_back = tb.tt, tb.tt_back
        for team in ret:
            if allow is not None and not allow(team):
                continue
            start, end = ret_start[team], self.ret_end[team]
            h = team_station[team]
            if (now - start) * 2.0 < end - start:
                scene = self.ret_scene[team]
                # A team still driving to a scene that has cleared turns there (start is
                # its arrival): it must finish that drive first.
                ahead = (start - now) * 60.0 if start > now else 0.0
                # Triangle-inequality lower bounds through the home station skip most trees.
                # (inf - inf is no bound, so each term is used only when it is one.)
                lb = 0.0
                via = float(tt[h, scene])
                if via < _INF:
                    lb = float(tt[h, node]) - via
                via = float(tt_back[h, node])
                if via < _INF:
                    lb = max(lb, float(tt_back[h, scene]) - via)
                if lb + ahead >= best_t:
                    continue
                t = ahead + tb.scene_row(scene)[node]
                if t < best_t:
                    best_t, best = t, (team, t, scene, True)
            else:
                t = float(tt[h, node])
                if t < best_t:
                    best_t, best = t, (team, t, self.station_nodes_list[h], True)
        return best

    @property
    def now(self) -> float:
        """Current simulation time, minutes."""
        return self.env._now

    def teams_in_area(self, team: int) -> int:
        """All teams of ``team``'s capability based in ``team``'s area."""
        return self.area_total[self.team_area[team]][self.team_cap[team]]

    def free_in_area(self, team: int) -> int:
        """Free teams of ``team``'s capability based in ``team``'s area."""
        return self.free_area[self.team_area[team]][self.team_cap[team]]

    # ------------------------------------------------------------ network states
    def _tables_for(self, state: RoadNetwork) -> _Tables:
        tb = self._tables.get(state.version)
        if tb is None:
            tb = self._tables[state.version] = _Tables(state, self)
        return tb

    def _disruption(self, ev: Timeout) -> None:
        k, on = ev._value
        if on:
            self.active.add(k)
        else:
            self.active.discard(k)
        ds = self.stream.disruptions
        state = self.network.under(
            self.baseline + tuple(ds[j].disruption for j in sorted(self.active))
        )
        self.tables = self._tables_for(state)
        if not on:
            self._home_again()
        for c in range(len(CAPABILITIES)):
            if self.queues[c]:
                self._serve(c)

    def _home_again(self) -> None:
        """Teams stranded at a scene by a cut road set off home once a road reopens."""
        now = self.env._now
        tb = self.tables
        for cap in range(len(CAPABILITIES)):
            for team in self.returning[cap]:
                if self.ret_end[team] < _INF:
                    continue
                back = float(tb.tt_back[self.team_station[team], self.ret_scene[team]]) / 60.0
                if back == _INF:
                    continue  # still cut off
                if self.noise is not None and back > 0:
                    back *= next(self.noise)
                # The way home starts now (or when the team reaches the scene, if it is
                # still driving there); for its first half it counts as at the scene.
                r = self.last_row[team]
                start = max(now, self.d_fixed[r][4])
                self.ret_start[team] = start
                self.ret_end[team] = end = start + back
                self.d_ret[r] = self.d_avail[r] = end
                if end < self.home_at[cap]:
                    self.home_at[cap] = end
        for team, st in enumerate(self.status):
            if st != _HOMEWARD or self.d_ret[self.last_row[team]] < _INF:
                continue
            scene = self.s_node[self.d_fixed[self.last_row[team]][0]]
            back = float(tb.tt_back[self.team_station[team], scene]) / 60.0
            if back == _INF:
                continue
            if self.noise is not None and back > 0:
                back *= next(self.noise)
            r = self.last_row[team]
            self.d_ret[r] = max(now, self.d_fixed[r][4]) + back
            self.d_avail[r] = avail = self.d_ret[r] + next(self.team_resupply[team])
            done = Timeout(self.env, avail - now, team)
            done.callbacks.append(self._resupplied)

    # ------------------------------------------------------------ dispatch
    def _assign(self, i: int, cap: int, cand: Candidate) -> None:
        """Send one team to incident ``i``."""
        team, sec, from_node, from_scene = cand
        now = self.env._now
        status = self.status[team]
        ahead = 0.0
        if status == _RETURNING:
            self.returning[cap].remove(team)
            self.d_ret[self.last_row[team]] = now
            self.d_avail[self.last_row[team]] = now
            turnout = 0.0
            if from_scene and self.ret_start[team] > now:
                # Still driving to the old scene: ``sec`` includes the rest of that drive
                # (see nearest()), which is not re-drawn with travel noise.
                ahead = self.ret_start[team] - now
        elif status == _DIVERTED:  # already out: no turnout, in no free list
            turnout = 0.0
        else:
            lst = self.free_home[self.team_station[team]][cap]
            if lst[-1] == team:
                lst.pop()
            else:
                lst.remove(team)
            turnout = next(self.team_turnout[team])
        self.status[team] = _BUSY
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
            (i, now, turnout, travel, arrival, from_node, from_scene, self.tables.state.version)
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
        arrivals = sorted(self.d_fixed[r][4] for r in rows)
        n = self.need_total[i]
        ctrl = work_done_at(arrivals, n * self.s_control[i])
        clr = work_done_at(arrivals, n * (self.s_control[i] + self.s_clear[i]))
        self.under_control[i] = ctrl
        self.cleared[i] = clr
        ev = Timeout(self.env, clr - self.env._now, (i, self.token[i]))
        ev.callbacks.append(self._cleared)

    def _call_taken(self, ev: Timeout) -> None:
        """Dispatch for the incident whose call was just taken, then schedule the next."""
        k = self._next
        i = self._order[k]
        self._next = k + 1
        if k + 1 < len(self._order):
            nxt = Timeout(self.env, self.call_taken[self._order[k + 1]] - self.env._now)
            nxt.callbacks.append(self._call_taken)
        req = self.s_req[i]
        if self.reinforcement is not None:
            if self._standby and self.s_grade[i] <= self.reinforcement.max_grade:
                self._call_in()  # so this incident may wait for the reinforcement's teams
            if not math.isnan(self.called_at) and (
                self.s_grade[i] <= self.reinforcement.max_grade or not self._standby
            ):
                req += self.n_req
                self.s_req[i] = req
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
                self.waiting[cap][i] = count - sent
                self.seq += 1
                heapq.heappush(self.queues[cap], (self.policy.queue_key(grade, since), self.seq, i))
                if self.recheck is not None:  # the policy may relent after a while: look again
                    ev = Timeout(self.env, max(since + self.recheck - self.env._now, 0.0), cap)
                    ev.callbacks.append(self._recheck)
        self._batch = -1
        if self.rows[i]:
            self._schedule(i)

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
        half of its trip there has elapsed, else at that incident's scene.
        """
        now = self.env._now
        key = self._key(i)
        node = self.s_node[i]
        tb = self.tables
        best: tuple[float, int, int] | None = None
        for r, y in self.staged[cap].items():
            if not key < self._key(y):
                continue
            _, disp, _, _, arr, origin, _, _ = self.d_fixed[r]
            if arr <= now:  # on scene and working: it stays
                continue
            at = self.s_node[y] if (now - disp) * 2.0 >= arr - disp else origin
            t = tb.scene_row(at)[node]
            if t < _INF and (best is None or t < best[0]):
                best = (t, r, at)
        if best is None:
            return None
        t, r, at = best
        y = self.staged[cap].pop(r)
        team = self.d_team[r]
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
        self.status[team] = _DIVERTED
        self.n_free[cap] += 1
        self.free_area[self.team_area[team]][cap] += 1
        return (team, t, at, True)

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
                self.status[team] = _RETURNING
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
                self.status[team] = _HOMEWARD
                if end < _INF:
                    avail = end + next(res)
                    self.d_avail[r] = avail
                    done = Timeout(self.env, avail - now, team)
                    done.callbacks.append(self._resupplied)
        for cap in freed:
            if self.queues[cap]:
                self._serve(cap)

    def _call_in(self) -> None:
        """A grave incident's call was taken: the reinforcement sets off (once)."""
        if math.isnan(self.called_at):
            self.called_at = self.env._now
            ev = Timeout(self.env, self.reinforce_delay)
            ev.callbacks.append(self._reinforced)

    def _reinforced(self, ev: Timeout) -> None:
        """The reinforcement has arrived: its teams join the free lists and the queues move."""
        self.reinforced_at = self.env._now
        si = len(self.stations) - 1
        self.free_home[si], standby, self._standby = self._standby, self._standby, []
        for lst in standby:
            for t in lst:
                cap = self.team_cap[t]
                self.status[t] = _HOME
                self.n_free[cap] += 1
                self.free_area[self.team_area[t]][cap] += 1
                self.area_total[self.team_area[t]][cap] += 1
        for cap in range(len(CAPABILITIES)):
            if self.queues[cap]:
                self._serve(cap)

    def _recheck(self, ev: Timeout) -> None:
        cap = ev._value
        if self.queues[cap]:
            self._serve(cap)

    def _resupplied(self, ev: Timeout) -> None:
        team = ev._value
        cap = self.team_cap[team]
        self.status[team] = _HOME
        self.free_home[self.team_station[team]][cap].append(team)
        self.n_free[cap] += 1
        self.free_area[self.team_area[team]][cap] += 1
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

    # ------------------------------------------------------------ supplies
    def _draw_supplies(self, i: int, req: int) -> None:
        now = self.env._now
        node = self.s_node[i]
        order = self.tables.depot_order(node)
        for item, qty in self.req_supplies[req]:
            rem = qty
            d = -1
            if order.size:
                h = self.has[item][order]
                k = int(h.argmax())
                if not h[k]:
                    h = self.carries[item][order]
                    k = int(h.argmax())
                if h[k]:
                    d = int(order[k])
            if d < 0:
                self._stockout(now, -1, item, rem, "issue", i)
            dtt = self.tables.depot_tt
            touched = []
            while rem > 0 and d >= 0:
                take = min(self.stock[d].get(item, 0), rem)
                if take > 0:
                    self.stock[d][item] -= take
                    if self.stock[d][item] == 0:
                        self.has[item][d] = False
                    rem -= take
                    self._movement(
                        now, now + float(dtt[d, node]) / 60.0, "issue", item, take, d, -1, i
                    )
                    touched.append(d)
                if rem > 0:
                    self._stockout(now, d, item, rem, "issue", i)
                    d = self.depot_parent[d]
            self.supply_short[i] += rem
            # Reorder only after the request has escalated, so a child's replenishment
            # does not take stock the same request is about to draw from its parent.
            for d in touched:
                self._reorder(d, item)

    def _reorder(self, d: int, item: str) -> None:
        p = self.depot_parent[d]
        if p < 0:
            return
        deficit = (
            self.initial[d].get(item, 0)
            - self.stock[d].get(item, 0)
            - self.on_order[d].get(item, 0)
        )
        if deficit <= 0:
            return
        now = self.env._now
        q = min(self.stock[p].get(item, 0), deficit)
        if q < deficit:
            self._stockout(now, p, item, deficit - q, "replenish", -1)
        if q > 0:
            self.stock[p][item] -= q
            if self.stock[p][item] == 0:
                self.has[item][p] = False
            self.on_order[d][item] = self.on_order[d].get(item, 0) + q
            lead = self.depots[d].lead_time_min
            self._movement(now, now + lead, "transfer", item, q, p, d, -1)
            ev = Timeout(self.env, lead, (d, item, q))
            ev.callbacks.append(self._replenished)
            self._reorder(p, item)

    def _replenished(self, ev: Timeout) -> None:
        d, item, q = ev._value
        self.stock[d][item] = self.stock[d].get(item, 0) + q
        self.has[item][d] = True
        self.on_order[d][item] -= q
        self._reorder(d, item)
        for c in self.depot_children[d]:  # children left short while this depot was empty
            self._reorder(c, item)

    def _movement(self, t, arrive, kind, item, q, src, dst, inc) -> None:  # noqa: ANN001
        for k, v in zip(self.sup_rows, (t, arrive, kind, item, q, src, dst, inc), strict=True):
            self.sup_rows[k].append(v)

    def _stockout(self, t, d, item, short, kind, inc) -> None:  # noqa: ANN001
        tier = self.depots[d].tier if d >= 0 else "none"
        for k, v in zip(self.out_rows, (t, d, tier, item, short, kind, inc), strict=True):
            self.out_rows[k].append(v)

    # ------------------------------------------------------------ run
    def run(self) -> RunRecords:
        """Simulate and collect the records."""
        env = self.env
        for k, d in enumerate(self.stream.disruptions):
            if self.horizon is not None and d.start >= self.horizon:
                continue
            on = Timeout(env, max(d.start, 0.0), (k, True))
            on.callbacks.append(self._disruption)
            if d.end < _INF:
                off = Timeout(env, max(d.end, 0.0), (k, False))
                off.callbacks.append(self._disruption)
        ct = np.asarray(self.call_taken)
        times = self.stream.time
        fed = np.ones(len(ct), bool) if self.horizon is None else times < self.horizon
        self._order = np.flatnonzero(fed)[np.argsort(ct[fed], kind="stable")].tolist()
        self._next = 0
        if self._order:
            first = Timeout(env, ct[self._order[0]])
            first.callbacks.append(self._call_taken)
        for i in np.flatnonzero(~fed).tolist():
            self.reason[i] = "after_horizon"
        if self.horizon is None:
            env.run()
        else:
            env.run(until=self.horizon) if self.horizon > 0 else None
        end = env.now if self.horizon is None else float(self.horizon)
        return self._records(end)

    def _distances(
        self, station: np.ndarray, from_node: np.ndarray, inc: np.ndarray, version: np.ndarray
    ) -> np.ndarray:
        """Route metres of every dispatch, vectorised per network state at dispatch."""
        out = np.full(station.size, np.nan)
        if not station.size:
            return out
        target = np.asarray(self.s_node, dtype=np.int64)[inc]
        at_station = from_node == self.station_nodes[station]
        for v in np.unique(version).tolist():
            tb = self._tables[v]
            sel = (version == v) & at_station
            out[sel] = route_lengths(tb.state, self.station_nodes)[station[sel], target[sel]]
            sel = np.flatnonzero((version == v) & ~at_station)
            if sel.size:
                src, row = np.unique(from_node[sel], return_inverse=True)
                trees = [tb.scene_tree(k) for k in src.tolist()]
                pred = np.stack([t[0] for t in trees])
                plen = np.stack([t[1] for t in trees])
                out[sel] = _walk_lengths(pred, plen, row, from_node[sel], target[sel])
        return out

    def _unserved_reason(self, i: int) -> str:
        node = self.s_node[i]
        for cap in range(len(CAPABILITIES)):
            if self.waiting[cap].get(i) and (
                not self.tables.order(cap, node)
                or (self.n_free[cap] and self.nearest(node, cap) is None)
            ):
                return "unreachable"  # no station, or no free team, can get there
        return "horizon" if self.horizon is not None else "stalled"

    def _records(self, end: float) -> RunRecords:
        st = self.stream
        n = len(st)
        f64 = np.float64

        def masked(values: list[float]) -> np.ndarray:
            a = np.asarray(values, dtype=f64)
            a[a > end] = np.nan
            return a

        call_taken = masked(self.call_taken) if n else np.zeros(0)
        on_scene = masked(self.on_scene)
        needed = np.asarray([self.req_total[r] for r in self.s_req], dtype=np.int64)
        reason = list(self.reason)
        marked = np.asarray([bool(r) for r in reason], dtype=bool)
        ok = np.asarray([self.req_ok[r] for r in self.s_req], dtype=bool)
        served = ~marked & np.where((needed == 0) & ok, ~np.isnan(call_taken), ~np.isnan(on_scene))
        for i in np.flatnonzero(~marked & ~served).tolist():
            reason[i] = self._unserved_reason(i)
        control = np.asarray(self.under_control, dtype=f64)
        cleared = np.asarray(self.cleared, dtype=f64)
        control[~served] = np.nan
        cleared[~served] = np.nan
        d_team = np.asarray(self.d_team, dtype=np.int64)
        # One C-level conversion of the row tuples; ints and bools are exact in float64.
        cols = np.array(self.d_fixed, dtype=f64).reshape(-1, 8).T
        d_inc = cols[0].astype(np.int64)
        d_arr = cols[4].copy()
        d_travel = cols[3].copy()
        d_from = cols[5].astype(np.int64)
        d_scene = cols[6].astype(bool)
        d_version = cols[7].astype(np.int64)
        team_station = np.asarray(self.team_station, dtype=np.int64)
        team_cap = np.asarray([CAPABILITIES[c] for c in self.team_cap], dtype=str)
        d_station = team_station[d_team] if d_team.size else np.zeros(0, np.int64)
        d_mutual = d_travel * 60.0 > self.mutual_limit
        d_dist = self._distances(d_station, d_from, d_inc, d_version)
        d_div = np.zeros(d_team.size, dtype=bool)
        div_time = np.full(d_team.size, np.nan)
        if self.diverted:
            rows = np.fromiter(self.diverted, dtype=np.int64, count=len(self.diverted))
            d_div[rows] = True
            div_time[rows] = np.fromiter(self.diverted.values(), dtype=f64, count=rows.size)
        teams_sent = np.bincount(d_inc[~d_div], minlength=n).astype(np.int64)
        mutual_any = np.bincount(d_inc, weights=d_mutual, minlength=n) > 0
        incidents = {
            "id": np.arange(n, dtype=np.int64),
            "call": st.time.astype(f64),
            "call_taken": call_taken,
            "first_dispatch": masked(self.first_dispatch),
            "first_arrival": masked(self.first_arrival),
            "on_scene": on_scene,
            "under_control": control,
            "cleared": cleared,
            "hazard": np.asarray(st.hazard, dtype=str),
            "grade": st.grade.astype(np.int8),
            "node": st.node.astype(np.int64),
            "requirement": st.requirement.astype(np.int32),
            "teams_needed": needed,
            "teams_short": np.asarray([self.req_short[r] for r in self.s_req], dtype=np.int64),
            "teams_sent": teams_sent,
            "mutual_aid": mutual_any,
            "supply_short": np.asarray(self.supply_short, dtype=np.int64),
            "served": served,
            "reason": np.asarray(reason, dtype=str) if n else np.zeros(0, dtype=str),
        }
        dispatches = {
            "incident": d_inc,
            "team": d_team,
            "station": d_station,
            "capability": team_cap[d_team] if d_team.size else np.zeros(0, dtype=str),
            "dispatched": cols[1].copy(),
            "turnout": cols[2].copy(),
            "travel": d_travel,
            "distance_m": d_dist,
            "arrival": d_arr,
            "released": np.where(d_div, div_time, cleared[d_inc]) if d_inc.size else np.zeros(0),
            "returned": np.asarray(self.d_ret, dtype=f64),
            "available": np.asarray(self.d_avail, dtype=f64),
            "from_node": d_from,
            "from_scene": d_scene,
            "mutual_aid": d_mutual,
            "diverted": d_div,
        }
        sup = self.sup_rows
        supplies = {
            "time": np.asarray(sup["time"], dtype=f64),
            "arrive": np.asarray(sup["arrive"], dtype=f64),
            "kind": np.asarray(sup["kind"], dtype=str),
            "item": np.asarray(sup["item"], dtype=str),
            "quantity": np.asarray(sup["quantity"], dtype=np.int64),
            "source": np.asarray(sup["source"], dtype=np.int64),
            "target": np.asarray(sup["target"], dtype=np.int64),
            "incident": np.asarray(sup["incident"], dtype=np.int64),
        }
        out = self.out_rows
        stockouts = {
            "time": np.asarray(out["time"], dtype=f64),
            "depot": np.asarray(out["depot"], dtype=np.int64),
            "tier": np.asarray(out["tier"], dtype=str),
            "item": np.asarray(out["item"], dtype=str),
            "short": np.asarray(out["short"], dtype=np.int64),
            "kind": np.asarray(out["kind"], dtype=str),
            "incident": np.asarray(out["incident"], dtype=np.int64),
        }
        items = self.items

        def table(dicts: list[dict[str, int]]) -> np.ndarray:
            return np.array([[d.get(k, 0) for k in items] for d in dicts], dtype=np.int64).reshape(
                len(dicts), len(items)
            )

        return RunRecords(
            incidents=incidents,
            dispatches=dispatches,
            supplies=supplies,
            stockouts=stockouts,
            teams={
                "station": team_station,
                "capability": team_cap,
                "size": np.asarray(self.team_size, dtype=np.int64),
            },
            stations={
                "name": np.asarray([s.name for s in self.stations], dtype=str),
                "tier": np.asarray([s.tier for s in self.stations], dtype=str),
                "area": np.asarray([s.area for s in self.stations], dtype=str),
                "node": self.station_nodes.copy(),
            },
            depots={
                "name": np.asarray([d.name for d in self.depots], dtype=str),
                "tier": np.asarray([d.tier for d in self.depots], dtype=str),
                "node": self.depot_nodes.copy(),
                "parent": np.asarray(self.depot_parent, dtype=np.int64),
            },
            stock={
                "items": items,
                "initial": table(self.initial),
                "final": table(self.stock),
                "in_transit": table(self.on_order),
            },
            start=0.0,
            end=float(end),
            meta={
                "policy": self.policy.to_dict(),
                "horizon": self.horizon,
                "travel_noise": self.travel_noise,
                "targets": self.targets.to_dict(),
                "events": next(self.env._eid),  # SimPy events scheduled in the run
                "reinforcement": None
                if self.reinforcement is None
                else {
                    **self.reinforcement.to_dict(),
                    "called_min": None if math.isnan(self.called_at) else self.called_at,
                    "arrived_min": None if math.isnan(self.reinforced_at) else self.reinforced_at,
                },
            },
        )


def run(
    network: RoadNetwork,
    stations: Sequence[Station],
    depots: Sequence[Depot],
    stream: IncidentStream,
    *,
    rng: np.random.Generator,
    policy: DispatchPolicy | None = None,
    horizon: float | None = None,
    targets: ResponseTargets | None = None,
    travel_noise: float = 0.0,
    call_taking: Distribution | None = None,
    reinforcement: Reinforcement | None = None,
) -> RunRecords:
    """Simulate the response to an incident stream.

    Parameters
    ----------
    network
        The road network; a disrupted state stays disrupted throughout, and
        the stream's disruptions are applied on top of it as they start and end.
    stations, depots
        Facilities (see :mod:`sim.facilities`).
    stream
        The incidents, with their requirements and road disruptions.
    rng
        Generator of this run; independent child streams are spawned from it
        for call taking, travel noise and each team.
    policy
        Dispatch policy; :class:`~sim.policies.NearestAvailable` if ``None``.
    horizon
        Stop at this many minutes; incidents called later are ``after_horizon``
        and those not fully served by then are ``horizon``. ``None`` runs
        until nothing is left to happen.
    targets
        The response standard (used for the mutual-aid flag); defaults to 1/10/15.
    travel_noise
        Coefficient of variation of a lognormal factor (mean 1) on each drive;
        0 for none.
    call_taking
        Minutes to take a call; default lognormal, mean 0.75 min, cv 0.5.
    reinforcement
        Outside teams that an incident of grade ``max_grade`` or graver calls in
        (:class:`~sim.facilities.Reinforcement`); none if ``None``. Its station
        is recorded last among the stations; ``meta["reinforcement"]`` says
        when it was called and when it arrived.

    Returns
    -------
    RunRecords
        Same inputs and same seed give identical records.
    """
    eng = Engine(
        network,
        stations,
        depots,
        stream,
        policy=policy or NearestAvailable(),
        rng=rng,
        horizon=horizon,
        targets=targets or ResponseTargets(),
        travel_noise=travel_noise,
        call_taking=call_taking or Lognormal(0.75, 0.5),
        reinforcement=reinforcement,
    )
    return eng.run()
