"""Dispatch policies by import path: ``name = "package.module:Class"`` in ``[policy]``.

A ``[policy]`` table may name, instead of a shipped policy, any class or
factory function by import path; its other keys are the keyword arguments::

    [policy]
    name = "policies.seat_reserve:SeatReserve"   # module policies/seat_reserve.py
    area = "County Seat"
    reserve = 1

The module is looked for first in the folder of the config that names it
(:func:`policy_from_path` ``search_path``), then on the Python path. That
folder is put in front of ``sys.path`` for the import only and taken out
again, and no ``__pycache__`` is written beside the module, so reading a
config changes neither the interpreter's path nor the user's folder.

Naming a module runs its code: a config that names one is as trusted as a
Python script. A module is kept once imported (``sys.modules``) and imported
again, with the other modules of its package and the helpers it brought from
its folder, when one of their files has changed since (a policy edited between
two runs of one Python session) or when the search folder holds another module
of that name (another project's ``policies``, or the next run's copy on a
long-lived Dask worker): a run uses the code its files hold now.

A policy built this way that is not a shipped one is checked while it runs
(:class:`sim.policy_checks.CheckedPolicy`): a ``choose`` that raises or
returns a team the engine cannot send is refused in one line naming it.

Worker processes import the module again by path: a
:class:`~experiments.config.RunConfig` carries the folder its policy module
was found under (:func:`import_root`) and builds the policy there.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.machinery
import inspect
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from sim.policies import NearestAvailable, SeverityPriority
from sim.policy_checks import CheckedPolicy, one_line

#: Methods a dispatch policy has besides its ``name`` (:class:`sim.policies.DispatchPolicy`).
POLICY_METHODS = ("queue_key", "choose", "to_dict")
#: Policies built by path that are used unwrapped: shipped, so the engine's own (exact types).
_TRUSTED = (NearestAvailable, SeverityPriority)
#: yingji's own packages: never imported again (the engine holds their classes).
_OWN = frozenset({"networks", "scenarios", "sim", "experiments"})
#: Files of the user's modules a policy module brought in, and their state then, by module
#: name: ``{module: (file, (mtime_ns, size) or None)}``.
_LOADED: dict[str, dict[str, tuple[str, tuple[int, int] | None]]] = {}
#: Checking a cached module and importing it again is one step for a process's threads.
_LOCK = threading.RLock()


def is_import_path(name: Any) -> bool:
    """Whether a policy ``name`` is an import path (``module:attribute``), not a shipped name."""
    return isinstance(name, str) and ":" in name


def import_path_of(obj: Any) -> str | None:
    """``module:qualname`` of a class or function importable by that path, else ``None``.

    Nested (``<locals>``) and ``__main__`` objects have no import path a worker could use.
    """
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or module == "__main__" or "<" in qualname:
        return None
    try:
        found = functools.reduce(getattr, qualname.split("."), importlib.import_module(module))
    except (ImportError, AttributeError):
        return None
    return f"{module}:{qualname}" if found is obj else None


@contextlib.contextmanager
def _importing_from(folder: str | Path | None) -> Iterator[None]:
    """``folder`` first on ``sys.path`` and no bytecode written, both restored afterwards."""
    saved = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # leave the user's folder as it was
    entry = None if folder is None else os.fspath(folder)
    added = entry is not None and entry not in sys.path
    if added:
        sys.path.insert(0, entry)  # type: ignore[arg-type]
    importlib.invalidate_caches()  # a module written since the last import is seen
    try:
        yield
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)  # type: ignore[arg-type]
        sys.dont_write_bytecode = saved


def _import(
    module_name: str, *, search_path: str | Path | None, source: str | None, key: str
) -> Any:
    """Import ``module_name`` from ``search_path`` first; failures as one-line ConfigErrors."""
    before = set(sys.modules)
    with _importing_from(search_path):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if module_name == missing or module_name.startswith(missing + "."):
                where = (
                    _("{folder} or the Python path").format(folder=search_path)
                    if search_path is not None
                    else _("the Python path")
                )
                raise ConfigError(
                    _("no module {module!r} in {where}").format(module=missing, where=where),
                    source=source,
                    key=key,
                ) from None
            error = exc
        except Exception as exc:  # noqa: BLE001 - any failure of the user's module is theirs
            error = exc
        else:
            _record(module_name, set(sys.modules) - before)
            return module
    # Helpers the failed module did import would be kept, and stay stale once both are fixed.
    for name in set(sys.modules) - before:
        file = getattr(sys.modules.get(name), "__file__", None)
        if search_path is not None and file and _below(file, search_path) and _users(name, file):
            sys.modules.pop(name, None)
    raise ConfigError(
        _("importing {module!r} failed: {error}").format(module=module_name, error=one_line(error)),
        source=source,
        key=key,
    ) from None


def import_object(
    path: str,
    *,
    search_path: str | Path | None = None,
    source: str | None = None,
    key: str = "policy.name",
) -> Any:
    """The object ``path`` (``"package.module:Attribute"``) names.

    Parameters
    ----------
    path
        Module and attribute (dotted for a nested one), separated by ``:``.
    search_path
        Folder searched before the Python path; ``None``: the Python path only.
    source, key
        File and dotted key of ``path``, for error messages.

    Raises
    ------
    networks.errors.ConfigError
        A malformed path, a module that is not found or fails to import, or a
        missing attribute; one line naming ``source`` and ``key``.
    """
    module_name, _sep, attribute = path.partition(":")
    parts = [*module_name.split("."), *attribute.split(".")]
    if not all(p.isidentifier() for p in parts):
        raise ConfigError(
            _('expected an import path "package.module:Class", got {value!r}').format(value=path),
            source=source,
            key=key,
        )
    with _LOCK:
        module = _cached(module_name, search_path)
        if module is None:
            module = _import(module_name, search_path=search_path, source=source, key=key)
    try:
        return functools.reduce(getattr, attribute.split("."), module)
    except AttributeError:
        raise ConfigError(
            _("module {module!r} has no attribute {name!r}").format(
                module=module_name, name=attribute
            ),
            source=source,
            key=key,
        ) from None


def module_file(module_name: str, folder: str | Path) -> str | None:
    """The file ``import module_name`` loads from ``folder`` first on the path (``None``: none).

    Found without importing anything, so whatever ``sys.modules`` holds: the
    module of that name in ``folder`` itself.
    """
    locations = [os.fspath(folder)]
    spec = None
    parts = module_name.split(".")
    for i in range(len(parts)):
        spec = importlib.machinery.PathFinder.find_spec(".".join(parts[: i + 1]), locations)
        if spec is None:
            return None
        locations = list(spec.submodule_search_locations or ())  # a package's folders
    return spec.origin if spec is not None and spec.has_location else None


def _cached(module_name: str, search_path: str | Path | None) -> Any:
    """``sys.modules[module_name]`` if importing it now would run the same code, else ``None``.

    A module whose search folder holds another file of its name, or whose files
    (or its helpers') changed since it was imported, is forgotten with its
    package and helpers, so that importing it again reads them all anew.
    """
    module = sys.modules.get(module_name)
    if module is None or module_name.partition(".")[0] in _OWN:
        return module
    there = None if search_path is None else module_file(module_name, search_path)
    moved = there is not None and not _same_file(there, getattr(module, "__file__", None))
    if not moved and module_name not in _LOADED:  # imported by other code: watched from now
        _record(module_name, set())
        return module
    if moved or any(_stamp(f) != was for f, was in _LOADED[module_name].values()):
        top = module_name.partition(".")[0]
        names = set(_LOADED.pop(module_name, {})) | {module_name}
        names |= {n for n in sys.modules if n == top or n.startswith(top + ".")}
        for name in names:
            if name.partition(".")[0] not in _OWN:
                sys.modules.pop(name, None)
        return None
    return module


def _record(module_name: str, new: set[str]) -> None:
    """Note the files of the user's modules ``module_name`` brought in (``new``) and its package."""
    root = import_root(f"{module_name}:")
    top = module_name.partition(".")[0]
    names = new | {n for n in sys.modules if n == top or n.startswith(top + ".")}
    files = {}
    for name in names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and root and _below(file, root) and _users(name, file):
            files[name] = (file, _stamp(file))
    _LOADED[module_name] = files


def _stamp(file: str) -> tuple[int, int] | None:
    """A file's modification time and size, as Python's own bytecode cache checks a source."""
    try:
        st = os.stat(file)
    except OSError:  # gone: a Dask worker's copy of an earlier run
        return None
    return st.st_mtime_ns, st.st_size


def _same_file(a: str, b: str | None) -> bool:
    """Whether two paths name one file (links followed)."""
    case = os.path.normcase
    return b is not None and case(os.path.realpath(a)) == case(os.path.realpath(b))


def _below(file: str, folder: str | Path) -> bool:
    """Whether ``file`` lies in ``folder``."""
    try:
        base = os.path.abspath(folder)
        return os.path.commonpath([os.path.abspath(file), base]) == base
    except ValueError:  # another drive
        return False


def _users(name: str, file: str) -> bool:
    """Whether a module is the user's code: not yingji's own, not installed."""
    parts = {p.lower() for p in Path(file).parts}
    return name.partition(".")[0] not in _OWN and not parts & {"site-packages", "dist-packages"}


def import_root(path: str) -> str | None:
    """The folder that makes ``path``'s module importable (its top package's parent).

    ``None`` when the module was not imported or has no file. A worker process
    imports the module again with this folder first on its path.
    """
    module_name = path.partition(":")[0]
    file = getattr(sys.modules.get(module_name), "__file__", None)
    if not file:
        return None
    folder = Path(os.path.abspath(file)).parent
    if Path(file).stem == "__init__":
        folder = folder.parent
    for _level in range(module_name.count(".")):
        folder = folder.parent
    return str(folder)


def check_policy(obj: Any, *, what: str, source: str | None, key: str) -> None:
    """Refuse an object that lacks a member of :class:`sim.policies.DispatchPolicy`.

    Raises
    ------
    networks.errors.ConfigError
        Naming what ``what`` made and the members it lacks.
    """
    missing = [m for m in POLICY_METHODS if not callable(getattr(obj, m, None))]
    name = getattr(obj, "name", None)
    if not isinstance(name, str) or not name:
        missing.insert(0, "name")
    if missing:
        raise ConfigError(
            _(
                "{what} did not make a dispatch policy: it has no {members} "
                "(see sim.policies.DispatchPolicy)"
            ).format(what=what, members=", ".join(missing)),
            source=source,
            key=key,
        )


def _check_arguments(
    factory: Callable[..., Any],
    kwargs: Mapping[str, Any],
    *,
    what: str,
    source: str | None,
    key: str,
) -> None:
    """Refuse keyword arguments ``factory`` does not take, and required ones not given."""
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # no signature to read (some builtins): let the call say
        return
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return
    named = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    for k in kwargs:
        if k not in named:
            raise ConfigError(
                _("{what} takes no argument {name!r} (it takes {names})").format(
                    what=what, name=k, names=", ".join(sorted(named)) or _("none")
                ),
                source=source,
                key=f"{key}.{k}",
            )
    needed = [
        p.name
        for p in params
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.name not in kwargs
    ]  # fmt: skip
    if needed:
        raise ConfigError(
            _("{what} needs {names}").format(what=what, names=", ".join(needed)),
            source=source,
            key=key,
        )


def policy_from_path(
    data: Mapping[str, Any],
    *,
    source: str | None = None,
    key: str = "policy",
    search_path: str | Path | None = None,
) -> Any:
    """Build the policy a ``[policy]`` table names by import path (or gives as a factory).

    ``data["name"]`` is ``"package.module:Class"`` (or a class or factory
    function, from Python); every other key is passed to it as a keyword
    argument. This imports and runs that code.

    Parameters
    ----------
    data
        The ``[policy]`` table.
    source, key
        File and dotted key of the table, for error messages.
    search_path
        Folder searched before the Python path (the config's folder).

    Returns
    -------
    sim.policies.DispatchPolicy
        What the factory returned, checked to have the policy's members. Unless
        it is a shipped policy, it comes wrapped in a
        :class:`sim.policy_checks.CheckedPolicy`, so that a failure or an unusable
        answer while it runs is one line naming it too.

    Raises
    ------
    networks.errors.ConfigError
        One line naming ``source`` and the key, for a module not found or failing
        to import, an attribute missing, keyword arguments the factory does not
        take (or required ones not given) or refuses (``TypeError``/``ValueError``),
        a factory that raises anything else, and a result that is not a dispatch
        policy (or has a ``recheck_after`` that is not minutes >= 0).
    """
    name = data["name"]
    kwargs = {str(k): v for k, v in data.items() if k != "name"}
    where = f"{key}.name"
    if callable(name):
        factory, what = name, import_path_of(name) or repr(name)
    else:
        factory, what = import_object(name, search_path=search_path, source=source, key=where), name
    if not callable(factory):
        raise ConfigError(
            _(
                "{what} is a value of type {type}, not a class or function that makes a policy"
            ).format(what=what, type=type(factory).__name__),
            source=source,
            key=where,
        )
    _check_arguments(factory, kwargs, what=what, source=source, key=key)
    label = _label(what, factory)
    try:
        policy = factory(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            _("{what} refused its arguments: {error}").format(what=what, error=one_line(exc)),
            source=source,
            key=key,
        ) from None
    except Exception as exc:  # noqa: BLE001 - any failure of the user's code is theirs
        raise ConfigError(
            _("{what} failed: {error}").format(what=label, error=one_line(exc)),
            source=source,
            key=key,
        ) from exc
    check_policy(policy, what=what, source=source, key=where)
    if type(policy) in _TRUSTED:  # a shipped policy by path: nothing to check, no cost
        return policy
    return CheckedPolicy(policy, label=label, source=source, key=where)


def _label(what: str, factory: Any) -> str:
    """``what`` and the file of the module defining ``factory`` (relative to here if below)."""
    module = sys.modules.get(getattr(factory, "__module__", None) or "")
    file = getattr(module, "__file__", None)
    if not file:
        return what
    path = Path(os.path.abspath(file))
    with contextlib.suppress(ValueError, OSError):
        path = path.relative_to(Path.cwd())
    return f"{what} ({path})"
