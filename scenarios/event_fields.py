"""Reading and checking ``[[events]]`` tables: shared helpers of the event modules.

Times and durations in hours (:func:`read_hours`), per-day rates by hazard
(:func:`read_rates`), places (:func:`read_location`), footprint radii
(:func:`read_radius`, ``"all"`` for the whole network), the hazard names an
event refers to (:func:`check_hazards`), and the most incidents a storm's
rates can add (:func:`extra_expected`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from networks.i18n import _
from scenarios.batch import Context
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.limits import MAX_DURATION_H, MAX_RATE_PER_DAY
from scenarios.places import Location
from scenarios.validate import Reader


def read_rates(
    r: Reader, name: str, default: Mapping[str, float], *, hi: float = MAX_RATE_PER_DAY
) -> tuple[tuple[str, float], ...]:
    """Per-day rates (or multipliers, below ``hi``) by hazard, sorted by hazard name."""
    t = r.table(name, dict(default))
    return tuple(sorted((str(k), t.num(str(k), lo=0, hi=hi)) for k in t.data))


def read_hours(r: Reader, name: str, default: Any = ..., *, positive: bool = False) -> float:
    """A time or duration in hours, at most :data:`~scenarios.limits.MAX_DURATION_H`."""
    return r.num(name, default, lo=0, lo_open=positive, hi=MAX_DURATION_H)


def extra_expected(
    extra: tuple[tuple[str, float], ...],
    multiplier: tuple[tuple[str, float], ...],
    background: Mapping[str, float],
    scale: float,
    days: float,
) -> float:
    """Most incidents a storm's ``extra_per_day`` and ``rate_multiplier`` can add."""
    added = sum(v for _, v in extra) + sum(
        (m - 1) * background.get(h, 0.0) for h, m in multiplier if m > 1
    )
    return added * scale * days


def read_location(r: Reader, name: str, default: str = "centre") -> Location:
    """A :class:`~scenarios.places.Location` (string or table) read from ``name``."""
    return Location.from_value(r.get(name, default), source=r.source, key=r.path(name))


def check_hazards(ctx: Context, names: Any, what: str, key: str) -> None:
    """Raise a ConfigError for a hazard in ``names`` that the catalogue lacks."""
    from networks.errors import ConfigError

    for h in names:
        if h not in ctx.catalogue:
            raise ConfigError(
                _("unknown hazard {hazard!r} in {table}").format(hazard=h, table=what),
                source=ctx.source,
                key=key,
            )


def read_radius(r: Reader, name: str, default: float = math.inf) -> float:
    """A footprint radius in metres; ``"all"`` (or ``inf``) means the whole network."""
    v = r.get(name, default)
    if isinstance(v, str) and v == "all":
        return math.inf
    if isinstance(v, float) and math.isinf(v) and v > 0:
        return math.inf
    return r.num(name, default, lo=0, lo_open=True)


#: Places written relative to the network (strings), for the reference.
LOCATION_FORMS = (
    '"centre" (the county seat, else the middle), "random" (by population), '
    '"landmark:NAME", "source:KIND", "node:N", "bbox:FX,FY" (fractions of the bounding box '
    "from the south-west), { x, y } (projected metres), { lon, lat }, or any of these "
    'shifted: { at = "centre", dx = 3000, dy = -2000 }'
)
#: A location written as a table (:meth:`scenarios.places.Location.from_value`).
LOCATION = Section(
    "<location>",
    "Location table",
    (
        Key("at", "string", "A place as a string (see above).", "位置", default="centre"),
        Key("x", "number", "Metres east in the network's projected CRS (with y; "
            "yingji network info shows it)."),
        Key("y", "number", "Metres north in the network's projected CRS (with x)."),
        Key("lon", "number", "Longitude (with lat).", lo=-180, hi=180),
        Key("lat", "number", "Latitude (with lon).", lo=-90, hi=90),
        Key("dx", "number", "Metres east of the place.", default=0.0),
        Key("dy", "number", "Metres north of the place.", default=0.0),
    ),
    zh="位置",
    help="A place is a string or a table: " + LOCATION_FORMS + ".",
)  # fmt: skip


def time_keys(*names: str) -> tuple[Key, ...]:
    """Records of the hour keys of an event (times from the scenario's start, durations)."""
    text = {
        "time_h": ("Hours from the scenario's start.", "发生时间"),
        "start_h": ("Hours from the scenario's start until it begins.", "开始时间"),
        "duration_h": ("How long it lasts, hours.", "持续时间"),
    }
    return tuple(
        Key(n, "number", text[n][0], text[n][1], default=REQUIRED, lo=0,
            lo_open=n == "duration_h", hi=MAX_DURATION_H)
        for n in names
    )  # fmt: skip


def type_key(name: str) -> Key:
    """The ``type`` record of an event table."""
    return Key("type", "string", "The event type.", "事件类型", default=REQUIRED, choices=(name,))
