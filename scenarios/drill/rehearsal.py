"""The "no rehearsal" rule: past drills, bands of the day, and the start times left.

Times of day. A drill starts in one of four bands of the day, in the local time
of the window: ``night`` 00:00-06:00, ``morning`` 06:00-12:00, ``afternoon``
12:00-18:00 and ``evening`` 18:00-24:00 (:data:`BANDS`).

No rehearsal (six-no). Every past drill of the history (:class:`PastDrill`)
whose start (or, when the history does not give it, whose draw) lies within the
last ``days`` days of a draw (:func:`rehearsals`) bars its hazard + area + band
of the day (:func:`barred_bands`); a past drill without a start time bars every
band of its hazard and area (:data:`ALL_BANDS`), since its band cannot be told.

Names (:func:`canonical_history`). A history row may name its hazard by its
catalogue key or its English or Chinese name, and its area as the network
records it or by its Chinese name (in any case, :meth:`networks.tables.Landmark.matches`);
the rules compare catalogue keys and recorded area names, so a row written
``建筑火灾, 西坝镇`` bars the same as ``building_fire, Xiba Town``.

Start times are seconds after the window's start, as sorted, disjoint
``[t0, t1)`` intervals (:func:`allowed_intervals`): the window's allowed clock
hours, minus any barred bands, from the first whole second after the draw plus
its lead (:func:`earliest_offset`, :func:`clip`).

:class:`~scenarios.drill.spec.DrillSpec` and
:class:`~scenarios.drill.draw.DrillDrawer` apply these rules.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from networks.errors import ConfigError
from networks.i18n import N_, _
from scenarios.log_table import _row_name
from scenarios.validate import shown

if TYPE_CHECKING:
    from networks.roadnet import RoadNetwork
    from scenarios.catalogue import HazardCatalogue

__all__ = [
    "ALL_BANDS",
    "BANDS",
    "DEFAULT_REHEARSAL_DAYS",
    "MAX_REHEARSAL_DAYS",
    "PastDrill",
    "allowed_intervals",
    "band_of",
    "barred_bands",
    "canonical_history",
    "clip",
    "earliest_offset",
    "parse_moment",
    "rehearsal_horizon",
    "rehearsals",
]

#: Bands of the day (local clock hours ``[from, to)``) the "no rehearsal" rule speaks of.
BANDS: tuple[tuple[str, int, int], ...] = (
    ("night", 0, 6),
    ("morning", 6, 12),
    ("afternoon", 12, 18),
    ("evening", 18, 24),
)
#: Every band of the day: what a past drill of unknown start time bars.
ALL_BANDS = frozenset(name for name, _a, _b in BANDS)
#: Days a six-no drill's hazard + area + band stays barred, by default (a yearly plan).
DEFAULT_REHEARSAL_DAYS = 365
#: Longest "no rehearsal" horizon in days (a century).
MAX_REHEARSAL_DAYS = 36_600


@dataclass(frozen=True)
class PastDrill:
    """One row of the drill history: which hazard was drilled in which area, and when.

    Attributes
    ----------
    hazard, area
        What was drilled where.
    drawn_at
        When it was drawn (ISO 8601; "" if unknown).
    exercise_id
        Its exercise id.
    start
        When it started (ISO 8601; "" if the history does not say): its band
        of the day for the "no rehearsal" rule.
    source, row
        The history file and the row (as a spreadsheet numbers it) it was read
        from, for messages ("" and 0 if not read from a file); not compared.
    """

    hazard: str
    area: str
    drawn_at: str = ""
    exercise_id: str = ""
    start: str = ""
    source: str = field(default="", compare=False)
    row: int = field(default=0, compare=False)

    def cell(self, column: str, position: int = 0) -> str:
        """The error key of one of its cells: ``row N, column X`` (else ``history[i].X``)."""
        if self.row:
            return _("{where}, column {column}").format(where=_row_name(self.row), column=column)
        return f"history[{position}].{column}"


def parse_moment(text: str, tz: Any = None) -> datetime | None:
    """An ISO 8601 date-time (a naive one in ``tz``), or None if ``text`` is not one."""
    try:
        t = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo is not None or tz is None else t.replace(tzinfo=tz)


def _check_moments(drill: PastDrill, position: int = 0, source: str | None = None) -> None:
    """Refuse a ``drawn_at`` or ``start`` that is given but not an ISO 8601 date-time.

    An unreadable time would silently drop the row from the "no rehearsal" rule.

    Raises
    ------
    ConfigError
        Naming the history file and ``row N, column X``.
    """
    for column in ("drawn_at", "start"):
        text = getattr(drill, column)
        if text and parse_moment(text) is None:
            raise ConfigError(
                _("expected a date-time like 2026-12-01T08:00, got {value!r}").format(
                    value=shown(text)
                ),
                source=drill.source or source,
                key=drill.cell(column, position),
            )


def canonical_history(
    history: Sequence[PastDrill],
    *,
    catalogue: HazardCatalogue | None = None,
    network: RoadNetwork | None = None,
    source: str | None = None,
) -> tuple[PastDrill, ...]:
    """The past drills with their hazards as catalogue keys and areas as the network names them.

    Parameters
    ----------
    history
        Past drills, as read from the history file.
    catalogue
        Hazard catalogue: a hazard may be given by its key or its English
        (any case) or Chinese name. None: hazards are left as they are.
    network
        Road network: an area may be given as the network records it or by
        its Chinese name, in any case (:meth:`networks.tables.Landmark.matches`).
        None: areas are left as they are.
    source
        The file named in messages for a drill that does not record its own.

    Returns
    -------
    tuple of PastDrill
        The same drills, in the same order, with canonical hazard and area.

    Raises
    ------
    ConfigError
        An unknown hazard or area, or a ``drawn_at`` or ``start`` that is not
        an ISO 8601 date-time, naming the file and ``row N, column X``.
    """
    from scenarios.incident_cells import CellError, hazard_cell, hazard_index

    hazards = hazard_index(catalogue) if catalogue is not None else None
    areas = _AreaNames(network) if network is not None else None
    out = []
    for i, p in enumerate(history):
        _check_moments(p, i, source)
        hazard, area = p.hazard.strip(), p.area.strip()
        if hazards is not None:
            try:
                hazard = hazard_cell(hazard, hazards, catalogue)  # type: ignore[arg-type]
            except CellError as exc:
                raise ConfigError(
                    str(exc), source=p.source or source, key=p.cell("hazard", i)
                ) from None
        if areas is not None:
            area = areas.resolve(area, p.source or source, p.cell("area", i))
        out.append(replace(p, hazard=hazard, area=area))
    return tuple(out)


class _AreaNames:
    """A network's areas (:func:`scenarios.drill.sites.node_areas`) and the names they go by."""

    def __init__(self, network: RoadNetwork) -> None:
        from scenarios.drill.aliases import aliases, area_zh
        from scenarios.drill.sites import node_areas

        names = sorted(set(node_areas(network).tolist()))
        self.names = aliases({a: area_zh(network, a) for a in names})
        self.landmarks = [lm for lm in network.landmarks if lm.name in self.names[1]]
        self.folded = {a.casefold(): a for a in names}

    def resolve(self, text: str, source: str | None, key: str) -> str:
        """The recorded name of the area ``text`` names, or a ConfigError listing the areas."""
        from scenarios.drill.aliases import resolve

        lookup = self.names[0]
        if text in lookup:
            return lookup[text]
        for lm in self.landmarks:
            if lm.matches(text):
                return lm.name
        if text.casefold() in self.folded:  # an area with no landmark (a grid cell)
            return self.folded[text.casefold()]
        return resolve(text, self.names, source, key, N_("unknown area {area!r} (areas: {areas})"))


