"""The keys of a run config's own tables, as records :class:`experiments.config.RunConfig` reads.

The top level, ``[facilities]``, ``[scenario]``, ``[sources]``, ``[run]``,
``[travel]``, ``[reinforcement]`` and the inline ``[[stations]]`` / ``[[depots]]`` rows; the
tables other modules validate declare their keys beside their validators
(``[network]`` in :mod:`experiments.network_spec`, ``[targets]`` in
:mod:`sim.targets`, ``[duty]`` in :mod:`sim.duty`, ``[reporting]`` in
:mod:`sim.reporting_rules`, ``[[siting]]`` in :mod:`experiments.siting.task`).
"""

from __future__ import annotations

from experiments.incident_source import INCIDENT_KEYS
from experiments.locations import LOCATION_COLUMNS, LOCATION_HELP
from networks.i18n import LANGUAGES
from networks.synthetic import MAX_TOWNSHIPS
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.limits import MAX_DURATION_MIN
from scenarios.places import SOURCE_KINDS
from scenarios.validate import MAX_REPLICATIONS, MAX_SEED
from sim.depots import DEPOT
from sim.reinforcement import CALL_IN
from sim.stations import STATION

#: Largest ``run.travel_noise`` (coefficient of variation of travel times).
MAX_TRAVEL_NOISE = 10.0

_LOCATION_TYPES = {"node": "integer", "osmid": "integer", "landmark": "string"}
#: The location columns' Chinese terms (a table's header may use them).
LOCATION_ZH = {
    "node": "节点", "osmid": "OSM编号", "lon": "经度", "lat": "纬度", "x": "X坐标",
    "y": "Y坐标", "landmark": "地标",
}  # fmt: skip


def location_keys(*, with_location: bool) -> tuple[Key, ...]:
    """The keys that place a row on the network (``location``, then the columns)."""
    where = (
        Key("location", "location",
            'Where it stands: a location value, e.g. "landmark:Xiba Town" or [lon, lat].',
            "位置"),
    )  # fmt: skip
    columns = tuple(
        Key(n, _LOCATION_TYPES.get(n, "number"), LOCATION_HELP[n], LOCATION_ZH[n])
        for n in LOCATION_COLUMNS
    )
    return (where if with_location else ()) + columns


def _placed(section: Section, path: str) -> Section:
    """A facility section as a run config writes it: placed by location, not by node."""
    keys = tuple(k for k in section.keys if k.name != "node")
    return section.replace(
        path=path,
        keys=keys + location_keys(with_location=True),
        help="Give the place as location = ..., or with one set of the location keys "
        "(node; osmid; lon and lat; x and y; landmark).",
    )


