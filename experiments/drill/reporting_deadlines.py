"""The ``[reporting]`` table of a drill TOML: the reporting chain and its deadlines.

::

    [reporting]                   # the reporting chain (sim.reporting_rules)
    rules = "national"            # national | henan | guizhou (default national)
    receiving = "county"          # the level that takes the alarm; reports go one level up
    first_phone = [15, 15, 30, 60]  # the old keys still work, as overrides (grades I-IV)
    first_written = [35, 35, 60, 360]
    follow_up_every = 720

:class:`DrillReporting` resolves a preset of :data:`sim.reporting_rules.PRESETS`
at the level one above ``receiving``; the old keys (:data:`OLD_KEYS`) and any
other named deadline override it. The draw quotes :meth:`DrillReporting.deadlines`
and the sealed script records :meth:`DrillReporting.record`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from experiments.drill.escalation_links import upgrade_deadline
from networks.i18n import _
from scenarios.config_keys import Key, Section
from scenarios.drill.spec import DrillSpec
from scenarios.stream import GRADE_NAMES
from scenarios.validate import Reader
from sim.duty import DESK_LEVELS, LEVELS
from sim.reporting_rules import PRESETS, ReportingRules

__all__ = ["OLD_KEYS", "RULE_KEYS", "DrillReporting", "Grades"]

#: Keys of ``[reporting]`` that are not deadlines; every other key is a deadline in minutes.
RULE_KEYS = ("rules", "receiving", "templates")
#: The old keys of ``[reporting]`` and the limit each overrides.
OLD_KEYS = {"first_phone": "phone_first", "first_written": "written_first",
            "follow_up_every": "follow_up_interval"}  # fmt: skip

Grades = tuple[float | None, float | None, float | None, float | None]


@dataclass(frozen=True)
class DrillReporting:
    """The reporting deadlines of a drill: a preset of the reporting chain, with overrides.

    The desk that takes the alarm is at level ``receiving`` (the county by
    default: the alarm goes to the jurisdiction's command centre); its reports
    go to the next level up, and for the grades the rules report directly,
    also straight to the top of the grade's reach. Limits are minutes by grade
    (I-IV), read from ``rules`` with :meth:`ReportingRules.limit`; ``overrides``
    (the old keys of ``[reporting]``) replace the limit they name.

    Attributes
    ----------
    rules
        A preset of :data:`sim.reporting_rules.PRESETS`.
    receiving
        The level of the desk that takes the alarm.
    overrides
        ``(name, limits by grade)`` given in the drill file.
    direct_written
        Whether the written report on a direct link is timed from the phone
        report (drawing rules /5 on; a re-draw of an earlier script leaves it
        out, as that script was drawn without it).
    """

    rules: ReportingRules = PRESETS["national"]
    receiving: str = "county"
    overrides: tuple[tuple[str, Grades], ...] = ()
    direct_written: bool = True

    @property
    def to_level(self) -> str:
        """The level the first reports go to."""
        return LEVELS[LEVELS.index(self.receiving) + 1]

    def limits(self, grade: int) -> list[dict[str, Any]]:
        """The deadlines of ``grade`` (1-4) as flat rows, those without a limit left out.

        Each row: ``report`` (``phone_first``, ``written_first``, ``follow_up``,
        ``final`` or an override's own name), ``to`` (level), ``from`` (what
        the minutes count from: ``call``, ``phone`` (the phone report),
        ``change``, ``previous`` (the previous report), ``end``),
        ``limit_min``, ``direct`` (a direct report past the levels between),
        ``source`` (the preset's name, or ``config`` for an override). The
        written report after the phone report is timed on the direct link as
        on the link to the next level, as the reporting chain times it.
        """
        r, up, g = self.rules, self.to_level, grade - 1
        over = dict(self.overrides)
        name = r.name.removesuffix("+custom")
        rows: list[dict[str, Any]] = []
        # an event whose reach stops at the receiving level is not reported further up
        stays = LEVELS.index(up) > LEVELS.index(r.reach[g])

        def add(report: str, to: str, frm: str, lim: float | None, *, old: str = "",
                direct: bool = False) -> None:  # fmt: skip
            source = name
            if stays:
                lim = None
            if old in over:
                lim, source = over[old][g], "config"
            if lim is not None:
                rows.append({"report": report, "to": to, "from": frm, "limit_min": float(lim),
                             "direct": direct, "source": source})  # fmt: skip

        first = r.first_report.get(up, (None,) * 4)[g]
        phone = r.limit("phone_first", up, grade)
        add("phone_first", up, "call", _least(phone, first), old="first_phone")
        add("written_first", up, "call", r.limit("written_first", up, grade), old="first_written")
        add("written_first", up, "phone", r.written_after_phone[g])
        top = (r.direct_to or r.reach[g]) if grade <= r.direct_grades else ""
        for lv, by_grade in sorted(r.first_report.items(), key=lambda p: LEVELS.index(p[0])):
            if lv != up:
                add("phone_first", lv, "call", by_grade[g], direct=lv == top)
        if top and LEVELS.index(top) > LEVELS.index(up):
            for kind in ("phone_first", "written_first"):
                add(kind, top, "call", r.limit(kind, top, grade), direct=True)
            # the written report follows the phone report on the direct link too, as the chain
            # times it (Guizhou sets it for the province alone: 电话报告30分钟内上报电子书面报告)
            if self.direct_written:
                add("written_first", top, "phone", r.written_after_phone[g], direct=True)
        add("follow_up", up, "change", r.limit("follow_up", up, grade))
        add("follow_up", up, "previous", r.follow_up_interval, old="follow_up_every")
        add("final", up, "end", r.limit("final", up, grade))
        for other, by_grade in self.overrides:
            if other not in OLD_KEYS:
                add(other, up, "call", by_grade[g], old=other)
        return rows

    def deadlines(self) -> tuple[tuple[str, Grades], ...]:
        """The deadlines the draw quotes, minutes from the call by grade.

        ``first_phone`` is the earliest first report due (to the next level
        or, where the rules say so, to a higher one); ``first_written`` the
        written one, no later than the phone report plus the written-after-phone
        limit (unless the file sets ``first_written``); ``follow_up_every`` the
        follow-up interval; then any other named deadline. A name no grade has
        a limit for is left out.
        """
        table: dict[str, list[float | None]] = {}
        for g in range(1, 5):
            rows = self.limits(g)

            def pick(report: str, frm: str, rows: list[dict[str, Any]] = rows) -> list[float]:
                return [x["limit_min"] for x in rows if x["report"] == report and x["from"] == frm]

            phone = _least(*pick("phone_first", "call"))
            written = _least(*pick("written_first", "call"))
            after = pick("written_first", "phone")
            if phone is not None and after and "first_written" not in dict(self.overrides):
                written = _least(written, phone + after[0])
            every = pick("follow_up", "previous")
            values = {
                "first_phone": phone,
                "first_written": written,
                "follow_up_every": every[0] if every else None,
            }
            for other, by_grade in self.overrides:
                if other not in OLD_KEYS:
                    values[other] = by_grade[g - 1]
            for k, v in values.items():
                table.setdefault(k, []).append(v)
        return tuple(
            sorted((k, tuple(v)) for k, v in table.items() if any(x is not None for x in v))
        )  # type: ignore[return-value]

    def follow_up_on_change(self) -> Grades:
        """Minutes by grade (I-IV) for the follow-up report after a change, counted from it.

        The limit the evaluation sheet times the follow-up of each inject that
        changes the picture by (its rows counted from the inject, see
        :func:`experiments.drill.gbt_standards.time_standards`); None for a grade
        without one (the rules report nothing further up, or set no such limit).
        """
        out = []
        for g in range(1, 5):
            got = [
                x["limit_min"]
                for x in self.limits(g)
                if x["report"] == "follow_up" and x["from"] == "change"
            ]
            out.append(_least(*got))
        return tuple(out)  # type: ignore[return-value]

    def upgrade_on_escalation(self) -> Grades:
        """Minutes by drawn grade (I-IV) to report an upgrade to the next grade up, from it.

        The first deadline the evaluation sheet times from an escalation inject
        (:func:`~experiments.drill.escalation_links.upgrade_deadline`), which the
        inject states; None for grade I (nothing to upgrade to) or no deadline.
        """
        out: list[float | None] = [None]
        for g in range(2, 5):
            out.append(upgrade_deadline(self.record(g, (g - 1,)), GRADE_NAMES[g - 1]))
        return tuple(out)  # type: ignore[return-value]

    def record(self, grade: int, escalated: tuple[int, ...] = ()) -> dict[str, Any]:
        """What the sealed script records of the deadlines.

        The rules, the levels, and the rows of ``grade`` and of every grade an
        escalation leads to (each row with its ``grade``).
        """
        rows = []
        for g in dict.fromkeys((grade, *escalated)):
            rows += [{"grade": GRADE_NAMES[g], **x} for x in self.limits(g)]
        return {
            "rules": self.rules.name,
            "receiving": self.receiving,
            "to": self.to_level,
            "grade": GRADE_NAMES[grade],
            "limits": rows,
            "video_min": self.rules.video_target,
            "overrides": sorted(k for k, _v in self.overrides),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, source: str | None) -> DrillReporting:
        """Read ``rules`` and ``receiving`` of a ``[reporting]`` table.

        The deadlines (the old keys, checked by :class:`DrillSpec`) are added
        with :meth:`with_overrides`.
        """
        r = Reader(data or {}, source=source, key="reporting")
        for k in r.data:
            # A typo must not pass as a new deadline: only the known names are deadlines.
            if k not in DRILL_REPORTING.names:
                raise r.error(
                    str(k),
                    _("unknown key (expected rules, receiving, templates, or a deadline in "
                      "minutes: {keys})").format(keys=", ".join(OLD_KEYS)),
                )  # fmt: skip
        rules = PRESETS[DRILL_REPORTING.read(r, "rules")]
        return cls(rules=rules, receiving=DRILL_REPORTING.read(r, "receiving"))

    def with_overrides(self, spec: DrillSpec, given: Mapping[str, Any]) -> DrillReporting:
        """With the deadlines of ``spec`` the drill file gives (names in ``given``) as overrides."""
        return replace(self, overrides=tuple((k, v) for k, v in spec.reporting if k in given))


def _least(*values: float | None) -> float | None:
    """The smallest of the limits given (None: no limit)."""
    got = [v for v in values if v is not None]
    return min(got) if got else None


_OLD_HELP = {
    "first_phone": "The first report by phone, minutes from the call.",
    "first_written": "The first written report, minutes from the call.",
    "follow_up_every": "Minutes between follow-up reports.",
}
_OLD_ZH = {"first_phone": "电话首报", "first_written": "书面首报", "follow_up_every": "续报间隔"}
#: The ``[reporting]`` table of a drill file (what :meth:`DrillReporting.from_dict` accepts).
DRILL_REPORTING = Section(
    "reporting",
    "Reporting deadlines",
    (
        Key("rules", "string", "The preset of the reporting chain.", "报送规则",
            default=DrillReporting.rules.name, choices=tuple(PRESETS)),
        Key("receiving", "string",
            "The level whose desk takes the alarm; first reports go one level up.", "接警层级",
            default=DrillReporting.receiving, choices=DESK_LEVELS),
        Key("templates", "path",
            "A TOML file of the bureau's own report forms, sealed with the drill.", "报告模板"),
        *(
            Key(old, "minutes by grade", f"{_OLD_HELP[old]} Overrides the preset's {new}.",
                _OLD_ZH[old], default_text="from the rules",
                allowed_text=("minutes (> 0), or a list of four for grades I-IV"
                              if old != "follow_up_every"
                              else "minutes (>= 10), or a list of four for grades I-IV"))
            for old, new in OLD_KEYS.items()
        ),
    ),
    zh="信息报送",
    help="The reporting chain's preset resolved at the level one above receiving; the "
    "deadlines given here override it.",
)  # fmt: skip
