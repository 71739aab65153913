"""Draw -> seal -> reveal -> verify: the blind-drill round on disk.

After ``draw`` the drill folder holds only two files, neither of which tells
the hazard, place, time or grade:

* ``script.sealed``: the script and the commitment salt, AES-256-GCM encrypted;
* ``commitment.json``: the public commitment (SHA-256 over the salt and the
  canonical script), the generator version, the time of the draw and, for a
  multi-party draw, every organiser's contribution commitment.

``reveal`` decrypts, checks the commitment and writes ``revealed/``: the
canonical ``script.json``, ``opening.json`` (the salt) and one folder of
packets per role. ``verify`` lets anyone check afterwards that the revealed
script is the one committed to before the drill (and, with the drill TOML,
that the seed really produces it). Nothing already in the folder is ever
overwritten; a failed reveal leaves the folder as it was.

Every command checks its paths and inputs before any work, and writes as one
unit: ``draw`` builds the drill folder in a hidden staging folder beside it
and renames it into place (creating a new key file only just before); a
``reveal`` decrypts into a private (0700) staging folder beside the drill
folder, so no decrypted byte is ever inside the drill folder unless the reveal
completed, and renames it to ``revealed/`` in one step (the history row is
appended right after, from a temporary file written beforehand). A staging
folder left by a killed command is removed by the next draw, reveal or verify.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from experiments.drill.benchmark import benchmark_timeline, simulated_spread
from experiments.drill.config import (
    HISTORY_COLUMNS,
    DrillConfig,
    Region,
    history_row,
    network_fingerprint,
    read_history,
)
from experiments.drill.seal import (
    KEY_BYTES,
    ScryptParams,
    Secret,
    read_key,
    read_passphrase,
    seal,
    unseal,
    write_key_file,
)
from experiments.outdir import STAGE_PREFIX, check_file_target, check_folder_target, sweep_stale
from networks import i18n
from networks.errors import ConfigError
from networks.files import atomic_path, atomic_write_bytes, fsync_dir
from networks.i18n import N_, _
from networks.roadnet import RoadNetwork
from scenarios.drill import (
    DrillDrawer,
    DrillScript,
    PastDrill,
    SealError,
    canonical_json,
    combine,
    commitment,
    fresh_seed,
    generator_from_seed,
    is_canonical,
    matches,
    seed_from_int,
)
from scenarios.drill.canonical import SALT_BYTES
from scenarios.drill.entropy import check_party

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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yingji")
    except PackageNotFoundError:  # running from a source tree
        return "unknown"


#: What a JSON file of a drill is, for messages.
_PUBLIC_COMMITMENT = N_("public commitment")
_COMMITMENTS_FILE = N_("commitments file")
_CONTRIBUTION_FILE = N_("contribution file")
_OPENING = N_("opening")


def _read_json(path: Path, what: str) -> dict[str, Any]:
    """A JSON object from ``path``; ``what`` (a marked noun) names it in messages."""
    w = _(what)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise SealError(_("{path}: no {what} here").format(path=path, what=w)) from None
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read {what} ({reason})").format(
                path=path, what=w, reason=exc.strerror
            )
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SealError(
            _("{path}: {what} is damaged (not JSON)").format(path=path, what=w)
        ) from None
    if not isinstance(data, dict):
        raise SealError(_("{path}: {what} is damaged").format(path=path, what=w))
    return data


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name the same place (as far as can be told before creating them)."""
    return Path(os.path.abspath(a)) == Path(os.path.abspath(b)) or (
        a.exists() and b.exists() and os.path.samefile(a, b)
    )


def _new_file_target(path: str | Path, *, option: str, what: str) -> Path:
    """Check a file to be created (never overwritten) at ``path``, before any work."""
    p = Path(path)
    if os.path.lexists(p) and not p.is_dir():
        raise ConfigError(
            _("already exists; not overwriting {what}").format(what=_(what)),
            source=str(p),
            key=option,
        )
    return check_file_target(p, option=option)


