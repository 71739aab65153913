"""Batch runner: speed-up of 2 local workers over 1, and the runner's per-replication overhead.

Run:  python benchmarks/bench_experiments.py [--replications 48] [--scenario multi_hazard]
                                             [--repeat 1]

One experiment (two dispatch policies on the built-in county, N replications
each) is timed three ways, each in a fresh Python process so that all three
start equally cold (imports, network, travel-time caches):

(1) ``run_replication`` called directly in a loop (the simulation alone);
(2) ``run_experiment(workers=1)``: the same replications through the runner
    (task wrapping, atomic JSON per replication, manifest, summary table);
(3) ``run_experiment(workers=2)``: two spawned worker processes (their start-up,
    imports and network build included: that is what a user waits for).

Prints wall times (median of ``--repeat``), the speed-up (2) / (3) (target
>= 1.8x on 2 cores), the overhead ((2) - (1)) / replications, and the
runner's own time: wall time of (2) outside the replication function. On a
machine busy with other work the speed-up says more about the load than about
the runner: check ``uptime`` first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def experiment(replications: int, scenario: str, seed: int):  # noqa: ANN201
    from experiments.design import ExperimentSpec

    return ExperimentSpec.from_dict(
        {
            "name": "bench",
            "replications": replications,
            "root_seed": seed,
            "base": {
                "network": {"synthetic": "county"},
                "scenario": {"name": scenario},
                "policy": {"name": "nearest_available"},
                "run": {"travel_noise": 0.1},
            },
            "factors": [
                {"key": "policy.name", "levels": ["nearest_available", "severity_priority"]}
            ],
        },
        source="bench",
    )


@dataclass
class _Nothing:
    summary: dict
    records: object = None


def noop_replicate(config, *, replication: int, root_seed: int) -> _Nothing:  # noqa: ANN001
    """A replication that does nothing: what is left is the runner's own cost."""
    return _Nothing({"replication": replication, "x": 0.5})


def noop_overhead(runs: int = 400) -> float:
    """Milliseconds per replication of the serial runner around a no-op replication."""
    from experiments.batch import run_experiment

    spec = experiment(runs // 2, "typical_week", 1)
    spec.points()
    with tempfile.TemporaryDirectory() as tmp:
        run_experiment(spec, Path(tmp) / "warm", replicate=noop_replicate)  # imports, pyarrow
        t0 = time.perf_counter()
        run_experiment(spec, Path(tmp) / "out", replicate=noop_replicate)
        return (time.perf_counter() - t0) / runs * 1000


def _burn(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t0


def machine_ceiling(n: int = 10_000_000) -> float:
    """Speed-up two spawned processes of pure Python arithmetic get right now (ideal: 2)."""
    import multiprocessing

    one = _burn(n)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1000, 1000])  # start the workers before timing
        t0 = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - t0
    return 2 * one / two


def measure(mode: str, replications: int, scenario: str, seed: int) -> dict:
    """One timing, in this (fresh) process."""
    t0 = time.perf_counter()
    spec = experiment(replications, scenario, seed)
    points = spec.points()
    if mode == "direct":
        from experiments.runner import run_replication

        per_run = []
        for r in range(spec.replications):
            for p in points:
                t1 = time.perf_counter()
                run_replication(p.config, replication=r, root_seed=spec.root_seed)
                per_run.append(time.perf_counter() - t1)
        return {"wall": time.perf_counter() - t0, "median": statistics.median(per_run)}
    from experiments.batch import run_experiment
    from experiments.store import ResultStore

    with tempfile.TemporaryDirectory() as tmp:
        workers = 1 if mode == "runner1" else 2
        res = run_experiment(spec, Path(tmp) / "out", workers=workers, progress=False)
        inside = sum(row.elapsed_s for row in ResultStore.open(res.out).rows())
        return {
            "wall": time.perf_counter() - t0,
            "inside": inside,
            "table": res.summary.read_bytes().hex()[:4096],
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=48)
    ap.add_argument("--scenario", default="multi_hazard")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--mode", choices=["direct", "runner1", "runner2"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.replications, args.scenario, args.seed)))
        return

    n = 2 * args.replications
    print(
        f"2 design points x {args.replications} replications = {n} runs "
        f"({args.scenario}, built-in county), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    runs: dict[str, list[dict]] = {"direct": [], "runner1": [], "runner2": []}
    for _ in range(args.repeat):
        for mode in runs:
            cmd = [
                sys.executable, __file__, "--mode", mode, "--replications",
                str(args.replications), "--scenario", args.scenario, "--seed", str(args.seed),
            ]  # fmt: skip
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            row = json.loads(out.strip().splitlines()[-1])
            # CPU seconds of the measurement and its workers: cpu / wall = cores it got.
            row["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            runs[mode].append(row)

    def wall(mode: str) -> float:
        return statistics.median(r["wall"] for r in runs[mode])

    direct, one, two = wall("direct"), wall("runner1"), wall("runner2")
    per_rep = statistics.median(r["median"] for r in runs["direct"])
    inside = statistics.median(r["inside"] for r in runs["runner1"])

    def cores(mode: str) -> str:
        return f"{statistics.median(r['cpu'] / r['wall'] for r in runs[mode]):.2f} cores busy"

    print(
        f"(1) direct loop:        {direct:7.2f} s  ({cores('direct')}; "
        f"median {per_rep:.3f} s per replication)"
    )
    print(f"(2) runner, 1 worker:   {one:7.2f} s  ({cores('runner1')})")
    print(
        f"(3) runner, 2 workers:  {two:7.2f} s  ({cores('runner2')}; < 2 when others load the CPUs)"
    )
    print(f"speed-up 2 workers vs 1:   {one / two:.2f}x (target >= 1.8x)")
    print(
        f"machine ceiling now:       {machine_ceiling():.2f}x for two processes of pure "
        "arithmetic (2.00 on two idle cores)"
    )
    cpu1 = statistics.median(r["cpu"] for r in runs["runner1"])
    cpu2 = statistics.median(r["cpu"] for r in runs["runner2"])
    print(
        f"CPU seconds:               {cpu1:.1f} (1 worker), {cpu2:.1f} (2 workers): "
        f"at most {2 * cpu1 / cpu2:.2f}x on two otherwise idle cores"
    )
    overhead_ms = (one - direct) / n * 1000
    print(
        f"runner overhead:           {overhead_ms:+.1f} ms per replication vs the direct loop "
        f"({overhead_ms / 10 / per_rep:+.1f} % of a replication)"
    )
    print(
        f"runner's own time:         {(one - inside) / n * 1000:.1f} ms per replication "
        "(wall time of (2) outside the replication function, start-up included)"
    )
    print(
        f"runner's marginal cost:    {noop_overhead():.2f} ms per replication "
        "(serial, no-op replication function: task, atomic JSON, summary table row)"
    )
    same = {r["table"] for r in runs["runner1"] + runs["runner2"]}
    print(f"identical summary tables:  {len(same) == 1}")
    print(f"load average after:        {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
