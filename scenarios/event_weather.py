"""Weather events: rainstorms and typhoons, and the rain both bring.

:class:`Rainstorm` rains on a fixed circular footprint; :class:`Typhoon`
moves its footprint along a track in hourly steps and adds wind damage and
slowdowns. Both raise incident rates under the rain and close low-lying
roads where the rain that fell reaches ``closure_mm``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from networks.roadnet import Disruption
from scenarios.background import expected_per_bin, sample_poisson
from scenarios.batch import Context
from scenarios.config_keys import REQUIRED, Key, Section, field_default
from scenarios.event_fields import (
    LOCATION_FORMS,
    check_hazards,
    extra_expected,
    read_location,
    read_radius,
    read_rates,
    time_keys,
    type_key,
)
from scenarios.limits import MAX_DURATION_H, MAX_MULTIPLIER, MAX_RATE_PER_DAY
from scenarios.places import Location
from scenarios.stream import ScheduledDisruption
from scenarios.validate import Reader
from scenarios.warnings import WARNING_KEY, EarlyWarning, read_warning

#: Highest rain intensity, mm/h (the world record is about 300 mm in an hour).
MAX_INTENSITY_MM_H = 1_000.0


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
            ScheduledDisruption(start, end, Disruption(tuple(sel.tolist()), math.inf, label))
        )


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
    warning: EarlyWarning | None = None

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> Rainstorm:
        """Validate an ``[[events]]`` table of type ``rainstorm``."""
        r = Reader(data, source=source, key=key)
        RAINSTORM.allow(r)
        k = RAINSTORM
        return cls(
            start_h=k.read(r, "start_h"),
            duration_h=k.read(r, "duration_h"),
            intensity_mm_h=k.read(r, "intensity_mm_h"),
            at=read_location(r, "at", k["at"].default),
            radius_m=read_radius(r, "radius_m"),
            extra_per_day=read_rates(r, "extra_per_day", k["extra_per_day"].default),
            rate_multiplier=read_rates(
                r, "rate_multiplier", k["rate_multiplier"].default, hi=MAX_MULTIPLIER
            ),
            reference_mm_h=k.read(r, "reference_mm_h"),
            closure_mm=k.read(r, "closure_mm"),
            drain_h=k.read(r, "drain_h"),
            lag_h=k.read(r, "lag_h"),
            close_along=k.read(r, "close_along"),
            warning=read_warning(r),
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
        return extra_expected(
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
            **({"warning": self.warning.to_dict()} if self.warning is not None else {}),
        }

    def footprint(self, ctx: Context, node: int) -> tuple[float, float, float]:
        """Centre x, y and radius (m) of the footprint."""
        x, y = ctx.geo.xy[node]
        return float(x), float(y), self.radius_m

    def apply(self, ctx: Context, *, rng: np.random.Generator, key: str = "") -> None:
        """Append this storm's incidents and closures."""
        check_hazards(ctx, dict(self.extra_per_day), "extra_per_day", f"{key}.extra_per_day")
        check_hazards(ctx, dict(self.rate_multiplier), "rate_multiplier", f"{key}.rate_multiplier")
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
        if self.warning is not None:  # after the storm's draws: they stay as they were
            self.warning.issue(ctx, rng=rng, start_h=self.start_h, duration_h=self.duration_h,
                               footprint=ctx.geo.nodes_within(cx, cy, radius),
                               hazard=self.type, key=key)  # fmt: skip


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
    warning: EarlyWarning | None = None

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> Typhoon:
        """Validate an ``[[events]]`` table of type ``typhoon``."""
        r = Reader(data, source=source, key=key)
        TYPHOON.allow(r)
        k = TYPHOON
        return cls(
            start_h=k.read(r, "start_h"),
            duration_h=k.read(r, "duration_h"),
            path_from=read_location(r, "path_from", k["path_from"].default),
            path_to=read_location(r, "path_to", k["path_to"].default),
            radius_m=read_radius(r, "radius_m", k["radius_m"].default),
            intensity_mm_h=k.read(r, "intensity_mm_h"),
            wind_per_day=k.read(r, "wind_per_day"),
            slow_factor=k.read(r, "slow_factor"),
            extra_per_day=read_rates(r, "extra_per_day", k["extra_per_day"].default),
            rate_multiplier=read_rates(
                r, "rate_multiplier", k["rate_multiplier"].default, hi=MAX_MULTIPLIER
            ),
            reference_mm_h=k.read(r, "reference_mm_h"),
            closure_mm=k.read(r, "closure_mm"),
            drain_h=k.read(r, "drain_h"),
            warning=read_warning(r),
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
        rain = extra_expected(
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
            **({"warning": self.warning.to_dict()} if self.warning is not None else {}),
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
        check_hazards(ctx, dict(self.extra_per_day), "extra_per_day", f"{key}.extra_per_day")
        check_hazards(ctx, dict(self.rate_multiplier), "rate_multiplier", f"{key}.rate_multiplier")
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
                                tuple(edges_in.tolist()),  # Python ints, at C speed
                                self.slow_factor,
                                "typhoon: wind and debris",
                            ),
                        )
                    )
        if self.warning is not None:  # after the typhoon's draws: they stay as they were
            near = [ctx.geo.nodes_within(cx, cy, self.radius_m) for _t0, _t1, cx, cy in steps]
            self.warning.issue(ctx, rng=rng, start_h=self.start_h, duration_h=self.duration_h,
                               footprint=np.unique(np.concatenate(near)),
                               hazard=self.type, key=key)  # fmt: skip


