"""The reports sent during a drill, checked against the report template of its hazard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    """

    report: Report
    required: tuple[str, ...]
    missing: tuple[str, ...]
    deadlines: tuple[str, ...]

    @property
    def filled(self) -> int:
        """How many required fields it filled in."""
        return len(self.required) - len(self.missing)


def report_template(script: DrillScript) -> ReportTemplate | None:
    """The report form of the drill's hazard (the bureau's own forms sealed with it, or ours)."""
    own = script.evaluation.get("report_templates")
    forms = ReportTemplates.from_dict(own) if own is not None else load_templates()
    return forms.lookup(script.scene.hazard, script.scene.category)


def _check_report(
    report: Report, template: ReportTemplate | None, checks: Sequence[TimeCheck]
) -> ReportCheck:
    required: tuple[str, ...] = ()
    if template is not None and (report.fields or report.kind != "phone_first"):
        required = tuple(f.key for f in template.required_fields(REPORT_KINDS[report.kind]))
    missing = tuple(k for k in required if k not in report.fields)
    met = tuple(c.id for c in checks if c.row == report.row and c.ref.startswith("report:"))
    return ReportCheck(report, required, missing, met)
