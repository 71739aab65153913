"""Early warnings (预警) of weather events: level, lead time and the warned area.

A rainstorm or typhoon event of a scenario may carry a warning::

    [[events]]
    type = "typhoon"
    start_h = 12
    duration_h = 18
    warning = { level = "orange", lead_h = 24 }          # area: the event's footprint
    # warning = { level = "II", lead_h = 6, area = "all" }   # or "橙色", "橙", "Ⅱ"
    # warning = { level = "red", lead_h = 12,
    #             area = { at = "landmark:Xiba Town", radius_m = 8000 } }

China's warnings have four levels, each a colour: 蓝 blue IV, 黄 yellow III,
橙 orange II, 红 red I (the most severe); a level is written as its colour, in
English or as a bureau writes it (橙色 or 橙), or as its numeral (II or Ⅱ), and is
kept as the English colour. A warning is issued ``lead_h``
hours before its hazard starts and is lifted when the hazard ends. When the
stream is drawn it becomes a :class:`ScheduledWarning` (minutes, the warned
nodes), carried by :attr:`scenarios.stream.IncidentStream.warnings`; the
region's plan that a warning triggers is the simulator's
(:mod:`sim.warnings`). A warning changes no incident: resolving its area
draws, if at all, after every draw of its event.

:func:`rain_level` gives the level of the rainstorm warning signal of the
China Meteorological Administration for a steady rain; :func:`with_lead`
warns every weather event of a scenario with one lead time (what an
experiment varies).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.limits import MAX_DURATION_H
from scenarios.places import Location
from scenarios.validate import Reader

if TYPE_CHECKING:
    from scenarios.batch import Context
    from scenarios.spec import ScenarioSpec

#: Warning levels by colour: 1 is the most severe (红色, I), as grades are numbered.
LEVELS = {"red": 1, "orange": 2, "yellow": 3, "blue": 4}
#: The colour of each level, 1-4.
LEVEL_COLOURS = ("red", "orange", "yellow", "blue")
#: The Roman numeral of each level, 1-4 (I-IV).
LEVEL_NUMERALS = ("I", "II", "III", "IV")
#: Every way a level 1-4 is written: its colour, its numeral in ASCII and as Chinese
#: documents print it (Ⅱ级: the Unicode numerals), and the Chinese colour in full and
#: short, as in 橙色预警 (橙色, 橙).
LEVEL_NAMES = tuple(
    (colour, numeral, uni, zh + "色", zh)
    for colour, numeral, uni, zh in zip(LEVEL_COLOURS, LEVEL_NUMERALS, "ⅠⅡⅢⅣ", "红橙黄蓝",
                                        strict=True)
)  # fmt: skip
#: The level of each name in :data:`LEVEL_NAMES`.
LEVEL_OF = {name: level for level, names in enumerate(LEVEL_NAMES, 1) for name in names}
#: What ``level`` accepts, blue (IV) first within each form.
LEVEL_CHOICES = tuple(
    names[form] for form in range(len(LEVEL_NAMES[0])) for names in reversed(LEVEL_NAMES)
)
#: The CMA rainstorm warning signal (气象灾害预警信号, 2007): (level, hours, mm) - rain of
#: at least ``mm`` within ``hours`` hours; the most severe level that applies is issued.
RAIN_SIGNAL = ((1, 3.0, 100.0), (2, 3.0, 50.0), (3, 6.0, 50.0), (4, 12.0, 50.0))


def level_of(text: str) -> int:
    """A level 1-4 from one of :data:`LEVEL_CHOICES`.

    Parameters
    ----------
    text
        A colour (``"orange"``, ``"橙色"``, ``"橙"``) or a Roman numeral (``"II"``, ``"Ⅱ"``).

    Returns
    -------
    int
        1 (red, I) to 4 (blue, IV).

    Raises
    ------
    KeyError
        If ``text`` names no level.
    """
    return LEVEL_OF[text]


def rain_level(intensity_mm_h: float, duration_h: float) -> int | None:
    """The CMA rainstorm signal level of a steady rain; ``None`` below the blue signal.

    Red: 100 mm or more within 3 hours; orange: 50 mm within 3 hours; yellow:
    50 mm within 6 hours; blue: 50 mm within 12 hours.
    """
    for level, hours, mm in RAIN_SIGNAL:
        if intensity_mm_h * min(duration_h, hours) >= mm:
            return level
    return None


@dataclass(frozen=True)
class EarlyWarning:
    """The warning of one weather event, as a scenario file gives it.

    Attributes
    ----------
    level
        1 (red, I) to 4 (blue, IV).
    lead_h
        Hours before the event starts that the warning is issued; 0 means no
        advance warning.
    area_at
        Centre of the warned area; ``None`` for the event's own footprint.
    area_radius_m
        Radius of the warned area around ``area_at`` (``inf``: the whole network).
    """

    level: int
    lead_h: float
    area_at: Location | None = None
    area_radius_m: float = math.inf

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> EarlyWarning:
        """Validate a ``warning`` table of an event."""
        r = Reader(data, source=source, key=key)
        WARNING.allow(r)
        level = level_of(WARNING.read(r, "level"))
        lead = WARNING.read(r, "lead_h")
        area = r.get("area", "footprint")
        if isinstance(area, str):
            if area not in ("footprint", "all"):
                raise r.error("area", _('expected "footprint", "all" or a table { at, radius_m }'))
            at = None if area == "footprint" else Location()
            return cls(level=level, lead_h=lead, area_at=at)
        a = r.table("area")
        WARNING_AREA.allow(a)
        from scenarios.event_fields import read_location, read_radius

        return cls(
            level=level,
            lead_h=lead,
            area_at=read_location(a, "at", WARNING_AREA["at"].default),
            area_radius_m=read_radius(a, "radius_m"),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        area: Any
        if self.area_at is None:
            area = "footprint"
        elif math.isinf(self.area_radius_m):
            area = "all"
        else:
            area = {"at": self.area_at.to_value(), "radius_m": self.area_radius_m}
        return {"level": LEVEL_COLOURS[self.level - 1], "lead_h": self.lead_h, "area": area}

    def issue(
        self,
        ctx: Context,
        *,
        rng: np.random.Generator,
        start_h: float,
        duration_h: float,
        footprint: np.ndarray,
        hazard: str,
        key: str,
    ) -> None:
        """Append this warning to the stream being drawn (call it after the event's draws).

        Parameters
        ----------
        ctx
            The generation context.
        rng
            The event's generator (drawn from only for a ``random`` area centre).
        start_h, duration_h
            When the hazard starts and how long it lasts.
        footprint
            Nodes the event reaches (the area when ``area_at`` is ``None``).
        hazard
            The event's type (``rainstorm``, ``typhoon``).
        key
            The event's dotted key (``events[0]``), for messages and records.
        """
        if self.area_at is None:
            nodes = np.asarray(footprint, dtype=np.int64)
        else:
            where = f"{key}.warning.area.at"
            node = self.area_at.resolve(ctx.geo, rng=rng, source=ctx.source, key=where)
            x, y = ctx.geo.xy[node]
            nodes = ctx.geo.nodes_within(float(x), float(y), self.area_radius_m)
        start = start_h * 60.0
        ctx.batch.warnings.append(
            ScheduledWarning(
                issue=start - self.lead_h * 60.0,
                start=start,
                end=start + duration_h * 60.0,
                level=self.level,
                nodes=np.unique(nodes),
                hazard=hazard,
                event=key,
            )
        )


@dataclass(frozen=True, eq=False)
class ScheduledWarning:
    """A warning of one drawn stream: when, how grave, where (minutes from the run's start).

    Attributes
    ----------
    issue
        When it is issued (before ``start`` by its lead time; may be before the run).
    start, end
        When its hazard starts and ends (the warning is lifted at ``end``).
    level
        1 (red, I) to 4 (blue, IV).
    nodes
        The warned area: sorted node indices.
    hazard
        The event's type (``rainstorm``, ``typhoon``).
    event
        The event's key in the scenario (``events[0]``).
    """

    issue: float
    start: float
    end: float
    level: int
    nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hazard: str = ""
    event: str = ""

    @property
    def lead(self) -> float:
        """Minutes of warning before the hazard starts."""
        return self.start - self.issue

    @property
    def colour(self) -> str:
        """``red``, ``orange``, ``yellow`` or ``blue``."""
        return LEVEL_COLOURS[self.level - 1]


def read_warning(r: Reader) -> EarlyWarning | None:
    """The ``warning`` table of an event's table ``r``, or ``None`` without one."""
    if not r.has("warning"):
        return None
    return EarlyWarning.from_dict(r.get("warning"), source=r.source, key=r.path("warning"))


#: The ``warning`` key of a rainstorm or typhoon event table.
WARNING_KEY = Key("warning", "table", "An early warning of the event: { level, lead_h, area }.",
                  "预警")  # fmt: skip


def with_lead(spec: ScenarioSpec, lead_h: float) -> ScenarioSpec:
    """A scenario whose every rainstorm and typhoon is warned ``lead_h`` hours ahead.

    An event's own warning keeps its level and area; an event without one is
    warned at its CMA rain signal level (:func:`rain_level`) over its footprint,
    or not at all below the blue signal. The incidents drawn do not change.
    """
    from scenarios.event_weather import Rainstorm, Typhoon

    events = []
    for e in spec.events:
        if isinstance(e, Rainstorm | Typhoon):
            w = e.warning
            if w is None:
                level = rain_level(e.intensity_mm_h, e.duration_h)
                w = None if level is None else EarlyWarning(level=level, lead_h=lead_h)
            else:
                w = dataclasses.replace(w, lead_h=lead_h)
            e = dataclasses.replace(e, warning=w)
        events.append(e)
    return dataclasses.replace(spec, events=tuple(events))


#: The ``warning`` table of a rainstorm or typhoon event.
WARNING = Section(
    "events[].warning",
    "Warning",
    (
        Key("level", "string", "Warning level: its colour, in English or Chinese (orange, "
            "橙色 or 橙), or its numeral (II or Ⅱ); red = I is the most severe. Records keep "
            "the English colour.", "预警级别", default=REQUIRED, choices=LEVEL_CHOICES),
        Key("lead_h", "number", "Hours before the event starts that the warning is issued; "
            "0 is no advance warning.", "预警提前量", default=REQUIRED, lo=0, hi=MAX_DURATION_H),
        Key("area", "any", "The warned area.", "预警区域", default="footprint",
            allowed_text='"footprint" (where the event reaches), "all" (the whole network), '
            "or a table { at, radius_m }"),
    ),
    zh="预警",
    help="A rainstorm or typhoon may carry a warning (蓝 blue IV, 黄 yellow III, 橙 orange II, "
    "红 red I), issued lead_h hours before the event starts and lifted when it ends. The "
    "region's plan ([warnings] of the run config) says what the warning triggers; without "
    "that table a warning changes nothing.",
)  # fmt: skip
#: A warned area given as a circle, ``warning.area = { at, radius_m }``.
WARNING_AREA = Section(
    "events[].warning.area",
    "Warned area",
    (
        Key("at", "location", "Centre of the warned area.", "中心位置", default="centre",
            allowed_text="a location"),
        Key("radius_m", "any", "Radius of the warned area.", "预警半径", default="all",
            allowed_text='"all" (the whole network) or metres > 0'),
    ),
    zh="预警区域",
)  # fmt: skip
