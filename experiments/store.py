"""The result store: one file per finished replication, written atomically.

Layout of an output folder::

    manifest.json                 experiment identity, package version, root seed, design,
                                  language of the latest run (not part of the identity)
    points/p000.json              the run config of each design point
    runs/p000/r00000.json         summary of replication 0 of point p000 (the "done" mark)
    runs/p000/r00000.npz          its records (with ``--records``), numpy arrays, no pickles
    summary.parquet | .csv        tidy table: one row per (point, replication)
    records/incidents.parquet ... tidy record tables (with ``--records``)
    timings.csv                   wall-clock seconds per replication (not a result)

Every file is written to a temporary name and renamed into place, so a run
killed at any instant leaves only whole files; the summary JSON of a
replication is written after its records, so its presence means the
replication is done. A replication file that is nevertheless damaged (cut
short, empty, not JSON, or a records archive that does not unzip) is not
counted as done, so a resumed run redoes it, and the temporary files a killed
run leaves (``.yj-tmp-<pid>-...``, see :mod:`networks.files`) are removed
once their writer is dead. A folder holding results of a
different experiment (other design, root seed, package version or
replication function) is refused, never mixed.

The result files hold no wall-clock times, so a resumed experiment's folder is
byte-identical to an uninterrupted one. How long each replication took is
appended to ``timings.csv`` (``point_id,replication,elapsed_s``; a redone
replication appears again, the last line wins); it differs from run to run,
is not part of the results and may be deleted.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import sys
import zipfile
import zlib
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
from experiments.outdir import check_parent_writable
from networks.errors import ConfigError
from networks.files import TMP_PREFIX, atomic_write_bytes, atomic_write_text
from networks.i18n import LANGUAGES, N_, _, get_language

#: Format tag of ``manifest.json``.
FORMAT = "yingji-experiment/1"
#: Wall-clock seconds per replication: not a result (see the module docstring).
TIMINGS = "timings.csv"
#: Name of a replication's files: ``r`` and the replication index, at least 5 digits.
_RUN_FILE = re.compile(r"^r(\d{5,})\.json$")
#: Fixed zip entry time of a records archive: equal records, equal bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
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


def check_output_folder(root: Path, *, option: str = "--out") -> None:
    """Check an output folder before any work: it must be a folder yingji can write.

    Refuses a file in the folder's place, a path under a file, a folder that
    cannot be written, and a folder that holds files but no experiment
    manifest (a user's own folder).

    Parameters
    ----------
    root
        The output folder (it need not exist yet).
    option
        The command-line option that named it, for the error message.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ConfigError(_("is a file, not a folder"), source=str(root), key=option)
    check_parent_writable(root, option, inside=True)
    if not root.is_dir() or (root / "manifest.json").exists():
        return
    if any(not p.name.startswith(".") for p in root.iterdir()):
        raise ConfigError(
            _(
                "exists, is not empty and has no manifest.json: not an experiment folder; "
                "use a new --out folder"
            ),
            source=str(root),
            key=option,
        )


#: The error of a second run into a folder being written.
_BUSY = N_("another run is writing to this folder; wait for it or use another --out")


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder (creating it), refusing a second run.

    The lock is taken on the folder itself, so nothing is added to a folder a
    refused command leaves alone (a ``.lock`` file is used only where folders
    cannot be locked). The operating system drops the lock when the process
    dies, even by SIGKILL.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, run anyway
        yield
        return
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(_(_BUSY), source=str(root)) from None
        except OSError:  # pragma: no cover - a file system that cannot lock folders
            os.close(fd)
            fd = -1
            fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ConfigError(_(_BUSY), source=str(root)) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if fd >= 0:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (someone else's live process counts)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # pragma: no cover - another user's live process
        return True
    return True


def sweep_temp_files(root: Path) -> list[Path]:
    """Remove temporary files under ``root`` whose writer process is no longer alive.

    :func:`networks.files.atomic_path` names them ``.yj-tmp-<pid>-<hex>-<name>``; a
    run killed (``SIGKILL``) between writing one and renaming it leaves it behind,
    so a resumed folder would differ from an uninterrupted one. Files of a live
    process (a report being written into the folder) are left alone.

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    removed = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if not name.startswith(TMP_PREFIX):
                continue
            pid = name[len(TMP_PREFIX) :].split("-", 1)[0]
            if pid.isascii() and pid.isdigit() and not _pid_alive(int(pid)):
                path = Path(folder) / name
                try:
                    path.unlink()
                except FileNotFoundError:  # pragma: no cover - removed meanwhile
                    continue
                removed.append(path)
    return removed


# --------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class ReplicationRow:
    """One finished replication as stored (``elapsed_s`` from ``timings.csv``, else nan)."""

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

        The manifest records the language in use (``language``); it is rewritten by
        every run, like the replication count, and is not part of the identity, so a
        folder started in one language is resumed in the other. Temporary files left
        by a killed run are removed (:func:`sweep_temp_files`).

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
            "language": get_language(),
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
        # Chinese labels, when given: words only, like the language (not in the identity).
        manifest.update(
            {k: getattr(spec, k) for k in ("name_zh", "description_zh") if getattr(spec, k, "")}
        )
        path = root / "manifest.json"
        if path.exists():
            old = _read_manifest(root)
            if old.get("identity") != identity:
                raise ConfigError(
                    _(
                        "holds results of a different experiment ({difference}); "
                        "results are never mixed: use another --out folder or remove this one"
                    ).format(difference=_difference(old, manifest)),
                    source=str(root),
                    key="--out",
                )
            if old.get("code_digest") != manifest["code_digest"]:
                # Same version, other code (an editable install being worked on): say so.
                print(
                    _(
                        "yingji: warning: {folder}: yingji's code changed since this folder was "
                        "started (same version); finished replications are kept. Use a new "
                        "--out folder for results from one code state only."
                    ).format(folder=root),
                    file=sys.stderr,
                )
        else:
            check_output_folder(root)
        # What a killed run was writing: never a result (only renamed files are).
        sweep_temp_files(root)
        store = cls(root, manifest)
        # Rewritten on every run: replication count, metrics and baseline may change.
        atomic_write_text(path, json.dumps(manifest, indent=2, allow_nan=False) + "\n")
        for p in points:
            target = root / "points" / f"{p.id}.json"
            text = json.dumps(p.to_dict(), indent=2) + "\n"
            if not target.is_file() or target.read_bytes() != text.encode("utf-8"):
                atomic_write_text(target, text)
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

    # ------------------------------------------------------------------ scan
    def scan(self, *, records: bool = False) -> tuple[dict[tuple[int, int], dict], list[Path]]:
        """Read every stored replication, telling finished from damaged files.

        Parameters
        ----------
        records
            Count a replication as finished only if its records archive is whole too.

        Returns
        -------
        tuple
            ``{(point, replication): stored row}`` of finished replications and the
            damaged files found (a resumed run redoes those replications).

        Raises
        ------
        ConfigError
            If a replication file was made from another config (results are never mixed).
        """
        found: dict[tuple[int, int], dict] = {}
        damaged: list[Path] = []
        for p in self.points:
            folder = self.root / _point_dir(p.id)
            if not folder.is_dir():
                continue
            for f in sorted(folder.iterdir()):
                m = _RUN_FILE.match(f.name)
                if m is None:
                    continue
                r = int(m.group(1))
                row = _read_run(f, p, r)
                if row is None:
                    damaged.append(f)
                    continue
                if row["config_hash"] != p.config_hash:
                    raise ConfigError(
                        _(
                            "was made from another config (hash {found}, expected {expected}); "
                            "results are never mixed"
                        ).format(found=row["config_hash"][:12], expected=p.config_hash[:12]),
                        source=str(f),
                    )
                if records:
                    npz = self.records_path(p.id, r)
                    if not npz.is_file():
                        continue
                    if not records_ok(npz):
                        damaged.append(npz)
                        continue
                found[(p.index, r)] = row
        return found, damaged

    def done(self, *, records: bool = False) -> set[tuple[int, int]]:
        """``(point, replication)`` pairs already finished (with whole records, if asked)."""
        return set(self.scan(records=records)[0])

    # ------------------------------------------------------------------ write
    def save(
        self,
        point: DesignPoint | StoredPoint,
        replication: int,
        *,
        summary: Mapping[str, Any],
        records: Mapping[str, Mapping[str, np.ndarray]] | None = None,
        elapsed_s: float = math.nan,
    ) -> None:
        """Store one finished replication: records first, then the summary that marks it done.

        ``elapsed_s`` goes to :data:`TIMINGS`, not into the result files.
        """
        npz = self.records_path(point.id, replication)
        if records is not None:
            arrays = {
                f"{t}/{c}": a for t, cols in plain_tables(records).items() for c, a in cols.items()
            }
            atomic_write_bytes(npz, npz_bytes(arrays))
        elif npz.exists() and not records_ok(npz):
            npz.unlink()  # a damaged archive of an earlier run: redone only with --records
        row = {
            "point": point.index,
            "point_id": point.id,
            "replication": replication,
            "config_hash": point.config_hash,
            "root_seed": self.manifest["root_seed"],
            "package_version": self.manifest["package_version"],
            "summary": plain_summary(summary),
        }
        atomic_write_text(
            self.summary_path(point.id, replication),
            json.dumps(row, indent=1, allow_nan=True) + "\n",
        )
        if math.isfinite(elapsed_s):
            self._log_time(point.id, replication, elapsed_s)

    def _log_time(self, point_id: str, replication: int, elapsed_s: float) -> None:
        """Append one line to :data:`TIMINGS` (after a cut-off last line, on a new line)."""
        with open(self.root / TIMINGS, "a+b") as fh:
            fh.seek(0, os.SEEK_END)
            lead = b""
            if fh.tell() == 0:
                lead = b"point_id,replication,elapsed_s\n"
            else:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    lead = b"\n"
            fh.write(lead + f"{point_id},{replication},{elapsed_s:.6f}\n".encode("ascii"))

    def timings(self) -> dict[tuple[str, int], float]:
        """Seconds per ``(point_id, replication)`` from :data:`TIMINGS` (bad lines skipped)."""
        out: dict[tuple[str, int], float] = {}
        try:
            text = (self.root / TIMINGS).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return out
        for line in text.splitlines():
            parts = line.split(",")
            if len(parts) == 3 and parts[1].isdigit():
                try:
                    out[(parts[0], int(parts[1]))] = float(parts[2])
                except ValueError:
                    continue
        return out

    # ------------------------------------------------------------------ read
    def rows(self, *, all_replications: bool = False) -> list[ReplicationRow]:
        """Finished replications sorted by design point, then replication.

        Damaged replication files are left out (a resumed run redoes them).

        Parameters
        ----------
        all_replications
            Include replications beyond the latest run's count (left from a larger run).
        """
        found, _ = self.scan()
        times = self.timings()
        points = {p.index: p for p in self.points}
        out = []
        for (point, r), data in sorted(found.items()):
            if r >= self.replications and not all_replications:
                continue
            p = points[point]
            out.append(
                ReplicationRow(
                    point=point,
                    replication=r,
                    config_hash=p.config_hash,
                    root_seed=int(data["root_seed"]),
                    summary=dict(data["summary"]),
                    elapsed_s=times.get((p.id, r), math.nan),
                )
            )
        return out

    def load_records(self, point_id: str, replication: int) -> dict[str, dict[str, np.ndarray]]:
        """The record tables of one replication (empty if they were not saved)."""
        path = self.records_path(point_id, replication)
        if not path.exists():
            return {}
        out: dict[str, dict[str, np.ndarray]] = {}
        try:
            if not records_ok(path):
                raise ValueError(_("not a whole .npz archive"))
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
                for key in z.files:
                    table, sep, col = key.partition("/")
                    if not sep:
                        raise ValueError(_("unexpected entry {entry!r}").format(entry=key))
                    out.setdefault(table, {})[col] = z[key]
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise ConfigError(
                _(
                    "damaged records archive ({error}); rerun 'yingji experiment run ... "
                    "--records' into this folder to redo it"
                ).format(error=exc),
                source=str(path),
            ) from None
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


# --------------------------------------------------------------------------- run files
def _read_run(path: Path, point: StoredPoint, replication: int) -> dict[str, Any] | None:
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
            raise ConfigError(_("reading Parquet needs pyarrow"), source=str(p))
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
    raise ConfigError(_("no summary table (run the experiment first)"), source=str(root))


# --------------------------------------------------------------------------- manifest
def _read_manifest(root: Path) -> dict[str, Any]:
    path = root / "manifest.json"
    if not path.is_file():
        raise ConfigError(_("no manifest.json: not an experiment output folder"), source=str(root))
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(
            _("unreadable manifest ({error})").format(error=exc), source=str(path)
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else None
        raise ConfigError(
            _("manifest format {found!r}, expected {expected!r}").format(
                found=got, expected=FORMAT
            ),
            source=str(path),
        )
    problem = _manifest_problem(data)
    if problem:
        raise ConfigError(
            _("damaged manifest: {problem}").format(problem=problem), source=str(path)
        )
    return data


def manifest_language(manifest: Mapping[str, Any]) -> str | None:
    """The language an output folder was last run in (``None``: not recorded, or unknown)."""
    lang = manifest.get("language")
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def _manifest_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with a manifest's structure (``None`` when it reads as written)."""
    for key, kind in (
        ("identity", str), ("package_version", str), ("replicate", str), ("root_seed", int),
        ("replications", int), ("factors", list), ("metrics", list), ("baseline", dict),
        ("points", list),
    ):  # fmt: skip
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            return _("{key} missing or not of type {type}").format(key=key, type=kind.__name__)
    if data["replications"] < 1:
        return _("replications < 1")
    for i, f in enumerate(data["factors"]):
        if not isinstance(f, dict) or not isinstance(f.get("key"), str):
            return _("factors[{i}] has no key").format(i=i)
    if not all(isinstance(m, str) for m in data["metrics"]):
        return _("metrics are not names")
    keys = {f["key"] for f in data["factors"]}
    if not data["points"]:
        return _("no design points")
    for i, p in enumerate(data["points"]):
        if not (
            isinstance(p, dict)
            and p.get("index") == i
            and p.get("id") == f"p{i:03d}"
            and isinstance(p.get("label"), str)
            and isinstance(p.get("values"), dict)
            and set(p["values"]) == keys
            and isinstance(p.get("config_hash"), str)
        ):
            return _("points[{i}] is not a design point of the factors").format(i=i)
    return None


def _difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """Say what makes two manifests different experiments."""
    if old.get("package_version") != new["package_version"]:
        return _("package version {there} there, {now} now").format(
            there=old.get("package_version"), now=new["package_version"]
        )
    if old.get("root_seed") != new["root_seed"]:
        return _("root seed {there} there, {now} now").format(
            there=old.get("root_seed"), now=new["root_seed"]
        )
    if old.get("replicate") != new["replicate"]:
        return _("replication function {there} there, {now} now").format(
            there=old.get("replicate"), now=new["replicate"]
        )
    a = [p["config_hash"] for p in old.get("points", [])]
    b = [p["config_hash"] for p in new["points"]]
    if len(a) != len(b):
        return _("{there} design points there, {now} now").format(there=len(a), now=len(b))
    for pa, pb, hold in zip(a, b, old["points"], strict=True):
        if pa != pb:
            return _("design point {id} config hash {there} there, {now} now").format(
                id=hold["id"], there=pa[:12], now=pb[:12]
            )
    return _("different identity")  # pragma: no cover
