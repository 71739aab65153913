"""What a hazard sets off around it: secondary hazards (cascades) and road effects.

This module holds :class:`CascadeRule` (``[[hazards.X.cascade]]``),
:class:`RoadEffect` (``[[hazards.X.roads]]``), their vocabularies
(:data:`ROAD_SETS`, :data:`CASCADE_GRADES`) and the reader of grade-wise
numbers shared with :mod:`scenarios.hazard` (:func:`four`, :func:`four_out`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.distributions import GradedDist
from scenarios.validate import Reader, check_num, shown

#: Road sets a road effect can be limited to (see :mod:`scenarios.places`).
ROAD_SETS = ("any", "low_lying", "forest", "river")
#: How a secondary incident's grade is chosen.
CASCADE_GRADES = ("draw", "parent", "milder")


def four(r: Reader, name: str, default: Any = ..., *, lo: float = 0, hi: float | None = None):
    """A number or a list of four numbers (grades I-IV), as a 4-tuple of floats."""
    v = r.get(name, default)
    vals = v if isinstance(v, list) else [v] * 4
    if len(vals) != 4:
        raise r.error(
            name,
            _("expected a number or a list of 4 (grades I-IV), got {value!r}").format(
                value=shown(v)
            ),
        )
    out = []
    for j, x in enumerate(vals):
        key = f"{name}[{j}]" if isinstance(v, list) else name
        out.append(check_num(x, lambda m, key=key: r.error(key, m), lo=lo, hi=hi))
    return tuple(out)


def four_out(vals: tuple[float, ...]) -> Any:
    """Inverse of :func:`four`: one value if all grades agree."""
    return vals[0] if len(set(vals)) == 1 else list(vals)


@dataclass(frozen=True)
class CascadeRule:
    """A secondary hazard an incident may set off.

    Attributes
    ----------
    hazard
        Key of the secondary hazard.
    probability
        Chance per parent incident, by the parent's grade (I-IV).
    delay
        Minutes from the parent's call to the secondary's call.
    spread_m
        The secondary happens at a node within this distance of the parent's
        (chosen by the secondary hazard's spatial weights); 0 = same node.
    grade
        ``"draw"`` from the secondary hazard's grade distribution, the
        ``"parent"``'s grade, or one grade ``"milder"`` than the parent.
    """

    hazard: str
    probability: tuple[float, float, float, float]
    delay: GradedDist
    spread_m: float = 0.0
    grade: str = "draw"

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> CascadeRule:
        """Validate one ``[[hazards.X.cascade]]`` table."""
        r = Reader(data, source=source, key=key)
        CASCADE.allow(r)
        return cls(
            hazard=CASCADE.read(r, "hazard"),
            probability=four(r, "probability", hi=1),
            delay=GradedDist.from_dict(r.get("delay"), source=source, key=r.path("delay")),
            spread_m=CASCADE.read(r, "spread_m"),
            grade=CASCADE.read(r, "grade"),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {
            "hazard": self.hazard,
            "probability": four_out(self.probability),
            "delay": self.delay.to_dict(),
            "spread_m": self.spread_m,
            "grade": self.grade,
        }


@dataclass(frozen=True)
class RoadEffect:
    """Roads an incident closes or slows around its scene.

    Attributes
    ----------
    effect
        ``"close"`` or ``"slow"``.
    factor
        Travel-time multiplier of a slowdown (``inf`` for a closure).
    radius_m
        Edges whose segment passes within this distance of the scene, by grade.
    along
        Only edges of this road set (:data:`ROAD_SETS`): ``"low_lying"`` for
        waterlogging, ``"forest"`` for forest fires, ``"any"`` for all.
    duration
        Minutes from the call until the road reopens.
    probability
        Chance that an incident of each grade has this effect.
    label
        Prefix of the disruption's label. ``"isolation"`` marks an isolation
        zone responders must not enter ("avoid danger first, then rescue").
    """

    effect: str
    radius_m: tuple[float, float, float, float]
    duration: GradedDist
    factor: float = float("inf")
    along: str = "any"
    probability: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    label: str = ""

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> RoadEffect:
        """Validate one ``[[hazards.X.roads]]`` table."""
        r = Reader(data, source=source, key=key)
        ROAD_EFFECT.allow(r)
        effect = ROAD_EFFECT.read(r, "effect")
        if effect == "close":
            if r.has("factor"):
                raise r.error("factor", _("a closure has no factor (use effect = 'slow')"))
            factor = float("inf")
        else:
            factor = r.num("factor", lo=1, lo_open=True)
        return cls(
            effect=effect,
            radius_m=four(r, "radius_m"),
            duration=GradedDist.from_dict(r.get("duration"), source=source, key=r.path("duration")),
            factor=factor,
            along=ROAD_EFFECT.read(r, "along"),
            probability=four(r, "probability", 1.0, hi=1),
            label=ROAD_EFFECT.read(r, "label"),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        out: dict[str, Any] = {"effect": self.effect}
        if self.effect == "slow":
            out["factor"] = self.factor
        out.update(
            radius_m=four_out(self.radius_m),
            along=self.along,
            duration=self.duration.to_dict(),
            probability=four_out(self.probability),
            label=self.label,
        )
        return out


_GRADED = "one value, or a list of four for grades I-IV"
#: One ``[[hazards.<key>.cascade]]`` table (:meth:`CascadeRule.from_dict`).
CASCADE = Section(
    "hazards.<key>.cascade[]",
    "Cascade rule",
    (
        Key("hazard", "string", "Key of the secondary hazard.", "次生事件", default=REQUIRED),
        Key("probability", "number", "Chance per parent incident, by the parent's grade.",
            "发生概率", default=REQUIRED, allowed_text="0-1; " + _GRADED),
        Key("delay", "distribution", "Minutes from the parent's call to the secondary's call "
            "(graded).", "间隔时间", default=REQUIRED),
        Key("spread_m", "number",
            "The secondary happens within this distance of the parent's node; 0: the same node.",
            default=CascadeRule.spread_m, lo=0),
        Key("grade", "string",
            "The secondary's grade: drawn, the parent's, or one grade milder.", "事件等级",
            default=CascadeRule.grade, choices=CASCADE_GRADES),
    ),
    zh="次生衍生事件",
)  # fmt: skip
#: One ``[[hazards.<key>.roads]]`` table (:meth:`RoadEffect.from_dict`).
ROAD_EFFECT = Section(
    "hazards.<key>.roads[]",
    "Road effect",
    (
        Key("effect", "string", "Close the roads, or slow them.", "道路影响", default=REQUIRED,
            choices=("close", "slow")),
        Key("factor", "number", "Travel-time multiplier of a slowdown (slow only).", lo=1,
            lo_open=True, default_text="inf (closed)"),
        Key("radius_m", "number", "Edges passing within this distance of the scene, metres.",
            "影响半径", default=REQUIRED, allowed_text=">= 0; " + _GRADED),
        Key("along", "string", "Only roads of this set.", default=RoadEffect.along,
            choices=ROAD_SETS),
        Key("duration", "distribution", "Minutes from the call until the road reopens (graded).",
            "持续时间", default=REQUIRED),
        Key("probability", "number", "Chance that an incident of each grade has this effect.",
            default=1.0, allowed_text="0-1; " + _GRADED),
        Key("label", "string",
            'Prefix of the disruption\'s label; "isolation" marks a zone responders must not '
            "enter.", default=RoadEffect.label),
    ),
    zh="道路影响",
)  # fmt: skip
