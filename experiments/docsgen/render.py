"""Lay out what a session printed or wrote as the documentation shows it."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.docsgen.workspace import Run, Session
from networks.files import CSV_ENCODING
from networks.i18n import pad, width

#: Runs by session name, as a block's renderer receives them.
Runs = Mapping[str, Run]


@dataclass(frozen=True)
class Block:
    """A generated region: where it is and how to make its text.

    Attributes
    ----------
    name
        The name on its markers.
    path
        The file, relative to the repository.
    sessions
        The sessions whose runs it reads.
    render
        Makes the region's text from the runs.
    """

    name: str
    path: str
    sessions: tuple[Session, ...]
    render: Callable[[Runs], str]

    @property
    def slow(self) -> bool:
        """Whether a session it needs is too slow for the test suite."""
        return any(s.slow for s in self.sessions)


def fence(lines: Iterable[str], *, lang: str = "text", indent: str = "") -> str:
    """A fenced Markdown code block."""
    body = [f"```{lang}", *lines, "```"]
    return "\n".join(f"{indent}{line}".rstrip() for line in body)


def console(
    run: Run,
    commands: Sequence[int] | None = None,
    *,
    notes: Mapping[str, str] | None = None,
    short_hashes: bool = False,
) -> list[str]:
    """``$ command`` lines each followed by what it printed, a blank line between commands.

    Parameters
    ----------
    run
        The session's run.
    commands
        Which of its commands (default: every command with a ``shown`` line).
    notes
        Comments appended to output lines, by the line's first word (``participants``).
    short_hashes
        Shorten SHA-256 digests to their first 8 digits and an ellipsis.
    """
    picked = (
        commands
        if commands is not None
        else [i for i, c in enumerate(run.session.commands) if c.shown is not None]
    )
    out: list[str] = []
    for i in picked:
        if out:
            out.append("")
        out.append(f"$ {run.session.commands[i].shown}")
        out.extend(annotate(run.lines(i), notes or {}))
    if short_hashes:
        out = [re.sub(r"\b([0-9a-f]{8})[0-9a-f]{56}\b", "\\1…", line) for line in out]
    return out


def annotate(lines: Sequence[str], notes: Mapping[str, str]) -> list[str]:
    """``lines`` with ``notes[first word]`` appended, aligned within each run of noted lines."""
    out = list(lines)
    noted = [i for i, line in enumerate(lines) if line.split()[:1] and line.split()[0] in notes]
    groups: list[list[int]] = []
    for i in noted:
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        column = max(width(lines[i]) for i in group) + 3
        for i in group:
            out[i] = pad(lines[i], column) + notes[lines[i].split()[0]]
    return out


def after_header(lines: Sequence[str]) -> list[str]:
    """The lines after the first blank one (``demo`` first describes the network)."""
    blank = next((i for i, line in enumerate(lines) if not line.strip()), -1)
    return list(lines[blank + 1 :])


def wrap(line: str, *, columns: int = 90, indent: str = "  ") -> list[str]:
    """A long printed list (``key value, key value, ...``) wrapped for the page after commas.

    A Chinese list (``…，…``) is wrapped after its full-width commas.
    """
    sep = "，" if "，" in line and ", " not in line else ", "
    comma = sep.rstrip()
    items = line.split(sep)
    out = [items[0]]
    for item in items[1:]:
        if width(out[-1]) + width(sep) + width(item) + 1 <= columns:  # room for the comma
            out[-1] += sep + item
        else:
            out[-1] += comma
            out.append(indent + item)
    return out


def read_json(path: Path) -> Any:
    """A JSON file the run wrote."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file the run wrote."""
    with path.open(newline="", encoding=CSV_ENCODING) as fh:
        return list(csv.DictReader(fh))


def across(summary: Mapping[str, Any], key: str) -> float:
    """Mean over replications of a metric of a run's ``summary.json``."""
    return float(summary["across_replications"][key]["mean"])


def num(x: float, digits: int = 0, *, lang: str = "en") -> str:
    """A number as prose shows it: ``1,348`` in English, ``1348`` in Chinese."""
    return f"{x:,.{digits}f}" if lang == "en" else f"{x:.{digits}f}"


def minus(text: str) -> str:
    """A formatted number with a typographic minus sign (prose, not program output)."""
    return text.replace("-", "−")


def signed(x: float, digits: int = 1) -> str:
    """A difference with its sign, ``+8.6`` or ``−3.6``."""
    return minus(f"{x:+.{digits}f}")
