"""Drawing a drill and sealing it into a new drill folder.

:func:`draw_drill` checks every path and input first (the drill folder, the
key or passphrase file, the organisers' contributions), draws the script with
:func:`compose`, seals it with the commitment salt and writes the drill folder
(``script.sealed`` and ``commitment.json``) as one unit, creating a new key
file only together with it. :func:`compose` is also what
:func:`experiments.drill.verify.verify_drill` re-draws from the revealed seed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from experiments.drill.benchmark import benchmark_timeline, simulated_spread
from experiments.drill.config import DrillConfig, Region, network_fingerprint
from experiments.drill.folder import (
    PAYLOAD_FORMAT,
    PUBLIC,
    PUBLIC_FORMAT,
    PUBLIC_HASH,
    REVEALED,
    SEALED,
    padded,
    stage_name,
    sweep,
    yingji_version,
)
from experiments.drill.organisers import read_commitments, read_contribution
from experiments.drill.seal import (
    KEY_BYTES,
    ScryptParams,
    Secret,
    passphrase_text,
    read_key,
    read_passphrase,
    seal,
    write_key_file,
)
from experiments.outdir import check_file_target, check_folder_target, through_link
from networks import i18n
from networks.errors import ConfigError
from networks.files import atomic_write_bytes, fsync_dir
from networks.i18n import _, os_reason
from networks.seeds import SeedLike, as_root_seed
from scenarios.drill import (
    GENERATOR_VERSION,
    DrillDrawer,
    DrillScript,
    PastDrill,
    SealError,
    canonical_json,
    combine,
    commitment,
    fresh_seed,
    generator_from_seed,
    seed_from_int,
)
from scenarios.drill.canonical import SALT_BYTES
from scenarios.drill.drawing_rules import PLAIN_RULES, rules_number


def compose(
    cfg: DrillConfig,
    region: Region,
    *,
    seed: bytes,
    exercise_id: str,
    drawn_at: str,
    history: list[PastDrill],
    audit: dict[str, Any],
    rules: str = GENERATOR_VERSION,
) -> DrillScript:
    """Draw the script from ``seed`` and add the benchmark timeline and region record.

    ``rules`` are the drawing rules (a re-draw passes those of the script it re-draws).
    """
    catalogue = cfg.catalogue()
    units, stores = region.units(), region.stores()
    # Rules before /5 did not time the written report on a direct link (re-draws match them).
    reporting = replace(cfg.reporting, direct_written=rules_number(rules) >= PLAIN_RULES)
    drawer = DrillDrawer(
        cfg.spec,
        region.network,
        catalogue,
        units=units,
        stores=stores,
        history=history,
        sources=dict(region.sources),
        source=cfg.source,
        follow_up_min=reporting.follow_up_on_change(),
        upgrade_min=reporting.upgrade_on_escalation(),
        receiving=reporting.receiving,
    )
    audit = {**audit, "seed": seed.hex(), "recent": sorted([h, a] for h, a in drawer.recent)}
    script = drawer.draw(
        rng=generator_from_seed(seed),
        exercise_id=exercise_id,
        drawn_at=drawn_at,
        audit=audit,
        rules=rules,
    )
    rows = benchmark_timeline(
        script,
        region.network,
        catalogue,
        units=drawer.units,
        stores=stores,
        call_taking_min=cfg.benchmark.call_taking_min,
        loading_min=cfg.benchmark.loading_min,
        rules=rules_number(rules),
    )
    evaluation: dict[str, Any] = {"benchmark": rows}
    if cfg.benchmark.replications:
        names = {u.name for u in drawer.units}
        evaluation["simulated"] = simulated_spread(
            script,
            region.network,
            catalogue,
            stations=[s for s in region.stations if s.name in names],
            depots=region.depots,
            replications=cfg.benchmark.replications,
            travel_noise=cfg.benchmark.travel_noise,
            rng=generator_from_seed(hashlib.sha256(b"yingji-drill-benchmark\0" + seed).digest()),
            rules=rules_number(rules),
        )
    # How the drill is evaluated, the reporting deadlines resolved for the drawn grade (and
    # any grade an escalation leads to) and the command post: the packets read them here.
    escalated = tuple(int(i.truth["grade"]) for i in script.injects if i.kind == "escalation")
    evaluation["scheme"] = cfg.evaluation_standard
    evaluation["reporting_rules"] = reporting.record(script.scene.grade, escalated)
    evaluation["command_post"] = cfg.workgroups.to_dict()
    if cfg.templates is not None:  # a bureau's own report forms travel sealed with the drill
        evaluation["report_templates"] = cfg.templates.to_dict()
    record = {
        **region.spec,
        "fingerprint": network_fingerprint(region.network),
        "stations": [[u.name, u.node] for u in drawer.units],
        "depots": [[s.name, s.node] for s in stores],
    }
    return replace(script.with_evaluation(**evaluation), region=record)


@dataclass(frozen=True)
class DrawResult:
    """What a draw wrote."""

    folder: Path
    exercise_id: str
    commitment: str
    key_created: Path | None


def _check_out(out: Path) -> Path:
    """The drill folder must be new or empty, and writable; checked before any work."""
    if out.is_dir() and any(out.iterdir()):
        for name in (SEALED, PUBLIC, REVEALED):
            if os.path.lexists(out / name):
                raise SealError(
                    _("{folder} already holds a drill ({name}); not overwriting it").format(
                        folder=out, name=name
                    )
                )
        raise ConfigError(
            _("is not empty; a drill goes into a new or an empty folder"),
            source=str(out),
            key="--out",
        )
    check_folder_target(out, option="--out")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(
            _("cannot write in this folder (permission denied)"), source=str(out), key="--out"
        )
    return out


def _check_key_target(key: Path, out: Path) -> None:
    """A key file lies outside the drill folder; a new one must be creatable."""
    kp, op = Path(os.path.abspath(key)), Path(os.path.abspath(out))
    inside = kp == op or op in kp.parents
    if not inside and key.parent.exists() and out.exists():
        inside = os.path.samefile(key.parent, out)  # the same folder by another name
    if inside:
        raise ConfigError(
            _("the key file must not be kept in the drill folder {folder}").format(folder=out),
            source=str(key),
            key="--key",
        )
    if key.is_dir():
        raise ConfigError(_("is a folder; expected a key file"), source=str(key), key="--key")
    if not os.path.lexists(key):
        check_file_target(key, option="--key")


def _write_drill(out: Path, files: dict[str, bytes], new_key: tuple[Path, bytes] | None) -> None:
    """Put the sealed drill at ``out`` as one unit; create the new key file only with it."""
    created: list[Path] = []
    if out.is_dir():  # an empty folder made by the user: write into it, undo on failure
        try:
            if new_key is not None:
                created.append(write_key_file(*new_key))
            for name, data in files.items():
                created.append(atomic_write_bytes(out / name, data))
        except BaseException:
            for f in reversed(created):
                f.unlink(missing_ok=True)
            raise
        return
    absolute = Path(os.path.abspath(out))
    absolute.parent.mkdir(parents=True, exist_ok=True)
    sweep(absolute)
    stage = stage_name(absolute)
    try:
        stage.mkdir()
    except OSError as exc:
        raise ConfigError(
            _("cannot write beside it ({reason})").format(reason=os_reason(exc)),
            source=str(out),
            key="--out",
        ) from None
    try:
        for name, data in files.items():
            atomic_write_bytes(stage / name, data)
        if new_key is not None:
            created.append(write_key_file(*new_key))
        try:
            os.rename(stage, absolute)
        except OSError as exc:
            if absolute.exists():
                raise SealError(
                    _("{folder} appeared during the draw; not overwriting it").format(folder=out)
                ) from None
            raise ConfigError(
                _("cannot create ({reason})").format(reason=os_reason(exc)),
                source=str(out),
                key="--out",
            ) from None
        fsync_dir(absolute.parent)
    except BaseException:
        for f in created:
            f.unlink(missing_ok=True)
        raise
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def draw_drill(
    config: str | Path,
    out: str | Path,
    *,
    key_file: str | Path | None = None,
    passphrase_file: str | Path | None = None,
    seed: SeedLike = None,
    commitments_file: str | Path | None = None,
    contribution_files: tuple[str | Path, ...] = (),
    scrypt: ScryptParams | None = None,
    language: str | None = None,
) -> DrawResult:
    """Draw a drill and seal it into ``out``.

    Every path and input is checked before the draw; the drill folder appears
    whole or not at all, and a new key file is created only with it.

    Parameters
    ----------
    config
        The drill TOML.
    out
        Drill folder (created; must be new or empty).
    key_file
        Key file; created with a fresh key if it does not exist. Must lie
        outside ``out``.
    passphrase_file
        Instead of a key: a file holding a passphrase (stretched with scrypt).
    seed
        Only for testing the generator: a fixed seed instead of ``secrets`` (an
        int, or a Generator or SeedSequence made one int once by
        :func:`networks.seeds.as_root_seed`; the int is recorded in the audit).
    commitments_file, contribution_files
        Multi-party draw: the organisers' published commitments and their
        revealed contributions; the seed is the hash of all contributions.
    scrypt
        Passphrase KDF cost (default: the config's ``[seal]``).
    language
        Language of the packets at the reveal, ``"zh"`` or ``"en"`` (default:
        the language in use). Recorded in the sealed payload beside the
        script, not in the script: the commitment does not depend on it.

    Returns
    -------
    DrawResult
        The folder, exercise id, commitment and the key file created (if any).

    Raises
    ------
    ConfigError, SealError
        A path that cannot be written, a mistake in the drill TOML, a bad key,
        passphrase or contribution. Nothing is written then.
    """
    out = Path(out)
    if (key_file is None) == (passphrase_file is None):
        raise SealError(_("give exactly one of --key FILE or --passphrase-file FILE"))
    if commitments_file is not None and seed is not None:
        raise SealError(_("give either --seed or organiser contributions, not both"))
    if contribution_files and commitments_file is None:
        raise SealError(_("contributions need the organisers' --commitments file"))
    if seed is not None and not isinstance(seed, int):
        seed = as_root_seed(seed)
    if seed is not None and not 0 <= seed < 2**63:
        raise ConfigError(
            _("must be between 0 and 2**63 - 1, got {seed}").format(seed=seed), key="--seed"
        )
    folder = through_link(out, option="--out")  # a link: the drill goes where it points
    _check_out(folder)
    new_key: tuple[Path, bytes] | None = None
    if key_file is not None:
        key_path = Path(key_file)
        _check_key_target(key_path, folder)
        if os.path.lexists(key_path):
            secret = Secret(key=read_key(key_path))
        else:
            new_key = (key_path, secrets.token_bytes(KEY_BYTES))
            secret = Secret(key=new_key[1])
    else:
        # Sealed as its text in UTF-8: a reveal from the same text saved otherwise opens it.
        secret = Secret(passphrase=passphrase_text(read_passphrase(passphrase_file, drawing=True)))  # type: ignore[arg-type]
    cfg = DrillConfig.from_file(config)
    region = cfg.region()
    history = cfg.history()

    audit: dict[str, Any]
    if commitments_file is not None:
        published = read_commitments(commitments_file)
        revealed, files = {}, {}
        for f in contribution_files:
            party, c = read_contribution(f)
            revealed[party], files[party] = c, str(f)
        seed_bytes = combine(published, revealed, source=str(commitments_file), files=files)
        audit = {
            "seed_source": "organisers",
            "organisers": published,
            "contributions": {p: c.hex() for p, c in sorted(revealed.items())},
        }
    elif seed is not None:
        seed_bytes = seed_from_int(seed)
        audit = {"seed_source": f"test seed {seed} (not for real drills)"}
    else:
        seed_bytes = fresh_seed()
        audit = {"seed_source": "secrets"}
    # sealed, so the drill TOML stays private but cannot be swapped afterwards
    audit["config_sha256"] = cfg.sha256
    exercise_id = cfg.spec.exercise_id or (
        "DRILL-" + hashlib.sha256(b"yingji-drill-id\0" + seed_bytes).hexdigest()[:8].upper()
    )
    drawn_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    script = compose(
        cfg,
        region,
        seed=seed_bytes,
        exercise_id=exercise_id,
        drawn_at=drawn_at,
        history=history,
        audit=audit,
    )
    body = script.to_dict()
    salt = secrets.token_bytes(SALT_BYTES)
    commit = commitment(salt, canonical_json(body))
    lang = i18n.normalise(language) if language else i18n.get_language()
    payload = canonical_json(
        {"format": PAYLOAD_FORMAT, "salt": salt.hex(), "script": body, "language": lang}
    )
    sealed = seal(padded(payload), secret, scrypt=scrypt or cfg.scrypt)
    public = {
        "format": PUBLIC_FORMAT,
        "exercise_id": exercise_id,
        "generator_version": script.generator_version,
        "yingji_version": yingji_version(),
        "drawn_at": drawn_at,
        "commitment": commit,
        "hash": PUBLIC_HASH,
        "sealed_file": SEALED,
        "sealed_sha256": hashlib.sha256(sealed).hexdigest(),
        "organisers": audit.get("organisers", {}),
    }
    files = {
        SEALED: sealed,
        # ensure_ascii=False: organisers named in Chinese stay readable on a notice board
        PUBLIC: (json.dumps(public, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(),
    }
    _write_drill(folder, files, new_key)
    return DrawResult(out, exercise_id, commit, new_key[0] if new_key else None)
