"""The region of a drill as the draw sees it: network, stations, depots, and a fingerprint.

:meth:`experiments.drill.config.DrillConfig.region` builds a :class:`Region`;
:func:`network_fingerprint` lets the reveal check that a rebuilt network is the
one the draw used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from networks.roadnet import RoadNetwork
from scenarios.drill.injects import Store, Unit

__all__ = ["Region", "network_fingerprint"]


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
