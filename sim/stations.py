"""Stations and their teams: :class:`TeamSpec` and :class:`Station`.

This module holds the team and station specs with their vocabularies and
limits (:data:`CAPABILITIES`, :data:`STATION_TIERS`,
:data:`TOWNSHIP_TEAM_MIN_SIZE`, :data:`MAX_TEAM_SIZE`,
:data:`MAX_TEAM_COUNT`). Depots are in :mod:`sim.depots`, outside
reinforcement in :mod:`sim.reinforcement`; all are re-exported by
:mod:`sim.facilities`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section, field_default
from scenarios.distributions import Distribution, Fixed, Lognormal
from scenarios.distributions import from_dict as distribution_from_dict
from scenarios.validate import Reader
from sim.facility_fields import dotted_key, read_label, read_name, read_placed

#: Team capabilities known to the simulator.
CAPABILITIES = ("fire", "technical_rescue", "hazmat", "medical", "water_rescue", "general")
#: Station tiers, highest first (``provincial``: outside reinforcement, see
#: :class:`~sim.reinforcement.Reinforcement`).
STATION_TIERS = ("provincial", "city", "county", "township")
#: Minimum people in the emergency team of a township station (the 30-person township team).
TOWNSHIP_TEAM_MIN_SIZE = 30


#: Most people in one team.
MAX_TEAM_SIZE = 10_000
#: Most identical teams one entry may declare.
MAX_TEAM_COUNT = 1_000


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
        TEAM.allow(r)
        cap = read_name(r, "capability")
        if cap not in CAPABILITIES:
            raise r.error(
                "capability",
                _("unknown capability {capability!r}; expected one of {known}").format(
                    capability=cap, known=", ".join(CAPABILITIES)
                ),
            )
        kw: dict[str, Any] = {
            "capability": cap,
            "size": TEAM.read(r, "size"),
            "count": TEAM.read(r, "count"),
        }
        for name in ("turnout", "resupply"):
            if name in data:
                kw[name] = distribution_from_dict(
                    data[name], source=source, key=dotted_key(key, name)
                )
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
        r, name, node, tier = read_placed(
            data,
            STATION.names,
            STATION_TIERS,
            "station",
            source,
            key,
        )
        teams_data = r.get("teams")
        if not isinstance(teams_data, Sequence) or isinstance(teams_data, str) or not teams_data:
            raise r.error("teams", _("expected a non-empty list of teams"))
        teams = tuple(
            TeamSpec.from_dict(t, source=source, key=dotted_key(key, f"teams[{i}]"))
            for i, t in enumerate(teams_data)
        )
        area = read_label(r, "area", "")
        name_zh = read_label(r, "name_zh", "")
        if tier == "township" and max(t.size for t in teams) < TOWNSHIP_TEAM_MIN_SIZE:
            raise ConfigError(
                _("a township station needs a team of at least {n} people").format(
                    n=TOWNSHIP_TEAM_MIN_SIZE
                ),
                source=source,
                key=dotted_key(key, "teams"),
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


#: A team entry, ``teams = [{ capability = ..., size = ... }]`` (:meth:`TeamSpec.from_dict`).
TEAM = Section(
    "stations[].teams[]",
    "Team",
    (
        Key("capability", "string", "What the team does.", "专业类别", default=REQUIRED,
            choices=CAPABILITIES),
        Key("size", "integer", "People per team.", "队伍人数", default=REQUIRED,
            lo=1, hi=MAX_TEAM_SIZE),
        Key("count", "integer", "Number of such teams.", "队伍数量",
            default=TeamSpec.count, lo=1, hi=MAX_TEAM_COUNT),
        Key("turnout", "distribution", "Minutes from dispatch to leaving the station.", "出动用时",
            default=field_default(TeamSpec, "turnout")),
        Key("resupply", "distribution",
            "Minutes at the station after returning before the team is available again.",
            "归队补给用时", default=field_default(TeamSpec, "resupply")),
    ),
    zh="救援队伍",
    help=f"A township station needs a team of at least {TOWNSHIP_TEAM_MIN_SIZE} people.",
)  # fmt: skip
#: A station as plain data (:meth:`Station.from_dict`); a run config places it by location.
STATION = Section(
    "stations[]",
    "Station",
    (
        Key("name", "string", "Unique name (records and summary keys use it).", "名称",
            default=REQUIRED),
        Key("name_zh", "string", "Chinese name shown to a person reading Chinese.", "中文名称",
            default=""),
        Key("node", "integer", "Node index of the compiled network.", "节点", default=REQUIRED,
            lo=0),
        Key("tier", "string", "The station's tier.", "层级", default=REQUIRED,
            choices=STATION_TIERS),
        Key("teams", "array of tables", "The teams based here (see [[stations.teams]]).",
            "救援队伍", default=REQUIRED),
        Key("area", "string", "Area the station covers, for reserve keeping.", "责任区域",
            default_text="the name"),
    ),
    zh="应急救援站",
)  # fmt: skip
