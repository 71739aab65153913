"""The fleet of teams: flattened team lists, who is free where, and the nearest free team.

Teams are numbered across all stations (a station's teams in the order of
its team specs); every per-team fact is a plain list indexed by team, which
is cheaper to read and write than numpy scalars. A team is in one of the
states below. Free teams are those at their station (``free_home``, per
station and capability) and those on their way back (``returning``, per
capability), whose position is a function of time (see :mod:`sim.model`).

:class:`Fleet` is the part of the engine that is also the
:class:`~sim.policies.DispatchView` handed to policies: :meth:`Fleet.nearest`,
:attr:`Fleet.now`, :meth:`Fleet.teams_in_area`, :meth:`Fleet.free_in_area`,
:meth:`Fleet.area_of` and :attr:`Fleet.capabilities`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from scenarios.distributions import Distribution, Fixed
from sim.facilities import CAPABILITIES, Station
from sim.policies import Candidate

_INF = math.inf
#: Team states. At its station, free (``HOME``); on its way back and dispatchable
#: (``RETURNING``); sent to an incident (``BUSY``); on its way back to restock, not
#: dispatchable (``HOMEWARD``); taken off an incident it was driving to, for a more
#: urgent one (``DIVERTED``, for a moment); a reinforcement team not yet called in
#: (``STANDBY``).
HOME, RETURNING, BUSY, HOMEWARD, DIVERTED, STANDBY = 0, 1, 2, 3, 4, 5
#: Capability name -> index into :data:`~sim.facilities.CAPABILITIES`.
CAP_INDEX = {c: k for k, c in enumerate(CAPABILITIES)}


def draws(
    dist: Distribution,
    rng: np.random.Generator | Callable[[], np.random.Generator],
    block: int = 64,
) -> Iterator[float]:
    """Endless draws from one distribution and one generator, buffered in blocks.

    ``next()`` on the result is a C-level call, so a draw costs no numpy call.
    ``rng`` may also be a function that makes the generator, called at the
    first draw (a team never sent out then never makes one).
    """
    if isinstance(dist, Fixed):
        return itertools.repeat(float(dist.value))
    make = rng if callable(rng) else lambda: rng
    made: list[np.random.Generator] = []

    def sample(_: None) -> list[float]:
        if not made:  # once per stream, not per draw: a block holds 64
            made.append(make())
        return dist.sample(made[0], block).tolist()

    # Blocks made lazily, one after the other, and chained in C: a draw resumes no Python
    # generator frame (a third of a microsecond each, several per incident).
    return itertools.chain.from_iterable(map(sample, itertools.repeat(None)))


def team_streams(root: np.random.Generator, n: int) -> list[tuple[Callable, Callable]]:
    """Makers of each team's turnout and resupply generators, called only when needed.

    Each makes the generator ``root.spawn(n)[t].spawn(2)[j]`` would (the same
    seed sequence: the root's entropy, pool size and spawn key, then ``t``,
    then ``j``), without spawning a generator per team up front: 440 teams
    on the built-in city cost 16 ms of spawning at every run's start.
    ``root`` must not be spawned from afterwards (its count of children is
    not advanced).
    """
    bits = root.bit_generator
    seq = bits.seed_seq
    kind = type(bits)
    first = seq.n_children_spawned

    def maker(t: int, j: int) -> Callable[[], np.random.Generator]:
        key = (*seq.spawn_key, first + t, j)
        return lambda: np.random.Generator(
            kind(type(seq)(seq.entropy, spawn_key=key, pool_size=seq.pool_size))
        )

    return [(maker(t, 0), maker(t, 1)) for t in range(n)]


class Fleet:
    """The teams of a run: who they are, where they are free, and the nearest free one.

    A part of :class:`sim.engine.Engine`, which calls :meth:`_init_fleet` and
    sets ``env`` (the SimPy environment) and ``tables`` (the current
    :class:`~sim.travel.TravelTables`) that :meth:`nearest` reads. Dispatch,
    clearing and the road states move teams between the lists kept here.
    """

    capabilities = CAPABILITIES

    def _init_fleet(self, stations: Sequence[Station], rng: np.random.Generator) -> None:
        """Flatten the stations' teams; one child generator per team (turnout, resupply)."""
        areas = sorted({s.area for s in stations})
        area_index = {a: k for k, a in enumerate(areas)}
        self.area_names = areas
        self.station_nodes = np.array([s.node for s in stations], dtype=np.int64)
        self.station_nodes_list = self.station_nodes.tolist()
        self.team_station: list[int] = []
        self.team_cap: list[int] = []
        self.team_size: list[int] = []
        self.team_area: list[int] = []
        self.team_turnout: list[Iterator[float]] = []
        self.team_resupply: list[Iterator[float] | None] = []
        specs = [(si, ts) for si, s in enumerate(stations) for ts in s.teams]
        n_teams = sum(ts.count for _, ts in specs)
        streams = team_streams(rng, n_teams)
        self.free_home: list[list[list[int]]] = [[[] for _ in CAPABILITIES] for _ in stations]
        for si, ts in specs:
            for _copy in range(ts.count):
                t = len(self.team_station)
                self.team_station.append(si)
                self.team_cap.append(CAP_INDEX[ts.capability])
                self.team_size.append(ts.size)
                self.team_area.append(area_index[stations[si].area])
                turnout_rng, resupply_rng = streams[t]
                self.team_turnout.append(draws(ts.turnout, turnout_rng))
                no_resupply = isinstance(ts.resupply, Fixed) and ts.resupply.value == 0
                self.team_resupply.append(None if no_resupply else draws(ts.resupply, resupply_rng))
                self.free_home[si][self.team_cap[t]].insert(0, t)  # pop() takes the first listed
        self.n_teams = n_teams
        self.status = [HOME] * n_teams
        self.total_cap = [0] * len(CAPABILITIES)
        for c in self.team_cap:
            self.total_cap[c] += 1
        self.n_free = list(self.total_cap)
        self.free_area = [[0] * len(CAPABILITIES) for _ in areas]
        for t in range(n_teams):
            self.free_area[self.team_area[t]][self.team_cap[t]] += 1
        self.area_total = [list(row) for row in self.free_area]
        # What the region has without outside help (a reinforcement's teams stand by).
        self.local_cap = list(self.total_cap)
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
                    self.status[team] = HOME
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
                # A travel matrix need not keep the inequality: no bound then.
                lb = 0.0
                via = float(tt[h, scene]) if tb.bounds else _INF
                if via < _INF:
                    lb = float(tt[h, node]) - via
                via = float(tt_back[h, node]) if tb.bounds else _INF
                if via < _INF:
                    lb = max(lb, float(tt_back[h, scene]) - via)
                if lb + ahead >= best_t:
                    continue
                # Only a scene nearer than the best so far matters: search no farther
                # (a margin above float32 rounding keeps the answer of a full search).
                reach = max(best_t - ahead, 0.0) * 1.000001 + 1e-3
                t = ahead + tb.scene_row(scene, reach)[node]
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

    def area_of(self, team: int) -> str:
        """The area ``team``'s station serves."""
        return self.area_names[self.team_area[team]]
