"""``yingji network ...`` and ``yingji demo``."""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Sequence
from pathlib import Path

from experiments.commands import argtypes
from networks.errors import ConfigError
from networks.i18n import _, pad, width
from networks.synthetic import MAX_GRID, MAX_TOWNSHIPS, MAX_VILLAGES, synthetic_county
from networks.synthetic_city import MAX_COUNTIES, MAX_COUNTY_GRID

#: ``yingji demo``'s root seed and replications unless the command line changes them.
DEMO_SEED = 2024
DEMO_REPLICATIONS = 5


#: The options that shape a synthetic network (``--townships`` ... ``--county-grid``, ``--seed``).
_SYNTHETIC_ONLY = ("townships", "villages", "grid", "counties", "county_grid", "seed")
#: Those of them the synthetic county has not (it has no counties).
_CITY_ONLY = ("counties", "county_grid")


def _network_from_args(args: argparse.Namespace):  # noqa: ANN202 - RoadNetwork, imported lazily
    from networks import download_place, load_network, synthetic_city, synthetic_county

    # The options the source takes: all for the city, no counties for the county, none for a
    # network read or downloaded (it is as it is). One given beyond them is refused.
    synthetic = getattr(args, "synthetic", None)
    takes = [k for k in _SYNTHETIC_ONLY if synthetic == "city" or synthetic and k not in _CITY_ONLY]
    wrong = [k for k in _SYNTHETIC_ONLY if k not in takes and getattr(args, k, None) is not None]
    if wrong:
        if wrong[0] in _CITY_ONLY:
            text = _("argument --{option}: only the synthetic city has counties (--synthetic city)")
        else:
            text = _("argument --{option}: for a synthetic network only (--synthetic county "
                     "or city); a network read or downloaded is used as it is")  # fmt: skip
        raise ConfigError(text.format(option=wrong[0].replace("_", "-")))
    if synthetic:
        # Sizes not given keep the generator's own defaults (the city's are not the county's).
        sizes = {k: getattr(args, k) for k in takes if k != "seed"}
        if synthetic == "city":
            _check_city_sizes(sizes)
        make = synthetic_city if synthetic == "city" else synthetic_county
        seed = 0 if args.seed is None else args.seed
        return make(seed=seed, **{k: v for k, v in sizes.items() if v is not None})
    if getattr(args, "osm", None):
        return load_network(args.osm)
    if getattr(args, "place", None):
        return download_place(args.place)
    return load_network(args.file)


def _check_city_sizes(sizes: dict[str, int | None]) -> None:
    """Refuse a size outside the city's bounds, naming the option (argparse checks the county's).

    The bounds are the generator's own: its grid limits, and at least one township
    for each county (the counties given, or the generator's default).
    """
    from networks.synthetic_city import MAX_CITY_GRID
    from scenarios.validate import check_int

    counties = sizes.get("counties") or _generator_defaults()["city"]["counties"]
    bounds = {"townships": (counties, MAX_TOWNSHIPS), "grid": (2, MAX_CITY_GRID)}
    for name, (lo, hi) in bounds.items():
        value = sizes.get(name)
        if value is None:
            continue
        if name == "townships" and value < lo:  # the bound is the counties': say so
            text = _("argument --townships of the synthetic city: {message} (each county "
                     "needs one, and the city has {counties})")  # fmt: skip
        else:
            text = _("argument --{option} of the synthetic city: {message}")
        check_int(
            value,
            lambda message, text=text, name=name: ConfigError(
                text.format(option=name.replace("_", "-"), message=message, counties=counties)
            ),
            lo=lo,
            hi=hi,
        )


def format_counts(nodes: int, edges: int) -> str:
    """``1,234 nodes, 5,678 edges``: thousands grouped, singular or plural as the count needs."""
    # Chinese has one form and English two: a message each (the catalogue holds no plurals).
    node = _("{n} node") if nodes == 1 else _("{n} nodes")
    edge = _("{n} edge") if edges == 1 else _("{n} edges")
    return _("{nodes}, {edges}").format(
        nodes=node.format(n=f"{nodes:,}"), edges=edge.format(n=f"{edges:,}")
    )


def cmd_network_build(args: argparse.Namespace) -> int:
    """``yingji network build``: make a GraphML road network."""
    from experiments.outdir import check_output_file
    from networks import save_graphml

    # Only a .graphml name reads back with `network info` and `[network] file`.
    check_output_file(
        args.output,
        option="--output",
        overwrite=args.overwrite,
        inputs=[args.osm],
        suffix=".graphml",
    )
    net = _network_from_args(args)
    path = save_graphml(net, args.output)
    s = net.summary()
    print(
        # The same figures as `network info` gives, in the same form.
        _("wrote {path}: {counts}, {km} km").format(
            path=path, counts=format_counts(s["nodes"], s["edges"]), km=f"{s['total_km']:,.1f}"
        )
    )
    return 0


