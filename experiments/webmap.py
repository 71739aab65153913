"""The interactive map: one self-contained HTML file of a run or of a siting result.

The page holds its data as JSON and a small hand-written renderer
(``experiments/webmap.js``, SVG, no libraries) with its style sheet
(``webmap.css``), both inlined: it opens from disk and never touches the
network (no tiles, no fonts, no scripts from elsewhere).

A run's map shows one replication (0 by default, said on the page): roads by
class, the travel-time bands from the stations (isochrones, drawn as the road
segments whose both ends lie within 5, 10 or 15 minutes of free-flow driving
from the nearest station, turnout not included), the depots and stations, the
incidents coloured by minutes from call taken to first arrival with a popup
each, the road closures and slowdowns of that replication under a time
slider, and with ``[moveup]`` or ``[warnings]`` its team moves between stations
(an arrow per station pair and direction, :mod:`experiments.webmap_moves`).
A siting result's map shows the proposed sites with their statuses, the
current sites closed, the other tiers, the candidate sites, the demand points
coloured by minutes to the nearest proposed site, and the bands of the travel
standard. Layer data and the thinning that bounds the file size are in
:mod:`experiments.webmap_layers`.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from experiments import webmap_layers as wl
from experiments.store import atomic_write_text
from networks.credit import OSM_CREDIT, network_credit
from networks.i18n import _, both, get_language, tag
from networks.roadnet import RoadNetwork

#: Travel-time bands of a run's map, minutes.
RUN_BANDS = (5.0, 10.0, 15.0)
#: Top of the incidents' colour scale, minutes (as the static incident map).
MAX_MINUTES = 30.0
#: Fill colour of each tier's stations and depots.
TIER_COLOURS = {
    "provincial": "#6a3d9a", "city": "#b2182b", "county": "#e66101",
    "township": "#2166ac", "village": "#4dac26",
}  # fmt: skip
#: Colour and fill of each site status on a siting map.
STATUS_STYLE = {
    "kept": ("#000000", False), "fixed": ("#1f5fa0", False), "new": ("#d00000", False),
    "closed": ("#000000", True), "merged": ("#555555", True),
}  # fmt: skip


def osm_network(config: Any) -> bool:
    """Whether a run config's roads come from an OpenStreetMap file, by its suffix.

    The page's credit follows the network's recorded attribution
    (:func:`networks.credit.network_credit`), which also covers GraphML made
    from OpenStreetMap and osmnx files; this only forces it for such a file.
    """
    from networks.credit import is_osm_file

    file = getattr(config.network, "file", None)
    return file is not None and is_osm_file(file)


def _labels() -> dict[str, str]:
    """The words of the page's controls, in the language in use."""
    return {
        "zoom_in": _("zoom in"),
        "zoom_out": _("zoom out"),
        "reset": _("show the whole map"),
        "layers": _("layers"),
        "close": _("close"),
        "time": _("time"),
        "active": _("{n} road closures or slowdowns in force"),
        "clock": _("day {day} {clock}"),
    }


def clock_text(minutes: float, start_hour: float) -> str:
    """A time of the run as a person reads it: ``day 1 07:05`` (``start_hour`` is t = 0)."""
    total = int(round(start_hour * 60 + minutes))
    day, rest = divmod(total, 24 * 60)
    return _("day {day} {clock}").format(day=day + 1, clock=f"{rest // 60:02d}:{rest % 60:02d}")


def _after(t: float, since: float, start_hour: float) -> str:
    """``day 1 07:05 (+4.6 min)``, or a dash when ``t`` did not happen."""
    if not np.isfinite(t):
        return "-"
    return _("{clock} (+{minutes} min)").format(
        clock=clock_text(t, start_hour), minutes=f"{t - since:.1f}"
    )


