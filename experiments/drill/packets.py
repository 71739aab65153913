"""What each role receives after the reveal: alarm, inject timeline, evaluation sheet.

* participants: only the initial alarm, as CAP 1.2 XML (status ``Exercise``,
  the exercise id in ``<note>``) and as plain text;
* controllers: the inject timeline as CSV, Markdown and printable HTML;
* evaluators: the evaluation sheet (Markdown and HTML) with targets,
  reporting deadlines, per-inject expected actions with a scoring column,
  the benchmark timeline (also CSV) and a map of the scene.
"""

from __future__ import annotations

import csv
import html
import io
import xml.etree.ElementTree as ET
from typing import Any

from scenarios.drill.script import DrillScript
from scenarios.stream import GRADE_NAMES

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
#: CAP sender of drill traffic (a placeholder address that can never be real).
CAP_SENDER = "drill-control@yingji.invalid"


def cap_alert(script: DrillScript) -> bytes:
    """The initial alarm as a CAP 1.2 alert (UTF-8 XML bytes).

    Severity is ``Unknown``: grading the incident is the players' job.
    """
    ET.register_namespace("", CAP_NS)
    a, sc = script.alarm, script.scene

    def sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
        el.text = text
        return el

    alert = ET.Element(f"{{{CAP_NS}}}alert")
    sub(alert, "identifier", f"{script.exercise_id}-alarm")
    sub(alert, "sender", CAP_SENDER)
    sub(alert, "sent", a.sent)
    sub(alert, "status", "Exercise")
    sub(alert, "msgType", "Alert")
    sub(alert, "scope", "Restricted")
    sub(alert, "restriction", "Drill participants only")
    sub(alert, "note", f"EXERCISE {script.exercise_id}. THIS IS A DRILL. {script.name}.")
    sub(alert, "incidents", script.exercise_id)
    info = ET.SubElement(alert, f"{{{CAP_NS}}}info")
    sub(info, "language", "en")
    sub(info, "category", sc.cap_category)
    sub(info, "event", sc.hazard_name)
    sub(info, "responseType", "Assess")
    sub(info, "urgency", "Immediate")
    sub(info, "severity", "Unknown")
    sub(info, "certainty", "Observed")
    sub(info, "senderName", a.sender)
    sub(info, "headline", a.headline)
    sub(info, "description", a.message)
    sub(info, "instruction", a.instruction)
    area = ET.SubElement(info, f"{{{CAP_NS}}}area")
    sub(area, "areaDesc", f"{sc.place} ({sc.area})")
    sub(area, "circle", f"{sc.lat:.6f},{sc.lon:.6f} 0.2")
    ET.indent(alert)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True) + b"\n"


def alarm_text(script: DrillScript) -> str:
    """The initial alarm as plain text for whoever answers the call."""
    a = script.alarm
    return (
        f"*** EXERCISE {script.exercise_id} - THIS IS A DRILL ***\n\n"
        f"Time:    {a.sent}\n"
        f"From:    {a.sender}\n"
        f"To:      {a.recipient}\n"
        f"Channel: {a.channel}\n\n"
        f"{a.message}\n\n"
        f"{a.instruction}\n\n"
        "*** THIS IS A DRILL ***\n"
    )


_INJECT_COLS = (
    "no",
    "offset_min",
    "trigger",
    "kind",
    "sender",
    "recipient",
    "channel",
    "message",
    "expected_action",
    "capability",
)


def _clock(script: DrillScript, offset: float) -> str:
    from datetime import datetime, timedelta

    t = datetime.fromisoformat(script.scene.start) + timedelta(minutes=offset)
    return t.strftime("%Y-%m-%d %H:%M")


def injects_csv(script: DrillScript) -> str:
    """The inject timeline as CSV (one row per inject, with its planned clock time)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["no", "offset_min", "planned_time", *_INJECT_COLS[2:]])
    for i in script.injects:
        w.writerow(
            [
                i.no,
                i.offset_min,
                _clock(script, i.offset_min),
                i.trigger,
                i.kind,
                i.sender,
                i.recipient,
                i.channel,
                i.message,
                i.expected_action,
                i.capability,
            ]
        )
    return buf.getvalue()


def _md_cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _scene_lines(script: DrillScript) -> list[str]:
    sc = script.scene
    return [
        f"- Exercise: **{script.exercise_id}** - {script.name} ({script.drill_type}, "
        f"{script.blind_level} blind)",
        f"- Start (alarm): **{sc.start}**",
        f"- Hazard: **{sc.hazard_name}** ({sc.category}), grade **{GRADE_NAMES[sc.grade]}**: "
        f"{sc.grade_meaning}",
        f"- Place: **{sc.place}** (area {sc.area}; node {sc.node}; {sc.lat:.5f} N, {sc.lon:.5f} E)",
        f"- Under control means: {sc.under_control}",
        f"- Participating units: {', '.join(script.participants)}",
    ]


def _inject_rows(script: DrillScript) -> list[list[object]]:
    """One row per inject for the controllers' timeline (Markdown and HTML alike)."""
    return [
        [
            i.no,
            f"+{i.offset_min:g} min",
            _clock(script, i.offset_min),
            i.trigger or "-",
            f"{i.sender} -> {i.recipient}",
            i.channel,
            i.message,
            i.expected_action,
            i.capability,
        ]
        for i in script.injects
    ]


