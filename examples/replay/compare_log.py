"""Replay the example log through the built-in county and plot observed against simulated.

Uses the public API only: the log is read with pandas, replayed with
:func:`experiments.replay.replay`, and the figure is drawn from the result's
tidy DataFrame (one row per incident, interval and replication)::

    python examples/replay/compare_log.py [OUT.png]

The log (``county_log.csv``, written by ``make_log.py``) comes from a county
whose roads are slower and whose turnout is longer than the default model's,
so the simulated arrival curve lies left of the observed one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.config import RunConfig  # noqa: E402
from experiments.replay import INTERVALS, read_replay_log, replay  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(out: Path, *, replications: int = 10) -> pd.DataFrame:
    """Replay, draw the observed and simulated distribution of each interval, save ``out``."""
    cfg = RunConfig.from_file(HERE.parent / "county.toml")
    region = cfg.region()
    frame = pd.read_csv(HERE / "county_log.csv", dtype=str, keep_default_na=False)
    log = read_replay_log(frame, region.network)
    result = replay(cfg, log, region=region, replications=replications)
    # Compare the same incidents on both sides: those the log has a time for (as yingji's
    # own tests and quantiles do).
    table = result.to_frame()
    table = table[table["observed"].notna()]
    fig, axes = plt.subplots(1, len(INTERVALS), figsize=(13, 3.8))
    for ax, (name, part) in zip(axes, table.groupby("interval", sort=False), strict=True):
        observed = part.loc[part["replication"] == 0, "observed"].dropna().sort_values()
        simulated = part["simulated"].dropna().sort_values()
        for values, label in ((observed, "observed"), (simulated, "simulated")):
            ax.step(values, np.arange(1, len(values) + 1) / len(values), where="post", label=label)
        ax.set_title(name)
        ax.set_xlabel("minutes")
        ax.set_xlim(0, float(np.nanquantile(observed, 0.98)))
    axes[0].set_ylabel("share of incidents")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    medians = table.groupby("interval")[["observed", "simulated"]].median()
    print(medians.round(1).to_string())
    return medians


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("replay_compare.png"))
