"""The seed tree of an experiment: one root, one child per replication.

Replication ``r`` of every design point starts from the same child
``SeedSequence(root).spawn(n)[r]``, so two design points compared on
replication ``r`` see the same incidents (common random numbers) and their
difference is paired. A child depends only on ``(root, r)``, never on how many
replications were asked for, which is why an experiment can later be extended
with more replications without changing the ones already run.
"""

from __future__ import annotations

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.validate import MAX_SEED, shown

__all__ = ["MAX_SEED", "check_root_seed", "design_rng", "replication_seed", "replication_seeds"]


def check_root_seed(value: object, *, source: str | None = None, key: str = "root_seed") -> int:
    """Validate a root seed: a non-negative integer that fits in a signed 64-bit int.

    Parameters
    ----------
    value
        The value read from a file or the command line.
    source, key
        File and dotted key, for the error message.

    Returns
    -------
    int
        The seed.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise ConfigError(
            _("expected an integer seed in 0..2**63-1, got {value!r}").format(value=shown(value)),
            source=source,
            key=key,
        )
    return value


def replication_seed(root_seed: int, replication: int) -> np.random.SeedSequence:
    """Seed of one replication: ``SeedSequence(root_seed).spawn(n)[replication]`` for any n.

    Parameters
    ----------
    root_seed
        The experiment's root seed.
    replication
        Replication index (0-based).

    Returns
    -------
    numpy.random.SeedSequence
        The child sequence; spawn it again for independent streams inside the run.
    """
    if replication < 0:
        raise ValueError(_("replication must be >= 0, got {value}").format(value=replication))
    # Equal to the spawned child: spawn() sets spawn_key = parent key + (index,).
    return np.random.SeedSequence(root_seed, spawn_key=(replication,))


def replication_seeds(root_seed: int, replications: int) -> list[np.random.SeedSequence]:
    """Seeds of replications ``0 .. replications - 1`` (see :func:`replication_seed`)."""
    return np.random.SeedSequence(root_seed).spawn(replications)


def design_rng(root_seed: int, seed: int | None = None) -> np.random.Generator:
    """Generator for drawing the design itself (Latin hypercube points).

    It uses the root sequence itself (spawn key ``()``), which no replication
    uses, so the design draw is independent of every replication's streams.

    Parameters
    ----------
    root_seed
        The experiment's root seed.
    seed
        An explicit design seed; overrides ``root_seed`` for the design only.
    """
    return np.random.default_rng(np.random.SeedSequence(root_seed if seed is None else seed))
