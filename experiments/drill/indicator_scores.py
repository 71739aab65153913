"""The indicators of a drill's evaluation form, scored.

A time indicator takes the lowest share of its time-standard rows that count; a
rating indicator the evaluators' rating, or, for the first report's completeness
left to the tool, the rating :data:`COMPLETENESS_STEPS` gives the first written
report (see :mod:`experiments.drill.score` for the rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from experiments.drill.gbt_indicators import Indicator, rating_share
from experiments.drill.observations import Observations
from experiments.drill.report_checks import ReportCheck
from experiments.drill.time_checks import TimeCheck, due_within
from networks.errors import ConfigError
from networks.i18n import _
from scenarios.drill.report_templates import ReportTemplate
from scenarios.log_table import _row_name

#: Completeness of the first written report -> rating, when the evaluators leave R3 to the
#: tool: (at least this share of required fields filled, rating); below the last, D.
COMPLETENESS_STEPS: tuple[tuple[float, str], ...] = ((1.0, "A"), (0.8, "B"), (0.5, "C"))


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


def _completeness_rating(share: float) -> str:
    for lowest, letter in COMPLETENESS_STEPS:
        if share >= lowest - 1e-9:
            return letter
    return "D"


def _due_by_end(checks: Sequence[TimeCheck], end: float) -> bool:
    """Whether a written first report was due by the end of play (minute ``end``).

    Due when a deadline of it (a ``report:written_first`` time-standard row) is,
    by the rule that leaves a missing one out
    (:func:`~experiments.drill.time_checks.due_within`). A drill with no such row
    (an event that stays at the receiving level) never makes it due.
    """
    return any(
        due_within(c.start_min, c.target_min, end)
        for c in checks
        if c.ref == "report:written_first"
    )


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
                key=_("{where}, column {column}").format(where=_row_name(rating.row), column="ref"),
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
            # Not due by the end of play, a missing report is left out: an incomplete one
            # sent early is left out too (its blanks stay on the improvement list), so that
            # sending early never scores below not sending. A complete one earns its A.
            if letter != "A" and not _due_by_end(checks, obs.end_of_play()):
                return IndicatorScore(ind, True, None, "completeness", letter, r.report.row)
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
