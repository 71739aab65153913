"""Revealing a sealed drill: checks, decryption, the role packets and the history.

:func:`reveal_drill` checks the drill folder, the key or passphrase and any
``--append-history`` file before anything is decrypted; opens the seal and
checks it against the public commitment; builds ``script.json``,
``opening.json``, the role packets (:func:`write_packets`) and, last, the
manifest of every file (:func:`experiments.drill.folder.manifest_bytes`) in a
private staging folder beside the drill folder; and renames it to
``revealed/`` in one step, appending the history row right after.
:func:`append_history` appends a revealed drill to a history CSV on its own.

Before anything is decrypted, the sealed file's SHA-256 is compared with the
one ``commitment.json`` published (a changed file is named as changed, and no
key derivation runs on a header nobody committed to), and the history must not
already record the drill (a copied folder revealed again). After decryption,
still before anything is written, a six-no drill that has not reached its
drawn start is refused unless ``early`` (``--early``) says otherwise.

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

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from experiments.drill.config import history_row, network_fingerprint
from experiments.drill.folder import (
    MANIFEST,
    PAYLOAD_FORMAT,
    PUBLIC,
    PUBLIC_COMMITMENT,
    REVEALED,
    SEALED,
    check_drill_folder,
    check_header,
    check_public,
    is_sha256_hex,
    manifest_bytes,
    read_bytes,
    read_json,
    stage_name,
    sweep,
    sweep_temp,
)
from experiments.drill.history_file import check_history_file, history_target, history_text
from experiments.drill.seal import Secret, WrongSecret, unseal
from networks import i18n
from networks.files import atomic_path, atomic_write_bytes, csv_bytes, fsync_dir
from networks.i18n import _, os_reason
from networks.moments import moment_text
from networks.roadnet import RoadNetwork
from scenarios.drill import DrillScript, SealError, canonical_json, commitment, matches

__all__ = [
    "RevealResult",
    "append_history",
    "history_target",
    "reveal_drill",
    "write_packets",
]
#: Kept under their old names: ``yingji drill score`` checks its history file with them.
_check_history = check_history_file


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
    early
        Why revealing now, before the drawn start, needs care (the packets of a
        role must wait), or "" if the drill has started.
    """

    folder: Path
    script: DrillScript
    files: tuple[Path, ...]
    note: str = ""
    language: str = "en"
    manifest: str = ""
    history: Path | None = None
    early: str = ""


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


def _check_sealed_digest(data: bytes, public: dict[str, Any], path: Path, folder: Path) -> None:
    """Refuse a sealed file whose SHA-256 is not the one published at the draw.

    Checked before the header is even parsed: a changed file is named as
    changed (not as a wrong key), and no key derivation runs on a header
    nobody committed to.
    """
    expected = public.get("sealed_sha256")
    if not is_sha256_hex(expected):
        raise SealError(
            _("{path}: sealed_sha256: missing or not 64 hex digits (the file is damaged)").format(
                path=folder / PUBLIC
            )
        )
    if hashlib.sha256(data).hexdigest() != str(expected).lower():
        raise SealError(
            _(
                "{path}: changed since the draw (its SHA-256 differs from sealed_sha256 in "
                "{public})"
            ).format(path=path, public=folder / PUBLIC)
        )


def _wrong_secret(path: Path, secret: Secret, public: Path) -> SealError:
    """The line for a key or passphrase that does not open a sealed file of the published digest.

    The digest was checked, so the secret is the likelier fault; but a file changed
    together with ``sealed_sha256`` in ``public`` fails the same way, and the line says so.
    """
    if secret.key is not None:
        msg = _(
            "{path}: wrong key: {key} does not open this drill (or the file was changed since "
            "the draw, and sealed_sha256 in {public} with it)"
        )
    else:
        msg = _(
            "{path}: wrong passphrase: the one in {key} does not open this drill (or the file "
            "was changed since the draw, and sealed_sha256 in {public} with it)"
        )
    return SealError(msg.format(path=path, key=secret.source or "?", public=public))


def _open_sealed(
    folder: Path, secret: Secret, public: dict[str, Any]
) -> tuple[DrillScript, bytes, bytes, str | None]:
    path = folder / SEALED
    data = read_bytes(
        path,
        missing=_("{path}: no sealed drill here"),
        unreadable=_("{path}: cannot read the sealed drill ({reason})"),
    )
    _check_sealed_digest(data, public, path, folder)
    try:
        plain = unseal(data, secret)
    except WrongSecret:  # the file has the published digest: the secret, or both were changed
        raise _wrong_secret(path, secret, folder / PUBLIC) from None
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
        # The sealed file is the one the published sealed_sha256 names and opens with the
        # key: what differs is the commitment beside it.
        raise SealError(
            _(
                "{public}: commitment: not the commitment of {path} (which has the published "
                "sealed_sha256 and opens with the key): {public} was changed since the draw"
            ).format(public=folder / PUBLIC, path=path)
        )
    try:
        script = DrillScript.from_dict(payload["script"])
    except SealError as exc:
        raise SealError(f"{path}: {exc}") from None
    check_header(public, script, folder / PUBLIC)
    return script, body, salt, drawn_in


