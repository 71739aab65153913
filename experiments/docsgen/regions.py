"""Generated regions of a Markdown file, marked with HTML comments.

A region is whatever lies between ``<!-- yingji:begin NAME -->`` and
``<!-- yingji:end NAME -->``: a whole fenced block (the markers on lines of
their own) or a span of prose (markers inline). Markdown renderers show
neither marker. Regions do not nest, and a name appears once per file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from networks.errors import ConfigError
from networks.i18n import _

BEGIN = "<!-- yingji:begin {name} -->"
END = "<!-- yingji:end {name} -->"
_MARKER = re.compile(r"<!-- yingji:(begin|end) ([A-Za-z0-9_.-]+) -->")

#: Parts of generated text that change from run to run without the code changing:
#: SHA-256 digests (whole or abbreviated), times of day, solver wall times. Two
#: texts that differ only there are the same for ``--check``.
VOLATILE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"\b[0-9a-f]{8}(?=…|\.\.\.)"), "<sha256>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)"), "<time>"),
    (re.compile(r"(gap -?[\d.]+%, )[\d.]+ s\b"), r"\1<seconds> s"),
)


@dataclass(frozen=True)
class Region:
    """One generated region of a file.

    Attributes
    ----------
    name
        The name its markers carry.
    start, end
        Character offsets of its body (between the markers) in the file's text.
    body
        The text between the markers.
    """

    name: str
    start: int
    end: int
    body: str

    @property
    def block(self) -> bool:
        """Whether the markers stand on lines of their own (a block, not a span)."""
        return self.body.startswith("\n")


def find_regions(text: str, *, source: str) -> list[Region]:
    """The regions of ``text`` in order.

    Raises
    ------
    ConfigError
        If a begin marker has no end, an end no begin, regions nest or a name repeats.
    """
    regions: list[Region] = []
    open_name: str | None = None
    open_at = 0
    for m in _MARKER.finditer(text):
        kind, name = m.group(1), m.group(2)
        if kind == "begin":
            if open_name is not None:
                raise ConfigError(
                    _("begins inside region {name}").format(name=open_name), source=source, key=name
                )
            open_name, open_at = name, m.end()
        else:
            if open_name != name:
                raise ConfigError(_("end marker without its begin marker"), source=source, key=name)
            regions.append(Region(name, open_at, m.start(), text[open_at : m.start()]))
            open_name = None
    if open_name is not None:
        raise ConfigError(_("begin marker without its end marker"), source=source, key=open_name)
    seen: set[str] = set()
    for r in regions:
        if r.name in seen:
            raise ConfigError(_("region marked twice in one file"), source=source, key=r.name)
        seen.add(r.name)
    return regions


def fit(region: Region, rendered: str) -> str:
    """``rendered`` laid out as ``region``'s body: on lines of its own for a block.

    A block keeps the indentation of its end marker (a block inside a list item).
    """
    rendered = rendered.strip("\n")
    if not region.block:
        return rendered
    indent = region.body[region.body.rfind("\n") + 1 :]
    return f"\n{rendered}\n{indent}"


def normalise(text: str) -> str:
    """``text`` with its volatile parts (:data:`VOLATILE`) replaced by placeholders."""
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def same(old: str, new: str) -> bool:
    """Whether two bodies say the same, volatile parts aside.

    A span of prose is the same however its lines are broken (Markdown joins them);
    a block (its markers on lines of their own) must match line for line.
    """
    if not old.startswith("\n"):
        return " ".join(normalise(old).split()) == " ".join(normalise(new).split())
    return normalise(old) == normalise(new)


def replace(text: str, bodies: Sequence[tuple[Region, str]]) -> str:
    """``text`` with each region's body replaced (regions as :func:`find_regions` gave them)."""
    out: list[str] = []
    at = 0
    for region, body in sorted(bodies, key=lambda rb: rb[0].start):
        out.append(text[at : region.start])
        out.append(body)
        at = region.end
    out.append(text[at:])
    return "".join(out)
