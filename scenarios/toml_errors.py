"""What :mod:`tomllib` says of a malformed file, in the language in use.

tomllib words its errors in English ("Expected '=' after a key in a key/value
pair (at line 3, column 5)"); a bureau's config author reads Chinese. Its
messages are a short fixed list, each matched here and given through the
catalogue, so in English the text is tomllib's own. A message not listed
(another Python's wording) is passed on as it is.
"""

from __future__ import annotations

import re

from networks.i18n import N_, _

#: tomllib's messages (Python 3.11-3.13), most specific first; ``{what}`` stands for the part
#: it fills in (a key, a character).
MESSAGES: tuple[str, ...] = (
    N_("Expected '=' after a key in a key/value pair"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Expected newline or end of document after a statement"),
    N_("Expected {what}"),
    N_("Invalid statement"),
    N_("Found invalid character {what}"),
    N_("Cannot declare {what} twice"),
    N_("Cannot overwrite a value"),
    N_("Cannot mutate immutable namespace {what}"),
    N_("Cannot redefine namespace {what}"),
    N_("Invalid initial character for a key part"),
    N_("Unclosed array"),
    N_("Duplicate inline table key {what}"),
    N_("Unclosed inline table"),
    N_("Unescaped '\\' in a string"),
    N_("Invalid hex value"),
    N_("Escaped character is not a Unicode scalar value"),
    N_("Unterminated string"),
    N_("Illegal character {what}"),
    N_("Invalid date or datetime"),
    N_("Invalid value"),
)
#: Each message as the pattern that matches tomllib's text of it.
_PATTERNS = tuple(
    (re.compile(re.escape(m).replace(re.escape("{what}"), "(.+)")), m) for m in MESSAGES
)
_AT = re.compile(r"(.*) \(at line (\d+), column (\d+)\)$", re.S)
_AT_END = re.compile(r"(.*) \(at end of document\)$", re.S)


_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\" ]+?)\s*=")


def repeated_key(source: str, line: int | None = None) -> tuple[str, int, int] | None:
    """The first key a TOML text gives twice in one table: ``(dotted key, line, line)``.

    With ``line`` (where tomllib stopped), the repeat whose second line is that one.

    A plain line scan (table headers and ``key =`` lines; arrays of tables start a
    new table each), enough to name the key behind tomllib's "Cannot overwrite a
    value", which names none (and at the end of a file, no line either).
    """
    seen: dict[str, int] = {}
    table = ""
    for n, text in enumerate(source.splitlines(), 1):
        if m := _TABLE.match(text):
            table = m.group(1).replace(" ", "")
            if text.lstrip().startswith("[["):
                seen = {k: v for k, v in seen.items() if not k.startswith(table + ".")}
            continue
        if m := _KEY.match(text):
            key = ".".join(p.strip().strip('"') for p in m.group(1).split("."))
            full = f"{table}.{key}" if table else key
            if full in seen and (line is None or n == line):
                return full, seen[full], n
            seen[full] = n
    return None


def toml_error_text(error: Exception, source: str | None = None) -> str:
    """``error`` (a :class:`tomllib.TOMLDecodeError`) in the language in use.

    Parameters
    ----------
    error
        The error tomllib raised.
    source
        The text parsed: "Cannot overwrite a value" then names the key given twice.

    Returns
    -------
    str
        Its message, with the line and column, translated where it is listed.
    """
    text = " ".join(str(error).split())
    twice = None
    if source and "Cannot overwrite a value" in text:
        at = _AT.match(text)  # the line tomllib stopped at, when it says (not at the end)
        twice = repeated_key(source, int(at.group(2)) if at else None)
    if twice is not None:
        key, first, second = twice
        return _("{key} is given twice (lines {first} and {second})").format(
            key=key, first=first, second=second
        )
    where = ""
    if m := _AT.match(text):
        text, where = (
            m.group(1),
            _(" (at line {line}, column {column})").format(line=m.group(2), column=m.group(3)),
        )
    elif m := _AT_END.match(text):
        text, where = m.group(1), _(" (at end of document)")
    for pattern, message in _PATTERNS:
        if hit := pattern.fullmatch(text):
            return _(message).format(what=hit.group(1) if hit.groups() else "") + where
    return text + where
