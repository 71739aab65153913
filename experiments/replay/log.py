"""A historical log for replay: the incidents, and the times the bureau observed.

A replay log is an incident log (:mod:`scenarios.incident_log`: ``time``,
``lon``/``lat`` or ``node``, ``hazard``, ``grade``, ...) with up to three more
columns, the observed times, written the same way as ``time`` (minutes since
the start, or ISO 8601 date-times):

``call_taken`` (or ``dispatch``)
    The call was answered and the first team alerted.
``first_arrival`` (or ``arrival``)
    The first team arrived on scene.
``under_control`` (or ``control``)
    The incident was under control.

An empty cell is unknown (that incident drops out of that interval). The
names are those of a run's ``records/incidents`` table, so a table yingji
wrote replays as it is: its ``call`` is read as ``time`` (a ``nan`` time is
unknown), its ``on_scene`` (when the full complement arrived) is checked as a
time but not compared, and its other columns (:data:`RECORDS_ONLY`, and in
such a table ``teams_needed``, a count) are left out. Each time must not come
before the one it follows.
"""

from __future__ import annotations

import difflib
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.incident_rows import LOG_COLUMNS, RECORDS_TIME
from sim.records import INCIDENT_COLUMNS as RECORDS_COLUMNS

logger = logging.getLogger(__name__)
#: Fewer incidents than this behind every interval of a log: a replay warns.
FEW_MEASURED = 30

__all__ = ["OBSERVED_COLUMNS", "RECORDS_ONLY", "ReplayLog", "read_replay_log"]

#: Observed time columns, in the order of the response, with their aliases.
OBSERVED_COLUMNS = {
    "call_taken": ("call_taken", "dispatch"),
    "first_arrival": ("first_arrival", "arrival"),
    "under_control": ("under_control", "control"),
}
#: The alarm time as a run's records name it (``time`` of an incident log).
RECORDS_CALL = "call"
#: Columns of a run's records table that a replay leaves out (outcomes of that run).
RECORDS_ONLY = tuple(
    c
    for c in RECORDS_COLUMNS
    if c not in {*LOG_COLUMNS, *OBSERVED_COLUMNS, RECORDS_CALL, RECORDS_TIME}
)


@dataclass(frozen=True)
class ReplayLog:
    """A log ready to replay.

    Attributes
    ----------
    incidents
        The incidents (:class:`scenarios.incident_log.IncidentLog`), time-sorted.
    times
        ``call``, ``call_taken``, ``first_arrival``, ``under_control`` in
        minutes from the start, in the incidents' order (NaN: unknown).
    start
        The date-time of minute 0 (``None`` when the log counts minutes).
    source
        The log's file, for messages.
    disruptions
        The file of the roads closed or slowed while it ran (``None``: the
        roads stayed open); its schedule is in ``incidents``.
    """

    incidents: Any
    times: dict[str, np.ndarray]
    start: datetime | None
    source: str
    disruptions: str | None = None

    def __len__(self) -> int:
        return len(self.incidents)


def _check_columns(table: Any) -> None:
    """Refuse a column a replay log cannot have, listing those it can (and the nearest)."""
    known = list(LOG_COLUMNS)
    known.insert(known.index("time_min") + 1, RECORDS_CALL)
    known += [a for aliases in OBSERVED_COLUMNS.values() for a in aliases]
    for c in table.columns:
        if c in known or c in RECORDS_ONLY or c == RECORDS_TIME:
            continue
        near = difflib.get_close_matches(c, [*known, RECORDS_TIME], n=1)
        columns = ", ".join(known)
        raise ConfigError(
            _("unknown column: did you mean {name}? (expected some of {columns})").format(
                name=near[0], columns=columns
            )
            if near
            else _("unknown column (expected some of {columns})").format(columns=columns),
            source=table.source,
            key=table.column_key(c),
        )


