"""Congestion by time of day: how much longer a road class takes to drive in each clock hour.

:class:`Congestion` is the ``[congestion]`` table of a run config, validated
in one place (:meth:`Congestion.from_dict`)::

    [congestion]
    profile = "china_city"        # or "flat": every hour at free flow
    start_hour = 8                # clock hour at minute 0 (default: a dated log's minute 0,
                                  # else the scenario's start_hour)
    [congestion.hours]            # 24 travel-time multipliers (hours 0-23) per OSM road class
    primary = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.4, 2.0, 2.0, 1.4, 1.3, 1.3,
               1.3, 1.3, 1.3, 1.3, 1.4, 2.0, 2.0, 1.4, 1.2, 1.2, 1.0, 1.0]

A multiplier scales the free-flow travel seconds of every road of its class
(``2.0``: twice as long) for trips that start in that clock hour. The hours
fall into *bands*: the distinct 24-hour columns of multipliers (hours with the
same multiplier for every class share a band, wherever they lie in the day), so
a flat profile is a single band and costs nothing. :meth:`Congestion.plan` gives
the :class:`BandPlan` (which band is in force at each minute of a run, and when
it next changes); :func:`band_disruptions` turns each band into the
:class:`~networks.states.Disruption` records that slow its roads, which the
engine lays over the road state (:mod:`sim.roads`).

The shipped ``china_city`` profile (:data:`CHINA_CITY`) is a stylised weekday
of a large Chinese city; where its numbers come from is in ``docs/simulation.md``
("Time-of-day travel times").
"""

from __future__ import annotations

import bisect
import functools
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from networks.i18n import N_, _
from networks.roadnet import RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS
from networks.states import Disruption
from scenarios.config_keys import Key, Section
from scenarios.validate import Reader, check_num, shown

__all__ = [
    "CHINA_CITY",
    "CONGESTION",
    "CONGESTION_HOURS",
    "MAX_MULTIPLIER",
    "PROFILES",
    "PROFILE_LABELS",
    "PROFILE_NAMES",
    "ROAD_TIERS",
    "RUSH_HOURS",
    "BandPlan",
    "Congestion",
    "band_disruptions",
    "clock_hour",
    "clock_hours",
    "congestion_table",
    "hour_starts",
]

#: Largest multiplier: ten times the free-flow time is gridlock (a closure is a disruption).
MAX_MULTIPLIER = 10.0
#: Road tier of each OSM ``highway`` class; a class not listed (or a ``*_link`` of one that
#: is) counts as ``local``.
ROAD_TIERS: dict[str, str] = {
    "motorway": "expressway",
    "trunk": "expressway",
    "primary": "arterial",
    "secondary": "collector",
    "tertiary": "collector",
}
#: The parts of the day of :data:`CHINA_CITY`, by clock hour (hour ``h`` covers ``h:00`` to
#: ``h:59``), as the traffic reports count them: the commute peaks 07:00-09:00 and
#: 17:00-19:00, the rest of the day 06:00-22:00, and the night.
_PERIOD = (
    "night", "night", "night", "night", "night", "night", "day", "peak", "peak", "day", "day",
    "day", "day", "day", "day", "day", "day", "peak", "peak", "day", "day", "day", "night",
    "night",
)  # fmt: skip
#: Multipliers of each tier in each part of the day (see docs/simulation.md for the sources).
_CHINA_CITY_BY_PERIOD = {
    "expressway": {"night": 1.0, "day": 1.35, "peak": 1.9},
    "arterial": {"night": 1.0, "day": 1.35, "peak": 1.8},
    "collector": {"night": 1.0, "day": 1.2, "peak": 1.5},
    "local": {"night": 1.0, "day": 1.1, "peak": 1.25},
}
#: The shipped weekday profile of a large Chinese city: 24 multipliers per road tier.
CHINA_CITY: dict[str, tuple[float, ...]] = {
    tier: tuple(by[p] for p in _PERIOD) for tier, by in _CHINA_CITY_BY_PERIOD.items()
}
#: Shipped profiles.
PROFILES = ("china_city", "flat")
#: The shipped profiles as a person reads them (the key itself in English).
PROFILE_LABELS = {"china_city": N_("china_city"), "flat": N_("flat")}
#: The shipped profiles named in a sentence (English too: the summary's congestion line).
PROFILE_NAMES = {
    "china_city": N_("weekday rush hours of a large Chinese city"),
    "flat": N_("free flow at every hour"),
}
#: The commute peaks of the traffic reports (07:00-09:00 and 17:00-19:00): the clock hours
#: that the ``rush_hour`` metrics cover (:mod:`sim.congestion_summary`).
RUSH_HOURS = frozenset({7, 8, 17, 18})
_FLAT = (1.0,) * 24