def rehearsal_horizon(no_rehearsal_days: int | None, blind_level: str) -> int:
    """Days of the "no rehearsal" horizon: as given, else the default for a six-no drill, else 0."""
    if no_rehearsal_days is not None:
        return no_rehearsal_days
    return DEFAULT_REHEARSAL_DAYS if blind_level == "six-no" else 0


def band_of(t: datetime, tz: tzinfo | None) -> str:
    """The band of the day (:data:`BANDS`) of ``t`` in local time ``tz``.

    A naive ``t`` is taken as local time already.
    """
    local = t.astimezone(tz) if t.tzinfo is not None else t
    hour = local.hour + local.minute / 60 + local.second / 3600
    return next(name for name, a, b in BANDS if a <= hour < b)


def clip(intervals: list[tuple[float, float]], lo: float) -> list[tuple[float, float]]:
    """The part of sorted, disjoint ``[t0, t1)`` intervals at or after ``lo``."""
    k = bisect.bisect_right([t1 for _t0, t1 in intervals], lo)
    out = intervals[k:]
    if out and out[0][0] < lo:
        out = [(lo, out[0][1]), *out[1:]]
    return out


def _minus(
    span: tuple[float, float], holes: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Clock hours of ``span`` outside every hole, as ``[from, to)`` ranges."""
    out = [span]
    for h0, h1 in holes:
        out = [
            piece
            for a, b in out
            for piece in ((a, min(b, h0)), (max(a, h1), b))
            if piece[1] > piece[0]
        ]
    return out


def earliest_offset(start: datetime, after: datetime) -> float:
    """Seconds after ``start`` of the first whole second strictly after ``after``."""
    return max(0.0, float(math.floor((after - start).total_seconds()) + 1))


def allowed_intervals(
    start: datetime,
    end: datetime,
    hours: tuple[float, float],
    *,
    after: datetime | None = None,
    avoid: Collection[str] = (),
) -> list[tuple[float, float]]:
    """Seconds after ``start`` at which a drill may begin, as ``[t0, t1)`` intervals.

    Parameters
    ----------
    start, end
        The window (aware date-times; its days are those of ``start``'s clock).
    hours
        Clock hours ``(from, to)`` the drill may start in each day.
    after
        Only times strictly after this moment (to the second).
    avoid
        Bands of the day (:data:`BANDS` names) the drill may not start in.
    """
    total = (end - start).total_seconds()
    holes = [(float(a), float(b)) for name, a, b in BANDS if name in avoid]
    clock = _minus((float(hours[0]), float(hours[1])), holes)
    if clock == [(0.0, 24.0)]:
        out = [(0.0, total)]
    else:
        midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
        out = []
        day = midnight
        while day < end:
            for a, b in clock:
                t0 = (day + timedelta(hours=a) - start).total_seconds()
                t1 = (day + timedelta(hours=b) - start).total_seconds()
                t0, t1 = max(t0, 0.0), min(t1, total)
                if t1 > t0:
                    out.append((t0, t1))
            day += timedelta(days=1)
    return clip(out, earliest_offset(start, after)) if after is not None else out


def rehearsals(
    history: Sequence[PastDrill], drawn_at: datetime, *, days: int, tz: tzinfo | None
) -> list[PastDrill]:
    """Past drills within the "no rehearsal" horizon of a draw at ``drawn_at``.

    A drill counts if its start (else its draw, naive times in ``tz``) lies at or
    after ``drawn_at`` minus ``days`` days; rows with neither time are left out.
    """
    if not days:
        return []
    since = drawn_at - timedelta(days=days)
    out = []
    for p in history:
        t = parse_moment(p.start, tz) or parse_moment(p.drawn_at, tz)
        if t is not None and t >= since:
            out.append(p)
    return out


def barred_bands(
    past: Sequence[PastDrill], tz: tzinfo | None
) -> dict[tuple[str, str], frozenset[str]]:
    """Bands of the day (local time ``tz``) barred per (hazard, area) by ``past``.

    A past drill of unknown start bars every band (:data:`ALL_BANDS`).
    """
    out: dict[tuple[str, str], frozenset[str]] = {}
    for p in past:
        t = parse_moment(p.start, tz)
        bands = frozenset({band_of(t, tz)}) if t is not None else ALL_BANDS
        out[p.hazard, p.area] = out.get((p.hazard, p.area), frozenset()) | bands
    return out
