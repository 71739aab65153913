"""What each role receives after the reveal: alarm, inject timeline, evaluation sheet.

* participants: only the initial alarm, as CAP 1.2 XML (status ``Exercise``,
  the exercise id in ``<note>``) and as plain text;
* controllers: the inject timeline as CSV, Markdown and printable HTML;
* evaluators: the evaluation sheet (Markdown and HTML) with targets,
  reporting deadlines, per-inject expected actions with a scoring column,
  the benchmark timeline (also CSV) and a map of the scene.

Every packet is written in the language in use (:mod:`networks.i18n`): the
script's text specs (:mod:`scenarios.drill.texts`) are rendered now, so the
same sealed script gives Chinese or English packets. Numbers, times, file
names and CSV column names are the same in both. The CSVs are machine files,
byte-identical in every language: English text (as the script records it)
with a ``<column>_zh`` companion column holding the Chinese. The Chinese CAP alert
carries a second ``<info>`` block in English after the Chinese one.
"""

from __future__ import annotations

import csv
import html
import io
import xml.etree.ElementTree as ET
from typing import Any

from networks import i18n
from networks.i18n import N_, _
from scenarios.drill import texts
from scenarios.drill.script import DrillScript

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
#: CAP sender of drill traffic (a placeholder address that can never be real).
CAP_SENDER = "drill-control@yingji.invalid"
#: How the type and blind level of a drill read in a header: "(field, six-no blind)".
_TYPE = {"field": N_("field, {blind}"), "tabletop": N_("tabletop, {blind}")}
_BLIND = {
    "single": N_("single blind"),
    "double": N_("double blind"),
    "six-no": N_("six-no blind"),
}
#: Reporting deadlines of the default table, as a person reads them.
_REPORTS = {
    "first_phone": N_("first phone"),
    "first_written": N_("first written"),
    "follow_up_every": N_("follow up every"),
}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


# ---------------------------------------------------------------- text pieces
def _kind(script: DrillScript) -> str:
    """``field, six-no blind``: the drill's type and blind level."""
    blind = _BLIND.get(script.blind_level)
    blind_text = _(blind) if blind else f"{script.blind_level} blind"
    form = _TYPE.get(script.drill_type)
    return _(form).format(blind=blind_text) if form else f"{script.drill_type}, {blind_text}"


def _grade(roman_or_number: Any) -> str:
    """A grade (1-4 or ``"I"``-``"IV"``) as shown: ``IV`` (Chinese: ``IV 级（一般）``)."""
    g = _ROMAN.get(roman_or_number, roman_or_number)
    return texts.word("grade", g) if g in (1, 2, 3, 4) else str(roman_or_number)


def _report(name: str) -> str:
    label = _REPORTS.get(name)
    return _(label) if label else name.replace("_", " ")


def _joined(items: list[str]) -> str:
    """``a; b; c`` (Chinese: ``a；b；c``)."""
    out = items[0] if items else ""
    for item in items[1:]:
        out = _("{items}; {item}").format(items=out, item=item)
    return out


def _units(script: DrillScript) -> str:
    return texts.render(texts.listing([texts.facility(u) for u in script.participants]))


def _scene(script: DrillScript) -> dict[str, Any]:
    """The scene's words in the language in use (numbers as they are)."""
    sc = script.scene
    return {
        "exercise": script.exercise_id,
        "name": texts.text(script, "name"),
        "kind": _kind(script),
        "start": sc.start,
        "hazard": texts.text(sc, "hazard_name"),
        "category": texts.word("category", sc.category),
        "grade": _grade(sc.grade),
        "meaning": texts.text(sc, "grade_meaning"),
        "place": texts.text(sc, "place"),
        "area": texts.text(sc, "area"),
        "node": sc.node,
        "lat": sc.lat,
        "lon": sc.lon,
        "definition": texts.text(sc, "under_control"),
        "units": _units(script),
    }


def _cap_time(t: str) -> str:
    """A time as CAP 1.2 writes it: UTC as ``-00:00`` (never ``+00:00`` or ``Z``)."""
    if t.endswith("Z"):
        return t[:-1] + "-00:00"
    if t.endswith("+00:00"):
        return t[:-6] + "-00:00"
    return t


# ---------------------------------------------------------------- the alarm
def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    el.text = text
    return el


