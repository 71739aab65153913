"""Verifying a revealed drill against the commitment published at the draw.

:func:`verify_drill` lets anyone check afterwards that every file of the
revealed folder is the one the reveal wrote (the manifest), that
``revealed/script.json`` is the script committed to before the drill, that the
sealed file is unchanged, that a multi-party seed is the hash of the
organisers' contributions (the organisers as the committed script records
them; ``commitment.json``'s copy must agree) and, given the drill TOML, that
the seed really produces the script. A drill drawn with a test seed
(``--seed``) passes every check but gets a warning: it could be computed in
advance, so it proves no blind draw.

The packets and the threat
--------------------------
The threat is someone who edits a packet after the reveal (an evaluation
sheet, the inject list, the benchmark) to change what the drill is judged
against. The reveal writes ``revealed/manifest.json`` last: the SHA-256 of
every other file of the folder, the exercise id and the public commitment,
plus the SHA-256 of that list (:mod:`experiments.drill.folder`). Verify
checks it first and both ways, so a changed, removed or added file, the
manifest included, exits with status 2 and one line naming that file.

What binds the manifest to something the tamperer cannot change:

* the script and its salt (``script.json``, ``opening.json``) are bound to the
  commitment published before the drill, and the sealed file to the SHA-256
  published with it; editing them and the manifest together still fails;
* for the packets, the reveal prints the manifest's SHA-256 to be published
  beside the commitment (the same trust the commitment itself rests on), and
  verify prints it: a tamperer who rewrote a packet *and* the manifest
  consistently is caught by comparing it with the published value.

Two other bindings were weighed and left out. Re-rendering the packets from
the verified script would need byte-identical rendering across versions of
yingji, matplotlib and the fonts (the map, and any binary packet, are not),
and couples verify to every packet writer; a MAC keyed with the drill's
secret can be checked only by whoever holds the secret, who could forge it
too, while verify must be runnable by anyone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from experiments.drill.config import DrillConfig
from experiments.drill.draw import compose
from experiments.drill.folder import (
    MANIFEST,
    PUBLIC,
    PUBLIC_COMMITMENT,
    REVEALED,
    SEALED,
    check_drill_folder,
    check_header,
    check_public,
    file_sha256,
    is_sha256_hex,
    read_bytes,
    read_json,
    read_manifest,
    revealed_files,
    sweep,
)
from networks.i18n import N_, _, os_reason
from scenarios.drill import (
    EARLIER_VERSIONS,
    GENERATOR_VERSION,
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
    """What verification established (``manifest``: the SHA-256 of ``manifest.json``).

    ``warnings`` are what the checks cannot vouch for although every file is
    intact (a drill drawn with a test seed is no blind draw).
    """

    exercise_id: str
    commitment: str
    drawn_at: str
    checks: tuple[str, ...]
    manifest: str = ""
    warnings: tuple[str, ...] = ()


#: How a draw with ``--seed N`` records its seed source (see ``draw_drill``).
_TEST_SEED = re.compile(r"test seed (\d+)")


def _organiser_table(value: object) -> bool:
    """Whether ``value`` is a table of organiser names and 64-hex-digit commitments."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and k and is_sha256_hex(v) for k, v in value.items()
    )


def check_organisers(script: DrillScript, public: dict, folder: Path) -> str | None:
    """Check a multi-party seed against the organisers the script committed to.

    The organisers and their contributions are read from the revealed script,
    which the commitment binds; ``commitment.json``'s copy of the organisers
    (not covered by the commitment) must equal them, so removing or editing it
    cannot skip or bend the check.

    Returns
    -------
    str or None
        The line for the checks list, or None for a single-party draw.

    Raises
    ------
    SealError
        One line naming the file and key at fault.
    """
    script_path = folder / REVEALED / "script.json"
    public_path = folder / PUBLIC
    audit = script.audit
    multi = audit.get("seed_source") == "organisers"
    committed = audit.get("organisers", {})
    if not _organiser_table(committed) or (multi and not committed):
        raise SealError(
            _("{path}: {key}: expected organiser names with 64-hex-digit commitments").format(
                path=script_path, key="audit.organisers"
            )
        )
    published = public.get("organisers", {})
    if not _organiser_table(published):
        raise SealError(
            _("{path}: {key}: expected organiser names with 64-hex-digit commitments").format(
                path=public_path, key="organisers"
            )
        )
    if published != committed:
        raise SealError(
            _(
                "{path}: {key}: not the organisers committed to at the draw (changed since; "
                "the revealed script lists {parties})"
            ).format(
                path=public_path,
                key="organisers",
                parties=", ".join(sorted(committed)) or _("none: a single-party draw"),
            )
        )
    if not multi:
        return None
    raw = audit.get("contributions")
    try:
        if not isinstance(raw, dict):
            raise TypeError
        given = {str(party): bytes.fromhex(c) for party, c in raw.items()}
    except (TypeError, ValueError):
        raise SealError(
            _("{path}: {key}: expected organiser names with hex contributions").format(
                path=script_path, key="audit.contributions"
            )
        ) from None
    if combine(committed, given, source=str(script_path)).hex() != audit.get("seed"):
        raise SealError(
            _("{path}: the seed is not the hash of the organisers' contributions").format(
                path=script_path
            )
        )
    return _("seed = hash of the contributions of {parties}").format(
        parties=", ".join(sorted(committed))
    )


