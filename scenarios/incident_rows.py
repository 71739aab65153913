"""An incident log's rows checked one by one, all but their places on the network.

:func:`read_log_rows` reads the columns of :mod:`scenarios.incident_log` from
a :class:`scenarios.log_table.LogTable` in row order and stops at the first
mistake, naming the row and the column; :func:`scenarios.incident_log.place_rows`
then puts the rows on a network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios import incident_cells as cells
from scenarios.catalogue import HazardCatalogue
from scenarios.limits import MAX_DURATION_MIN
from scenarios.log_table import LogTable
from scenarios.stream import Requirement

__all__ = ["LOG_COLUMNS", "LogRows", "minute_zero", "read_log_rows"]

#: Columns a log may have, in the order messages list them.
LOG_COLUMNS = (
    "id", "time", "time_min", "node", "osmid", "lon", "lat", "x", "y", "hazard", "category",
    "grade", "teams", "teams_needed", "supplies", "control_work", "clear_work", "parent",
)  # fmt: skip
#: Other names of a column (the issue's and the sample's wording), -> the name read.
_ALIASES = {"time_min": "time", "teams_needed": "teams"}
#: A run's records name this the clock time the full complement arrived: never minutes of work.
RECORDS_TIME = "on_scene"


@dataclass(frozen=True, eq=False)
class LogRows:
    """A log's rows with everything but their places on the network checked (log order).

    ``node`` is ``-1``, ``osmid`` ``None`` and ``lon``/``lat`` NaN where not
    given; ``control_work``/``clear_work`` are NaN where they are to be drawn;
    ``parent`` is a row position (``-1``: none); ``start`` is the date-time of
    minute 0 (``None`` when the log counts minutes).
    """

    table: LogTable
    time: np.ndarray
    hazard: np.ndarray
    category: np.ndarray
    grade: np.ndarray
    requirement: np.ndarray
    requirements: tuple[Requirement, ...]
    control_work: np.ndarray
    clear_work: np.ndarray
    parent: np.ndarray
    ids: Mapping[int, int]
    node: np.ndarray
    osmid: tuple[int | None, ...]
    lon: np.ndarray
    lat: np.ndarray
    names: Mapping[str, str]
    start: datetime | None = None


def _name_columns(table: LogTable) -> dict[str, str]:
    """Column read -> its name in the table; an alias beside its column is refused."""
    if RECORDS_TIME in table.columns:  # it once stood for control_work: say why it no longer does
        raise ConfigError(
            _(
                "on_scene is the time the full complement arrived (as a run's records write "
                "it), not minutes of work: name the work on scene control_work"
            ),
            source=table.source,
            key=table.column_key(RECORDS_TIME),
        )
    table.check_columns(LOG_COLUMNS)
    names: dict[str, str] = {}
    for c in table.columns:
        read = _ALIASES.get(c, c)
        if read in names:
            raise ConfigError(
                _("give {a} or {b}, not both").format(a=names[read], b=c),
                source=table.source,
                key=table.column_key(c),
            )
        names[read] = c
    for c in ("time", "hazard", "grade"):
        if c not in names:
            table.check_columns(LOG_COLUMNS, required=(c,))
    if not ({"node", "osmid"} & set(names) or {"lon", "lat"} <= set(names)):
        raise ConfigError(
            _("no place: give lon and lat, node or osmid columns"),
            source=table.source,
            key=table.header or None,
        )
    return names


class _Reader:
    """The state of reading a log row by row: what is known so far, and the columns."""

    def __init__(self, table: LogTable, catalogue: HazardCatalogue, start: datetime | None):
        self.table, self.cat, self.t0 = table, catalogue, start
        self.names = _name_columns(table)
        n = len(table)
        self.hz_names = cells.hazard_index(catalogue)
        self.index = {k: i for i, k in enumerate(catalogue.keys)}
        self.base = catalogue.requirements()
        self.extra: dict[Requirement, int] = {}
        self.minutes, self.control, self.clear = np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
        self.lon, self.lat = np.full(n, np.nan), np.full(n, np.nan)
        self.grade, self.req = np.zeros(n, np.int8), np.zeros(n, np.int32)
        self.node, self.parent = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
        self.hazard, self.category = [""] * n, [""] * n
        self.osmid: list[int | None] = [None] * n
        self.stamps: list[datetime | None] = [None] * n
        self.ids: dict[int, int] = {}
        self.parent_ids: dict[int, int] = {}
        self.dated: bool | None = None  # whether times are date-times (the first row decides)
        # A start with an offset decides; one without takes the log's (see time()).
        self.start_aware = start is not None and start.tzinfo is not None
        self.aware: bool | None = True if self.start_aware else None

    def cell(self, i: int, col: str, *, need: bool = False) -> Any:
        """Row ``i``'s cell of column ``col`` (as read), ``None`` if empty or absent."""
        if col not in self.names:
            return None
        v = cells.plain(self.table.columns[self.names[col]][i])
        if v is None and need:
            raise cells.CellError(_("empty (a value is needed)"))
        return v

    def row(self, i: int) -> None:
        """Read row ``i``; a :class:`CellError` names the column in ``self.col``."""
        self.col = "time"
        self.time(i, cells.time_cell(self.cell(i, "time", need=True)))
        self.col = "hazard"
        h = cells.hazard_cell(self.cell(i, "hazard", need=True), self.hz_names, self.cat)
        self.hazard[i], self.category[i] = h, self.cat[h].category
        self.col = "category"
        c = self.cell(i, "category")
        if c is not None and c != self.category[i]:
            raise cells.CellError(
                _("{value!r} is not the category of {hazard} ({category})").format(
                    value=c, hazard=h, category=self.category[i]
                )
            )
        self.col = "grade"
        g = self.grade[i] = cells.grade_cell(self.cell(i, "grade", need=True))
        row = 4 * self.index[h] + g - 1
        req = self.base[row]
        self.col = "teams"
        v = self.cell(i, "teams")
        teams = req.teams if v is None else cells.teams_cell(v, req.teams)
        self.col = "supplies"
        v = self.cell(i, "supplies")
        supplies = req.supplies if v is None else cells.supplies_cell(v)
        if (teams, supplies) != (req.teams, req.supplies):
            own = Requirement(h, g, teams, supplies)
            row = self.extra.setdefault(own, len(self.base) + len(self.extra))
        self.req[i] = row
        for col, arr in (("control_work", self.control), ("clear_work", self.clear)):
            self.col = col
            v = self.cell(i, col)
            if v is not None:
                arr[i] = cells.number(v)
        self.ident(i)
        self.place(i)

    def time(self, i: int, t: float | datetime) -> None:
        dated = isinstance(t, datetime)
        if self.dated is None:
            self.dated = dated
            if not dated and self.t0 is not None:
                raise cells.CellError(_("minutes since the start, but a start date-time is given"))
        if dated != self.dated:
            raise cells.CellError(
                _("a date-time among minutes since the start: give every time one way")
                if dated
                else _("minutes since the start among date-times: give every time one way")
            )
        if not isinstance(t, datetime):
            self.minutes[i] = t
            return
        if self.aware is None:
            self.aware = t.tzinfo is not None
            if self.aware and self.t0 is not None:  # a start without an offset is on the log's
                self.t0 = self.t0.replace(tzinfo=t.tzinfo)
        if (t.tzinfo is not None) != self.aware:
            raise cells.CellError(
                _("no UTC offset, but the start {start} has one: give every time one way").format(
                    start=self.t0
                )
                if self.start_aware and t.tzinfo is None
                else _("date-times with and without a UTC offset: give every time one way")
            )
        if self.t0 is not None and t < self.t0:
            raise cells.CellError(
                _("{time} is before the run's start {start}").format(time=t, start=self.t0)
            )
        self.stamps[i] = t

    def ident(self, i: int) -> None:
        self.col = "id"
        v = self.cell(i, "id", need=True)
        if v is not None:
            k = cells.integer(v)
            if k in self.ids:
                raise cells.CellError(
                    _("id {id} is given again (first in {row})").format(
                        id=k, row=self.table.rows[self.ids[k]]
                    )
                )
            self.ids[k] = i
        self.col = "parent"
        v = self.cell(i, "parent")
        if v is not None and cells.integer(v) != -1:
            if "id" not in self.names:
                raise cells.CellError(_("a parent needs an id column to refer to"))
            self.parent_ids[i] = cells.integer(v)

    def place(self, i: int) -> None:
        self.col = "node"
        v = self.cell(i, "node")
        if v is not None:
            self.node[i] = cells.integer(v, lo=0)
        self.col = "osmid"
        v = self.cell(i, "osmid")
        if v is not None:
            self.osmid[i] = cells.integer(v)
        lon, lat = self.cell(i, "lon"), self.cell(i, "lat")
        if (lon is None) != (lat is None):
            self.col = "lat" if lat is None else "lon"
            given = "lon" if lat is None else "lat"
            raise cells.CellError(
                _("{given} is given without {missing}").format(given=given, missing=self.col)
            )
        if lon is not None:
            self.col = "lon"
            self.lon[i] = cells.number(lon, lo=-180, hi=180)
            self.col = "lat"
            self.lat[i] = cells.number(lat, lo=-90, hi=90)
        if self.node[i] < 0 and self.osmid[i] is None and lon is None:
            self.col = ""
            raise cells.CellError(_("no place: give lon and lat, node or osmid"))

    def finish(self) -> None:
        """Link parents to rows and date-times to minutes (needs every row)."""
        t = self.table
        for i, k in self.parent_ids.items():
            if k not in self.ids:
                raise t.error(
                    i, self.names["parent"], _("no incident with id {id} in the log").format(id=k)
                )
            self.parent[i] = self.ids[k]
        if self.dated and len(t):
            t0 = self.t0 or min(self.stamps)  # type: ignore[type-var]
            for i, s in enumerate(self.stamps):
                self.minutes[i] = (s - t0).total_seconds() / 60.0  # type: ignore[operator]
            self.check_span()
            self.t0 = t0

    def check_span(self) -> None:
        """Refuse a log longer than a run may be, naming its two ends (a mistyped year)."""
        last = int(np.argmax(self.minutes))
        if self.minutes[last] <= MAX_DURATION_MIN:
            return
        t, col, days = self.table, self.names["time"], MAX_DURATION_MIN // 1440
        if self.t0 is not None:  # the given start is one end; a row before it was refused
            raise t.error(
                last,
                col,
                _(
                    "the log runs from the start {first} to {last} ({last_row}), more than "
                    "{days} days: check the year"
                ).format(first=self.t0, last=self.stamps[last], last_row=t.rows[last], days=days),
            )
        first = int(np.argmin(self.minutes))
        # The mistyped end is the one far from most incidents: name its row.
        mid = float(np.median(self.minutes))
        wrong = first if mid - self.minutes[first] > self.minutes[last] - mid else last
        raise t.error(
            wrong,
            col,
            _(
                "the log runs from {first} ({first_row}) to {last} ({last_row}), more than "
                "{days} days: check the year"
            ).format(
                first=self.stamps[first],
                first_row=t.rows[first],
                last=self.stamps[last],
                last_row=t.rows[last],
                days=days,
            ),
        )