def _incidents(
    records: Any, region: Any, xy: np.ndarray, *, start_hour: float, hazard_names: dict[str, str]
) -> dict[str, Any]:
    """The incidents layer: one point each, coloured by minutes to first arrival, with a popup."""
    from experiments.outputs import UNSERVED_LABELS
    from networks.names import facility_label
    from scenarios.terms import grade_label

    inc, d = records.incidents, records.dispatches
    station_names = [facility_label(str(n), region.names_zh) for n in records.stations["name"]]
    arrival = inc["first_arrival"] - inc["call_taken"]
    fill = wl.colours(arrival, MAX_MINUTES)
    points = []
    for i in range(len(inc["id"])):
        sent = Counter(station_names[s] for s in d["station"][d["incident"] == inc["id"][i]])
        teams = _(", ").join(f"{n} ×{k}" if k > 1 else n for n, k in sent.items())
        served = bool(inc["served"][i])
        reason = str(inc["reason"][i])
        hazard = str(inc["hazard"][i])
        popup = [
            [_("hazard"), hazard_names.get(hazard, hazard)],
            [_("grade"), grade_label(int(inc["grade"][i]))],
            [_("call"), clock_text(float(inc["call"][i]), start_hour)],
            [_("call taken"), _after(inc["call_taken"][i], inc["call"][i], start_hour)],
            [_("first arrival"), _after(inc["first_arrival"][i], inc["call_taken"][i], start_hour)],
            [_("under control"),
             _after(inc["under_control"][i], inc["first_arrival"][i], start_hour)],
            [_("teams sent"), _("{sent} of {needed}: {stations}").format(
                sent=int(inc["teams_sent"][i]), needed=int(inc["teams_needed"][i]),
                stations=teams or "-")],
            [_("full complement on scene"), _("yes") if served else _("no") + (
                f" ({_(UNSERVED_LABELS.get(reason, reason))})" if reason else "")],
        ]  # fmt: skip
        v = float(arrival[i])
        points.append(
            {"id": int(inc["id"][i]), "x": int(xy[i, 0]), "y": int(xy[i, 1]),
             "g": 0 if served else 1, "c": fill[i],
             "v": round(v, 3) if np.isfinite(v) else None,
             "name": _("incident {id}").format(id=int(inc["id"][i])), "popup": popup}
        )  # fmt: skip
    return {
        "id": "incidents", "type": "points", "label": _("incidents, by first arrival"), "on": True,
        "shape": "circle", "size": 4.5,
        "groups": [{"label": None}, {"label": _("unserved"), "colour": wl.NONE_COLOUR,
                                     "stroke": "#d00000"}],
        "scale": {"title": _("call taken -> first arrival (min)"), "max": MAX_MINUTES,
                  "stops": wl.colour_scale(), "none": _("no team arrived"),
                  "none_colour": wl.NONE_COLOUR},
        "points": points,
    }  # fmt: skip


def _facilities(
    kind: str, table: dict[str, np.ndarray], xy: np.ndarray, names_zh: Any, extra: Any
) -> dict[str, Any]:
    """Stations or depots of a run, a group (colour) per tier; ``extra(i)`` adds popup rows."""
    from experiments.siting.task import facilities_text
    from networks.names import facility_label

    tiers = list(dict.fromkeys(str(t) for t in table["tier"]))
    points = []
    for i, name in enumerate(table["name"]):
        label = facility_label(str(name), names_zh)
        tier = str(table["tier"][i])
        points.append(
            {"x": int(xy[i, 0]), "y": int(xy[i, 1]), "g": tiers.index(tier), "name": label,
             "popup": [[_("name"), label], [_("kind"), facilities_text(kind, tier)], *extra(i)]}
        )  # fmt: skip
    return {
        "id": kind, "type": "points", "on": True,
        "label": _("stations") if kind == "stations" else _("depots"),
        "shape": "triangle" if kind == "stations" else "square",
        "size": 8 if kind == "stations" else 3.5,
        "groups": [{"label": facilities_text(kind, t), "colour": TIER_COLOURS.get(t, "#444444")}
                   for t in tiers],
        "points": points,
    }  # fmt: skip


