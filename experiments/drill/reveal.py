"""Revealing a sealed drill: checks, decryption, the role packets and the history.

:func:`reveal_drill` checks the drill folder, the key or passphrase and any
``--append-history`` file before anything is decrypted; opens the seal and
checks it against the public commitment; builds ``script.json``,
``opening.json``, the role packets (:func:`write_packets`) and, last, the
manifest of every file (:func:`experiments.drill.folder.manifest_bytes`) in a
private staging folder beside the drill folder; and renames it to
``revealed/`` in one step, appending the history row right after.
:func:`append_history` appends a revealed drill to a history CSV on its own.

Where the history goes: ``--append-history`` takes the history CSV itself, or
the drill TOML, whose ``[drill] history`` (relative to the TOML's folder, as
the draw reads it) is then the file appended to; either way the reveal
reports the absolute path it wrote (:attr:`RevealResult.history`).

No decrypted byte is ever inside the drill folder unless the reveal completed:
the staging folder lies beside the drill folder (removed on any failure; a
killed reveal's is swept by the next command), and a history file may not lie
inside the drill folder, since its temporary copy (written just before the
rename, so that the append cannot fail after it) holds the drawn hazard and
area. Temporary copies of the history left by a killed reveal are swept too.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.drill.config import HISTORY_COLUMNS, history_row, network_fingerprint, read_history
from experiments.drill.folder import (
    MANIFEST,
    PAYLOAD_FORMAT,
    PUBLIC,
    PUBLIC_COMMITMENT,
    REVEALED,
    SEALED,
    check_drill_folder,
    check_header,
    manifest_bytes,
    read_bytes,
    read_json,
    stage_name,
    sweep,
    sweep_temp,
)
from experiments.drill.seal import Secret, unseal
from experiments.outdir import check_file_target
from networks import i18n
from networks.errors import ConfigError
from networks.files import atomic_path, atomic_write_bytes, fsync_dir
from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.drill import DrillScript, SealError, canonical_json, commitment, matches


@dataclass(frozen=True)
class RevealResult:
    """What a reveal wrote.

    Attributes
    ----------
    folder
        The ``revealed`` folder.
    script
        The revealed script.
    files
        Every file written under ``folder``.
    note
        Why something was left out (the map), or "".
    language
        Language of the packets.
    manifest
        SHA-256 of ``manifest.json``: publish it, as the commitment was.
    history
        The history file appended to (absolute), or None.
    """

    folder: Path
    script: DrillScript
    files: tuple[Path, ...]
    note: str = ""
    language: str = "en"
    manifest: str = ""
    history: Path | None = None


def _rebuild_network(script: DrillScript) -> tuple[RoadNetwork | None, str]:
    """The drill's network for the map, or None and why not."""
    spec = dict(script.region.get("network", {}))
    from experiments.config import NetworkSpec

    try:
        net = NetworkSpec.from_dict(spec, source="script.json", base_dir=Path("/")).build()
    except Exception as exc:  # the map is optional: any failure only leaves it out
        return None, _("map not drawn: network not available ({reason})").format(reason=exc)
    if network_fingerprint(net) != script.region.get("fingerprint"):
        return None, _("map not drawn: the network file changed since the draw")
    return net, ""


def _open_sealed(
    folder: Path, secret: Secret
) -> tuple[dict[str, Any], DrillScript, bytes, bytes, str | None]:
    public = read_json(folder / PUBLIC, PUBLIC_COMMITMENT)
    path = folder / SEALED
    data = read_bytes(
        path,
        missing=_("{path}: no sealed drill here"),
        unreadable=_("{path}: cannot read the sealed drill ({reason})"),
    )
    try:
        plain = unseal(data, secret)
    except SealError as exc:
        raise SealError(f"{path}: {exc}") from None
    try:
        payload = json.loads(plain.decode("utf-8"))
        if payload.get("format") != PAYLOAD_FORMAT:
            raise ValueError
        salt = bytes.fromhex(payload["salt"])
        body = canonical_json(payload["script"])
        drawn_in = payload.get("language")  # drills sealed by earlier versions have none
        drawn_in = drawn_in if drawn_in in i18n.LANGUAGES else None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise SealError(
            _("{path}: sealed payload has an unknown format").format(path=path)
        ) from None
    if not matches(str(public.get("commitment", "")), salt, body):
        raise SealError(
            _("{path}: the sealed script does not match the public commitment").format(path=path)
        )
    try:
        script = DrillScript.from_dict(payload["script"])
    except SealError as exc:
        raise SealError(f"{path}: {exc}") from None
    check_header(public, script, folder / PUBLIC)
    return public, script, body, salt, drawn_in


