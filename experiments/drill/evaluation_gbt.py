"""The evaluators' packet after the structure of GB/T 46792-2025 (突发事件应急演练评估指南).

The national guide organises an evaluation as preparation (purpose and scope,
evaluation group, basis, content and methods, forms and plan, evaluator
training), conduct (observation and records, analysis, conclusions, report)
and follow-up; it has indicator sets for field (实战) and tabletop (桌面)
drills and converts observations into scores or into option conclusions.
This packet follows that structure; its wording, indicators, weights and
thresholds are yingji's own (documented below), not the standard's text:

* the **evaluation plan** (评估方案): purpose, scope, evaluation group,
  basis, methods; the indicator table of the drill's type with weights; the
  scoring rules; the time standards; the command post and its work groups;
  what each role learns when; the roles to record; the benchmark timeline;
* **observation record sheets** (观察记录表), one per evaluator position
  (指挥协调, 现场处置, 信息报送, 保障);
* machine CSVs of the indicators and the time standards (English columns
  with ``<column>_zh`` companions, byte-identical in every language).

Scoring rules (D.1-style, observations into scores). Every indicator has a
weight; the weights of a drill type sum to 100. An indicator is scored as a
share of its weight:

* ``rating`` indicators by the evaluator's rating, :data:`RATINGS`: A fully
  met 100 %, B minor gaps 80 %, C major gaps 50 %, D not met or not done 0 %;
* ``time`` indicators from the observed minutes against each of their time
  standards, :data:`TIME_STEPS`: within the target 100 %, within 1.5 times
  the target 50 %, later or not done 0 %; an indicator with several
  standards (e.g. phone and written first reports) takes the lowest.

An indicator whose every test is an inject this drill did not draw (or a
deadline the rules do not set for the grade) does not apply; the total is
rescaled to 100 over the indicators that apply. Option conclusions (D.2-style,
:func:`conclusion`): 优秀 (excellent) from 90 with no indicator at 0, 良好
(good) from 80, 合格 (pass) from 60, else 不合格 (fail); a veto item
(否决项: "avoid danger first, then rescue", 先避险、再抢险) rated D fails the
drill whatever the total. The thresholds follow the common 90/80/60 bands of
Chinese scoring sheets; the veto, the provincial rule of seed 001 that
responders must first be out of danger.

Indicator weights (field / tabletop): alarm and reporting 24 / 25, command
and coordination 26 / 35, on-scene operations 34 / 25, support 16 / 15. A
field drill tests what teams do on the ground, so timed arrival and control
weigh most; a tabletop drill tests decisions, so command weighs most and the
arrival and control times are judged from the benchmark timeline (the plan),
not a clock.

Texts of the tables are the bureaus' terms as pairs (English, Chinese), shown
with :func:`networks.i18n.both`; frame text goes through gettext.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from experiments.drill.evaluation_sheet import (
    _bench_header,
    _bench_rows,
    _spread_caption,
    _spread_header,
    _spread_rows,
    benchmark_csv,
    evaluation_html,
    evaluation_markdown,
)
from experiments.drill.packet_tables import html_page, html_table, md_table
from experiments.drill.packet_text import kind_text, scene_html, scene_lines, units_text
from networks import i18n
from networks.i18n import _
from scenarios.drill import texts
from scenarios.drill.script import DrillScript
from scenarios.drill.workgroups import (
    FORCE_KINDS,
    ITEMS,
    POSITION_POSTS,
    POSITIONS,
    ROLES,
    WHEN,
    CommandPost,
    disclosed,
    known_at_alarm,
)
from scenarios.stream import GRADE_NAMES

#: The evaluation standards a drill file may choose (``[evaluation] standard``).
STANDARDS = ("gbt46792", "hseep")
#: Version of the indicator tables and scoring rules below (recorded in the packet).
INDICATORS_VERSION = "yingji-gbt46792/1"

Pair = tuple[str, str]


def _b(pair: Pair) -> str:
    return i18n.both(*pair)


# ------------------------------------------------------------------ indicators
@dataclass(frozen=True)
class Indicator:
    """One row of an indicator table.

    Attributes
    ----------
    id
        ``R1`` ... (field) or ``TR1`` ... (tabletop).
    category
        A key of :data:`CATEGORIES`.
    name, criterion
        What is evaluated and what the evaluator looks for (English, Chinese).
    weight
        Points out of 100.
    rule
        ``"time"`` (scored from its time standards) or ``"rating"`` (A-D).
    position
        The evaluator position that observes it.
    tests
        What it tests: ``standard:<key>``, ``report:<kind>``, ``inject:<kind>``,
        ``plan:<part>`` or ``force:<kind>``.
    veto
        A veto item (否决项): rated D, the drill fails.
    """

    id: str
    category: str
    name: Pair
    criterion: Pair
    weight: float
    rule: str
    position: str
    tests: tuple[str, ...]
    veto: bool = False


#: Indicator categories: key -> (English, Chinese), and the position observing them.
CATEGORIES: dict[str, Pair] = {
    "reporting": ("Alarm and information reporting", "接警与信息报送"),
    "command": ("Command and coordination", "指挥与协调"),
    "operations": ("On-scene operations", "现场处置"),
    "support": ("Support", "应急保障"),
}
_POSITION = {"reporting": "reporting", "command": "command", "operations": "field",
             "support": "support"}  # fmt: skip

_COMPLETE = (
    "The written first report fills every required field of the template: time, place, type, "
    "grade, casualties, missing, trapped, losses, trend, actions, forces on scene, needs, "
    "reporter, contact",
    "书面首报按模板填齐必填要素：时间、地点、类型、级别、伤亡、失联、被困、损失、趋势、"
    "已采取措施、现场力量、需求、报告人及联系方式",
)


def _ind(id: str, category: str, name: Pair, criterion: Pair, weight: float, rule: str,
         tests: tuple[str, ...], veto: bool = False) -> Indicator:  # fmt: skip
    return Indicator(id, category, name, criterion, weight, rule, _POSITION[category], tests, veto)


#: Indicators of a field drill (实战演练); weights sum to 100.
FIELD_INDICATORS: tuple[Indicator, ...] = (
    _ind("R1", "reporting", ("Call taking", "接警受理"),
         ("The call is answered and the key facts (time, place, type, casualties, caller's "
          "contact) recorded within the target",
          "在时限内接听报警并记录时间、地点、类型、伤亡和报警人联系方式等要素"),
         4, "time", ("standard:call_taking",)),
    _ind("R2", "reporting", ("First reports on time", "首报时效"),
         ("Phone and written first reports (and direct reports where the rules require them) "
          "reach the next level within the deadlines",
          "电话首报、书面首报（按规定需直报的同时直报）在时限内报至上级"),
         6, "time", ("report:phone_first", "report:written_first")),
    _ind("R3", "reporting", ("First report complete", "首报要素完整"), _COMPLETE,
         3, "rating", ("standard:report_template",)),
    _ind("R4", "reporting", ("Follow-up and final reports", "续报与终报"),
         ("Every change (upgrade, casualty update, secondary incident, supply or road problem) "
          "is reported as a numbered follow-up within the deadline; a final report closes the "
          "event",
          "每次情况变化（升级、伤亡更新、次生事件、物资或道路问题）均在时限内以编号续报报告；"
          "事件结束后终报"),
         4, "time", ("report:follow_up", "report:final")),
    _ind("R5", "reporting", ("First reporters used", "信息员首报运用"),
         ("Reports of disaster information officers and other first reporters are received, "
          "verified and passed to the command",
          "灾害信息员等第一报告人的信息得到接收、核实并报送指挥部"),
         3, "rating", ("force:information_officer",)),
    _ind("R6", "reporting", ("Public information and rumours", "信息发布与舆情应对"),
         ("Media enquiries and rumours are answered through the spokesperson with verified "
          "facts, in time",
          "通过新闻发言人以核实的信息及时回应媒体问询和网络谣言"),
         4, "rating", ("inject:media_enquiry", "plan:media")),
    _ind("C1", "command", ("Assessment, grading and response level", "研判分级与响应启动"),
         ("The incident is assessed and graded, and the response level the plan sets for that "
          "grade is started",
          "对事件进行研判定级，并按预案启动相应级别的应急响应"),
         5, "rating", ("plan:response_levels",)),
    _ind("C2", "command", ("Command post set up", "现场指挥部开设"),
         ("The on-site command post is set up with its commander named within the target",
          "在时限内开设现场指挥部并明确指挥长"),
         5, "time", ("standard:command_post",)),
    _ind("C3", "command", ("Work groups", "工作组运转"),
         ("The work groups are formed, each with its lead unit present and tasks assigned; the "
          "post holds coordination meetings and keeps a log",
          "各工作组组建到位、牵头单位到场、任务明确；指挥部召开会商并做好记录"),
         4, "rating", ("plan:workgroups",)),
    _ind("C4", "command", ("Escalation", "响应升级"),
         ("On the upgrade inject the incident is re-graded, the response raised and "
          "reinforcement requested",
          "接到升级情景后重新定级、提升响应级别并请求增援"),
         4, "rating", ("inject:escalation",)),
    _ind("C5", "command", ("Live video (visualisation)", "现场可视化"),
         ("Live video from the scene reaches the command centre within the target",
          "在时限内将现场实时视频接入指挥中心"),
         4, "time", ("standard:video",)),
    _ind("C6", "command", ("Forces under one command", "多方力量协同"),
         ("Professional teams, township stations, enterprise and social rescue forces work "
          "under one command, without gaps or duplication",
          "专业队伍、乡镇救援站、企业和社会应急救援力量统一指挥、协同有序、不重不漏"),
         4, "rating", ("plan:forces",)),
    _ind("O1", "operations", ("First arrival", "到场时效"),
         ("The first team is on scene within the target", "首支救援力量在时限内到达现场"),
         6, "time", ("standard:arrival",)),
    _ind("O2", "operations", ("Avoid danger first, then rescue", "先避险、再抢险"),
         ("The hazard is assessed, the isolation zone set and protection worn before anyone "
          "enters; nobody is put at risk needlessly (veto item)",
          "进入前完成危险评估、划定警戒区并做好个人防护，不使救援人员冒不必要的风险（否决项）"),
         6, "rating", ("standard:safety_first",), True),
    _ind("O3", "operations", ("Handling", "处置时效"),
         ("The incident is under control, as the hazard defines it, within the target",
          "在时限内达到该灾种所定义的“得到控制”状态"),
         8, "time", ("standard:control",)),
    _ind("O4", "operations", ("Secondary incident", "次生衍生事件处置"),
         ("The secondary incident is detected, assessed and handled without leaving the first "
          "scene bare",
          "及时发现、研判并处置次生衍生事件，统筹兼顾原现场"),
         4, "rating", ("inject:cascade",)),
    _ind("O5", "operations", ("Cordon and evacuation", "警戒与疏散"),
         ("Cordon, traffic control and evacuation of people at risk are in place and orderly",
          "现场警戒、交通管制和受威胁群众疏散到位、有序"),
         5, "rating", ("plan:security",)),
    _ind("O6", "operations", ("Medical treatment", "医疗救治"),
         ("Casualties are triaged, treated and transported; ambulances and beds match the "
          "figures",
          "伤员检伤分类、救治和转运有序，救护车和床位与伤亡人数相匹配"),
         5, "rating", ("inject:casualty_update", "plan:medical")),
    _ind("S1", "support", ("Supplies", "物资保障"),
         ("Supplies are ordered from the right depots and delivered; a shortfall is covered "
          "from other depots",
          "从合适的储备库调拨物资并送达，出现缺口时及时从其他储备库补足"),
         5, "rating", ("inject:depot_short", "plan:logistics")),
    _ind("S2", "support", ("Access routes", "交通保障"),
         ("A blocked road is reported and teams re-routed; a way in is kept open",
          "道路中断后及时报告并调整路线，保障救援通道畅通"),
         4, "rating", ("inject:road_closed",)),
    _ind("S3", "support", ("Communications", "通信保障"),
         ("Communications among the command post, the groups and the command centre hold "
          "throughout",
          "现场指挥部、各工作组与指挥中心之间通信全程畅通"),
         3, "rating", ("plan:communications",)),
    _ind("S4", "support", ("Team muster", "队伍集结"),
         ("The township rescue team musters with its equipment at strength (30 or more)",
          "乡镇救援队伍携装备按编成集结（30 人以上）"),
         4, "rating", ("standard:muster",)),
)  # fmt: skip

#: Indicators of a tabletop drill (桌面推演); weights sum to 100.
TABLETOP_INDICATORS: tuple[Indicator, ...] = (
    _ind("TR1", "reporting", ("Taking the alarm", "接报研判"),
         ("Key facts are taken from the alarm and the gaps asked back within the target",
          "在时限内从报警中提取关键要素并追问缺失信息"),
         4, "time", ("standard:call_taking",)),
    _ind("TR2", "reporting", ("First reports on time", "首报时效"),
         ("The phone and written first reports are drafted and sent in play within the "
          "deadlines",
          "推演中在时限内拟写并报送电话首报和书面首报"),
         6, "time", ("report:phone_first", "report:written_first")),
    _ind("TR3", "reporting", ("First report complete", "首报要素完整"), _COMPLETE,
         4, "rating", ("standard:report_template",)),
    _ind("TR4", "reporting", ("Follow-up and final reports", "续报与终报"),
         ("Each change card leads to a numbered follow-up within the deadline",
          "每张变化情景卡均在时限内形成编号续报"),
         5, "time", ("report:follow_up", "report:final")),
    _ind("TR5", "reporting", ("Public information and rumours", "信息发布与舆情应对"),
         ("A holding statement and an answer to the rumour are drafted with verified facts",
          "依据核实信息拟写新闻通稿并回应谣言"),
         4, "rating", ("inject:media_enquiry", "plan:media")),
    _ind("TR6", "reporting", ("First reporters used", "信息员首报运用"),
         ("Players say how the reports of disaster information officers are received and "
          "verified",
          "明确灾害信息员报告的接收和核实方式"),
         2, "rating", ("force:information_officer",)),
    _ind("TC1", "command", ("Assessment, grading and response level", "研判分级与响应启动"),
         ("The incident is graded and the response level chosen as the plan sets, with the "
          "reason stated",
          "按预案研判定级、确定响应级别并说明依据"),
         7, "rating", ("plan:response_levels",)),
    _ind("TC2", "command", ("Command post set up", "现场指挥部开设"),
         ("Players decide where, by whom and by when the command post is set up, within the "
          "target",
          "在时限内明确现场指挥部开设地点、指挥长和开设时间"),
         5, "time", ("standard:command_post",)),
    _ind("TC3", "command", ("Work groups", "工作组分工"),
         ("Each work group is named with its lead unit and first tasks, as the plan assigns",
          "按预案明确各工作组牵头单位和首要任务"),
         7, "rating", ("plan:workgroups",)),
    _ind("TC4", "command", ("Escalation", "响应升级"),
         ("On the upgrade card the incident is re-graded, the response raised and "
          "reinforcement requested",
          "接到升级情景卡后重新定级、提升响应并请求增援"),
         5, "rating", ("inject:escalation",)),
    _ind("TC5", "command", ("Forces under one command", "多方力量协同"),
         ("Enterprise and social rescue forces and township stations are brought in under one "
          "command",
          "将企业和社会应急救援力量、乡镇救援站纳入统一指挥"),
         5, "rating", ("plan:forces",)),
    _ind("TC6", "command", ("Knowing the plan", "预案掌握"),
         ("Players cite the plan's procedures correctly and note where the plan falls short",
          "准确引用预案程序，并指出预案存在的不足"),
         6, "rating", ("plan:procedures",)),
    _ind("TO1", "operations", ("Dispatch", "力量调派"),
         ("The right teams in the right numbers are sent from the nearest stations; by the "
          "benchmark they arrive within the target",
          "从就近站点调派种类、数量合适的队伍；按基准时间线可在时限内到场"),
         6, "time", ("standard:arrival",)),
    _ind("TO2", "operations", ("Avoid danger first, then rescue", "先避险、再抢险"),
         ("Hazard assessment, isolation zone and protection come before entry in the players' "
          "plan (veto item)",
          "处置方案中先评估危险、划定警戒区、做好防护再进入（否决项）"),
         6, "rating", ("standard:safety_first",), True),
    _ind("TO3", "operations", ("Handling", "处置方案"),
         ("The tactics fit the hazard and, by the benchmark, bring it under control within the "
          "target",
          "处置措施符合灾种特点，按基准时间线可在时限内得到控制"),
         5, "time", ("standard:control",)),
    _ind("TO4", "operations", ("Secondary incident", "次生衍生事件处置"),
         ("The secondary incident card is assessed and answered with forces, without leaving "
          "the first scene bare",
          "对次生事件情景卡作出研判并调配力量，统筹兼顾原现场"),
         4, "rating", ("inject:cascade",)),
    _ind("TO5", "operations", ("Medical care and evacuation", "医疗救治与疏散"),
         ("Casualty care, transport, beds and the evacuation of people at risk are planned",
          "明确伤员救治、转运、床位和受威胁群众疏散安排"),
         4, "rating", ("inject:casualty_update", "plan:medical", "plan:security")),
    _ind("TS1", "support", ("Supplies", "物资调配"),
         ("The shortfall card is answered from other depots with a delivery time",
          "针对物资短缺情景卡从其他储备库调配并明确送达时间"),
         5, "rating", ("inject:depot_short", "plan:logistics")),
    _ind("TS2", "support", ("Access routes", "交通保障"),
         ("The road-closed card leads to a new route and a kept-open way in",
          "针对道路中断情景卡调整路线并保障救援通道"),
         4, "rating", ("inject:road_closed",)),
    _ind("TS3", "support", ("Live video (visualisation)", "现场可视化"),
         ("Players say who brings live video from the scene (drone, team), and it can arrive "
          "within the target",
          "明确由谁（无人机、队伍）接入现场视频，并能在时限内实现"),
         3, "time", ("standard:video",)),
    _ind("TS4", "support", ("Communications", "通信保障"),
         ("A communications plan links the command post, the groups and the command centre",
          "明确现场指挥部、各工作组与指挥中心的通信保障方案"),
         3, "rating", ("plan:communications",)),
)  # fmt: skip


def indicators(drill_type: str) -> tuple[Indicator, ...]:
    """The indicator table of a drill type (``"field"`` or ``"tabletop"``)."""
    if drill_type == "tabletop":
        return TABLETOP_INDICATORS
    if drill_type == "field":
        return FIELD_INDICATORS
    raise ValueError(f"unknown drill type {drill_type!r}")


# --------------------------------------------------------------- scoring rules
#: Ratings of ``rating`` indicators: letter -> (share of the weight, label).
RATINGS: dict[str, tuple[float, Pair]] = {
    "A": (1.0, ("fully met", "完全达到")),
    "B": (0.8, ("met with minor gaps", "基本达到")),
    "C": (0.5, ("partly met, major gaps", "部分达到，存在明显不足")),
    "D": (0.0, ("not met or not done", "未达到或未开展")),
}
#: ``time`` indicators: (at most this many times the target, share of the weight), in order;
#: later than the last step, or not done, scores 0.
TIME_STEPS: tuple[tuple[float, float], ...] = ((1.0, 1.0), (1.5, 0.5))
#: Option conclusions: key -> (lowest total, label), best first.
CONCLUSIONS: dict[str, tuple[float, Pair]] = {
    "excellent": (90.0, ("excellent", "优秀")),
    "good": (80.0, ("good", "良好")),
    "pass": (60.0, ("pass", "合格")),
    "fail": (0.0, ("fail", "不合格")),
}


def rating_share(rating: str) -> float:
    """The share of its weight a ``rating`` indicator earns (``"A"``-``"D"``)."""
    return RATINGS[rating.strip().upper()][0]


def time_share(observed_min: float | None, target_min: float) -> float:
    """The share of its weight a time standard earns (``None``: not done)."""
    if observed_min is None:
        return 0.0
    for factor, share in TIME_STEPS:
        if observed_min <= target_min * factor + 1e-9:
            return share
    return 0.0


def total_score(table: tuple[Indicator, ...], shares: Mapping[str, float | None]) -> float:
    """The total out of 100 over the indicators that apply.

    ``shares`` maps an indicator id to its share (0-1); ``None`` or a missing
    id means the indicator does not apply, and the rest is rescaled to 100.
    """
    got = [(i.weight, shares[i.id]) for i in table if shares.get(i.id) is not None]
    weight = sum(w for w, _s in got)
    return 100.0 * sum(w * s for w, s in got) / weight if weight else 0.0  # type: ignore[operator]


def conclusion(table: tuple[Indicator, ...], shares: Mapping[str, float | None]) -> str:
    """The option conclusion (a key of :data:`CONCLUSIONS`) of scored indicators."""
    scored = {i.id: shares[i.id] for i in table if shares.get(i.id) is not None}
    if any(i.veto and scored.get(i.id) == 0.0 for i in table):
        return "fail"
    total = total_score(table, shares)
    for key, (lowest, _label) in CONCLUSIONS.items():
        if key == "excellent" and any(v == 0.0 for v in scored.values()):
            continue
        if total >= lowest - 1e-9:
            return key
    return "fail"


# ------------------------------------------------------------ time standards
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
}
#: The shipped reporting rules, as the basis of an evaluation names them.
RULES_NAMES: dict[str, Pair] = {
    "national": ("national rules (State Council Decree No. 493)", "国家规定（国务院令第493号）"),
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
    "upgrade": ("{report}, after the upgrade to grade {grade}", "升级为{grade}后：{report}"),
    "deadline": ("{report} deadline", "{report}时限"),
    "inject": ("inject {no} ({kind})", "情景注入{no}（{kind}）"),
    "no_inject": ("no {kind} inject in this drill", "本次演练无{kind}情景注入"),
    "file_key": ("drill file [reporting] {key}", "演练文件 [reporting] {key}"),
    "file_reporting": ("drill file [reporting]", "演练文件 [reporting]"),
    "post_source": ("drill file [workgroups] command_post_min (default 30)",
                    "演练文件 [workgroups] command_post_min（默认30）"),
    "response": ("response standard ([targets])", "响应标准（[targets]）"),
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


@dataclass(frozen=True)
class TimeStandard:
    """One timed row of the packet, in the language in use.

    Attributes
    ----------
    id
        ``T1``, ``T2``, ...
    ref
        What it tests, as indicators name it (``standard:arrival``, ``report:follow_up``).
    item
        What must happen.
    target_min
        Minutes allowed, counted from ``start``.
    start
        What the minutes count from.
    inject
        The inject it tests (its number), or None.
    tests
        The inject or the standard it tests, in words.
    source
        Where the target comes from.
    indicator
        The indicator it scores.
    measure
        ``observed`` (a clock time) or ``plan`` (a tabletop decision checked
        against the benchmark timeline).
    """

    id: str
    ref: str
    item: str
    target_min: float
    start: str
    inject: int | None
    tests: str
    source: str
    indicator: str
    measure: str


def scheme(script: DrillScript) -> str:
    """How ``script`` is evaluated: ``gbt46792`` or ``hseep``.

    Scripts drawn before the choice existed record none: they were drawn with the HSEEP sheet.
    """
    return str(script.evaluation.get("scheme", "hseep"))


def command_post(script: DrillScript) -> CommandPost:
    """The command post the draw recorded (the defaults for a script that records none)."""
    return CommandPost.from_record(script.evaluation.get("command_post"))


def _reporting(script: DrillScript) -> dict[str, Any]:
    """The resolved reporting deadlines (from the draw, else from the sheet's old table)."""
    rr = script.evaluation.get("reporting_rules")
    if rr:
        return dict(rr)
    old = script.evaluation.get("reporting", {})
    grade = old.get("grade", GRADE_NAMES[script.scene.grade])
    names = {
        "first_phone": ("phone_first", "call"),
        "first_written": ("written_first", "call"),
        "follow_up_every": ("follow_up", "previous"),
    }
    rows = []
    for g, table in ((grade, old.get("deadlines_min", {})), *old.get("escalated", {}).items()):
        for k, v in table.items():
            if v is not None:
                report, frm = names.get(k, (k, "call"))
                rows.append(
                    {
                        "grade": g,
                        "report": report,
                        "to": "",
                        "from": frm,
                        "limit_min": float(v),
                        "direct": False,
                        "source": "config",
                        "key": k,
                    }
                )
    return {
        "rules": "",
        "receiving": "",
        "to": "",
        "grade": grade,
        "limits": rows,
        "video_min": 30.0,
        "overrides": [],
    }


def _level(key: str) -> str:
    return _b(LEVEL_NAMES[key]) if key in LEVEL_NAMES else key


def _rules_name(name: str) -> str:
    base = name.removesuffix("+custom")
    return _b(RULES_NAMES[base]) if base in RULES_NAMES else base


def _grade_word(roman: str) -> str:
    return texts.word("grade", {"I": 1, "II": 2, "III": 3, "IV": 4}[roman])


def _report_item(row: Mapping[str, Any]) -> str:
    name = (
        _b(REPORT_NAMES[row["report"]])
        if row["report"] in REPORT_NAMES
        else (str(row["report"]).replace("_", " "))
    )
    if not row["to"]:
        return name
    level = _level(row["to"])
    if row.get("direct"):
        return _f(LABELS["direct"], report=name, level=level)
    return _f(LABELS["to"], report=name, level=level)


def _source(row: Mapping[str, Any], rules: str) -> str:
    if row["source"] == "config":
        old = {
            "phone_first": "first_phone",
            "written_first": "first_written",
            "follow_up": "follow_up_every",
        }
        key = row.get("key") or old.get(row["report"], row["report"])
        return _f(LABELS["file_key"], key=key)
    return _rules_name(row["source"] or rules)


def _inject_label(no: int, kind: str) -> str:
    return _f(LABELS["inject"], no=no, kind=_b(KIND_NAMES.get(kind, (kind, kind))))


def _targets(script: DrillScript) -> tuple[float, float, float]:
    t = script.evaluation.get("targets", {})
    return (
        float(t.get("call_taking", 1)),
        float(t.get("arrival", 10)),
        float(t.get("control", 15)),
    )


def time_standards(script: DrillScript) -> list[TimeStandard]:
    """The timed rows of the drill, each tied to the inject or the standard it tests.

    The response standard (call taking, first arrival, under control, from
    ``script.evaluation["targets"]``), the command post, live video, and every
    reporting deadline of the drawn grade; a follow-up after each inject that
    changes the picture; after an escalation, the first reports of the new
    grade counted from that inject. In the language in use.
    """
    call, arrive, control = _targets(script)
    post = command_post(script)
    rr = _reporting(script)
    tabletop = script.drill_type == "tabletop"
    table = {ref: i.id for i in indicators(script.drill_type) for ref in i.tests}
    response = _b(LABELS["response"])
    rows: list[dict[str, Any]] = []

    def add(
        ref: str,
        item: str,
        target: float,
        start: str,
        tests: str,
        source: str,
        *,
        inject: int | None = None,
        plan: bool = False,
    ) -> None:
        indicator = table.get(ref)
        if indicator is None and ref.startswith("report:"):  # a deadline of the file's own
            indicator = table["report:phone_first"]
        rows.append(
            {
                "ref": ref,
                "item": item,
                "target_min": float(target),
                "start": start,
                "inject": inject,
                "tests": tests,
                "source": source,
                "indicator": indicator or "",
                "measure": "plan" if plan and tabletop else "observed",
            }
        )

    alarm = _b(FROM_NAMES["call"])

    def std(key: str, n: float) -> str:
        return _b(STANDARD_NAMES[key]).format(n=n)

    add("standard:call_taking", _("Call taken"), call, alarm, std("call_taking", call), response)
    add(
        "standard:arrival",
        _("First team on scene"),
        call + arrive,
        alarm,
        std("arrival", arrive),
        response,
        plan=True,
    )
    add(
        "standard:control",
        _("Under control: {definition}").format(
            definition=texts.text(script.scene, "under_control")
        ),
        call + arrive + control,
        alarm,
        std("control", control),
        response,
        plan=True,
    )
    add(
        "standard:command_post",
        _b(LABELS["post_set_up"]),
        post.target_min,
        alarm,
        std("command_post", post.target_min),
        _b(LABELS["post_source"]),
    )
    video = float(rr.get("video_min", 30.0))
    add(
        "standard:video",
        _b(LABELS["video"]),
        video,
        alarm,
        std("video", video),
        _b(LABELS["video_source"]),
        plan=True,
    )
    grade = rr["grade"]
    changes = [i for i in script.injects if i.kind in _CHANGES]
    for row in rr["limits"]:
        if row["grade"] != grade:
            continue
        ref = f"report:{row['report']}"
        tests = _f(LABELS["deadline"], report=_report_item(row))
        if row["from"] == "change" and changes:
            for inj in changes:
                add(
                    ref,
                    _report_item(row),
                    row["limit_min"],
                    _inject_label(inj.no, inj.kind),
                    _inject_label(inj.no, inj.kind),
                    _source(row, rr["rules"]),
                    inject=inj.no,
                )
            continue
        add(
            ref,
            _report_item(row),
            row["limit_min"],
            _b(FROM_NAMES.get(row["from"], (row["from"], row["from"]))),
            tests,
            _source(row, rr["rules"]),
        )
    for inj in script.injects:
        if inj.kind != "escalation":
            continue
        new = GRADE_NAMES[int(inj.truth["grade"])]
        for row in rr["limits"]:
            if row["grade"] == new and row["from"] in ("call", "phone"):
                item = _f(LABELS["upgrade"], report=_report_item(row), grade=_grade_word(new))
                start = (
                    _inject_label(inj.no, inj.kind)
                    if row["from"] == "call"
                    else (_b(FROM_NAMES["phone"]))
                )
                add(
                    f"report:{row['report']}",
                    item,
                    row["limit_min"],
                    start,
                    _inject_label(inj.no, inj.kind),
                    _source(row, rr["rules"]),
                    inject=inj.no,
                )
    return [TimeStandard(id=f"T{k + 1}", **r) for k, r in enumerate(rows)]


def _applies(ind: Indicator, script: DrillScript, rows: list[TimeStandard]) -> bool:
    """Whether the drill tests the indicator (some inject, row or standing duty it tests)."""
    kinds = {i.kind for i in script.injects}
    post = command_post(script)
    for ref in ind.tests:
        what, _sep, key = ref.partition(":")
        if ind.rule == "time":
            if any(r.ref == ref for r in rows):
                return True
            continue
        if what == "inject" and key in kinds:
            return True
        if what == "force" and any(f.kind == key for f in post.forces):
            return True
        if what in ("plan", "standard"):
            return True
    return False


def _tests_text(ind: Indicator, script: DrillScript) -> str:
    """What an indicator tests, in words (the drill's injects by number)."""
    call, arrive, control = _targets(script)
    post = command_post(script)
    n = {
        "call_taking": call,
        "arrival": arrive,
        "control": control,
        "command_post": post.target_min,
        "video": float(_reporting(script).get("video_min", 30.0)),
    }
    out = []
    for ref in ind.tests:
        what, _sep, key = ref.partition(":")
        if what == "standard":
            out.append(_b(STANDARD_NAMES[key]).format(n=n.get(key, 0)))
        elif what == "plan":
            out.append(_b(PLAN_PARTS[key]))
        elif what == "report":
            out.append(_f(LABELS["deadline"], report=_b(REPORT_NAMES[key])))
        elif what == "force":
            out.append(_b(FORCE_KINDS[key]))
        elif what == "inject":
            got = [_inject_label(i.no, i.kind) for i in script.injects if i.kind == key]
            out += got or [_f(LABELS["no_inject"], kind=_b(KIND_NAMES.get(key, (key, key))))]
    return texts.render(texts.listing(out)) if out else ""


# ------------------------------------------------------------------ documents
class _Doc:
    """A document built once and written as Markdown or HTML."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, Any]] = []

    def h2(self, text: str) -> None:
        self.parts.append(("h2", text))

    def h3(self, text: str) -> None:
        self.parts.append(("h3", text))

    def p(self, text: str) -> None:
        self.parts.append(("p", text))

    def items(self, lines: list[str]) -> None:
        self.parts.append(("ul", lines))

    def table(self, header: list[str], rows: list[list[Any]]) -> None:
        self.parts.append(("table", (header, rows)))

    def raw(self, md: str, page: str) -> None:
        self.parts.append(("raw", (md, page)))

    def page_break(self) -> None:
        self.parts.append(("break", None))

    def markdown(self, title: str) -> str:
        out = [f"# {title}", ""]
        for kind, v in self.parts:
            if kind == "h2":
                out += [f"## {v}", ""]
            elif kind == "h3":
                out += [f"### {v}", ""]
            elif kind == "p":
                out += [v, ""]
            elif kind == "ul":
                out += [f"- {line}" for line in v] + [""]
            elif kind == "table":
                out += [md_table(*v), ""]
            elif kind == "raw":
                out += [v[0], ""]
            elif kind == "break":
                out += ["---", ""]
        return "\n".join(out)

    def html(self, title: str) -> str:
        body = []
        for kind, v in self.parts:
            if kind in ("h2", "h3", "p"):
                body.append(f"<{kind}>{html.escape(v)}</{kind}>")
            elif kind == "ul":
                body.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in v) + "</ul>")
            elif kind == "table":
                body.append(html_table(*v))
            elif kind == "raw":
                body.append(v[1])
            elif kind == "break":
                body.append('<div style="page-break-before:always"></div>')
        return html_page(title, "".join(body))


def _mins(x: float) -> str:
    return f"{x:g}"


def _rule_text(ind: Indicator) -> str:
    return _b(LABELS["time"] if ind.rule == "time" else LABELS["rating"])


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _roles_rows(
    script: DrillScript, post: CommandPost, groups: list[Any] | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The roles to record: duty desk, commander and the lead of every work group.

    Where the participants were given their roles with the alarm (double or
    single blind), the table shows the assignment; at six-no nobody was, and
    the evaluators record who took each (the plan's names are shown for the
    debrief, not as an assignment). With ``groups``, only those groups' leads.
    """
    entries: list[tuple[str, str]] = []
    if groups is None:
        entries.append((_("Duty officer taking the first call"), _b(LABELS["duty_desk"])))
        entries.append((_b(LABELS["commander"]), _b((post.commander, post.commander_zh))))
    for g in post.groups if groups is None else groups:
        role = _f(LABELS["lead"], group=_b((g.name, g.name_zh)))
        entries.append((role, _b((g.lead, g.lead_zh))))
    if known_at_alarm(script.blind_level, "participants", "roles"):
        header = [_("Role"), _("Assigned to"), _("Took it up at (clock)"), _("Notes")]
        return header, [[role, who, "", ""] for role, who in entries]
    header = [_("Role"), _("The plan names"), _("Taken by"), _("At (clock)"), _("Notes")]
    return header, [[role, who, "", "", ""] for role, who in entries]


def _plan_doc(script: DrillScript, map_file: str | None) -> _Doc:
    post = command_post(script)
    rr = _reporting(script)
    rows = time_standards(script)
    table = indicators(script.drill_type)
    call, arrive, control = _targets(script)
    jur = texts.text(script, "jurisdiction")
    hazard = texts.text(script.scene, "hazard_name")
    d = _Doc()
    d.p(
        _(
            "Restricted: evaluators only. Structure after GB/T 46792-2025; indicators, weights "
            "and thresholds are this tool's ({version})."
        ).format(version=INDICATORS_VERSION)
    )
    d.raw("\n".join(scene_lines(script)), scene_html(script))

    d.h2(_("1. Purpose"))
    d.items(
        [
            _(
                "Test whether the {jurisdiction} emergency plan works for a {hazard} when nobody "
                "knows in advance."
            ).format(jurisdiction=jur, hazard=hazard),
            _(
                "Measure the response against the {call:g}/{arrive:g}/{control:g}-minute standard, "
                "the reporting deadlines, the command post target ({post:g} min) and live video "
                "within {video:g} min."
            ).format(
                call=call,
                arrive=arrive,
                control=control,
                post=post.target_min,
                video=float(rr.get("video_min", 30.0)),
            ),
            _(
                "Find the gaps in plans, forces, supplies and coordination, and list what must be "
                "improved."
            ),
        ]
    )

    d.h2(_("2. Scope"))
    forces = texts.render(texts.listing([_b((f.name, f.name_zh)) for f in post.forces]))
    groups = texts.render(texts.listing([_b((g.name, g.name_zh)) for g in post.groups]))
    d.items(
        [
            _("Drill: {kind}").format(kind=kind_text(script)),
            _("From the alarm at {start} to the end of play, and the debrief.").format(
                start=script.scene.start
            ),
            _("Participating units: {units}").format(units=units_text(script)),
            _("Other participating forces: {forces}").format(forces=forces or "-"),
            _("On-site command post and work groups: {groups}").format(groups=groups),
        ]
    )

    d.h2(_("3. Evaluation group"))
    d.p(
        _(
            "A leader of the evaluation group and one evaluator or more at each position; "
            "evaluators do not steer play."
        )
    )
    by_pos: dict[str, list[str]] = {}
    for i in table:
        by_pos.setdefault(i.position, []).append(i.id)
    d.table(
        [_("Position"), _("Stands at"), _("Observes"), _("Indicators"), _("Evaluator")],
        [
            [
                _b(POSITIONS[p]),
                _b(POSITION_POSTS[p]),
                texts.render(
                    texts.listing([_b((g.name, g.name_zh)) for g in post.groups if g.position == p])
                )
                or "-",
                ", ".join(by_pos.get(p, [])),
                "",
            ]
            for p in POSITIONS
        ],
    )
    # Evaluator training (评估人员培训), part of the guide's preparation.
    d.p(_("Evaluator training, before the drill and without its scenario:"))
    d.items(
        [
            _("this plan, the indicators, the scoring rules and the veto item;"),
            _("the observation sheet of each position, and taking every time from one clock;"),
            _("the report templates, the reporting deadlines and the response standard;"),
            _("staying out of play, safety at the scene, and keeping the drill confidential."),
        ]
    )

    d.h2(_("4. Basis"))
    rules = rr["rules"]
    d.items(
        [
            _b(
                (
                    "GB/T 46792-2025 Guide for the evaluation of emergency exercises",
                    "GB/T 46792-2025《突发事件应急演练评估指南》",
                )
            ),
            _b(
                (
                    "AQ/T 9009-2015 Specification for the evaluation of production-safety accident "
                    "emergency exercises",
                    "AQ/T 9009-2015《生产安全事故应急演练评估规范》",
                )
            ),
            _(
                "The emergency plans of {jurisdiction}: the general plan and the plan for {hazard}."
            ).format(jurisdiction=jur, hazard=hazard),
            _("Reporting deadlines: {rules}, grade {grade}.").format(
                rules=_rules_name(rules) if rules else _b(LABELS["file_reporting"]),
                grade=_grade_word(rr["grade"]),
            ),
            _(
                "Response standard of the rescue stations: {call:g}-minute call taking, {arrive:g}-"
                "minute arrival, {control:g}-minute handling."
            ).format(call=call, arrive=arrive, control=control),
            _("This drill's sealed script and its public commitment."),
        ]
    )

    d.h2(_("5. Methods"))
    d.items(
        [
            _("Observation at each position, every time taken from one clock."),
            _("Review of records: duty log, reports sent, command post log, video."),
            _("Questions to players at natural pauses, never steering play."),
            _(
                "Each indicator is converted into a share of its weight by the scoring rules; "
                "the total is out of 100 over the indicators this drill tests."
            ),
            _(
                "The conclusion (excellent, good, pass, fail) follows from the total and the veto "
                "items."
            ),
            _(
                "After the end: an oral critique on site, then the written evaluation report; "
                "every shortfall goes to the improvement list."
            ),
        ]
    )

    d.h2(_("6. Indicators ({type}, weights out of 100)").format(type=_drill_type(script)))
    totals: dict[str, float] = {}
    for i in table:
        totals[i.category] = totals.get(i.category, 0) + i.weight
    d.table(
        [_("Category"), _("Weight")],
        [[_b(CATEGORIES[c]), _mins(w)] for c, w in totals.items()]
        + [[_("Total"), _mins(sum(totals.values()))]],
    )
    d.table(
        [
            _("ID"),
            _("Indicator"),
            _("What the evaluator looks for"),
            _("Weight"),
            _("Rule"),
            _("Position"),
            _("Tests"),
            _("Applies?"),
        ],
        [
            [
                i.id,
                _b(i.name),
                _b(i.criterion),
                _mins(i.weight),
                _rule_text(i),
                _b(POSITIONS[i.position]),
                _tests_text(i, script),
                _yes(_applies(i, script, rows)),
            ]
            for i in table
        ],
    )

    d.h2(_("7. Scoring rules"))
    d.p(_("Rating indicators earn this share of their weight:"))
    d.table(
        [_("Rating"), _("Meaning"), _("Share of the weight")],
        [[k, _b(label), f"{100 * share:g} %"] for k, (share, label) in RATINGS.items()],
    )
    d.p(
        _(
            "Time indicators: within the target {full:g} %, within {factor:g} times the target "
            "{half:g} %, later or not done 0 %; with several time standards, the lowest."
        ).format(full=100 * TIME_STEPS[0][1], factor=TIME_STEPS[1][0], half=100 * TIME_STEPS[1][1])
    )
    d.p(
        _(
            "Indicators that do not apply to this drill are left out and the total is rescaled "
            "to 100."
        )
    )
    d.table(
        [_("Conclusion"), _("Total")],
        [
            [
                _b(CONCLUSIONS["excellent"][1]),
                _("{low:g} or more, and no indicator at 0").format(low=CONCLUSIONS["excellent"][0]),
            ],
            [_b(CONCLUSIONS["good"][1]), _("{low:g} or more").format(low=CONCLUSIONS["good"][0])],
            [_b(CONCLUSIONS["pass"][1]), _("{low:g} or more").format(low=CONCLUSIONS["pass"][0])],
            [
                _b(CONCLUSIONS["fail"][1]),
                _("below {low:g}, or a veto item rated D").format(low=CONCLUSIONS["pass"][0]),
            ],
        ],
    )
    d.p(
        _("Veto items: {items}.").format(
            items=texts.render(texts.listing([f"{i.id} {_b(i.name)}" for i in table if i.veto]))
        )
    )

    d.h2(_("8. Time standards (minutes)"))
    if script.drill_type == "tabletop":
        d.p(
            _(
                "Tabletop: rows measured by the plan are judged from the players' decisions "
                "against the benchmark timeline; the others are observed in play."
            )
        )
    d.table(_ts_header(), [_ts_row(r) for r in rows])

    d.h2(_("9. On-site command post and work groups"))
    d.p(
        _(
            "Commander: {commander}. Set up within {minutes:g} min of the alarm (measured, {row})."
        ).format(
            commander=_b((post.commander, post.commander_zh)),
            minutes=post.target_min,
            row=next((r.id for r in rows if r.ref == "standard:command_post"), "-"),
        )
    )
    d.table(
        [_("Work group"), _("Lead unit"), _("Duties"), _("Observed by")],
        [
            [
                _b((g.name, g.name_zh)),
                _b((g.lead, g.lead_zh)),
                _b((g.duties, g.duties_zh)),
                _b(POSITIONS[g.position]),
            ]
            for g in post.groups
        ],
    )
    d.table(
        [_("Force"), _("Kind"), _("Joins")],
        [[units_text(script), _b(FORCE_KINDS["professional"]), _group_name(post, "rescue")]]
        + [
            [_b((f.name, f.name_zh)), _b(FORCE_KINDS[f.kind]), _group_name(post, f.group)]
            for f in post.forces
        ],
    )
    if any(f.first_reporter for f in post.forces):
        d.p(
            _(
                "Disaster information officers are often the first to report: the reporting "
                "evaluator records when their first report arrives and how it was verified."
            )
        )

    d.h2(_("10. What each role learns, and when ({blind})").format(blind=_blind(script)))
    level = (
        script.blind_level if script.blind_level in ("single", "double", "six-no") else ("six-no")
    )
    d.table(
        [_("Item"), *(_b(ROLES[r]) for r in ROLES)],
        [[_b(ITEMS[it]), *(_b(WHEN[disclosed(level, r, it)]) for r in ROLES)] for it in ITEMS],
    )

    d.h2(_("11. Roles"))
    if known_at_alarm(script.blind_level, "participants", "roles"):
        d.p(_("Roles were assigned with the alarm; record when each was taken up."))
    else:
        d.p(
            _(
                "Six-no: nobody was assigned a role. Record who took each, and when; the plan's "
                "lead units are shown for the debrief, not as an assignment."
            )
        )
    d.table(*_roles_rows(script, post))

    d.h2(_("Benchmark timeline"))
    d.p(_("What the plan allows: free-flow roads, every team free, mean turnout."))
    d.table(_bench_header(), _bench_rows(script))
    spread = _spread_rows(script)
    if spread:
        d.h2(_("Simulated spread"))
        d.p(_spread_caption(script))
        d.table(_spread_header(), spread)
    if map_file:
        d.h2(_("Map"))
        alt = _("scene map")
        d.raw(
            _("![Scene, nearest stations and depots]({file})").format(file=map_file),
            f'<img src="{html.escape(map_file)}" alt="{html.escape(alt)}" style="max-width:100%">',
        )
    return d


def _group_name(post: CommandPost, key: str) -> str:
    g = post.group(key)
    return _b((g.name, g.name_zh)) if g else key


def _drill_type(script: DrillScript) -> str:
    return _b(
        {"field": ("field drill", "实战演练"), "tabletop": ("tabletop drill", "桌面推演")}.get(
            script.drill_type, (script.drill_type, script.drill_type)
        )
    )


def _blind(script: DrillScript) -> str:
    return _b(
        {
            "single": ("single blind", "单盲"),
            "double": ("double blind", "双盲"),
            "six-no": ("six-no blind", "“六不”盲演"),
        }.get(script.blind_level, (script.blind_level, script.blind_level))
    )


def _ts_header() -> list[str]:
    return [
        _("No."),
        _("Item"),
        _("Target"),
        _("Counted from"),
        _("Tests"),
        _("Source"),
        _("Indicator"),
        _("Measured"),
        _("Observed (clock)"),
        _("Minutes"),
        _("Met?"),
    ]


def _ts_row(r: TimeStandard) -> list[Any]:
    measured = _b(LABELS["plan" if r.measure == "plan" else "observed"])
    return [
        r.id,
        r.item,
        _mins(r.target_min),
        r.start,
        r.tests,
        r.source,
        r.indicator,
        measured,
        "",
        "",
        "",
    ]


def _sheets_doc(script: DrillScript) -> _Doc:
    post = command_post(script)
    rows = time_standards(script)
    table = indicators(script.drill_type)
    d = _Doc()
    d.p(_("Restricted: evaluators only. One sheet per position; times from one clock."))
    d.raw("\n".join(scene_lines(script)), scene_html(script))
    for k, pos in enumerate(POSITIONS):
        if k:
            d.page_break()
        mine = [i for i in table if i.position == pos]
        ids = {i.id for i in mine}
        d.h2(_("Observation record: {position}").format(position=_b(POSITIONS[pos])))
        d.p(
            _("Exercise {exercise}. Evaluator: ________  Stands at: {post}").format(
                exercise=script.exercise_id, post=_b(POSITION_POSTS[pos])
            )
        )
        timed = [r for r in rows if r.indicator in ids]
        if timed:
            d.h3(_("Time standards"))
            d.table(_ts_header(), [_ts_row(r) for r in timed])
        watched = [i for i in script.injects if _WATCHED_BY.get(i.kind) == pos]
        if watched:
            d.h3(_("Injects to watch"))
            d.table(
                [_("Inject"), _("Offset"), _("Expected action"), _("Done at (clock)"), _("Notes")],
                [
                    [
                        _inject_label(i.no, i.kind),
                        f"+{i.offset_min:g}",
                        texts.text(i, "expected_action"),
                        "",
                        "",
                    ]
                    for i in watched
                ],
            )
        d.h3(_("Indicators"))
        d.table(
            [
                _("ID"),
                _("Indicator"),
                _("What the evaluator looks for"),
                _("Weight"),
                _("Rule"),
                _("Applies?"),
                _("Observations"),
                _("Rating or minutes"),
                _("Score"),
            ],
            [
                [
                    i.id,
                    _b(i.name),
                    _b(i.criterion),
                    _mins(i.weight),
                    _rule_text(i),
                    _yes(_applies(i, script, rows)),
                    "",
                    "",
                    "",
                ]
                for i in mine
            ],
        )
        groups = [g for g in post.groups if g.position == pos]
        if groups:
            d.h3(_("Work groups"))
            d.table(*_roles_rows(script, post, groups))
        if pos == "reporting":
            first = [f for f in post.forces if f.first_reporter]
            if first:
                d.h3(_("First reporters"))
                d.table(
                    [_("Force"), _("First report at (clock)"), _("Verified how"), _("Notes")],
                    [[_b((f.name, f.name_zh)), "", "", ""] for f in first],
                )
        d.p(_("Signature: ________  Date: ________"))
    return d


def _title(script: DrillScript) -> str:
    return _("Evaluation plan (GB/T 46792-2025) - EXERCISE {exercise}").format(
        exercise=script.exercise_id
    )


def _sheets_title(script: DrillScript) -> str:
    return _("Observation records - EXERCISE {exercise}").format(exercise=script.exercise_id)


def gbt_markdown(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluation plan with indicators, scoring rules and time standards (Markdown)."""
    return _plan_doc(script, map_file).markdown(_title(script))


def gbt_html(script: DrillScript, map_file: str | None = "map.png") -> str:
    """The evaluation plan with indicators, scoring rules and time standards (printable HTML)."""
    return _plan_doc(script, map_file).html(_title(script))


def observation_markdown(script: DrillScript) -> str:
    """The observation record sheets, one per evaluator position (Markdown)."""
    return _sheets_doc(script).markdown(_sheets_title(script))


def observation_html(script: DrillScript) -> str:
    """The observation record sheets, one per position, each on its own page (HTML)."""
    return _sheets_doc(script).html(_sheets_title(script))


# ------------------------------------------------------------------ machine CSVs
def _in_both(fn: Callable[[], list[list[Any]]]) -> tuple[list[list[Any]], list[list[Any]]]:
    with i18n.language("en"):
        en = fn()
    with i18n.language("zh"):
        zh = fn()
    return en, zh


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


_IND_TEXTS = ("category", "position", "indicator", "criterion", "tests")


def indicators_csv(script: DrillScript) -> str:
    """The indicator table of the drill as CSV, the same in every language.

    Columns ``id, drill_type, category_key, position_key, category, position,
    indicator, criterion, weight, rule, veto, tests, applies`` with
    ``<column>_zh`` companions of the text columns.
    """
    table = indicators(script.drill_type)
    rows = time_standards(script)

    def texts_of() -> list[list[Any]]:
        return [
            [
                _b(CATEGORIES[i.category]),
                _b(POSITIONS[i.position]),
                _b(i.name),
                _b(i.criterion),
                _tests_text(i, script),
            ]
            for i in table
        ]

    en, zh = _in_both(texts_of)
    header = [
        "id",
        "drill_type",
        "category_key",
        "position_key",
        *_IND_TEXTS[:4],
        "weight",
        "rule",
        "veto",
        "tests",
        "applies",
        *(f"{c}_zh" for c in _IND_TEXTS),
    ]
    out = [
        [
            i.id,
            script.drill_type,
            i.category,
            i.position,
            *e[:4],
            f"{i.weight:g}",
            i.rule,
            str(i.veto).lower(),
            e[4],
            str(_applies(i, script, rows)).lower(),
            *z,
        ]
        for i, e, z in zip(table, en, zh, strict=True)
    ]
    return _csv(header, out)


_TS_TEXTS = ("item", "start", "tests", "source")


def time_standards_csv(script: DrillScript) -> str:
    """The time standards as CSV, the same in every language.

    Columns ``id, ref, item, target_min, start, inject, tests, source,
    indicator, measure`` with ``<column>_zh`` companions of the text columns.
    """

    def rows() -> list[list[Any]]:
        return [
            [
                r.id,
                r.ref,
                r.item,
                r.target_min,
                r.start,
                r.inject,
                r.tests,
                r.source,
                r.indicator,
                r.measure,
            ]
            for r in time_standards(script)
        ]

    en, zh = _in_both(rows)
    header = [
        "id",
        "ref",
        "item",
        "target_min",
        "start",
        "inject",
        "tests",
        "source",
        "indicator",
        "measure",
        *(f"{c}_zh" for c in _TS_TEXTS),
    ]
    out = [
        [
            e[0],
            e[1],
            e[2],
            f"{e[3]:g}",
            e[4],
            "" if e[5] is None else e[5],
            e[6],
            e[7],
            e[8],
            e[9],
            z[2],
            z[4],
            z[6],
            z[7],
        ]
        for e, z in zip(en, zh, strict=True)
    ]
    return _csv(header, out)


# ------------------------------------------------------------------ the files
def gbt_files(script: DrillScript, map_file: str | None = "map.png") -> dict[str, bytes]:
    """The GB/T 46792 packet: relative path under ``evaluators/`` -> bytes."""
    return {
        "evaluation.md": gbt_markdown(script, map_file).encode(),
        "evaluation.html": gbt_html(script, map_file).encode(),
        "observation_sheets.md": observation_markdown(script).encode(),
        "observation_sheets.html": observation_html(script).encode(),
        "indicators.csv": indicators_csv(script).encode(),
        "time_standards.csv": time_standards_csv(script).encode(),
    }


def evaluator_files(script: DrillScript, map_file: str | None = "map.png") -> dict[str, bytes]:
    """Every text file of the evaluators' packet, by the drill's :func:`scheme`.

    ``gbt46792``: :func:`gbt_files`; ``hseep``: the P/S/M/U sheet
    (``evaluation.md``, ``evaluation.html``). Both add ``benchmark.csv``.
    Paths are relative to ``evaluators/``; the map (``map.png``) is drawn by
    the reveal.
    """
    if scheme(script) == "gbt46792":
        files = gbt_files(script, map_file)
    else:
        files = {
            "evaluation.md": evaluation_markdown(script, map_file).encode(),
            "evaluation.html": evaluation_html(script, map_file).encode(),
        }
    return {**files, "benchmark.csv": benchmark_csv(script).encode()}
