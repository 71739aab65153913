"""The drill-history CSV: its columns, reading past drills, and the line a reveal appends.

A history file lists past drills, one a row (``drawn_at, exercise_id, hazard,
area, start``, and the :data:`HISTORY_SCORE_COLUMNS` a scoring adds); the draw
avoids the last ``no_repeat`` of them (``[drill] history`` in the drill TOML,
:mod:`experiments.drill.config`).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.drill.draw import PastDrill
from scenarios.drill.rehearsal import canonical_history
from scenarios.log_table import _row_name

if TYPE_CHECKING:
    from networks.roadnet import RoadNetwork
    from scenarios.catalogue import HazardCatalogue

__all__ = ["HISTORY_COLUMNS", "HISTORY_SCORE_COLUMNS", "history_row", "read_history"]

_DRAW_KEYS = (
    Key("drawn_at", "date-time", "When the drill was drawn.", "抽取时间"),
    Key("exercise_id", "string", "The exercise identifier.", "演练编号"),
    Key("hazard", "string", "The hazard drilled: its key, or its English or Chinese name.",
        "事件类型", default=REQUIRED),
    Key("area", "string", "The area drilled (township or seat), in English or Chinese.", "区域",
        default=REQUIRED),
    Key("start", "date-time", "When the drill started (for the no-rehearsal rule).", "开始时间",
        default_text="unknown: every band of the day is barred"),
)  # fmt: skip
_SCORE_KEYS = (
    Key("score", "number", "The drill's score out of 100.", "评估得分"),
    Key("conclusion", "string", "The evaluation's conclusion.", "评估结论"),
    Key("open_improvements", "integer", "Improvements still open.", "待整改事项"),
)  # fmt: skip
#: A drill-history CSV (``[drill] history``).
HISTORY_TABLE = Section(
    "drill history table",
    "Drill history (CSV)",
    _DRAW_KEYS + _SCORE_KEYS,
    zh="演练历史",
    help="One row per past drill, oldest first; the draw avoids the hazard and area of the "
    "last no_repeat drills. A reveal appends a row; yingji drill score --append-history adds "
    "the score columns. Other columns are ignored.",
    columns=True,
)
#: Columns of a history file, in the order a new one is written.
HISTORY_COLUMNS = tuple(k.name for k in _DRAW_KEYS)
#: Columns ``yingji drill score --append-history`` adds to a history file (after the others).
HISTORY_SCORE_COLUMNS = tuple(k.name for k in _SCORE_KEYS)


def read_history(
    path: str | Path,
    *,
    catalogue: HazardCatalogue | None = None,
    network: RoadNetwork | None = None,
) -> list[PastDrill]:
    """Rows of a drill-history CSV (``drawn_at, exercise_id, hazard, area``), file order.

    Other columns (``start``, and the :data:`HISTORY_SCORE_COLUMNS` a scoring adds) are
    read where present and ignored where not. Rows are numbered as a spreadsheet shows
    them (the header is row 1); blank lines are skipped.

    Parameters
    ----------
    path
        The history CSV.
    catalogue, network
        Where known: hazards (by key, English or Chinese name) become catalogue
        keys and areas (either language, any case) the network's area names,
        and an unknown one is refused
        (:func:`scenarios.drill.rehearsal.canonical_history`).

    Raises
    ------
    ConfigError
        A missing or unreadable file, no ``hazard`` or ``area`` column, or a row
        with an empty hazard or area, a ``drawn_at`` or ``start`` that is not an
        ISO 8601 date-time (or, given the catalogue and network, an unknown
        hazard or area): naming the file and ``row N, column X``.
    """
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [c.strip() for c in next(reader, [])]
            rows = []
            start = reader.line_num  # a quoted cell may span lines: name the line a row starts on
            for cells in reader:
                n, start = start + 1, reader.line_num
                if any(c.strip() for c in cells):
                    rows.append((n, dict(zip(header, (c.strip() for c in cells), strict=False))))
    except FileNotFoundError:
        raise ConfigError(
            _("history file not found (create it with the header {header})").format(
                header=",".join(HISTORY_COLUMNS)
            ),
            source=str(p),
        ) from None
    except OSError as exc:
        raise ConfigError(
            _("cannot read the history file ({reason})").format(reason=exc.strerror), source=str(p)
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(_("history file is not UTF-8 text"), source=str(p)) from None
    except csv.Error as exc:
        raise ConfigError(
            _("history file is not a CSV file ({reason})").format(reason=exc), source=str(p)
        ) from None
    missing = [c for c in ("hazard", "area") if c not in header]
    if rows and missing:
        raise ConfigError(
            _("history file has no {columns} column (header: {header})").format(
                columns=" or ".join(missing), header=",".join(HISTORY_COLUMNS)
            ),
            source=str(p),
        )
    out = []
    for n, row in rows:
        for column in ("hazard", "area"):
            if not row.get(column):
                raise ConfigError(
                    _("missing"),
                    source=str(p),
                    key=_("{where}, column {column}").format(where=_row_name(n), column=column),
                )
        out.append(
            PastDrill(
                row["hazard"],
                row["area"],
                row.get("drawn_at") or "",
                row.get("exercise_id") or "",
                start=row.get("start") or "",
                source=str(p),
                row=n,
            )
        )
    # times always; hazards and areas where the catalogue and network are known
    return list(canonical_history(out, catalogue=catalogue, network=network))


def history_row(
    script_dict: Mapping[str, Any],
    header: Sequence[str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The CSV header and line to append to the history file after a reveal.

    ``header`` is the history file's own header, if it has one: the line then
    fills its columns by name (an older file without ``start`` gets none).
    ``extra`` fills further columns by name (a scoring's ``score``,
    ``conclusion`` and ``open_improvements``); columns nobody fills are empty.
    """
    s = script_dict
    cells = {
        "drawn_at": s["drawn_at"],
        "exercise_id": s["exercise_id"],
        "hazard": s["scene"]["hazard"],
        "area": s["scene"]["area"],
        "start": s["scene"].get("start", ""),
        **(extra or {}),
    }
    columns = list(header) if header else list(HISTORY_COLUMNS)
    return (
        ",".join(_csv_cell(c) for c in columns)
        + "\n"
        + ",".join(_csv_cell(str(cells.get(c, ""))) for c in columns)
        + "\n"
    )


def _csv_cell(v: str) -> str:
    return f'"{v.replace(chr(34), chr(34) * 2)}"' if any(c in v for c in ',"\n') else v
