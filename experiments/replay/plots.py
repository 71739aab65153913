"""Figures of a replay: QQ plots, histograms and a map of per-area differences.

Each function returns a matplotlib figure (save it with
:func:`experiments.figures.save_figure`); matplotlib is imported lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from experiments.replay.compare import INTERVALS, interval_label, pooled_samples
from networks.i18n import _


def _samples(
    observed: Mapping[str, Any], simulated: Mapping[str, Any], key: str
) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of one interval on the same incidents, as the tables compare them."""
    if key not in observed or key not in simulated:
        return np.zeros(0), np.zeros(0)
    return pooled_samples(observed[key], simulated[key])


def plot_qq(observed: Mapping[str, Any], simulated: Mapping[str, Any]) -> Any:
    """Observed against simulated quantiles (1st to 99th percentile) per interval.

    Points on the diagonal: the model reproduces the interval; above it, the
    model is slower than the log.

    Parameters
    ----------
    observed
        Interval key to observed minutes, one per incident.
    simulated
        Interval key to simulated minutes, one row per replication and one
        column per incident; pooled over the incidents the log knows
        (:func:`~experiments.replay.compare.pooled_samples`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    fig, axes = plt.subplots(1, len(INTERVALS), figsize=(4.2 * len(INTERVALS), 4.2))
    probs = np.linspace(0.01, 0.99, 99)
    for ax, key in zip(np.atleast_1d(axes), INTERVALS, strict=True):
        o, s = _samples(observed, simulated, key)
        ax.set_title(interval_label(key), fontsize=10)
        ax.set_xlabel(_("observed quantile (min)"))
        ax.set_ylabel(_("simulated quantile (min)"))
        if o.size < 2 or s.size < 2:
            ax.text(0.5, 0.5, _("not in the log"), transform=ax.transAxes, ha="center")
            continue
        qo, qs = np.quantile(o, probs), np.quantile(s, probs)
        ax.plot(qo, qs, "o", ms=3, color="tab:blue", label=_("1st to 99th percentile"))
        for p, mark in ((0.1, "P10"), (0.5, "P50"), (0.9, "P90")):
            k = int(round(p * 100)) - 1
            ax.annotate(
                mark, (qo[k], qs[k]), fontsize=7, xytext=(4, -8), textcoords="offset points"
            )
        top = float(max(qo[-1], qs[-1]))
        ax.plot([0, top], [0, top], "--", color="grey", lw=1, label=_("simulated = observed"))
        ax.set_xlim(0, top * 1.05)
        ax.set_ylim(0, top * 1.05)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(_("Replay: observed against simulated quantiles"), fontsize=11)
    fig.tight_layout()
    return fig


def plot_histograms(
    observed: Mapping[str, Any], simulated: Mapping[str, Any], *, clip: float = 0.99
) -> Any:
    """Observed and simulated distributions of each interval, as densities.

    Parameters
    ----------
    observed, simulated
        As for :func:`plot_qq` (the simulated side pooled over replications of
        the incidents the log knows).
    clip
        The axis ends at this quantile of both; a note counts what lies beyond.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    fig, axes = plt.subplots(1, len(INTERVALS), figsize=(4.2 * len(INTERVALS), 3.6))
    for ax, key in zip(np.atleast_1d(axes), INTERVALS, strict=True):
        o, s = _samples(observed, simulated, key)
        ax.set_title(interval_label(key), fontsize=10)
        ax.set_ylabel(_("share of incidents per minute"))
        if o.size < 2 or s.size < 2:
            ax.set_xlabel(_("minutes"))
            ax.text(0.5, 0.5, _("not in the log"), transform=ax.transAxes, ha="center")
            continue
        top = float(max(np.quantile(o, clip), np.quantile(s, clip)))
        bins = np.linspace(min(0.0, float(min(o.min(), s.min()))), top, 30)
        ax.hist(s, bins=bins, density=True, alpha=0.5, color="tab:orange",
                label=_("simulated (n = {n})").format(n=s.size))  # fmt: skip
        ax.hist(o, bins=bins, density=True, histtype="step", lw=1.5, color="black",
                label=_("observed (n = {n})").format(n=o.size))  # fmt: skip
        beyond = int((o > top).sum() + (s > top).sum())
        note = _("{n} values beyond {top:.0f} min not shown").format(n=beyond, top=top)
        ax.set_xlabel(_("minutes") + ("\n" + note if beyond else ""))
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_area_map(result: Any, region: Any) -> Any:
    """Incidents coloured by their area's median arrival difference (simulated - observed).

    Blue areas: the model is too fast; red: too slow. Stations are marked and named.

    Parameters
    ----------
    result
        A :class:`experiments.replay.simulate.ReplayResult`.
    region
        The region replayed (for node coordinates and station names).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    from networks.credit import draw_credit, network_credit
    from networks.fonts import use_cjk_fonts
    from networks.names import facility_label

    use_cjk_fonts()
    net = region.network
    diff = {r.area: r.difference for r in result.areas}
    values = np.array([diff.get(a, np.nan) for a in result.area], dtype=np.float64)
    x, y = net.nodes.x[result.nodes], net.nodes.y[result.nodes]
    fig, ax = plt.subplots(figsize=(7, 6.5))
    ax.scatter(net.nodes.x, net.nodes.y, s=0.3, color="#dddddd", zorder=0)
    known = np.isfinite(values)
    ax.scatter(x[~known], y[~known], s=6, color="#999999", label=_("too few incidents"))
    span = float(np.nanmax(np.abs(values))) if known.any() else 1.0
    span = max(span, 0.5)
    pts = ax.scatter(
        x[known], y[known], c=values[known], s=10, cmap="coolwarm",
        norm=TwoSlopeNorm(0.0, -span, span),
    )  # fmt: skip
    cb = fig.colorbar(pts, ax=ax, shrink=0.7)
    cb.set_label(_("median arrival, simulated - observed (min)"))
    names_zh = getattr(region, "names_zh", {})
    for s in region.stations:
        ax.plot(net.nodes.x[s.node], net.nodes.y[s.node], "k^", ms=6)
        ax.annotate(facility_label(s.name, names_zh), (net.nodes.x[s.node], net.nodes.y[s.node]),
                    fontsize=6, xytext=(3, 3), textcoords="offset points")  # fmt: skip
    ax.set_xlabel(_("x (m)"))
    ax.set_ylabel(_("y (m)"))
    ax.set_aspect("equal")
    ax.set_title(_("Where the model is too fast (blue) or too slow (red)"), fontsize=10)
    credit = network_credit(net)  # OpenStreetMap roads: their credit takes the lower right
    if credit:
        draw_credit(ax, credit)
    if (~known).any():
        ax.legend(fontsize=7, loc="lower left" if credit else "lower right")
    return fig
