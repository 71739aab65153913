"""Earthquakes: ground shaking, secondary incidents, road damage and aftershocks.

:func:`pga_g` (peak ground acceleration), :func:`fragility` (lognormal
damage probability) and :func:`quake_grade` (initial grade from magnitude)
are the models behind :class:`Earthquake`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy.special import ndtr

from networks.roadnet import Disruption
from scenarios.batch import Context
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.distributions import Distribution, Lognormal
from scenarios.distributions import from_dict as dist_from_dict
from scenarios.event_fields import read_location, time_keys, type_key
from scenarios.limits import MAX_DURATION_H, MAX_PER_NODE
from scenarios.places import Location
from scenarios.stream import ScheduledDisruption
from scenarios.validate import Reader


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
        k = EARTHQUAKE
        k.allow(r)
        return cls(
            time_h=k.read(r, "time_h"),
            magnitude=k.read(r, "magnitude"),
            at=read_location(r, "at", k["at"].default),
            repair=dist_from_dict(k.read(r, "repair"), source=source, key=r.path("repair")),
            aftershocks=k.read(r, "aftershocks"),
            omori_a=k.read(r, "omori_a"),
            **{n: k.read(r, n) for n in cls._NUM},
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


_QUAKE_HELP = {
    "depth_km": ("Focal depth, km.", "震源深度"),
    "footprint_g": (
        "The footprint is where the peak ground acceleration reaches this, g.",
        "影响范围峰值加速度阈值",
    ),
    "collapse_per_node": (
        "Expected building collapses per node at full fragility.",
        "每节点房屋倒塌数",
    ),
    "collapse_median_g": ("Median PGA of the collapse fragility, g.", "房屋倒塌易损性中值"),
    "collapse_beta": (
        "Log-standard deviation of the collapse fragility.",
        "房屋倒塌易损性对数标准差",
    ),
    "fire_per_node": (
        "Scale of the fire ignitions per node (Scawthorn's equation).",
        "每节点次生火灾系数",
    ),
    "landslide_per_node": (
        "Expected landslides per forest node at full fragility.",
        "每节点滑坡数",
    ),
    "road_median_g": ("Median PGA at which a road segment closes, g.", "道路中断易损性中值"),
    "road_beta": ("Log-standard deviation of the road fragility.", "道路中断易损性对数标准差"),
    "repair_step_h": ("Repair times are rounded up to this, hours.", "抢通时间取整步长"),
    "aftershock_min_m": ("Smallest aftershock magnitude simulated.", "最小余震震级"),
    "omori_b": ("Reasenberg-Jones b (Gutenberg-Richter).", "余震模型参数 b"),
    "omori_p": ("Reasenberg-Jones p (Omori decay).", "余震模型参数 p"),
    "omori_c_days": ("Reasenberg-Jones c, days.", "余震模型参数 c"),
}
_PER_NODE = ("collapse_per_node", "fire_per_node", "landslide_per_node")
#: An ``[[events]]`` table of type ``earthquake``.
EARTHQUAKE = Section(
    'events[] type = "earthquake"',
    "Earthquake",
    (
        type_key(Earthquake.type),
        Key("at", "location", "The epicentre.", "震中", default="centre",
            allowed_text="a location"),
        *time_keys("time_h"),
        Key("magnitude", "number", "Magnitude.", "震级", default=REQUIRED, lo=3, hi=9.5),
        *(
            Key(n, "number", _QUAKE_HELP[n][0], _QUAKE_HELP[n][1],
                default=getattr(Earthquake, n), lo=0, lo_open=n not in _PER_NODE,
                hi=MAX_PER_NODE if n in _PER_NODE else Earthquake._HI.get(n))
            for n in Earthquake._NUM
        ),
        Key("repair", "distribution", "Minutes until a closed road segment reopens.", "抢通时间",
            default=Earthquake.repair.to_dict()),
        Key("aftershocks", "boolean", "Whether aftershocks are simulated.", "是否模拟余震",
            default=Earthquake.aftershocks),
        Key("omori_a", "number", "Reasenberg-Jones a.", "余震模型参数 a",
            default=Earthquake.omori_a, lo=-10, hi=10),
    ),
    zh="地震",
    help="Shaking by Joyner-Boore PGA; collapses, fires and landslides as Poisson counts per "
    "node; roads close by a lognormal fragility for a repair time; Reasenberg-Jones "
    "aftershocks. The mainshock's grade follows the 2012 national plan.",
)  # fmt: skip
