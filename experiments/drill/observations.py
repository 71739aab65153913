"""What the evaluators saw: the observations file of a drill, read and checked row by row.

Evaluators fill in one row per observation, in a CSV file or the first sheet
of an XLSX workbook, with these columns (English names; order free; only
``kind`` and ``ref`` must be there)::

    kind,ref,time,done,score,fields,evaluator,note[,delivered]
    milestone,call_taken,2026-12-08T10:31:40+08:00,,,,,
    milestone,first_arrival,10:44,,,,,
    milestone,video,,no,,,,no drone on the first team
    report,phone_first:city,+12,,,,信息报送组,
    report,written_first,+52,,,report_unit;report_time;time;place,信息报送组,
    inject,2,+25,yes,,,,
    indicator,C3,,,B,,指挥协调组,groups formed late
    indicator,S4,,,3,,,

``kind`` is one of

``milestone``
    ``ref`` names the moment (:data:`MILESTONES`): the call taken, the first
    dispatch, the first team on scene, the full required complement on
    scene, the command post set up, under control, live video from the
    scene, the end of play; ``time`` when it happened, or ``done`` = ``no``
    (and no time) if it never happened during play. Every moment a time
    standard of the drill measures must have its row (``needed``).
``report``
    A report sent: ``ref`` is its kind (:data:`REPORT_KINDS`), optionally
    ``:level`` it went to (``county``, ``city``, ``province``...); ``time``
    when it was sent; ``fields`` the fields of the report template it filled
    in, separated by ``;`` (or ``；``, ``、``): the field keys, or their labels
    in English or Chinese (a label holding ``、`` itself is read whole). A
    report that was not sent has no row.
``inject``
    ``ref`` the inject's number; ``done`` whether the expected action was
    taken (``yes``/``no``, ``是``/``否``); ``time`` when, if taken. Every
    inject of the drill must have its row.
``indicator``
    ``ref`` a rating indicator of the evaluation form; ``score`` the
    evaluators' rating ``A``-``D`` or their points (0 to the indicator's
    weight). Time indicators are scored from the times, not from a row.

A ``time`` is an ISO 8601 time with its offset, a date and time as a
spreadsheet saves it (``2027/9/6 17:21``) or a Chinese form writes it
(``2027年9月6日17时21分``), a clock time (``HH:MM``, ``HH:MM:SS``, ``17时21分``;
full-width digits and colons too) on the day the drill started, in the
drill's own offset (a clock time more than 12 hours before the alarm is read
as the next day), or
``+minutes`` after the alarm (``minutes`` without the ``+`` too: a spreadsheet
drops it). Nothing may happen before the alarm, nor
more than a week after it, nor a milestone before one it follows (a
dispatch before the call taken; :mod:`experiments.drill.observation_times`). A row
may be given once (a second row of the same milestone, inject or indicator
is a mistake). Blank rows, and comment rows whose first cell starts with
``#``, are skipped; the first other row is the header. Every mistake is one
line naming the file, the row (as a spreadsheet numbers it) and the column.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from experiments.drill.observation_files import COLUMNS, read_rows, split_fields
from experiments.drill.observation_times import MILESTONES, check_order, minute_of
from experiments.drill.report_fields import FieldNames, read_figures
from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.log_table import _row_name

logger = logging.getLogger(__name__)

__all__ = [
    "COLUMNS",
    "KINDS",
    "LEVELS",
    "MILESTONES",
    "REPORT_KINDS",
    "FieldNames",
    "Note",
    "Observations",
    "Rating",
    "Report",
    "read_observations",
    "read_rows",
]

#: Kinds of observation.
KINDS = ("milestone", "report", "inject", "indicator")
#: Kinds of report a report row may name, and the template kind each is written on.
REPORT_KINDS = {
    "phone_first": "first",
    "written_first": "first",
    "follow_up": "followup",
    "final": "final",
}
#: The drill file's names of the first reports (its ``[reporting]`` keys), read as these.
REPORT_ALIASES = {"first_phone": "phone_first", "first_written": "written_first"}
#: Levels a report may go to (``phone_first:city``).
LEVELS = ("township", "county", "city", "province", "state")
#: An observations file, CSV or the first sheet of an XLSX workbook (``--observations``).
OBSERVATIONS_TABLE = Section(
    "observations table",
    "Drill observations (CSV or XLSX)",
    (
        Key("kind", "string", "What the row records.", "记录类型", default=REQUIRED, choices=KINDS),
        Key("ref", "string",
            "milestone: the moment (" + ", ".join(MILESTONES) + "); report: its kind ("
            + ", ".join(REPORT_KINDS) + "), optionally :level; inject: its number; indicator: "
            "a rating indicator of the form.", "对象", default=REQUIRED),
        Key("time", "string",
            "When: an ISO 8601 time with offset, a date and time (2027/9/6 17:21, "
            "2027年9月6日17时21分), a clock time HH:MM (17时21分) on the drill's day, or "
            "+minutes after the alarm (13.5 without the + too, as spreadsheets save it).", "时间"),
        Key("done", "string", "Whether it happened (yes/no, 是/否).", "是否完成"),
        Key("score", "string", "indicator: the rating A-D, or points.", "评分"),
        Key("fields", "string", "report: the template fields filled in, separated by ;.",
            "填报要素"),
        Key("evaluator", "string", "Who observed it.", "评估人员"),
        Key("note", "string", "A remark.", "备注"),
        Key("delivered", "string",
            "inject: when the controllers delivered it, written as time is (default: its "
            "planned offset); deadlines that count from the inject count from it.", "实际下达时间"),
        Key("figures", "string",
            "report: the figures it gave, field=number separated by ; (dead=8; injured=27); "
            "checked against the latest casualty update delivered before it (续报准).",
            "报告数字"),
    ),
    zh="评估记录",
    help="One row per observation; only kind and ref must be there, order free. Blank rows "
    "and rows whose first cell starts with # are skipped.",
    columns=True,
)  # fmt: skip
_YES = {"yes", "y", "true", "1", "是", "完成", "已完成"}
_NO = {"no", "n", "false", "0", "否", "未完成"}
_RATINGS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Report:
    """A report sent during the drill.

    Attributes
    ----------
    kind
        A key of :data:`REPORT_KINDS`.
    level
        The level it went to, or ``""`` if the row does not say.
    minute
        When it was sent, in minutes after the alarm.
    fields
        Keys of the template fields it filled in.
    row
        Its row in the file.
    figures
        The figures it gave, ``(field key, number)``, as the evaluators recorded
        them (``figures`` column); none if they did not.
    """

    kind: str
    level: str
    minute: float
    fields: tuple[str, ...]
    row: int
    figures: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Rating:
    """The evaluators' score of a rating indicator.

    Attributes
    ----------
    share
        Share of the indicator's weight (0-1).
    given
        As written: a letter ``A``-``D`` or points.
    row
        Its row in the file.
    """

    share: float
    given: str
    row: int


@dataclass(frozen=True)
class Note:
    """A row's note: ``kind``, ``ref``, evaluator and text, with the row number."""

    kind: str
    ref: str
    evaluator: str
    text: str
    row: int


