"""Figures of one run: response-time histograms, an incident map, team utilisation.

Each function returns a matplotlib figure and never shows or saves it
(save with ``experiments.figures.save_figure``). matplotlib is imported lazily.
Every axis names its unit; a figure of one replication says which in its title
(``replication``); long tails are clipped with a note, or drawn on a log axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from networks.i18n import N_, _
from networks.names import facility_label
from networks.plot import colour_bar, fitted_norm
from networks.roadnet import RoadNetwork
from sim.records import RunRecords
from sim.summary import interval, target_checks, utilisation
from sim.targets import ResponseTargets

_LABELS = {
    "call_taking": N_("call -> call taken"),
    "arrival": N_("call taken -> first arrival"),
    "control": N_("first arrival -> under control"),
    "response": N_("call -> first arrival"),
}


def with_replication(title: str, replication: int | None) -> str:
    """A figure title that says which replication it shows (unchanged if ``None``)."""
    if replication is None:
        return title
    return _("{title} (replication {replication})").format(title=title, replication=replication)


def _histogram(
    ax: Any,
    x: np.ndarray,
    *,
    limit: float | None,
    bins: int,
    quantile: float,
    log_tail: float,
) -> None:
    """Histogram of ``x`` minutes whose axis a long tail does not squash.

    A tail reaching past ``log_tail`` times the median (or the target) goes on a
    log axis with every value shown; otherwise the axis ends at the ``quantile``
    (or twice the target) and a note counts the values beyond.
    """
    if x.size == 0:
        ax.text(0.5, 0.5, _("no incidents"), transform=ax.transAxes, ha="center", va="center")
        ax.set_xlabel(_("minutes"))
        return
    q = float(np.quantile(x, quantile))
    positive = x[x > 0]
    if positive.size and q > log_tail * max(float(np.median(x)), limit or 0.0):
        lo, hi = float(positive.min()), float(x.max())
        edges = np.geomspace(lo, max(hi, lo * 1.01), bins + 1)
        ax.hist(np.clip(x, lo, None), bins=edges, color="#4c72b0", alpha=0.85)
        ax.set_xscale("log")
        ax.set_xlabel(_("minutes (log scale)"))
        return
    top = max(q, 2.0 * (limit or 0.0), 1e-9)
    shown = x[x <= top]
    ax.hist(shown, bins=bins, range=(0.0, top), color="#4c72b0", alpha=0.85)
    ax.set_xlim(0.0, top)
    hidden = int(x.size - shown.size)
    if not hidden:
        ax.set_xlabel(_("minutes"))
        return
    if top == q:
        note = _("axis ends at the {pct}th percentile, {top} min; {n} longer not shown")
    else:
        note = _("axis ends at {top} min; {n} longer not shown")
    # Under the axis, where it hides no bar.
    note = note.format(pct=f"{100 * quantile:g}", top=f"{top:.3g}", n=hidden)
    ax.set_xlabel(_("minutes") + "\n" + note, fontsize=8)


def plot_response_times(
    records: RunRecords,
    *,
    targets: ResponseTargets | None = None,
    intervals: Sequence[str] = ("call_taking", "arrival", "control"),
    axes: Sequence[Any] | None = None,
    bins: int = 40,
    replication: int | None = None,
    quantile: float = 0.99,
    log_tail: float = 10.0,
) -> Any:
    """Histograms of the standard's intervals, each with its target as a line.

    Queued calls give long tails that would squash the bulk of the times. A
    panel whose ``quantile`` exceeds ``log_tail`` times the larger of the median
    and the target is drawn on a log axis (every value shown); any other ends
    at the ``quantile`` (or twice the target) and says how many longer values
    it leaves out. The share within the target is the summary's compliance
    (:func:`sim.summary.target_checks`): over every incident counted, one that no
    team reached (no value to draw) a miss.

    Parameters
    ----------
    records
        A run's records.
    targets
        The standard; 1 / 10 / 15 minutes if ``None``.
    intervals
        Which intervals to draw, one panel each.
    axes
        One axes per interval; a new figure with a row of panels if ``None``.
    bins
        Histogram bins.
    replication
        The replication the records are from, named in the title.
    quantile
        Where a linear axis ends.
    log_tail
        How long a tail (as a multiple of the median or target) asks for a log axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    targets = targets or ResponseTargets()
    made_here = axes is None
    if axes is None:
        fig, made = plt.subplots(
            1, len(intervals), figsize=(4.2 * len(intervals), 3.6), layout="constrained"
        )
        axes = list(np.atleast_1d(made))
    if len(axes) != len(intervals):
        raise ValueError("give one axes per interval")
    fig = axes[0].figure
    limits = targets.to_dict()
    checks = target_checks(records, targets)
    for ax, name in zip(axes, intervals, strict=True):
        x = interval(records, name, targets)
        x = x[np.isfinite(x)]
        limit = limits.get(name)
        _histogram(ax, x, limit=limit, bins=bins, quantile=quantile, log_tail=log_tail)
        if limit is not None:
            # The summary's share: over every incident it counts, one no team reached
            # (no bar in the histogram) a miss, a grade's own control target where set.
            met, counted, _x = checks[name]
            share = float(np.mean(met[counted])) if counted.any() else float("nan")
            label = _("{limit} min: {share}").format(limit=f"{limit:g}", share=f"{share:.0%}")
            ax.axvline(limit, color="#c0392b", lw=1.5, ls="--", label=label)
            ax.legend(fontsize=8, loc="upper right")
        title = _(_LABELS[name]) if name in _LABELS else name
        if name == "control" and targets.control_reading == "after_call":
            title = _("call -> first team at work on scene")
        ax.set_title(title if made_here else with_replication(title, replication), fontsize=10)
        ax.set_ylabel(_("incidents"))
    if made_here:
        fig.suptitle(with_replication(_("Intervals of the response standard"), replication))
    return fig


