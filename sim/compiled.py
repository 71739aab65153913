"""Plain-Python kernels that numba compiles once a process has enough work for them.

A kernel (:class:`Kernel`) is a function written on arrays so that numba can
compile it, such as the duty desks' queue (:mod:`sim.desk_queue`). Compiled,
it saves some 14 us an item (a report); but loading the compiled code costs a
process 0.7 to 3 s (numba's import and its disk cache), and compiling it the
first time after installing 6 to 15 s. A typical week puts a few thousand
items through it: plain Python does them in a few hundredths of a second.
So a process runs a kernel as plain Python until :data:`COMPILE_AFTER` items
have gone through it, and compiled from then on. Both give the same numbers
(tests compare them), so when the switch happens changes no result.

The compiled code is cached in the user's cache folder (:func:`cache_dir`), not
beside the installed code. Where that folder cannot be written, a process
compiles without a disk cache; where numba is missing or fails to import, the
kernel stays plain Python (with a warning if numba is there but broken).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from networks.i18n import _

#: Items (jobs, calls) a process puts through a kernel as plain Python before it compiles
#: it: about 3 s of Python at some 16 us a job, what loading the compiled code cost a
#: process in benchmarks/bench_first_run.py (0.7 s on a faster machine).
COMPILE_AFTER = 200_000

_LOCK = threading.Lock()
#: numba's ``njit`` once imported; ``False`` until then (``None``: numba unusable).
_NJIT: Any = False


def _njit() -> Any:
    """The ``njit`` of numba, imported on first use; ``None`` where numba cannot be imported."""
    global _NJIT
    if _NJIT is False:
        try:
            from numba import njit
        except Exception as exc:  # noqa: BLE001 - a broken numba (llvmlite's OSError...)
            njit = None
            if not (isinstance(exc, ModuleNotFoundError) and exc.name == "numba"):  # broken
                logging.getLogger(__name__).warning(
                    _("numba failed to import ({error}): the duty desks run as plain Python, "
                      "slower").format(error=exc)
                )  # fmt: skip
        _NJIT = njit
    return _NJIT


def cache_dir() -> Path:
    """The user's folder for yingji's compiled code: ``yingji/numba`` in the user cache.

    ``%LOCALAPPDATA%`` on Windows, ``~/Library/Caches`` on macOS, else
    ``$XDG_CACHE_HOME`` or ``~/.cache``. Not beside the installed source, where
    ``pip uninstall`` would leave it behind (a ``sim`` folder that still imports).
    """
    if os.name == "nt":
        root = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        root = str(Path.home() / "Library" / "Caches")
    else:
        root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "yingji" / "numba"


@contextlib.contextmanager
def _numba_cache_dir() -> Iterator[bool]:
    """Point numba's cache at :func:`cache_dir` while functions are compiled; yield usable.

    A user's own ``NUMBA_CACHE_DIR`` is kept. numba picks a function's cache folder
    when it is decorated, so the setting is put back afterwards and other numba code
    in the process keeps its own.
    """
    from numba.core import config

    if config.CACHE_DIR:
        yield True
        return
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Probed here: where it fails numba would fall back to the installed folder.
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:  # no writable home (a service account): no disk cache at all
        yield False
        return
    before, config.CACHE_DIR = config.CACHE_DIR, str(folder)
    try:
        yield True
    finally:
        config.CACHE_DIR = before


def compile_function(fn: Callable) -> Callable:
    """``fn`` compiled by numba (cached in :func:`cache_dir` where it can be written).

    ``fn`` itself where numba cannot be imported.
    """
    njit = _njit()
    if njit is None:
        return fn
    with _numba_cache_dir() as cache:
        if cache:
            try:
                return njit(cache=True, nogil=True)(fn)
            except RuntimeError:  # no writable cache folder: compile per process
                pass
        return njit(nogil=True)(fn)


class Kernel:
    """A plain-Python function, compiled by numba once enough work has gone through it.

    Parameters
    ----------
    fn
        The function, written so that numba can compile it.
    helpers
        The module-level functions ``fn`` calls, by the names it calls them by:
        compiled with it (the plain ``fn`` keeps calling the plain ones). They
        must call no other helper (each is compiled as it is).
    after
        Items to run as plain Python before compiling (:data:`COMPILE_AFTER`).
    """

    def __init__(
        self, fn: Callable, helpers: tuple[Callable, ...] = (), *, after: int = COMPILE_AFTER
    ) -> None:
        self.plain = fn
        self.helpers = helpers
        self.after = after
        #: Items asked for before compiling (the batch that crossed ``after`` included).
        self.done = 0
        self._fast: Callable | None = None

    def pick(self, items: int) -> Callable:
        """The function to run ``items`` more items on: plain, or compiled once due."""
        if self._fast is not None:
            return self._fast
        self.done += items
        if self.done < self.after:
            return self.plain
        return self.compiled()

    def compiled(self) -> Callable:
        """The compiled function (made once per process; ``plain`` where numba is missing)."""
        with _LOCK:
            if self._fast is None:
                self._fast = self._compile()
        return self._fast

    def _compile(self) -> Callable:
        if _njit() is None:
            return self.plain
        fn = self.plain
        names = {h.__name__: compile_function(h) for h in self.helpers}
        if names:
            # A copy of fn that sees the compiled helpers (numba types the globals it calls);
            # same code, file and name, so numba's disk cache finds it again next time.
            g = dict(fn.__globals__)
            g.update(names)
            copy = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__,
                                      fn.__closure__)  # fmt: skip
            copy.__qualname__, copy.__module__ = fn.__qualname__, fn.__module__
            copy.__doc__, copy.__kwdefaults__ = fn.__doc__, fn.__kwdefaults__
            fn = copy
        return compile_function(fn)
