"""Summaries of a run's records: compliance with the standard, intervals, use, stock-outs."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from networks.i18n import _
from sim.records import RunRecords
from sim.targets import ResponseTargets

#: The three intervals of the standard: (name, start column, end column).
INTERVALS = (
    ("call_taking", "call", "call_taken"),
    ("arrival", "call_taken", "first_arrival"),
    ("control", "first_arrival", "under_control"),
)

#: Flat keys of the counts :func:`summarise` leaves out when they are 0: unserved
#: incidents by reason, stock-outs by depot tier and kind, incidents by grade.
_ZERO_WHEN_LEFT_OUT = re.compile(r"unserved_.+|stockouts_.+|by_grade_\d+_incidents")
#: Depot tiers of the stock-out counts (``none``: no depot in reach carried the item)
#: and what fell short: an issue to an incident or a restocking order.
STOCKOUT_TIERS = ("city", "county", "township", "village", "none")
STOCKOUT_KINDS = ("issue", "replenish")
#: Why an incident went unserved (``reason`` in the records): set by sim.dispatch,
#: sim.engine and :meth:`sim.recording.Recording._unserved_reason`.
UNSERVED_REASONS = ("no_capability", "after_horizon", "horizon", "unreachable", "stalled")
#: Every flat key :func:`summarise` can leave out for being 0 (the exact names, unlike
#: :func:`left_out_when_zero`): a metric no replication recorded is 0 if it is one of these.
LEFT_OUT_COUNTS = frozenset(
    [f"unserved_{r}" for r in UNSERVED_REASONS]
    + [f"by_grade_{g}_incidents" for g in range(1, 5)]
    + [
        f"stockouts_{tier}_{kind}_{what}"
        for tier in STOCKOUT_TIERS
        for kind in STOCKOUT_KINDS
        for what in ("events", "units_short")
    ]
)


def left_out_when_zero(key: str) -> bool:
    """Whether a flat summary key is a count that :func:`summarise` leaves out when it is 0.

    Parameters
    ----------
    key
        A flattened summary key (:func:`experiments.runner.flatten`), e.g.
        ``stockouts_village_issue_events``.

    Returns
    -------
    bool
        True for ``unserved_<reason>``, ``stockouts_<tier>_<kind>_...`` and
        ``by_grade_<g>_incidents``; false for everything else, including the
        shares of a grade (``by_grade_<g>_arrival_share``), which are undefined
        without incidents rather than 0. :data:`LEFT_OUT_COUNTS` lists the exact
        keys the simulation writes.
    """
    return _ZERO_WHEN_LEFT_OUT.fullmatch(key) is not None


def missing_value(key: str) -> int | float:
    """The value of metric ``key`` in a replication whose flat summary lacks it.

    Parameters
    ----------
    key
        A flattened summary key.

    Returns
    -------
    int or float
        ``0`` for a count :func:`summarise` leaves out when nothing was counted
        (:func:`left_out_when_zero`); ``nan`` (undefined: left out of means)
        for any other metric.
    """
    return 0 if left_out_when_zero(key) else math.nan


def replication_value(summary: Mapping[str, Any], key: str) -> float:
    """Metric ``key`` of one replication's flat summary, as a number to average over replications.

    Every place that combines replications reads them through this, so that a
    count left out for being 0 counts as 0, and an undefined metric (``None``
    or ``nan``, or missing and not such a count) as ``nan``.

    Parameters
    ----------
    summary
        A replication's flat summary.
    key
        The metric.

    Returns
    -------
    float
    """
    value = summary.get(key, missing_value(key))
    return math.nan if value is None else float(value)


def _num(x: float) -> float | None:
    """A JSON-ready float (``None`` for nan)."""
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def interval(records: RunRecords, name: str, targets: ResponseTargets | None = None) -> np.ndarray:
    """Minutes of one interval per incident (``nan`` where it did not happen).

    Parameters
    ----------
    records
        A run's records.
    name
        ``call_taking``, ``arrival``, ``control`` or ``response`` (call -> first arrival).
    targets
        With ``control_reading = "after_call"``, ``control`` is measured from
        the call to the first team at work on scene.
    """
    inc = records.incidents
    if name == "response" or (
        name == "control" and targets is not None and targets.control_reading == "after_call"
    ):
        return inc["first_arrival"] - inc["call"]
    for key, a, b in INTERVALS:
        if key == name:
            return inc[b] - inc[a]
    raise ValueError(_("unknown interval {name!r}").format(name=name))


def target_checks(
    records: RunRecords, targets: ResponseTargets
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per interval of the standard: ``(met, counted, minutes)`` per incident.

    ``met``: within its target (a grade's own control target where one is
    set); an interval that never happened (``nan``: an incident no team
    reached) is a miss. ``counted``: the incidents its share is over, every
    incident within the horizon for call taking, those needing teams for the
    others. The one definition the summary's compliance and the response-time
    figure share.

    Parameters
    ----------
    records
        A run's records.
    targets
        The response standard.

    Returns
    -------
    dict
        ``call_taking``, ``arrival``, ``control`` -> ``(met, counted, minutes)``,
        boolean and float arrays over the incidents.
    """
    inc = records.incidents
    within = inc["reason"] != "after_horizon"
    needs = within & (inc["teams_needed"] > 0)
    limits: dict[str, Any] = {
        "call_taking": targets.call_taking,
        "arrival": targets.arrival,
        "control": targets.control,
    }
    if any(v is not None for v in targets.control_by_grade):
        by_grade_limit = np.array([targets.control_limit(g) for g in range(1, 5)])
        limits["control"] = by_grade_limit[np.clip(inc["grade"].astype(int), 1, 4) - 1]
    out = {}
    for name, limit in limits.items():
        x = interval(records, name, targets)
        with np.errstate(invalid="ignore"):
            met = x <= limit + 1e-9  # nan compares false: a miss
        out[name] = (met, within if name == "call_taking" else needs, x)
    return out


