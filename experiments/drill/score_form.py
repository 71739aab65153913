"""The scored evaluation form (评分表) of a drill: Markdown, HTML and CSV.

The indicator table of the evaluation plan with what was observed for each
indicator, its rating or minutes, the share of its weight earned and the
points; subtotals by category; the total out of 100 over the indicators that
count, the option conclusion and the veto items; and every time standard as
measured. The CSV is the same in every language.

CSV columns: ``id, category_key, rule, weight, veto, applies, how, given,
share, points, indicator, evidence`` and ``indicator_zh, evidence_zh``; a last
row ``total`` holds the counted weight, the points and the total out of 100
(in ``share``, as a fraction) with the conclusion key in ``how``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from experiments.drill.gbt_documents import _Doc, _rule_text
from experiments.drill.gbt_indicators import CATEGORIES, _b
from experiments.drill.packet_text import scene_html, scene_lines
from experiments.drill.score import DrillScore
from experiments.drill.score_texts import (
    category_name,
    check_minutes,
    conclusion_name,
    given_text,
    in_both,
    indicator_evidence,
    mins,
    pct,
    points,
    rows_by_id,
    status_name,
)
from networks.i18n import _


def _csv_num(x: float | None) -> str:
    return "" if x is None else f"{round(x, 4):g}"


def form_csv(score: DrillScore) -> str:
    """The scored form as CSV, the same in every language."""

    def texts() -> list[list[Any]]:
        return [[_b(s.indicator.name), indicator_evidence(score, s)] for s in score.indicators]

    en, zh = in_both(texts)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "id",
            "category_key",
            "rule",
            "weight",
            "veto",
            "applies",
            "how",
            "given",
            "share",
            "points",
            "indicator",
            "evidence",
            "indicator_zh",
            "evidence_zh",
        ]  # fmt: skip
    )
    for s, e, z in zip(score.indicators, en, zh, strict=True):
        i = s.indicator
        w.writerow(
            [
                i.id,
                i.category,
                i.rule,
                f"{i.weight:g}",
                str(i.veto).lower(),
                str(s.applies).lower(),
                s.how,
                s.given,
                _csv_num(s.share),
                _csv_num(s.points),
                *e,
                *z,
            ]  # fmt: skip
        )
    w.writerow(
        [
            "total",
            "",
            "",
            f"{score.counted_weight:g}",
            str(score.veto).lower(),
            "",
            score.conclusion,
            f"{score.total:.1f}",
            _csv_num(score.total / 100),
            _csv_num(score.points),
            "",
            "",
            "",
            "",
        ]  # fmt: skip
    )
    return buf.getvalue()


def total_line(score: DrillScore) -> str:
    """``Total: 76.7 out of 100 (76.7 points over a counted weight of 100): pass``."""
    return _(
        "Total: {total:.1f} out of 100 ({points} points over the counted weight {weight:g}); "
        "conclusion: {conclusion}"
    ).format(
        total=score.total,
        points=points(score.points),
        weight=score.counted_weight,
        conclusion=conclusion_name(score.conclusion),
    )


def category_table(score: DrillScore) -> tuple[list[str], list[list[str]]]:
    """Points by category: weight, counted weight, points."""
    rows = []
    for key in CATEGORIES:
        mine = [s for s in score.indicators if s.indicator.category == key]
        if not mine:
            continue
        weight = sum(s.indicator.weight for s in mine)
        counted = sum(s.indicator.weight for s in mine if s.share is not None)
        got = sum(s.points or 0.0 for s in mine)
        rows.append([category_name(key), points(weight), points(counted), points(got)])
    rows.append(
        [
            _("Total"),
            points(sum(s.indicator.weight for s in score.indicators)),
            points(score.counted_weight),
            points(score.points),
        ]
    )
    return [_("Category"), _("Weight"), _("Counted weight"), _("Points")], rows


def indicator_table(score: DrillScore) -> tuple[list[str], list[list[str]]]:
    """Every indicator with what it rests on, its rating or minutes, share and points."""
    header = [
        _("ID"),
        _("Indicator"),
        _("Weight"),
        _("Rule"),
        _("Observations"),
        _("Rating or minutes"),
        _("Share of the weight"),
        _("Points"),
    ]
    rows = []
    for s in score.indicators:
        i = s.indicator
        name = _b(i.name) + (_(" (veto item)") if i.veto else "")
        rows.append(
            [
                i.id,
                name,
                points(i.weight),
                _rule_text(i),
                indicator_evidence(score, s),
                given_text(score, s),
                pct(s.share),
                points(s.points),
            ]
        )
    return header, rows


def time_table(score: DrillScore) -> tuple[list[str], list[list[str]]]:
    """Every time standard as measured."""
    rows_text = rows_by_id(score)
    header = [
        _("No."),
        _("Item"),
        _("Target"),
        _("Counted from"),
        _("Minutes"),
        _("Met?"),
        _("Share of the weight"),
        _("Indicator"),
    ]
    rows = []
    for c in score.checks:
        r = rows_text[c.id]
        rows.append(
            [
                c.id,
                r.item,
                mins(c.target_min),
                r.start,
                check_minutes(c),
                status_name(c.status),
                pct(c.share),
                c.indicator,
            ]
        )
    return header, rows


def veto_line(score: DrillScore) -> str:
    """Whether a veto item failed the drill."""
    items = [s for s in score.indicators if s.indicator.veto]
    names = _(", ").join(f"{s.id} {_b(s.indicator.name)}" for s in items)
    if score.veto:
        return _("Veto: {items} rated D; the drill fails whatever the total.").format(items=names)
    return _("Veto items passed: {items}.").format(items=names or "-")


def _title(score: DrillScore) -> str:
    return _("Scored evaluation form - EXERCISE {exercise}").format(
        exercise=score.script.exercise_id
    )


def form_doc(score: DrillScore) -> _Doc:
    """The scored evaluation form as a document."""
    d = _Doc()
    d.raw("\n".join(scene_lines(score.script)), scene_html(score.script))
    d.p(
        _("Scored from {file}; end of play {end} min after the alarm.").format(
            file=score.observations.name, end=mins(score.end_min)
        )
    )
    d.p(total_line(score))
    d.p(veto_line(score))
    d.table(*category_table(score))
    d.h2(_("Indicators"))
    d.table(*indicator_table(score))
    d.h2(_("Time standards (minutes)"))
    d.table(*time_table(score))
    d.p(_("Signature: ________  Date: ________"))
    return d


def form_markdown(score: DrillScore) -> str:
    """The scored evaluation form (Markdown)."""
    return form_doc(score).markdown(_title(score))


def form_html(score: DrillScore) -> str:
    """The scored evaluation form (printable HTML)."""
    return form_doc(score).html(_title(score))
