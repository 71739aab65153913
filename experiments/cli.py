"""The ``yingji`` command line: thin wrappers over library functions.

Each sub-command lives in a module of :mod:`experiments.commands` that
registers its parser and calls one library function. A
:class:`networks.errors.YingjiError` (a user's mistake) becomes one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from networks.errors import YingjiError

#: Modules with a ``register(subparsers)`` function, in help order.
COMMANDS = (
    "experiments.commands.network",
    "experiments.commands.run",
    "experiments.commands.scenario",
    "experiments.commands.drill",
    "experiments.commands.experiment",
    "experiments.commands.site",
)


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the option, exit status 2.

    argparse prints the usage before the error; a user reads the one line that
    says what is wrong (``--help`` still shows the usage).
    """

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE`` on one line and exit with status 2."""
        sys.stderr.write(f"{self.prog}: error: {' '.join(message.split())}\n")
        sys.exit(2)


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C, so staging folders and temporary files are removed.
    raise KeyboardInterrupt


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``yingji`` with every sub-command."""
    parser = OneLineParser(
        prog="yingji",
        description="Emergency-response simulation, siting and blind drills on road networks.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``yingji`` command line.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` if ``None``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 on a user's mistake.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version or a bad option (already printed)
        return exc.code if isinstance(exc.code, int) else 2
    os.environ.setdefault("MPLBACKEND", "Agg")
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        return int(args.func(args) or 0)
    except YingjiError as exc:
        print(f"yingji: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        # The machine refused a file (permissions, disk full, a file in a folder's
        # place): the user's to fix, so one line naming the file, not a traceback.
        where = exc.filename if exc.filename is not None else "yingji"
        print(f"yingji: error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("yingji: interrupted", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
