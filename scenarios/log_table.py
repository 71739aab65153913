"""A table of rows as read from a CSV file or a data frame, with how to name each cell.

The incident log (:mod:`scenarios.incident_log`) and its disruption schedule
(:mod:`scenarios.disruption_log`) are read into a :class:`LogTable` first:
columns of raw cells plus, for each row, the words that name it in a message.
In a CSV file rows are counted as a spreadsheet shows them, the header being
row 1 (so the first incident is row 2); in a data frame a row is named by its
index label (for a plain mapping of columns: its position, from 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.validate import read_table_text


@dataclass(frozen=True)
class LogTable:
    """Raw columns of a table and where each row stands in its source.

    Attributes
    ----------
    source
        The file (or ``"<frame>"``), for messages.
    columns
        Column name -> its cells, one per row (CSV cells are stripped text).
    rows
        The name of each row in a message (``"row 5"``).
    header
        Where the column names stand, for messages about a column as a whole
        (``"row 1"`` in a CSV file, ``""`` in a frame).
    """

    source: str
    columns: dict[str, list[Any]]
    rows: tuple[str, ...]
    header: str = ""

    def __len__(self) -> int:
        return len(self.rows)

    def key(self, row: int, column: str | None = None) -> str:
        """The error key of row ``row`` (position), or of one of its cells."""
        if column is None:
            return self.rows[row]
        return _("{where}, column {column}").format(where=self.rows[row], column=column)

    def column_key(self, column: str) -> str:
        """The error key of a column as a whole (its header cell)."""
        if self.header:
            return _("{where}, column {column}").format(where=self.header, column=column)
        return column

    def error(self, row: int, column: str | None, message: str) -> ConfigError:
        """A :class:`ConfigError` naming the source, the row and the column."""
        return ConfigError(message, source=self.source, key=self.key(row, column))

    def check_columns(self, allowed: Collection[str], required: Collection[str] = ()) -> None:
        """Refuse a column outside ``allowed`` and a missing ``required`` one."""
        for c in self.columns:
            if c not in allowed:
                raise ConfigError(
                    _("unknown column (expected some of {columns})").format(
                        columns=", ".join(allowed)
                    ),
                    source=self.source,
                    key=self.column_key(c),
                )
        for c in required:
            if c not in self.columns:
                raise ConfigError(
                    _("missing (a needed column)"), source=self.source, key=self.column_key(c)
                )


def _row_name(n: object) -> str:
    return _("row {n}").format(n=n)


def read_csv_table(path: str | Path) -> LogTable:
    """The rows of a CSV file; blank lines are skipped.

    The file is UTF-8 (a byte-order mark is allowed) or, said in a warning, GBK
    (GB18030) as Excel saves it on Chinese Windows
    (:func:`scenarios.validate.read_table_text`).

    Raises
    ------
    networks.errors.ConfigError
        A missing or unreadable file, an unnamed or repeated column, a row with
        more or fewer cells than the header has columns.
    """
    p = Path(path)
    src = str(p)
    if not p.exists():
        raise ConfigError(_("no such file"), source=src)
    if p.is_dir():
        raise ConfigError(_("is a folder, not a table"), source=src)
    text = read_table_text(p)
    try:
        # newline="": line ends reach the reader as in the file (a quoted cell may hold one).
        return _rows(csv.reader(io.StringIO(text, newline="")), src)
    except csv.Error as exc:
        raise ConfigError(_("unreadable table ({error})").format(error=exc), source=src) from None


def _rows(reader: Any, src: str) -> LogTable:
    header = next(reader, None)
    head = _row_name(1)
    if header is None:
        raise ConfigError(_("empty file"), source=src)
    names = [h.strip() for h in header]
    if names and not names[-1]:
        names.pop()  # a trailing comma, as spreadsheets write
    for j, name in enumerate(names):
        if not name:
            raise ConfigError(_("column {n} has no name").format(n=j + 1), source=src, key=head)
        if name in names[:j]:
            raise ConfigError(
                _("appears twice in the header"),
                source=src,
                key=_("{where}, column {column}").format(where=head, column=name),
            )
    columns: dict[str, list[Any]] = {n: [] for n in names}
    rows = []
    start = reader.line_num  # a quoted cell may span lines: name the line a row starts on
    for cells in reader:
        where = _row_name(start + 1)
        start = reader.line_num
        values = [c.strip() for c in cells]
        if not any(values):
            continue
        extra = len(values) > len(names) and any(values[len(names) :])
        if extra or len(values) < len(names):
            raise ConfigError(
                _("{cells} cells, but the header names {columns} columns").format(
                    cells=len(values), columns=len(names)
                ),
                source=src,
                key=where,
            )
        for name, v in zip(names, values, strict=False):
            columns[name].append(v)
        rows.append(where)
    return LogTable(src, columns, tuple(rows), head)


def frame_table(frame: Any, *, source: str = "<frame>") -> LogTable:
    """A :class:`pandas.DataFrame`, or any mapping of column name -> equal-length cells.

    A DataFrame's rows are named by its index labels; a mapping's by position.
    """
    if not hasattr(frame, "keys") or not hasattr(frame, "__getitem__"):
        raise ConfigError(
            _("expected a data frame or a mapping of columns, got {type}").format(
                type=type(frame).__name__
            ),
            source=source,
        )
    columns = {str(c): list(frame[c]) for c in frame.keys()}
    n = len(next(iter(columns.values()), []))
    for c, cells in columns.items():
        if len(cells) != n:
            raise ConfigError(
                _("{rows} rows, but the first column has {n}").format(rows=len(cells), n=n),
                source=source,
                key=c,
            )
    index = getattr(frame, "index", None)
    labels = list(index) if index is not None and not isinstance(frame, Mapping) else range(n)
    if len(labels) != n:
        labels = range(n)
    return LogTable(source, columns, tuple(_row_name(k) for k in labels))
