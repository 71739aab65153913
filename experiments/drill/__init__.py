"""Blind drills on disk: seal, reveal, verify, role packets, benchmark timeline and map.

The draw itself is :mod:`scenarios.drill`; this package adds what needs
files, the region and the simulator's facilities.
"""

from experiments.drill.benchmark import benchmark_timeline, simulated_spread
from experiments.drill.config import DrillConfig, read_history
from experiments.drill.maps import plot_drill_map
from experiments.drill.seal import ScryptParams, Secret, seal, unseal
from experiments.drill.workflow import (
    contribute,
    draw_drill,
    reveal_drill,
    verify_drill,
    write_packets,
)
from scenarios.drill.errors import SealError

__all__ = [
    "DrillConfig",
    "ScryptParams",
    "SealError",
    "Secret",
    "benchmark_timeline",
    "contribute",
    "draw_drill",
    "plot_drill_map",
    "read_history",
    "reveal_drill",
    "seal",
    "simulated_spread",
    "unseal",
    "verify_drill",
    "write_packets",
]