def tier_of(road_class: str) -> str:
    """The tier (:data:`ROAD_TIERS`) of an OSM ``highway`` class; ``local`` if unknown."""
    return ROAD_TIERS.get(road_class.removesuffix("_link"), "local")


@dataclass(frozen=True)
class BandPlan:
    """Which band of multipliers is in force when.

    Attributes
    ----------
    hour_band
        Band of each clock hour 0-23 (bands are numbered in order of first hour).
    bands
        Per band, ``(road class, multiplier)`` for every class whose multiplier is
        not 1, sorted by class; the class ``""`` stands for every class not named.
    start_hour
        Clock hour at minute 0 of the run.
    """

    hour_band: tuple[int, ...]
    bands: tuple[tuple[tuple[str, float], ...], ...]
    start_hour: float = 0.0

    @property
    def n_bands(self) -> int:
        """Number of bands."""
        return len(self.bands)

    def hour_at(self, minute: float) -> int:
        """Clock hour (0-23) at ``minute`` of the run (see :func:`clock_hour`)."""
        return clock_hour(minute, self.start_hour)

    def band_at(self, minute: float) -> int:
        """The band in force at ``minute`` of the run (a change at ``minute`` counts)."""
        return self.hour_band[self.hour_at(minute)]

    @functools.cached_property
    def changes(self) -> tuple[float, ...]:
        """Minutes into each day of the run (from minute 0) at which the band changes.

        Sorted, in ``[0, 1440)``; empty for a single band.
        """
        hb = self.hour_band
        offsets, hours = hour_starts(self.start_hour)  # the minutes hour_at turns at
        return tuple(t for t, h in zip(offsets, hours, strict=True) if hb[h] != hb[(h - 1) % 24])

    def next_change(self, minute: float) -> float:
        """The first minute after ``minute`` at which the band changes (``inf``: never)."""
        offsets = self.changes
        if not offsets:
            return math.inf
        day = math.floor(minute / 1440.0)
        k = bisect.bisect_right(offsets, minute - day * 1440.0)
        if k == len(offsets):
            return _turn((day + 1) * 1440.0, offsets[0])
        t = _turn(day * 1440.0, offsets[k])
        return t if t > minute else _turn((day + 1) * 1440.0, offsets[0])


@functools.lru_cache(maxsize=64)
def hour_starts(start_hour: float) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """Minutes into each day of a run at which each clock hour starts, sorted, and the hours.

    Rounded to 1e-9 min: with a fractional start hour the sums fall a hair either side
    of the minute ((17 - 0.1) * 60 = 1013.9999999999999), and the hour must turn at the
    minute itself, where the run loop switches bands (:meth:`BandPlan.next_change`
    reads the same numbers).

    Returns
    -------
    tuple
        ``(minutes, hours)``: the minutes in ``[0, 1440)``, ascending, and the clock
        hour (0-23) that starts at each.
    """
    pairs = sorted((round(((h - start_hour) % 24.0) * 60.0, 9) % 1440.0, h) for h in range(24))
    return tuple(t for t, _ in pairs), tuple(h for _, h in pairs)


def _turn(day_start: float, offset: float) -> float:
    """The first minute ``t`` of the run with ``t - day_start >= offset``: where the hour turns.

    ``day_start`` is a day's first minute (a multiple of 1440, above any
    ``offset``, so ``t - day_start`` is exact). ``day_start + offset`` may
    round down to a float that, less ``day_start`` again, falls a hair short
    of ``offset``: then the next float is the turn, as :func:`clock_hour`
    reads it. Rounded up, the float before it is short of ``offset``.
    """
    t = day_start + offset
    return t if t - day_start >= offset else math.nextafter(t, math.inf)


def clock_hour(minute: float, start_hour: float) -> int:
    """Clock hour (0-23) at ``minute`` of a run whose minute 0 is at ``start_hour``.

    The hour turns exactly at the minutes of :func:`hour_starts`: a trip that
    starts a hair before 09:00 is timed by 08:00's multipliers, one that starts
    at the minute the band changes by the new band's.
    """
    offsets, hours = hour_starts(start_hour)
    day = math.floor(minute / 1440.0)
    return hours[bisect.bisect_right(offsets, minute - day * 1440.0) - 1]


