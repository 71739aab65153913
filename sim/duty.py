"""Duty desks (值班): the officers who take the calls and write the reports, as capacity.

A desk is one level's duty room for one area: each township, each county, the
city. Its officers take the emergency calls of its area first, and write
reports in the time calls leave them (see :mod:`sim.reporting`). Calls queue
when every officer on duty is on a call, first come first served; the
officers on duty may change by shift (a day and a night watch).

A call is answered at the desk of the receiving level (``receiving``,
township by default) whose station of that tier is nearest to the scene in a
straight line (a stand-in for the administrative boundary, which a road
network does not carry); the same rule gives each incident its county and
city desk. A level with no station of its tier has one desk for the region.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.distributions import Distribution
from scenarios.distributions import from_dict as dist_from_dict
from scenarios.validate import Reader, check_int

#: The levels of government a report climbs, lowest first. Desks are modelled for
#: those with staffing; the province and the state only receive.
LEVELS = ("township", "county", "city", "province", "state")
#: Levels whose desks can be staffed in a region.
DESK_LEVELS = ("township", "county", "city")
#: Officers on duty per desk when a config does not say (a township's duty
#: officer, a county's and a city's duty room with one leader on watch).
DEFAULT_OFFICERS = {"township": 1, "county": 2, "city": 3}
#: Most officers on one desk.
MAX_OFFICERS = 100
_DAY = 1440.0


@dataclass(frozen=True)
class DeskStaff:
    """Officers on duty at each desk of one level, by shift.

    Attributes
    ----------
    shifts
        ``(start minute of the day, officers)`` pairs, sorted by start; the
        last shift runs on past midnight until the first begins. One pair means
        the same staffing all day.
    """

    shifts: tuple[tuple[float, int], ...] = ((0.0, 1),)

    def __post_init__(self) -> None:
        if not self.shifts or any(not 1 <= k <= MAX_OFFICERS for _, k in self.shifts):
            raise ValueError(_("a desk needs 1 to {n} officers per shift").format(n=MAX_OFFICERS))

    @property
    def most(self) -> int:
        """The most officers on duty at once."""
        return max(k for _, k in self.shifts)

    @property
    def constant(self) -> bool:
        """Whether the same officers are on duty all the time (one shift, no change)."""
        return len(self.shifts) == 1

    def on_duty(self, k: int, t: float, start_hour: float) -> float:
        """The first run minute at or after ``t`` when officer slot ``k`` is on duty."""
        return _on_duty(self, k, t, start_hour)

    def officers_at(self, minute_of_day: float) -> int:
        """Officers on duty at a minute of the day."""
        k = self.shifts[-1][1]
        for start, n in self.shifts:
            if start <= minute_of_day:
                k = n
        return k

    def changes(self, start_hour: float, end: float) -> list[tuple[float, int]]:
        """``(run minute, officers)`` at minute 0 and at every change of shift before ``end``."""
        off = start_hour * 60.0
        out = [(0.0, self.officers_at(off % _DAY))]
        if len(self.shifts) == 1:
            return out
        midnight = -(off % _DAY)
        while midnight < end:
            for start, n in self.shifts:
                t = midnight + start
                if 0.0 < t < end and n != out[-1][1]:
                    out.append((t, n))
            midnight += _DAY
        return out

    def to_dict(self) -> Any:
        """An officer count, or ``{"HH:MM" = officers}`` per shift."""
        if len(self.shifts) == 1:
            return self.shifts[0][1]
        return {f"{int(s) // 60:02d}:{int(s) % 60:02d}": k for s, k in self.shifts}


def _read_staff(r: Reader, level: str) -> DeskStaff:
    v = r.get("officers")
    if isinstance(v, Mapping):
        shifts = []
        for clock, k in v.items():
            try:
                hh, mm = str(clock).split(":")
                start = int(hh) * 60 + int(mm)
                if not (0 <= int(hh) < 24 and 0 <= int(mm) < 60):
                    raise ValueError
            except ValueError:
                raise r.error(
                    f"officers.{clock}", _('expected a clock time such as "08:00"')
                ) from None
            officers = check_int(
                k, lambda m, c=clock: r.error(f"officers.{c}", m), lo=1, hi=MAX_OFFICERS
            )
            if any(start == s for s, _k in shifts):
                raise r.error(f"officers.{clock}", _("two shifts start at this time"))
            shifts.append((float(start), officers))
        if not shifts:
            raise r.error("officers", _("expected at least one shift"))
        return DeskStaff(tuple(sorted(shifts)))
    return DeskStaff(((0.0, r.int("officers", lo=1, hi=MAX_OFFICERS)),))


@dataclass(frozen=True)
class DutyDesks:
    """The duty desks of a region: which level takes the calls, and the officers per level.

    Attributes
    ----------
    receiving
        The level whose desks take the emergency calls (``township``, ``county``
        or ``city``).
    staff
        Officers per desk, by level; every level from ``receiving`` up to the
        city has desks.
    start_hour
        Clock hour at minute 0 of the run (for the shifts).
    call_taking
        Minutes an officer takes to take a call; ``None`` keeps the run's
        (:func:`sim.model.run`'s ``call_taking``).
    """

    receiving: str = "township"
    staff: Mapping[str, DeskStaff] = field(
        default_factory=lambda: {k: DeskStaff(((0.0, n),)) for k, n in DEFAULT_OFFICERS.items()}
    )
    start_hour: float = 0.0
    call_taking: Distribution | None = None

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels with desks, lowest first."""
        return DESK_LEVELS[DESK_LEVELS.index(self.receiving) :]

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str = "duty"
    ) -> DutyDesks:
        """Validate a ``[duty]`` table.

        For example::

            receiving = "township"
            start_hour = 0
            call_taking = { dist = "lognormal", mean = 0.75, cv = 0.5 }
            township = { officers = 1 }
            county = { officers = { "08:00" = 3, "20:00" = 2 } }
        """
        r = Reader(data, source=source, key=key)
        DUTY.allow(r)
        receiving = DUTY.read(r, "receiving")
        staff = {k: DeskStaff(((0.0, n),)) for k, n in DEFAULT_OFFICERS.items()}
        for level in DESK_LEVELS:
            if r.has(level):
                t = r.table(level)
                DUTY_DESK.allow(t)
                staff[level] = _read_staff(t, level)
        call = r.get("call_taking", None)
        return cls(
            receiving=receiving,
            staff=staff,
            start_hour=DUTY.read(r, "start_hour"),
            call_taking=None
            if call is None
            else dist_from_dict(call, source=source, key=r.path("call_taking")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {"receiving": self.receiving, "start_hour": self.start_hour}
        for level in self.levels:
            out[level] = {"officers": self.staff[level].to_dict()}
        if self.call_taking is not None:
            out["call_taking"] = self.call_taking.to_dict()
        return out


#: The ``[duty]`` table of a run config (what :meth:`DutyDesks.from_dict` accepts).
DUTY = Section(
    "duty",
    "Duty desks",
    (
        Key("receiving", "string", "The level whose desks take the emergency calls.", "接警层级",
            default=DutyDesks.receiving, choices=DESK_LEVELS),
        Key("start_hour", "number", "Clock hour at minute 0 of the run (for the shifts).",
            default=DutyDesks.start_hour, lo=0, hi=24,
            default_text="0 (a replayed log of date-times: the clock hour of its minute 0)"),
        Key("call_taking", "distribution",
            "Minutes an officer takes to take a call.", "接警用时",
            default_text="the run's call-taking time"),
        Key("<level>", "table", "The desks of one level: { officers = N } or officers by shift.",
            "值班室", names=DESK_LEVELS),
    ),
    zh="值班值守",
    help="Duty desks: the officers who take the calls and write the reports, as capacity. "
    "Every level from receiving up to the city has desks.",
)  # fmt: skip
#: One level's desks, ``[duty.<level>]``.
DUTY_DESK = Section(
    "duty.<level>",
    "Desks of one level",
    (
        Key("officers", "any",
            'Officers on duty per desk: a number, or by shift { "08:00" = 3, "20:00" = 2 }.',
            "值班人员", default=REQUIRED,
            allowed_text=f"1-{MAX_OFFICERS}, or a table of clock times to 1-{MAX_OFFICERS}"),
    ),
    zh="值班室",
    help="Levels left out keep their default officers: "
    + ", ".join(f"{k} {n}" for k, n in DEFAULT_OFFICERS.items())
    + ".",
)  # fmt: skip


@dataclass(frozen=True)
class DeskLayout:
    """Which desk of each level serves each incident.

    Attributes
    ----------
    levels
        Levels with desks, lowest first.
    units
        Per level, the desk names (a station's area, or the level's name).
    desk
        Per level, the desk index of each incident (``int64``).
    """

    levels: tuple[str, ...]
    units: tuple[tuple[str, ...], ...]
    desk: tuple[np.ndarray, ...]


def assign_desks(
    network: RoadNetwork, stations: Sequence[Any], nodes: np.ndarray, levels: Sequence[str]
) -> DeskLayout:
    """The desk of every level for incidents at ``nodes``: the nearest station of that tier.

    Distances are straight lines between projected node coordinates.
    """
    xy = np.column_stack([network.nodes.x, network.nodes.y])
    units, desks = [], []
    for level in levels:
        mine = [s for s in stations if s.tier == level]
        if not mine:
            units.append((level,))
            desks.append(np.zeros(len(nodes), dtype=np.int64))
            continue
        names = sorted({s.area for s in mine})
        index = {a: k for k, a in enumerate(names)}
        at = np.array([index[s.area] for s in mine], dtype=np.int64)
        tree = cKDTree(xy[[s.node for s in mine]])
        # Many incidents share a node: ask the tree once per distinct node.
        uniq, back = np.unique(np.asarray(nodes, dtype=np.int64), return_inverse=True)
        _, nearest = tree.query(xy[uniq]) if len(nodes) else (0, [])
        units.append(tuple(names))
        desks.append(at[np.asarray(nearest, dtype=np.int64)][back] if len(nodes) else at[:0])
    return DeskLayout(levels=tuple(levels), units=tuple(units), desk=tuple(desks))


def take_calls(
    arrive: np.ndarray,
    work: np.ndarray,
    desk: np.ndarray,
    n_desks: int,
    staff: DeskStaff,
    *,
    start_hour: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Answer calls at their desks, first come first served, by the officers on duty.

    Parameters
    ----------
    arrive, work
        Call times and call-taking minutes per call.
    desk
        The desk of each call (``0 .. n_desks-1``).
    staff
        Officers per desk, by shift. An officer starts a call only while on
        duty, and finishes one begun before the shift ends.
    start_hour
        Clock hour at minute 0.

    Returns
    -------
    (answered, taken)
        When an officer picked up, and when the call was taken, per call.
    """
    n = len(arrive)
    order_a = np.lexsort((np.arange(n), arrive, desk))
    if staff.constant:  # the same officers all day: the c-server queue of sim.desk_queue
        from sim.desk_queue import ANSWER

        a = np.asarray(arrive, np.float64)
        answer = ANSWER.pick(n)  # plain Python, or compiled once a process has many calls
        answered = answer(a, np.asarray(work, np.float64), np.asarray(desk, np.int64), order_a,
                          int(staff.most))  # fmt: skip
        return answered, answered + work
    answered = np.empty(n)
    order = order_a.tolist()
    arrive_l, work_l, desk_l = arrive.tolist(), work.tolist(), desk.tolist()
    c = staff.most
    busy: list[float] = []
    cur = -1
    for i in order:  # shifts: each officer slot starts a call only while on duty
        d = desk_l[i]
        if d != cur:
            cur = d
            busy = [0.0] * c
        a = arrive_l[i]
        best, slot = math.inf, 0
        for k in range(c):
            t = busy[k] if busy[k] > a else a
            t = staff.on_duty(k, t, start_hour)
            if t < best:
                best, slot = t, k
        start = best
        busy[slot] = start + work_l[i]
        answered[i] = start
    return answered, answered + work


def _on_duty(staff: DeskStaff, k: int, t: float, start_hour: float) -> float:
    """The first time at or after ``t`` when officer slot ``k`` is on duty."""
    off = start_hour * 60.0
    if staff.officers_at((t + off) % _DAY) > k:
        return t
    midnight = math.floor((t + off) / _DAY) * _DAY - off
    for day in (0.0, _DAY):
        for start, n in staff.shifts:
            if n > k and midnight + day + start > t:
                return midnight + day + start
    raise ValueError(_("officer slot {k} is never on duty").format(k=k))  # pragma: no cover
