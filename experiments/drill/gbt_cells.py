"""GB/T 46792 evaluation: the table cells the evaluation plan and the observation sheets share.

How an indicator is described (ID, name, criterion, weight, rule), the time-standard rows
the evaluators time, and the roles they record.
"""

from __future__ import annotations

from typing import Any

from experiments.drill.gbt_indicators import Indicator, _b
from experiments.drill.gbt_standards import LABELS, TimeStandard, _f
from networks.i18n import _
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import CommandPost, known_at_alarm


def _mins(x: float) -> str:
    return f"{x:g}"


def _rule_text(ind: Indicator) -> str:
    return _b(LABELS["time"] if ind.rule == "time" else LABELS["rating"])


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _indicator_header() -> list[str]:
    """The leading columns of every indicator table: what the indicator is and how it scores."""
    return [
        _("ID"),
        _("Indicator"),
        _("What the evaluator looks for"),
        _("Weight"),
        _("Rule"),
    ]


def _indicator_cells(i: Indicator) -> list[Any]:
    """The cells of :func:`_indicator_header` for indicator ``i``."""
    return [i.id, _b(i.name), _b(i.criterion), _mins(i.weight), _rule_text(i)]


def _ts_header() -> list[str]:
    return [
        _("No."),
        _("Item"),
        _("Target"),
        _("Counted from"),
        _("Tests"),
        _("Source"),
        _("Indicator"),
        _("Measured"),
        _("Observed (clock)"),
        _("Minutes"),
        _("Met?"),
    ]


def _ts_row(r: TimeStandard) -> list[Any]:
    measured = _b(LABELS["plan" if r.measure == "plan" else "observed"])
    return [
        r.id,
        r.item,
        _mins(r.target_min),
        r.start,
        r.tests,
        r.source,
        r.indicator,
        measured,
        "",
        "",
        "",
    ]


def _roles_rows(
    script: DrillScript, post: CommandPost, groups: list[Any] | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The roles to record: duty desk, commander and the lead of every work group.

    Where the participants were given their roles with the alarm (double or
    single blind), the table shows the assignment; at six-no nobody was, and
    the evaluators record who took each (the plan's names are shown for the
    debrief, not as an assignment). With ``groups``, only those groups' leads.
    """
    entries: list[tuple[str, str]] = []
    if groups is None:
        entries.append((_("Duty officer taking the first call"), _b(LABELS["duty_desk"])))
        entries.append((_b(LABELS["commander"]), _b((post.commander, post.commander_zh))))
    for g in post.groups if groups is None else groups:
        role = _f(LABELS["lead"], group=_b((g.name, g.name_zh)))
        entries.append((role, _b((g.lead, g.lead_zh))))
    if known_at_alarm(script.blind_level, "participants", "roles"):
        header = [_("Role"), _("Assigned to"), _("Took it up at (clock)"), _("Notes")]
        return header, [[role, who, "", ""] for role, who in entries]
    header = [_("Role"), _("The plan names"), _("Taken by"), _("At (clock)"), _("Notes")]
    return header, [[role, who, "", "", ""] for role, who in entries]
