"""Figures of ``yingji replay`` on the example log, in docs/replay.md."""

from __future__ import annotations

from experiments.docsgen.render import Block, Runs, read_json, read_rows
from experiments.docsgen.workspace import Command, Session

#: The log replayed and calibrated (20 replications; the fit runs three per trial).
REPLAY = Session(
    "replay",
    (
        Command(
            (
                "replay",
                "examples/replay/county_log.csv",
                "--config",
                "examples/county.toml",
                "--calibrate",
                "--no-plots",
                "--out",
                "rp1",
            )
        ),
    ),  # fmt: skip
    slow=True,  # about two minutes: the calibration simulates the log some fifty times
)


def _row(runs: Runs, interval: str, q: str, folder: str = "rp1") -> dict[str, str]:
    rows = read_rows(runs[REPLAY.name].path(folder, "quantiles.csv"))
    return next(r for r in rows if r["interval"] == interval and r["q"] == q)


def _f(x: str) -> str:
    return f"{float(x):.1f}".replace("-", "−")


def _before(runs: Runs) -> str:
    r = _row(runs, "arrival", "0.5")
    others = [
        abs(float(row["difference"]))
        for row in read_rows(runs[REPLAY.name].path("rp1", "quantiles.csv"))
        if row["interval"] != "arrival"
    ]
    return (
        f"the median is {_f(r['simulated'])} min simulated against {_f(r['observed'])} min\n"
        f"observed, a difference of {_f(r['difference'])} min (95 % interval "
        f"{_f(r['difference_low'])} to {_f(r['difference_high'])}). Call taking and control "
        f"match\n(differences within ±{max(others):.1f} min)"
    )


def _fit(runs: Runs) -> str:
    fit = read_json(runs[REPLAY.name].path("rp1", "calibration.json"))
    s = fit["speed"]
    return (
        f"took {fit['evaluations']} trials and found turnout ×{fit['turnout']:.2f}, major roads\n"
        f"×{s['major']:.2f}, minor ×{s['minor']:.2f}, local ×{s['local']:.2f}, and cut the "
        f"quantile loss from {fit['loss_before']:.1f}\nto {fit['loss_after']:.2f} min²"
    )


def blocks() -> list[Block]:
    """The generated regions of docs/replay.md."""
    doc = "docs/replay.md"
    return [
        Block("replay-before", doc, (REPLAY,), _before),
        Block("replay-fit", doc, (REPLAY,), _fit),
    ]