def plot_incident_map(
    network: RoadNetwork,
    records: RunRecords,
    *,
    ax: Any = None,
    max_minutes: float | None = None,
    title: str | None = None,
    replication: int | None = None,
    names_zh: Mapping[str, str] | None = None,
) -> Any:
    """Incidents on the road map, coloured by minutes from call taken to first arrival.

    Stations are drawn as triangles with their names; unserved incidents as red
    crosses. The legend counts incidents (one dot per incident, several may
    share a node). The colours span the 2nd to 98th percentile of the times
    (a logarithmic scale for a long tail); the arrival target is marked on the
    colour bar.

    Parameters
    ----------
    network
        The network the run used.
    records
        The run's records.
    ax
        Axes to draw on; a new figure if ``None``.
    max_minutes
        A fixed top of the colour scale (from 0); fitted to the data if ``None``.
    title
        Axes title.
    replication
        The replication the records are from, named in the title.
    names_zh
        Chinese names of stations (:attr:`experiments.region.Region.names_zh`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    from networks.plot import place_legend, plot_network

    st = records.stations
    names = [
        (int(node), facility_label(str(name), names_zh))
        for name, node in zip(st["name"], st["node"], strict=True)
    ]
    fig = plot_network(
        network,
        ax=ax,
        layers={_("stations"): st["node"]},
        layer_styles={_("stations"): {"c": "k", "s": 70}},
        title=with_replication(
            title if title is not None else _("Incidents by arrival time"), replication
        ),
        labels=names,
    )
    ax = fig.axes[0] if ax is None else ax
    inc = records.incidents
    nx, ny = network.nodes.x[inc["node"]], network.nodes.y[inc["node"]]
    t = inc["first_arrival"] - inc["call_taken"]
    ok = np.isfinite(t)
    norm = Normalize(0.0, max_minutes) if max_minutes else fitted_norm(t[ok], log_tail=10.0)
    # A thin dark rim: the slowest incidents are plasma yellow, as the primary roads they
    # sit on in a city centre are, and would vanish there without it.
    sc = ax.scatter(
        nx[ok], ny[ok], c=t[ok], s=8, cmap="plasma", norm=norm, zorder=5, alpha=0.85,
        edgecolors="k", linewidths=0.35,
        label=_("incidents reached ({n})").format(n=int(ok.sum())),
    )  # fmt: skip
    bar = colour_bar(sc, t[ok], ax=ax, label=_("call taken -> first arrival (min)"))
    target = (records.meta.get("targets") or {}).get("arrival")
    if target is not None and norm.vmin <= target <= norm.vmax:
        bar.ax.axhline(target, color="k", lw=1.5)
    handles = list(ax.get_legend().legend_handles) + [sc]
    bad = ~inc["served"] & (inc["reason"] != "after_horizon")
    if bad.any():
        ax.scatter(nx[bad], ny[bad], marker="x", c="#d00000", s=18, zorder=6)
        handles.append(
            Line2D([], [], marker="x", ls="", color="#d00000",
                   label=_("unserved ({n})").format(n=int(bad.sum())))
        )  # fmt: skip
    # The corner hiding no station, and as few incidents as can be.
    place_legend(ax, (network.nodes.x[st["node"]], network.nodes.y[st["node"]]), (nx, ny),
                 handles=handles, fontsize=7, framealpha=0.85)  # fmt: skip
    return fig


def plot_utilisation(
    records: RunRecords,
    *,
    ax: Any = None,
    names_zh: Mapping[str, str] | None = None,
    replication: int | None = None,
) -> Any:
    """Team utilisation by station in %, busiest first (committed, and away including returns).

    Horizontal bars so every name reads; the scale fits the busiest station
    (not 0-100 %, where a week of a few percent would show nothing), and each
    bar carries its share. A station with no time on duty (a reinforcement
    that never arrived) shows a dash.

    Parameters
    ----------
    records
        A run's records.
    ax
        Axes to draw on; a new figure if ``None``.
    names_zh
        Chinese names of stations (:attr:`experiments.config.Region.names_zh`),
        shown in Chinese instead of the ``name``.
    replication
        The replication the records are from, named in the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    use = utilisation(records)
    # Busiest first; stations without time on duty last.
    names = sorted(use, key=lambda n: -(use[n]["committed"] or -1.0))
    committed = np.array([100.0 * (use[n]["committed"] or 0.0) for n in names])
    away = np.array([100.0 * (use[n]["away"] or 0.0) for n in names])
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, max(2.5, 0.32 * len(names) + 1.2)))
    else:
        fig = ax.figure
    pos = np.arange(len(names))
    ax.barh(pos, away, color="#a6bddb", label=_("away (incl. return)"))
    ax.barh(pos, committed, color="#2b8cbe", label=_("committed to incidents"))
    ax.set_yticks(pos, [facility_label(n, names_zh) for n in names], fontsize=8)
    ax.invert_yaxis()  # busiest at the top
    top = float(away.max(initial=0.0))
    ax.set_xlim(0.0, min(100.0, max(1.0, 1.2 * top)))
    for k, n in enumerate(names):
        text = "-" if use[n]["committed"] is None else f"{committed[k]:.1f}%"
        ax.text(max(away[k], committed[k]), k, " " + text, va="center", fontsize=7)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}%")
    ax.set_xlabel(_("share of team time (%)"))
    ax.set_title(with_replication(_("Team utilisation by station"), replication))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig
