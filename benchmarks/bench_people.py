"""Benchmark: the response simulation with people at the scene on, against bare SimPy.

The same default county and the same 100,000-incident stream as
``bench_sim.py`` (most incidents need one team; fires, crashes, collapses,
waterlogging, hazchem leaks), run without and with ``[people]`` (the shipped
people per hazard; the stream's ``collapse`` and ``hazchem_leak`` take the
rows of ``building_collapse`` and ``hazmat_leak``), and the bare SimPy M/M/c
model of ``bench_sim.py``. The issue's target: with people on, at least 0.5x
bare SimPy's rate per incident.

    python benchmarks/bench_people.py [--incidents 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import numpy as np
from bench_sim import bare_simpy, county_stream

import sim
from networks import synthetic_county
from sim.people_spec import PeopleSpec, shipped_people


def bench_spec() -> PeopleSpec:
    """The shipped people per hazard, with the benchmark stream's own hazard names."""
    rows = {h: {g: list(v) for g, v in groups} for h, groups in shipped_people()}
    alias = {"collapse": "building_collapse", "hazchem_leak": "hazmat_leak"}
    return PeopleSpec.from_dict({"hazards": {k: rows[v] for k, v in alias.items()}})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rate", type=float, default=0.12, help="incidents per minute")
    args = ap.parse_args(argv)
    n = args.incidents
    net = synthetic_county()
    stations, depots = sim.default_facilities(net)
    stream = county_stream(net, n, rate=args.rate, rng=np.random.default_rng(1))
    spec = bench_spec()

    def run(people: PeopleSpec | None) -> sim.RunRecords:
        return sim.run(net, stations, depots, stream, rng=np.random.default_rng(2),
                       travel_noise=0.2, people=people)  # fmt: skip

    run(None)  # cold: this network state's travel-time arrays
    off, on, bare = [], [], []
    for k in range(args.repeat):
        for people, times in ((None, off), (spec, on)):
            gc.collect()
            t = time.perf_counter()
            rec = run(people)
            times.append(time.perf_counter() - t)
        gc.collect()
        bare.append(bare_simpy(n, seed=k)[0])
    # Best of the repeats: the least disturbed measurement (median shown too).
    y0, y1, b = min(off), min(on), min(bare)
    print(f"county: {n} incidents at {args.rate}/min; best of {args.repeat}")
    print(f"people off : {n / y0:10,.0f} incidents/s, {b / y0:.2f}x bare SimPy "
          f"(median {statistics.median(bare) / statistics.median(off):.2f}x)")  # fmt: skip
    print(f"people on  : {n / y1:10,.0f} incidents/s, {b / y1:.2f}x bare SimPy "
          f"(median {statistics.median(bare) / statistics.median(on):.2f}x); "
          f"people cost {1e6 * (y1 - y0) / n:.1f} us per incident")  # fmt: skip
    print(f"bare SimPy : {n / b:10,.0f} incidents/s")
    s = sim.summarise(rec)["people"]
    print(f"run check  : {s['trapped']:,} trapped, {s['rescued_alive']:,} rescued alive, "
          f"{s['delay_deaths']:,} deaths due to delay, {s['evacuated']:,} to evacuate, "
          f"{s['shelter_overflow']:,} without shelter room")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
