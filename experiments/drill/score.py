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
  offset); the phone report (the first phone report at or after the alarm or
  the inject, else the alarm itself); ``the previous report`` (the longest gap
  between consecutive reports, or between the last report and the end of
  play); the end of the event (the ``under_control`` milestone, else the end
  of play). A report that names its level counts only toward deadlines to
  that level. Each row earns :func:`~experiments.drill.evaluation_gbt.time_share`
  of the minutes it took. A row with nothing observed whose deadline falls
  after the end of play is **not due** and left out; otherwise it is not
  done (0).
* **Time indicators** take the lowest share of their rows that count; with
  none, the indicator is left out of this drill's total.
* **Rating indicators** take the evaluators' rating (A-D, or points out of the
  weight, from an ``indicator`` row). The first report's completeness
  (``standard:report_template``, R3/TR3) may be left to the tool: it is then
  rated from the share of required template fields the first written first
  report filled in (:data:`COMPLETENESS_STEPS`: all A, at least 80 % B, at
  least 50 % C, else D; with no written first report sent, D, or left out if
  it was not yet due). An indicator that does not apply to the drill
  (:func:`~experiments.drill.evaluation_gbt._applies`) is left out and may
  not be rated; one that applies must be rated.
* **Total and conclusion** by :func:`~experiments.drill.evaluation_gbt.total_score`
  (out of 100 over the indicators that count) and
  :func:`~experiments.drill.evaluation_gbt.conclusion` (veto items included).

**Shortfalls** (the improvement list): every time-standard row that counts
and earned less than its full share; every rating indicator rated below full
by the evaluators (a derived completeness rating is not listed again: its
report is); every inject delivered before the end of play whose expected
action was not taken; every report that left required template fields blank.
Each goes to the work group :func:`responsible_group` names, due
:data:`IMPROVEMENT_DAYS` days after the drill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from experiments.drill.gbt_indicators import (
    Indicator,
    conclusion,
    indicators,
    rating_share,
    time_share,
    total_score,
)
from experiments.drill.gbt_standards import (
    FROM_NAMES,
    TimeStandard,
    _applies,
    _reporting,
    command_post,
    time_standards,
)
from experiments.drill.observations import (
    REPORT_KINDS,
    FieldNames,
    Observations,
    Report,
    read_observations,
)
from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from scenarios.drill.report_templates import ReportTemplate, ReportTemplates, load_templates
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import CommandPost

#: Days after the drill by which an improvement is due. Seed 001's provincial rule asks for
#: the evaluation report of a major event within 30 days, and county practice gives a unit
#: one month to rectify what an inspection or drill found; the improvement list follows it.
IMPROVEMENT_DAYS = 30
#: Completeness of the first written report -> rating, when the evaluators leave R3 to the
#: tool: (at least this share of required fields filled, rating); below the last, D.
COMPLETENESS_STEPS: tuple[tuple[float, str], ...] = ((1.0, "A"), (0.8, "B"), (0.5, "C"))
#: The milestone a response-standard row is measured by.
STANDARD_MILESTONES = {
    "standard:call_taking": "call_taken",
    "standard:arrival": "first_arrival",
    "standard:control": "under_control",
    "standard:command_post": "command_post",
    "standard:video": "video",
}
#: Work groups answerable for what an indicator tests, most fitting first (keys of the
#: command post's groups; ``force:`` tests go to the force's own group). Design choices
#: after the duties of :data:`scenarios.drill.workgroups.DEFAULT_GROUPS`.
RESPONSIBLE: dict[str, tuple[str, ...]] = {
    "standard:call_taking": ("coordination",),
    "standard:arrival": ("rescue",),
    "standard:control": ("rescue",),
    "standard:safety_first": ("rescue",),
    "standard:muster": ("rescue",),
    "standard:command_post": ("coordination",),
    "standard:video": ("coordination", "logistics"),
    "standard:report_template": ("coordination",),
    "report": ("coordination",),
    "inject:cascade": ("rescue", "experts"),
    "inject:escalation": ("coordination",),
    "inject:road_closed": ("traffic", "security", "logistics"),
    "inject:depot_short": ("logistics",),
    "inject:casualty_update": ("medical",),
    "inject:media_enquiry": ("media",),
    "plan:response_levels": ("coordination",),
    "plan:workgroups": ("coordination",),
    "plan:forces": ("coordination", "rescue"),
    "plan:procedures": ("coordination",),
    "plan:security": ("security",),
    "plan:medical": ("medical",),
    "plan:logistics": ("logistics",),
    "plan:communications": ("logistics",),
    "plan:media": ("media",),
}