def _cap_info(alert: ET.Element, script: DrillScript) -> None:
    """One ``<info>`` block in the language in use."""
    a, sc = script.alarm, script.scene
    info = ET.SubElement(alert, f"{{{CAP_NS}}}info")
    _sub(info, "language", i18n.tag())
    _sub(info, "category", sc.cap_category)
    _sub(info, "event", texts.text(sc, "hazard_name"))
    _sub(info, "responseType", "Assess")
    _sub(info, "urgency", "Immediate")
    _sub(info, "severity", "Unknown")
    _sub(info, "certainty", "Observed")
    _sub(info, "senderName", texts.text(a, "sender"))
    _sub(info, "headline", texts.text(a, "headline"))
    _sub(info, "description", texts.text(a, "message"))
    _sub(info, "instruction", texts.text(a, "instruction"))
    area = ET.SubElement(info, f"{{{CAP_NS}}}area")
    _sub(
        area,
        "areaDesc",
        _("{place} ({area})").format(place=texts.text(sc, "place"), area=texts.text(sc, "area")),
    )
    _sub(area, "circle", f"{sc.lat:.6f},{sc.lon:.6f} 0.2")


def _cap_note(script: DrillScript) -> str:
    return _("EXERCISE {exercise}. THIS IS A DRILL. {name}.").format(
        exercise=script.exercise_id, name=texts.text(script, "name")
    )


def cap_alert(script: DrillScript) -> bytes:
    """The initial alarm as a CAP 1.2 alert (UTF-8 XML bytes).

    Severity is ``Unknown``: grading the incident is the players' job. The
    ``<info>`` block is in the language in use (``<language>zh-CN`` or
    ``en-US``); a Chinese alert adds an English block after it, and its
    restriction and note give both languages. UTC times are written
    ``-00:00``, as CAP 1.2 asks.
    """
    ET.register_namespace("", CAP_NS)
    a = script.alarm
    english = i18n.get_language() == "en"
    restriction, note = _("Drill participants only"), _cap_note(script)
    if not english:
        with i18n.language("en"):
            restriction_en = _("Drill participants only")
            note_en = _cap_note(script)
        restriction = f"{restriction} / {restriction_en}"
        note = f"{note} / {note_en}"
    alert = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(alert, "identifier", f"{script.exercise_id}-alarm")
    _sub(alert, "sender", CAP_SENDER)
    _sub(alert, "sent", _cap_time(a.sent))
    _sub(alert, "status", "Exercise")
    _sub(alert, "msgType", "Alert")
    _sub(alert, "scope", "Restricted")
    _sub(alert, "restriction", restriction)
    _sub(alert, "note", note)
    _sub(alert, "incidents", script.exercise_id)
    _cap_info(alert, script)
    if not english:  # a receiver that reads no Chinese still gets the alert
        with i18n.language("en"):
            _cap_info(alert, script)
    ET.indent(alert)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True) + b"\n"


def alarm_text(script: DrillScript) -> str:
    """The initial alarm as plain text for whoever answers the call."""
    a = script.alarm
    return (
        _("*** EXERCISE {exercise} - THIS IS A DRILL ***").format(exercise=script.exercise_id)
        + "\n\n"
        + _("Time:    {time}").format(time=a.sent)
        + "\n"
        + _("From:    {sender}").format(sender=texts.text(a, "sender"))
        + "\n"
        + _("To:      {recipient}").format(recipient=texts.text(a, "recipient"))
        + "\n"
        + _("Channel: {channel}").format(channel=texts.text(a, "channel"))
        + "\n\n"
        + f"{texts.text(a, 'message')}\n\n"
        + f"{texts.text(a, 'instruction')}\n\n"
        + _("*** THIS IS A DRILL ***")
        + "\n"
    )


# ---------------------------------------------------------------- the injects
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


#: Text columns of the inject CSV; each has a ``<column>_zh`` companion.
_INJECT_TEXTS = _INJECT_COLS[2:3] + _INJECT_COLS[4:]


def _zh(record: Any, field: str) -> str:
    """Field ``field`` of a script record in Chinese (a CSV companion column)."""
    with i18n.language("zh"):
        return texts.text(record, field)