@dataclass(frozen=True)
class Observations:
    """A drill's observations, in minutes after the alarm.

    Attributes
    ----------
    source
        The file read.
    milestones
        Minute of each moment observed (None: it did not happen during play).
    milestone_rows
        The row of each milestone.
    reports
        Reports sent, in the order of the file.
    injects
        Per inject number: ``(done, minute or None, row)``.
    ratings
        Evaluators' scores of rating indicators, by indicator id.
    notes
        Every row with a note.
    evaluators
        The names in the ``evaluator`` column, in order of first appearance.
    """

    source: str
    milestones: dict[str, float | None] = field(default_factory=dict)
    milestone_rows: dict[str, int] = field(default_factory=dict)
    reports: tuple[Report, ...] = ()
    injects: dict[int, tuple[bool, float | None, int]] = field(default_factory=dict)
    #: Minute each inject was delivered, where the ``delivered`` column says (a triggered
    #: inject comes when the players' actions set it off, not at its planned offset).
    delivered: dict[int, float] = field(default_factory=dict)
    ratings: dict[str, Rating] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    evaluators: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file's name, for the documents."""
        return Path(self.source).name

    def came(self, inject: Any) -> float:
        """Minute ``inject`` (a script's inject) came: delivered, where given, else planned."""
        return self.delivered.get(inject.no, inject.offset_min)

    def last_minute(self) -> float:
        """The latest minute observed (0 if none): the end of play when no row names it."""
        times = [m for m in self.milestones.values() if m is not None]
        times += [r.minute for r in self.reports]
        times += [m for _d, m, _r in self.injects.values() if m is not None]
        return max(times, default=0.0)

    def end_of_play(self) -> float:
        """The ``end_of_play`` milestone, else the latest minute observed."""
        end = self.milestones.get("end_of_play")
        return end if end is not None else self.last_minute()

    def notes_of(self, kind: str, ref: str) -> list[Note]:
        """The notes of the rows of ``kind`` and ``ref``."""
        return [n for n in self.notes if n.kind == kind and n.ref == ref]


