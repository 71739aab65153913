"""Loaded road networks kept on disk: a road file is parsed once while it stays the same.

Parsing OpenStreetMap XML or GraphML is most of the time a run on real roads
takes to start (central Shanghai, 390 KB of ``.osm.bz2``: several seconds;
the built-in city as GraphML: tens of seconds), and every replication worker,
design point and rerun used to parse the same file again. A loaded network is
now written once as plain numpy arrays (``.npz``, no pickle) and read back on
the next load of the same file.

An entry is found by a digest of:

* the file's bytes (a changed file is a new entry, whatever its name or time);
* the speed overrides the load was given;
* the loader itself: yingji's version, the source of every ``networks``
  module, and the versions of numpy, networkx and osmnx (a new parser never
  meets an old entry).

Only what a file says is kept; what depends on how it was named (the
network's name, the ``source`` its messages quote) is set anew at each load,
and the warnings a load gives (nodes dropped, lengths in the wrong unit) are
given again. An entry that cannot be read is parsed again and rewritten; a
cache that cannot be written is done without. Entries least recently used go
when the folder passes :data:`MAX_BYTES`.

The folder is ``YINGJI_CACHE_DIR`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/yingji/networks`` (``~/.cache/yingji/networks``; on Windows
``%LOCALAPPDATA%/yingji/cache/networks``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from networks.cleaning import CleaningReport, DroppedNodes
from networks.files import TMP_PREFIX, atomic_path
from networks.geometry import EdgeGeometry
from networks.roadnet import RoadNetwork
from networks.tables import EdgeTable, Landmark, NodeTable

#: The environment variable naming the folder (``off``, ``0`` or empty: no cache).
CACHE_ENV = "YINGJI_CACHE_DIR"
#: The folder's size above which the entries least recently used are removed.
MAX_BYTES = 2 * 1024**3
#: Bumped when the layout of an entry changes.
FORMAT = 1
_OFF = {"", "0", "off", "no", "false", "none"}


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` if ``YINGJI_CACHE_DIR`` turns the cache off."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return None if given.strip().lower() in _OFF else Path(given).expanduser()
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "yingji" / "cache" / "networks"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "yingji" / "networks"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


@cache
def loader_fingerprint() -> str:
    """A digest of everything besides the file that decides what a load gives."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for dist in ("yingji", "numpy", "networkx", "osmnx"):
        h.update(f"\n{dist} {_version(dist)}".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(b"\n" + source.name.encode() + b"\n" + source.read_bytes())
    return h.hexdigest()


def entry_key(path: Path, kind: str, speeds: Mapping[str, float] | None) -> str:
    """The digest naming ``path``'s entry, loaded as ``kind`` with ``speeds``."""
    with open(path, "rb") as fh:
        content = hashlib.file_digest(fh, "sha256").hexdigest()
    what = [loader_fingerprint(), kind, sorted((speeds or {}).items()), content]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()


def cached_load(
    path: Path,
    kind: str,
    speeds: Mapping[str, float] | None,
    load: Callable[[], RoadNetwork],
) -> RoadNetwork:
    """``load()``'s network for ``path``, from the cache if there, kept there if not.

    Parameters
    ----------
    path
        The road file (readable: the caller checked).
    kind
        Which loader (``"osm"``, ``"graphml"``): part of the key.
    speeds
        The speed overrides (part of the key).
    load
        Parses the file; called only when the cache has no readable entry.

    Returns
    -------
    RoadNetwork
        The network as the file gives it: the caller sets what depends on the
        file's name and gives the load's warnings, whichever way it came.
    """
    folder = cache_dir()
    if folder is None:
        return load()
    try:
        entry = folder / f"{entry_key(path, kind, speeds)}.npz"
    except OSError:  # unreadable now: the loader names the file in its error
        return load()
    net = read_entry(entry)
    if net is not None:
        with contextlib.suppress(OSError):
            os.utime(entry)  # recently used: kept longest
        return net
    net = load()
    with contextlib.suppress(OSError):
        write_entry(entry, net)
        trim(folder)
    return net


def _put(arrays: dict[str, np.ndarray], prefix: str, table: Any) -> None:
    """Every column of a node, edge or dropped-node table that is there, by field name.

    Text columns go as their distinct values and an index into them (a tenth of the
    bytes); the edges' bends as their two arrays.
    """
    for f in dataclasses.fields(table):
        value = getattr(table, f.name)
        key = f"{prefix}.{f.name}"
        if value is None:
            continue
        if isinstance(value, EdgeGeometry):
            arrays[f"{key}.offsets"], arrays[f"{key}.xy"] = value.offsets, value.xy
        elif value.dtype.kind == "U":
            uniq, index = np.unique(value, return_inverse=True)
            arrays[f"{key}.values"], arrays[f"{key}.index"] = uniq, index.astype(np.int32)
        else:
            arrays[key] = value


def _get(data: Any, prefix: str, cls: type) -> Any:
    """The table of class ``cls`` that :func:`_put` wrote under ``prefix``."""
    columns = {}
    for f in dataclasses.fields(cls):
        key = f"{prefix}.{f.name}"
        if f"{key}.offsets" in data:
            columns[f.name] = EdgeGeometry(data[f"{key}.offsets"], data[f"{key}.xy"])
        elif f"{key}.index" in data:
            columns[f.name] = data[f"{key}.values"][data[f"{key}.index"]]
        elif key in data:
            columns[f.name] = data[key]
    return cls(**columns)


def write_entry(entry: Path, net: RoadNetwork) -> None:
    """Write ``net`` (a network as loaded, undisrupted) to ``entry``, atomically."""
    clean = net.cleaning
    arrays: dict[str, np.ndarray] = {}
    _put(arrays, "nodes", net.nodes)
    _put(arrays, "edges", net.edges)
    if clean.dropped is not None:
        _put(arrays, "dropped", clean.dropped)
    marks = net.landmarks
    arrays["landmarks.node"] = np.asarray([m.node for m in marks], dtype=np.int64)
    for col in ("name", "kind", "name_zh"):
        arrays[f"landmarks.{col}"] = np.asarray([getattr(m, col) for m in marks], dtype=str)
    meta = {
        "format": FORMAT,
        "crs": net.crs,
        "cleaning": [clean.nodes_in, clean.edges_in, clean.nodes_dropped, clean.edges_dropped,
                     clean.components_dropped],
        "attribution": clean.attribution,
    }  # fmt: skip
    arrays["meta"] = np.asarray(json.dumps(meta, ensure_ascii=False))
    with atomic_path(entry) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def read_entry(entry: Path) -> RoadNetwork | None:
    """The network kept in ``entry``, or ``None`` if there is none or it cannot be read."""
    try:
        # Opened here, so that a damaged file is closed too (np.load leaves it open then).
        with open(entry, "rb") as fh, np.load(fh, allow_pickle=False) as data:
            return _network(data)
    except Exception:  # missing, cut short or from elsewhere: parse the file again
        return None


def _network(data: Any) -> RoadNetwork:
    meta = json.loads(str(data["meta"]))
    if meta["format"] != FORMAT:
        raise ValueError("another format")
    marks = [
        Landmark(int(n), str(name), str(kind), str(zh))
        for n, name, kind, zh in zip(
            data["landmarks.node"].tolist(),
            data["landmarks.name"],
            data["landmarks.kind"],
            data["landmarks.name_zh"],
            strict=True,
        )  # fmt: skip
    ]
    dropped = _get(data, "dropped", DroppedNodes) if "dropped.osmid" in data else None
    cleaning = CleaningReport(*meta["cleaning"], dropped=dropped, attribution=meta["attribution"])
    return RoadNetwork(
        _get(data, "nodes", NodeTable), _get(data, "edges", EdgeTable), crs=meta["crs"],
        landmarks=marks, cleaning=cleaning,
    )  # fmt: skip


#: A temporary file older than this (seconds) was left by a load killed while writing.
STALE_TMP_S = 3600.0


def trim(folder: Path, max_bytes: int = MAX_BYTES) -> None:
    """Remove the entries least recently used until the folder holds ``max_bytes`` or less.

    Temporary files a killed load left behind go too, once they are an hour old.
    """
    entries = []
    now = time.time()
    for p in folder.glob("*.npz"):
        with contextlib.suppress(OSError):
            st = p.stat()
            if not p.name.startswith(TMP_PREFIX):
                entries.append((st.st_mtime, st.st_size, p))
            elif now - st.st_mtime > STALE_TMP_S:
                p.unlink()
    total = sum(size for _t, size, _p in entries)
    for _t, size, p in sorted(entries):
        if total <= max_bytes:
            break
        with contextlib.suppress(OSError):
            p.unlink()
            total -= size
