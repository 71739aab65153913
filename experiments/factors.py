"""Factors of an experiment: listed levels, ranges, Latin-hypercube bounds and the hypercube draw.

:class:`Factor` validates one ``[[factors]]`` table (see :mod:`experiments.spec`
for the file format); :func:`lhs_table` samples the hypercube factors jointly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from experiments.hashing import canonical_json
from experiments.seeding import design_rng
from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.validate import Reader, check_num, shown

#: Keys a factor may not vary: the experiment owns seeds, replication counts and language.
_RESERVED = {"run.seed", "run.replications", "run", "name", "language"}
#: Most design points of one experiment (levels of a factor, hypercube samples, their
#: product): every point is validated up front, so a count beyond this would hang.
MAX_POINTS = 10_000
#: One ``[[factors]]`` table (what :meth:`Factor.from_dict` accepts).
FACTOR = Section(
    "factors[]",
    "Factor",
    (
        Key("key", "string",
            'Dotted path into the run config, e.g. "policy.name" (not run.seed, '
            "run.replications, name or language: the experiment sets those).", "因素",
            default=REQUIRED),
        Key("levels", "list", "The levels, listed (numbers, text, booleans, lists or tables).",
            "水平"),
        Key("range", "list", "[start, stop] or [start, stop, step]: levels start..stop inclusive.",
            "水平范围"),
        Key("lhs", "list", "[low, high]: a Latin-hypercube factor (with top-level lhs_samples).",
            "拉丁超立方"),
        Key("integer", "boolean", "Whether hypercube values are whole numbers.", default=False),
    ),
    zh="试验因素",
    help="Give exactly one of levels, range and lhs.",
)  # fmt: skip


@dataclass(frozen=True)
class Factor:
    """One varied key: listed levels, or a Latin-hypercube range.

    Attributes
    ----------
    key
        Dotted path into the run config, e.g. ``"policy.name"``.
    levels
        The levels of a listed or ranged factor (empty for a hypercube factor).
    low, high
        Bounds of a hypercube factor (``None`` otherwise).
    integer
        Whether hypercube values are whole numbers (``low..high`` inclusive).
    """

    key: str
    levels: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @property
    def is_lhs(self) -> bool:
        """Whether the factor is sampled by the Latin hypercube."""
        return self.low is not None

    @classmethod
    def from_dict(cls, data: Any, *, source: str, key: str) -> Factor:
        """Validate one ``[[factors]]`` table (``key`` is e.g. ``factors[1]``)."""
        r = Reader(data, source=source, key=key)
        FACTOR.allow(r)
        path = data.get("key")
        if path is None:
            raise ConfigError(
                _('missing: give the varied config key, such as key = "policy.name"'),
                source=source,
                key=f"{key}.key",
            )
        if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
            raise ConfigError(
                _('expected a dotted config key such as "policy.name", got {value!r}').format(
                    value=path
                ),
                source=source,
                key=f"{key}.key",
            )
        if path in _RESERVED or path.startswith("run.seed"):
            raise ConfigError(
                _(
                    "{key!r} is set by the experiment (replications, root_seed, language), "
                    "not a factor"
                ).format(key=path),
                source=source,
                key=f"{key}.key",
            )
        given = [k for k in ("levels", "range", "lhs") if k in data]
        if len(given) != 1:
            raise ConfigError(
                _(
                    "give exactly one of levels = [...], range = [start, stop, step] "
                    "or lhs = [low, high]"
                ),
                source=source,
                key=key,
            )
        kind = given[0]
        integer = FACTOR.read(r, "integer")
        if integer and kind != "lhs":  # levels and ranges are as written
            raise ConfigError(
                _("integer applies to lhs factors only (levels and ranges are as written)"),
                source=source,
                key=f"{key}.integer",
            )
        if kind == "levels":
            levels = data["levels"]
            if not isinstance(levels, list) or not levels:
                raise ConfigError(
                    _("expected a non-empty list of levels"), source=source, key=f"{key}.levels"
                )
            try:
                texts = [canonical_json(v) for v in levels]
            except (TypeError, ValueError):
                raise ConfigError(
                    _(
                        "levels must be numbers, text, booleans, lists or tables "
                        "(not dates or times)"
                    ),
                    source=source,
                    key=f"{key}.levels",
                ) from None
            if len(set(texts)) != len(texts):
                raise ConfigError(_("levels repeat"), source=source, key=f"{key}.levels")
            return cls(key=path, levels=tuple(levels))
        if kind == "range":
            return cls(key=path, levels=_range_levels(data["range"], source, f"{key}.range"))
        bounds = data["lhs"]
        where = f"{key}.lhs"
        pair = isinstance(bounds, list) and len(bounds) == 2
        low, high = (_number(b, source, where) for b in bounds) if pair else (0.0, 0.0)
        if not low < high:
            raise ConfigError(
                _("expected [low, high] numbers with low < high, got {value!r}").format(
                    value=bounds
                ),
                source=source,
                key=where,
            )
        if integer and not (low.is_integer() and high.is_integer()):
            raise ConfigError(
                _("integer hypercube bounds must be whole numbers"),
                source=source,
                key=f"{key}.lhs",
            )
        return cls(key=path, low=low, high=high, integer=integer)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict` (a range comes back as levels)."""
        if self.is_lhs:
            out: dict[str, Any] = {"key": self.key, "lhs": [self.low, self.high]}
            if self.integer:
                out["integer"] = True
            return out
        return {"key": self.key, "levels": list(self.levels)}


