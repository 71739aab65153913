"""Worker processes started from a script: the ``__main__`` guard, and workers lost.

A spawned worker first re-runs its parent's script (``spawn`` and
``forkserver``). A script that calls :func:`experiments.batch.run_experiment`
with ``workers > 1`` outside ``if __name__ == "__main__":`` would start the
whole run again in every worker. :func:`refuse_unguarded` finds that in the
parent, from the line of the script that is running, before any worker starts;
:func:`refuse_inside_worker` stops a worker that gets there anyway (a script
the parent could not read), quietly, with one line. A worker that dies (killed,
out of memory) breaks the pool: :class:`WorkerLost` says so in one line.
"""

from __future__ import annotations

import ast
import multiprocessing
import sys
from functools import cache
from pathlib import Path

from networks.errors import ConfigError
from networks.i18n import _


class WorkerLost(RuntimeError):
    """A worker process stopped before returning its replications."""


def unguarded_message() -> str:
    """The parent's refusal of worker processes asked for from a script's top level."""
    return _(
        "worker processes asked for from a script's top level: each worker re-runs the "
        "script's top level, so a script that runs an experiment with workers > 1 must "
        'make that call under if __name__ == "__main__":'
    )


def guard_message() -> str:
    """A worker's refusal, while it re-runs an unguarded script."""
    return _(
        "asked for worker processes from inside a worker process: a script that "
        "runs an experiment with workers > 1 must make that call under "
        'if __name__ == "__main__": (each worker re-runs the script\'s top level)'
    )


def lost_message() -> str:
    """What a broken pool means to the user (one line)."""
    return _(
        "a worker process stopped before returning its replications (killed, out of "
        "memory, or the error it printed above); the replications already stored are "
        "kept, and the same command runs the rest"
    )


def refuse_unguarded(start_method: str) -> None:
    """Refuse, in the parent, worker processes that would re-run the call that starts them.

    Parameters
    ----------
    start_method
        The pool's start method; ``fork`` re-runs nothing.

    Raises
    ------
    ConfigError
        Keyed ``workers``, when the main script is running a top-level line that
        is not under ``if __name__ == "__main__":``.
    """
    if start_method == "fork":
        return
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return  # python -m package: spawn does not run a package's __main__ again
    path = getattr(main, "__file__", None)
    if not path or not Path(path).is_file():  # an interactive session, -c: nothing re-runs
        return
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals is vars(main):
            break
        frame = frame.f_back
    if frame is None:  # the script is done with its top level (a callback, a thread)
        return
    if not _guarded_line(str(Path(path).resolve()), frame.f_lineno):
        raise ConfigError(unguarded_message(), key="workers")


@cache
def _guarded_lines(path: str) -> frozenset[int]:
    """Lines of a script that run only in its main process (an ``if __name__`` body)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return frozenset(range(1, 10**7))  # unreadable here: leave it to the worker's check
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            for child in node.body + node.orelse:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return frozenset(lines)


def _guarded_line(path: str, line: int) -> bool:
    return line in _guarded_lines(path)


def refuse_inside_worker() -> None:
    """Stop a spawned worker that is re-running its parent's unguarded script.

    ``parent_process()`` is still ``None`` there: this is multiprocessing's own
    test (``spawn._check_not_importing_main``). The worker prints one line and
    exits with status 2 rather than raising, which would print a traceback from
    every worker; the parent then reports the pool broken (:class:`WorkerLost`).
    """
    if getattr(multiprocessing.current_process(), "_inheriting", 0):
        line = _("yingji: error: {message}").format(message=f"workers: {guard_message()}")
        print(line, file=sys.stderr)
        raise SystemExit(2)
