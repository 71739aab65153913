"""Your own incidents: an incident log (CSV or data frame) checked row by row, replayed as a stream.

A log has one row per incident. Columns (English names; any order):

``time`` (or ``time_min``)
    Minutes since the run's start, or ISO 8601 date-times (``2024-07-01T08:30``,
    with or without a UTC offset, the same way in every row). With date-times
    the run starts at ``start`` if given, else at the earliest incident.
``lon`` and ``lat``, or ``node``, or ``osmid``
    Where: WGS84 degrees snapped to the nearest road node (at most
    ``max_snap_m`` away; farther is an error), a node index of the network,
    or an OpenStreetMap node id. Given both, ``node`` wins and ``lon``/``lat``
    must agree with it (as ``yingji scenario sample`` writes them).
``hazard``
    A catalogue key (``building_fire``) or a hazard's English or Chinese name (建筑火灾).
``grade``
    ``I``-``IV`` (``Ⅱ级`` too), ``1``-``4`` or 特别重大 / 重大 / 较大 / 一般.
``teams`` (or ``teams_needed``), optional
    ``fire:2;medical:1``, or a number of teams of the capability the catalogue
    asks most of for the hazard and grade. Empty: the catalogue's.
``supplies``, optional
    ``drinking_water:200;tents:10``. Empty: the catalogue's.
``control_work``, ``clear_work``, optional
    Minutes of work on scene to bring the incident under control, and after
    that until the teams leave. Empty: drawn, see below.
``id``, ``parent``, ``category``, optional
    Incident ids (whole numbers, unique), the id an incident cascaded from
    (``-1`` or empty: none) and the hazard's category (checked against it).
``x``, ``y``
    Written by ``yingji scenario sample``; not read.

Every row is checked, in order; the first mistake stops the reading with one
line naming the file, the row and the column (``log.csv: row 7, column grade:
...``). Places on the network are checked after every row's other cells.

What a log leaves out (work on scene) is drawn for each replication from the
replication's incident generator exactly as for generated incidents (the
``work`` stream of :data:`scenarios.generate.STREAMS`, per hazard and grade
in time order), so runs compared on one replication share their draws.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from networks.i18n import _
from networks.roadnet import RoadNetwork
from networks.seeds import SeedLike, as_generator
from scenarios.catalogue import HazardCatalogue, load_catalogue
from scenarios.incident_rows import LOG_COLUMNS, LogRows, read_log_rows
from scenarios.log_table import LogTable, frame_table, read_csv_table
from scenarios.places import MAX_EVENT_SNAP_M
from scenarios.stream import IncidentStream, ScheduledDisruption

__all__ = ["LOG_COLUMNS", "MAX_LOG_SNAP_M", "IncidentLog", "LogRows", "place_rows", "read_log_rows"]

#: Farthest an incident's lon/lat may lie from its road node, metres (default).
MAX_LOG_SNAP_M = MAX_EVENT_SNAP_M
#: Two places of one incident closer than this (m) are the same (rounded coordinates).
SAME_PLACE_M = 1.0


def place_rows(rows: LogRows, network: RoadNetwork, *, max_snap_m: float) -> np.ndarray:
    """Node index of every row; the first row placed off the network is an error.

    ``node`` must be a node index and ``osmid`` a node id of the network;
    ``lon``/``lat`` must lie within ``max_snap_m`` of a road node, or, beside a
    ``node`` or ``osmid``, within :data:`SAME_PLACE_M` of that node.
    """
    names, nd = rows.names, network.nodes
    bad: list[tuple[int, str, str]] = []  # (row, column, message): the first row is reported
    node = rows.node.copy()
    last = network.n_nodes - 1
    for i in np.flatnonzero(node > last).tolist():
        msg = _("node {node} is not on the network (0..{last})").format(node=node[i], last=last)
        bad.append((i, names["node"], msg))
    if any(o is not None for o in rows.osmid):
        by_id: dict[int, int] = {}
        for j, o in enumerate(nd.osmid.tolist()):
            by_id.setdefault(int(o), j)
        for i, o in enumerate(rows.osmid):
            if o is None:
                continue
            if o not in by_id:
                msg = network.cleaning.id_reason(o, network.name) or _(
                    "node id {osmid} is not on the network {network!r}"
                ).format(osmid=o, network=network.name)
                bad.append((i, names["osmid"], msg))
            elif node[i] < 0:
                node[i] = by_id[o]
            elif node[i] <= last and _apart(network, node[i], by_id[o]) > SAME_PLACE_M:
                msg = _km_apart("node", "osmid", _apart(network, node[i], by_id[o]))
                bad.append((i, names["osmid"], msg))
    ll = np.flatnonzero(~np.isnan(rows.lon))
    if ll.size:
        px, py = _to_crs(network.crs).transform(rows.lon[ll], rows.lat[ll])
        snapped, dist = network.snap(px, py)
        # On a part of the roads that loading dropped: refused, however near a kept node is.
        on_dropped = network.cleaning.parts_at(px, py, max_snap_m, dist) > 0
        far_seen = False  # only the first row far off can be reported: it alone is explained
        for k, i in enumerate(ll.tolist()):
            if rows.node[i] >= 0 or rows.osmid[i] is not None:  # the node is given: agree with it
                if 0 <= node[i] <= last:
                    apart = float(np.hypot(nd.x[node[i]] - px[k], nd.y[node[i]] - py[k]))
                    if apart > SAME_PLACE_M:
                        given = "node" if rows.node[i] >= 0 else "osmid"
                        bad.append((i, names["lon"], _km_apart(given, "lon+lat", apart)))
            elif on_dropped[k] or not dist[k] <= max_snap_m:
                if far_seen:
                    continue
                far_seen = True
                msg = network.dropped_reason(
                    rows.lon[i], rows.lat[i], lonlat=True, max_m=max_snap_m
                ) or _(
                    "lon {a}, lat {b} is {km} km from the nearest road node "
                    "(at most {m} m allowed): not on the network {network!r}"
                ).format(
                    a=rows.lon[i], b=rows.lat[i], km=f"{dist[k] / 1000:.2f}", m=f"{max_snap_m:.0f}",
                    network=network.name,
                )  # fmt: skip
                bad.append((i, names["lon"], msg))
            else:
                node[i] = snapped[k]
    if bad:
        i, col, msg = min(bad)
        raise rows.table.error(i, col, msg)
    return node


@lru_cache(maxsize=8)
def _to_crs(crs: str) -> Any:
    """WGS84 -> ``crs``, as :meth:`RoadNetwork.project` (cached: a transformer costs ~40 ms)."""
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _apart(network: RoadNetwork, a: int, b: int) -> float:
    nd = network.nodes
    return float(np.hypot(nd.x[a] - nd.x[b], nd.y[a] - nd.y[b]))


def _km_apart(first: str, second: str, metres: float) -> str:
    return _(
        "{first} and {second} give places {km} km apart: give one location (or ones that agree)"
    ).format(first=first, second=second, km=f"{metres / 1000:.2f}")


@dataclass(frozen=True, eq=False)
class IncidentLog:
    """A checked incident log placed on a network, ready to replay (time-sorted).

    Attributes
    ----------
    template
        The incidents as an :class:`IncidentStream`, work on scene 0 where it is drawn.
    control_work, clear_work
        The log's work per incident (time order), NaN where it is drawn.
    catalogue
        The hazards the work is drawn from.
    source
        The log's file (or ``"<frame>"``).
    """

    template: IncidentStream
    control_work: np.ndarray
    clear_work: np.ndarray
    catalogue: HazardCatalogue
    source: str = "<frame>"

    def __len__(self) -> int:
        return len(self.template)

    @property
    def draws(self) -> bool:
        """Whether a replay draws anything (some work on scene is not in the log)."""
        return bool(np.isnan(self.control_work).any() or np.isnan(self.clear_work).any())

    def stream(self, *, rng: SeedLike = None) -> IncidentStream:
        """The log as an incident stream, the work it leaves out drawn from ``rng``.

        Parameters
        ----------
        rng
            The replication's incident generator (or a seed, see
            :func:`networks.seeds.as_generator`). Unused if the log gives all
            the work; otherwise the draws are those :func:`scenarios.generate_stream`
            makes from the same generator for the same hazards and grades.
        """
        from scenarios.generate import STREAMS

        control, clear = self.control_work.copy(), self.clear_work.copy()
        if self.draws:
            work = as_generator(rng).spawn(len(STREAMS))[STREAMS.index("work")]
            hz, gr = self.template.hazard, self.template.grade
            for h in sorted(set(hz.tolist())):
                for g in (1, 2, 3, 4):
                    sel = np.flatnonzero((hz == h) & (gr == g))
                    if sel.size:  # the whole group is drawn: a given value spares no draw
                        c = self.catalogue[h].control_work(g).sample(work, sel.size)
                        k = self.catalogue[h].clear_work(g).sample(work, sel.size)
                        control[sel] = np.where(np.isnan(control[sel]), c, control[sel])
                        clear[sel] = np.where(np.isnan(clear[sel]), k, clear[sel])
        return replace(self.template, control_work=control, clear_work=clear)

    # -------------------------------------------------------------- reading
    @classmethod
    def from_table(
        cls,
        table: LogTable,
        network: RoadNetwork,
        *,
        catalogue: HazardCatalogue | None = None,
        start: datetime | str | None = None,
        max_snap_m: float = MAX_LOG_SNAP_M,
        disruptions: LogTable | None = None,
    ) -> IncidentLog:
        """Check a table of incidents and place it on ``network`` (see the module docstring)."""
        from scenarios.disruption_log import read_disruptions

        cat = load_catalogue() if catalogue is None else catalogue
        rows = read_log_rows(table, catalogue=cat, start=start)
        node = place_rows(rows, network, max_snap_m=max_snap_m)
        sched: tuple[ScheduledDisruption, ...] = ()
        if disruptions is not None:
            sched = read_disruptions(disruptions, network, ids=rows.ids)
        order = np.argsort(rows.time, kind="stable")  # as from_rows sorts
        template = IncidentStream.from_rows(
            time=rows.time, node=node, hazard=rows.hazard, category=rows.category,
            grade=rows.grade, requirement=rows.requirement,
            control_work=np.nan_to_num(rows.control_work),
            clear_work=np.nan_to_num(rows.clear_work),
            requirements=rows.requirements, parent=rows.parent, disruptions=sched,
        )  # fmt: skip
        return cls(template, rows.control_work[order], rows.clear_work[order], cat, table.source)

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        network: RoadNetwork,
        *,
        catalogue: HazardCatalogue | None = None,
        start: datetime | str | None = None,
        max_snap_m: float = MAX_LOG_SNAP_M,
        source: str = "<frame>",
    ) -> IncidentLog:
        """A log from a :class:`pandas.DataFrame` or a mapping of column -> cells.

        Parameters
        ----------
        frame
            The incidents, one row each (columns as in the module docstring).
        network
            Where they happened.
        catalogue
            Hazards the log may name (default: the shipped catalogue).
        start
            The run's start when times are date-times (default: the earliest).
        max_snap_m
            Farthest a ``lon``/``lat`` may lie from its road node, metres.
        source
            What messages call the frame.
        """
        return cls.from_table(
            frame_table(frame, source=source), network, catalogue=catalogue, start=start,
            max_snap_m=max_snap_m,
        )  # fmt: skip

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        network: RoadNetwork,
        *,
        catalogue: HazardCatalogue | None = None,
        start: datetime | str | None = None,
        max_snap_m: float = MAX_LOG_SNAP_M,
        disruptions: str | os.PathLike[str] | None = None,
    ) -> IncidentLog:
        """A log from a UTF-8 CSV file (``disruptions``: a road schedule as sample writes it).

        Other parameters as in :meth:`from_frame`.
        """
        return cls.from_table(
            read_csv_table(path), network, catalogue=catalogue, start=start,
            max_snap_m=max_snap_m,
            disruptions=None if disruptions is None else read_csv_table(Path(disruptions)),
        )  # fmt: skip
