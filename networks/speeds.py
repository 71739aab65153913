"""Default free-flow speeds by OpenStreetMap road class.

Used where a way carries no ``maxspeed`` tag. The figures are typical
Chinese design speeds for emergency vehicles in normal traffic (GB 50220
urban classes, JTG B01 rural classes), rounded; a user overrides any of them
with ``speeds={"residential": 25, ...}``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from networks.i18n import _

logger = logging.getLogger(__name__)

#: km/h by ``highway`` value; ``*_link`` roads take 70 % of their parent.
DEFAULT_SPEEDS_KPH: dict[str, float] = {
    "motorway": 100.0,
    "trunk": 80.0,
    "primary": 60.0,
    "secondary": 50.0,
    "tertiary": 40.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "living_street": 15.0,
    "service": 20.0,
    "road": 30.0,
    "track": 15.0,
    "busway": 40.0,
}

#: Speed for a road class absent from the table.
FALLBACK_SPEED_KPH = 30.0

#: ``highway`` values a fire engine or rescue truck can use.
DRIVABLE_HIGHWAYS = frozenset(DEFAULT_SPEEDS_KPH) | frozenset(
    f"{k}_link" for k in ("motorway", "trunk", "primary", "secondary", "tertiary")
)


def speed_table(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Return the speed table with overrides applied and ``*_link`` classes filled in.

    Parameters
    ----------
    overrides
        km/h by road class, replacing the defaults. A ``*_link`` class not given
        takes 70 % of its parent class's speed after the overrides.

    Returns
    -------
    dict
        km/h by ``highway`` value.
    """
    table = dict(DEFAULT_SPEEDS_KPH)
    for key, value in (overrides or {}).items():
        if not value > 0:
            raise ValueError(
                _("speed for {road_class!r} must be positive, got {value!r}").format(
                    road_class=key, value=value
                )
            )
        table[key] = float(value)
    # Links after the overrides, so that a slowed road slows its slip roads too;
    # a link class given itself keeps its own speed.
    for k in ("motorway", "trunk", "primary", "secondary", "tertiary"):
        table.setdefault(f"{k}_link", round(0.7 * table[k], 1))
    return table


def warn_unused_overrides(
    overrides: Mapping[str, float] | None, from_table: int, edges: int, source: str
) -> None:
    """Say so when speed overrides reach no edge of a GraphML: each has its own speed or time.

    A GraphML that ``yingji network build`` or osmnx wrote gives every edge its
    ``speed_kph`` and ``travel_time``, which win over the class table; the
    overrides would then change nothing without a word. (An OpenStreetMap file
    whose every way has ``maxspeed`` is no such case: the posted speed wins.)

    Parameters
    ----------
    overrides
        The user's ``speeds`` (``None`` or empty: nothing to say).
    from_table, edges
        Edges whose time comes from the class table, and all edges.
    source
        The file (or graph) read, for the message.
    """
    if overrides and edges and not from_table:
        logger.warning(
            _(
                "{source}: every edge carries its own speed_kph, maxspeed or travel_time, so "
                "the speed overrides change none of them; build the network from the "
                "OpenStreetMap file to use them"
            ).format(source=source)
        )


def speed_for(highway: object, table: Mapping[str, float]) -> float:
    """Speed for one edge's ``highway`` value (a string or an osmnx list of strings)."""
    if isinstance(highway, list | tuple):
        known = [table[h] for h in highway if h in table]
        return max(known) if known else FALLBACK_SPEED_KPH
    return table.get(str(highway), FALLBACK_SPEED_KPH)
