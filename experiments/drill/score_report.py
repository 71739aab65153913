"""The evaluation report (评估报告) of a scored drill, after the report format of GB/T 46792-2025.

The guide's report has a cover and a body; this one (yingji's own wording,
in the language in use, Markdown and HTML) holds:

* **cover**: the drill, its date, the organiser, the evaluation group (the
  names in the observations' ``evaluator`` column), the evaluation plan and
  the observations it rests on, the date of the report;
* **1. overview** (演练概况): the scene, the time of play, the command post
  and the injects with whether their expected actions were taken;
* **2. basis and methods** (评估依据与方法);
* **3. results** (评估结果): total, conclusion and veto; points by category;
  every indicator; every time standard met or missed with its minutes; every
  report against its deadlines and its template's required fields;
* **4. against the benchmark timeline** (与基准时间线对比): what the plan
  allowed (the benchmark rows recorded in the script, and the simulated
  spread) against what happened, minute by minute;
* **5. problems** (存在的问题), **6. recommendations** (改进建议: the measures,
  by work group, and the improvement list), **7. conclusion** (结论).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from experiments.drill.gbt_documents import _Doc
from experiments.drill.gbt_indicators import INDICATORS_VERSION, RATINGS, TIME_STEPS, _b
from experiments.drill.gbt_standards import (
    _inject_label,
    _reporting,
    _rules_name,
    _targets,
    command_post,
)
from experiments.drill.improvements import improvements_table
from experiments.drill.packet_text import kind_text, scene_html, scene_lines
from experiments.drill.score import DrillScore, alarm_time
from experiments.drill.score_form import category_table, indicator_table, time_table, total_line
from experiments.drill.score_form import veto_line as _veto_line
from experiments.drill.score_texts import (
    conclusion_name,
    group_name,
    lead_unit,
    milestone_name,
    mins,
    notes_text,
    report_check_line,
    shortfall_texts,
)
from networks.i18n import _
from networks.moments import date_text, moment_text
from scenarios.drill import texts

#: Benchmark rows (their English event, as the script records it) and the milestone
#: that observes the same moment.
BENCHMARK_MILESTONES = {
    "Call taken": "call_taken",
    "First team on scene": "first_arrival",
    "Full required complement on scene": "full_complement",
    "Under control (plan)": "under_control",
}
#: Keys of the simulated spread and the milestone each compares with.
SPREAD_MILESTONES = {
    "first_arrival": "first_arrival",
    "on_scene": "full_complement",
    "under_control": "under_control",
}


def _title(score: DrillScore) -> str:
    return _("Drill evaluation report - EXERCISE {exercise}").format(
        exercise=score.script.exercise_id
    )


def _cover(d: _Doc, score: DrillScore, report_date: date) -> None:
    script = score.script
    post = command_post(script)
    coordination = post.group("coordination") or (post.groups[0] if post.groups else None)
    organiser = texts.text(script, "jurisdiction")
    if coordination is not None:
        unit = _b((coordination.lead, coordination.lead_zh))
        if organiser and unit.startswith(organiser[-1]) and not organiser[-1].isascii():
            unit = unit[1:]  # 示范县 + 县应急管理局: the level is said once
        organiser = _("{unit}, {jurisdiction}").format(unit=unit, jurisdiction=organiser)
    group = _(", ").join(score.observations.evaluators) or _("(not named in the observations)")
    d.table(
        ["", ""],
        [
            [
                _("Drill"),
                _("{name} ({exercise})").format(
                    name=texts.text(script, "name"), exercise=script.exercise_id
                ),
            ],
            [_("Type"), kind_text(script)],
            [_("Date of the drill"), date_text(alarm_time(script).date())],
            [_("Organiser"), organiser],
            [_("Evaluation group"), group],
            [
                _("Evaluated against"),
                _("the evaluation plan in revealed/evaluators ({version})").format(
                    version=INDICATORS_VERSION
                ),
            ],
            [_("Observations"), score.observations.name],
            [_("Date of this report"), date_text(report_date)],
        ],
    )


def _overview(d: _Doc, score: DrillScore) -> None:
    script = score.script
    obs = score.observations
    post = command_post(script)
    d.h2(_("1. Overview of the drill"))
    d.raw("\n".join(scene_lines(script)), scene_html(script))
    d.p(
        _("Play ran {end} min from the alarm at {start}; {n} injects were scheduled.").format(
            end=mins(score.end_min), start=moment_text(script.scene.start), n=len(script.injects)
        )
    )
    d.p(
        _("On-site command post: {groups}.").format(
            groups=texts.render(texts.listing([_b((g.name, g.name_zh)) for g in post.groups]))
        )
    )
    rows = []
    for inj in script.injects:
        done, minute, row = obs.injects[inj.no]
        came = obs.came(inj)
        if came > score.end_min + 1e-9:
            state = _("after the end of play")
        else:
            state = _("yes") if done else _("no")
        # Delivered at another time than planned (a triggered inject): both, planned second.
        offset = f"+{inj.offset_min:g}"
        if inj.no in obs.delivered and abs(came - inj.offset_min) > 1e-9:
            offset = _("+{delivered} (planned {planned})").format(
                delivered=mins(came), planned=offset
            )
        rows.append(
            [
                _inject_label(inj.no, inj.kind),
                offset,
                texts.text(inj, "expected_action"),
                state,
                "" if minute is None else f"+{mins(minute)}",
                notes_text(obs.notes_of("inject", str(inj.no))),
            ]
        )
    d.table(
        [_("Inject"), _("Offset"), _("Expected action"), _("Done?"), _("At (min)"), _("Notes")],
        rows,
    )


def _basis(d: _Doc, score: DrillScore) -> None:
    script = score.script
    rr = _reporting(script)
    call, arrive, control = _targets(script)
    d.h2(_("2. Basis and methods of the evaluation"))
    d.items(
        [
            _(
                "The evaluation plan of this drill (revealed/evaluators/evaluation.html), built "
                "after GB/T 46792-2025 with this tool's indicators ({version})."
            ).format(version=INDICATORS_VERSION),
            _(
                "Response standard: {call:g}-minute call taking, {arrive:g}-minute arrival, "
                "{control:g}-minute handling."
            ).format(call=call, arrive=arrive, control=control),
            _("Reporting deadlines: {rules}.").format(
                rules=_rules_name(rr["rules"], score.script.scene.category)
                if rr.get("rules")
                else "-"
            ),
            _("The report template of the hazard: {form}.").format(
                form=score.template.title_text() if score.template is not None else "-"
            ),
            _("The observations recorded by the evaluators at their positions: {file}.").format(
                file=score.observations.name
            ),
        ]
    )
    ratings = _(", ").join(f"{k} {100 * share:g} %" for k, (share, _l) in RATINGS.items())
    d.items(
        [
            _("Rating indicators earn a share of their weight by their rating: {ratings}.").format(
                ratings=ratings
            ),
            _(
                "Time standards: within the target {full:g} %, within {factor:g} times the "
                "target {half:g} %, later or not done 0 %; a time indicator takes its lowest row. "
                "A deadline that fell after the end of play with nothing observed is left out."
            ).format(
                full=100 * TIME_STEPS[0][1], factor=TIME_STEPS[1][0], half=100 * TIME_STEPS[1][1]
            ),
            _(
                "Reports are timed against their deadlines and checked against the required "
                "fields of the report template."
            ),
            _(
                "The total is out of 100 over the indicators that apply; the conclusion follows "
                "from the total and the veto items."
            ),
        ]
    )


def _results(d: _Doc, score: DrillScore) -> None:
    d.h2(_("3. Results"))
    d.p(total_line(score))
    d.p(_veto_line(score))
    d.table(*category_table(score))
    d.h3(_("3.1 Indicators"))
    d.table(*indicator_table(score))
    d.h3(_("3.2 Time standards"))
    d.table(*time_table(score))
    d.h3(_("3.3 Reporting: timeliness and completeness"))
    if not score.reports:
        d.p(_("No report was sent."))
        return
    rows = []
    for r in score.reports:
        rows.append(
            [
                report_check_line(score, r),
                _(", ").join(r.deadlines) or "-",
                _("yes") if not r.missing else _("no"),
            ]
        )
    d.table([_("Report"), _("Deadlines it met or counted toward"), _("Complete?")], rows)


def benchmark_rows(score: DrillScore) -> list[list[Any]]:
    """What the plan allowed against what happened, by minute."""
    obs = score.observations
    sim = score.script.evaluation.get("simulated") or {}
    spread = {m: sim.get(k) for k, m in SPREAD_MILESTONES.items() if sim.get(k)}
    rows: list[tuple[float, list[Any]]] = []
    seen = set()
    for b in score.script.evaluation.get("benchmark", []):
        milestone = BENCHMARK_MILESTONES.get(str(b.get("event")))
        plan = b.get("at_min")
        observed = obs.milestones.get(milestone) if milestone else None
        if milestone:
            seen.add(milestone)
        s = spread.get(milestone or "", {})
        rows.append(
            (
                plan if plan is not None else float("inf"),
                [
                    texts.text(b, "event"),
                    texts.text(b, "detail"),
                    mins(plan),
                    mins(s.get("median")) if s else "",
                    mins(s.get("p90")) if s else "",
                    _observed(obs, milestone),
                    mins(observed - plan) if observed is not None and plan is not None else "",
                ],
            )
        )
    for m, minute in obs.milestones.items():
        if m in seen:
            continue
        rows.append(
            (
                minute if minute is not None else float("inf"),
                [milestone_name(m), "", "", "", "", _observed(obs, m), ""],
            )
        )
    rows.sort(key=lambda r: r[0])
    return [r for _k, r in rows]


def _observed(obs: Any, milestone: str | None) -> str:
    if not milestone:
        return _("not observed")
    if milestone not in obs.milestones:
        return _("not recorded")
    minute = obs.milestones[milestone]
    return _("did not happen") if minute is None else mins(minute)


def _benchmark(d: _Doc, score: DrillScore) -> None:
    d.h2(_("4. Against the benchmark timeline"))
    d.p(
        _(
            "What the plan allowed (free-flow roads, every team free, mean turnout; and the "
            "simulated spread where drawn) against what happened, in minutes after the alarm."
        )
    )
    d.table(
        [
            _("Event"),
            _("Detail"),
            _("Plan (min)"),
            _("Median"),
            _("90th percentile"),
            _("Observed (min)"),
            _("Observed - plan (min)"),
        ],
        benchmark_rows(score),
    )


def _problems(d: _Doc, score: DrillScore) -> None:
    d.h2(_("5. Problems found"))
    if not score.shortfalls:
        d.p(_("None: every standard was met and every indicator fully rated."))
        return
    lines = []
    for s in score.shortfalls:
        t = shortfall_texts(score, s)
        line = t["shortfall"]
        if t["evidence"]:
            line = _("{shortfall} ({evidence})").format(shortfall=line, evidence=t["evidence"])
        lines.append(line)
    d.items(lines)


def _advice(d: _Doc, score: DrillScore) -> None:
    d.h2(_("6. Recommendations"))
    by_group: dict[str, list[str]] = {}
    for s in score.shortfalls:
        measure = shortfall_texts(score, s)["measure"]
        mine = by_group.setdefault(s.group, [])
        if measure not in mine:
            mine.append(measure)
    if not by_group:
        d.p(_("Keep the plan and the training as they are; drill again within the year."))
    lines = []
    for key, measures in by_group.items():
        who = group_name(score, key) or "-"
        unit = lead_unit(score, key)
        head = _("{group} ({unit})").format(group=who, unit=unit) if unit else who
        lines += [_("{group}: {measure}").format(group=head, measure=m) for m in measures]
    d.items(lines)
    if score.shortfalls:
        d.p(
            _(
                "The improvement list (improvements.csv, improvements.html) gives every "
                "shortfall with its responsible unit; all are due {due}."
            ).format(due=date_text(score.due))
        )
        d.table(*improvements_table(score))


def _conclusion(d: _Doc, score: DrillScore) -> None:
    d.h2(_("7. Conclusion"))
    d.p(
        _("The drill scored {total:.1f} out of 100: {conclusion}.").format(
            total=score.total, conclusion=conclusion_name(score.conclusion)
        )
    )
    if score.veto:
        d.p(_veto_line(score))
    # An indicator with items on the improvement list (a report's wrong figures, an
    # incomplete final report: no points off) is not "fully met" beside them.
    listed = {s.indicator for s in score.shortfalls}
    full = [s for s in score.indicators if s.share == 1.0]
    strong = [f"{s.id} {_b(s.indicator.name)}" for s in full if s.id not in listed]
    if strong:
        d.p(_("Fully met: {items}.").format(items=texts.render(texts.listing(strong))))
    marked = [f"{s.id} {_b(s.indicator.name)}" for s in full if s.id in listed]
    if marked:
        d.p(
            _("Full marks, with items on the improvement list: {items}.").format(
                items=texts.render(texts.listing(marked))
            )
        )
    d.p(
        _("{n} shortfalls go to the improvement list, due {due}.").format(
            n=len(score.shortfalls), due=date_text(score.due)
        )
    )


def report_doc(score: DrillScore, *, report_date: date | None = None) -> _Doc:
    """The evaluation report as a document."""
    d = _Doc()
    _cover(d, score, report_date or date.today())
    d.page_break()
    _overview(d, score)
    _basis(d, score)
    _results(d, score)
    _benchmark(d, score)
    _problems(d, score)
    _advice(d, score)
    _conclusion(d, score)
    return d


def report_markdown(score: DrillScore, *, report_date: date | None = None) -> str:
    """The evaluation report (Markdown)."""
    return report_doc(score, report_date=report_date).markdown(_title(score))


def report_html(score: DrillScore, *, report_date: date | None = None) -> str:
    """The evaluation report (printable HTML)."""
    return report_doc(score, report_date=report_date).html(_title(score))
