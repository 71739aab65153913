"""GB/T 46792 evaluation: the indicator tables of field and tabletop drills and their scoring rules.

See :mod:`experiments.drill.evaluation_gbt` for the packet and the reasoning behind the
weights, ratings and thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from networks import i18n

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