def seed_warnings(script: DrillScript) -> tuple[str, ...]:
    """What a verification must say about how the seed was chosen (a test seed)."""
    source = str(script.audit.get("seed_source", ""))
    found = _TEST_SEED.match(source)
    if found is None:
        return ()
    return (
        _(
            "drawn with the test seed {seed} (--seed): anyone with the drill file could "
            "compute this drill in advance, and whoever drew it could try seeds until one "
            "gave the drill they wanted; it is no proof of a blind draw, only a test"
        ).format(seed=found.group(1)),
    )


def _script_agrees(revealed: Path, manifest: dict) -> bool:
    """Whether the revealed script and salt open the commitment ``manifest`` records."""
    try:
        body = (revealed / "script.json").read_bytes()
        salt = bytes.fromhex(str(json.loads((revealed / "opening.json").read_bytes())["salt"]))
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return matches(str(manifest.get("commitment", "")), salt, body)


def check_manifest(revealed: Path, public: dict) -> tuple[str, int]:
    """Check every file of ``revealed`` against its manifest; its SHA-256 and the file count.

    Raises
    ------
    SealError
        Naming the first file (in path order) that was changed, removed or
        added since the reveal, or the manifest if it is damaged, changed or
        belongs to another drill.
    """
    path = revealed / MANIFEST
    body = read_manifest(path)
    same = body.get("commitment") == public.get("commitment")
    if not same or body.get("exercise_id") != public.get("exercise_id"):
        if not same and _script_agrees(revealed, body):
            # The revealed script opens the manifest's commitment: the manifest is the
            # reveal's own, and the published commitment is what changed.
            raise SealError(
                _(
                    "{path}: does not match the revealed drill (the revealed script opens "
                    "commitment {theirs}, not {ours}): changed after the draw, or another "
                    "drill's"
                ).format(
                    path=revealed.parent / PUBLIC,
                    theirs=str(body.get("commitment"))[:8] + "…",
                    ours=str(public.get("commitment"))[:8] + "…",
                )
            )
        if same:
            # Same commitment (which binds the script, exercise id and all): the published
            # copy's exercise id is what changed.
            raise SealError(
                _(
                    "{path}: exercise_id: {ours!r}, but the revealed drill is {theirs!r} "
                    "(changed after the draw)"
                ).format(
                    path=revealed.parent / PUBLIC,
                    ours=public.get("exercise_id"),
                    theirs=body.get("exercise_id"),
                )
            )
        raise SealError(
            _("{path}: the manifest belongs to another drill (its commitment differs)").format(
                path=path
            )
        )
    listed: dict[str, str] = body["files"]
    present = revealed_files(revealed)
    for rel in sorted(set(listed) | set(present)):
        p = revealed / rel
        if rel not in present:
            raise SealError(
                _("{path}: missing (the manifest of the reveal lists it)").format(path=p)
            )
        if rel not in listed:
            raise SealError(
                _("{path}: not in the manifest of the reveal (added after it)").format(path=p)
            )
        try:
            digest = file_sha256(p)
        except OSError as exc:
            raise SealError(
                _("{path}: cannot read ({reason})").format(path=p, reason=os_reason(exc))
            ) from None
        if digest != listed[rel]:
            raise SealError(
                _("{path}: does not match the manifest of the reveal (changed since)").format(
                    path=p
                )
            )
    return hashlib.sha256(path.read_bytes()).hexdigest(), len(listed)


