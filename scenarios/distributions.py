"""Distributions of non-negative quantities (minutes, metres, ...), for the whole project.

Each family is a small frozen dataclass with ``sample(rng, size=None)``, analytic
:attr:`~Distribution.mean` and :attr:`~Distribution.variance`, and ``to_dict``;
:func:`from_dict` is the one validating reader. In TOML a distribution is a small
table whose ``dist`` key names the family::

    turnout = { dist = "lognormal", mean = 1.5, cv = 0.3 }
    delay = { dist = "exponential", mean = 45 }
    resupply = 10                      # a bare number: always 10

:class:`GradedDist` lets any parameter be a list of four values, one per grade
I-IV (``mean = [240, 120, 60, 30]``). ``lognormal`` and ``gamma`` are given by
their own mean and coefficient of variation, which is how people state
durations ("about 90 minutes, give or take half"). Sampling uses the methods of
the ``numpy.random.Generator`` passed in; nothing here keeps random state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.terms import grade_numeral  # Ⅰ-Ⅳ in Chinese messages
from scenarios.validate import Reader, check_num, shown

#: Largest coefficient of variation of a lognormal or gamma. Beyond it a gamma's draws are
#: almost all zero and a lognormal's mean rests on rare huge draws; far beyond it the
#: parameters overflow floats (cv = 1e200) and a run would crash mid-way.
MAX_CV: float = 100
#: Largest value any other parameter may take. No quantity drawn (minutes, metres, people,
#: units) comes near it (1e9 minutes is 1,900 years); beyond it a typo (1e200) would
#: overflow a variance or a clock and turn a run's figures into inf.
MAX_VALUE: float = 1e9
#: A gamma with a smaller positive cv draws as one with this cv: its shape ``1 / cv**2`` must
#: stay a float, and the draws are the mean to every digit a float holds either way.
_TINY_CV = 1e-150

#: Parameter names of each family as written in TOML, in constructor order.
FAMILIES: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "exponential": ("mean",),
    "lognormal": ("mean", "cv"),
    "gamma": ("mean", "cv"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}


def _const(value: float, size: int | None) -> Any:
    # A degenerate distribution consumes no random numbers.
    return float(value) if size is None else np.full(size, float(value))


def _param(
    family: str, name: str, value: float, *, positive: bool = False, hi: float = MAX_VALUE
) -> None:
    """Refuse a parameter that allows negative or infinite draws, or exceeds ``hi`` (ValueError).

    A guard for code that builds distributions directly: files and configs go
    through :func:`from_dict`, which checks every parameter with the same
    :func:`~scenarios.validate.check_num` and names the key.
    """
    check_num(
        value,
        lambda m: ValueError(
            _("{family}: {name}: {error}").format(family=family, name=name, error=m)
        ),
        lo=0,
        lo_open=positive,
        hi=hi,
    )


class Distribution:
    """Base class: a non-negative continuous distribution.

    Subclasses are frozen dataclasses whose fields are the parameters of
    ``FAMILIES[kind]`` in order; they implement :meth:`sample`, :attr:`mean`
    and :attr:`variance`.
    """

    #: Family name, the value of the ``dist`` key.
    kind: ClassVar[str] = ""

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """Draw values.

        Parameters
        ----------
        rng
            The generator to draw from.
        size
            Number of values; None for a single float.

        Returns
        -------
        float or numpy.ndarray
            One float if ``size`` is None, else a float64 array of ``size``
            values, all >= 0.
        """
        raise NotImplementedError

    @property
    def mean(self) -> float:
        """Analytic mean."""
        raise NotImplementedError

    @property
    def variance(self) -> float:
        """Analytic variance."""
        raise NotImplementedError

    @property
    def params(self) -> tuple[float, ...]:
        """Parameter values in the order of ``FAMILIES[kind]``."""
        return tuple(float(getattr(self, f.name)) for f in fields(self))  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table ``{"dist": kind, <parameters>}``; inverse of :func:`from_dict`."""
        return {"dist": self.kind, **dict(zip(FAMILIES[self.kind], self.params, strict=True))}


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value``."""

    value: float
    kind: ClassVar[str] = "fixed"

    def __post_init__(self) -> None:
        _param(self.kind, "value", self.value)

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`; consumes no random numbers."""
        return _const(self.value, size)

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
    """Exponential with the given mean."""

    mean_: float
    kind: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        _param(self.kind, "mean", self.mean_, positive=True)

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


