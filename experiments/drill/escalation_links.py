"""Which levels an escalation reaches, and by which report (the drill's time standards).

After an upgrade the levels the drawn grade's first reports went to hear of it
in a follow-up (续报仅在等级变化时填写), within the new grade's phone limit; a
level the new grade adds (the State Council after an upgrade to grade II under
the national rules) gets its first reports, counted from the escalation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scenarios.stream import GRADE_NAMES

#: The reports that tell a level already informed of an upgrade: a follow-up, or a phone
#: report first (电话报告后补书面).
UPGRADE_REPORTS = frozenset({"follow_up", "phone_first"})


def informed(rr: Mapping[str, Any]) -> set[str]:
    """The levels the drawn grade sends first reports to (``rr``: the resolved deadlines)."""
    return {
        r["to"]
        for r in rr["limits"]
        if r["grade"] == rr["grade"] and r["from"] in ("call", "phone")
    }


def escalation_links(
    injects: Sequence[Any], rr: Mapping[str, Any], *, written: bool = True, tighten: bool = True
) -> tuple[
    dict[tuple[int, str], Mapping[str, Any]],
    list[tuple[Any, Mapping[str, Any]]],
    dict[str, tuple[Any, Mapping[str, Any], float]],
]:
    """The report rows each escalation inject asks for.

    Parameters
    ----------
    injects
        The drill's injects (those of kind ``escalation`` are read).
    rr
        The resolved reporting deadlines of the script (``evaluation.reporting_rules``).

    Returns
    -------
    tuple
        ``(follow_ups, firsts, tightened)``: ``(inject no, level told already) -> the new
        grade's phone first-report row to that level`` (the follow-up's limit), and
        ``(inject, row)`` for every first-report row of the new grade to a level the
        drawn grade did not report to, and (with ``written``) for the new grade's
        written report after the phone report to a level the drawn grade told
        without asking it for one (Guizhou: the province, told by phone at grade
        III, owes a written report 30 minutes after the phone report of an
        upgrade to II); and ``level -> (inject, row, drawn limit)`` for a level the drawn
        grade asks a written first report of whose deadline the new grade's
        written limit, counted from the escalation, brings forward (Henan, grade
        IV escalated to III at +31.6: the city's written report is due by
        +91.6, not +360).
    written
        Whether to ask that written report (drawing rules /9 on; before, the
        sheet asked none).
    tighten
        Whether an upgrade brings a written report already owed forward (rules
        /9 on; before, it kept the drawn grade's limit).
    """
    told = informed(rr)
    # The levels the drawn grade already asks a written first report of.
    wrote = {
        r["to"]
        for r in rr["limits"]
        if r["grade"] == rr["grade"] and r["report"] == "written_first"
    }
    # The drawn grade's written deadline to each level, from the call.
    owed = {
        r["to"]: r["limit_min"]
        for r in rr["limits"]
        if r["grade"] == rr["grade"] and r["report"] == "written_first" and r["from"] == "call"
    }
    follow_ups: dict[tuple[int, str], Mapping[str, Any]] = {}
    firsts: list[tuple[Any, Mapping[str, Any]]] = []
    tightened: dict[str, tuple[Any, Mapping[str, Any], float]] = {}
    for inj in injects:
        if inj.kind != "escalation":
            continue
        new = GRADE_NAMES[int(inj.truth["grade"])]
        for row in rr["limits"]:
            if row["grade"] != new or row["from"] not in ("call", "phone"):
                continue
            to = row["to"]
            if (
                tighten
                and row["report"] == "written_first"
                and row["from"] == "call"
                and to in owed
                and to not in tightened
                and inj.offset_min + row["limit_min"] < owed[to]
            ):
                tightened[to] = (inj, row, owed[to])
            if row["to"] not in told:
                firsts.append((inj, row))
            elif row["report"] == "phone_first" and row["from"] == "call":
                key = (inj.no, row["to"])
                if key not in follow_ups or row["limit_min"] < follow_ups[key]["limit_min"]:
                    follow_ups[key] = row
            elif written and row["report"] == "written_first" and row["to"] not in wrote:
                if row["from"] == "phone":  # counted from the phone report of the upgrade
                    firsts.append((inj, row))
    return follow_ups, firsts, tightened


def upgrade_deadline(rr: Mapping[str, Any], new: str) -> float | None:
    """The first deadline an escalation to grade ``new`` sets, minutes from the inject.

    What the evaluation sheet times from the escalation
    (:func:`experiments.drill.gbt_standards.time_standards`): to a level the
    drawn grade told, a follow-up within the new grade's phone limit; to a level
    the new grade adds, its first reports counted from the call (phone or
    written); and the drawn grade's follow-up after a change to each level whose
    upgrade is not timed by such a phone limit (Guizhou times no phone report to
    the county: the county hears of the upgrade by its 60-minute follow-up while
    the province has 120).

    Parameters
    ----------
    rr
        The resolved reporting deadlines (:meth:`DrillReporting.record
        <experiments.drill.reporting_deadlines.DrillReporting.record>` of the
        drawn grade with ``new`` among the escalated ones).
    new
        The grade the escalation leads to (``"I"`` to ``"IV"``).

    Returns
    -------
    float or None
        The earliest of those limits (minutes); ``None`` when the sheet times none.
    """
    told = informed(rr)
    grade_rows = [r for r in rr["limits"] if r["grade"] == new and r["from"] == "call"]
    by_phone = {r["to"] for r in grade_rows if r["to"] in told and r["report"] == "phone_first"}
    limits = [r["limit_min"] for r in grade_rows if r["to"] not in told]  # a level it adds
    limits += [r["limit_min"] for r in grade_rows
               if r["to"] in by_phone and r["report"] == "phone_first"]  # fmt: skip
    limits += [
        r["limit_min"] for r in rr["limits"]
        if r["grade"] == rr["grade"] and r["from"] == "change" and r["to"] not in by_phone
    ]  # fmt: skip
    return min(limits, default=None)