def _rain_keys(cls: type) -> tuple[Key, ...]:
    """The rain keys a rainstorm and a typhoon share, with ``cls``'s defaults."""

    def d(name: str) -> Any:
        return field_default(cls, name)

    return (
        Key("extra_per_day", "table",
            "Extra incidents per day by hazard at the reference intensity, over the footprint.",
            "影响范围内每日新增事件数", default=dict(d("extra_per_day")),
            allowed_text=f"hazard = 0 to {MAX_RATE_PER_DAY:,.0f}"),
        Key("rate_multiplier", "table",
            "Background-rate multipliers by hazard at the reference intensity.",
            "日常警情倍数", default=dict(d("rate_multiplier")),
            allowed_text=f"hazard = 0 to {MAX_MULTIPLIER:,.0f}"),
        Key("reference_mm_h", "number", "The intensity the rates above are given at, mm/h.",
            "参考降雨强度", default=d("reference_mm_h"), lo=1, hi=MAX_INTENSITY_MM_H),
        Key("closure_mm", "number",
            "Rain that closes a low-lying road in the footprint, mm.", "道路积水封闭",
            default=d("closure_mm"), lo=0),
        Key("drain_h", "number", "Hours after the rain until closed roads reopen.",
            "积水排除时间", default=d("drain_h"), lo=0, hi=MAX_DURATION_H),
    )  # fmt: skip


_RADIUS = '"all" (the whole network) or metres > 0'
#: An ``[[events]]`` table of type ``rainstorm``.
RAINSTORM = Section(
    'events[] type = "rainstorm"',
    "Rainstorm",
    (
        type_key(Rainstorm.type),
        Key("at", "location", "Centre of the footprint.", "中心位置", default="centre",
            allowed_text="a location"),
        *time_keys("start_h", "duration_h"),
        Key("intensity_mm_h", "number", "Rain intensity, mm/h.", "降雨强度", default=REQUIRED,
            lo=0, lo_open=True, hi=MAX_INTENSITY_MM_H),
        Key("radius_m", "any", "Radius of the footprint.", "影响半径", default="all",
            allowed_text=_RADIUS),
        Key("lag_h", "number", "Hours waterlogging keeps coming after the rain.",
            "雨停后内涝持续时间", default=Rainstorm.lag_h, lo=0, hi=MAX_DURATION_H),
        Key("close_along", "string", "The roads the rain may close.", "可能积水封闭的道路",
            default=Rainstorm.close_along, choices=("any", "low_lying", "river")),
        *_rain_keys(Rainstorm),
        WARNING_KEY,
    ),
    zh="暴雨",
    help="Extra incidents in the footprint in proportion to intensity / reference; "
    "low-lying roads close once closure_mm has fallen.",
)  # fmt: skip
#: An ``[[events]]`` table of type ``typhoon``.
TYPHOON = Section(
    'events[] type = "typhoon"',
    "Typhoon",
    (
        type_key(Typhoon.type),
        Key("path_from", "location", "Where the eye enters.", "路径起点",
            default=field_default(Typhoon, "path_from").at, allowed_text="a location"),
        Key("path_to", "location", "Where the eye leaves.", "路径终点",
            default=field_default(Typhoon, "path_to").at, allowed_text="a location"),
        *time_keys("start_h", "duration_h"),
        Key("radius_m", "any", "Radius of the footprint.", "影响半径", default=Typhoon.radius_m,
            allowed_text=_RADIUS),
        Key("intensity_mm_h", "number", "Rain intensity under the footprint, mm/h.", "降雨强度",
            default=Typhoon.intensity_mm_h, lo=0, lo_open=True, hi=MAX_INTENSITY_MM_H),
        Key("wind_per_day", "number", "Wind-damage incidents per day over the footprint.",
            "每日风灾事件数", default=Typhoon.wind_per_day, lo=0, hi=MAX_RATE_PER_DAY),
        Key("slow_factor", "number", "Travel-time factor of roads under the footprint.",
            "通行时间倍数", default=Typhoon.slow_factor, lo=1, hi=MAX_MULTIPLIER),
        *_rain_keys(Typhoon),
        WARNING_KEY,
    ),
    zh="台风",
    help="The eye moves along a straight track in hourly steps, with rain, wind damage "
    "(hazard typhoon) and slowed roads under the moving footprint. Locations: "
    + LOCATION_FORMS + ".",
)  # fmt: skip
