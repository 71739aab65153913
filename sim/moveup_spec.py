"""What move-up is told: the policy, where demand is, the coverage radius, and the limits.

:class:`MoveupSpec` is the ``[moveup]`` table of a run config, validated in
one place (:meth:`MoveupSpec.from_dict`)::

    [moveup]
    policy = "compliance"            # or "mexclp", or "none" (measure coverage, move nobody)
    capabilities = ["fire", "medical", "general"]   # default: every capability
    demand = "population"            # where coverage counts: the network's population proxy,
                                     # "nodes" (uniform) or "incidents" (the run's own: foresight)
    cover_min = 10                   # drive minutes that count as covered (default
                                     # targets.arrival)
    min_minutes_between_moves = 60   # per team, from one move's start to the next
    max_travel_min = 30              # longest drive of one move
    max_moves_per_day = 48           # all teams together, per 24 h from the start
    busy_probability = 0.05          # MEXCLP: chance a team is busy when called (default: a
                                     # system-wide rate estimated from the run's incidents)
    threshold = 0.9                  # mexclp: re-solve when expected coverage falls below
                                     # this share of the best placement of the free teams
    min_gain = 0.01                  # mexclp: least expected coverage one move must add
    posts = "bases"                  # mexclp: stations holding the capability at the start,
                                     # or "all" stations of the region
    keep_last_team = false           # true: no move leaves a station that held the
                                     # capability at the start without a free team of it
    [moveup.tables]                  # compliance: your own table per capability; level k
    fire = [["City Station"], ["City Station", "Xiba Station"]]  # lists k stations

The model itself is :mod:`sim.moveup`; the coverage arithmetic is
:mod:`sim.moveup_cover`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from networks.i18n import N_, _
from scenarios.config_keys import Key, Section
from scenarios.validate import Reader
from sim.stations import CAPABILITIES

__all__ = [
    "DEMANDS", "MOVEUP", "MOVEUP_TABLES", "POLICIES", "POLICY_LABELS", "POSTS", "MoveupSpec",
]  # fmt: skip

#: Move-up policies: none (coverage measured only), a compliance table, dynamic MEXCLP.
POLICIES = ("none", "compliance", "mexclp")
#: The policies as a person reads them (the key itself in English).
POLICY_LABELS = {"none": N_("none"), "compliance": N_("compliance"), "mexclp": N_("mexclp")}
#: Where demand is: the population proxy, every node alike, or the run's own incidents
#: (perfect foresight of where the calls will come: an upper bound, not a policy).
DEMANDS = ("population", "nodes", "incidents")
#: Stations a MEXCLP move may go to: those holding the capability at the start, or all.
POSTS = ("bases", "all")
#: Longest limits accepted (minutes; moves per day).
MAX_MINUTES = 10_000.0
MAX_MOVES_PER_DAY = 100_000


@dataclass(frozen=True)
class MoveupSpec:
    """The ``[moveup]`` table: which policy moves free teams, on what demand, within what limits.

    Attributes
    ----------
    policy
        ``"none"`` (coverage is measured, no team moves), ``"compliance"``
        (a compliance table: for ``k`` free teams of a capability, the stations
        they should stand at) or ``"mexclp"`` (re-solve a maximal expected
        coverage placement when expected coverage falls below ``threshold``).
    capabilities
        Capabilities whose teams may move (and whose coverage is measured);
        ``None``: every capability the region has.
    demand
        Where coverage counts (:data:`DEMANDS`): ``"population"`` (the
        network's population proxy, which the scenarios draw incidents on;
        no foresight), ``"nodes"`` (every node alike) or ``"incidents"`` (the
        nodes of this run's own incidents, per capability they ask for: the
        policy knows where the calls will come, an upper bound).
    cover_min
        Drive minutes from a station within which a node counts as covered;
        ``None``: the arrival target (``targets.arrival``).
    min_gap_min
        Least minutes between the starts of two moves of one team.
    max_travel_min
        Longest drive of one move, minutes.
    max_moves_per_day
        Most moves of all teams together per 24 hours from the run's start;
        ``None``: no limit.
    busy_probability
        Chance that a team is busy when called (MEXCLP's ``q``): a node covered
        by ``n`` free teams counts ``1 - q**n`` of its demand. ``None``: per
        capability, a system-wide rate estimated from the run's incidents
        (their number and work, not where they are; see
        :func:`sim.moveup_cover.busy_share`).
    threshold
        MEXCLP re-solves when the free teams' expected coverage is below this
        share of the best placement found for as many teams, and stops when it
        is back above it.
    min_gain
        Least expected coverage (share of demand) one MEXCLP move must add.
    posts
        Stations a MEXCLP move may go to (:data:`POSTS`).
    keep_last_team
        No move takes the last free team of a capability from a station that
        held the capability at the start (a team on its way back to it, or
        moving in, counts as there, as every policy counts it): a township
        keeps its own team rather than being emptied to cover the county seat
        (乡镇站不抽空).
    tables
        Compliance tables given by the user: ``(capability, levels)``, level
        ``k`` (from 1) listing the ``k`` station names (repeats allowed) where
        ``k`` free teams should stand. Capabilities without one get the table
        derived from the stations (see :mod:`sim.moveup_cover`).
    raw
        The table as given (not part of equality).
    """

    policy: str = "compliance"
    capabilities: tuple[str, ...] | None = None
    demand: str = "population"
    cover_min: float | None = None
    min_gap_min: float = 60.0
    max_travel_min: float = 30.0
    max_moves_per_day: int | None = None
    busy_probability: float | None = None
    threshold: float = 0.9
    min_gain: float = 0.01
    posts: str = "bases"
    keep_last_team: bool = False
    tables: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        source: str | None = None,
        key: str = "moveup",
        stations: Sequence[str] | Mapping[str, str] | None = None,
    ) -> MoveupSpec:
        """Validate a ``[moveup]`` table (see the module docstring).

        Parameters
        ----------
        data
            The table.
        source, key
            File and dotted key, for error messages.
        stations
            Names of the region's stations, which compliance tables must use,
            or a mapping of each name a table may use (a Chinese name too) to the
            station's own name; ``None``: not checked yet (the region is placed
            later).

        Returns
        -------
        MoveupSpec

        Raises
        ------
        networks.errors.ConfigError
            Naming ``source`` and the dotted key of the first mistake.
        """
        r = Reader(data, source=source, key=key)
        MOVEUP.allow(r)
        caps = None
        if r.has("capabilities"):
            v = r.get("capabilities")
            if not isinstance(v, list) or not v or not all(isinstance(c, str) for c in v):
                raise r.error("capabilities", _("expected a non-empty list of capabilities"))
            for i, c in enumerate(v):
                if c not in CAPABILITIES:
                    raise r.error(
                        f"capabilities[{i}]",
                        _("unknown capability {capability!r}; expected one of {known}")
                        .format(capability=c, known=", ".join(CAPABILITIES)),
                    )  # fmt: skip
            caps = tuple(dict.fromkeys(v))
        gap = MOVEUP.read(r, "min_minutes_between_moves")
        per_day = MOVEUP.read(r, "max_moves_per_day")
        return cls(
            policy=MOVEUP.read(r, "policy"),
            capabilities=caps,
            demand=MOVEUP.read(r, "demand"),
            cover_min=MOVEUP.read(r, "cover_min"),
            min_gap_min=float(gap),
            max_travel_min=float(MOVEUP.read(r, "max_travel_min")),
            max_moves_per_day=None if per_day is None else int(per_day),
            busy_probability=_opt_float(MOVEUP.read(r, "busy_probability")),
            threshold=float(MOVEUP.read(r, "threshold")),
            min_gain=float(MOVEUP.read(r, "min_gain")),
            posts=MOVEUP.read(r, "posts"),
            keep_last_team=bool(MOVEUP.read(r, "keep_last_team")),
            tables=_tables(r, stations),
            raw=dict(data),
        )

    def unread_tables(self) -> list[tuple[str, str]]:
        """``(capability, why)`` of each compliance table this spec would not read.

        Allowed (an experiment may cross a bureau's table with other policies),
        but ``yingji run`` warns: alone, such a table changes nothing.
        """
        if self.policy != "compliance":
            why = _('read by policy = "compliance" only, not {policy!r}').format(policy=self.policy)
            return [(cap, why) for cap, _levels in self.tables]
        names = ", ".join(self.capabilities or ())
        return [
            (cap, _("not among the capabilities that move ({names})").format(names=names))
            for cap, _levels in self.tables
            if self.capabilities is not None and cap not in self.capabilities
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (the settings as used)."""
        out: dict[str, Any] = {
            "policy": self.policy,
            "demand": self.demand,
            "min_minutes_between_moves": self.min_gap_min,
            "max_travel_min": self.max_travel_min,
            "busy_probability": "auto" if self.busy_probability is None else self.busy_probability,
            "threshold": self.threshold,
            "min_gain": self.min_gain,
            "posts": self.posts,
        }
        if self.capabilities is not None:
            out["capabilities"] = list(self.capabilities)
        if self.cover_min is not None:
            out["cover_min"] = self.cover_min
        if self.max_moves_per_day is not None:
            out["max_moves_per_day"] = self.max_moves_per_day
        if self.keep_last_team:
            out["keep_last_team"] = True
        if self.tables:
            out["tables"] = {c: [list(level) for level in t] for c, t in self.tables}
        return out


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _tables(
    r: Reader, stations: Sequence[str] | Mapping[str, str] | None
) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """``tables``: per capability, levels 1..n of station names."""
    t = r.table("tables", {})
    MOVEUP_TABLES.allow(t)
    # Name -> the station's own name: a Chinese name (name_zh) is read as the station.
    known = None if stations is None else (
        dict(stations) if isinstance(stations, Mapping) else {n: n for n in stations}
    )  # fmt: skip
    out = []
    for cap in t.data:
        levels = t.get(str(cap))
        if not isinstance(levels, list) or not levels:
            raise t.error(str(cap), _("expected a non-empty list of levels (lists of stations)"))
        rows = []
        for k, level in enumerate(levels, start=1):
            where = f"{cap}[{k - 1}]"
            if not isinstance(level, list) or len(level) != k:
                raise t.error(
                    where,
                    _("level {k} must list {k} station names (one per free team)").format(k=k),
                )
            for j, name in enumerate(level):
                if not isinstance(name, str):
                    raise t.error(f"{where}[{j}]", _("expected a station name"))
                if known is not None and name not in known:
                    names = list(dict.fromkeys(known.values()))  # the region's order
                    shown = _(", ").join(names[:12]) + ("…" if len(names) > 12 else "")
                    raise t.error(
                        f"{where}[{j}]",
                        _("no station named {name!r} (the region has: {names})").format(
                            name=name, names=shown
                        ),
                    )
            rows.append(tuple(level if known is None else (known[n] for n in level)))
        out.append((str(cap), tuple(rows)))
    return tuple(out)


#: The ``[moveup]`` table of a run config.
MOVEUP = Section(
    "moveup",
    "Move-up",
    (
        Key("policy", "string", "Which policy moves free teams to cover for busy ones: "
            '"compliance" (a compliance table), "mexclp" (re-solve a maximal expected coverage '
            'placement when coverage falls) or "none" (coverage measured, nobody moves).',
            "动态调度策略", default="compliance", choices=POLICIES),
        Key("capabilities", "list", "Capabilities whose teams may move (and whose coverage "
            "is measured).", "调度力量类型", default_text="every capability of the region",
            allowed_text=", ".join(CAPABILITIES)),
        Key("demand", "string", 'Where coverage counts: "population" (the network\'s '
            'population proxy, which the scenarios draw incidents on), "nodes" (every node '
            'alike) or "incidents" (the run\'s own incidents, per capability they ask for: '
            "perfect foresight of where the calls will come, an upper bound).", "需求分布",
            default="population", choices=DEMANDS),
        Key("cover_min", "number", "Drive minutes from a station within which a place counts "
            "as covered.", "覆盖时限", lo=0, lo_open=True, hi=MAX_MINUTES,
            default_text="targets.arrival"),
        Key("min_minutes_between_moves", "number", "Least minutes between two moves of the "
            "same team (from start to start).", "同一队伍调动间隔", default=60.0, lo=0,
            hi=MAX_MINUTES),
        Key("max_travel_min", "number", "Longest drive of one move, minutes.",
            "单次调动最长行驶时间", default=30.0, lo=0, lo_open=True, hi=MAX_MINUTES),
        Key("max_moves_per_day", "integer", "Most moves of all teams together per 24 hours "
            "from the start.", "每日调动上限", lo=0, hi=MAX_MOVES_PER_DAY,
            default_text="no limit"),
        Key("busy_probability", "number", "Chance that a team is busy when called (MEXCLP): a "
            "place covered by n free teams counts 1 - p^n of its demand.", "队伍繁忙概率",
            lo=0, hi=0.99, default_text="a system-wide rate per capability estimated from the "
            "run's incidents (how many and how much work, not where): team-minutes asked (work "
            "on scene and a round trip of twice cover_min) over the teams' minutes"),
        Key("threshold", "number", "mexclp: re-solve when the free teams' expected coverage "
            "falls below this share of the best placement found for as many teams.",
            "重新优化阈值", default=0.9, lo=0, hi=1),
        Key("min_gain", "number", "mexclp: least expected coverage (share of demand) one move "
            "must add.", "单次调动最小增益", default=0.01, lo=0, hi=1),
        Key("posts", "string", 'mexclp: stations a move may go to: "bases" (those holding the '
            'capability at the start) or "all" stations of the region.', "可调往站点",
            default="bases", choices=POSTS),
        Key("keep_last_team", "boolean", "No move takes the last free team of a capability "
            "from a station that held the capability at the start (a team on its way back or "
            "moving in counts as there): townships are not emptied to cover others.",
            "乡镇站不抽空（保留本站最后一支队伍）", default=False),
        Key("tables", "table", "compliance: your own table per capability.", "覆盖对照表",
            default={}),
    ),
    zh="动态调度（补位）",
    help="Off without this table. When busy teams leave places uncovered, free teams of the "
    "same capability move to other stations to cover them; a moved team answers calls on "
    "the way and returns to its new station after an incident. Adds the moves and coverage "
    "tables and the moveup_* metrics.",
)  # fmt: skip
#: ``[moveup.tables]``.
MOVEUP_TABLES = Section(
    "moveup.tables",
    "Compliance tables",
    (Key("<capability>", "array", "Levels 1..n: level k lists the k station names (repeats "
         "allowed) where k free teams of this capability should stand.", "覆盖对照表",
         names=CAPABILITIES, default_text="derived from the stations"),),
    zh="覆盖对照表",
    help="A level for more free teams than the table has: nobody moves. Without a table, "
    "level n is the stations as built and each lower level leaves out the station whose "
    "loss costs least expected coverage.",
)  # fmt: skip
