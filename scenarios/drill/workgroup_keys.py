"""The keys of a drill file's ``[workgroups]`` table, as records :class:`CommandPost` reads.

``[workgroups]``, ``[[workgroups.group]]`` (the fields of :class:`WorkGroup`) and
``[[workgroups.force]]`` (those of :class:`Force`); see :mod:`scenarios.drill.workgroups`.
"""

from __future__ import annotations

from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.drill.workgroups import (
    _BUILT_IN,
    _FORCE_GROUP,
    COMMAND_POST_MIN,
    DEFAULT_GROUPS,
    FORCE_KINDS,
    MAX_COMMAND_POST_MIN,
    POSITIONS,
    CommandPost,
)

__all__ = ["FORCE", "WORKGROUPS", "WORK_GROUP"]

_TEXT = "one line of printable text, at most 200 characters"
#: The ``[workgroups]`` table of a drill file (what :meth:`CommandPost.from_dict` accepts).
WORKGROUPS = Section(
    "workgroups",
    "Command post and work groups",
    (
        Key("command_post_min", "number",
            "Minutes after the call by which the command post should be set up (measured).",
            "现场指挥部开设时限", default=COMMAND_POST_MIN, lo=0, lo_open=True,
            hi=MAX_COMMAND_POST_MIN),
        Key("commander", "string", "Who commands the post.", "指挥长",
            default=CommandPost.commander, allowed_text=_TEXT),
        Key("commander_zh", "string", "The commander in Chinese.", default=CommandPost.commander_zh,
            allowed_text=_TEXT),
        Key("groups", "list", "The work groups, in the order shown (built-in or defined keys).",
            "工作组", default=[g.key for g in DEFAULT_GROUPS]),
        Key("group", "array of tables",
            "[[workgroups.group]]: change a built-in group, or define a new one.", "工作组"),
        Key("force", "array of tables",
            "[[workgroups.force]]: the participating forces (listing any replaces the defaults).",
            "参演力量", default_text="enterprise, social and information-officer forces"),
    ),
    zh="现场指挥部",
    help="The on-site command post (现场指挥部) and its work groups (工作组); each group is "
    "observed by one evaluator position.",
)  # fmt: skip
#: One ``[[workgroups.group]]`` (its keys are :class:`WorkGroup`'s fields).
WORK_GROUP = Section(
    "workgroups.group[]",
    "Work group",
    (
        Key("key", "string", "Identifier: a built-in group's key changes it, a new key adds one.",
            default=REQUIRED,
            allowed_text="letters, digits and _; built in: " + ", ".join(_BUILT_IN)),
        Key("name", "string", "Its name (required for a new group).", "名称", allowed_text=_TEXT),
        Key("name_zh", "string", "Its Chinese name.", "中文名称", default_text="the name",
            allowed_text=_TEXT),
        Key("duties", "string", "What it does.", "职责", allowed_text=_TEXT),
        Key("duties_zh", "string", "Its duties in Chinese.", allowed_text=_TEXT),
        Key("lead", "string", "The unit that leads it.", "牵头单位", allowed_text=_TEXT),
        Key("lead_zh", "string", "The lead unit in Chinese.", allowed_text=_TEXT),
        Key("position", "string", "The evaluator position that observes it.", "评估岗位",
            choices=tuple(POSITIONS), default_text="the built-in group's, else command"),
    ),
    zh="工作组",
)  # fmt: skip
#: One ``[[workgroups.force]]`` (its keys are :class:`Force`'s fields).
FORCE = Section(
    "workgroups.force[]",
    "Participating force",
    (
        Key("name", "string", "Who they are.", "名称", default=REQUIRED, allowed_text=_TEXT),
        Key("name_zh", "string", "Their Chinese name.", "中文名称", default_text="the name",
            allowed_text=_TEXT),
        Key("kind", "string", "What kind of force.", "力量类型", default=REQUIRED,
            choices=tuple(FORCE_KINDS)),
        Key("group", "string", "Key of the work group it joins (a listed group).", "编入工作组",
            default_text="by kind: " + ", ".join(f"{k} {g}" for k, g in _FORCE_GROUP.items())),
    ),
    zh="参演力量",
)  # fmt: skip
