"""Input files sent with the tasks of a Dask cluster, whose workers may not see this disk.

A run config names its input files by absolute path: the road file, the
station and depot tables, the scenario file and its hazard catalogue, the
incident log and its disruptions, the travel-time matrix, and a policy module
of the user's with its sources (:func:`experiments.hashing.input_files`,
:func:`experiments.hashing.policy_sources`). A Dask worker on another machine
has no such paths. So before a run's first task this process reads every file
its configs read, once, and hands each to the cluster once
(:meth:`distributed.Client.scatter`: a 100 MB road file travels to a worker at
most once per run, however many tasks and replications use it). Each task
carries the names of the files its configs need; the worker writes them into a
private folder of the run (in its Dask scratch space), laid out as they lie
here, so that a scenario file finds its catalogue where it names it and a policy
module finds its helpers; a catalogue named by an absolute path or through a link
is handed to the worker's scenario loader (:func:`scenarios.spec.catalogues_at`):
no file is edited. The task then runs on its configs with their paths pointing
there, and its errors name the files by their paths here. As the run ends, the
workers remove its folder (:func:`release`); they keep :data:`KEEP_IDLE` at most.

Every reader on the worker sees the bytes read here, so results are those of
the files here, whatever the workers' own disks hold. The in-process and
local-process executors read the files where they are.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import dataclasses
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from networks.errors import ConfigError, YingjiError
from networks.i18n import _, os_reason
from scenarios.validate import read_toml

__all__ = ["InputShipper", "dask_client", "release", "run_shipped", "shipper", "submit"]

#: ``section.key`` of the run config fields that name an input file or folder.
FIELDS = ("network.file", "facilities.stations", "facilities.depots", "scenario.file",
          "scenario.incidents", "scenario.disruptions", "travel.matrix", "policy.path")  # fmt: skip
#: What a Shapefile is read with: the files of its name with these endings (any case).
SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fbn", ".fbx", ".ain",
            ".aih", ".atx", ".ixs", ".mxs", ".shp.xml")  # fmt: skip
#: Folders of runs that ended without a word (a client stopped) a worker process keeps.
KEEP_IDLE = 2


def dask_client(pool: Executor) -> Any:
    """The :class:`distributed.Client` behind a Dask executor (``None``: another executor)."""
    client = getattr(pool, "_client", None)
    if client is None:
        return None
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a ``_client`` without Dask installed
        return None
    return client if isinstance(client, Client) else None


def shipper(pool: Executor, configs: Sequence[Any], *, network: bool = True) -> InputShipper | None:
    """What sends ``pool`` the input files of ``configs``, if ``pool`` is a Dask cluster's.

    Parameters
    ----------
    pool
        The executor the tasks go to.
    configs
        Every run config the tasks will carry.
    network
        Whether workers build the road network from the config's road file (not
        when they are handed a built region).

    Returns
    -------
    InputShipper or None
        ``None`` for the in-process and local-process executors: they read the
        files where they are.
    """
    client = dask_client(pool)
    if client is None:
        return None
    return InputShipper(configs, put=lambda data: client.scatter(data, hash=True), network=network)


def submit(pool: Executor, ship: InputShipper | None, fn: Callable[..., Any], *args: Any) -> Future:
    """``pool.submit(fn, *args)``; with ``ship``, the run configs in ``args`` bring their files.

    Parameters
    ----------
    pool
        The executor.
    ship
        :func:`shipper` of ``pool`` (``None``: the files are read where they are).
    fn, args
        The task.

    Returns
    -------
    concurrent.futures.Future
    """
    if ship is None or not ship.files:
        return pool.submit(fn, *args)
    return pool.submit(run_shipped, ship.payload(args), fn, *args)


def release(pool: Executor, ship: InputShipper | None) -> None:
    """Have the Dask workers remove the folder of a run whose tasks are done or cancelled.

    Best effort (a worker gone took its scratch space with it); a worker still
    running one of the run's tasks removes it when that task ends.
    """
    client = dask_client(pool)
    if ship is None or not ship.files or client is None:
        return
    with contextlib.suppress(Exception):
        client.run(_forget, ship.token)


@dataclasses.dataclass(frozen=True)
class _Wants:
    """The files one config reads: its fields' files, every file to send, moved catalogues."""

    fields: dict[str, tuple[str, str]]  # field -> (absolute path, "#layer" or "")
    files: list[str]
    folders: list[str]
    catalogue_of: dict[str, str]  # scenario file -> catalogue it reads, not found as named


