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
is not part of the results and may be deleted. The summary and record tables
are made from the replication files at the end of a run, and removed when a
run that adds replications starts (:func:`experiments.tables.drop_tables`), so
none is ever older than the files it stands for.
"""

from __future__ import annotations

import json
import logging
import math
import os
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from experiments.archives import (
    ReplicationRow,
    npz_bytes,
    plain_summary,
    plain_tables,
    read_run,
    records_ok,
)
from experiments.design import DesignPoint, ExperimentSpec
from experiments.folders import check_output_folder, folder_lock, sweep_temp_files
from experiments.manifest import (
    FORMAT,
    StoredPoint,
    difference,
    experiment_identity,
    manifest_language,
    new_manifest,
    read_manifest,
    stored_configs,
)
from experiments.run_files import (
    RUN_FILE,
    any_result,
    code_states,
    point_dir,
    run_name,
    states_of,
)
from experiments.tables import (
    ID_COLUMNS,
    RUN_COLUMNS,
    check_table_format,
    find_summary,
    id_value,
    read_table,
    write_table,
)
from networks.errors import ConfigError
from networks.files import atomic_write_bytes, atomic_write_text
from networks.i18n import _
from sim.summary import missing_value

# Re-exported: callers and tests import these from ``experiments.store``.
__all__ = [
    "FORMAT", "ID_COLUMNS", "RUN_COLUMNS", "TIMINGS", "ReplicationRow", "ResultStore",
    "StoredPoint", "atomic_write_bytes", "atomic_write_text", "check_output_folder",
    "check_table_format", "experiment_identity", "find_summary", "folder_lock",
    "manifest_language", "npz_bytes", "plain_summary", "plain_tables", "read_table",
    "records_ok", "sweep_temp_files", "write_table",
]  # fmt: skip

logger = logging.getLogger(__name__)

#: Wall-clock seconds per replication: not a result (see the module docstring).
TIMINGS = "timings.csv"


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
        folder started in one language is resumed in the other. ``code_digest`` stays the
        folder's first; resumed with other code, ``code_digests`` counts the replications
        of each code state. Temporary files left by a killed run are removed
        (:func:`sweep_temp_files`).

        Raises
        ------
        ConfigError
            If the folder holds another experiment's results, or files that are not an
            experiment's.
        """
        root = Path(root)
        points = spec.points()
        manifest = new_manifest(spec, points, replicate=replicate)
        identity = manifest["identity"]
        path = root / "manifest.json"
        old = read_manifest(root) if path.exists() else None
        if old is not None and old.get("identity") != identity and not any_result(root):
            # An earlier start that stored nothing (refused at its first replication, say,
            # for input it only checks there): nothing to keep apart, so this one starts.
            logger.warning(
                _(
                    "{folder}: held an earlier experiment ({difference}) without a finished "
                    "replication; started again for this one"
                ).format(folder=root, difference=difference(old, manifest))
            )
            for f in (root / "points").glob("*.json"):
                f.unlink()
            old = None
        if old is not None:
            if old.get("identity") != identity:
                raise ConfigError(
                    _(
                        "holds results of a different experiment ({difference}); "
                        "results are never mixed: use another --out folder or remove this one"
                    ).format(difference=difference(old, manifest, stored_configs(root, points))),
                    source=str(root),
                    key="--out",
                )
            # Same version, other code (an editable install): keep the first digest, count each.
            now = manifest["code_digest"]
            states = code_states(states_of(old, now), root, points, now)
            manifest["code_digest"] = states[0]["code_digest"]
            manifest.update({"code_digests": states} if len(states) > 1 else {})
            if any(st["code_digest"] != now and st["replications"] for st in states):
                logger.warning(
                    _(
                        "{folder}: other code of yingji (same version) made some of its "
                        "replications (code_digests in manifest.json counts them); they are kept. "
                        "Use a new --out folder for results from one code state only."
                    ).format(folder=root)
                )
        elif not path.exists():
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

    def count_code_states(self) -> None:
        """Credit the replications finished in this run to its code (see :func:`code_states`)."""
        # Only a folder of more than one code state counts; a killed run's count at the next open.
        states = self.manifest.get("code_digests")
        counted = code_states(states, self.root, self.points) if states else None
        if counted and counted != states:
            self.manifest["code_digests"] = counted
            text = json.dumps(self.manifest, indent=2, allow_nan=False) + "\n"
            atomic_write_text(self.root / "manifest.json", text)

    @classmethod
    def open(cls, root: str | Path) -> ResultStore:
        """Open an existing output folder for reading."""
        root = Path(root)
        return cls(root, read_manifest(root))

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
        return self.root / point_dir(point_id) / f"{run_name(replication)}.json"

    def records_path(self, point_id: str, replication: int) -> Path:
        """Where a replication's records (``.npz``) live."""
        return self.root / point_dir(point_id) / f"{run_name(replication)}.npz"

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
            folder = self.root / point_dir(p.id)
            if not folder.is_dir():
                continue
            for f in sorted(folder.iterdir()):
                m = RUN_FILE.match(f.name)
                if m is None:
                    continue
                r = int(m.group(1))
                row = read_run(f, p, r)
                if row is None:
                    damaged.append(f)
                    continue
                row["summary"] = {k: np.nan if v is None else v for k, v in row["summary"].items()}
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
        plain = plain_summary(summary)
        # Valid JSON: nan or inf is null; scan reads it (and older files' bare NaN) as nan.
        nulls = {k: None for k, v in plain.items() if isinstance(v, float) and not math.isfinite(v)}
        row = {
            "point": point.index,
            "point_id": point.id,
            "replication": replication,
            "config_hash": point.config_hash,
            "root_seed": self.manifest["root_seed"],
            "package_version": self.manifest["package_version"],
            "summary": {**plain, **nulls},
        }
        text = json.dumps(row, indent=1, allow_nan=False) + "\n"
        atomic_write_text(self.summary_path(point.id, replication), text)
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
        metrics = dict.fromkeys(m for row in rows for m in row.summary)
        keys = self.factor_keys
        cols: dict[str, list[Any]] = {c: [] for c in (*ID_COLUMNS, *keys, *RUN_COLUMNS)}
        # A metric named like an id or factor column: left out if it repeats it, else "summary.X".
        names = {}
        for m in metrics:
            if m not in cols:
                names[m] = m
            elif any(row.summary.get(m) != id_value(row, points, m) for row in rows):
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
            for m, name in names.items():  # a count left out when 0 is 0, else undefined
                cols[name].append(row.summary.get(m, missing_value(m)))
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