def _stats(x: np.ndarray) -> dict[str, Any]:
    x = x[~np.isnan(x)]
    if not x.size:
        return {"n": 0, "mean": None, "median": None, "p90": None}
    return {
        "n": int(x.size),
        "mean": _num(x.mean()),
        "median": _num(np.median(x)),
        "p90": _num(np.percentile(x, 90)),
    }


def utilisation(records: RunRecords) -> dict[str, dict[str, Any]]:
    """Share of team time committed to incidents, by station.

    ``committed`` counts dispatch -> released (en route and on scene);
    ``away`` also counts the way back and any resupply. Both are clipped to the
    run window and divided by teams x window length; for a reinforcement, the
    window starts when it arrives (``None`` if it never did). A station's share is
    that of the teams built there (``teams.station``), wherever move-up or a
    warning had posted them: a dispatch row's ``station`` is the post it was sent
    from, and counting rows by post over the teams built there passed 100 %.
    ``dispatches`` counts the rows sent from the station as their post.
    """
    d, teams, st = records.dispatches, records.teams, records.stations
    start, end = records.start, records.end
    reinf = records.meta.get("reinforcement")
    t0 = np.clip(d["dispatched"], start, end)
    rel = np.where(np.isnan(d["released"]), end, d["released"])
    back = np.where(np.isnan(d["available"]), end, d["available"])
    committed = np.clip(rel, start, end) - t0
    away = np.clip(np.maximum(back, rel), start, end) - t0
    out: dict[str, dict[str, Any]] = {}
    own = np.asarray(teams["station"])[d["team"]] if len(d["team"]) else d["station"]
    for s, name in enumerate(st["name"].tolist()):
        n_teams = int(np.sum(teams["station"] == s))
        mine = own == s
        span = max(end - start, 1e-12)
        if reinf is not None and name == reinf["name"]:
            # Standing by is not idle capacity: count from the arrival.
            came = reinf["arrived_min"]
            span = max(end - max(came, start), 1e-12) if came is not None and came < end else 0.0
        ok = n_teams and span > 0
        out[name] = {
            "teams": n_teams,
            "dispatches": int(np.sum(d["station"] == s)),
            "committed": _num(committed[mine].sum() / (n_teams * span)) if ok else None,
            "away": _num(away[mine].sum() / (n_teams * span)) if ok else None,
        }
    return out