#: The top level of a run config.
RUN_FILE = Section(
    "",
    "Run config",
    (
        Key("name", "string", "Name of the run, in outputs and reports.", "名称",
            default_text="the file name without .toml"),
        Key("name_zh", "string", "Chinese name of the run, in Chinese outputs and reports.",
            "中文名称", default=""),
        Key("description", "string", "One sentence for listings and reports.", "说明",
            default=""),
        Key("language", "string", "The language the commands speak unless the user chose one.",
            "语言", choices=LANGUAGES, default_text="the user's locale"),
        Key("network", "table", "Where the roads come from.", "路网", default=REQUIRED),
        Key("facilities", "table", "Where stations and depots come from.", "应急力量与物资"),
        Key("stations", "array of tables",
            "Stations given inline (instead of facilities.stations).", "应急救援站"),
        Key("depots", "array of tables", "Depots given inline (instead of facilities.depots).",
            "应急物资储备库"),
        Key("scenario", "table", "What happens: a shipped scenario or a scenario file.", "情景"),
        Key("sources", "table", "Hazard sources by kind, as lists of locations.", "危险源"),
        Key("policy", "table", "The dispatch policy.", "调派策略"),
        Key("targets", "table", "The response standard, minutes.", "响应时限标准"),
        Key("run", "table", "Seed, replications and travel-time noise.", "运行参数"),
        Key("travel", "table", "A bureau's own travel-time matrix instead of the roads.",
            "行驶时间"),
        Key("reinforcement", "table", "Outside teams a grave incident calls in.", "增援力量"),
        Key("duty", "table", "Duty desks: who answers calls and writes reports.", "值班值守"),
        Key("reporting", "table", "The reporting chain.", "信息报送"),
        Key("people", "table", "People at the scene: trapped, injured, evacuated; rescue, "
            "survival and shelters.", "现场人员"),
        Key("warnings", "table", "The warning plan: what a warning of each level triggers "
            "(teams staged, stock pushed down, duty desks reinforced).", "预警响应"),
        Key("moveup", "table", "Move-up: free teams moved to cover for busy ones (a compliance "
            "table or a MEXCLP re-solve).", "动态调度（补位）"),
        Key("congestion", "table", "Roads slower in the rush hours: travel-time multipliers "
            "by road class and clock hour.", "分时段拥堵"),
        Key("siting", "array of tables",
            "Siting tasks for yingji site (one table, or an array of tables).", "选址"),
    ),
    help="A TOML file; paths inside it are relative to the file. "
    "Only [network] is required.",
)  # fmt: skip
#: ``[facilities]``.
FACILITIES = Section(
    "facilities",
    "Facilities",
    (
        Key("stations", "any", "The stations.", "应急救援站", default="default",
            allowed_text='"default" or a table file (CSV, GeoJSON, GeoPackage, Shapefile)'),
        Key("depots", "any", "The depots; none for a run of teams alone.", "应急物资储备库",
            default="default",
            allowed_text='"default", "none" or a table file (CSV, GeoJSON, GeoPackage, Shapefile)'),
        Key("township_stations", "integer",
            "Default stations in only the first N townships.", "乡镇救援站数量",
            lo=0, hi=MAX_TOWNSHIPS, default_text="every township"),
    ),
    zh="应急力量与物资",
    help="The defaults are the built-in network's: a station per township (30+ people), "
    "depots in four tiers.",
)  # fmt: skip
#: ``[scenario]``.
SCENARIO = Section(
    "scenario",
    "Scenario",
    (
        Key("name", "string", "A shipped scenario (yingji scenario list).", "情景名称",
            default="multi_hazard"),
        Key("file", "path", "A scenario TOML file instead, relative to the config.", "情景文件"),
        *INCIDENT_KEYS,
    ),
    zh="情景",
    help="With incidents, the run replays that log instead of drawing the scenario; name "
    "(or file) then only gives the hazard catalogue that names its hazards.",
)  # fmt: skip
#: ``[sources]``.
SOURCES = Section(
    "sources",
    "Hazard sources",
    (Key("<kind>", "list", "Where sources of this kind stand: a non-empty list of locations.",
         names=SOURCE_KINDS, default_text="derived from the network",
         allowed_text="also any source kind a hazard of the scenario's catalogue names"),),
    zh="危险源",
)  # fmt: skip
#: ``[run]``.
RUN = Section(
    "run",
    "Run settings",
    (
        Key("seed", "integer", "Root seed: the same config and seed give identical records.",
            "随机种子", default=2024, lo=0, hi=MAX_SEED),
        Key("replications", "integer", "Replications (independent incident streams).",
            "重复次数", default=1, lo=1, hi=MAX_REPLICATIONS),
        Key("travel_noise", "number", "Coefficient of variation of travel times.",
            "行驶时间波动", default=0.0, lo=0, hi=MAX_TRAVEL_NOISE),
        Key("horizon_min", "number", "Minutes simulated.", "模拟时长",
            lo=0, lo_open=True, hi=MAX_DURATION_MIN, default_text="the scenario's duration"),
    ),
    zh="运行参数",
)  # fmt: skip
#: ``[travel]``: a bureau's own station/depot travel times (:mod:`sim.travel_matrix`).
TRAVEL = Section(
    "travel",
    "Travel-time matrix",
    (
        Key("matrix", "path",
            "A CSV file of minutes from stations and depots to network nodes and back "
            "(see the travel matrix table), relative to the config.", "行驶时间矩阵",
            default_text="none: road times only"),
    ),
    zh="行驶时间",
    help="Where the matrix has a (station or depot, node) pair, the simulation ranks "
    "stations and times drives by it instead of the network's shortest path; pairs it "
    "lacks use the network. Matrix times ignore road closures.",
)  # fmt: skip
#: ``[reinforcement]``: a station of the provincial tier that enters the map when called.
REINFORCEMENT = Section(
    "reinforcement",
    "Reinforcement",
    (
        Key("name", "string", "Name of the outside force.", "名称",
            default="Provincial Reinforcement"),
        Key("name_zh", "string", "Its Chinese name.", "中文名称", default=""),
        Key("location", "location", "Where the teams enter the map.", "集结地点",
            default=REQUIRED),
        Key("teams", "array of tables", "Its teams (see [[stations.teams]]).", "救援队伍",
            default=REQUIRED),
        Key("area", "string", "Area name, for reserve keeping.", default_text="the name"),
        *CALL_IN.keys,
    ),
    zh="增援力量",
    help="Grade I and II events are answered above the county: the first incident of "
    "max_grade or graver calls in these teams, which arrive delay_min later and then serve "
    "like any station.",
)  # fmt: skip
#: Inline ``[[stations]]`` and ``[[depots]]`` of a run config.
INLINE_STATIONS = _placed(STATION, "stations[]")
INLINE_DEPOTS = _placed(DEPOT, "depots[]")
