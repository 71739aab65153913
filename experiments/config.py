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
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.locations import LOCATION_COLUMNS, read_table, resolve_location
from networks.errors import ConfigError, NetworkError
from networks.roadnet import RoadNetwork
from scenarios.validate import read_toml

_SECTIONS = {
    "network", "facilities", "stations", "depots", "scenario", "sources", "policy",
    "targets", "run", "name", "description", "siting", "reinforcement",
}  # fmt: skip


def _table(data: Mapping[str, Any], name: str, source: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a table, got {value!r}", source=source, key=name)
    return dict(value)


def _no_extra(data: Mapping[str, Any], allowed: set[str], source: str, key: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        where = f"{key}.{extra[0]}" if key else extra[0]
        raise ConfigError(
            f"unknown key {extra[0]!r}; expected one of {sorted(allowed)}", source=source, key=where
        )


def _int(value: Any, source: str, key: str, *, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"expected an integer, got {value!r}", source=source, key=key)
    if low is not None and value < low:
        raise ConfigError(f"expected an integer >= {low}, got {value}", source=source, key=key)
    return value


def _float(value: Any, source: str, key: str, *, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"expected a number, got {value!r}", source=source, key=key)
    if low is not None and not value >= low:
        raise ConfigError(f"expected a number >= {low}, got {value}", source=source, key=key)
    return float(value)


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
        allowed = {"synthetic", "file", "seed", "townships", "villages", "grid", "speeds"}
        _no_extra(data, allowed, source, "network")
        has_file, synthetic = "file" in data, data.get("synthetic")
        if has_file == (synthetic is not None):
            raise ConfigError(
                'give exactly one of synthetic = "county" or file = "..."',
                source=source,
                key="network",
            )
        if synthetic is not None and synthetic != "county":
            raise ConfigError(
                f'unknown synthetic network {synthetic!r}; expected "county"',
                source=source,
                key="network.synthetic",
            )
        speeds = data.get("speeds", {})
        if not isinstance(speeds, Mapping):
            raise ConfigError("expected a table", source=source, key="network.speeds")
        kw: dict[str, Any] = {
            "speeds": tuple(
                (str(k), _float(v, source, f"network.speeds.{k}", low=1e-9))
                for k, v in speeds.items()
            )
        }
        if has_file:
            if not isinstance(data["file"], str):
                raise ConfigError("expected a path", source=source, key="network.file")
            path = Path(data["file"])
            kw["file"] = str(path if path.is_absolute() else (base_dir / path))
        for name, low in (("seed", 0), ("townships", 0), ("villages", 0), ("grid", 2)):
            if name in data:
                kw[name] = _int(data[name], source, f"network.{name}", low=low)
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

    # ------------------------------------------------------------------ load
    @classmethod
    def from_file(cls, path: str | Path) -> RunConfig:
        """Read and validate a TOML run config."""
        p = Path(path)
        if not p.exists():
            raise ConfigError("no such file", source=str(p))
        data = read_toml(p)
        return cls.from_dict(data, source=str(p), base_dir=p.parent)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str = "<config>", base_dir: Path | None = None
    ) -> RunConfig:
        """Validate plain data (as read from TOML)."""
        base = base_dir or Path.cwd()
        _no_extra(data, _SECTIONS, source, "")
        net = NetworkSpec.from_dict(_table(data, "network", source), source=source, base_dir=base)
        fac = _table(data, "facilities", source)
        _no_extra(fac, {"stations", "depots", "township_stations"}, source, "facilities")
        township_stations = fac.get("township_stations")
        if township_stations is not None:
            township_stations = _int(
                township_stations, source, "facilities.township_stations", low=0
            )
        stations = cls._facility_source(data, fac, "stations", source, base)
        depots = cls._facility_source(data, fac, "depots", source, base)

        scen = _table(data, "scenario", source)
        _no_extra(scen, {"name", "file"}, source, "scenario")
        from scenarios import list_scenarios, load_scenario

        if "file" in scen:
            f = Path(str(scen["file"]))
            scenario = str(f if f.is_absolute() else base / f)
            if not Path(scenario).exists():
                raise ConfigError(f"no such file {scenario}", source=source, key="scenario.file")
            load_scenario(scenario)  # errors inside it name that file
        else:
            scenario = scen.get("name", "multi_hazard")
            if not isinstance(scenario, str) or scenario not in list_scenarios():
                raise ConfigError(
                    f"no shipped scenario {scenario!r}; expected one of {list_scenarios()} "
                    "or scenario.file",
                    source=source,
                    key="scenario.name",
                )

        srcs = _table(data, "sources", source)
        sources = []
        for kind, locs in srcs.items():
            if not isinstance(locs, list):
                raise ConfigError(
                    "expected a list of locations", source=source, key=f"sources.{kind}"
                )
            sources.append((str(kind), tuple(locs)))

        policy = _table(data, "policy", source) or {"name": "severity_priority"}
        from sim.policies import policy_from_dict

        try:
            policy_from_dict(policy)
        except (ConfigError, ValueError, TypeError) as exc:
            raise ConfigError(str(exc), source=source, key="policy") from None

        targets = _table(data, "targets", source)
        from sim.targets import ResponseTargets

        ResponseTargets.from_dict(targets, source=source, key="targets")

        reinforcement = None
        if "reinforcement" in data:
            raw = _table(data, "reinforcement", source)
            _no_extra(
                raw, {"name", "location", "teams", "max_grade", "delay_min", "area"}, source,
                "reinforcement",
            )  # fmt: skip
            if "location" not in raw:
                raise ConfigError("missing (where the teams enter the map)", source=source,
                                  key="reinforcement.location")  # fmt: skip
            from sim.facilities import Reinforcement

            # Validate all but the location now (it needs the network).
            Reinforcement.from_dict(
                {"name": "Provincial Reinforcement", **{k: v for k, v in raw.items()
                                                         if k != "location"}, "node": 0},
                source=source, key="reinforcement",
            )  # fmt: skip
            reinforcement = tuple(raw.items())

        run = _table(data, "run", source)
        _no_extra(run, {"seed", "replications", "travel_noise", "horizon_min"}, source, "run")
        horizon = run.get("horizon_min")
        return cls(
            source=source,
            network=net,
            stations=stations,
            depots=depots,
            scenario=scenario,
            sources=tuple(sources),
            policy=tuple(policy.items()),
            targets=tuple((k, float(v)) for k, v in targets.items()),
            seed=_int(run.get("seed", 2024), source, "run.seed", low=0),
            replications=_int(run.get("replications", 1), source, "run.replications", low=1),
            travel_noise=_float(run.get("travel_noise", 0.0), source, "run.travel_noise", low=0.0),
            horizon_min=None
            if horizon is None
            else _float(horizon, source, "run.horizon_min", low=0.0),
            township_stations=township_stations,
            reinforcement=reinforcement,
            name=str(data.get("name", Path(source).stem)),
        )

    @staticmethod
    def _facility_source(
        data: Mapping[str, Any], fac: Mapping[str, Any], kind: str, source: str, base: Path
    ) -> Any:
        inline = data.get(kind)
        ref = fac.get(kind)
        if inline is not None and ref is not None:
            raise ConfigError(
                f"give {kind} either inline [[{kind}]] or as facilities.{kind}, not both",
                source=source,
                key=kind,
            )
        if inline is not None:
            if not isinstance(inline, list):
                raise ConfigError("expected an array of tables", source=source, key=kind)
            return tuple(inline)
        if ref is None or ref == "default":
            return "default"
        if ref == "none" and kind == "depots":
            return ()  # a run of teams alone: no supplies are drawn
        if not isinstance(ref, str):
            hint = ', "none"' if kind == "depots" else ""
            raise ConfigError(
                f'expected "default"{hint} or a table file', source=source,
                key=f"facilities.{kind}",
            )  # fmt: skip
        p = Path(ref)
        return p if p.is_absolute() else base / p

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

        stations = self._place("stations", network)
        depots = self._place("depots", network)
        check_facilities(network.n_nodes, stations, depots, source=self.source)
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
            check_facilities(
                network.n_nodes, (*stations, reinforcement.station), (), source=self.source
            )
        return Region(
            network=network, stations=stations, depots=depots, sources=sources,
            reinforcement=reinforcement,
        )  # fmt: skip

    def _place(self, kind: str, network: RoadNetwork) -> tuple[Any, ...]:
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
                    f"{exc}; list {kind} explicitly", source=self.source, key=f"facilities.{kind}"
                ) from None
            return stations if kind == "stations" else depots
        cls = Station if kind == "stations" else Depot
        if isinstance(spec, Path):
            rows = read_table(spec)
            return tuple(
                cls.from_dict(entry, source=str(spec), key=f"{kind}[{i}]")
                for i, entry in enumerate(_group_rows(rows, kind, network, source=str(spec)))
            )
        out = []
        for i, entry in enumerate(spec):
            key = f"{kind}[{i}]"
            if not isinstance(entry, Mapping):
                raise ConfigError("expected a table", source=self.source, key=key)
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
        return tuple(out)


