"""Chemical leaks: a ``hazmat_leak`` incident with its isolation and protective zones."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from networks.i18n import _
from networks.roadnet import Disruption
from scenarios.batch import Context
from scenarios.config_keys import Key, Section, field_default
from scenarios.event_fields import read_hours, read_location, time_keys, type_key
from scenarios.places import Location
from scenarios.stream import ScheduledDisruption
from scenarios.validate import Reader


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
        CHEMICAL_LEAK.allow(r)
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
            time_h=read_hours(r, "time_h"),
            grade=grade,
            at=read_location(r, "at", "source:chemical_plant"),
            isolation_m=r.num("isolation_m", lo=0, lo_open=True) if r.has("isolation_m") else None,
            isolation_h=(
                read_hours(r, "isolation_h", positive=True) if r.has("isolation_h") else None
            ),
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


#: An ``[[events]]`` table of type ``chemical_leak``.
CHEMICAL_LEAK = Section(
    'events[] type = "chemical_leak"',
    "Chemical leak",
    (
        type_key(ChemicalLeak.type),
        Key("at", "location", "Where it leaks.", "泄漏位置",
            default=field_default(ChemicalLeak, "at").at, allowed_text="a location"),
        *time_keys("time_h"),
        Key("grade", "integer", "Grade of the hazmat_leak incident (1-4 = I-IV).", "事件等级",
            default=ChemicalLeak.grade, lo=1, hi=4),
        Key("isolation_m", "number", "Radius of the isolation zone, metres.", "隔离区半径",
            lo=0, lo_open=True, default_text="the catalogue's isolation rule for the grade"),
        Key("isolation_h", "number", "Hours the isolation zone stays closed.", "隔离时长",
            lo=0, lo_open=True, default_text="the catalogue's isolation rule for the grade"),
        Key("wind_from_deg", "number",
            "Where the wind blows from, degrees clockwise from north (needed for a protective "
            "zone).", "风向", lo=0, hi=360),
        Key("protective_m", "number", "Reach of the downwind protective-action zone, metres.",
            "防护区距离", default=ChemicalLeak.protective_m, lo=0),
        Key("protective_half_angle_deg", "number", "Half-angle of the protective zone, degrees.",
            "防护区半张角", default=ChemicalLeak.protective_half_angle_deg, lo=0, hi=180),
        Key("protective_factor", "number",
            "Travel-time factor of roads in the protective zone (inf closes them).",
            "防护区通行时间倍数", default=ChemicalLeak.protective_factor, lo=1),
    ),
    zh="危险化学品泄漏",
    help="A hazmat_leak incident with an isolation zone closing every road within "
    "isolation_m (avoid danger first, then rescue), and optionally a downwind "
    "protective-action zone.",
)  # fmt: skip
