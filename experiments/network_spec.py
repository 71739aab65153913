"""Where a run's roads come from: :class:`NetworkSpec`, the ``[network]`` table of a run config.

A built-in synthetic network (the county or the city, with a layout seed and
sizes) or a road file, and road speeds by class; :meth:`NetworkSpec.build`
loads or generates the network, keeping the last few built in this process.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork
from networks.speeds import DRIVABLE_HIGHWAYS
from networks.synthetic import MAX_GRID, MAX_TOWNSHIPS, MAX_VILLAGES
from networks.synthetic_city import MAX_CITY_GRID, MAX_COUNTIES, MAX_COUNTY_GRID
from scenarios.config_keys import Key, Section
from scenarios.validate import MAX_SEED, Reader

#: Highest road speed, km/h.
MAX_SPEED_KPH = 300.0
#: The built-in networks and the sizes each takes, ``key -> (default, lo, hi)``: the
#: generator's own defaults and bounds (and a city has a township in every county).
SYNTHETIC: dict[str, dict[str, tuple[int, int, int]]] = {
    "county": {
        "townships": (10, 0, MAX_TOWNSHIPS),
        "villages": (100, 0, MAX_VILLAGES),
        "grid": (24, 2, MAX_GRID),
    },
    "city": {
        "counties": (10, 1, MAX_COUNTIES),
        "townships": (91, 1, MAX_TOWNSHIPS),
        "villages": (1000, 0, MAX_VILLAGES),
        "grid": (260, 2, MAX_CITY_GRID),
        "county_grid": (100, 2, MAX_COUNTY_GRID),
    },
}
#: Every size key of any built-in network.
_SIZE_KEYS = ("counties", "townships", "villages", "grid", "county_grid")
_SIZE_HELP = {
    "counties": "Counties of the city.",
    "townships": "Townships (shared out among the counties of a city).",
    "villages": "Villages (shared out among the townships).",
    "grid": "Streets per side of the county seat (of the city centre for a city).",
    "county_grid": "Streets per side of each county seat of a city.",
}
_SIZE_ZH = {"counties": "县", "townships": "乡镇", "villages": "村", "grid": "", "county_grid": ""}


def _size_key(name: str) -> Key:
    """The record of one size key: its default and bounds for each built-in network."""
    given = {kind: sizes[name] for kind, sizes in SYNTHETIC.items() if name in sizes}
    return Key(
        name,
        "integer",
        _SIZE_HELP[name],
        _SIZE_ZH[name],
        default_text="; ".join(f"{kind}: {d}" for kind, (d, _lo, _hi) in given.items()),
        allowed_text="; ".join(f"{kind}: {lo}-{hi:,}" for kind, (_d, lo, hi) in given.items()),
    )


#: The ``[network]`` table of a run config (what :meth:`NetworkSpec.from_dict` accepts).
NETWORK = Section(
    "network",
    "Road network",
    (
        Key("synthetic", "string", "A built-in network, generated in code.", "内置路网",
            choices=tuple(SYNTHETIC), default_text="none: give synthetic or file"),
        Key("file", "path",
            "A road file (OpenStreetMap XML or PBF, or GraphML), relative to the config file.",
            "路网文件"),
        Key("seed", "integer", "Layout seed of a built-in network.", default=0, lo=0,
            hi=MAX_SEED),
        Key("speeds", "table", "Speeds in km/h by road class, for ways without maxspeed.",
            "道路限速"),
        *(_size_key(name) for name in _SIZE_KEYS),
    ),
    zh="路网",
    help='Give exactly one of synthetic = "county" (or "city") and file = "...". '
    "The size keys apply to a built-in network only.",
)  # fmt: skip
#: ``[network.speeds]``: km/h by OSM highway class.
SPEEDS = Section(
    "network.speeds",
    "Road speeds",
    (Key("<road class>", "number", "Speed in km/h of ways of this OSM highway class.",
         names=tuple(sorted(DRIVABLE_HIGHWAYS)), lo=0, lo_open=True, hi=MAX_SPEED_KPH,
         default_text="networks.speeds defaults"),),
    zh="道路限速",
)  # fmt: skip


@dataclass(frozen=True)
class NetworkSpec:
    """Where the roads come from: a built-in network (``synthetic``) or a file.

    Sizes left at ``None`` take the default of the built-in network named by
    ``synthetic`` (see :data:`SYNTHETIC`); sizes it does not take stay ``None``.
    """

    file: str | None = None
    seed: int = 0
    townships: int | None = None
    villages: int | None = None
    grid: int | None = None
    speeds: tuple[tuple[str, float], ...] = ()
    synthetic: str = "county"
    counties: int | None = None
    county_grid: int | None = None

    def __post_init__(self) -> None:
        for name, (default, _lo, _hi) in SYNTHETIC[self.synthetic].items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, default)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str, base_dir: Path) -> NetworkSpec:
        """Validate the ``[network]`` table."""
        r = Reader(data, source=source, key="network")
        NETWORK.allow(r)
        if r.has("file") == r.has("synthetic"):
            raise ConfigError(
                _('give exactly one of synthetic = "county" or file = "..."'),
                source=source,
                key="network",
            )
        kind = "county"
        if r.has("synthetic"):
            kind = r.get("synthetic")
            if kind not in SYNTHETIC:
                raise r.error(
                    "synthetic",
                    _('unknown synthetic network {name!r}; expected "county" or "city"').format(
                        name=kind
                    ),
                )
        sp = r.table("speeds", {})
        SPEEDS.allow(sp)
        kw: dict[str, Any] = {
            "synthetic": kind,
            "speeds": tuple((str(k), SPEEDS.read(sp, str(k))) for k in sp.data),
        }
        if r.has("file"):
            # A road file has no layout seed or sizes: a kept key would mean nothing.
            for name in ("seed", *_SIZE_KEYS):
                if not r.has(name):
                    continue
                if name in SYNTHETIC["county"] or name == "seed":
                    raise r.error(name, _('applies to synthetic = "county" or "city" only; '
                                          "this config reads a road file"))  # fmt: skip
                raise r.error(
                    name, _('applies to synthetic = "city" only; this config reads a road file')
                )
            path = Path(NETWORK.read(r, "file"))
            kw["file"] = str(path if path.is_absolute() else (base_dir / path))
        if r.has("seed"):
            kw["seed"] = NETWORK.read(r, "seed")
        sizes = SYNTHETIC[kind]
        for name in _SIZE_KEYS:
            if not r.has(name):
                continue
            if name not in sizes:
                raise r.error(name, _('only synthetic = "city" takes this key'))
            _default, lo, hi = sizes[name]
            kw[name] = r.int(name, lo=lo, hi=hi)
        spec = cls(**kw)
        if spec.counties is not None and spec.townships < spec.counties:
            raise r.error(
                "townships",
                _("a city needs a township in every county: must be >= {counties}, got {value}")
                .format(counties=spec.counties, value=spec.townships),
            )  # fmt: skip
        return spec

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict` (paths absolute)."""
        out: dict[str, Any] = (
            {"file": self.file}
            if self.file
            else {
                "synthetic": self.synthetic,
                "seed": self.seed,
                **{name: getattr(self, name) for name in SYNTHETIC[self.synthetic]},
            }
        )
        if self.speeds:
            out["speeds"] = dict(self.speeds)
        return out

    def build(self) -> RoadNetwork:
        """Load or generate the network (cached per spec within a process)."""
        hit = _NETWORKS.get(self)
        if hit is None:
            from networks import load_network, synthetic_county
            from networks.synthetic_city import synthetic_city

            speeds = dict(self.speeds) or None  # None: the default table, as before
            if self.file:
                hit = load_network(self.file, speeds=speeds)
            elif self.synthetic == "city":
                hit = synthetic_city(
                    seed=self.seed,
                    counties=self.counties,
                    townships=self.townships,
                    villages=self.villages,
                    grid=self.grid,
                    county_grid=self.county_grid,
                    speeds=speeds,
                )
            else:
                hit = synthetic_county(
                    seed=self.seed,
                    townships=self.townships,
                    villages=self.villages,
                    grid=self.grid,
                    speeds=speeds,
                )
            _NETWORKS[self] = hit
            while len(_NETWORKS) > 4:
                _NETWORKS.popitem(last=False)
        return hit


#: Networks already built in this process (loading OSM takes seconds).
_NETWORKS: OrderedDict[NetworkSpec, RoadNetwork] = OrderedDict()
