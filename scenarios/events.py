"""Disaster events of a scenario: rainstorms, typhoons, earthquakes, chemical leaks, set incidents.

Each event is a frozen dataclass with ``from_dict``/``to_dict`` and an
``apply(ctx, rng=...)`` that appends incidents (and road disruptions) to the
generation context. Times in the TOML are hours from the scenario's start;
the stream is in minutes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy.special import ndtr

from networks.i18n import _
from networks.roadnet import Disruption
from scenarios.background import expected_per_bin, sample_poisson
from scenarios.batch import Context
from scenarios.distributions import Distribution, Lognormal
from scenarios.distributions import from_dict as dist_from_dict
from scenarios.limits import MAX_DURATION_H, MAX_MULTIPLIER, MAX_PER_NODE, MAX_RATE_PER_DAY
from scenarios.places import Location
from scenarios.stream import ScheduledDisruption
from scenarios.validate import Reader

#: Highest rain intensity, mm/h (the world record is about 300 mm in an hour).
MAX_INTENSITY_MM_H = 1_000.0


def _rates(
    r: Reader, name: str, default: Mapping[str, float], *, hi: float = MAX_RATE_PER_DAY
) -> tuple[tuple[str, float], ...]:
    t = r.table(name, dict(default))
    return tuple(sorted((str(k), t.num(str(k), lo=0, hi=hi)) for k in t.data))


def _hours(r: Reader, name: str, default: Any = ..., *, positive: bool = False) -> float:
    """A time or duration in hours, at most :data:`~scenarios.limits.MAX_DURATION_H`."""
    return r.num(name, default, lo=0, lo_open=positive, hi=MAX_DURATION_H)


def _extra_expected(
    extra: tuple[tuple[str, float], ...],
    multiplier: tuple[tuple[str, float], ...],
    background: Mapping[str, float],
    scale: float,
    days: float,
) -> float:
    """Most incidents a storm's ``extra_per_day`` and ``rate_multiplier`` can add."""
    added = sum(v for _, v in extra) + sum(
        (m - 1) * background.get(h, 0.0) for h, m in multiplier if m > 1
    )
    return added * scale * days


def _loc(r: Reader, name: str, default: str = "centre") -> Location:
    return Location.from_value(r.get(name, default), source=r.source, key=r.path(name))


def _check_hazards(ctx: Context, names: Any, what: str, key: str) -> None:
    from networks.errors import ConfigError

    for h in names:
        if h not in ctx.catalogue:
            raise ConfigError(
                _("unknown hazard {hazard!r} in {table}").format(hazard=h, table=what),
                source=ctx.source,
                key=key,
            )


# ---------------------------------------------------------------------- rain
def _rain(
    ctx: Context,
    *,
    rng: np.random.Generator,
    steps: list[tuple[float, float, float, float]],
    radius_m: float,
    intensity: float,
    reference: float,
    extra_per_day: tuple[tuple[str, float], ...],
    multiplier: tuple[tuple[str, float], ...],
    closure_mm: float,
    drain_h: float,
    lag_h: float,
    close_along: str,
    label: str,
) -> None:
    """Rain over a footprint that may move: ``steps`` are (t0, t1, cx, cy) in minutes/metres.

    Extra incidents: ``extra * I/I_ref`` per day for each hazard in ``extra``
    and ``(m - 1) * I/I_ref`` times the background rate for each in
    ``multiplier``, inside the footprint of each step (and ``lag_h`` after the
    last one). Roads of ``close_along`` in the footprint close once the rain
    that fell on them reaches ``closure_mm`` and reopen ``drain_h`` after the
    rain ends.
    """
    geo = ctx.geo
    scale = intensity / reference
    _, _, mid, _, _ = geo._edge_geom
    rain_mm = np.zeros(len(mid))
    onset = np.full(len(mid), np.inf)
    for k, (t0, t1, cx, cy) in enumerate(steps):
        if k == len(steps) - 1:
            t1_inc = t1 + lag_h * 60
        else:
            t1_inc = t1
        inside = geo.nodes_within(cx, cy, radius_m)
        if inside.size:
            for h, extra in extra_per_day:
                w = ctx.weights(h)[inside]
                if extra <= 0 or w.sum() <= 0:
                    continue
                edges, hours = ctx.hour_bins(t0, t1_inc)
                exp = extra * scale / 1440.0 * np.diff(edges)
                times, idx = sample_poisson(edges, exp, w / w.sum(), rng=rng)
                if times.size:
                    ctx.batch.add(time=times, node=inside[idx], hazard=h)
            for h, m in multiplier:
                base = ctx.background.get(h, 0.0)
                w = ctx.weights(h)[inside]
                if base <= 0 or m <= 1 or w.sum() <= 0:
                    continue
                edges, exp = expected_per_bin(ctx, h, base, t0, t1_inc)
                exp = exp * (m - 1) * scale * w.sum()  # only the footprint's share
                times, idx = sample_poisson(edges, exp, w / w.sum(), rng=rng)
                if times.size:
                    ctx.batch.add(time=times, node=inside[idx], hazard=h)
        # Rain accumulates on each road under the footprint; it floods at closure_mm.
        if np.isfinite(radius_m):
            under = np.hypot(mid[:, 0] - cx, mid[:, 1] - cy) <= radius_m
        else:
            under = np.ones(len(mid), dtype=bool)
        need = closure_mm - rain_mm
        reach = under & (need <= intensity * (t1 - t0) / 60) & ~np.isfinite(onset)
        onset[reach] = t0 + np.maximum(need[reach], 0) / intensity * 60
        rain_mm[under] += intensity * (t1 - t0) / 60
    flooded = np.isfinite(onset) & geo.road_set(close_along)
    if not flooded.any():
        return
    end = steps[-1][1] + drain_h * 60
    # One disruption per hour of onset keeps the number of network states small.
    hour = np.floor(onset[flooded] / 60)
    ids = np.flatnonzero(flooded)
    for hv in np.unique(hour):
        sel = ids[hour == hv]
        start = float(max(onset[sel].max(), 0.0))
        ctx.batch.disruptions.append(
            ScheduledDisruption(start, end, Disruption(tuple(int(e) for e in sel), math.inf, label))
        )


