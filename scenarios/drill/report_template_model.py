"""The report forms as data: the three report kinds, a form's fields, a form.

The kinds of report (首报 / 续报 / 终报) and their other spellings, one blank of
a form (:class:`TemplateField`) and one form (:class:`ReportTemplate`). The set
of forms, its lookup and completeness are in :mod:`scenarios.drill.report_templates`;
reading and validating a templates table in :mod:`scenarios.drill.report_template_reading`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from networks.i18n import N_, _, both

__all__ = [
    "CHOICE_TYPES",
    "FIELD_TYPES",
    "FORMAT",
    "KINDS",
    "KIND_NAMES",
    "PURPOSES",
    "ReportTemplate",
    "TemplateField",
    "kind_name",
    "report_kind",
    "sentence_parts",
]

#: Format tag of a templates file (optional in a file; checked if present).
FORMAT = "yingji-report-templates/1"
#: What a blank asks for: one line of text, a box of text, a date and time, a
#: whole number, a number, one box to tick, any boxes to tick, a place, a phone number.
FIELD_TYPES = (
    "text", "longtext", "datetime", "integer", "number", "choice", "multichoice", "place", "phone",
)  # fmt: skip
#: Types whose blank is a row of boxes to tick.
CHOICE_TYPES = ("choice", "multichoice")
#: The three reports of an event, in order: 首报, 续报, 终报.
KINDS = ("first", "followup", "final")
#: Names of the reports (English msgids; Chinese 首报 / 续报 / 终报).
KIND_NAMES = {
    "first": N_("first report"),
    "followup": N_("follow-up report"),
    "final": N_("final report"),
}
#: What a form is for: an incident information report or a public-opinion bulletin.
PURPOSES = ("incident", "public_opinion")

#: Other spellings of the kinds (an evaluator's sheet may say 首报 or "follow-up").
_KIND_ALIASES = {
    "首报": "first",
    "initial": "first",
    "续报": "followup",
    "follow-up": "followup",
    "follow_up": "followup",
    "终报": "final",
}


def report_kind(value: str) -> str | None:
    """The kind a text names (``"first"``, ``"首报"``, ``"Follow-up"`` ...), or None."""
    v = str(value).strip()
    v = v.lower() if v.isascii() else v
    if v in KINDS:
        return v
    return _KIND_ALIASES.get(v)


def kind_name(kind: str) -> str:
    """The name of a report kind in the language in use: 首报 / first report."""
    return _(KIND_NAMES[kind])


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(
            _("unknown report kind {kind!r} (expected one of {kinds})").format(
                kind=kind, kinds=", ".join(KINDS)
            )
        )
    return kind


@dataclass(frozen=True)
class TemplateField:
    """One blank of a form.

    Attributes
    ----------
    key
        Machine key (the same in every language), e.g. ``"dead"``.
    label, label_zh
        What the form asks, in English and Chinese (``""`` = none given).
    type
        One of :data:`FIELD_TYPES`.
    options, options_zh
        The boxes of a ``choice`` or ``multichoice`` field.
    unit, unit_zh
        Printed after a number's blank (``人``, ``万元``).
    hint, hint_zh
        A short prompt printed under the blank.
    on
        The reports (:data:`KINDS`) whose form has the field.
    first_required, followup_required, final_required
        Whether that report must fill it in.
    """

    key: str
    label: str
    type: str
    label_zh: str = ""
    options: tuple[str, ...] = ()
    options_zh: tuple[str, ...] = ()
    unit: str = ""
    unit_zh: str = ""
    hint: str = ""
    hint_zh: str = ""
    on: tuple[str, ...] = KINDS
    first_required: bool = False
    followup_required: bool = False
    final_required: bool = False

    def label_text(self) -> str:
        """The label in the language in use."""
        return both(self.label, self.label_zh)

    def hint_text(self) -> str:
        """The hint in the language in use (``""`` if none)."""
        return both(self.hint, self.hint_zh)

    def unit_text(self) -> str:
        """The unit in the language in use (``""`` if none)."""
        return both(self.unit, self.unit_zh)

    def option_texts(self) -> tuple[str, ...]:
        """The options in the language in use."""
        return tuple(both(en, zh) for en, zh in zip(self.options, self._zh_options(), strict=True))

    def _zh_options(self) -> tuple[str, ...]:
        return self.options_zh or ("",) * len(self.options)

    def is_on(self, kind: str) -> bool:
        """Whether the form of report ``kind`` has this field."""
        return kind in self.on

    def required(self, kind: str) -> bool:
        """Whether report ``kind`` must fill this field in."""
        return bool(getattr(self, f"{_kind(kind)}_required"))

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table (without the key)."""
        out: dict[str, Any] = {"label": self.label, "type": self.type}
        for k in ("label_zh", "unit", "unit_zh", "hint", "hint_zh"):
            if getattr(self, k):
                out[k] = getattr(self, k)
        if self.options:
            out["options"] = list(self.options)
        if self.options_zh:
            out["options_zh"] = list(self.options_zh)
        out["on"] = list(self.on)
        for k in KINDS:
            out[f"{k}_required"] = getattr(self, f"{k}_required")
        return out


