"""Multi-party draws: the organisers' contributions and their published commitments.

Before a multi-party draw every organiser runs :func:`contribute`, which keeps
a secret contribution in a private file and publishes its commitment in a
shared commitments file. At the draw, :func:`read_commitments` and
:func:`read_contribution` read them back (the seed is the hash of all
contributions; see :func:`scenarios.drill.combine`).
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

from experiments.drill.folder import is_sha256_hex, read_json
from experiments.outdir import check_file_target
from networks.errors import ConfigError
from networks.files import atomic_write_bytes
from networks.i18n import N_, _
from scenarios.drill import SealError
from scenarios.drill.entropy import check_party

#: What a JSON file of the organisers is, for messages.
_COMMITMENTS_FILE = N_("commitments file")
_CONTRIBUTION_FILE = N_("contribution file")


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


def read_commitments(path: str | Path) -> dict[str, str]:
    """Organisers' published commitments (JSON object: name -> hex)."""
    data = read_json(Path(path), _COMMITMENTS_FILE)
    for party, h in data.items():
        try:
            check_party(party)
        except SealError as exc:
            raise SealError(f"{path}: {exc}") from None
        if not is_sha256_hex(h):
            raise SealError(
                _("{path}: commitment of {party} is not 64 hex digits").format(
                    path=path, party=party
                )
            )
    return dict(data)


def read_contribution(path: str | Path) -> tuple[str, bytes]:
    """An organiser's revealed contribution (JSON: ``party``, ``contribution`` hex)."""
    data = read_json(Path(path), _CONTRIBUTION_FILE)
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
        The organiser's name (letters of any script, such as 贵溪市应急管理局;
        see :func:`scenarios.drill.entropy.check_party`), kept in NFC form.
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

    # composed form: a name typed decomposed (é as e + ◌́) is the same organiser
    party = unicodedata.normalize("NFC", party) if isinstance(party, str) else party
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
        text = json.dumps(published, indent=2, sort_keys=True, ensure_ascii=False)  # readable
        atomic_write_bytes(cpath, (text + "\n").encode())
    except BaseException:  # no secret without its published commitment
        spath.unlink(missing_ok=True)
        raise
    return h
