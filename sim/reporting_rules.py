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
from scenarios.config_keys import Key, Section, field_default
from scenarios.distributions import Distribution, Lognormal
from scenarios.distributions import from_dict as dist_from_dict
from scenarios.limits import MAX_DURATION_MIN, MIN_FOLLOW_UP_INTERVAL
from scenarios.validate import Reader, check_num
from sim.duty import LEVELS

#: The kinds of report, in the order an incident produces them.
KINDS = ("phone_first", "written_first", "follow_up", "final")
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
        REPORTING.allow(r)
        preset = REPORTING.read(r, "rules")
        base = PRESETS["national" if preset == "off" else preset]
        kw: dict[str, Any] = {}
        if r.has("reach"):
            v = r.get("reach")
            if not (isinstance(v, list) and len(v) == 4 and all(x in LEVELS[1:] for x in v)):
                raise r.error("reach", _("expected four levels (grades I-IV) from {levels}")
                              .format(levels=", ".join(LEVELS[1:])))  # fmt: skip
            up = [LEVELS.index(x) for x in v]
            if any(a < b for a, b in zip(up, up[1:], strict=False)):
                # A graver event is never reported less far than a milder one.
                why = _("a graver grade must reach at least as high as a milder one "
                        "(grades I-IV, got {reach})")  # fmt: skip
                raise r.error("reach", why.format(reach=", ".join(v)))
            kw["reach"] = tuple(v)
        if r.has("deadlines"):
            d = r.table("deadlines")
            REPORTING_DEADLINES.allow(d)
            deadlines = dict(base.deadlines)
            by_level = {k: dict(v) for k, v in base.by_level.items()}
            for k in d.data:
                if k in KINDS:
                    deadlines[k] = _limits(d, str(k))
                else:
                    lv = d.table(str(k))
                    REPORTING_LEVEL_DEADLINES.allow(lv)
                    by_level.setdefault(str(k), {}).update({q: _limits(lv, q) for q in lv.data})
            kw["deadlines"], kw["by_level"] = deadlines, by_level
        if r.has("written_after_phone"):
            kw["written_after_phone"] = _limits(r, "written_after_phone")
        if r.has("first_report"):
            f = r.table("first_report")
            REPORTING_FIRST.allow(f)
            kw["first_report"] = {str(k): _limits(f, str(k)) for k in f.data}
        if r.has("direct_grades"):
            kw["direct_grades"] = REPORTING.read(r, "direct_grades")
        if r.has("direct_to"):
            kw["direct_to"] = REPORTING.read(r, "direct_to")
        if r.has("follow_up_interval"):
            kw["follow_up_interval"] = _optional(r, "follow_up_interval", lo=MIN_FOLLOW_UP_INTERVAL)
        if r.has("writing"):
            w = r.table("writing")
            REPORTING_WRITING.allow(w)
            kw["writing"] = {
                **base.writing,
                **{str(k): dist_from_dict(w.get(str(k)), source=source, key=w.path(str(k)))
                   for k in w.data},
            }  # fmt: skip
        if r.has("video"):
            v = r.table("video")
            REPORTING_VIDEO.allow(v)
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
                kw["drone_launch"] = REPORTING_VIDEO.read(v, "launch")
            if v.has("speed_kph"):
                kw["drone_speed_kph"] = REPORTING_VIDEO.read(v, "speed_kph")
            if v.has("target"):
                kw["video_target"] = REPORTING_VIDEO.read(v, "target")
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

