"""The page data of the interactive map of a siting result (see :mod:`experiments.webmap`).

Layers: roads by class; the bands of the travel standard from the proposed
sites and the other tiers (half the standard, the standard, one and a half
times it); the demand points coloured by minutes to the nearest proposed site
(or other-tier site), thinned to the slowest point per grid cell beyond
``max_points``; the candidate sites; the other tiers' sites; the current sites
that close; the proposed sites by status with a popup each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments import webmap_layers as wl
from experiments.metric_units import share_text
from networks.i18n import _


def _weight(w: float) -> str:
    """A demand weight as people read it: relative weights to 3 digits, counts whole."""
    w = float(w)
    return f"{w:,.0f}" if abs(w) >= 100 else f"{w:.3g}"


def _thinned_note(kind: str, cell: float, shown: int, total: int) -> list[str]:
    if not cell:
        return []
    text = _("{what} thinned to a {cell} m grid (the slowest point of each cell): "
             "{shown} of {total} drawn")  # fmt: skip
    return [text.format(what=kind, cell=f"{cell:g}", shown=f"{shown:,}", total=f"{total:,}")]


def site_map_data(
    result: Any,
    proposed: Any,
    *,
    osm: bool = False,
    max_segments: int = wl.MAX_SEGMENTS,
    max_points: int = wl.MAX_POINTS,
) -> dict[str, Any]:
    """The page data of a solved siting task.

    Parameters
    ----------
    result
        The :class:`experiments.siting.plan.SitingResult`.
    proposed
        The region with the proposed facilities.
    osm
        Whether the roads come from OpenStreetMap (credited on the page).
    max_segments, max_points
        Most road segments and demand points drawn.

    Returns
    -------
    dict
        JSON-ready data of :func:`experiments.webmap.render_page`.
    """
    from experiments.metric_units import unit_text
    from experiments.siting.outputs import site_names_zh, site_table
    from experiments.siting.plan import nearest_minutes
    from experiments.siting.plots import LAYER_NAMES
    from experiments.siting.task import facilities_text, model_text, task_label
    from experiments.webmap import STATUS_STYLE, page_common
    from networks.names import facility_label

    prob = result.problem
    net, task, budget = prob.network, prob.task, prob.budget_min
    origin, extent = wl.frame(net)
    roads, roads_data, notes = wl.road_data(net, origin, max_segments)
    open_sites = np.union1d(result.selected, prob.background)
    top = 3 * budget
    minutes = nearest_minutes(net, open_sites)[prob.demand_nodes]
    rows, cell = wl.thin_points(
        *wl.node_xy(net, prob.demand_nodes, origin).T, minutes, max_points=max_points
    )
    notes += _thinned_note(_("demand points"), cell, rows.size, prob.demand_nodes.size)
    xy = wl.node_xy(net, prob.demand_nodes[rows], origin)
    fill = wl.colours(minutes[rows], top)
    minute = unit_text("min")  # the hover title of a point, in the language in use
    demand = [
        {"x": int(x), "y": int(y), "c": c, "v": round(float(m), 3) if np.isfinite(m) else None,
         "name": f"{m:.1f} {minute}" if np.isfinite(m) else "-",
         "popup": [[_("demand"), _weight(w)],
                   [_("minutes to the nearest proposed site"),
                    f"{m:.1f}" if np.isfinite(m) else _("unreachable")]]}
        for (x, y), c, m, w in zip(xy, fill, minutes[rows], prob.weights[rows], strict=True)
    ]  # fmt: skip
    cand = prob.candidate_sites  # the count printed and stored; other tiers have their layer
    kept, cand_cell = wl.thin_points(
        *wl.node_xy(net, cand, origin).T, np.zeros(cand.size), max_points=max_points
    )
    notes += _thinned_note(_("candidate sites"), cand_cell, kept.size, cand.size)
    table = site_table(result, proposed)
    # sites.csv keeps the record names; people read them in the language in use.
    names_zh = site_names_zh(result, proposed)  # closed and merged sites too
    shown = [facility_label(str(n), names_zh) for n in table["name"]]
    statuses = ("kept", "fixed", "new", "closed", "merged")

    def sites(wanted: tuple[str, ...]) -> dict[str, Any]:
        present = set(table["status"])
        groups = [s for s in statuses if s in wanted and s in present]
        points = []
        for i, node in enumerate(table["node"]):
            st = table["status"][i]
            if st not in wanted:
                continue
            ((x, y),) = wl.node_xy(net, np.array([node]), origin)
            points.append(
                {"x": int(x), "y": int(y), "g": groups.index(st), "name": shown[i],
                 "node": int(node), "status": st,
                 "popup": [[_("name"), shown[i]], [_("status"), _(LAYER_NAMES[st])],
                           [_("demand served"), _weight(table["demand_served"][i])],
                           [_("of it within {minutes} min").format(minutes=f"{budget:g}"),
                            _weight(table["demand_within_standard"][i])]]}
            )  # fmt: skip
        return {
            "groups": [{"label": _(LAYER_NAMES[s]), "colour": STATUS_STYLE[s][0],
                        "hollow": STATUS_STYLE[s][1]} for s in groups],
            "points": points,
        }  # fmt: skip

    # The other tiers' sites by name (贵溪市应急救援站), not only as "other tiers".
    other = _(LAYER_NAMES["other tiers"])
    pool = proposed.stations if task.facility == "stations" else proposed.depots
    by_node: dict[int, list[str]] = {}
    for f in pool:
        if f.tier != task.tier:
            by_node.setdefault(int(f.node), []).append(facility_label(f.name, proposed.names_zh))
    others = {n: " / ".join(dict.fromkeys(names)) for n, names in by_node.items()}
    what = facilities_text(task.facility, task.tier)
    bands = (budget / 2, budget, 1.5 * budget)
    nearest = _("travel time from the nearest proposed site")
    layers = [
        wl.bands_layer(roads, net, open_sites, bands, nearest),
        {"id": "demand", "type": "points", "label": _("demand points"), "on": True,
         "shape": "circle", "size": 2.5, "groups": [{"label": None}], "points": demand,
         "scale": {"title": _("travel to the nearest proposed site (min)"), "max": top,
                   "stops": wl.colour_scale(), "none": _("unreachable"),
                   "none_colour": wl.NONE_COLOUR}},
        {"id": "candidates", "type": "points", "label": _("candidate sites"), "on": True,
         "shape": "circle", "size": 3.5,
         "groups": [{"label": None, "colour": "#555555", "hollow": True}],
         "points": [{"x": int(x), "y": int(y), "name": _("candidate site")}
                    for x, y in wl.node_xy(net, cand[kept], origin)]},
        {"id": "other_tiers", "type": "points", "label": _(LAYER_NAMES["other tiers"]),
         "on": True, "shape": "square", "size": 4.5,
         "groups": [{"label": None, "colour": "#555555"}],
         "points": [{"x": int(x), "y": int(y), "name": others.get(int(node), other)}
                    for (x, y), node in zip(wl.node_xy(net, prob.background, origin),
                                            prob.background, strict=True)]},
        {"id": "current", "type": "points", "label": _("current sites that close"), "on": True,
         "shape": "triangle", "size": 8, **sites(("closed", "merged"))},
        {"id": "proposed", "type": "points", "label": _("proposed sites"), "on": True,
         "shape": "star", "size": 10, **sites(("kept", "fixed", "new"))},
    ]  # fmt: skip
    b, a = result.before, result.after
    return {
        "kind": "site",
        "title": _("{task}: interactive map of a siting").format(task=task_label(task)),
        "subtitle": _(
            "{model} on the {facilities}: {after} of demand within {minutes} min of travel "
            "(now {before})"
        ).format(
            model=model_text(task.model), facilities=what, minutes=f"{budget:g}",
            after=share_text(a["covered_share"]), before=share_text(b["covered_share"]),
        ),  # fmt: skip
        "notes": notes,
        "time": None,
        **page_common(net, extent, roads_data, osm),
        "layers": [{"id": "roads", "type": "roads", "label": _("roads by class"), "on": True},
                   *layers],
    }  # fmt: skip
