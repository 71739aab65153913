"""What every drill command shares about the drill folder.

Holds the names of the files in a drill folder (:data:`SEALED`,
:data:`PUBLIC`, :data:`REVEALED`) and the formats of the public commitment
and the sealed payload; :func:`read_json` for the JSON files of a drill;
:func:`check_drill_folder`, :func:`check_public`, :func:`check_header` and
:func:`is_sha256_hex`, the checks a reveal and a verification share; the
hidden staging folders built beside a drill folder (:func:`stage_name`) and
the sweep that removes those a killed command left behind (:func:`sweep`,
and :func:`sweep_temp` for a history file's temporary copies);
:func:`yingji_version`, the version stamped on a draw; and the manifest of a
revealed folder (:func:`manifest_bytes`, :func:`read_manifest`,
:func:`revealed_files`).

The manifest
------------
``revealed/manifest.json`` lists the SHA-256 of every other file of the
revealed folder (whatever the reveal wrote: packets, script, opening, history
row), together with the drill's exercise id and public commitment, and the
SHA-256 of that list itself. It is canonical JSON, written last, just before
the staging folder becomes ``revealed/``. :func:`experiments.drill.verify.verify_drill`
checks it in both directions: a file changed, removed or added after the
reveal is named in one line. The reveal prints the SHA-256 of the manifest
file for publication beside the commitment (see :mod:`experiments.drill.verify`
for what that guards against).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

from experiments.outdir import STAGE_PREFIX, pid_alive, sweep_stale
from networks.files import TMP_PREFIX
from networks.i18n import N_, _, os_reason
from scenarios.drill import DrillScript, SealError, canonical_json, is_canonical

SEALED = "script.sealed"
PUBLIC = "commitment.json"
REVEALED = "revealed"
MANIFEST = "manifest.json"
PUBLIC_FORMAT = "yingji-drill-commitment/1"
#: How ``commitment.json`` states its commitment was computed (every version wrote this).
PUBLIC_HASH = "sha256(salt || canonical_json(script))"
PAYLOAD_FORMAT = "yingji-drill-payload/1"
MANIFEST_FORMAT = "yingji-drill-manifest/1"
#: The plaintext is padded with spaces to a multiple of this many bytes, so the
#: size of the sealed file does not hint at the hazard, the place or the injects.
#: A drill file's scripts differ by tens of kilobytes with the draw (the hazard's
#: report form above all): 64 KiB steps showed which hazard when a bureau's forms
#: put the scripts near a step; 1 MiB steps hold every script of 20 KB to 1 MB.
PAD_BYTES = 1024 * 1024


def padded(payload: bytes) -> bytes:
    """``payload`` with trailing spaces (JSON allows them) to a multiple of :data:`PAD_BYTES`."""
    return payload + b" " * (-len(payload) % PAD_BYTES)


#: Temporary reveal folders of older versions (inside the drill folder); swept.
_LEGACY_TMP = ".revealed.tmp-"


def yingji_version() -> str:
    """The installed yingji version (``0+unknown`` when not installed): ``networks.__version__``."""
    from networks import __version__

    return __version__


#: What the public commitment is, for messages (a marked noun for :func:`read_json`).
PUBLIC_COMMITMENT = N_("public commitment")


def read_bytes(path: Path, *, missing: str, unreadable: str, **fields: Any) -> bytes:
    """The bytes of a drill file; a missing or unreadable one is a :class:`SealError`.

    ``missing`` and ``unreadable`` are translated messages with a ``{path}``
    placeholder (``unreadable`` also ``{reason}``) and any of ``fields``.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SealError(missing.format(path=path, **fields)) from None
    except OSError as exc:
        raise SealError(unreadable.format(path=path, reason=os_reason(exc), **fields)) from None


def read_json(path: Path, what: str) -> dict[str, Any]:
    """A JSON object from ``path``; ``what`` (a marked noun) names it in messages."""
    w = _(what)
    raw = read_bytes(
        path,
        missing=_("{path}: no {what} here"),
        unreadable=_("{path}: cannot read {what} ({reason})"),
        what=w,
    )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SealError(
            _("{path}: {what} is damaged (not JSON)").format(path=path, what=w)
        ) from None
    if not isinstance(data, dict):
        raise SealError(_("{path}: {what} is damaged").format(path=path, what=w))
    return data


def is_sha256_hex(value: object) -> bool:
    """Whether ``value`` is a SHA-256 digest written as 64 hex digits (either case)."""
    if not (isinstance(value, str) and len(value) == 64):
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def check_drill_folder(folder: Path) -> None:
    """Refuse a drill folder that does not exist or is a file."""
    if not folder.exists():
        raise SealError(_("{folder}: no such drill folder").format(folder=folder))
    if not folder.is_dir():
        raise SealError(_("{folder}: is a file, not a drill folder").format(folder=folder))


