"""Canonical JSON and the public commitment to a drill script.

A commitment must not depend on how a file happens to be formatted, so the
script is hashed in one canonical form: UTF-8 JSON with sorted keys, no
whitespace between tokens, no NaN or infinity. The commitment is

    SHA-256(salt || canonical_json(script))

with a 32-byte random salt. The salt matters: the space of drills on a county
(hazards x nodes x grades x minutes) is small enough to enumerate, so a bare
hash of the script would let anyone find the scenario before the drill.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

#: Bytes of random salt in a commitment.
SALT_BYTES = 32


def canonical_json(obj: Any) -> bytes:
    """The canonical bytes of a JSON-ready object.

    Parameters
    ----------
    obj
        Plain data: dicts with string keys, lists, strings, finite numbers,
        booleans and ``None``.

    Returns
    -------
    bytes
        UTF-8 JSON, keys sorted, separators ``","`` and ``":"``, non-ASCII kept.

    Raises
    ------
    ValueError
        If ``obj`` holds NaN or infinity (they have no JSON form).
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def is_canonical(data: bytes) -> bool:
    """Whether ``data`` is exactly the canonical form of the JSON it holds."""
    try:
        return canonical_json(json.loads(data.decode("utf-8"))) == data
    except (UnicodeDecodeError, ValueError):
        return False


def commitment(salt: bytes, script_bytes: bytes) -> str:
    """Hex SHA-256 of ``salt`` followed by the canonical script bytes."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
    return hashlib.sha256(salt + script_bytes).hexdigest()


def matches(expected_hex: str, salt: bytes, script_bytes: bytes) -> bool:
    """Whether a salt and script open a commitment (constant-time comparison)."""
    try:
        got = commitment(salt, script_bytes)
    except ValueError:
        return False
    return hmac.compare_digest(got, expected_hex.lower())