@dataclass(frozen=True)
class Region:
    """A network with its stations, depots and hazard sources placed on nodes."""

    network: RoadNetwork
    stations: tuple[Any, ...]
    depots: tuple[Any, ...]
    sources: Mapping[str, tuple[int, ...]]
    reinforcement: Any = None


def _group_rows(
    rows: list[dict[str, Any]], kind: str, network: RoadNetwork, *, source: str
) -> list[dict[str, Any]]:
    """Tidy table rows (one per team or stock item) grouped into facility entries.

    Stations: columns ``name, tier, <location>, capability, size, count`` and
    optional ``area``, ``turnout_min`` (mean of a lognormal) and ``turnout_cv``
    (its coefficient of variation, default 0.3).
    Depots: ``name, tier, <location>, item, quantity`` and optional
    ``parent``, ``lead_time_min``.
    """
    grouped: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        key = f"row {i + 2}"  # a CSV's first data row is line 2
        name = row.get("name")
        if not name:
            raise ConfigError("missing name", source=source, key=f"{key}.name")
        entry = grouped.get(name)
        if entry is None:
            loc = {k: row[k] for k in LOCATION_COLUMNS if row.get(k) not in (None, "")}
            entry = {
                "name": name,
                "tier": row.get("tier"),
                "node": resolve_location(loc, network, source=source, key=key),
            }
            if kind == "stations":
                entry["teams"] = []
                if row.get("area"):
                    entry["area"] = row["area"]
            else:
                entry["stock"] = {}
                if row.get("parent"):
                    entry["parent"] = row["parent"]
                if row.get("lead_time_min") not in (None, ""):
                    entry["lead_time_min"] = _num_cell(row["lead_time_min"], source, key)
            grouped[name] = entry
        if kind == "stations":
            team: dict[str, Any] = {
                "capability": row.get("capability"),
                "size": int(_num_cell(row.get("size"), source, f"{key}.size")),
                "count": int(_num_cell(row.get("count") or 1, source, f"{key}.count")),
            }
            if row.get("turnout_min") not in (None, ""):
                mean = _num_cell(row["turnout_min"], source, f"{key}.turnout_min")
                cv = row.get("turnout_cv")
                cv = 0.3 if cv in (None, "") else _num_cell(cv, source, f"{key}.turnout_cv")
                team["turnout"] = {"dist": "lognormal", "mean": mean, "cv": cv}
            entry["teams"].append(team)
        else:
            item = row.get("item")
            if not item:
                raise ConfigError("missing item", source=source, key=f"{key}.item")
            entry["stock"][item] = int(_num_cell(row.get("quantity"), source, f"{key}.quantity"))
    return list(grouped.values())


def _num_cell(value: Any, source: str, key: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"expected a number, got {value!r}", source=source, key=key) from None
