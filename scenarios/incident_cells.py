"""One cell of an incident log: times, hazards, grades, team and supply lists.

Each reader takes one cell (text from a CSV file, or a value from a data
frame) and returns its meaning, or raises :class:`CellError` with what was
expected; :mod:`scenarios.incident_log` adds the file, row and column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np

from networks.i18n import _, both
from scenarios.catalogue import HazardCatalogue
from scenarios.hazard import CAPABILITIES, SUPPLY_ITEMS
from scenarios.limits import MAX_DURATION_MIN, MAX_SUPPLIES_PER_INCIDENT, MAX_TEAMS_PER_INCIDENT
from scenarios.stream import GRADE_LABELS, GRADE_NAMES
from scenarios.validate import check_int, check_num, shown


class CellError(ValueError):
    """A cell that does not hold what its column needs (the message says what)."""


def _fail(message: str) -> CellError:
    return CellError(message)


def plain(value: Any) -> Any:
    """A cell as a plain Python value; ``None`` for an empty one.

    Text is stripped; numpy scalars become Python numbers; ``NaN``, ``NaT``,
    ``None`` and ``""`` are empty (a data frame's missing value).
    """
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[us]").item()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value != value:  # pandas.NaT and friends
            return None
    except (TypeError, ValueError):
        pass
    return value


def _as_number(value: Any) -> Any:
    """Text that reads as a number becomes one; anything else is returned as is."""
    if not isinstance(value, str):
        return value
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def number(value: Any, *, lo: float = 0.0, hi: float = MAX_DURATION_MIN) -> float:
    """A finite number in ``[lo, hi]`` (minutes, by default)."""
    return check_num(_as_number(value), _fail, lo=lo, hi=hi)


def integer(value: Any, *, lo: int | None = None, hi: int | None = None) -> int:
    """A whole number (``"3"``, ``3.0`` and ``"3.0"`` too: spreadsheets write counts so)."""
    v = _as_number(value)
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)
    return check_int(v, _fail, lo=lo, hi=hi)


# ---------------------------------------------------------------- times
def time_cell(value: Any) -> float | datetime:
    """Minutes since the run's start (a number) or a date-time (ISO 8601 text or a datetime).

    Numbers are checked here (``>= 0``, at most a leap year); date-times are
    turned into minutes by the caller once the start is known.
    """
    if isinstance(value, datetime):
        return value
    v = _as_number(value)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return check_num(v, _fail, lo=0, hi=MAX_DURATION_MIN)
    if isinstance(v, str):
        try:
            return datetime.fromisoformat(v)
        except ValueError:
            pass
    raise CellError(
        _(
            "expected minutes since the start or an ISO 8601 date-time "
            "(2024-07-01T08:30), got {value!r}"
        ).format(value=shown(value))
    )


def parse_start(value: Any) -> datetime:
    """The run's start: a datetime or ISO 8601 text (a TOML date-time, or a string)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CellError(
        _("expected a date-time like 2026-12-01T08:00, got {value!r}").format(value=shown(value))
    )


# -------------------------------------------------------------- hazards
def hazard_index(catalogue: HazardCatalogue) -> Mapping[str, str]:
    """Every name a hazard may go by -> its key: the key, its English and Chinese names.

    English names match in any case; a name two hazards share names neither.
    """
    names: dict[str, str | None] = {}
    for h in catalogue:
        for name in {h.name.casefold(), h.name_zh}:
            if name and name not in catalogue:
                names[name] = None if names.get(name, h.key) != h.key else h.key
    out = {k: v for k, v in names.items() if v is not None}
    out.update({k: k for k in catalogue.keys})
    return out


