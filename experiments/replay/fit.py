"""Calibrate a region's turnout and road speeds to a replay log.

Trials run the replay without supply depots: supplies never change when a team
arrives (a test checks it on the example log), and the depot searches are most
of a replay's cost. The comparison after the fit runs the full model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from experiments.replay.adjust import ROAD_GROUPS, adjusted_region, road_group
from experiments.replay.calibrate import Calibration, calibrate
from experiments.replay.simulate import (
    intervals_from_times,
    simulate_intervals,
    trip_strata,
)

__all__ = ["calibrate_replay"]


def calibrate_replay(
    config: Any,
    log: Any,
    *,
    region: Any = None,
    replications: int = 3,
    seed: int | None = None,
    groups: Sequence[str] | None = None,
    max_evaluations: int = 150,
) -> Calibration:
    """Fit the turnout factor and road-group speed factors to a log's arrival times.

    Parameters
    ----------
    config
        The region's run config.
    log
        The :class:`~experiments.replay.log.ReplayLog`.
    region
        The region (the config's if ``None``).
    replications
        Replications per trial (the same random numbers at every trial).
    seed
        Root seed; the config's if ``None``.
    groups
        Road groups to fit; by default every group the network has roads of.
    max_evaluations
        Budget of trials.

    Returns
    -------
    Calibration
        Factors to apply with :func:`~experiments.replay.adjust.adjusted_region`.
    """
    region = config.region() if region is None else region
    root = config.seed if seed is None else int(seed)
    if groups is None:
        present = set(road_group(region.network.edges.highway).tolist())
        groups = tuple(g for g in ROAD_GROUPS if g in present)
    fast = dataclasses.replace(region, depots=())
    strata = trip_strata(region, log.incidents.template.node)
    observed = intervals_from_times(log.times)["arrival"]

    def simulate(turnout: float, speed: Mapping[str, float]) -> np.ndarray:
        trial = adjusted_region(fast, speed=speed, turnout=turnout)
        return simulate_intervals(config, trial, log, replications=replications, seed=root)[
            "arrival"
        ]

    return calibrate(observed, simulate, strata, groups=groups, max_evaluations=max_evaluations)
