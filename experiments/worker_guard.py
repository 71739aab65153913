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


def lost_message(*, resumable: bool = False) -> str:
    """What a broken pool means to the user (one line).

    ``resumable``: the caller stored each replication as it came (an experiment
    folder), so the same command goes on; else nothing of the run was kept.
    """
    if resumable:
        return _(
            "a worker process stopped before returning its replications (killed, out of "
            "memory, or the error it printed above); the replications already stored are "
            "kept, and the same command runs the rest"
        )
    return _(
        "a worker process stopped before returning its replications (killed, out of "
        "memory, or the error it printed above); nothing of this run was written: run "
        "the command again"
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
    """Lines of a script that may run only in its main process (under a ``__name__`` test).

    ``if __name__ == "__main__":`` guards its body, ``!=`` its ``else``; any other
    test that reads ``__name__`` (or a name assigned from it), and ``match
    __name__``, count as guarding every branch: only a call plainly outside
    every such test is refused here, and a worker refuses the rest itself.
    """
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return frozenset(range(1, 10**7))  # unreadable here: leave it to the worker's check
    flags = {"__name__"}  # names that carry the test (MAIN = __name__ == "__main__")
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _reads(node.value, flags):
            flags.update(t.id for t in node.targets if isinstance(t, ast.Name))
    lines: set[int] = set()

    def cover(nodes: list[ast.stmt]) -> None:
        for child in nodes:
            lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))

    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _reads(node.test, flags):
            side = _is_main(node.test)
            cover(node.body if side is not False else [])
            cover(node.orelse if side is not True else [])
        elif isinstance(node, ast.Match) and _reads(node.subject, flags):
            for case in node.cases:
                cover(case.body)
    return frozenset(lines)


def _reads(expr: ast.expr, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(expr))


def _is_main(test: ast.expr) -> bool | None:
    """``True`` for ``__name__ == "__main__"``, ``False`` for ``!=``; ``None``: other tests."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _is_main(test.operand)
        return None if inner is None else not inner
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and {ast.unparse(test.left), ast.unparse(test.comparators[0])} == {"__name__", "'__main__'"}
    ):
        if isinstance(test.ops[0], ast.Eq):
            return True
        if isinstance(test.ops[0], ast.NotEq):
            return False
    return None


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
