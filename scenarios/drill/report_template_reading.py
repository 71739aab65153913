"""Reading and validating a templates table (``[fields.*]`` and ``[templates.*]``).

A templates file has a library of shared fields (``[fields.KEY]``) and the forms
(``[templates.KEY]``); a form lists its fields by key and may define its own or
change parts of a shared one in ``[templates.KEY.define.FIELD]``. Every mistake is
a :class:`~networks.errors.ConfigError` naming the source and the dotted key.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from networks.i18n import N_, _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.drill.report_template_model import (
    CHOICE_TYPES,
    FIELD_TYPES,
    FORMAT,
    KINDS,
    PURPOSES,
    ReportTemplate,
    TemplateField,
    kind_name,
)
from scenarios.stream import CATEGORIES
from scenarios.validate import Reader

if TYPE_CHECKING:
    from scenarios.catalogue import HazardCatalogue

__all__ = ["read_templates"]

_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
_KEY_MESSAGE = N_(
    "expected a key of lower-case letters, digits and underscores, starting with a letter"
)
#: The top level of a report templates file (``[reporting] templates`` of a drill file).
TEMPLATES_FILE = Section(
    "",
    "Report templates file",
    (
        Key("format", "string", "The file format.", default=FORMAT, choices=(FORMAT,)),
        Key("fields", "table", "Shared fields by key: [fields.<key>] tables.", "填报要素",
            default={}),
        Key("templates", "table", "The forms by key, [templates.<key>], in print order (at "
            "least one).", "报告模板", default=REQUIRED),
    ),
    zh="信息报告模板",
    help="A bureau's own fill-in-the-blank report forms (把问答题变为填空题), replacing the "
    "shipped set: each form serves the first report, the follow-ups and the final report.",
)  # fmt: skip
#: ``[fields]``: shared fields by key.
SHARED_FIELDS = Section(
    "fields",
    "Shared fields",
    (Key("<key>", "table", "A field any form may list (lower-case letters, digits, _).",
         allowed_text="whole on its own: label and type"),),
    zh="填报要素",
)  # fmt: skip
#: One field, ``[fields.<key>]`` or ``[templates.<key>.define.<field>]``.
FIELD = Section(
    "fields.<key>",
    "Field",
    (
        Key("label", "string", "What the form asks.", "填报项", default=REQUIRED),
        Key("label_zh", "string", "The same in Chinese.", default=""),
        Key("type", "string", "What the blank takes.", "类型", default=REQUIRED,
            choices=FIELD_TYPES),
        Key("options", "list", "The boxes to tick (choice and multichoice only).", "选项",
            default=[]),
        Key("options_zh", "list", "One Chinese text per option.", default=[]),
        Key("unit", "string", "Printed after a number's blank.", "单位", default=""),
        Key("unit_zh", "string", "The same in Chinese.", default=""),
        Key("hint", "string", "A short prompt printed under the blank.", "填写提示",
            default=""),
        Key("hint_zh", "string", "The same in Chinese.", default=""),
        Key("on", "list", "The reports whose form has this field.", default=list(KINDS),
            allowed_text="any of " + ", ".join(KINDS)),
        *(
            Key(f"{k}_required", "boolean", f"Whether the {k} report must fill it in.",
                default=False)
            for k in KINDS
        ),
    ),
    zh="填报要素",
    help="In [templates.<key>.define.<field>], the attributes given replace those of the "
    "shared field for that form; an English text replaced without its _zh twin drops the "
    "shared twin.",
)  # fmt: skip
#: ``[templates]``: the forms by key.
TEMPLATES = Section(
    "templates",
    "Forms",
    (Key("<key>", "table", "One form (lower-case letters, digits, _)."),),
    zh="报告模板",
)  # fmt: skip
#: One form, ``[templates.<key>]``.
TEMPLATE = Section(
    "templates.<key>",
    "Form",
    (
        Key("title", "string", "The form's name.", "标题", default=REQUIRED),
        Key("title_zh", "string", "The same in Chinese.", default=""),
        Key("purpose", "string", "An incident report, or the public-opinion bulletin.", "用途",
            default=PURPOSES[0], choices=PURPOSES),
        Key("category", "string", "Incident forms: the category of emergency it serves.",
            "事件类别", choices=CATEGORIES, default_text="required for an incident form"),
        Key("hazards", "list", "Hazard keys this form is for (a key in one form only).",
            "事件类型", default=[]),
        Key("note", "string", "Guidance printed under the form.", "填报说明", default=""),
        Key("note_zh", "string", "The same in Chinese.", default=""),
        Key("sentence", "string", "The first report as one sentence with {field} blanks.",
            "首报句式", default=""),
        Key("sentence_zh", "string", "The same in Chinese.", default=""),
        Key("fields", "list", "The form's field keys, in order (no key twice).", "填报要素",
            default=REQUIRED),
        Key("define", "table", "Fields only this form has, or attributes replacing a shared "
            "field's: [templates.<key>.define.<field>].", default={}),
    ),
    zh="报告模板",
)  # fmt: skip
#: ``[templates.<key>.define]``: the form's own fields.
DEFINE = Section(
    "templates.<key>.define",
    "Form's own fields",
    (Key("<field>", "table", "A field of this form's fields list (see Field)."),),
)  # fmt: skip


def read_templates(
    data: Any, *, source: str | None = None, catalogue: HazardCatalogue | None = None
) -> tuple[ReportTemplate, ...]:
    """Validate a whole templates table; the forms in file order.

    Parameters
    ----------
    data
        The templates table (a parsed TOML file).
    source
        The file, for messages.
    catalogue
        The drill's hazard catalogue, where known: a form's ``hazards`` may then
        name a hazard by its key or its English or Chinese name (kept as the
        key), and a hazard the catalogue does not have is refused, since that
        form would never be used. None: hazards are kept as written.

    Raises
    ------
    ConfigError
        Naming ``source`` and the dotted key of the first mistake
        (``templates.KEY.hazards[j]`` for an unknown hazard).
    """
    r = Reader(data, source=source)
    TEMPLATES_FILE.allow(r)
    TEMPLATES_FILE.read(r, "format")
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
        if catalogue is not None:
            t = replace(t, hazards=_hazard_keys(hr, t.hazards, catalogue))
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
    return tuple(out)


def _hazard_keys(
    r: Reader, hazards: tuple[str, ...], catalogue: HazardCatalogue
) -> tuple[str, ...]:
    """A form's hazards as catalogue keys; an unknown one is refused at ``hazards[j]``."""
    from scenarios.incident_cells import CellError, hazard_cell, hazard_index

    names = hazard_index(catalogue)
    out = []
    for j, h in enumerate(hazards):
        try:
            out.append(hazard_cell(h.strip(), names, catalogue))
        except CellError as exc:
            raise r.error(f"hazards[{j}]", str(exc)) from None
    return tuple(out)


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
        FIELD.allow(layer)
    look = _Layers(layers, missing)
    type_ = look.at("type").str("type", choices=FIELD["type"].choices)
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
    TEMPLATE.allow(r)
    purpose = TEMPLATE.read(r, "purpose")
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
