"""Duration distributions: small objects with ``sample(rng, size)`` and an analytic mean.

All durations are minutes and never negative. Sampling uses the methods of the
``numpy.random.Generator`` passed in; nothing here keeps random state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np

from networks.errors import ConfigError


class Distribution:
    """Base class: a non-negative duration distribution in minutes.

    Subclasses are frozen dataclasses that implement :meth:`sample`,
    :attr:`mean` and :attr:`variance`, and name themselves in ``kind``.
    """

    kind: ClassVar[str] = ""

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """Draw ``size`` values (a float64 array), or one float if ``size`` is None."""
        raise NotImplementedError

    @property
    def mean(self) -> float:
        """Analytic mean."""
        raise NotImplementedError

    @property
    def variance(self) -> float:
        """Analytic variance."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, ``{"kind": ..., <parameters>}``; inverse of :func:`from_dict`."""
        out: dict[str, Any] = {"kind": self.kind}
        out.update({f.name: getattr(self, f.name) for f in fields(self)})  # type: ignore[arg-type]
        return out


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value`` minutes."""

    value: float
    kind: ClassVar[str] = "fixed"

    def __post_init__(self) -> None:
        _check(math.isfinite(self.value) and self.value >= 0, f"fixed value {self.value} < 0")

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`; consumes no random numbers."""
        return float(self.value) if size is None else np.full(size, float(self.value))

    @property
    def mean(self) -> float:
        """``value``."""
        return float(self.value)

    @property
    def variance(self) -> float:
        """Zero."""
        return 0.0


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with the given mean (minutes)."""

    mean_: float
    kind: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        _check(math.isfinite(self.mean_) and self.mean_ > 0, f"exponential mean {self.mean_} <= 0")

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`."""
        return rng.exponential(self.mean_, size)

    @property
    def mean(self) -> float:
        """The mean."""
        return float(self.mean_)

    @property
    def variance(self) -> float:
        """``mean**2``."""
        return float(self.mean_) ** 2

    def to_dict(self) -> dict[str, Any]:
        """``{"kind": "exponential", "mean": ...}``."""
        return {"kind": self.kind, "mean": self.mean_}


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal given by its own mean and coefficient of variation (not the log's)."""

    mean_: float
    cv: float
    kind: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        _check(math.isfinite(self.mean_) and self.mean_ > 0, f"lognormal mean {self.mean_} <= 0")
        _check(math.isfinite(self.cv) and self.cv >= 0, f"lognormal cv {self.cv} < 0")

    @property
    def sigma(self) -> float:
        """Standard deviation of the logarithm."""
        return math.sqrt(math.log1p(self.cv**2))

    @property
    def mu(self) -> float:
        """Mean of the logarithm."""
        return math.log(self.mean_) - self.sigma**2 / 2

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`."""
        return rng.lognormal(self.mu, self.sigma, size)

    @property
    def mean(self) -> float:
        """The mean."""
        return float(self.mean_)

    @property
    def variance(self) -> float:
        """``(cv * mean)**2``."""
        return (self.cv * self.mean_) ** 2

    def to_dict(self) -> dict[str, Any]:
        """``{"kind": "lognormal", "mean": ..., "cv": ...}``."""
        return {"kind": self.kind, "mean": self.mean_, "cv": self.cv}


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high]``."""

    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        _check(0 <= self.low <= self.high < math.inf, f"uniform needs 0 <= low <= high: {self}")

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`."""
        return rng.uniform(self.low, self.high, size)

    @property
    def mean(self) -> float:
        """``(low + high) / 2``."""
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        """``(high - low)**2 / 12``."""
        return (self.high - self.low) ** 2 / 12


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on ``[low, high]`` with the given mode."""

    low: float
    mode: float
    high: float
    kind: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        _check(
            0 <= self.low <= self.mode <= self.high < math.inf and self.low < self.high,
            f"triangular needs 0 <= low <= mode <= high, low < high: {self}",
        )

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`."""
        return rng.triangular(self.low, self.mode, self.high, size)

    @property
    def mean(self) -> float:
        """``(low + mode + high) / 3``."""
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        """The triangular variance."""
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


_KINDS: dict[str, type[Distribution]] = {
    c.kind: c for c in (Fixed, Exponential, Lognormal, Uniform, Triangular)
}
#: Parameter names per kind as they appear in dicts (``mean`` for ``mean_``).
_PARAMS = {
    "fixed": ("value",),
    "exponential": ("mean",),
    "lognormal": ("mean", "cv"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}


def from_dict(
    data: Mapping[str, Any] | float | int, *, source: str | None = None, key: str | None = None
) -> Distribution:
    """Build a distribution from plain data.

    Parameters
    ----------
    data
        ``{"kind": "lognormal", "mean": 2.0, "cv": 0.5}`` and so on, or a bare
        number for a fixed duration.
    source, key
        Where the data came from, for error messages.

    Returns
    -------
    Distribution

    Raises
    ------
    networks.errors.ConfigError
        Unknown kind, missing or extra parameter, or a value that would allow
        negative durations.
    """
    if isinstance(data, bool):
        raise ConfigError(f"expected a distribution, got {data!r}", source=source, key=key)
    if isinstance(data, int | float):
        data = {"kind": "fixed", "value": data}
    if not isinstance(data, Mapping):
        raise ConfigError(f"expected a distribution table, got {data!r}", source=source, key=key)
    kind = data.get("kind")
    if kind not in _KINDS:
        raise ConfigError(
            f"unknown distribution kind {kind!r}; expected one of {sorted(_KINDS)}",
            source=source,
            key=f"{key}.kind" if key else "kind",
        )
    params = _PARAMS[kind]
    extra = set(data) - set(params) - {"kind"}
    missing = [p for p in params if p not in data]
    if extra or missing:
        raise ConfigError(
            f"{kind} distribution takes {list(params)}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unknown {sorted(extra)}" if extra else ""),
            source=source,
            key=key,
        )
    values = []
    for p in params:
        v = data[p]
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ConfigError(
                f"expected a number, got {v!r}", source=source, key=f"{key}.{p}" if key else p
            )
        values.append(float(v))
    try:
        return _KINDS[kind](*values)
    except ValueError as exc:
        raise ConfigError(str(exc), source=source, key=key) from None
