"""Design points: one combination of factor levels as a validated run config, and finding one.

:class:`DesignPoint` carries its levels, run config and config hash;
:func:`format_value` is the short text of a level; :func:`find_point` picks the
point named by an id or by factor levels; :func:`repeated_point` is the error for
two points that are one run config.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from experiments.config import RunConfig
from experiments.hashing import canonical_json
from networks.errors import ConfigError
from networks.i18n import _

if TYPE_CHECKING:
    from experiments.factors import Factor


def format_value(value: Any) -> str:
    """Short text of a factor level for labels and table cells."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, Mapping | list | tuple):
        return canonical_json(value)
    return str(value)


@dataclass(frozen=True, eq=False)
class DesignPoint:
    """One combination of factor levels, validated as a run config.

    Attributes
    ----------
    index
        Position in the design (0-based); results are sorted by it.
    values
        ``(key, level)`` per factor, in factor order.
    config
        The validated run config of this point.
    config_hash
        :func:`config_hash` of the config's :func:`~experiments.hashing.identity_view`.
    inputs
        ``(path, sha256)`` of each file the config reads, paths relative to the
        experiment's folder (empty for built-in parts only).
    """

    index: int
    values: tuple[tuple[str, Any], ...]
    config: RunConfig
    config_hash: str
    inputs: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        """Stable short name, ``p000``, ``p001``, ..."""
        return f"p{self.index:03d}"

    @property
    def label(self) -> str:
        """``key=level, key=level`` (or ``base`` for a design without factors)."""
        return ", ".join(f"{k}={format_value(v)}" for k, v in self.values) or "base"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (id, factor levels, hash, config)."""
        return {
            "index": self.index,
            "id": self.id,
            "label": self.label,
            "values": {k: v for k, v in self.values},
            "config_hash": self.config_hash,
            "config": self.config.to_dict(),
        }


def factor_levels(points: Sequence[Any]) -> dict[str, list[Any]]:
    """The levels each factor takes in ``points``, in design order, each once.

    ``points`` are :class:`DesignPoint` or stored points: anything whose ``values``
    are ``(key, level)`` pairs or a mapping of them.
    """
    seen: dict[str, dict[str, Any]] = {}
    for p in points:
        for k, v in dict(p.values).items():
            seen.setdefault(k, {}).setdefault(canonical_json(v), v)
    return {k: list(levels.values()) for k, levels in seen.items()}


def find_point(
    points: Sequence[DesignPoint], want: Mapping[str, Any], *, source: str | None = None
) -> DesignPoint:
    """The one design point matching ``want`` (``{"id": "p003"}`` or factor levels).

    Factor levels given as text (from the command line) match a point whose
    level formats to the same text. A key that is no factor, or levels no point
    has, is refused naming the factors and the levels each has (as they are typed).
    """
    if set(want) == {"id"}:
        for p in points:
            if p.id == want["id"] or str(p.index) == str(want["id"]):
                return p
        raise ConfigError(
            _("no design point {id!r} ({first}..{last})").format(
                id=want["id"], first="p000", last=f"p{len(points) - 1:03d}"
            ),
            source=source,
            key="baseline",
        )
    levels = factor_levels(points)
    for k in want:
        if k not in levels:
            raise ConfigError(
                _("{key!r} is not a factor key (factors: {keys})").format(
                    key=k, keys=_(", ").join(levels)
                ),
                source=source,
                key=f"baseline.{k}",
            )
    hits = [
        p
        for p in points
        if all(
            dict(p.values)[k] == v or (isinstance(v, str) and format_value(dict(p.values)[k]) == v)
            for k, v in want.items()
        )
    ]
    if len(hits) == 1:
        return hits[0]
    what = _(", ").join(f"{k}={format_value(v)}" for k, v in want.items())
    if hits:
        raise ConfigError(
            _("{levels} matches {n} design points; name exactly one").format(
                levels=what, n=len(hits)
            ),
            source=source,
            key="baseline",
        )
    raise ConfigError(
        _("no design point has {levels} (the levels of each factor: {choices})").format(
            levels=what, choices=_levels_text(levels)
        ),
        source=source,
        key="baseline",
    )


#: Most levels of one factor an error lists (a hypercube factor has one per sample).
_LISTED = 8


def _levels_text(levels: Mapping[str, Sequence[Any]]) -> str:
    """``key: a, b; key: c, d``, levels as typed, in the language's separators."""
    return _("; ").join(
        _("{key}: {levels}").format(
            key=k,
            levels=_(", ").join(
                [format_value(v) for v in vs[:_LISTED]] + (["…"] if len(vs) > _LISTED else [])
            ),
        )
        for k, vs in levels.items()
    )


def repeated_point(
    first: DesignPoint,
    second: DesignPoint,
    factors: Sequence[Factor],
    *,
    lhs_samples: int,
    source: str | None,
) -> ConfigError:
    """The error for two design points that are one run config (their runs would repeat).

    Whole-number hypercube values can coincide (``lhs_samples`` above their
    combinations, or two samples drawn in one whole number); listed levels can
    mean the same (``1`` and ``1.0``). Refused, like listed levels that repeat:
    the design keeps the size its file gives, and no run is a copy of another.

    Parameters
    ----------
    first, second
        The two points, in design order.
    factors
        The experiment's factors.
    lhs_samples
        The experiment's hypercube size.
    source
        The experiment file, for the message.

    Returns
    -------
    ConfigError
        Naming ``lhs_samples`` for a hypercube of whole numbers, else ``factors``.
    """
    lhs = [f for f in factors if f.is_lhs]
    a, b = dict(first.values), dict(second.values)
    same_grid = all(a[f.key] == b[f.key] for f in factors if not f.is_lhs)
    if lhs and same_grid and all(f.integer for f in lhs):
        combos = math.prod(int(f.high or 0) - int(f.low or 0) + 1 for f in lhs)
        return ConfigError(
            _(
                "hypercube points {first} and {second} are the same design point ({label}): "
                "the whole-number factors have {combos} combinations for lhs_samples = "
                "{samples}; give fewer lhs_samples, another lhs_seed, or the levels as "
                "range = [low, high]"
            ).format(
                first=first.id,
                second=second.id,
                label=first.label,
                combos=combos,
                samples=lhs_samples,
            ),  # fmt: skip
            source=source,
            key="lhs_samples",
        )
    return ConfigError(
        _(
            "design points {first} ({label}) and {second} ({other}) are the same run "
            "config, so their results would repeat; drop one of the levels"
        ).format(first=first.id, label=first.label, second=second.id, other=second.label),
        source=source,
        key="factors",
    )
