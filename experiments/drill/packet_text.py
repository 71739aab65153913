"""The scene in words, shared by the drill packets of every role.

The drill's type and blind level, its grade, the participating units and the
scene block at the top of the controllers' timeline and the evaluators' sheet
(:func:`scene_lines` for Markdown, :func:`scene_html` for HTML), all in the
language in use; and :func:`zh`, a script field in Chinese for the ``<column>_zh``
companion columns of the machine CSVs.
"""

from __future__ import annotations

from typing import Any

from experiments.drill.packet_tables import html_table
from networks import i18n
from networks.i18n import N_, _
from networks.moments import moment_text
from scenarios.drill import texts
from scenarios.drill.script import DrillScript

#: How the type and blind level of a drill read in a header: "(field, six-no blind)".
_TYPE = {"field": N_("field, {blind}"), "tabletop": N_("tabletop, {blind}")}
_BLIND = {
    "single": N_("single blind"),
    "double": N_("double blind"),
    "six-no": N_("six-no blind"),
}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _kind(script: DrillScript) -> str:
    """``field, six-no blind``: the drill's type and blind level."""
    blind = _BLIND.get(script.blind_level)
    blind_text = _(blind) if blind else f"{script.blind_level} blind"
    form = _TYPE.get(script.drill_type)
    return _(form).format(blind=blind_text) if form else f"{script.drill_type}, {blind_text}"


def kind_text(script: DrillScript) -> str:
    """The drill's type and blind level as a header reads them (``field, six-no blind``)."""
    return _kind(script)


def units_text(script: DrillScript) -> str:
    """The participating stations, listed in the language in use."""
    return _units(script)


def grade(roman_or_number: Any) -> str:
    """A grade (1-4 or ``"I"``-``"IV"``) as shown: ``IV`` (Chinese: ``Ⅳ级（一般）``)."""
    g = _ROMAN.get(roman_or_number, roman_or_number)
    return texts.word("grade", g) if g in (1, 2, 3, 4) else str(roman_or_number)


def _units(script: DrillScript) -> str:
    return texts.render(texts.listing([texts.facility(u) for u in script.participants]))


def _scene(script: DrillScript) -> dict[str, Any]:
    """The scene's words in the language in use (numbers as they are)."""
    sc = script.scene
    return {
        "exercise": script.exercise_id,
        "name": texts.text(script, "name"),
        "kind": _kind(script),
        "start": moment_text(sc.start),
        "hazard": texts.text(sc, "hazard_name"),
        "category": texts.word("category", sc.category),
        "grade": grade(sc.grade),
        "meaning": texts.text(sc, "grade_meaning"),
        "place": texts.text(sc, "place"),
        "area": texts.text(sc, "area"),
        "node": sc.node,
        "lat": sc.lat,
        "lon": sc.lon,
        "definition": texts.text(sc, "under_control"),
        "units": _units(script),
    }


def zh(record: Any, field: str) -> str:
    """Field ``field`` of a script record in Chinese (a CSV companion column)."""
    with i18n.language("zh"):
        return texts.text(record, field)


def scene_lines(script: DrillScript) -> list[str]:
    """The scene as Markdown list items, for the head of a packet."""
    s = _scene(script)
    return [
        _("- Exercise: **{exercise}** - {name} ({kind})").format(**s),
        _("- Start (alarm): **{start}**").format(**s),
        _("- Hazard: **{hazard}** ({category}), grade **{grade}**: {meaning}").format(**s),
        _("- Place: **{place}** (area {area}; node {node}; {lat:.5f} N, {lon:.5f} E)").format(**s),
        _("- Under control means: {definition}").format(**s),
        _("- Participating units: {units}").format(**s),
    ]


def scene_html(script: DrillScript) -> str:
    """The scene as an HTML table, for the head of a packet."""
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
    return html_table(["", ""], rows)
