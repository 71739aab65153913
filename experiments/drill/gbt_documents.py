"""GB/T 46792 evaluation: the evaluation plan and the observation record sheets as documents.

Both are written as Markdown and as printable HTML from one description (``_Doc``), in the
language in use.
"""

from __future__ import annotations

import html
from typing import Any

from experiments.drill.evaluation_sheet import (
    _bench_header,
    _bench_rows,
    _spread_caption,
    _spread_header,
    _spread_rows,
)
from experiments.drill.gbt_indicators import (
    CATEGORIES,
    CONCLUSIONS,
    INDICATORS_VERSION,
    RATINGS,
    TIME_STEPS,
    Indicator,
    _b,
    indicators,
)
from experiments.drill.gbt_standards import (
    _WATCHED_BY,
    LABELS,
    TimeStandard,
    _applies,
    _f,
    _grade_word,
    _inject_label,
    _reporting,
    _rules_name,
    _targets,
    _tests_text,
    command_post,
    time_standards,
)
from experiments.drill.packet_tables import html_page, html_table, md_table
from experiments.drill.packet_text import kind_text, scene_html, scene_lines, units_text
from networks.i18n import _
from scenarios.drill import texts
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import (
    FORCE_KINDS,
    ITEMS,
    POSITION_POSTS,
    POSITIONS,
    ROLES,
    WHEN,
    CommandPost,
    disclosed,
    known_at_alarm,
)


