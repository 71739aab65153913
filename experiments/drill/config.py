"""The drill TOML: constraints, region, history and seal settings, validated in one place.

::

    [drill]                       # what may be drawn (scenarios.drill.spec.DrillSpec)
    id = "SC-2026-Q4"
    type = "field"                # or "tabletop"
    blind = "six-no"              # single | double | six-no
    start = 2026-12-01T08:00:00+08:00
    end = 2026-12-12T18:00:00+08:00
    hazards = ["building_fire", "traffic_accident", "hazmat_leak"]
    grades = ["III", "IV"]
    exclude_areas = ["Longtan Town"]  # or its Chinese name, "龙潭镇"
    history = "drill_history.csv" # past drills; the last no_repeat are avoided
    no_repeat = 3

    [network]                     # the region, as in a run config
    synthetic = "county"
    [facilities]
    stations = "default"
    depots = "default"

    language = "zh"               # packets and messages: zh or en (default: the locale)

    [reporting]                   # the reporting chain (sim.reporting_rules)
    rules = "national"            # national | henan | guizhou (default national)
    receiving = "county"          # the level that takes the alarm; reports go one level up
    first_phone = [15, 15, 30, 60]  # the old keys still work, as overrides (grades I-IV)
    first_written = [35, 35, 60, 360]
    follow_up_every = 720

    [evaluation]
    standard = "gbt46792"         # GB/T 46792-2025 packet (default), or "hseep" (P/S/M/U sheet)
    scale = "PSMU"                # the HSEEP sheet's scale

    [workgroups]                  # 现场指挥部 and its 工作组 (scenarios.drill.workgroups)
    command_post_min = 30

    [seal]                        # passphrase KDF cost (scrypt)
    scrypt_n = 131072
    [benchmark]
    call_taking_min = 1.0         # call -> call taken
    loading_min = 30.0            # supplies: order -> lorry leaves the depot
    replications = 200            # one-incident simulations for the spread (0: none)
    travel_noise = 0.15           # their travel-time coefficient of variation

A missing ``[network]`` means the built-in county with its default facilities.
``[reporting]`` resolves a preset of :data:`sim.reporting_rules.PRESETS` at the
level one above ``receiving`` (:class:`DrillReporting`); the old keys
``first_phone``, ``first_written`` and ``follow_up_every`` (and any other named
deadline) override it. The draw's deadlines (the injects, the HSEEP sheet) come
from the resolved limits, and the limits themselves are recorded in the sealed
script's evaluation (``reporting_rules``).
Paths are relative to the TOML file. ``language`` is followed unless the user
chose one (``yingji --lang``, ``YINGJI_LANG``); the draw records the language in
the sealed payload (not in the committed script) and the reveal writes the
packets in it, unless ``--lang`` is given at the reveal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from experiments.drill.history_file import (
    HISTORY_COLUMNS,
    HISTORY_SCORE_COLUMNS,
    history_row,
    read_history,
)
from experiments.drill.region import Region, network_fingerprint
from experiments.drill.reporting_deadlines import (
    DRILL_REPORTING,
    OLD_KEYS,
    RULE_KEYS,
    DrillReporting,
    Grades,
)
from experiments.drill.seal import MAX_SCRYPT_N, MAX_SCRYPT_P, MAX_SCRYPT_R, ScryptParams
from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from scenarios.catalogue import HazardCatalogue, load_catalogue
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.drill.draw import PastDrill
from scenarios.drill.errors import SealError
from scenarios.drill.spec import MAX_MINUTES, DrillSpec
from scenarios.drill.spec_keys import DRILL_EVALUATION
from scenarios.drill.workgroups import CommandPost
from scenarios.validate import MAX_REPLICATIONS, Reader, read_toml

__all__ = [
    "EVALUATION_STANDARDS",
    "HISTORY_COLUMNS",
    "HISTORY_SCORE_COLUMNS",
    "MAX_SCRYPT_N",
    "MAX_TRAVEL_NOISE",
    "OLD_KEYS",
    "BenchmarkParams",
    "DrillConfig",
    "DrillReporting",
    "Grades",
    "Region",
    "drill_language",
    "history_row",
    "network_fingerprint",
    "read_history",
]

_REGION = ("network", "facilities", "stations", "depots", "sources")
#: How a drill is evaluated: the national guide (GB/T 46792-2025, the default) or HSEEP.
EVALUATION_STANDARDS = ("gbt46792", "hseep")
#: Largest travel-time coefficient of variation of the simulated spread.
MAX_TRAVEL_NOISE = 10.0
_AS_RUN = "as in a run config"
#: The top level of a drill file (what :meth:`DrillConfig.from_file` accepts).
DRILL_FILE = Section(
    "",
    "Drill file",
    (
        Key("drill", "table", "What may be drawn: window, hazards, grades, areas, blind level.",
            "演练", default=REQUIRED),
        Key("risk", "table", "Relative risk by hazard (the weights of the hazard draw).",
            "风险权重"),
        Key("reporting", "table", "The reporting chain and its deadlines.", "信息报送"),
        Key("targets", "table", "The 1 / 10 / 15 minute standard.", "响应时限标准"),
        Key("evaluation", "table", "How the drill is evaluated.", "演练评估"),
        Key("workgroups", "table", "The command post and its work groups.", "现场指挥部"),
        Key("seal", "table", "Passphrase key-derivation cost (scrypt).", "封存"),
        Key("benchmark", "table", "Allowances of the benchmark timeline.", "基准时间线"),
        Key("catalogue", "path", "A hazard catalogue file laid over the shipped one.",
            "事件目录", default=""),
        Key("language", "string", "The language of packets and messages unless the user chose "
            "one.", "语言", choices=i18n.LANGUAGES, default_text="the user's locale"),
        Key("network", "table", f"The region's roads, {_AS_RUN}.", "路网",
            default_text="the built-in county"),
        Key("facilities", "table", f"Stations and depots, {_AS_RUN}.", "应急力量与物资"),
        Key("stations", "array of tables", f"Inline stations, {_AS_RUN}.", "应急救援站"),
        Key("depots", "array of tables", f"Inline depots, {_AS_RUN}.", "应急物资储备库"),
        Key("sources", "table", f"Hazard sources, {_AS_RUN}.", "危险源"),
    ),
    zh="演练",
    help="A blind drill: the constraints of the draw, the region, the reporting chain, the "
    "evaluation and the seal. Paths are relative to the file.",
)  # fmt: skip
#: ``[evaluation]`` of a drill file.
EVALUATION = Section(
    "evaluation",
    "Evaluation",
    (
        Key("standard", "string",
            "gbt46792: the GB/T 46792-2025 packet; hseep: the P/S/M/U evaluation sheet.",
            "评估标准", default=EVALUATION_STANDARDS[0], choices=EVALUATION_STANDARDS),
        *DRILL_EVALUATION.keys,
    ),
    zh="演练评估",
)  # fmt: skip
#: ``[seal]`` of a drill file.
SEAL = Section(
    "seal",
    "Seal",
    (
        Key("scrypt_n", "integer", "scrypt cost N (a power of two).", default=2**17, lo=2,
            hi=MAX_SCRYPT_N),
        Key("scrypt_r", "integer", "scrypt block size r.", default=8, lo=1, hi=MAX_SCRYPT_R),
        Key("scrypt_p", "integer", "scrypt parallelism p.", default=1, lo=1, hi=MAX_SCRYPT_P),
    ),
    zh="封存",
    help="The cost of deriving the sealing key from a passphrase (memory 128 x N x r bytes).",
)  # fmt: skip


@dataclass(frozen=True)
class BenchmarkParams:
    """Allowances of the benchmark timeline (minutes)."""

    call_taking_min: float = 1.0
    loading_min: float = 30.0
    replications: int = 200
    travel_noise: float = 0.15


#: ``[benchmark]`` of a drill file.
BENCHMARK = Section(
    "benchmark",
    "Benchmark timeline",
    (
        Key("call_taking_min", "number", "Call -> call taken, minutes.", "接警",
            lo=0, hi=MAX_MINUTES, default_text="targets.call_taking"),
        Key("loading_min", "number", "Supplies: order -> lorry leaves the depot, minutes.",
            "装车用时", default=BenchmarkParams.loading_min, lo=0, hi=MAX_MINUTES),
        Key("replications", "integer", "One-incident simulations for the spread (0: none).",
            default=BenchmarkParams.replications, lo=0, hi=MAX_REPLICATIONS),
        Key("travel_noise", "number", "Their travel-time coefficient of variation.",
            default=BenchmarkParams.travel_noise, lo=0, hi=MAX_TRAVEL_NOISE),
    ),
    zh="基准时间线",
)  # fmt: skip


@dataclass(frozen=True)
class DrillConfig:
    """A validated drill TOML."""

    source: str
    spec: DrillSpec
    region_tables: dict[str, Any]
    base_dir: Path
    scrypt: ScryptParams
    benchmark: BenchmarkParams
    catalogue_file: str | None = None
    sha256: str = ""
    language: str | None = None
    evaluation_standard: str = "gbt46792"
    reporting: DrillReporting = field(default_factory=DrillReporting)
    workgroups: CommandPost = field(default_factory=CommandPost)
    templates: Any = None

    @classmethod
    def from_file(cls, path: str | Path) -> DrillConfig:
        """Read and validate a drill TOML."""
        p = Path(path)
        data = read_toml(p)
        src = str(p)
        top = Reader(data, source=src)
        DRILL_FILE.allow(top)
        language = DRILL_FILE.read(top, "language")
        cat_file = DRILL_FILE.read(top, "catalogue") or None
        if cat_file:
            cat_file = str(p.parent / cat_file)
            if not Path(cat_file).is_file():
                raise top.error("catalogue", _("no catalogue file {file}").format(file=cat_file))
        catalogue = load_catalogue(cat_file)
        ev = top.table("evaluation", {})
        EVALUATION.allow(ev)
        standard = EVALUATION.read(ev, "standard")
        rp = top.table("reporting", {})
        reporting = DrillReporting.from_dict(rp.data, source=src)
        workgroups = CommandPost.from_dict(data.get("workgroups"), source=src)
        templates = None
        if rp.has("templates"):  # a bureau's own report forms, sealed with the drill
            from scenarios.drill.report_templates import load_templates

            t_file = Path(DRILL_REPORTING.read(rp, "templates"))
            t_file = t_file if t_file.is_absolute() else p.parent / t_file
            if not t_file.is_file():
                raise rp.error("templates", _("no such file {path}").format(path=t_file))
            templates = load_templates(t_file, catalogue=catalogue)
        # DrillSpec reads the draw's tables; the keys read here are not its business.
        spec_data = {k: v for k, v in data.items() if k != "workgroups"}
        spec_data["evaluation"] = {k: v for k, v in ev.data.items() if k != "standard"}
        spec_data["reporting"] = {k: v for k, v in rp.data.items() if k not in RULE_KEYS}
        spec_data["drill"] = _hazard_keys(spec_data.get("drill"), catalogue)
        spec = DrillSpec.from_dict(spec_data, source=src, hazards=catalogue.keys)
        reporting = reporting.with_overrides(spec, spec_data["reporting"])
        spec = replace(spec, reporting=reporting.deadlines())
        if not spec.hazards and top.table("drill").has("hazards"):
            # Left out, every hazard may be drawn; an empty list must not mean the same.
            raise top.table("drill").error(
                "hazards",
                _("expected a non-empty list of hazards (leave hazards out to allow every one)"),
            )
        seal = top.table("seal", {})
        SEAL.allow(seal)
        n = SEAL.read(seal, "scrypt_n")
        if n & (n - 1):
            raise seal.error("scrypt_n", _("must be a power of two, got {n}").format(n=n))
        try:
            scrypt = ScryptParams(n, SEAL.read(seal, "scrypt_r"), SEAL.read(seal, "scrypt_p"))
        except SealError as exc:  # the memory bound: a config mistake here
            raise ConfigError(str(exc), source=src, key="seal") from None
        b = top.table("benchmark", {})
        BENCHMARK.allow(b)
        bench = BenchmarkParams(
            b.num("call_taking_min", spec.targets[0], lo=0, hi=MAX_MINUTES),
            BENCHMARK.read(b, "loading_min"),
            BENCHMARK.read(b, "replications"),
            BENCHMARK.read(b, "travel_noise"),
        )
        return cls(
            source=src,
            spec=spec,
            region_tables={k: data[k] for k in _REGION if k in data},
            base_dir=p.parent,
            scrypt=scrypt,
            benchmark=bench,
            catalogue_file=cat_file,
            sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
            language=language,
            evaluation_standard=standard,
            reporting=reporting,
            workgroups=workgroups,
            templates=templates,
        )

    def catalogue(self) -> HazardCatalogue:
        """The hazard catalogue (shipped, plus the file named by ``catalogue``)."""
        return load_catalogue(self.catalogue_file)

    def region(self) -> Region:
        """Build the network and place the facilities.

        Uses :class:`experiments.config.RunConfig` for ``[network]``,
        ``[facilities]`` (or inline ``[[stations]]``, ``[[depots]]``) and
        ``[sources]``; without ``[network]``, the built-in county.
        """
        tables = dict(self.region_tables)
        if "network" not in tables:
            tables["network"] = {"synthetic": "county"}
        from experiments.config import RunConfig

        cfg = RunConfig.from_dict(tables, source=self.source, base_dir=self.base_dir)
        reg = cfg.region()
        return Region(
            network=reg.network,
            stations=tuple(reg.stations),
            depots=tuple(reg.depots),
            spec={"network": _absolute(cfg.network.to_dict())},
            sources={k: tuple(int(n) for n in v) for k, v in reg.sources.items()},
        )

    def history(self) -> list[PastDrill]:
        """Past drills from the history file (oldest first), or none."""
        if not self.spec.history:
            return []
        try:
            return read_history(self.base_dir / self.spec.history)
        except ConfigError as exc:
            raise ConfigError(str(exc), source=self.source, key="drill.history") from None


def drill_language(path: str | Path) -> str | None:
    """The ``language`` key of a drill TOML, read before it is validated (None if unreadable).

    The drill commands adopt it first, so that the file's own errors are
    already in its language; :meth:`DrillConfig.from_file` reports a bad value.
    """
    from experiments.config import config_language

    try:
        return config_language(read_toml(path))
    except ConfigError:
        return None


def _absolute(network: dict[str, Any]) -> dict[str, Any]:
    """A network spec with its file as an absolute path (the reveal may run elsewhere)."""
    if network.get("file"):
        network = {**network, "file": str(Path(network["file"]).resolve())}
    return network


def _hazard_keys(drill: Any, catalogue: HazardCatalogue) -> Any:
    """``[drill] hazards`` with names (English or Chinese, 森林火灾) as catalogue keys.

    As in incident logs and the drill history; a name the catalogue does not know is
    left for :meth:`DrillSpec.from_dict` to refuse by key.
    """
    if not isinstance(drill, Mapping) or not isinstance(drill.get("hazards"), list):
        return drill
    from scenarios.incident_cells import hazard_index

    names = hazard_index(catalogue)
    keys = [
        names.get(h) or names.get(h.casefold()) or h if isinstance(h, str) else h
        for h in drill["hazards"]
    ]
    return {**drill, "hazards": keys}
