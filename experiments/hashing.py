"""Identity of results: canonical JSON, run-config hashes, package version and code digest.

A design point is known by :func:`config_hash` of its :func:`identity_view`
together with the package version: the run config with every file it reads
(road file, facility tables, scenario file and its catalogue, incident log,
travel-time matrix, policy module and the other source files of its package)
known by its path relative to the experiment folder and the sha256 of its
contents. An edited input is then another experiment, and a copied project is
the same one. The store also records :func:`code_digest` so results made by
edited code of an editable install are told apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Keys of a run config that label it rather than change what runs (not hashed).
_UNHASHED = frozenset({"name", "language"})
#: Input files whose path the run config's plain data holds (``section.key``).
_PATH_KEYS = frozenset({"network.file", "facilities.stations", "facilities.depots",
                        "scenario.file", "scenario.incidents", "scenario.disruptions",
                        "travel.matrix"})  # fmt: skip
#: yingji's own packages.
_OWN = ("networks", "scenarios", "sim", "experiments")
#: sha256 of files read in this process, by ``(path, size, mtime_ns)``: each read once per run.
_DIGESTS: dict[tuple[str, int, int], str] = {}
#: The catalogue file a scenario file names, by the scenario file's path and digest.
_CATALOGUES: dict[tuple[str, str], str] = {}


def package_version() -> str:
    """The installed version of yingji: :data:`networks.__version__` (``0+unknown`` if none)."""
    from networks import __version__

    return __version__


def code_digest() -> str:
    """sha256 of yingji's own source (``*.py``, ``*.toml``, ``*.csv`` of its four packages).

    An editable install keeps its version number while the code changes; the
    digest tells the store that results were made by different code.
    """
    import importlib

    h = hashlib.sha256()
    for name in ("networks", "scenarios", "sim", "experiments"):
        root = Path(importlib.import_module(name).__file__ or "").parent
        files = sorted(
            f for f in root.rglob("*") if f.suffix in (".py", ".toml", ".csv") and f.is_file()
        )
        for f in files:
            h.update(f"{name}/{f.relative_to(root).as_posix()}\0".encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no whitespace: equal data, equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_hash(config: Mapping[str, Any], *, version: str | None = None) -> str:
    """sha256 of a run config's canonical JSON together with the package version.

    The config's ``name`` is a label and its ``language`` changes only words, not
    what is run, so both are left out: renaming (or copying) an experiment file, or
    reading it in another language, does not change its design points.

    Parameters
    ----------
    config
        Plain config data, as :meth:`RunConfig.to_dict` gives it.
    version
        Package version; the installed one if ``None``.

    Returns
    -------
    str
        64 hex digits.
    """
    what = {k: v for k, v in config.items() if k not in _UNHASHED}
    text = canonical_json({"config": what, "version": version or package_version()})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: str | Path) -> str:
    """sha256 of a file's contents, read once per process while its size and mtime stay.

    Every design point of an experiment may name the same 100 MB road file: it
    is read once (a fraction of a second), and read again only when it changes.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        64 hex digits.
    """
    p = Path(path)
    st = p.stat()
    key = (os.path.abspath(p), st.st_size, st.st_mtime_ns)
    hit = _DIGESTS.get(key)
    if hit is None:
        with p.open("rb") as f:
            hit = _DIGESTS[key] = hashlib.file_digest(f, "sha256").hexdigest()
    return hit


def _scenario_catalogue(path: str) -> str:
    """The catalogue file a scenario file names (``""``: none)."""
    key = (path, file_digest(path))
    if key not in _CATALOGUES:
        from scenarios import load_scenario

        _CATALOGUES[key] = load_scenario(path).catalogue
    return _CATALOGUES[key]


def input_files(config: Any) -> list[tuple[str, Path]]:
    """The files a run config reads besides yingji's own, as ``(key, path)`` pairs.

    Parameters
    ----------
    config
        A :class:`experiments.config.RunConfig`.

    Returns
    -------
    list of (str, Path)
        The road file, station and depot tables, scenario file and the hazard
        catalogue it names, incident log and its disruptions, travel-time matrix,
        the module of a policy named by import path (``policy.name``) and the other
        source files of its package (``policy.source``, :func:`policy_sources`), in
        that order. Empty for a config of built-in parts only.
    """
    files: list[tuple[str, Path]] = []
    if config.network.file:
        files.append(("network.file", Path(config.network.file)))
    for kind in ("stations", "depots"):
        if isinstance(getattr(config, kind), Path):
            files.append((f"facilities.{kind}", getattr(config, kind)))
    if Path(config.scenario).suffix == ".toml":  # a file, not a shipped scenario's name
        files.append(("scenario.file", Path(config.scenario)))
        if catalogue := _scenario_catalogue(config.scenario):
            files.append(("scenario.catalogue", Path(catalogue)))
    if config.incidents is not None:
        files.append(("scenario.incidents", config.incidents.path))
        if config.incidents.disruptions is not None:
            files.append(("scenario.disruptions", config.incidents.disruptions))
    if config.travel_matrix is not None:
        files.append(("travel.matrix", config.travel_matrix))
    module = _policy_module(config)
    if module is not None:
        files.append(("policy.name", module))
        # The helpers it may import: an edited one is another experiment too.
        here = os.path.abspath(module)
        files.extend(("policy.source", f) for f in policy_sources(config) if str(f) != here)
    return files


def _policy_module(config: Any) -> Path | None:
    """The file of the module a config's policy is imported from (``None``: no such module)."""
    from sim.policy_import import module_file

    name = dict(config.policy).get("name")
    if isinstance(name, str) and ":" in name:  # imported when the config was read
        module_name = name.partition(":")[0]
        # Where the config found it: ``sys.modules`` may hold another folder's module of the name.
        module = module_file(module_name, config.policy_path) if config.policy_path else None
        module = module or getattr(sys.modules.get(module_name), "__file__", None)
        if module:
            return Path(module)
    return None


