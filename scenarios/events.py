"""Disaster events of a scenario: rainstorms, typhoons, earthquakes, chemical leaks, set incidents.

Each event is a frozen dataclass with ``from_dict``/``to_dict`` and an
``apply(ctx, rng=...)`` that appends incidents (and road disruptions) to the
generation context. Times in the TOML are hours from the scenario's start;
the stream is in minutes.

This module holds the plain set incident (:class:`SetIncident`), the registry
of event types (:data:`EVENT_TYPES`, :data:`Event`) and
:func:`event_from_dict`; the other events live in
:mod:`scenarios.event_weather` (rainstorm, typhoon),
:mod:`scenarios.event_quake` (earthquake) and :mod:`scenarios.event_hazmat`
(chemical leak), and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from networks.i18n import _
from scenarios.batch import Context
from scenarios.config_keys import REQUIRED, Key, Section, field_default
from scenarios.event_fields import check_hazards, read_hours, read_location, time_keys, type_key
from scenarios.event_hazmat import ChemicalLeak
from scenarios.event_quake import Earthquake, fragility, pga_g, quake_grade
from scenarios.event_weather import MAX_INTENSITY_MM_H, Rainstorm, Typhoon
from scenarios.places import Location
from scenarios.validate import Reader

__all__ = [
    "EVENT_TYPES",
    "MAX_INTENSITY_MM_H",
    "ChemicalLeak",
    "Earthquake",
    "Event",
    "Rainstorm",
    "SetIncident",
    "Typhoon",
    "event_from_dict",
    "fragility",
    "pga_g",
    "quake_grade",
]


# ------------------------------------------------------------- set incident
@dataclass(frozen=True)
class SetIncident:
    """One incident of any hazard at a set place and time (a drill's opening inject).

    ``grade = 0`` draws the grade from the catalogue. Catalogue cascades and
    road rules apply as for any incident.
    """

    type: ClassVar[str] = "incident"
    hazard: str
    time_h: float
    at: Location = field(default_factory=lambda: Location("random"))
    grade: int = 0

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> SetIncident:
        """Validate an ``[[events]]`` table of type ``incident``."""
        r = Reader(data, source=source, key=key)
        SET_INCIDENT.allow(r)
        grade = r.int("grade", 0, lo=0)
        if grade > 4:
            raise r.error(
                "grade", _("must be 1-4 (I-IV) or 0 to draw, got {value}").format(value=grade)
            )
        return cls(hazard=r.str("hazard"), time_h=read_hours(r, "time_h"),
                   at=read_location(r, "at", "random"), grade=grade)  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {"type": self.type, "hazard": self.hazard, "at": self.at.to_value(),
                "time_h": self.time_h, "grade": self.grade}  # fmt: skip

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append the incident."""
        check_hazards(ctx, [self.hazard], "incident", f"{key}.hazard")
        t = self.time_h * 60
        if t > ctx.horizon:
            return
        node = self.at.resolve(ctx.geo, rng=rng, source=ctx.source, key=f"{key}.at")
        ctx.batch.add(time=t, node=node, hazard=self.hazard, grade=self.grade)


#: An ``[[events]]`` table of type ``incident``.
SET_INCIDENT = Section(
    'events[] type = "incident"',
    "Set incident",
    (
        type_key(SetIncident.type),
        Key("hazard", "string", "The hazard (a key of the catalogue).", "事件类型",
            default=REQUIRED),
        *time_keys("time_h"),
        Key("at", "location", "Where it happens.", "发生位置",
            default=field_default(SetIncident, "at").at, allowed_text="a location"),
        Key("grade", "integer", "Its grade (1-4 = I-IV); 0 draws it from the catalogue.",
            "事件等级", default=SetIncident.grade, lo=0, hi=4),
    ),
    zh="指定事件",
    help="One incident of any hazard at a set place and time (a drill's opening inject).",
)  # fmt: skip

#: Event classes by their TOML ``type``.
EVENT_TYPES = {c.type: c for c in (Rainstorm, Typhoon, Earthquake, ChemicalLeak, SetIncident)}
Event = Rainstorm | Typhoon | Earthquake | ChemicalLeak | SetIncident


def event_from_dict(data: Any, *, source: str | None = None, key: str = "") -> Event:
    """Validate one ``[[events]]`` table, dispatching on its ``type``."""
    r = Reader(data, source=source, key=key)
    kind = r.str("type", choices=EVENT_TYPES)
    return EVENT_TYPES[kind].from_dict(data, source=source, key=key)
