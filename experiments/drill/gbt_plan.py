"""GB/T 46792 evaluation: the evaluation plan (评估方案) as Markdown and printable HTML.

Purpose, scope, evaluation group, basis, methods, indicators, scoring rules, time
standards, command post and work groups, disclosure and roles, then the benchmark
timeline, the simulated spread and the map, in the language in use.
"""

from __future__ import annotations

import html

from experiments.drill.evaluation_sheet import (
    _bench_header,
    _bench_rows,
    _spread_caption,
    _spread_header,
    _spread_rows,
)
from experiments.drill.gbt_cells import (
    _indicator_cells,
    _indicator_header,
    _mins,
    _roles_rows,
    _ts_header,
    _ts_row,
    _yes,
)
from experiments.drill.gbt_indicators import (
    CATEGORIES,
    CONCLUSIONS,
    INDICATORS_VERSION,
    RATINGS,
    TIME_STEPS,
    _b,
    indicators,
)
from experiments.drill.gbt_standards import (
    LABELS,
    _applies,
    _grade_word,
    _reporting,
    _rules_name,
    _targets,
    _tests_text,
    command_post,
    time_standards,
)
from experiments.drill.packet_doc import _Doc
from experiments.drill.packet_text import kind_text, scene_html, scene_lines, units_text
from networks.i18n import _
from networks.moments import moment_text
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

__all__ = ["gbt_html", "gbt_markdown"]


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
                start=moment_text(script.scene.start)
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
            # The production-safety specification is for accidents (事故灾难) alone.
            *(
                [
                    _b(
                        (
                            "AQ/T 9009-2015 Specification for the evaluation of "
                            "production-safety accident emergency exercises",
                            "AQ/T 9009-2015《生产安全事故应急演练评估规范》",
                        )
                    )
                ]
                if script.scene.category == "accident"
                else []
            ),
            _(
                "The emergency plans of {jurisdiction}: the general plan and the plan for {hazard}."
            ).format(jurisdiction=jur, hazard=hazard),
            _("Reporting deadlines: {rules}, grade {grade}.").format(
                rules=_rules_name(rules, script.scene.category)
                if rules
                else _b(LABELS["file_reporting"]),
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
        [*_indicator_header(), _("Position"), _("Tests"), _("Applies?")],
        [
            [
                *_indicator_cells(i),
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


def _title(script: DrillScript) -> str:
    return _("Evaluation plan (GB/T 46792-2025) - EXERCISE {exercise}").format(
        exercise=script.exercise_id
    )


def gbt_markdown(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluation plan with indicators, scoring rules and time standards (Markdown)."""
    return _plan_doc(script, map_file).markdown(_title(script))


def gbt_html(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluation plan with indicators, scoring rules and time standards (printable HTML)."""
    return _plan_doc(script, map_file).html(_title(script))