def read_log_rows(
    table: LogTable, *, catalogue: HazardCatalogue, start: datetime | str | None = None
) -> LogRows:
    """Check every row of a log but its place on the network (see the module docstring).

    Parameters
    ----------
    table
        The raw rows (:func:`scenarios.log_table.read_csv_table` or ``frame_table``).
    catalogue
        Hazards the log may name.
    start
        The run's start when times are date-times (default: the earliest). One
        without a UTC offset is read in the offset of the log's first time.

    Raises
    ------
    networks.errors.ConfigError
        The first mistake, naming the source, row and column.
    """
    try:
        t0 = None if start is None else cells.parse_start(start)
    except cells.CellError as exc:
        raise ConfigError(str(exc), source=table.source, key="start") from None
    r = _Reader(table, catalogue, t0)
    for i in range(len(table)):
        try:
            r.row(i)
        except cells.CellError as exc:
            raise table.error(i, r.names.get(r.col, r.col) or None, str(exc)) from None
    r.finish()
    return LogRows(
        table=table, time=r.minutes, hazard=np.asarray(r.hazard, dtype=str),
        category=np.asarray(r.category, dtype=str), grade=r.grade, requirement=r.req,
        requirements=r.base + tuple(r.extra), control_work=r.control, clear_work=r.clear,
        parent=r.parent, ids=r.ids, node=r.node, osmid=tuple(r.osmid), lon=r.lon, lat=r.lat,
        names=r.names, start=r.t0 if r.dated else None,
    )  # fmt: skip


def minute_zero(table: LogTable, start: datetime | str | None = None) -> datetime | None:
    """The date-time of a log's minute 0, as :func:`read_log_rows` takes it (cells not checked).

    Parameters
    ----------
    table
        The log's raw rows.
    start
        The run's start, if given; one without a UTC offset is read in the
        offset of the log's first time.

    Returns
    -------
    datetime or None
        ``start``, else the earliest time; ``None`` when the log counts minutes
        (or a cell the reader would refuse leaves it unknown).
    """
    column = next((c for c in table.columns if _ALIASES.get(c, c) == "time"), None)
    stamps = []
    for raw in table.columns.get(column, []) if column else []:
        value = cells.plain(raw)
        try:
            t = None if value is None else cells.time_cell(value)
        except cells.CellError:
            return None
        if t is not None and not isinstance(t, datetime):
            return None  # minutes since the start
        if t is not None:
            stamps.append(t)
    if not stamps:
        return None
    if start is not None:
        t0 = cells.parse_start(start)
        return t0.replace(tzinfo=stamps[0].tzinfo) if t0.tzinfo is None else t0
    try:
        return min(stamps)
    except TypeError:  # with and without offsets: the reader names the cell
        return None
