"""Figures of the reporting chain (信息报送, see :mod:`sim.reporting`).

Each function returns a matplotlib figure and never shows or saves it
(save with ``experiments.figures.save_figure``). matplotlib is imported lazily.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from networks.i18n import N_, _
from sim.records import RunRecords

#: The first reports drawn, in order, with their legend labels and colours.
FIRST_KINDS = (
    ("phone_first", N_("phone first report"), "#4c72b0"),
    ("written_first", N_("written first report"), "#dd8452"),
)
_GRADES = (1, 2, 3, 4)
_WIDTH = 0.34  # of a box, in grade units


def first_report_delays(records: RunRecords) -> dict[tuple[int, str], dict[str, Any]]:
    """Minutes after their limits that the first reports were sent, by grade and kind.

    A report counts as in :func:`sim.report_summary.reporting_summary`: one
    without a limit, or unsent with its limit after the end of the run, is
    left out; one unsent with its limit within the run is late.

    Parameters
    ----------
    records
        A run's records, with the reporting chain (``records.reports``).

    Returns
    -------
    dict
        ``(grade, kind) -> {"after": minutes sent after the limit (negative:
        before it) per report sent, "unsent": reports never sent, "n": reports
        counted, "on_time": share sent by the limit (nan without reports)}``
        for grades 1..4 and ``kind`` ``phone_first`` and ``written_first``.
    """
    rep = records.reports
    if rep is None:
        raise ValueError(_("the run has no reports: run it with a [reporting] table"))
    inc = records.incidents
    n = len(rep["kind"])
    grade = inc["grade"][rep["incident"]].astype(int) if n else np.zeros(0, dtype=int)
    due, sent = rep["due"], rep["sent"]
    counted = ~rep["missed"] & ~np.isnan(due) & (~np.isnan(sent) | (due <= records.end))
    on_time = counted & ~rep["late"]
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for g in _GRADES:
        for kind, _label, _colour in FIRST_KINDS:
            sel = counted & (rep["kind"] == kind) & (grade == g)
            done = sel & ~np.isnan(sent)
            k = int(sel.sum())
            out[(g, kind)] = {
                "after": sent[done] - due[done],
                "unsent": int(k - done.sum()),
                "n": k,
                "on_time": float(on_time[sel].mean()) if k else float("nan"),
            }
    return out


def plot_report_timeliness(
    records: RunRecords, *, ax: Any = None, replication: int | None = None
) -> Any:
    """Box plots of first reports against their limits, by incident grade.

    For each grade (I..IV along the x axis) one box per kind of first report
    (phone and written) shows the minutes each report was sent after its
    limit: below the dashed line at 0 it was on time (按时), above it late
    (迟报). All links of the chain are pooled (township to county, county to
    city, direct reports, ...), each against its own limit. Above each box
    stand the share sent on time and the number of reports, reports never
    sent counting as late; a grade without first reports says so.

    Parameters
    ----------
    records
        A run's records, with the reporting chain (``records.reports``).
    ax
        Axes to draw on; a new figure if ``None``.
    replication
        The replication the records are from, named in the title.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the run has no reports.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    from networks.fonts import use_cjk_fonts
    from scenarios.terms import grade_label
    from sim.plots import with_replication

    use_cjk_fonts()
    delays = first_report_delays(records)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 4.2))
    else:
        fig = ax.figure
    on_x = blended_transform_factory(ax.transData, ax.transAxes)  # x in data, y in axes
    offsets = np.linspace(-0.5, 0.5, len(FIRST_KINDS)) * (_WIDTH + 0.04)
    found: list[float] = []
    for g in _GRADES:
        if not any(delays[(g, kind)]["n"] for kind, _l, _c in FIRST_KINDS):
            ax.text(g, 0.5, _("no first reports"), transform=on_x, ha="center", va="center",
                    fontsize=8, color="0.45", rotation=90)  # fmt: skip
            continue
        for (kind, _label, colour), dx in zip(FIRST_KINDS, offsets, strict=True):
            d = delays[(g, kind)]
            x = g + dx
            if d["after"].size:
                box = ax.boxplot(
                    [d["after"]], positions=[x], widths=_WIDTH, patch_artist=True,
                    manage_ticks=False, flierprops={"markersize": 2.5, "alpha": 0.5},
                    medianprops={"color": "k"},
                )  # fmt: skip
                for patch in box["boxes"]:
                    patch.set_facecolor(colour)
                    patch.set_alpha(0.85)
                    patch.set_gid(f"grade-{g}-{kind}")
                found += d["after"].tolist()
            if d["n"]:
                text = f"{d['on_time']:.0%}\nn={d['n']}"
                if d["unsent"]:
                    text += "\n" + _("{k} unsent").format(k=d["unsent"])
                ax.text(x, 0.98, text, transform=on_x, ha="center", va="top", fontsize=7)
    # Room above the boxes for the shares; the late side shaded.
    lo, hi = (min(found), max(found)) if found else (-60.0, 60.0)
    lo, hi = min(lo, -1.0), max(hi, 1.0)
    span = hi - lo
    ax.set_ylim(lo - 0.05 * span, hi + 0.3 * span)
    ax.axhspan(0.0, hi + 0.3 * span, color="#c0392b", alpha=0.06, lw=0, zorder=0)
    ax.axhline(0.0, color="#c0392b", lw=1.3, ls="--", zorder=1)
    ax.set_xlim(0.4, 4.6)
    ax.set_xticks(list(_GRADES), [grade_label(g) for g in _GRADES], fontsize=8)
    ax.set_xlabel(_("incident grade"))
    ax.set_ylabel(_("minutes sent after the limit (negative: before it)"))
    ax.set_title(
        with_replication(_("First reports against their limits, by grade"), replication)
        + "\n"
        + _("above each box: share sent on time, and n reports"),
        fontsize=10,
    )
    handles = [
        *(Patch(facecolor=c, alpha=0.85, label=_(label)) for _k, label, c in FIRST_KINDS),
        Line2D([], [], color="#c0392b", lw=1.3, ls="--", label=_("reporting time limit")),
        Patch(facecolor="#c0392b", alpha=0.15, label=_("late (sent after the limit)")),
    ]
    ax.legend(handles=handles, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig
