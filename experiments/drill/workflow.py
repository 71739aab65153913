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
from experiments.drill.config import (
    DrillConfig,
    Region,
    history_row,
    network_fingerprint,
)
from experiments.drill.seal import ScryptParams, Secret, new_key_file, read_key, seal, unseal
from networks.errors import YingjiError
from networks.files import atomic_write_bytes
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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yingji")
    except PackageNotFoundError:  # running from a source tree
        return "unknown"


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise SealError(f"{path}: no {what} here") from None
    except (UnicodeDecodeError, ValueError):
        raise SealError(f"{path}: {what} is damaged (not JSON)") from None
    if not isinstance(data, dict):
        raise SealError(f"{path}: {what} is damaged")
    return data


# ------------------------------------------------------------------ organisers
def read_commitments(path: str | Path) -> dict[str, str]:
    """Organisers' published commitments (JSON object: name -> hex)."""
    data = _read_json(Path(path), "commitments file")
    for party, h in data.items():
        check_party(party)
        if not (isinstance(h, str) and len(h) == 64):
            raise SealError(f"{path}: commitment of {party} is not 64 hex digits")
    return dict(data)


def read_contribution(path: str | Path) -> tuple[str, bytes]:
    """An organiser's revealed contribution (JSON: ``party``, ``contribution`` hex)."""
    data = _read_json(Path(path), "contribution file")
    try:
        return check_party(data["party"]), bytes.fromhex(data["contribution"])
    except (KeyError, TypeError, ValueError):
        raise SealError(f"{path}: expected party and contribution (hex)") from None


def contribute(party: str, *, secret_file: str | Path, commitments_file: str | Path) -> str:
    """Make an organiser's contribution and publish its commitment.

    Writes the secret contribution to ``secret_file`` (which must not exist;
    keep it private until the draw) and adds ``party``'s commitment to the
    public ``commitments_file`` (created if absent).

    Returns
    -------
    str
        The commitment (hex).
    """
    from scenarios.drill import contribution_commitment, new_contribution

    check_party(party)
    cpath = Path(commitments_file)
    published = read_commitments(cpath) if cpath.exists() else {}
    if party in published:
        raise SealError(f"{cpath}: {party} has already published a commitment")
    c = new_contribution()
    h = contribution_commitment(party, c)
    spath = Path(secret_file)
    try:
        fd = os.open(spath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SealError(f"{spath}: already exists; not overwriting a contribution") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps({"party": party, "contribution": c.hex()}) + "\n")
    published[party] = h
    atomic_write_bytes(cpath, (json.dumps(published, indent=2, sort_keys=True) + "\n").encode())
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
) -> DrawResult:
    """Draw a drill and seal it into ``out``.

    Parameters
    ----------
    config
        The drill TOML.
    out
        Drill folder (created; must not already hold a drill).
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
    """
    out = Path(out)
    for name in (SEALED, PUBLIC, REVEALED):
        if (out / name).exists():
            raise SealError(f"{out} already holds a drill ({name}); not overwriting it")
    if key_file is not None:
        kp = Path(key_file).resolve()
        if kp.parent == out.resolve() or out.resolve() in kp.parents:
            raise SealError("the key file must not be kept in the drill folder")
    cfg = DrillConfig.from_file(config)
    region = cfg.region()
    history = cfg.history()

    audit: dict[str, Any]
    if commitments_file is not None:
        if seed is not None:
            raise SealError("give either --seed or organiser contributions, not both")
        published = read_commitments(commitments_file)
        revealed = dict(read_contribution(f) for f in contribution_files)
        seed_bytes = combine(published, revealed)
        audit = {
            "seed_source": "organisers",
            "organisers": published,
            "contributions": {p: c.hex() for p, c in sorted(revealed.items())},
        }
    elif contribution_files:
        raise SealError("contributions need the organisers' --commitments file")
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
    payload = canonical_json({"format": PAYLOAD_FORMAT, "salt": salt.hex(), "script": body})
    payload += b" " * (-len(payload) % PAD_BYTES)  # JSON allows trailing whitespace

    created = None
    if passphrase_file is not None and key_file is not None:
        raise SealError("give exactly one of --key FILE or --passphrase-file FILE")
    if key_file is not None and not Path(key_file).exists():
        key = new_key_file(key_file)
        created = Path(key_file)
        secret = Secret(key=key)
    elif key_file is not None:
        secret = Secret(key=read_key(key_file))
    else:
        secret = Secret.from_files(key_file=None, passphrase_file=passphrase_file)
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
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out / SEALED, sealed)
    try:
        atomic_write_bytes(
            out / PUBLIC, (json.dumps(public, indent=2, sort_keys=True) + "\n").encode()
        )
    except BaseException:  # no sealed drill without its public commitment
        (out / SEALED).unlink()
        raise
    return DrawResult(out, exercise_id, commit, created)


# ---------------------------------------------------------------------- reveal
@dataclass(frozen=True)
class RevealResult:
    """What a reveal wrote."""

    folder: Path
    script: DrillScript
    files: tuple[Path, ...]
    note: str = ""