class InputShipper:
    """The input files of a run's configs, each handed to the cluster once.

    Parameters
    ----------
    configs
        Every run config the run's tasks carry.
    put
        Hands a file's bytes to the cluster and returns what a task carries instead
        (a Dask future; the bytes themselves when called without a cluster).
    network
        Whether the road file is sent too.

    Attributes
    ----------
    files
        What each file became through ``put``, by its ``/``-separated name in the layout.
    token
        This run's name for its folder on the workers (each run its own: two runs
        of one project on a shared cluster never remove each other's files).
    """

    def __init__(
        self, configs: Sequence[Any], *, put: Callable[[bytes], Any], network: bool = True
    ) -> None:
        wants = {id(c): _wants(c, network=network) for c in configs}
        paths = {f for w in wants.values() for f in w.files}
        folders = {d for w in wants.values() for d in w.folders}
        self.root, self.names = _layout(paths, folders)
        self.files: dict[str, Any] = {}
        self._fields: dict[int, dict[str, str]] = {}
        self._needs: dict[int, list[str]] = {}
        self._back: dict[str, str] = {}
        self._catalogues: dict[int, dict[str, str]] = {}
        for path in sorted(paths):
            name = self.names[path]
            try:
                data = Path(path).read_bytes()
            except OSError as exc:  # gone or unreadable since the config was read
                raise ConfigError(
                    _("cannot read {path} to send it to the Dask workers ({error})").format(
                        path=path, error=os_reason(exc)
                    ),
                    key="--dask",
                ) from None
            self.files[name] = put(data)  # the bytes read here, unchanged
            self._back[name] = path
        self.token = uuid.uuid4().hex
        for key, w in wants.items():
            self._fields[key] = {f: self.names[p] + suffix for f, (p, suffix) in w.fields.items()}
            self._needs[key] = sorted({self.names[p] for p in w.files})
            moved = w.catalogue_of.items()
            self._catalogues[key] = {self.names[s]: self.names[c] for s, c in moved}

    def payload(self, args: Sequence[Any]) -> dict[str, Any]:
        """What a task of ``args`` carries: its configs' files and where their fields point.

        Plain containers only, so that Dask finds the futures inside and hands the
        worker their bytes.
        """
        configs = list(_configs_in(args))
        needed = sorted({n for c in configs for n in self._needs[id(c)]})
        back = {n: self._back[n] for n in needed}
        for c in configs:  # a field's own text, as the config names it
            fields = self._fields[id(c)].items()
            back.update({n.partition("#")[0]: _field_text(c, f) for f, n in fields})
        if self.root:
            back["."] = self.root
        return {
            "token": self.token,
            "files": {n: self.files[n] for n in needed},
            "configs": [self._fields[id(c)] for c in configs],
            "back": sorted(back.items()),
            "catalogues": sorted({i for c in configs for i in self._catalogues[id(c)].items()}),
        }


def _wants(config: Any, *, network: bool) -> _Wants:
    """The files ``config`` reads (see :func:`experiments.hashing.input_files`)."""
    from experiments.geo_rows import table_file
    from experiments.hashing import input_files, policy_sources

    fields: dict[str, tuple[str, str]] = {}
    files: list[str] = []
    folders: list[str] = []
    catalogue_of: dict[str, str] = {}
    for key, path in input_files(config):
        if key.startswith("policy.") or (key == "network.file" and not network):
            continue
        if key == "scenario.catalogue":  # ``path``: the file the scenario loader read here
            scenario, read = os.path.abspath(config.scenario), os.path.abspath(path)
            ref = _catalogue_ref(scenario) or ""
            named = os.path.normpath(os.path.join(os.path.dirname(scenario), ref))
            if _portable(ref) and os.path.realpath(named) == os.path.realpath(read):
                files.append(named)  # laid out as named: the worker finds it as named
            else:  # an absolute path, or a relative one through a link: the loader is told
                files.append(read)
                catalogue_of[scenario] = read
            continue
        file, layer = table_file(Path(path))
        here = os.path.abspath(file)
        fields[key] = (here, "" if layer is None else f"#{layer}")
        files.append(here)
        if here.lower().endswith(".shp"):  # a Shapefile is read with its sidecar files
            stem = len(Path(here).stem)
            files.extend(str(f) for f in Path(here).parent.iterdir() if f.is_file()
                         and f.name[:stem].lower() == Path(here).stem.lower()
                         and f.name[stem:].lower() in SIDECARS)  # fmt: skip
    sources = policy_sources(config)
    if sources and config.policy_path:  # installed code is the workers' own
        fields["policy.path"] = (os.path.abspath(config.policy_path), "")
        folders.append(os.path.abspath(config.policy_path))
        files.extend(str(f) for f in sources)
    return _Wants(fields=fields, files=files, folders=folders, catalogue_of=catalogue_of)


