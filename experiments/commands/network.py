"""``yingji network ...`` and ``yingji demo``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from experiments.commands import argtypes
from networks.synthetic import MAX_GRID, MAX_TOWNSHIPS, MAX_VILLAGES


def _network_from_args(args: argparse.Namespace):  # noqa: ANN202 - RoadNetwork, imported lazily
    from networks import download_place, load_network, synthetic_county

    if getattr(args, "synthetic", None):
        return synthetic_county(
            seed=args.seed, townships=args.townships, villages=args.villages, grid=args.grid
        )
    if getattr(args, "osm", None):
        return load_network(args.osm)
    if getattr(args, "place", None):
        return download_place(args.place)
    return load_network(args.file)


def cmd_network_build(args: argparse.Namespace) -> int:
    """``yingji network build``: make a GraphML road network."""
    from experiments.outdir import check_file_target
    from networks import save_graphml

    check_file_target(args.output, option="--output")
    net = _network_from_args(args)
    path = save_graphml(net, args.output)
    s = net.summary()
    print(f"wrote {path}: {s['nodes']} nodes, {s['edges']} edges, {s['total_km']} km")
    return 0


def format_network_info(summary: dict) -> str:
    """Human-readable lines for :meth:`networks.RoadNetwork.summary`."""
    d = summary["dropped"]
    lon0, lat0, lon1, lat1 = summary["bbox_lonlat"]
    lines = [
        f"network      {summary['name']}",
        f"nodes        {summary['nodes']:,}",
        f"edges        {summary['edges']:,} (directed)",
        f"length       {summary['total_km']:,.1f} km of directed edges",
        f"dropped      {d['nodes']} nodes, {d['edges']} edges in "
        f"{d['strongly_connected_parts']} parts not strongly connected to the main one",
        f"bbox lon/lat {lon0:.5f}, {lat0:.5f} .. {lon1:.5f}, {lat1:.5f}",
        f"landmarks    {summary['landmarks']}",
        "road classes " + ", ".join(f"{k} {v:,.1f} km" for k, v in summary["km_by_class"].items()),
    ]
    return "\n".join(lines)


def cmd_network_info(args: argparse.Namespace) -> int:
    """``yingji network info``: print size, length, extent and what cleaning dropped."""
    net = _network_from_args(args)
    s = net.summary()
    print(json.dumps(s, indent=2) if args.json else format_network_info(s))
    return 0


def cmd_network_plot(args: argparse.Namespace) -> int:
    """``yingji network plot``: draw the network to an image file."""
    from experiments.figures import save_figure
    from experiments.outdir import check_file_target
    from networks.plot import plot_network

    check_file_target(args.output, option="--output")
    net = _network_from_args(args)
    layers = {
        kind: [lm.node for lm in net.landmarks if lm.kind == kind]
        for kind in ("city", "township", "village")
    }
    fig = plot_network(net, layers={k: v for k, v in layers.items() if v})
    print(f"wrote {save_figure(fig, args.output)}")
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


def _add_network_source(p: argparse.ArgumentParser, *, positional: bool) -> None:
    if positional:
        p.add_argument("file", help="road network file (.graphml, .osm, .osm.bz2, .osm.pbf)")
        return
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--synthetic", choices=["county"], help="the built-in synthetic county")
    src.add_argument("--osm", metavar="FILE", help="OpenStreetMap file (.osm, .osm.bz2, .osm.pbf)")
    src.add_argument("--place", metavar="NAME", help="download a place through osmnx (online)")
    p.add_argument(
        "--seed", type=argtypes.seed, default=0, help="layout seed of the synthetic county"
    )
    # The generator's own bounds: a typo must not ask for more roads than a machine holds.
    p.add_argument("--townships", type=argtypes.integer(0, MAX_TOWNSHIPS), default=10)
    p.add_argument("--villages", type=argtypes.integer(0, MAX_VILLAGES), default=100)
    p.add_argument(
        "--grid",
        type=argtypes.integer(2, MAX_GRID),
        default=24,
        help="streets per side of the county seat",
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``demo`` and ``network`` to the ``yingji`` parser."""
    from experiments.commands.run import add_output_options

    demo = sub.add_parser("demo", help="run the built-in synthetic county end to end")
    add_output_options(demo, "yingji-demo")
    demo.add_argument("--seed", type=argtypes.seed, default=2024)
    demo.add_argument("--replications", type=argtypes.replications, default=5)
    demo.set_defaults(func=cmd_demo)

    net = sub.add_parser("network", help="build, inspect and draw road networks")
    nsub = net.add_subparsers(dest="network_command", required=True, metavar="ACTION")
    build = nsub.add_parser(
        "build", help="make a GraphML network from OSM, a place or the synthetic county"
    )
    _add_network_source(build, positional=False)
    build.add_argument("-o", "--output", required=True, help="GraphML file to write")
    build.set_defaults(func=cmd_network_build)
    info = nsub.add_parser("info", help="nodes, edges, km, dropped parts, bounding box")
    _add_network_source(info, positional=True)
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(func=cmd_network_info)
    plot = nsub.add_parser("plot", help="draw a network coloured by road class")
    _add_network_source(plot, positional=True)
    plot.add_argument("-o", "--output", required=True, help="image file (.png, .svg, .pdf)")
    plot.set_defaults(func=cmd_network_plot)
