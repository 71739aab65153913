"""Batch runner: speed-up of 2 local workers over 1, and the runner's per-replication overhead.

Run:  python benchmarks/bench_experiments.py [--replications 16] [--scenario multi_hazard]

One experiment (two dispatch policies on the built-in county, N replications
each) is timed three ways in one run:

(1) ``run_replication`` called directly in a loop (the simulation alone);
(2) ``run_experiment(workers=1)``: the same replications through the runner
    (task wrapping, atomic JSON per replication, manifest, summary table);
(3) ``run_experiment(workers=2)``: two spawned worker processes (their start-up,
    imports and network build included: that is what a user waits for).

Every measurement starts cold: the process's network cache is emptied
before (1) and (2), and the workers of (3) start empty anyway, so each pays
for its network and for the travel times of every disrupted road state once.
Prints wall times, the speed-up (2) / (3) (target >= 1.8x on 2 cores) and the
overhead ((2) - (1)) / replications.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from experiments.batch import run_experiment
from experiments.config import _NETWORKS
from experiments.design import ExperimentSpec
from experiments.runner import run_replication
from experiments.store import ResultStore


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=16)
    ap.add_argument("--scenario", default="multi_hazard")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    spec = ExperimentSpec.from_dict(
        {
            "name": "bench",
            "replications": args.replications,
            "root_seed": args.seed,
            "base": {
                "network": {"synthetic": "county"},
                "scenario": {"name": args.scenario},
                "policy": {"name": "nearest_available"},
                "run": {"travel_noise": 0.1},
            },
            "factors": [
                {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]}
            ],
        },
        source="bench",
    )
    points = spec.points()
    n = len(points) * spec.replications
    print(
        f"{len(points)} design points x {spec.replications} replications = {n} runs "
        f"({args.scenario}, built-in county), {os.cpu_count()} CPUs"
    )

    t0 = time.perf_counter()
    points[0].config.region()
    print(f"network build (once per process): {time.perf_counter() - t0:.2f} s")

    _NETWORKS.clear()  # cold start, like the runner below
    t0 = time.perf_counter()
    per_run = []
    for r in range(spec.replications):
        for p in points:
            t1 = time.perf_counter()
            run_replication(p.config, replication=r, root_seed=spec.root_seed)
            per_run.append(time.perf_counter() - t1)
    direct = time.perf_counter() - t0
    print(
        f"(1) direct loop:        {direct:7.2f} s  "
        f"(median {statistics.median(per_run):.3f} s per replication)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        _NETWORKS.clear()
        one = run_experiment(spec, Path(tmp) / "one", workers=1, progress=False)
        # Time inside the replication function, as the runner measured it.
        inside = sum(row.elapsed_s for row in ResultStore.open(one.out).rows())
        print(f"(2) runner, 1 worker:   {one.elapsed_s:7.2f} s")
        two = run_experiment(spec, Path(tmp) / "two", workers=2, progress=False)
        print(f"(3) runner, 2 workers:  {two.elapsed_s:7.2f} s")
        same = one.summary.read_bytes() == two.summary.read_bytes()

    print(f"speed-up 2 workers vs 1:   {one.elapsed_s / two.elapsed_s:.2f}x (target >= 1.8x)")
    overhead_ms = (one.elapsed_s - direct) / n * 1000
    own_ms = (one.elapsed_s - inside) / n * 1000
    print(
        f"runner overhead:           {overhead_ms:.1f} ms per replication vs the direct loop "
        f"({overhead_ms / 10 / statistics.median(per_run):.1f} % of a replication)"
    )
    print(
        f"runner's own time:         {own_ms:.1f} ms per replication (wall time of (2) "
        "outside the replication function: storing, manifest, summary table)"
    )
    print(f"identical summary tables:  {same}")


if __name__ == "__main__":
    main()
