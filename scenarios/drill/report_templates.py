"""Fill-in-the-blank information report forms (信息报告模板), as data.

"把问答题变为填空题": instead of writing an incident report from nothing, the duty
officer fills in a fixed form. The shipped set (``scenarios/data/report_templates.toml``)
has twelve forms: eleven incident information reports, one per family of events a
county bureau handles, and the public-opinion bulletin (舆情通报). Each form serves
the three reports of an event:

* ``first`` (首报): fast; what happened, when, where, the grade, the casualties,
  what is being done and what is needed;
* ``followup`` (续报一、续报二……): numbered; what changed since the last report,
  with the casualty figures as current totals;
* ``final`` (终报): the summary, the cause and the aftermath.

Every field says which of the three it is on and which must fill it in, so an
evaluator can score a report's completeness (:func:`completeness`). A bureau
replaces the whole set with a TOML file of the same shape
(:func:`load_templates`); a mistake is a :class:`~networks.errors.ConfigError`
naming the file and the dotted key. The texts come in English and Chinese
(``label``/``label_zh`` and so on); the accessors follow the language in use
(:mod:`networks.i18n`)::

    forms = load_templates()
    t = forms.lookup("landslide", "natural_disaster")  # the geological form
    t.title_text()                                      # 地质灾害信息报告 / Geological ...
    [f.key for f in t.required_fields("first")]
    completeness(t, "first", {"time": "2026-05-01 14:20", "place": "Shangba"})

Printable forms (HTML and .docx) are made in :mod:`experiments.drill.report_forms`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from networks.i18n import N_, _, both
from scenarios.stream import CATEGORIES
from scenarios.validate import Reader, read_toml

__all__ = [
    "FIELD_TYPES",
    "FORMAT",
    "KINDS",
    "KIND_NAMES",
    "PURPOSES",
    "ReportTemplate",
    "ReportTemplates",
    "TemplateField",
    "completeness",
    "kind_name",
    "load_templates",
    "report_kind",
    "shipped_templates_path",
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
_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
_KEY_MESSAGE = N_(
    "expected a key of lower-case letters, digits and underscores, starting with a letter"
)
#: Texts of a field with a ``_zh`` twin.
_FIELD_TEXTS = ("label", "hint", "unit", "options")
_FIELD_KEYS = frozenset(
    {*_FIELD_TEXTS, *(f"{k}_zh" for k in _FIELD_TEXTS), "type", "on"}
    | {f"{k}_required" for k in KINDS}
)
_TEMPLATE_KEYS = frozenset(
    {
        "title", "title_zh", "purpose", "category", "hazards", "note", "note_zh",
        "sentence", "sentence_zh", "fields", "define",
    }
)  # fmt: skip
_SHIPPED = "report_templates.toml"


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


@dataclass(frozen=True)
class ReportTemplates:
    """A set of forms, in printed order (the shipped twelve or a bureau's own).

    Attributes
    ----------
    templates
        The forms, in file order.
    source
        The file they were read from (for messages), or None.
    """

    templates: tuple[ReportTemplate, ...]
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.key: t for t in self.templates})

    def __getitem__(self, key: str) -> ReportTemplate:
        return self._index[key]  # type: ignore[attr-defined]

    def __contains__(self, key: object) -> bool:
        return key in self._index  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[ReportTemplate]:
        return iter(self.templates)

    def __len__(self) -> int:
        return len(self.templates)

    @property
    def keys(self) -> tuple[str, ...]:
        """Template keys, in file order."""
        return tuple(t.key for t in self.templates)

    def lookup(self, hazard: str, category: str | None = None) -> ReportTemplate | None:
        """The incident form for a drill scene.

        The form that lists ``hazard``; else the first incident form of
        ``category`` (a hazard of the bureau's own catalogue that no form
        names); else None.
        """
        incident = [t for t in self.templates if t.purpose == "incident"]
        for t in incident:
            if hazard in t.hazards:
                return t
        for t in incident:
            if category and t.category == category:
                return t
        return None

    def for_purpose(self, purpose: str) -> tuple[ReportTemplate, ...]:
        """The forms of one purpose (``"public_opinion"``: the bulletins)."""
        return tuple(t for t in self.templates if t.purpose == purpose)

    # ----------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table; :meth:`from_dict` reads it back to an equal set."""
        return {"format": FORMAT, "templates": {t.key: t.to_dict() for t in self.templates}}

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> ReportTemplates:
        """Validate a whole templates table (``[fields.*]`` and ``[templates.*]``).

        Raises
        ------
        ConfigError
            Naming ``source`` and the dotted key of the first mistake.
        """
        r = Reader(data, source=source)
        r.allow({"format", "fields", "templates"})
        if r.has("format"):
            r.str("format", choices=(FORMAT,))
        lib = r.table("fields", {})
        for key in lib.data:
            _check_key(lib, key)
            # A shared field must be whole on its own; templates may then change parts of it.
            _read_field(str(key), [lib.table(key)], lib.table(key))
        tr = r.table("templates", {})
        if not tr.data:
            raise r.error("templates", _("expected at least one [templates.KEY] table"))
        out: list[ReportTemplate] = []
        owner: dict[str, str] = {}
        for key in tr.data:
            _check_key(tr, key)
            t = _read_template(str(key), tr.table(key), lib)
            hr = tr.table(key)
            for j, h in enumerate(t.hazards):
                if h in owner:
                    raise hr.error(
                        f"hazards[{j}]",
                        _("hazard {hazard!r} already has the form {template!r}").format(
                            hazard=h, template=owner[h]
                        ),
                    )
                owner[h] = t.key
            out.append(t)
        return cls(tuple(out), source)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(
            _("unknown report kind {kind!r} (expected one of {kinds})").format(
                kind=kind, kinds=", ".join(KINDS)
            )
        )
    return kind


def _check_key(r: Reader, key: Any) -> None:
    if not isinstance(key, str) or not _KEY.match(key):
        raise r.error(str(key), _(_KEY_MESSAGE))


def _text(r: Reader, name: str, *, required: bool = False) -> str:
    """A one-line text; ``required`` texts must not be blank."""
    v = r.str(name) if required else r.str(name, "")
    if required and not v.strip():
        raise r.error(name, _("expected a non-empty string"))
    return v


def _strings(r: Reader, name: str) -> tuple[str, ...]:
    """A list of non-empty strings (``[]`` if absent)."""
    v = r.get(name, [])
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise r.error(name, _("expected a list of names"))
    return tuple(v)


class _Layers:
    """A field's attributes looked up in a template's ``define`` table, then the shared field.

    Each attribute is read from (and an error names) the first table that has it;
    a missing one is reported at ``missing``.
    """

    def __init__(self, layers: list[Reader], missing: Reader) -> None:
        self.layers = layers
        self.missing = missing

    def at(self, name: str) -> Reader:
        return next((r for r in self.layers if r.has(name)), self.missing)


def _read_field(key: str, layers: list[Reader], missing: Reader) -> TemplateField:
    """Validate one field from its layers (most specific first)."""
    for layer in layers:
        layer.allow(_FIELD_KEYS)
    look = _Layers(layers, missing)
    type_ = look.at("type").str("type", choices=FIELD_TYPES)
    label = _text(look.at("label"), "label", required=True)
    texts = {k: _text(look.at(k), k) for k in ("label_zh", "unit", "unit_zh", "hint", "hint_zh")}
    options = _strings(look.at("options"), "options")
    options_zh = _strings(look.at("options_zh"), "options_zh")
    if type_ in CHOICE_TYPES and not options:
        raise look.at("options").error(
            "options", _("a {type} field needs at least one option").format(type=type_)
        )
    if type_ not in CHOICE_TYPES and (options or options_zh):
        where = "options" if options else "options_zh"
        raise look.at(where).error(where, _("options are only for choice and multichoice fields"))
    if options_zh and len(options_zh) != len(options):
        raise look.at("options_zh").error(
            "options_zh",
            _("expected {n} Chinese options, one for each option").format(n=len(options)),
        )
    on_r = look.at("on")
    on = on_r.get("on", list(KINDS))
    if (
        not isinstance(on, list)
        or not on
        or not all(isinstance(k, str) and k in KINDS for k in on)
        or len(set(on)) != len(on)
    ):
        raise on_r.error(
            "on",
            _("expected a non-empty list of report kinds ({kinds})").format(kinds=", ".join(KINDS)),
        )
    required = {}
    for kind in KINDS:
        name = f"{kind}_required"
        rr = look.at(name)
        required[name] = rr.bool(name, False)
        if required[name] and kind not in on:
            raise rr.error(
                name,
                _("required in the {kind}, but the field is not on its form (on = {on})").format(
                    kind=kind_name(kind), on=", ".join(on)
                ),
            )
    return TemplateField(
        key=key,
        label=label,
        type=type_,
        options=options,
        options_zh=options_zh,
        on=tuple(k for k in KINDS if k in on),
        **texts,
        **required,
    )


def _without_stale_twins(shared: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """``shared`` without the ``_zh`` twins of texts that ``own`` replaces alone."""
    return {
        k: v
        for k, v in shared.items()
        if not (k.endswith("_zh") and k[:-3] in own and k not in own)
    }


def _read_template(key: str, r: Reader, lib: Reader) -> ReportTemplate:
    r.allow(_TEMPLATE_KEYS)
    purpose = r.str("purpose", "incident", choices=PURPOSES)
    if purpose == "incident":
        category = r.str("category", choices=CATEGORIES)
    else:
        category = r.str("category", "", choices=("", *CATEGORIES))
    hazards = _strings(r, "hazards")
    keys = r.get("fields")
    if not isinstance(keys, list) or not keys:
        raise r.error("fields", _("expected a non-empty list of field keys"))
    define = r.table("define", {})
    for k in define.data:
        if k not in keys:
            raise define.error(str(k), _("not in this template's fields list"))
    seen: dict[str, int] = {}
    fields = []
    for i, k in enumerate(keys):
        at = f"fields[{i}]"
        if not isinstance(k, str) or not _KEY.match(k):
            raise r.error(at, _(_KEY_MESSAGE))
        if k in seen:
            raise r.error(
                at,
                _("duplicate field key {key!r} (also fields[{i}])").format(key=k, i=seen[k]),
            )
        seen[k] = i
        own = define.table(k) if define.has(k) else None
        shared = lib.table(k) if lib.has(k) else None
        if own is None and shared is None:
            raise r.error(
                at,
                _("unknown field {key!r}: define it in [fields.{key}] or [{table}.{key}]").format(
                    key=k, table=define.key
                ),
            )
        layers = []
        if own is not None:
            layers.append(own)
        if shared is not None:
            data = _without_stale_twins(shared.data, own.data if own is not None else {})
            layers.append(Reader(data, source=shared.source, key=shared.key))
        fields.append(_read_field(k, layers, own if own is not None else layers[0]))
    t = ReportTemplate(
        key=key,
        title=_text(r, "title", required=True),
        title_zh=_text(r, "title_zh"),
        purpose=purpose,
        category=category,
        hazards=hazards,
        fields=tuple(fields),
        note=_text(r, "note"),
        note_zh=_text(r, "note_zh"),
        sentence=_text(r, "sentence"),
        sentence_zh=_text(r, "sentence_zh"),
    )
    first = {f.key for f in t.fields_for("first")}
    for name in ("sentence", "sentence_zh"):
        _check_sentence(r, name, getattr(t, name), first)
    return t


def _check_sentence(r: Reader, name: str, text: str, first: set[str]) -> None:
    """Every ``{blank}`` of a fill-in sentence names a field of the first report's form."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise r.error(name, _("not a valid template: {error}").format(error=exc)) from None
    for _literal, blank, spec, conversion in parts:
        if blank is None:
            continue
        if spec or conversion or blank not in first:
            raise r.error(
                name,
                _("placeholder {name!r} is not a field on the first report's form").format(
                    name=blank
                ),
            )


def sentence_parts(text: str) -> list[tuple[str, str | None]]:
    """A fill-in sentence as ``(literal text, field key or None)`` pairs, in order."""
    return [(lit, key) for lit, key, _spec, _conv in string.Formatter().parse(text)]


def shipped_templates_path() -> Path:
    """Path of the twelve forms shipped with the package."""
    return Path(str(resources.files("scenarios") / "data" / _SHIPPED))


def load_templates(path: str | Path | None = None) -> ReportTemplates:
    """The report forms: the shipped twelve, or a bureau's own file of the same shape.

    Parameters
    ----------
    path
        A TOML file that replaces the shipped set (None: the shipped file).

    Returns
    -------
    ReportTemplates

    Raises
    ------
    ConfigError
        Naming the file and the dotted key of the first mistake.
    """
    p = Path(path) if path is not None else shipped_templates_path()
    return ReportTemplates.from_dict(read_toml(p), source=str(p))


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return bool(value)
    return True


def completeness(
    template: ReportTemplate, kind: str, filled_fields: Mapping[str, Any] | Iterable[str]
) -> tuple[str, ...]:
    """The fields report ``kind`` must fill in that ``filled_fields`` leaves blank.

    Parameters
    ----------
    template
        The form the report was written on.
    kind
        ``"first"``, ``"followup"`` or ``"final"`` (or a spelling
        :func:`report_kind` knows, such as ``"首报"``).
    filled_fields
        The report's fields: a mapping of field key to value (``None``, blank
        text and empty lists count as not filled; ``0`` is filled) or the keys
        that were filled in. Keys the form does not have are ignored.

    Returns
    -------
    tuple of str
        The keys of the missing required fields, in the form's order (empty:
        the report is complete).
    """
    k = report_kind(kind) or kind
    if isinstance(filled_fields, Mapping):
        filled = {str(key) for key, v in filled_fields.items() if _filled(v)}
    else:
        filled = {str(key) for key in filled_fields}
    return tuple(f.key for f in template.required_fields(k) if f.key not in filled)
