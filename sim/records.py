"""Columnar records of one run: incidents, dispatches, supply movements, stock-outs.

Every table is a dict of equal-length numpy arrays. Times are minutes from
the run's start; ``nan`` means "did not happen (within the run)".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Columns of :attr:`RunRecords.incidents`.
INCIDENT_COLUMNS = (
    "id", "call", "call_taken", "first_dispatch", "first_arrival", "on_scene",
    "under_control", "cleared", "hazard", "grade", "node", "requirement", "teams_needed",
    "teams_short", "teams_sent", "mutual_aid", "supply_short", "served", "reason",
)  # fmt: skip
#: Columns of :attr:`RunRecords.dispatches`.
DISPATCH_COLUMNS = (
    "incident", "team", "station", "capability", "dispatched", "turnout", "travel",
    "distance_m", "arrival", "released", "returned", "available", "from_node", "from_scene",
    "mutual_aid", "diverted",
)  # fmt: skip
#: Columns of :attr:`RunRecords.supplies`.
SUPPLY_COLUMNS = ("time", "arrive", "kind", "item", "quantity", "source", "target", "incident")
#: Columns of :attr:`RunRecords.stockouts`.
STOCKOUT_COLUMNS = ("time", "depot", "tier", "item", "short", "kind", "incident")


@dataclass(eq=False)
class RunRecords:
    """What happened in one run.

    Attributes
    ----------
    incidents
        One row per stream incident (row = incident id). ``call`` -> ``call_taken``
        -> ``first_dispatch`` -> ``first_arrival`` -> ``on_scene`` (full complement)
        -> ``under_control`` -> ``cleared``; ``served`` is true when the full
        complement was on scene by the end of the run (or the incident cleared
        with fewer, its work done before the rest was needed), otherwise ``reason``
        says why not (``no_capability``: a required capability exists nowhere;
        ``after_horizon``; ``horizon``: still short at the end; ``unreachable``:
        roads cut; ``stalled``: nothing left to happen). ``teams_needed`` is the
        complement asked for, capped at what the region has (``teams_short`` is
        the excess).
    dispatches
        One row per team sent: ``travel`` minutes (with noise), ``distance_m``
        along the fastest route, ``released`` (incident cleared), ``returned``
        (home, or re-dispatched on the way), ``available`` (after resupply),
        ``from_scene`` (re-dispatched on the way back from an earlier scene),
        ``mutual_aid`` (travel beyond the arrival target), ``diverted`` (taken
        from an incident still short of its complement by a more urgent one;
        ``released`` is then the time of diversion).
    supplies
        One row per movement: ``kind`` ``issue`` (depot -> incident) or
        ``transfer`` (parent -> child replenishment) or ``preposition`` (a
        warning plan's push-down, :mod:`sim.prepositioning`); ``source``/``target`` are
        depot rows (``-1`` for the incident).
    stockouts
        One row per request a depot could not fill in full: ``kind`` ``issue``
        (the shortfall escalates to the parent) or ``replenish``.
    teams
        One row per team: ``station``, ``capability``, ``size``.
    stations, depots
        Names, tiers, areas and nodes of the facilities (``depots`` also
        ``initial`` and ``final`` stock per item, in :attr:`stock`).
    stock
        ``{"items": [...], "initial": (n_depots, n_items), "final": ..., "in_transit": ...}``.
    start, end
        Run window in minutes (``end`` is the horizon, or the last event).
    meta
        Policy, seeds, options; JSON-ready.
    reports
        With the reporting chain (:mod:`sim.reporting`): one row per report.
    duty
        With duty desks (:mod:`sim.duty`): officer-minutes on calls and on
        reports per desk and hour.
    scene
        With duty desks: per incident, its receiving desk, the call's wait,
        live video from the scene, and the changes and missed follow-ups.
    people
        With people at the scene (:mod:`sim.people`): per incident with anyone
        trapped, injured or to evacuate, who was rescued alive, who died
        waiting and because of the delay, care and evacuation.
    shelters
        With people at the scene: per shelter, its capacity and who it took.
    moves
        With move-up or pre-positioning (:mod:`sim.relocate`): one row per free
        team moved to another station (``team``, ``capability``,
        ``from_station``, ``to_station``, ``depart``, ``arrive``, ``reason``,
        and ``dispatched``: when it was sent to an incident before arriving).
        A moved team's dispatch rows name the station that was its post then.
    coverage
        With move-up (:mod:`sim.moveup_records`): per capability, the share of
        its demand within reach of a free team at a station, from the start
        and after every change (``time``, ``capability``, ``free_at_posts``,
        ``share``).
    warnings
        With a warning plan (:mod:`sim.prepositioning`): one row per warning of
        the stream, its level, issue, hazard window, stand-down, and what its
        plan did (teams staged, stock pushed down, officers added, and when).
    warned
        With a warning plan: the incidents called in a warned area from its
        hazard's start until the stand-down (``incident``, ``warning``), the
        same whatever the lead time (the ``warning_*`` metrics are over them).
    disruptions
        When the stream closed or slowed roads: its schedule, in the columns
        ``yingji scenario sample`` writes and ``yingji replay --disruptions``
        reads (:data:`scenarios.export.DISRUPTION_COLUMNS`; ``incident`` is the
        ``id`` of the incident that brought it, ``-1`` for none), so that the
        run's ``incidents`` replay with the roads they met.
    """

    incidents: dict[str, np.ndarray]
    dispatches: dict[str, np.ndarray]
    supplies: dict[str, np.ndarray]
    stockouts: dict[str, np.ndarray]
    teams: dict[str, np.ndarray]
    stations: dict[str, np.ndarray]
    depots: dict[str, np.ndarray]
    stock: dict[str, Any]
    start: float
    end: float
    meta: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, np.ndarray] | None = None
    duty: dict[str, np.ndarray] | None = None
    scene: dict[str, np.ndarray] | None = None
    people: dict[str, np.ndarray] | None = None
    shelters: dict[str, np.ndarray] | None = None
    moves: dict[str, np.ndarray] | None = None
    warnings: dict[str, np.ndarray] | None = None
    warned: dict[str, np.ndarray] | None = None
    coverage: dict[str, np.ndarray] | None = None
    disruptions: dict[str, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.incidents["id"])

    def tables(self) -> dict[str, dict[str, np.ndarray]]:
        """The row tables by name (for CSV or DataFrame export)."""
        return {
            "incidents": self.incidents,
            "dispatches": self.dispatches,
            "supplies": self.supplies,
            "stockouts": self.stockouts,
            "teams": self.teams,
            "stations": self.stations,
            "depots": self.depots,
            **{k: v for k, v in (("reports", self.reports), ("duty", self.duty),
                                 ("scene", self.scene), ("people", self.people),
                                 ("shelters", self.shelters), ("moves", self.moves),
                                 ("warnings", self.warnings), ("warned", self.warned),
                                 ("coverage", self.coverage), ("disruptions", self.disruptions))
               if v is not None},
        }  # fmt: skip

    def to_frames(self, *, network: Any = None, start: Any = None) -> dict[str, Any]:
        """The tables as pandas DataFrames (pandas imported lazily).

        Parameters
        ----------
        network
            The road network the run was on: rows naming a node gain its ``lon``
            and ``lat`` (dispatches: ``from_lon``/``from_lat`` and the scene's).
        start
            When the run began (datetime or ISO text): every time column ``t``
            gains ``t_at``, a timestamp. ``None``: ``meta["start"]`` if the run
            recorded one; else the times stay minutes from the start.

        Returns
        -------
        dict
            Table name -> DataFrame (see :func:`sim.frames.record_frames`).
        """
        from sim.frames import record_frames

        return record_frames(self, network=network, start=start)

    def equals(self, other: RunRecords) -> bool:
        """Whether two runs recorded exactly the same rows (nan equal to nan)."""
        a, b = self.tables(), other.tables()
        if a.keys() != b.keys():
            return False
        for name, tab in a.items():
            if tab.keys() != b[name].keys():
                return False
            for col, x in tab.items():
                y = b[name][col]
                if x.dtype != y.dtype or x.shape != y.shape:
                    return False
                if x.dtype.kind == "f":
                    if not np.array_equal(x, y, equal_nan=True):
                        return False
                elif not np.array_equal(x, y):
                    return False
        return all(
            np.array_equal(self.stock[k], other.stock[k])
            for k in ("initial", "final", "in_transit")
        )

    def team_state(self, team: int, t: float) -> str:
        """State of a team at time ``t``, derived from the dispatch rows.

        One of ``available``, ``en_route``, ``on_scene``, ``returning``,
        ``resupplying``, or ``standby`` (a reinforcement team before it arrives).
        """
        reinf = self.meta.get("reinforcement")
        if (
            reinf is not None
            and self.stations["name"][self.teams["station"][team]] == reinf["name"]
        ):
            arrived = reinf["arrived_min"]
            if arrived is None or t < arrived:
                return "standby"
        d = self.dispatches
        rows = np.flatnonzero(d["team"] == team)
        for r in rows[::-1]:
            if d["dispatched"][r] <= t:
                if t < d["arrival"][r]:
                    return "en_route"
                rel = d["released"][r]
                if np.isnan(rel) or t < rel:
                    return "on_scene"
                ret = d["returned"][r]
                if np.isnan(ret) or t < ret:  # nan: cut off at the scene, not home in the run
                    return "returning"
                if t < d["available"][r]:
                    return "resupplying"
                return "available"
        return "available"
