"""Duration distributions: objects with ``sample(rng, size)`` and analytic moments.

Written in TOML as a small table, e.g. ``{ dist = "lognormal", mean = 90, cv = 0.5 }``.
Any parameter may be a list of four values, one per grade I-IV, which makes a
:class:`GradedDist`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenarios.validate import Reader, check_num

#: Parameter names of each family, in order.
FAMILIES: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "exponential": ("mean",),
    "lognormal": ("mean", "cv"),
    "gamma": ("mean", "cv"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
}


@dataclass(frozen=True)
class Dist:
    """A non-negative continuous distribution (minutes, metres, ...).

    Parameters
    ----------
    kind
        One of :data:`FAMILIES`.
    params
        Parameter values in the order of ``FAMILIES[kind]``. ``lognormal`` and
        ``gamma`` are given by mean and coefficient of variation, which is how
        people state durations ("about 90 minutes, give or take half").
    """

    kind: str
    params: tuple[float, ...]

    def __post_init__(self) -> None:
        names = FAMILIES.get(self.kind)
        if names is None or len(self.params) != len(names):
            raise ValueError(f"bad distribution {self.kind}{self.params}")
        p = dict(zip(names, self.params, strict=True))
        if any(v < 0 for v in self.params):
            raise ValueError(f"{self.kind}: parameters must be >= 0, got {self.params}")
        if self.kind == "uniform" and p["low"] > p["high"]:
            raise ValueError("uniform: low > high")
        if self.kind == "triangular" and not p["low"] <= p["mode"] <= p["high"]:
            raise ValueError("triangular: need low <= mode <= high")

    @property
    def mean(self) -> float:
        """Analytic mean."""
        k, p = self.kind, self.params
        if k == "fixed":
            return p[0]
        if k in ("exponential", "lognormal", "gamma"):
            return p[0]
        if k == "uniform":
            return (p[0] + p[1]) / 2
        return sum(p) / 3

    @property
    def variance(self) -> float:
        """Analytic variance."""
        k, p = self.kind, self.params
        if k == "fixed":
            return 0.0
        if k == "exponential":
            return p[0] ** 2
        if k in ("lognormal", "gamma"):
            return (p[0] * p[1]) ** 2
        if k == "uniform":
            return (p[1] - p[0]) ** 2 / 12
        a, c, b = p
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values (float64, all >= 0)."""
        k, p = self.kind, self.params
        if k == "fixed" or (k in ("lognormal", "gamma") and p[1] == 0):
            return np.full(size, p[0], dtype=np.float64)
        if k == "exponential":
            return rng.exponential(p[0], size)
        if k == "lognormal":
            s2 = math.log1p(p[1] ** 2)
            return rng.lognormal(math.log(max(p[0], 1e-300)) - s2 / 2, math.sqrt(s2), size)
        if k == "gamma":
            shape = 1.0 / p[1] ** 2
            return rng.gamma(shape, p[0] / shape, size)
        if k == "uniform":
            return rng.uniform(p[0], p[1], size)
        return rng.triangular(p[0], p[1], p[2], size) if p[0] < p[2] else np.full(size, p[0])

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {"dist": self.kind, **dict(zip(FAMILIES[self.kind], self.params, strict=True))}

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> Dist:
        """Validate a table such as ``{dist = "exponential", mean = 30}``."""
        g = GradedDist.from_dict(data, source=source, key=key)
        if len(set(g.by_grade)) != 1:
            raise Reader(data, source=source, key=key).error(
                "dist", "expected one value per parameter here, not a list per grade"
            )
        return g.by_grade[0]


@dataclass(frozen=True)
class GradedDist:
    """One :class:`Dist` per grade I-IV (``by_grade[0]`` is grade I)."""

    by_grade: tuple[Dist, Dist, Dist, Dist]

    def __call__(self, grade: int) -> Dist:
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
        """Validate a table; any parameter may be a list of four values (grades I-IV)."""
        r = Reader(data, source=source, key=key)
        kind = r.str("dist", choices=FAMILIES)
        names = FAMILIES[kind]
        r.allow({"dist", *names})
        cols = []
        for name in names:
            v = r.get(name)
            vals = v if isinstance(v, list) else [v] * 4
            if len(vals) != 4:
                raise r.error(name, f"expected a number or a list of 4 (grades I-IV), got {v!r}")
            for j, x in enumerate(vals):
                fail = (
                    (lambda m, j=j, name=name: r.error(f"{name}[{j}]", m))
                    if isinstance(v, list)
                    else (lambda m, name=name: r.error(name, m))
                )
                check_num(x, fail, lo=0)
            cols.append([float(x) for x in vals])
        dists = []
        for g in range(4):
            try:
                dists.append(Dist(kind, tuple(c[g] for c in cols)))
            except ValueError as exc:
                raise r.error("dist", str(exc)) from None
        return cls(tuple(dists))  # type: ignore[arg-type]
