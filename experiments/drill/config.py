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

    [seal]                        # passphrase KDF cost (scrypt)
    scrypt_n = 131072
    [benchmark]
    call_taking_min = 1.0         # call -> call taken
    loading_min = 30.0            # supplies: order -> lorry leaves the depot
    replications = 200            # one-incident simulations for the spread (0: none)
    travel_noise = 0.15           # their travel-time coefficient of variation

A missing ``[network]`` means the built-in county with its default facilities.
Paths are relative to the TOML file. ``language`` is followed unless the user
chose one (``yingji --lang``, ``YINGJI_LANG``); the draw records the language in
the sealed payload (not in the committed script) and the reveal writes the
packets in it, unless ``--lang`` is given at the reveal.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
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
from scenarios.validate import MAX_REPLICATIONS, Reader, read_toml

_REGION = ("network", "facilities", "stations", "depots", "sources")
_TOP = {"drill", "risk", "reporting", "targets", "evaluation", "seal", "benchmark", "catalogue",
        "language", *_REGION}  # fmt: skip
HISTORY_COLUMNS = ("drawn_at", "exercise_id", "hazard", "area")
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
        spec = DrillSpec.from_dict(data, source=src, hazards=catalogue.keys)
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
    """Rows of a drill-history CSV (``drawn_at, exercise_id, hazard, area``), file order."""
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
                row["hazard"], row["area"], row.get("drawn_at") or "", row.get("exercise_id") or ""
            )  # fmt: skip
        )
    return out


def history_row(script_dict: Mapping[str, Any]) -> str:
    """The CSV line (with header) to append to the history file after a reveal."""
    s = script_dict
    return (
        ",".join(HISTORY_COLUMNS)
        + "\n"
        + ",".join(
            _csv_cell(v)
            for v in (s["drawn_at"], s["exercise_id"], s["scene"]["hazard"], s["scene"]["area"])
        )
        + "\n"
    )


def _csv_cell(v: str) -> str:
    return f'"{v.replace(chr(34), chr(34) * 2)}"' if any(c in v for c in ',"\n') else v
