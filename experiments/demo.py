"""``yingji demo``: the built-in synthetic county end to end."""

from __future__ import annotations

from pathlib import Path

from experiments.config import RunConfig

#: The demo's config: the built-in county, its default stations and depots, a
#: typical week of incidents (the standard's home ground; examples/county.toml
#: runs the multi-hazard stress scenario), severity priority with reserves.
DEMO_CONFIG = {
    "name": "demo",
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "policy": {"name": "severity_priority", "reserve": 1},
    "run": {"seed": 2024, "replications": 5, "travel_noise": 0.15},
}


def demo_config(*, seed: int = 2024, replications: int = 5) -> RunConfig:
    """The demo's run config."""
    data = {
        **DEMO_CONFIG,
        "run": {**DEMO_CONFIG["run"], "seed": seed, "replications": replications},
    }
    return RunConfig.from_dict(data, source="<built-in demo>")


def run_demo(*, out: Path, seed: int = 2024, replications: int = 5, overwrite: bool = False) -> int:
    """Run the demo: print the network and the response summary, write everything ``run`` writes.

    Parameters
    ----------
    out
        Output folder (written as one unit); also gets ``map.png`` and ``network.json``.
    seed
        Root seed.
    replications
        Replications of the scenario.
    overwrite
        Whether an earlier output in ``out`` may be replaced.

    Returns
    -------
    int
        Exit status.
    """
    import json

    from experiments.commands.network import format_network_info
    from experiments.commands.run import run_and_report
    from experiments.figures import save_figure
    from experiments.outdir import check_folder_target
    from networks.files import atomic_write_text
    from networks.plot import plot_network

    check_folder_target(out, overwrite=overwrite)
    cfg = demo_config(seed=seed, replications=replications)
    region = cfg.region()
    net = region.network
    print(format_network_info(net.summary()))
    print(
        f"stations     {len(region.stations)} "
        f"({sum(t.count for s in region.stations for t in s.teams)} teams); "
        f"depots {len(region.depots)} in four tiers\n"
    )

    def network_files(folder: Path) -> list[Path]:
        layers = {
            "stations": [s.node for s in region.stations],
            "depots": [d.node for d in region.depots if d.tier != "village"],
            "village points": [d.node for d in region.depots if d.tier == "village"],
        }
        styles = {"village points": {"s": 12, "marker": "."}}
        fig = plot_network(
            net, layers=layers, layer_styles=styles, title="Built-in synthetic county"
        )
        return [
            atomic_write_text(folder / "network.json", json.dumps(net.summary(), indent=2) + "\n"),
            save_figure(fig, folder / "map.png"),
        ]

    return run_and_report(
        None, out=out, config=cfg, overwrite=overwrite, command="demo", extra=network_files
    )
