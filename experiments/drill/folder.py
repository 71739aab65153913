"""What every drill command shares about the drill folder.

Holds the names of the files in a drill folder (:data:`SEALED`,
:data:`PUBLIC`, :data:`REVEALED`) and the formats of the public commitment
and the sealed payload; :func:`read_json` for the JSON files of a drill;
:func:`check_drill_folder` and :func:`check_header`, the checks a reveal and a
verification share; the hidden staging folders built beside a drill folder
(:func:`stage_name`) and the sweep that removes those a killed command left
behind (:func:`sweep`); and :func:`yingji_version`, the version stamped on a draw.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

from experiments.outdir import STAGE_PREFIX, sweep_stale
from networks.i18n import N_, _
from scenarios.drill import DrillScript, SealError

SEALED = "script.sealed"
PUBLIC = "commitment.json"
REVEALED = "revealed"
PUBLIC_FORMAT = "yingji-drill-commitment/1"
PAYLOAD_FORMAT = "yingji-drill-payload/1"
#: The plaintext is padded with spaces to a multiple of this many bytes, so the
#: size of the sealed file does not hint at the hazard, the place or the injects.
PAD_BYTES = 64 * 1024
#: Temporary reveal folders of older versions (inside the drill folder); swept.
_LEGACY_TMP = ".revealed.tmp-"


def yingji_version() -> str:
    """The installed yingji version (``unknown`` when running from a source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yingji")
    except PackageNotFoundError:  # running from a source tree
        return "unknown"


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
        raise SealError(unreadable.format(path=path, reason=exc.strerror, **fields)) from None


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


def check_drill_folder(folder: Path) -> None:
    """Refuse a drill folder that does not exist or is a file."""
    if not folder.exists():
        raise SealError(_("{folder}: no such drill folder").format(folder=folder))
    if not folder.is_dir():
        raise SealError(_("{folder}: is a file, not a drill folder").format(folder=folder))


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