def run_map_data(
    config: Any,
    region: Any,
    result: Any,
    *,
    replications: int,
    max_segments: int = wl.MAX_SEGMENTS,
) -> dict[str, Any]:
    """The page data of one replication of a run.

    The replication's road closures come from drawing its incident stream
    again from its seed (the records keep the incidents, not the closures).

    Parameters
    ----------
    config
        The run's :class:`experiments.config.RunConfig`.
    region
        The region it ran on.
    result
        The :class:`experiments.runner.ReplicationResult` to show.
    replications
        How many replications the run had (said on the page).
    max_segments
        Most road segments drawn.

    Returns
    -------
    dict
        JSON-ready data of :func:`render_page`.
    """
    from experiments.outputs import policy_name, scenario_name
    from experiments.runner import draw_incidents, log_clock_hour, replication_seeds
    from scenarios import load_scenario

    rec, net = result.records, region.network
    root = int(result.summary["root_seed"])
    spec = load_scenario(config.scenario)
    # The clock of minute 0: a dated log's own (as the run's congestion reads it), else the
    # scenario's start hour.
    log_hour = log_clock_hour(config)
    start_hour = spec.start_hour if log_hour is None else log_hour
    hazard_names = {h.key: h.label() for h in spec.hazard_catalogue()}
    origin, extent = wl.frame(net)
    roads, roads_data, notes = wl.road_data(net, origin, max_segments)
    stream = draw_incidents(
        config, region,
        rng=np.random.default_rng(replication_seeds(root, result.replication)[0]),
    )  # fmt: skip
    items = wl.closure_items(stream, net, roads, origin=origin, hazard_names=hazard_names)
    st, dep = rec.stations, rec.depots
    teams = np.bincount(rec.teams["station"], minlength=len(st["name"]))
    sent = np.bincount(rec.dispatches["station"], minlength=len(st["name"]))
    station_xy = wl.node_xy(net, st["node"], origin)
    moved = []  # with a moves table: the layer, and teams moved out of and into each station
    if rec.moves is not None:
        from experiments.webmap_moves import moves_layer
        from networks.names import facility_label

        names = [facility_label(str(n), region.names_zh) for n in st["name"]]
        moved = [moves_layer(rec.moves, station_xy, names,
                             clock=lambda t: clock_text(t, start_hour))]  # fmt: skip
        out_in = [np.bincount(np.asarray(rec.moves[c], dtype=np.int64), minlength=len(names))
                  for c in ("from_station", "to_station")]  # fmt: skip

    def station_rows(i: int) -> list[list[Any]]:
        rows = [[_("teams"), int(teams[i])],
                [_("teams sent in this replication"), int(sent[i])]]  # fmt: skip
        if moved:
            rows.append([_("team moves out / in"), f"{out_in[0][i]} / {out_in[1][i]}"])
        return rows

    layers = [
        wl.bands_layer(roads, net, np.array([s.node for s in region.stations]), RUN_BANDS,
                     _("travel time from the nearest station")),
        {"id": "closures", "type": "timed", "label": _("road closures over time"), "on": True,
         "items": items, "legend": [{"label": _("closed"), "colour": "#d00000"},
                                    {"label": _("slowed"), "colour": "#ff8c00"}]},
        *moved,  # under the stations, so that the arrows' ends do not hide them
        _facilities("depots", dep, wl.node_xy(net, dep["node"], origin), region.names_zh,
                    lambda i: []),
        _facilities("stations", st, station_xy, region.names_zh, station_rows),
        _incidents(rec, region, wl.node_xy(net, rec.incidents["node"], origin),
                   start_hour=start_hour, hazard_names=hazard_names),
    ]  # fmt: skip
    last = replications - 1
    return {
        "kind": "run",
        "title": _("{name}: interactive map of a run").format(
            name=both(config.name, config.name_zh) or _("run")
        ),
        "subtitle": _(
            "scenario {scenario}, policy {policy}; replication {replication} shown "
            "(of replications 0 to {last}), root seed {seed}"
        ).format(
            scenario=scenario_name(config.scenario),
            policy=policy_name(dict(config.policy).get("name")),
            replication=result.replication, last=last, seed=root,
        ),  # fmt: skip
        "replication": result.replication,
        "replications": replications,
        "notes": notes,
        "time": {"start": float(rec.start), "end": float(rec.end), "start_hour": start_hour,
                 "value": wl.busiest_time(items, float(rec.start))} if items else None,
        **page_common(net, extent, roads_data),
        "layers": [{"id": "roads", "type": "roads", "label": _("roads by class"), "on": True},
                   *layers],
    }  # fmt: skip


