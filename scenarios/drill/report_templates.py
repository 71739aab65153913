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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from scenarios.drill.report_template_model import (
    CHOICE_TYPES,
    FIELD_TYPES,
    FORMAT,
    KIND_NAMES,
    KINDS,
    PURPOSES,
    ReportTemplate,
    TemplateField,
    kind_name,
    report_kind,
    sentence_parts,
)
from scenarios.drill.report_template_reading import read_templates
from scenarios.validate import read_toml

__all__ = [
    "CHOICE_TYPES",
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
    "sentence_parts",
    "shipped_templates_path",
]

_SHIPPED = "report_templates.toml"


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
    def from_dict(
        cls, data: Any, *, source: str | None = None, catalogue: Any = None
    ) -> ReportTemplates:
        """Validate a whole templates table (``[fields.*]`` and ``[templates.*]``).

        ``catalogue`` (a hazard catalogue), when given, checks the forms' hazards.

        Raises
        ------
        ConfigError
            Naming ``source`` and the dotted key of the first mistake.
        """
        return cls(read_templates(data, source=source, catalogue=catalogue), source)


def shipped_templates_path() -> Path:
    """Path of the twelve forms shipped with the package."""
    return Path(str(resources.files("scenarios") / "data" / _SHIPPED))


def load_templates(path: str | Path | None = None, *, catalogue: Any = None) -> ReportTemplates:
    """The report forms: the shipped twelve, or a bureau's own file of the same shape.

    Parameters
    ----------
    path
        A TOML file that replaces the shipped set (None: the shipped file).
    catalogue
        The hazard catalogue the forms' ``hazards`` must name (None: not checked).

    Returns
    -------
    ReportTemplates

    Raises
    ------
    ConfigError
        Naming the file and the dotted key of the first mistake.
    """
    p = Path(path) if path is not None else shipped_templates_path()
    return ReportTemplates.from_dict(read_toml(p), source=str(p), catalogue=catalogue)


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