def _rebuild_network(script: DrillScript) -> tuple[RoadNetwork | None, str]:
    """The drill's network for the map, or None and why not."""
    spec = dict(script.region.get("network", {}))
    from experiments.config import NetworkSpec

    try:
        net = NetworkSpec.from_dict(spec, source="script.json", base_dir=Path("/")).build()
    except (YingjiError, OSError, KeyError, TypeError) as exc:
        return None, f"map not drawn: network not available ({exc})"
    if network_fingerprint(net) != script.region.get("fingerprint"):
        return None, "map not drawn: the network file changed since the draw"
    return net, ""


def _open_sealed(folder: Path, secret: Secret) -> tuple[dict[str, Any], DrillScript, bytes, bytes]:
    public = _read_json(folder / PUBLIC, "public commitment")
    try:
        data = (folder / SEALED).read_bytes()
    except FileNotFoundError:
        raise SealError(f"{folder / SEALED}: no sealed drill here") from None
    payload = json.loads(unseal(data, secret).decode("utf-8"))
    if payload.get("format") != PAYLOAD_FORMAT:
        raise SealError("sealed payload has an unknown format")
    salt = bytes.fromhex(payload["salt"])
    body = canonical_json(payload["script"])
    if not matches(str(public.get("commitment", "")), salt, body):
        raise SealError("the sealed script does not match the public commitment")
    script = DrillScript.from_dict(payload["script"])
    _check_header(public, script)
    return public, script, body, salt


def _check_header(public: dict[str, Any], script: DrillScript) -> None:
    for k in ("exercise_id", "generator_version", "drawn_at"):
        if public.get(k) != getattr(script, k):
            raise SealError(f"public commitment and script disagree on {k}")


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
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        out.append(p)
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
) -> RevealResult:
    """Open a sealed drill, check its commitment and write the packets.

    Raises
    ------
    SealError
        Wrong key or passphrase, a changed byte, a commitment mismatch, or a
        drill already revealed. Nothing in ``folder`` changes on failure.
    """
    folder = Path(folder)
    target = folder / REVEALED
    if target.exists():
        raise SealError(f"{target} already exists; not overwriting an earlier reveal")
    secret = Secret.from_files(key_file=key_file, passphrase_file=passphrase_file)
    _, script, body, salt = _open_sealed(folder, secret)
    network, note = _rebuild_network(script)
    tmp = folder / f".revealed.tmp-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        (tmp / "script.json").write_bytes(body)
        opening = {"commitment": commitment(salt, body), "salt": salt.hex()}
        (tmp / "opening.json").write_bytes((json.dumps(opening, indent=2) + "\n").encode())
        (tmp / "history_row.csv").write_bytes(history_row(script.to_dict()).encode())
        write_packets(script, tmp, network)
        try:
            os.replace(tmp, target)
        except OSError:  # another reveal got there first
            raise SealError(f"{target} already exists; not overwriting an earlier reveal") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    if history_file is not None:
        append_history(history_file, script)
    files = tuple(sorted(p for p in target.rglob("*") if p.is_file()))
    return RevealResult(target, script, files, note)


def append_history(path: str | Path, script: DrillScript) -> None:
    """Append a revealed drill to a history CSV (atomically; header added if new)."""
    p = Path(path)
    head, row = history_row(script.to_dict()).splitlines(keepends=True)
    old = p.read_bytes().decode("utf-8") if p.exists() else head
    if old and not old.endswith("\n"):
        old += "\n"
    atomic_write_bytes(p, (old + row).encode("utf-8"))


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
    public = _read_json(folder / PUBLIC, "public commitment")
    try:
        body = (folder / REVEALED / "script.json").read_bytes()
    except FileNotFoundError:
        raise SealError(f"{folder / REVEALED / 'script.json'}: not revealed yet") from None
    opening = _read_json(folder / REVEALED / "opening.json", "opening")
    checks = []
    if not is_canonical(body):
        raise SealError("revealed script.json was changed (it is no longer canonical JSON)")
    try:
        salt = bytes.fromhex(str(opening["salt"]))
    except (KeyError, ValueError):
        raise SealError("revealed opening.json is damaged") from None
    if not matches(str(public.get("commitment", "")), salt, body):
        raise SealError("revealed script does not match the commitment published at the draw")
    checks.append("revealed script matches the commitment")
    script = DrillScript.from_dict(json.loads(body))
    _check_header(public, script)
    sealed = folder / SEALED
    if sealed.exists():
        if hashlib.sha256(sealed.read_bytes()).hexdigest() != public.get("sealed_sha256"):
            raise SealError(f"{sealed} changed since the draw")
        checks.append("sealed file unchanged since the draw")
    organisers = public.get("organisers") or {}
    if organisers:
        given = {p: bytes.fromhex(c) for p, c in script.audit.get("contributions", {}).items()}
        if combine(organisers, given).hex() != script.audit.get("seed"):
            raise SealError("the seed is not the hash of the organisers' contributions")
        checks.append(f"seed = hash of the contributions of {', '.join(sorted(organisers))}")
    if redraw is not None:
        cfg = DrillConfig.from_file(redraw)
        if cfg.sha256 != script.audit.get("config_sha256"):
            raise SealError(
                f"{redraw} is not the drill file used at the draw (its SHA-256 differs)"
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
            raise SealError("re-drawing from the revealed seed gives a different script")
        checks.append("re-drawing from the seed gives the same script")
    return VerifyResult(
        script.exercise_id, str(public["commitment"]), script.drawn_at, tuple(checks)
    )