@dataclass(frozen=True)
class _MeanCV(Distribution):
    """A positive distribution given by its mean and coefficient of variation."""

    mean_: float
    cv: float

    def __post_init__(self) -> None:
        _param(self.kind, "mean", self.mean_, positive=True)
        _param(self.kind, "cv", self.cv, hi=MAX_CV)

    @property
    def mean(self) -> float:
        """The mean."""
        return float(self.mean_)

    @property
    def variance(self) -> float:
        """``(cv * mean)**2``."""
        return (self.cv * self.mean_) ** 2


@dataclass(frozen=True)
class Lognormal(_MeanCV):
    """Lognormal given by its own mean and coefficient of variation (not the log's)."""

    kind: ClassVar[str] = "lognormal"

    @property
    def sigma(self) -> float:
        """Standard deviation of the logarithm."""
        return math.sqrt(math.log1p(self.cv**2))

    @property
    def mu(self) -> float:
        """Mean of the logarithm."""
        # Written as sigma**2 (not log1p(cv**2)) on purpose: the same floats as
        # before the two distribution modules merged, so seeded runs reproduce.
        return math.log(self.mean_) - self.sigma**2 / 2

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`; ``cv == 0`` consumes no random numbers."""
        if self.cv == 0:
            return _const(self.mean_, size)
        return rng.lognormal(self.mu, self.sigma, size)


@dataclass(frozen=True)
class Gamma(_MeanCV):
    """Gamma given by its mean and coefficient of variation (shape ``1 / cv**2``).

    A cv below ``1e-150`` draws as ``1e-150``, whose shape is still a float: the
    draws are the mean either way.
    """

    kind: ClassVar[str] = "gamma"

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`; ``cv == 0`` consumes no random numbers."""
        if self.cv == 0:
            return _const(self.mean_, size)
        shape = 1.0 / max(self.cv, _TINY_CV) ** 2
        return rng.gamma(shape, self.mean_ / shape, size)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high]``."""

    low: float
    high: float
    kind: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= MAX_VALUE:
            raise ValueError(
                _("uniform: need 0 <= low <= high <= {top:g}, got low {low}, high {high}").format(
                    low=self.low, high=self.high, top=MAX_VALUE
                )
            )

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
    """Triangular on ``[low, high]`` with the given mode (``low == high`` is a constant)."""

    low: float
    mode: float
    high: float
    kind: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.mode <= self.high <= MAX_VALUE:
            raise ValueError(
                _(
                    "triangular: need 0 <= low <= mode <= high <= {top:g}, "
                    "got low {low}, mode {mode}, high {high}"
                ).format(low=self.low, mode=self.mode, high=self.high, top=MAX_VALUE)
            )

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """See :meth:`Distribution.sample`; ``low == high`` consumes no random numbers."""
        if self.low == self.high:
            return _const(self.low, size)
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


#: The class of each family.
CLASSES: dict[str, type[Distribution]] = {
    c.kind: c for c in (Fixed, Exponential, Lognormal, Gamma, Uniform, Triangular)
}
#: Parameters that must be strictly positive (a constant is ``dist = "fixed"``).
_POSITIVE = {("exponential", "mean"), ("lognormal", "mean"), ("gamma", "mean")}
_PARAM_HELP = {
    "value": "fixed: the value",
    "mean": "exponential, lognormal, gamma: the mean",
    "cv": "lognormal, gamma: the coefficient of variation",
    "low": "uniform, triangular: the least value",
    "mode": "triangular: the most likely value",
    "high": "uniform, triangular: the greatest value",
}
#: The parameters' Chinese terms.
_PARAM_ZH = {"value": "取值", "mean": "均值", "cv": "变异系数", "low": "最小值", "mode": "众数",
             "high": "最大值"}  # fmt: skip
#: A distribution written as a table (:func:`from_dict`); its keys are :data:`FAMILIES`'.
DISTRIBUTION = Section(
    "<distribution>",
    "Distribution",
    (
        Key("dist", "string", "The family.", "分布类型", default=REQUIRED, choices=tuple(FAMILIES)),
        *(
            Key(name, "number", _PARAM_HELP[name].capitalize() + ".", _PARAM_ZH[name], lo=0,
                lo_open=all((f, name) in _POSITIVE for f, ns in FAMILIES.items() if name in ns),
                hi=MAX_CV if name == "cv" else MAX_VALUE,
                default_text="required by those families",
                allowed_text="in a graded distribution, one value or a list of four (I-IV)")
            for name in dict.fromkeys(n for names in FAMILIES.values() for n in names)
        ),
    ),
    zh="概率分布",
    help='Minutes (or another quantity) drawn at random, e.g. { dist = "lognormal", mean = '
    "30, cv = 0.5 }; a bare number is a fixed value. Each family takes exactly its own "
    "parameters.",
)  # fmt: skip


