"""What each role of a drill learns, and when (公开内容与时机).

A drill discloses its notice, time, place, content, script, roles, method and
rehearsal to participants, controllers (导调) and evaluators at different
moments, depending on its blind level (single, double, six-no 六不):

* :data:`ROLES`, :data:`ITEMS` and :data:`WHEN`, bilingual names of the roles,
  the items and the moments;
* :data:`DISCLOSURE`, the table by blind level, role and item;
* :func:`disclosed` and :func:`known_at_alarm`, to read it.

Texts are pairs (English, Chinese) shown with :func:`networks.i18n.both`. These
names are also importable from :mod:`scenarios.drill.workgroups`.
"""

from __future__ import annotations

from typing import Any

#: Roles that receive packets.
ROLES: dict[str, tuple[str, str]] = {
    "participants": ("Participants (players)", "参演人员"),
    "controllers": ("Controllers", "导调人员"),
    "evaluators": ("Evaluators", "评估人员"),
}
#: What a drill may disclose.
ITEMS: dict[str, tuple[str, str]] = {
    "notice": ("Notice that a drill will be held", "演练通知"),
    "time": ("Start time", "演练时间"),
    "place": ("Place", "演练地点"),
    "content": ("Scenario (hazard, grade, course of events)", "演练内容（情景）"),
    "script": ("Script (inject timeline)", "演练脚本（情景注入）"),
    "roles": ("Role assignment (commander, work groups)", "角色分工（指挥长、工作组）"),
    "method": ("Method (field or tabletop, how play runs)", "演练方式（实战或桌面、如何推进）"),
    "rehearsal": ("Rehearsal", "预演"),
}
#: When a role learns an item.
WHEN: dict[str, tuple[str, str]] = {
    "before": ("before the drill", "演练前"),
    "alarm": ("at the alarm", "接警时（演练开始）"),
    "play": ("during play, as it unfolds", "演练中逐步获知"),
    "reveal": ("at the reveal (start of the drill)", "启封时（演练开始）"),
    "after": ("after the drill, at the debrief", "演练结束后讲评时"),
    "allowed": ("allowed (procedures only; the drawn scenario stays sealed)",
                "可预演（仅限程序，抽定的情景保持密封）"),
    "none": ("none", "不预演"),
}  # fmt: skip


def _table(rows: dict[str, tuple[str, str, str, str, str, str, str, str]]) -> dict[str, Any]:
    return {role: dict(zip(ITEMS, whens, strict=True)) for role, whens in rows.items()}


#: What each role learns and when, by blind level (values are keys of :data:`WHEN`).
#: Double blind (双盲): units are not notified, time, place and content are not disclosed,
#: play is driven by the controllers (导调), who hold the script and may prepare with it;
#: roles and method are handed over with the alarm. Six-no (六不) adds: no script (nobody,
#: not even the controllers, holds one before the reveal), no roles assigned (players
#: organise themselves; evaluators record who took which), no method disclosed and no
#: rehearsal. Single blind: only the time is kept from the players.
#: Items, in order: notice, time, place, content, script, roles, method, rehearsal.
DISCLOSURE: dict[str, dict[str, dict[str, str]]] = {
    "single": _table({
        "participants": ("before", "alarm", "before", "before", "after", "before", "before",
                         "allowed"),
        "controllers": ("before",) * 7 + ("allowed",),
        "evaluators": ("before",) * 7 + ("allowed",),
    }),
    "double": _table({
        "participants": ("alarm", "alarm", "alarm", "play", "after", "alarm", "alarm",
                         "allowed"),
        "controllers": ("before",) * 7 + ("allowed",),
        "evaluators": ("before",) * 7 + ("allowed",),
    }),
    "six-no": _table({
        "participants": ("alarm", "alarm", "alarm", "play", "after", "after", "after", "none"),
        "controllers": ("before", "reveal", "reveal", "reveal", "reveal", "play", "reveal",
                        "none"),
        "evaluators": ("before", "reveal", "reveal", "reveal", "reveal", "play", "reveal",
                       "none"),
    }),
}  # fmt: skip


def disclosed(blind_level: str, role: str, item: str) -> str:
    """When ``role`` learns ``item`` at ``blind_level`` (a key of :data:`WHEN`).

    Raises
    ------
    KeyError
        For an unknown level, role or item.
    """
    return DISCLOSURE[blind_level][role][item]


def known_at_alarm(blind_level: str, role: str, item: str) -> bool:
    """Whether ``role`` knows ``item`` by the time of the alarm (so a packet may say it)."""
    return DISCLOSURE.get(blind_level, DISCLOSURE["six-no"])[role][item] in ("before", "alarm")


__all__ = [
    "DISCLOSURE",
    "ITEMS",
    "ROLES",
    "WHEN",
    "disclosed",
    "known_at_alarm",
]
