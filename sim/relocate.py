"""Moving a free team to another station as its new post (move-up, pre-positioning).

A move is modelled like a return trip to a new home (see :mod:`sim.fleet`):
the team leaves its station at once (no turnout: it is not answering a call),
its post (``team_station``) becomes the new station as it leaves, and it
stays dispatchable on the way, taken to be at its old station for the first
half of the drive and at the new one afterwards (status ``RETURNING``, with
the old station's node as the "scene" it is leaving). Sent to an incident on
the way, or later, it goes back to its new post afterwards.

The drive takes the current road state's travel time between the two
stations, without travel noise: a planned move on known roads, and drawing no
noise keeps every other draw of the run as it was. A move to a station that
cannot be reached is not made. Every move is a row of the ``moves`` table
(:meth:`Relocation._move_table`); dispatch rows record the post a team had when
it was sent, and ``teams.station`` stays the station a team was built at.

Call :meth:`Relocation._relocate` from an event callback during the run (the
travel tables exist from the run's start). A feature that may move teams sets
``self.record_moves = True`` when it is on, so that every replication has a
``moves`` table even if nobody moved.
"""

from __future__ import annotations

import math
from itertools import chain

import numpy as np

from sim.facilities import CAPABILITIES
from sim.fleet import HOME, RETURNING

_INF = math.inf
#: Why a team moves: a move-up policy (:mod:`sim.moveup`), or a warning's pre-positioning.
REASONS = ("move_up", "warning")
#: Columns of the ``moves`` table.
MOVE_COLUMNS = ("team", "capability", "from_station", "to_station", "depart", "arrive", "reason",
                "dispatched")  # fmt: skip