_RAIN_KEYS = {"extra_per_day", "rate_multiplier", "closure_mm", "drain_h", "reference_mm_h"}


@dataclass(frozen=True)
class Rainstorm:
    """A rainstorm of given duration and intensity over a circular footprint.

    Raises the rates of waterlogging (and any hazard in ``extra_per_day``) and
    multiplies the background rate of traffic accidents (``rate_multiplier``)
    in its footprint, both in proportion to ``intensity_mm_h / reference_mm_h``;
    closes low-lying roads in the footprint once ``closure_mm`` of rain has
    fallen, until ``drain_h`` hours after the rain stops.
    """

    type: ClassVar[str] = "rainstorm"
    start_h: float
    duration_h: float
    intensity_mm_h: float
    at: Location = field(default_factory=Location)
    radius_m: float = math.inf
    extra_per_day: tuple[tuple[str, float], ...] = (("landslide", 0.5), ("waterlogging", 40.0))
    rate_multiplier: tuple[tuple[str, float], ...] = (("traffic_accident", 2.0),)
    reference_mm_h: float = 30.0
    closure_mm: float = 50.0
    drain_h: float = 6.0
    lag_h: float = 3.0
    close_along: str = "low_lying"

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> Rainstorm:
        """Validate an ``[[events]]`` table of type ``rainstorm``."""
        r = Reader(data, source=source, key=key)
        r.allow({"type", "at", "start_h", "duration_h", "intensity_mm_h", "radius_m", "lag_h",
                 "close_along", *_RAIN_KEYS})  # fmt: skip
        d = cls(0, 1, 1)
        return cls(
            start_h=_hours(r, "start_h"),
            duration_h=_hours(r, "duration_h", positive=True),
            intensity_mm_h=r.num("intensity_mm_h", lo=0, lo_open=True, hi=MAX_INTENSITY_MM_H),
            at=_loc(r, "at"),
            radius_m=_radius(r, "radius_m"),
            extra_per_day=_rates(r, "extra_per_day", dict(d.extra_per_day)),
            rate_multiplier=_rates(
                r, "rate_multiplier", dict(d.rate_multiplier), hi=MAX_MULTIPLIER
            ),
            reference_mm_h=r.num("reference_mm_h", d.reference_mm_h, lo=1, hi=MAX_INTENSITY_MM_H),
            closure_mm=r.num("closure_mm", d.closure_mm, lo=0),
            drain_h=_hours(r, "drain_h", d.drain_h),
            lag_h=_hours(r, "lag_h", d.lag_h),
            close_along=r.str("close_along", d.close_along, choices=("any", "low_lying", "river")),
        )

    def expected_incidents(self, background: Mapping[str, float], horizon_h: float) -> float:
        """Most incidents this storm can add (as if its footprint covered the network).

        Parameters
        ----------
        background
            Scaled background rates per day by hazard.
        horizon_h
            The scenario's duration.
        """
        hours = max(0.0, min(self.start_h + self.duration_h + self.lag_h, horizon_h) - self.start_h)
        return _extra_expected(
            self.extra_per_day,
            self.rate_multiplier,
            background,
            self.intensity_mm_h / self.reference_mm_h,
            hours / 24,
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {
            "type": self.type,
            "at": self.at.to_value(),
            "start_h": self.start_h,
            "duration_h": self.duration_h,
            "intensity_mm_h": self.intensity_mm_h,
            "radius_m": "all" if math.isinf(self.radius_m) else self.radius_m,
            "extra_per_day": dict(self.extra_per_day),
            "rate_multiplier": dict(self.rate_multiplier),
            "reference_mm_h": self.reference_mm_h,
            "closure_mm": self.closure_mm,
            "drain_h": self.drain_h,
            "lag_h": self.lag_h,
            "close_along": self.close_along,
        }

    def footprint(self, ctx: Context, node: int) -> tuple[float, float, float]:
        """Centre x, y and radius (m) of the footprint."""
        x, y = ctx.geo.xy[node]
        return float(x), float(y), self.radius_m

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append this storm's incidents and closures."""
        _check_hazards(ctx, dict(self.extra_per_day), "extra_per_day", f"{key}.extra_per_day")
        _check_hazards(ctx, dict(self.rate_multiplier), "rate_multiplier", f"{key}.rate_multiplier")
        node = self.at.resolve(ctx.geo, rng=rng, source=ctx.source, key=f"{key}.at")
        cx, cy, radius = self.footprint(ctx, node)
        t0 = self.start_h * 60
        _rain(
            ctx,
            rng=rng,
            steps=[(t0, t0 + self.duration_h * 60, cx, cy)],
            radius_m=radius,
            intensity=self.intensity_mm_h,
            reference=self.reference_mm_h,
            extra_per_day=self.extra_per_day,
            multiplier=self.rate_multiplier,
            closure_mm=self.closure_mm,
            drain_h=self.drain_h,
            lag_h=self.lag_h,
            close_along=self.close_along,
            label="rainstorm: low-lying roads flooded",
        )


def _radius(r: Reader, name: str, default: float = math.inf) -> float:
    v = r.get(name, default)
    if isinstance(v, str) and v == "all":
        return math.inf
    if isinstance(v, float) and math.isinf(v) and v > 0:
        return math.inf
    return r.num(name, default, lo=0, lo_open=True)


@dataclass(frozen=True)
class Typhoon:
    """A typhoon crossing the network from ``path_from`` to ``path_to``.

    Moves in hourly steps. Under its footprint it brings rain (as a
    :class:`Rainstorm`, including low-lying road closures where the rain that
    fell reaches ``closure_mm``), wind-damage incidents (hazard ``typhoon``,
    ``wind_per_day`` per day over the footprint) and slows every road in the
    footprint by ``slow_factor`` while it passes.
    """

    type: ClassVar[str] = "typhoon"
    start_h: float
    duration_h: float
    path_from: Location = field(default_factory=lambda: Location("bbox:0.9,0.1"))
    path_to: Location = field(default_factory=lambda: Location("bbox:0.1,0.9"))
    radius_m: float = 15000.0
    intensity_mm_h: float = 25.0
    wind_per_day: float = 30.0
    slow_factor: float = 1.5
    extra_per_day: tuple[tuple[str, float], ...] = (("landslide", 1.0), ("waterlogging", 40.0))
    rate_multiplier: tuple[tuple[str, float], ...] = (("traffic_accident", 2.0),)
    reference_mm_h: float = 30.0
    closure_mm: float = 50.0
    drain_h: float = 6.0

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> Typhoon:
        """Validate an ``[[events]]`` table of type ``typhoon``."""
        r = Reader(data, source=source, key=key)
        r.allow({"type", "path_from", "path_to", "start_h", "duration_h", "radius_m",
                 "intensity_mm_h", "wind_per_day", "slow_factor", *_RAIN_KEYS})  # fmt: skip
        d = cls(0, 1)
        return cls(
            start_h=_hours(r, "start_h"),
            duration_h=_hours(r, "duration_h", positive=True),
            path_from=_loc(r, "path_from", d.path_from.at),
            path_to=_loc(r, "path_to", d.path_to.at),
            radius_m=_radius(r, "radius_m", d.radius_m),
            intensity_mm_h=r.num(
                "intensity_mm_h", d.intensity_mm_h, lo=0, lo_open=True, hi=MAX_INTENSITY_MM_H
            ),
            wind_per_day=r.num("wind_per_day", d.wind_per_day, lo=0, hi=MAX_RATE_PER_DAY),
            slow_factor=r.num("slow_factor", d.slow_factor, lo=1, hi=MAX_MULTIPLIER),
            extra_per_day=_rates(r, "extra_per_day", dict(d.extra_per_day)),
            rate_multiplier=_rates(
                r, "rate_multiplier", dict(d.rate_multiplier), hi=MAX_MULTIPLIER
            ),
            reference_mm_h=r.num("reference_mm_h", d.reference_mm_h, lo=1, hi=MAX_INTENSITY_MM_H),
            closure_mm=r.num("closure_mm", d.closure_mm, lo=0),
            drain_h=_hours(r, "drain_h", d.drain_h),
        )

    def expected_incidents(self, background: Mapping[str, float], horizon_h: float) -> float:
        """Most incidents this typhoon can add (as if its footprint covered the network).

        Parameters
        ----------
        background
            Scaled background rates per day by hazard.
        horizon_h
            The scenario's duration.
        """
        hours = max(0.0, min(self.start_h + self.duration_h, horizon_h) - self.start_h)
        rain = _extra_expected(
            self.extra_per_day,
            self.rate_multiplier,
            background,
            self.intensity_mm_h / self.reference_mm_h,
            hours / 24,
        )
        return rain + self.wind_per_day * hours / 24

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {
            "type": self.type,
            "path_from": self.path_from.to_value(),
            "path_to": self.path_to.to_value(),
            "start_h": self.start_h,
            "duration_h": self.duration_h,
            "radius_m": "all" if math.isinf(self.radius_m) else self.radius_m,
            "intensity_mm_h": self.intensity_mm_h,
            "wind_per_day": self.wind_per_day,
            "slow_factor": self.slow_factor,
            "extra_per_day": dict(self.extra_per_day),
            "rate_multiplier": dict(self.rate_multiplier),
            "reference_mm_h": self.reference_mm_h,
            "closure_mm": self.closure_mm,
            "drain_h": self.drain_h,
        }

    def steps(self, ctx: Context, a: int, b: int) -> list[tuple[float, float, float, float]]:
        """Hourly (t0, t1, cx, cy) of the eye along the straight track from node a to b."""
        k = max(1, math.ceil(self.duration_h))
        t = self.start_h * 60 + np.linspace(0, self.duration_h * 60, k + 1)
        pa, pb = ctx.geo.xy[a], ctx.geo.xy[b]
        f = (np.arange(k) + 0.5) / k
        c = pa + np.outer(f, pb - pa)
        return [(float(t[i]), float(t[i + 1]), float(c[i, 0]), float(c[i, 1])) for i in range(k)]

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append the typhoon's incidents, closures and slowdowns."""
        _check_hazards(ctx, dict(self.extra_per_day), "extra_per_day", f"{key}.extra_per_day")
        _check_hazards(ctx, dict(self.rate_multiplier), "rate_multiplier", f"{key}.rate_multiplier")
        a = self.path_from.resolve(ctx.geo, rng=rng, source=ctx.source, key=f"{key}.path_from")
        b = self.path_to.resolve(ctx.geo, rng=rng, source=ctx.source, key=f"{key}.path_to")
        steps = self.steps(ctx, a, b)
        _rain(
            ctx,
            rng=rng,
            steps=steps,
            radius_m=self.radius_m,
            intensity=self.intensity_mm_h,
            reference=self.reference_mm_h,
            extra_per_day=self.extra_per_day,
            multiplier=self.rate_multiplier,
            closure_mm=self.closure_mm,
            drain_h=self.drain_h,
            lag_h=0.0,
            close_along="low_lying",
            label="typhoon: low-lying roads flooded",
        )
        for t0, t1, cx, cy in steps:
            inside = ctx.geo.nodes_within(cx, cy, self.radius_m)
            if inside.size and self.wind_per_day > 0 and "typhoon" in ctx.catalogue:
                w = ctx.weights("typhoon")[inside]
                if w.sum() > 0:
                    edges, _ = ctx.hour_bins(t0, t1)
                    exp = self.wind_per_day / 1440.0 * np.diff(edges)
                    times, idx = sample_poisson(edges, exp, w / w.sum(), rng=rng)
                    if times.size:
                        ctx.batch.add(time=times, node=inside[idx], hazard="typhoon")
            if self.slow_factor > 1:
                edges_in = ctx.geo.edges_within(cx, cy, self.radius_m)
                if edges_in.size and t0 < ctx.horizon:
                    ctx.batch.disruptions.append(
                        ScheduledDisruption(
                            t0,
                            t1,
                            Disruption(
                                tuple(int(e) for e in edges_in),
                                self.slow_factor,
                                "typhoon: wind and debris",
                            ),
                        )
                    )


# ---------------------------------------------------------------- earthquake
def pga_g(magnitude: float, distance_km: np.ndarray, depth_km: float) -> np.ndarray:
    """Peak ground acceleration (g): Joyner & Boore (1981), ``r = sqrt(d^2 + h^2)``.

    ``log10 PGA = -1.02 + 0.249 M - log10 r - 0.00255 r`` with ``h`` the depth
    (they fitted ``h = 7.3`` km).
    """
    r = np.sqrt(np.asarray(distance_km, float) ** 2 + depth_km**2)
    return 10.0 ** (-1.02 + 0.249 * magnitude - np.log10(r) - 0.00255 * r)


def fragility(pga: np.ndarray, median: float, beta: float) -> np.ndarray:
    """Lognormal fragility: P(damage >= state | PGA)."""
    with np.errstate(divide="ignore"):
        return ndtr(np.log(np.maximum(pga, 1e-12) / median) / beta)


def quake_grade(magnitude: float, dense: bool) -> int:
    """Initial grade from magnitude and population density (国家地震应急预案 2012).

    Densely populated areas (人口密集地区): M>=6 I, 5-6 II, 4-5 III; elsewhere,
    read as the plan's fairly densely populated areas (人口较密集地区): M>=7 I,
    6-7 II, 5-6 III, 4-5 IV. Anything weaker is IV.
    """
    cuts = (6.0, 5.0, 4.0) if dense else (7.0, 6.0, 5.0)
    for grade, m in enumerate(cuts, start=1):
        if magnitude >= m:
            return grade
    return 4


@dataclass(frozen=True)
class Earthquake:
    """An earthquake with epicentre and magnitude.

    * Shaking: PGA by Joyner-Boore; the footprint is where PGA >= ``footprint_g``.
    * Collapses: Poisson per node with mean ``collapse_per_node * w * F(PGA)``,
      ``w`` the population weight (mean 1), ``F`` a lognormal fragility
      (``collapse_median_g``, ``collapse_beta``); reported after Exp(20 min).
    * Fires: Poisson per node with mean ``fire_per_node * w * max(0,
      0.5819 PGA^2 - 0.0294 PGA)`` (Scawthorn's ignition equation); Exp(60 min).
    * Landslides: Poisson per node, ``landslide_per_node * forest weight * F(PGA;
      0.25 g, 0.6)``; chemical plants leak with probability ``F(PGA; 0.4 g, 0.6)``.
    * Roads: each two-way segment in the footprint closes with probability
      ``F(PGA; road_median_g, road_beta)`` for a lognormal repair time,
      rounded up to ``repair_step_h`` so closures come in a few batches.
    * Aftershocks (M >= ``aftershock_min_m``): Reasenberg-Jones rate
      ``10^(a + b (M - Mc)) (t + c)^-p`` per day, Gutenberg-Richter magnitudes
      below the mainshock, placed around the epicentre within a rupture-length
      scale; they are ``earthquake`` incidents whose catalogue cascades and
      road rules apply.

    The mainshock's grade follows :func:`quake_grade`, with the epicentre
    counted as densely populated when its population weight is at least 1.5
    times the network mean. Every secondary carries the mainshock's id as parent.
    """

    type: ClassVar[str] = "earthquake"
    time_h: float
    magnitude: float
    at: Location = field(default_factory=Location)
    depth_km: float = 10.0
    footprint_g: float = 0.05
    collapse_per_node: float = 0.05
    collapse_median_g: float = 0.35
    collapse_beta: float = 0.6
    fire_per_node: float = 0.1
    landslide_per_node: float = 0.02
    road_median_g: float = 0.6
    road_beta: float = 0.6
    repair: Distribution = Lognormal(1440.0, 0.8)
    repair_step_h: float = 6.0
    aftershocks: bool = True
    aftershock_min_m: float = 4.0
    omori_a: float = -1.67
    omori_b: float = 0.91
    omori_p: float = 1.08
    omori_c_days: float = 0.05

    _NUM: ClassVar[tuple[str, ...]] = (
        "depth_km", "footprint_g", "collapse_per_node", "collapse_median_g", "collapse_beta",
        "fire_per_node", "landslide_per_node", "road_median_g", "road_beta", "repair_step_h",
        "aftershock_min_m", "omori_b", "omori_p", "omori_c_days",
    )  # fmt: skip
    #: Upper bounds of some of ``_NUM`` (the deepest earthquakes are about 700 km down).
    _HI: ClassVar[dict[str, float]] = {
        "depth_km": 700.0, "footprint_g": 10.0, "collapse_median_g": 10.0, "collapse_beta": 10.0,
        "road_median_g": 10.0, "road_beta": 10.0, "repair_step_h": MAX_DURATION_H,
        "aftershock_min_m": 9.5, "omori_b": 3.0, "omori_p": 3.0, "omori_c_days": 10.0,
    }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> Earthquake:
        """Validate an ``[[events]]`` table of type ``earthquake``."""
        r = Reader(data, source=source, key=key)
        r.allow({"type", "at", "time_h", "magnitude", "repair", "aftershocks", "omori_a",
                 *cls._NUM})  # fmt: skip
        d = cls(0, 5)
        nums = {n: r.num(n, getattr(d, n), lo=0, lo_open=True, hi=cls._HI.get(n)) for n in cls._NUM}
        for n in ("collapse_per_node", "fire_per_node", "landslide_per_node"):
            nums[n] = r.num(n, getattr(d, n), lo=0, hi=MAX_PER_NODE)
        return cls(
            time_h=_hours(r, "time_h"),
            magnitude=r.num("magnitude", lo=3, hi=9.5),
            at=_loc(r, "at"),
            repair=dist_from_dict(
                r.get("repair", d.repair.to_dict()), source=source, key=r.path("repair")
            ),  # fmt: skip
            aftershocks=r.bool("aftershocks", True),
            omori_a=r.num("omori_a", d.omori_a, lo=-10, hi=10),
            **nums,
        )

    def expected_incidents(self, background: Mapping[str, float], horizon_h: float) -> float:
        """Expected aftershocks within the scenario (the other secondaries scale with nodes).

        Parameters
        ----------
        background
            Scaled background rates per day by hazard (unused).
        horizon_h
            The scenario's duration.
        """
        days = (horizon_h - self.time_h) / 24
        if not self.aftershocks or days <= 0 or self.magnitude <= self.aftershock_min_m:
            return 1.0
        return 1.0 + self.expected_aftershocks(days)

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        out: dict[str, Any] = {
            "type": self.type,
            "at": self.at.to_value(),
            "time_h": self.time_h,
            "magnitude": self.magnitude,
            "repair": self.repair.to_dict(),
            "aftershocks": self.aftershocks,
            "omori_a": self.omori_a,
        }
        out.update({n: getattr(self, n) for n in self._NUM})
        return out

    def footprint_km(self, magnitude: float | None = None) -> float:
        """Epicentral distance (km) at which PGA falls to ``footprint_g``."""
        m = self.magnitude if magnitude is None else magnitude
        lo, hi = 0.0, 2000.0
        if pga_g(m, np.array([0.0]), self.depth_km)[0] < self.footprint_g:
            return 0.0
        for _step in range(60):
            mid = (lo + hi) / 2
            if pga_g(m, np.array([mid]), self.depth_km)[0] >= self.footprint_g:
                lo = mid
            else:
                hi = mid
        return lo

    def expected_aftershocks(self, days: float) -> float:
        """Expected aftershocks with M >= ``aftershock_min_m`` within ``days`` of the mainshock."""
        p, c = self.omori_p, self.omori_c_days
        k = 10 ** (self.omori_a + self.omori_b * (self.magnitude - self.aftershock_min_m))
        if abs(p - 1) < 1e-9:
            integral = math.log((days + c) / c)
        else:
            integral = (c ** (1 - p) - (days + c) ** (1 - p)) / (p - 1)
        return k * integral

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append the mainshock, its collapses, fires, landslides, leaks, closures, aftershocks."""
        geo = ctx.geo
        t0 = self.time_h * 60
        if t0 > ctx.horizon:
            return
        epi = self.at.resolve(geo, rng=rng, source=ctx.source, key=f"{key}.at")
        ex, ey = geo.xy[epi]
        dense = bool(geo.population[epi] >= 1.5)
        main = int(
            ctx.batch.add(
                time=t0,
                node=epi,
                hazard="earthquake",
                grade=quake_grade(self.magnitude, dense),
                own_cascade=True,
                own_roads=True,
            )[0]
        )
        d_km = np.hypot(geo.xy[:, 0] - ex, geo.xy[:, 1] - ey) / 1000
        pga = pga_g(self.magnitude, d_km, self.depth_km)
        pga = np.where(pga >= self.footprint_g, pga, 0.0)
        w = geo.population
        secondaries = (
            ("building_collapse", self.collapse_per_node * w *
             fragility(pga, self.collapse_median_g, self.collapse_beta), 20.0),
            ("building_fire", self.fire_per_node * w *
             np.maximum(0.0, 0.5819 * pga**2 - 0.0294 * pga), 60.0),
            ("landslide", self.landslide_per_node * _mean1(ctx.weights("landslide")) *
             fragility(pga, 0.25, 0.6), 60.0),
        )  # fmt: skip
        for hazard, lam, mean_delay in secondaries:
            counts = rng.poisson(lam)
            nodes = np.repeat(np.arange(lam.size), counts)
            if nodes.size:
                t = t0 + rng.exponential(mean_delay, nodes.size)
                keep = t <= ctx.horizon
                ctx.batch.add(time=t[keep], node=nodes[keep], hazard=hazard, parent=main)
        plants = geo.sources.get("chemical_plant", np.zeros(0, np.int64))
        leak = plants[rng.random(plants.size) < fragility(pga[plants], 0.4, 0.6)]
        if leak.size:
            t = t0 + rng.exponential(60.0, leak.size)
            keep = t <= ctx.horizon
            ctx.batch.add(time=t[keep], node=leak[keep], hazard="hazmat_leak", parent=main)
        self._close_roads(ctx, rng=rng, t0=t0, ex=ex, ey=ey, main=main)
        if self.aftershocks:
            self._aftershocks(ctx, rng=rng, t0=t0, ex=ex, ey=ey, main=main)

    def _close_roads(self, ctx: Context, *, rng, t0: float, ex: float, ey: float, main: int):
        geo = ctx.geo
        radius = self.footprint_km() * 1000
        cand = geo.edges_within(ex, ey, radius)
        if cand.size == 0:
            return
        e = geo.network.edges
        n = geo.network.n_nodes
        pair = np.minimum(e.u[cand], e.v[cand]).astype(np.int64) * n + np.maximum(
            e.u[cand], e.v[cand]
        )
        uniq, first, inv = np.unique(pair, return_index=True, return_inverse=True)
        _, _, mid, _, _ = geo._edge_geom
        m = mid[cand[first]]
        pga = pga_g(self.magnitude, np.hypot(m[:, 0] - ex, m[:, 1] - ey) / 1000, self.depth_km)
        closed = rng.random(uniq.size) < fragility(pga, self.road_median_g, self.road_beta)
        step = self.repair_step_h * 60
        repair = np.ceil(self.repair.sample(rng, uniq.size) / step) * step
        for rv in np.unique(repair[closed]):
            sel = cand[closed[inv] & (repair[inv] == rv)]
            ctx.batch.disruptions.append(
                ScheduledDisruption(
                    t0,
                    t0 + float(rv),
                    Disruption(tuple(int(x) for x in sel), math.inf, "earthquake: road damage"),
                    main,
                )
            )

    def _aftershocks(self, ctx: Context, *, rng, t0: float, ex: float, ey: float, main: int):
        days = (ctx.horizon - t0) / 1440
        if days <= 0 or self.magnitude <= self.aftershock_min_m:
            return
        n = rng.poisson(self.expected_aftershocks(days))
        if n == 0:
            return
        p, c = self.omori_p, self.omori_c_days
        u = rng.random(n)
        if abs(p - 1) < 1e-9:
            t_days = c * ((days + c) / c) ** u - c
        else:
            a0, a1 = c ** (1 - p), (days + c) ** (1 - p)
            t_days = (a0 - u * (a0 - a1)) ** (1 / (1 - p)) - c
        # Gutenberg-Richter, truncated at the mainshock's magnitude.
        span = self.magnitude - self.aftershock_min_m
        v = rng.random(n)
        mags = self.aftershock_min_m - np.log10(1 - v * (1 - 10 ** (-self.omori_b * span))) / (
            self.omori_b
        )
        # Rupture length (Wells & Coppersmith 1994, all slip types): log10 L = -2.44 + 0.59 M.
        sigma = 1000 * 10 ** (-2.44 + 0.59 * self.magnitude) / 2
        px = ex + rng.normal(0, sigma, n)
        py = ey + rng.normal(0, sigma, n)
        _, nodes = ctx.geo.tree.query(np.column_stack([px, py]))
        dense = ctx.geo.population[nodes] >= 1.5
        grades = np.array([quake_grade(m, d) for m, d in zip(mags, dense, strict=True)])
        ctx.batch.add(
            time=t0 + t_days * 1440, node=nodes, hazard="earthquake", grade=grades, parent=main
        )


def _mean1(w: np.ndarray) -> np.ndarray:
    return w / w.mean() if w.mean() > 0 else w


# ------------------------------------------------------------ chemical leak
@dataclass(frozen=True)
class ChemicalLeak:
    """A hazardous-chemical leak with an isolation zone ("avoid danger first, then rescue").

    One ``hazmat_leak`` incident at ``at`` (by default a chemical plant). The
    isolation zone closes every edge within ``isolation_m`` of the scene from
    the call for ``isolation_h`` hours, as a :class:`ScheduledDisruption`
    labelled ``"isolation: hazmat_leak"`` carrying the incident's id. Unset
    values come from the catalogue's ``isolation`` road rule for the grade.
    The catalogue's cascades (fire or explosion, poisoning downwind) apply.

    With ``wind_from_deg`` (where the wind blows from, degrees clockwise from
    north) and ``protective_m`` > 0, a downwind protective-action zone (ERG
    style) is added for the same period: the edges beyond the isolation zone
    whose midpoints lie within ``protective_m`` of the scene and within
    ``protective_half_angle_deg`` of downwind are slowed by
    ``protective_factor`` (evacuation traffic; ``inf`` closes them), labelled
    ``"protective: hazmat_leak"``.
    """

    type: ClassVar[str] = "chemical_leak"
    time_h: float
    grade: int = 3
    at: Location = field(default_factory=lambda: Location("source:chemical_plant"))
    isolation_m: float | None = None
    isolation_h: float | None = None
    wind_from_deg: float | None = None
    protective_m: float = 0.0
    protective_half_angle_deg: float = 30.0
    protective_factor: float = 3.0

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> ChemicalLeak:
        """Validate an ``[[events]]`` table of type ``chemical_leak``."""
        r = Reader(data, source=source, key=key)
        r.allow({"type", "at", "time_h", "grade", "isolation_m", "isolation_h", "wind_from_deg",
                 "protective_m", "protective_half_angle_deg", "protective_factor"})  # fmt: skip
        grade = r.int("grade", 3, lo=1)
        if grade > 4:
            raise r.error("grade", _("must be 1-4 (I-IV), got {value}").format(value=grade))
        wind = r.num("wind_from_deg", lo=0, hi=360) if r.has("wind_from_deg") else None
        protective = r.num("protective_m", 0.0, lo=0)
        if protective > 0 and wind is None:
            raise r.error("wind_from_deg", _("a protective zone needs the wind direction"))
        factor = r.get("protective_factor", 3.0)
        if not (isinstance(factor, float) and math.isinf(factor) and factor > 0):
            factor = r.num("protective_factor", 3.0, lo=1)
        return cls(
            time_h=_hours(r, "time_h"),
            grade=grade,
            at=_loc(r, "at", "source:chemical_plant"),
            isolation_m=r.num("isolation_m", lo=0, lo_open=True) if r.has("isolation_m") else None,
            isolation_h=_hours(r, "isolation_h", positive=True) if r.has("isolation_h") else None,
            wind_from_deg=wind,
            protective_m=protective,
            protective_half_angle_deg=r.num("protective_half_angle_deg", 30.0, lo=0, hi=180),
            protective_factor=float(factor),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        out: dict[str, Any] = {
            "type": self.type,
            "at": self.at.to_value(),
            "time_h": self.time_h,
            "grade": self.grade,
        }
        if self.isolation_m is not None:
            out["isolation_m"] = self.isolation_m
        if self.isolation_h is not None:
            out["isolation_h"] = self.isolation_h
        if self.wind_from_deg is not None:
            out["wind_from_deg"] = self.wind_from_deg
        out.update(
            protective_m=self.protective_m,
            protective_half_angle_deg=self.protective_half_angle_deg,
            protective_factor=self.protective_factor,
        )
        return out

    def protective_edges(self, ctx: Context, node: int, isolation: np.ndarray) -> np.ndarray:
        """Edges of the downwind protective-action zone (outside the isolation zone)."""
        if self.wind_from_deg is None or self.protective_m <= 0:
            return np.zeros(0, dtype=np.int64)
        x, y = ctx.geo.xy[node]
        cand = ctx.geo.edges_within(x, y, self.protective_m)
        _, _, mid, _, _ = ctx.geo._edge_geom
        v = mid[cand] - (x, y)
        down = np.deg2rad(self.wind_from_deg + 180.0)
        bearing = np.arctan2(v[:, 0], v[:, 1])  # clockwise from north
        off = np.abs(np.angle(np.exp(1j * (bearing - down))))
        keep = (np.hypot(v[:, 0], v[:, 1]) <= self.protective_m) & (
            off <= np.deg2rad(self.protective_half_angle_deg)
        )
        return np.setdiff1d(cand[keep], isolation)

    def zone(self, ctx: Context, *, rng: np.random.Generator) -> tuple[float, float]:
        """Isolation radius (m) and duration (min), filling gaps from the catalogue."""
        rule = next((e for e in ctx.catalogue["hazmat_leak"].roads if e.label == "isolation"), None)
        radius = self.isolation_m
        if radius is None:
            radius = rule.radius_m[self.grade - 1] if rule else 500.0
        if self.isolation_h is not None:
            minutes = self.isolation_h * 60
        else:
            minutes = float(rule.duration(self.grade).sample(rng, 1)[0]) if rule else 360.0
        return float(radius), minutes

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append the leak and its isolation zone."""
        t = self.time_h * 60
        if t > ctx.horizon:
            return
        node = self.at.resolve(ctx.geo, rng=rng, source=ctx.source, key=f"{key}.at")
        radius, minutes = self.zone(ctx, rng=rng)
        row = int(
            ctx.batch.add(
                time=t, node=node, hazard="hazmat_leak", grade=self.grade, own_roads=True
            )[0]  # fmt: skip
        )
        x, y = ctx.geo.xy[node]
        edges = ctx.geo.edges_within(x, y, radius)
        if edges.size:
            ctx.batch.disruptions.append(
                ScheduledDisruption(
                    t,
                    t + minutes,
                    Disruption(tuple(int(e) for e in edges), math.inf, "isolation: hazmat_leak"),
                    row,
                )
            )
        down = self.protective_edges(ctx, node, edges)
        if down.size:
            ctx.batch.disruptions.append(
                ScheduledDisruption(
                    t,
                    t + minutes,
                    Disruption(
                        tuple(int(e) for e in down),
                        self.protective_factor,
                        "protective: hazmat_leak",
                    ),
                    row,
                )
            )


# ------------------------------------------------------------- set incident
@dataclass(frozen=True)
class SetIncident:
    """One incident of any hazard at a set place and time (a drill's opening inject).

    ``grade = 0`` draws the grade from the catalogue. Catalogue cascades and
    road rules apply as for any incident.
    """

    type: ClassVar[str] = "incident"
    hazard: str
    time_h: float
    at: Location = field(default_factory=lambda: Location("random"))
    grade: int = 0

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> SetIncident:
        """Validate an ``[[events]]`` table of type ``incident``."""
        r = Reader(data, source=source, key=key)
        r.allow({"type", "hazard", "at", "time_h", "grade"})
        grade = r.int("grade", 0, lo=0)
        if grade > 4:
            raise r.error(
                "grade", _("must be 1-4 (I-IV) or 0 to draw, got {value}").format(value=grade)
            )
        return cls(hazard=r.str("hazard"), time_h=_hours(r, "time_h"), at=_loc(r, "at", "random"),
                   grade=grade)  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {"type": self.type, "hazard": self.hazard, "at": self.at.to_value(),
                "time_h": self.time_h, "grade": self.grade}  # fmt: skip

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append the incident."""
        _check_hazards(ctx, [self.hazard], "incident", f"{key}.hazard")
        t = self.time_h * 60
        if t > ctx.horizon:
            return
        node = self.at.resolve(ctx.geo, rng=rng, source=ctx.source, key=f"{key}.at")
        ctx.batch.add(time=t, node=node, hazard=self.hazard, grade=self.grade)


#: Event classes by their TOML ``type``.
EVENT_TYPES = {c.type: c for c in (Rainstorm, Typhoon, Earthquake, ChemicalLeak, SetIncident)}
Event = Rainstorm | Typhoon | Earthquake | ChemicalLeak | SetIncident


def event_from_dict(data: Any, *, source: str | None = None, key: str = "") -> Event:
    """Validate one ``[[events]]`` table, dispatching on its ``type``."""
    r = Reader(data, source=source, key=key)
    kind = r.str("type", choices=EVENT_TYPES)
    return EVENT_TYPES[kind].from_dict(data, source=source, key=key)
