"""The records of a run: the engine's lists turned into columnar tables.

After the run, :meth:`Recording._records` gathers the per-incident and
per-dispatch lists, the supply rows and the stock into a
:class:`~sim.records.RunRecords` (columns in :mod:`sim.records`), and says
why each incident left unserved was (:meth:`Recording._unserved_reason`).
Times after the end of the run are masked to ``nan``: an incident's times (a
served incident still being worked at the end has no ``under_control`` or
``cleared``) and its teams' ``released``. A dispatch row keeps the ``arrival``,
``returned`` and ``available`` its team was on its way to at the end (after the
end: its drive home from the last incident of a run without horizon, too), and
has ``nan`` there when the team never gets home, cut off by a road still closed.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from scenarios.export import disruption_table
from sim.facilities import CAPABILITIES
from sim.records import RunRecords


class Recording:
    """Turns the engine's lists into :class:`~sim.records.RunRecords` at the end of a run.

    A part of :class:`sim.engine.Engine`; it reads every other part's lists
    and changes none of them. Route metres come from
    :meth:`sim.roads.RoadStates._distances`.
    """

    def _unserved_reason(self, i: int) -> str:
        """Why incident ``i`` was not served: unreachable, past the horizon, or stalled."""
        node = self.s_node[i]
        for cap in range(len(CAPABILITIES)):
            if self.waiting[cap].get(i) and (
                not self._roads_now().order(cap, node)  # the roads at the end of the run
                or (self.n_free[cap] and self.nearest(node, cap) is None)
            ):
                return "unreachable"  # no station, or no free team, can get there
        return "horizon" if self.horizon is not None else "stalled"

    def _records(self, end: float) -> RunRecords:
        """The run's records, with times after ``end`` masked."""
        st = self.stream
        n = len(st)
        f64 = np.float64

        def masked(values: list[float]) -> np.ndarray:
            a = np.asarray(values, dtype=f64)
            a[a > end] = np.nan
            return a

        def never(values: list[float]) -> np.ndarray:
            # A team cut off at a scene by a road still closed at the end never gets home.
            a = np.asarray(values, dtype=f64)
            a[a == math.inf] = np.nan
            return a

        call_taken = masked(self.call_taken) if n else np.zeros(0)
        on_scene = masked(self.on_scene)
        # Per-requirement facts gathered by each incident's requirement, in numpy.
        s_req = np.asarray(self.s_req, dtype=np.int64)  # an incident may call in reinforcement
        needed = np.asarray(self.req_total, dtype=np.int64)[s_req]
        reason = list(self.reason)
        marked = np.asarray(reason, dtype=str) != ""
        ok = np.asarray(self.req_ok, dtype=bool)[s_req]
        served = ~marked & np.where((needed == 0) & ok, ~np.isnan(call_taken), ~np.isnan(on_scene))
        for i in np.flatnonzero(~marked & ~served).tolist():
            reason[i] = self._unserved_reason(i)
        # A served incident still being worked at the end was not under control (or cleared)
        # within the run, as its dispatch rows' releases say.
        control = masked(self.under_control)
        cleared = masked(self.cleared)
        # Teams are released when the work is done, even at an incident left unserved (its
        # full complement due after the horizon): the release stays in its dispatch rows.
        rel = cleared.copy()
        control[~served] = np.nan
        cleared[~served] = np.nan
        d_team = np.asarray(self.d_team, dtype=np.int64)
        # One C-level pass over the row tuples; ints and bools are exact in float64.
        flat = itertools.chain.from_iterable(self.d_fixed)
        cols = np.fromiter(flat, dtype=f64, count=9 * len(self.d_fixed)).reshape(-1, 9).T
        d_inc = cols[0].astype(np.int64)
        d_arr = cols[4].copy()
        d_travel = cols[3].copy()
        d_from = cols[5].astype(np.int64)
        d_scene = cols[6].astype(bool)
        d_version = cols[7].astype(np.int64)
        # Teams keep the station they were built at; a moved team's dispatches, its post then.
        team_station = np.asarray(self.team_base, dtype=np.int64)
        team_cap = np.asarray([CAPABILITIES[c] for c in self.team_cap], dtype=str)
        d_station = team_station[d_team] if d_team.size else np.zeros(0, np.int64)
        if self.mv_rows and d_team.size:
            d_station = self._post_at_rows(d_team)
        d_mutual = d_travel * 60.0 > self.targets.arrival * 60.0  # seconds
        d_dist = self._distances(d_station, d_from, d_inc, d_version, cols[8])
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
            "teams_short": np.asarray(self.req_short, dtype=np.int64)[s_req],
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
            "released": np.where(d_div, div_time, rel[d_inc]) if d_inc.size else np.zeros(0),
            "returned": never(self.d_ret),
            "available": never(self.d_avail),
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
            moves=self._move_table(end) if self.record_moves or self.mv_rows else None,
            # The roads the incidents met, so that they replay with them (yingji replay).
            disruptions=disruption_table(st) if st.disruptions else None,
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
                # SimPy events scheduled in the run (each call set to be taken drew an event
                # id too, for its place among them, without being one).
                "events": next(self.env._eid) - self._next - (self._arrival < math.inf),
                "reinforcement": None
                if self.reinforcement is None
                else {
                    **self.reinforcement.to_dict(),
                    "called_min": None if math.isnan(self.called_at) else self.called_at,
                    "arrived_min": None if math.isnan(self.reinforced_at) else self.reinforced_at,
                },
            },
        )
