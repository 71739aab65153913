"""The drill history with scores: recording a scored drill, and listing past drills.

The history CSV (``[drill] history`` of a drill file) gets a row per drill at
the reveal (:mod:`experiments.drill.reveal`). ``yingji drill score
--append-history`` records the score in that row (the drill's exercise id and
``drawn_at``, the same instant however its offset is written, as the reveal
matches it) or adds the row if the drill is not there yet: columns
:data:`~experiments.drill.config.HISTORY_SCORE_COLUMNS` (``score`` out of 100
with one decimal, ``conclusion`` as a key of
:data:`~experiments.drill.evaluation_gbt.CONCLUSIONS`, ``open_improvements`` as
a count) are added after the others where missing; every other row keeps its
values. The file is rewritten in one step (a temporary copy renamed over it).

:func:`history_listing` reads it back for ``yingji drill history``: one line
per drill (exercise, drawn, hazard, area, start, score, conclusion, open
improvements), in the language in use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from experiments.drill.config import HISTORY_COLUMNS, HISTORY_SCORE_COLUMNS, history_row
from experiments.drill.gbt_indicators import CONCLUSIONS, _b
from experiments.drill.history_file import same_drill
from networks import i18n
from networks.errors import ConfigError
from networks.files import csv_bytes
from networks.i18n import _
from scenarios.drill import texts
from scenarios.drill.script import DrillScript
from scenarios.validate import read_table_text


def score_cells(total: float, conclusion: str, open_improvements: int) -> dict[str, str]:
    """The history cells of a score."""
    return {
        "score": f"{total:.1f}",
        "conclusion": conclusion,
        "open_improvements": str(open_improvements),
    }


def updated_history(old: str, script: DrillScript, cells: Mapping[str, str]) -> bytes:
    """The history file ``old`` with ``script``'s row carrying ``cells`` (added if missing).

    The row is the drill's own: same exercise id and ``drawn_at``. A drill file
    keeps its exercise id from one draw to the next, so another row with the
    same id is an earlier drill, never overwritten.
    """
    records = list(csv.reader(io.StringIO(old.lstrip("\ufeff")))) if old.strip() else []
    records = [r for r in records if r]
    header = records[0] if records else list(HISTORY_COLUMNS)
    header = header + [c for c in (*HISTORY_COLUMNS, *HISTORY_SCORE_COLUMNS) if c not in header]
    rows = [r + [""] * (len(header) - len(r)) for r in records[1:]]
    col = {c: k for k, c in enumerate(header)}
    same = [
        k
        for k, r in enumerate(rows)
        if same_drill(r[col["exercise_id"]], r_get(r, col, "drawn_at"), script.exercise_id,
                      script.drawn_at)
    ]  # fmt: skip
    target = (same or [None])[-1]
    if target is None:
        line = history_row(script.to_dict(), header, dict(cells)).splitlines()[1]
        rows.append(next(csv.reader([line])))
    else:
        for c, v in cells.items():
            rows[target][col[c]] = v
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return csv_bytes(buf.getvalue())


def r_get(row: list[str], col: Mapping[str, int], name: str) -> str:
    """Cell ``name`` of a history row (``""`` if the file has no such column)."""
    k = col.get(name)
    return row[k] if k is not None and k < len(row) else ""


# ------------------------------------------------------------------ listing
def read_history_table(path: str | Path) -> list[dict[str, str]]:
    """Every row of a history CSV as text by column (checked as the draw checks it)."""
    from experiments.drill.config import read_history

    p = Path(path)
    read_history(p)  # a missing, unreadable or malformed file is one line
    return [dict(r) for r in csv.DictReader(io.StringIO(read_table_text(p), newline=""))]


def _hazard(key: str) -> str:
    from scenarios.catalogue import load_catalogue

    try:
        h = load_catalogue()[key]
    except (KeyError, ConfigError):
        return key
    return _b((h.name, getattr(h, "name_zh", "") or h.name))


def _when(text: str, *, date_only: bool) -> str:
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return text
    return t.date().isoformat() if date_only else t.strftime("%Y-%m-%d %H:%M")


def history_listing(rows: list[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``yingji drill history``, in the language in use."""
    header = [
        _("Exercise"),
        _("Drawn"),
        _("Hazard"),
        _("Area"),
        _("Start"),
        _("Score"),
        _("Conclusion"),
        _("Open improvements"),
    ]
    out = []
    for r in rows:
        verdict = r.get("conclusion") or ""
        out.append(
            [
                r.get("exercise_id") or "-",
                _when(r.get("drawn_at") or "", date_only=True) or "-",
                _hazard(r.get("hazard") or ""),
                texts.render(texts.place(r["area"])) if r.get("area") else "-",
                _when(r.get("start") or "", date_only=False) or "-",
                r.get("score") or "-",
                _b(CONCLUSIONS[verdict][1]) if verdict in CONCLUSIONS else (verdict or "-"),
                r.get("open_improvements") or "-",
            ]
        )
    return header, out


#: Columns of the listing aligned right (score, open improvements: numbers).
NUMBER_COLUMNS = (5, 7)


def format_table(
    header: list[str], rows: list[list[str]], *, right: tuple[int, ...] = NUMBER_COLUMNS
) -> str:
    """A plain-text table, columns padded to their width (Chinese characters count two)."""
    widths = [max(i18n.width(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        parts = [
            i18n.pad(str(c), w, ">" if k in right else "<")
            for k, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(r) for r in rows)])
