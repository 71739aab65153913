"""Benchmark: yingji's response simulation against a bare SimPy M/M/c model.

Simulates the default county (``synthetic_county()`` with ``default_facilities``)
for N incidents (default 100,000) and, in the same process, a bare SimPy
M/M/c queue (``simpy.Resource``, one process per customer, c = 10, rho = 0.8)
with the same number of customers. Prints incidents per second for both, the
ratio, SimPy events per incident, and peak memory; then the same run with the
reporting chain on (national rules; desks staffed for this load: 2 officers
per township, 8 at the county, 6 at the city, so that no desk's queue grows
without end) and its rate against the same bare SimPy.

    python benchmarks/bench_sim.py [--incidents 100000] [--repeat 5] [--rate 0.12]
                                   [--no-reporting] [--no-tracemalloc]

``--rate``: incidents per minute; ``--no-tracemalloc``: skip the traced second run that
measures peak Python memory. The verdicts read the best of the repeats; the median is
printed beside it.

ANCHORS.md: bare SimPy ~77,000/s; a naive SimPy dispatch prototype 0.45x bare.
Targets: yingji within 3x of bare SimPy per incident; with the reporting chain
on, at least 0.5x bare SimPy's rate.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np
import simpy

import sim
from networks import synthetic_county
from scenarios.stream import IncidentStream, Requirement

#: Incident mix: (requirement, share). Most need one team; some need several and supplies.
MIX = (
    (Requirement("building_fire", 3, (("fire", 1),)), 0.40),
    (Requirement("traffic_accident", 4, (("general", 1),)), 0.25),
    (Requirement("medical_emergency", 4, (("medical", 1),)), 0.15),
    (Requirement("building_fire", 2, (("fire", 2), ("medical", 1))), 0.08),
    (Requirement("collapse", 2, (("technical_rescue", 1), ("general", 1))), 0.04),
    (
        Requirement(
            "waterlogging",
            3,
            (("general", 1), ("water_rescue", 1)),
            (("sandbags", 200), ("drinking_water", 40), ("pumps", 1)),
        ),
        0.05,
    ),
    (Requirement("hazchem_leak", 3, (("hazmat", 1), ("fire", 1))), 0.03),
)


def county_stream(network, n: int, *, rate: float, rng: np.random.Generator) -> IncidentStream:
    """``n`` Poisson incidents (``rate`` per minute), nodes weighted towards settlements."""
    t_rng, n_rng, r_rng, w_rng = rng.spawn(4)
    times = np.cumsum(t_rng.exponential(1.0 / rate, n))
    # Demand: every node a little, landmarks (town and village centres) a lot more.
    w = np.ones(network.n_nodes)
    for lm in network.landmarks:
        w[lm.node] += {"city": 200.0, "county": 120.0, "township": 60.0, "village": 10.0}.get(
            lm.kind, 0.0
        )
    nodes = n_rng.choice(network.n_nodes, size=n, p=w / w.sum())
    reqs = [r for r, _ in MIX]
    p = np.array([s for _, s in MIX])
    which = r_rng.choice(len(reqs), size=n, p=p / p.sum())
    return IncidentStream.from_rows(
        time=times,
        node=nodes,
        hazard=[reqs[k].hazard for k in which],
        category=["accident"] * n,
        grade=[reqs[k].grade for k in which],
        requirement=which,
        control_work=w_rng.lognormal(np.log(15.0), 0.5, n),
        clear_work=w_rng.exponential(10.0, n),
        requirements=reqs,
    )


def bare_simpy(n: int, *, c: int = 10, rho: float = 0.8, seed: int = 0) -> tuple[float, float, int]:
    """Bare SimPy M/M/c: returns (seconds, mean wait, events scheduled)."""
    rng = np.random.default_rng(seed)
    lam, mu = 1.0, 1.0 / (c * rho)
    gaps = rng.exponential(1.0 / lam, n).tolist()
    service = rng.exponential(1.0 / mu, n).tolist()
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=c)
    waits: list[float] = []

    def customer(k: int):
        t0 = env.now
        with server.request() as req:
            yield req
            waits.append(env.now - t0)
            yield env.timeout(service[k])

    def source():
        for k in range(n):
            yield env.timeout(gaps[k])
            env.process(customer(k))

    env.process(source())
    t = time.perf_counter()
    env.run()
    return time.perf_counter() - t, float(np.mean(waits)), next(env._eid)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rate", type=float, default=0.12, help="incidents per minute")
    ap.add_argument("--no-tracemalloc", action="store_true")
    ap.add_argument("--no-reporting", action="store_true", help="skip the reporting-chain run")
    args = ap.parse_args(argv)
    n = args.incidents

    net = synthetic_county()
    stations, depots = sim.default_facilities(net)
    stream = county_stream(net, n, rate=args.rate, rng=np.random.default_rng(1))
    n_teams = sum(t.count for s in stations for t in s.teams)
    print(
        f"county: {net.n_nodes} nodes, {len(stations)} stations, {n_teams} teams, "
        f"{len(depots)} depots; {n} incidents at {args.rate}/min"
    )

    # Cold: the first run computes this network state's travel-time arrays.
    gc.collect()
    t = time.perf_counter()
    rec = sim.run(net, stations, depots, stream, rng=np.random.default_rng(2), travel_noise=0.2)
    cold = time.perf_counter() - t
    warm, bare = [], []
    for k in range(args.repeat):
        gc.collect()
        t = time.perf_counter()
        sim.run(net, stations, depots, stream, rng=np.random.default_rng(2), travel_noise=0.2)
        warm.append(time.perf_counter() - t)
        gc.collect()
        secs, wait, bare_events = bare_simpy(n, seed=k)
        bare.append(secs)
    # Timings alternate between the two models so that load from other processes hits both;
    # the best of the repeats is the least disturbed measurement, the median is shown too.
    y, b = min(warm), min(bare)
    ym, bm = statistics.median(warm), statistics.median(bare)
    summ = sim.summarise(rec)
    print(f"yingji     : {n / y:10,.0f} incidents/s best of {args.repeat} (median {n / ym:,.0f}/s; "
          f"cold first run {n / cold:,.0f}/s), {rec.meta['events'] / n:.2f} SimPy events and "
          f"{len(rec.dispatches['team']) / n:.2f} dispatches per incident")  # fmt: skip
    print(f"bare SimPy : {n / b:10,.0f} incidents/s best of {args.repeat} (median {n / bm:,.0f}/s; "
          f"M/M/10, rho 0.8, mean wait {wait:.2f}), "
          f"{bare_events / n:.2f} SimPy events per customer")  # fmt: skip
    print(f"ratio      : yingji runs at {b / y:.2f}x bare SimPy speed, best vs best "
          f"({bm / ym:.2f}x median vs median); {y / b:.2f}x the time per incident "
          f"(target <= 3x)")  # fmt: skip
    c = summ["compliance"]
    city = summ["utilisation"]["City Station"]["committed"]
    print(f"run check  : served {summ['served']}/{summ['incidents']}, arrival<=10 "
          f"{c['arrival']:.1%}, all three {c['all_three']:.1%}, "
          f"City Station teams committed {city:.1%} of the time")  # fmt: skip
    if not args.no_reporting:
        from sim.duty import DeskStaff, DutyDesks
        from sim.reporting_rules import ReportingRules

        desks = DutyDesks(
            staff={lv: DeskStaff(((0.0, k),)) for lv, k in (("township", 2), ("county", 8),
                                                              ("city", 6))}
        )  # fmt: skip
        from sim import desk_queue

        # The compiled desk code loaded (or compiled) before timing, as a long run has it.
        desk_queue.SWEEP.compiled()
        desk_queue.ANSWER.compiled()
        on = []
        for _k in range(args.repeat):
            gc.collect()
            t = time.perf_counter()
            rep = sim.run(net, stations, depots, stream, rng=np.random.default_rng(2),
                          travel_noise=0.2, duty=desks, reporting=ReportingRules())  # fmt: skip
            on.append(time.perf_counter() - t)
        r, rm = min(on), statistics.median(on)
        rs = sim.summarise(rep)
        util = rs["duty"]["utilisation"]
        print(f"reporting  : {n / r:10,.0f} incidents/s best of {args.repeat} (median "
              f"{n / rm:,.0f}/s), {len(rep.reports['kind']) / n:.2f} reports per incident; "
              f"chain off {n / y:,.0f}/s")  # fmt: skip
        print(f"ratio      : with the reporting chain on, yingji runs at {b / r:.2f}x bare SimPy "
              f"speed, best vs best ({bm / rm:.2f}x median vs median; target >= 0.5x); "
              f"the chain costs {(r - y) / n * 1e6:.1f} us per incident")  # fmt: skip
        print(f"chain check: {rs['reporting']['late']} late and {rs['reporting']['missed']} "
              f"missed of {rs['reporting']['reports']} reports; desk utilisation "
              + ", ".join(f"{k} {v:.0%}" for k, v in util.items()))  # fmt: skip
    if not args.no_tracemalloc:
        gc.collect()
        tracemalloc.start()
        sim.run(net, stations, depots, stream, rng=np.random.default_rng(2), travel_noise=0.2)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"memory     : yingji run peak {peak / 2**20:.1f} MiB (tracemalloc)", end="; ")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process peak RSS {rss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
