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
from networks.errors import ConfigError
from networks.i18n import _

__all__ = ["calibrate_replay"]


def calibrate_replay(
    config: Any,
    log: Any,
    *,
    region: Any = None,
    replications: int = 3,
    seed: int | None = None,
    groups: Sequence[str] | None = None,
    by: str = "group",
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
        Road groups (or classes) to fit; by default every one the network has roads of.
    by
        ``"group"``: one speed factor per road group (major, minor, local), what a
        few months of calls can tell apart; ``"class"``: one per OpenStreetMap road
        class, for long logs.
    max_evaluations
        Budget of trials (simulations); each step of the search costs one per
        factor fitted and one more, and at least one step is made.

    Returns
    -------
    Calibration
        Factors to apply with :func:`~experiments.replay.adjust.adjusted_region`.
    """
    region = config.region() if region is None else region
    root = config.seed if seed is None else int(seed)
    if by not in ("group", "class"):
        raise ConfigError(_("calibrate by group or class, not {by!r}").format(by=by), key="by")
    if groups is None and by == "group":
        present = set(road_group(region.network.edges.highway).tolist())
        groups = tuple(g for g in ROAD_GROUPS if g in present)
    elif groups is None:
        groups = tuple(sorted(set(np.asarray(region.network.edges.highway).astype(str).tolist())))
    fast = dataclasses.replace(region, depots=())
    strata = trip_strata(region, log.incidents.template.node, by=by)
    observed = intervals_from_times(log.times)["arrival"]

    def simulate(turnout: float, speed: Mapping[str, float]) -> np.ndarray:
        trial = adjusted_region(fast, speed=speed, turnout=turnout)
        return simulate_intervals(config, trial, log, replications=replications, seed=root)[
            "arrival"
        ]

    return calibrate(
        observed,
        simulate,
        strata,
        groups=groups,
        max_evaluations=max_evaluations,
        source=log.source,
    )
