"""Scoring a drill from what the evaluators observed: the numbers behind the scored form.

:func:`read_drill_observations` reads the observations file against the drill
(its injects, its indicator table, its report template, the milestones its time
standards measure); :func:`score_drill` turns them into a :class:`DrillScore`,
plain data without text, which :mod:`experiments.drill.score_form`,
:mod:`experiments.drill.score_report` and :mod:`experiments.drill.improvements`
write out in the language in use.

How the score is computed (the rules of the evaluation plan,
:mod:`experiments.drill.evaluation_gbt`, whose definitions are used here):

* **Time standards.** Every row of :func:`~experiments.drill.evaluation_gbt.time_standards`
  is measured from the observations: a response-standard row (call taken,
  first arrival, under control, command post, live video) by its milestone; a
  reporting deadline by the earliest report of its kind, counted from what the
  deadline counts from: the alarm; the inject it follows (its scheduled
  offset); the phone report (the first phone report to the same level at or
  after the alarm or the inject, else the alarm itself); ``the previous
  report`` (the longest gap between consecutive reports, or between the last
  report and the end of play); the end of the event (the ``under_control``
  milestone, else the end of play). A report that names its level counts only toward deadlines to
  that level (the row's own level, whatever other level shares its limit).
  Each row earns :func:`~experiments.drill.evaluation_gbt.time_share` of the
  minutes it took. A row with nothing observed whose deadline falls
  after the end of play is **not due** and left out; otherwise it is not
  done (0).
* **Time indicators** take the lowest share of their rows that count; with
  none, the indicator is left out of this drill's total.
* **Report figures (续报准).** A report row that records the figures it gave
  (``figures``) is checked against the latest figures the drill gave before it
  was sent: a casualty update's dead, injured and missing must be repeated; a
  /9 escalation's least dead ("at least 3 dead") must not be undercut.
* **Rating indicators** take the evaluators' rating (A-D, or points out of the
  weight, from an ``indicator`` row). The first report's completeness
  (``standard:report_template``, R3/TR3) may be left to the tool: it is then
  rated from the share of required template fields the first written first
  report filled in (:data:`COMPLETENESS_STEPS`: all A, at least 80 % B, at
  least 50 % C, else D; with no written first report sent, D, or left out if
  it was not yet due; one sent before it was due, when it was not due by the
  end of play, is rated only if complete (A), else left out like a missing one,
  so that sending early never scores below not sending: its blank fields stay
  on the improvement list). An indicator that does not apply to the drill
  (:func:`~experiments.drill.evaluation_gbt._applies`) is left out and may
  not be rated; one that applies must be rated.
* **Total and conclusion** by :func:`~experiments.drill.evaluation_gbt.total_score`
  (out of 100 over the indicators that count) and
  :func:`~experiments.drill.evaluation_gbt.conclusion` (veto items included).

**Shortfalls** (the improvement list): every time-standard row that counts
and earned less than its full share; every rating indicator rated below full
by the evaluators (a derived completeness rating is not listed again: its
report is); every inject delivered before the end of play whose expected
action was not taken; every report that left required template fields blank;
every report whose figures differ from those the drill gave before it.
Each goes to the work group :func:`responsible_group` names, due
:data:`IMPROVEMENT_DAYS` days after the drill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from experiments.drill.gbt_indicators import conclusion, indicators, total_score
from experiments.drill.gbt_standards import _applies, command_post
from experiments.drill.indicator_scores import COMPLETENESS_STEPS, IndicatorScore, _score_indicator
from experiments.drill.observation_template import needed_milestones
from experiments.drill.observations import FieldNames, Observations, read_observations
from experiments.drill.report_checks import ReportCheck, _check_report, report_template
from experiments.drill.responsibility import (
    RESPONSIBLE,
    _indicator_test,
    _report_indicator,
    responsible_group,
)
from experiments.drill.time_checks import (
    STANDARD_MILESTONES,
    TimeCheck,
    _en_rows,
    measure_time_standards,
)
from scenarios.drill.report_templates import ReportTemplate
from scenarios.drill.script import DrillScript

__all__ = [
    "COMPLETENESS_STEPS",
    "IMPROVEMENT_DAYS",
    "RESPONSIBLE",
    "STANDARD_MILESTONES",
    "DrillScore",
    "IndicatorScore",
    "ReportCheck",
    "Shortfall",
    "TimeCheck",
    "alarm_time",
    "measure_time_standards",
    "read_drill_observations",
    "report_template",
    "responsible_group",
    "score_drill",
]

#: Days after the drill by which an improvement is due. Seed 001's provincial rule asks for
#: the evaluation report of a major event within 30 days, and county practice gives a unit
#: one month to rectify what an inspection or drill found; the improvement list follows it.
IMPROVEMENT_DAYS = 30


@dataclass(frozen=True)
class Shortfall:
    """One entry of the improvement list, as data.

    Attributes
    ----------
    kind
        ``time`` (a time-standard row), ``indicator`` (a rating), ``inject``
        (an expected action not taken), ``report`` (required fields blank) or
        ``figures`` (figures other than those the drill gave before it).
    ref
        The row id (``T2``), indicator id (``C3``), inject number or the
        report's observation row.
    indicator
        The indicator it counts against.
    test
        What it tested (``standard:arrival``, ``inject:cascade``, ``report:follow_up``...).
    group
        Key of the responsible work group (``""`` if the post has none).
    """

    kind: str
    ref: str
    indicator: str
    test: str
    group: str


@dataclass(frozen=True)
class DrillScore:
    """A drill scored: every number of the scored form, the report and the improvement list.

    Attributes
    ----------
    script, observations, template
        What was scored, and the report template (None: none for this hazard).
    checks
        Every time-standard row measured, in the packet's order.
    indicators
        Every indicator of the form, in order.
    reports
        Every report observed, checked against its template.
    shortfalls
        The improvement list, in order.
    total
        Out of 100 over the indicators that count.
    conclusion
        A key of :data:`~experiments.drill.evaluation_gbt.CONCLUSIONS`.
    veto
        Whether a veto item failed the drill.
    end_min
        The end of play, minutes after the alarm.
    due
        When the improvements are due.
    """

    script: DrillScript
    observations: Observations
    template: ReportTemplate | None
    checks: tuple[TimeCheck, ...]
    indicators: tuple[IndicatorScore, ...]
    reports: tuple[ReportCheck, ...]
    shortfalls: tuple[Shortfall, ...]
    total: float
    conclusion: str
    veto: bool
    end_min: float
    due: date

    @property
    def counted_weight(self) -> float:
        """Sum of the weights of the indicators that count."""
        return sum(i.indicator.weight for i in self.indicators if i.share is not None)

    @property
    def points(self) -> float:
        """Sum of the points earned (before rescaling to 100)."""
        return sum(i.points or 0.0 for i in self.indicators)

    def check(self, id: str) -> TimeCheck:
        """The measured time row ``id``."""
        return next(c for c in self.checks if c.id == id)

    def indicator(self, id: str) -> IndicatorScore:
        """The scored indicator ``id``."""
        return next(i for i in self.indicators if i.id == id)


# ------------------------------------------------------------------ reading
def alarm_time(script: DrillScript) -> datetime:
    """When the alarm was raised (minute 0 of every observation)."""
    return datetime.fromisoformat(script.scene.start)


def read_drill_observations(script: DrillScript, path: str | Path) -> Observations:
    """Read an observations file against ``script`` (see :mod:`experiments.drill.observations`).

    Raises
    ------
    ConfigError
        One line naming the file and the row of the first mistake.
    """
    template = report_template(script)
    fields = (
        FieldNames((f.key, f.label, f.label_zh) for f in template.fields)
        if template is not None
        else None
    )
    form = indicators(script.drill_type)
    return read_observations(
        path,
        alarm=alarm_time(script),
        injects=[i.no for i in script.injects],
        # timed injects (no trigger): given at their planned offset unless `delivered` says
        planned={i.no: i.offset_min for i in script.injects if not i.trigger},
        indicators={i.id: (i.weight, i.rule) for i in form},
        fields=fields,
        needed=tuple(needed_milestones(script)),
        vetoes={i.id for i in form if i.veto},
    )


def _known_figures(
    script: DrillScript, obs: Observations, minute: float
) -> tuple[int, dict[str, Any], bool] | None:
    """The latest figures given at or before ``minute``: (inject number, figures, at least).

    A casualty update gives dead, injured and missing, to be repeated; an
    escalation of the drawing rules /9 gives the least dead ("at least 3 dead
    confirmed"), which a later report may exceed but not undercut.
    """
    came = []
    for i in script.injects:
        if obs.came(i) > minute + 1e-9:
            continue
        if i.kind == "casualty_update":
            came.append((obs.came(i), i.no, dict(i.truth), False))
        spec = (i.texts or {}).get("message") or {}
        if i.kind == "escalation" and spec.get("msg") == "escalation.message_dead":
            came.append((obs.came(i), i.no, {"dead": int(spec["args"]["dead"])}, True))
    if not came:
        return None
    _at, no, figures, at_least = max(came, key=lambda t: (t[0], t[1]))
    return no, figures, at_least


# ------------------------------------------------------------------ the score
def score_drill(script: DrillScript, obs: Observations) -> DrillScore:
    """Score ``script`` from ``obs`` (see the module notes for the rules).

    Raises
    ------
    ConfigError
        A rating missing for an indicator that applies, or given for one that
        does not (naming the observations file).
    """
    table = indicators(script.drill_type)
    rows = _en_rows(script)
    template = report_template(script)
    checks = measure_time_standards(script, obs)
    reports = tuple(
        _check_report(r, template, checks, _known_figures(script, obs, r.minute))
        for r in obs.reports
    )
    scored = tuple(
        _score_indicator(
            ind,
            applies=_applies(ind, script, rows),
            obs=obs,
            checks=checks,
            reports=reports,
            template=template,
        )
        for ind in table
    )
    shares: Mapping[str, float | None] = {s.id: s.share for s in scored}
    total = total_score(table, shares)
    verdict = conclusion(table, shares)
    veto = any(s.indicator.veto and s.share == 0.0 for s in scored)
    post = command_post(script)
    by_id = {i.id: i for i in table}
    end = obs.end_of_play()

    def group(test: str, indicator: str) -> str:
        ind = by_id.get(indicator)
        return responsible_group(test, post, position=ind.position if ind else "")

    shortfalls: list[Shortfall] = []
    for c in checks:
        if c.share is not None and c.share < 1.0:
            shortfalls.append(
                Shortfall("time", c.id, c.indicator, c.ref, group(c.ref, c.indicator))
            )
    for s in scored:
        if s.how == "rating" and s.share is not None and s.share < 1.0:
            test = _indicator_test(s.indicator, post)
            shortfalls.append(Shortfall("indicator", s.id, s.id, test, group(test, s.id)))
    inject_indicator = {t: i.id for i in table for t in i.tests if t.startswith("inject:")}
    for inj in script.injects:
        done = obs.injects[inj.no][0]
        if not done and obs.came(inj) <= end + 1e-9:  # a triggered one: when it came
            test = f"inject:{inj.kind}"
            ind = inject_indicator.get(test, "")
            shortfalls.append(Shortfall("inject", str(inj.no), ind, test, group(test, ind)))
    for r in reports:
        if r.missing:
            test = "standard:report_template"
            ind = _report_indicator(table, r.report.kind)
            shortfalls.append(Shortfall("report", str(r.report.row), ind, test, group(test, ind)))
        if r.wrong:  # 续报准: figures other than those the drill gave before the report
            test = "standard:report_accuracy"
            ind = _report_indicator(table, "follow_up")
            shortfalls.append(Shortfall("figures", str(r.report.row), ind, test, group(test, ind)))
    return DrillScore(
        script=script,
        observations=obs,
        template=template,
        checks=checks,
        indicators=scored,
        reports=reports,
        shortfalls=tuple(shortfalls),
        total=total,
        conclusion=verdict,
        veto=veto,
        end_min=end,
        due=alarm_time(script).date() + timedelta(days=IMPROVEMENT_DAYS),
    )
