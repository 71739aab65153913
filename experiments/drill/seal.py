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
under a second, so guessing is expensive). Every scrypt parameter is bounded
(:func:`scrypt_problem`), the ones a header names included, so no sealed file
can make the reader work for longer than the largest seal allowed.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from networks.i18n import _, os_reason
from scenarios.drill.canonical import canonical_json
from scenarios.drill.errors import SealError
from scenarios.validate import shown

MAGIC = b"YINGJI-DRILL-SEALED/1\n"
SEALED_FORMAT = "yingji-drill-sealed/1"
KEY_BYTES = 32
NONCE_BYTES = 12
#: Shortest passphrase accepted.
MIN_PASSPHRASE = 8


#: Most memory the passphrase KDF may take: scrypt needs ``128 * n * r`` bytes.
MAX_SCRYPT_MEMORY = 2**31
#: Largest scrypt ``n`` (``[seal] scrypt_n``, ``--scrypt-n``): 2 GiB of memory at the default
#: ``r = 8`` (128 * 8 * 2**21 bytes). One number for the config and the option.
MAX_SCRYPT_N = MAX_SCRYPT_MEMORY // (128 * 8)
#: The largest ``n`` a sealed file's header may hold: earlier versions sealed with any power
#: of two within 2 GiB of memory (2**24 at r = 1), and such drills must still reveal.
READ_MAX_SCRYPT_N = MAX_SCRYPT_MEMORY // 128
#: Largest scrypt ``r`` and ``p`` (``[seal] scrypt_r``, ``scrypt_p``).
MAX_SCRYPT_R = 1024
MAX_SCRYPT_P = 64
#: The names of n, r and p in messages about a drill file's ``[seal]``.
SEAL_KEYS = ("scrypt_n", "scrypt_r", "scrypt_p")


def _whole(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def scrypt_problem(
    n: object,
    r: object,
    p: object,
    *,
    names: tuple[str, str, str] = SEAL_KEYS,
    max_n: int = MAX_SCRYPT_N,
) -> str:
    """Why scrypt parameters are refused, or ``""`` if they are within every bound.

    Every parameter is bounded, and so is the memory (``128 * n * r`` bytes at most
    :data:`MAX_SCRYPT_MEMORY`): a sealed file's header is read before it can be
    checked, and unbounded parameters would make a reveal run for hours.

    Parameters
    ----------
    n, r, p
        The parameters (anything: a header may hold any JSON value).
    names
        What the message calls them (the ``[seal]`` keys, or a header's ``kdf.n``...).
    max_n
        The largest ``n``: :data:`MAX_SCRYPT_N` for a new seal; a sealed file's header
        may hold :data:`READ_MAX_SCRYPT_N` (what earlier versions sealed with, r = 1).

    Returns
    -------
    str
        A one-line message naming the parameter, its value and its range; ``""`` if fine.
    """
    n_key, r_key, p_key = names
    if not _whole(n) or n < 2 or n > max_n or n & (n - 1):  # type: ignore[operator]
        return _("{key} must be a power of two from 2 to {max}, got {value}").format(
            key=n_key, max=max_n, value=shown(n)
        )
    for key, v, hi in ((r_key, r, MAX_SCRYPT_R), (p_key, p, MAX_SCRYPT_P)):
        if not _whole(v) or not 1 <= v <= hi:  # type: ignore[operator]
            return _("{key} must be a whole number from 1 to {max}, got {value}").format(
                key=key, max=hi, value=shown(v)
            )
    if n >= 2 ** (16 * r):  # type: ignore[operator]  # scrypt's own rule: n < 2**(128 r / 8)
        return _("{n_key} = {n} needs {r_key} of at least {least}, got {r}").format(
            n_key=n_key,
            n=n,
            r_key=r_key,
            least=(n.bit_length() - 1) // 16 + 1,
            r=r,  # type: ignore[union-attr]
        )
    if 128 * n * r > MAX_SCRYPT_MEMORY:  # type: ignore[operator]
        return _(
            "{n_key} = {n} with {r_key} = {r} needs {mib} MiB of memory (128 x n x r bytes); "
            "at most {max_mib} MiB"
        ).format(
            n_key=n_key,
            n=n,
            r_key=r_key,
            r=r,
            mib=128 * n * r // 2**20,  # type: ignore[operator]
            max_mib=MAX_SCRYPT_MEMORY // 2**20,
        )
    return ""


@dataclass(frozen=True)
class ScryptParams:
    """Cost of the passphrase KDF (defaults are strong; tests lower ``n``).

    Attributes
    ----------
    n
        CPU/memory cost, a power of two up to :data:`MAX_SCRYPT_N` (memory is
        ``128 * r * n`` bytes, at most :data:`MAX_SCRYPT_MEMORY`).
    r
        Block size, 1 to :data:`MAX_SCRYPT_R`.
    p
        Parallelism, 1 to :data:`MAX_SCRYPT_P`.
    """

    n: int = 2**17
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        problem = scrypt_problem(self.n, self.r, self.p)
        if problem:
            raise SealError(problem)


@dataclass(frozen=True)
class Secret:
    """What opens a seal: a 32-byte key, or a passphrase to stretch.

    A passphrase seals as its text in UTF-8 (:func:`passphrase_text`); to open,
    the bytes of the other forms the same text takes in a file (``forms``: as
    read, in GB18030, after a byte-order mark) are tried after it, so that a
    passphrase file saved again in Notepad, or in the other encoding, still
    opens a drill, and drills sealed from such a file's bytes before still open.
    """

    key: bytes | None = None
    passphrase: bytes | None = None
    #: The file it was read from ("" if not read from a file), for messages; not compared.
    source: str = field(default="", compare=False, repr=False)
    #: Other bytes of the same passphrase, tried in turn when ``passphrase`` does not open.
    forms: tuple[bytes, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_files(cls, *, key_file: str | Path | None, passphrase_file: str | Path | None):
        """Read a key file (64 hex digits or 32 raw bytes) or a passphrase file."""
        if (key_file is None) == (passphrase_file is None):
            raise SealError(_("give exactly one of --key FILE or --passphrase-file FILE"))
        if key_file is not None:
            return cls(key=read_key(key_file), source=str(key_file))
        raw = read_passphrase(passphrase_file)  # type: ignore[arg-type]
        text = passphrase_text(raw)
        return cls(passphrase=text, source=str(passphrase_file), forms=passphrase_forms(raw, text))

    def attempts(self) -> list[bytes | None]:
        """The passphrases to try in turn (the key alone for a key)."""
        if self.passphrase is None:
            return [None]
        return list(dict.fromkeys((self.passphrase, *self.forms)))


class WrongSecret(SealError):
    """The header was read but the key or passphrase does not open the seal (or a byte changed)."""


def read_key(path: str | Path) -> bytes:
    """A key from a file: 64 hex digits (whitespace ignored) or 32 raw bytes."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read key file ({reason})").format(path=p, reason=os_reason(exc))
        ) from None
    # A key file opened and saved again in Notepad gains a byte-order mark: not part of a key.
    text = raw.removeprefix(b"\xef\xbb\xbf").strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        key = raw  # 32 raw bytes
    if len(key) != KEY_BYTES and not raw.strip():
        raise SealError(
            _("{path}: key file is empty (a key file holds 64 hex digits)").format(path=p)
        )
    if len(key) != KEY_BYTES:
        digits = b"".join(text.split())
        bad = next((chr(c) for c in digits if chr(c) not in "0123456789abcdefABCDEF"), None)
        if len(digits) == 2 * KEY_BYTES and bad is not None:
            # the right length, so the size says nothing: name the character at fault
            raise SealError(
                _(
                    "{path}: not a key file (a key file holds 64 hex digits 0-9 and a-f; "
                    "this one has {char!r} among its 64 characters)"
                ).format(path=p, char=bad)
            )
        raise SealError(
            _(
                "{path}: not a key file (a key file holds 64 hex digits, this one {size} bytes)"
            ).format(path=p, size=len(raw))
        )
    return key


def read_passphrase(path: str | Path, *, drawing: bool = False) -> bytes:
    """A passphrase from a file (one trailing newline ignored), its bytes as they are.

    Parameters
    ----------
    path
        The passphrase file.
    drawing
        Whether a new drill is to be sealed with it: its length and emptiness are
        then judged without a byte-order mark (a mark and five letters is not a
        passphrase of eight). A reveal judges the bytes as earlier versions did,
        so that every drill they sealed still opens.

    Returns
    -------
    bytes
        The file's bytes without the trailing line break.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SealError(
            _("{path}: cannot read passphrase file ({reason})").format(
                path=p, reason=os_reason(exc)
            )
        ) from None
    raw = raw[:-1] if raw.endswith(b"\n") else raw
    raw = raw[:-1] if raw.endswith(b"\r") else raw
    judged = raw.removeprefix(b"\xef\xbb\xbf") if drawing else raw
    if not judged.strip():
        raise SealError(_("{path}: passphrase file is empty (or holds only spaces)").format(path=p))
    if len(judged) < MIN_PASSPHRASE:
        raise SealError(
            _("{path}: passphrase shorter than {n} characters").format(path=p, n=MIN_PASSPHRASE)
        )
    return raw


def passphrase_text(raw: bytes) -> bytes:
    """A passphrase file's bytes as the text they hold, in UTF-8 without a byte-order mark.

    Notepad on a Chinese Windows saves a file as GBK (ANSI) or with a UTF-8
    byte-order mark; bytes that are not UTF-8 are read as GB18030 (GBK's
    superset). Bytes that are neither are kept as they are. (Some GBK text is
    valid UTF-8 too, and reads as UTF-8 here: :func:`passphrase_forms` tries its
    GB18030 reading when a seal is opened.)

    Parameters
    ----------
    raw
        The file's bytes (:func:`read_passphrase`).

    Returns
    -------
    bytes
        The text in UTF-8.
    """
    body = raw.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            continue
    return raw  # pragma: no cover - gb18030 decodes nearly any bytes


def passphrase_forms(raw: bytes, text: bytes) -> tuple[bytes, ...]:
    """Other bytes ``text`` (UTF-8) may have been sealed as: ``raw``, GB18030, with a mark.

    Drills sealed before the passphrase was read as text were sealed with the
    file's bytes as they were (``raw``), perhaps from the same text saved in
    another encoding or with a byte-order mark; and a file of GBK bytes that
    are valid UTF-8 too was read as UTF-8 (:func:`passphrase_text`).

    Parameters
    ----------
    raw
        The file's bytes.
    text
        Its text in UTF-8 (:func:`passphrase_text`).

    Returns
    -------
    tuple of bytes
        The other forms, each once, ``text`` left out.
    """
    decoded = text.decode("utf-8", errors="replace")
    forms = [raw, b"\xef\xbb\xbf" + text]
    try:  # GBK bytes that are valid UTF-8 as well (录取 in GBK): their GB18030 reading
        forms.append(raw.removeprefix(b"\xef\xbb\xbf").decode("gb18030").encode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        forms.append(decoded.encode("gb18030"))
    except UnicodeEncodeError:  # pragma: no cover - every Unicode text has a GB18030 form
        pass
    return tuple(f for f in dict.fromkeys(forms) if f != text)


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
            _("{path}: cannot create key file ({reason})").format(path=p, reason=os_reason(exc))
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
    # unseal checked n, r and p (within what any version sealed with, not ScryptParams's
    # bound for new seals); the library may still find too little memory.
    try:
        return Scrypt(
            salt=bytes.fromhex(kdf["salt"]), length=KEY_BYTES, n=kdf["n"], r=kdf["r"], p=kdf["p"]
        ).derive(secret.passphrase)
    except MemoryError:
        raise SealError(
            _("not enough memory for the passphrase KDF (scrypt n = {n}, r = {r})").format(
                n=kdf["n"], r=kdf["r"]
            )
        ) from None


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
        If the file is not a sealed drill, or its header is damaged (naming the
        KDF parameter out of bounds); :class:`WrongSecret` if the key or
        passphrase is wrong or any byte after the header changed.
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
            # Bounded before any work: a header could ask scrypt for hours of CPU.
            problem = scrypt_problem(
                kdf.get("n"), kdf.get("r"), kdf.get("p"), names=("kdf.n", "kdf.r", "kdf.p"),
                max_n=READ_MAX_SCRYPT_N,
            )  # fmt: skip
            if problem:
                raise SealError(_("sealed file header is damaged: {reason}").format(reason=problem))
    except SealError:
        raise
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise SealError(_("sealed file header is damaged")) from None
    aad = data[: start + n]
    for phrase in secret.attempts():  # a key, or the forms of a passphrase in turn
        tried = secret if phrase is None else Secret(passphrase=phrase)
        try:
            return AESGCM(_derive(tried, kdf)).decrypt(nonce, data[start + n :], aad)
        except (InvalidTag, ValueError):
            continue
    raise WrongSecret(
        _("cannot open the sealed drill: wrong key or passphrase, or the sealed file was changed")
    )