# ------------------------------------------------------------------ organisers
def read_commitments(path: str | Path) -> dict[str, str]:
    """Organisers' published commitments (JSON object: name -> hex)."""
    data = _read_json(Path(path), _COMMITMENTS_FILE)
    for party, h in data.items():
        try:
            check_party(party)
        except SealError as exc:
            raise SealError(f"{path}: {exc}") from None
        if not (isinstance(h, str) and len(h) == 64 and _is_hex(h)):
            raise SealError(
                _("{path}: commitment of {party} is not 64 hex digits").format(
                    path=path, party=party
                )
            )
    return dict(data)


def read_contribution(path: str | Path) -> tuple[str, bytes]:
    """An organiser's revealed contribution (JSON: ``party``, ``contribution`` hex)."""
    data = _read_json(Path(path), _CONTRIBUTION_FILE)
    try:
        return check_party(data["party"]), bytes.fromhex(data["contribution"])
    except (KeyError, TypeError, ValueError, SealError):
        raise SealError(
            _("{path}: expected party and contribution (hex)").format(path=path)
        ) from None


def contribute(party: str, *, secret_file: str | Path, commitments_file: str | Path) -> str:
    """Make an organiser's contribution and publish its commitment.

    Writes the secret contribution to ``secret_file`` (which must not exist;
    keep it private until the draw) and adds ``party``'s commitment to the
    public ``commitments_file`` (created if absent). Both paths are checked
    before anything is written; if publishing fails, the secret is removed.

    Parameters
    ----------
    party
        The organiser's name.
    secret_file
        The private contribution file to create.
    commitments_file
        The public commitments file to add to.

    Returns
    -------
    str
        The commitment (hex).

    Raises
    ------
    SealError
        A commitments file that is not one, or a party already listed.
    ConfigError
        A bad name (``--party``) or a path that cannot be written (naming
        ``--secret`` or ``--commitments``).
    """
    from scenarios.drill import contribution_commitment, new_contribution

    try:
        check_party(party)
    except SealError as exc:
        raise ConfigError(str(exc), key="--party") from None
    spath = _new_file_target(secret_file, option="--secret", what=N_("a contribution"))
    cpath = check_file_target(commitments_file, option="--commitments")
    if _same(spath, cpath):
        raise ConfigError(
            _("the secret and the public commitments must be different files"),
            source=str(spath),
            key="--secret",
        )
    published = read_commitments(cpath) if cpath.exists() else {}
    if party in published:
        raise SealError(
            _("{path}: {party} has already published a commitment").format(path=cpath, party=party)
        )
    c = new_contribution()
    h = contribution_commitment(party, c)
    spath.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(spath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SealError(
            _("{path}: already exists; not overwriting a contribution").format(path=spath)
        ) from None
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps({"party": party, "contribution": c.hex()}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        published[party] = h
        atomic_write_bytes(cpath, (json.dumps(published, indent=2, sort_keys=True) + "\n").encode())
    except BaseException:  # no secret without its published commitment
        spath.unlink(missing_ok=True)
        raise
    return h


# ------------------------------------------------------------------------ draw
def compose(
    cfg: DrillConfig,
    region: Region,
    *,
    seed: bytes,
    exercise_id: str,
    drawn_at: str,
    history: list[PastDrill],
    audit: dict[str, Any],
) -> DrillScript:
    """Draw the script from ``seed`` and add the benchmark timeline and region record."""
    catalogue = cfg.catalogue()
    units, stores = region.units(), region.stores()
    drawer = DrillDrawer(
        cfg.spec,
        region.network,
        catalogue,
        units=units,
        stores=stores,
        history=history,
        sources=dict(region.sources),
        source=cfg.source,
    )
    audit = {**audit, "seed": seed.hex(), "recent": sorted([h, a] for h, a in drawer.recent)}
    script = drawer.draw(
        rng=generator_from_seed(seed), exercise_id=exercise_id, drawn_at=drawn_at, audit=audit
    )
    rows = benchmark_timeline(
        script,
        region.network,
        catalogue,
        units=drawer.units,
        stores=stores,
        call_taking_min=cfg.benchmark.call_taking_min,
        loading_min=cfg.benchmark.loading_min,
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
        )
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


def _stage_name(folder: Path) -> Path:
    """A hidden staging folder beside ``folder`` (same file system; swept if left behind)."""
    return folder.parent / f"{STAGE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{folder.name}"


def _sweep(folder: Path) -> None:
    """Remove staging folders left beside (or, by older versions, inside) ``folder``."""
    with suppress(OSError):
        sweep_stale(folder)
    with suppress(OSError):
        for entry in folder.iterdir():
            if entry.name.startswith(_LEGACY_TMP) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)


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
    _sweep(absolute)
    stage = _stage_name(absolute)
    try:
        stage.mkdir()
    except OSError as exc:
        raise ConfigError(
            _("cannot write beside it ({reason})").format(reason=exc.strerror),
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
                _("cannot create ({reason})").format(reason=exc.strerror),
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
    seed: int | None = None,
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
        Only for testing the generator: a fixed seed instead of ``secrets``.
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
    if seed is not None and not 0 <= seed < 2**63:
        raise ConfigError(
            _("must be between 0 and 2**63 - 1, got {seed}").format(seed=seed), key="--seed"
        )
    _check_out(out)
    new_key: tuple[Path, bytes] | None = None
    if key_file is not None:
        key_path = Path(key_file)
        _check_key_target(key_path, out)
        if os.path.lexists(key_path):
            secret = Secret(key=read_key(key_path))
        else:
            new_key = (key_path, secrets.token_bytes(KEY_BYTES))
            secret = Secret(key=new_key[1])
    else:
        secret = Secret(passphrase=read_passphrase(passphrase_file))  # type: ignore[arg-type]
    cfg = DrillConfig.from_file(config)
    region = cfg.region()
    history = cfg.history()

    audit: dict[str, Any]
    if commitments_file is not None:
        published = read_commitments(commitments_file)
        revealed = dict(read_contribution(f) for f in contribution_files)
        seed_bytes = combine(published, revealed)
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
    payload += b" " * (-len(payload) % PAD_BYTES)  # JSON allows trailing whitespace

    sealed = seal(payload, secret, scrypt=scrypt or cfg.scrypt)
    public = {
        "format": PUBLIC_FORMAT,
        "exercise_id": exercise_id,
        "generator_version": script.generator_version,
        "yingji_version": _version(),
        "drawn_at": drawn_at,
        "commitment": commit,
        "hash": "sha256(salt || canonical_json(script))",
        "sealed_file": SEALED,
        "sealed_sha256": hashlib.sha256(sealed).hexdigest(),
        "organisers": audit.get("organisers", {}),
    }
    files = {
        SEALED: sealed,
        PUBLIC: (json.dumps(public, indent=2, sort_keys=True) + "\n").encode(),
    }
    _write_drill(out, files, new_key)
    return DrawResult(out, exercise_id, commit, new_key[0] if new_key else None)


# ---------------------------------------------------------------------- reveal
@dataclass(frozen=True)
class RevealResult:
    """What a reveal wrote."""

    folder: Path
    script: DrillScript
    files: tuple[Path, ...]
    note: str = ""
    language: str = "en"


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
    public = _read_json(folder / PUBLIC, _PUBLIC_COMMITMENT)
    path = folder / SEALED
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SealError(_("{path}: no sealed drill here").format(path=path)) from None
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read the sealed drill ({reason})").format(
                path=path, reason=exc.strerror
            )
        ) from None
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
    _check_header(public, script, folder / PUBLIC)
    return public, script, body, salt, drawn_in


