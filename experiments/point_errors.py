"""Errors of a design point: its region checked before any run, and errors saying which point.

:func:`check_regions` builds every distinct region of a design before the
experiment's folder is made; :func:`located` and :func:`in_point` add the
design point (and replication) to an error, as the report names the point.
"""

from __future__ import annotations

from collections.abc import Sequence

from experiments.design import DesignPoint
from experiments.hashing import canonical_json
from networks.errors import YingjiError
from networks.i18n import _

#: Parts of a run config the region is built from (with the files they read).
_REGION_PARTS = ("network", "facilities", "stations", "depots", "sources", "reinforcement",
                 "travel", "scenario")  # fmt: skip


def check_regions(points: Sequence[DesignPoint]) -> None:
    """Build every distinct region of the design before the folder is made.

    A level that is a stations or depots table is read only when its region is
    placed: a station off the map, or a negative turnout, in the table of
    point p001 would otherwise stop the run after p000's results were written,
    and the folder would refuse the corrected file. The network is cached per
    spec (the last few), so a region costs its placement, and its network's
    load where the cache no longer holds it. A drone station the region does
    not have is refused here too.

    Parameters
    ----------
    points
        The design's points.

    Raises
    ------
    networks.errors.YingjiError
        The first region's error, naming the design point (:func:`in_point`).
    """
    from experiments.runner import desks_and_rules

    seen: set[str] = set()
    for p in points:
        d = p.config.to_dict()
        key = canonical_json({k: d.get(k) for k in _REGION_PARTS}) + repr(p.inputs)
        rep = dict(p.config.reporting or ())
        drones = bool(dict(rep.get("video") or {}).get("drones"))
        if key in seen and not drones:
            continue
        seen.add(key)
        try:
            region = p.config.region()
            if drones:
                desks_and_rules(p.config, region)
        except YingjiError as exc:
            raise in_point(exc, p) from None


def in_point(exc: YingjiError, point: DesignPoint) -> YingjiError:
    """The same error, saying which design point raised it (as :func:`located` does).

    Parameters
    ----------
    exc
        The error.
    point
        The design point whose config raised it.

    Returns
    -------
    networks.errors.YingjiError
        An error of the same type; ``exc`` itself in a design without factors.
    """
    from experiments.design_labels import point_in_message

    if len(point.values) == 0:  # a design without factors: the file says it all
        return exc
    try:
        return type(exc)(
            _("design point {id} ({label}): {error}").format(
                id=point.id, label=point_in_message(point.values), error=exc
            )
        )
    except TypeError:  # pragma: no cover - a subclass with another constructor
        return exc


def located(exc: YingjiError, point: DesignPoint, replication: int) -> YingjiError:
    """The same error, saying which design point and replication raised it.

    The point reads as in the report: in English its label, in Chinese its factors
    and levels in words, not JSON (:func:`experiments.design_labels.point_in_message`).
    """
    from experiments.design_labels import point_in_message

    label = point_in_message(point.values)
    try:
        return type(exc)(
            _("design point {id} ({label}), replication {replication}: {error}").format(
                id=point.id, label=label, replication=replication, error=exc
            )
        )
    except TypeError:  # pragma: no cover - a subclass with another constructor
        return exc
