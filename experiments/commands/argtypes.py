"""Types of command-line values, checked by the same bounds as config keys.

The text is parsed, then checked by :func:`scenarios.validate.check_int` or
:func:`scenarios.validate.check_num`, so a bad value reads as it would in a
config file; it becomes argparse's one-line error naming the option, before any work.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from experiments.executors import MAX_WORKERS
from scenarios.validate import MAX_REPLICATIONS, MAX_SEED, check_int, check_num

__all__ = [
    "MAX_REPLICATIONS",
    "MAX_WORKERS",
    "integer",
    "number",
    "positive",
    "replications",
    "seed",
    "workers",
]


def _fail(message: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(message)


def integer(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number within ``[lo, hi]``."""

    def parse(text: str) -> int:
        value: Any = text  # if it does not parse, check_int refuses it with the shared message
        try:
            value = int(text.strip())
        except ValueError:
            pass
        return check_int(value, _fail, lo=lo, hi=hi)

    parse.__name__ = "integer"
    return parse


def number(lo: float, hi: float | None = None, *, lo_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number within ``[lo, hi]`` (``(lo, hi]`` if ``lo_open``)."""

    def parse(text: str) -> float:
        value: Any = text  # if it does not parse, check_num refuses it with the shared message
        for kind in (int, float):  # "3" reads as 3, as a config file's 3 would
            try:
                value = kind(text.strip())
                break
            except ValueError:
                continue
        return check_num(value, _fail, lo=lo, hi=hi, lo_open=lo_open)

    parse.__name__ = "number"
    return parse


#: A root seed (stored in int64 columns, so at most 2**63 - 1).
seed = integer(0, MAX_SEED)
#: A replication count.
replications = integer(1, MAX_REPLICATIONS)
#: A count of one or more (workers, sites...).
positive = integer(1)
#: Local worker processes (``--workers``).
workers = integer(1, MAX_WORKERS)