class Relocation:
    """Free teams moved between stations during a run.

    A part of :class:`sim.engine.Engine`: :meth:`_init_relocation` runs after
    :meth:`sim.fleet.Fleet._init_fleet`. It keeps the fleet's counters
    (``free_home``, ``returning``, ``home_at``, the area counts and the
    stations holding each capability) consistent with the new posts.
    """

    def _init_relocation(self) -> None:
        """No moves yet; every team at the station it was built at."""
        self.team_base = list(self.team_station)
        #: Whether the records get a ``moves`` table even if no team moved (set by a
        #: feature that may move teams, so every replication has the same tables).
        self.record_moves = False
        # Per move: team, from, to, depart, arrive, reason (index into REASONS), and the
        # number of dispatch rows made before it (rows from there on were sent from the new
        # post). Numbers only: the table is made from them in one conversion.
        self.mv_rows: list[tuple[int, int, int, float, float, int, int]] = []
        # The stations holding each capability, and each station's area (index).
        self._cap_sets = [set(c.tolist()) for c in self.cap_stations]
        self._station_area = [self.area_names.index(s.area) for s in self.stations]

    def _settle(self, cap: int) -> None:
        """Teams of ``cap`` whose return (or move) is over are free at their post again.

        The same bookkeeping :meth:`sim.fleet.Fleet.nearest` does lazily, done
        now so that a policy sees who is at home.
        """
        now = self.env._now
        ret = self.returning[cap]
        if not ret or now < self.home_at[cap]:
            return
        ret_end, status, free = self.ret_end, self.status, self.free_home
        station = self.team_station
        keep = []
        soonest = _INF
        for team in ret:
            end = ret_end[team]
            if now >= end:
                status[team] = HOME
                free[station[team]][cap].append(team)
            else:
                keep.append(team)
                if end < soonest:
                    soonest = end
        self.returning[cap] = keep
        self.home_at[cap] = soonest

    def _relocate(self, team: int, station: int, reason: str) -> float:
        """Move a team free at its post (status HOME) to ``station`` as its new post, leaving now.

        Returns its arrival time (minutes). reason: "move_up" or "warning".

        Parameters
        ----------
        team
            Team id; it must be free at its station (``HOME``).
        station
            Index of the station that becomes its post.
        reason
            ``"move_up"`` or ``"warning"`` (recorded in the ``moves`` table).

        Returns
        -------
        float
            When it arrives (minutes); ``now`` if ``station`` is already its post
            (no move, no row); ``inf`` if the station cannot be reached by road now
            (no move is made).

        Raises
        ------
        ValueError
            If the team is not free at its station, the station does not exist,
            or the reason is not one of :data:`REASONS`.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown move reason {reason!r}")
        why = REASONS.index(reason)
        if not 0 <= station < len(self.stations):
            raise ValueError(f"no station {station}")
        if self.status[team] == RETURNING:  # its return may be over (settled lazily)
            self._settle(self.team_cap[team])
        if self.status[team] != HOME:
            raise ValueError(f"team {team} is not free at its station")
        if station == self.team_station[team]:
            return self.env._now
        arrive = self._relocate_home(team, station, why)
        last = getattr(self, "_mu_last", None)  # move-up's clock of each team's last move
        if reason == "warning" and last is not None and arrive < _INF:
            # A staged team is the warning plan's until it stands down: move-up leaves it
            # at its staging post (its last move never ends) and plans without it (see
            # MoveUp._placement_now); home again, it may move it.
            staged = self._mu_staged[self.team_cap[team]]
            if station != self.team_base[team]:
                last[team] = _INF
                staged.add(team)
            else:
                last[team] = self.env._now
                staged.discard(team)
        return arrive

    def _relocate_home(
        self, team: int, station: int, reason: int, minutes: float | None = None
    ) -> float:
        """:meth:`_relocate` without its checks (move-up's moves, many per incident).

        ``team`` must be free at its post (in its ``free_home`` list), ``station``
        another station and ``reason`` an index into :data:`REASONS`; ``minutes``, if
        given, the drive in the current road state (``tt / 60``, as worked out
        here otherwise). Returns as :meth:`_relocate` does.
        """
        now = self.env._now
        old = self.team_station[team]
        if minutes is None:
            minutes = float(self.tables.tt[old, self.station_nodes_list[station]]) / 60.0
        if not minutes < _INF:
            return _INF
        cap = self.team_cap[team]
        lst = self.free_home[old][cap]
        if lst and lst[-1] == team:
            lst.pop()
        else:
            lst.remove(team)
        if station not in self._cap_sets[cap]:
            self._hold_capability(cap, station)
        new_area = self._station_area[station]
        old_area = self.team_area[team]
        if new_area != old_area:  # counted in the new station's area from now on
            self.free_area[old_area][cap] -= 1
            self.area_total[old_area][cap] -= 1
            self.free_area[new_area][cap] += 1
            self.area_total[new_area][cap] += 1
            self.team_area[team] = new_area
        self.team_station[team] = station
        arrive = now + minutes
        if arrive <= now:  # same node: at the new post at once
            self.free_home[station][cap].append(team)
        else:
            self.status[team] = RETURNING
            self.ret_start[team] = now
            self.ret_end[team] = arrive
            self.ret_scene[team] = self.station_nodes_list[old]
            # No dispatch row to close if it is sent on the way (see Dispatch._assign).
            self.last_row[team] = -1
            self.returning[cap].append(team)
            if arrive < self.home_at[cap]:
                self.home_at[cap] = arrive
        self.mv_rows.append((team, old, station, now, arrive, reason, len(self.d_team)))
        return arrive

    def _free_at(self, station: int, cap: int) -> list[int]:
        """Teams of ``cap`` free at ``station`` now (a copy; settled first)."""
        self._settle(cap)
        return list(self.free_home[station][cap])

    # ------------------------------------------------------------ counters
    def _hold_capability(self, cap: int, station: int) -> None:
        """``station`` now holds teams of ``cap``: dispatch orders must walk past it.

        A station that loses its last team of a capability stays listed (its
        free list is empty, so dispatch skips it); one that gains its first
        one is added, and the travel tables are taken again for the new layout
        (dispatch orders are per layout, worked out as they are needed).
        """
        self._cap_sets[cap].add(station)
        cs = list(self.cap_stations)
        cs[cap] = np.asarray(sorted(self._cap_sets[cap]), dtype=np.int64)
        self.cap_stations = cs
        travel = getattr(self, "_travel", None)
        if travel is None:  # before the run: the tables are made with this layout
            return
        travel.cap_stations = cs
        travel.layout = (travel.layout[0], tuple(c.tobytes() for c in cs), travel.layout[2])
        travel._views.clear()
        self.tables = travel.at(self.tables.state)

    # ------------------------------------------------------------ records
    def _move_columns(self) -> tuple[np.ndarray, ...]:
        """``mv_rows`` as columns: team, from, to, depart, arrive, reason, rows made before."""
        rows = self.mv_rows
        hit = getattr(self, "_mv_cols", None)
        if hit is not None and hit[0] == len(rows):  # asked for by each table made at the end
            return hit[1]
        # One C-level pass over the number tuples (the integers are exact in float64).
        flat = np.fromiter(chain.from_iterable(rows), np.float64, count=7 * len(rows))
        c = flat.reshape(len(rows), 7).T
        i64 = np.int64
        cols = (c[0].astype(i64), c[1].astype(i64), c[2].astype(i64), c[3].copy(), c[4].copy(),
                c[5].astype(i64), c[6].astype(i64))  # fmt: skip
        self._mv_cols = (len(rows), cols)
        return cols

    def _post_at_rows(self, d_team: np.ndarray) -> np.ndarray:
        """The post each dispatch row's team had when it was sent."""
        post = np.asarray(self.team_base, dtype=np.int64)[d_team]
        if not self.mv_rows or not d_team.size:
            return post
        m_team, _old, m_to, _d, _a, _r, m_seq = self._move_columns()
        # A row's post is the station of its team's last move made before it (a move made
        # with ``seq`` rows recorded comes before row ``seq``): one sorted search on
        # (team, row) keys, ties kept in the order the moves were made.
        span = d_team.size + 1
        order = np.argsort(m_team * span + m_seq, kind="stable")
        m_key = (m_team * span + m_seq)[order]
        j = np.searchsorted(m_key, d_team * span + np.arange(d_team.size), side="right") - 1
        hit = j >= 0
        hit[hit] = m_team[order][j[hit]] == d_team[hit]
        post[hit] = m_to[order][j[hit]]
        return post

    def _move_table(self, end: float) -> dict[str, np.ndarray]:
        """The ``moves`` table: one row per move, in the order they were made.

        ``arrive`` is when the drive would end (``nan`` if after the end of the
        run); ``dispatched`` is when the team was sent to an incident before
        arriving (``nan`` if it arrived first).
        """
        team, old, new, depart, arrive, reason, seq = self._move_columns()
        # The first dispatch row of the moved team made after the move (if any).
        cut = np.full(team.size, np.nan)
        if team.size and self.d_team:
            d_team = np.asarray(self.d_team, dtype=np.int64)
            span = d_team.size + 1
            d_key = np.sort(d_team * span + np.arange(d_team.size))
            j = np.searchsorted(d_key, team * span + seq, side="left")
            hit = j < d_key.size
            hit[hit] = d_key[j[hit]] // span == team[hit]
            rows = (d_key[j[hit]] % span).tolist()
            d_fixed = self.d_fixed
            sent = np.asarray([d_fixed[r][1] for r in rows], dtype=np.float64)
            cut[hit] = np.where(sent < arrive[hit], sent, np.nan)
        arrive_col = arrive.copy()
        arrive_col[arrive_col > end] = np.nan
        return {
            "team": team,
            "capability": _names(CAPABILITIES, np.asarray(self.team_cap, np.int64)[team]),
            "from_station": old,
            "to_station": new,
            "depart": depart,
            "arrive": arrive_col,
            "reason": _names(REASONS, reason),
            "dispatched": cut,
        }


def _names(names: tuple[str, ...], index: np.ndarray) -> np.ndarray:
    """``names[index]`` as a string column as wide as its longest entry (as ``np.asarray``)."""
    if not index.size:
        return np.zeros(0, dtype=str)
    present = np.flatnonzero(np.bincount(index, minlength=len(names)))
    width = max(len(names[k]) for k in present.tolist())
    return np.asarray(names)[index].astype(f"<U{width}")
