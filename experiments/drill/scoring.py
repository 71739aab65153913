"""``yingji drill score``: check, score and write a drill's scored folder in one step.

:func:`score_folder` verifies the revealed drill first (every revealed file
against the manifest, the script against the public commitment:
:func:`~experiments.drill.verify.verify_drill`), so a drill is never scored
against a packet changed after the reveal; checks the output folder and any
``--append-history`` file; reads and checks the observations; scores them
(:func:`~experiments.drill.score.score_drill`); and only then writes.

Everything goes into ``DIR/scored/`` (or ``--out``), never under
``revealed/`` (whose manifest ``verify`` checks): the files are built in a
hidden staging folder beside it and swapped in whole
(:func:`experiments.outdir.staged_folder`), so a failure leaves nothing
half-written; an earlier ``scored/`` is replaced only with ``--overwrite``.
The history file is rewritten in the same step: its new copy is written first,
the folder swapped in, then the copy renamed over the history.

Files of ``scored/`` (names the same in every language):

====================================  ==================================================
``evaluation_form.html|md|csv``       the scored evaluation form (评分表)
``evaluation_report.html|md``         the evaluation report (评估报告)
``improvements.csv|html``             the improvement list (整改清单)
``score.json``                        the numbers: total, conclusion, shares, time rows
``observations.csv`` (or ``.xlsx``)   the observations scored, as given (archived)
====================================  ==================================================
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from experiments.drill.folder import REVEALED
from experiments.drill.gbt_standards import scheme
from experiments.drill.history_list import score_cells, updated_history
from experiments.drill.improvements import improvements_csv, improvements_html
from experiments.drill.reveal import _check_history, history_target
from experiments.drill.score import DrillScore, read_drill_observations, score_drill
from experiments.drill.score_form import form_csv, form_html, form_markdown
from experiments.drill.score_report import report_html, report_markdown
from experiments.drill.verify import verify_drill
from experiments.outdir import check_folder_target, staged_folder
from networks.errors import ConfigError
from networks.files import CSV_ENCODING, atomic_path, csv_bytes
from networks.i18n import _, os_reason
from scenarios.drill import DrillScript, SealError

#: The scored folder's name inside the drill folder.
SCORED = "scored"
#: Format tag of ``score.json``.
SCORE_FORMAT = "yingji-drill-score/1"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreResult:
    """What a scoring wrote.

    Attributes
    ----------
    folder
        The scored folder.
    score
        The numbers.
    files
        Every file written in ``folder``.
    history
        The history file updated (absolute), or None.
    """

    folder: Path
    score: DrillScore
    files: tuple[Path, ...]
    history: Path | None = None


def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def score_json(score: DrillScore, *, manifest: str, observations_sha256: str) -> str:
    """The numbers of a scored drill as JSON (sorted keys; the same in every language)."""
    body: dict[str, Any] = {
        "format": SCORE_FORMAT,
        "exercise_id": score.script.exercise_id,
        "manifest_sha256": manifest,
        "observations": {"file": score.observations.name, "sha256": observations_sha256},
        "total": round(score.total, 4),
        "conclusion": score.conclusion,
        "veto": score.veto,
        "counted_weight": score.counted_weight,
        "points": round(score.points, 4),
        "end_of_play_min": _num(score.end_min),
        "indicators": {
            s.id: {
                "weight": s.indicator.weight,
                "applies": s.applies,
                "how": s.how,
                "given": s.given,
                "share": _num(s.share),
                "points": _num(s.points),
            }
            for s in score.indicators
        },
        "time_standards": {
            c.id: {
                "ref": c.ref,
                "indicator": c.indicator,
                "target_min": c.target_min,
                "basis": c.basis,
                "inject": c.inject,
                "start_min": _num(c.start_min),
                "minutes": _num(c.minutes),
                "share": _num(c.share),
                "status": c.status,
                "row": c.row,
            }
            for c in score.checks
        },
        "reports": [
            {
                "row": r.report.row,
                "kind": r.report.kind,
                "level": r.report.level,
                "minute": _num(r.report.minute),
                "required": len(r.required),
                "missing": list(r.missing),
                "deadlines": list(r.deadlines),
                "figures_checked_against": r.against,
                "figures_at_least": r.at_least,
                "wrong_figures": [{"field": k, "reported": v, "given": g} for k, v, g in r.wrong],
            }
            for r in score.reports
        ],
        "improvements": {"open": len(score.shortfalls), "due": score.due.isoformat()},
    }
    return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _read_script(folder: Path) -> DrillScript:
    path = folder / REVEALED / "script.json"
    try:
        return DrillScript.from_dict(json.loads(path.read_bytes()))
    except SealError as exc:
        raise SealError(f"{path}: {exc}") from None


def _check_out(out: Path, folder: Path, overwrite: bool) -> Path:
    """The scored folder may not lie in ``revealed/`` (verify would fail) nor hold the drill."""
    revealed = Path(os.path.realpath(folder / REVEALED))
    real = Path(os.path.realpath(out))
    if real == revealed or revealed in real.parents:
        raise ConfigError(
            _("must not lie inside {folder}: verify checks every file there").format(
                folder=folder / REVEALED
            ),
            source=str(out),
            key="--out",
        )
    drill = Path(os.path.realpath(folder))
    if real == drill or real in drill.parents:
        raise ConfigError(
            _("is the drill folder or holds it; name a folder for the scores"),
            source=str(out),
            key="--out",
        )
    return check_folder_target(out, option="--out", overwrite=overwrite, command="drill score")


def _check_rows(folder: Path, script: Any) -> None:
    """Warn when this version's time standards differ from those revealed with the drill.

    Scoring reads the rows from the script with the rules of this version; an
    evaluator's sheet printed at the reveal numbers them as that version did.
    """
    from experiments.drill.evaluation_gbt import time_standards_csv

    path = folder / REVEALED / "evaluators" / "time_standards.csv"
    try:
        revealed = path.read_bytes()
    except OSError:
        return
    # As text: a drill revealed before CSVs carried a byte-order mark has the same rows.
    if revealed.decode(CSV_ENCODING, errors="replace") != time_standards_csv(script):
        logger.warning(
            _(
                "{path}: this version of yingji times the drill by other rows than the reveal "
                "listed (a rule changed since); the score's T numbers are this version's, "
                "not those of the evaluators' sheets"
            ).format(path=path)
        )


def score_folder(
    folder: str | Path,
    observations: str | Path,
    *,
    out: str | Path | None = None,
    history_file: str | Path | None = None,
    overwrite: bool = False,
    report_date: date | None = None,
) -> ScoreResult:
    """Score a revealed drill from its observations and write the scored folder.

    Parameters
    ----------
    folder
        The drill folder (revealed).
    observations
        The observations file (CSV or XLSX; :mod:`experiments.drill.observations`).
    out
        The scored folder (default ``folder/scored``).
    history_file
        Optionally the drill-history CSV, or the drill TOML whose ``[drill]
        history`` it is, to record the score in (:mod:`experiments.drill.history_list`).
    overwrite
        Whether an earlier scored folder may be replaced.
    report_date
        The date on the report's cover (default today).

    Returns
    -------
    ScoreResult

    Raises
    ------
    SealError
        The drill is not revealed, or a revealed file changed since the reveal.
    ConfigError
        A missing or malformed observation (naming the file and the row), an
        output folder or history file that cannot be written. Nothing is
        written then.
    """
    folder = Path(folder)
    verified = verify_drill(folder)
    script = _read_script(folder)
    if scheme(script) != "gbt46792":
        raise ConfigError(
            _(
                "drawn with the HSEEP sheet; scoring needs the GB/T 46792 evaluation plan "
                '([evaluation] standard = "gbt46792")'
            ),
            source=str(folder / REVEALED / "script.json"),
        )
    target = _check_out(Path(out) if out is not None else folder / SCORED, folder, overwrite)
    history = history_target(history_file) if history_file is not None else None
    old_history = _check_history(history, folder) if history is not None else ""
    _check_rows(folder, script)
    src = Path(observations)
    obs = read_drill_observations(script, src)
    score = score_drill(script, obs)
    raw = src.read_bytes()
    files: dict[str, bytes] = {
        "evaluation_form.html": form_html(score).encode(),
        "evaluation_form.md": form_markdown(score).encode(),
        "evaluation_form.csv": csv_bytes(form_csv(score)),
        "evaluation_report.html": report_html(score, report_date=report_date).encode(),
        "evaluation_report.md": report_markdown(score, report_date=report_date).encode(),
        "improvements.csv": csv_bytes(improvements_csv(score)),
        "improvements.html": improvements_html(score).encode(),
        "score.json": score_json(
            score,
            manifest=verified.manifest,
            observations_sha256=hashlib.sha256(raw).hexdigest(),
        ).encode(),
        f"observations{src.suffix.lower() or '.csv'}": raw,
    }

    def write() -> None:
        with staged_folder(target, command="drill score", overwrite=overwrite) as stage:
            for name, data in files.items():
                (stage / name).write_bytes(data)

    if history is None:
        write()
    else:
        cells = score_cells(score.total, score.conclusion, len(score.shortfalls))
        moved = False
        try:
            with atomic_path(history) as tmp:
                tmp.write_bytes(updated_history(old_history, script, cells))
                write()
                moved = True
        except OSError as exc:
            if not moved:
                raise
            raise ConfigError(
                _("scored, but could not update the history ({reason}); run the score again "
                  "with --overwrite").format(reason=os_reason(exc)),
                source=str(history),
            ) from None  # fmt: skip
    written = tuple(sorted(target / name for name in files))
    return ScoreResult(
        target,
        score,
        written,
        Path(os.path.abspath(history)) if history is not None else None,
    )
