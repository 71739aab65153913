"""Where a run's roads come from: :class:`NetworkSpec`, the ``[network]`` table of a run config.

The built-in synthetic county (with its layout seed and size) or a road file, and
road speeds by class; :meth:`NetworkSpec.build` loads or generates the network,
keeping the last few built in this process.
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
from scenarios.validate import MAX_SEED, Reader

#: Highest road speed, km/h.
MAX_SPEED_KPH = 300.0


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
