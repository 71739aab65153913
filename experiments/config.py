"""Run configs: a region (network, stations, depots, hazard sources) plus scenario and policy.

A run config is a TOML file; every mistake raises :class:`ConfigError` naming
the file and the dotted key. Paths inside it are relative to the file::

    [network]
    synthetic = "county"          # or: file = "data/shanghai_center.osm.bz2"
    seed = 0                      # synthetic layout seed (also townships, villages, grid)
    speeds = { residential = 25 } # km/h by road class, for ways without maxspeed

    [facilities]
    stations = "default"          # or a CSV/GeoJSON table, or inline [[stations]]
    depots = "default"            # or a CSV/GeoJSON table, inline [[depots]], or "none"
    township_stations = 6         # default stations in only the first 6 townships

    [scenario]
    name = "multi_hazard"         # a shipped scenario, or: file = "my_scenario.toml"

    [sources]                     # hazard sources by kind, as locations
    chemical_plant = ["landmark:Xiba Town", [117.31, 28.25]]

    [policy]
    name = "severity_priority"    # or "nearest_available"
    reserve = 1

    [reinforcement]               # outside teams a grave incident calls in (optional)
    location = "landmark:County Seat"   # where they enter the map
    max_grade = 2                 # incidents of grade II or graver call them
    delay_min = { dist = "lognormal", mean = 240, cv = 0.3 }  # call taken -> arrival
    teams = [{ capability = "general", size = 50, count = 4 }]

    [targets]                     # the response standard, minutes
    call_taking = 1
    arrival = 10
    control = 15

    [run]
    seed = 2024
    replications = 1
    travel_noise = 0.1            # coefficient of variation of travel times

A top-level ``language = "zh"`` (or ``"en"``) picks the language the commands
speak when the user has not chosen one (``yingji --lang``, ``YINGJI_LANG``); it
changes words only, never results.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.locations import (
    LOCATION_COLUMNS,
    TableRow,
    integer,
    number,
    read_rows,
    resolve_location,
)
from networks.errors import ConfigError, NetworkError
from networks.i18n import LANGUAGES, N_, _
from networks.roadnet import RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS
from networks.synthetic import MAX_GRID, MAX_TOWNSHIPS, MAX_VILLAGES
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import MAX_REPLICATIONS, MAX_SEED, Reader, read_toml, shown

_SECTIONS = {
    "network", "facilities", "stations", "depots", "scenario", "sources", "policy",
    "targets", "run", "name", "description", "siting", "reinforcement", "language",
}  # fmt: skip
#: Largest ``run.travel_noise`` (coefficient of variation of travel times).
MAX_TRAVEL_NOISE = 10.0
#: Highest road speed, km/h.
MAX_SPEED_KPH = 300.0

#: Where a placed facility came from: ``where(field)`` gives the file and key of one of
#: its fields, so a check across facilities names the right file and row.
Where = Callable[[str], tuple[str | None, str]]


def config_language(data: Any) -> str | None:
    """The ``language`` key of plain config data when it names a language yingji speaks.

    Read before the config is validated, so that the config's own errors are
    already in its language; a bad value is reported by the validation.
    """
    lang = data.get("language") if isinstance(data, Mapping) else None
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def adopt_file_language(path: str | Path) -> None:
    """Follow a config file's ``language`` key before the file is validated.

    The file's own errors are then shown in its language (unless ``--lang`` or
    ``YINGJI_LANG`` chose one); a file that cannot be read is left to the real
    reading to report.
    """
    from networks.i18n import adopt

    try:
        data = read_toml(path)
    except ConfigError:
        return
    adopt(config_language(data))


@dataclass(frozen=True)
class NetworkSpec:
    """Where the roads come from: the built-in county or a file."""

    file: str | None = None
    seed: int = 0
    townships: int = 10
    villages: int = 100
    grid: int = 24
    speeds: tuple[tuple[str, float], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str, base_dir: Path) -> NetworkSpec:
        """Validate the ``[network]`` table."""
        r = Reader(data, source=source, key="network")
        r.allow({"synthetic", "file", "seed", "townships", "villages", "grid", "speeds"})
        if r.has("file") == r.has("synthetic"):
            raise ConfigError(
                _('give exactly one of synthetic = "county" or file = "..."'),
                source=source,
                key="network",
            )
        if r.has("synthetic"):
            synthetic = r.get("synthetic")
            if synthetic != "county":
                raise r.error(
                    "synthetic",
                    _('unknown synthetic network {name!r}; expected "county"').format(
                        name=synthetic
                    ),
                )
        sp = r.table("speeds", {})
        sp.allow(DRIVABLE_HIGHWAYS)
        kw: dict[str, Any] = {
            "speeds": tuple(
                (str(k), sp.num(str(k), lo=0, lo_open=True, hi=MAX_SPEED_KPH)) for k in sp.data
            )
        }
        if r.has("file"):
            path = Path(r.str("file"))
            kw["file"] = str(path if path.is_absolute() else (base_dir / path))
        for name, lo, hi in (
            ("seed", 0, MAX_SEED),
            ("townships", 0, MAX_TOWNSHIPS),
            ("villages", 0, MAX_VILLAGES),
            ("grid", 2, MAX_GRID),
        ):
            if r.has(name):
                kw[name] = r.int(name, lo=lo, hi=hi)
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict` (paths absolute)."""
        out: dict[str, Any] = (
            {"file": self.file}
            if self.file
            else {
                "synthetic": "county",
                "seed": self.seed,
                "townships": self.townships,
                "villages": self.villages,
                "grid": self.grid,
            }  # fmt: skip
        )
        if self.speeds:
            out["speeds"] = dict(self.speeds)
        return out

    def build(self) -> RoadNetwork:
        """Load or generate the network (cached per spec within a process)."""
        hit = _NETWORKS.get(self)
        if hit is None:
            from networks import load_network, synthetic_county

            if self.file:
                hit = load_network(self.file, speeds=dict(self.speeds) or None)
            else:
                hit = synthetic_county(
                    seed=self.seed, townships=self.townships, villages=self.villages, grid=self.grid
                )
            _NETWORKS[self] = hit
            while len(_NETWORKS) > 4:
                _NETWORKS.popitem(last=False)
        return hit


