"""Where a drill's randomness comes from: ``secrets``, or several organisers together.

Single organiser: :func:`fresh_seed` takes 32 bytes from :mod:`secrets`.

Several organisers (commit, then reveal): each draws a secret contribution
(:func:`new_contribution`) and publishes only its hash
(:func:`contribution_commitment`). When every commitment is public, each hands
their contribution to the drawing machine; :func:`combine` refuses any
contribution that does not match its commitment and hashes them all into the
seed. Nobody can steer the seed without knowing every other contribution in
advance, and nobody can change theirs after seeing the others'.
Contributions stay secret until after the drill (they determine the draw);
they are sealed inside the script and published at the reveal so anyone can
check them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping

import numpy as np

from networks.i18n import _
from scenarios.drill.errors import SealError

#: Bytes of a seed and of a contribution.
SEED_BYTES = 32
_PARTY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.@-]{0,63}$")


def fresh_seed() -> bytes:
    """32 bytes from the operating system's secure random source."""
    return secrets.token_bytes(SEED_BYTES)


def seed_from_int(seed: int) -> bytes:
    """A seed from an integer (``--seed``: testing the generator only, never a real drill)."""
    if seed < 0:
        raise ValueError("seed must be >= 0")
    return hashlib.sha256(b"yingji-drill-test-seed/1\0" + str(int(seed)).encode()).digest()


def generator_from_seed(seed: bytes) -> np.random.Generator:
    """The numpy generator a drill is drawn with (PCG64 seeded by all 256 bits)."""
    return np.random.default_rng(np.random.SeedSequence(int.from_bytes(seed, "big")))


def check_party(party: str) -> str:
    """Validate an organiser's name (letters, digits, space, ``_ . @ -``; up to 64)."""
    if not isinstance(party, str) or not _PARTY.match(party):
        raise SealError(
            _("bad organiser name {party!r} (letters, digits, space, _ . @ -)").format(party=party)
        )
    return party


def new_contribution() -> bytes:
    """A fresh secret contribution (32 random bytes)."""
    return secrets.token_bytes(SEED_BYTES)


def contribution_commitment(party: str, contribution: bytes) -> str:
    """Hex SHA-256 binding an organiser's name to their contribution."""
    check_party(party)
    return hashlib.sha256(
        b"yingji-drill-contribution/1\0" + party.encode("utf-8") + b"\0" + contribution
    ).hexdigest()


def combine(commitments: Mapping[str, str], contributions: Mapping[str, bytes]) -> bytes:
    """The seed of a multi-party draw.

    Parameters
    ----------
    commitments
        Published commitment (hex) per organiser.
    contributions
        Revealed contribution per organiser.

    Returns
    -------
    bytes
        SHA-256 over every (organiser, contribution) pair, organisers sorted.

    Raises
    ------
    SealError
        If an organiser is missing on either side, or a contribution does not
        match its commitment.
    """
    if not commitments:
        raise SealError(_("no organiser commitments given"))
    missing = sorted(set(commitments) - set(contributions))
    extra = sorted(set(contributions) - set(commitments))
    if missing:
        raise SealError(
            _("no contribution revealed by {parties}").format(parties=", ".join(missing))
        )
    if extra:
        raise SealError(
            _("contribution from {parties} who published no commitment").format(
                parties=", ".join(extra)
            )
        )
    h = hashlib.sha256(b"yingji-drill-seed/1\0")
    for party in sorted(commitments):
        c = contributions[party]
        if len(c) < 16:
            raise SealError(
                _("contribution of {party} is too short ({size} bytes, need >= 16)").format(
                    party=party, size=len(c)
                )
            )
        if not hmac.compare_digest(
            contribution_commitment(party, c), str(commitments[party]).lower()
        ):
            raise SealError(
                _("contribution of {party} does not match the commitment published").format(
                    party=party
                )
            )
        name = party.encode("utf-8")
        h.update(len(name).to_bytes(2, "big") + name + len(c).to_bytes(2, "big") + c)
    return h.digest()
