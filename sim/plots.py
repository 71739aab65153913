"""Figures of one run: response-time histograms, an incident map, team utilisation.

Each function returns a matplotlib figure and never shows or saves it
(save with ``experiments.figures.save_figure``). matplotlib is imported lazily.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from networks.i18n import N_, _
from networks.names import facility_label
from networks.roadnet import RoadNetwork
from sim.records import RunRecords
from sim.summary import interval, utilisation
from sim.targets import ResponseTargets

_LABELS = {
    "call_taking": N_("call -> call taken"),
    "arrival": N_("call taken -> first arrival"),
    "control": N_("first arrival -> under control"),
    "response": N_("call -> first arrival"),
}


def plot_response_times(
    records: RunRecords,
    *,
    targets: ResponseTargets | None = None,
    intervals: Sequence[str] = ("call_taking", "arrival", "control"),
    axes: Sequence[Any] | None = None,
    bins: int = 40,
) -> Any:
    """Histograms of the standard's intervals, each with its target as a line.

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
        Histogram bins (the last one also holds values beyond the 99th percentile).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    targets = targets or ResponseTargets()
    if axes is None:
        fig, made = plt.subplots(1, len(intervals), figsize=(4.2 * len(intervals), 3.4))
        axes = list(np.atleast_1d(made))
    if len(axes) != len(intervals):
        raise ValueError("give one axes per interval")
    fig = axes[0].figure
    limits = targets.to_dict()
    for ax, name in zip(axes, intervals, strict=True):
        x = interval(records, name, targets)
        x = x[np.isfinite(x)]
        limit = limits.get(name)
        # Long tails (queued calls) would squash the bulk: the axis stops at the 99th
        # percentile (or twice the target) and the last bar holds everything beyond.
        top = max(float(np.percentile(x, 99)) if x.size else 1.0, 2.0 * (limit or 0.0), 1e-9)
        ax.hist(np.minimum(x, top), bins=bins, range=(0.0, top), color="#4c72b0", alpha=0.85)
        if limit is not None:
            share = float(np.mean(x <= limit)) if x.size else float("nan")
            label = _("{limit} min: {share}").format(limit=f"{limit:g}", share=f"{share:.0%}")
            ax.axvline(limit, color="#c0392b", lw=1.5, ls="--", label=label)
            ax.legend(fontsize=8)
        title = _(_LABELS[name]) if name in _LABELS else name
        if name == "control" and targets.control_reading == "after_call":
            title = _("call -> first team at work on scene")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(_("minutes"))
        ax.set_ylabel(_("incidents"))
    return fig


def plot_incident_map(
    network: RoadNetwork,
    records: RunRecords,
    *,
    ax: Any = None,
    max_minutes: float = 30.0,
    title: str | None = None,
) -> Any:
    """Incidents on the road map, coloured by minutes from call taken to first arrival.

    Stations are drawn as triangles; unserved incidents as red crosses.

    Parameters
    ----------
    network
        The network the run used.
    records
        The run's records.
    ax
        Axes to draw on; a new figure if ``None``.
    max_minutes
        Top of the colour scale.
    title
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from networks.plot import plot_network

    fig = plot_network(
        network,
        ax=ax,
        layers={_("stations"): records.stations["node"]},
        layer_styles={_("stations"): {"c": "k", "s": 70}},
        title=title if title is not None else _("Incidents by arrival time"),
    )
    ax = fig.axes[0] if ax is None else ax
    inc = records.incidents
    nx, ny = network.nodes.x[inc["node"]], network.nodes.y[inc["node"]]
    t = inc["first_arrival"] - inc["call_taken"]
    ok = np.isfinite(t)
    sc = ax.scatter(
        nx[ok], ny[ok], c=np.minimum(t[ok], max_minutes), s=6, cmap="plasma", vmin=0,
        vmax=max_minutes, zorder=5, alpha=0.8,
    )  # fmt: skip
    fig.colorbar(sc, ax=ax, shrink=0.7, label=_("call taken -> first arrival (min)"))
    bad = ~inc["served"] & (inc["reason"] != "after_horizon")
    if bad.any():
        ax.scatter(nx[bad], ny[bad], marker="x", c="#d00000", s=18, zorder=6, label=_("unserved"))
    return fig


def plot_utilisation(
    records: RunRecords, *, ax: Any = None, names_zh: Mapping[str, str] | None = None
) -> Any:
    """Bar chart of team utilisation by station (committed, and away including returns).

    Parameters
    ----------
    records
        A run's records.
    ax
        Axes to draw on; a new figure if ``None``.
    names_zh
        Chinese names of stations (:attr:`experiments.config.Region.names_zh`),
        shown in Chinese instead of the ``name``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    use = utilisation(records)
    names = list(use)
    committed = [use[n]["committed"] or 0.0 for n in names]
    away = [use[n]["away"] or 0.0 for n in names]
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(5.0, 0.5 * len(names) + 2), 3.6))
    else:
        fig = ax.figure
    pos = np.arange(len(names))
    ax.bar(pos, away, color="#a6bddb", label=_("away (incl. return)"))
    ax.bar(pos, committed, color="#2b8cbe", label=_("committed to incidents"))
    ax.set_xticks(
        pos, [facility_label(n, names_zh) for n in names], rotation=60, ha="right", fontsize=8
    )
    ax.set_ylabel(_("share of team time"))
    ax.set_ylim(0, max(1.0, max(away, default=0.0)))
    ax.set_title(_("Team utilisation by station"))
    ax.legend(fontsize=8)
    return fig