def format_network_info(
    summary: dict, extra: Sequence[tuple[str, str]] = (), *, crs: bool = False
) -> str:
    """Human-readable lines for :meth:`networks.RoadNetwork.summary`.

    Parameters
    ----------
    summary
        The network's summary.
    extra
        Further (label, value) lines, aligned with the rest.
    crs
        Also name the CRS that ``x``/``y`` location columns are read in.

    Returns
    -------
    str
        One line per figure, labels padded to one column by terminal width.
    """
    from experiments.geo_rows import crs_label
    from networks.plot import road_class_label

    d = summary["dropped"]
    lon0, lat0, lon1, lat1 = summary["bbox_lonlat"]
    roads = [
        _("{road} {km} km").format(road=road_class_label(k), km=f"{v:,.1f}")
        for k, v in summary["km_by_class"].items()
    ]
    rows = [
        (_("network"), str(summary["name"])),
        (_("nodes"), f"{summary['nodes']:,}"),
        (_("edges"), _("{edges} (directed)").format(edges=f"{summary['edges']:,}")),
        (_("length"), _("{km} km of directed edges").format(km=f"{summary['total_km']:,.1f}")),
        (
            _("dropped"),
            (
                _("{counts} in {parts} part not strongly connected to the main one")
                if d["strongly_connected_parts"] == 1
                else _("{counts} in {parts} parts not strongly connected to the main one")
            ).format(
                counts=format_counts(d["nodes"], d["edges"]),
                parts=f"{d['strongly_connected_parts']:,}",
            ),
        ),
        # The largest dropped parts, numbered as errors about a place on one name them.
        *(
            (
                _("  part {part}").format(part=p["part"]),
                _("nodes: {nodes}, around lon {lon}, lat {lat}").format(
                    nodes=f"{p['nodes']:,}", lon=p["lon"], lat=p["lat"]
                ),
            )
            for p in d.get("parts", [])
        ),
        (
            _("bbox lon/lat"),
            f"{lon0:.5f}, {lat0:.5f} .. {lon1:.5f}, {lat1:.5f}",
        ),
        # Tables' x/y columns are read in this CRS, which a user cannot guess otherwise.
        *([(_("x/y CRS"), crs_label(summary["crs"]))] if crs else []),
        (_("landmarks"), str(summary["landmarks"])),
        (_("road classes"), _(", ").join(roads)),
        *extra,
    ]
    # One space after the widest label ("bbox lon/lat" in English).
    column = max(width(label) for label, _value in rows) + 1
    return "\n".join(pad(label, column) + value for label, value in rows)


def cmd_network_info(args: argparse.Namespace) -> int:
    """``yingji network info``: print size, length, extent and what cleaning dropped."""
    import logging

    # The loading warning about dropped parts points to this very command, which
    # prints them below: not said twice.
    quiet = logging.getLogger("networks.cleaning")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        net = _network_from_args(args)
    finally:
        quiet.setLevel(level)
    s = net.summary()
    print(json.dumps(s, indent=2) if args.json else format_network_info(s, crs=True))
    return 0


#: Landmark kinds a network plot draws as one "community" layer (a city's 社区; a hamlet, a
#: 自然村, is no 社区 and is left out).
URBAN_KINDS = ("suburb", "quarter", "neighbourhood")
#: Landmark kinds a network plot names on the map.
NAMED_KINDS = ("city", "county", "township")


def cmd_network_plot(args: argparse.Namespace) -> int:
    """``yingji network plot``: draw the network to an image file."""
    from experiments.figures import check_image_suffix, save_figure
    from experiments.outdir import check_output_file
    from networks.plot import plot_network

    check_image_suffix(args.output, option="--output")
    check_output_file(args.output, option="--output", overwrite=args.overwrite, inputs=[args.file])
    net = _network_from_args(args)
    counties = any(lm.kind == "county" for lm in net.landmarks)
    kinds = {
        # Under county seats the "city" landmark is a city's centre; alone (the synthetic
        # county) it is the county seat, as before.
        "city": _("city centre") if counties else _("city"),
        "county": _("county seat"),
        "township": _("township"),
        "village": _("village"),
    }
    layers: dict[str, list[int]] = {}
    for kind, label in kinds.items():  # two kinds may read alike (city, county seat: 县城)
        layers.setdefault(label, []).extend(lm.node for lm in net.landmarks if lm.kind == kind)
    # A city's 社区 (OpenStreetMap suburb, quarter, neighbourhood): one layer.
    urban = [lm.node for lm in net.landmarks if lm.kind in URBAN_KINDS]
    layers[_("community")] = urban
    # The larger places by name (villages and communities are too many to name).
    named = [(lm.node, lm.label()) for lm in net.landmarks if lm.kind in NAMED_KINDS]
    fig = plot_network(net, layers={k: v for k, v in layers.items() if v}, labels=named)
    print(_("wrote {path}").format(path=save_figure(fig, args.output)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``yingji demo``: the built-in synthetic county end to end."""
    from experiments.demo import run_demo

    return run_demo(
        out=Path(args.out),
        seed=args.seed,
        replications=args.replications,
        overwrite=args.overwrite,
    )


def _generator_defaults() -> dict[str, dict[str, int]]:
    """The sizes the synthetic county and city have when no option changes them."""
    from networks.synthetic_city import synthetic_city

    return {
        kind: {k: v.default for k, v in inspect.signature(make).parameters.items()}
        for kind, make in (("county", synthetic_county), ("city", synthetic_city))
    }


def _add_network_source(p: argparse.ArgumentParser, *, positional: bool) -> None:
    if positional:
        p.add_argument("file", help=_("road network file (.graphml, .osm, .osm.bz2, .osm.pbf)"))
        return
    county, city = _generator_defaults().values()
    src = p.add_mutually_exclusive_group(required=True)
    # What each network holds, so a user can choose without reading the docs (the node
    # counts are those of the default sizes, docs/networks.md).
    src.add_argument(
        "--synthetic",
        choices=["county", "city"],
        help=_(
            "county: the built-in synthetic county (a county seat, {townships} townships and "
            "{villages} villages; about 2,200 road nodes); city: a synthetic prefecture-level "
            "city (a city centre, {counties} counties, {city_townships} townships and "
            "{city_villages} villages; about 198,000 road nodes)"
        ).format(
            townships=county["townships"],
            villages=county["villages"],
            counties=city["counties"],
            city_townships=city["townships"],
            city_villages=city["villages"],
        ),
    )
    src.add_argument(
        "--osm", metavar="FILE", help=_("OpenStreetMap file (.osm, .osm.bz2, .osm.pbf)")
    )
    src.add_argument("--place", metavar="NAME", help=_("download a place through osmnx (online)"))
    p.add_argument(
        "--seed",
        type=argtypes.seed,
        default=None,  # 0 for a synthetic network; refused for one read or downloaded
        help=_("layout seed of the synthetic network (default 0)"),
    )
    # The generator's own bounds: a typo must not ask for more roads than a machine holds.
    p.add_argument(
        "--townships",
        type=argtypes.integer(0, MAX_TOWNSHIPS),
        help=_("townships of the synthetic network (default: {county} in the county, {city} in "
               "the city)").format(county=county["townships"], city=city["townships"]),
    )  # fmt: skip
    p.add_argument(
        "--villages",
        type=argtypes.integer(0, MAX_VILLAGES),
        help=_("villages, shared out among the townships (default: {county} in the county, "
               "{city} in the city)").format(county=county["villages"], city=city["villages"]),
    )  # fmt: skip
    p.add_argument(
        "--grid",
        type=argtypes.integer(2, MAX_GRID),
        help=_("streets per side of the county seat's grid, of the city centre's in the city "
               "(default: {county} in the county, {city} in the city)"
               ).format(county=county["grid"], city=city["grid"]),
    )  # fmt: skip
    # The city's own sizes (refused for the county, which has none).
    p.add_argument(
        "--counties",
        type=argtypes.integer(1, MAX_COUNTIES),
        help=_("counties of the synthetic city (default {city})").format(city=city["counties"]),
    )
    p.add_argument(
        "--county-grid",
        type=argtypes.integer(2, MAX_COUNTY_GRID),
        help=_("streets per side of each county seat's grid in the synthetic city "
               "(default {city})").format(city=city["county_grid"]),
    )  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``demo`` and ``network`` to the ``yingji`` parser."""
    from experiments.commands.run import add_output_options

    demo = sub.add_parser("demo", help=_("run the built-in synthetic county end to end"))
    add_output_options(demo, "yingji-demo")
    demo.add_argument(
        "--seed",
        type=argtypes.seed,
        default=DEMO_SEED,
        help=_("root seed (default: {default})").format(default=DEMO_SEED),
    )
    demo.add_argument(
        "--replications",
        type=argtypes.replications,
        default=DEMO_REPLICATIONS,
        help=_("replications, each an independent stream of incidents (default: {default})").format(
            default=DEMO_REPLICATIONS
        ),
    )
    demo.set_defaults(func=cmd_demo)

    net = sub.add_parser("network", help=_("build, inspect and draw road networks"))
    nsub = net.add_subparsers(dest="network_command", required=True, metavar="ACTION")
    build = nsub.add_parser(
        "build", help=_("make a GraphML network from OSM, a place or the synthetic county")
    )
    _add_network_source(build, positional=False)
    build.add_argument(
        "-o", "--output", required=True, metavar="FILE.graphml", help=_("GraphML file to write")
    )
    build.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace an existing GraphML file (default: refuse)"),
    )
    build.set_defaults(func=cmd_network_build)
    info = nsub.add_parser("info", help=_("nodes, edges, km, dropped parts, bounding box"))
    _add_network_source(info, positional=True)
    info.add_argument("--json", action="store_true", help=_("machine-readable output"))
    info.set_defaults(func=cmd_network_info)
    plot = nsub.add_parser("plot", help=_("draw a network coloured by road class"))
    _add_network_source(plot, positional=True)
    plot.add_argument("-o", "--output", required=True, help=_("image file (.png, .svg, .pdf)"))
    plot.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace an existing image file (default: refuse)"),
    )
    plot.set_defaults(func=cmd_network_plot)