def _check_header(public: dict[str, Any], script: DrillScript, path: Path) -> None:
    for k in ("exercise_id", "generator_version", "drawn_at"):
        if public.get(k) != getattr(script, k):
            raise SealError(
                _("{path}: public commitment and script disagree on {key}").format(path=path, key=k)
            )


def write_packets(script: DrillScript, folder: Path, network: RoadNetwork | None) -> list[Path]:
    """Write every role's packet under ``folder``; returns the files written."""
    from experiments.drill import packets

    files: dict[str, bytes] = {
        "participants/alarm.cap.xml": packets.cap_alert(script),
        "participants/alarm.txt": packets.alarm_text(script).encode(),
        "controllers/injects.csv": packets.injects_csv(script).encode(),
        "controllers/injects.md": packets.injects_markdown(script).encode(),
        "controllers/injects.html": packets.injects_html(script).encode(),
        "evaluators/benchmark.csv": packets.benchmark_csv(script).encode(),
    }
    map_name = "map.png" if network is not None else None
    files["evaluators/evaluation.md"] = packets.evaluation_markdown(script, map_name).encode()
    files["evaluators/evaluation.html"] = packets.evaluation_html(script, map_name).encode()
    out = []
    for rel, data in files.items():
        out.append(atomic_write_bytes(folder / rel, data))
    if network is not None:
        from experiments.drill.maps import plot_drill_map
        from experiments.figures import save_figure

        out.append(save_figure(plot_drill_map(script, network), folder / "evaluators/map.png"))
    return out


