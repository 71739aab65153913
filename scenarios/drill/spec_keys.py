"""The keys of a drill file's draw tables, as records :meth:`DrillSpec.from_dict` reads.

``[drill]``, ``[targets]``, ``[risk]`` and the ``scale`` of ``[evaluation]``;
the other tables of a drill file are :mod:`experiments.drill.config`'s.
"""

from __future__ import annotations

from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.drill.rehearsal import DEFAULT_REHEARSAL_DAYS, MAX_REHEARSAL_DAYS
from scenarios.drill.spec import (
    BLIND_LEVELS,
    DEFAULT_LEAD_MIN,
    DEFAULT_NAME,
    DRILL_TYPES,
    INJECT_KINDS,
    MAX_MINUTES,
    MAX_NO_REPEAT,
    MAX_RISK,
    SCALES,
    YEARS,
    DrillSpec,
)

__all__ = ["DRILL", "DRILL_EVALUATION", "DRILL_RISK", "DRILL_TARGETS"]

_TEXT = "one line of printable text, at most 200 characters"
_NAMES = "a list of names, none repeated"
#: The ``[drill]`` table of a drill file (what :meth:`DrillSpec.from_dict` accepts).
DRILL = Section(
    "drill",
    "Drill constraints",
    (
        Key("id", "string", "Exercise identifier printed on every message (no spaces, commas, "
            "quotes, < > or &).", "演练编号", default_text="derived from the seed",
            allowed_text=_TEXT),
        Key("name", "string", "Name, for headers.", "演练名称", default=DEFAULT_NAME,
            allowed_text=_TEXT),
        Key("name_zh", "string", "Its Chinese, for packets in Chinese.", default="",
            allowed_text=_TEXT),
        Key("jurisdiction", "string", "Who runs the drill, for headers.", "组织单位",
            default_text="the network's name", allowed_text=_TEXT),
        Key("jurisdiction_zh", "string", "Its Chinese.", default="", allowed_text=_TEXT),
        Key("type", "string", "Field or tabletop exercise.", "演练形式",
            default=DrillSpec.drill_type, choices=DRILL_TYPES),
        Key("blind", "string",
            "single: time not announced; double: time and scenario; six-no: no script, "
            "notice, scenario, roles, method or rehearsal.", "双盲/六不",
            default=DrillSpec.blind_level, choices=BLIND_LEVELS),
        Key("start", "date-time", "Start of the window the drill starts in (a local time takes "
            "timezone).", "时间窗口起点", default=REQUIRED,
            allowed_text=f"years {YEARS[0]}-{YEARS[1]}"),
        Key("end", "date-time", "End of the window.", "时间窗口终点", default=REQUIRED,
            allowed_text="after start"),
        Key("timezone", "string", "UTC offset of local times.", "时区", default="+08:00",
            allowed_text='"+HH:MM", "-HH:MM" or "UTC"'),
        Key("hours", "list", "Clock hours [from, to] the drill may start in each day.",
            "开始时段", default=list(DrillSpec.hours), allowed_text="0 <= from < to <= 24"),
        Key("hazards", "list",
            "Hazards that may be drawn: catalogue keys, or their English or Chinese names.",
            "事件类型",
            default_text="the whole catalogue", allowed_text="hazards of the catalogue"),
        Key("grades", "list", "Grades that may be drawn.", "事件等级", default=[1, 2, 3, 4],
            allowed_text='1-4, "I"-"IV", "Ⅰ"-"Ⅳ" (with or without 级) or '
            "特别重大, 重大, 较大, 一般"),
        Key("include_areas", "list", "Areas (township or seat names) the scene must lie in.",
            "限定区域", default=[], allowed_text=_NAMES),
        Key("exclude_areas", "list", "Areas the scene must avoid.", "排除区域", default=[],
            allowed_text=_NAMES),
        Key("units", "list", "Participating stations by name.", "参演单位",
            default_text="all", allowed_text=_NAMES),
        Key("history", "path", "CSV of past drills (see the drill history table).",
            "演练历史", default=""),
        Key("no_repeat", "integer", "Avoid the hazard and area of the last N drills.", "不重复",
            default=DrillSpec.no_repeat, lo=0, hi=MAX_NO_REPEAT),
        Key("no_rehearsal_days", "integer",
            "Avoid the hazard, area and band of the day of every drill of the last N days.",
            "不预演", lo=0, hi=MAX_REHEARSAL_DAYS,
            default_text=f"{DEFAULT_REHEARSAL_DAYS} for a six-no drill, 0 otherwise"),
        Key("lead_min", "number",
            "Minutes from the draw to the earliest start (time to publish the commitment).",
            default=DEFAULT_LEAD_MIN, lo=0, hi=MAX_MINUTES),
        Key("injects", "list", "Inject kinds to schedule.", "导调信息", default=list(INJECT_KINDS),
            allowed_text=", ".join(INJECT_KINDS)),
    ),
    zh="演练",
    help="What an organiser constrains about a blind drill; the draw does the rest.",
)  # fmt: skip
#: The ``[targets]`` table of a drill file.
DRILL_TARGETS = Section(
    "targets",
    "Response targets",
    tuple(
        Key(name, "number", text, zh, default=v, lo=0, hi=MAX_MINUTES)
        for name, text, zh, v in zip(
            ("call_taking", "arrival", "control"),
            ("Call -> call taken, minutes.", "Call taken -> first team on scene, minutes.",
             "First arrival -> under control, minutes."),
            ("接警", "到达现场", "处置"),
            DrillSpec.targets,
            strict=True,
        )
    ),
    zh="响应时限标准",
)  # fmt: skip
#: The ``[evaluation]`` keys :class:`DrillSpec` reads.
DRILL_EVALUATION = Section(
    "evaluation",
    "Evaluation",
    (Key("scale", "string", "Scoring scale of the HSEEP evaluation sheet.", "评分尺度",
         default=DrillSpec.scale, choices=SCALES),),
    zh="演练评估",
)  # fmt: skip
#: The ``[risk]`` table: relative risk by hazard (weights of the hazard draw).
DRILL_RISK = Section(
    "risk",
    "Hazard risk",
    (
        Key("scenario", "string",
            "A scenario whose background rates per day give the risk of every hazard.",
            default_text="the default risk table"),
        Key("<hazard>", "number", "Relative risk of one hazard (overrides the table).",
            lo=0, hi=MAX_RISK, default_text="1 for a hazard the table does not list",
            allowed_text="hazards of the catalogue"),
    ),
    zh="风险权重",
    help="Relative risk of each hazard in the region (design values by default: everyday "
    "emergencies far more often than disasters).",
)  # fmt: skip
