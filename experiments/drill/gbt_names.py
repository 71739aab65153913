"""GB/T 46792 evaluation: the names on the time-standards sheet, in both languages.

Levels, reports, what a deadline counts from, reporting rules, inject kinds,
the standards and plan parts an indicator tests, and the sheet's labels, as
(English, Chinese) pairs; :mod:`experiments.drill.gbt_standards` builds the
rows from them.
"""

from __future__ import annotations

from typing import Any

from experiments.drill.gbt_indicators import Pair, _b

#: Names of the levels of the reporting chain.
LEVEL_NAMES: dict[str, Pair] = {
    "township": ("township", "乡镇"),
    "county": ("county", "县级"),
    "city": ("city", "市级"),
    "province": ("province", "省级"),
    "state": ("State Council", "国务院"),
}
#: Names of the reports.
REPORT_NAMES: dict[str, Pair] = {
    "phone_first": ("Phone first report", "电话首报"),
    "written_first": ("Written first report", "书面首报"),
    "follow_up": ("Follow-up report", "续报"),
    "final": ("Final report", "终报"),
}
#: What the minutes of a deadline count from.
FROM_NAMES: dict[str, Pair] = {
    "call": ("the alarm", "报警"),
    "phone": ("the phone report", "电话报告"),
    "change": ("each change", "每次情况变化"),
    "previous": ("the previous report", "上次报告"),
    "end": ("the end of the event", "事件结束"),
    "full": ("the full complement on scene", "全部救援力量到场"),
}
#: The shipped reporting rules, as the basis of an evaluation names them.
RULES_NAMES: dict[str, Pair] = {
    "national": ("national rules (State Council Decree No. 493)", "国家规定（国务院令第493号）"),
    # Decree 493 is for production safety accidents; for the other categories the preset
    # borrows its limits, and the basis says so.
    "national_other": (
        "national rules (the reporting limits of State Council Decree No. 493, applied)",
        "国家规定（参照国务院令第493号的报告时限）",
    ),
    "henan": ("Henan provincial rules", "河南省信息报送规定"),
    "guizhou": ("Guizhou provincial rules", "贵州省信息限时报告规定"),
}
#: Inject kinds as the packet names them.
KIND_NAMES: dict[str, Pair] = {
    "cascade": ("secondary incident", "次生衍生事件"),
    "escalation": ("escalation", "事态升级"),
    "road_closed": ("road closed", "道路中断"),
    "depot_short": ("depot short", "物资短缺"),
    "casualty_update": ("casualty update", "伤亡更新"),
    "media_enquiry": ("media enquiry", "媒体问询"),
}
#: Inject kinds that call for a follow-up report, and the position that watches each inject.
_CHANGES = ("escalation", "casualty_update", "cascade", "depot_short", "road_closed")
_WATCHED_BY = {
    "cascade": "field",
    "escalation": "command",
    "road_closed": "support",
    "depot_short": "support",
    "casualty_update": "field",
    "media_enquiry": "reporting",
}
#: Standards the time rows and indicators test.
STANDARD_NAMES: dict[str, Pair] = {
    "call_taking": ("{n:g}-minute call taking", "{n:g}分钟接警"),
    "arrival": ("{n:g}-minute arrival", "{n:g}分钟到场"),
    "control": ("{n:g}-minute handling", "{n:g}分钟处置"),
    "command_post": ("command post within {n:g} min", "{n:g}分钟内开设现场指挥部"),
    "video": ("live video within {n:g} min", "{n:g}分钟内现场可视化"),
    "safety_first": ("avoid danger first, then rescue", "先避险、再抢险"),
    "muster": ("township rescue team of 30 or more", "乡镇救援队伍30人以上"),
    "report_template": ("the fill-in report templates", "信息报告填空式模板"),
}
#: Parts of the jurisdiction's plan the rating indicators test.
PLAN_PARTS: dict[str, Pair] = {
    "response_levels": ("the plan's response levels", "预案响应分级"),
    "workgroups": ("the plan's command post and work groups", "预案现场指挥部及工作组设置"),
    "forces": ("the plan's participating forces", "预案参与力量"),
    "security": ("the plan's cordon and evacuation duties", "预案警戒疏散职责"),
    "medical": ("the plan's medical duties", "预案医疗救治职责"),
    "logistics": ("the plan's supply duties", "预案物资保障职责"),
    "communications": ("the plan's communications", "预案通信保障"),
    "procedures": ("the plan's procedures", "预案处置程序"),
    "media": ("the plan's news and publicity duties", "预案新闻宣传职责"),
}


#: Labels the tables compose from the terms above.
LABELS: dict[str, Pair] = {
    "to": ("{report} to {level}", "{report}（报{level}）"),
    "direct": ("{report}, direct to {level}", "{report}（直报{level}）"),
    "upgrade": ("{report}, after the upgrade to grade {grade}", "升级为 {grade}后：{report}"),
    "deadline": ("{report} deadline", "{report}时限"),
    "inject": ("inject {no} ({kind})", "情景注入{no}（{kind}）"),
    "no_inject": ("no {kind} inject in this drill", "本次演练无{kind}情景注入"),
    # Paper forms in Chinese name what the drill plan sets, not the file's keys.
    "file_key": ("drill file [reporting] {key}", "演练方案设定的{report}时限"),
    "file_reporting": ("drill file [reporting]", "演练方案的信息报送设定"),
    "post_source": ("drill file [workgroups] command_post_min (default 30)",
                    "演练方案设定的现场指挥部开设时限（默认30分钟）"),
    "response": ("response standard ([targets])", "演练方案设定的响应时限标准"),
    "video_source": ("live video within 30 minutes, as the reporting rules set it",
                     "“30分钟内处突现场可视化”要求（按信息报送规则设定）"),
    "post_set_up": ("On-site command post set up (commander named)",
                    "现场指挥部开设（明确指挥长）"),
    "video": ("Live video from the scene at the command centre", "现场实时视频接入指挥中心"),
    "time": ("time", "时限"),
    "rating": ("rating A-D", "等级A-D"),
    "plan": ("plan (benchmark)", "按基准时间线"),
    "observed": ("observed", "实测"),
    "duty_desk": ("duty desk on watch", "当班值班人员"),
    "commander": ("Commander of the on-site command post", "现场指挥部指挥长"),
    "lead": ("{group}, lead", "{group}牵头人"),
}  # fmt: skip


def _f(pair: Pair, **args: Any) -> str:
    """A label of :data:`LABELS` in the language in use, formatted."""
    return _b(pair).format(**args)
