"""Tidy table files: writing and reading column tables as Parquet or CSV.

:func:`write_table` writes a column table atomically (Parquet when pyarrow is
installed, else CSV; equal columns give byte-identical files),
:func:`read_table` reads one back, :func:`check_table_format` refuses a format
before any work and :func:`find_summary` finds an output folder's summary table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from experiments.archives import ReplicationRow
from experiments.design import canonical_json
from experiments.manifest import StoredPoint
from networks.errors import ConfigError
from networks.files import CSV_ENCODING, atomic_write_bytes, atomic_write_csv
from networks.i18n import _

#: Leading columns of the summary table (factor columns follow ``point_id``).
ID_COLUMNS = ("point", "point_id")
RUN_COLUMNS = ("replication", "root_seed", "config_hash")


def id_value(row: ReplicationRow, points: Mapping[int, StoredPoint], name: str) -> Any:
    """The value of id or factor column ``name`` in the summary table row of ``row``."""
    p = points[row.point]
    ids = {"point": row.point, "point_id": p.id, "replication": row.replication,
           "root_seed": row.root_seed, "config_hash": row.config_hash}  # fmt: skip
    return ids[name] if name in ids else p.values.get(name)


def _pyarrow() -> Any:
    """``(pyarrow, pyarrow.parquet)`` or ``None`` when pyarrow is not installed."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        return None
    return pyarrow, pyarrow.parquet


def _column_kind(values: Sequence[Any]) -> str:
    """``int``, ``float``, ``str`` or ``json`` for a column of plain values."""
    kinds = set()
    for v in values:
        if isinstance(v, bool | np.bool_):
            kinds.add("bool")
        elif isinstance(v, int | np.integer):
            kinds.add("int")
        elif isinstance(v, float | np.floating):
            kinds.add("float")
        elif isinstance(v, str | np.str_):
            kinds.add("str")
        else:
            kinds.add("json")
    if kinds == {"bool"}:
        return "bool"
    if kinds <= {"int", "bool"}:
        return "int"
    if kinds <= {"int", "float"}:
        return "float"
    if kinds == {"str"}:
        return "str"
    return "json"


def _normalise(values: Any) -> tuple[str, list[Any] | np.ndarray]:
    if isinstance(values, np.ndarray):
        kind = {"b": "bool", "i": "int", "u": "int", "f": "float", "U": "str", "S": "str"}.get(
            values.dtype.kind, "json"
        )
        if kind != "json":
            return kind, values
        values = values.tolist()
    kind = _column_kind(values)
    if kind == "bool":
        return kind, [bool(v) for v in values]
    if kind == "int":
        return kind, [int(v) for v in values]
    if kind == "float":
        return kind, [float(v) for v in values]
    if kind == "str":
        return kind, [str(v) for v in values]
    return "str", [v if isinstance(v, str) else canonical_json(v) for v in values]


def check_table_format(fmt: str) -> None:
    """Refuse a table format that cannot be written here, before any work.

    Parameters
    ----------
    fmt
        ``"auto"``, ``"parquet"`` or ``"csv"``.
    """
    if fmt not in ("auto", "parquet", "csv"):
        raise ConfigError(
            _("unknown table format {format!r}; expected auto, parquet or csv").format(format=fmt),
            key="--format",
        )
    if fmt == "parquet" and _pyarrow() is None:
        raise ConfigError(
            _("Parquet output needs pyarrow: pip install 'yingji[parquet]'"), key="--format"
        )


def write_table(columns: Mapping[str, Any], stem: Path, *, fmt: str = "auto") -> Path:
    """Write a column table as ``stem.parquet`` or ``stem.csv`` atomically.

    Integer columns stay integers, number columns become float64, text stays
    text; any other value (a table used as a factor level) is written as
    canonical JSON text. Equal columns give byte-identical files.

    Parameters
    ----------
    columns
        Column name -> values (lists or numpy arrays of equal length).
    stem
        Path without suffix.
    fmt
        ``"parquet"``, ``"csv"`` or ``"auto"`` (Parquet when pyarrow is installed).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    check_table_format(fmt)
    pa = _pyarrow()
    use_parquet = pa is not None and fmt != "csv"
    norm = {name: _normalise(values) for name, values in columns.items()}
    # A table of a different format from an earlier run would be stale: remove it.
    other = stem.with_suffix(".csv" if use_parquet else ".parquet")
    if other.exists():
        other.unlink()
    if use_parquet:
        pyarrow, parquet = pa
        types = {
            "bool": pyarrow.bool_(),
            "int": pyarrow.int64(),
            "float": pyarrow.float64(),
            "str": pyarrow.string(),
        }
        table = pyarrow.table(
            {name: pyarrow.array(v, type=types[kind]) for name, (kind, v) in norm.items()}
        )
        buf = pyarrow.BufferOutputStream()
        parquet.write_table(table, buf)
        return atomic_write_bytes(stem.with_suffix(".parquet"), buf.getvalue().to_pybytes())
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(list(norm))
    for row in zip(*(_cells(kind, v) for kind, v in norm.values()), strict=True):
        writer.writerow(row)
    return atomic_write_csv(stem.with_suffix(".csv"), text.getvalue())


def _cells(kind: str, values: Iterable[Any]) -> Iterator[str]:
    for v in values:
        if kind == "float":
            yield repr(float(v))  # shortest text that reads back to the same float
        elif kind == "int":
            yield str(int(v))
        elif kind == "bool":
            yield "true" if v else "false"
        else:
            yield str(v)


def read_table(path: str | Path) -> dict[str, list[Any]]:
    """Read a table written by :func:`write_table` back into columns (for tests and users)."""
    p = Path(path)
    if p.suffix == ".parquet":
        pa = _pyarrow()
        if pa is None:
            raise ConfigError(_("reading Parquet needs pyarrow"), source=str(p))
        return pa[1].read_table(p).to_pydict()
    with p.open(newline="", encoding=CSV_ENCODING) as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    return {h: [r[i] for r in body] for i, h in enumerate(header)}


def find_summary(root: str | Path) -> Path:
    """Path of the summary table in an output folder (Parquet or CSV)."""
    for suffix in (".parquet", ".csv"):
        p = Path(root) / f"summary{suffix}"
        if p.exists():
            return p
    raise ConfigError(_("no summary table (run the experiment first)"), source=str(root))


def drop_tables(root: str | Path) -> None:
    """Remove an experiment folder's summary and merged record tables (before a run adds to it).

    They are made from the replication files at the end of a run; one killed
    before then would otherwise leave the tables of the smaller experiment
    beside a manifest and files of the larger one, read without a word. The
    replication files stay; the next run writes the tables again.
    """
    folder = Path(root)
    for suffix in (".parquet", ".csv"):
        (folder / "summary").with_suffix(suffix).unlink(missing_ok=True)
    records = folder / "records"
    if records.is_dir():
        for table in records.iterdir():
            if table.suffix in (".parquet", ".csv") and table.is_file():
                table.unlink()