def injects_csv(script: DrillScript) -> str:
    """The inject timeline as CSV (one row per inject, with its planned clock time).

    A machine file: every cell is the same in every language. The text columns
    hold the English text the script records; each has a ``<column>_zh``
    companion holding its Chinese, present in every language.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["no", "offset_min", "planned_time", *_INJECT_COLS[2:], *(f"{c}_zh" for c in _INJECT_TEXTS)]
    )
    for i in script.injects:
        w.writerow(
            [
                i.no,
                i.offset_min,
                _clock(script, i.offset_min),
                *(getattr(i, c) for c in _INJECT_COLS[2:]),
                *(_zh(i, c) for c in _INJECT_TEXTS),
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
    s = _scene(script)
    return [
        _("- Exercise: **{exercise}** - {name} ({kind})").format(**s),
        _("- Start (alarm): **{start}**").format(**s),
        _("- Hazard: **{hazard}** ({category}), grade **{grade}**: {meaning}").format(**s),
        _("- Place: **{place}** (area {area}; node {node}; {lat:.5f} N, {lon:.5f} E)").format(**s),
        _("- Under control means: {definition}").format(**s),
        _("- Participating units: {units}").format(**s),
    ]


def _inject_rows(script: DrillScript) -> list[list[object]]:
    """One row per inject for the controllers' timeline (Markdown and HTML alike)."""
    return [
        [
            i.no,
            _("+{offset:g} min").format(offset=i.offset_min),
            _clock(script, i.offset_min),
            texts.text(i, "trigger") or "-",
            f"{texts.text(i, 'sender')} -> {texts.text(i, 'recipient')}",
            texts.text(i, "channel"),
            texts.text(i, "message"),
            texts.text(i, "expected_action"),
            texts.text(i, "capability"),
        ]
        for i in script.injects
    ]


def _inject_header() -> list[str]:
    return [
        _("No"),
        _("Offset"),
        _("Planned"),
        _("Trigger"),
        _("From -> to"),
        _("Channel"),
        _("Message"),
        _("Expected action"),
        _("Capability"),
    ]


def _alarm_line(script: DrillScript) -> dict[str, str]:
    a = script.alarm
    return {
        "time": a.sent,
        "sender": texts.text(a, "sender"),
        "recipient": texts.text(a, "recipient"),
        "channel": texts.text(a, "channel"),
        "message": texts.text(a, "message"),
    }


_ALARM_LINE = N_("{time} - {sender} -> {recipient} ({channel}): {message}")


def injects_markdown(script: DrillScript) -> str:
    """The controllers' inject timeline, printable Markdown."""
    rows = _inject_rows(script)
    return (
        _("# Controller timeline - EXERCISE {exercise}").format(exercise=script.exercise_id)
        + "\n\n"
        + _("Restricted: controllers only. Release each inject at its time or trigger.")
        + "\n\n"
        + "\n".join(_scene_lines(script))
        + "\n\n"
        + _("## Initial alarm")
        + "\n\n"
        + _(_ALARM_LINE).format(**_alarm_line(script))
        + "\n\n"
        + _("## Injects")
        + "\n\n"
        + _md_table(_inject_header(), rows)
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
    banner = _("EXERCISE - THIS IS A DRILL - RESTRICTED")
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.tag()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<p class="banner">{html.escape(banner)}</p>'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def _scene_html(script: DrillScript) -> str:
    s = _scene(script)
    rows = [
        [_("Exercise"), _("{exercise} - {name} ({kind})").format(**s)],
        [_("Start (alarm)"), s["start"]],
        [_("Hazard"), _("{hazard} ({category})").format(**s)],
        [_("Grade"), _("{grade}: {meaning}").format(**s)],
        [
            _("Place"),
            _("{place} (area {area}; node {node}; {lat:.5f} N, {lon:.5f} E)").format(**s),
        ],
        [_("Under control means"), s["definition"]],
        [_("Participating units"), s["units"]],
    ]
    return _html_table(["", ""], rows)


def injects_html(script: DrillScript) -> str:
    """The controllers' inject timeline, a printable HTML page."""
    rows = _inject_rows(script)
    line = {k: html.escape(v) for k, v in _alarm_line(script).items()}
    alarm_heading = html.escape(_("Initial alarm"))
    alarm_text = _(_ALARM_LINE).format(**line)
    injects_heading = html.escape(_("Injects"))
    body = (
        _scene_html(script)
        + f"<h2>{alarm_heading}</h2>"
        + f"<p>{alarm_text}</p>"
        + f"<h2>{injects_heading}</h2>"
        + _html_table(_inject_header(), rows)
    )
    title = _("Controller timeline - EXERCISE {exercise}").format(exercise=script.exercise_id)
    return _html_page(title, body)


# ---------------------------------------------------------------- the evaluation
def _bench_rows(script: DrillScript) -> list[list[Any]]:
    out = []
    for r in script.evaluation.get("benchmark", []):
        tgt = "" if r["target_min"] is None else f"{r['target_min']:g}"
        ok = {None: "", True: _("yes"), False: _("NO")}[r["within_target"]]
        at = "-" if r["at_min"] is None else f"{r['at_min']:g}"
        out.append([at, r["clock"], texts.text(r, "event"), texts.text(r, "detail"), tgt, ok, ""])
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
    return _(
        "{replications} simulated responses to this incident alone (random call-taking, "
        "turnout and work times, travel noise cv {noise:g}); full complement reached in "
        "{served:.0f} % of them. Minutes after the call."
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
                _zh(r, "event"),
                _zh(r, "detail"),
            ]
        )
    return buf.getvalue()