def page_common(
    network: RoadNetwork, extent: list[int], roads: dict[str, Any], osm: bool = False
) -> dict[str, Any]:
    """What the pages of a run and of a siting share: language, words, frame, roads, credit.

    The credit is the network's data attribution (recorded from OpenStreetMap
    files, osmnx graphs and the GraphML made of them, kept by every state);
    ``osm`` credits OpenStreetMap even without one.
    """
    credit = network_credit(network) or (_(OSM_CREDIT) if osm else None)
    return {
        "lang": get_language(),
        "labels": _labels(),
        "extent": extent,
        "network": network.name,
        "roads": roads,
        "attribution": credit,
    }


def render_page(data: dict[str, Any]) -> str:
    """The HTML page of map data: style, data and renderer inlined, nothing fetched."""
    folder = resources.files("experiments")
    css = (folder / "webmap.css").read_text(encoding="utf-8")
    js = (folder / "webmap.js").read_text(encoding="utf-8")
    # "<" escaped: no text in the data can end the script element early.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = payload.replace("<", "\\u003c")
    title = html.escape(data["title"])
    return (
        f'<!DOCTYPE html>\n<html lang="{tag()}"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{css}</style></head>\n<body>\n"
        f'<header><h1>{title}</h1><p id="subtitle">{html.escape(data["subtitle"])}</p></header>\n'
        '<main><div id="mapbox"><svg id="map" role="img"></svg></div>'
        '<aside id="panel"></aside></main>\n'
        f'<script type="application/json" id="webmap-data">{payload}</script>\n'
        f"<script>\n{js}</script>\n</body></html>\n"
    )


def write_run_map(
    config: Any,
    region: Any,
    results: Any,
    path: Path,
    *,
    replication: int = 0,
    max_segments: int = wl.MAX_SEGMENTS,
) -> Path:
    """Write the interactive map of one replication of a run to ``path`` (``map.html``).

    Parameters
    ----------
    config, region
        The run's config and region.
    results
        The run's :class:`experiments.runner.ReplicationResult` objects.
    path
        The HTML file to write.
    replication
        Index of the replication shown.
    max_segments
        Most road segments drawn (see :func:`experiments.webmap_layers.thin_roads`).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    (result,) = [r for r in results if r.replication == replication]
    data = run_map_data(
        config, region, result, replications=len(results), max_segments=max_segments
    )
    return atomic_write_text(path, render_page(data))


def write_site_map(
    result: Any,
    proposed: Any,
    path: Path,
    *,
    osm: bool = False,
    max_segments: int = wl.MAX_SEGMENTS,
    max_points: int = wl.MAX_POINTS,
) -> Path:
    """Write the interactive map of a solved siting task to ``path`` (``map.html``).

    Parameters
    ----------
    result
        The :class:`experiments.siting.plan.SitingResult`.
    proposed
        The region with the proposed facilities
        (:func:`experiments.siting.proposal.proposed_region`).
    path
        The HTML file to write.
    osm
        Credit OpenStreetMap even if the roads record no attribution (those that
        do are credited anyway).
    max_segments, max_points
        Most road segments and demand points drawn.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from experiments.webmap_site import site_map_data

    data = site_map_data(
        result, proposed, osm=osm, max_segments=max_segments, max_points=max_points
    )
    return atomic_write_text(path, render_page(data))