def check_public(public: dict[str, Any], path: Path) -> None:
    """Refuse a ``commitment.json`` whose fixed fields are not the ones every draw wrote.

    ``format``, ``hash`` and ``sealed_file`` have had one value since the first
    drill format; they are covered by no digest, so they are checked as the
    constants they are (an edited one would mislead whoever checks the commitment
    by hand). ``yingji_version`` is informational (docs/drills.md, "What
    commitment.json binds").
    """
    for key, expected in (
        ("format", PUBLIC_FORMAT),
        ("hash", PUBLIC_HASH),
        ("sealed_file", SEALED),
    ):
        if public.get(key) != expected:
            raise SealError(
                _(
                    "{path}: {key}: expected {expected!r}, not {value!r} (changed since the "
                    "draw, or not a yingji drill commitment)"
                ).format(path=path, key=key, expected=expected, value=public.get(key))
            )


def check_header(public: dict[str, Any], script: DrillScript, path: Path) -> None:
    """Refuse a script whose id, generator version or draw time differ from the commitment."""
    for k in ("exercise_id", "generator_version", "drawn_at"):
        if public.get(k) != getattr(script, k):
            raise SealError(
                _("{path}: public commitment and script disagree on {key}").format(path=path, key=k)
            )


def stage_name(folder: Path) -> Path:
    """A hidden staging folder beside ``folder`` (same file system; swept if left behind)."""
    return folder.parent / f"{STAGE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{folder.name}"


def sweep(folder: Path) -> None:
    """Remove staging folders left beside (or, by older versions, inside) ``folder``."""
    with suppress(OSError):
        sweep_stale(folder)
    with suppress(OSError):
        for entry in folder.iterdir():
            if entry.name.startswith(_LEGACY_TMP) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)


def sweep_temp(path: Path) -> None:
    """Remove temporary copies of ``path`` left beside it by commands that were killed."""
    with suppress(OSError):
        for entry in path.parent.iterdir():
            name = entry.name
            if not (name.startswith(TMP_PREFIX) and name.endswith(f"-{path.name}")):
                continue
            pid_text = name[len(TMP_PREFIX) :].split("-", 1)[0]
            if pid_text.isdigit() and not pid_alive(int(pid_text)) and entry.is_file():
                entry.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (of the link text, marked, for a symbolic link)."""
    if path.is_symlink():
        return hashlib.sha256(b"symlink\0" + os.fsencode(os.readlink(path))).hexdigest()
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def revealed_files(folder: Path) -> dict[str, Path]:
    """Every entry of a revealed folder but folders and the manifest: relative POSIX path -> path.

    Symbolic links are entries too (never followed), so nothing can hide behind one.
    """
    out: dict[str, Path] = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        links = [d for d in dirs if (base / d).is_symlink()]
        for name in [*files, *links]:
            p = base / name
            rel = p.relative_to(folder).as_posix()
            if rel != MANIFEST:
                out[rel] = p
    return dict(sorted(out.items()))


def manifest_bytes(folder: Path, *, exercise_id: str, commitment: str, language: str) -> bytes:
    """The canonical manifest of ``folder`` (every file in it now; see the module notes)."""
    body = {
        "format": MANIFEST_FORMAT,
        "exercise_id": exercise_id,
        "commitment": commitment,
        "language": language,
        "yingji_version": yingji_version(),
        "files": {rel: file_sha256(p) for rel, p in revealed_files(folder).items()},
    }
    return canonical_json(
        {"manifest": body, "sha256": hashlib.sha256(canonical_json(body)).hexdigest()}
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The body of a revealed folder's manifest; damaged or missing: a SealError naming it."""
    raw = read_bytes(
        path,
        missing=_(
            "{path}: no manifest of the revealed files (revealed by an older yingji, or "
            "removed); the packets cannot be checked"
        ),
        unreadable=_("{path}: cannot read the manifest ({reason})"),
    )
    damaged = SealError(
        _("{path}: the manifest is damaged or was changed since the reveal").format(path=path)
    )
    if not is_canonical(raw):
        raise damaged
    data = json.loads(raw)
    body = data.get("manifest") if isinstance(data, dict) else None
    if (
        not isinstance(body, dict)
        or hashlib.sha256(canonical_json(body)).hexdigest() != data.get("sha256")
        or body.get("format") != MANIFEST_FORMAT
        or not isinstance(body.get("files"), dict)
        or not all(isinstance(v, str) for v in body["files"].values())
    ):
        raise damaged
    return body
