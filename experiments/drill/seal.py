"""Sealing a drill script: AES-256-GCM with a key file or a passphrase (scrypt).

File layout of ``script.sealed``::

    MAGIC                      the line "YINGJI-DRILL-SEALED/1"
    header length              4 bytes, big-endian
    header                     canonical JSON: cipher, nonce, KDF and its parameters
    ciphertext + 16-byte tag   AES-256-GCM over the payload, header as associated data

The header carries nothing about the scenario; the associated data binds it
to the ciphertext, so changing any byte of the file makes decryption fail.
A key file holds 32 random bytes as 64 hex digits. A passphrase is stretched
with scrypt (memory-hard; by default n = 2**17, r = 8, p = 1: 128 MiB and
under a second, so guessing is expensive).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from networks.i18n import _
from scenarios.drill.canonical import canonical_json
from scenarios.drill.errors import SealError

MAGIC = b"YINGJI-DRILL-SEALED/1\n"
SEALED_FORMAT = "yingji-drill-sealed/1"
KEY_BYTES = 32
NONCE_BYTES = 12
#: Shortest passphrase accepted.
MIN_PASSPHRASE = 8


@dataclass(frozen=True)
class ScryptParams:
    """Cost of the passphrase KDF (defaults are strong; tests lower ``n``).

    Attributes
    ----------
    n
        CPU/memory cost, a power of two (memory is ``128 * r * n`` bytes).
    r
        Block size.
    p
        Parallelism.
    """

    n: int = 2**17
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise SealError(_("scrypt n must be a power of two >= 2, got {n}").format(n=self.n))
        if self.r < 1 or self.p < 1:
            raise SealError(_("scrypt r and p must be >= 1"))
        if 128 * self.r * self.n > 2**31:
            raise SealError(_("scrypt parameters need more than 2 GiB of memory"))


@dataclass(frozen=True)
class Secret:
    """What opens a seal: a 32-byte key, or a passphrase to stretch."""

    key: bytes | None = None
    passphrase: bytes | None = None

    @classmethod
    def from_files(cls, *, key_file: str | Path | None, passphrase_file: str | Path | None):
        """Read a key file (64 hex digits or 32 raw bytes) or a passphrase file."""
        if (key_file is None) == (passphrase_file is None):
            raise SealError(_("give exactly one of --key FILE or --passphrase-file FILE"))
        if key_file is not None:
            return cls(key=read_key(key_file))
        return cls(passphrase=read_passphrase(passphrase_file))  # type: ignore[arg-type]


def read_key(path: str | Path) -> bytes:
    """A key from a file: 64 hex digits (whitespace ignored) or 32 raw bytes."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read key file ({reason})").format(path=p, reason=exc.strerror)
        ) from None
    try:
        key = bytes.fromhex(raw.strip().decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        key = raw  # 32 raw bytes
    if len(key) != KEY_BYTES and not raw.strip():
        raise SealError(
            _("{path}: key file is empty (a key file holds 64 hex digits)").format(path=p)
        )
    if len(key) != KEY_BYTES:
        raise SealError(
            _(
                "{path}: not a key file (a key file holds 64 hex digits, this one {size} bytes)"
            ).format(path=p, size=len(raw))
        )
    return key


def read_passphrase(path: str | Path) -> bytes:
    """A passphrase from a file (one trailing newline ignored)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read passphrase file ({reason})").format(path=p, reason=exc.strerror)
        ) from None
    raw = raw[:-1] if raw.endswith(b"\n") else raw
    raw = raw[:-1] if raw.endswith(b"\r") else raw
    if not raw.strip():
        raise SealError(_("{path}: passphrase file is empty (or holds only spaces)").format(path=p))
    if len(raw) < MIN_PASSPHRASE:
        raise SealError(
            _("{path}: passphrase shorter than {n} characters").format(path=p, n=MIN_PASSPHRASE)
        )
    return raw


def new_key_file(path: str | Path) -> bytes:
    """Create a key file with a fresh random key (readable by the owner only).

    Parameters
    ----------
    path
        The key file to create.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    SealError
        If the file already exists (a key is never overwritten) or cannot be created.
    """
    key = secrets.token_bytes(KEY_BYTES)
    write_key_file(path, key)
    return key


def write_key_file(path: str | Path, key: bytes) -> Path:
    """Write ``key`` as 64 hex digits to a new file readable by the owner only.

    Missing folders on the way are created (readable by the owner only).

    Parameters
    ----------
    path
        The key file to create; it must not exist.
    key
        The 32-byte key.

    Returns
    -------
    pathlib.Path
        ``path`` as a path.

    Raises
    ------
    SealError
        If the file already exists (a key is never overwritten) or cannot be created.
    """
    p = Path(path)
    try:
        p.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SealError(_("{path}: already exists; not overwriting a key").format(path=p)) from None
    except OSError as exc:
        raise SealError(
            _("{path}: cannot create key file ({reason})").format(path=p, reason=exc.strerror)
        ) from None
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        p.unlink(missing_ok=True)
        raise
    return p


def _derive(secret: Secret, kdf: dict[str, Any]) -> bytes:
    if kdf["name"] == "none":
        if secret.key is None:
            raise SealError(_("this drill was sealed with a key file; give --key FILE"))
        return secret.key
    if secret.passphrase is None:
        raise SealError(_("this drill was sealed with a passphrase; give --passphrase-file FILE"))
    params = ScryptParams(int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
    return Scrypt(
        salt=bytes.fromhex(kdf["salt"]), length=KEY_BYTES, n=params.n, r=params.r, p=params.p
    ).derive(secret.passphrase)


def seal(payload: bytes, secret: Secret, *, scrypt: ScryptParams | None = None) -> bytes:
    """Encrypt ``payload``; returns the bytes of a sealed file.

    Parameters
    ----------
    payload
        Plaintext.
    secret
        A key, or a passphrase (stretched with ``scrypt``).
    scrypt
        KDF cost for a passphrase; :class:`ScryptParams` defaults if ``None``.
    """
    if secret.key is not None:
        kdf: dict[str, Any] = {"name": "none"}
    else:
        s = scrypt or ScryptParams()
        kdf = {"name": "scrypt", "salt": secrets.token_bytes(16).hex(), "n": s.n, "r": s.r,
               "p": s.p}  # fmt: skip
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = canonical_json(
        {"format": SEALED_FORMAT, "cipher": "AES-256-GCM", "nonce": nonce.hex(), "kdf": kdf}
    )
    aad = MAGIC + len(header).to_bytes(4, "big") + header
    return aad + AESGCM(_derive(secret, kdf)).encrypt(nonce, payload, aad)


def unseal(data: bytes, secret: Secret) -> bytes:
    """Decrypt a sealed file's bytes.

    Raises
    ------
    SealError
        If the file is not a sealed drill, or the key is wrong, or any byte changed.
    """
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise SealError(_("not a sealed yingji drill (bad magic bytes)"))
    n = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    start = len(MAGIC) + 4
    try:
        header = json.loads(data[start : start + n].decode("utf-8"))
        if header["format"] != SEALED_FORMAT or header["cipher"] != "AES-256-GCM":
            raise ValueError
        nonce = bytes.fromhex(header["nonce"])
        kdf = dict(header["kdf"])
        if kdf.get("name") not in ("none", "scrypt") or len(nonce) != NONCE_BYTES:
            raise ValueError
        if kdf["name"] == "scrypt":
            bytes.fromhex(kdf["salt"])
            ScryptParams(int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, SealError):
        raise SealError(_("sealed file header is damaged")) from None
    key = _derive(secret, kdf)
    aad = data[: start + n]
    try:
        return AESGCM(key).decrypt(nonce, data[start + n :], aad)
    except (InvalidTag, ValueError):
        raise SealError(
            _(
                "cannot open the sealed drill: wrong key or passphrase, or the sealed file was "
                "changed"
            )
        ) from None