def _number(v: Any, source: str, key: str) -> float:
    """A finite number of a list (range, lhs bounds), checked the shared way."""
    return check_num(v, lambda m: ConfigError(m, source=source, key=key))


def _range_levels(value: Any, source: str, key: str) -> tuple[Any, ...]:
    """``[start, stop, step]`` -> start, start + step, ... up to stop inclusive."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ConfigError(
            _("expected [start, stop] or [start, stop, step] numbers, got {value!r}").format(
                value=value
            ),
            source=source,
            key=key,
        )
    for v in value:
        _number(v, source, key)  # the levels keep their own type (whole numbers stay int)
    start, stop = value[0], value[1]
    step = value[2] if len(value) == 3 else 1
    if step <= 0 or stop < start:
        raise ConfigError(
            _("expected start <= stop and a positive step, got {value!r}").format(
                value=shown(value)
            ),
            source=source,
            key=key,
        )
    if all(isinstance(v, int) for v in (start, stop, step)):
        n: int | None = (stop - start) // step + 1
    else:
        ratio = (stop - start) / step
        n = math.floor(ratio + 1e-9) + 1 if ratio < 10**15 else None
    if n is None or n > MAX_POINTS:
        message = (
            _("range gives {count} levels; at most {most} design points")
            if n is not None and n < 10**15
            else _("range gives more than 10**15 levels; at most {most} design points")
        )
        raise ConfigError(
            message.format(count=f"{n:,}" if n is not None else "", most=f"{MAX_POINTS:,}"),
            source=source,
            key=key,
        )
    if all(isinstance(v, int) for v in (start, stop, step)):
        return tuple(range(start, stop + 1, step))
    # Multiply, do not accumulate, so 0.1 steps do not drift.
    return tuple(round(start + i * step, 12) for i in range(n))


def lhs_table(
    factors: Sequence[Factor], samples: int, root_seed: int, lhs_seed: int | None
) -> list[tuple[Any, ...]]:
    """The Latin-hypercube sample: one tuple of values per sample (empty design: ``[()]``).

    Only the hypercube factors of ``factors`` are sampled, ``samples`` points drawn
    with :func:`experiments.seeding.design_rng` of ``root_seed`` and ``lhs_seed``.
    """
    lhs = [f for f in factors if f.is_lhs]
    if not lhs:
        return [()]
    from scipy.stats import qmc

    sampler = qmc.LatinHypercube(d=len(lhs), rng=design_rng(root_seed, lhs_seed))
    unit = sampler.random(samples)
    rows = []
    for u in unit:
        row = []
        for f, x in zip(lhs, u, strict=True):
            assert f.low is not None and f.high is not None
            if f.integer:
                # Equal-width bins over low..high inclusive keep the stratification.
                row.append(int(min(f.low + math.floor(x * (f.high - f.low + 1)), f.high)))
            else:
                row.append(float(f.low + x * (f.high - f.low)))
        rows.append(tuple(row))
    return rows
