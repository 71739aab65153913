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

#: tomllib's messages (Python 3.11-3.13): a pattern, and its text with ``{what}`` for the group.
MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Expected '=' after a key in a key/value pair", N_("Expected '=' after a key in a key/value pair")),  # noqa: E501
    (r"Expected '\]' at the end of a table declaration", N_("Expected ']' at the end of a table declaration")),  # noqa: E501
    (r"Expected '\]\]' at the end of an array declaration", N_("Expected ']]' at the end of an array declaration")),  # noqa: E501
    (r"Expected newline or end of document after a statement", N_("Expected newline or end of document after a statement")),  # noqa: E501
    (r"Expected (.+)", N_("Expected {what}")),
    (r"Invalid statement", N_("Invalid statement")),
    (r"Found invalid character (.+)", N_("Found invalid character {what}")),
    (r"Cannot declare (.+) twice", N_("Cannot declare {what} twice")),
    (r"Cannot overwrite a value", N_("Cannot overwrite a value")),
    (r"Cannot mutate immutable namespace (.+)", N_("Cannot mutate immutable namespace {what}")),
    (r"Cannot redefine namespace (.+)", N_("Cannot redefine namespace {what}")),
    (r"Invalid initial character for a key part", N_("Invalid initial character for a key part")),
    (r"Unclosed array", N_("Unclosed array")),
    (r"Duplicate inline table key (.+)", N_("Duplicate inline table key {what}")),
    (r"Unclosed inline table", N_("Unclosed inline table")),
    (r"Unescaped '\\' in a string", N_("Unescaped '\\' in a string")),
    (r"Invalid hex value", N_("Invalid hex value")),
    (r"Escaped character is not a Unicode scalar value", N_("Escaped character is not a Unicode scalar value")),  # noqa: E501
    (r"Unterminated string", N_("Unterminated string")),
    (r"Illegal character (.+)", N_("Illegal character {what}")),
    (r"Invalid date or datetime", N_("Invalid date or datetime")),
    (r"Invalid value", N_("Invalid value")),
)  # fmt: skip
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
    for pattern, message in MESSAGES:
        if hit := re.fullmatch(pattern, text):
            return _(message).format(what=hit.group(1) if hit.groups() else "") + where
    return text + where
