"""``yingji scenario ...``: list, show and sample disaster scenarios."""

from __future__ import annotations

import argparse
import json

from experiments.commands import argtypes


def cmd_scenario_list(args: argparse.Namespace) -> int:
    """``yingji scenario list``: the shipped scenarios, one line each."""
    from scenarios import list_scenarios, load_scenario

    for name in list_scenarios():
        s = load_scenario(name)
        events = ", ".join(e.type for e in s.events) or "background only"
        print(f"{name:<18} {s.duration_h:>5g} h  {events:<40} {s.description}")
    return 0


def cmd_scenario_hazards(args: argparse.Namespace) -> int:
    """``yingji scenario hazards``: the hazard catalogue, one line per hazard."""
    from scenarios import load_catalogue

    cat = load_catalogue(args.catalogue)
    for h in cat:
        teams = ", ".join(f"{c} {n[3]}" for c, n in h.teams if n[3])
        print(f"{h.key:<18} {h.category:<17} {h.cap_category:<9} IV needs: {teams}")
    return 0


def format_scenario(spec, catalogue) -> str:  # noqa: ANN001 - ScenarioSpec, HazardCatalogue
    """Human-readable lines describing a scenario."""
    rates = spec.background.per_day()
    lines = [
        f"scenario     {spec.name}",
        f"about        {spec.description}",
        f"duration     {spec.duration_h:g} h from {spec.start_hour:02d}:00",
        f"background   {sum(rates.values()):.2f} incidents/day (x{spec.background.scale:g})",
    ]
    for h, r in sorted(rates.items(), key=lambda kv: -kv[1]):
        if r > 0:
            lines.append(f"  {h:<18} {r:8.3f}/day  {catalogue[h].category}")
    for i, e in enumerate(spec.events):
        d = {k: v for k, v in e.to_dict().items() if k != "type"}
        lines.append(f"event {i}      {e.type}: " + ", ".join(f"{k}={v}" for k, v in d.items()))
    if spec.overrides:
        lines.append(f"overrides    {', '.join(spec.overrides.get('hazards', {}))}")
    return "\n".join(lines)


def cmd_scenario_show(args: argparse.Namespace) -> int:
    """``yingji scenario show NAME``: what a scenario holds."""
    from scenarios import load_scenario

    spec = load_scenario(args.name)
    if args.json:
        print(json.dumps(spec.to_dict(), indent=2, default=str))
    else:
        print(format_scenario(spec, spec.hazard_catalogue()))
    return 0


def check_image_target(path: str) -> None:
    """Refuse, before any work, an image path that cannot be written (``--plot``)."""
    from experiments.figures import check_image_suffix
    from experiments.outdir import check_file_target

    check_file_target(path, option="--plot")
    check_image_suffix(path, option="--plot")


def cmd_scenario_sample(args: argparse.Namespace) -> int:
    """``yingji scenario sample NAME``: draw one incident stream and write it as CSV."""
    import numpy as np

    from experiments.outdir import check_file_target
    from networks import load_network, synthetic_county
    from scenarios import generate_stream, load_catalogue, load_scenario
    from scenarios.export import disruptions_path, summarise, write_stream_csv

    check_file_target(args.output, option="--output")
    check_file_target(disruptions_path(args.output), option="--output")
    if args.plot:
        check_image_target(args.plot)
    spec = load_scenario(args.name)
    net = load_network(args.network) if args.network else synthetic_county()
    cat = load_catalogue(args.catalogue) if args.catalogue else None
    stream = generate_stream(spec, net, rng=np.random.default_rng(args.seed), catalogue=cat)
    inc, dis = write_stream_csv(stream, net, args.output)
    s = summarise(stream)
    cats = ", ".join(f"{k} {v}" for k, v in s["by_category"].items())
    print(
        f"{spec.name} on {net.name}, seed {args.seed}: {s['incidents']} incidents ({cats}); "
        f"{s['secondary']} secondary; {s['disruptions']} road disruptions "
        f"({s['closures']} closures, {s['isolation_zones']} isolation zones)"
    )
    print(f"wrote {inc} and {dis}")
    if args.plot:
        from experiments.figures import save_figure
        from scenarios.plot import plot_stream

        print(f"wrote {save_figure(plot_stream(stream, net), args.plot)}")
    return 0


def cmd_scenario_sources(args: argparse.Namespace) -> int:
    """``yingji scenario sources``: the hazard sources a network gets by default."""
    from networks import load_network, synthetic_county
    from scenarios.places import Geography

    if args.plot:
        check_image_target(args.plot)
    net = load_network(args.network) if args.network else synthetic_county()
    geo = Geography(net)
    for kind, nodes in sorted(geo.sources.items()):
        shown = " ".join(str(int(n)) for n in nodes[:8]) + (" ..." if nodes.size > 8 else "")
        print(f"{kind:<15} {nodes.size:>5} nodes  {shown}")
    for name in ("low_lying", "river", "forest"):
        print(f"{name + ' roads':<15} {int(geo.road_set(name).sum()):>5} edges")
    if args.plot:
        from experiments.figures import save_figure
        from scenarios.plot import plot_sources

        print(f"wrote {save_figure(plot_sources(net), args.plot)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``scenario`` to the ``yingji`` parser."""
    p = sub.add_parser("scenario", help="list, show and sample disaster scenarios")
    ssub = p.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")
    ls = ssub.add_parser("list", help="the shipped scenarios")
    ls.set_defaults(func=cmd_scenario_list)
    hz = ssub.add_parser("hazards", help="the hazard catalogue")
    hz.add_argument("--catalogue", metavar="FILE", help="your hazard overrides (TOML)")
    hz.set_defaults(func=cmd_scenario_hazards)
    show = ssub.add_parser("show", help="what a scenario holds")
    show.add_argument("name", help="shipped scenario name or a scenario .toml file")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=cmd_scenario_show)
    sample = ssub.add_parser("sample", help="draw an incident stream and write it as CSV")
    sample.add_argument("name", help="shipped scenario name or a scenario .toml file")
    sample.add_argument(
        "--network",
        metavar="FILE",
        help="road network (.graphml, .osm, .osm.bz2, .osm.pbf); "
        "default: the built-in synthetic county",
    )
    sample.add_argument("--catalogue", metavar="FILE", help="your hazard overrides (TOML)")
    sample.add_argument("--seed", type=argtypes.seed, required=True, help="random seed")
    sample.add_argument(
        "-o",
        "--output",
        required=True,
        help="incident CSV (the disruption schedule goes beside it as NAME.disruptions.csv)",
    )
    sample.add_argument("--plot", metavar="IMAGE", help="also draw a map (.png, .svg, .pdf)")
    sample.set_defaults(func=cmd_scenario_sample)
    src = ssub.add_parser("sources", help="default hazard sources and low-lying roads of a network")
    src.add_argument("--network", metavar="FILE", help="road network; default: the built-in county")
    src.add_argument("--plot", metavar="IMAGE", help="also draw them (.png, .svg, .pdf)")
    src.set_defaults(func=cmd_scenario_sources)