#: Networks already built in this process (loading OSM takes seconds).
_NETWORKS: OrderedDict[NetworkSpec, RoadNetwork] = OrderedDict()


@dataclass(frozen=True)
class RunConfig:
    """A validated run config (region, scenario, policy, targets, run settings).

    Facility entries stay as plain rows until :meth:`region` places them on
    the network, because their nodes depend on it.
    """

    source: str
    network: NetworkSpec
    stations: Any = "default"
    depots: Any = "default"
    scenario: str = "multi_hazard"
    sources: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    policy: tuple[tuple[str, Any], ...] = (("name", "severity_priority"),)
    targets: tuple[tuple[str, float], ...] = ()
    seed: int = 2024
    replications: int = 1
    travel_noise: float = 0.0
    horizon_min: float | None = None
    township_stations: int | None = None
    reinforcement: tuple[tuple[str, Any], ...] | None = None
    name: str = ""
    extras: tuple[tuple[str, Any], ...] = field(default=())
    language: str | None = None

    # ------------------------------------------------------------------ load
    @classmethod
    def from_file(cls, path: str | Path) -> RunConfig:
        """Read and validate a TOML run config."""
        p = Path(path)
        if not p.exists():
            raise ConfigError(_("no such file"), source=str(p))
        data = read_toml(p)
        return cls.from_dict(data, source=str(p), base_dir=p.parent)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str = "<config>", base_dir: Path | None = None
    ) -> RunConfig:
        """Validate plain data (as read from TOML)."""
        base = base_dir or Path.cwd()
        r = Reader(data, source=source)
        r.allow(_SECTIONS)
        net = NetworkSpec.from_dict(r.get("network", {}), source=source, base_dir=base)
        fac = r.table("facilities", {})
        fac.allow({"stations", "depots", "township_stations"})
        township_stations = (
            fac.int("township_stations", lo=0, hi=MAX_TOWNSHIPS)
            if fac.has("township_stations")
            else None
        )
        stations = cls._facility_source(r, fac, "stations", base)
        depots = cls._facility_source(r, fac, "depots", base)

        scen = r.table("scenario", {})
        scen.allow({"name", "file"})
        from scenarios import list_scenarios, load_scenario

        if scen.has("file"):
            f = Path(scen.str("file"))
            scenario = str(f if f.is_absolute() else base / f)
            if not Path(scenario).exists():
                raise scen.error("file", _("no such file {path}").format(path=scenario))
            spec = load_scenario(scenario)  # errors inside it name that file
        else:
            scenario = scen.str("name", "multi_hazard")
            if scenario not in list_scenarios():
                raise scen.error(
                    "name",
                    _("no shipped scenario {name!r}; expected one of {names} or scenario.file")
                    .format(name=scenario, names=list_scenarios()),
                )  # fmt: skip
            spec = load_scenario(scenario)

        sources = cls._sources(r, spec)

        from sim.policies import policy_from_dict

        policy = dict(r.table("policy", {}).data) or {"name": "severity_priority"}
        policy_from_dict(policy, source=source, key="policy")

        tr = r.table("targets", {})
        tr.allow({"call_taking", "arrival", "control"})
        targets = tuple((str(k), tr.num(str(k), lo=0, hi=MAX_DURATION_MIN)) for k in tr.data)
        from sim.targets import ResponseTargets

        ResponseTargets.from_dict(dict(targets), source=source, key="targets")

        reinforcement = None
        if r.has("reinforcement"):
            rr = r.table("reinforcement")
            rr.allow({"name", "name_zh", "location", "teams", "max_grade", "delay_min", "area"})
            if not rr.has("location"):
                raise rr.error("location", _("missing (where the teams enter the map)"))
            from sim.facilities import Reinforcement

            # Validate all but the location now (it needs the network).
            Reinforcement.from_dict(
                {"name": "Provincial Reinforcement", **{k: v for k, v in rr.data.items()
                                                         if k != "location"}, "node": 0},
                source=source, key="reinforcement",
            )  # fmt: skip
            reinforcement = tuple(rr.data.items())

        run = r.table("run", {})
        run.allow({"seed", "replications", "travel_noise", "horizon_min"})
        name = r.str("name", Path(source).stem)
        r.str("description", "")
        language = r.str("language", choices=LANGUAGES) if r.has("language") else None
        # [siting] (a table) or [[siting]] (a list of tables) is read by `yingji site`.
        siting = r.get("siting", {})
        for i, t in enumerate(siting if isinstance(siting, list) else [siting]):
            Reader(t, source=source, key=f"siting[{i}]" if isinstance(siting, list) else "siting")
        return cls(
            source=source,
            network=net,
            stations=stations,
            depots=depots,
            scenario=scenario,
            sources=sources,
            policy=tuple(policy.items()),
            targets=targets,
            seed=run.int("seed", 2024, lo=0, hi=MAX_SEED),
            replications=run.int("replications", 1, lo=1, hi=MAX_REPLICATIONS),
            travel_noise=run.num("travel_noise", 0.0, lo=0, hi=MAX_TRAVEL_NOISE),
            horizon_min=(
                run.num("horizon_min", lo=0, lo_open=True, hi=MAX_DURATION_MIN)
                if run.has("horizon_min")
                else None
            ),
            township_stations=township_stations,
            reinforcement=reinforcement,
            name=name,
            language=language,
        )

    @staticmethod
    def _sources(r: Reader, spec: Any) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        """The ``[sources]`` table: kinds the defaults or the scenario's hazards know."""
        from scenarios.places import SOURCE_KINDS

        st = r.table("sources", {})
        if any(k not in SOURCE_KINDS for k in st.data):  # a kind only a catalogue may know
            cat = spec.hazard_catalogue()
            st.allow(set(SOURCE_KINDS) | {cat[h].source for h in cat.keys if cat[h].source})
        out = []
        for kind in st.data:
            locs = st.get(str(kind))
            if not isinstance(locs, list) or not locs:
                raise st.error(str(kind), _("expected a non-empty list of locations"))
            out.append((str(kind), tuple(locs)))
        return tuple(out)

    @staticmethod
    def _facility_source(r: Reader, fac: Reader, kind: str, base: Path) -> Any:
        inline = r.get(kind, None)
        ref = fac.get(kind, None)
        if inline is not None and ref is not None:
            raise r.error(
                kind,
                _("give {kind} either inline [[{kind}]] or as facilities.{kind}, not both").format(
                    kind=kind
                ),
            )
        if inline is not None:
            if not isinstance(inline, list) or (kind == "stations" and not inline):
                raise r.error(kind, _("expected a non-empty array of tables"))
            return tuple(inline)
        if ref is None or ref == "default":
            return "default"
        if ref == "none" and kind == "depots":
            return ()  # a run of teams alone: no supplies are drawn
        if not isinstance(ref, str) or not ref:
            raise fac.error(
                kind,
                _('expected "default", "none" or a table file')
                if kind == "depots"
                else _('expected "default" or a table file'),
            )
        p = Path(ref)
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            what = (
                _("is a folder, not a table file: {path}")
                if p.is_dir()
                else _("no such file: {path}")
            )
            raise fac.error(kind, what.format(path=p))
        return p

    def to_dict(self) -> dict[str, Any]:
        """Plain data (TOML-ready) equivalent to this config."""

        def fac(v: Any) -> Any:
            return str(v) if isinstance(v, Path) else v

        out: dict[str, Any] = {
            "name": self.name,
            "network": self.network.to_dict(),
            "scenario": {"name": self.scenario},
            "policy": dict(self.policy),
            "targets": dict(self.targets),
            "run": {
                "seed": self.seed,
                "replications": self.replications,
                "travel_noise": self.travel_noise,
            },  # fmt: skip
        }
        if self.horizon_min is not None:
            out["run"]["horizon_min"] = self.horizon_min
        if self.township_stations is not None:
            out.setdefault("facilities", {})["township_stations"] = self.township_stations
        if self.reinforcement is not None:
            out["reinforcement"] = dict(self.reinforcement)
        if self.language is not None:
            out["language"] = self.language
        if self.sources:
            out["sources"] = {k: list(v) for k, v in self.sources}
        for kind in ("stations", "depots"):
            v = getattr(self, kind)
            if isinstance(v, tuple):
                out[kind] = list(v)
            else:
                out.setdefault("facilities", {})[kind] = fac(v)
        return out

    # ---------------------------------------------------------------- region
    def region(self) -> Region:
        """Build the network and place stations, depots and hazard sources on it."""
        try:
            network = self.network.build()
        except NetworkError as exc:
            raise ConfigError(str(exc), source=self.source, key="network") from None
        from sim.facilities import check_facilities

        stations, s_where = self._place("stations", network)
        depots, d_where = self._place("depots", network)
        origins = {"stations": s_where, "depots": d_where}

        def where(kind: str, i: int, name: str) -> tuple[str | None, str]:
            return origins[kind][i](name)

        check_facilities(network.n_nodes, stations, depots, source=self.source, where=where)
        sources = {
            kind: tuple(
                resolve_location(loc, network, source=self.source, key=f"sources.{kind}[{i}]")
                for i, loc in enumerate(locs)
            )
            for kind, locs in self.sources
        }
        reinforcement = None
        if self.reinforcement is not None:
            from sim.facilities import Reinforcement

            raw = dict(self.reinforcement)
            node = resolve_location(
                raw.pop("location"), network, source=self.source, key="reinforcement.location"
            )
            reinforcement = Reinforcement.from_dict(
                {"name": "Provincial Reinforcement", **raw, "node": node},
                source=self.source, key="reinforcement",
            )  # fmt: skip
            origins["stations"] = (*s_where, self._inline_where("reinforcement"))
            check_facilities(
                network.n_nodes, (*stations, reinforcement.station), (), source=self.source,
                where=where,
            )  # fmt: skip
        return Region(
            network=network, stations=stations, depots=depots, sources=sources,
            reinforcement=reinforcement,
        )  # fmt: skip

    def _inline_where(self, key: str) -> Where:
        return lambda name: (self.source, f"{key}.{name}")

    def _place(self, kind: str, network: RoadNetwork) -> tuple[tuple[Any, ...], tuple[Where, ...]]:
        """The stations or depots on ``network``, and where each was given."""
        from sim.defaults import default_facilities
        from sim.facilities import Depot, Station

        spec = getattr(self, kind)
        if spec == "default":
            try:
                stations, depots = default_facilities(
                    network, township_stations=self.township_stations
                )
            except NetworkError as exc:
                raise ConfigError(
                    _("{error}; list {kind} explicitly").format(error=exc, kind=kind),
                    source=self.source,
                    key=f"facilities.{kind}",
                ) from None
            placed = stations if kind == "stations" else depots
            return placed, tuple(self._inline_where(f"facilities.{kind}") for _ in placed)
        cls = Station if kind == "stations" else Depot
        if isinstance(spec, Path):
            return _table_facilities(spec, kind, network)
        out = []
        for i, entry in enumerate(spec):
            key = f"{kind}[{i}]"
            if not isinstance(entry, Mapping):
                raise ConfigError(_("expected a table"), source=self.source, key=key)
            entry = dict(entry)
            loc = entry.pop("location", None)
            loc = (
                loc
                if loc is not None
                else {k: entry.pop(k) for k in LOCATION_COLUMNS if k in entry}
            )
            entry["node"] = resolve_location(
                loc, network, source=self.source, key=f"{key}.location"
            )
            out.append(cls.from_dict(entry, source=self.source, key=key))
        return tuple(out), tuple(self._inline_where(f"{kind}[{i}]") for i in range(len(out)))


