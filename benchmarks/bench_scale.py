"""Benchmark: the seed-scale city (1 / 10 / 91 / 1,000 depots, ~200,000 road nodes).

Runs ``examples/city.toml`` (the built-in city, its default stations and
depots) for one replication of each case, each in a fresh process so that its
peak memory is its own, and prints wall time and peak RSS against the targets
of the seed-scale issue:

* ``typical_week``: <= 30 s and <= 2 GB;
* ``rainstorm_72h`` (with its road closures): <= 60 s and <= 2 GB;
* 100,000 background incidents: <= 2 GB. These are routine calls (the mix of
  ``bench_sim.py``: fires, crashes, medical calls, collapses, waterlogging
  with supplies) without road closures, 1.2 a minute over the whole city;
  road states are what the rainstorm case measures.

Then, in this process, the time of an incremental road-state update (one
random road closed, and reopened) against a from-scratch recompute of the
same trees (every station, both directions), as a median over random
closures; target >= 10x. A missed target is printed as MISSED.

    python benchmarks/bench_scale.py [--cases typical_week,rainstorm_72h,background]
                                     [--incidents 100000] [--closures 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city.toml"
TARGETS = {  # case -> (seconds or None, bytes)
    "typical_week": (30.0, 2 << 30),
    "rainstorm_72h": (60.0, 2 << 30),
    "background": (None, 2 << 30),
}


def child(case: str, incidents: int) -> None:
    """One case in this process; prints one JSON line."""
    from experiments.config import RunConfig
    from experiments.runner import run_replication

    t0 = time.perf_counter()
    cfg = dataclasses.replace(RunConfig.from_file(CITY), horizon_min=None)
    if case != "background":
        cfg = dataclasses.replace(cfg, scenario=case)
    region = cfg.region()
    t1 = time.perf_counter()
    if case == "background":
        from bench_sim import county_stream

        import sim

        # Routine calls over the whole city (the bench_sim mix: fires, crashes, medical,
        # collapses, waterlogging with supplies), 1.2 a minute for about 58 days.
        stream = county_stream(region.network, incidents, rate=1.2, rng=np.random.default_rng(2026))
        records = sim.run(
            region.network,
            region.stations,
            region.depots,
            stream,
            rng=np.random.default_rng(7),
            policy=sim.NearestAvailable(),
        )
    else:
        records = run_replication(cfg, replication=0, region=region).records
    t2 = time.perf_counter()
    inc = records.incidents
    print(
        json.dumps(
            {
                "case": case,
                "build_s": t1 - t0,
                "run_s": t2 - t1,
                "wall_s": t2 - t0,
                "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "incidents": int(len(inc["id"])),
                "served": int(inc["served"].sum()),
                "nodes": int(region.network.n_nodes),
                "depots": int(len(region.depots)),
                "stations": int(len(region.stations)),
            }
        )
    )


def incremental(closures: int, seed: int = 0) -> dict[str, float]:
    """Median seconds of incremental updates and of from-scratch recomputes."""
    from experiments.config import RunConfig
    from networks.oracle import TravelOracle
    from networks.trees import ArcGraph, TreeSet

    region = RunConfig.from_file(CITY).region()
    net = region.network
    src = np.array([s.node for s in region.stations], dtype=np.int64)
    oracle = TravelOracle(net, src)
    rng = np.random.default_rng(seed)
    inc, touched = [], []
    for _ in range(closures):
        e = int(rng.integers(net.n_edges))
        # A road closed both ways, where it has a way back.
        back = np.flatnonzero((net.edges.u == net.edges.v[e]) & (net.edges.v == net.edges.u[e]))
        state = net.with_closed([e, *back.tolist()])
        t = time.perf_counter()
        touched.append(oracle.move_to(state))
        inc.append(time.perf_counter() - t)
        t = time.perf_counter()
        oracle.move_to(net)  # reopened: a bounded repair too
        inc.append(time.perf_counter() - t)
    full = []
    for _ in range(3):
        t = time.perf_counter()
        g = ArcGraph(state)
        TreeSet(g, src), TreeSet(g, src, reverse=True)
        full.append(time.perf_counter() - t)
    return {
        "incremental_s": statistics.median(inc),
        "incremental_max_s": max(inc),
        "full_s": statistics.median(full),
        "entries_median": statistics.median(touched),
        "entries_total": 2.0 * len(src) * net.n_nodes,
    }


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="typical_week,rainstorm_72h,background")
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--closures", type=int, default=15)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.incidents)
        return
    print(f"seed-scale city: {CITY.relative_to(ROOT)}, one replication per case, one core")
    for case in [c for c in args.cases.split(",") if c]:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", case, "--incidents", str(args.incidents)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if proc.returncode:
            print(f"{case}: FAILED\n{proc.stderr[-2000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        secs, mem = TARGETS[case]
        gb = r["peak_rss"] / 2**30
        line = (
            f"{case:>14}: {r['incidents']:>7} incidents ({r['served']} served) on "
            f"{r['nodes']:,} nodes, {r['stations']} stations, {r['depots']} depots | "
            f"build {r['build_s']:.1f} s + run {r['run_s']:.1f} s = {r['wall_s']:.1f} s"
        )
        if secs is not None:
            line += f" (target {secs:.0f} s: {_verdict(r['wall_s'] <= secs)})"
        ok = _verdict(r["peak_rss"] <= mem)
        line += f" | peak RSS {gb:.2f} GB (target {mem / 2**30:.0f} GB: {ok})"
        print(line, flush=True)
    r = incremental(args.closures)
    ratio = r["full_s"] / r["incremental_s"]
    print(
        f"road-state update, one road closed or reopened (median of {2 * args.closures}): "
        f"incremental {r['incremental_s'] * 1e3:.1f} ms (max {r['incremental_max_s'] * 1e3:.0f} ms,"
        f" median {r['entries_median']:,.0f} of {r['entries_total']:,.0f} tree entries rewritten)"
        f" vs from scratch {r['full_s']:.2f} s: {ratio:,.0f}x"
        f" (target >= 10x: {_verdict(ratio >= 10)})"
    )


if __name__ == "__main__":
    main()