def clock_hours(minutes: np.ndarray, start_hour: float) -> np.ndarray:
    """:func:`clock_hour` of every minute of ``minutes`` (int64)."""
    offsets, hours = hour_starts(start_hour)
    m = np.asarray(minutes, dtype=np.float64)
    m = m - np.floor(m / 1440.0) * 1440.0
    return np.asarray(hours, dtype=np.int64)[np.searchsorted(offsets, m, side="right") - 1]


@dataclass(frozen=True)
class Congestion:
    """The ``[congestion]`` table: travel-time multipliers by road class and clock hour.

    Attributes
    ----------
    profile
        A shipped profile (:data:`PROFILES`): ``china_city`` or ``flat``.
    hours
        ``(road class, 24 multipliers)`` given over the profile; a ``*_link``
        class follows its parent unless given itself.
    start_hour
        Clock hour at minute 0 of the run; ``None``: 0 (a run config fills in a
        dated incident log's minute 0, else the scenario's ``start_hour``, see
        :func:`experiments.runner.congestion_spec`).
    """

    profile: str = "china_city"
    hours: tuple[tuple[str, tuple[float, ...]], ...] = ()
    start_hour: float | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def multipliers(self, road_class: str) -> tuple[float, ...]:
        """The 24 multipliers of one OSM ``highway`` class (hours 0-23)."""
        given = dict(self.hours)
        if road_class in given:
            return given[road_class]
        parent = road_class.removesuffix("_link")
        if parent in given:
            return given[parent]
        if self.profile == "flat":
            return _FLAT
        return CHINA_CITY[tier_of(road_class)]

    def plan(self, classes: Sequence[str] = ()) -> BandPlan:
        """The bands of this profile for a network with road ``classes``.

        Classes not among ``classes`` still shape the bands when the profile or
        :attr:`hours` names them (every drivable class and ``""`` for the
        rest), so that the plan does not depend on which classes a network has.
        """
        names = sorted(set(DRIVABLE_HIGHWAYS) | set(classes) | {k for k, _v in self.hours})
        names.append("")  # every class not named: the local tier (1.0 in a flat profile)
        cols = {n: self.multipliers(n) if n else self._other() for n in names}
        seen: dict[tuple[float, ...], int] = {}
        hour_band = []
        bands: list[tuple[tuple[str, float], ...]] = []
        for h in range(24):
            column = tuple(cols[n][h] for n in names)
            if column not in seen:
                seen[column] = len(bands)
                # A class at 1 is left out only when the classes not named are at 1 too: a class
                # left out takes their multiplier (band_disruptions).
                other = column[-1]
                bands.append(tuple((n, m) for n, m in zip(names, column, strict=True)
                                   if m != 1 or (n and other != 1)))  # fmt: skip
            hour_band.append(seen[column])
        return BandPlan(tuple(hour_band), tuple(bands), float(self.start_hour or 0.0) % 24.0)

    def _other(self) -> tuple[float, ...]:
        return _FLAT if self.profile == "flat" else CHINA_CITY["local"]

    @property
    def flat(self) -> bool:
        """Whether every multiplier is 1 (the run is then exactly a run without congestion)."""
        return self.plan().bands == ((),)

    def with_start(self, hour: float) -> Congestion:
        """This profile with ``start_hour`` set (when it was not given)."""
        if self.start_hour is not None:
            return self
        return Congestion(self.profile, self.hours, float(hour), self.raw)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str = "congestion"
    ) -> Congestion:
        """Validate a ``[congestion]`` table (see the module docstring).

        Raises
        ------
        networks.errors.ConfigError
            Naming ``source`` and the dotted key of the first mistake: an unknown
            key, profile or road class, a list that is not 24 numbers, a
            multiplier below 1 or above :data:`MAX_MULTIPLIER`.
        """
        r = Reader(data, source=source, key=key)
        CONGESTION.allow(r)
        profile = CONGESTION.read(r, "profile")
        start = CONGESTION.read(r, "start_hour")
        ht = r.table("hours", {})
        CONGESTION_HOURS.allow(ht)
        hours = tuple((str(k), _hours(ht, str(k))) for k in sorted(ht.data))
        return cls(profile, hours, None if start is None else float(start) % 24.0, dict(data))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the profile, the start hour and the multipliers given."""
        return {
            "profile": self.profile,
            "start_hour": self.start_hour,
            "hours": {k: list(v) for k, v in self.hours},
        }


def congestion_table(r: Reader) -> tuple[tuple[str, Any], ...] | None:
    """A run config's ``[congestion]`` table as given, checked now (``None``: none)."""
    if not r.has("congestion"):
        return None
    Congestion.from_dict(r.get("congestion"), source=r.source, key=r.path("congestion"))
    return tuple(r.table("congestion").data.items())