@dataclass(frozen=True)
class Region:
    """A network with its stations, depots and hazard sources placed on nodes."""

    network: RoadNetwork
    stations: tuple[Any, ...]
    depots: tuple[Any, ...]
    sources: Mapping[str, tuple[int, ...]]
    reinforcement: Any = None

    @property
    def names_zh(self) -> dict[str, str]:
        """``name -> name_zh`` of the facilities given a Chinese name (for display only)."""
        from sim.facilities import chinese_names

        return chinese_names(self.stations, self.depots, (self.reinforcement,))


#: Columns of a stations table (besides :data:`~experiments.locations.LOCATION_COLUMNS`).
STATION_COLUMNS = ("name", "name_zh", "tier", "capability", "size", "count", "area",
                   "turnout_min", "turnout_cv")  # fmt: skip
#: Columns of a depots table (besides the location columns).
DEPOT_COLUMNS = ("name", "name_zh", "tier", "parent", "lead_time_min", "item", "quantity")
#: Columns that must be the same on every row of one facility.
_SAME = {"stations": ("tier", "area"), "depots": ("tier", "parent", "lead_time_min")}
#: Messages about one facility of a table, by kind (a sentence each: word order differs).
_NO_ROWS = {
    "stations": N_("the table has no rows (no stations); give at least one"),
    "depots": N_("the table has no rows (no depots); give at least one"),
}
_FACILITY_ERROR = {
    "stations": N_("station {name!r}: {error}"),
    "depots": N_("depot {name!r}: {error}"),
}
_ELSEWHERE = {
    "stations": N_(
        "station {name!r} is at another place on {where}; one name, one place (rename one of them)"
    ),
    "depots": N_(
        "depot {name!r} is at another place on {where}; one name, one place (rename one of them)"
    ),
}
_DIFFERS = {
    "stations": N_("{value!r} differs from {first!r} on {where} for the same station {name!r}"),
    "depots": N_("{value!r} differs from {first!r} on {where} for the same depot {name!r}"),
}


