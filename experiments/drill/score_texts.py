"""The words of a scored drill, in the language in use, shared by its documents.

The scored form (:mod:`experiments.drill.score_form`), the evaluation report
(:mod:`experiments.drill.score_report`) and the improvement list
(:mod:`experiments.drill.improvements`) describe the same numbers of a
:class:`~experiments.drill.score.DrillScore`; this module holds how they say
it: names of milestones and statuses, a measured time row in words, the
evidence behind an indicator, and each shortfall as (standard, shortfall,
evidence, measure). Bureau terms already held as pairs by
:mod:`experiments.drill.evaluation_gbt` (conclusions, ratings, reports, levels,
inject kinds) are used from there; frame text goes through gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from experiments.drill.gbt_indicators import CATEGORIES, CONCLUSIONS, RATINGS, _b
from experiments.drill.gbt_standards import (
    LEVEL_NAMES,
    REPORT_NAMES,
    TimeStandard,
    _inject_label,
    command_post,
    time_standards,
)
from experiments.drill.observations import Note
from experiments.drill.score import DrillScore, IndicatorScore, ReportCheck, Shortfall, TimeCheck
from networks import i18n
from networks.i18n import N_, _
from scenarios.drill import texts
from scenarios.drill.report_templates import kind_name
from scenarios.drill.workgroups import WorkGroup

#: Names of the moments a milestone row records.
MILESTONE_NAMES = {
    "call_taken": N_("Call taken"),
    "dispatch": N_("First dispatch"),
    "first_arrival": N_("First team on scene"),
    "full_complement": N_("Full required complement on scene"),
    "command_post": N_("On-site command post set up"),
    "under_control": N_("Under control"),
    "video": N_("Live video at the command centre"),
    "end_of_play": N_("End of play"),
}
#: Status of a measured time row.
STATUS_NAMES = {
    "met": N_("met"),
    "late": N_("late"),
    "missed": N_("not met"),
    "not_due": N_("not due by the end of play"),
}
#: Improvement measures (整改措施) by what the shortfall tested; ``report`` for every
#: reporting deadline. Others: meet the indicator's criterion.
MEASURES = {
    "standard:call_taking": N_(
        "Train the duty desk to take an alarm on the fixed form and confirm the key facts "
        "within the target."
    ),
    "standard:arrival": N_(
        "Review dispatch, turnout and routes of the nearest stations; where even the benchmark "
        "misses the target, station a team nearer."
    ),
    "standard:control": N_(
        "Review the tactics and the strength sent for this hazard, and call reinforcement earlier."
    ),
    "standard:command_post": N_(
        "Write a standing procedure for opening the on-site command post: who goes, with what, "
        "and who commands."
    ),
    "standard:video": N_(
        "Name who brings live video from the scene (drone or team terminal) and test the link "
        "regularly."
    ),
    "report": N_(
        "Keep a deadline clock at the duty desk and send each report on the fixed template as "
        "soon as the picture changes."
    ),
    "standard:report_template": N_(
        "Fill in every required field of the report template; write 'unknown so far' rather "
        "than leave a blank."
    ),
    "standard:report_accuracy": N_(
        "Check every figure against the latest verified count before a report goes out, and "
        "state the time the figures are as of."
    ),
}


def joined(parts: Iterable[str]) -> str:
    """Parts of one cell or line, each non-empty one joined with the language's ``; `` (；)."""
    return _("; ").join(p for p in parts if p)


def labelled(text: str, label: str) -> str:
    """``text (label)``, with full-width brackets in Chinese; ``text`` if no label."""
    return _("{text} ({label})").format(text=text, label=label) if label else text


def item_text(item: str) -> str:
    """A time-standard item as the head of a ``item: ...`` line (its closing full stop dropped).

    The under-control item quotes the hazard's definition, a sentence; a colon
    after its 。 or . would double the punctuation.
    """
    return item.rstrip().rstrip("。.．")