def verify_drill(folder: str | Path, *, redraw: str | Path | None = None) -> VerifyResult:
    """Check that ``folder/revealed/script.json`` is the script committed to at the draw.

    First every file of ``folder/revealed`` against the reveal's manifest
    (:func:`check_manifest`), then the script against the public commitment,
    the sealed file against its published SHA-256 and, for a multi-party draw,
    the seed against the contributions.

    Parameters
    ----------
    folder
        The drill folder (after a reveal).
    redraw
        Optionally the drill TOML: re-draw from the revealed seed and check the
        same script comes out (proof that the draw was not hand-picked, unless
        the seed was a test seed: see ``warnings``).

    Returns
    -------
    VerifyResult
        The checks passed and, in ``warnings``, what they cannot vouch for: a
        drill drawn with a test seed (``--seed``) could be computed in advance.

    Raises
    ------
    SealError
        On any mismatch, naming the file (and key) at fault.
    """
    folder = Path(folder)
    check_drill_folder(folder)
    sweep(folder.resolve())
    public = read_json(folder / PUBLIC, PUBLIC_COMMITMENT)
    check_public(public, folder / PUBLIC)
    revealed = folder / REVEALED
    if not revealed.is_dir():
        raise SealError(_("{path}: not revealed yet").format(path=revealed / "script.json"))
    # First the manifest: a changed byte anywhere is named by its file.
    manifest, n_files = check_manifest(revealed, public)
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
    checks.append(
        _(
            "all {n} revealed files match the manifest (SHA-256 {digest}; compare it with the "
            "one published at the reveal)"
        ).format(n=n_files, digest=manifest)
    )
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
    else:  # the evidence of what was sealed before the drill is gone: not a verified drill
        raise SealError(
            _("{path}: missing (the sealed file stays with the drill; verify checks it)").format(
                path=sealed
            )
        )
    organisers = check_organisers(script, public, folder)
    if organisers is not None:
        checks.append(organisers)
    warnings = seed_warnings(script)
    if redraw is not None:
        cfg = DrillConfig.from_file(redraw)
        if cfg.sha256 != script.audit.get("config_sha256"):
            raise SealError(
                _("{path} is not the drill file used at the draw (its SHA-256 differs)").format(
                    path=redraw
                )
            )
        if script.generator_version not in (*EARLIER_VERSIONS, GENERATOR_VERSION):
            raise SealError(
                _(
                    "drawn with the rules {drawn}; this yingji draws with {ours} and cannot "
                    "re-draw it (use the yingji version recorded in commitment.json)"
                ).format(drawn=script.generator_version, ours=GENERATOR_VERSION)
            )
        cfg, history = redraw_inputs(cfg, script)
        audit = {k: v for k, v in script.audit.items() if k not in ("seed", "recent", "rehearsal")}
        again = compose(
            cfg,
            cfg.region(),
            seed=bytes.fromhex(script.audit["seed"]),
            exercise_id=script.exercise_id,
            drawn_at=script.drawn_at,
            history=history,
            audit=audit,
            rules=script.generator_version,
        )
        if canonical_json(again.to_dict()) != body:
            raise SealError(_("re-drawing from the revealed seed gives a different script"))
        checks.append(_("re-drawing from the seed gives the same script"))
    return VerifyResult(
        script.exercise_id,
        str(public["commitment"]),
        script.drawn_at,
        tuple(checks),
        manifest,
        warnings,
    )


def redraw_inputs(cfg: DrillConfig, script: DrillScript) -> tuple[DrillConfig, list[PastDrill]]:
    """The drill file and history that re-draw ``script`` as the draw did.

    The script records what the draw used of the history: the hazard+area
    pairs of the last ``no_repeat`` drills (``audit["recent"]``) and the past
    drills within the "no rehearsal" horizon (``audit["rehearsal"]``: hazard,
    area, drawn_at, start). The re-draw gets the latter, then the former last,
    with ``no_repeat`` set to the number of pairs, so it bars exactly what the
    draw barred, whatever the history file holds now.
    """
    recent = [PastDrill(str(h), str(a)) for h, a in script.audit.get("recent", [])]
    rehearsal = [
        PastDrill(str(h), str(a), drawn_at=str(d), start=str(s))
        for h, a, d, s in script.audit.get("rehearsal", [])
    ]
    spec = replace(cfg.spec, no_repeat=len(recent))
    return replace(cfg, spec=spec), rehearsal + recent


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
