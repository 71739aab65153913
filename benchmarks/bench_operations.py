"""Benchmark: the response simulation with the operations of issue 19 on, against bare SimPy.

The county stream of ``bench_sim.py`` (default 100,000 incidents at 0.12 per
minute, nearly 400 days) run with nothing on, with each of the four on alone,
and with all four on together, each against a bare SimPy M/M/10 run measured in
the same process (each setup timed back to back after a warm-up run of its own):

* ``congestion``: the ``china_city`` rush-hour profile (three hour bands);
* ``moveup``: compliance-table move-up (``--moveup-policy`` to change);
* ``warnings``: the default plan, with an orange typhoon warning each week
  issued 24 h ahead over the whole county for 18 h (teams staged, stock pushed
  down; the stream has no duty desks, as in ``bench_sim.py`` without
  ``--reporting``);
* ``people``: people at the scene (the shipped people per hazard, as in
  ``bench_people.py``).

    python benchmarks/bench_operations.py [--incidents 100000] [--repeat 3]

The issue's target: with all four on, at least 0.5x bare SimPy's rate.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import statistics
import time
from typing import Any

import numpy as np
from bench_people import bench_spec
from bench_sim import bare_simpy, county_stream

import sim
from networks import synthetic_county
from scenarios.stream import IncidentStream
from scenarios.warnings import ScheduledWarning
from sim.congestion import Congestion
from sim.moveup_spec import MoveupSpec
from sim.warnings import WarningPlan

DAY = 1440.0


def weekly_warnings(stream: IncidentStream, n_nodes: int) -> IncidentStream:
    """The stream with an orange (II) typhoon warning each week: 24 h lead, 18 h long."""
    nodes = np.arange(n_nodes)
    warnings, t = [], 0.0
    while t + 2 * DAY < float(stream.time[-1]):
        name = f"w{len(warnings)}"
        warnings.append(ScheduledWarning(t, t + DAY, t + DAY + 18 * 60, 2, nodes, "typhoon", name))
        t += 7 * DAY
    return dataclasses.replace(stream, warnings=tuple(warnings))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rate", type=float, default=0.12, help="incidents per minute")
    ap.add_argument("--moveup-policy", default="compliance", choices=("compliance", "mexclp"))
    args = ap.parse_args(argv)
    n = args.incidents
    net = synthetic_county()
    stations, depots = sim.default_facilities(net)
    plain = county_stream(net, n, rate=args.rate, rng=np.random.default_rng(1))
    warned = weekly_warnings(plain, net.n_nodes)
    features: dict[str, dict[str, Any]] = {
        "congestion": {"congestion": Congestion("china_city", start_hour=8)},
        "moveup": {"moveup": MoveupSpec(policy=args.moveup_policy)},
        "warnings": {"warnings": WarningPlan()},
        "people": {"people": bench_spec()},
    }
    setups: list[tuple[str, dict[str, Any]]] = [("none", {})]
    setups += [(k, v) for k, v in features.items()]
    setups.append(("all four", {k: v for f in features.values() for k, v in f.items()}))

    def run(kw: dict[str, Any]) -> sim.RunRecords:
        stream = warned if "warnings" in kw else plain
        return sim.run(net, stations, depots, stream, rng=np.random.default_rng(2),
                       travel_noise=0.2, **kw)  # fmt: skip

    # Each setup is timed back to back after a warm-up run of its own: a run right after
    # another setup's (all four on, say) ran 20-40 % slower for the memory that run left
    # behind, whatever it measured itself; the warm-up also builds the travel tables,
    # compiled code and caches of the setup.
    times: dict[str, list[float]] = {name: [] for name, _ in setups}
    last: dict[str, sim.RunRecords] = {}
    for name, kw in setups:
        run(kw)
        for _k in range(args.repeat):
            gc.collect()
            t = time.perf_counter()
            rec = run(kw)
            times[name].append(time.perf_counter() - t)
            if name == "all four":  # the one run the check below reads
                last[name] = rec
            del rec
    bare: list[float] = []
    bare_simpy(n, seed=0)
    for k in range(args.repeat):
        gc.collect()
        bare.append(bare_simpy(n, seed=k)[0])
    b, bm = min(bare), statistics.median(bare)
    base = min(times["none"])
    print(f"county: {n} incidents at {args.rate}/min, {len(warned.warnings)} weekly warnings; "
          f"best of {args.repeat} (median in brackets)")  # fmt: skip
    print(f"bare SimPy  : {n / b:10,.0f} incidents/s")
    for name, _kw in setups:
        y, ym = min(times[name]), statistics.median(times[name])
        extra = "" if name == "none" else f"; +{(y - base) / n * 1e6:.1f} us per incident"
        print(f"{name:<11} : {n / y:10,.0f} incidents/s, {b / y:.2f}x bare SimPy "
              f"({bm / ym:.2f}x){extra}")  # fmt: skip
    rec = last["all four"]
    s = sim.summarise(rec)
    print(f"run check   : served {s['served']}/{s['incidents']}, "
          f"{len(rec.moves['team'])} moves, {s['people']['rescued_alive']:,} rescued alive, "
          f"{int(rec.warnings['teams_staged'].sum())} teams staged and "
          f"{int(rec.warnings['stock_units'].sum()):,} units pushed down on "
          f"{len(rec.warnings['warning'])} warnings")  # fmt: skip
    print("target      : all four on >= 0.50x bare SimPy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
