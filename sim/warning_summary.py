"""Summary of a run's warnings (see :mod:`sim.prepositioning`): what the plan did, what it gave.

The metrics are over the ``warned`` incidents: those called in a warned area
from its hazard's start until the forces stood down. That set depends only
on the scenario and the plan's stand-down, not on the lead time, so the
``warning_*`` metrics of runs with different lead times (and the same seed)
compare the same incidents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from networks.i18n import N_
from sim.records import RunRecords
from sim.summary import _num, _stats
from sim.targets import ResponseTargets

#: The warning metrics ``yingji run`` prints after the others: (key, label, unit).
WARNING_HEADLINE = (
    ("warning_teams_staged", N_("teams staged before warned hazards"), "count"),
    ("warning_stock_units", N_("supply units pushed down before warned hazards"), "count"),
    ("warning_officers_added", N_("duty officers added while warned"), "count"),
    ("warning_incidents", N_("warned area: incidents"), "count"),
    ("warning_compliance_arrival", N_("warned area: first team on scene within target"), "share"),
    ("warning_arrival_mean", N_("warned area: call taken -> first arrival, mean"), "min"),
    ("warning_call_taking_mean", N_("warned area: call taking, mean"), "min"),
    ("warning_supply_delivery_mean", N_("warned area: call taken -> supplies in, mean"), "min"),
    ("warning_supply_short_incidents", N_("warned area: incidents short of supplies"), "count"),
)


def supply_outcome(records: RunRecords) -> tuple[np.ndarray, np.ndarray]:
    """Per incident: when the last unit issued to it arrived, and how many units it went without.

    A unit issued but never arriving (``arrive = inf``: a depot the roads cut off
    from the scene, which :mod:`sim.supplies` no longer issues from) is counted
    short, so the incident is not taken for one that needed no supplies.

    Parameters
    ----------
    records
        A run's records (``incidents`` and ``supplies``).

    Returns
    -------
    last : numpy.ndarray
        Minute the last unit issued arrived; ``-inf`` if none was issued, ``inf``
        if one never arrives.
    short : numpy.ndarray
        Units short: ``supply_short`` plus the units issued that never arrive.
    """
    inc, sup = records.incidents, records.supplies
    issue = np.asarray(sup["kind"]) == "issue"
    who = np.asarray(sup["incident"], dtype=np.int64)[issue]
    arrive = np.asarray(sup["arrive"], dtype=np.float64)[issue]
    last = np.full(len(inc["call"]), -np.inf)
    np.maximum.at(last, who, arrive)
    short = np.asarray(inc["supply_short"], dtype=np.int64).copy()
    lost = ~np.isfinite(arrive)
    if lost.any():
        np.add.at(short, who[lost], np.asarray(sup["quantity"], dtype=np.int64)[issue][lost])
    return last, short


def supply_delivery(
    records: RunRecords, outcome: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Minutes from call taken until the last unit issued to each incident arrived.

    ``nan`` for an incident that asked for no supplies or was left short
    (including units issued that never arrive, :func:`supply_outcome`; pass
    its result as ``outcome`` if already at hand).
    """
    last, short = supply_outcome(records) if outcome is None else outcome
    full = np.isfinite(last) & (short == 0)
    call_taken = np.asarray(records.incidents["call_taken"], dtype=np.float64)
    return np.where(full, last - call_taken, np.nan)


def warning_summary(records: RunRecords, targets: ResponseTargets) -> dict[str, Any]:
    """What the warnings' plan did and how the warned incidents fared.

    Parameters
    ----------
    records
        A run's records with the ``warnings`` and ``warned`` tables.
    targets
        The response standard (its arrival target).

    Returns
    -------
    dict
        ``issued`` (warnings), ``teams_staged``, ``stock_units`` (pushed down),
        ``officers_added``; over the warned incidents: ``incidents``,
        ``compliance_arrival`` (first team within the arrival target, over those
        needing teams), ``arrival`` (n / mean / median / p90, call taken ->
        first arrival), ``call_taking_mean``, ``supply_delivery`` (n / mean /
        median / p90, call taken -> last supplies arrived, incidents fully
        supplied), ``supply_short_units`` and ``supply_short_incidents`` (left short
        of supplies: no depot within reach of the chain had them).
    """
    w, warned = records.warnings, records.warned
    assert w is not None and warned is not None
    inc = records.incidents
    rows = np.asarray(warned["incident"], dtype=np.int64)
    called = inc["reason"][rows] != "after_horizon"
    rows = rows[called]
    needs = rows[inc["teams_needed"][rows] > 0]
    arrival = inc["first_arrival"][needs] - inc["call_taken"][needs]
    with np.errstate(invalid="ignore"):
        ok = arrival <= targets.arrival + 1e-9
    outcome = supply_outcome(records)  # units issued that never arrive count as short
    delivery = supply_delivery(records, outcome)[rows]
    short = outcome[1]
    return {
        "issued": int(len(w["warning"])),
        "teams_staged": int(np.sum(w["teams_staged"])),
        "stock_units": int(np.sum(w["stock_units"])),
        "officers_added": int(np.sum(w["officers_added"])),
        "incidents": int(rows.size),
        "compliance_arrival": _num(ok.mean()) if needs.size else None,
        "arrival": _stats(arrival),
        "call_taking_mean": _num(np.nanmean(inc["call_taken"][rows] - inc["call"][rows]))
        if rows.size and np.any(~np.isnan(inc["call_taken"][rows]))
        else None,
        "supply_delivery": _stats(delivery),
        "supply_short_units": int(np.sum(short[rows])),
        "supply_short_incidents": int(np.sum(short[rows] > 0)),
    }
