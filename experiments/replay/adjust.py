"""The two knobs calibration turns: team turnout and road speed by road group.

A road-speed factor of 0.8 on ``major`` roads means those roads are driven at
80 % of the speed the network says (travel times 1/0.8 as long); a turnout
factor of 1.5 stretches every team's turnout distribution by half (its mean
and spread, its shape kept). With the same generator, a stretched lognormal
turnout is the same draw times the factor, so calibration runs on common
random numbers and its objective moves smoothly with the factors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _

__all__ = [
    "ROAD_GROUPS",
    "adjusted_region",
    "road_group",
    "road_group_label",
    "scale_distribution",
]

#: Road groups with one speed factor each (OpenStreetMap ``highway`` values; any
#: other class is ``local``). Three groups are what a year of incident times can
#: tell apart; one factor per class would chase noise.
ROAD_GROUPS: dict[str, tuple[str, ...]] = {
    "major": (
        "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    ),
    "minor": ("secondary", "secondary_link", "tertiary", "tertiary_link"),
    "local": (),
}  # fmt: skip

# Parameters that carry time (scaled); any other field (a cv) is a shape.
_TIME_FIELDS = ("value", "mean_", "low", "mode", "high")


def road_group_label(group: str) -> str:
    """A road group's name for people, in the language in use."""
    labels = {
        "major": _("major roads (motorway, trunk, primary)"),
        "minor": _("secondary and tertiary roads"),
        "local": _("local roads"),
    }
    if group in labels:
        return labels[group]
    from networks.plot import road_class_label

    return road_class_label(group)  # a road class (calibration by class)


def road_group(highway: Any) -> np.ndarray:
    """The road group of each edge class (``major``, ``minor`` or ``local``).

    Parameters
    ----------
    highway
        OpenStreetMap ``highway`` values, one per edge.

    Returns
    -------
    numpy.ndarray
        Group names, same shape.
    """
    cls = np.asarray(highway).astype(str)
    out = np.full(cls.shape, "local", dtype=object)
    for group, members in ROAD_GROUPS.items():
        if members:
            out[np.isin(cls, members)] = group
    return out


def scale_distribution(dist: Any, factor: float) -> Any:
    """The same distribution with its time scale multiplied by ``factor``.

    Parameters
    ----------
    dist
        A :class:`scenarios.distributions.Distribution` (fixed, exponential,
        lognormal, gamma, uniform, triangular).
    factor
        Positive multiplier.

    Returns
    -------
    Distribution
    """
    if not factor > 0:
        raise ConfigError(_("a time factor must be positive, got {f}").format(f=factor))
    if factor == 1.0:
        return dist
    names = {f.name for f in dataclasses.fields(dist)}
    if not names & set(_TIME_FIELDS):
        raise ConfigError(
            _("cannot stretch a {kind} distribution").format(kind=getattr(dist, "kind", dist))
        )
    changes = {n: getattr(dist, n) * factor for n in _TIME_FIELDS if n in names}
    return dataclasses.replace(dist, **changes)


def adjusted_region(
    region: Any, *, speed: Mapping[str, float] | None = None, turnout: float = 1.0
) -> Any:
    """A region with road speeds scaled by group (or class) and team turnout stretched.

    Parameters
    ----------
    region
        An :class:`experiments.region.Region`.
    speed
        Road group (``major``, ``minor``, ``local``) or OpenStreetMap road class
        (``primary``, ``residential``, ...) to speed factor; missing ones: 1. A
        class's factor multiplies its group's.
    turnout
        Factor on every team's turnout time.

    Returns
    -------
    Region
        A new region; ``region`` is unchanged. With no change it is ``region``.
    """
    from networks.roadnet import RoadNetwork

    speed = dict(speed or {})
    classes = set(np.unique(np.asarray(region.network.edges.highway).astype(str)).tolist())
    for group, f in speed.items():
        if group not in ROAD_GROUPS and group not in classes:
            raise ConfigError(
                _("unknown road group {g!r} (known: {known})").format(
                    g=group, known=", ".join([*ROAD_GROUPS, *sorted(classes)])
                ),
                key="speed",
            )
        if not f > 0:
            raise ConfigError(
                _("a speed factor must be positive, got {f}").format(f=f), key=f"speed.{group}"
            )
    out = region
    if any(f != 1.0 for f in speed.values()):
        net = region.network
        groups = road_group(net.edges.highway)
        cls = np.asarray(net.edges.highway).astype(str)
        mult = np.ones(net.n_edges)
        for group, f in speed.items():
            mult[groups == group if group in ROAD_GROUPS else cls == group] *= f
        e = net.edges
        # A network's own travel seconds (a loaded travel_time) stretch with the speed.
        time_s = None if e.time_s is None else e.time_s / mult
        edges = dataclasses.replace(e, speed_kph=e.speed_kph * mult, time_s=time_s)
        network = RoadNetwork(
            net.nodes,
            edges,
            crs=net.crs,
            landmarks=net.landmarks,
            name=net.name,
            cleaning=net.cleaning,
        )
        out = dataclasses.replace(out, network=network)
    if turnout != 1.0:
        stations = tuple(
            dataclasses.replace(
                s,
                teams=tuple(
                    dataclasses.replace(t, turnout=scale_distribution(t.turnout, turnout))
                    for t in s.teams
                ),
            )
            for s in region.stations
        )
        out = dataclasses.replace(out, stations=stations)
    return out