def _split(table: Any) -> tuple[Any, dict[str, str]]:
    """The incident columns as a table of their own, and observed name -> column.

    A records table's ``call`` becomes ``time``; its columns of outcomes and
    ``on_scene`` stay out of the incidents.
    """
    from scenarios.log_table import LogTable

    observed: dict[str, str] = {}
    for name, aliases in OBSERVED_COLUMNS.items():
        given = [c for c in aliases if c in table.columns]
        if len(given) > 1:
            raise ConfigError(
                _("give {a} or {b}, not both").format(a=given[0], b=given[1]),
                source=table.source,
                key=table.column_key(given[1]),
            )
        if given:
            observed[name] = given[0]
    records = RECORDS_CALL in table.columns
    if records:
        for other in ("time", "time_min"):
            if other in table.columns:
                raise ConfigError(
                    _("give {a} or {b}, not both").format(a=other, b=RECORDS_CALL),
                    source=table.source,
                    key=table.column_key(RECORDS_CALL),
                )
    # In a records table teams_needed counts the teams sent for; the catalogue names them.
    left_out = {*observed.values(), RECORDS_TIME, *RECORDS_ONLY}
    if records:
        left_out.add("teams_needed")
    rest = {
        ("time" if c == RECORDS_CALL else c): v
        for c, v in table.columns.items()
        if c not in left_out
    }
    return LogTable(table.source, rest, table.rows, table.header), observed


def _minutes(table: Any, column: str, start: datetime | None) -> np.ndarray:
    """A time column as minutes from ``start`` (NaN for empty cells, and ``nan`` ones)."""
    from scenarios import incident_cells as cells

    out = np.full(len(table), np.nan)
    for i, raw in enumerate(table.columns[column]):
        value = cells.plain(raw)
        if value is None or (isinstance(value, str) and value.casefold() == "nan"):
            continue  # a run's records write "nan" for what did not happen
        try:
            t = cells.time_cell(value)
        except cells.CellError as e:
            raise table.error(i, column, str(e)) from None
        if isinstance(t, datetime) != (start is not None):
            raise table.error(i, column, _("give every time one way (as the time column does)"))
        if isinstance(t, datetime):
            assert start is not None
            if (t.tzinfo is None) != (start.tzinfo is None):
                raise table.error(
                    i,
                    column,
                    _("date-times with and without a UTC offset: give every time one way"),
                )
            out[i] = (t - start).total_seconds() / 60.0
        else:
            out[i] = float(t)
    return out


def _check_on_scene(table: Any, start: datetime | None, raw: dict[str, np.ndarray]) -> None:
    """A records table's ``on_scene``: a time, not before the first arrival (nor the alarm).

    It was once read as minutes of work; such a column fails here, loudly.
    """
    text = _(
        "on_scene is the time the full complement arrived (as a run's records write "
        "it), not minutes of work: name the work on scene control_work"
    )
    try:
        scene = _minutes(table, RECORDS_TIME, start)
    except ConfigError as e:
        raise ConfigError(text, source=e.source, key=e.key) from None
    first = raw.get("first_arrival", raw["call"])  # NaN compares false: unknown passes
    bad = np.flatnonzero((scene < first - 1e-9) | (scene < raw["call"] - 1e-9))
    if bad.size:
        raise table.error(int(bad[0]), RECORDS_TIME, text)


def _check_something_to_compare(
    raw: dict[str, np.ndarray], observed: dict[str, str], source: str
) -> int:
    """Refuse a log from which no interval can be measured (nothing would be compared).

    The intervals run from each time to the next: alarm -> call_taken ->
    first_arrival -> under_control, as
    :func:`experiments.replay.simulate.intervals_from_times` measures them.
    Returns the incidents the best-measured interval has.
    """
    if not observed:
        raise ConfigError(
            _(
                "no observed times to compare: add a call_taken, first_arrival or "
                "under_control column"
            ),
            source=source,
        )
    if not any(np.isfinite(raw[name]).any() for name in observed):
        raise ConfigError(
            _("no observed times to compare: the columns {columns} are empty").format(
                columns=", ".join(observed.values())
            ),
            source=source,
        )
    steps = ("call", *OBSERVED_COLUMNS)
    measured = [
        int((np.isfinite(raw[a]) & np.isfinite(raw[b])).sum())
        for a, b in zip(steps, steps[1:], strict=False)
        if a in raw and b in raw
    ]
    if not any(measured):
        raise ConfigError(
            _(
                "no interval to compare: give call_taken, or first_arrival and "
                "under_control of the same incidents"
            ),
            source=source,
        )
    if max(measured) < 2:  # a quantile, an interval for it and a KS test need two or more
        raise ConfigError(
            _(
                "every interval is measured on one incident only: a replay compares "
                "distributions, so at least one interval needs the times of two incidents "
                "or more (a few dozen for a comparison that means much)"
            ),
            source=source,
        )
    return max(measured)