@dataclass(frozen=True)
class TimeCheck:
    """One time-standard row measured.

    Attributes
    ----------
    id, ref, indicator, target_min, inject
        As the :class:`~experiments.drill.evaluation_gbt.TimeStandard` row.
    basis
        What the minutes count from: ``alarm``, ``inject``, ``phone``,
        ``previous``, ``end`` or ``change`` (a change no inject brought).
    start_min
        The minute it counts from (None: nothing to count from).
    minutes
        Minutes taken (None: nothing observed).
    share
        Share earned (None: not due by the end of play, left out).
    row
        The observation row that met it, or None.
    """

    id: str
    ref: str
    indicator: str
    target_min: float
    inject: int | None
    basis: str
    start_min: float | None
    minutes: float | None
    share: float | None
    row: int | None

    @property
    def status(self) -> str:
        """``met``, ``late`` (some share), ``missed`` (too late or not done) or ``not_due``."""
        if self.share is None:
            return "not_due"
        if self.share >= 1.0:
            return "met"
        return "late" if self.share > 0 else "missed"


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator scored.

    Attributes
    ----------
    indicator
        The row of the indicator table.
    applies
        Whether the drill tests it.
    share
        Share of its weight earned (None: left out of the total).
    how
        ``rating`` (the evaluators'), ``completeness`` (from the first written
        report), ``time`` (from its time standards) or ``none`` (left out).
    given
        The rating as written (``B``, ``3``) or derived (``B``); ``""`` for time.
    row
        The observation row of the rating, or None.
    """

    indicator: Indicator
    applies: bool
    share: float | None
    how: str
    given: str = ""
    row: int | None = None

    @property
    def id(self) -> str:
        """The indicator's id."""
        return self.indicator.id

    @property
    def points(self) -> float | None:
        """Points earned out of the weight (None: left out)."""
        return None if self.share is None else self.indicator.weight * self.share


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


