"""The observations file to fill in (观察记录汇总表): every row a drill's score needs, blank.

``yingji drill score`` refuses an observations file that lacks a row it needs
(a milestone a time standard measures, an inject, a rating indicator that
applies). Rather than leave the evaluators to work those out from the
documentation, the reveal writes ``evaluators/observations_template.csv``: the
header, one row per needed milestone, inject and rating indicator with its
``ref`` and the evaluator position that observes it, and every other cell
blank. Comment rows (first cell starting with ``#``, skipped by the reader) say
in the language of the reveal how to fill each part, what each inject expects,
and which reports are due to which level, as rows to copy once per report sent.

Filled in, the file is what :func:`experiments.drill.score.read_drill_observations`
reads; left blank, it is refused at its first row. Columns and keys stay
English (machine-read); the comments and evaluator names follow the language.
"""

from __future__ import annotations

import csv
import io

from experiments.drill.control_target import control_work
from experiments.drill.gbt_indicators import _b, indicators
from experiments.drill.gbt_standards import (
    _WATCHED_BY,
    REPORT_NAMES,
    _applies,
    _inject_label,
    time_standards,
)
from experiments.drill.observation_files import COLUMNS
from experiments.drill.observation_times import MILESTONES
from experiments.drill.observations import REPORT_KINDS
from experiments.drill.report_checks import report_template
from experiments.drill.time_checks import STANDARD_MILESTONES, _en_rows
from networks import i18n
from networks.i18n import _
from scenarios.drill import texts
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import POSITIONS

__all__ = ["needed_milestones", "observations_template"]

#: The kind of a report row (commented out in the file: a row per report sent).
_REPORT = "report"
#: The report kinds in the order a drill sends them.
_REPORT_ORDER = ("phone_first", "written_first", "follow_up", "final")


def needed_milestones(script: DrillScript) -> list[str]:
    """The milestones an observations file of ``script`` must have a row for.

    The call taken, every milestone a time standard measures, and the full
    complement when control counts from it (drawing rules /7).
    """
    rows = _en_rows(script)
    needed = ["call_taken"] + [
        STANDARD_MILESTONES[r.ref] for r in rows if r.ref in STANDARD_MILESTONES
    ]
    if control_work(script) is not None:
        needed.append("full_complement")
    return list(dict.fromkeys(needed))


#: Who times a milestone no time standard's indicator names (end of play: the lead).
_WATCHER = {"dispatch": "command", "first_arrival": "field", "full_complement": "field"}


def _evaluator(position: str) -> str:
    if position == "lead":
        return _("Lead evaluator")
    return _("{position} evaluator").format(position=_b(POSITIONS[position]))


def observations_template(script: DrillScript) -> str:
    """The observations file of ``script`` with every needed row and its cells blank (CSV text).

    Only for a drill evaluated by GB/T 46792 (an HSEEP sheet is not scored).
    """
    rows = time_standards(script)
    table = indicators(script.drill_type)
    by_id = {i.id: i for i in table}
    # Who times each milestone: the position of the first indicator a row of it scores.
    watcher: dict[str, str] = {}
    for r in rows:
        if r.ref in STANDARD_MILESTONES and r.indicator in by_id:
            watcher.setdefault(STANDARD_MILESTONES[r.ref], by_id[r.indicator].position)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")

    def note(text: str) -> None:
        w.writerow(["# " + text])

    def row(kind: str, ref: str, evaluator: str = "") -> None:
        cells = dict.fromkeys(COLUMNS, "")
        cells.update(kind=kind, ref=ref, evaluator=evaluator)
        w.writerow(cells[c] for c in COLUMNS)

    zh = i18n.get_language() == "zh"

    note(
        _("Observations of drill {exercise}: fill in every row below, then: yingji drill score "
          "DIR --observations THIS_FILE").format(exercise=script.exercise_id)
    )  # fmt: skip
    note(
        _("time: a clock time on the drill's day (17:21, 17时21分), +minutes after the alarm "
          "(+13.5), or a date and time (2027/9/6 17:21); done: yes or no (是/否)")
    )  # fmt: skip
    w.writerow(COLUMNS)
    note(_("Milestones: when each happened, or done = no if it never did"))
    # In the order a response goes through them, the end of play last.
    for m in sorted({*needed_milestones(script), "end_of_play"}, key=MILESTONES.index):
        row("milestone", m, _evaluator(watcher.get(m) or _WATCHER.get(m, "lead")))

    levels: dict[str, list[str]] = {}
    for r in rows:
        kind = r.ref.partition(":")[2] if r.ref.startswith("report:") else ""
        if kind:
            levels.setdefault(kind, [])
            if r.to not in levels[kind]:
                levels[kind].append(r.to)
    if levels:
        note(
            _("Reports: one row per report sent (copy the row without its #, once per report); "
              "time: when it was sent; fields: the template fields it filled in, separated by ; "
              "(the list of each kind follows its rows); figures: the casualty figures it "
              "gave (dead=8; injured=27; missing=0)")
        )  # fmt: skip
        template = report_template(script)
        for kind in sorted(levels, key=lambda k: (_REPORT_ORDER + (k,)).index(k)):
            for level in levels[kind]:
                ref = f"{kind}:{level}" if level else kind
                # a row of its own cells: a spreadsheet user deletes the "# " and fills it
                row(f"# {_REPORT}", ref, _evaluator("reporting"))
            if template is not None:  # what its completeness is checked against
                fields = template.required_fields(REPORT_KINDS[kind])
                # as the fields cell takes them: keys, or the Chinese labels (a label may hold 、)
                keys = (
                    "；".join(f.label_zh or f.key for f in fields)
                    if zh
                    else "; ".join(f.key for f in fields)
                )
                name = _b(REPORT_NAMES.get(kind, (kind, kind)))
                note(_("{report}: the fields it must fill in: {fields}").format(
                    report=name, fields=keys))  # fmt: skip

    if script.injects:
        note(
            _("Injects: done yes or no, and the time the expected action was taken; delivered: "
              "when the controllers gave an inject the players' actions set off")
        )  # fmt: skip
    for inj in script.injects:
        when = (
            _("set off by the players") if inj.trigger else
            _("planned at +{minutes:g} min").format(minutes=inj.offset_min)
        )  # fmt: skip
        note(
            _("{inject}, {when}: {action}").format(
                inject=_inject_label(inj.no, inj.kind),
                when=when,
                action=texts.text(inj, "expected_action"),
            )
        )
        row("inject", str(inj.no), _evaluator(_WATCHED_BY.get(inj.kind, "field")))

    std = _en_rows(script)
    rated = [i for i in table if i.rule == "rating" and _applies(i, script, std)]
    if rated:
        note(_("Rating indicators: score A-D, or points out of the weight"))
    for ind in rated:
        derived = "standard:report_template" in ind.tests and report_template(script) is not None
        note(
            _("{id} {name} (weight {weight:g}){derived}").format(
                id=ind.id,
                name=_b(ind.name),
                weight=ind.weight,
                derived=_("; leave it out to rate it from the written first report's fields")
                if derived
                else "",
            )
        )
        if not derived:
            row("indicator", ind.id, _evaluator(ind.position))
    return out.getvalue()
