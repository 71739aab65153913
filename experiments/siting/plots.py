"""Pictures of a siting: before/after coverage maps and the simulated difference.

Titles, legends and axis labels are in the language in use (:mod:`networks.i18n`);
every axis names its unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from experiments.analysis import metric_text
from experiments.metric_units import clip_to_unit, metric_unit, share_text, unit_text
from experiments.siting.evaluate import Evaluation, verdict_text
from experiments.siting.plan import SitingResult, nearest_minutes
from experiments.siting.task import facilities_text, model_text, task_label
from networks.geometry import edge_polylines, edge_runs
from networks.i18n import N_, _

#: Legend names of the site layers (the statuses of ``sites.csv``, which stay as they are).
LAYER_NAMES = {
    "other tiers": N_("other tiers"),
    "kept": N_("sites kept"),
    "closed": N_("sites closed"),
    "merged": N_("sites merged into another tier's"),
    "fixed": N_("sites fixed open"),
    "new": N_("new sites"),
}


def _isochrone(ax: Any, network: Any, minutes: np.ndarray, level: float, colour: str) -> Any:
    """Underlay the road links within ``level`` minutes of a site (the network isochrone).

    A contour drawn through a triangulation of the nodes would claim the fields
    between roads; on a road network the isochrone is the set of links one can
    drive within the time, so those are drawn, wide and translucent.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    x, y, e = network.nodes.x, network.nodes.y, network.edges
    inside = (minutes[e.u] <= level) & (minutes[e.v] <= level)
    ends = np.column_stack([x[e.u], y[e.u]]), np.column_stack([x[e.v], y[e.v]])
    # Straight chords, as before (the band is wide); a run of links is one translucent stroke.
    runs = edge_runs(edge_polylines(*ends, None), inside)
    ax.add_collection(LineCollection(runs, colors=colour, linewidths=5, alpha=0.25, zorder=0))
    return Line2D(
        [], [], color=colour, lw=5, alpha=0.4,
        label=_("within {minutes} min").format(minutes=f"{level:g}"),
    )  # fmt: skip


def site_labels(
    result: SitingResult,
    *,
    names: Mapping[int, str] | None = None,
    names_zh: Mapping[str, str] | None = None,
) -> dict[int, str]:
    """The name shown beside each current or selected site of a siting (node -> name).

    Parameters
    ----------
    result
        A solved siting task.
    names
        Site names by node (the ``name`` column of ``sites.csv``); where missing,
        the current facility's name or the one a ``fix`` table gives.
    names_zh
        Chinese names of facilities (:attr:`experiments.region.Region.names_zh`).

    Returns
    -------
    dict
        Node -> name as a person reads it; a site without a name is left out.
    """
    from networks.names import facility_label

    prob = result.problem
    known = {int(n): nm for n, nm in zip(prob.current, prob.current_names, strict=True)}
    known.update(prob.names)
    known.update({int(n): nm for n, nm in (names or {}).items()})
    out = {}
    for node in result.statuses():
        name = known.get(int(node))
        if name:
            # A proposed site is named after its place; the star already says it is new.
            out[int(node)] = facility_label(name.removesuffix(" (proposed)"), names_zh)
    return out