def _layout(paths: set[str], folders: set[str]) -> tuple[str, dict[str, str]]:
    """The folder holding every file, and each file's (and folder's) ``/``-separated name in it.

    Files on several drives have no such folder (``""``): each drive is a folder.
    """
    everything = sorted(paths | folders)
    if not everything:
        return "", {}
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in paths] + sorted(folders))
    except ValueError:  # Windows: files on several drives
        root = ""
    names = {}
    for p in everything:
        if root:
            names[p] = Path(os.path.relpath(p, root)).as_posix()
        else:
            drive, rest = os.path.splitdrive(p)
            label = re.sub(r"\W", "_", drive) or "_"
            names[p] = f"{label}/{Path(rest).as_posix().lstrip('/')}"
    return root, names


def _catalogue_ref(scenario: str) -> str | None:
    """The ``catalogue`` a scenario file names, as written (``None``: unreadable)."""
    try:
        ref = read_toml(scenario).get("catalogue")
    except ConfigError:
        return None
    return ref if isinstance(ref, str) else None


def _portable(ref: str) -> bool:
    """Whether a path names the same place relative to any folder on any system."""
    return not (PurePosixPath(ref).is_absolute() or PureWindowsPath(ref).anchor or "\\" in ref)


def _configs_in(args: Sequence[Any]) -> Iterator[Any]:
    """The run configs among a task's arguments (alone, or in a list), in order."""
    from experiments.config import RunConfig

    for a in args:
        if isinstance(a, RunConfig):
            yield a
        elif isinstance(a, list | tuple):
            yield from (c for c in a if isinstance(c, RunConfig))


def _field_text(config: Any, field: str) -> str:
    """The text of a config's file field (the config's own path, as messages name it)."""
    from experiments.geo_rows import table_file

    if field == "policy.path":
        return str(config.policy_path)
    log = config.incidents
    value = {"network.file": config.network.file, "facilities.stations": config.stations,
             "facilities.depots": config.depots, "scenario.file": config.scenario,
             "scenario.incidents": log and log.path, "travel.matrix": config.travel_matrix,
             "scenario.disruptions": log and log.disruptions}[field]  # fmt: skip
    return str(table_file(Path(value))[0])


# --------------------------------------------------------------------------- worker side
#: This process's folder of input files; the files written to it by run token, the run
#: used last at the end; tasks running, by token; runs ended while a task of theirs ran.
_FOLDER: list[Path] = []
_WRITTEN: dict[str, set[str]] = {}
_BUSY: dict[str, int] = {}
_ENDED: set[str] = set()
_LOCK = threading.Lock()