def _warn_few(source: str, n: int) -> None:
    """Warn that the comparison rests on few incidents (after every check has passed)."""
    if n < FEW_MEASURED:
        logger.warning(
            _(
                "{source}: the best-measured interval has the times of {n} incidents only: "
                "the observed distributions, their intervals and the test of a difference "
                "rest on few (a few dozen make a comparison that means much)"
            ).format(source=source, n=n)
        )


def read_replay_log(
    source: str | os.PathLike[str] | Any,
    network: Any,
    *,
    start: datetime | str | None = None,
    max_snap_m: float | None = None,
    disruptions: str | os.PathLike[str] | None = None,
) -> ReplayLog:
    """Read and check a replay log (a CSV file, a data frame or a mapping of columns).

    Parameters
    ----------
    source
        Path of a UTF-8 CSV file, or a :class:`pandas.DataFrame` / mapping.
    network
        The region's road network.
    start
        Minute 0 for date-times (default: the earliest alarm).
    max_snap_m
        Farthest a ``lon``/``lat`` may lie from its road node, metres.
    disruptions
        A CSV of the roads closed or slowed while the log ran, as ``yingji
        scenario sample`` and a run's records write it (``incident``: an
        ``id`` of the log); ``None``: the roads stayed open.

    Returns
    -------
    ReplayLog

    Raises
    ------
    ConfigError
        The first bad cell, naming the file, row and column; an observed time
        before the one it follows; a log with no incidents, or with no observed
        time that makes an interval to compare.
    """
    from scenarios.incident_log import MAX_LOG_SNAP_M, IncidentLog
    from scenarios.incident_rows import minute_zero
    from scenarios.log_table import frame_table, read_csv_table

    if isinstance(source, str | os.PathLike):
        table = read_csv_table(Path(source))
    else:
        table = frame_table(source)
    _check_columns(table)
    incidents_table, observed = _split(table)
    log = IncidentLog.from_table(
        incidents_table,
        network,
        start=start,
        max_snap_m=MAX_LOG_SNAP_M if max_snap_m is None else max_snap_m,
        disruptions=None if disruptions is None else read_csv_table(Path(disruptions)),
    )
    if len(log) == 0:  # after the header's check: a wrong column is named first
        raise ConfigError(
            _("the table has no rows (no incidents); give at least one"), source=table.source
        )
    t0 = minute_zero(incidents_table, start)  # the rows are checked: as the reader took it
    time_col = "time" if "time" in incidents_table.columns else "time_min"
    call = _minutes(incidents_table, time_col, t0)
    raw = {"call": call}
    for name, column in observed.items():
        raw[name] = _minutes(table, column, t0)
    most = _check_something_to_compare(raw, observed, table.source)
    if RECORDS_TIME in table.columns:
        _check_on_scene(table, t0, raw)
    # Each observed time follows the one before it (where both are known).
    chain = ["call", *[c for c in OBSERVED_COLUMNS if c in raw]]
    for before, after in zip(chain, chain[1:], strict=False):
        bad = np.flatnonzero(raw[after] < raw[before] - 1e-9)
        if bad.size:
            i = int(bad[0])
            raise table.error(
                i,
                observed[after],
                _("{after} comes before {before}").format(after=after, before=before),
            )
    # Only a log that passed every check is warned about (a bad row is its one line).
    _warn_few(table.source, most)
    order = np.argsort(call, kind="stable")  # the order the incident log sorts by
    times = {
        c: (raw[c][order] if c in raw else np.full(len(order), np.nan))
        for c in ("call", *OBSERVED_COLUMNS)
    }
    return ReplayLog(
        log, times, t0, table.source, None if disruptions is None else str(disruptions)
    )
