"""Summary of the people at the scene (see :mod:`sim.people`): lives, time to rescue, shelters.

Counts are people per run; ``alive`` is the share alive of the people rescued
(within the run) and ``saved`` the share rescued alive of everyone trapped, each with
its 95 % Wilson interval over those people; across replications, experiments add
their own intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.records import RunRecords
from sim.report_summary import _share
from sim.summary import _num, _stats

#: Counts of people in the summary, summed over the run's incidents.
COUNTS = (
    "trapped", "rescued_alive", "died_waiting", "delay_deaths", "not_reached",
    "not_reached_dead", "injured",
    "evacuated", "sheltered", "shelter_overflow", "not_moved",
)  # fmt: skip


def people_summary(records: RunRecords) -> dict[str, Any]:
    """People trapped, rescued alive and lost to delay; care; evacuation and shelters.

    Parameters
    ----------
    records
        A run's records with the ``people`` and ``shelters`` tables.

    Returns
    -------
    dict
        The counts of :data:`COUNTS` (people per run); ``alive`` (the share
        alive of the people rescued, ``{n, share, low, high}``); ``saved`` (the share
        rescued alive of everyone trapped, the same four: people not reached within
        the run count as not saved, so a design that reaches fewer does not look
        better); ``rescue_min`` (minutes from
        the call to rescue, mean over people rescued); ``rescue_last_min`` (n /
        mean / median / p90 over incidents, to the last rescue); ``care_min``
        (minutes to the first medical team, over incidents with injured);
        ``evacuation_min`` (to the last evacuee in a shelter, over incidents);
        ``shelters_full`` (shelters full at the end) and ``shelter_use`` (people
        sheltered over the shelters' capacity).
    """
    p, sh = records.people, records.shelters
    assert p is not None and sh is not None
    out: dict[str, Any] = {k: int(np.sum(p[k])) for k in COUNTS}
    reached = p["rescued_alive"] + p["died_waiting"]
    out["alive"] = _share(np.repeat([True, False], [out["rescued_alive"], out["died_waiting"]]))
    out["saved"] = _share(
        np.repeat([True, False], [out["rescued_alive"], out["trapped"] - out["rescued_alive"]])
    )
    got = reached > 0
    total = float(np.sum(reached))
    out["rescue_min"] = _num(np.sum(p["rescue_mean_min"][got] * reached[got]) / total) if total \
        else None  # fmt: skip
    out["rescue_last_min"] = _stats(p["rescue_last_min"])
    out["care_min"] = _stats(p["care_min"])
    out["evacuation_min"] = _stats(p["evacuation_min"])
    cap = np.asarray(sh["capacity"], dtype=np.float64)
    out["shelters_full"] = int(np.sum((sh["sheltered"] >= cap) & (cap > 0)))
    out["shelter_use"] = _num(np.sum(sh["sheltered"]) / cap.sum()) if cap.sum() > 0 else None
    return out
