"""The result store: one file per finished replication, written atomically.

Layout of an output folder::

    manifest.json                 experiment identity, package version, root seed, design
    points/p000.json              the run config of each design point
    runs/p000/r00000.json         summary of replication 0 of point p000 (the "done" mark)
    runs/p000/r00000.npz          its records (with ``--records``), numpy arrays, no pickles
    summary.parquet | .csv        tidy table: one row per (point, replication)
    records/incidents.parquet ... tidy record tables (with ``--records``)

Every file is written to a temporary name and renamed into place, so a run
killed at any instant leaves only whole files; the summary JSON of a
replication is written after its records, so its presence means the
replication is done. A folder holding results of a different experiment
(other design, root seed, package version or replication function) is
refused, never mixed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments.design import (
    DesignPoint,
    ExperimentSpec,
    canonical_json,
    code_digest,
    package_version,
)
from networks.errors import ConfigError
from networks.files import atomic_write_bytes, atomic_write_text

#: Format tag of ``manifest.json``.
FORMAT = "yingji-experiment/1"
#: Leading columns of the summary table (factor columns follow ``point_id``).
ID_COLUMNS = ("point", "point_id")
RUN_COLUMNS = ("replication", "root_seed", "config_hash")


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
    raise TypeError(f"summary values must be numbers or text, got {type(v).__name__} {v!r}")


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


def check_output_folder(root: Path) -> None:
    """Refuse a folder that holds files but no experiment manifest (a user's own folder)."""
    root = Path(root)
    if (root / "manifest.json").exists() or not root.is_dir():
        return
    if any(not p.name.startswith(".") for p in root.iterdir()):
        raise ConfigError(
            "exists, is not empty and has no manifest.json: not an experiment folder; "
            "use a new --out folder",
            source=str(root),
        )


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder (creating it), refusing a second run.

    The operating system drops the lock when the process dies, even by SIGKILL.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, run anyway
        yield
        return
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                "another run is writing to this folder; wait for it or use another --out",
                source=str(root),
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class ReplicationRow:
    """One finished replication as stored."""

    point: int
    replication: int
    config_hash: str
    root_seed: int
    summary: dict[str, int | float | str]
    elapsed_s: float


@dataclass(frozen=True)
class StoredPoint:
    """A design point as the manifest records it."""

    index: int
    id: str
    label: str
    values: dict[str, Any]
    config_hash: str


def experiment_identity(
    hashes: Sequence[str], *, root_seed: int, version: str, replicate: str
) -> str:
    """What makes two runs the same experiment (not the replication count)."""
    import hashlib

    text = canonical_json(
        {"points": list(hashes), "root_seed": root_seed, "version": version, "replicate": replicate}
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _point_dir(point_id: str) -> str:
    return f"runs/{point_id}"


def _run_name(replication: int) -> str:
    return f"r{replication:05d}"


class ResultStore:
    """An experiment's output folder (see the module docstring).

    Use :meth:`create_or_resume` to run into it, :meth:`open` to read it.
    """

    def __init__(self, root: Path, manifest: dict[str, Any]) -> None:
        self.root = Path(root)
        self.manifest = manifest

    # ------------------------------------------------------------------ open
    @classmethod
    def create_or_resume(
        cls, root: str | Path, spec: ExperimentSpec, *, replicate: str
    ) -> ResultStore:
        """Open ``root`` for ``spec``: create it, or check that it holds this experiment.

        Parameters
        ----------
        root
            Output folder.
        spec
            The experiment.
        replicate
            Qualified name of the replication function (part of the identity).

        Raises
        ------
        ConfigError
            If the folder holds another experiment's results, or files that are not an
            experiment's.
        """
        root = Path(root)
        points = spec.points()
        version = package_version()
        identity = experiment_identity(
            [p.config_hash for p in points],
            root_seed=spec.root_seed,
            version=version,
            replicate=replicate,
        )
        manifest = {
            "format": FORMAT,
            "identity": identity,
            "experiment": spec.name,
            "description": spec.description,
            "source": str(spec.source),
            "package_version": version,
            "code_digest": code_digest(),
            "root_seed": spec.root_seed,
            "replicate": replicate,
            "replications": spec.replications,
            "factors": [f.to_dict() for f in spec.factors],
            "metrics": list(spec.metrics),
            "baseline": dict(spec.baseline),
            "points": [
                {
                    "index": p.index,
                    "id": p.id,
                    "label": p.label,
                    "values": dict(p.values),
                    "config_hash": p.config_hash,
                }
                for p in points
            ],  # fmt: skip
        }
        path = root / "manifest.json"
        if path.exists():
            old = _read_manifest(root)
            if old.get("identity") != identity:
                raise ConfigError(
                    f"holds results of a different experiment ({_difference(old, manifest)}); "
                    "results are never mixed: use another --out folder or remove this one",
                    source=str(root),
                )
            if old.get("code_digest") != manifest["code_digest"]:
                # Same version, other code (an editable install being worked on): say so.
                print(
                    f"yingji: warning: {root}: yingji's code changed since this folder was "
                    "started (same version); finished replications are kept. Use a new "
                    "--out folder for results from one code state only.",
                    file=sys.stderr,
                )
        else:
            check_output_folder(root)
        store = cls(root, manifest)
        # Rewritten on every run: replication count, metrics and baseline may change.
        atomic_write_text(path, json.dumps(manifest, indent=2, allow_nan=False) + "\n")
        for p in points:
            target = root / "points" / f"{p.id}.json"
            if not target.exists():
                atomic_write_text(target, json.dumps(p.to_dict(), indent=2) + "\n")
        return store

    @classmethod
    def open(cls, root: str | Path) -> ResultStore:
        """Open an existing output folder for reading."""
        root = Path(root)
        return cls(root, _read_manifest(root))

    def lock(self) -> Any:
        """:func:`folder_lock` on this store's folder."""
        return folder_lock(self.root)

    # ------------------------------------------------------------------ design
    @property
    def points(self) -> list[StoredPoint]:
        """The design points recorded in the manifest."""
        return [
            StoredPoint(p["index"], p["id"], p["label"], dict(p["values"]), p["config_hash"])
            for p in self.manifest["points"]
        ]

    @property
    def factor_keys(self) -> list[str]:
        """Keys of the experiment's factors, in order."""
        return [f["key"] for f in self.manifest["factors"]]

    @property
    def replications(self) -> int:
        """Replications per design point asked for by the latest run."""
        return int(self.manifest["replications"])

    # ------------------------------------------------------------------ paths
    def summary_path(self, point_id: str, replication: int) -> Path:
        """Where a replication's summary JSON lives."""
        return self.root / _point_dir(point_id) / f"{_run_name(replication)}.json"

    def records_path(self, point_id: str, replication: int) -> Path:
        """Where a replication's records (``.npz``) live."""
        return self.root / _point_dir(point_id) / f"{_run_name(replication)}.npz"

    # ------------------------------------------------------------------ write
    def done(self, *, records: bool = False) -> set[tuple[int, int]]:
        """``(point, replication)`` pairs already finished (with records, if asked)."""
        out = set()
        for p in self.points:
            folder = self.root / _point_dir(p.id)
            if not folder.is_dir():
                continue
            names = {f.name for f in folder.iterdir()}
            for name in names:
                if name.startswith("r") and name.endswith(".json"):
                    r = int(name[1:-5])
                    if not records or f"{name[:-5]}.npz" in names:
                        out.add((p.index, r))
        return out

    def save(
        self,
        point: DesignPoint | StoredPoint,
        replication: int,
        *,
        summary: Mapping[str, Any],
        records: Mapping[str, Mapping[str, np.ndarray]] | None = None,
        elapsed_s: float = math.nan,
    ) -> None:
        """Store one finished replication: records first, then the summary that marks it done."""
        if records is not None:
            buf = io.BytesIO()
            np.savez_compressed(
                buf,
                **{
                    f"{t}/{c}": a
                    for t, cols in plain_tables(records).items()
                    for c, a in cols.items()
                },
            )
            atomic_write_bytes(self.records_path(point.id, replication), buf.getvalue())
        row = {
            "point": point.index,
            "point_id": point.id,
            "replication": replication,
            "config_hash": point.config_hash,
            "root_seed": self.manifest["root_seed"],
            "package_version": self.manifest["package_version"],
            "elapsed_s": elapsed_s,
            "summary": plain_summary(summary),
        }
        atomic_write_text(
            self.summary_path(point.id, replication), json.dumps(row, indent=1) + "\n"
        )

    # ------------------------------------------------------------------ read
    def rows(self, *, all_replications: bool = False) -> list[ReplicationRow]:
        """Finished replications sorted by design point, then replication.

        Parameters
        ----------
        all_replications
            Include replications beyond the latest run's count (left from a larger run).
        """
        out = []
        points = {p.index: p for p in self.points}
        for point, r in sorted(self.done()):
            if r >= self.replications and not all_replications:
                continue
            p = points[point]
            data = json.loads(self.summary_path(p.id, r).read_text(encoding="utf-8"))
            if data.get("config_hash") != p.config_hash:
                raise ConfigError(
                    f"{p.id}/{_run_name(r)} was made from another config (hash "
                    f"{str(data.get('config_hash'))[:12]}, expected {p.config_hash[:12]}); "
                    "results are never mixed",
                    source=str(self.root),
                )
            out.append(
                ReplicationRow(
                    point=point,
                    replication=r,
                    config_hash=p.config_hash,
                    root_seed=int(data["root_seed"]),
                    summary=dict(data["summary"]),
                    elapsed_s=float(data.get("elapsed_s", math.nan)),
                )
            )
        return out

    def load_records(self, point_id: str, replication: int) -> dict[str, dict[str, np.ndarray]]:
        """The record tables of one replication (empty if they were not saved)."""
        path = self.records_path(point_id, replication)
        if not path.exists():
            return {}
        out: dict[str, dict[str, np.ndarray]] = {}
        with np.load(path, allow_pickle=False) as z:
            for key in z.files:
                table, col = key.split("/", 1)
                out.setdefault(table, {})[col] = z[key]
        return out

    # ------------------------------------------------------------------ tidy tables
    def summary_columns(self, rows: Sequence[ReplicationRow] | None = None) -> dict[str, list[Any]]:
        """The tidy summary table as columns (sorted by point, then replication)."""
        rows = self.rows() if rows is None else rows
        points = {p.index: p for p in self.points}
        metrics: dict[str, None] = {}
        for row in rows:
            metrics.update(dict.fromkeys(row.summary))
        keys = self.factor_keys
        cols: dict[str, list[Any]] = {c: [] for c in (*ID_COLUMNS, *keys, *RUN_COLUMNS)}
        # A metric named like an id or factor column is left out when it repeats that
        # column (a summary that carries its replication index), else kept as "summary.NAME".
        names = {}
        for m in metrics:
            if m not in cols:
                names[m] = m
            elif any(row.summary.get(m) != _id_value(row, points, m) for row in rows):
                names[m] = f"summary.{m}"
        cols.update({name: [] for name in names.values()})
        for row in rows:
            p = points[row.point]
            cols["point"].append(row.point)
            cols["point_id"].append(p.id)
            for k in keys:
                cols[k].append(p.values.get(k))
            cols["replication"].append(row.replication)
            cols["root_seed"].append(row.root_seed)
            cols["config_hash"].append(row.config_hash)
            for m, name in names.items():
                cols[name].append(row.summary.get(m, math.nan))
        return cols

    def write_summary(self, *, fmt: str = "auto") -> Path:
        """Write the tidy summary table; returns its path.

        Parameters
        ----------
        fmt
            ``"parquet"``, ``"csv"``, or ``"auto"`` (Parquet when pyarrow is installed).
        """
        cols = self.summary_columns()
        return write_table(cols, self.root / "summary", fmt=fmt)

    def write_records(self, *, fmt: str = "auto") -> list[Path]:
        """Write one tidy table per record kind (incidents, dispatches, ...) under ``records/``."""
        rows = self.rows()
        points = {p.index: p for p in self.points}
        merged: dict[str, dict[str, list[np.ndarray]]] = {}
        for row in rows:
            p = points[row.point]
            for name, table in self.load_records(p.id, row.replication).items():
                n = len(next(iter(table.values()))) if table else 0
                cols = merged.setdefault(name, {})
                lead = {
                    "point": np.full(n, row.point, dtype=np.int64),
                    "point_id": np.full(n, p.id),
                    "replication": np.full(n, row.replication, dtype=np.int64),
                }
                for col, arr in {**lead, **table}.items():
                    cols.setdefault(col, []).append(arr)
        paths = []
        for name, cols in merged.items():
            table = {c: np.concatenate(parts) for c, parts in cols.items()}
            paths.append(write_table(table, self.root / "records" / name, fmt=fmt))
        return paths


def _id_value(row: ReplicationRow, points: Mapping[int, StoredPoint], name: str) -> Any:
    p = points[row.point]
    ids = {"point": row.point, "point_id": p.id, "replication": row.replication,
           "root_seed": row.root_seed, "config_hash": row.config_hash}  # fmt: skip
    return ids[name] if name in ids else p.values.get(name)


# --------------------------------------------------------------------------- table files
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
    if fmt not in ("auto", "parquet", "csv"):
        raise ConfigError(f"unknown table format {fmt!r}; expected auto, parquet or csv")
    pa = _pyarrow()
    if fmt == "parquet" and pa is None:
        raise ConfigError("Parquet output needs pyarrow: pip install 'yingji[parquet]'")
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
    return atomic_write_text(stem.with_suffix(".csv"), text.getvalue())


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
            raise ConfigError("reading Parquet needs pyarrow", source=str(p))
        return pa[1].read_table(p).to_pydict()
    with p.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    return {h: [r[i] for r in body] for i, h in enumerate(header)}


def find_summary(root: str | Path) -> Path:
    """Path of the summary table in an output folder (Parquet or CSV)."""
    for suffix in (".parquet", ".csv"):
        p = Path(root) / f"summary{suffix}"
        if p.exists():
            return p
    raise ConfigError("no summary table (run the experiment first)", source=str(root))


# --------------------------------------------------------------------------- manifest
def _read_manifest(root: Path) -> dict[str, Any]:
    path = root / "manifest.json"
    if not path.exists():
        raise ConfigError("no manifest.json: not an experiment output folder", source=str(root))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"unreadable manifest.json ({exc})", source=str(root)) from None
    if data.get("format") != FORMAT:
        raise ConfigError(
            f"manifest format {data.get('format')!r}, expected {FORMAT!r}", source=str(root)
        )
    return data


def _difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """Say what makes two manifests different experiments."""
    if old.get("package_version") != new["package_version"]:
        return f"package version {old.get('package_version')} there, {new['package_version']} now"
    if old.get("root_seed") != new["root_seed"]:
        return f"root seed {old.get('root_seed')} there, {new['root_seed']} now"
    if old.get("replicate") != new["replicate"]:
        return f"replication function {old.get('replicate')} there, {new['replicate']} now"
    a = [p["config_hash"] for p in old.get("points", [])]
    b = [p["config_hash"] for p in new["points"]]
    if len(a) != len(b):
        return f"{len(a)} design points there, {len(b)} now"
    for pa, pb, hold in zip(a, b, old["points"], strict=True):
        if pa != pb:
            return f"design point {hold['id']} config hash {pa[:12]} there, {pb[:12]} now"
    return "different identity"  # pragma: no cover
