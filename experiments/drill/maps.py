"""The evaluators' map: the scene, the nearest stations and depots, any road the script closes."""

from __future__ import annotations

from typing import Any

import numpy as np

from networks.i18n import _
from networks.names import facility_label
from networks.plot import plot_network
from networks.roadnet import RoadNetwork
from scenarios.drill import texts
from scenarios.drill.script import DrillScript


def plot_drill_map(script: DrillScript, network: RoadNetwork, *, ax: Any = None) -> Any:
    """Draw the scene with the facilities of the benchmark timeline.

    Parameters
    ----------
    script
        A drill script with a benchmark timeline.
    network
        Its road network.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure

    Title and legend are in the language in use.
    """
    sc = script.scene
    region = script.region
    stations = {n for _name, n in region.get("stations", [])}
    depots = {n for _name, n in region.get("depots", [])}
    used = {n for r in script.evaluation.get("benchmark", []) for n in r["nodes"]}
    closed = [e for i in script.injects if i.kind == "road_closed" for e in i.truth["edges"]]
    secondary = [int(i.truth["node"]) for i in script.injects if i.kind == "cascade"]
    state = network.with_closed(closed) if closed else network
    other, depots_b, stations_b = (
        _("other stations"),
        _("depots (benchmark)"),
        _("stations (benchmark)"),
    )
    second, scene = _("secondary scene"), _("scene")
    layers = {
        other: sorted(stations - used),
        depots_b: sorted(depots & used),
        stations_b: sorted(stations & used),
        second: secondary,
        scene: [sc.node],
    }
    styles = {
        scene: {"marker": "*", "s": 320, "c": "red", "edgecolors": "black", "zorder": 6},
        second: {
            "marker": "*",
            "s": 160,
            "c": "orange",
            "edgecolors": "black",
            "zorder": 6,
        },
        stations_b: {"marker": "^", "s": 90, "c": "blue", "zorder": 5},
        depots_b: {"marker": "s", "s": 140, "c": "green", "zorder": 5},
        other: {"marker": "^", "s": 30, "c": "lightsteelblue", "zorder": 4},
    }
    fig = plot_network(
        state,
        ax=ax,
        layers={k: v for k, v in layers.items() if v},
        layer_styles=styles,
        labels=[  # every station; of the many depots, those the benchmark uses
            (int(n), facility_label(str(name)))
            for name, n in [
                *region.get("stations", []),
                *(d for d in region.get("depots", []) if d[1] in used),
            ]
        ],
        title=_("EXERCISE {exercise}: {hazard}, {place}").format(
            exercise=script.exercise_id,
            hazard=texts.text(sc, "hazard_name"),
            place=texts.text(sc, "place"),
        ),
    )
    axes = fig.axes[0] if ax is None else ax
    first = next(
        (
            r
            for r in script.evaluation.get("benchmark", [])
            if r["event"] == "First team on scene" and r["nodes"]
        ),
        None,
    )
    if first is not None:
        path = state.route(first["nodes"][0], sc.node)
        if path:
            axes.plot(
                network.nodes.x[path],
                network.nodes.y[path],
                color="blue",
                lw=2.5,
                alpha=0.6,
                zorder=3,
                label=_("first team's route"),
            )
    focus = np.array(sorted(used | {sc.node} | set(secondary)))
    x, y = network.nodes.x[focus], network.nodes.y[focus]
    pad = max(1000.0, 0.15 * max(np.ptp(x), np.ptp(y)))
    legend = axes.get_legend()
    if legend is not None:  # beside the map, so it never hides the scene
        legend.set_loc("upper left")
        legend.set_bbox_to_anchor((1.02, 1.0))
    axes.set_xlim(x.min() - pad, x.max() + pad)
    axes.set_ylim(y.min() - pad, y.max() + pad)
    return fig
