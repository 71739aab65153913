"""Incident streams as plain tables (CSV), for people and other tools."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from networks.files import CSV_ENCODING, atomic_path
from networks.roadnet import RoadNetwork
from scenarios.stream import IncidentStream

#: Columns of the incident table, in order.
INCIDENT_COLUMNS = (
    "id", "time_min", "node", "x", "y", "lon", "lat", "hazard", "category", "grade",
    "control_work", "clear_work", "parent", "teams", "supplies",
)  # fmt: skip
#: Columns of the disruption table, in order.
DISRUPTION_COLUMNS = ("start_min", "end_min", "incident", "factor", "label", "n_edges", "edges")


def _pairs(pairs: tuple[tuple[str, int], ...]) -> str:
    return ";".join(f"{k}:{v}" for k, v in pairs)


def incident_table(stream: IncidentStream, network: RoadNetwork) -> dict[str, np.ndarray]:
    """One column per :data:`INCIDENT_COLUMNS`; teams and supplies as ``"fire:2;medical:1"``."""
    nd = stream.node
    req_teams = np.array([_pairs(r.teams) for r in stream.requirements] or [""], dtype=object)
    req_sup = np.array([_pairs(r.supplies) for r in stream.requirements] or [""], dtype=object)
    return {
        "id": stream.id,
        "time_min": stream.time,
        "node": nd,
        "x": network.nodes.x[nd],
        "y": network.nodes.y[nd],
        "lon": network.nodes.lon[nd],
        "lat": network.nodes.lat[nd],
        "hazard": stream.hazard,
        "category": stream.category,
        "grade": stream.grade,
        "control_work": stream.control_work,
        "clear_work": stream.clear_work,
        "parent": stream.parent,
        "teams": req_teams[stream.requirement],
        "supplies": req_sup[stream.requirement],
    }


def disruption_table(stream: IncidentStream) -> dict[str, np.ndarray]:
    """One column per :data:`DISRUPTION_COLUMNS`; ``edges`` as space-separated edge indices."""
    ds = stream.disruptions
    return {
        "start_min": np.array([d.start for d in ds], dtype=float),
        "end_min": np.array([d.end for d in ds], dtype=float),
        "incident": np.array([d.incident for d in ds], dtype=np.int64),
        "factor": np.array([d.disruption.factor for d in ds], dtype=float),
        "label": np.array([d.disruption.label for d in ds], dtype=object),
        "n_edges": np.array([len(d.disruption.edges) for d in ds], dtype=np.int64),
        "edges": np.array([" ".join(map(str, d.disruption.edges)) for d in ds], dtype=object),
    }


def _fmt(v: object) -> str:
    if isinstance(v, float | np.floating):
        return "inf" if np.isinf(v) else f"{float(v):.6f}".rstrip("0").rstrip(".")
    return str(v)


def _write_csv(path: Path, table: dict[str, np.ndarray], columns: tuple[str, ...]) -> None:
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding=CSV_ENCODING) as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        cols = [table[c] for c in columns]
        for row in zip(*cols, strict=True):
            w.writerow([_fmt(v) for v in row])


def disruptions_path(path: str | os.PathLike[str]) -> Path:
    """The disruption schedule beside an incident CSV: ``x.csv`` -> ``x.disruptions.csv``."""
    p = Path(path)
    return p.with_name(
        f"{p.stem}.disruptions.csv" if p.suffix.lower() == ".csv" else f"{p.name}.disruptions.csv"
    )


def write_stream_csv(
    stream: IncidentStream, network: RoadNetwork, path: str | os.PathLike[str]
) -> tuple[Path, Path]:
    """Write the incident table to ``path`` and the disruption schedule beside it.

    Both files are written atomically (temp name, then rename).

    Returns
    -------
    incidents, disruptions
        The two paths written.
    """
    p = Path(path)
    _write_csv(p, incident_table(stream, network), INCIDENT_COLUMNS)
    q = disruptions_path(p)
    _write_csv(q, disruption_table(stream), DISRUPTION_COLUMNS)
    return p, q


def summarise(stream: IncidentStream) -> dict[str, object]:
    """Counts by category, hazard and grade, cascades and disruptions (JSON-ready)."""

    def counts(a: np.ndarray) -> dict[str, int]:
        keys, n = np.unique(a.astype(str), return_counts=True)
        return {str(k): int(v) for k, v in sorted(zip(keys, n, strict=True), key=lambda kv: -kv[1])}

    closed = sum(1 for d in stream.disruptions if np.isinf(d.disruption.factor))
    return {
        "incidents": len(stream),
        "by_category": counts(stream.category),
        "by_hazard": counts(stream.hazard),
        "by_grade": {
            f"{'I II III IV'.split()[g - 1]}": int((stream.grade == g).sum()) for g in (1, 2, 3, 4)
        },  # fmt: skip
        "secondary": int((stream.parent >= 0).sum()),
        "disruptions": len(stream.disruptions),
        "closures": closed,
        "isolation_zones": sum(
            1 for d in stream.disruptions if d.disruption.label.startswith("isolation")
        ),
    }
