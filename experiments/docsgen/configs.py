"""Variants of the example configs that some documented figures come from.

The documentation says, for instance, "the same file without its
``[reinforcement]`` table"; these helpers make that file from the example's
text, so the variant follows the example whenever the example changes.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_HEADER = re.compile(r"^\s*\[\[?([A-Za-z0-9_.\" -]+)\]\]?\s*(#.*)?$")


def _checked(text: str) -> str:
    tomllib.loads(text)  # a variant that no longer parses is a bug here, not in the docs
    return text


def drop_table(text: str, table: str) -> str:
    """``text`` without the table ``[table]`` (its header, keys and the comments inside it)."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    for line in lines:
        m = _HEADER.match(line)
        if m:
            inside = m.group(1).strip() == table
        if not inside:
            out.append(line)
    if len(out) == len(lines):
        raise ValueError(f"no table [{table}] to drop")
    return _checked("\n".join(out))


def set_value(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``key = value`` (a TOML literal) in the first ``[table]`` or ``[[table]]``."""
    lines = text.split("\n")
    inside = False
    pattern = re.compile(rf"^(\s*{re.escape(key)}\s*=\s*)([^#]*?)(\s*(#.*)?)$")
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            inside = m.group(1).strip() == table
            continue
        if inside and (k := pattern.match(line)):
            lines[i] = f"{k.group(1)}{value}{k.group(3)}"
            return _checked("\n".join(lines))
    raise ValueError(f"no key {key} in [{table}]")


def write_variant(
    source: Path,
    target: Path,
    *,
    drop: tuple[str, ...] = (),
    values: tuple[tuple[str, str, str], ...] = (),
) -> None:
    """Write ``source`` to ``target`` with tables dropped and ``(table, key, value)`` set."""
    text = source.read_text(encoding="utf-8")
    for table in drop:
        text = drop_table(text, table)
    for table, key, value in values:
        text = set_value(text, table, key, value)
    target.write_text(text, encoding="utf-8")