def _check_drill_folder(folder: Path) -> None:
    if not folder.exists():
        raise SealError(_("{folder}: no such drill folder").format(folder=folder))
    if not folder.is_dir():
        raise SealError(_("{folder}: is a file, not a drill folder").format(folder=folder))


def _check_history(path: Path, folder: Path | None = None) -> str:
    """Check the ``--append-history`` file before anything is decrypted; its text now."""
    p = check_file_target(path, option="--append-history")
    revealed = Path(os.path.abspath(folder / REVEALED)) if folder is not None else None
    absolute = Path(os.path.abspath(p))
    if revealed is not None and (absolute == revealed or revealed in absolute.parents):
        raise ConfigError(
            _("must not lie inside the revealed folder"), source=str(p), key="--append-history"
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
        if [c.strip() for c in head.split(",")] != list(HISTORY_COLUMNS):
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
    head, row = history_row(script.to_dict()).splitlines(keepends=True)
    text = old if old.strip() else head
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
        Optionally a drill-history CSV to append this drill to (created if absent).

    Returns
    -------
    RevealResult
        The ``revealed`` folder, the script, the files written and the
        language of the packets.

    Raises
    ------
    SealError
        Wrong key or passphrase, a changed byte, a commitment mismatch, or a
        drill already revealed. Nothing in ``folder`` changes on failure.
    ConfigError
        A history file that cannot be appended to (nothing is revealed then).
    """
    folder = Path(folder)
    _check_drill_folder(folder)
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
    history = Path(history_file) if history_file is not None else None
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
    _sweep(real)
    _public, script, body, salt, drawn_in = _open_sealed(folder, secret)
    # The packets speak the language the drill was drawn in, unless the user
    # chose one for this reveal (--lang, YINGJI_LANG): it is followed like a
    # config's language key.
    i18n.adopt(drawn_in)
    network, note = _rebuild_network(script)
    stage = _stage_name(real)
    stage.mkdir(mode=0o700)
    try:
        atomic_write_bytes(stage / "script.json", body)
        opening = {"commitment": commitment(salt, body), "salt": salt.hex()}
        atomic_write_bytes(stage / "opening.json", (json.dumps(opening, indent=2) + "\n").encode())
        atomic_write_bytes(stage / "history_row.csv", history_row(script.to_dict()).encode())
        written = write_packets(script, stage, network)
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
    return RevealResult(target, script, files, note, i18n.get_language())


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


def append_history(path: str | Path, script: DrillScript) -> None:
    """Append a revealed drill to a history CSV (atomically; header added if new or empty).

    Parameters
    ----------
    path
        The history CSV (``drawn_at, exercise_id, hazard, area``).
    script
        The revealed drill.

    Raises
    ------
    ConfigError
        If ``path`` cannot be written or is not a drill history.
    """
    p = Path(path)
    old = _check_history(p)
    atomic_write_bytes(p, _history_text(old, script))


# ---------------------------------------------------------------------- verify
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
    _check_drill_folder(folder)
    _sweep(folder.resolve())
    public = _read_json(folder / PUBLIC, _PUBLIC_COMMITMENT)
    path = folder / REVEALED / "script.json"
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise SealError(_("{path}: not revealed yet").format(path=path)) from None
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read the revealed script ({reason})").format(
                path=path, reason=exc.strerror
            )
        ) from None
    opening_path = folder / REVEALED / "opening.json"
    opening = _read_json(opening_path, _OPENING)
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
    _check_header(public, script, folder / PUBLIC)
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
