"""A bureau's own travel times: an origin-destination matrix that replaces the roads.

Notes
-----
A bureau that has measured (or been given) travel times from its stations and
depots can use them instead of the network's shortest paths. The file is a
long-form CSV table, one pair per row (:data:`OD_MATRIX_TABLE`)::

    origin,destination,minutes,minutes_back
    Xiba Town,118,6.5,7.0
    County Seat,118,21

``origin`` is the name of a station or a depot (a name both have sets both),
``destination`` a network node, ``minutes`` the drive there and
``minutes_back`` the drive from the node back (``minutes`` if left out or
blank; depots use ``minutes`` only). Where the matrix has a pair, the
simulation ranks stations and times the drive (and the way home) by it; every
pair it lacks falls back to the network. Matrix times ignore road closures:
they are the bureau's numbers in every road state.

:func:`read_od_matrix` reads and checks the file (:class:`OdMatrix`, names not
yet placed); :meth:`OdMatrix.check` refuses origins and nodes the region does
not have, and :meth:`OdMatrix.resolve` turns it into the :class:`TravelMatrix`
of one run's stations and depots, in seconds.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.limits import MAX_DURATION_MIN
from scenarios.log_table import LogTable, read_csv_table

__all__ = ["OD_MATRIX_TABLE", "OdMatrix", "TravelMatrix", "read_od_matrix"]

#: The columns of a travel-time matrix file (``[travel] matrix`` of a run config).
OD_MATRIX_TABLE = Section(
    "travel matrix table",
    "Travel-time matrix",
    (
        Key("origin", "string", "Name of a station or a depot.", "起点", default=REQUIRED),
        Key("destination", "integer", "A network node the drive goes to.", "终点",
            default=REQUIRED),
        Key("minutes", "number", "Minutes from the origin to the node (>= 0).", "行驶时间",
            default=REQUIRED, lo=0, hi=MAX_DURATION_MIN),
        Key("minutes_back", "number", "Minutes from the node back to the origin (>= 0).",
            "返程时间", default_text="minutes", lo=0, hi=MAX_DURATION_MIN),
    ),
    zh="起讫点行驶时间矩阵",
    help="One row per (origin, destination) pair, in a CSV file. Where a pair is given it "
    "replaces the network's shortest path; pairs left out use the network. Matrix times "
    "ignore road closures.",
    columns=True,
)  # fmt: skip


@dataclass(frozen=True)
class OdMatrix:
    """A travel-time matrix as read from its file (origins by name).

    Attributes
    ----------
    source
        The file, for messages.
    table
        The rows as read (to name a row and a column in a message).
    origin
        Origin name of each row.
    destination
        Node of each row.
    minutes, minutes_back
        Minutes there and back of each row.
    """

    source: str
    table: LogTable
    origin: tuple[str, ...]
    destination: np.ndarray
    minutes: np.ndarray
    minutes_back: np.ndarray

    def check(self, *, names: Collection[str], n_nodes: int) -> None:
        """Refuse an origin not in ``names`` and a destination off a network of ``n_nodes``.

        Raises
        ------
        networks.errors.ConfigError
            Naming the file, the row and the column.
        """
        known = frozenset(names)
        for i, (name, node) in enumerate(zip(self.origin, self.destination.tolist(), strict=True)):
            if name not in known:
                raise self.table.error(
                    i, "origin", _("no station or depot named {name!r}").format(name=name)
                )
            if not 0 <= node < n_nodes:
                raise self.table.error(
                    i,
                    "destination",
                    _("node {node} is not on the network (0 to {last})").format(
                        node=node, last=n_nodes - 1
                    ),
                )

    def resolve(self, *, stations: Sequence[str], depots: Sequence[str]) -> TravelMatrix:
        """The pairs of stations and depots named ``stations`` and ``depots``, in seconds.

        Rows whose origin is neither are left out (another siting of the
        facilities: a station that moved has no rows).
        """
        st = {n: k for k, n in enumerate(stations)}
        dp = {n: k for k, n in enumerate(depots)}
        s_rows = [i for i, n in enumerate(self.origin) if n in st]
        d_rows = [i for i, n in enumerate(self.origin) if n in dp]
        sec = self.minutes * 60.0
        back = self.minutes_back * 60.0
        return TravelMatrix(
            station=np.array([st[self.origin[i]] for i in s_rows], dtype=np.int64),
            station_node=self.destination[s_rows],
            seconds=sec[s_rows].astype(np.float32),
            seconds_back=back[s_rows].astype(np.float32),
            depot=np.array([dp[self.origin[i]] for i in d_rows], dtype=np.int64),
            depot_node=self.destination[d_rows],
            depot_seconds=sec[d_rows].astype(np.float32),
        )


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """The matrix pairs of one run's stations and depots (indices), in seconds.

    Attributes
    ----------
    station, station_node, seconds, seconds_back
        Per pair: station index, node, float32 seconds there and back.
    depot, depot_node, depot_seconds
        Per pair: depot index, node, float32 seconds from the depot to the node.
    """

    station: np.ndarray
    station_node: np.ndarray
    seconds: np.ndarray
    seconds_back: np.ndarray
    depot: np.ndarray
    depot_node: np.ndarray
    depot_seconds: np.ndarray

    @property
    def key(self) -> bytes:
        """A digest of the pairs: tables kept between runs are kept per matrix."""
        h = hashlib.blake2b(digest_size=16)
        for a in (self.station, self.station_node, self.seconds, self.seconds_back,
                  self.depot, self.depot_node, self.depot_seconds):  # fmt: skip
            h.update(np.ascontiguousarray(a).tobytes())
            h.update(b"|")
        return h.digest()

    def overlay(self, out: np.ndarray, back: np.ndarray) -> None:
        """Write the station pairs over ``out`` (station -> node) and ``back`` (node -> station)."""
        out[self.station, self.station_node] = self.seconds
        back[self.station, self.station_node] = self.seconds_back

    def depot_row(self, n_depots: int, node: int) -> np.ndarray | None:
        """Seconds from each depot to ``node`` where the matrix has them (NaN elsewhere)."""
        hit = self.depot_node == node
        if not hit.any():
            return None
        row = np.full(n_depots, np.nan, dtype=np.float32)
        row[self.depot[hit]] = self.depot_seconds[hit]
        return row


def _number(table: LogTable, i: int, column: str, cell: str) -> float:
    try:
        v = float(cell)
    except ValueError:
        raise table.error(
            i, column, _("expected minutes, got {value!r}").format(value=cell)
        ) from None
    if not math.isfinite(v) or v < 0:
        raise table.error(
            i, column, _("minutes must be a finite number >= 0, got {value!r}").format(value=cell)
        )
    # The times are kept as float32 seconds: 1e300 is finite here but inf there, where it
    # would read as a road cut. No drive outlasts the longest run a config allows.
    if v > MAX_DURATION_MIN:
        raise table.error(
            i,
            column,
            _("minutes must be at most {limit} (the longest run, one leap year), got {value!r}")
            .format(limit=f"{MAX_DURATION_MIN:,}", value=cell),
        )  # fmt: skip
    return v


def _whole(cell: str) -> int | None:
    """A node number from a cell, ``"118"`` or ``"118.0"``; None if it is not a whole number.

    Spreadsheets and pandas write a column with a blank in it as floats, so ``118.0``
    is the node 118, as in the facility tables (``experiments.locations.integer``).
    """
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        v = float(cell)
    except ValueError:
        return None
    return int(v) if math.isfinite(v) and v.is_integer() else None


def read_od_matrix(path: str | Path) -> OdMatrix:
    """Read and check a travel-time matrix file (see :data:`OD_MATRIX_TABLE`).

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    OdMatrix

    Raises
    ------
    networks.errors.ConfigError
        A missing or unreadable file, an unknown or missing column, an empty
        origin, a destination that is not a whole number, minutes that are not
        a finite number >= 0, a pair given twice; naming the file, the row and
        the column.
    """
    t = read_csv_table(path)
    t.check_columns(OD_MATRIX_TABLE.ordered, ("origin", "destination", "minutes"))
    if not len(t):
        raise ConfigError(_("no rows"), source=t.source)
    origin, dest, there, back = [], [], [], []
    seen: dict[tuple[str, int], int] = {}
    cols = t.columns
    backs = cols.get("minutes_back", [""] * len(t))
    for i in range(len(t)):
        name = cols["origin"][i]
        if not name:
            raise t.error(i, "origin", _("empty (a station or depot name)"))
        cell = cols["destination"][i]
        node = _whole(cell)
        if node is None:
            raise t.error(
                i, "destination", _("expected a node number, got {value!r}").format(value=cell)
            ) from None
        if (name, node) in seen:
            raise t.error(
                i, "destination", _("the pair is given already in {row}").format(
                    row=t.rows[seen[name, node]]
                )
            )  # fmt: skip
        seen[name, node] = i
        m = _number(t, i, "minutes", cols["minutes"][i])
        b = _number(t, i, "minutes_back", backs[i]) if backs[i] else m
        origin.append(name)
        dest.append(node)
        there.append(m)
        back.append(b)
    return OdMatrix(
        source=t.source,
        table=t,
        origin=tuple(origin),
        destination=np.array(dest, dtype=np.int64),
        minutes=np.array(there, dtype=np.float64),
        minutes_back=np.array(back, dtype=np.float64),
    )
