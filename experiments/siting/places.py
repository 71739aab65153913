"""Where demand is and where sites may stand, for a siting task on a region."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from experiments.config import Region, RunConfig
from experiments.facility_tables import ELSEWHERE
from experiments.locations import TableRow, number, read_rows, resolve_location
from experiments.run_keys import location_keys
from experiments.siting.task import SitingTask
from networks.errors import ConfigError
from networks.i18n import N_, _
from networks.roadnet import RoadNetwork
from scenarios.config_keys import Key, Section
from scenarios.validate import read_table_text

#: A table given as a siting task's ``candidates``, ``demand`` or ``fix`` (CSV or GIS file).
SITING_TABLE = Section(
    "siting table",
    "Siting table (CSV, GeoJSON, GeoPackage or Shapefile)",
    (
        Key("name", "string", "The place's name; a fix table's site that is not a facility "
            "yet keeps it in sites.csv.", "名称"),
        Key("name_zh", "string", "Its Chinese name (for people reading the table).", "中文名称"),
        *location_keys(with_location=False),
        Key("weight", "number", "demand only: the demand of the row's node (rows add up).",
            "需求权重", default=1.0, lo=0.0),
    ),
    zh="选址表",
    help="One row per place, given by node; osmid; lon and lat; x and y; or landmark. Any "
    "other column is refused, as in the stations and depots tables: a misspelt weight "
    "would otherwise give every row weight 1. A header may name a column by its Chinese term "
    "instead (名称, 经度, 纬度, 需求权重...).",
    columns=True,
)  # fmt: skip
#: Above this many nodes, ``candidates = "nodes"`` keeps one node per grid cell.
MAX_ALL_NODES = 3000
#: First spawn-key entry of the incident streams sampled for demand; replications use
#: spawn keys ``(r,)``, so the model never sees the incidents it is evaluated on.
DEMAND_SPAWN_KEY = 2**31 - 1


def table_nodes(
    path: Path, network: RoadNetwork, task: SitingTask, name: str
) -> tuple[np.ndarray, list[TableRow]]:
    """Nodes of the rows of a location table (CSV, GeoJSON...) and the rows themselves.

    ``name`` is the task key the table was given for (``fix``, ``candidates``,
    ``demand``), for the error if it has no rows. A column :data:`SITING_TABLE` does
    not declare is refused, as the facility tables refuse one.
    """
    _refuse_own_output(path, task, name)
    table = read_rows(path, columns=SITING_TABLE.ordered, table=name, headers=SITING_TABLE.chinese)
    if not table:
        raise task.error(name, _("the table {path} has no rows").format(path=path))
    nodes = [
        resolve_location(r.cells, network, source=str(path), key=r.key(), field_key=r.key)
        for r in table
    ]
    return np.asarray(nodes, dtype=np.int64), table


#: A ``fix`` table's name that a facility of the region has at another place, by kind.
_TAKEN = {
    "stations": N_(
        "the station {name!r} already stands at another place (node {node}); one name, "
        "one place (rename this site)"
    ),
    "depots": N_(
        "the depot {name!r} already stands at another place (node {node}); one name, "
        "one place (rename this site)"
    ),
}


def fix_names(
    path: Path, nodes: np.ndarray, rows: list[TableRow], facilities: Sequence[Any], kind: str
) -> dict[int, str]:
    """The names a ``fix`` table gives its sites (node -> name), checked as a facilities table.

    One name, one place (the message of the stations and depots tables); one name per
    node; and no name a facility of the region (``facilities``, every tier) has at
    another node. Rows without a name give none.

    Parameters
    ----------
    path
        The ``fix`` table, for the error.
    nodes, rows
        Its rows and their nodes (:func:`table_nodes`).
    facilities
        The region's stations or depots, of every tier.
    kind
        ``"stations"`` or ``"depots"``.

    Returns
    -------
    dict
        Node -> the name its rows give it.

    Raises
    ------
    networks.errors.ConfigError
        Naming the table, the row and its ``name`` column.
    """
    names: dict[int, str] = {}
    place: dict[str, tuple[int, TableRow]] = {}  # each name's node and first row
    named: dict[int, TableRow] = {}  # each node's first named row
    at = {f.name: f.node for f in facilities}
    for node, row in zip(nodes.tolist(), rows, strict=True):
        raw = row.cells.get("name")
        if raw is None or not str(raw).strip():
            continue
        name = str(raw)
        there, first = place.setdefault(name, (node, row))
        if there != node:
            message = _(ELSEWHERE[kind]).format(name=name, where=first.where)
        elif names.setdefault(node, name) != name:
            message = _(
                "{name!r} is at the same place as {first!r} on {where}; one place, one name "
                "(keep one of the rows)"
            ).format(name=name, first=names[node], where=named[node].where)
        elif at.get(name, node) != node:
            message = _(_TAKEN[kind]).format(name=name, node=at[name])
        else:
            named.setdefault(node, row)
            continue
        raise ConfigError(message, source=str(path), key=row.key("name"))
    return names


def _refuse_own_output(path: Path, task: SitingTask, name: str) -> None:
    """Say what to keep when a table is a ``sites.csv``/``proposed_*.csv`` yingji wrote.

    Their extra columns (``status``, ``tier``, ...) would be refused one by one, and
    a ``sites.csv`` also lists closed sites, which a ``fix`` table would keep open.
    """
    if Path(path).suffix.lower() != ".csv":
        return
    try:
        head = {c.strip() for c in read_table_text(path).split("\n", 1)[0].split(",")}
    except ConfigError:
        return  # the table reader says what is wrong with the file
    if {"status", "tier"} <= head or "capability" in head:
        raise task.error(
            name,
            _(
                "{path} is a table yingji wrote (sites or facilities): keep the rows to use "
                "and only name, name_zh and one location column (node, osmid, lon and lat, "
                "x and y, or landmark)"
            ).format(path=path),
        )


def grid_nodes(network: RoadNetwork, spacing_m: float) -> np.ndarray:
    """One node per ``spacing_m`` grid cell: the one nearest the cell's centre.

    Parameters
    ----------
    network
        The road network.
    spacing_m
        Cell size, metres.

    Returns
    -------
    numpy.ndarray
        Sorted node indices.
    """
    x, y = network.nodes.x, network.nodes.y
    cx, cy = np.floor(x / spacing_m), np.floor(y / spacing_m)
    d2 = (x - (cx + 0.5) * spacing_m) ** 2 + (y - (cy + 0.5) * spacing_m) ** 2
    order = np.lexsort((d2, cy, cx))
    cells = np.column_stack([cx[order], cy[order]])
    first = np.ones(order.size, dtype=bool)
    first[1:] = np.any(cells[1:] != cells[:-1], axis=1)
    return np.sort(order[first])


def demand_weights(
    task: SitingTask, config: RunConfig, region: Region
) -> tuple[np.ndarray, np.ndarray]:
    """Demand nodes and weights of a task (only nodes with positive demand).

    ``scenario`` counts incidents over ``demand_samples`` streams of the
    config's scenario (for depots, incidents that need supplies, if any do),
    drawn from seeds the evaluation's replications never use; a config that
    replays an incident log counts the log's incidents once.
    """
    net = region.network
    n = net.n_nodes
    if isinstance(task.demand, Path):
        nodes, rows = table_nodes(task.demand, net, task, "demand")
        w = np.zeros(n)
        for node, row in zip(nodes, rows, strict=True):
            weight = SITING_TABLE["weight"]
            raw = row.cells.get("weight", weight.default)
            w[node] += number(
                weight.default if raw in (None, "") else raw,
                source=str(task.demand),
                key=row.key("weight"),
                lo=weight.lo,
            )
    elif task.demand == "nodes":
        w = np.ones(n)
    elif task.demand == "population":
        from scenarios.places import Geography

        w = Geography(net).population
    else:
        from experiments.runner import draw_incidents

        w = np.zeros(n)
        # A log replays the same incidents whatever the seed: count them once, not 20 times.
        for k in range(1 if config.incidents is not None else task.demand_samples):
            seed = np.random.SeedSequence(config.seed, spawn_key=(DEMAND_SPAWN_KEY, k))
            stream = draw_incidents(config, region, rng=np.random.default_rng(seed))
            nodes = np.asarray(stream.node, dtype=np.int64)
            if task.facility == "depots":
                needs = np.array([bool(r.supplies) for r in stream.requirements])
                if needs.size and needs.any():
                    nodes = nodes[needs[np.asarray(stream.requirement, dtype=np.int64)]]
            w += np.bincount(nodes, minlength=n)
    dem = np.flatnonzero(w > 0)
    if dem.size == 0:
        raise task.error("demand", _("no demand: every weight is zero"))
    return dem, w[dem]


def candidate_nodes(task: SitingTask, network: RoadNetwork, current: np.ndarray) -> np.ndarray:
    """Candidate site nodes of a task (``current``: the tier's sites now), before extras.

    ``auto`` is the landmarks if the network has any, else ``nodes``; ``nodes``
    is every node, or one per grid cell on networks above :data:`MAX_ALL_NODES`.
    """
    if isinstance(task.candidates, Path):
        return table_nodes(task.candidates, network, task, "candidates")[0]
    kind = task.candidates
    if kind == "auto":
        kind = "landmarks" if network.landmarks else "nodes"
    if kind == "landmarks":
        if not network.landmarks:
            raise task.error(
                "candidates",
                _("network {name!r} has no landmarks; use nodes").format(name=network.name),
            )
        return np.array([lm.node for lm in network.landmarks], dtype=np.int64)
    if kind == "nodes":
        if network.n_nodes <= MAX_ALL_NODES:
            return np.arange(network.n_nodes)
        return grid_nodes(network, task.candidate_spacing_m)
    return current  # "current": keep or close existing sites only
