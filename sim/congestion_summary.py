"""Arrival in the rush hours and outside them, for runs with congestion by time of day.

The traffic reports count the commute peaks as 07:00-09:00 and 17:00-19:00
(:data:`sim.congestion.RUSH_HOURS`); :func:`rush_hour_summary` splits the
incidents by the clock hour of their call (the run's clock:
``meta["congestion"]["start_hour"]`` at minute 0) and gives, for each part,
the incidents that needed teams, the share whose first team arrived within the
target, and the mean and 90th percentile of call taken -> first arrival. The
split is by the clock alone, so a flat profile and the default one compare the
same incidents.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.congestion import RUSH_HOURS, clock_hours
from sim.records import RunRecords

__all__ = ["rush_hour_summary"]


def _num(x: float) -> float | None:
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def call_hours(records: RunRecords, start_hour: float) -> np.ndarray:
    """Clock hour (0-23) of each incident's call, with minute 0 at ``start_hour``."""
    return clock_hours(records.incidents["call"], start_hour)


def rush_hour_summary(
    records: RunRecords, arrival_ok: np.ndarray, needs: np.ndarray
) -> dict[str, dict[str, Any]]:
    """``rush_hour`` and ``off_peak``: incidents, arrival share, mean and p90 minutes.

    Parameters
    ----------
    records
        A run's records with ``meta["congestion"]``.
    arrival_ok
        Per incident, whether its first team arrived within the target.
    needs
        Per incident, whether it counts (called within the run, needs teams).
    """
    start = float(records.meta["congestion"]["start_hour"])
    rush = np.isin(call_hours(records, start), sorted(RUSH_HOURS))
    inc = records.incidents
    minutes = inc["first_arrival"] - inc["call_taken"]
    out = {}
    for name, part in (("rush_hour", rush), ("off_peak", ~rush)):
        sel = needs & part
        x = minutes[sel]
        x = x[~np.isnan(x)]
        out[name] = {
            "incidents": int(sel.sum()),
            "arrival_share": _num(arrival_ok[sel].mean()) if sel.any() else None,
            "arrival_mean": _num(x.mean()) if x.size else None,
            "arrival_p90": _num(np.percentile(x, 90)) if x.size else None,
        }
    return out