def mins(x: float | None) -> str:
    """Minutes as shown: one decimal at most (``-`` for none)."""
    return "-" if x is None else f"{round(x, 1):g}"


def pct(share: float | None) -> str:
    """A share as a percentage (``-`` for none)."""
    return "-" if share is None else f"{100 * share:.0f} %"


def points(x: float | None) -> str:
    """Points as shown (two decimals at most; ``-`` for none)."""
    return "-" if x is None else f"{round(x, 2):g}"


def conclusion_name(key: str) -> str:
    """The option conclusion in the language in use (合格 / pass)."""
    return _b(CONCLUSIONS[key][1])


def category_name(key: str) -> str:
    """The name of an indicator category."""
    return _b(CATEGORIES[key])


def milestone_name(key: str) -> str:
    """The name of a milestone."""
    return _(MILESTONE_NAMES[key])


def status_name(key: str) -> str:
    """The status of a measured time row."""
    return _(STATUS_NAMES[key])


def report_name(kind: str, level: str = "") -> str:
    """A report as named in the documents: ``Phone first report (city)``."""
    name = _b(REPORT_NAMES[kind])
    if not level:
        return name
    lv = _b(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level
    return _("{report} ({level})").format(report=name, level=lv)


def rows_by_id(score: DrillScore) -> dict[str, TimeStandard]:
    """The drill's time-standard rows in the language in use, by id."""
    return {r.id: r for r in time_standards(score.script)}


def group_of(score: DrillScore, key: str) -> WorkGroup | None:
    """The command post's work group ``key``, or None."""
    return command_post(score.script).group(key)


def group_name(score: DrillScore, key: str) -> str:
    """The name of work group ``key`` (``""`` if the post has none)."""
    g = group_of(score, key)
    return _b((g.name, g.name_zh)) if g else ""


def lead_unit(score: DrillScore, key: str) -> str:
    """The lead unit (责任单位) of work group ``key``."""
    g = group_of(score, key)
    return _b((g.lead, g.lead_zh)) if g else ""


def field_labels(score: DrillScore, keys: Iterable[str]) -> str:
    """Template fields by their labels, listed."""
    t = score.template
    labels = [t.field(k).label_text() if t is not None and k in t.keys else k for k in keys]
    return texts.render(texts.listing(labels))


def notes_text(notes: Iterable[Note]) -> str:
    """The evaluators' notes, with who wrote them."""
    out = []
    for n in notes:
        out.append(
            _("{who}: {note}").format(who=n.evaluator, note=n.text) if n.evaluator else n.text
        )
    return _("; ").join(out)


def row_ref(score: DrillScore, row: int | None) -> str:
    """``row 7 of observations.csv``."""
    if row is None:
        return ""
    return _("row {row} of {file}").format(row=row, file=score.observations.name)


def check_minutes(c: TimeCheck) -> str:
    """The minutes a row took, or why there are none."""
    if c.minutes is not None:
        return mins(c.minutes)
    return status_name("not_due") if c.share is None else _("not done")


def check_line(c: TimeCheck, row: TimeStandard) -> str:
    """One measured row in words: ``T6 Phone first report to city: 12 of 60 min (met)``."""
    if c.minutes is None:
        what = check_minutes(c)
        if c.share is None:  # "not due by the end of play" says its status already
            return _("{id} {item}: {what}").format(id=c.id, item=item_text(row.item), what=what)
    else:
        what = _("{minutes} of {target} min").format(
            minutes=mins(c.minutes), target=mins(c.target_min)
        )
    return _("{id} {item}: {what} ({status})").format(
        id=c.id, item=item_text(row.item), what=what, status=status_name(c.status)
    )


def rating_text(s: IndicatorScore) -> str:
    """The rating as written or derived: ``B`` or ``3 of 4 points``."""
    if s.how == "time" or s.share is None:
        return ""
    if s.given.upper() in RATINGS:
        return s.given.upper()
    return _("{points} of {weight} points").format(
        points=s.given, weight=points(s.indicator.weight)
    )


def rating_label(s: IndicatorScore) -> str:
    """The meaning of a letter rating (``met with minor gaps``), else ``""``."""
    letter = s.given.upper()
    return _b(RATINGS[letter][1]) if letter in RATINGS else ""


def wrong_figures_text(score: DrillScore, r: ReportCheck) -> str:
    """A report's figures that differ from the casualty update it followed, in words."""
    t = score.template
    parts = [
        _("{field} {reported} (the update: {given})").format(
            field=t.field(k).label_text() if t is not None and k in t.keys else k,
            reported=v,
            given=_("at least {n}").format(n=g) if r.at_least else g,
        )
        for k, v, g in r.wrong
    ]
    inj = _inject(score, r.against) if r.against is not None else None
    label = _inject_label(inj.no, inj.kind) if inj is not None else ""
    return _("figures not those of {inject}: {figures}").format(
        inject=label, figures=texts.render(texts.listing(parts))
    )


def report_check_line(score: DrillScore, r: ReportCheck) -> str:
    """A report against its template: ``Written first report at +52 min: 16 of 18 ...``."""
    rep = r.report
    head = _("{report} at +{minute} min").format(
        report=report_name(rep.kind, rep.level), minute=mins(rep.minute)
    )
    if not r.required:
        return head
    if not rep.fields:
        return _("{head}: no fields recorded (0 of {n} required)").format(
            head=head, n=len(r.required)
        )
    line = _("{head}: {filled} of {n} required fields filled").format(
        head=head, filled=r.filled, n=len(r.required)
    )
    if r.missing:
        line = _("{line}; blank: {fields}").format(line=line, fields=field_labels(score, r.missing))
    return line


def indicator_evidence(score: DrillScore, s: IndicatorScore) -> str:
    """What an indicator's score rests on, in words."""
    if not s.applies:
        return _("does not apply to this drill")
    if s.how == "time":
        rows = rows_by_id(score)
        return joined(check_line(c, rows[c.id]) for c in score.checks if c.indicator == s.id)
    if s.how == "completeness":
        first = [r for r in score.reports if r.report.row == s.row]
        if first and s.share is None:  # sent early and incomplete: not rated (see score)
            return _(
                "from the template fields: {line}; sent early (not due by the end of play) and "
                "incomplete, so not rated"
            ).format(line=report_check_line(score, first[0]))
        if first:
            return _("from the template fields: {line}").format(
                line=report_check_line(score, first[0])
            )
        if s.share is None:
            return _("no written first report, and none due by the end of play")
        return _("no written first report was sent")
    rated = labelled(_("rated {rating}").format(rating=rating_text(s)), rating_label(s))
    notes = notes_text(score.observations.notes_of("indicator", s.id))
    return joined((rated, row_ref(score, s.row), notes))


def given_text(score: DrillScore, s: IndicatorScore) -> str:
    """The rating, or for a time indicator the minutes of its worst row."""
    if s.how != "time":
        return rating_text(s)
    counted = [c for c in score.checks if c.indicator == s.id and c.share is not None]
    if not counted:
        return ""
    worst = min(counted, key=lambda c: (c.share, c.id))
    return _("{id}: {minutes} min").format(id=worst.id, minutes=check_minutes(worst))


# ------------------------------------------------------------------ shortfalls
def _inject(score: DrillScore, no: int) -> Any:
    return next(i for i in score.script.injects if i.no == no)


def shortfall_texts(score: DrillScore, s: Shortfall) -> dict[str, str]:
    """A shortfall in words: ``standard``, ``shortfall``, ``evidence`` and ``measure``."""
    ind = next((i for i in score.indicators if i.id == s.indicator), None)
    ind_name = f"{s.indicator} {_b(ind.indicator.name)}" if ind else ""

    def measure() -> str:
        """The default measure: meet the indicator's criterion."""
        criterion = _b(ind.indicator.criterion) if ind else ""
        return _("Meet the criterion in the next drill: {criterion}").format(criterion=criterion)

    if s.kind == "time":
        c = score.check(s.ref)
        row = rows_by_id(score)[s.ref]
        if c.minutes is None:
            what = _("{item}: not done by the end of play ({end} min)").format(
                item=item_text(row.item), end=mins(score.end_min)
            )
        else:
            what = _("{item}: {minutes} min against {target} min, counted from {start}").format(
                item=item_text(row.item),
                minutes=mins(c.minutes),
                target=mins(c.target_min),
                start=row.start,
            )
        notes = ""
        milestone = next((m for m, r in score.observations.milestone_rows.items()
                          if r == c.row), None)  # fmt: skip
        if milestone is not None:
            notes = notes_text(score.observations.notes_of("milestone", milestone))
        evidence = joined((row_ref(score, c.row), notes))
        key = "report" if s.test.startswith("report:") else s.test
        text = _(MEASURES[key]) if key in MEASURES else measure()
        return {
            "standard": f"{s.ref} {row.tests}",
            "indicator": ind_name,
            "shortfall": what,
            "evidence": evidence,
            "measure": text,
        }
    if s.kind == "indicator":
        assert ind is not None
        what = labelled(
            _("{indicator} rated {rating}").format(
                indicator=_b(ind.indicator.name), rating=rating_text(ind)
            ),
            rating_label(ind),
        )
        evidence = joined(
            (
                row_ref(score, ind.row),
                notes_text(score.observations.notes_of("indicator", ind.id)),
            )
        )
        return {
            "standard": _b(ind.indicator.criterion),
            "indicator": ind_name,
            "shortfall": what,
            "evidence": evidence,
            "measure": measure(),
        }
    if s.kind == "inject":
        inj = _inject(score, int(s.ref))
        action = texts.text(inj, "expected_action")
        _done, _minute, row = score.observations.injects[inj.no]
        evidence = joined(
            (row_ref(score, row), notes_text(score.observations.notes_of("inject", s.ref)))
        )
        return {
            "standard": _inject_label(inj.no, inj.kind),
            "indicator": ind_name,
            "shortfall": _("expected action not taken: {action}").format(action=action),
            "evidence": evidence,
            "measure": _(
                "Put the expected action on the duty card of the responsible group and drill it."
            ),
        }
    r = next(x for x in score.reports if str(x.report.row) == s.ref)
    form = score.template.title_text() if score.template is not None else ""
    kind = kind_name_of(r)
    if s.kind == "figures":  # 续报准
        head = _("{report} at +{minute} min").format(
            report=report_name(r.report.kind, r.report.level), minute=mins(r.report.minute)
        )
        return {
            "standard": _("Follow-up reports accurate: the figures of the latest verified count"),
            "indicator": ind_name,
            "shortfall": _("{line}; {wrong}").format(line=head, wrong=wrong_figures_text(score, r)),
            "evidence": row_ref(score, r.report.row),
            "measure": _(MEASURES["standard:report_accuracy"]),
        }
    return {
        "standard": _("{form} ({kind})").format(form=form, kind=kind),
        "indicator": ind_name,
        "shortfall": report_check_line(score, r),
        "evidence": joined(
            (
                row_ref(score, r.report.row),
                notes_text(n for n in score.observations.notes if n.row == r.report.row),
            )
        ),
        "measure": _(MEASURES["standard:report_template"]),
    }


def kind_name_of(r: ReportCheck) -> str:
    """The template kind of a report (首报, 续报, 终报) in the language in use."""
    from experiments.drill.observations import REPORT_KINDS

    return kind_name(REPORT_KINDS[r.report.kind])


def in_both(fn: Callable[[], list[list[Any]]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """``fn()`` in English and in Chinese (for the ``_zh`` companion columns of a CSV)."""
    with i18n.language("en"):
        en = fn()
    with i18n.language("zh"):
        zh = fn()
    return en, zh
