"""The evaluators' packet: the evaluation sheet (Markdown and HTML) and the benchmark CSV.

The sheet gives the response standard, the reporting deadlines, per-inject
expected actions with a scoring column, the roles to record (six-no drills),
the benchmark timeline, the simulated spread and a map of the scene, in the
language in use. The benchmark CSV is the same in every language, with
``<column>_zh`` companion columns holding the Chinese.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from experiments.drill.gbt_standards import time_standards
from experiments.drill.packet_tables import html_page, html_table, md_table
from experiments.drill.packet_text import grade, scene_html, scene_lines, zh
from networks.i18n import N_, _
from networks.moments import clock_text
from scenarios.drill import texts
from scenarios.drill.drawing_rules import FIELDED_RULES, rules_number
from scenarios.drill.script import DrillScript


def _joined(items: list[str]) -> str:
    """``a; b; c`` (Chinese: ``a；b；c``)."""
    out = items[0] if items else ""
    for item in items[1:]:
        out = _("{items}; {item}").format(items=out, item=item)
    return out


def _bench_rows(script: DrillScript) -> list[list[Any]]:
    out = []
    for r in script.evaluation.get("benchmark", []):
        tgt = "" if r["target_min"] is None else f"{r['target_min']:g}"
        ok = {None: "", True: _("yes"), False: _("NO")}[r["within_target"]]
        at = "-" if r["at_min"] is None else f"{r['at_min']:g}"
        clock = clock_text(r["clock"], script.scene.start) if r["clock"] else ""
        out.append([at, clock, texts.text(r, "event"), texts.text(r, "detail"), tgt, ok, ""])
    return out


_MILESTONES = (
    ("first_arrival", N_("First team on scene")),
    ("on_scene", N_("Full required complement on scene")),
    ("under_control", N_("Under control")),
)


def _spread_rows(script: DrillScript) -> list[list[Any]]:
    sim = script.evaluation.get("simulated")
    if not sim:
        return []
    out = []
    for key, label in _MILESTONES:
        m = sim[key]
        share = "" if m["within_target"] is None else f"{100 * m['within_target']:.0f} %"
        tgt = "" if m["target_min"] is None else f"{m['target_min']:g}"
        med = "-" if m["median"] is None else f"{m['median']:g}"
        p90 = "-" if m["p90"] is None else f"{m['p90']:g}"
        out.append([_(label), med, p90, tgt, share])
    return out


def _spread_caption(script: DrillScript) -> str:
    sim = script.evaluation["simulated"]
    if rules_number(script.generator_version) < FIELDED_RULES:  # its share is of every team
        return _(  # the stations have, not of the complement (see simulated_spread)
            "{replications} simulated responses to this incident alone (random call-taking, "
            "turnout and work times, travel noise cv {noise:g}); every team the participants "
            "have for it on scene in {served:.0f} % of them. Minutes after the call."
        ).format(
            replications=sim["replications"], noise=sim["travel_noise"], served=100 * sim["served"]
        )
    return _(
        "{replications} simulated responses to this incident alone (random call-taking, "
        "turnout and work times, travel noise cv {noise:g}); full complement on scene in "
        "{served:.0f} % of them. Minutes after the call. The benchmark above counts the "
        "call-taking allowance and each team's mean turnout, so a simulated median may come "
        "earlier: most calls are taken within the allowance, and the first team on scene "
        "is the earliest of several."
    ).format(
        replications=sim["replications"], noise=sim["travel_noise"], served=100 * sim["served"]
    )


def _spread_header() -> list[str]:
    return [_("Milestone"), _("Median"), _("90th percentile"), _("Target"), _("Within target")]


def benchmark_csv(script: DrillScript) -> str:
    """The benchmark timeline as CSV, the same in every language.

    ``event`` and ``detail`` hold the English text the script records;
    ``event_zh`` and ``detail_zh`` hold their Chinese, in every language.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = ["at_min", "clock", "event", "detail", "target_min", "within_target"]
    w.writerow([*cols, "event_zh", "detail_zh"])
    for r in script.evaluation.get("benchmark", []):
        w.writerow(
            [
                *("" if r[c] is None else r[c] for c in cols),
                zh(r, "event"),
                zh(r, "detail"),
            ]
        )
    return buf.getvalue()


