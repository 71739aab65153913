"""The observations file on disk: the rows of a CSV file or of an XLSX workbook's first sheet.

:func:`read_rows` only reads: it skips blank and comment rows, checks the header
against :data:`COLUMNS` and gives each row its number as a spreadsheet numbers it.
What the rows say is checked by :func:`experiments.drill.observations.read_observations`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.log_table import _row_name

#: Columns of an observations file.
COLUMNS = (
    "kind", "ref", "time", "done", "score", "fields", "evaluator", "note", "delivered",
    "figures",
)  # fmt: skip


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file or of an XLSX workbook's first sheet: (row number, text by column).

    Rows are numbered as a spreadsheet numbers them; blank rows and comment rows (the
    first cell starting with ``#``) are skipped; the first other row is the header.
    """
    if not path.is_file():
        raise ConfigError(_("no such observations file"), source=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl
        except ImportError:  # pragma: no cover - a declared dependency
            raise ConfigError(_("reading XLSX needs openpyxl"), source=str(path)) from None
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise ConfigError(
                _("not a readable XLSX workbook ({reason})").format(reason=exc), source=str(path)
            ) from None
        try:
            sheet = book.worksheets[0]
            values = [
                ["" if v is None else _cell(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        finally:
            book.close()
    else:
        from scenarios.validate import read_table_text

        text = read_table_text(path)  # UTF-8, or GBK as Excel on Chinese Windows saves it
        try:
            values = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            raise ConfigError(_("not a CSV file"), source=str(path)) from None
    numbered = [
        (k + 1, line)
        for k, line in enumerate(values)
        if any(str(c).strip() for c in line) and not str(line[0]).lstrip().startswith("#")
    ]
    if not numbered:
        raise ConfigError(_("empty file"), source=str(path))
    first, head = numbered[0]
    header = [str(h).strip() for h in head]
    missing = [c for c in ("kind", "ref") if c not in header]
    if missing:
        raise ConfigError(
            _("no column {columns} (expected {header})").format(
                columns=", ".join(missing), header=",".join(COLUMNS)
            ),
            source=str(path),
            key=_row_name(first),
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ConfigError(
            _("unknown column {columns} (expected {header})").format(
                columns=", ".join(unknown), header=",".join(COLUMNS)
            ),
            source=str(path),
            key=_row_name(first),
        )
    rows = []
    for n, line in numbered[1:]:
        cells = [str(c).strip() for c in line] + [""] * (len(header) - len(line))
        rows.append((n, {h: c for h, c in zip(header, cells, strict=False) if h}))
    return rows


def _cell(v: Any) -> str:
    """An XLSX cell as text (a datetime keeps its ISO form)."""
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def split_fields(cell: str, known: Callable[[str], str | None]) -> list[str]:
    """The field names of a report row's ``fields`` cell, in order.

    Names are separated by ``;``, ``；`` or ``、``; a label that holds ``、``
    itself (较上次报告的新情况、新变化) is read whole: the longest run of pieces
    joined by ``、`` that ``known`` recognises is one name.

    Parameters
    ----------
    cell
        The cell's text.
    known
        Field key of a name, or ``None`` if the template has no such field.

    Returns
    -------
    list of str
        The names, stripped, empty ones left out.
    """
    out = []
    for part in re.split(r"[;；]", cell):
        pieces = [p.strip() for p in part.split("、")]
        i = 0
        while i < len(pieces):
            j = len(pieces)
            while j > i + 1 and known("、".join(pieces[i:j])) is None:
                j -= 1
            name = "、".join(pieces[i:j])
            if name:
                out.append(name)
            i = j
    return out
