"""``yingji demo``: the built-in synthetic county end to end."""

from __future__ import annotations

import json
import os
from pathlib import Path

from experiments.figures import save_figure


def run_demo(*, out: Path, seed: int = 2024) -> int:
    """Build the built-in county, print its summary and write a map and ``network.json``.

    Parameters
    ----------
    out
        Output folder (created if missing).
    seed
        Seed of the run (the county layout itself is fixed).

    Returns
    -------
    int
        Exit status.
    """
    from experiments.commands.network import format_network_info
    from networks import synthetic_county
    from networks.plot import plot_network

    net = synthetic_county()
    out.mkdir(parents=True, exist_ok=True)
    summary = net.summary()
    print(format_network_info(summary))
    tmp = out / ".network.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2))
    os.replace(tmp, out / "network.json")
    layers = {
        k: [lm.node for lm in net.landmarks if lm.kind == k]
        for k in ("city", "township", "village")
    }
    path = save_figure(
        plot_network(net, layers=layers, title="Built-in synthetic county"), out / "map.png"
    )
    print(f"wrote {out / 'network.json'} and {path}")
    return 0