def _before_start(script: DrillScript, folder: Path, now: datetime, *, early: bool) -> str:
    """Why revealing at ``now`` needs care ("" once the drill has started).

    A six-no drill is revealed at its start: nobody, controllers included,
    holds the script before (:data:`scenarios.drill.disclosure.DISCLOSURE`),
    so an earlier reveal is refused unless ``early``. Under single or double
    blind the controllers and evaluators may hold it before, but the players
    learn the time at the alarm: a reminder to keep their packets back.

    Raises
    ------
    SealError
        A six-no drill that has not started, without ``early``. The message
        does not give the start: it is still secret.
    """
    try:
        start = datetime.fromisoformat(script.scene.start)
    except (TypeError, ValueError):
        return ""  # the script was checked against its commitment; nothing to compare
    if start.tzinfo is None or now >= start:
        return ""
    if script.blind_level == "six-no":
        if not early:
            raise SealError(
                _(
                    "{folder}: {exercise} is a six-no drill that has not started yet: it is "
                    "revealed at its start, since nobody, controllers included, may hold the "
                    "script before; reveal it then, or give --early to open it now"
                ).format(folder=folder, exercise=script.exercise_id)
            )
        return _(
            "revealed before the drawn start {start} (--early): under six-no nobody may see "
            "these packets before the drill starts; keep all of them locked away until then"
        ).format(start=moment_text(script.scene.start))
    return _(
        "the drill starts {start}: give participants/ to the players only with the alarm"
    ).format(start=moment_text(script.scene.start))


def write_packets(script: DrillScript, folder: Path, network: RoadNetwork | None) -> list[Path]:
    """Write every role's packet under ``folder``; returns the files written."""
    from experiments.drill import packets

    files: dict[str, bytes] = {
        "participants/alarm.cap.xml": packets.cap_alert(script),
        "participants/alarm.txt": packets.alarm_text(script).encode(),
        "controllers/injects.csv": csv_bytes(packets.injects_csv(script)),
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


def reveal_drill(
    folder: str | Path,
    *,
    key_file: str | Path | None = None,
    passphrase_file: str | Path | None = None,
    history_file: str | Path | None = None,
    early: bool = False,
    now: datetime | None = None,
) -> RevealResult:
    """Open a sealed drill, check its commitment and write the packets.

    The packets are built in a private (0700) staging folder beside the drill
    folder and renamed to ``revealed/`` in one step, so no decrypted byte is
    in the drill folder unless the reveal completed. ``history_file`` is
    checked before anything is decrypted and appended right after the rename.

    The packets are written in the language the drill was drawn in, which
    the reveal adopts like a config's ``language`` key
    (:func:`networks.i18n.adopt`) as soon as the seal is open, so that what it
    says about the start (:attr:`RevealResult.early`, a refusal) speaks it too:
    a language the user chose explicitly (``yingji --lang``, ``YINGJI_LANG``,
    :func:`networks.i18n.set_language`) wins. Drills sealed by earlier
    versions record none: the language in use.

    Parameters
    ----------
    folder
        The drill folder.
    key_file, passphrase_file
        What opens the seal (exactly one).
    history_file
        Optionally a drill-history CSV to append this drill to (created if
        absent), or the drill TOML: then the history its ``[drill] history``
        names (:func:`history_target`). It must lie outside the drill folder,
        and may not record this drill already (a copy of a revealed folder).
    early
        Reveal a six-no drill before its drawn start (refused otherwise).
    now
        The moment of the reveal (default: the clock), compared with the start.

    Returns
    -------
    RevealResult
        The ``revealed`` folder, the script, the files written, the language
        of the packets, the SHA-256 of the manifest, the history written and,
        before the start, what to keep back.

    Raises
    ------
    SealError
        Wrong key or passphrase, a sealed file whose SHA-256 is not the one in
        ``commitment.json``, a commitment mismatch, a drill already revealed,
        or a six-no drill that has not started (without ``early``). Nothing in
        ``folder`` changes on failure.
    ConfigError
        A history file that cannot be appended to or that already records
        this drill (nothing is revealed then).
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
    public = read_json(folder / PUBLIC, PUBLIC_COMMITMENT)
    check_public(public, folder / PUBLIC)
    history = history_target(history_file) if history_file is not None else None
    drill = (str(public.get("exercise_id", "")), str(public.get("drawn_at", "")))
    old_history = check_history_file(history, folder, drill=drill) if history is not None else ""
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
    script, body, salt, drawn_in = _open_sealed(folder, secret, public)
    # The packets speak the language the drill was drawn in, unless the user
    # chose one for this reveal (--lang, YINGJI_LANG): it is followed like a
    # config's language key, from here on, so the lines about the start (and a
    # refusal) speak it as the rest of the reveal's output does.
    i18n.adopt(drawn_in)
    # Still nothing written: a six-no drill that has not started stays sealed.
    early_note = _before_start(script, folder, now or datetime.now(UTC), early=early)
    if early_note and history is not None:  # the history is often shared: it now tells
        early_note = _(
            "{note}; the history {history} now names the drill's hazard, area and start: keep "
            "it from everyone who plays until then"
        ).format(note=early_note, history=history)
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
        atomic_write_bytes(stage / "history_row.csv", csv_bytes(history_row(script.to_dict())))
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
                    tmp.write_bytes(history_text(old_history, script.to_dict()))
                    _move_in(stage, real / REVEALED)
                    moved = True
            except OSError as exc:
                if not moved:
                    raise
                raise SealError(
                    _(
                        "{path}: revealed, but could not append to the history ({reason}); add "
                        "{row} by hand"
                    ).format(path=history, reason=os_reason(exc), row=target / "history_row.csv")
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
        early=early_note,
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
                folder=target, reason=os_reason(exc)
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
        If ``path`` cannot be written, is not a drill history, or already
        records this drill (same exercise id and time of the draw).
    """
    p = history_target(path)
    old = check_history_file(p, drill=(script.exercise_id, script.drawn_at))
    atomic_write_bytes(p, history_text(old, script.to_dict()))
    return Path(os.path.abspath(p))
