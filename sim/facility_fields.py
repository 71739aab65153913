"""Reading the fields every facility table shares: names, labels, node and tier.

This module holds :func:`one_line` and :data:`NOT_ONE_LINE` (what a printable
name is) and the readers the facility specs of :mod:`sim.stations` and
:mod:`sim.depots` build on (:func:`read_placed`, :func:`read_name`,
:func:`read_label`, :func:`dotted_key`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from networks.i18n import N_, _
from scenarios.validate import Reader, shown

#: Why a name or label is refused (see :func:`one_line`).
NOT_ONE_LINE = N_("expected one line of printable text, got {value!r}")
#: Unicode categories a name must not hold: control and format characters, line and
#: paragraph separators (a name is printed in tables, maps and one-line messages).
_NOT_PRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def one_line(text: str) -> bool:
    """Whether ``text`` is one line of printable text (no line break or control character)."""
    return not any(unicodedata.category(c) in _NOT_PRINTABLE for c in text)


def dotted_key(parent: str | None, child: str) -> str:
    """``parent.child``, or ``child`` alone at the top."""
    return f"{parent}.{child}" if parent else child


def read_label(r: Reader, name: str, default: Any = ...) -> str:
    """A string of one printable line."""
    v = r.str(name, default)
    if not one_line(v):
        raise r.error(name, _(NOT_ONE_LINE).format(value=shown(v)))
    return v


def read_name(r: Reader, name: str) -> str:
    """A required non-empty string of one printable line."""
    v = read_label(r, name)
    if not v:
        raise r.error(name, _("expected a non-empty string"))
    return v


def read_placed(
    data: Any,
    allowed: set[str],
    tiers: Sequence[str],
    kind: str,
    source: str | None,
    key: str | None,
) -> tuple[Reader, str, int, str]:
    """Check a facility table's keys and read its ``name``, ``node`` and ``tier``."""
    r = Reader(data, source=source, key=key or "")
    r.allow(allowed)
    name = read_name(r, "name")
    node = r.int("node", lo=0)
    tier = r.get("tier")
    if tier not in tiers:
        message = {
            "station": _("unknown station tier {tier!r}; expected one of {tiers}"),
            "depot": _("unknown depot tier {tier!r}; expected one of {tiers}"),
        }[kind]
        raise r.error("tier", message.format(tier=tier, tiers=", ".join(tiers)))
    return r, name, node, tier