def summarise(records: RunRecords, targets: ResponseTargets | None = None) -> dict[str, Any]:
    """JSON-ready metrics of one run.

    Shares meeting each target are over incidents called within the run that
    need teams (for call taking: all called within the run); an interval that
    never happened (unserved) counts as a miss.

    Parameters
    ----------
    records
        A run's records.
    targets
        The standard; the 1 / 10 / 15 minute defaults if ``None``.

    Returns
    -------
    dict
        ``incidents``, ``served``, ``unserved`` (by reason), ``targets``,
        ``compliance`` (share per interval and all three), ``intervals``
        (n / mean / median / p90 per interval plus ``response``), ``by_grade``,
        ``utilisation`` (by station), ``stockouts`` (by depot tier),
        ``supply_short_units``, ``mutual_aid_share`` (of dispatches), ``window``;
        with a reinforcement, ``reinforcement`` (``called_min``, ``arrived_min``);
        with people at the scene, ``people`` (:func:`sim.people_summary.people_summary`);
        with a warning plan, ``warning`` (:func:`sim.warning_summary.warning_summary`);
        with move-up, ``moveup`` (:func:`sim.moveup_records.moveup_summary`);
        with congestion, ``rush_hour`` and ``off_peak``
        (:func:`sim.congestion_summary.rush_hour_summary`).

        ``unserved`` has only the reasons that occurred, ``by_grade`` only the
        grades with incidents and ``stockouts`` only the tiers and kinds with
        stock-outs: a count left out is 0 (:func:`replication_value` reads it so).
    """
    targets = targets or ResponseTargets()
    inc = records.incidents
    within = inc["reason"] != "after_horizon"
    needs = within & (inc["teams_needed"] > 0)
    ok: dict[str, np.ndarray] = {}
    compliance: dict[str, float | None] = {}
    intervals: dict[str, Any] = {}
    for name, (met, base, x) in target_checks(records, targets).items():
        ok[name] = met
        compliance[name] = _num(met[base].mean()) if base.any() else None
        intervals[name] = _stats(x[base])
    all3 = ok["call_taking"] & ok["arrival"] & ok["control"]
    compliance["all_three"] = _num(all3[needs].mean()) if needs.any() else None
    intervals["response"] = _stats(interval(records, "response")[needs])
    by_grade = {}
    for g in np.unique(inc["grade"][needs]).tolist():
        sel = needs & (inc["grade"] == g)
        by_grade[str(g)] = {
            "incidents": int(sel.sum()),
            "arrival_share": _num(ok["arrival"][sel].mean()),
            "all_three_share": _num(all3[sel].mean()),
        }
    reasons, counts = np.unique(inc["reason"][~inc["served"]], return_counts=True)
    so = records.stockouts
    tiers: dict[str, Any] = {}
    for tier in STOCKOUT_TIERS:
        for kind in STOCKOUT_KINDS:
            sel = (so["tier"] == tier) & (so["kind"] == kind)
            if sel.any():
                t = tiers.setdefault(tier, {})
                t[f"{kind}_events"] = int(sel.sum())
                t[f"{kind}_units_short"] = int(so["short"][sel].sum())
    d = records.dispatches
    out = {
        "incidents": int(len(records)),
        "served": int(inc["served"].sum()),
        "unserved": {str(r): int(c) for r, c in zip(reasons, counts, strict=True)},
        "targets": targets.to_dict(),
        "compliance": compliance,
        "intervals": intervals,
        "by_grade": by_grade,
        "utilisation": utilisation(records),
        "stockouts": tiers,
        "supply_short_units": int(inc["supply_short"].sum()),
        "mutual_aid_share": _num(d["mutual_aid"].mean()) if len(d["team"]) else None,
        "window": [records.start, records.end],
    }
    reinf = records.meta.get("reinforcement")
    if reinf is not None:  # when the outside teams were called and when they arrived
        out["reinforcement"] = {
            "called_min": reinf["called_min"],
            "arrived_min": reinf["arrived_min"],
        }
    if records.duty is not None:
        from sim.report_summary import duty_summary, reporting_summary

        out["duty"] = duty_summary(records)
        if records.reports is not None:
            out["reporting"] = reporting_summary(records)
    if records.people is not None:
        from sim.people_summary import people_summary

        out["people"] = people_summary(records)
    if records.warnings is not None and records.warned is not None:
        from sim.warning_summary import warning_summary

        out["warning"] = warning_summary(records, targets)
    if records.moves is not None and records.coverage is not None:
        from sim.moveup_records import moveup_summary

        out["moveup"] = moveup_summary(records)
    if records.meta.get("congestion") is not None:  # arrival in and out of the rush hours
        from sim.congestion_summary import rush_hour_summary

        out.update(rush_hour_summary(records, ok["arrival"], needs))
    return out
