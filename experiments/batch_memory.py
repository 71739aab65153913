"""An experiment run in memory: ``run_experiment(spec, out=None)`` writes no file.

:class:`MemoryStore` stands in for the output folder's
:class:`~experiments.store.ResultStore`: the batch runner saves each finished
replication into it as it would into a folder, and instead of writing the
tidy tables it keeps them as pandas DataFrames, with the columns, order and
types of the files (``summary.parquet``, ``records/*.parquet``), so that a
table read back from a folder equals the one kept in memory. Nothing is
resumed: every replication runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from experiments.archives import ReplicationRow, plain_summary, plain_tables
from experiments.design import DesignPoint, ExperimentSpec
from experiments.manifest import StoredPoint, new_manifest
from experiments.store import ResultStore

#: numpy type of each kind of column, as the Parquet files store it.
_DTYPES = {"int": np.int64, "float": np.float64, "bool": np.bool_}


def frame_of(columns: Mapping[str, Any]) -> Any:
    """Column table -> DataFrame, typed as :func:`experiments.tables.write_table` writes it.

    Whole numbers stay int64, numbers become float64, text stays text and any
    other value (a table used as a factor level) becomes canonical JSON text.
    """
    import pandas as pd

    from experiments.tables import _normalise  # the files' typing rules, in one place

    out = {}
    for name, values in columns.items():
        kind, plain = _normalise(values)
        out[name] = np.asarray(plain, dtype=_DTYPES[kind]) if kind in _DTYPES else plain
    return pd.DataFrame(out)


class MemoryStore(ResultStore):
    """A result store that keeps replications in memory and writes nothing.

    After the run, :attr:`table` holds the per-replication summary table and
    :attr:`record_tables` the tidy record tables (with ``records=True``).
    """

    def __init__(self, spec: ExperimentSpec, *, replicate: str) -> None:
        super().__init__(Path(), new_manifest(spec, spec.points(), replicate=replicate))
        self._rows: dict[tuple[int, int], ReplicationRow] = {}
        self._records: dict[tuple[int, int], dict[str, dict[str, np.ndarray]]] = {}
        self.table: Any = None
        self.record_tables: dict[str, Any] = {}

    def scan(self, *, records: bool = False) -> tuple[dict[tuple[int, int], dict], list[Path]]:
        """Nothing is stored before the run: nothing to resume, nothing damaged."""
        return {}, []

    def save(
        self,
        point: DesignPoint | StoredPoint,
        replication: int,
        *,
        summary: Mapping[str, Any],
        records: Mapping[str, Mapping[str, np.ndarray]] | None = None,
        elapsed_s: float = math.nan,
    ) -> None:
        """Keep one finished replication (as the folder would hold it)."""
        self._rows[(point.index, replication)] = ReplicationRow(
            point=point.index,
            replication=replication,
            config_hash=point.config_hash,
            root_seed=int(self.manifest["root_seed"]),
            summary=plain_summary(summary),
            elapsed_s=elapsed_s,
        )
        if records is not None:
            self._records[(point.index, replication)] = plain_tables(records)

    def rows(self, *, all_replications: bool = False) -> list[ReplicationRow]:
        """Finished replications sorted by design point, then replication."""
        return [self._rows[k] for k in sorted(self._rows)]

    def load_records(self, point_id: str, replication: int) -> dict[str, dict[str, np.ndarray]]:
        """The record tables of one replication (empty if they were not kept)."""
        index = next(p.index for p in self.points if p.id == point_id)
        return self._records.get((index, replication), {})

    def write_summary(self, *, fmt: str = "auto") -> None:  # type: ignore[override]
        """Keep the tidy summary table in :attr:`table` (``fmt`` is not used)."""
        self.table = frame_of(self.summary_columns())

    def write_records(self, *, fmt: str = "auto") -> list[Path]:
        """Keep the tidy record tables in :attr:`record_tables`; no file, so no path."""
        points = {p.index: p for p in self.points}
        merged: dict[str, dict[str, list[np.ndarray]]] = {}
        for row in self.rows():
            p = points[row.point]
            for name, table in self.load_records(p.id, row.replication).items():
                n = len(next(iter(table.values()))) if table else 0
                lead = {
                    "point": np.full(n, row.point, dtype=np.int64),
                    "point_id": np.full(n, p.id),
                    "replication": np.full(n, row.replication, dtype=np.int64),
                }
                cols = merged.setdefault(name, {})
                for col, arr in {**lead, **table}.items():
                    cols.setdefault(col, []).append(arr)
        self.record_tables = {
            name: frame_of({c: np.concatenate(parts) for c, parts in cols.items()})
            for name, cols in merged.items()
        }
        return []
