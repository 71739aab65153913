"""Stations, teams and supply depots: the facilities a response draws on.

Specs are frozen dataclasses with ``from_dict`` (validating, raising
:class:`~networks.errors.ConfigError` that names the source and dotted key)
and ``to_dict`` (round-tripping). :func:`check_facilities` checks a set of
facilities against a road network before a run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from networks.errors import ConfigError
from scenarios.distributions import Distribution, Fixed, Lognormal
from scenarios.distributions import from_dict as distribution_from_dict

#: Team capabilities known to the simulator.
CAPABILITIES = ("fire", "technical_rescue", "hazmat", "medical", "water_rescue", "general")
#: Station tiers, highest first (``provincial``: outside reinforcement, see :class:`Reinforcement`).
STATION_TIERS = ("provincial", "city", "county", "township")
#: Depot tiers, highest first; requests escalate towards the front.
DEPOT_TIERS = ("city", "county", "township", "village")
#: Minimum people in the emergency team of a township station (the 30-person township team).
TOWNSHIP_TEAM_MIN_SIZE = 30


def _key(parent: str | None, child: str) -> str:
    return f"{parent}.{child}" if parent else child


def _need(data: Mapping[str, Any], name: str, source: str | None, key: str | None) -> Any:
    if name not in data:
        raise ConfigError("missing required key", source=source, key=_key(key, name))
    return data[name]


def _as_str(v: Any, source: str | None, key: str) -> str:
    if not isinstance(v, str) or not v:
        raise ConfigError(f"expected a non-empty string, got {v!r}", source=source, key=key)
    return v


def _as_int(v: Any, source: str | None, key: str, *, low: int = 0) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise ConfigError(f"expected an integer >= {low}, got {v!r}", source=source, key=key)
    return int(v)


def _as_float(v: Any, source: str | None, key: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
        raise ConfigError(f"expected a number >= 0, got {v!r}", source=source, key=key)
    return float(v)


def _no_extra(data: Mapping[str, Any], allowed: set[str], source: str | None, key: str | None):
    extra = sorted(set(data) - allowed)
    if extra:
        raise ConfigError(
            f"unknown keys {extra}; expected some of {sorted(allowed)}", source=source, key=key
        )


def _placed(
    data: Any,
    allowed: set[str],
    tiers: Sequence[str],
    kind: str,
    source: str | None,
    key: str | None,
) -> tuple[str, int, str]:
    """Check a facility table's keys and read its ``name``, ``node`` and ``tier``."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"expected a table, got {data!r}", source=source, key=key)
    _no_extra(data, allowed, source, key)
    name = _as_str(_need(data, "name", source, key), source, _key(key, "name"))
    node = _as_int(_need(data, "node", source, key), source, _key(key, "node"))
    tier = _need(data, "tier", source, key)
    if tier not in tiers:
        raise ConfigError(
            f"unknown {kind} tier {tier!r}; expected one of {list(tiers)}",
            source=source,
            key=_key(key, "tier"),
        )
    return name, node, tier


