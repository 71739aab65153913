"""The reports sent during a drill, checked against the report template of its hazard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from experiments.drill.observations import REPORT_KINDS, Report
from experiments.drill.time_checks import TimeCheck
from scenarios.drill.report_templates import ReportTemplate, ReportTemplates, load_templates
from scenarios.drill.script import DrillScript


@dataclass(frozen=True)
class ReportCheck:
    """A report sent, against its template.

    Attributes
    ----------
    report
        The report observed.
    required
        Keys of the fields its template kind requires (none for a phone report
        whose fields were not recorded: a call is not checked field by field).
    missing
        Those it left blank.
    deadlines
        Ids of the time-standard rows it met or counted toward.
    against
        The inject its figures were checked against (a casualty update, or a
        /9 escalation): the latest delivered before it was sent (None: none,
        or no figures recorded).
    wrong
        ``(field, reported, given)`` for each figure that differs from that
        update's (续报准), or falls below an escalation's least dead.
    at_least
        Whether ``against`` is an escalation that gave the least dead.
    """

    report: Report
    required: tuple[str, ...]
    missing: tuple[str, ...]
    deadlines: tuple[str, ...]
    against: int | None = None
    wrong: tuple[tuple[str, int, int], ...] = ()
    at_least: bool = False

    @property
    def filled(self) -> int:
        """How many required fields it filled in."""
        return len(self.required) - len(self.missing)


def report_template(script: DrillScript) -> ReportTemplate | None:
    """The report form of the drill's hazard (the bureau's own forms sealed with it, or ours)."""
    own = script.evaluation.get("report_templates")
    forms = ReportTemplates.from_dict(own) if own is not None else load_templates()
    return forms.lookup(script.scene.hazard, script.scene.category)


#: The figures of a casualty update a later report must repeat (续报准).
FIGURE_KEYS = ("dead", "injured", "missing")


def _check_report(
    report: Report,
    template: ReportTemplate | None,
    checks: Sequence[TimeCheck],
    known: tuple[int, Mapping[str, Any], bool] | None = None,
) -> ReportCheck:
    """A report against its template, and its figures against ``known``.

    ``known`` is the latest figures given before the report was sent,
    ``(inject number, figures, at least)``: a casualty update's dead, injured
    and missing must be the report's, where the evaluators recorded them; an
    escalation's least dead (``at least``) must not be undercut.
    """
    required: tuple[str, ...] = ()
    if template is not None and (report.fields or report.kind != "phone_first"):
        required = tuple(f.key for f in template.required_fields(REPORT_KINDS[report.kind]))
    missing = tuple(k for k in required if k not in report.fields)
    met = tuple(c.id for c in checks if c.row == report.row and c.ref.startswith("report:"))
    if known is None or not report.figures:
        return ReportCheck(report, required, missing, met)
    no, truth, at_least = known

    def off(key: str, value: int) -> bool:
        return value < truth[key] if at_least else value != truth[key]

    wrong = tuple(
        (k, v, int(truth[k]))
        for k, v in report.figures
        if k in FIGURE_KEYS and k in truth and off(k, v)
    )
    return ReportCheck(report, required, missing, met, no, wrong, at_least)
