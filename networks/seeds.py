"""Seeds and generators: what a caller may pass as ``seed`` or ``rng``, made one thing once.

Every public entry point that draws at random (:func:`sim.run`,
:func:`scenarios.generate_stream`, :meth:`scenarios.IncidentStream.from_frame`,
the experiment runners, :func:`experiments.siting.evaluate.evaluate_siting`,
the drill draw) accepts a :data:`SeedLike`: an ``int``, a
:class:`numpy.random.Generator`, a :class:`numpy.random.SeedSequence` or
``None``. It is normalised once, at the entry point, by one of two helpers:

:func:`as_generator`
    For a function that draws itself. ``numpy.random.default_rng`` semantics:
    an int or a SeedSequence seeds a new generator, ``None`` takes fresh
    entropy from the operating system, and a Generator is used as it is (not
    copied: the caller's generator advances).

:func:`as_root_seed`
    For a function that runs replications from a seed tree
    (``SeedSequence(root).spawn(n)``). The root must be an int: it is recorded
    in every result row, and a replication's streams must depend only on
    ``(root, r)``. An int is the root itself; ``SeedSequence(k)`` is the root
    ``k`` (as ``default_rng`` treats them alike); any other SeedSequence is
    hashed to a root by ``generate_state``. A Generator cannot be re-spawned
    deterministically for each replication, so one integer is drawn from it
    (once, advancing it) and used as the root; that root is recorded, so the
    run can be repeated from its record alone. ``None`` means the caller's
    default (a config's ``run.seed``), or fresh entropy if there is none.
"""

from __future__ import annotations

import numbers

import numpy as np

from networks.i18n import _

__all__ = ["MAX_SEED", "SeedLike", "as_generator", "as_root_seed"]

#: Largest root seed: seeds are stored in int64 table columns (the same bound as
#: ``scenarios.validate.MAX_SEED``).
MAX_SEED = 2**63 - 1

#: What a ``seed`` or ``rng`` argument may be.
SeedLike = int | np.integer | np.random.Generator | np.random.SeedSequence | None


def _check_int(seed: object) -> int:
    """An int seed in ``0 .. MAX_SEED`` (bools are not seeds)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            _(
                "expected a seed: an integer, a numpy Generator, a SeedSequence or None; "
                "got {value!r}"
            ).format(value=seed)
        )
    value = int(seed)
    if not 0 <= value <= MAX_SEED:
        raise ValueError(
            _("expected an integer seed in 0..2**63-1, got {value!r}").format(value=value)
        )
    return value


def as_generator(seed: SeedLike) -> np.random.Generator:
    """The generator a function draws from: ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    seed
        An int (0..2**63-1), a SeedSequence, ``None`` (fresh entropy) or a
        Generator (returned as it is, so passing one keeps today's results).

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError, ValueError
        Anything else, or an int out of range.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    return np.random.default_rng(_check_int(seed))


def as_root_seed(seed: SeedLike, *, default: int | None = None) -> int:
    """The int root of a seed tree (see the module docstring for each kind of seed).

    Parameters
    ----------
    seed
        What the caller passed.
    default
        The root for ``seed=None`` (a config's ``run.seed``); ``None`` draws
        fresh entropy.

    Returns
    -------
    int
        A root seed in ``0 .. MAX_SEED``.

    Raises
    ------
    TypeError, ValueError
        Anything else, or an int out of range.
    """
    if seed is None:
        if default is not None:
            return _check_int(default)
        seed = np.random.SeedSequence()
    if isinstance(seed, np.random.Generator):
        # Drawn once: replications then spawn from an int, and the int is recorded.
        return int(seed.integers(0, MAX_SEED, endpoint=True))
    if isinstance(seed, np.random.SeedSequence):
        ent = seed.entropy
        if not seed.spawn_key and isinstance(ent, numbers.Integral) and 0 <= ent <= MAX_SEED:
            return int(ent)
        return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))
    return _check_int(seed)
