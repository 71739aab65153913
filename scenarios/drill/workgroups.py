"""Roles and units as Chinese drills organise them, and what each role learns when.

A Chinese response is run from an on-site command post (现场指挥部) with work
groups (工作组) under it, each led by a named unit; the participating forces
are the government's professional teams and township rescue stations, and
also enterprise and social rescue forces (企业和社会应急救援力量) and the
disaster information officers (灾害信息员) who are usually the first to report.
This module holds that organisation as plain, bilingual data:

* :class:`WorkGroup`, :class:`Force` and :class:`CommandPost` (the post, its
  groups, the forces and the target time for setting the post up, which
  evaluators measure), read from a drill file's ``[workgroups]`` table by
  :meth:`CommandPost.from_dict`; :data:`DEFAULT_GROUPS` and
  :data:`DEFAULT_FORCES` without one;
* :data:`POSITIONS`, the evaluator positions (指挥协调, 现场处置, 信息报送, 保障)
  that observe the groups;
* :data:`ICS_ROLES`, what stands in the post for each US incident-command role.

What participants, controllers (导调) and evaluators learn, and when, at each
blind level (:data:`DISCLOSURE`, :func:`disclosed`, :func:`known_at_alarm`, with
:data:`ROLES`, :data:`ITEMS` and :data:`WHEN`) lives in
:mod:`scenarios.drill.disclosure` and is re-exported here.

Texts are pairs (English, Chinese) shown with :func:`networks.i18n.both`, like
catalogue names: they are the bureaus' terms, not messages to translate.

The ``[workgroups]`` table::

    [workgroups]
    command_post_min = 30           # 现场指挥部开设: minutes after the call (measured)
    commander = "Deputy county head in charge"
    commander_zh = "分管副县长"
    groups = ["coordination", "rescue", "medical", "security", "logistics",
              "media", "experts", "aftermath", "traffic"]

    [[workgroups.group]]            # a built-in key changes that group; a new key adds one
    key = "rescue"
    lead = "County Fire and Rescue Brigade"
    lead_zh = "县消防救援大队"

    [[workgroups.group]]
    key = "traffic"
    name = "Traffic control group"
    name_zh = "交通管控组"
    duties = "Close and divert roads, keep a way in for responders"
    duties_zh = "负责道路封控、分流，保障救援通道畅通"
    lead = "County transport bureau"
    lead_zh = "县交通运输局"
    position = "support"            # the evaluator position that observes it

    [[workgroups.force]]            # listing forces replaces the default list
    name = "Hengfeng Chemical full-time fire brigade"
    name_zh = "恒丰化工专职消防队"
    kind = "enterprise"             # enterprise | social | information_officer |
                                    # township | professional
    group = "rescue"                # the work group it joins (default by kind)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from networks.i18n import _
from scenarios.drill.disclosure import (
    DISCLOSURE,
    ITEMS,
    ROLES,
    WHEN,
    disclosed,
    known_at_alarm,
)
from scenarios.validate import Reader, shown

#: Minutes after the call by which the command post should be set up (现场指挥部开设),
#: when a drill file gives none. A design value: the first team is due at 1 + 10 = 11
#: minutes, the lead officials of a county come in some 20 to 30, and live video from the
#: scene (可视化) is due at 30 minutes and is normally run from the post.
COMMAND_POST_MIN = 30.0
#: Longest target of the command post (a day); longer is a typo.
MAX_COMMAND_POST_MIN = 24 * 60.0
#: Most work groups and forces a drill file may list.
MAX_ITEMS = 50

#: Evaluator positions: key -> (English, Chinese) and where the evaluator stands.
POSITIONS: dict[str, tuple[str, str]] = {
    "command": ("Command and coordination", "指挥协调"),
    "field": ("On-scene operations", "现场处置"),
    "reporting": ("Information reporting", "信息报送"),
    "support": ("Support", "保障"),
}
#: Where each position's evaluator stands.
POSITION_POSTS: dict[str, tuple[str, str]] = {
    "command": ("command post and command centre", "现场指挥部、指挥中心"),
    "field": ("the scene, outside the isolation zone", "事发现场（警戒区外）"),
    "reporting": ("duty desk of the command centre", "指挥中心值班室"),
    "support": ("depots, staging area and communications", "物资库、集结点和通信保障点"),
}


@dataclass(frozen=True)
class WorkGroup:
    """One work group (工作组) of the command post.

    Attributes
    ----------
    key
        Identifier (``"rescue"``); the same in every language.
    name, name_zh
        Its name (``"Rescue group"``, ``"抢险救援组"``).
    duties, duties_zh
        What it does.
    lead, lead_zh
        The unit that leads it (牵头单位).
    position
        The evaluator position that observes it (a key of :data:`POSITIONS`).
    """

    key: str
    name: str
    name_zh: str
    duties: str
    duties_zh: str
    lead: str
    lead_zh: str
    position: str

    def to_dict(self) -> dict[str, str]:
        """Plain data (JSON-ready)."""
        return {
            "key": self.key, "name": self.name, "name_zh": self.name_zh, "duties": self.duties,
            "duties_zh": self.duties_zh, "lead": self.lead, "lead_zh": self.lead_zh,
            "position": self.position,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkGroup:
        """Read :meth:`to_dict` back."""
        return cls(**{k: str(data.get(k, "")) for k in cls.__dataclass_fields__})


#: The work groups of a county command post, as county plans commonly name them.
DEFAULT_GROUPS: tuple[WorkGroup, ...] = (
    WorkGroup(
        "coordination", "General coordination group", "综合协调组",
        "Runs the command post, keeps its log, gathers information and reports it upward, "
        "coordinates the groups",
        "负责现场指挥部运转和值守记录，汇总信息并向上级报告，协调各工作组",
        "County emergency management bureau", "县应急管理局", "command",
    ),
    WorkGroup(
        "rescue", "Rescue group", "抢险救援组",
        "Rescues people and controls the hazard; sets the isolation zone; keeps responders "
        "out of danger (safety officer)",
        "负责抢险救援和险情控制，划定危险区域，保障救援人员安全（设安全员）",
        "County fire and rescue brigade", "县消防救援大队", "field",
    ),
    WorkGroup(
        "medical", "Medical treatment group", "医疗救治组",
        "Triage, treatment on scene, transport of casualties, hospital beds",
        "负责伤员检伤分类、现场救治、转运和医院收治",
        "County health commission", "县卫生健康局", "field",
    ),
    WorkGroup(
        "security", "Security, cordon and evacuation group", "治安警戒与疏散组",
        "Cordon, traffic control, evacuation of people at risk, public order",
        "负责现场警戒、交通管制、受威胁人员疏散和治安秩序维护",
        "County public security bureau", "县公安局", "field",
    ),
    WorkGroup(
        "logistics", "Logistics group", "后勤保障组",
        "Supplies from the depots, transport, communications, power, food and rest for "
        "responders",
        "负责应急物资调运、交通运输、通信、电力和救援人员生活保障",
        "County development and reform bureau", "县发展和改革局", "support",
    ),
    WorkGroup(
        "media", "News and publicity group", "新闻宣传组",
        "Press releases and the spokesperson, watching and answering public opinion and "
        "rumours",
        "负责新闻发布和新闻发言人工作，监测、引导舆情，澄清谣言",
        "Publicity department of the county party committee", "县委宣传部", "reporting",
    ),
    WorkGroup(
        "experts", "Expert group", "专家组",
        "Assesses the hazard and the secondary risks, advises the commander",
        "负责研判险情和次生衍生风险，为指挥决策提供建议",
        "County emergency management bureau (expert pool)", "县应急管理局（专家库）",
        "command",
    ),
    WorkGroup(
        "aftermath", "Aftermath group", "善后处置组",
        "Shelter for the affected, care for the families of casualties, compensation, "
        "restoring order",
        "负责受影响群众安置、伤亡人员家属安抚、善后赔偿和秩序恢复",
        "Township government of the scene, county civil affairs bureau",
        "事发地乡镇人民政府、县民政局", "support",
    ),
)  # fmt: skip
_BUILT_IN = {g.key: g for g in DEFAULT_GROUPS}

#: Kinds of participating force: key -> (English, Chinese), and the group each joins by default.
FORCE_KINDS: dict[str, tuple[str, str]] = {
    "professional": ("Professional rescue team", "专业应急救援队伍"),
    "township": ("Township (street) rescue station", "乡镇（街道）应急救援站"),
    "enterprise": ("Enterprise rescue force", "企业应急救援力量"),
    "social": ("Social rescue force", "社会应急救援力量"),
    "information_officer": (
        "Disaster information officers (first reporters)", "灾害信息员（首报）"
    ),
}  # fmt: skip
_FORCE_GROUP = {
    "professional": "rescue",
    "township": "rescue",
    "enterprise": "rescue",
    "social": "rescue",
    "information_officer": "coordination",
}


@dataclass(frozen=True)
class Force:
    """A participating force beside the stations of the region.

    Attributes
    ----------
    name, name_zh
        Who they are.
    kind
        A key of :data:`FORCE_KINDS`.
    group
        Key of the work group it joins.
    """

    name: str
    name_zh: str
    kind: str
    group: str

    @property
    def first_reporter(self) -> bool:
        """Disaster information officers report first (灾情首报) and act first."""
        return self.kind == "information_officer"

    def to_dict(self) -> dict[str, str]:
        """Plain data (JSON-ready)."""
        return {"name": self.name, "name_zh": self.name_zh, "kind": self.kind, "group": self.group}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Force:
        """Read :meth:`to_dict` back."""
        return cls(**{k: str(data.get(k, "")) for k in cls.__dataclass_fields__})


#: Forces beside the stations when a drill file lists none (seed 004: enterprise and social
#: rescue forces train with the professional teams; information officers report first).
DEFAULT_FORCES: tuple[Force, ...] = (
    Force(
        "Enterprise rescue forces (full-time fire brigades and rescue teams of nearby firms)",
        "企业应急救援力量（周边企业专职消防队、救援队）", "enterprise", "rescue",
    ),
    Force(
        "Social rescue forces (registered volunteer rescue teams)",
        "社会应急救援力量（登记在册的志愿救援队）", "social", "rescue",
    ),
    Force(
        "Disaster information officers of the village or community: first report, early action",
        "村（社区）灾害信息员：灾情首报、先期处置", "information_officer", "coordination",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class CommandPost:
    """The on-site command post (现场指挥部), its work groups and the forces.

    Attributes
    ----------
    target_min
        Minutes after the call by which the post should be set up (measured).
    commander, commander_zh
        Who commands it (指挥长).
    groups
        Its work groups, in the order shown.
    forces
        Participating forces besides the region's stations.
    """

    target_min: float = COMMAND_POST_MIN
    commander: str = "The county leader in charge, as the plan names"
    commander_zh: str = "县政府分管负责同志（按预案确定）"
    groups: tuple[WorkGroup, ...] = DEFAULT_GROUPS
    forces: tuple[Force, ...] = DEFAULT_FORCES

    def group(self, key: str) -> WorkGroup | None:
        """The work group ``key``, or None."""
        return next((g for g in self.groups if g.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready), as recorded in a drill script's evaluation."""
        return {
            "target_min": self.target_min,
            "commander": self.commander,
            "commander_zh": self.commander_zh,
            "groups": [g.to_dict() for g in self.groups],
            "forces": [f.to_dict() for f in self.forces],
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any] | None) -> CommandPost:
        """Read :meth:`to_dict` back (the defaults for a script that records none)."""
        if not data:
            return cls()
        return cls(
            target_min=float(data["target_min"]),
            commander=str(data.get("commander", "")),
            commander_zh=str(data.get("commander_zh", "")),
            groups=tuple(WorkGroup.from_dict(g) for g in data.get("groups", [])),
            forces=tuple(Force.from_dict(f) for f in data.get("forces", [])),
        )

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any] | None, *, source: str | None = None, key: str = "workgroups"
    ) -> CommandPost:
        """Validate a drill file's ``[workgroups]`` table (None: the defaults).

        Raises
        ------
        ConfigError
            Naming ``source`` and the dotted key.
        """
        if data is None:
            return cls()
        from scenarios.drill.workgroup_keys import FORCE, WORK_GROUP, WORKGROUPS

        r = Reader(data, source=source, key=key)
        WORKGROUPS.allow(r)
        target = WORKGROUPS.read(r, "command_post_min")
        defined = dict(_BUILT_IN)
        own: list[str] = []
        for i, g in enumerate(_entries(r, "group")):
            gr = Reader(g, source=source, key=f"{r.path('group')}[{i}]")
            WORK_GROUP.allow(gr)
            k = _line(gr, "key", "")
            if not k or not k.isidentifier():
                raise gr.error("key", _("expected a key of letters, digits and _, e.g. traffic"))
            if k in own:
                raise gr.error("key", _("group {key!r} is defined twice").format(key=k))
            own.append(k)
            base = defined.get(k)
            if base is None and not gr.has("name"):
                raise gr.error("name", _("a new group needs a name"))
            values = {f: _line(gr, f, getattr(base, f) if base else "") for f in _GROUP_TEXTS}
            values["name_zh"] = values["name_zh"] or values["name"]
            position = gr.str("position", base.position if base else "command",
                              choices=WORK_GROUP["position"].choices)  # fmt: skip
            defined[k] = WorkGroup(key=k, position=position, **values)
        if r.has("groups"):
            keys = r.get("groups")
            if not (isinstance(keys, list) and keys and all(isinstance(x, str) for x in keys)):
                raise r.error("groups", _("expected a non-empty list of group keys"))
            if len(set(keys)) != len(keys):
                raise r.error("groups", _("names must not repeat"))
            for k in keys:
                if k not in defined:
                    raise r.error(
                        "groups",
                        _("unknown group {key!r} (built in: {known}; or define it in "
                          "[[workgroups.group]])").format(key=k, known=", ".join(_BUILT_IN)),
                    )  # fmt: skip
            for k in own:
                if k not in keys:
                    raise r.error(
                        "groups", _("group {key!r} is defined but not listed").format(key=k)
                    )
        else:
            keys = [*_BUILT_IN, *(k for k in own if k not in _BUILT_IN)]
        groups = tuple(defined[k] for k in keys)
        forces = list(DEFAULT_FORCES)
        if r.has("force"):
            forces = []
            for i, f in enumerate(_entries(r, "force")):
                fr = Reader(f, source=source, key=f"{r.path('force')}[{i}]")
                FORCE.allow(fr)
                kind = FORCE.read(fr, "kind")
                group = fr.str("group", _FORCE_GROUP[kind])
                if group not in keys:
                    raise fr.error(
                        "group",
                        _("{value!r} is not one of {choices}").format(
                            value=group, choices=", ".join(keys)
                        ),
                    )
                name = _line(fr, "name")
                forces.append(Force(name, _line(fr, "name_zh", "") or name, kind, group))
        # a default force whose group the file left out joins the first group listed
        forces = [f if f.group in keys else replace(f, group=keys[0]) for f in forces]
        commander, commander_zh = cls.commander, cls.commander_zh
        if r.has("commander"):
            commander = _line(r, "commander")
            commander_zh = _line(r, "commander_zh", "") or commander
        elif r.has("commander_zh"):
            commander_zh = _line(r, "commander_zh")
        return cls(target, commander, commander_zh, groups, tuple(forces))


