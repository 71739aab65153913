"""The improvement list (整改清单) of a scored drill: one row per shortfall, CSV and HTML.

Every shortfall of :attr:`~experiments.drill.score.DrillScore.shortfalls` (see
:mod:`experiments.drill.score` for what counts as one) becomes a row with the
standard or indicator it missed, what fell short, the evidence (the
observation row and the evaluators' notes), the improvement measure, the
responsible work group and its lead unit (责任单位), the due date (整改时限,
:data:`~experiments.drill.score.IMPROVEMENT_DAYS` days after the drill) and the
status ``open``. The CSV is the same in every language (English text columns
with ``<column>_zh`` companions); the HTML is in the language in use.

CSV columns: ``no, exercise_id, kind, ref, indicator_id, group_key, due, status,
standard, indicator, shortfall, evidence, measure, group, lead_unit`` and
``standard_zh, indicator_zh, shortfall_zh, evidence_zh, measure_zh, group_zh,
lead_unit_zh``.
"""

from __future__ import annotations

import csv
import io

from experiments.drill.gbt_documents import _Doc
from experiments.drill.packet_text import scene_html, scene_lines
from experiments.drill.score import DrillScore
from experiments.drill.score_texts import group_name, in_both, lead_unit, shortfall_texts
from networks.i18n import N_, _
from networks.moments import date_text

#: Status of a new improvement.
OPEN = "open"
#: Statuses an improvement may have in the list (the organiser updates them as work closes).
STATUSES = {"open": N_("open"), "closed": N_("closed")}
_TEXTS = ("standard", "indicator", "shortfall", "evidence", "measure", "group", "lead_unit")


def _text_rows(score: DrillScore) -> list[list[str]]:
    out = []
    for s in score.shortfalls:
        t = shortfall_texts(score, s)
        out.append(
            [
                t["standard"],
                t["indicator"],
                t["shortfall"],
                t["evidence"],
                t["measure"],
                group_name(score, s.group),
                lead_unit(score, s.group),
            ]
        )
    return out


def improvements_csv(score: DrillScore) -> str:
    """The improvement list as CSV, the same in every language."""
    en, zh = in_both(lambda: _text_rows(score))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "no",
            "exercise_id",
            "kind",
            "ref",
            "indicator_id",
            "group_key",
            "due",
            "status",
            *_TEXTS,
            *(f"{c}_zh" for c in _TEXTS),
        ]  # fmt: skip
    )
    for k, (s, e, z) in enumerate(zip(score.shortfalls, en, zh, strict=True)):
        w.writerow(
            [
                k + 1,
                score.script.exercise_id,
                s.kind,
                s.ref,
                s.indicator,
                s.group,
                score.due.isoformat(),
                OPEN,
                *e,
                *z,
            ]  # fmt: skip
        )
    return buf.getvalue()


def _title(score: DrillScore) -> str:
    return _("Improvement list - EXERCISE {exercise}").format(exercise=score.script.exercise_id)


def improvements_doc(score: DrillScore) -> _Doc:
    """The improvement list as a document (also a section of the evaluation report)."""
    d = _Doc()
    d.raw("\n".join(scene_lines(score.script)), scene_html(score.script))
    d.p(
        _(
            "{n} improvements, each due {due} ({days} days after the drill); the responsible "
            "unit is the lead unit of the work group."
        ).format(n=len(score.shortfalls), due=date_text(score.due), days=_days(score))
    )
    d.table(*improvements_table(score))
    return d


def improvements_table(score: DrillScore) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the improvement list, in the language in use."""
    header = [
        _("No."),
        _("Standard or indicator missed"),
        _("Indicator"),
        _("Shortfall"),
        _("Evidence"),
        _("Improvement measure"),
        _("Work group"),
        _("Responsible unit"),
        _("Due"),
        _("Status"),
    ]
    rows = [
        [
            str(k + 1),
            t[0],
            t[1],
            t[2],
            t[3],
            t[4],
            t[5],
            t[6],
            date_text(score.due),
            _(STATUSES[OPEN]),
        ]  # fmt: skip
        for k, t in enumerate(_text_rows(score))
    ]
    return header, rows


def _days(score: DrillScore) -> int:
    from experiments.drill.score import alarm_time

    return (score.due - alarm_time(score.script).date()).days


def improvements_html(score: DrillScore) -> str:
    """The improvement list as a printable page."""
    return improvements_doc(score).html(_title(score))