def run_shipped(payload: Mapping[str, Any], fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` on a worker, its run configs reading the files the task brought.

    Module-level so that Dask pickles it by reference. A user's error naming a
    file names it by its path where the run was started.

    Parameters
    ----------
    payload
        :meth:`InputShipper.payload` of ``args``, its files' bytes in place of
        the futures Dask resolved.
    fn, args
        The task: :func:`experiments.batch.run_chunk` or
        :func:`experiments.replicate_parallel.replicate_task` and its arguments.

    Returns
    -------
    Any
        What ``fn`` returns.
    """
    from scenarios.spec import catalogues_at

    token = payload["token"]
    folder = _materialise(token, payload["files"])
    try:
        back = [(str(_at(folder, n)), text) for n, text in payload["back"]]
        back.sort(key=lambda pair: -len(pair[0]))  # a file before the folder holding it
        fields = iter(payload["configs"])
        args = tuple(_relocate_arg(a, fields, folder) for a in args)
        moved = {str(_at(folder, s)): str(_at(folder, c)) for s, c in payload["catalogues"]}
        with catalogues_at(moved):
            out = fn(*args)
    except YingjiError as exc:
        raise _named_here(exc, back) from None
    finally:
        _done(token)
    if isinstance(out, list):  # batch.run_chunk hands a user's error back in its list
        out = [
            {**o, "error": _named_here(o["error"], back)}
            if isinstance(o, dict) and isinstance(o.get("error"), YingjiError)
            else o
            for o in out
        ]
    return out


def _at(folder: Path, name: str) -> Path:
    """``folder/name`` for a ``/``-separated name that stays inside ``folder``."""
    parts = PurePosixPath(name).parts
    if ".." in parts or PurePosixPath(name).is_absolute():
        raise ValueError(f"input file name outside the task's folder: {name!r}")
    return folder.joinpath(*parts)


def _materialise(token: str, files: Mapping[str, bytes]) -> Path:
    """Write the files not yet written into this process's folder of run ``token``."""
    with _LOCK:  # tasks of one worker may run in threads
        if not _FOLDER:
            _FOLDER.append(_private_folder())
        folder = _FOLDER[0] / token[:16]
        written = _WRITTEN.pop(token, set())
        _WRITTEN[token] = written  # the run used last, last
        for name, data in files.items():
            if name not in written:
                target = _at(folder, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                written.add(name)
        _BUSY[token] = _BUSY.get(token, 0) + 1
    return folder


def _done(token: str) -> None:
    """A task of run ``token`` ended: remove ended runs' folders and idle ones past the bound."""
    with _LOCK:
        _BUSY[token] -= 1
        if not _BUSY[token]:
            del _BUSY[token]
        idle = [t for t in _WRITTEN if t not in _BUSY]
        for t in [t for t in idle if t in _ENDED] + idle[: max(len(idle) - KEEP_IDLE, 0)]:
            _drop(t)


def _forget(token: str) -> None:
    """On a worker, as a run ends (:func:`release`): remove its folder, at once if no task runs."""
    with _LOCK:
        if token in _BUSY:
            _ENDED.add(token)
        elif token in _WRITTEN:
            _drop(token)


def _drop(token: str) -> None:
    """Remove the folder of run ``token`` and forget what was written to it (lock held)."""
    _WRITTEN.pop(token, None)
    _ENDED.discard(token)
    shutil.rmtree(_FOLDER[0] / token[:16], ignore_errors=True)


def _private_folder() -> Path:
    """A folder of this process: in its Dask worker's scratch space (removed with it)."""
    try:
        from distributed import get_worker

        base = Path(get_worker().local_directory)
    except (ImportError, ValueError):  # not a Dask worker (tests call the task directly)
        base = None
    folder = tempfile.mkdtemp(prefix="yingji-inputs-", dir=base)
    if base is None:  # no scratch space to go with: removed when this process ends
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(os.path.realpath(folder))  # as a reader that resolves links names it


def _relocate_arg(arg: Any, fields: Iterator[Mapping[str, str]], folder: Path) -> Any:
    """A task argument with its run configs reading from ``folder`` (as :func:`_configs_in`)."""
    from experiments.config import RunConfig

    if isinstance(arg, RunConfig):
        return _relocated(arg, next(fields), folder)
    if isinstance(arg, list | tuple):
        return type(arg)(
            _relocated(c, next(fields), folder) if isinstance(c, RunConfig) else c for c in arg
        )
    return arg


def _relocated(config: Any, fields: Mapping[str, str], folder: Path) -> Any:
    """``config`` with every file field in ``fields`` pointing into ``folder``."""

    def at(field: str) -> Path:
        return _at(folder, fields[field])

    changes: dict[str, Any] = {}
    if "network.file" in fields:
        changes["network"] = dataclasses.replace(config.network, file=str(at("network.file")))
    for kind in ("stations", "depots"):
        if f"facilities.{kind}" in fields:
            changes[kind] = at(f"facilities.{kind}")
    if "scenario.file" in fields:
        changes["scenario"] = str(at("scenario.file"))
    if "scenario.incidents" in fields:
        changes["incidents"] = dataclasses.replace(
            config.incidents,
            path=at("scenario.incidents"),
            disruptions=at("scenario.disruptions") if "scenario.disruptions" in fields else None,
        )
    if "travel.matrix" in fields:
        changes["travel_matrix"] = at("travel.matrix")
    if "policy.path" in fields:
        changes["policy_path"] = str(at("policy.path"))
    return dataclasses.replace(config, **changes)


def _named_here(exc: YingjiError, back: Sequence[tuple[str, str]]) -> YingjiError:
    """``exc`` naming files by their paths where the run started, not on the worker."""

    def here(text: str) -> str:
        for there, original in back:
            text = text.replace(there, original)
        return text

    text = str(exc)
    if here(text) == text:
        return exc
    try:
        new = copy.copy(exc)  # same class, key and source
    except TypeError:  # pragma: no cover - a subclass with another constructor
        return exc
    new.args = (here(text),)
    if isinstance(getattr(new, "source", None), str):
        new.source = here(new.source)  # type: ignore[attr-defined]
    return new
