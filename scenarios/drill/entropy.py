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
import secrets
import unicodedata
from collections.abc import Mapping

import numpy as np

from networks.i18n import _
from scenarios.drill.errors import SealError

#: Bytes of a seed and of a contribution.
SEED_BYTES = 32
#: Longest organiser name, in characters.
PARTY_MAX = 64
#: Characters an organiser name may hold besides letters, digits and combining marks
#: (the middle dot of names such as 阿依古丽·买买提).
_PARTY_PUNCTUATION = frozenset(" _.@-·")


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


def _letter_or_digit(ch: str) -> bool:
    """A Unicode letter or digit (甲, é, Ж, ５), not a symbol, space or control character."""
    return unicodedata.category(ch)[0] in "LN"


def check_party(party: str) -> str:
    """Validate an organiser's name, such as ``alice`` or ``贵溪市应急管理局``.

    A name is at most :data:`PARTY_MAX` characters: it starts with a letter
    or digit of any script, then letters, digits, combining marks, space and
    ``_ . @ - ·``. The name is hashed into the commitment and the seed as
    UTF-8 and printed in one-line messages and JSON, so it must be printable
    on one line (no control characters, line breaks, path separators or
    other symbols) and in Unicode normal form NFC: the same name typed as
    composed or decomposed characters would otherwise give two commitments.

    Raises
    ------
    SealError
        For any other name.
    """
    ok = (
        isinstance(party, str)
        and 0 < len(party) <= PARTY_MAX
        and _letter_or_digit(party[0])
        and all(
            _letter_or_digit(ch) or unicodedata.category(ch)[0] == "M" or ch in _PARTY_PUNCTUATION
            for ch in party
        )
        and unicodedata.is_normalized("NFC", party)
    )
    if not ok:
        raise SealError(
            _(
                "bad organiser name {party!r} (up to {n} letters (Chinese too), digits, space, "
                "_ . @ - ·, starting with a letter or digit)"
            ).format(party=party, n=PARTY_MAX)
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


def combine(
    commitments: Mapping[str, str],
    contributions: Mapping[str, bytes],
    *,
    source: str | None = None,
    files: Mapping[str, str] | None = None,
) -> bytes:
    """The seed of a multi-party draw.

    Parameters
    ----------
    commitments
        Published commitment (hex) per organiser.
    contributions
        Revealed contribution per organiser.
    source
        The commitments file, for messages about a missing or extra organiser.
    files
        The contribution file of each organiser, for messages about their
        contribution (a party without one is named with ``source``).

    Returns
    -------
    bytes
        SHA-256 over every (organiser, contribution) pair, organisers sorted.

    Raises
    ------
    SealError
        If an organiser is missing on either side, or a contribution does not
        match its commitment; the message starts with the file at fault.
    """
    files = files or {}

    def fail(message: str, path: str | None) -> SealError:
        return SealError(f"{path}: {message}" if path else message)

    if not commitments:
        raise fail(_("no organiser commitments given"), source)
    missing = sorted(set(commitments) - set(contributions))
    extra = sorted(set(contributions) - set(commitments))
    if missing:
        raise fail(
            _("no contribution revealed by {parties}").format(parties=", ".join(missing)), source
        )
    if extra:
        raise fail(
            _("contribution from {parties} who published no commitment").format(
                parties=", ".join(extra)
            ),
            source,
        )
    h = hashlib.sha256(b"yingji-drill-seed/1\0")
    for party in sorted(commitments):
        c = contributions[party]
        if len(c) < 16:
            raise fail(
                _("contribution of {party} is too short ({size} bytes, need >= 16)").format(
                    party=party, size=len(c)
                ),
                files.get(party, source),
            )
        if not hmac.compare_digest(
            contribution_commitment(party, c), str(commitments[party]).lower()
        ):
            raise fail(
                _("contribution of {party} does not match the commitment published").format(
                    party=party
                ),
                files.get(party, source),
            )
        name = party.encode("utf-8")
        h.update(len(name).to_bytes(2, "big") + name + len(c).to_bytes(2, "big") + c)
    return h.digest()
