"""Types of command-line values, checked by the same bounds as config keys.

A bad value becomes argparse's one-line error naming the option, before any work.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from networks.i18n import _
from scenarios.validate import MAX_REPLICATIONS, MAX_SEED

__all__ = ["MAX_REPLICATIONS", "integer", "number", "positive", "replications", "seed"]


def integer(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number within ``[lo, hi]``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("expected a whole number, got {text!r}").format(text=text)
            ) from None
        if value < lo or (hi is not None and value > hi):
            message = (
                _("expected a whole number >= {lo}, got {text}")
                if hi is None
                else _("expected a whole number between {lo} and {hi}, got {text}")
            )
            raise argparse.ArgumentTypeError(message.format(lo=lo, hi=hi, text=text))
        return value

    parse.__name__ = "integer"
    return parse


def number(lo: float, hi: float | None = None, *, lo_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number within ``[lo, hi]`` (``(lo, hi]`` if ``lo_open``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("expected a number, got {text!r}").format(text=text)
            ) from None
        low_ok = value > lo if lo_open else value >= lo
        if not math.isfinite(value) or not low_ok or (hi is not None and value > hi):
            low = f"> {lo}" if lo_open else f">= {lo}"
            message = (
                _("expected a finite number {low}, got {text}")
                if hi is None
                else _("expected a finite number {low} and <= {hi}, got {text}")
            )
            raise argparse.ArgumentTypeError(message.format(low=low, hi=hi, text=text))
        return value

    parse.__name__ = "number"
    return parse


#: A root seed (stored in int64 columns, so at most 2**63 - 1).
seed = integer(0, MAX_SEED)
#: A replication count.
replications = integer(1, MAX_REPLICATIONS)
#: A count of one or more (workers, sites...).
positive = integer(1)