def _read(data: Any, source: str | None, key: str, *, graded: bool) -> list[Distribution]:
    """Validate ``data``; four distributions (grades I-IV) if ``graded``, else one."""
    n = 4 if graded else 1
    if isinstance(data, bool):
        raise ConfigError(
            _("expected a distribution (a table or a number), got {value!r}").format(
                value=shown(data)
            ),
            source=source,
            key=key,
        )
    if isinstance(data, int | float):  # a bare number is a fixed value
        v = check_num(data, lambda m: ConfigError(m, source=source, key=key), lo=0, hi=MAX_VALUE)
        return [Fixed(v)] * n
    if not isinstance(data, Mapping):
        raise ConfigError(
            _(
                'expected a distribution table such as {{ dist = "exponential", mean = 30 }}, '
                "got {value!r}"
            ).format(value=data),
            source=source,
            key=key,
        )
    r = Reader(data, source=source, key=key)
    if r.has("kind"):  # the pre-release key; no silent alias
        raise r.error(
            "kind",
            _('the family is named by "dist", not "kind": write dist = "{family}"').format(
                family=data["kind"]
            ),
        )
    if not r.has("dist"):
        raise r.error(
            "dist",
            _("missing: name the family, one of {families}").format(families=", ".join(FAMILIES)),
        )
    kind = r.str("dist", choices=FAMILIES)
    names = FAMILIES[kind]
    r.allow({"dist", *names})
    cols = []
    for name in names:
        v = r.get(name)
        if isinstance(v, list) and not graded:
            raise r.error(
                name,
                _("expected one number here, not a list per grade: {value!r}").format(
                    value=shown(v)
                ),
            )
        if isinstance(v, list) and len(v) != 4:
            raise r.error(
                name,
                _("expected a number or a list of 4 (grades I-IV), got {value!r}").format(
                    value=shown(v)
                ),
            )
        vals = v if isinstance(v, list) else [v] * n
        positive = (kind, name) in _POSITIVE
        hi = MAX_CV if name == "cv" else MAX_VALUE
        col = []
        for j, x in enumerate(vals):
            sub = f"{name}[{j}]" if isinstance(v, list) else name
            col.append(check_num(x, lambda m, s=sub: r.error(s, m), lo=0, lo_open=positive, hi=hi))
        cols.append(col)
    out = []
    for g in range(n):
        try:
            out.append(CLASSES[kind](*(c[g] for c in cols)))
        except ValueError as exc:
            message = str(exc)
            if graded and any(len(set(c)) > 1 for c in cols):
                message = _("grade {grade}: {error}").format(
                    grade=grade_numeral(g + 1), error=message
                )
            raise ConfigError(message, source=source, key=key) from None
    return out


def from_dict(data: Any, *, source: str | None = None, key: str = "") -> Distribution:
    """Build a distribution from plain data.

    Parameters
    ----------
    data
        A table such as ``{"dist": "lognormal", "mean": 2.0, "cv": 0.5}``, or a
        bare number for a fixed value.
    source, key
        File and dotted key the data came from, for error messages.

    Returns
    -------
    Distribution

    Raises
    ------
    networks.errors.ConfigError
        Unknown family, missing or extra parameter, the old ``kind`` key, a list
        per grade, a value that would allow negative draws, a cv above
        :data:`MAX_CV` or another parameter above :data:`MAX_VALUE`. The message names
        ``source`` and the dotted key of the offending value.
    """
    return _read(data, source, key, graded=False)[0]


@dataclass(frozen=True)
class GradedDist:
    """One :class:`Distribution` per grade I-IV (``by_grade[0]`` is grade I)."""

    by_grade: tuple[Distribution, Distribution, Distribution, Distribution]

    def __post_init__(self) -> None:
        if len(self.by_grade) != 4 or len({d.kind for d in self.by_grade}) != 1:
            raise ValueError(_("GradedDist needs four distributions of one family"))

    def __call__(self, grade: int) -> Distribution:
        """The distribution of grade ``grade`` (1-4)."""
        return self.by_grade[grade - 1]

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table; parameters that differ by grade become lists of four."""
        kind = self.by_grade[0].kind
        out: dict[str, Any] = {"dist": kind}
        for i, name in enumerate(FAMILIES[kind]):
            vals = [d.params[i] for d in self.by_grade]
            out[name] = vals[0] if len(set(vals)) == 1 else vals
        return out

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> GradedDist:
        """Validate a table as :func:`from_dict` does; any parameter may be a list of four."""
        return cls(tuple(_read(data, source, key, graded=True)))  # type: ignore[arg-type]