def read_observations(
    path: str | Path,
    *,
    alarm: datetime,
    injects: Sequence[int],
    indicators: Mapping[str, tuple[float, str]],
    fields: FieldNames | None = None,
    needed: Sequence[str] = ("call_taken",),
    vetoes: Collection[str] = (),
    planned: Mapping[int, float] | None = None,
) -> Observations:
    """Read and check a drill's observations.

    Parameters
    ----------
    path
        CSV or XLSX file.
    alarm
        When the alarm was raised (minute 0; its offset reads clock times).
    injects
        The drill's inject numbers (each must have a row).
    indicators
        The evaluation form's indicators: id -> (weight, rule). Only ``rating``
        indicators may have a row.
    fields
        The report template's fields (None: any field name is accepted).
    needed
        Milestones that must have a row (those the drill's time standards measure).
    vetoes
        Veto items: met or not, so rated by letter (D fails the drill), never in points.
    planned
        The planned minute of each timed inject (one no player sets off): an
        inject done before it, with no ``delivered`` time, is warned of (the
        controllers may have given it early; the ``delivered`` column says so).

    Raises
    ------
    networks.errors.ConfigError
        One line naming the file, the row (as a spreadsheet numbers it) and
        the column, for the first mistake; a missing row names the file and
        what is missing.
    """
    p = Path(path)
    rows = read_rows(p)
    names = fields or FieldNames(None)
    milestones: dict[str, float | None] = {}
    where: dict[str, int] = {}
    reports: list[Report] = []
    done: dict[int, tuple[bool, float | None, int]] = {}
    delivered: dict[int, float] = {}
    ratings: dict[str, Rating] = {}
    notes: list[Note] = []
    evaluators: dict[str, None] = {}
    for n, row in rows:

        def fail(column: str, message: str, n: int = n) -> ConfigError:
            where = _("{where}, column {column}").format(where=_row_name(n), column=column)
            return ConfigError(message, source=str(p), key=where)

        kind, ref = row.get("kind", ""), row.get("ref", "")
        if kind not in KINDS:
            raise fail("kind", _("expected one of {names}").format(names=", ".join(KINDS)))
        if not ref:
            raise fail("ref", _("missing"))
        if row.get("delivered") and kind != "inject":
            raise fail("delivered", _("only an inject row has a delivery time"))
        if row.get("figures") and kind != "report":
            raise fail("figures", _("only a report row gives figures"))
        text_time = row.get("time", "")
        minute = minute_of(text_time, alarm, fail) if text_time else None
        if kind == "milestone":
            if ref not in MILESTONES:
                raise fail("ref", _("expected one of {names}").format(names=", ".join(MILESTONES)))
            if ref in where:
                raise fail("ref", _("{ref} is already observed in row {row}").format(
                    ref=ref, row=where[ref]))  # fmt: skip
            flag = row.get("done", "").lower()
            if flag and flag not in _YES | _NO:
                raise fail("done", _("expected yes or no"))
            if flag in _NO:
                if minute is not None:
                    raise fail("time", _("give a time or done = no, not both"))
            elif minute is None:
                raise fail("time", _("missing (or done = no if it did not happen)"))
            milestones[ref], where[ref] = minute, n
        elif kind == "report":
            what, _sep, level = ref.partition(":")
            what = REPORT_ALIASES.get(what, what)
            if what not in REPORT_KINDS:
                raise fail(
                    "ref", _("expected one of {names}").format(names=", ".join(REPORT_KINDS))
                )
            if level and level not in LEVELS:
                raise fail(
                    "ref",
                    _("unknown level {level!r} (expected one of {names})").format(
                        level=level, names=", ".join(LEVELS)
                    ),
                )
            if minute is None:
                raise fail("time", _("missing"))
            filled = []
            # Without a template any name is taken: no label is known to hold a 、 then.
            known = names.key if names.known else (lambda _name: None)
            for name in split_fields(row.get("fields", ""), known):
                key = names.key(name)
                if key is None:
                    raise fail(
                        "fields",
                        _("no field {name!r} on the drill's report template").format(name=name),
                    )
                filled.append(key)
            figures = read_figures(row.get("figures", ""), names, lambda m: fail("figures", m))
            reports.append(Report(what, level, minute, tuple(dict.fromkeys(filled)), n, figures))
        elif kind == "inject":
            try:
                number = int(ref)
            except ValueError:
                raise fail("ref", _("expected an inject number")) from None
            if number not in injects:
                raise fail(
                    "ref",
                    _("no inject {number} in this drill (it has {numbers})").format(
                        number=number, numbers=", ".join(str(i) for i in injects)
                    ),
                )
            if number in done:
                raise fail("ref", _("inject {number} is already observed in row {row}").format(
                    number=number, row=done[number][2]))  # fmt: skip
            flag = row.get("done", "").lower()
            if flag not in _YES | _NO:
                raise fail("done", _("expected yes or no"))
            done[number] = (flag in _YES, minute, n)
            if row.get("delivered"):
                given = minute_of(
                    row["delivered"], alarm, lambda _c, message: fail("delivered", message)
                )
                if minute is not None and minute < given - 1e-9:
                    raise fail(
                        "time",
                        _("done at +{done:.1f} min, before the inject was delivered at "
                          "+{given:.1f} min").format(done=minute, given=given),
                    )  # fmt: skip
                delivered[number] = given
            elif minute is not None and planned and minute < planned.get(number, -1.0) - 1e-9:
                logger.warning(
                    _("{path}: {where}: inject {number} done at +{done:.1f} min, before its "
                      "planned time +{plan:.1f} min; if the controllers gave it early, give "
                      "the time in a delivered column").format(
                        path=path, where=_row_name(n), number=number, done=minute,
                        plan=planned[number])
                )  # fmt: skip
        else:
            if ref not in indicators:
                raise fail("ref", _("no indicator {ref} on this drill's form").format(ref=ref))
            weight, rule = indicators[ref]
            if rule != "rating":
                raise fail(
                    "ref",
                    _("{ref} is scored from the times of the milestones and reports").format(
                        ref=ref
                    ),
                )
            if ref in ratings:
                raise fail("ref", _("{ref} is already scored in row {row}").format(
                    ref=ref, row=ratings[ref].row))  # fmt: skip
            text = row.get("score", "")
            if ref in vetoes and text.strip() and text.strip().upper() not in _RATINGS:
                raise fail(
                    "score",
                    _(
                        "{ref} is a veto item: rate it A-D (D fails the drill whatever the "
                        "total), not in points"
                    ).format(ref=ref),
                )
            ratings[ref] = Rating(_share(text, weight, fail), row["score"], n)
        if row.get("evaluator"):
            evaluators.setdefault(row["evaluator"], None)
        if row.get("note"):
            notes.append(Note(kind, ref, row.get("evaluator", ""), row["note"], n))
    check_order(p, milestones, where)
    for m in needed:
        if m not in milestones:
            raise ConfigError(
                _("no observation of {milestone} (a milestone row: its time, or done = no)").format(
                    milestone=m
                ),
                source=str(p),
            )
    for number in injects:
        if number not in done:
            raise ConfigError(
                _("no observation of inject {number} (an inject row: done yes or no)").format(
                    number=number
                ),
                source=str(p),
            )
    return Observations(
        source=str(p),
        milestones=milestones,
        milestone_rows=where,
        reports=tuple(reports),
        injects=done,
        delivered=delivered,
        ratings=ratings,
        notes=tuple(notes),
        evaluators=tuple(evaluators),
    )


def _share(text: str, weight: float, fail: Any) -> float:
    """The share of its weight a rating earns: a letter A-D, or points out of ``weight``."""
    from experiments.drill.gbt_indicators import rating_share

    if text.strip().upper() in _RATINGS:
        return rating_share(text)
    try:
        value = float(text)
    except ValueError:
        raise fail("score", _("expected a rating A-D or points")) from None
    if not (math.isfinite(value) and 0 <= value <= weight):
        raise fail(
            "score",
            _("expected 0 to {top:g} points, got {value}").format(top=weight, value=text),
        )
    return value / weight
