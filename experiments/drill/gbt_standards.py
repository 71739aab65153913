"""GB/T 46792 evaluation: a drill's time standards, each tied to the inject or standard it tests.

The 1/10/15 standard, the command post, live video and the reporting deadlines of the
drill's rules (:mod:`sim.reporting_rules`), as rows the evaluators time; and whether an
indicator applies to a drill.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.drill.control_target import (
    ARRIVAL_DETOUR,
    PLUS_DETOUR,
    _control_text,
    _targets,
    closure_allowance,
    control_work,
)
from experiments.drill.escalation_links import escalation_links
from experiments.drill.gbt_indicators import Indicator, _b, indicators
from experiments.drill.gbt_names import (  # noqa: F401 - the names are read from here too
    _CHANGES,
    _WATCHED_BY,
    FROM_NAMES,
    KIND_NAMES,
    LABELS,
    LEVEL_NAMES,
    PLAN_PARTS,
    REPORT_NAMES,
    RULES_NAMES,
    STANDARD_NAMES,
    _f,
)
from networks.i18n import _
from scenarios.drill import texts
from scenarios.drill.drawing_rules import TIGHTEN_RULES, UPGRADE_WRITTEN_RULES, rules_number
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import (
    FORCE_KINDS,
    CommandPost,
)
from scenarios.stream import GRADE_NAMES


@dataclass(frozen=True)
class TimeStandard:
    """One timed row of the packet, in the language in use.

    Attributes
    ----------
    id
        ``T1``, ``T2``, ...
    ref
        What it tests, as indicators name it (``standard:arrival``, ``report:follow_up``).
    item
        What must happen.
    target_min
        Minutes allowed, counted from ``start``.
    start
        What the minutes count from.
    inject
        The inject it tests (its number), or None.
    tests
        The inject or the standard it tests, in words.
    source
        Where the target comes from.
    indicator
        The indicator it scores.
    measure
        ``observed`` (a clock time) or ``plan`` (a tabletop decision checked
        against the benchmark timeline).
    to
        The level a report must go to (``city``, ``state``...), ``""`` for a
        standard or a deadline that names no level: the report of another level
        does not meet it, even with the same limit.
    """

    id: str
    ref: str
    item: str
    target_min: float
    start: str
    inject: int | None
    tests: str
    source: str
    indicator: str
    measure: str
    to: str = ""


def scheme(script: DrillScript) -> str:
    """How ``script`` is evaluated: ``gbt46792`` or ``hseep``.

    Scripts drawn before the choice existed record none: they were drawn with the HSEEP sheet.
    """
    return str(script.evaluation.get("scheme", "hseep"))


def command_post(script: DrillScript) -> CommandPost:
    """The command post the draw recorded (the defaults for a script that records none)."""
    return CommandPost.from_record(script.evaluation.get("command_post"))


def _reporting(script: DrillScript) -> dict[str, Any]:
    """The resolved reporting deadlines (from the draw, else from the sheet's old table)."""
    rr = script.evaluation.get("reporting_rules")
    if rr:
        return dict(rr)
    old = script.evaluation.get("reporting", {})
    grade = old.get("grade", GRADE_NAMES[script.scene.grade])
    names = {
        "first_phone": ("phone_first", "call"),
        "first_written": ("written_first", "call"),
        "follow_up_every": ("follow_up", "previous"),
    }
    rows = []
    for g, table in ((grade, old.get("deadlines_min", {})), *old.get("escalated", {}).items()):
        for k, v in table.items():
            if v is not None:
                report, frm = names.get(k, (k, "call"))
                rows.append(
                    {
                        "grade": g,
                        "report": report,
                        "to": "",
                        "from": frm,
                        "limit_min": float(v),
                        "direct": False,
                        "source": "config",
                        "key": k,
                    }
                )
    return {
        "rules": "",
        "receiving": "",
        "to": "",
        "grade": grade,
        "limits": rows,
        "video_min": 30.0,
        "overrides": [],
    }


def _level(key: str) -> str:
    return _b(LEVEL_NAMES[key]) if key in LEVEL_NAMES else key


def _rules_name(name: str, category: str = "accident") -> str:
    """The rules as a basis names them; the national preset's decree is for accidents."""
    base = name.removesuffix("+custom")
    if base == "national" and category != "accident":
        base = "national_other"
    return _b(RULES_NAMES[base]) if base in RULES_NAMES else base


def _grade_word(roman: str) -> str:
    return texts.word("grade", {"I": 1, "II": 2, "III": 3, "IV": 4}[roman])


def _report_item(row: Mapping[str, Any]) -> str:
    name = (
        _b(REPORT_NAMES[row["report"]])
        if row["report"] in REPORT_NAMES
        else (str(row["report"]).replace("_", " "))
    )
    if not row["to"]:
        return name
    level = _level(row["to"])
    if row.get("direct"):
        return _f(LABELS["direct"], report=name, level=level)
    return _f(LABELS["to"], report=name, level=level)


def _source(row: Mapping[str, Any], rules: str, category: str = "accident") -> str:
    if row["source"] == "config":
        old = {
            "phone_first": "first_phone",
            "written_first": "first_written",
            "follow_up": "follow_up_every",
        }
        key = row.get("key") or old.get(row["report"], row["report"])
        return _f(LABELS["file_key"], key=key, report=_report_item({**row, "to": ""}))
    return _rules_name(row["source"] or rules, category)


def _inject_label(no: int, kind: str) -> str:
    return _f(LABELS["inject"], no=no, kind=_b(KIND_NAMES.get(kind, (kind, kind))))


def time_standards(script: DrillScript) -> list[TimeStandard]:
    """The timed rows of the drill, each tied to the inject or the standard it tests.

    The response standard (call taking, first arrival, under control, from
    ``script.evaluation["targets"]``), the command post, live video, and every
    reporting deadline of the drawn grade; a follow-up after each inject that
    changes the picture; after an escalation, counted from that inject, a
    follow-up reporting it to each level the drawn grade's first reports went to
    (within the new grade's phone limit) and the first reports to each level the
    new grade adds. In the language in use.
    """
    call, arrive, control = _targets(script)
    post = command_post(script)
    rr = _reporting(script)
    category = script.scene.category
    tabletop = script.drill_type == "tabletop"
    table = {ref: i.id for i in indicators(script.drill_type) for ref in i.tests}
    response = _b(LABELS["response"])
    rows: list[dict[str, Any]] = []

    def add(
        ref: str,
        item: str,
        target: float,
        start: str,
        tests: str,
        source: str,
        *,
        inject: int | None = None,
        plan: bool = False,
        to: str = "",
    ) -> None:
        indicator = table.get(ref)
        if indicator is None and ref.startswith("report:"):  # a deadline of the file's own
            indicator = table["report:phone_first"]
        rows.append(
            {
                "ref": ref,
                "item": item,
                "target_min": float(target),
                "start": start,
                "inject": inject,
                "tests": tests,
                "source": source,
                "indicator": indicator or "",
                "measure": "plan" if plan and tabletop else "observed",
                "to": to,
            }
        )

    alarm = _b(FROM_NAMES["call"])

    def std(key: str, n: float) -> str:
        return _b(STANDARD_NAMES[key]).format(n=n)

    add("standard:call_taking", _("Call taken"), call, alarm, std("call_taking", call), response)
    detour = closure_allowance(script)  # /9: the drill's own closure lengthens the drive
    add(
        "standard:arrival",
        _("First team on scene"),
        call + arrive + (detour[1] if detour else 0.0),
        alarm,
        _b(ARRIVAL_DETOUR).format(n=arrive, d=detour[1], no=detour[0])
        if detour
        else std("arrival", arrive),
        response,
        plan=True,
    )
    work = control_work(script)  # /7: a hazard whose control work outlasts the standard
    add(
        "standard:control",
        _("Under control: {definition}").format(
            definition=texts.text(script.scene, "under_control")
        ),
        # from the alarm, the closure's detour delays control as it delays the arrival
        call + arrive + control + (detour[1] if detour else 0.0) if work is None else work,
        alarm if work is None else _b(FROM_NAMES["full"]),
        (
            _b(PLUS_DETOUR).format(standard=std("control", control), d=detour[1], no=detour[0])
            if detour
            else std("control", control)
        )
        if work is None
        else _control_text(control, work),
        response,
        plan=True,
    )
    add(
        "standard:command_post",
        _b(LABELS["post_set_up"]),
        post.target_min,
        alarm,
        std("command_post", post.target_min),
        _b(LABELS["post_source"]),
    )
    video = float(rr.get("video_min", 30.0))
    add(
        "standard:video",
        _b(LABELS["video"]),
        video,
        alarm,
        std("video", video),
        _b(LABELS["video_source"]),
        plan=True,
    )
    grade = rr["grade"]
    changes = [i for i in script.injects if i.kind in _CHANGES]
    rules = rules_number(script.generator_version)
    escalated, firsts, tightened = escalation_links(
        script.injects,
        rr,
        written=rules >= UPGRADE_WRITTEN_RULES,
        tighten=rules >= TIGHTEN_RULES,
    )
    for row in rr["limits"]:
        if row["grade"] != grade:
            continue
        ref = f"report:{row['report']}"
        tests = _f(LABELS["deadline"], report=_report_item(row))
        hit = tightened.get(row["to"]) if row["report"] == "written_first" else None
        if hit is not None and row["from"] == "call":
            # (rules /9) the upgrade brings it forward: the new grade's limit from the inject
            inj, new_row, _owed = hit
            label = _inject_label(inj.no, inj.kind)
            new = _grade_word(GRADE_NAMES[int(inj.truth["grade"])])
            item = _f(LABELS["upgrade"], report=_report_item(new_row), grade=new)
            source = _source(new_row, rr["rules"], category)
            add(ref, item, new_row["limit_min"], label, label, source, inject=inj.no, to=row["to"])
            continue
        if row["from"] == "change" and changes:
            for inj in changes:
                if (inj.no, row["to"]) in escalated:  # timed below, by the new grade's limit
                    continue
                add(
                    ref,
                    _report_item(row),
                    row["limit_min"],
                    _inject_label(inj.no, inj.kind),
                    _inject_label(inj.no, inj.kind),
                    _source(row, rr["rules"], category),
                    inject=inj.no,
                    to=row["to"],
                )
            continue
        add(
            ref,
            _report_item(row),
            row["limit_min"],
            _b(FROM_NAMES.get(row["from"], (row["from"], row["from"]))),
            tests,
            _source(row, rr["rules"], category),
            to=row["to"],
        )
    for (no, to), row in escalated.items():
        # A level told of the incident already hears of the upgrade in a follow-up, within
        # the new grade's phone limit (what the escalation inject quotes); a second first
        # report to it would be scored twice, and against the follow-up.
        inj = next(i for i in script.injects if i.no == no)
        new = GRADE_NAMES[int(inj.truth["grade"])]
        add(
            "report:follow_up",
            _f(
                LABELS["upgrade"],
                report=_report_item({**row, "report": "follow_up"}),
                grade=_grade_word(new),
            ),  # fmt: skip
            row["limit_min"],
            _inject_label(no, inj.kind),
            _inject_label(no, inj.kind),
            _source(row, rr["rules"], category),
            inject=no,
            to=to,
        )
    # First reports from the upgrade: to a level the new grade adds, and (rules /9) the
    # written report a level told without one now owes.
    for inj, row in firsts:
        new = GRADE_NAMES[int(inj.truth["grade"])]
        add(
            f"report:{row['report']}",
            _f(LABELS["upgrade"], report=_report_item(row), grade=_grade_word(new)),
            row["limit_min"],
            _inject_label(inj.no, inj.kind) if row["from"] == "call" else _b(FROM_NAMES["phone"]),
            _inject_label(inj.no, inj.kind),
            _source(row, rr["rules"], category),
            inject=inj.no,
            to=row["to"],
        )
    return [TimeStandard(id=f"T{k + 1}", **r) for k, r in enumerate(rows)]


def _applies(ind: Indicator, script: DrillScript, rows: list[TimeStandard]) -> bool:
    """Whether the drill tests the indicator (some inject, row or standing duty it tests)."""
    kinds = {i.kind for i in script.injects}
    post = command_post(script)
    for ref in ind.tests:
        what, _sep, key = ref.partition(":")
        if ind.rule == "time":
            if any(r.ref == ref for r in rows):
                return True
            continue
        if what == "inject" and key in kinds:
            return True
        if what == "force" and any(f.kind == key for f in post.forces):
            return True
        if what in ("plan", "standard"):
            return True
    return False


def _tests_text(ind: Indicator, script: DrillScript) -> str:
    """What an indicator tests, in words (the drill's injects by number)."""
    call, arrive, control = _targets(script)
    post = command_post(script)
    n = {
        "call_taking": call,
        "arrival": arrive,
        "control": control,
        "command_post": post.target_min,
        "video": float(_reporting(script).get("video_min", 30.0)),
    }
    out = []
    work = control_work(script)
    for ref in ind.tests:
        what, _sep, key = ref.partition(":")
        if what == "standard" and key == "control" and work is not None:
            out.append(_control_text(control, work))
        elif what == "standard" and key == "arrival" and (detour := closure_allowance(script)):
            out.append(_b(ARRIVAL_DETOUR).format(n=arrive, d=detour[1], no=detour[0]))
        elif what == "standard":
            out.append(_b(STANDARD_NAMES[key]).format(n=n.get(key, 0)))
        elif what == "plan":
            out.append(_b(PLAN_PARTS[key]))
        elif what == "report":
            out.append(_f(LABELS["deadline"], report=_b(REPORT_NAMES[key])))
        elif what == "force":
            out.append(_b(FORCE_KINDS[key]))
        elif what == "inject":
            got = [_inject_label(i.no, i.kind) for i in script.injects if i.kind == key]
            out += got or [_f(LABELS["no_inject"], kind=_b(KIND_NAMES.get(key, (key, key))))]
    return texts.render(texts.listing(out)) if out else ""
