"""What an organiser constrains about a blind drill (the draw does the rest).

A :class:`DrillSpec` is read from the drill TOML's ``[drill]``, ``[risk]``,
``[reporting]``, ``[targets]`` and ``[evaluation]`` tables; the region tables
(``[network]``, ``[facilities]``, ...) are the application's business.

Times of day. A drill starts in one of four bands of the day, in the local time
of the window (the ``timezone`` key): ``night`` 00:00-06:00, ``morning``
06:00-12:00, ``afternoon`` 12:00-18:00 and ``evening`` 18:00-24:00
(:data:`BANDS`). The "no rehearsal" rule of a six-no drill is stated in them:
no hazard + area + band drilled in the last ``no_rehearsal_days`` days comes
back (:meth:`DrillSpec.rehearsal_days`, :class:`scenarios.drill.draw.DrillDrawer`).
The bands, the rule and the start times it leaves are in :mod:`scenarios.drill.rehearsal`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from networks.errors import ConfigError
from networks.i18n import N_, _
from scenarios.drill import rehearsal
from scenarios.drill.rehearsal import BANDS, DEFAULT_REHEARSAL_DAYS, MAX_REHEARSAL_DAYS, clip
from scenarios.incident_cells import CellError, grade_cell
from scenarios.limits import MIN_FOLLOW_UP_INTERVAL
from scenarios.validate import Reader, check_num, shown

__all__ = [
    "BANDS",
    "BLIND_LEVELS",
    "DEFAULT_LEAD_MIN",
    "DEFAULT_NAME",
    "DEFAULT_REHEARSAL_DAYS",
    "DEFAULT_REPORTING",
    "DEFAULT_RISK",
    "DRILL_TYPES",
    "INJECT_KINDS",
    "MAX_MINUTES",
    "MAX_NO_REPEAT",
    "MAX_REHEARSAL_DAYS",
    "MAX_RISK",
    "SCALES",
    "YEARS",
    "DrillSpec",
    "clip",
    "iso",
]

DRILL_TYPES = ("field", "tabletop")
#: Blind levels: single (time not announced), double (time and scenario not
#: announced), six-no (no script, notice, scenario, roles, method or rehearsal).
BLIND_LEVELS = ("single", "double", "six-no")
#: Inject kinds the draw can schedule.
INJECT_KINDS = (
    "cascade", "escalation", "road_closed", "depot_short", "casualty_update", "media_enquiry",
)  # fmt: skip
#: Scoring scales of the evaluation sheet.
SCALES = ("PSMU", "0-10")

#: Relative risk of each hazard in a typical county (design values, not
#: statistics: everyday emergencies far more often than disasters). Override
#: in ``[risk]`` with the region's own incident counts.
DEFAULT_RISK: dict[str, float] = {
    "traffic_accident": 30.0, "building_fire": 20.0, "waterlogging": 8.0, "forest_fire": 4.0,
    "landslide": 3.0, "flood": 3.0, "typhoon": 2.0, "hazmat_leak": 2.0, "mass_poisoning": 2.0,
    "mass_gathering": 2.0, "building_collapse": 1.0, "mine_accident": 1.0,
    "epidemic_cluster": 1.0, "earthquake": 0.5, "crowd_crush": 0.5,
}  # fmt: skip
#: Reporting deadlines (minutes from the call) by grade I-IV; typical of
#: provincial rules (e.g. Henan: grade I/II by phone within 15 min, in writing
#: within 35 min; III in writing within 1 h; IV within 6 h). Set your
#: jurisdiction's in ``[reporting]``.
DEFAULT_REPORTING: dict[str, tuple[float, float, float, float]] = {
    "first_phone": (15.0, 15.0, 30.0, 60.0),
    "first_written": (35.0, 35.0, 60.0, 360.0),
    "follow_up_every": (720.0, 720.0, 720.0, 720.0),
}
#: Longest time in minutes any deadline, target or allowance may take (a year).
MAX_MINUTES = 366 * 24 * 60
#: Largest relative risk of a hazard (weights are relative; this keeps their sum finite).
MAX_RISK = 1e9
#: Most past drills a draw may avoid.
MAX_NO_REPEAT = 100_000
#: Years a drill window may lie in (date arithmetic stays far from its limits).
YEARS = (1900, 2999)
#: Minutes between the draw and the earliest start, by default: time to publish the
#: commitment before the drill can begin.
DEFAULT_LEAD_MIN = 60.0


def _parse_tz(value: str, fail: Any) -> timezone:
    """``"+08:00"`` / ``"-05:30"`` / ``"UTC"`` as a fixed-offset timezone."""
    if value.upper() in ("UTC", "Z"):
        return UTC
    try:
        sign = {"+": 1, "-": -1}[value[0]]
        hh, mm = value[1:].split(":")
        return timezone(sign * timedelta(hours=int(hh), minutes=int(mm)))
    except (KeyError, ValueError, IndexError):
        raise fail(
            _("expected a UTC offset like '+08:00', got {value!r}").format(value=shown(value))
        ) from None


def _when(r: Reader, name: str, tz: timezone) -> datetime:
    """A TOML date-time (or ISO string); a local time takes ``tz``."""
    v = r.get(name)
    if isinstance(v, str):
        try:
            v = datetime.fromisoformat(v)
        except ValueError:
            raise r.error(
                name,
                _("expected a date-time like 2026-12-01T08:00, got {value!r}").format(
                    value=shown(v)
                ),
            ) from None
    elif isinstance(v, date) and not isinstance(v, datetime):
        v = datetime(v.year, v.month, v.day)
    if not isinstance(v, datetime):
        raise r.error(name, _("expected a date-time, got {value!r}").format(value=shown(v)))
    v = v.replace(microsecond=0)  # drills are drawn to the second
    if not YEARS[0] <= v.year <= YEARS[1]:
        raise r.error(
            name,
            _("expected a year between {first} and {last}, got {year}").format(
                first=YEARS[0], last=YEARS[1], year=v.year
            ),
        )
    return v if v.tzinfo is not None else v.replace(tzinfo=tz)


#: Name of a drill whose file gives none (shown translated).
DEFAULT_NAME = N_("Blind drill")


def _text(r: Reader, name: str, default: str) -> str:
    """A one-line text for headers and messages (it goes into XML, CSV and HTML)."""
    v = r.str(name, default)
    if any(ord(c) < 32 or ord(c) == 127 for c in v):
        raise r.error(
            name, _("must be one line of printable text, got {value!r}").format(value=shown(v))
        )
    if len(v) > 200:
        raise r.error(name, _("at most 200 characters, got {n}").format(n=len(v)))
    return v


def _exercise_id(r: Reader) -> str:
    """The exercise id: it becomes a CAP identifier, which allows no spaces, commas, < or &."""
    v = _text(r, "id", "")
    if v and (any(c.isspace() or c in ",<>&\"'" for c in v)):
        raise r.error(
            "id",
            _("{value!r}: an exercise id may not hold spaces, commas, quotes, < > or &").format(
                value=v
            ),
        )
    return v


def _strs(r: Reader, name: str) -> tuple[str, ...]:
    v = r.get(name, [])
    if not isinstance(v, list) or not all(isinstance(s, str) and s for s in v):
        raise r.error(name, _("expected a list of names"))
    if len(set(v)) != len(v):
        raise r.error(name, _("names must not repeat"))
    return tuple(v)


def iso(t: datetime) -> str:
    """ISO 8601 with the UTC offset, to the second (the form every drill file uses)."""
    return t.replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class DrillSpec:
    """Constraints of a blind drill.

    Attributes
    ----------
    exercise_id
        Identifier printed on every exercise message ("" = derived from the seed).
    name, jurisdiction
        For headers (the jurisdiction defaults to the network's name).
    name_zh, jurisdiction_zh
        Their Chinese, for packets in Chinese ("" = the English is shown).
    drill_type
        ``"field"`` or ``"tabletop"``.
    blind_level
        One of :data:`BLIND_LEVELS`.
    start, end
        The window the drill starts in (aware date-times).
    hours
        Clock hours ``(from, to)`` the drill may start in each day (local time
        of ``start``), ``(0, 24)`` for any time.
    hazards
        Hazards that may be drawn (empty: the whole catalogue).
    grades
        Grades (1-4 = I-IV) that may be drawn.
    include_areas, exclude_areas
        Areas (township or seat names) the scene must lie in / must avoid.
    units
        Participating stations by name (empty: all).
    history
        File of past drills (CSV ``drawn_at, exercise_id, hazard, area``), or "".
    no_repeat
        A draw avoids the hazard+area pairs of the last ``no_repeat`` drills
        (a count of drills, whatever their time of day).
    no_rehearsal_days
        "No rehearsal": a draw avoids the hazard + area + band of the day
        (:data:`BANDS`) of every drill of the last ``no_rehearsal_days`` days
        (a time span; a past drill whose start time is not known bars every
        band). ``None``: :data:`DEFAULT_REHEARSAL_DAYS` for a six-no drill, 0
        (off) otherwise; see :attr:`rehearsal_days`.
    lead_min
        Minutes from the draw to the earliest start the draw may give (time to
        publish the commitment); the start is drawn after the draw plus this.
    injects
        Inject kinds to schedule (see :data:`INJECT_KINDS`).
    risk
        Relative risk per hazard (weights of the hazard draw): :data:`DEFAULT_RISK`,
        or a scenario's background rates (``[risk] scenario = "typical_week"``),
        with any hazard set explicitly in ``[risk]``.
    reporting
        Reporting deadlines: name -> minutes from the call by grade I-IV.
    targets
        ``(call_taking, arrival, control)`` minutes: the response standard.
    scale
        Scoring scale of the evaluation sheet (:data:`SCALES`).
    """

    start: datetime
    end: datetime
    exercise_id: str = ""
    name: str = DEFAULT_NAME
    jurisdiction: str = ""
    name_zh: str = ""
    jurisdiction_zh: str = ""
    drill_type: str = "field"
    blind_level: str = "six-no"
    hours: tuple[float, float] = (0.0, 24.0)
    hazards: tuple[str, ...] = ()
    grades: tuple[int, ...] = (1, 2, 3, 4)
    include_areas: tuple[str, ...] = ()
    exclude_areas: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    history: str = ""
    no_repeat: int = 3
    no_rehearsal_days: int | None = None
    lead_min: float = DEFAULT_LEAD_MIN
    injects: tuple[str, ...] = INJECT_KINDS
    risk: tuple[tuple[str, float], ...] = tuple(sorted(DEFAULT_RISK.items()))
    reporting: tuple[tuple[str, tuple[float, float, float, float]], ...] = tuple(
        sorted(DEFAULT_REPORTING.items())
    )
    targets: tuple[float, float, float] = (1.0, 10.0, 15.0)
    scale: str = "PSMU"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(_("drill window times must carry a UTC offset"))
        if not self.end > self.start:
            raise ValueError(_("drill window must end after it starts"))
        if not 0 <= self.hours[0] < self.hours[1] <= 24:
            raise ValueError(_("drill hours must be (from, to) with 0 <= from < to <= 24"))
        if not self.allowed_intervals():
            raise ValueError(_("no allowed hour falls inside the drill window"))

    @property
    def window_minutes(self) -> float:
        """Length of the window in minutes."""
        return (self.end - self.start).total_seconds() / 60.0

    @property
    def rehearsal_days(self) -> int:
        """Days of the "no rehearsal" horizon in force (``no_rehearsal_days`` or its default)."""
        return rehearsal.rehearsal_horizon(self.no_rehearsal_days, self.blind_level)

    def band_of(self, t: datetime) -> str:
        """The band of the day (:data:`BANDS`) of ``t`` in the window's local time.

        A naive ``t`` is taken as local time of the window already.
        """
        return rehearsal.band_of(t, self.start.tzinfo)

    def earliest_offset(self, after: datetime) -> float:
        """Seconds after ``start`` of the first whole second strictly after ``after``."""
        return rehearsal.earliest_offset(self.start, after)

    def allowed_intervals(
        self, *, after: datetime | None = None, avoid: Collection[str] = ()
    ) -> list[tuple[float, float]]:
        """Seconds after ``start`` at which the drill may begin, as ``[t0, t1)`` intervals.

        Parameters
        ----------
        after
            Only times strictly after this moment (to the second), e.g. the draw
            plus :attr:`lead_min`.
        avoid
            Bands of the day (:data:`BANDS` names) the drill may not start in.
        """
        return rehearsal.allowed_intervals(
            self.start, self.end, self.hours, after=after, avoid=avoid
        )

    def risk_of(self, hazard: str) -> float:
        """Relative risk of a hazard (1 for hazards the table does not list)."""
        return dict(self.risk).get(hazard, 1.0)

    # ----------------------------------------------------------------- I/O
    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        source: str | None = None,
        hazards: tuple[str, ...] | None = None,
    ) -> DrillSpec:
        """Validate the drill tables of a drill TOML.

        Parameters
        ----------
        data
            The whole file (tables other than ``drill``, ``risk``,
            ``reporting``, ``targets`` and ``evaluation`` are ignored).
        source
            File name for messages.
        hazards
            Known hazard keys (the catalogue's) to check names against.

        Raises
        ------
        ConfigError
            Naming ``source`` and the dotted key.
        """
        from scenarios.drill.spec_keys import DRILL, DRILL_EVALUATION, DRILL_RISK, DRILL_TARGETS

        top = Reader(data, source=source)
        r = top.table("drill")
        DRILL.allow(r)
        tz = _parse_tz(DRILL.read(r, "timezone"), lambda m: r.error("timezone", m))
        start, end = _when(r, "start", tz), _when(r, "end", tz)
        if not end > start:
            raise r.error(
                "end", _("window must end after it starts ({start})").format(start=iso(start))
            )

        def known(table: Reader, names: tuple[str, ...], key: str) -> None:
            if hazards is not None:
                for h in names:
                    if h not in hazards:
                        raise table.error(
                            key,
                            _("unknown hazard {hazard!r} (known: {known})").format(
                                hazard=h, known=", ".join(hazards)
                            ),
                        )

        allowed = _strs(r, "hazards")
        known(r, allowed, "hazards")
        grades_raw = r.get("grades", [1, 2, 3, 4])
        if not isinstance(grades_raw, list) or not grades_raw:
            raise r.error("grades", _("expected a non-empty list of grades (1-4 or 'I'-'IV')"))
        grades = []
        for g in grades_raw:
            try:  # I-IV, Ⅰ-Ⅳ (the numerals Chinese documents print), Ⅱ级, 重大, 1-4
                if isinstance(g, bool):
                    raise CellError("")
                grades.append(grade_cell(g))
            except CellError:
                raise r.error(
                    "grades", _("unknown grade {grade!r} (use 1-4 or 'I'-'IV')").format(grade=g)
                ) from None
        kinds = _strs(r, "injects") if r.has("injects") else INJECT_KINDS
        for k in kinds:
            if k not in INJECT_KINDS:
                raise r.error(
                    "injects",
                    _("unknown inject kind {kind!r} ({kinds})").format(
                        kind=k, kinds=", ".join(INJECT_KINDS)
                    ),
                )
        history = DRILL.read(r, "history")
        hours = r.get("hours", [0, 24])
        if not (isinstance(hours, list) and len(hours) == 2):
            raise r.error("hours", _("expected [from, to] clock hours, e.g. [8, 18]"))
        hours = tuple(check_num(h, lambda m: r.error("hours", m), lo=0, hi=24) for h in hours)
        if not hours[0] < hours[1]:
            raise r.error(
                "hours", _("from must be before to, got {hours}").format(hours=list(hours))
            )

        rk = top.table("risk", {})
        risk = dict(DEFAULT_RISK)
        if rk.has("scenario"):
            # The region's own incident rates: a scenario's background rates per day.
            from scenarios.spec import load_scenario

            try:
                rates = load_scenario(DRILL_RISK.read(rk, "scenario")).background.per_day()
            except ConfigError as exc:
                raise rk.error("scenario", str(exc)) from None
            risk = {h: 0.0 for h in (hazards or ())} | rates
        for h in rk.data:
            if h == "scenario":
                continue
            known(rk, (str(h),), str(h))
            risk[str(h)] = DRILL_RISK.read(rk, str(h))
        if allowed and not any(risk.get(h, 1.0) > 0 for h in allowed):
            raise r.error("hazards", _("every allowed hazard has risk 0"))

        rp = top.table("reporting", {})
        reporting = dict(DEFAULT_REPORTING)
        for name in rp.data:
            v = rp.get(str(name))
            vals = v if isinstance(v, list) else [v] * 4
            if len(vals) != 4:
                raise rp.error(str(name), _("expected minutes, or a list of 4 (grades I-IV)"))
            # A deadline of 0 min cannot be met; a follow-up "every 0 min" is no rule.
            lo = MIN_FOLLOW_UP_INTERVAL if str(name) == "follow_up_every" else 0
            reporting[str(name)] = tuple(
                check_num(
                    x, lambda m, n=str(name): rp.error(n, m), lo=lo, lo_open=lo == 0, hi=MAX_MINUTES
                )  # fmt: skip
                for x in vals
            )  # type: ignore[assignment]

        tg = top.table("targets", {})
        DRILL_TARGETS.allow(tg)
        targets = tuple(DRILL_TARGETS.read(tg, k) for k in DRILL_TARGETS.ordered)
        ev = top.table("evaluation", {})
        DRILL_EVALUATION.allow(ev)

        try:
            return cls(
                start=start,
                end=end,
                exercise_id=_exercise_id(r),
                name=_text(r, "name", DEFAULT_NAME),
                jurisdiction=_text(r, "jurisdiction", ""),
                name_zh=_text(r, "name_zh", ""),
                jurisdiction_zh=_text(r, "jurisdiction_zh", ""),
                drill_type=DRILL.read(r, "type"),
                blind_level=DRILL.read(r, "blind"),
                hours=hours,  # type: ignore[arg-type]
                hazards=allowed,
                grades=tuple(sorted(set(grades))),
                include_areas=_strs(r, "include_areas"),
                exclude_areas=_strs(r, "exclude_areas"),
                units=_strs(r, "units"),
                history=history,
                no_repeat=DRILL.read(r, "no_repeat"),
                no_rehearsal_days=DRILL.read(r, "no_rehearsal_days"),
                lead_min=DRILL.read(r, "lead_min"),
                injects=kinds,
                risk=tuple(sorted(risk.items())),
                reporting=tuple(sorted(reporting.items())),  # type: ignore[arg-type]
                targets=targets,  # type: ignore[arg-type]
                scale=DRILL_EVALUATION.read(ev, "scale"),
            )
        except ValueError as exc:
            raise ConfigError(str(exc), source=source, key="drill") from None

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready tables; :meth:`from_dict` of this gives an equal spec."""
        drill: dict[str, Any] = {
            "id": self.exercise_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_zh": self.jurisdiction_zh,
            "type": self.drill_type,
            "blind": self.blind_level,
            "start": iso(self.start),
            "end": iso(self.end),
            "hours": list(self.hours),
            "hazards": list(self.hazards),
            "grades": list(self.grades),
            "include_areas": list(self.include_areas),
            "exclude_areas": list(self.exclude_areas),
            "units": list(self.units),
            "history": self.history,
            "no_repeat": self.no_repeat,
            "lead_min": self.lead_min,
            "injects": list(self.injects),
        }
        if self.no_rehearsal_days is not None:
            drill["no_rehearsal_days"] = self.no_rehearsal_days
        return {
            "drill": drill,
            "risk": dict(self.risk),
            "reporting": {k: list(v) for k, v in self.reporting},
            "targets": dict(zip(("call_taking", "arrival", "control"), self.targets, strict=True)),
            "evaluation": {"scale": self.scale},
        }
