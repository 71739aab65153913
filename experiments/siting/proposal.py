"""The proposed siting as facilities the simulator can run.

Sites kept from the current siting keep their facility as it is. A new site
gets the teams (stations) or the stock and lead time (depots) of the tier's
first current facility, so current and proposed differ only in where they
stand. New depots are restocked by the nearest depot of a higher tier, and
depots of lower tiers whose parent was in the re-sited tier are re-parented to
the nearest proposed one (all by road).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from experiments.config import Region
from experiments.siting.plan import SitingResult
from networks.roadnet import RoadNetwork

#: Teams of a new station when its tier has no station to copy (a township station:
#: a 30-person comprehensive team, a fire engine and an ambulance).
FALLBACK_TEAMS = (("general", 30), ("fire", 6), ("medical", 3))


def _label(network: RoadNetwork, node: int) -> str:
    for lm in network.landmarks:
        if lm.node == node:
            return lm.name.removesuffix(" Town").removesuffix(" Village")
    return f"Node {node}"


def _name(
    result: SitingResult, network: RoadNetwork, node: int, kind: str, taken: set[str]
) -> tuple[str, str]:
    """A unique name and an area label for a new facility at ``node``.

    The name a ``fix`` table gives the site, else the place's name plus ``(proposed)``.
    """
    given = result.problem.names.get(node)
    label = given or _label(network, node)
    name = given or f"{label} {kind} (proposed)"
    name = name if name not in taken else f"{name} {node}"
    taken.add(name)
    return name, label


def _place(selected: np.ndarray, current: list[Any], taken: set[str], make: Any) -> list[Any]:
    """A facility per selected node: the current one standing there, or ``make(k, node)``.

    ``k`` is the node's position in ``selected``.
    """
    at = {f.node: f for f in current}
    out = []
    for k, node in enumerate(selected.tolist()):
        if node in at:
            out.append(at[node])
            taken.add(at[node].name)
        else:
            out.append(make(k, node))
    return out


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
        Same network and hazard sources; facilities of the task's kind replaced.
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
    others = [s for s in region.stations if s.tier != task.tier]
    teams = mine[0].teams if mine else tuple(TeamSpec(c, n) for c, n in FALLBACK_TEAMS)
    taken = {s.name for s in others}

    def make(k: int, node: int) -> Any:
        name, label = _name(result, net, node, "Station", taken)
        return Station(name=name, node=node, tier=task.tier, teams=teams, area=label)

    return tuple(others + _place(result.selected, mine, taken, make))


def _depots(result: SitingResult, region: Region) -> tuple[Any, ...]:
    from sim.defaults import DEFAULT_LEAD_TIME, DEFAULT_STOCK
    from sim.facilities import DEPOT_TIERS, Depot

    task, net = result.problem.task, region.network
    rank = DEPOT_TIERS.index(task.tier)
    upper = [d for d in region.depots if DEPOT_TIERS.index(d.tier) < rank]
    mine = [d for d in region.depots if d.tier == task.tier]
    lower = [d for d in region.depots if DEPOT_TIERS.index(d.tier) > rank]
    if mine:
        stock, lead = mine[0].stock, mine[0].lead_time_min
    else:
        stock, lead = tuple(DEFAULT_STOCK[task.tier].items()), DEFAULT_LEAD_TIME.get(task.tier, 0.0)
    selected = result.selected
    parents: list[str | None] = [None] * selected.size
    if upper:
        tt = net.travel_times([d.node for d in upper])[:, selected]
        parents = [upper[int(k)].name for k in np.argmin(tt, axis=0)]
    taken = {d.name for d in upper + lower}

    def make(k: int, node: int) -> Any:
        # A village point is a store (物资储备点), as the built region names them.
        kind = "Store" if task.tier == "village" else "Depot"
        name = _name(result, net, node, kind, taken)[0]
        return Depot(name, node, task.tier, stock, parent=parents[k], lead_time_min=lead)

    proposed = _place(selected, mine, taken, make)
    # Lower tiers restocked from the old tier now look to the nearest proposed depot.
    old = {d.name for d in mine}
    if not proposed:
        lower = [replace(d, parent=None) if d.parent in old else d for d in lower]
    elif lower:
        tt = net.travel_times([d.node for d in proposed])
        moved = []
        for d in lower:
            if d.parent in old:
                k = int(np.argmin(tt[:, d.node]))
                d = replace(d, parent=proposed[k].name)
            moved.append(d)
        lower = moved
    return tuple(upper + proposed + lower)