_GROUP_TEXTS = ("name", "name_zh", "duties", "duties_zh", "lead", "lead_zh")


def _entries(r: Reader, name: str) -> list[Any]:
    """An array of tables (``[[workgroups.group]]``)."""
    v = r.get(name, [])
    if not isinstance(v, list) or not all(isinstance(x, Mapping) for x in v):
        raise r.error(name, _("expected an array of tables, [[{key}]]").format(key=r.path(name)))
    if len(v) > MAX_ITEMS:
        raise r.error(name, _("at most {n} entries").format(n=MAX_ITEMS))
    return v


def _line(r: Reader, name: str, default: Any = ...) -> str:
    """One line of printable text of at most 200 characters (it goes into HTML and CSV)."""
    v = r.str(name, default)
    if any(ord(c) < 32 or ord(c) == 127 for c in v):
        raise r.error(
            name, _("must be one line of printable text, got {value!r}").format(value=shown(v))
        )
    if len(v) > 200:
        raise r.error(name, _("at most 200 characters, got {n}").format(n=len(v)))
    return v


#: The US incident-command roles of a six-no sheet (:data:`scenarios.drill.draw.SIX_NO_ROLES`)
#: and what stands for each in a Chinese command post (``""``: the duty desk, no group).
ICS_ROLES: dict[str, str] = {
    "Duty officer taking the first call": "",
    "Incident commander": "commander",
    "Safety officer (isolation zone, responders out of danger)": "rescue",
    "Information officer": "media",
    "Logistics (supplies and depots)": "logistics",
    "Liaison with the next level up (reports)": "coordination",
}


__all__ = [
    "COMMAND_POST_MIN",
    "DEFAULT_FORCES",
    "DEFAULT_GROUPS",
    "DISCLOSURE",
    "FORCE_KINDS",
    "ICS_ROLES",
    "ITEMS",
    "POSITIONS",
    "POSITION_POSTS",
    "ROLES",
    "WHEN",
    "CommandPost",
    "Force",
    "WorkGroup",
    "disclosed",
    "known_at_alarm",
]
