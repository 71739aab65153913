"""Verifying a revealed drill against the commitment published at the draw.

:func:`verify_drill` lets anyone check afterwards that ``revealed/script.json``
is the script committed to before the drill, that the sealed file is
unchanged, that a multi-party seed is the hash of the organisers'
contributions and, given the drill TOML, that the seed really produces the
script.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from experiments.drill.config import DrillConfig
from experiments.drill.draw import compose
from experiments.drill.folder import (
    PUBLIC,
    PUBLIC_COMMITMENT,
    REVEALED,
    SEALED,
    check_drill_folder,
    check_header,
    read_bytes,
    read_json,
    sweep,
)
from networks.i18n import N_, _
from scenarios.drill import (
    DrillScript,
    PastDrill,
    SealError,
    canonical_json,
    combine,
    is_canonical,
    matches,
)

#: What the opening is, for messages.
_OPENING = N_("opening")


@dataclass(frozen=True)
class VerifyResult:
    """What verification established."""

    exercise_id: str
    commitment: str
    drawn_at: str
    checks: tuple[str, ...]


def verify_drill(folder: str | Path, *, redraw: str | Path | None = None) -> VerifyResult:
    """Check that ``folder/revealed/script.json`` is the script committed to at the draw.

    Parameters
    ----------
    folder
        The drill folder (after a reveal).
    redraw
        Optionally the drill TOML: re-draw from the revealed seed and check the
        same script comes out (proof that the draw was not hand-picked).

    Raises
    ------
    SealError
        On any mismatch.
    """
    folder = Path(folder)
    check_drill_folder(folder)
    sweep(folder.resolve())
    public = read_json(folder / PUBLIC, PUBLIC_COMMITMENT)
    path = folder / REVEALED / "script.json"
    body = read_bytes(
        path,
        missing=_("{path}: not revealed yet"),
        unreadable=_("{path}: cannot read the revealed script ({reason})"),
    )
    opening_path = folder / REVEALED / "opening.json"
    opening = read_json(opening_path, _OPENING)
    checks = []
    if not is_canonical(body):
        raise SealError(
            _("{path}: changed since the reveal (it is no longer canonical JSON)").format(path=path)
        )
    try:
        salt = bytes.fromhex(str(opening["salt"]))
    except (KeyError, ValueError):
        raise SealError(
            _("{path}: opening is damaged (no hex salt)").format(path=opening_path)
        ) from None
    if not matches(str(public.get("commitment", "")), salt, body):
        raise SealError(
            _("{path}: does not match the commitment published at the draw").format(path=path)
        )
    checks.append(_("revealed script matches the commitment"))
    try:
        script = DrillScript.from_dict(json.loads(body))
    except SealError as exc:
        raise SealError(f"{path}: {exc}") from None
    check_header(public, script, folder / PUBLIC)
    sealed = folder / SEALED
    if sealed.is_file():
        if hashlib.sha256(sealed.read_bytes()).hexdigest() != public.get("sealed_sha256"):
            raise SealError(_("{path} changed since the draw").format(path=sealed))
        checks.append(_("sealed file unchanged since the draw"))
    elif os.path.lexists(sealed):
        raise SealError(_("{path}: not a file").format(path=sealed))
    organisers = public.get("organisers") or {}
    if organisers:
        given = {p: bytes.fromhex(c) for p, c in script.audit.get("contributions", {}).items()}
        if combine(organisers, given).hex() != script.audit.get("seed"):
            raise SealError(_("the seed is not the hash of the organisers' contributions"))
        checks.append(
            _("seed = hash of the contributions of {parties}").format(
                parties=", ".join(sorted(organisers))
            )
        )
    if redraw is not None:
        cfg = DrillConfig.from_file(redraw)
        if cfg.sha256 != script.audit.get("config_sha256"):
            raise SealError(
                _("{path} is not the drill file used at the draw (its SHA-256 differs)").format(
                    path=redraw
                )
            )
        audit = {k: v for k, v in script.audit.items() if k not in ("seed", "recent")}
        again = compose(
            cfg,
            cfg.region(),
            seed=bytes.fromhex(script.audit["seed"]),
            exercise_id=script.exercise_id,
            drawn_at=script.drawn_at,
            history=[PastDrill(h, a) for h, a in script.audit.get("recent", [])],
            audit=audit,
        )
        if canonical_json(again.to_dict()) != body:
            raise SealError(_("re-drawing from the revealed seed gives a different script"))
        checks.append(_("re-drawing from the seed gives the same script"))
    return VerifyResult(
        script.exercise_id, str(public["commitment"]), script.drawn_at, tuple(checks)
    )


def revealed_language(folder: str | Path) -> str | None:
    """The language a drill's packets were revealed in (``None`` if unknown or unreadable).

    ``verify`` adopts it like a config's ``language`` key, so a drill revealed in
    Chinese is verified in Chinese unless ``--lang`` or ``YINGJI_LANG`` says otherwise.
    """
    try:
        data = json.loads((Path(folder) / REVEALED / "opening.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if lang in ("zh", "en") else None
