"""Stations, teams and supply depots: the facilities a response draws on.

Specs are frozen dataclasses with ``from_dict`` (validating, raising
:class:`~networks.errors.ConfigError` that names the source and dotted key)
and ``to_dict`` (round-tripping). :func:`check_facilities` checks a set of
facilities against a road network before a run.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from networks.errors import ConfigError
from networks.i18n import N_, _
from scenarios.distributions import Distribution, Fixed, Lognormal
from scenarios.distributions import from_dict as distribution_from_dict
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import Reader, shown

#: Team capabilities known to the simulator.
CAPABILITIES = ("fire", "technical_rescue", "hazmat", "medical", "water_rescue", "general")
#: Station tiers, highest first (``provincial``: outside reinforcement, see :class:`Reinforcement`).
STATION_TIERS = ("provincial", "city", "county", "township")
#: Depot tiers, highest first; requests escalate towards the front.
DEPOT_TIERS = ("city", "county", "township", "village")
#: Minimum people in the emergency team of a township station (the 30-person township team).
TOWNSHIP_TEAM_MIN_SIZE = 30


#: Most people in one team.
MAX_TEAM_SIZE = 10_000
#: Most identical teams one entry may declare.
MAX_TEAM_COUNT = 1_000
#: Largest stock of one item at one depot.
MAX_STOCK = 10**9


#: Why a name or label is refused (see :func:`one_line`).
NOT_ONE_LINE = N_("expected one line of printable text, got {value!r}")
#: Unicode categories a name must not hold: control and format characters, line and
#: paragraph separators (a name is printed in tables, maps and one-line messages).
_NOT_PRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def one_line(text: str) -> bool:
    """Whether ``text`` is one line of printable text (no line break or control character)."""
    return not any(unicodedata.category(c) in _NOT_PRINTABLE for c in text)


def _key(parent: str | None, child: str) -> str:
    return f"{parent}.{child}" if parent else child


def _label(r: Reader, name: str, default: Any = ...) -> str:
    """A string of one printable line."""
    v = r.str(name, default)
    if not one_line(v):
        raise r.error(name, _(NOT_ONE_LINE).format(value=shown(v)))
    return v


def _name(r: Reader, name: str) -> str:
    """A required non-empty string of one printable line."""
    v = _label(r, name)
    if not v:
        raise r.error(name, _("expected a non-empty string"))
    return v


def _placed(
    data: Any,
    allowed: set[str],
    tiers: Sequence[str],
    kind: str,
    source: str | None,
    key: str | None,
) -> tuple[Reader, str, int, str]:
    """Check a facility table's keys and read its ``name``, ``node`` and ``tier``."""
    r = Reader(data, source=source, key=key or "")
    r.allow(allowed)
    name = _name(r, "name")
    node = r.int("node", lo=0)
    tier = r.get("tier")
    if tier not in tiers:
        message = {
            "station": _("unknown station tier {tier!r}; expected one of {tiers}"),
            "depot": _("unknown depot tier {tier!r}; expected one of {tiers}"),
        }[kind]
        raise r.error("tier", message.format(tier=tier, tiers=list(tiers)))
    return r, name, node, tier


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
            raise ValueError(
                _("unknown capability {capability!r}").format(capability=self.capability)
            )
        if self.size < 1 or self.count < 1:
            raise ValueError(_("team size and count must be >= 1"))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> TeamSpec:
        """Validate and build from plain data (``turnout`` etc. as distribution tables)."""
        r = Reader(data, source=source, key=key or "")
        r.allow({"capability", "size", "count", "turnout", "resupply"})
        cap = _name(r, "capability")
        if cap not in CAPABILITIES:
            raise r.error(
                "capability",
                _("unknown capability {capability!r}; expected one of {known}").format(
                    capability=cap, known=list(CAPABILITIES)
                ),
            )
        kw: dict[str, Any] = {
            "capability": cap,
            "size": r.int("size", lo=1, hi=MAX_TEAM_SIZE),
            "count": r.int("count", 1, lo=1, hi=MAX_TEAM_COUNT),
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
    name_zh
        Chinese name shown to a person reading Chinese (``""``: none; records
        and ``summary.json`` keys always use ``name``).
    """

    name: str
    node: int
    tier: str
    teams: tuple[TeamSpec, ...]
    area: str = ""
    name_zh: str = ""

    def __post_init__(self) -> None:
        if self.tier not in STATION_TIERS:
            raise ValueError(_("unknown station tier {tier!r}").format(tier=self.tier))
        object.__setattr__(self, "teams", tuple(self.teams))
        if not self.teams:
            raise ValueError(_("station {name!r} has no teams").format(name=self.name))
        if self.tier == "township" and max(t.size for t in self.teams) < TOWNSHIP_TEAM_MIN_SIZE:
            raise ValueError(
                _("township station {name!r} needs a team of at least {n} people").format(
                    name=self.name, n=TOWNSHIP_TEAM_MIN_SIZE
                )
            )
        if not self.area:
            object.__setattr__(self, "area", self.name)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Station:
        """Validate and build from plain data."""
        r, name, node, tier = _placed(
            data,
            {"name", "name_zh", "node", "tier", "teams", "area"},
            STATION_TIERS,
            "station",
            source,
            key,
        )
        teams_data = r.get("teams")
        if not isinstance(teams_data, Sequence) or isinstance(teams_data, str) or not teams_data:
            raise r.error("teams", _("expected a non-empty list of teams"))
        teams = tuple(
            TeamSpec.from_dict(t, source=source, key=_key(key, f"teams[{i}]"))
            for i, t in enumerate(teams_data)
        )
        area = _label(r, "area", "")
        name_zh = _label(r, "name_zh", "")
        if tier == "township" and max(t.size for t in teams) < TOWNSHIP_TEAM_MIN_SIZE:
            raise ConfigError(
                _("a township station needs a team of at least {n} people").format(
                    n=TOWNSHIP_TEAM_MIN_SIZE
                ),
                source=source,
                key=_key(key, "teams"),
            )
        return cls(name=name, node=node, tier=tier, teams=teams, area=area, name_zh=name_zh)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {
            "name": self.name,
            "node": self.node,
            "tier": self.tier,
            "teams": [t.to_dict() for t in self.teams],
            "area": self.area,
        }
        if self.name_zh:
            out["name_zh"] = self.name_zh
        return out


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
    name_zh
        Chinese name shown to a person reading Chinese (``""``: none).
    """

    name: str
    node: int
    tier: str
    stock: tuple[tuple[str, int], ...]
    parent: str | None = None
    lead_time_min: float = 0.0
    name_zh: str = ""

    def __post_init__(self) -> None:
        if self.tier not in DEPOT_TIERS:
            raise ValueError(_("unknown depot tier {tier!r}").format(tier=self.tier))
        items = dict(self.stock.items() if isinstance(self.stock, Mapping) else self.stock)
        if any(q < 0 for q in items.values()):
            raise ValueError(_("depot {name!r}: negative stock").format(name=self.name))
        if not (math.isfinite(self.lead_time_min) and self.lead_time_min >= 0):
            raise ValueError(_("depot {name!r}: lead time must be >= 0").format(name=self.name))
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
        r, name, node, tier = _placed(
            data,
            {"name", "name_zh", "node", "tier", "stock", "parent", "lead_time_min"},
            DEPOT_TIERS,
            "depot",
            source,
            key,
        )
        if not isinstance(r.get("stock"), Mapping):
            raise r.error("stock", _("expected a table item -> quantity"))
        stock = r.table("stock")
        from scenarios.catalogue import SUPPLY_ITEMS

        for k in stock.data:
            if k not in SUPPLY_ITEMS:
                raise stock.error(
                    str(k),
                    _("unknown supply item {item!r}; expected one of {known}").format(
                        item=k, known=list(SUPPLY_ITEMS)
                    ),
                )
        items = {str(k): stock.int(str(k), lo=0, hi=MAX_STOCK) for k in stock.data}
        parent = _name(r, "parent") if r.get("parent", None) is not None else None
        lead = r.num("lead_time_min", 0.0, lo=0, hi=MAX_DURATION_MIN)
        name_zh = _label(r, "name_zh", "")
        return cls(
            name=name,
            node=node,
            tier=tier,
            stock=tuple(items.items()),
            parent=parent,
            lead_time_min=lead,
            name_zh=name_zh,
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
        if self.name_zh:
            out["name_zh"] = self.name_zh
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
            raise ValueError(_("max_grade must be 1-4, got {value!r}").format(value=self.max_grade))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Reinforcement:
        """Validate and build from plain data (a station table plus ``max_grade``, ``delay_min``).

        ``tier`` defaults to ``provincial``.
        """
        r = Reader(data, source=source, key=key or "")
        own = {"max_grade", "delay_min"}
        station = Station.from_dict(
            {"tier": "provincial", **{k: v for k, v in data.items() if k not in own}},
            source=source,
            key=key,
        )
        grade = r.int("max_grade", 2, lo=1, hi=4)
        delay = r.get("delay_min", {"dist": "lognormal", "mean": 240.0, "cv": 0.3})
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
    where: Callable[[str, int, str], tuple[str | None, str]] | None = None,
) -> None:
    """Check facilities against a network of ``n_nodes`` nodes and against each other.

    Checks node indices, unique names, that depot parents exist, are of a
    strictly higher tier, and form no cycle.

    Parameters
    ----------
    n_nodes
        Nodes of the network.
    stations, depots
        The facilities.
    source
        File they came from, for error messages.
    where
        ``where(kind, i, field)`` gives the file and key of a field of
        ``stations[i]`` or ``depots[i]`` (``kind`` is ``"stations"`` or
        ``"depots"``) where the facilities came from several files or tables;
        default ``(source, f"{kind}[{i}].{field}")``.

    Raises
    ------
    networks.errors.ConfigError
        Naming the file and key of the offending field.
    """

    def fail(message: str, kind: str, i: int, name: str) -> ConfigError:
        src, key = where(kind, i, name) if where is not None else (source, f"{kind}[{i}].{name}")
        return ConfigError(message, source=src, key=key)

    seen: set[str] = set()
    for i, s in enumerate(stations):
        if not 0 <= s.node < n_nodes:
            message = _("node {node} is not on the network (0..{last})")
            raise fail(message.format(node=s.node, last=n_nodes - 1), "stations", i, "node")
        if s.name in seen:
            message = _("duplicate station name {name!r}")
            raise fail(message.format(name=s.name), "stations", i, "name")
        seen.add(s.name)
    by_name: dict[str, Depot] = {}
    for i, d in enumerate(depots):
        if not 0 <= d.node < n_nodes:
            message = _("node {node} is not on the network (0..{last})")
            raise fail(message.format(node=d.node, last=n_nodes - 1), "depots", i, "node")
        if d.name in by_name:
            message = _("duplicate depot name {name!r}")
            raise fail(message.format(name=d.name), "depots", i, "name")
        by_name[d.name] = d
    for i, d in enumerate(depots):
        if d.parent is None:
            continue
        p = by_name.get(d.parent)
        if p is None:
            message = _("unknown parent depot {name!r}")
            raise fail(message.format(name=d.parent), "depots", i, "parent")
        if DEPOT_TIERS.index(p.tier) >= DEPOT_TIERS.index(d.tier):
            raise fail(
                _("parent {name!r} ({tier}) must be of a higher tier than {child_tier}").format(
                    name=p.name, tier=p.tier, child_tier=d.tier
                ),
                "depots",
                i,
                "parent",
            )


def chinese_names(*groups: Sequence[Any]) -> dict[str, str]:
    """``name -> name_zh`` of the facilities in ``groups`` that were given a Chinese name.

    Each group is a sequence of :class:`Station`, :class:`Depot` or
    :class:`Reinforcement` (``None`` entries are skipped); pass the result to
    :func:`facility_label`.
    """
    out: dict[str, str] = {}
    for group in groups:
        for f in group:
            f = getattr(f, "station", f)  # a Reinforcement names its station
            if f is not None and getattr(f, "name_zh", ""):
                out[f.name] = f.name_zh
    return out
