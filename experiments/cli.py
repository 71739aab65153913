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
import sys
from collections.abc import Sequence

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``yingji`` with every sub-command."""
    parser = argparse.ArgumentParser(
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
    args = build_parser().parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        return int(args.func(args) or 0)
    except YingjiError as exc:
        print(f"yingji: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("yingji: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
