"""Reporting rules (信息报送时限): who reports to whom, by when, per jurisdiction.

Every jurisdiction sets its own time limits, so the rules are a table, read
from ``[reporting]`` in a run config on top of a shipped preset:

``national``
    《生产安全事故报告和调查处理条例》(国务院令第493号): the unit reports to the
    county within 1 hour (art. 9); every level reports on within 2 hours
    (art. 11); 一般 events go up to the city (设区的市), 较大 to the province,
    重大 and 特别重大 to the State Council (art. 10), which yingji also reports
    straight to the top (art. 10 allows 越级上报); new facts are reported as
    they arise (art. 13: "及时补报", read here as within 60 minutes). The
    regulation does not set apart phone and written reports; yingji adds the
    common rule that the written report follows the phone report within 30
    minutes.
``henan``
    A provincial rule (河南, news.hnr.cn/snxw/article/1/1335773042856562688):
    grade I–II by phone within 15 minutes and in writing within 35 minutes
    of learning of the event, grade III in writing within 1 hour, grade IV
    within 6 hours; follow-ups twice a day (every 12 hours) while it lasts.
``guizhou``
    The provincial plan of seed 001 (贵州): for 重大 and graver events a
    written report within 30 minutes of the phone report; for 较大 and graver
    events, a first report to the province within 2 hours of the event at the
    latest, and the receiving level reports directly to the province as well
    as step by step. (The plan sets the 30 minutes for reports to the
    province; yingji applies it on every link of those grades.)

Times are minutes; a grade with no limit (``None``) is never late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from networks.i18n import _
from scenarios.distributions import Distribution, Lognormal
from scenarios.distributions import from_dict as dist_from_dict
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import Reader, check_num
from sim.duty import LEVELS

#: The kinds of report, in the order an incident produces them.
KINDS = ("phone_first", "written_first", "follow_up", "final")
#: Shortest follow-up interval, minutes (a shorter one is not a reporting rule, and would
#: make millions of reports in a long event).
MIN_INTERVAL = 10.0
#: Limits by grade I..IV (``None``: no limit).
Limits = tuple[float | None, float | None, float | None, float | None]
_NONE: Limits = (None, None, None, None)


def _all(x: float | None) -> Limits:
    return (x, x, x, x)


@dataclass(frozen=True)
class ReportingRules:
    """The reporting chain of one jurisdiction.

    Attributes
    ----------
    name
        Preset name (or ``custom``).
    reach
        The level each grade (I..IV) is reported up to.
    deadlines
        Per kind, minutes by grade: ``phone_first`` and ``written_first`` from
        when the sending level learned of the event, ``follow_up`` from the
        change (or the interval's tick), ``final`` from the end of the event.
    by_level
        Per receiving level, limits that replace ``deadlines`` for reports into it.
    written_after_phone
        Minutes by grade: the written first report is due this long after
        the phone report (besides its own limit); ``None`` for no such rule.
    first_report
        Per level, minutes by grade from the call within which the first
        report must reach that level.
    direct_grades
        Grades up to this one (1 = I only, 0 = none) are also reported
        directly from the receiving level to the top of their reach.
    direct_to
        The level direct reports go to when it is below the top of the reach
        (``None``: the top).
    follow_up_interval
        Minutes between follow-ups while an event lasts; ``None`` for
        follow-ups on changes only.
    writing
        Officer minutes per report kind. The defaults assume the fill-in
        templates of seed 004 ("把问答题变为填空题"): a phone report takes 3
        minutes, a written first report 10, a follow-up 8 and a final report
        30, each with a coefficient of variation of 0.3.
    video_setup
        Minutes from the first team's arrival to live video from the scene.
    drones
        Stations that fly a drone to the scene on the call: station names, or
        ``tier:<tier>`` for every station of a tier.
    drone_launch, drone_speed_kph
        Minutes from the call taken to take-off, and cruising speed (straight line).
    video_target
        Minutes from the call within which live video is expected (可视化, 30).
    """

    name: str = "national"
    reach: tuple[str, str, str, str] = ("state", "state", "province", "city")
    deadlines: Mapping[str, Limits] = field(
        default_factory=lambda: {
            "phone_first": _all(60.0),
            "written_first": _all(60.0),
            "follow_up": _all(60.0),
            "final": _NONE,
        }
    )
    by_level: Mapping[str, Mapping[str, Limits]] = field(
        default_factory=lambda: {
            lv: {"phone_first": _all(120.0), "written_first": _all(120.0)}
            for lv in ("city", "province", "state")
        }
    )
    written_after_phone: Limits = _all(30.0)
    first_report: Mapping[str, Limits] = field(default_factory=dict)
    direct_grades: int = 2
    direct_to: str | None = None
    follow_up_interval: float | None = None
    writing: Mapping[str, Distribution] = field(
        default_factory=lambda: {
            "phone_first": Lognormal(3.0, 0.3),
            "written_first": Lognormal(10.0, 0.3),
            "follow_up": Lognormal(8.0, 0.3),
            "final": Lognormal(30.0, 0.3),
        }
    )
    video_setup: Distribution = field(default_factory=lambda: Lognormal(5.0, 0.5))
    drones: tuple[str, ...] = ()
    drone_launch: float = 3.0
    drone_speed_kph: float = 60.0
    video_target: float = 30.0

    def limit(self, kind: str, to_level: str, grade: int) -> float | None:
        """The limit of a report of ``kind`` into ``to_level`` for ``grade`` (1-4)."""
        over = self.by_level.get(to_level, {})
        lim = over[kind] if kind in over else self.deadlines[kind]
        return lim[grade - 1]

    # ------------------------------------------------------------------ data
    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str = "reporting"
    ) -> ReportingRules:
        """Validate a ``[reporting]`` table on top of its preset (``rules``, default national)."""
        r = Reader(data, source=source, key=key)
        r.allow({
            "rules", "reach", "deadlines", "written_after_phone", "first_report",
            "direct_grades", "direct_to", "follow_up_interval", "writing", "video",
        })  # fmt: skip
        preset = r.str("rules", "national", choices=(*PRESETS, "off"))
        base = PRESETS["national" if preset == "off" else preset]
        kw: dict[str, Any] = {}
        if r.has("reach"):
            v = r.get("reach")
            if not (isinstance(v, list) and len(v) == 4 and all(x in LEVELS[1:] for x in v)):
                raise r.error("reach", _("expected four levels (grades I-IV) from {levels}")
                              .format(levels=", ".join(LEVELS[1:])))  # fmt: skip
            kw["reach"] = tuple(v)
        if r.has("deadlines"):
            d = r.table("deadlines")
            d.allow({*KINDS, *LEVELS[1:]})
            deadlines = dict(base.deadlines)
            by_level = {k: dict(v) for k, v in base.by_level.items()}
            for k in d.data:
                if k in KINDS:
                    deadlines[k] = _limits(d, str(k))
                else:
                    lv = d.table(str(k))
                    lv.allow(set(KINDS))
                    by_level.setdefault(str(k), {}).update({q: _limits(lv, q) for q in lv.data})
            kw["deadlines"], kw["by_level"] = deadlines, by_level
        if r.has("written_after_phone"):
            kw["written_after_phone"] = _limits(r, "written_after_phone")
        if r.has("first_report"):
            f = r.table("first_report")
            f.allow(set(LEVELS[1:]))
            kw["first_report"] = {str(k): _limits(f, str(k)) for k in f.data}
        if r.has("direct_grades"):
            kw["direct_grades"] = r.int("direct_grades", lo=0, hi=4)
        if r.has("direct_to"):
            kw["direct_to"] = r.str("direct_to", choices=LEVELS[1:])
        if r.has("follow_up_interval"):
            kw["follow_up_interval"] = _optional(r, "follow_up_interval", lo=MIN_INTERVAL)
        if r.has("writing"):
            w = r.table("writing")
            w.allow(set(KINDS))
            kw["writing"] = {
                **base.writing,
                **{str(k): dist_from_dict(w.get(str(k)), source=source, key=w.path(str(k)))
                   for k in w.data},
            }  # fmt: skip
        if r.has("video"):
            v = r.table("video")
            v.allow({"setup", "drones", "launch", "speed_kph", "target"})
            if v.has("setup"):
                kw["video_setup"] = dist_from_dict(
                    v.get("setup"), source=source, key=v.path("setup")
                )
            if v.has("drones"):
                drones = v.get("drones")
                if not isinstance(drones, list) or not all(
                    isinstance(x, str) and x for x in drones
                ):
                    raise v.error("drones", _('expected a list of station names or "tier:<tier>"'))
                kw["drones"] = tuple(drones)
            if v.has("launch"):
                kw["drone_launch"] = v.num("launch", lo=0, hi=MAX_DURATION_MIN)
            if v.has("speed_kph"):
                kw["drone_speed_kph"] = v.num("speed_kph", lo=0, lo_open=True, hi=1000)
            if v.has("target"):
                kw["video_target"] = v.num("target", lo=0, hi=MAX_DURATION_MIN)
        rules = replace(base, **kw)
        # Keys that repeat the preset leave its name; anything else marks the rules custom.
        return rules if rules == base else replace(rules, name=f"{base.name}+custom")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready) describing the rules in full."""

        def lim(x: Limits) -> list[float | bool]:
            return [False if v is None else v for v in x]

        return {
            "rules": self.name.removesuffix("+custom"),
            "reach": list(self.reach),
            "deadlines": {
                **{k: lim(v) for k, v in self.deadlines.items()},
                **{lv: {k: lim(v) for k, v in t.items()} for lv, t in self.by_level.items()},
            },
            "written_after_phone": lim(self.written_after_phone),
            "first_report": {k: lim(v) for k, v in self.first_report.items()},
            "direct_grades": self.direct_grades,
            **({} if self.direct_to is None else {"direct_to": self.direct_to}),
            "follow_up_interval": False
            if self.follow_up_interval is None
            else self.follow_up_interval,
            "writing": {k: d.to_dict() for k, d in self.writing.items()},
            "video": {
                "setup": self.video_setup.to_dict(),
                "drones": list(self.drones),
                "launch": self.drone_launch,
                "speed_kph": self.drone_speed_kph,
                "target": self.video_target,
            },
        }


def rules_from_config(
    data: Mapping[str, Any] | None, *, source: str | None = None, key: str = "reporting"
) -> ReportingRules | None:
    """The rules of a ``[reporting]`` table; ``None`` without one or with ``rules = "off"``."""
    if data is None:
        return None
    rules = ReportingRules.from_dict(data, source=source, key=key)
    return None if data.get("rules") == "off" else rules


def _optional(r: Reader, name: str, *, lo: float = 0.0) -> float | None:
    """Minutes, or ``false`` for none."""
    if r.get(name) is False:
        return None
    return r.num(name, lo=lo, hi=MAX_DURATION_MIN)


def _limits(r: Reader, name: str) -> Limits:
    """Minutes by grade: one number for all grades, or a list of four (``false``: no limit)."""
    v = r.get(name)
    vals = v if isinstance(v, list) else [v] * 4
    if len(vals) != 4:
        raise r.error(name, _("expected a number or a list of four (grades I-IV)"))
    out: list[float | None] = []
    for x in vals:
        if x is False:
            out.append(None)
            continue
        out.append(
            check_num(x, lambda m: r.error(name, m), lo=0.0, lo_open=True, hi=MAX_DURATION_MIN)
        )
    return tuple(out)  # type: ignore[return-value]


#: The shipped rules, by name (see the module docstring for their sources).
PRESETS: dict[str, ReportingRules] = {
    "national": ReportingRules(),
    "henan": ReportingRules(
        name="henan",
        direct_grades=0,
        deadlines={
            "phone_first": (15.0, 15.0, None, None),
            "written_first": (35.0, 35.0, 60.0, 360.0),
            "follow_up": _all(60.0),
            "final": _NONE,
        },
        by_level={},
        written_after_phone=_NONE,
        follow_up_interval=720.0,
    ),
    "guizhou": ReportingRules(
        name="guizhou",
        deadlines={
            "phone_first": _NONE,
            "written_first": _NONE,
            "follow_up": _all(60.0),
            "final": _NONE,
        },
        by_level={},
        written_after_phone=(30.0, 30.0, None, None),
        first_report={"province": (120.0, 120.0, 120.0, None)},
        direct_grades=3,
        direct_to="province",
    ),
}