_LIMITS = "minutes (> 0), or a list of four for grades I-IV; false: no limit"
#: The ``[reporting]`` table of a run config (what :meth:`ReportingRules.from_dict` accepts).
REPORTING = Section(
    "reporting",
    "Reporting chain",
    (
        Key("rules", "string", 'The preset the other keys change; "off" reports nothing.',
            "报送规则", default="national", choices=(*PRESETS, "off")),
        Key("reach", "list", "The level each grade (I-IV) is reported up to.", "报送层级",
            default=list(PRESETS["national"].reach),
            allowed_text="four of " + ", ".join(LEVELS[1:]) + "; a graver grade never lower"),
        Key("deadlines", "table", "Time limits per report kind, and per receiving level.",
            "报送时限", default_text="the preset's"),
        Key("written_after_phone", "minutes by grade",
            "The written first report is due this long after the phone report.",
            default_text="the preset's", allowed_text=_LIMITS),
        Key("first_report", "table",
            "Per level, minutes from the call within which the first report must reach it.",
            "首报时限", default_text="the preset's"),
        Key("direct_grades", "integer",
            "Grades up to this one (1 = I only, 0 = none) are also reported directly to the "
            "top of their reach.", "越级上报", default_text="the preset's", lo=0, hi=4),
        Key("direct_to", "string",
            "The level direct reports go to when below the top of the reach.",
            default_text="the top of the reach", choices=LEVELS[1:]),
        Key("follow_up_interval", "number",
            "Minutes between follow-ups while an event lasts; false: on changes only.",
            "续报间隔", default_text="the preset's",
            allowed_text=f">= {MIN_FOLLOW_UP_INTERVAL:g}, or false"),
        Key("writing", "table", "Officer minutes to write each report kind (distributions).",
            "报告撰写用时", default_text="the preset's"),
        Key("video", "table", "Live video from the scene and drones.", "视频回传"),
    ),
    zh="信息报送",
    help="The reporting chain (信息报送时限) on top of a shipped preset: national "
    "(国务院令第493号), henan or guizhou. Limits are minutes by grade I-IV.",
)  # fmt: skip
#: ``[reporting.deadlines]``: limits by report kind, and by receiving level.
REPORTING_DEADLINES = Section(
    "reporting.deadlines",
    "Reporting deadlines",
    (
        Key("<kind>", "minutes by grade",
            "The limit of one report kind: phone_first and written_first from when the sending "
            "level learned of the event, follow_up from the change, final from the end.",
            names=KINDS, allowed_text=_LIMITS),
        Key("<level>", "table", "Limits by kind for reports into one level, replacing the above.",
            names=LEVELS[1:]),
    ),
    zh="报送时限",
)  # fmt: skip
#: ``[reporting.deadlines.<level>]``.
REPORTING_LEVEL_DEADLINES = Section(
    "reporting.deadlines.<level>",
    "Deadlines into one level",
    (Key("<kind>", "minutes by grade", "The limit of one report kind into this level.",
         names=KINDS, allowed_text=_LIMITS),),
)  # fmt: skip
#: ``[reporting.first_report]``.
REPORTING_FIRST = Section(
    "reporting.first_report",
    "First report by level",
    (Key("<level>", "minutes by grade",
         "Minutes from the call within which the first report must reach this level.",
         names=LEVELS[1:], allowed_text=_LIMITS),),
    zh="首报时限",
)  # fmt: skip
#: ``[reporting.writing]``.
REPORTING_WRITING = Section(
    "reporting.writing",
    "Writing times",
    (Key("<kind>", "distribution", "Officer minutes to write one report of this kind.",
         names=KINDS, default_text="lognormal, mean 3 / 10 / 8 / 30, cv 0.3"),),
)  # fmt: skip
#: ``[reporting.video]``.
REPORTING_VIDEO = Section(
    "reporting.video",
    "Live video and drones",
    (
        Key("setup", "distribution", "Minutes from the first arrival to live video from the scene.",
            default=field_default(ReportingRules, "video_setup")),
        Key("drones", "list",
            'Stations that fly a drone on the call: station names, or "tier:<tier>".', "无人机",
            default=[]),
        Key("launch", "number", "Minutes from the call taken to take-off.",
            default=ReportingRules.drone_launch, lo=0, hi=MAX_DURATION_MIN),
        Key("speed_kph", "number", "Drone cruising speed, km/h (straight line).",
            default=ReportingRules.drone_speed_kph, lo=0, lo_open=True, hi=1000),
        Key("target", "number", "Minutes from the call within which live video is expected.",
            "可视化", default=ReportingRules.video_target, lo=0, hi=MAX_DURATION_MIN),
    ),
    zh="视频回传",
)  # fmt: skip