def policy_sources(config: Any) -> list[Path]:
    """The source files of a config's own policy module: the module and what it imports.

    The modules it imports from the folder it was imported from (its import
    root), and what those import from there, found by reading their code
    (:class:`modulefinder.ModuleFinder`: an ``import`` anywhere in a file counts,
    a name built at run time for ``importlib`` does not). A module of a package
    also brings every ``.py`` file of its top package's folder, which Python may
    load by name. Other files beside the module (scripts, notebooks' helpers) are
    not its sources. A module installed (``site-packages``, the Python
    installation) or of yingji itself brings nothing: its version, or
    :func:`code_digest`, stands for it.

    Parameters
    ----------
    config
        A :class:`experiments.config.RunConfig`.

    Returns
    -------
    list of Path
        Absolute paths sorted by their ``/``-separated names below the folder
        (the module among them); empty without a policy module of the user's.
    """
    module = _policy_module(config)
    if module is None:
        return []
    module = Path(os.path.abspath(module))
    module_name = dict(config.policy)["name"].partition(":")[0]
    package = "." in module_name or module.stem == "__init__"
    root = Path(os.path.abspath(config.policy_path or module.parent))
    folder = root / module_name.split(".")[0] if package else module.parent
    own = _own_folders()
    if not _is_user_folder(folder, own):
        return []
    found = {module, *_imported(module_name, root, own)}
    if package:  # the package as a whole: what it may load by name too
        found.update(_python_files(folder, deep=True, skip=own))
    return sorted(found, key=lambda f: Path(os.path.relpath(f, root)).as_posix())


#: Files a policy module imports from its root, by (module, root), with the state of every
#: file and folder read to find them: found again only when one of those changes.
_IMPORTED: dict[tuple[str, Path], tuple[dict[Path, tuple[int, int] | None], list[Path]]] = {}