class _Doc:
    """A document built once and written as Markdown or HTML."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, Any]] = []

    def h2(self, text: str) -> None:
        self.parts.append(("h2", text))

    def h3(self, text: str) -> None:
        self.parts.append(("h3", text))

    def p(self, text: str) -> None:
        self.parts.append(("p", text))

    def items(self, lines: list[str]) -> None:
        self.parts.append(("ul", lines))

    def table(self, header: list[str], rows: list[list[Any]]) -> None:
        self.parts.append(("table", (header, rows)))

    def raw(self, md: str, page: str) -> None:
        self.parts.append(("raw", (md, page)))

    def page_break(self) -> None:
        self.parts.append(("break", None))

    def markdown(self, title: str) -> str:
        out = [f"# {title}", ""]
        for kind, v in self.parts:
            if kind == "h2":
                out += [f"## {v}", ""]
            elif kind == "h3":
                out += [f"### {v}", ""]
            elif kind == "p":
                out += [v, ""]
            elif kind == "ul":
                out += [f"- {line}" for line in v] + [""]
            elif kind == "table":
                out += [md_table(*v), ""]
            elif kind == "raw":
                out += [v[0], ""]
            elif kind == "break":
                out += ["---", ""]
        return "\n".join(out)

    def html(self, title: str) -> str:
        body = []
        for kind, v in self.parts:
            if kind in ("h2", "h3", "p"):
                body.append(f"<{kind}>{html.escape(v)}</{kind}>")
            elif kind == "ul":
                body.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in v) + "</ul>")
            elif kind == "table":
                body.append(html_table(*v))
            elif kind == "raw":
                body.append(v[1])
            elif kind == "break":
                body.append('<div style="page-break-before:always"></div>')
        return html_page(title, "".join(body))


def _mins(x: float) -> str:
    return f"{x:g}"


def _rule_text(ind: Indicator) -> str:
    return _b(LABELS["time"] if ind.rule == "time" else LABELS["rating"])


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


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


def _plan_doc(script: DrillScript, map_file: str | None) -> _Doc:
    post = command_post(script)
    rr = _reporting(script)
    rows = time_standards(script)
    table = indicators(script.drill_type)
    call, arrive, control = _targets(script)
    jur = texts.text(script, "jurisdiction")
    hazard = texts.text(script.scene, "hazard_name")
    d = _Doc()
    d.p(
        _(
            "Restricted: evaluators only. Structure after GB/T 46792-2025; indicators, weights "
            "and thresholds are this tool's ({version})."
        ).format(version=INDICATORS_VERSION)
    )
    d.raw("\n".join(scene_lines(script)), scene_html(script))

    d.h2(_("1. Purpose"))
    d.items(
        [
            _(
                "Test whether the {jurisdiction} emergency plan works for a {hazard} when nobody "
                "knows in advance."
            ).format(jurisdiction=jur, hazard=hazard),
            _(
                "Measure the response against the {call:g}/{arrive:g}/{control:g}-minute standard, "
                "the reporting deadlines, the command post target ({post:g} min) and live video "
                "within {video:g} min."
            ).format(
                call=call,
                arrive=arrive,
                control=control,
                post=post.target_min,
                video=float(rr.get("video_min", 30.0)),
            ),
            _(
                "Find the gaps in plans, forces, supplies and coordination, and list what must be "
                "improved."
            ),
        ]
    )

    d.h2(_("2. Scope"))
    forces = texts.render(texts.listing([_b((f.name, f.name_zh)) for f in post.forces]))
    groups = texts.render(texts.listing([_b((g.name, g.name_zh)) for g in post.groups]))
    d.items(
        [
            _("Drill: {kind}").format(kind=kind_text(script)),
            _("From the alarm at {start} to the end of play, and the debrief.").format(
                start=script.scene.start
            ),
            _("Participating units: {units}").format(units=units_text(script)),
            _("Other participating forces: {forces}").format(forces=forces or "-"),
            _("On-site command post and work groups: {groups}").format(groups=groups),
        ]
    )

    d.h2(_("3. Evaluation group"))
    d.p(
        _(
            "A leader of the evaluation group and one evaluator or more at each position; "
            "evaluators do not steer play."
        )
    )
    by_pos: dict[str, list[str]] = {}
    for i in table:
        by_pos.setdefault(i.position, []).append(i.id)
    d.table(
        [_("Position"), _("Stands at"), _("Observes"), _("Indicators"), _("Evaluator")],
        [
            [
                _b(POSITIONS[p]),
                _b(POSITION_POSTS[p]),
                texts.render(
                    texts.listing([_b((g.name, g.name_zh)) for g in post.groups if g.position == p])
                )
                or "-",
                ", ".join(by_pos.get(p, [])),
                "",
            ]
            for p in POSITIONS
        ],
    )
    # Evaluator training (评估人员培训), part of the guide's preparation.
    d.p(_("Evaluator training, before the drill and without its scenario:"))
    d.items(
        [
            _("this plan, the indicators, the scoring rules and the veto item;"),
            _("the observation sheet of each position, and taking every time from one clock;"),
            _("the report templates, the reporting deadlines and the response standard;"),
            _("staying out of play, safety at the scene, and keeping the drill confidential."),
        ]
    )

    d.h2(_("4. Basis"))
    rules = rr["rules"]
    d.items(
        [
            _b(
                (
                    "GB/T 46792-2025 Guide for the evaluation of emergency exercises",
                    "GB/T 46792-2025《突发事件应急演练评估指南》",
                )
            ),
            _b(
                (
                    "AQ/T 9009-2015 Specification for the evaluation of production-safety accident "
                    "emergency exercises",
                    "AQ/T 9009-2015《生产安全事故应急演练评估规范》",
                )
            ),
            _(
                "The emergency plans of {jurisdiction}: the general plan and the plan for {hazard}."
            ).format(jurisdiction=jur, hazard=hazard),
            _("Reporting deadlines: {rules}, grade {grade}.").format(
                rules=_rules_name(rules) if rules else _b(LABELS["file_reporting"]),
                grade=_grade_word(rr["grade"]),
            ),
            _(
                "Response standard of the rescue stations: {call:g}-minute call taking, {arrive:g}-"
                "minute arrival, {control:g}-minute handling."
            ).format(call=call, arrive=arrive, control=control),
            _("This drill's sealed script and its public commitment."),
        ]
    )

    d.h2(_("5. Methods"))
    d.items(
        [
            _("Observation at each position, every time taken from one clock."),
            _("Review of records: duty log, reports sent, command post log, video."),
            _("Questions to players at natural pauses, never steering play."),
            _(
                "Each indicator is converted into a share of its weight by the scoring rules; "
                "the total is out of 100 over the indicators this drill tests."
            ),
            _(
                "The conclusion (excellent, good, pass, fail) follows from the total and the veto "
                "items."
            ),
            _(
                "After the end: an oral critique on site, then the written evaluation report; "
                "every shortfall goes to the improvement list."
            ),
        ]
    )

    d.h2(_("6. Indicators ({type}, weights out of 100)").format(type=_drill_type(script)))
    totals: dict[str, float] = {}
    for i in table:
        totals[i.category] = totals.get(i.category, 0) + i.weight
    d.table(
        [_("Category"), _("Weight")],
        [[_b(CATEGORIES[c]), _mins(w)] for c, w in totals.items()]
        + [[_("Total"), _mins(sum(totals.values()))]],
    )
    d.table(
        [
            _("ID"),
            _("Indicator"),
            _("What the evaluator looks for"),
            _("Weight"),
            _("Rule"),
            _("Position"),
            _("Tests"),
            _("Applies?"),
        ],
        [
            [
                i.id,
                _b(i.name),
                _b(i.criterion),
                _mins(i.weight),
                _rule_text(i),
                _b(POSITIONS[i.position]),
                _tests_text(i, script),
                _yes(_applies(i, script, rows)),
            ]
            for i in table
        ],
    )

    d.h2(_("7. Scoring rules"))
    d.p(_("Rating indicators earn this share of their weight:"))
    d.table(
        [_("Rating"), _("Meaning"), _("Share of the weight")],
        [[k, _b(label), f"{100 * share:g} %"] for k, (share, label) in RATINGS.items()],
    )
    d.p(
        _(
            "Time indicators: within the target {full:g} %, within {factor:g} times the target "
            "{half:g} %, later or not done 0 %; with several time standards, the lowest."
        ).format(full=100 * TIME_STEPS[0][1], factor=TIME_STEPS[1][0], half=100 * TIME_STEPS[1][1])
    )
    d.p(
        _(
            "Indicators that do not apply to this drill are left out and the total is rescaled "
            "to 100."
        )
    )
    d.table(
        [_("Conclusion"), _("Total")],
        [
            [
                _b(CONCLUSIONS["excellent"][1]),
                _("{low:g} or more, and no indicator at 0").format(low=CONCLUSIONS["excellent"][0]),
            ],
            [_b(CONCLUSIONS["good"][1]), _("{low:g} or more").format(low=CONCLUSIONS["good"][0])],
            [_b(CONCLUSIONS["pass"][1]), _("{low:g} or more").format(low=CONCLUSIONS["pass"][0])],
            [
                _b(CONCLUSIONS["fail"][1]),
                _("below {low:g}, or a veto item rated D").format(low=CONCLUSIONS["pass"][0]),
            ],
        ],
    )
    d.p(
        _("Veto items: {items}.").format(
            items=texts.render(texts.listing([f"{i.id} {_b(i.name)}" for i in table if i.veto]))
        )
    )

    d.h2(_("8. Time standards (minutes)"))
    if script.drill_type == "tabletop":
        d.p(
            _(
                "Tabletop: rows measured by the plan are judged from the players' decisions "
                "against the benchmark timeline; the others are observed in play."
            )
        )
    d.table(_ts_header(), [_ts_row(r) for r in rows])

    d.h2(_("9. On-site command post and work groups"))
    d.p(
        _(
            "Commander: {commander}. Set up within {minutes:g} min of the alarm (measured, {row})."
        ).format(
            commander=_b((post.commander, post.commander_zh)),
            minutes=post.target_min,
            row=next((r.id for r in rows if r.ref == "standard:command_post"), "-"),
        )
    )
    d.table(
        [_("Work group"), _("Lead unit"), _("Duties"), _("Observed by")],
        [
            [
                _b((g.name, g.name_zh)),
                _b((g.lead, g.lead_zh)),
                _b((g.duties, g.duties_zh)),
                _b(POSITIONS[g.position]),
            ]
            for g in post.groups
        ],
    )
    d.table(
        [_("Force"), _("Kind"), _("Joins")],
        [[units_text(script), _b(FORCE_KINDS["professional"]), _group_name(post, "rescue")]]
        + [
            [_b((f.name, f.name_zh)), _b(FORCE_KINDS[f.kind]), _group_name(post, f.group)]
            for f in post.forces
        ],
    )
    if any(f.first_reporter for f in post.forces):
        d.p(
            _(
                "Disaster information officers are often the first to report: the reporting "
                "evaluator records when their first report arrives and how it was verified."
            )
        )

    d.h2(_("10. What each role learns, and when ({blind})").format(blind=_blind(script)))
    level = (
        script.blind_level if script.blind_level in ("single", "double", "six-no") else ("six-no")
    )
    d.table(
        [_("Item"), *(_b(ROLES[r]) for r in ROLES)],
        [[_b(ITEMS[it]), *(_b(WHEN[disclosed(level, r, it)]) for r in ROLES)] for it in ITEMS],
    )

    d.h2(_("11. Roles"))
    if known_at_alarm(script.blind_level, "participants", "roles"):
        d.p(_("Roles were assigned with the alarm; record when each was taken up."))
    else:
        d.p(
            _(
                "Six-no: nobody was assigned a role. Record who took each, and when; the plan's "
                "lead units are shown for the debrief, not as an assignment."
            )
        )
    d.table(*_roles_rows(script, post))

    d.h2(_("Benchmark timeline"))
    d.p(_("What the plan allows: free-flow roads, every team free, mean turnout."))
    d.table(_bench_header(), _bench_rows(script))
    spread = _spread_rows(script)
    if spread:
        d.h2(_("Simulated spread"))
        d.p(_spread_caption(script))
        d.table(_spread_header(), spread)
    if map_file:
        d.h2(_("Map"))
        alt = _("scene map")
        d.raw(
            _("![Scene, nearest stations and depots]({file})").format(file=map_file),
            f'<img src="{html.escape(map_file)}" alt="{html.escape(alt)}" style="max-width:100%">',
        )
    return d


def _group_name(post: CommandPost, key: str) -> str:
    g = post.group(key)
    return _b((g.name, g.name_zh)) if g else key


def _drill_type(script: DrillScript) -> str:
    return _b(
        {"field": ("field drill", "实战演练"), "tabletop": ("tabletop drill", "桌面推演")}.get(
            script.drill_type, (script.drill_type, script.drill_type)
        )
    )


def _blind(script: DrillScript) -> str:
    return _b(
        {
            "single": ("single blind", "单盲"),
            "double": ("double blind", "双盲"),
            "six-no": ("six-no blind", "“六不”盲演"),
        }.get(script.blind_level, (script.blind_level, script.blind_level))
    )


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


def _sheets_doc(script: DrillScript) -> _Doc:
    post = command_post(script)
    rows = time_standards(script)
    table = indicators(script.drill_type)
    d = _Doc()
    d.p(_("Restricted: evaluators only. One sheet per position; times from one clock."))
    d.raw("\n".join(scene_lines(script)), scene_html(script))
    for k, pos in enumerate(POSITIONS):
        if k:
            d.page_break()
        mine = [i for i in table if i.position == pos]
        ids = {i.id for i in mine}
        d.h2(_("Observation record: {position}").format(position=_b(POSITIONS[pos])))
        d.p(
            _("Exercise {exercise}. Evaluator: ________  Stands at: {post}").format(
                exercise=script.exercise_id, post=_b(POSITION_POSTS[pos])
            )
        )
        timed = [r for r in rows if r.indicator in ids]
        if timed:
            d.h3(_("Time standards"))
            d.table(_ts_header(), [_ts_row(r) for r in timed])
        watched = [i for i in script.injects if _WATCHED_BY.get(i.kind) == pos]
        if watched:
            d.h3(_("Injects to watch"))
            d.table(
                [_("Inject"), _("Offset"), _("Expected action"), _("Done at (clock)"), _("Notes")],
                [
                    [
                        _inject_label(i.no, i.kind),
                        f"+{i.offset_min:g}",
                        texts.text(i, "expected_action"),
                        "",
                        "",
                    ]
                    for i in watched
                ],
            )
        d.h3(_("Indicators"))
        d.table(
            [
                _("ID"),
                _("Indicator"),
                _("What the evaluator looks for"),
                _("Weight"),
                _("Rule"),
                _("Applies?"),
                _("Observations"),
                _("Rating or minutes"),
                _("Score"),
            ],
            [
                [
                    i.id,
                    _b(i.name),
                    _b(i.criterion),
                    _mins(i.weight),
                    _rule_text(i),
                    _yes(_applies(i, script, rows)),
                    "",
                    "",
                    "",
                ]
                for i in mine
            ],
        )
        groups = [g for g in post.groups if g.position == pos]
        if groups:
            d.h3(_("Work groups"))
            d.table(*_roles_rows(script, post, groups))
        if pos == "reporting":
            first = [f for f in post.forces if f.first_reporter]
            if first:
                d.h3(_("First reporters"))
                d.table(
                    [_("Force"), _("First report at (clock)"), _("Verified how"), _("Notes")],
                    [[_b((f.name, f.name_zh)), "", "", ""] for f in first],
                )
        d.p(_("Signature: ________  Date: ________"))
    return d


def _title(script: DrillScript) -> str:
    return _("Evaluation plan (GB/T 46792-2025) - EXERCISE {exercise}").format(
        exercise=script.exercise_id
    )


def _sheets_title(script: DrillScript) -> str:
    return _("Observation records - EXERCISE {exercise}").format(exercise=script.exercise_id)


def gbt_markdown(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluation plan with indicators, scoring rules and time standards (Markdown)."""
    return _plan_doc(script, map_file).markdown(_title(script))


def gbt_html(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluation plan with indicators, scoring rules and time standards (printable HTML)."""
    return _plan_doc(script, map_file).html(_title(script))


def observation_markdown(script: DrillScript) -> str:
    """The observation record sheets, one per evaluator position (Markdown)."""
    return _sheets_doc(script).markdown(_sheets_title(script))


def observation_html(script: DrillScript) -> str:
    """The observation record sheets, one per position, each on its own page (HTML)."""
    return _sheets_doc(script).html(_sheets_title(script))
