"""The controllers' packet: the inject timeline as CSV, Markdown and printable HTML.

The Markdown and HTML timelines are in the language in use. The CSV is a
machine file, byte-identical in every language: English text (as the script
records it) with a ``<column>_zh`` companion column holding the Chinese.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime, timedelta

from experiments.drill.packet_tables import html_page, html_table, md_table
from experiments.drill.packet_text import scene_html, scene_lines, zh
from networks.i18n import N_, _
from networks.moments import clock_text, moment_text
from scenarios.drill import texts
from scenarios.drill.script import DrillScript

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


def _clock_at(script: DrillScript, offset: float) -> datetime:
    return datetime.fromisoformat(script.scene.start) + timedelta(minutes=offset)


def _clock(script: DrillScript, offset: float) -> str:
    """The planned time of the CSV (a machine column: one form in every language)."""
    return _clock_at(script, offset).strftime("%Y-%m-%d %H:%M")


#: Text columns of the inject CSV; each has a ``<column>_zh`` companion.
_INJECT_TEXTS = _INJECT_COLS[2:3] + _INJECT_COLS[4:]


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
                *(zh(i, c) for c in _INJECT_TEXTS),
            ]
        )
    return buf.getvalue()


def _inject_rows(script: DrillScript) -> list[list[object]]:
    """One row per inject for the controllers' timeline (Markdown and HTML alike)."""
    return [
        [
            i.no,
            _("+{offset:g} min").format(offset=i.offset_min),
            clock_text(_clock_at(script, i.offset_min), script.scene.start),
            texts.text(i, "trigger") or "-",
            f"{texts.text(i, 'sender')} → {texts.text(i, 'recipient')}",
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
        _("From → to"),
        _("Channel"),
        _("Message"),
        _("Expected action"),
        _("Capability"),
    ]


def _alarm_line(script: DrillScript) -> dict[str, str]:
    a = script.alarm
    return {
        "time": moment_text(a.sent),
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
        + "\n".join(scene_lines(script))
        + "\n\n"
        + _("## Initial alarm")
        + "\n\n"
        + _(_ALARM_LINE).format(**_alarm_line(script))
        + "\n\n"
        + _("## Injects")
        + "\n\n"
        + md_table(_inject_header(), rows)
        + "\n"
    )


def injects_html(script: DrillScript) -> str:
    """The controllers' inject timeline, a printable HTML page."""
    rows = _inject_rows(script)
    line = {k: html.escape(v) for k, v in _alarm_line(script).items()}
    alarm_heading = html.escape(_("Initial alarm"))
    alarm_text = _(_ALARM_LINE).format(**line)
    injects_heading = html.escape(_("Injects"))
    body = (
        scene_html(script)
        + f"<h2>{alarm_heading}</h2>"
        + f"<p>{alarm_text}</p>"
        + f"<h2>{injects_heading}</h2>"
        + html_table(_inject_header(), rows)
    )
    title = _("Controller timeline - EXERCISE {exercise}").format(exercise=script.exercise_id)
    return html_page(title, body)
