"""Declared config keys: what one table of a config file (or one table file) accepts, as data.

A :class:`Section` lists the :class:`Key` records of one table. The validator
next to it rejects unknown keys with :meth:`Section.allow` and reads plain typed
values with :meth:`Section.read`, so the records are what is accepted; the
configuration reference (:mod:`experiments.config_reference`, ``docs/config.md``)
renders the same records, and cannot drift from the validators.

A key whose name is a placeholder such as ``<road class>`` stands for every name
in its ``names`` (a road class, a level ...); a placeholder without ``names`` is
open: the names are known only when the file is read (the hazards of a catalogue),
and its validator checks them itself.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scenarios.validate import Reader

__all__ = ["REQUIRED", "TYPES", "Key", "Section", "field_default", "toml_value"]

#: A key's ``default`` when the key must be given (the :class:`Reader` convention).
REQUIRED: Any = ...
#: The value types a key may declare. Only the first four are read by :meth:`Key.read`
#: (``path`` as a string); the validator reads the others itself.
TYPES = (
    "string", "integer", "number", "boolean", "path", "table", "array", "array of tables",
    "list", "distribution", "location", "date-time", "minutes by grade", "any",
)  # fmt: skip


@dataclass(frozen=True)
class Key:
    """One key of a config table (or one column of a table file).

    Attributes
    ----------
    name
        The key as written, or a placeholder in angle brackets (``<hazard>``)
        standing for every name in ``names``.
    type
        One of :data:`TYPES`.
    help
        What the key means (English, one or two sentences).
    zh
        The Chinese term the bureaus use for it (``""``: none).
    default
        The value used when the key is left out; ``None`` for an optional key
        with no value, :data:`REQUIRED` for a key that must be given.
    choices
        The values a string may take (``None``: any).
    lo, hi, lo_open
        Bounds of a number: ``[lo, hi]``, or ``(lo, hi]`` with ``lo_open``.
    names
        For a placeholder key: the key names it stands for.
    default_text, allowed_text
        Words for a default or for allowed values that are not a plain value
        (``"targets.arrival"``, ``'"all" or metres'``); shown in the reference.
    """

    name: str
    type: str
    help: str
    zh: str = ""
    default: Any = None
    choices: tuple[str, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    names: tuple[str, ...] = ()
    default_text: str = ""
    allowed_text: str = ""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"key {self.name!r}: unknown type {self.type!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "names", tuple(self.names))

    @property
    def required(self) -> bool:
        """Whether the key must be given."""
        return self.default is REQUIRED

    @property
    def open(self) -> bool:
        """Whether this is a placeholder whose names are known only when a file is read."""
        return self.name.startswith("<") and not self.names

    @property
    def accepted(self) -> tuple[str, ...]:
        """The key names this record stands for (none for an open placeholder)."""
        return self.names or (() if self.open else (self.name,))

    def read(self, r: Reader, name: str | None = None) -> Any:
        """The value of this key in ``r``, checked against the record.

        Parameters
        ----------
        r
            The table.
        name
            The key name, for a placeholder key (default: :attr:`name`).

        Returns
        -------
        Any
            The value, the default when the key is left out, or ``None`` for an
            optional key without a default.

        Raises
        ------
        networks.errors.ConfigError
            Missing required key, wrong type, a value outside ``choices`` or the bounds.
        """
        name = name or self.name
        default = self.default
        if default is None:
            if not r.has(name):
                return None
            default = REQUIRED
        if self.type in ("string", "path"):
            return r.str(name, default, choices=self.choices)
        if self.type == "integer":
            lo = None if self.lo is None else int(self.lo)
            hi = None if self.hi is None else int(self.hi)
            return r.int(name, default, lo=lo, hi=hi)
        if self.type == "number":
            return r.num(name, default, lo=self.lo, hi=self.hi, lo_open=self.lo_open)
        if self.type == "boolean":
            return r.bool(name, default)
        return r.get(name, default)


@dataclass(frozen=True)
class Section:
    """The keys of one config table, or the columns of one table file.

    Attributes
    ----------
    path
        Where the table sits in its file: ``""`` for the top level, a dotted
        key (``"run"``, ``"duty.<level>"``), ``[]`` for each table of an array
        (``"factors[]"``); for a table file, its name (``"stations table"``).
    title
        A short English title.
    keys
        The records.
    zh
        The Chinese term for the table (``""``: none).
    help
        A paragraph on the table as a whole.
    columns
        Whether the records are the columns of a table file (CSV, GeoJSON...).
    """

    path: str
    title: str
    keys: tuple[Key, ...]
    zh: str = ""
    help: str = ""
    columns: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(self.keys))
        seen: set[str] = set()
        for k in self.keys:
            for n in k.accepted:
                if n in seen:
                    raise ValueError(f"section {self.path!r}: key {n!r} declared twice")
                seen.add(n)

    @property
    def names(self) -> frozenset[str]:
        """Every key name the table accepts."""
        return frozenset(n for k in self.keys for n in k.accepted)

    @property
    def ordered(self) -> tuple[str, ...]:
        """The key (or column) names in declared order."""
        return tuple(n for k in self.keys for n in k.accepted)

    @property
    def chinese(self) -> dict[str, str]:
        """Each key's Chinese term -> the key (名称 -> ``name``), where one names one key.

        A table file's header may use these terms (:data:`columns` sections).
        """
        by_zh: dict[str, list[str]] = {}
        for k in self.keys:
            if k.zh and not k.open:
                by_zh.setdefault(k.zh, []).append(k.name)
        return {zh: names[0] for zh, names in by_zh.items() if len(names) == 1}

    def __getitem__(self, name: str) -> Key:
        """The record that covers key ``name`` (an open placeholder covers any other name)."""
        for k in self.keys:
            if name in k.accepted:
                return k
        for k in self.keys:
            if k.open:
                return k
        raise KeyError(name)

    def allow(self, r: Reader, extra: Iterable[str] = ()) -> None:
        """Reject keys of ``r`` that this section (or ``extra``) does not declare."""
        r.allow(self.names | frozenset(extra))

    def read(self, r: Reader, name: str) -> Any:
        """Read key ``name`` of ``r`` by its record (see :meth:`Key.read`)."""
        return self[name].read(r, name)

    def replace(self, **changes: Any) -> Section:
        """A copy with some attributes changed (e.g. the same keys at another path)."""
        return dataclasses.replace(self, **changes)


def field_default(cls: type, name: str) -> Any:
    """The default of dataclass field ``name`` of ``cls`` (a factory's value for a factory)."""
    f = cls.__dataclass_fields__[name]  # type: ignore[attr-defined]
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return REQUIRED


def toml_value(v: Any) -> str:
    """A value as it would be written in TOML (inline), for the reference."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return f"{v:g}" if abs(v) < 1e16 else repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, Mapping):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if hasattr(v, "to_dict"):
        return toml_value(v.to_dict())
    if hasattr(v, "to_value"):
        return toml_value(v.to_value())
    return str(v)
