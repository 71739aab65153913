"""Write ``county_log.csv``: half a year of incidents on the built-in county, as a bureau logs them.

The "truth" behind the log is the default county with roads slower than the
network says (major roads at 75 %, secondary and tertiary at 85 %, local roads
at 70 % of their speed) and turnout half as long again. Replaying the log
through the default model shows the model too fast; calibration should find
these factors again (``yingji replay examples/replay/county_log.csv --config
examples/county.toml --calibrate``).

The log holds what a bureau records: the alarm time, place (longitude and
latitude), hazard and grade in Chinese, and the times the call was taken, the
first team arrived and the incident was under control (left empty for about
one incident in seven, as in real logs). Times are whole seconds.

    python examples/replay/make_log.py        # rewrites county_log.csv beside this file
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

import sim
from experiments.config import RunConfig
from experiments.replay.adjust import adjusted_region
from scenarios import generate_stream, load_catalogue, load_scenario
from sim.targets import ResponseTargets

HERE = Path(__file__).resolve().parent
#: The hidden truth (see the module docstring).
TRUE_SPEED = {"major": 0.75, "minor": 0.85, "local": 0.70}
TRUE_TURNOUT = 1.5
WEEKS = 26
START = datetime(2026, 1, 5)  # a Monday
GRADES_ZH = {1: "特别重大", 2: "重大", 3: "较大", 4: "一般"}


def write_log(out: Path, *, weeks: int = WEEKS, seed: int = 20260105) -> Path:
    """Draw ``weeks`` of incidents, play them on the hidden truth and write the log to ``out``."""
    cfg = RunConfig.from_file(HERE.parent / "county.toml")
    region = cfg.region()
    spec = load_scenario("typical_week")
    spec = dataclasses.replace(spec, duration_h=weeks * 7 * 24.0)
    rng = np.random.default_rng(seed)
    incidents_rng, response_rng, log_rng = rng.spawn(3)
    # Road closures are not in a bureau's incident log, so the truth has none either.
    stream = generate_stream(spec, region.network, rng=incidents_rng)
    stream = dataclasses.replace(stream, disruptions=())
    truth = adjusted_region(region, speed=TRUE_SPEED, turnout=TRUE_TURNOUT)
    records = sim.run(
        truth.network,
        truth.stations,
        truth.depots,
        stream,
        rng=response_rng,
        policy=sim.policy_from_dict(dict(cfg.policy)),
        targets=ResponseTargets.from_dict(dict(cfg.targets)),
        travel_noise=cfg.travel_noise,
        reinforcement=truth.reinforcement,
    )
    inc = records.incidents
    names_zh = {h.key: h.name_zh for h in load_catalogue()}
    unknown_control = log_rng.random(len(stream)) < 1 / 7
    net = region.network

    def stamp(minutes: float) -> str:
        if not np.isfinite(minutes):
            return ""
        return (START + timedelta(seconds=round(minutes * 60))).isoformat()

    with out.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(
            ["time", "lon", "lat", "hazard", "grade", "call_taken", "first_arrival",
             "under_control"]
        )  # fmt: skip
        for k in range(len(stream)):
            node = int(stream.node[k])
            w.writerow(
                [
                    stamp(inc["call"][k]),
                    f"{net.nodes.lon[node]:.6f}",
                    f"{net.nodes.lat[node]:.6f}",
                    names_zh[str(stream.hazard[k])],
                    GRADES_ZH[int(stream.grade[k])],
                    stamp(inc["call_taken"][k]),
                    stamp(inc["first_arrival"][k]),
                    "" if unknown_control[k] else stamp(inc["under_control"][k]),
                ]
            )
    return out


if __name__ == "__main__":
    print(write_log(HERE / "county_log.csv"))