def hazard_cell(value: Any, names: Mapping[str, str], catalogue: HazardCatalogue) -> str:
    """A hazard's catalogue key, from its key or its English or Chinese name."""
    if isinstance(value, str):
        key = names.get(value) or names.get(value.casefold())
        if key is not None:
            return key
    # The names a log may use, as a person reads them (建筑火灾、道路交通事故 in Chinese).
    known = _(", ").join(both(h.key, h.name_zh) for h in catalogue)
    raise CellError(
        _("unknown hazard {hazard!r} (known: {known})").format(hazard=shown(value), known=known)
    )


# --------------------------------------------------------------- grades
#: Every way a log may write a grade (keys casefolded, "级" and "grade" stripped).
GRADE_TEXT = {
    text.casefold(): g
    for texts in (GRADE_NAMES, GRADE_LABELS, dict(enumerate("ⅠⅡⅢⅣ", 1)))
    for g, text in texts.items()
} | {"特别重大": 1, "重大": 2, "较大": 3, "一般": 4}
_GRADE_NOISE = re.compile(r"^grade\s+|\s*级$", re.IGNORECASE)


def grade_cell(value: Any) -> int:
    """A grade 1-4 from ``I``-``IV`` (``Ⅱ级`` too), ``1``-``4`` or 特别重大/重大/较大/一般."""
    v = _as_number(value)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 4:
        return v
    if isinstance(v, str):
        g = GRADE_TEXT.get(_GRADE_NOISE.sub("", v).strip().casefold())
        if g is not None:
            return g
    raise CellError(
        _("expected a grade: I-IV, 1-4 or 特别重大, 重大, 较大, 一般; got {value!r}").format(
            value=shown(value)
        )
    )


# ------------------------------------------------------ teams, supplies
_PAIR_SEP = re.compile(r"[;；]")


def _pairs(
    value: Any, vocab: tuple[str, ...], *, hi: int, what: str
) -> tuple[tuple[str, int], ...]:
    """``"a:2;b:1"`` as ``(("a", 2), ("b", 1))`` in vocabulary order, names checked."""
    if not isinstance(value, str):
        raise CellError(
            _("expected {what} as name:count pairs such as {example}, got {value!r}").format(
                what=what, example=f"{vocab[0]}:2;{vocab[-1]}:1", value=shown(value)
            )
        )
    counts: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in _PAIR_SEP.split(value))):
        name, sep, count = (s.strip() for s in part.replace("：", ":").partition(":"))
        if not sep or not name:
            raise CellError(
                _("expected {what} as name:count pairs such as {example}, got {value!r}").format(
                    what=what, example=f"{vocab[0]}:2;{vocab[-1]}:1", value=shown(value)
                )
            )
        if name not in vocab:
            raise CellError(
                _("unknown name {name!r} in {what} (known: {known})").format(
                    name=shown(name), what=what, known=", ".join(vocab)
                )
            )
        if name in counts:
            raise CellError(_("{name} is given twice").format(name=name))
        counts[name] = integer(count, lo=0, hi=hi)
    return tuple((k, counts[k]) for k in vocab if counts.get(k))


def teams_cell(value: Any, default: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """Teams needed: ``"fire:2;medical:1"``, or a number of teams of the lead capability.

    The lead capability is the one the catalogue asks most teams of for this
    hazard and grade (``default``), the first of them in the catalogue's order
    on a tie. At least one team is needed.
    """
    v = _as_number(value)
    if isinstance(v, int | float) and not isinstance(v, bool):
        n = integer(v, lo=1, hi=MAX_TEAMS_PER_INCIDENT)
        lead = max(default, key=lambda kv: kv[1])[0] if default else "general"
        return ((lead, n),)
    teams = _pairs(value, CAPABILITIES, hi=MAX_TEAMS_PER_INCIDENT, what=_("teams"))
    if not teams:
        raise CellError(_("at least one capability with a count is needed"))
    return teams


def supplies_cell(value: Any) -> tuple[tuple[str, int], ...]:
    """Supplies needed: ``"drinking_water:200;tents:10"``."""
    return _pairs(value, SUPPLY_ITEMS, hi=MAX_SUPPLIES_PER_INCIDENT, what=_("supplies"))
