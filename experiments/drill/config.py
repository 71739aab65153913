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

import csv
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from experiments.drill.seal import ScryptParams
from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue, load_catalogue
from scenarios.drill.draw import PastDrill
from scenarios.drill.errors import SealError
from scenarios.drill.injects import Store, Unit
from scenarios.drill.spec import MAX_MINUTES, DrillSpec
from scenarios.drill.workgroups import CommandPost
from scenarios.stream import GRADE_NAMES
from scenarios.validate import MAX_REPLICATIONS, Reader, read_toml
from sim.duty import DESK_LEVELS, LEVELS
from sim.reporting_rules import PRESETS, ReportingRules

_REGION = ("network", "facilities", "stations", "depots", "sources")
_TOP = {"drill", "risk", "reporting", "targets", "evaluation", "seal", "benchmark", "catalogue",
        "language", "workgroups", *_REGION}  # fmt: skip
#: How a drill is evaluated: the national guide (GB/T 46792-2025, the default) or HSEEP.
EVALUATION_STANDARDS = ("gbt46792", "hseep")
#: Keys of ``[reporting]`` read here; every other key is a deadline in minutes (the old keys).
_RULE_KEYS = ("rules", "receiving", "templates")
#: The old keys of ``[reporting]`` and the limit each overrides.
OLD_KEYS = {"first_phone": "phone_first", "first_written": "written_first",
            "follow_up_every": "follow_up_interval"}  # fmt: skip
HISTORY_COLUMNS = ("drawn_at", "exercise_id", "hazard", "area", "start")
#: Columns ``yingji drill score --append-history`` adds to a history file (after the others).
HISTORY_SCORE_COLUMNS = ("score", "conclusion", "open_improvements")
#: Largest scrypt cost accepted in ``[seal]`` (2**24 with r = 8 is 2 GiB of memory).
MAX_SCRYPT_N = 2**24
#: Largest travel-time coefficient of variation of the simulated spread.
MAX_TRAVEL_NOISE = 10.0


@dataclass(frozen=True)
class BenchmarkParams:
    """Allowances of the benchmark timeline (minutes)."""

    call_taking_min: float = 1.0
    loading_min: float = 30.0
    replications: int = 200
    travel_noise: float = 0.15


@dataclass(frozen=True)
class Region:
    """Network and facilities of a drill (facilities as simulator specs)."""

    network: RoadNetwork
    stations: tuple[Any, ...]
    depots: tuple[Any, ...]
    spec: dict[str, Any]
    sources: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def units(self) -> tuple[Unit, ...]:
        """Stations as the draw sees them."""
        return tuple(
            Unit(
                s.name,
                int(s.node),
                tuple((t.capability, t.count, float(t.turnout.mean)) for t in s.teams),
            )  # fmt: skip
            for s in self.stations
        )

    def stores(self) -> tuple[Store, ...]:
        """Depots as the draw sees them."""
        return tuple(
            Store(d.name, int(d.node), d.tier, tuple(d.stock), d.parent) for d in self.depots
        )


def network_fingerprint(network: RoadNetwork) -> str:
    """Short hash of a network's nodes and edges (to check a rebuilt network is the same)."""
    h = hashlib.sha256()
    for a in (network.nodes.x, network.nodes.y, network.edges.u, network.edges.v,
              network.edges.travel_time):  # fmt: skip
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()[:16]


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
    """

    rules: ReportingRules = PRESETS["national"]
    receiving: str = "county"
    overrides: tuple[tuple[str, Grades], ...] = ()

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
        ``source`` (the preset's name, or ``config`` for an override).
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
            if k not in _RULE_KEYS and k not in OLD_KEYS:
                raise r.error(
                    str(k),
                    _("unknown key (expected rules, receiving, templates, or a deadline in "
                      "minutes: {keys})").format(keys=", ".join(OLD_KEYS)),
                )  # fmt: skip
        rules = PRESETS[r.str("rules", "national", choices=tuple(PRESETS))]
        return cls(rules=rules, receiving=r.str("receiving", "county", choices=DESK_LEVELS))

    def with_overrides(self, spec: DrillSpec, given: Mapping[str, Any]) -> DrillReporting:
        """With the deadlines of ``spec`` the drill file gives (names in ``given``) as overrides."""
        return replace(self, overrides=tuple((k, v) for k, v in spec.reporting if k in given))


def _least(*values: float | None) -> float | None:
    """The smallest of the limits given (None: no limit)."""
    got = [v for v in values if v is not None]
    return min(got) if got else None


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
        top.allow(_TOP)
        language = top.str("language", choices=i18n.LANGUAGES) if top.has("language") else None
        cat_file = top.str("catalogue", "") or None
        if cat_file:
            cat_file = str(p.parent / cat_file)
            if not Path(cat_file).is_file():
                raise top.error("catalogue", _("no catalogue file {file}").format(file=cat_file))
        catalogue = load_catalogue(cat_file)
        ev = top.table("evaluation", {})
        ev.allow({"scale", "standard"})
        standard = ev.str("standard", "gbt46792", choices=EVALUATION_STANDARDS)
        rp = top.table("reporting", {})
        reporting = DrillReporting.from_dict(rp.data, source=src)
        workgroups = CommandPost.from_dict(data.get("workgroups"), source=src)
        templates = None
        if rp.has("templates"):  # a bureau's own report forms, sealed with the drill
            from scenarios.drill.report_templates import load_templates

            t_file = Path(rp.str("templates"))
            t_file = t_file if t_file.is_absolute() else p.parent / t_file
            if not t_file.is_file():
                raise rp.error("templates", _("no such file {path}").format(path=t_file))
            templates = load_templates(t_file)
        # DrillSpec reads the draw's tables; the keys read here are not its business.
        spec_data = {k: v for k, v in data.items() if k != "workgroups"}
        spec_data["evaluation"] = {k: v for k, v in ev.data.items() if k != "standard"}
        spec_data["reporting"] = {k: v for k, v in rp.data.items() if k not in _RULE_KEYS}
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
        seal.allow({"scrypt_n", "scrypt_r", "scrypt_p"})
        n = seal.int("scrypt_n", 2**17, lo=2, hi=MAX_SCRYPT_N)
        if n & (n - 1):
            raise seal.error("scrypt_n", _("must be a power of two, got {n}").format(n=n))
        try:
            scrypt = ScryptParams(
                n, seal.int("scrypt_r", 8, lo=1, hi=1024), seal.int("scrypt_p", 1, lo=1, hi=64)
            )
        except SealError as exc:  # the memory bound: a config mistake here
            raise ConfigError(str(exc), source=src, key="seal") from None
        b = top.table("benchmark", {})
        b.allow({"call_taking_min", "loading_min", "replications", "travel_noise"})
        bench = BenchmarkParams(
            b.num("call_taking_min", spec.targets[0], lo=0, hi=MAX_MINUTES),
            b.num("loading_min", 30.0, lo=0, hi=MAX_MINUTES),
            b.int("replications", 200, lo=0, hi=MAX_REPLICATIONS),
            b.num("travel_noise", 0.15, lo=0, hi=MAX_TRAVEL_NOISE),
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


def read_history(path: str | Path) -> list[PastDrill]:
    """Rows of a drill-history CSV (``drawn_at, exercise_id, hazard, area``), file order.

    Other columns (``start``, and the :data:`HISTORY_SCORE_COLUMNS` a scoring adds) are
    read where present and ignored where not.
    """
    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = reader.fieldnames or []
    except FileNotFoundError:
        raise ConfigError(
            _("history file not found (create it with the header {header})").format(
                header=",".join(HISTORY_COLUMNS)
            ),
            source=str(p),
        ) from None
    except OSError as exc:
        raise ConfigError(
            _("cannot read the history file ({reason})").format(reason=exc.strerror), source=str(p)
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(_("history file is not UTF-8 text"), source=str(p)) from None
    except csv.Error as exc:
        raise ConfigError(
            _("history file is not a CSV file ({reason})").format(reason=exc), source=str(p)
        ) from None
    missing = [c for c in ("hazard", "area") if c not in header]
    if rows and missing:
        raise ConfigError(
            _("history file has no {columns} column (header: {header})").format(
                columns=" or ".join(missing), header=",".join(HISTORY_COLUMNS)
            ),
            source=str(p),
        )
    out = []
    for i, row in enumerate(rows):
        if not row.get("hazard") or not row.get("area"):
            raise ConfigError(_("needs hazard and area"), source=str(p), key=f"row {i + 2}")
        out.append(
            PastDrill(
                row["hazard"],
                row["area"],
                row.get("drawn_at") or "",
                row.get("exercise_id") or "",
                start=row.get("start") or "",
            )  # fmt: skip
        )
    return out


def history_row(
    script_dict: Mapping[str, Any],
    header: Sequence[str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The CSV header and line to append to the history file after a reveal.

    ``header`` is the history file's own header, if it has one: the line then
    fills its columns by name (an older file without ``start`` gets none).
    ``extra`` fills further columns by name (a scoring's ``score``,
    ``conclusion`` and ``open_improvements``); columns nobody fills are empty.
    """
    s = script_dict
    cells = {
        "drawn_at": s["drawn_at"],
        "exercise_id": s["exercise_id"],
        "hazard": s["scene"]["hazard"],
        "area": s["scene"]["area"],
        "start": s["scene"].get("start", ""),
        **(extra or {}),
    }
    columns = list(header) if header else list(HISTORY_COLUMNS)
    return (
        ",".join(_csv_cell(c) for c in columns)
        + "\n"
        + ",".join(_csv_cell(str(cells.get(c, ""))) for c in columns)
        + "\n"
    )


def _csv_cell(v: str) -> str:
    return f'"{v.replace(chr(34), chr(34) * 2)}"' if any(c in v for c in ',"\n') else v
