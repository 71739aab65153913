"""The drill-history CSV: its columns, reading past drills, and the line a reveal appends.

A history file lists past drills, one a row (``drawn_at, exercise_id, hazard,
area, start``, and the :data:`HISTORY_SCORE_COLUMNS` a scoring adds); the draw
avoids the last ``no_repeat`` of them (``[drill] history`` in the drill TOML,
:mod:`experiments.drill.config`).

A drill is one row: it is known by its exercise id and the moment it was drawn
(the pair ``commitment.json`` publishes). A reveal refuses to append a drill
the history already records (a second reveal of a copied drill folder), and
:func:`read_history` counts a row repeating an earlier one once, so a history
written by an older version that took a drill twice still bars the last
``no_repeat`` *drills*. :func:`check_history_file`, :func:`history_target` and
:func:`history_text` are what ``--append-history`` needs before and at the write.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.outdir import check_file_target
from experiments.spec_base import bare
from networks.errors import ConfigError
from networks.files import csv_bytes
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.drill.draw import PastDrill
from scenarios.drill.rehearsal import canonical_history, parse_moment
from scenarios.log_table import _row_name
from scenarios.validate import read_table_text

if TYPE_CHECKING:
    from networks.roadnet import RoadNetwork
    from scenarios.catalogue import HazardCatalogue

__all__ = [
    "HISTORY_COLUMNS",
    "HISTORY_SCORE_COLUMNS",
    "check_history_file",
    "history_row",
    "history_target",
    "history_text",
    "read_history",
    "recorded_row",
]

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
    if not p.exists():
        raise ConfigError(
            _("history file not found (create it with the header {header})").format(
                header=",".join(HISTORY_COLUMNS)
            ),
            source=str(p),
        )
    # UTF-8, or GBK as Excel saves a CSV on Chinese Windows (with a warning); the next
    # append writes it back as UTF-8 with a byte-order mark.
    text = read_table_text(p)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [c.strip() for c in next(reader, [])]
        rows = []
        start = reader.line_num  # a quoted cell may span lines: name the line a row starts on
        for cells in reader:
            n, start = start + 1, reader.line_num
            if any(c.strip() for c in cells):
                rows.append((n, dict(zip(header, (c.strip() for c in cells), strict=False))))
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
        _check_score_cells(row, p, n)
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
    drills = canonical_history(out, catalogue=catalogue, network=network)
    # A drill taken twice (an older version appended a replayed reveal) counts once,
    # where it first happened; otherwise it would push a real drill out of no_repeat.
    return [
        d
        for k, d in enumerate(drills)
        if recorded_row(drills[:k], d.exercise_id, d.drawn_at) is None
    ]


def _check_score_cells(row: Mapping[str, str], path: Path, n: int) -> None:
    """The score columns of a history row, where filled: a score, a conclusion, a count.

    ``drill history`` lists them as they stand: a score of ``8x.7`` or a count of
    ``-1`` (a slip in Excel) would be listed as if it were one.
    """
    from experiments.drill.gbt_indicators import CONCLUSIONS

    def fail(column: str, message: str) -> ConfigError:
        where = _("{where}, column {column}").format(where=_row_name(n), column=column)
        return ConfigError(message, source=str(path), key=where)

    score = row.get("score") or ""
    if score:
        try:
            value = float(score)
        except ValueError:
            value = math.nan
        if not 0.0 <= value <= 100.0:
            raise fail("score", _("expected a score from 0 to 100, got {value!r}").format(
                value=score))  # fmt: skip
    verdict = row.get("conclusion") or ""
    names = {v for k, (_floor, pair) in CONCLUSIONS.items() for v in (k, *pair)}
    if verdict and verdict not in names:
        raise fail("conclusion", _("expected one of {names}, got {value!r}").format(
            names=", ".join(CONCLUSIONS), value=verdict))  # fmt: skip
    count = row.get("open_improvements") or ""
    if count and not (count.isascii() and count.isdigit()):
        raise fail("open_improvements", _("expected a count (0, 1, 2, ...), got {value!r}").format(
            value=count))  # fmt: skip


def recorded_row(drills: Iterable[PastDrill], exercise_id: str, drawn_at: str) -> PastDrill | None:
    """The first of ``drills`` that is the drill ``exercise_id`` drawn at ``drawn_at``, or None."""
    return next((d for d in drills if same_drill(d.exercise_id, d.drawn_at, exercise_id, drawn_at)),
                None)  # fmt: skip


def same_drill(row_id: str, row_drawn_at: str, exercise_id: str, drawn_at: str) -> bool:
    """Whether a history row (``row_id``, ``row_drawn_at``) is the drill ``exercise_id``.

    A drill is known by its exercise id and the moment it was drawn (the same
    instant, however the offset is written); a row without either matches nothing.
    """
    when = parse_moment(drawn_at) if exercise_id and drawn_at else None
    if when is None or when.tzinfo is None or row_id != exercise_id or not row_drawn_at:
        return False
    return parse_moment(row_drawn_at, when.tzinfo) == when


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


def history_target(path: str | Path) -> Path:
    """The history CSV that ``--append-history PATH`` means.

    A drill TOML (``*.toml``) stands for the history its ``[drill] history``
    names, relative to the TOML's folder (the file the next draw reads);
    anything else is the history CSV itself.

    Raises
    ------
    ConfigError
        A drill TOML that is not valid or names no history file.
    """
    p = Path(path)
    if p.suffix.lower() != ".toml":
        return p
    from experiments.drill.config import DrillConfig

    cfg = DrillConfig.from_file(p)
    if not cfg.spec.history:
        raise ConfigError(
            _('names no history file; add history = "drill_history.csv" or give the CSV'),
            source=str(p),
            key="drill.history",
        )
    return cfg.base_dir / cfg.spec.history


def check_history_file(
    path: Path, folder: Path | None = None, *, drill: tuple[str, str] | None = None
) -> str:
    """Check an ``--append-history`` file before anything is decrypted; its text now.

    Parameters
    ----------
    path
        The history CSV (created by the append if absent).
    folder
        The drill folder: the file may not lie inside it (its temporary copy,
        written before a reveal completes, holds the drawn hazard and area).
    drill
        The ``(exercise_id, drawn_at)`` about to be appended: refused if a row
        already records it (:func:`recorded_row`). None: not checked (a
        scoring updates that row).

    Returns
    -------
    str
        The file's text ("" if it does not exist).

    Raises
    ------
    ConfigError
        Naming the file and ``--append-history`` (or the row that already
        records the drill).
    """
    p = check_file_target(path, option="--append-history")
    if folder is not None:
        inside = Path(os.path.realpath(folder))
        real = Path(os.path.realpath(p))
        if real == inside or inside in real.parents:
            raise ConfigError(
                _("must not lie inside the drill folder {folder}").format(folder=folder),
                source=str(p),
                key="--append-history",
            )
    if not p.exists():
        return ""
    if not os.access(p, os.R_OK | os.W_OK):
        raise ConfigError(
            _("cannot read and write it (permission denied)"),
            source=str(p),
            key="--append-history",
        )
    try:
        text = read_table_text(p)  # UTF-8, or GBK as Excel saves it (with a warning)
    except ConfigError as exc:
        raise ConfigError(bare(exc), source=str(p),
                          key="--append-history") from None  # fmt: skip
    if text.strip():
        head = text.lstrip("\ufeff").splitlines()[0].strip()
        # The first four columns name a drill history; later ones (start, scores) may vary.
        if [c.strip() for c in head.split(",")][:4] != list(HISTORY_COLUMNS[:4]):
            raise ConfigError(
                _("not a drill history (header {header!r}, expected {expected})").format(
                    header=head[:60], expected=",".join(HISTORY_COLUMNS)
                ),
                source=str(p),
                key="--append-history",
            )
        try:
            past = read_history(p)  # every row readable
        except ConfigError as exc:
            raise ConfigError(str(exc), key="--append-history") from None
        row = recorded_row(past, *drill) if drill is not None else None
        if row is not None:
            exercise, drawn_at = drill  # type: ignore[misc]  # row is None without a drill
            raise ConfigError(
                _(
                    "already records {exercise} drawn {drawn_at}: this drill was revealed "
                    "before (a copy of its folder?); a drill goes into the history once"
                ).format(exercise=exercise, drawn_at=drawn_at),
                source=str(p),
                key=_row_name(row.row),
            )
    return text


def history_text(old: str, script_dict: Mapping[str, Any]) -> bytes:
    """The history file ``old`` after appending the drill's row (header added if it is new)."""
    lines = old.splitlines(keepends=True) if old.strip() else []
    header = next(csv.reader([lines[0].lstrip("\ufeff")])) if lines else None
    if header is not None and any(c not in header for c in HISTORY_COLUMNS):
        # An older history gains the new columns (its rows leave them empty).
        header = header + [c for c in HISTORY_COLUMNS if c not in header]
        lines[0] = ",".join(header) + "\n"
    head, row = history_row(script_dict, header).splitlines(keepends=True)
    text = "".join(lines) if lines else head
    if not text.endswith("\n"):
        text += "\n"
    return csv_bytes(text + row)  # with a byte-order mark, for Excel (networks.files)
