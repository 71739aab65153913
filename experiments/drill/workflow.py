"""Draw -> seal -> reveal -> verify: the blind-drill round on disk.

After ``draw`` the drill folder holds only two files, neither of which tells
the hazard, place, time or grade:

* ``script.sealed``: the script and the commitment salt, AES-256-GCM encrypted;
* ``commitment.json``: the public commitment (SHA-256 over the salt and the
  canonical script), the generator version, the time of the draw and, for a
  multi-party draw, every organiser's contribution commitment.

The draw happens at a moment (``drawn_at``, in ``commitment.json``) and the
drill starts after it: the start is drawn over what is left of the window's
allowed hours after the draw plus ``[drill] lead_min`` (60 minutes by
default, the time to publish the commitment); a window with nothing left is
refused before anything is written. A six-no draw also keeps to "no
rehearsal": no hazard + area + band of the day drilled in the last
``no_rehearsal_days`` (365) days (:mod:`scenarios.drill.draw`).

``reveal`` checks the sealed file against its published SHA-256, decrypts,
checks the commitment and writes ``revealed/`` (a six-no drill only from its
drawn start, sooner with ``--early``; a history that already records the drill
is refused): the canonical ``script.json``, ``opening.json`` (the salt), one folder of
packets per role and, last, ``manifest.json`` (the SHA-256 of every other
file; the reveal prints the manifest's own SHA-256 for publication).
``--append-history`` takes the history CSV, or the drill TOML for the history
its ``[drill] history`` names, and the reveal says which file it wrote.
``verify`` lets anyone check afterwards that every revealed file is the one
the reveal wrote (a changed, removed or added file is named), that the
revealed script is the one committed to before the drill (and, with the
drill TOML, that the seed really produces it; a test seed gets a warning, as
it proves no blind draw). Nothing already in the
folder is ever overwritten; a failed reveal leaves the folder as it was.

Every command checks its paths and inputs before any work, and writes as one
unit: ``draw`` builds the drill folder in a hidden staging folder beside it
and renames it into place (creating a new key file only just before); a
``reveal`` decrypts into a private (0700) staging folder beside the drill
folder, so no decrypted byte is ever inside the drill folder unless the reveal
completed, and renames it to ``revealed/`` in one step (the history row is
appended right after, from a temporary file written beforehand beside the
history file, which therefore may not lie inside the drill folder). A staging
folder left by a killed command is removed by the next draw, reveal or verify,
and a killed reveal's temporary history copy by the next reveal into that history.

This module gathers the public names of the round; the code lives in
:mod:`experiments.drill.folder` (file names, formats, staging and sweep),
:mod:`experiments.drill.organisers` (contributions and commitments),
:mod:`experiments.drill.draw` (draw and seal), :mod:`experiments.drill.reveal`
(reveal, packets, history) and :mod:`experiments.drill.verify`.
"""

from experiments.drill.draw import DrawResult, compose, draw_drill
from experiments.drill.folder import (
    PAD_BYTES,
    PAYLOAD_FORMAT,
    PUBLIC,
    PUBLIC_FORMAT,
    REVEALED,
    SEALED,
)
from experiments.drill.organisers import contribute, read_commitments, read_contribution
from experiments.drill.reveal import RevealResult, append_history, reveal_drill, write_packets
from experiments.drill.verify import VerifyResult, verify_drill

__all__ = [
    "PAD_BYTES",
    "PAYLOAD_FORMAT",
    "PUBLIC",
    "PUBLIC_FORMAT",
    "REVEALED",
    "SEALED",
    "DrawResult",
    "RevealResult",
    "VerifyResult",
    "append_history",
    "compose",
    "contribute",
    "draw_drill",
    "read_commitments",
    "read_contribution",
    "reveal_drill",
    "verify_drill",
    "write_packets",
]
