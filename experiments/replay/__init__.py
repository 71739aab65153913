"""Replay a historical incident log through a region's model, compare and calibrate.

Trace-driven validation: the log fixes the incidents (time, place, hazard,
grade); replications draw only what it does not fix; the observed and
simulated call-taking, arrival and control intervals are compared by quantile
(paired bootstrap intervals), by a two-sample test and by area; calibration
fits team turnout and road speeds by road group to the log.

>>> from experiments.config import RunConfig
>>> from experiments.replay import read_replay_log, replay
>>> cfg = RunConfig.from_file("examples/county.toml")        # doctest: +SKIP
>>> region = cfg.region()                                     # doctest: +SKIP
>>> log = read_replay_log("examples/replay/county_log.csv", region.network)  # doctest: +SKIP
>>> result = replay(cfg, log, region=region, replications=20)  # doctest: +SKIP
"""

from experiments.replay.adjust import ROAD_GROUPS, adjusted_region
from experiments.replay.calibrate import Calibration
from experiments.replay.compare import INTERVALS, QUANTILES
from experiments.replay.fit import calibrate_replay
from experiments.replay.log import ReplayLog, read_replay_log
from experiments.replay.outputs import format_replay, write_replay
from experiments.replay.simulate import ReplayResult, replay

__all__ = [
    "INTERVALS",
    "QUANTILES",
    "ROAD_GROUPS",
    "Calibration",
    "ReplayLog",
    "ReplayResult",
    "adjusted_region",
    "calibrate_replay",
    "format_replay",
    "read_replay_log",
    "replay",
    "write_replay",
]