def _table_facilities(
    path: Path, kind: str, network: RoadNetwork
) -> tuple[tuple[Any, ...], tuple[Where, ...]]:
    """Stations or depots of a table file (see :func:`_group_rows`), and where each starts."""
    from sim.facilities import Depot, Station

    src = str(path)
    cols = STATION_COLUMNS if kind == "stations" else DEPOT_COLUMNS
    rows = read_rows(path, columns=(*cols, *LOCATION_COLUMNS))
    if not rows:
        raise ConfigError(_(_NO_ROWS[kind]), source=src)
    groups = _group_rows(rows, kind, network, source=src)
    cls = Station if kind == "stations" else Depot
    out = []
    for entry, first in groups:
        try:
            out.append(cls.from_dict(entry, source=src))
        except ConfigError as exc:
            # Rows are checked one by one above; what is left is a check on the whole
            # facility (a township station's biggest team): name its first row.
            prefix = ": ".join(p for p in (exc.source, exc.key) if p) + ": "
            text = str(exc).removeprefix(prefix)
            raise ConfigError(
                _(_FACILITY_ERROR[kind]).format(name=entry["name"], error=text),
                source=src,
                key=first.key(),
            ) from None
    wheres = tuple(_row_where(src, first) for _entry, first in groups)
    if kind == "depots":
        names = {d.name: first for d, (_entry, first) in zip(out, groups, strict=True)}
        for d, (_entry, first) in zip(out, groups, strict=True):
            if d.parent is not None and d.parent not in names:
                raise ConfigError(
                    _("no depot {name!r} in this table").format(name=d.parent),
                    source=src,
                    key=first.key("parent"),
                )
    return tuple(out), wheres


