"""Replication files: JSON-ready summaries, records archives and their damage checks.

A replication is stored as a summary JSON (:func:`plain_summary`, read back by
:func:`read_run`, which tells a damaged file) and, with ``--records``, a ``.npz``
archive of its record tables (:func:`plain_tables`, :func:`npz_bytes`, checked
whole by :func:`records_ok`). See :mod:`experiments.store` for the layout.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments.manifest import StoredPoint
from networks.i18n import _

#: Fixed zip entry time of a records archive: equal records, equal bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ReplicationRow:
    """One finished replication as stored (``elapsed_s`` from ``timings.csv``, else nan)."""

    point: int
    replication: int
    config_hash: str
    root_seed: int
    summary: dict[str, int | float | str]
    elapsed_s: float


def _json_scalar(v: Any) -> Any:
    """Python scalar of a summary value (numpy scalars and bools become int/float, None nan)."""
    if v is None:
        return math.nan
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v)
    if isinstance(v, str):
        return v
    raise TypeError(
        _("summary values must be numbers or text, got {type} {value!r}").format(
            type=type(v).__name__, value=v
        )
    )


def plain_summary(summary: Mapping[str, Any]) -> dict[str, int | float | str]:
    """A replication summary as a flat JSON-ready dict (keys kept in order)."""
    return {str(k): _json_scalar(v) for k, v in summary.items()}


def plain_tables(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, np.ndarray]]:
    """Record tables as numpy arrays that load without pickle (object columns become text)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for name, table in tables.items():
        cols = {}
        for col, values in table.items():
            arr = np.asarray(values)
            if arr.dtype.kind == "O":
                arr = np.array(["" if v is None else str(v) for v in arr.ravel()], dtype=str)
            cols[str(col)] = arr
        out[str(name)] = cols
    return out


def read_run(path: Path, point: StoredPoint, replication: int) -> dict[str, Any] | None:
    """A replication file's row, or ``None`` when it is damaged (cut short, not JSON...)."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    ok = (
        data.get("point_id") == point.id
        and data.get("replication") == replication
        and isinstance(data.get("config_hash"), str)
        and isinstance(data.get("root_seed"), int)
        and isinstance(data.get("summary"), dict)
    )
    return data if ok else None


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """A ``.npz`` archive (what :func:`numpy.savez_compressed` writes) with fixed entry times.

    ``numpy.savez_compressed`` stamps each entry with the current time, so the
    same arrays saved a minute apart differ; here equal arrays give equal bytes.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(arr), allow_pickle=False)
    return buf.getvalue()


def records_ok(path: Path) -> bool:
    """Whether a records archive is whole: it unzips and every entry passes its CRC check."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None and all(n.endswith(".npy") for n in zf.namelist())
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error):
        return False
