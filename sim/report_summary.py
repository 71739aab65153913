"""Summaries of the duty desks and the reporting chain (see :mod:`sim.reporting`).

Shares come with a 95 % Wilson interval over the reports of the run (scipy's
``binomtest``); across replications, experiments add their own intervals.

Planners are judged on "首报快、续报准、终报全" for every kind of report, so the
on-time share is given per kind of report and incident grade
(``on_time_by_grade``), besides per kind and, for first reports, per grade.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from networks.i18n import N_, _, pad, width
from sim.records import RunRecords
from sim.reporting_rules import KINDS
from sim.summary import _num, _stats

#: Incident grades I..IV, as the summary keys them (``"1"`` .. ``"4"``).
GRADES = (1, 2, 3, 4)
#: The kinds of report as a person reads them (in the order of :data:`KINDS`).
KIND_LABELS = {
    "phone_first": N_("phone first report"),
    "written_first": N_("written first report"),
    "follow_up": N_("follow-up report"),
    "final": N_("final report"),
}


def by_grade_key(kind: str, grade: int) -> str:
    """The metric of the on-time share of ``kind`` reports for incidents of ``grade``.

    Parameters
    ----------
    kind
        A kind of report (:data:`sim.reporting_rules.KINDS`).
    grade
        Incident grade, 1-4 for I-IV.

    Returns
    -------
    str
        The flattened summary key, e.g. ``reporting_on_time_by_grade_follow_up_3_share``.
    """
    return f"reporting_on_time_by_grade_{kind}_{grade}_share"


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
    limit, follow-ups dropped when their event ended before their limit, and
    reports whose limit falls after the end of the run while still unsent are
    left out of the shares (a follow-up dropped after its limit had passed is
    late, and counted).

    Returns
    -------
    dict
        ``reports``, ``late`` and ``missed`` counts; ``on_time`` per kind,
        ``on_time_by_grade`` per kind and grade (``"1"`` .. ``"4"``) and
        ``first_on_time`` (phone and written first reports together) per grade,
        each ``{n, share, low, high}``; ``minutes`` (median minutes from the trigger
        to sending) per kind; ``video`` (``share`` within the target with its
        interval, ``median`` minutes after the call, and ``by_grade``).
    """
    rep, scene, inc = records.reports, records.scene, records.incidents
    assert rep is not None and scene is not None
    end = records.end
    counted = (
        (~rep["missed"] | rep["late"])
        & ~np.isnan(rep["due"])
        & (~np.isnan(rep["sent"]) | (rep["due"] <= end))
    )
    on_time = counted & ~rep["late"]
    out: dict[str, Any] = {
        "reports": int(len(rep["kind"])),
        "late": int(rep["late"].sum()),
        "missed": int(rep["missed"].sum()),
        "on_time": {},
        "on_time_by_grade": {},
        "first_on_time": {},
        "minutes": {},
    }
    grade = inc["grade"][rep["incident"]] if len(rep["incident"]) else np.zeros(0, int)
    for kind in KINDS:
        sel = counted & (rep["kind"] == kind)
        out["on_time"][kind] = _share(on_time[sel])
        out["on_time_by_grade"][kind] = {
            str(g): _share(on_time[sel & (grade == g)]) for g in GRADES
        }
        done = (rep["kind"] == kind) & ~np.isnan(rep["sent"])
        took = rep["sent"][done] - rep["trigger"][done]
        out["minutes"][kind] = _num(np.median(took)) if took.size else None
    first = counted & np.isin(rep["kind"], ("phone_first", "written_first"))
    for g in GRADES:
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


#: Fewer reports than this (all replications together) behind a share: it is marked.
FEW_REPORTS = 10


def on_time_by_grade_lines(across: Mapping[str, Mapping[str, float]]) -> list[str]:
    """The on-time shares by kind of report and incident grade, as lines of a run's summary.

    Parameters
    ----------
    across
        Metric -> ``{"mean", ...}`` over replications
        (:func:`experiments.outputs.across_replications`).

    Returns
    -------
    list of str
        A heading, a row of grades and one row per kind of report with a
        share in some grade (mean over replications, ``-`` where no report of
        that grade had a limit; ``*`` marks a share of fewer than
        :data:`FEW_REPORTS` reports in all, explained under the rows); no lines
        without such shares.
    """
    few = False

    def cell(kind: str, g: int) -> str:
        nonlocal few
        key = by_grade_key(kind, g)
        v = across.get(key, {}).get("mean")
        if v is None or not math.isfinite(v):
            return "-"
        # Reports counted in all replications together: a share of a handful is marked.
        per_run = across.get(key.removesuffix("_share") + "_n", {})
        total = float(per_run.get("mean", math.nan)) * float(per_run.get("n", 0))
        if math.isfinite(total) and total < FEW_REPORTS:
            few = True
            return f"{100 * v:.1f}%*"
        return f"{100 * v:.1f}%"

    rows = []
    for kind in KINDS:
        cells = [cell(kind, g) for g in GRADES]
        if any(c != "-" for c in cells):
            rows.append((_(KIND_LABELS[kind]), cells))
    if not rows:
        return []
    from scenarios.stream import GRADE_NAMES

    labels = ["  " + _("incident grade"), *("  " + label for label, _c in rows)]
    first = max([24, *(width(label) + 2 for label in labels)])
    # ASCII numerals in both languages: Ⅰ-Ⅳ are of ambiguous width, two columns in a
    # Chinese terminal, and would push the head out of line with the cells.
    head = pad(labels[0], first) + "".join(pad(GRADE_NAMES[g], 9, ">") for g in GRADES)
    lines = [_("reports on time by incident grade (mean over replications):"), head]
    lines += [
        pad(label, first) + "".join(pad(c, 9, ">") for c in cells)
        for label, (_l, cells) in zip(labels[1:], rows, strict=True)
    ]
    if few:
        lines.append(
            "  "
            + _("* fewer than {n} reports in all replications together: read with care").format(
                n=FEW_REPORTS
            )
        )
    return lines