def _imported(module_name: str, root: Path, own: set[Path]) -> list[Path]:
    """The ``.py`` files of the user's that ``module_name`` imports from ``root``, itself included.

    Read, not run (:class:`modulefinder.ModuleFinder`), with ``root`` as the only
    place to look: installed packages and yingji's own are not followed.
    """
    from modulefinder import ModuleFinder

    hit = _IMPORTED.get((module_name, root))
    if hit is not None and all(_state(p) == s for p, s in hit[0].items()):
        return hit[1]
    finder = ModuleFinder(path=[str(root)], excludes=list(_OWN))
    try:
        finder.import_hook(module_name)
    except (ImportError, SyntaxError, ValueError, OSError):  # edited since it was imported
        return _python_files(root, deep=False, skip=own)  # everything it could import, as before
    files = sorted(
        Path(os.path.abspath(m.__file__))
        for m in finder.modules.values()
        if m.__file__ and m.__file__.endswith(".py")
    )
    files = [f for f in files if _inside(str(f), str(root)) and _is_user_folder(f.parent, own)]
    # A file created in a folder searched could satisfy an import that found nothing before.
    read = {root, *files, *(f.parent for f in files)}
    _IMPORTED[(module_name, root)] = ({p: _state(p) for p in read}, files)
    return files


def _state(path: Path) -> tuple[int, int] | None:
    """A file's or folder's modification time and size (``None``: gone)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _own_folders() -> set[Path]:
    """The folders of yingji's own packages."""
    import importlib

    return {Path(os.path.abspath(importlib.import_module(n).__file__ or "")).parent for n in _OWN}


def _is_user_folder(folder: Path, own: set[Path]) -> bool:
    """Whether ``folder`` holds the user's code: not installed, not yingji's own."""
    if {p.lower() for p in folder.parts} & {"site-packages", "dist-packages"}:
        return False
    installed = {Path(os.path.abspath(p)) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return not any(f == folder or f in folder.parents for f in (*own, *installed))


def _python_files(folder: Path, *, deep: bool, skip: set[Path]) -> list[Path]:
    """``.py`` files in ``folder``; below it, every folder if ``deep``, else packages only."""
    out: list[Path] = []
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__" or entry in skip:
            continue
        if entry.suffix == ".py" and entry.is_file():
            out.append(entry)
        elif entry.is_dir() and not entry.is_symlink():  # no loops through links
            if deep or (entry / "__init__.py").is_file():
                out.extend(_python_files(entry, deep=True, skip=skip))
    return out


def project_path(path: str | Path, base_dir: str | Path) -> str:
    """``path`` relative to ``base_dir`` (``/``-separated), or its name alone when outside it.

    A file outside the experiment's folder is known by its name and contents
    only, so moving the project away from a shared data folder changes nothing.
    """
    p, base = os.path.abspath(path), os.path.abspath(base_dir)
    return Path(os.path.relpath(p, base)).as_posix() if _inside(p, base) else Path(p).name


def _inside(path: str, folder: str) -> bool:
    """Whether absolute ``path`` lies in absolute ``folder``."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive
        return False


def identity_view(config: Any, *, base_dir: str | Path) -> dict[str, Any]:
    """The run config as its design point's identity: input files by place and contents.

    Parameters
    ----------
    config
        A :class:`experiments.config.RunConfig`.
    base_dir
        The experiment's folder; input paths are taken relative to it
        (:func:`project_path`).

    Returns
    -------
    dict
        ``config.to_dict()`` with every input path relative, and ``input_files``,
        ``{path: sha256}`` of every file :func:`input_files` lists. A config of
        built-in parts only gives ``config.to_dict()`` itself, so its hash is the
        one it always had.
    """
    from experiments.geo_rows import table_file

    data = config.to_dict()
    digests: dict[str, str] = {}
    for key, path in input_files(config):
        rel = project_path(path, base_dir)
        root = config.policy_path
        if key == "policy.source" and root and not _inside(str(path), os.path.abspath(base_dir)):
            # Outside the project a helper is known below its import root (``pkg/util.py``):
            # by its name alone, two helpers of one name would be one input.
            rel = Path(os.path.relpath(path, root)).as_posix()
        if key in _PATH_KEYS:
            section, name = key.split(".")
            data[section][name] = rel
        # A GIS table may name a layer (county.gpkg#stations_2025): its file's contents.
        digests[rel] = file_digest(table_file(Path(path))[0])
    if digests:
        data["input_files"] = dict(sorted(digests.items()))
    return data