@dataclass(frozen=True)
class TeamSpec:
    """``count`` identical teams of one capability at a station.

    Attributes
    ----------
    capability
        One of :data:`CAPABILITIES`.
    size
        People per team.
    count
        Number of such teams.
    turnout
        Minutes from dispatch to leaving the station.
    resupply
        Minutes at the station after returning before the team is available
        again (restocking, decontamination); while it is non-zero the team
        cannot be re-dispatched on its way back.
    """

    capability: str
    size: int
    count: int = 1
    turnout: Distribution = field(default_factory=lambda: Lognormal(1.5, 0.3))
    resupply: Distribution = field(default_factory=lambda: Fixed(0.0))

    def __post_init__(self) -> None:
        if self.capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {self.capability!r}")
        if self.size < 1 or self.count < 1:
            raise ValueError("team size and count must be >= 1")

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> TeamSpec:
        """Validate and build from plain data (``turnout`` etc. as distribution tables)."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"expected a table, got {data!r}", source=source, key=key)
        _no_extra(data, {"capability", "size", "count", "turnout", "resupply"}, source, key)
        cap = _as_str(_need(data, "capability", source, key), source, _key(key, "capability"))
        if cap not in CAPABILITIES:
            raise ConfigError(
                f"unknown capability {cap!r}; expected one of {list(CAPABILITIES)}",
                source=source,
                key=_key(key, "capability"),
            )
        kw: dict[str, Any] = {
            "capability": cap,
            "size": _as_int(_need(data, "size", source, key), source, _key(key, "size"), low=1),
            "count": _as_int(data.get("count", 1), source, _key(key, "count"), low=1),
        }
        for name in ("turnout", "resupply"):
            if name in data:
                kw[name] = distribution_from_dict(data[name], source=source, key=_key(key, name))
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        return {
            "capability": self.capability,
            "size": self.size,
            "count": self.count,
            "turnout": self.turnout.to_dict(),
            "resupply": self.resupply.to_dict(),
        }


@dataclass(frozen=True)
class Station:
    """A station on a network node, holding teams.

    Attributes
    ----------
    name
        Unique name.
    node
        Node index on the road network.
    tier
        One of :data:`STATION_TIERS`.
    teams
        The teams based here.
    area
        Area the station covers, for reserve keeping (defaults to ``name``).
    """

    name: str
    node: int
    tier: str
    teams: tuple[TeamSpec, ...]
    area: str = ""

    def __post_init__(self) -> None:
        if self.tier not in STATION_TIERS:
            raise ValueError(f"unknown station tier {self.tier!r}")
        object.__setattr__(self, "teams", tuple(self.teams))
        if not self.teams:
            raise ValueError(f"station {self.name!r} has no teams")
        if self.tier == "township" and max(t.size for t in self.teams) < TOWNSHIP_TEAM_MIN_SIZE:
            raise ValueError(
                f"township station {self.name!r} needs a team of at least "
                f"{TOWNSHIP_TEAM_MIN_SIZE} people"
            )
        if not self.area:
            object.__setattr__(self, "area", self.name)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Station:
        """Validate and build from plain data."""
        name, node, tier = _placed(
            data, {"name", "node", "tier", "teams", "area"}, STATION_TIERS, "station", source, key
        )
        teams_data = _need(data, "teams", source, key)
        if not isinstance(teams_data, Sequence) or isinstance(teams_data, str) or not teams_data:
            raise ConfigError(
                "expected a non-empty list of teams", source=source, key=_key(key, "teams")
            )
        teams = tuple(
            TeamSpec.from_dict(t, source=source, key=_key(key, f"teams[{i}]"))
            for i, t in enumerate(teams_data)
        )
        area = data.get("area", "")
        if not isinstance(area, str):
            raise ConfigError(
                f"expected a string, got {area!r}", source=source, key=_key(key, "area")
            )
        if tier == "township" and max(t.size for t in teams) < TOWNSHIP_TEAM_MIN_SIZE:
            raise ConfigError(
                f"a township station needs a team of at least {TOWNSHIP_TEAM_MIN_SIZE} people",
                source=source,
                key=_key(key, "teams"),
            )
        return cls(name=name, node=node, tier=tier, teams=teams, area=area)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        return {
            "name": self.name,
            "node": self.node,
            "tier": self.tier,
            "teams": [t.to_dict() for t in self.teams],
            "area": self.area,
        }


@dataclass(frozen=True)
class Depot:
    """A supply depot on a network node.

    Attributes
    ----------
    name
        Unique name.
    node
        Node index on the road network.
    tier
        One of :data:`DEPOT_TIERS`.
    stock
        Initial (and target) quantity per item, as sorted ``(item, qty)`` pairs.
    parent
        Name of the depot that replenishes this one (a higher tier), or ``None``.
    lead_time_min
        Minutes from ordering a replenishment from the parent to its arrival.
    """

    name: str
    node: int
    tier: str
    stock: tuple[tuple[str, int], ...]
    parent: str | None = None
    lead_time_min: float = 0.0

    def __post_init__(self) -> None:
        if self.tier not in DEPOT_TIERS:
            raise ValueError(f"unknown depot tier {self.tier!r}")
        items = dict(self.stock.items() if isinstance(self.stock, Mapping) else self.stock)
        if any(q < 0 for q in items.values()):
            raise ValueError(f"depot {self.name!r}: negative stock")
        if not (math.isfinite(self.lead_time_min) and self.lead_time_min >= 0):
            raise ValueError(f"depot {self.name!r}: lead time must be >= 0")
        object.__setattr__(self, "stock", tuple(sorted((str(k), int(v)) for k, v in items.items())))

    @property
    def stock_dict(self) -> dict[str, int]:
        """Stock as a dict."""
        return dict(self.stock)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Depot:
        """Validate and build from plain data (``stock`` as a table item -> quantity)."""
        name, node, tier = _placed(
            data,
            {"name", "node", "tier", "stock", "parent", "lead_time_min"},
            DEPOT_TIERS,
            "depot",
            source,
            key,
        )
        stock = _need(data, "stock", source, key)
        if not isinstance(stock, Mapping):
            raise ConfigError(
                "expected a table item -> quantity", source=source, key=_key(key, "stock")
            )
        from scenarios.catalogue import SUPPLY_ITEMS

        for k in stock:
            if k not in SUPPLY_ITEMS:
                raise ConfigError(
                    f"unknown supply item {k!r}; expected one of {list(SUPPLY_ITEMS)}",
                    source=source,
                    key=_key(key, f"stock.{k}"),
                )
        items = {
            _as_str(k, source, _key(key, "stock")): _as_int(v, source, _key(key, f"stock.{k}"))
            for k, v in stock.items()
        }
        parent = data.get("parent")
        if parent is not None:
            parent = _as_str(parent, source, _key(key, "parent"))
        lead = _as_float(data.get("lead_time_min", 0.0), source, _key(key, "lead_time_min"))
        return cls(
            name=name,
            node=node,
            tier=tier,
            stock=tuple(items.items()),
            parent=parent,
            lead_time_min=lead,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {
            "name": self.name,
            "node": self.node,
            "tier": self.tier,
            "stock": dict(self.stock),
            "lead_time_min": self.lead_time_min,
        }
        if self.parent is not None:
            out["parent"] = self.parent
        return out


@dataclass(frozen=True)
class Reinforcement:
    """Outside teams (a provincial rescue corps, a neighbouring city) called in by a major event.

    Grade I and II events are answered above the county: the reinforcement's
    teams enter the map at ``station.node`` ``delay`` minutes after the call
    of the first incident of grade ``max_grade`` or graver has been taken
    (mobilisation and the drive in), and from then on serve like any other
    station until the end of the run. Before that nobody can dispatch them, and
    they count in no area's reserve. A team complement larger than the county
    has is capped at county plus reinforcement for the grave incidents (which
    call it in) and for every incident called after it has arrived; at the
    county's own for lesser incidents before then.

    Attributes
    ----------
    station
        The teams and where they arrive (tier ``provincial`` by default).
    max_grade
        Incidents of this grade or graver (1 = I, especially major) call it in.
    delay
        Minutes from that call being taken to the teams' arrival at ``station.node``.
    """

    station: Station
    max_grade: int = 2
    delay: Distribution = field(default_factory=lambda: Lognormal(240.0, 0.3))

    def __post_init__(self) -> None:
        if self.max_grade not in (1, 2, 3, 4):
            raise ValueError(f"max_grade must be 1-4, got {self.max_grade!r}")

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Reinforcement:
        """Validate and build from plain data (a station table plus ``max_grade``, ``delay_min``).

        ``tier`` defaults to ``provincial``.
        """
        if not isinstance(data, Mapping):
            raise ConfigError(f"expected a table, got {data!r}", source=source, key=key)
        own = {"max_grade", "delay_min"}
        station = Station.from_dict(
            {"tier": "provincial", **{k: v for k, v in data.items() if k not in own}},
            source=source,
            key=key,
        )
        grade = data.get("max_grade", 2)
        if isinstance(grade, bool) or grade not in (1, 2, 3, 4):
            raise ConfigError(
                f"expected a grade 1-4 (I-IV), got {grade!r}",
                source=source,
                key=_key(key, "max_grade"),
            )
        delay = data.get("delay_min", {"dist": "lognormal", "mean": 240.0, "cv": 0.3})
        return cls(
            station=station,
            max_grade=int(grade),
            delay=distribution_from_dict(delay, source=source, key=_key(key, "delay_min")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        return {
            **self.station.to_dict(),
            "max_grade": self.max_grade,
            "delay_min": self.delay.to_dict(),
        }


def check_facilities(
    n_nodes: int,
    stations: Sequence[Station],
    depots: Sequence[Depot] = (),
    *,
    source: str | None = None,
) -> None:
    """Check facilities against a network of ``n_nodes`` nodes and against each other.

    Checks node indices, unique names, that depot parents exist, are of a
    strictly higher tier, and form no cycle.

    Raises
    ------
    networks.errors.ConfigError
        Naming ``stations[i].key`` or ``depots[i].key``.
    """
    seen: set[str] = set()
    for i, s in enumerate(stations):
        if not 0 <= s.node < n_nodes:
            raise ConfigError(
                f"node {s.node} is not on the network (0..{n_nodes - 1})",
                source=source,
                key=f"stations[{i}].node",
            )
        if s.name in seen:
            raise ConfigError(
                f"duplicate station name {s.name!r}", source=source, key=f"stations[{i}].name"
            )
        seen.add(s.name)
    by_name: dict[str, Depot] = {}
    for i, d in enumerate(depots):
        if not 0 <= d.node < n_nodes:
            raise ConfigError(
                f"node {d.node} is not on the network (0..{n_nodes - 1})",
                source=source,
                key=f"depots[{i}].node",
            )
        if d.name in by_name:
            raise ConfigError(
                f"duplicate depot name {d.name!r}", source=source, key=f"depots[{i}].name"
            )
        by_name[d.name] = d
    for i, d in enumerate(depots):
        if d.parent is None:
            continue
        p = by_name.get(d.parent)
        if p is None:
            raise ConfigError(
                f"unknown parent depot {d.parent!r}", source=source, key=f"depots[{i}].parent"
            )
        if DEPOT_TIERS.index(p.tier) >= DEPOT_TIERS.index(d.tier):
            raise ConfigError(
                f"parent {p.name!r} ({p.tier}) must be of a higher tier than {d.tier}",
                source=source,
                key=f"depots[{i}].parent",
            )