@dataclass(frozen=True)
class Shortfall:
    """One entry of the improvement list, as data.

    Attributes
    ----------
    kind
        ``time`` (a time-standard row), ``indicator`` (a rating), ``inject``
        (an expected action not taken) or ``report`` (required fields blank).
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


def report_template(script: DrillScript) -> ReportTemplate | None:
    """The report form of the drill's hazard (the bureau's own forms sealed with it, or ours)."""
    own = script.evaluation.get("report_templates")
    forms = ReportTemplates.from_dict(own) if own is not None else load_templates()
    return forms.lookup(script.scene.hazard, script.scene.category)


def _en_rows(script: DrillScript) -> list[TimeStandard]:
    """The time-standard rows with their texts in English (read to find what they count from)."""
    with i18n.language("en"):
        return time_standards(script)


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
    rows = _en_rows(script)
    needed = ["call_taken"] + [
        STANDARD_MILESTONES[r.ref] for r in rows if r.ref in STANDARD_MILESTONES
    ]
    return read_observations(
        path,
        alarm=alarm_time(script),
        injects=[i.no for i in script.injects],
        indicators={i.id: (i.weight, i.rule) for i in indicators(script.drill_type)},
        fields=fields,
        needed=tuple(dict.fromkeys(needed)),
    )


# ------------------------------------------------------------------ time standards
def _basis(row: TimeStandard) -> str:
    """What an (English) time-standard row counts from."""
    if row.ref.startswith("standard:"):
        return "alarm"
    by_text = {en: key for key, (en, _zh) in FROM_NAMES.items()}
    key = by_text.get(row.start)
    if key == "phone":
        return "phone"
    if row.inject is not None:
        return "inject"
    return {"call": "alarm", None: "alarm"}.get(key, key)  # type: ignore[arg-type]


def _levels(script: DrillScript, row: TimeStandard) -> set[str]:
    """The levels a report must go to for ``row`` (empty: any)."""
    report = row.ref.partition(":")[2]
    return {
        str(x["to"])
        for x in _reporting(script)["limits"]
        if x["report"] == report and float(x["limit_min"]) == row.target_min and x.get("to")
    }


def _measure(
    script: DrillScript, row: TimeStandard, obs: Observations, end: float
) -> tuple[float | None, float | None, int | None, str]:
    """(start minute, minutes taken, observation row, basis) of one time-standard row."""
    basis = _basis(row)
    if row.ref in STANDARD_MILESTONES:
        name = STANDARD_MILESTONES[row.ref]
        return 0.0, obs.milestones.get(name), obs.milestone_rows.get(name), basis
    kind = row.ref.partition(":")[2]
    levels = _levels(script, row)

    def sent(what: str | None, after: float) -> list[Report]:
        return sorted(
            (
                r
                for r in obs.reports
                if (what is None or r.kind == what)
                and r.minute >= after - 1e-9
                and (not r.level or not levels or r.level in levels)
            ),
            key=lambda r: (r.minute, r.row),
        )

    offsets = {i.no: i.offset_min for i in script.injects}
    if basis == "change":
        return None, None, None, basis
    if basis == "previous":
        reports = sent(None, 0.0)
        if not reports:
            return 0.0, None, None, basis
        times = [r.minute for r in reports] + [end]
        gaps = [(b - a, k) for k, (a, b) in enumerate(zip(times, times[1:], strict=False))]
        gap, k = max(gaps, key=lambda g: (g[0], -g[1]))
        closing = reports[k + 1].row if k + 1 < len(reports) else None
        return reports[k].minute, gap, closing, basis
    if basis == "end":
        ctl = obs.milestones.get("under_control")
        start = ctl if ctl is not None else end
    elif basis == "inject":
        start = offsets[row.inject] if row.inject is not None else 0.0
    elif basis == "phone":
        after = offsets[row.inject] if row.inject is not None else 0.0
        phone = sent("phone_first", after)
        start = phone[0].minute if phone else after
    else:
        start = 0.0
    got = sent(kind, start)
    if not got:
        return start, None, None, basis
    return start, got[0].minute - start, got[0].row, basis


def measure_time_standards(script: DrillScript, obs: Observations) -> tuple[TimeCheck, ...]:
    """Every time-standard row of the drill, measured from the observations."""
    end = obs.end_of_play()
    out = []
    for row in _en_rows(script):
        start, minutes, at_row, basis = _measure(script, row, obs, end)
        if minutes is not None:
            share: float | None = time_share(minutes, row.target_min)
        elif start is None or start + row.target_min > end + 1e-9:
            share = None  # nothing to measure, or the deadline falls after the end of play
        else:
            share = 0.0
        out.append(
            TimeCheck(
                id=row.id,
                ref=row.ref,
                indicator=row.indicator,
                target_min=row.target_min,
                inject=row.inject,
                basis=basis,
                start_min=start,
                minutes=minutes,
                share=share,
                row=at_row,
            )
        )
    return tuple(out)


# ------------------------------------------------------------------ indicators
def _completeness_rating(share: float) -> str:
    for lowest, letter in COMPLETENESS_STEPS:
        if share >= lowest - 1e-9:
            return letter
    return "D"


def _check_report(
    report: Report, template: ReportTemplate | None, checks: Sequence[TimeCheck]
) -> ReportCheck:
    required: tuple[str, ...] = ()
    if template is not None and (report.fields or report.kind != "phone_first"):
        required = tuple(f.key for f in template.required_fields(REPORT_KINDS[report.kind]))
    missing = tuple(k for k in required if k not in report.fields)
    met = tuple(c.id for c in checks if c.row == report.row and c.ref.startswith("report:"))
    return ReportCheck(report, required, missing, met)


def _score_indicator(
    ind: Indicator,
    *,
    applies: bool,
    obs: Observations,
    checks: Sequence[TimeCheck],
    reports: Sequence[ReportCheck],
    template: ReportTemplate | None,
) -> IndicatorScore:
    rating = obs.ratings.get(ind.id)
    if not applies:
        if rating is not None:
            raise ConfigError(
                _("{id} does not apply to this drill (nothing it tests happened in it)").format(
                    id=ind.id
                ),
                source=obs.source,
                key=f"row {rating.row}, ref",
            )
        return IndicatorScore(ind, False, None, "none")
    if ind.rule == "time":
        shares = [c.share for c in checks if c.indicator == ind.id and c.share is not None]
        return IndicatorScore(ind, True, min(shares) if shares else None, "time")
    if rating is not None:
        return IndicatorScore(ind, True, rating.share, "rating", rating.given, rating.row)
    if "standard:report_template" in ind.tests and template is not None:
        first = [r for r in reports if r.report.kind == "written_first"]
        if first:
            r = first[0]
            share = r.filled / len(r.required) if r.required else 1.0
            letter = _completeness_rating(share)
            return IndicatorScore(
                ind, True, rating_share(letter), "completeness", letter, r.report.row
            )
        due = [c for c in checks if c.ref == "report:written_first" and c.share is not None]
        if not due:
            return IndicatorScore(ind, True, None, "completeness")
        return IndicatorScore(ind, True, rating_share("D"), "completeness", "D")
    raise ConfigError(
        _("no rating of indicator {id} (an indicator row: A-D or points out of {weight:g})").format(
            id=ind.id, weight=ind.weight
        ),
        source=obs.source,
    )


# ------------------------------------------------------------------ responsibility
def responsible_group(test: str, post: CommandPost, *, position: str = "") -> str:
    """The key of the work group answerable for what ``test`` tests (``""``: the post has none).

    The first of :data:`RESPONSIBLE` the command post has; a ``force:`` test goes to
    the group that force joins; else the first group observed at ``position``,
    else the post's first group.
    """
    what, _sep, key = test.partition(":")
    keys = [g.key for g in post.groups]
    if what == "force":
        for f in post.forces:
            if f.kind == key and f.group in keys:
                return f.group
    for k in RESPONSIBLE.get(test, RESPONSIBLE.get(what, ())):
        if k in keys:
            return k
    at = [g.key for g in post.groups if g.position == position]
    return (at or keys or [""])[0]


def _indicator_test(ind: Indicator, post: CommandPost) -> str:
    """The test of an indicator a shortfall is filed under (its first that names a group)."""
    for t in ind.tests:
        what = t.partition(":")[0]
        if t in RESPONSIBLE or what in ("force", "report"):
            return t
    return ind.tests[0]


def _report_indicator(table: Sequence[Indicator], kind: str) -> str:
    """The indicator a report's blank fields count against.

    The first report's completeness for a first report, the follow-up indicator for a
    follow-up or final report.
    """
    test = (
        "standard:report_template"
        if kind in ("phone_first", "written_first")
        else (f"report:{kind}")
    )
    return next((i.id for i in table if test in i.tests), "")


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
    reports = tuple(_check_report(r, template, checks) for r in obs.reports)
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
        if not done and inj.offset_min <= end + 1e-9:
            test = f"inject:{inj.kind}"
            ind = inject_indicator.get(test, "")
            shortfalls.append(Shortfall("inject", str(inj.no), ind, test, group(test, ind)))
    for r in reports:
        if r.missing:
            test = "standard:report_template"
            ind = _report_indicator(table, r.report.kind)
            shortfalls.append(Shortfall("report", str(r.report.row), ind, test, group(test, ind)))
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
