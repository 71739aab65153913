"""The proposed siting as facilities the simulator can run.

Every facility keeps its place in the list of the region's facilities: a site
kept stays where it was in the list, a new site takes the place (and the teams,
or the stock and lead time) of a closed one, and sites beyond the closed ones
are added at the end with the teams, or stock and lead time, of the tier's
first current facility. The simulator gives each team its random stream by its
position in that list (``sim/fleet.py``), so kept stations keep their turnout
draws in ``--evaluate`` (common random numbers) and a proposal that moves
nothing is the current siting exactly. New depots are restocked by the nearest
depot of a higher tier; a lower-tier depot whose parent closed is re-parented
to the nearest proposed one (all by road).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from experiments.config import Region
from experiments.siting.plan import SitingResult
from networks.names import has_cjk
from networks.roadnet import RoadNetwork

#: Teams of a new station when its tier has no station to copy (a township station:
#: a 30-person comprehensive team, a fire engine and an ambulance).
FALLBACK_TEAMS = (("general", 30), ("fire", 6), ("medical", 3))


def _landmark(network: RoadNetwork, node: int) -> Any:
    """The first landmark at ``node``, or ``None``."""
    return next((lm for lm in network.landmarks if lm.node == node), None)


def _label(network: RoadNetwork, node: int) -> str:
    lm = _landmark(network, node)
    return lm.name.removesuffix(" Town").removesuffix(" Village") if lm else f"Node {node}"


def _place_zh(network: RoadNetwork, node: int) -> str:
    """The Chinese name of the place at ``node`` (雄石社区), ``""`` if it has none."""
    lm = _landmark(network, node)
    return (lm.name_zh or (lm.name if has_cjk(lm.name) else "")) if lm else ""


def _name(
    result: SitingResult, network: RoadNetwork, node: int, kind: str, taken: set[str]
) -> tuple[str, str]:
    """A unique name and an area label for a new facility at ``node``.

    The name a ``fix`` table gives the site (checked unique when the table was read,
    :func:`experiments.siting.places.fix_names`), else the place's name plus ``(proposed)``.
    """
    given = result.problem.names.get(node)
    label = given or _label(network, node)
    name = given or f"{label} {kind} (proposed)"
    if not given and name in taken:
        name = f"{name} {node}"
    taken.add(name)
    return name, label


#: A new site's kind in Chinese, after a Chinese place name (雄石社区应急救援站).
_KIND_ZH = {"Station": "应急救援站", "Depot": "应急物资库", "Store": "物资储备点"}


def _name_zh(network: RoadNetwork, node: int, name: str, label: str, kind: str) -> str:
    """The Chinese name of a new site at a place with a Chinese name, else ``""``.

    A real network's landmarks carry their Chinese names (雄石社区, or 雄石社区 beside
    ``name:en``): the site reads 雄石社区应急救援站（拟建）, not 雄石社区 Station（拟建）.
    A name the fix table gave, or a place without a Chinese name, gets none (it is
    shown as given, or as :func:`networks.names.facility_label` reads it).
    """
    stem = f"{label} {kind} (proposed)"
    place = _place_zh(network, node)
    if not place or not name.startswith(stem):
        return ""
    return f"{place}{_KIND_ZH[kind]}（拟建）{name[len(stem) :]}"


def _slots(
    everyone: Sequence[Any], mine: Sequence[Any], selected: np.ndarray,
    make: Callable[[int, int, Any], Any],
) -> tuple[list[Any], list[Any]]:  # fmt: skip
    """``everyone`` with the tier's facilities ``mine`` re-sited to ``selected``, slot by slot.

    A facility of ``mine`` standing on a selected node stays in its slot; the other
    selected nodes, in order, take the slots of the closed ones, then go at the end.
    ``make(k, node, closed)`` builds the facility at ``selected[k]``, ``closed`` being the
    facility whose slot it takes (``None`` at the end). Returns the new list and the
    tier's proposed facilities in it.
    """
    at = {f.node: f for f in mine}  # the facility kept on a node (the last one there)
    nodes = selected.tolist()
    kept = {id(at[n]) for n in nodes if n in at}
    new = iter([(k, n) for k, n in enumerate(nodes) if n not in at])
    ours = {id(f) for f in mine}
    out, proposed = [], []
    for f in everyone:
        if id(f) not in ours:
            out.append(f)
            continue
        if id(f) in kept:
            g = f
        elif (nxt := next(new, None)) is not None:
            g = make(*nxt, f)
        else:
            continue  # closed, and no new site left to take its slot
        out.append(g)
        proposed.append(g)
    for k, n in new:
        g = make(k, n, None)
        out.append(g)
        proposed.append(g)
    return out, proposed


def proposed_region(result: SitingResult, region: Region) -> Region:
    """The region with the re-sited tier moved to the proposed sites.

    Parameters
    ----------
    result
        A solved siting task.
    region
        The region it was solved on (the current siting).

    Returns
    -------
    Region
        Same network and hazard sources; facilities of the task's kind replaced,
        each kept facility in its place in the list (see the module docstring).
    """
    task = result.problem.task
    if task.facility == "stations":
        stations = _stations(result, region)
        return replace(region, stations=stations)
    return replace(region, depots=_depots(result, region))


def _stations(result: SitingResult, region: Region) -> tuple[Any, ...]:
    from sim.facilities import Station, TeamSpec

    task, net = result.problem.task, region.network
    mine = [s for s in region.stations if s.tier == task.tier]
    teams = mine[0].teams if mine else tuple(TeamSpec(c, n) for c, n in FALLBACK_TEAMS)
    kept = set(result.selected.tolist())
    taken = {s.name for s in region.stations if s.tier != task.tier or s.node in kept}
    taken |= set(result.problem.names.values())  # a generated name must not take a given one

    def make(k: int, node: int, closed: Any) -> Any:
        name, label = _name(result, net, node, "Station", taken)
        # A moved station takes its teams along: the same teams, in the same slot, draw
        # the same turnouts, and every station after it keeps its own draws.
        own = closed.teams if closed is not None else teams
        zh = _name_zh(net, node, name, label, "Station")
        return Station(name=name, node=node, tier=task.tier, teams=own, area=label, name_zh=zh)

    return tuple(_slots(region.stations, mine, result.selected, make)[0])


def _depots(result: SitingResult, region: Region) -> tuple[Any, ...]:
    from sim.defaults import DEFAULT_LEAD_TIME, DEFAULT_STOCK
    from sim.facilities import DEPOT_TIERS, Depot

    task, net = result.problem.task, region.network
    rank = DEPOT_TIERS.index(task.tier)
    upper = [d for d in region.depots if DEPOT_TIERS.index(d.tier) < rank]
    mine = [d for d in region.depots if d.tier == task.tier]
    if mine:
        stock, lead = mine[0].stock, mine[0].lead_time_min
    else:
        stock, lead = tuple(DEFAULT_STOCK[task.tier].items()), DEFAULT_LEAD_TIME.get(task.tier, 0.0)
    selected = result.selected
    parents: list[str | None] = [None] * selected.size
    if upper:
        tt = net.travel_times([d.node for d in upper])[:, selected]
        parents = [upper[int(k)].name for k in np.argmin(tt, axis=0)]
    kept = set(selected.tolist())
    taken = {d.name for d in region.depots if d.tier != task.tier or d.node in kept}
    taken |= set(result.problem.names.values())  # a generated name must not take a given one

    def make(k: int, node: int, closed: Any) -> Any:
        # A village point is a store (物资储备点), as the built region names them.
        kind = "Store" if task.tier == "village" else "Depot"
        name, label = _name(result, net, node, kind, taken)
        # A moved depot takes its stock and lead time along, as a moved station its teams.
        own, wait = (closed.stock, closed.lead_time_min) if closed is not None else (stock, lead)
        return Depot(name, node, task.tier, own, parent=parents[k], lead_time_min=wait,
                     name_zh=_name_zh(net, node, name, label, kind))  # fmt: skip

    out, proposed = _slots(region.depots, mine, selected, make)
    # Lower tiers restocked from a closed depot now look to the nearest proposed one; a
    # depot whose parent stays keeps it (the proposal does not touch what it kept).
    gone = {d.name for d in mine} - {d.name for d in proposed}
    orphans = [i for i, d in enumerate(out) if d.tier != task.tier and d.parent in gone]
    if orphans:
        nodes = [out[i].node for i in orphans]
        nearest: list[str | None] = [None] * len(orphans)
        if proposed:
            tt = net.travel_times([d.node for d in proposed])[:, nodes]
            nearest = [proposed[int(k)].name for k in np.argmin(tt, axis=0)]
        for i, parent in zip(orphans, nearest, strict=True):
            out[i] = replace(out[i], parent=parent)
    return tuple(out)