def _hours(t: Reader, name: str) -> tuple[float, ...]:
    """One class's 24 multipliers, each in ``[1, MAX_MULTIPLIER]``."""
    v = t.get(name)
    if not isinstance(v, list) or len(v) != 24:
        raise t.error(
            name,
            _("expected a list of 24 multipliers (hours 0-23), got {value!r}").format(
                value=shown(v)
            ),
        )
    out = []
    for h, x in enumerate(v):
        out.append(
            check_num(
                x,
                lambda m, h=h: t.error(
                    f"{name}[{h}]",
                    _(
                        "{problem} (a multiplier of free-flow travel time; to make roads "
                        "faster, raise [network] speeds)"
                    ).format(problem=m),
                ),
                lo=1.0,
                hi=MAX_MULTIPLIER,
            )
        )
    return tuple(out)


#: Disruptions per band, per network and profile (built once per network: a city's
#: classes take a while to sort).
_BANDS: weakref.WeakKeyDictionary[RoadNetwork, dict[Any, tuple[tuple[Disruption, ...], ...]]] = (
    weakref.WeakKeyDictionary()
)


def band_disruptions(network: RoadNetwork, plan: BandPlan) -> tuple[tuple[Disruption, ...], ...]:
    """Per band of ``plan``, the disruptions that slow ``network``'s roads by their multipliers.

    Edges of classes with the same multiplier in a band go into one
    :class:`~networks.states.Disruption` (labelled ``congestion``), in
    increasing order of multiplier, so that a band always gives the same
    state. A class the plan does not name takes the plan's ``""`` entry.
    """
    base = network.base
    per_net = _BANDS.setdefault(base, {})
    key = plan.bands
    hit = per_net.get(key)
    if hit is not None:
        return hit
    classes, which = np.unique(np.asarray(base.edges.highway, dtype=str), return_inverse=True)
    out = []
    for band in plan.bands:
        by = dict(band)
        other = by.get("", 1.0)
        mult = np.asarray([by.get(str(c), other) for c in classes.tolist()], dtype=float)
        per_edge = mult[which]
        dis = []
        for m in np.unique(per_edge[per_edge != 1.0]).tolist():
            edges = np.flatnonzero(per_edge == m)
            dis.append(Disruption(tuple(edges.tolist()), float(m), label="congestion"))
        out.append(tuple(dis))
    if len(per_net) >= 8:  # a few profiles per network
        del per_net[next(iter(per_net))]
    per_net[key] = hit = tuple(out)
    return hit


#: ``[congestion]``.
CONGESTION = Section(
    "congestion",
    "Congestion by time of day",
    (
        Key("profile", "string", "Travel-time multipliers by road class and clock hour: the "
            "shipped weekday of a large Chinese city, or every hour at free flow.",
            "拥堵时段曲线", choices=PROFILES, default="china_city"),
        Key("start_hour", "number", "Clock hour at minute 0 of the run (8.5 is 08:30).",
            "开始时刻", lo=0, hi=24,
            default_text="the incident log's minute 0 (its start, else its earliest incident, on "
            "Beijing time), else the scenario's start_hour"),
        Key("hours", "table", "24 multipliers (hours 0-23) per OSM road class, over the "
            "profile.", "分时段系数", default={}),
    ),
    zh="分时段拥堵",
    help="Off unless the table is given. A trip is timed by the clock hour it starts in: "
    "dispatch ranks teams, and drives, returns and supply deliveries are timed, on the "
    "roads of that hour. Multipliers are >= 1: the network's speeds are free flow.",
)  # fmt: skip
#: ``[congestion.hours]``.
CONGESTION_HOURS = Section(
    "congestion.hours",
    "Multipliers by road class",
    (Key("<road class>", "list", "24 travel-time multipliers, hours 0-23, each from 1 "
         f"to {MAX_MULTIPLIER:g}; a *_link class follows its parent unless given.",
         names=tuple(sorted(DRIVABLE_HIGHWAYS)), default_text="the profile's"),),
    zh="分时段系数",
)  # fmt: skip
