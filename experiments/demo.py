"""``yingji demo``: the built-in synthetic county end to end."""

from __future__ import annotations

from pathlib import Path

from experiments.config import RunConfig
from networks.i18n import _, adopt

#: The demo's config: the built-in county, its default stations and depots, a
#: typical week of incidents (the standard's home ground; examples/county.toml
#: runs the multi-hazard stress scenario), severity priority with reserves, and
#: the reporting chain under the national rules at the default duty desks
#: (:data:`sim.duty.DEFAULT_OFFICERS`).
DEMO_CONFIG = {
    "name": "demo",
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "policy": {"name": "severity_priority", "reserve": 1},
    "reporting": {"rules": "national"},
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

    check_folder_target(out, overwrite=overwrite, command="demo")
    cfg = demo_config(seed=seed, replications=replications)
    adopt(getattr(cfg, "language", None))  # the config's language, unless --lang chose one
    region = cfg.region()
    net = region.network
    facilities = _("{stations} ({teams} teams); depots {depots} in four tiers").format(
        stations=len(region.stations),
        teams=sum(t.count for s in region.stations for t in s.teams),
        depots=len(region.depots),
    )
    # The command's report, not a log message: run_demo is the body of `yingji demo`, and
    # the network block heads the summary table run_and_report prints to stdout after it.
    print(format_network_info(net.summary(), extra=[(_("stations"), facilities)]) + "\n")

    def network_files(folder: Path) -> list[Path]:
        layers = {
            _("stations"): [s.node for s in region.stations],
            _("depots"): [d.node for d in region.depots if d.tier != "village"],
            _("village points"): [d.node for d in region.depots if d.tier == "village"],
        }
        styles = {_("village points"): {"s": 12, "marker": "."}}
        fig = plot_network(
            net, layers=layers, layer_styles=styles, title=_("Built-in synthetic county")
        )
        return [
            atomic_write_text(folder / "network.json", json.dumps(net.summary(), indent=2) + "\n"),
            save_figure(fig, folder / "map.png"),
        ]

    return run_and_report(
        None,
        out=out,
        config=cfg,
        overwrite=overwrite,
        command="demo",
        extra=network_files,
        title=_("demo"),
    )
