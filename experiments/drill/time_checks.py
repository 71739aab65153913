"""The time standards of a drill, measured from what the evaluators observed.

Every row of :func:`~experiments.drill.evaluation_gbt.time_standards` becomes a
:class:`TimeCheck`: a response-standard row by its milestone
(:data:`STANDARD_MILESTONES`), a reporting deadline by the earliest report of its
kind, sent to its level, counted from what the deadline counts from (see
:mod:`experiments.drill.score` for the rules), with the share of its weight it earned.
"""

from __future__ import annotations

from dataclasses import dataclass

from experiments.drill.escalation_links import UPGRADE_REPORTS, escalation_links
from experiments.drill.gbt_indicators import time_share
from experiments.drill.gbt_standards import FROM_NAMES, TimeStandard, _reporting, time_standards
from experiments.drill.observations import Observations, Report
from networks import i18n
from scenarios.drill.drawing_rules import TIGHTEN_RULES, UPGRADE_WRITTEN_RULES, rules_number
from scenarios.drill.script import DrillScript

#: The milestone a response-standard row is measured by.
STANDARD_MILESTONES = {
    "standard:call_taking": "call_taken",
    "standard:arrival": "first_arrival",
    "standard:control": "under_control",
    "standard:command_post": "command_post",
    "standard:video": "video",
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


def _en_rows(script: DrillScript) -> list[TimeStandard]:
    """The time-standard rows with their texts in English (read to find what they count from)."""
    with i18n.language("en"):
        return time_standards(script)


def _basis(row: TimeStandard) -> str:
    """What an (English) time-standard row counts from."""
    if row.ref.startswith("standard:"):  # rules /7: control counts from the full complement
        return "full" if row.start == FROM_NAMES["full"][0] else "alarm"
    by_text = {en: key for key, (en, _zh) in FROM_NAMES.items()}
    key = by_text.get(row.start)
    if key == "phone":
        return "phone"
    if row.inject is not None:
        return "inject"
    return {"call": "alarm", None: "alarm"}.get(key, key)  # type: ignore[arg-type]


def _levels(row: TimeStandard) -> set[str]:
    """The levels a report must go to for ``row`` (empty: any).

    The row's own level, not every level with the same limit: under the national rules
    the report to the city and the direct one to the State Council are both due in 120
    minutes, and a report to the city must not meet the State Council's.
    """
    return {row.to} if row.to else set()


def _measure(
    script: DrillScript, row: TimeStandard, obs: Observations, end: float
) -> tuple[float | None, float | None, int | None, str]:
    """(start minute, minutes taken, observation row, basis) of one time-standard row."""
    basis = _basis(row)
    if row.ref in STANDARD_MILESTONES:
        name = STANDARD_MILESTONES[row.ref]
        at = obs.milestones.get(name)
        if basis == "full":  # from the full complement (else the first team) on scene
            ms = obs.milestones
            # A full complement that never came (done = no, as the benchmark may say it
            # cannot) leaves the row to count from the first team: not out of the score.
            start = ms.get("full_complement")
            if start is None:
                start = ms.get("first_arrival")
            if start is None or at is None:
                return start, None, None, basis
            return start, max(at - start, 0.0), obs.milestone_rows.get(name), basis
        return 0.0, at, obs.milestone_rows.get(name), basis
    kind = row.ref.partition(":")[2]
    levels = _levels(row)

    # The follow-up reporting an upgrade to a level told already may go by phone first
    # (电话报告后补书面): a phone report to that level after the escalation meets it too.
    upgraded = row.inject is not None and any(
        i.no == row.inject and i.kind == "escalation" for i in script.injects
    )
    upgrade = kind == "follow_up" and upgraded

    def sent(what: str | None, after: float) -> list[Report]:
        kinds = UPGRADE_REPORTS if upgrade and what == "follow_up" else {what}
        return sorted(
            (
                r
                for r in obs.reports
                if (what is None or r.kind in kinds)
                and r.minute >= after - 1e-9
                and (not r.level or not levels or r.level in levels)
            ),
            key=lambda r: (r.minute, r.row),
        )

    # An inject counts from when it was delivered, where the evaluators say (a triggered
    # one comes when the players set it off), else from its planned offset.
    offsets = {i.no: obs.came(i) for i in script.injects}
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
        # After an upgrade (rules /9 on), the phone report of it to a level told already is
        # recorded as the follow-up the sheet asks for: the written report counts from that.
        by_follow_up = rules_number(script.generator_version) >= UPGRADE_WRITTEN_RULES
        told_by = UPGRADE_REPORTS if upgraded and by_follow_up else {"phone_first"}
        phone = [r for r in sent(None, after) if r.kind in told_by]
        start = phone[0].minute if phone else after
    else:
        start = 0.0
    owed = _brought_forward(script, row) if basis == "inject" and upgraded else None
    if kind == "written_first" and owed is not None:
        # A written report owed before the upgrade and made before it meets the row too; an
        # upgrade delivered late never moves the deadline past the one it brought forward.
        start = min(start, owed - row.target_min)
        got = sent(kind, 0.0)
        if not got:
            return start, None, None, basis
        return start, max(got[0].minute - start, 0.0), got[0].row, basis
    got = sent(kind, start)
    if not got:
        return start, None, None, basis
    return start, got[0].minute - start, got[0].row, basis


def _brought_forward(script: DrillScript, row: TimeStandard) -> float | None:
    """The deadline an upgrade brought forward to ``row``, minutes from the alarm (rules /9).

    The drawn grade's written first report deadline to the row's level; ``None``
    if ``row`` is not such a row.
    """
    if rules_number(script.generator_version) < TIGHTEN_RULES:
        return None
    hit = escalation_links(script.injects, _reporting(script), tighten=True)[2].get(row.to)
    return hit[2] if hit is not None and hit[0].no == row.inject else None


def due_within(start: float | None, target: float, end: float) -> bool:
    """Whether a deadline ``target`` minutes after ``start`` falls by minute ``end`` of play.

    ``False`` with nothing to count from (``start`` ``None``): such a row is not due.
    """
    return start is not None and start + target <= end + 1e-9


def measure_time_standards(script: DrillScript, obs: Observations) -> tuple[TimeCheck, ...]:
    """Every time-standard row of the drill, measured from the observations."""
    end = obs.end_of_play()
    out = []
    for row in _en_rows(script):
        start, minutes, at_row, basis = _measure(script, row, obs, end)
        if minutes is not None:
            share: float | None = time_share(minutes, row.target_min)
        elif not due_within(start, row.target_min, end):
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
