"""The stations and depots a run's records number, as tables people look them up in.

Dispatch, move and shelter rows name a station by its index (``station``,
``from_station``, ``to_station``), supply rows a depot by its (``depot``):
compact and exact, but a bureau analyst opening ``moves.csv`` cannot tell what
``9`` is. ``records/stations.csv`` and ``records/depots.csv`` give each index
its name, Chinese name, tier, node and coordinates, once for the run (every
replication has the same facilities).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from experiments.tables import write_table
from networks.i18n import language
from networks.names import facility_label


def facility_tables(records: Any, region: Any) -> dict[str, dict[str, np.ndarray]]:
    """``stations`` and ``depots`` of ``records`` (:class:`sim.RunRecords`), named and placed.

    Parameters
    ----------
    records
        A replication's records (their ``stations`` and ``depots`` tables, in
        the order the other tables' indices count).
    region
        The region it ran on (Chinese names, the network's coordinates).

    Returns
    -------
    dict
        Table name to columns: ``index``, ``name``, ``name_zh`` (the Chinese
        name people read, empty where there is none), ``tier``, (stations)
        ``area``, (depots) ``parent`` (the index of the depot it restocks
        from, ``-1`` for none), ``node``, ``lon``, ``lat``.
    """
    zh, nodes = region.names_zh, region.network.nodes
    with language("zh"):  # the config's Chinese names, and the built-in facilities' own
        shown = {n: facility_label(str(n), zh) for t in (records.stations, records.depots)
                 for n in t["name"]}  # fmt: skip
    out = {}
    for name, extra in (("stations", ("area",)), ("depots", ("parent",))):
        t = getattr(records, name)
        node = np.asarray(t["node"], dtype=np.int64)
        names = [str(n) for n in t["name"]]
        out[name] = {
            "index": np.arange(node.size, dtype=np.int64),
            "name": np.asarray(names, dtype=object),
            "name_zh": np.asarray([shown[n] if shown[n] != n else "" for n in names], dtype=object),
            "tier": np.asarray(t["tier"], dtype=object),
            **{k: np.asarray(t[k]) for k in extra},
            "node": node,
            "lon": np.asarray(nodes.lon, dtype=np.float64)[node],
            "lat": np.asarray(nodes.lat, dtype=np.float64)[node],
        }
    return out


def write_facility_tables(records: Any, region: Any, folder: Path) -> list[Path]:
    """Write ``stations.csv`` and ``depots.csv`` into ``folder`` (see :func:`facility_tables`)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_table(table, folder / name, fmt="csv")
        for name, table in facility_tables(records, region).items()
    ]