def plot_coverage_map(
    result: SitingResult,
    *,
    max_minutes: float | None = None,
    names: Mapping[int, str] | None = None,
    names_zh: Mapping[str, str] | None = None,
) -> Any:
    """Nodes coloured by minutes from the nearest site, current beside proposed.

    Each panel draws the roads, every node coloured by travel minutes from the
    nearest open site (the other tiers included), the isochrone of the travel
    standard, and the sites with the statuses of ``sites.csv``: kept (black
    triangles), fixed (blue crosses), new (red stars), closed (hollow
    triangles) and merged into another tier's site (large grey hollow
    triangles), each with its name. Both panels share one colour scale, fitted
    to the 2nd to 98th percentile of their minutes.

    Parameters
    ----------
    result
        A solved siting task.
    max_minutes
        A fixed top of the colour scale (from 0); fitted to the data if ``None``.
    names, names_zh
        Site names, see :func:`site_labels`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    from networks.fonts import use_cjk_fonts
    from networks.plot import colour_bar, fitted_norm, place_legend, plot_network

    use_cjk_fonts()
    prob = result.problem
    net, budget = prob.network, prob.budget_min
    fig, axes = plt.subplots(1, 2, figsize=(15, 7.5), layout="constrained")
    status = result.statuses()

    def having(*names: str) -> np.ndarray:
        return np.array([n for n, st in status.items() if st in names], dtype=np.int64)

    stayed = np.intersect1d(prob.current, result.selected)
    panels = (
        (_("current"), prob.current, result.before,
         {"kept": stayed, "closed": having("closed"), "merged": having("merged")}),
        (_("proposed"), result.selected, result.after,
         {"kept": having("kept"), "fixed": having("fixed"), "new": having("new")}),
    )  # fmt: skip
    styles = {
        "other tiers": {"marker": "s", "c": "#555555", "s": 45},
        "kept": {"marker": "^", "c": "k", "s": 80},
        "closed": {"marker": "^", "c": "none", "edgecolors": "k", "s": 80},
        "merged": {"marker": "^", "c": "none", "edgecolors": "#555555", "s": 130},
        "fixed": {"marker": "P", "c": "#1f5fa0", "s": 110},
        "new": {"marker": "*", "c": "#d00000", "s": 160},
    }
    sc = None
    # Layers are named in the language in use; their styles follow the names.
    styles = {_(LAYER_NAMES[k]): v for k, v in styles.items()}
    what = facilities_text(prob.task.facility, prob.task.tier)
    minutes_of = [nearest_minutes(net, np.union1d(p[1], prob.background)) for p in panels]
    pooled = np.concatenate(minutes_of)
    pooled = pooled[np.isfinite(pooled)]
    # One scale for both panels, so a colour means the same minutes in each.
    norm = Normalize(0.0, max_minutes) if max_minutes else fitted_norm(pooled)
    labels = site_labels(result, names=names, names_zh=names_zh)
    legends = []
    for ax, (label, sites, stats, layers), minutes in zip(axes, panels, minutes_of, strict=True):
        title = _("{siting}: {n} {facilities}, {share} of demand within {minutes} min").format(
            siting=label,
            n=stats["sites"],
            facilities=what,
            share=share_text(stats["covered_share"]),  # 99.98%, never a false 100.0%
            minutes=f"{budget:g}",
        )
        shown = {"other tiers": prob.background, **{k: v for k, v in layers.items() if v.size}}
        shown = {_(LAYER_NAMES[k]): v for k, v in shown.items()}
        mine = [(n, labels[n]) for n in map(int, sites) if n in labels]
        plot_network(net, ax=ax, layers=shown, layer_styles=styles, title=title, labels=mine)
        ok = np.isfinite(minutes)
        sc = ax.scatter(
            net.nodes.x[ok], net.nodes.y[ok], c=minutes[ok], s=5, cmap="viridis_r", norm=norm,
            zorder=3,
        )  # fmt: skip
        if (~ok).any():
            ax.scatter(net.nodes.x[~ok], net.nodes.y[~ok], s=8, c="#d00000", marker="x", zorder=3)
        handle = _isochrone(ax, net, minutes, budget, "#0050a0")
        drawn = np.concatenate([np.asarray(v, dtype=np.int64) for v in shown.values()])
        legends.append((ax, drawn, [*ax.get_legend().legend_handles, handle]))
    colour_bar(sc, pooled, ax=axes, label=_("travel from the nearest site (min)"))
    fig.suptitle(
        _("{task}: {model} siting, roads within {minutes} min of a site shaded blue").format(
            task=task_label(prob.task), model=model_text(prob.task.model), minutes=f"{budget:g}"
        )
    )
    # Placed last: the colour bar and the title move the panels (constrained layout).
    for ax, drawn, handles in legends:
        place_legend(ax, (net.nodes.x[drawn], net.nodes.y[drawn]),
                     handles=handles, fontsize=7, framealpha=0.85)  # fmt: skip
    return fig


def limit_axis(ax: Any, unit: str, *, difference: bool = False) -> None:
    """Keep a value axis within what a metric in ``unit`` can be (axis in the plotted scale).

    Autoscaling pads the data, so a delivery rate at 100 % would run the axis to
    104 % and a count of 0 to -0.04: a share stays in [0, 100] %, its difference
    in [-100, 100] points, and a count or minutes (any other unit) at or above
    0; a difference of those, or a metric of no known unit, as autoscaled. A
    marker on the edge is drawn whole (plot it with ``clip_on=False``).

    Parameters
    ----------
    ax
        The axes whose x axis holds the values.
    unit
        The metric's unit (:attr:`experiments.metric_units.MetricUnit.unit`).
    difference
        Whether the axis holds differences of two values.
    """
    if unit == "%":
        least, most = (-100.0 if difference else 0.0), 100.0
    elif unit and not difference:
        least, most = 0.0, np.inf
    else:
        return
    lo, hi = ax.get_xlim()
    lo, hi = max(lo, least), min(hi, most)
    if hi - lo <= 0:  # pragma: no cover - data lie within the bounds, so some range is left
        return
    ax.set_xlim(lo, hi)


def plot_evaluation(evaluation: Evaluation, *, title: str = "") -> Any:
    """Current vs proposed per metric, and the paired difference with its interval.

    Left: each metric's mean under both sitings with 95% intervals. Right: the
    paired difference (proposed - current) with its interval; an interval that
    misses zero is a difference the replications support. Interval ends are
    clipped to what the unit allows (a share to [0, 100] %, its difference to
    ±100 points), and so are the axes (:func:`limit_axis`: no 104 % delivery
    rate, no negative count); a metric measured in fewer pairs than the
    replications says ``(n=…)`` under its name.

    Parameters
    ----------
    evaluation
        The result of :func:`experiments.siting.evaluate.evaluate_siting`.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    t = evaluation.table()
    n = len(t["metric"])
    # One row per metric: shares and minutes do not belong on one axis.
    fig, axes = plt.subplots(n, 2, figsize=(11, 0.4 + 1.3 * n), squeeze=False, layout="constrained")
    colours = {"better": "#2a9d3a", "worse": "#d00000"}
    # Pairs per metric (a table without ``n``: every replication paired).
    n_pairs = t.get("n", [evaluation.replications] * n)
    fewer = [0 < pairs < evaluation.replications for pairs in n_pairs]
    for i, metric in enumerate(t["metric"]):
        left, right = axes[i]
        # Shares in percent, their differences in percentage points, as the table prints.
        unit = metric_unit(metric)
        # Interval ends within what the unit allows, then scaled for the axis.
        ends = {c: unit.scale * clip_to_unit(t[c][i], unit.unit, difference=c.startswith("diff"))
                for c in t if c.startswith(("current", "proposed", "diff"))}  # fmt: skip
        for k, (which, colour) in enumerate((("current", "#555555"), ("proposed", "#1f5fa0"))):
            m, lo, hi = (ends[c] for c in (which, f"{which}_low", f"{which}_high"))
            left.errorbar(
                [m], [k], xerr=np.nan_to_num([[m - lo], [hi - m]]), fmt="o", capsize=3,
                color=colour, clip_on=False,
            )  # fmt: skip
        left.set_yticks([0, 1], [_("current"), _("proposed")], fontsize="small")
        left.set_ylim(1.6, -0.6)
        label = metric_text(metric) + (f"\n(n={n_pairs[i]})" if fewer[i] else "")
        left.set_ylabel(label, rotation=0, ha="right", va="center", fontsize="small")
        d, lo, hi = (ends[c] for c in ("diff", "diff_low", "diff_high"))
        right.errorbar(
            [d], [0], xerr=np.nan_to_num([[d - lo], [hi - d]]), fmt="o", capsize=4,
            color=colours.get(t["verdict"][i], "#555555"), clip_on=False,
        )  # fmt: skip
        right.axvline(0.0, color="grey", linewidth=1)
        right.set_yticks([])
        right.yaxis.set_label_position("right")
        right.set_ylabel(
            verdict_text(t["verdict"][i]), rotation=0, ha="left", va="center", fontsize="small"
        )
        for ax, u in ((left, unit.unit), (right, unit.diff_unit)):
            limit_axis(ax, unit.unit, difference=ax is right)
            ax.grid(alpha=0.3, axis="x")
            ax.tick_params(axis="x", labelsize="small")
            ax.set_xlabel(unit_text(u), fontsize="x-small")
    means = (
        _("Mean over up to {n} replications (95% CI)")  # a row's (n=…): the pairs with data
        if any(fewer)
        else _("Mean over {n} replications (95% CI)")
    )
    axes[0, 0].set_title(means.format(n=evaluation.replications))
    axes[0, 1].set_title(_("Proposed - current, paired (95% CI)"))
    if title:
        fig.suptitle(title)
    return fig
