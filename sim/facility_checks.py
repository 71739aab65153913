"""Checks and look-ups over a whole set of facilities.

This module holds :func:`check_facilities` (facilities against a road network
and against each other, before a run) and :func:`chinese_names` (the Chinese
names given to facilities). Re-exported by :mod:`sim.facilities`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from sim.depots import DEPOT_TIERS, Depot
from sim.stations import Station


def check_facilities(
    n_nodes: int,
    stations: Sequence[Station],
    depots: Sequence[Depot] = (),
    *,
    source: str | None = None,
    where: Callable[[str, int, str], tuple[str | None, str]] | None = None,
) -> None:
    """Check facilities against a network of ``n_nodes`` nodes and against each other.

    Checks node indices, unique names, that depot parents exist, are of a
    strictly higher tier, and form no cycle.

    Parameters
    ----------
    n_nodes
        Nodes of the network.
    stations, depots
        The facilities.
    source
        File they came from, for error messages.
    where
        ``where(kind, i, field)`` gives the file and key of a field of
        ``stations[i]`` or ``depots[i]`` (``kind`` is ``"stations"`` or
        ``"depots"``) where the facilities came from several files or tables;
        default ``(source, f"{kind}[{i}].{field}")``.

    Raises
    ------
    networks.errors.ConfigError
        Naming the file and key of the offending field.
    """

    def fail(message: str, kind: str, i: int, name: str) -> ConfigError:
        src, key = where(kind, i, name) if where is not None else (source, f"{kind}[{i}].{name}")
        return ConfigError(message, source=src, key=key)

    seen: set[str] = set()
    for i, s in enumerate(stations):
        if not 0 <= s.node < n_nodes:
            message = _("node {node} is not on the network (0..{last})")
            raise fail(message.format(node=s.node, last=n_nodes - 1), "stations", i, "node")
        if s.name in seen:
            message = _("duplicate station name {name!r}")
            raise fail(message.format(name=s.name), "stations", i, "name")
        seen.add(s.name)
    by_name: dict[str, Depot] = {}
    for i, d in enumerate(depots):
        if not 0 <= d.node < n_nodes:
            message = _("node {node} is not on the network (0..{last})")
            raise fail(message.format(node=d.node, last=n_nodes - 1), "depots", i, "node")
        if d.name in by_name:
            message = _("duplicate depot name {name!r}")
            raise fail(message.format(name=d.name), "depots", i, "name")
        by_name[d.name] = d
    for i, d in enumerate(depots):
        if d.parent is None:
            continue
        p = by_name.get(d.parent)
        if p is None:
            message = _("unknown parent depot {name!r}")
            raise fail(message.format(name=d.parent), "depots", i, "parent")
        if DEPOT_TIERS.index(p.tier) >= DEPOT_TIERS.index(d.tier):
            raise fail(
                _("parent {name!r} ({tier}) must be of a higher tier than {child_tier}").format(
                    name=p.name, tier=p.tier, child_tier=d.tier
                ),
                "depots",
                i,
                "parent",
            )


def chinese_names(*groups: Sequence[Any]) -> dict[str, str]:
    """``name -> name_zh`` of the facilities in ``groups`` that were given a Chinese name.

    Each group is a sequence of :class:`Station`, :class:`Depot` or
    :class:`Reinforcement` (``None`` entries are skipped); pass the result to
    :func:`facility_label`.
    """
    out: dict[str, str] = {}
    for group in groups:
        for f in group:
            f = getattr(f, "station", f)  # a Reinforcement names its station
            if f is not None and getattr(f, "name_zh", ""):
                out[f.name] = f.name_zh
    return out
