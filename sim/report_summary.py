"""Summaries of the duty desks and the reporting chain (see :mod:`sim.reporting`).

Shares come with a 95 % Wilson interval over the reports of the run (scipy's
``binomtest``); across replications, experiments add their own intervals.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.records import RunRecords
from sim.reporting_rules import KINDS
from sim.summary import _num, _stats


def _share(ok: np.ndarray) -> dict[str, Any]:
    """Share of true values, with its 95 % Wilson interval."""
    n = int(ok.size)
    if not n:
        return {"n": 0, "share": None, "low": None, "high": None}
    from scipy.stats import binomtest

    k = int(ok.sum())
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return {"n": n, "share": _num(k / n), "low": _num(ci.low), "high": _num(ci.high)}


def duty_summary(records: RunRecords) -> dict[str, Any]:
    """Call waits at the receiving desks and the officers' utilisation by level.

    Returns
    -------
    dict
        ``call_wait`` (n / mean / median / p90 minutes from the call to an
        officer picking up), ``waited_share`` (calls that waited at all),
        ``utilisation`` (officer time on calls and reports over officer time on
        duty, by level) and ``peak_utilisation`` (the busiest desk-hour, by level).
    """
    scene, duty = records.scene, records.duty
    assert scene is not None and duty is not None
    wait = scene["call_wait"][~np.isnan(scene["call_wait"])]
    out: dict[str, Any] = {
        "call_wait": _stats(wait),
        "waited_share": _num(np.mean(wait > 1e-9)) if wait.size else None,
        "utilisation": {},
        "peak_utilisation": {},
    }
    width = duty["end"] - duty["start"]
    for level in dict.fromkeys(duty["level"].tolist()):
        sel = duty["level"] == level
        on = float(np.sum(duty["officers"][sel] * width[sel]))
        busy = float(np.sum(duty["calls"][sel] + duty["reports"][sel]))
        out["utilisation"][level] = _num(busy / on) if on > 0 else None
        out["peak_utilisation"][level] = _num(np.max(duty["utilisation"][sel]))
    return out


def reporting_summary(records: RunRecords) -> dict[str, Any]:
    """Timeliness of the reports, misses, and live video from the scene.

    A report is counted on time if it was sent by its limit; reports without a
    limit, missed follow-ups and reports whose limit falls after the end of
    the run while still unsent are left out of the shares.

    Returns
    -------
    dict
        ``reports``, ``late`` and ``missed`` counts; ``on_time`` per kind and
        ``first_on_time`` (phone and written first reports) per grade, each
        ``{n, share, low, high}``; ``minutes`` (median minutes from the trigger
        to sending) per kind; ``video`` (``share`` within the target with its
        interval, ``median`` minutes after the call, and ``by_grade``).
    """
    rep, scene, inc = records.reports, records.scene, records.incidents
    assert rep is not None and scene is not None
    end = records.end
    counted = (
        ~rep["missed"] & ~np.isnan(rep["due"]) & (~np.isnan(rep["sent"]) | (rep["due"] <= end))
    )
    on_time = counted & ~rep["late"]
    out: dict[str, Any] = {
        "reports": int(len(rep["kind"])),
        "late": int(rep["late"].sum()),
        "missed": int(rep["missed"].sum()),
        "on_time": {},
        "first_on_time": {},
        "minutes": {},
    }
    for kind in KINDS:
        sel = counted & (rep["kind"] == kind)
        out["on_time"][kind] = _share(on_time[sel])
        done = (rep["kind"] == kind) & ~np.isnan(rep["sent"])
        took = rep["sent"][done] - rep["trigger"][done]
        out["minutes"][kind] = _num(np.median(took)) if took.size else None
    first = counted & np.isin(rep["kind"], ("phone_first", "written_first"))
    grade = inc["grade"][rep["incident"]] if len(rep["incident"]) else np.zeros(0, int)
    for g in range(1, 5):
        out["first_on_time"][str(g)] = _share(on_time[first & (grade == g)])
    target = float(records.meta.get("reporting", {}).get("video", {}).get("target", 30.0))
    taken = ~np.isnan(inc["call_taken"]) & (inc["reason"] != "after_horizon")
    video = scene["video"]
    with np.errstate(invalid="ignore"):
        within = video <= target + 1e-9
    seen = video[taken & ~np.isnan(video)]
    out["video"] = {
        "target": target,
        **_share(within[taken]),
        "median": _num(np.median(seen)) if seen.size else None,
        "by_grade": {
            str(g): _num(within[taken & (inc["grade"] == g)].mean())
            if np.any(taken & (inc["grade"] == g))
            else None
            for g in range(1, 5)
        },
    }
    if not math.isfinite(target):  # pragma: no cover - the rules check the target
        out["video"]["target"] = None
    return out