def write_packets(script: DrillScript, folder: Path, network: RoadNetwork | None) -> list[Path]:
    """Write every role's packet under ``folder``; returns the files written."""
    from experiments.drill import packets

    files: dict[str, bytes] = {
        "participants/alarm.cap.xml": packets.cap_alert(script),
        "participants/alarm.txt": packets.alarm_text(script).encode(),
        "controllers/injects.csv": packets.injects_csv(script).encode(),
        "controllers/injects.md": packets.injects_markdown(script).encode(),
        "controllers/injects.html": packets.injects_html(script).encode(),
    }
    # The blank report forms (信息报告模板) go to the participants with the alarm.
    from experiments.drill.report_forms import report_forms

    templates = script.evaluation.get("report_templates")
    if templates is not None:
        from scenarios.drill.report_templates import ReportTemplates

        templates = ReportTemplates.from_dict(templates)
    files.update(report_forms(script, templates=templates))
    map_name = "map.png" if network is not None else None
    for rel, data in packets.evaluator_files(script, map_name).items():
        files[f"evaluators/{rel}"] = data
    out = []
    for rel, data in files.items():
        out.append(atomic_write_bytes(folder / rel, data))
    if network is not None:
        from experiments.drill.maps import plot_drill_map
        from experiments.figures import save_figure

        out.append(save_figure(plot_drill_map(script, network), folder / "evaluators/map.png"))
    return out


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


def _check_history(path: Path, folder: Path | None = None) -> str:
    """Check the ``--append-history`` file before anything is decrypted; its text now.

    The file may not lie inside the drill folder ``folder``: its temporary
    copy, written before the reveal completes, holds the drawn hazard and area.
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
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(
            _("cannot read: {reason}").format(reason=exc.strerror),
            source=str(p),
            key="--append-history",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            _("not a UTF-8 text file"), source=str(p), key="--append-history"
        ) from None
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
            read_history(p)  # every row readable
        except ConfigError as exc:
            raise ConfigError(str(exc), key="--append-history") from None
    return text


def _history_text(old: str, script: DrillScript) -> bytes:
    """The history file after appending ``script``'s row (header added if it is new)."""
    lines = old.splitlines(keepends=True) if old.strip() else []
    header = next(csv.reader([lines[0].lstrip("\ufeff")])) if lines else None
    if header is not None and any(c not in header for c in HISTORY_COLUMNS):
        # An older history gains the new columns (its rows leave them empty).
        header = header + [c for c in HISTORY_COLUMNS if c not in header]
        lines[0] = ",".join(header) + "\n"
    head, row = history_row(script.to_dict(), header).splitlines(keepends=True)
    text = "".join(lines) if lines else head
    if not text.endswith("\n"):
        text += "\n"
    return (text + row).encode("utf-8")


