"""Run configs: a region (network, stations, depots, hazard sources) plus scenario and policy.

A run config is a TOML file; every mistake raises :class:`ConfigError` naming
the file and the dotted key. Paths inside it are relative to the file::

    [network]
    synthetic = "county"          # or "city"; or: file = "data/shanghai_center.osm.bz2"
    seed = 0                      # synthetic layout seed (also townships, villages, grid;
                                  # a city also counties, county_grid)
    speeds = { residential = 25 } # km/h by road class, for ways without maxspeed

    [facilities]
    stations = "default"          # or a table (CSV, GeoJSON...), or inline [[stations]]
    depots = "default"            # or a table (CSV, GeoJSON...), inline [[depots]], or "none"
    township_stations = 6         # default stations in only the first 6 townships

    [scenario]
    name = "multi_hazard"         # a shipped scenario, or: file = "my_scenario.toml"
    # incidents = "log.csv"       # or replay your own incidents (experiments.incident_source)

    [sources]                     # hazard sources by kind, as locations
    chemical_plant = ["landmark:Xiba Town", [117.31, 28.25]]

    [policy]
    name = "severity_priority"    # or "nearest_available", or "package.module:Class" (runs
    reserve = 1                   # that code; see sim.policy_import); other keys: its arguments

    [reinforcement]               # outside teams a grave incident calls in (optional)
    location = "landmark:County Seat"   # where they enter the map
    max_grade = 2                 # incidents of grade II or graver call them
    delay_min = { dist = "lognormal", mean = 240, cv = 0.3 }  # call taken -> arrival
    teams = [{ capability = "general", size = 50, count = 4 }]

    [targets]                     # the response standard, minutes
    call_taking = 1
    arrival = 10
    control = 15
    control_reading = "after_arrival"   # or "after_call" (see sim.targets)

    [duty]                        # duty desks: who answers calls and writes reports
    receiving = "township"
    township = { officers = 1 }   # or by shift: { officers = { "08:00" = 2, "20:00" = 1 } }

    [reporting]                   # the reporting chain (sim.reporting_rules)
    rules = "national"            # or "henan", "guizhou", or "off"

    [people]                      # people at the scene: rescue, survival, shelters (sim.people)
    shelters = "stations"

    [warnings]                    # the warning plan: teams staged, stock pushed down (sim.warnings)
    lead_h = 6                    # every rainstorm and typhoon warned 6 h ahead

    [travel]                      # a bureau's own travel times (sim.travel_matrix)
    matrix = "od.csv"             # origin,destination,minutes[,minutes_back]; gaps use roads

    [run]
    seed = 2024
    replications = 1
    travel_noise = 0.1            # coefficient of variation of travel times

A top-level ``language = "zh"`` (or ``"en"``) picks the language the commands speak
when the user has not chosen one (``--lang``, ``YINGJI_LANG``): words only, never
results; ``name_zh`` names the run in Chinese output.

This module holds :class:`RunConfig`. The ``[network]`` table is
:mod:`experiments.network_spec`, facility table files :mod:`experiments.facility_tables`,
the placed region :mod:`experiments.region`; their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.facility_tables import DEPOT_COLUMNS, STATION_COLUMNS, Where
from experiments.incident_source import INCIDENT_KEYS, IncidentSource
from experiments.network_spec import MAX_SPEED_KPH, NetworkSpec
from experiments.region import Region, place_region
from experiments.run_keys import (
    FACILITIES,
    MAX_TRAVEL_NOISE,
    REINFORCEMENT,
    RUN,
    RUN_FILE,
    SCENARIO,
    SOURCES,
    TRAVEL,
)
from networks.errors import ConfigError
from networks.i18n import LANGUAGES, _
from scenarios.validate import Reader, read_toml

__all__ = [
    "DEPOT_COLUMNS",
    "MAX_SPEED_KPH",
    "MAX_TRAVEL_NOISE",
    "STATION_COLUMNS",
    "NetworkSpec",
    "Region",
    "RunConfig",
    "Where",
    "adopt_file_language",
    "config_language",
]


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
    duty: tuple[tuple[str, Any], ...] | None = None
    reporting: tuple[tuple[str, Any], ...] | None = None
    people: tuple[tuple[str, Any], ...] | None = None  # as given; shelters placed per run
    name: str = ""
    name_zh: str = ""  # shown in Chinese outputs
    extras: tuple[tuple[str, Any], ...] = field(default=())
    language: str | None = None
    #: Your own incidents replayed instead of the scenario (``[scenario] incidents``).
    incidents: IncidentSource | None = None
    #: Folder a policy named by import path was imported from (for worker processes).
    policy_path: str | None = field(default=None, compare=False)
    #: A bureau's travel-time matrix file (``[travel] matrix``), checked with the region.
    travel_matrix: Path | None = None
    #: ``[warnings]`` as given (checked; :func:`experiments.runner.warning_plan` builds it).
    warnings: tuple[tuple[str, Any], ...] | None = None
    #: ``[moveup]`` as given (checked; :func:`experiments.runner.moveup_spec` builds it).
    moveup: tuple[tuple[str, Any], ...] | None = None
    #: ``[congestion]`` as given (checked; :func:`experiments.runner.congestion_spec` builds it).
    congestion: tuple[tuple[str, Any], ...] | None = None

    # ------------------------------------------------------------------ load
    @classmethod
    def from_file(cls, path: str | Path) -> RunConfig:
        """Read and validate a TOML run config."""
        p = Path(path)
        if not p.exists():
            raise ConfigError(_("no such file"), source=str(p))
        data = read_toml(p)
        if "factors" in data or ("base" in data and "network" not in data):
            # The shipped examples hold both kinds: say which command reads this one.
            raise ConfigError(
                _(
                    "this is an experiment file ([base], [[factors]]), not a run config: "
                    "run it with yingji experiment run {path} --out DIR"
                ).format(path=p),
                source=str(p),
            )
        return cls.from_dict(data, source=str(p), base_dir=p.parent)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str = "<config>", base_dir: Path | None = None
    ) -> RunConfig:
        """Validate plain data (as read from TOML)."""
        base = base_dir or Path.cwd()
        r = Reader(data, source=source)
        RUN_FILE.allow(r)
        net = NetworkSpec.from_dict(r.get("network", {}), source=source, base_dir=base)
        fac = r.table("facilities", {})
        FACILITIES.allow(fac)
        township_stations = FACILITIES.read(fac, "township_stations")
        stations = cls._facility_source(r, fac, "stations", base)
        depots = cls._facility_source(r, fac, "depots", base)

        scen = r.table("scenario", {})
        SCENARIO.allow(scen, (k.name for k in INCIDENT_KEYS))
        if scen.has("incidents") and r.has("warnings"):  # nothing to warn: before reading the log
            from sim.warnings import refused_with_a_log

            raise refused_with_a_log(source)
        from scenarios import list_scenarios, load_scenario

        if scen.has("file"):
            f = Path(SCENARIO.read(scen, "file"))
            scenario = str(f if f.is_absolute() else base / f)
            if not Path(scenario).exists():
                raise scen.error("file", _("no such file {path}").format(path=scenario))
            spec = load_scenario(scenario)  # errors inside it name that file
        else:
            scenario = SCENARIO.read(scen, "name")
            if scenario not in list_scenarios():
                raise scen.error(
                    "name",
                    _("no shipped scenario {name!r}; expected one of {names} or scenario.file")
                    .format(name=scenario, names=", ".join(list_scenarios())),
                )  # fmt: skip
            spec = load_scenario(scenario)
        cat = spec.hazard_catalogue()
        incidents = IncidentSource.from_table(scen, base_dir=base, catalogue=cat)

        sources = cls._sources(r, spec)

        policy, policy_path = cls._policy(r, source, base)

        tr = r.table("targets", {})
        from sim.targets import ResponseTargets

        ResponseTargets.from_dict(tr.data, source=source, key="targets")
        targets = tuple((str(k), v) for k, v in tr.data.items())

        # [duty] desks and the [reporting] chain: checked now, built for each run.
        from sim.duty import DutyDesks
        from sim.reporting_rules import ReportingRules

        duty = reporting = None
        if r.has("duty"):
            DutyDesks.from_dict(r.get("duty"), source=source, key="duty")
            duty = tuple(r.table("duty").data.items())
        if r.has("reporting"):
            ReportingRules.from_dict(r.get("reporting"), source=source, key="reporting")
            reporting = tuple(r.table("reporting").data.items())
        people = None
        if r.has("people"):  # checked now; its shelters are placed with the region
            from sim.people_spec import PeopleSpec

            PeopleSpec.from_dict(r.get("people"), source=source, hazards=cat.keys,
                                 place=lambda _loc, _key: 0)  # fmt: skip
            people = tuple(r.table("people").data.items())
        from sim.warnings import plan_table  # [warnings]: checked now, built for each run

        warnings = plan_table(r)
        moveup = None
        if r.has("moveup"):  # checked now; compliance tables' stations with the region
            from sim.moveup_spec import MoveupSpec

            MoveupSpec.from_dict(r.get("moveup"), source=source)
            moveup = tuple(r.table("moveup").data.items())
        from sim.congestion import congestion_table

        congestion = congestion_table(r)  # by road class and clock hour, checked now

        reinforcement = None
        if r.has("reinforcement"):
            rr = r.table("reinforcement")
            REINFORCEMENT.allow(rr)
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
        RUN.allow(run)
        travel_matrix = cls._travel_matrix(r, base)
        name = r.str("name", Path(source).stem)
        name_zh = r.str("name_zh", "")
        r.str("description", "")
        language = RUN_FILE.read(r, "language")
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
            incidents=incidents,
            sources=sources,
            policy=tuple(policy.items()),
            policy_path=policy_path,
            targets=targets,
            seed=RUN.read(run, "seed"),
            replications=RUN.read(run, "replications"),
            travel_noise=RUN.read(run, "travel_noise"),
            horizon_min=RUN.read(run, "horizon_min"),
            township_stations=township_stations,
            reinforcement=reinforcement,
            duty=duty,
            reporting=reporting,
            people=people,
            name=name,
            name_zh=name_zh,
            language=language,
            travel_matrix=travel_matrix,
            warnings=warnings,
            moveup=moveup,
            congestion=congestion,
        )

    @staticmethod
    def _travel_matrix(r: Reader, base: Path) -> Path | None:
        """The ``[travel]`` table's matrix file (its rows are read with the region)."""
        tr = r.table("travel", {})
        TRAVEL.allow(tr)
        ref = TRAVEL.read(tr, "matrix")
        if ref is None:
            return None
        p = Path(ref)
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            what = (
                _("is a folder, not a table file: {path}")
                if p.is_dir()
                else _("no such file: {path}")
            )
            raise tr.error("matrix", what.format(path=p))
        return p

    @staticmethod
    def _policy(r: Reader, source: str, base: Path) -> tuple[dict[str, Any], str | None]:
        """The ``[policy]`` table, checked by building it, and where its module came from.

        A policy named by import path is imported with the config's folder first
        on the path (this runs its code); the folder its module was found under
        goes with the config to worker processes. A class or factory given from
        Python is kept as its import path, so that workers can import it too.
        """
        import os

        from sim.policies import policy_from_dict
        from sim.policy_import import import_path_of, import_root, is_import_path

        policy = dict(r.table("policy", {}).data) or {"name": "severity_priority"}
        name = policy.get("name")
        if callable(name):
            path = import_path_of(name)
            if path is None:
                raise r.error(
                    "policy.name",
                    _("{what} has no import path; define it at the top level of a module")
                    .format(what=repr(name)),
                )  # fmt: skip
            policy["name"] = name = path
        policy_from_dict(
            policy, source=source, key="policy", search_path=Path(os.path.abspath(base))
        )
        return policy, (import_root(name) if is_import_path(name) else None)

    def dispatch_policy(self) -> Any:
        """A new :class:`sim.policies.DispatchPolicy` of ``[policy]`` (one per run).

        A policy named by import path is imported again from :attr:`policy_path`
        first, as a worker process that never read the config file must.
        """
        from sim.policies import policy_from_dict

        return policy_from_dict(
            dict(self.policy), source=self.source, key="policy", search_path=self.policy_path
        )

    @staticmethod
    def _sources(r: Reader, spec: Any) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        """The ``[sources]`` table: kinds the defaults or the scenario's hazards know."""
        from scenarios.places import SOURCE_KINDS

        st = r.table("sources", {})
        if any(k not in SOURCE_KINDS for k in st.data):  # a kind only a catalogue may know
            cat = spec.hazard_catalogue()
            SOURCES.allow(st, {cat[h].source for h in cat.keys if cat[h].source})
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
        from experiments.geo_rows import table_file

        p = Path(ref)
        p = p if p.is_absolute() else base / p
        file, _layer = table_file(p)  # county.gpkg#stations_2025: a layer of county.gpkg
        if not file.is_file():
            what = (
                _("is a folder, not a table file: {path}")
                if file.is_dir()
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
            **({"name_zh": self.name_zh} if self.name_zh else {}),
            "network": self.network.to_dict(),
            "scenario": {
                "file" if Path(self.scenario).suffix == ".toml" else "name": self.scenario,
                **(self.incidents.to_dict() if self.incidents is not None else {}),
            },
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
        # Tables kept as given (checked when read), written back the same way.
        for name in ("reinforcement", "duty", "reporting", "people", "warnings", "moveup",
                     "congestion"):  # fmt: skip
            if getattr(self, name) is not None:
                out[name] = dict(getattr(self, name))
        if self.language is not None:
            out["language"] = self.language
        if self.travel_matrix is not None:
            out["travel"] = {"matrix": str(self.travel_matrix)}
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
        return place_region(self)