def injects_markdown(script: DrillScript) -> str:
    """The controllers' inject timeline, printable Markdown."""
    rows = _inject_rows(script)
    return (
        f"# Controller timeline - EXERCISE {script.exercise_id}\n\n"
        "Restricted: controllers only. Release each inject at its time or trigger.\n\n"
        + "\n".join(_scene_lines(script))
        + "\n\n## Initial alarm\n\n"
        + f"{script.alarm.sent} - {script.alarm.sender} -> {script.alarm.recipient} "
        f"({script.alarm.channel}): {script.alarm.message}\n\n## Injects\n\n"
        + _md_table(
            [
                "No",
                "Offset",
                "Planned",
                "Trigger",
                "From -> to",
                "Channel",
                "Message",
                "Expected action",
                "Capability",
            ],
            rows,
        )
        + "\n"
    )


def _html_table(header: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


_CSS = (
    "body{font-family:sans-serif;margin:2em;font-size:11pt}"
    "table{border-collapse:collapse;width:100%;margin:1em 0}"
    "th,td{border:1px solid #888;padding:4px;vertical-align:top;text-align:left}"
    "th{background:#eee}.banner{color:#b00;font-weight:bold}"
    "@media print{body{margin:0}}"
)


def _html_page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<p class="banner">EXERCISE - THIS IS A DRILL - RESTRICTED</p>'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def _scene_html(script: DrillScript) -> str:
    sc = script.scene
    rows = [
        [
            "Exercise",
            f"{script.exercise_id} - {script.name} ({script.drill_type}, "
            f"{script.blind_level} blind)",
        ],
        ["Start (alarm)", sc.start],
        ["Hazard", f"{sc.hazard_name} ({sc.category})"],
        ["Grade", f"{GRADE_NAMES[sc.grade]}: {sc.grade_meaning}"],
        ["Place", f"{sc.place} (area {sc.area}; node {sc.node}; {sc.lat:.5f} N, {sc.lon:.5f} E)"],
        ["Under control means", sc.under_control],
        ["Participating units", ", ".join(script.participants)],
    ]
    return _html_table(["", ""], rows)


def injects_html(script: DrillScript) -> str:
    """The controllers' inject timeline, a printable HTML page."""
    rows = _inject_rows(script)
    a = script.alarm
    body = (
        _scene_html(script)
        + "<h2>Initial alarm</h2>"
        + f"<p>{html.escape(a.sent)} - {html.escape(a.sender)} -> {html.escape(a.recipient)} "
        f"({html.escape(a.channel)}): {html.escape(a.message)}</p><h2>Injects</h2>"
        + _html_table(
            [
                "No",
                "Offset",
                "Planned",
                "Trigger",
                "From -> to",
                "Channel",
                "Message",
                "Expected action",
                "Capability",
            ],
            rows,
        )
    )
    return _html_page(f"Controller timeline - EXERCISE {script.exercise_id}", body)


def _bench_rows(script: DrillScript) -> list[list[Any]]:
    out = []
    for r in script.evaluation.get("benchmark", []):
        tgt = "" if r["target_min"] is None else f"{r['target_min']:g}"
        ok = {None: "", True: "yes", False: "NO"}[r["within_target"]]
        at = "-" if r["at_min"] is None else f"{r['at_min']:g}"
        out.append([at, r["clock"], r["event"], r["detail"], tgt, ok, ""])
    return out


_MILESTONES = (
    ("first_arrival", "First team on scene"),
    ("on_scene", "Full required complement on scene"),
    ("under_control", "Under control"),
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
        out.append([label, med, p90, tgt, share])
    return out


def _spread_caption(script: DrillScript) -> str:
    sim = script.evaluation["simulated"]
    return (
        f"{sim['replications']} simulated responses to this incident alone (random call-taking, "
        f"turnout and work times, travel noise cv {sim['travel_noise']:g}); full complement "
        f"reached in {100 * sim['served']:.0f} % of them. Minutes after the call."
    )


def benchmark_csv(script: DrillScript) -> str:
    """The benchmark timeline as CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = ["at_min", "clock", "event", "detail", "target_min", "within_target"]
    w.writerow(cols)
    for r in script.evaluation.get("benchmark", []):
        w.writerow(["" if r[c] is None else r[c] for c in cols])
    return buf.getvalue()


def _sheet_parts(script: DrillScript) -> dict[str, Any]:
    ev = script.evaluation
    standard = [[s["item"], f"{s['target_min']:g}", "", ""] for s in ev["standard"]]
    rep = ev["reporting"]
    reporting = [[k.replace("_", " "), f"{v:g}", "", ""] for k, v in rep["deadlines_min"].items()]
    for g, d in rep.get("escalated", {}).items():
        reporting += [
            [f"{k.replace('_', ' ')} (after upgrade to grade {g})", f"{v:g}", "", ""]
            for k, v in d.items()
        ]
    items = [
        [it["inject"], f"+{it['offset_min']:g}", it["expected_action"], it["capability"], "", ""]
        for it in ev["items"]
    ]
    roles = [[r, "", "", ""] for r in ev.get("roles", [])]
    return {
        "standard": standard,
        "reporting": reporting,
        "items": items,
        "scale": ev["scale"],
        "roles": roles,
    }


def evaluation_markdown(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluators' sheet, printable Markdown."""
    p = _sheet_parts(script)
    out = [
        f"# Evaluation sheet - EXERCISE {script.exercise_id}",
        "",
        "Restricted: evaluators only. Record observed times; score every expected action.",
        "",
        *_scene_lines(script),
        "",
        "## Response standard (minutes after the call)",
        "",
        _md_table(["Item", "Target", "Observed", "Met?"], p["standard"]),
        "",
        f"## Reporting deadlines (grade {script.evaluation['reporting']['grade']}, minutes "
        "after the call)",
        "",
        _md_table(["Report", "Deadline", "Observed", "Met?"], p["reporting"]),
        "",
        f"## Expected actions (scale {p['scale']['name']}: {'; '.join(p['scale']['levels'])})",
        "",
        _md_table(
            ["Inject", "Offset", "Expected action", "Capability", "Score", "Notes"], p["items"]
        ),
        "",
        *(
            [
                "## Roles (six-no: none assigned in advance; record who took each, and when)",
                "",
                _md_table(["Role", "Taken by", "At (clock)", "Notes"], p["roles"]),
                "",
            ]
            if p["roles"]
            else []
        ),
        "## Benchmark timeline (what the plan allows; free-flow roads, every team free)",
        "",
        _md_table(
            ["Minute", "Clock", "Event", "Detail", "Target", "Within?", "Observed"],
            _bench_rows(script),
        ),
        "",
        *(
            [
                "## Simulated spread",
                "",
                _spread_caption(script),
                "",
                _md_table(
                    ["Milestone", "Median", "90th percentile", "Target", "Within target"],
                    _spread_rows(script),
                ),
                "",
            ]
            if _spread_rows(script)
            else []
        ),
    ]
    if map_file:
        out += ["## Map", "", f"![Scene, nearest stations and depots]({map_file})", ""]
    return "\n".join(out)


def evaluation_html(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluators' sheet, a printable HTML page."""
    p = _sheet_parts(script)
    body = (
        _scene_html(script)
        + "<h2>Response standard (minutes after the call)</h2>"
        + _html_table(["Item", "Target", "Observed", "Met?"], p["standard"])
        + f"<h2>Reporting deadlines (grade {script.evaluation['reporting']['grade']})</h2>"
        + _html_table(["Report", "Deadline (min)", "Observed", "Met?"], p["reporting"])
        + f"<h2>Expected actions</h2><p>Scale {html.escape(p['scale']['name'])}: "
        + html.escape("; ".join(p["scale"]["levels"]))
        + "</p>"
        + _html_table(
            ["Inject", "Offset", "Expected action", "Capability", "Score", "Notes"], p["items"]
        )
        + (
            "<h2>Roles</h2><p>Six-no: none assigned in advance; record who took each, and "
            "when.</p>" + _html_table(["Role", "Taken by", "At (clock)", "Notes"], p["roles"])
            if p["roles"]
            else ""
        )
        + "<h2>Benchmark timeline</h2><p>What the plan allows: free-flow roads, every team "
        "free, mean turnout.</p>"
        + _html_table(
            ["Minute", "Clock", "Event", "Detail", "Target", "Within?", "Observed"],
            _bench_rows(script),
        )
    )
    if _spread_rows(script):
        body += (
            f"<h2>Simulated spread</h2><p>{html.escape(_spread_caption(script))}</p>"
            + _html_table(
                ["Milestone", "Median", "90th percentile", "Target", "Within target"],
                _spread_rows(script),
            )
        )
    if map_file:
        body += (
            f'<h2>Map</h2><img src="{html.escape(map_file)}" alt="scene map" '
            'style="max-width:100%">'
        )
    return _html_page(f"Evaluation sheet - EXERCISE {script.exercise_id}", body)