def _sheet_parts(script: DrillScript) -> dict[str, Any]:
    ev = script.evaluation
    standard = [[texts.text(s, "item"), f"{s['target_min']:g}", "", ""] for s in ev["standard"]]
    rep = ev["reporting"]
    reporting = [[_report(k), f"{v:g}", "", ""] for k, v in rep["deadlines_min"].items()]
    for g, d in rep.get("escalated", {}).items():
        reporting += [
            [
                _("{report} (after upgrade to grade {grade})").format(
                    report=_report(k), grade=_grade(g)
                ),
                f"{v:g}",
                "",
                "",
            ]
            for k, v in d.items()
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
        "grade": _grade(rep["grade"]),
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
        *_scene_lines(script),
        "",
        _("## Response standard (minutes after the call)"),
        "",
        _md_table([_("Item"), _("Target"), _("Observed"), _("Met?")], p["standard"]),
        "",
        _("## Reporting deadlines (grade {grade}, minutes after the call)").format(
            grade=p["grade"]
        ),
        "",
        _md_table([_("Report"), _("Deadline"), _("Observed"), _("Met?")], p["reporting"]),
        "",
        _("## Expected actions (scale {scale}: {levels})").format(
            scale=p["scale"], levels=p["levels"]
        ),
        "",
        _md_table(_items_header(), p["items"]),
        "",
        *(
            [
                _("## Roles (six-no: none assigned in advance; record who took each, and when)"),
                "",
                _md_table(_roles_header(), p["roles"]),
                "",
            ]
            if p["roles"]
            else []
        ),
        _("## Benchmark timeline (what the plan allows; free-flow roads, every team free)"),
        "",
        _md_table(_bench_header(), _bench_rows(script)),
        "",
        *(
            [
                _("## Simulated spread"),
                "",
                _spread_caption(script),
                "",
                _md_table(_spread_header(), spread),
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
        _scene_html(script)
        + h2(_("Response standard (minutes after the call)"))
        + _html_table([_("Item"), _("Target"), _("Observed"), _("Met?")], p["standard"])
        + h2(_("Reporting deadlines (grade {grade})").format(grade=p["grade"]))
        + _html_table([_("Report"), _("Deadline (min)"), _("Observed"), _("Met?")], p["reporting"])
        + h2(_("Expected actions"))
        + "<p>"
        + html.escape(_("Scale {scale}: {levels}").format(scale=p["scale"], levels=p["levels"]))
        + "</p>"
        + _html_table(_items_header(), p["items"])
        + (
            h2(_("Roles"))
            + "<p>"
            + html.escape(_("Six-no: none assigned in advance; record who took each, and when."))
            + "</p>"
            + _html_table(_roles_header(), p["roles"])
            if p["roles"]
            else ""
        )
        + h2(_("Benchmark timeline"))
        + "<p>"
        + html.escape(_("What the plan allows: free-flow roads, every team free, mean turnout."))
        + "</p>"
        + _html_table(_bench_header(), _bench_rows(script))
    )
    spread = _spread_rows(script)
    if spread:
        body += (
            h2(_("Simulated spread"))
            + f"<p>{html.escape(_spread_caption(script))}</p>"
            + _html_table(_spread_header(), spread)
        )
    if map_file:
        alt = html.escape(_("scene map"))
        body += (
            h2(_("Map")) + f'<img src="{html.escape(map_file)}" alt="{alt}" style="max-width:100%">'
        )
    title = _("Evaluation sheet - EXERCISE {exercise}").format(exercise=script.exercise_id)
    return _html_page(title, body)
