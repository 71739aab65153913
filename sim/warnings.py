"""The region's warning plan (预警响应): what a warning of each level triggers, and when.

:class:`WarningPlan` is the ``[warnings]`` table of a run config, validated in
one place (:meth:`WarningPlan.from_dict`)::

    [warnings]
    lead_h = 6                  # optional what-if: every rainstorm and typhoon warned 6 h ahead
    stand_down_h = 6            # hours after the hazard ends until forces stand down
    stage_from = ["provincial", "city", "county"]   # tiers whose teams are staged
    stage_capabilities = ["water_rescue", "technical_rescue", "general"]   # and which teams
    [warnings.orange]           # or [warnings.II], [warnings."橙色"]; levels left out keep
                                #   their defaults (DEFAULT_LEVELS)
    stage_share = 0.5           # share of each such station's teams of each stage_capability
    stage_delay_h = 2           # issue -> the teams leave for the staging points
    stock_share = 0.5           # township depots and village points in the area are
    stock_delay_h = 4           #   sent half their normal stock by their parent depots
    desk_officers = { township = 1, county = 1 }    # extra officers on every desk of a level
    desk_delay_h = 1

A level's table may be named by any of its names in
:data:`scenarios.warnings.LEVEL_NAMES` (its colour in English or Chinese, its
numeral); the plan keeps the English colour, and two names of one level in the
same ``[warnings]`` are refused.

A warning (:class:`scenarios.warnings.ScheduledWarning`) triggers its level's
actions, each ``delay`` after the issue; an action due at or after the
hazard's start is not taken (the ordinary response has begun), so a warning
without lead time changes nothing. The actions are carried out by
:mod:`sim.prepositioning` (teams, stock) and :mod:`sim.duty_boost` (desks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import Key, Section
from scenarios.limits import MAX_DURATION_H
from scenarios.validate import Reader, shown
from scenarios.warnings import LEVEL_COLOURS, LEVEL_NAMES, LEVEL_OF
from sim.duty import DESK_LEVELS, MAX_OFFICERS
from sim.stations import CAPABILITIES, STATION_TIERS

#: Largest share of a station's teams staged, or of a depot's normal stock pushed down.
MAX_SHARE = 10.0


@dataclass(frozen=True)
class LevelPlan:
    """What a warning of one level triggers.

    Attributes
    ----------
    stage_share
        Share of each staging-from station's teams of each of the plan's
        ``stage_capabilities`` moved to the staging points in the area (rounded
        down per capability); teams of other capabilities stay.
    stage_delay_h
        Hours from the issue until those teams leave.
    stock_share
        Township depots and village points in the area are sent ``stock_share``
        times their normal stock by their parent depots (what a parent lacks
        is not sent).
    stock_delay_h
        Hours from the issue until the transfers leave (each arrives after
        its depot's lead time).
    desk_officers
        ``(desk level, extra officers)``: officers added to every desk of that level.
    desk_delay_h
        Hours from the issue until the extra officers are on duty.
    """

    stage_share: float = 0.0
    stage_delay_h: float = 2.0
    stock_share: float = 0.0
    stock_delay_h: float = 2.0
    desk_officers: tuple[tuple[str, int], ...] = ()
    desk_delay_h: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data; the table :meth:`WarningPlan.from_dict` reads for a level."""
        return {
            "stage_share": self.stage_share,
            "stage_delay_h": self.stage_delay_h,
            "stock_share": self.stock_share,
            "stock_delay_h": self.stock_delay_h,
            "desk_officers": dict(self.desk_officers),
            "desk_delay_h": self.desk_delay_h,
        }


#: The defaults by level, red (I) first: higher levels do more, sooner, and stock takes
#: longer to load and send than teams to muster. yingji's assumption after the four
#: response levels of county flood-control plans (blue: the duty rooms are reinforced;
#: yellow: some forces and stock move forward; orange and red: most of them), not figures
#: from a source: set your region's plan.
DEFAULT_LEVELS = {
    "red": LevelPlan(0.75, 1.0, 1.0, 2.0, (("township", 2), ("county", 1), ("city", 1)), 0.5),
    "orange": LevelPlan(0.5, 2.0, 0.5, 4.0, (("township", 1), ("county", 1)), 1.0),
    "yellow": LevelPlan(0.25, 3.0, 0.25, 6.0, (("township", 1),), 1.0),
    "blue": LevelPlan(0.0, 3.0, 0.0, 6.0, (("township", 1),), 1.0),
}
#: Station tiers whose teams are staged by default: those above the township stations.
DEFAULT_STAGE_FROM = ("provincial", "city", "county")
#: Teams staged by default: those a flood or typhoon needs forward (boats, rescue from
#: collapses and landslides, general rescue); fire, medical and hazmat teams keep their posts.
DEFAULT_STAGE_CAPABILITIES = ("water_rescue", "technical_rescue", "general")


@dataclass(frozen=True)
class WarningPlan:
    """The ``[warnings]`` table: the region's plan for each warning level.

    Attributes
    ----------
    levels
        ``(colour, LevelPlan)`` for red, orange, yellow and blue.
    lead_h
        A what-if lead time for every rainstorm and typhoon of the scenario
        (:func:`scenarios.warnings.with_lead`); ``None`` keeps the scenario's warnings.
    stand_down_h
        Hours after a warned hazard ends until staged teams go home and extra
        officers leave.
    stage_from
        Station tiers whose teams are staged; staging points are the township
        stations in the warned area.
    stage_capabilities
        Capabilities of the teams staged.
    """

    levels: tuple[tuple[str, LevelPlan], ...] = field(
        default_factory=lambda: tuple(DEFAULT_LEVELS.items())
    )
    lead_h: float | None = None
    stand_down_h: float = 6.0
    stage_from: tuple[str, ...] = DEFAULT_STAGE_FROM
    stage_capabilities: tuple[str, ...] = DEFAULT_STAGE_CAPABILITIES

    def level(self, level: int) -> LevelPlan:
        """The plan of warning level ``level`` (1 = red ... 4 = blue)."""
        return dict(self.levels)[LEVEL_COLOURS[level - 1]]

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str = "warnings"
    ) -> WarningPlan:
        """Validate a ``[warnings]`` table (see the module docstring)."""
        r = Reader(data, source=source, key=key)
        WARNINGS.allow(r)
        stage_from = _names(r, "stage_from", STATION_TIERS)
        capabilities = _names(r, "stage_capabilities", CAPABILITIES)
        given = _level_tables(r)
        levels = []
        for colour in LEVEL_COLOURS:
            plan = DEFAULT_LEVELS[colour]
            if colour in given:
                plan = _read_level(r.table(given[colour]), plan)
            levels.append((colour, plan))
        return cls(
            levels=tuple(levels),
            lead_h=WARNINGS.read(r, "lead_h"),
            stand_down_h=WARNINGS.read(r, "stand_down_h"),
            stage_from=stage_from,
            stage_capabilities=capabilities,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {
            "stand_down_h": self.stand_down_h,
            "stage_from": list(self.stage_from),
            "stage_capabilities": list(self.stage_capabilities),
            **{colour: plan.to_dict() for colour, plan in self.levels},
        }
        if self.lead_h is not None:
            out["lead_h"] = self.lead_h
        return out


def plan_table(r: Reader) -> tuple[tuple[str, Any], ...] | None:
    """A run config's ``[warnings]`` (``r``: the file), checked and kept as given; ``None``."""
    if not r.has("warnings"):
        return None
    WarningPlan.from_dict(r.get("warnings"), source=r.source)
    return tuple(r.table("warnings").data.items())


def refused_with_a_log(source: str | None) -> ConfigError:
    """The error for ``[warnings]`` with a replayed incident log, keyed ``warnings``.

    A log holds incidents, not the weather events warnings are issued for, so
    the plan would silently do nothing; ``yingji run`` refuses the pair before
    reading the log, and a replay (``yingji replay --config``) before simulating.
    """
    return ConfigError(_(
        "a replayed incident log carries no weather warnings, so [warnings] would change "
        "nothing: leave out [warnings], or draw the scenario instead of replaying the log "
        "(yingji run without scenario.incidents)"), source=source, key="warnings")  # fmt: skip


def _level_tables(r: Reader) -> dict[str, str]:
    """The ``[warnings.<level>]`` tables given, by colour: ``{"orange": "橙色"}``.

    A level may be named by its colour, in English or Chinese, or its numeral
    (``[warnings.II]``, ``[warnings."橙色"]``); two names of the same level would
    leave one table unread, so the second is an error naming both.
    """
    given: dict[str, str] = {}
    for name in r.data:
        level = LEVEL_OF.get(name)
        if level is None:  # lead_h, stage_from ...: not a level's table
            continue
        colour = LEVEL_COLOURS[level - 1]
        if colour in given:
            raise r.error(str(name), _("the same warning level as {other}; give each level "
                                       "once").format(other=r.path(given[colour])))  # fmt: skip
        given[colour] = name
    return given


def _names(r: Reader, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """A list of names from ``allowed`` (its record's default when left out)."""
    v = r.get(key, WARNINGS[key].default)
    if not isinstance(v, list):
        raise r.error(key, _("expected a list of names from: {names}, got {value!r}").format(
            names=", ".join(allowed), value=shown(v)))  # fmt: skip
    for x in v:  # the name that is wrong, not only the list it is in
        if not isinstance(x, str) or x not in allowed:
            raise r.error(key, _("{value!r} is not one of {choices}").format(
                value=shown(x), choices=", ".join(allowed)))  # fmt: skip
    return tuple(v)


def _read_level(r: Reader, default: LevelPlan) -> LevelPlan:
    """One ``[warnings.<level>]`` table over the level's defaults."""
    WARNINGS_LEVEL.allow(r)

    def num(name: str) -> float:
        v = WARNINGS_LEVEL.read(r, name)
        return getattr(default, name) if v is None else v

    desks = default.desk_officers
    if r.has("desk_officers"):
        t = r.table("desk_officers")
        WARNINGS_DESKS.allow(t)
        desks = tuple((lv, WARNINGS_DESKS.read(t, lv)) for lv in DESK_LEVELS if t.has(lv))
    return LevelPlan(
        stage_share=num("stage_share"),
        stage_delay_h=num("stage_delay_h"),
        stock_share=num("stock_share"),
        stock_delay_h=num("stock_delay_h"),
        desk_officers=desks,
        desk_delay_h=num("desk_delay_h"),
    )


def _by_level(attr: str, fmt: str = "{:g}") -> str:
    return ", ".join(f"{c} {fmt.format(getattr(p, attr))}" for c, p in DEFAULT_LEVELS.items())


_DESKS = "; ".join(
    f"{c} " + (", ".join(f"{lv} +{n}" for lv, n in p.desk_officers) or "none")
    for c, p in DEFAULT_LEVELS.items()
)
#: The ``[warnings]`` table of a run config.
WARNINGS = Section(
    "warnings",
    "Warning plan",
    (
        Key("lead_h", "number", "What-if lead time: every rainstorm and typhoon of the scenario "
            "is warned this many hours before it starts (an event without a warning is warned "
            "at its CMA rain-signal level over its footprint).", "预警提前量", lo=0,
            hi=MAX_DURATION_H, default_text="the scenario's own warnings"),
        Key("stand_down_h", "number", "Hours after a warned hazard ends until staged teams go "
            "home and extra officers leave.", "解除后撤离时间",
            default=WarningPlan.stand_down_h, lo=0, hi=MAX_DURATION_H),
        Key("stage_from", "list", "Station tiers whose teams are staged in the warned area.",
            "前置力量层级", default=list(DEFAULT_STAGE_FROM),
            allowed_text=", ".join(STATION_TIERS)),
        Key("stage_capabilities", "list", "Capabilities of the teams staged.", "前置队伍类型",
            default=list(DEFAULT_STAGE_CAPABILITIES), allowed_text=", ".join(CAPABILITIES)),
        Key("<level>", "table", "What a warning of this level triggers. The level is named by "
            'its colour, in English or Chinese, or its numeral: [warnings.orange], '
            '[warnings."橙色"], [warnings."橙"], [warnings.II] and [warnings."Ⅱ"] are the same '
            "table (Chinese names in quotes, as TOML requires), given once.", "预警级别",
            names=tuple(n for form in zip(*LEVEL_NAMES, strict=True) for n in form)),
    ),
    zh="预警响应",
    help="With this table, the warnings of the scenario's events trigger the region's plan: "
    "teams staged at the township stations of the warned area, stock pushed down to its "
    "township depots and village points, and duty desks reinforced, each after its own "
    "delay from the issue. An action due at or after the hazard's start is not taken, so a "
    "warning without lead time changes nothing. Without this table warnings change nothing. "
    "Refused with a replayed incident log ([scenario] incidents), which carries no warnings.",
)  # fmt: skip
#: One level's plan, ``[warnings.<level>]``.
WARNINGS_LEVEL = Section(
    "warnings.<level>",
    "Plan of one warning level",
    (
        Key("stage_share", "number", "Share of each staging-from station's teams of each of "
            "the stage_capabilities moved to the staging points (rounded down per "
            "capability); teams of other capabilities stay.", "前置队伍比例", lo=0, hi=1,
            default_text=_by_level("stage_share")),
        Key("stage_delay_h", "number", "Hours from the issue until the teams leave.",
            "队伍前置用时", lo=0, hi=MAX_DURATION_H, default_text=_by_level("stage_delay_h")),
        Key("stock_share", "number", "Extra stock at the area's township depots and village "
            "points, as a share of their normal stock, sent down from their parent depots.",
            "物资前置比例", lo=0, hi=MAX_SHARE, default_text=_by_level("stock_share")),
        Key("stock_delay_h", "number", "Hours from the issue until the stock is sent (it "
            "arrives after each depot's lead time).", "物资前置用时", lo=0, hi=MAX_DURATION_H,
            default_text=_by_level("stock_delay_h")),
        Key("desk_officers", "table", "Extra officers on every desk of a level: "
            "{ township = 1, county = 1 }.", "加强值守人数",
            allowed_text=f"township, county, city = 0-{MAX_OFFICERS}", default_text=_DESKS),
        Key("desk_delay_h", "number", "Hours from the issue until the extra officers are on "
            "duty.", "加强值守用时", lo=0, hi=MAX_DURATION_H,
            default_text=_by_level("desk_delay_h")),
    ),
    zh="分级响应",
    help="Levels left out, and keys left out of a level, keep yingji's defaults (higher "
    "levels do more, sooner); they are an assumption, not a source's figures.",
)  # fmt: skip
#: Extra officers by desk level, ``[warnings.<level>.desk_officers]``.
WARNINGS_DESKS = Section(
    "warnings.<level>.desk_officers",
    "Extra duty officers",
    (Key("<level>", "integer", "Officers added to every desk of this level.", "加强值守人数",
         names=DESK_LEVELS, lo=0, hi=MAX_OFFICERS, default=0),),
    zh="加强值守",
    help="Levels left out get no extra officers; a level without desks in the run is ignored.",
)  # fmt: skip
