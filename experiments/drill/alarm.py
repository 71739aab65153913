"""The participants' packet: the initial alarm as CAP 1.2 XML and as plain text.

The CAP alert has status ``Exercise`` and the exercise id in ``<note>``; its
``<info>`` block is in the language in use, and a Chinese alert carries a
second ``<info>`` block in English after the Chinese one.

What the text adds to the caller's words follows the blind level
(:data:`scenarios.drill.workgroups.DISCLOSURE`): where participants learn the
method and their roles by the alarm (double and single blind), the alarm text
says how the drill is run and gives the command post, its work groups and
their lead units; at six-no it says neither (no roles assigned, no method
disclosed). The CAP alert carries the incident alone, at every level.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from networks import i18n
from networks.i18n import _
from networks.moments import moment_text
from scenarios.drill import texts
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import CommandPost, known_at_alarm

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
#: CAP sender of drill traffic (a placeholder address that can never be real).
CAP_SENDER = "drill-control@yingji.invalid"


def _cap_time(t: str) -> str:
    """A time as CAP 1.2 writes it: ``YYYY-MM-DDThh:mm:ss`` and ``+hh:mm`` or ``-hh:mm``.

    A zero offset (UTC, written ``Z`` or ``+00:00`` by ISO 8601 tools) is
    ``-00:00``, as CAP 1.2 requires; fractional seconds are dropped. An offset
    that is not whole minutes (a historical local mean time) is written in UTC.

    Raises
    ------
    ValueError
        If ``t`` is not an ISO 8601 date-time with a UTC offset.
    """
    moment = datetime.fromisoformat(t).replace(microsecond=0)
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"a CAP time needs a UTC offset, got {t!r}")
    if offset % timedelta(minutes=1):
        moment, offset = moment.astimezone(UTC), timedelta(0)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if not offset:
        return stamp + "-00:00"
    sign, minutes = ("-", -offset) if offset < timedelta(0) else ("+", offset)
    hours, mins = divmod(int(minutes.total_seconds()) // 60, 60)
    return f"{stamp}{sign}{hours:02d}:{mins:02d}"


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


#: How a drill is run, as participants are told where the blind level discloses it.
METHODS = {
    "field": ("Field drill: turn out and act for real; the controllers bring further "
              "information by phone, radio or in person.",
              "实战演练：实际出动、实际处置；导调人员通过电话、电台或现场通报后续情况。"),
    "tabletop": ("Tabletop drill: decide and answer at the table; the controllers hand "
                 "further information out on written cards.",
                 "桌面推演：在桌面研究决策并作答；导调人员以书面情景卡发布后续情况。"),
}  # fmt: skip


def disclosed_lines(script: DrillScript) -> list[str]:
    """What the alarm text tells participants beyond the call, by the blind level.

    The method of the drill and the role assignment (the command post, its
    commander, and each work group with its lead unit), each only where
    :func:`scenarios.drill.workgroups.known_at_alarm` says participants know
    it by the alarm; nothing at six-no.
    """
    out: list[str] = []
    level = script.blind_level
    method = METHODS.get(script.drill_type)
    if method and known_at_alarm(level, "participants", "method"):
        out += [i18n.both(*method), ""]
    if known_at_alarm(level, "participants", "roles"):
        post = CommandPost.from_record(script.evaluation.get("command_post"))
        out.append(
            i18n.both(
                "Roles: set up the on-site command post (commander: {commander}) with these "
                "work groups and lead units:",
                "角色分工：开设现场指挥部（指挥长：{commander}），下设以下工作组及牵头单位：",
            ).format(commander=i18n.both(post.commander, post.commander_zh))
        )
        for g in post.groups:
            out.append(
                i18n.both("- {group}: {lead}", "- {group}：{lead}").format(
                    group=i18n.both(g.name, g.name_zh), lead=i18n.both(g.lead, g.lead_zh)
                )
            )
        out.append("")
    return out


def alarm_text(script: DrillScript) -> str:
    """The initial alarm as plain text for whoever answers the call.

    The caller's words and the drill instruction; then, where the blind level
    discloses them at the alarm, the method and the roles (:func:`disclosed_lines`).
    """
    a = script.alarm
    extra = disclosed_lines(script)
    return (
        _("*** EXERCISE {exercise} - THIS IS A DRILL ***").format(exercise=script.exercise_id)
        + "\n\n"
        + _("Time:    {time}").format(time=moment_text(a.sent))
        + "\n"
        + _("From:    {sender}").format(sender=texts.text(a, "sender"))
        + "\n"
        + _("To:      {recipient}").format(recipient=texts.text(a, "recipient"))
        + "\n"
        + _("Channel: {channel}").format(channel=texts.text(a, "channel"))
        + "\n\n"
        + f"{texts.text(a, 'message')}\n\n"
        + f"{texts.text(a, 'instruction')}\n\n"
        + "".join(f"{line}\n" for line in extra)
        + _("*** THIS IS A DRILL ***")
        + "\n"
    )
