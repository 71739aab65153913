"""Road states during a run: the travel tables per state, disruptions, hour bands, stranded teams.

This is the engine's one door to :mod:`sim.travel`. The engine reads the
current :class:`~sim.travel.TravelTables` as ``self.tables`` (set here only:
at the start, after disruptions start or end, before the next event or call
that may read them, :meth:`RoadStates._roads_now`, and, with congestion, at
each change of hour band, :meth:`RoadStates._run_roads`),
remembers the disruptions of every state by version (``_states``; each
dispatch records the version it was made in; the states themselves are made
again after the run, so a run through thousands of states does not hold them),
and gets the route metres of its dispatches from :meth:`RoadStates._distances`
after the run.

A disruption changes the travel of every dispatch and return that starts after
it; teams already on the road keep their drawn times. A team whose road home
is cut stays at the scene until a road reopens (:meth:`RoadStates._home_again`).
Incidents in an isolation zone, or cut off by their own closure, are answered
at a staging node outside it (:meth:`RoadStates._stage_isolated`).

Congestion (:mod:`sim.congestion`) works like a disruption that comes and goes
with the clock: the road state is the baseline, the stream's disruptions in
force and the current hour band's slowdowns, laid over one another; the run
loop switches the tables before the first event of each new band (before
anything else at that minute), so a trip is timed by the band it starts in. The tables of each state
are kept by the oracle (:meth:`networks.oracle.TravelOracle.kept_times`), so a
band that comes back costs a look-up. Without congestion none of this runs.
"""

from __future__ import annotations

import math
from heapq import heappop

import numpy as np
from simpy.events import Timeout

from networks.roadnet import RoadNetwork
from networks.states import Disruption
from scenarios.stream import IncidentStream
from sim.congestion import Congestion, band_disruptions
from sim.dispatch import At, Clearing
from sim.facilities import CAPABILITIES
from sim.fleet import HOMEWARD
from sim.travel import Travel, TravelTables
from sim.travel_routes import dispatch_lengths

_INF = math.inf
#: (disruptions in force, hour band) states a congested run keeps to come back to: those of
#: the last few sets of disruptions in force, under every band.
BAND_STATES_KEPT = 24


class _RoadChange(Timeout):
    """A disruption's start or end: past it, the run loop may leave the tables to be switched."""


