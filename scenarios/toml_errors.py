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


def toml_error_text(error: Exception) -> str:
    """``error`` (a :class:`tomllib.TOMLDecodeError`) in the language in use.

    Parameters
    ----------
    error
        The error tomllib raised.

    Returns
    -------
    str
        Its message, with the line and column, translated where it is listed.
    """
    text = " ".join(str(error).split())
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
