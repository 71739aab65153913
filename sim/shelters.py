"""Evacuation to shelters (转移安置): who goes where, when they get there, who finds no room.

Once the first team is on scene, the people an incident must evacuate are
taken to shelters (应急避难场所), nearest first by road from the scene; a
shelter that is full sends the rest on to the next nearest, and people for
whom no shelter within reach has room are the incident's overflow. Nobody
leaves a shelter within the run, so its capacity holds for the whole run,
and incidents take their places in the order their evacuation starts (ties:
incident id).

Moving them takes time: ``vehicles`` vehicles (each team sent brings its
own) carry ``batch`` people a trip, each trip costing ``load_min`` to load and
unload plus the drive there and back, so the last evacuee arrives, after the
start, at::

    (rounds - 1) * (load + 2 * drive) + load + drive,
    rounds = ceil(ceil(moved / batch) / vehicles)

with ``drive`` the farthest shelter the incident uses (minutes, on the roads
as they were at the start of the run).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from networks.roadnet import RoadNetwork
from sim.people_spec import Shelter

__all__ = ["SHELTER_COLUMNS", "evacuate", "trip_minutes"]

#: Columns of the ``shelters`` table.
SHELTER_COLUMNS = ("name", "node", "capacity", "sheltered", "incidents", "full_at")


def trip_minutes(
    moved: np.ndarray | int,
    drive: np.ndarray | float,
    *,
    batch: int,
    vehicles: np.ndarray | int,
    load: float,
) -> np.ndarray:
    """Minutes from the start of an evacuation until its last evacuee is at the shelter.

    Parameters
    ----------
    moved
        People moved (``> 0``).
    drive
        One-way drive to the farthest shelter used, minutes.
    batch, vehicles, load
        People per trip, vehicles shuttling (``>= 1``), minutes to load and unload a trip.

    Returns
    -------
    numpy.ndarray
        Minutes, of the broadcast shape of the arguments.
    """
    rounds = np.ceil(np.ceil(np.asarray(moved) / batch) / np.asarray(vehicles))
    drive = np.asarray(drive, dtype=np.float64)
    return (rounds - 1) * (load + 2.0 * drive) + load + drive


def evacuate(
    evacuated: np.ndarray,
    start: np.ndarray,
    nodes: np.ndarray,
    shelters: Sequence[Shelter],
    *,
    network: RoadNetwork,
    end: float,
    batch: int,
    vehicles: np.ndarray,
    load: float,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Move every incident's evacuees to the nearest shelters with room.

    Parameters
    ----------
    evacuated
        People to evacuate per incident.
    start
        When each incident's evacuation starts (the first team on scene; ``nan``:
        never within the run).
    nodes
        Scene node per incident.
    shelters
        The shelters.
    network
        Roads (the state the run started in).
    end
        End of the run: evacuations starting later do not start.
    batch, load
        See :func:`trip_minutes`.
    vehicles
        Vehicles shuttling per incident (at least 1 is used where anyone is moved).

    Returns
    -------
    per_incident, table
        ``per_incident``: ``sheltered``, ``shelter_overflow``, ``not_moved`` (people)
        and ``arrived`` (when the last evacuee reached a shelter, ``nan`` if none
        did) per incident; ``table``: the ``shelters`` table (:data:`SHELTER_COLUMNS`).
    """
    n, m = len(evacuated), len(shelters)
    evacuated = np.asarray(evacuated, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        going = (evacuated > 0) & (start <= end)
    todo = np.flatnonzero(going)
    todo = todo[np.argsort(start[todo], kind="stable")]
    room = np.asarray([s.capacity for s in shelters], dtype=np.int64)
    fill = _Filling(room, len(todo))
    if todo.size and m:
        at = np.asarray([s.node for s in shelters], dtype=np.int64)
        # Minutes from each scene to each shelter (travel_times: seconds, cached per state).
        minutes = network.travel_times(at, reverse=True)[:, nodes[todo]].T.astype(np.float64) / 60
        fill.run(minutes, evacuated[todo], start[todo], batch=batch,
                 vehicles=np.maximum(np.asarray(vehicles)[todo], 1), load=load)  # fmt: skip
    else:  # no shelter at all: everyone who set out overflows
        fill.overflow[:] = evacuated[todo]
    sheltered = np.zeros(n, np.int64)
    overflow = np.zeros(n, np.int64)
    arrived = np.full(n, np.nan)
    sheltered[todo], overflow[todo], arrived[todo] = fill.sheltered, fill.overflow, fill.arrived
    table = {
        "name": np.asarray([s.name for s in shelters], dtype=str),
        "node": np.asarray([s.node for s in shelters], dtype=np.int64),
        "capacity": room,
        "sheltered": fill.taken,
        "incidents": fill.served,
        "full_at": fill.full_at,
    }
    per = {
        "sheltered": sheltered,
        "shelter_overflow": overflow,
        "not_moved": np.where(going, 0, evacuated).astype(np.int64),
        "arrived": arrived,
    }
    return per, table


class _Filling:
    """The shelters filling up as evacuations start one after another.

    Until a shelter fills, every incident sends all its people to its nearest
    shelter with room, so the runs of incidents between two fillings are
    placed at once; only the incident that fills a shelter (and may spill over
    into the next nearest) is placed one shelter at a time.
    """

    def __init__(self, room: np.ndarray, k: int) -> None:
        m = len(room)
        self.room = room
        self.taken = np.zeros(m, np.int64)
        self.served = np.zeros(m, np.int64)
        self.full_at = np.full(m, np.nan)
        self.filled_by = np.full(m, -1, np.int64)
        self.sheltered = np.zeros(k, np.int64)
        self.overflow = np.zeros(k, np.int64)
        self.arrived = np.full(k, np.nan)

    def run(self, minutes: np.ndarray, need: np.ndarray, start: np.ndarray, *, batch: int,
            vehicles: np.ndarray, load: float) -> None:  # fmt: skip
        """Place incidents ``0..k-1`` (in the order they start): ``minutes`` is ``(k, m)``."""
        k, far = len(need), np.zeros(len(need))
        total = np.cumsum(need)
        i = 0
        while i < k:
            full = self.taken >= self.room
            left = int(np.sum(np.maximum(self.room - self.taken, 0)))
            if left == 0:  # every shelter is full: the rest overflow
                self.overflow[i:] = need[i:]
                break
            # Only incidents up to the one whose people outnumber the room left can fill one.
            w = min(int(np.searchsorted(total, total[i] - need[i] + left)) + 1, k)
            near_all = np.where(full[None, :], np.inf, minutes[i:w])
            near = np.argmin(near_all, axis=1)
            dist = near_all[np.arange(w - i), near]
            ok = np.isfinite(dist)
            # The first incident that would fill its shelter ends this run of incidents.
            stop = w - i
            for s in np.unique(near[ok]).tolist():
                mine = np.flatnonzero(ok & (near == s))
                hit = np.flatnonzero(np.cumsum(need[i + mine]) >= self.room[s] - self.taken[s])
                if hit.size:
                    stop = min(stop, int(mine[hit[0]]))
            run = np.arange(stop)
            put = run[ok[:stop]]
            self.sheltered[i + put] = need[i + put]
            far[i + put] = dist[put]
            np.add.at(self.taken, near[put], need[i + put])
            np.add.at(self.served, near[put], 1)
            self.overflow[i + run[~ok[:stop]]] = need[i + run[~ok[:stop]]]
            i += stop
            if i < k:  # this incident fills a shelter: one shelter at a time, nearest first
                far[i] = self._spill(i, minutes[i], int(need[i]))
                i += 1
        got = self.sheltered > 0
        self.arrived[got] = start[got] + trip_minutes(
            self.sheltered[got], far[got], batch=batch, vehicles=vehicles[got], load=load
        )
        # A shelter is full when the evacuees of the incident that filled it are in.
        filled = self.filled_by >= 0
        self.full_at[filled] = self.arrived[self.filled_by[filled]]

    def _spill(self, i: int, minutes: np.ndarray, need: int) -> float:
        """Place incident ``i`` shelter by shelter, nearest first; the farthest drive it uses."""
        far, left = 0.0, need
        for s in np.argsort(minutes, kind="stable").tolist():
            if left == 0 or not np.isfinite(minutes[s]):
                break
            put = min(left, int(self.room[s] - self.taken[s]))
            if put > 0:
                self.taken[s] += put
                self.served[s] += 1
                left -= put
                far = max(far, float(minutes[s]))
                if self.taken[s] >= self.room[s]:
                    self.filled_by[s] = i
        self.sheltered[i], self.overflow[i] = need - left, left
        return far