def _row_where(source: str, row: TableRow) -> Where:
    return lambda name: (source, row.key(name))


def _group_rows(
    rows: list[TableRow], kind: str, network: RoadNetwork, *, source: str
) -> list[tuple[dict[str, Any], TableRow]]:
    """Tidy table rows (one per team or stock item) grouped into facility entries.

    Stations: columns ``name, tier, <location>, capability, size, count`` and
    optional ``area``, ``turnout_min`` (mean of a lognormal) and ``turnout_cv``
    (its coefficient of variation, default 0.3).
    Depots: ``name, tier, <location>, item, quantity`` and optional
    ``parent``, ``lead_time_min``. Both: optional ``name_zh`` (the Chinese name
    shown to a person; given on any of the facility's rows, the same on each).

    Rows of one facility share its name; they must agree on its place, tier
    and the other per-facility columns. Returns each entry with its first row.
    """
    from scenarios.catalogue import SUPPLY_ITEMS
    from sim.facilities import (
        CAPABILITIES,
        DEPOT_TIERS,
        MAX_STOCK,
        MAX_TEAM_COUNT,
        MAX_TEAM_SIZE,
        NOT_ONE_LINE,
        STATION_TIERS,
        one_line,
    )

    tiers = STATION_TIERS if kind == "stations" else DEPOT_TIERS
    grouped: dict[str, tuple[dict[str, Any], TableRow]] = {}
    item_rows: dict[tuple[str, str], TableRow] = {}
    team_rows: dict[tuple[str, str], TableRow] = {}
    zh_rows: dict[str, TableRow] = {}  # the first row giving each facility's name_zh

    def cell(row: TableRow, col: str) -> Any:
        v = row.cells.get(col)
        return None if v is None or (isinstance(v, str) and not v.strip()) else v

    def need(row: TableRow, col: str) -> Any:
        v = cell(row, col)
        if v is None:
            what = (
                _("empty (a value is needed)")
                if col in row.cells
                else _("missing (a needed column)")
            )
            raise ConfigError(what, source=source, key=row.key(col))
        return v

    def num(row: TableRow, col: str, *, hi: float) -> float:
        return number(need(row, col), source=source, key=row.key(col), lo=0, hi=hi)

    def whole(row: TableRow, col: str, *, lo: int, hi: int) -> int:
        return integer(need(row, col), source=source, key=row.key(col), lo=lo, hi=hi)

    for row in rows:
        name = str(need(row, "name"))
        for col in ("name", "name_zh", "area"):
            text = cell(row, col)
            if text is not None and not one_line(str(text)):
                raise ConfigError(
                    _(NOT_ONE_LINE).format(value=shown(str(text))),
                    source=source,
                    key=row.key(col),
                )
        tier = need(row, "tier")
        if tier not in tiers:
            raise ConfigError(
                _("unknown tier {tier!r}; expected one of {tiers}").format(
                    tier=tier, tiers=", ".join(tiers)
                ),
                source=source,
                key=row.key("tier"),
            )
        loc = {k: v for k in LOCATION_COLUMNS if (v := cell(row, k)) is not None}
        for col, lo, hi in (
            ("lon", -180, 180),
            ("lat", -90, 90),
            ("x", None, None),
            ("y", None, None),
        ):
            if col in loc:  # checked here, so that the error names the column
                loc[col] = number(loc[col], source=source, key=row.key(col), lo=lo, hi=hi)
        for col in ("node", "osmid"):
            if col in loc:
                loc[col] = integer(loc[col], source=source, key=row.key(col))
        node = resolve_location(loc, network, source=source, key=row.key(), field_key=row.key)
        hit = grouped.get(name)
        if hit is None:
            entry: dict[str, Any] = {"name": name, "tier": tier, "node": node}
            if kind == "stations":
                entry["teams"] = []
                if cell(row, "area") is not None:
                    entry["area"] = str(cell(row, "area"))
            else:
                entry["stock"] = {}
                if cell(row, "parent") is not None:
                    entry["parent"] = str(cell(row, "parent"))
                if cell(row, "lead_time_min") is not None:
                    entry["lead_time_min"] = num(row, "lead_time_min", hi=MAX_DURATION_MIN)
            grouped[name] = hit = (entry, row)
        else:
            entry, first = hit
            if node != entry["node"]:
                raise ConfigError(
                    _(_ELSEWHERE[kind]).format(name=name, where=first.where),
                    source=source,
                    key=row.key("name"),
                )
            for col in _SAME[kind]:
                if cell(row, col) is not None and cell(row, col) != cell(first, col):
                    raise ConfigError(
                        _(_DIFFERS[kind]).format(
                            value=cell(row, col),
                            first=cell(first, col),
                            where=first.where,
                            name=name,
                        ),  # fmt: skip
                        source=source,
                        key=row.key(col),
                    )
        zh = cell(row, "name_zh")
        if zh is not None:
            zh = str(zh)
            given = zh_rows.setdefault(name, row)
            if given is not row and zh != str(cell(given, "name_zh")):
                raise ConfigError(
                    _(_DIFFERS[kind]).format(
                        value=zh, first=str(cell(given, "name_zh")), where=given.where, name=name
                    ),
                    source=source,
                    key=row.key("name_zh"),
                )
            entry["name_zh"] = zh
        if kind == "stations":
            cap = need(row, "capability")
            if cap not in CAPABILITIES:
                raise ConfigError(
                    _("unknown capability {capability!r}; expected one of {capabilities}").format(
                        capability=cap, capabilities=", ".join(CAPABILITIES)
                    ),
                    source=source,
                    key=row.key("capability"),
                )
            if (name, cap) in team_rows:
                raise ConfigError(
                    _(
                        "station {name!r} already has {capability!r} teams on {where}: "
                        "give one row per capability (its count says how many teams)"
                    ).format(name=name, capability=cap, where=team_rows[name, cap].where),
                    source=source,
                    key=row.key("capability"),
                )
            team_rows[name, cap] = row
            team: dict[str, Any] = {
                "capability": cap,
                "size": whole(row, "size", lo=1, hi=MAX_TEAM_SIZE),
                "count": (
                    whole(row, "count", lo=1, hi=MAX_TEAM_COUNT)
                    if cell(row, "count") is not None
                    else 1
                ),
            }
            if cell(row, "turnout_min") is not None:
                mean = number(
                    cell(row, "turnout_min"), source=source, key=row.key("turnout_min"),
                    lo=0, lo_open=True, hi=MAX_DURATION_MIN,
                )  # fmt: skip
                cv = cell(row, "turnout_cv")
                cv = 0.3 if cv is None else num(row, "turnout_cv", hi=100)
                team["turnout"] = {"dist": "lognormal", "mean": mean, "cv": cv}
            entry["teams"].append(team)
        else:
            item = need(row, "item")
            if item not in SUPPLY_ITEMS:
                raise ConfigError(
                    _("unknown supply item {item!r}; expected one of {items}").format(
                        item=item, items=", ".join(SUPPLY_ITEMS)
                    ),
                    source=source,
                    key=row.key("item"),
                )
            if (name, item) in item_rows:
                raise ConfigError(
                    _("{item!r} is already stocked at {name!r} on {where}").format(
                        item=item, name=name, where=item_rows[name, item].where
                    ),
                    source=source,
                    key=row.key("item"),
                )
            item_rows[name, item] = row
            entry["stock"][item] = whole(row, "quantity", lo=0, hi=MAX_STOCK)
    return list(grouped.values())