class RoadStates:
    """The road state the engine sees now, the travel tables per state, and disruptions.

    A part of :class:`sim.engine.Engine`. :meth:`_init_roads` runs last in
    its construction (the tables need the station and depot layout).
    """

    def _init_roads(self, network: RoadNetwork, congestion: Congestion | None = None) -> None:
        """Start in ``network``'s state: the baseline that the stream's disruptions add to.

        With ``congestion`` (not flat), the hour band of minute 0 is laid over it too.
        """
        # The state passed in is the baseline (a what-if closure stays closed); the stream's
        # disruptions come and go on top of it.
        self.network = network.base
        self.baseline = tuple(network.disruptions)
        self.active: set[int] = set()  # stream disruptions in force
        self._start_state = network
        #: The start without an hour band's slowdowns (what coverage afterwards is measured on).
        self._free_start = network
        # The disruptions of every state a dispatch may be made in, by version.
        self._states: dict[int, tuple[Disruption, ...]] = {}
        self._travel: Travel | None = None  # taken by _open_roads for the run
        #: Whether disruptions came or went since the tables were last switched (see _run_roads).
        self._roads_due = False
        # Hour bands (sim.congestion); None: no congestion, and no band event ever runs.
        self.congestion = congestion
        self._bands = None if congestion is None or congestion.flat else congestion.plan()
        if self._bands is not None:
            self._band_dis = band_disruptions(network, self._bands)
            self._band = self._bands.band_at(0.0)
            self._band_since = 0.0  # minute of the event the current band was switched for
            # (disruptions in force, band) -> state: a band that comes back finds its state.
            self._band_states: dict[tuple[tuple[int, ...], int], RoadNetwork] = {}
            self._start_state = self._state_now()

    def _open_roads(self) -> None:
        """Take a travel oracle for the run (see :meth:`_close_roads`)."""
        self._travel = Travel(
            self.network,
            station_nodes=self.station_nodes,
            cap_stations=self.cap_stations,
            depot_nodes=self.depot_nodes,
            matrix=self.travel_matrix,
            keep=self._bands is not None,
            # A new oracle grows its trees in the start's hour band, where the run reads first.
            start=self._start_state if self._bands is not None else None,
        )
        self.tables = self._tables_for(self._start_state)

    def _close_roads(self) -> None:
        """Hand the oracle on: the tables are not read after the run."""
        if self._travel is not None:
            self._travel.close()

    def _tables_for(self, state: RoadNetwork) -> TravelTables:
        """The travel tables of ``state``, which becomes current."""
        self._states[state.version] = state.disruptions
        return self._travel.at(state)

    def _switch_roads(self, k: int, on: bool) -> None:
        """Put the stream's disruption ``k`` in force (or out); ``tables`` follows when next read.

        The tables are switched by :meth:`_roads_now` before anything reads them:
        disruptions that come and go with nothing in between (hundreds of roads
        reopening one by one after an earthquake) cost the oracle one move, not one each.
        """
        if on:
            self.active.add(k)
        else:
            self.active.discard(k)
        self._roads_due = True

    def _roads_now(self) -> TravelTables:
        """The tables of the disruptions in force now (switched to them if they came or went)."""
        if self._roads_due:
            self._roads_due = False
            if self._bands is not None:
                self.tables = self._tables_for(self._state_now())
            else:
                ds = self.stream.disruptions
                state = self.network.under(
                    self.baseline + tuple(ds[j].disruption for j in sorted(self.active))
                )
                self.tables = self._tables_for(state)
        return self.tables

    # ------------------------------------------------------------ hour bands
    def _state_now(self) -> RoadNetwork:
        """The state of the disruptions in force under the current hour band's slowdowns."""
        active = tuple(sorted(self.active))
        key = (active, self._band)
        state = self._band_states.get(key)
        if state is None:
            ds = self.stream.disruptions
            state = self.network.under(
                self.baseline + tuple(ds[j].disruption for j in active) + self._band_dis[self._band]
            )
            # Bounded: each state holds its factors (5.5 MB on the city) and its dispatch
            # orders for as long as it lives. An earthquake's closures reopening one by one
            # make hundreds of sets of disruptions in force, each under every band.
            if len(self._band_states) >= BAND_STATES_KEPT:
                del self._band_states[next(iter(self._band_states))]
            self._band_states[key] = state
        else:
            self._band_states[key] = self._band_states.pop(key)  # most recent last
        return state

    def _run_roads(self, until: float | None) -> None:
        """Run the events and the calls taken (to ``until`` if given), switching hour bands.

        Calls taken are not SimPy events: the stream is sorted, so the next one
        is kept in ``self._arrival`` (its time) and ``self._arrival_eid`` (the
        event id a ``Timeout`` made when it was set would have had) and merged
        with SimPy's queue in this loop, in the order SimPy would have run them
        (time, then priority, then event id). That saves making, queueing and
        popping an event per incident, and changes no record.

        With hour bands, before the next event or call at or after a change of
        band the tables switch to the band of that minute (so a trip starting
        at a band's first minute is timed by it); no event stands in the queue
        for it, so the run ends with its last real event, and code that asks
        whether anything else is still to happen (``env._queue``, and the next
        call) sees only real ones. Events at ``until`` or later are not run, as
        with ``env.run(until=...)``, which leaves the clock at ``until``. A
        clearing scheduled again since (:class:`sim.dispatch.Clearing`) is
        dropped unrun, so that the clock never stops at one.
        """
        env = self.env
        queue, step = env._queue, env.step
        bands = self._bands
        due = bands.next_change(0.0) if bands is not None else _INF
        stop = _INF if until is None else until
        at, aid = self._arrival, self._arrival_eid
        token = self.token
        while True:
            if queue:
                head = queue[0]
                ev = head[3]
                if type(ev) is Clearing and ev._value[1] != token[ev._value[0]]:
                    heappop(queue)  # a clearing scheduled again since: it would do nothing
                    continue
                t = head[0]
                # The call first if SimPy would have popped its Timeout (priority NORMAL = 1) first.
                call = at < t or (at == t and (head[1] > 1 or (head[1] == 1 and aid < head[2])))
                if call:
                    t = at
            elif at < _INF:
                call, t = True, at
            else:
                break
            if t >= due:
                if t >= stop:
                    break
                self._band = bands.band_at(t)  # type: ignore[union-attr]
                self._band_since = t
                self._roads_due = False  # the band's state has the disruptions in force
                self.tables = self._tables_for(self._state_now())
                due = bands.next_change(t)  # type: ignore[union-attr]
            if t >= stop:
                break
            # Anything but another disruption's start or end may read the tables: switch them.
            if self._roads_due and (call or type(queue[0][3]) is not _RoadChange):
                self._roads_now()
            if call:
                env._now = at
                self._call_taken()
                at, aid = self._arrival, self._arrival_eid
            else:
                step()
        if until is not None:
            env._now = until  # where env.run(until=...) leaves the clock

    def _congestion_meta(self) -> dict | None:
        """What the records say of the congestion (``meta["congestion"]``), ``None``: none."""
        if self.congestion is None:
            return None
        plan = self.congestion.plan()
        return {
            **self.congestion.to_dict(),
            "start_hour": plan.start_hour,
            "hour_band": list(plan.hour_band),
        }

    def _schedule_disruptions(self, horizon: float | None) -> None:
        """One event at each start and end of the stream's disruptions (within ``horizon``)."""
        env = self.env
        for k, d in enumerate(self.stream.disruptions):
            if horizon is not None and d.start >= horizon:
                continue
            on = _RoadChange(env, max(d.start, 0.0), (k, True))
            on.callbacks.append(self._disruption)
            if d.end < _INF:
                off = _RoadChange(env, max(d.end, 0.0), (k, False))
                off.callbacks.append(self._disruption)

    def _disruption(self, ev: Timeout) -> None:
        """A disruption starts or ends: switch the tables, free stranded teams, serve queues.

        The tables are switched here only if stranded teams or waiting requests read them.
        """
        k, on = ev._value
        self._switch_roads(k, on)
        if not on:
            self._home_again()
        for c in range(len(CAPABILITIES)):
            if self.queues[c]:
                self._roads_now()
                self._serve(c)

    def _home_again(self) -> None:
        """Teams stranded at a scene by a cut road set off home once a road reopens."""
        now = self.env._now
        tb = None  # the tables, switched only if a team is stranded
        for cap in range(len(CAPABILITIES)):
            for team in self.returning[cap]:
                if self.ret_end[team] < _INF:
                    continue
                if tb is None:
                    tb = self._roads_now()
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
                self.d_way[r] = (start, end)
                if end < self.home_at[cap]:
                    self.home_at[cap] = end
        for team, st in enumerate(self.status):
            if st != HOMEWARD or self.d_ret[self.last_row[team]] < _INF:
                continue
            scene = self.s_node[self.d_fixed[self.last_row[team]][0]]
            if tb is None:
                tb = self._roads_now()
            back = float(tb.tt_back[self.team_station[team], scene]) / 60.0
            if back == _INF:
                continue
            if self.noise is not None and back > 0:
                back *= next(self.noise)
            r = self.last_row[team]
            self.d_ret[r] = max(now, self.d_fixed[r][4]) + back
            self.d_avail[r] = avail = self.d_ret[r] + next(self.team_resupply[team])
            done = At(self.env, avail, team)
            done.callbacks.append(self._resupplied)

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

    def _distances(
        self,
        station: np.ndarray,
        from_node: np.ndarray,
        inc: np.ndarray,
        version: np.ndarray,
        seconds: np.ndarray,
    ) -> np.ndarray:
        """Route metres of every dispatch, vectorised per network state at dispatch."""
        target = np.asarray(self.s_node, dtype=np.int64)[inc]
        return dispatch_lengths(
            lambda v: self.network.under(self._states[v]),
            self.station_nodes,
            station,
            from_node,
            target,
            version,
            seconds,
        )