@dataclass(frozen=True)
class ReportTemplate:
    """One form: the information report of a family of events, or the bulletin.

    Attributes
    ----------
    key
        Machine key, e.g. ``"geological"``; printed files are named after it.
    title, title_zh
        The form's name.
    purpose
        ``"incident"`` or ``"public_opinion"`` (:data:`PURPOSES`).
    category
        The event category of an incident form (:data:`scenarios.stream.CATEGORIES`);
        ``""`` if none.
    hazards
        Hazard keys of the catalogue this form is for.
    fields
        The blanks, in printed order.
    note, note_zh
        Guidance printed under the form.
    sentence, sentence_zh
        The first report as one sentence with ``{field}`` blanks (``""`` = none).
    """

    key: str
    title: str
    purpose: str
    fields: tuple[TemplateField, ...]
    title_zh: str = ""
    category: str = ""
    hazards: tuple[str, ...] = ()
    note: str = ""
    note_zh: str = ""
    sentence: str = ""
    sentence_zh: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {f.key: f for f in self.fields})

    @property
    def keys(self) -> tuple[str, ...]:
        """Field keys, in printed order."""
        return tuple(f.key for f in self.fields)

    def field(self, key: str) -> TemplateField:
        """The field of key ``key`` (KeyError if the form has none)."""
        return self._index[key]  # type: ignore[attr-defined]

    def fields_for(self, kind: str) -> tuple[TemplateField, ...]:
        """The fields on the form of report ``kind``, in order."""
        k = _kind(kind)
        return tuple(f for f in self.fields if f.is_on(k))

    def required_fields(self, kind: str) -> tuple[TemplateField, ...]:
        """The fields report ``kind`` must fill in, in order."""
        return tuple(f for f in self.fields if f.required(kind))

    def title_text(self) -> str:
        """The title in the language in use."""
        return both(self.title, self.title_zh)

    def note_text(self) -> str:
        """The note in the language in use (``""`` if none)."""
        return both(self.note, self.note_zh)

    def sentence_text(self) -> str:
        """The fill-in sentence in the language in use (``""`` if none)."""
        return both(self.sentence, self.sentence_zh)

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table with every field defined in ``define`` (no shared library)."""
        out: dict[str, Any] = {"title": self.title, "purpose": self.purpose}
        for k in ("title_zh", "category", "note", "note_zh", "sentence", "sentence_zh"):
            if getattr(self, k):
                out[k] = getattr(self, k)
        out["hazards"] = list(self.hazards)
        out["fields"] = list(self.keys)
        out["define"] = {f.key: f.to_dict() for f in self.fields}
        return out


def sentence_parts(text: str) -> list[tuple[str, str | None]]:
    """A fill-in sentence as ``(literal text, field key or None)`` pairs, in order."""
    return [(lit, key) for lit, key, _spec, _conv in string.Formatter().parse(text)]