def reveal_drill(
    folder: str | Path,
    *,
    key_file: str | Path | None = None,
    passphrase_file: str | Path | None = None,
    history_file: str | Path | None = None,
) -> RevealResult:
    """Open a sealed drill, check its commitment and write the packets.

    The packets are built in a private (0700) staging folder beside the drill
    folder and renamed to ``revealed/`` in one step, so no decrypted byte is
    in the drill folder unless the reveal completed. ``history_file`` is
    checked before anything is decrypted and appended right after the rename.

    The packets are written in the language the drill was drawn in, which
    the reveal adopts like a config's ``language`` key
    (:func:`networks.i18n.adopt`): a language the user chose explicitly
    (``yingji --lang``, ``YINGJI_LANG``, :func:`networks.i18n.set_language`)
    wins. Drills sealed by earlier versions record none: the language in use.

    Parameters
    ----------
    folder
        The drill folder.
    key_file, passphrase_file
        What opens the seal (exactly one).
    history_file
        Optionally a drill-history CSV to append this drill to (created if
        absent), or the drill TOML: then the history its ``[drill] history``
        names (:func:`history_target`). It must lie outside the drill folder.

    Returns
    -------
    RevealResult
        The ``revealed`` folder, the script, the files written, the language
        of the packets, the SHA-256 of the manifest and the history written.

    Raises
    ------
    SealError
        Wrong key or passphrase, a changed byte, a commitment mismatch, or a
        drill already revealed. Nothing in ``folder`` changes on failure.
    ConfigError
        A history file that cannot be appended to (nothing is revealed then).
    """
    folder = Path(folder)
    check_drill_folder(folder)
    target = folder / REVEALED
    if os.path.lexists(target):
        raise SealError(
            _("{folder} already exists; not overwriting an earlier reveal").format(folder=target)
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SealError(
            _("{folder}: cannot write in the drill folder (permission denied)").format(
                folder=folder
            )
        )
    history = history_target(history_file) if history_file is not None else None
    old_history = _check_history(history, folder) if history is not None else ""
    secret = Secret.from_files(key_file=key_file, passphrase_file=passphrase_file)
    real = folder.resolve()
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise SealError(
            _(
                "{folder}: cannot write there (the reveal builds revealed/ beside the drill "
                "folder, then moves it in)"
            ).format(folder=real.parent)
        )
    sweep(real)
    if history is not None:
        sweep_temp(history)
    _public, script, body, salt, drawn_in = _open_sealed(folder, secret)
    # The packets speak the language the drill was drawn in, unless the user
    # chose one for this reveal (--lang, YINGJI_LANG): it is followed like a
    # config's language key.
    i18n.adopt(drawn_in)
    network, note = _rebuild_network(script)
    stage = stage_name(real)
    stage.mkdir(mode=0o700)
    try:
        atomic_write_bytes(stage / "script.json", body)
        # The language the packets were written in, so verify can speak it too.
        opening = {
            "commitment": commitment(salt, body),
            "salt": salt.hex(),
            "language": i18n.get_language(),
        }
        atomic_write_bytes(stage / "opening.json", (json.dumps(opening, indent=2) + "\n").encode())
        atomic_write_bytes(stage / "history_row.csv", history_row(script.to_dict()).encode())
        written = write_packets(script, stage, network)
        # Last: the manifest of every file now in the staging folder (verify checks it).
        manifest = manifest_bytes(
            stage,
            exercise_id=script.exercise_id,
            commitment=opening["commitment"],
            language=opening["language"],
        )
        atomic_write_bytes(stage / MANIFEST, manifest)
        # revealed/ gets the mode of any new folder (the staging folder was private)
        os.chmod(stage, written[0].parent.stat().st_mode & 0o7777)
        fsync_dir(stage)
        if history is None:
            _move_in(stage, real / REVEALED)
        else:
            moved = False
            try:
                with atomic_path(history) as tmp:
                    tmp.write_bytes(_history_text(old_history, script))
                    _move_in(stage, real / REVEALED)
                    moved = True
            except OSError as exc:
                if not moved:
                    raise
                raise SealError(
                    _(
                        "{path}: revealed, but could not append to the history ({reason}); add "
                        "{row} by hand"
                    ).format(path=history, reason=exc.strerror, row=target / "history_row.csv")
                ) from None
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    files = tuple(sorted(p for p in target.rglob("*") if p.is_file()))
    return RevealResult(
        target,
        script,
        files,
        note,
        i18n.get_language(),
        manifest=hashlib.sha256(manifest).hexdigest(),
        history=Path(os.path.abspath(history)) if history is not None else None,
    )


def _move_in(stage: Path, target: Path) -> None:
    """Rename the finished staging folder to ``target`` (never over an earlier reveal)."""
    try:
        os.rename(stage, target)
    except OSError as exc:
        if os.path.lexists(target):  # another reveal got there first
            raise SealError(
                _("{folder} already exists; not overwriting an earlier reveal").format(
                    folder=target
                )
            ) from None
        raise SealError(
            _("{folder}: cannot move the revealed folder in ({reason})").format(
                folder=target, reason=exc.strerror
            )
        ) from None
    fsync_dir(target.parent)


def append_history(path: str | Path, script: DrillScript) -> Path:
    """Append a revealed drill to a history CSV (atomically; header added if new or empty).

    Parameters
    ----------
    path
        The history CSV (``drawn_at, exercise_id, hazard, area``), or the drill
        TOML whose ``[drill] history`` to append to (:func:`history_target`).
    script
        The revealed drill.

    Returns
    -------
    pathlib.Path
        The history file written (absolute).

    Raises
    ------
    ConfigError
        If ``path`` cannot be written or is not a drill history.
    """
    p = history_target(path)
    old = _check_history(p)
    atomic_write_bytes(p, _history_text(old, script))
    return Path(os.path.abspath(p))