def _sheet_parts(script: DrillScript) -> dict[str, Any]:
    ev = script.evaluation
    standard = [[texts.text(s, "item"), f"{s['target_min']:g}", "", ""] for s in ev["standard"]]
    rep = ev["reporting"]
    # The reporting rows of the time standards: the same deadlines, counted from the same
    # point (after an upgrade, from its inject), the injects quote; a follow-up row for each
    # inject that changes the picture. A deadline the rules do not set for the grade has none.
    reporting = [
        [r.item, f"{r.target_min:g}", r.start, "", ""]
        for r in time_standards(script)
        if r.ref.startswith("report:")
    ]
    injects = {i.no: i for i in script.injects}
    items = []
    for it in ev["items"]:
        inj = injects.get(it["inject"])
        action = texts.text(inj, "expected_action") if inj else it["expected_action"]
        capability = texts.text(inj, "capability") if inj else it["capability"]
        items.append([it["inject"], f"+{it['offset_min']:g}", action, capability, "", ""])
    roles = [[_(r), "", "", ""] for r in ev.get("roles", [])]
    scale = ev["scale"]
    return {
        "standard": standard,
        "reporting": reporting,
        "items": items,
        "scale": scale["name"],
        "levels": _joined([_(level) for level in scale["levels"]]),
        "roles": roles,
        "grade": grade(rep["grade"]),
    }


def _bench_header() -> list[str]:
    return [
        _("Minute"),
        _("Clock"),
        _("Event"),
        _("Detail"),
        _("Target"),
        _("Within?"),
        _("Observed"),
    ]


def _items_header() -> list[str]:
    return [
        _("Inject"),
        _("Offset"),
        _("Expected action"),
        _("Capability"),
        _("Score"),
        _("Notes"),
    ]


def _reporting_header() -> list[str]:
    return [_("Report"), _("Deadline (min)"), _("Counted from"), _("Observed"), _("Met?")]


def _roles_header() -> list[str]:
    return [_("Role"), _("Taken by"), _("At (clock)"), _("Notes")]


def evaluation_markdown(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluators' sheet, printable Markdown."""
    p = _sheet_parts(script)
    spread = _spread_rows(script)
    out = [
        _("# Evaluation sheet - EXERCISE {exercise}").format(exercise=script.exercise_id),
        "",
        _("Restricted: evaluators only. Record observed times; score every expected action."),
        "",
        *scene_lines(script),
        "",
        _("## Response standard (minutes after the call)"),
        "",
        md_table([_("Item"), _("Target"), _("Observed"), _("Met?")], p["standard"]),
        "",
        "## " + _("Reporting deadlines (grade {grade})").format(grade=p["grade"]),
        "",
        md_table(_reporting_header(), p["reporting"]),
        "",
        _("## Expected actions (scale {scale}: {levels})").format(
            scale=p["scale"], levels=p["levels"]
        ),
        "",
        md_table(_items_header(), p["items"]),
        "",
        *(
            [
                _("## Roles (six-no: none assigned in advance; record who took each, and when)"),
                "",
                md_table(_roles_header(), p["roles"]),
                "",
            ]
            if p["roles"]
            else []
        ),
        _("## Benchmark timeline (what the plan allows; free-flow roads, every team free)"),
        "",
        md_table(_bench_header(), _bench_rows(script)),
        "",
        *(
            [
                _("## Simulated spread"),
                "",
                _spread_caption(script),
                "",
                md_table(_spread_header(), spread),
                "",
            ]
            if spread
            else []
        ),
    ]
    if map_file:
        out += [
            _("## Map"),
            "",
            _("![Scene, nearest stations and depots]({file})").format(file=map_file),
            "",
        ]
    return "\n".join(out)


def evaluation_html(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluators' sheet, a printable HTML page."""
    p = _sheet_parts(script)

    def h2(text: str) -> str:
        return f"<h2>{html.escape(text)}</h2>"

    body = (
        scene_html(script)
        + h2(_("Response standard (minutes after the call)"))
        + html_table([_("Item"), _("Target"), _("Observed"), _("Met?")], p["standard"])
        + h2(_("Reporting deadlines (grade {grade})").format(grade=p["grade"]))
        + html_table(_reporting_header(), p["reporting"])
        + h2(_("Expected actions"))
        + "<p>"
        + html.escape(_("Scale {scale}: {levels}").format(scale=p["scale"], levels=p["levels"]))
        + "</p>"
        + html_table(_items_header(), p["items"])
        + (
            h2(_("Roles"))
            + "<p>"
            + html.escape(_("Six-no: none assigned in advance; record who took each, and when."))
            + "</p>"
            + html_table(_roles_header(), p["roles"])
            if p["roles"]
            else ""
        )
        + h2(_("Benchmark timeline"))
        + "<p>"
        + html.escape(_("What the plan allows: free-flow roads, every team free, mean turnout."))
        + "</p>"
        + html_table(_bench_header(), _bench_rows(script))
    )
    spread = _spread_rows(script)
    if spread:
        body += (
            h2(_("Simulated spread"))
            + f"<p>{html.escape(_spread_caption(script))}</p>"
            + html_table(_spread_header(), spread)
        )
    if map_file:
        alt = html.escape(_("scene map"))
        body += (
            h2(_("Map")) + f'<img src="{html.escape(map_file)}" alt="{alt}" style="max-width:100%">'
        )
    title = _("Evaluation sheet - EXERCISE {exercise}").format(exercise=script.exercise_id)
    return html_page(title, body)
