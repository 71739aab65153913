"""Travel times from 100 sources to all nodes: yingji vs networkx vs scipy directly.

Run:  python benchmarks/bench_traveltimes.py [--grid 320] [--sources 100] [--repeat 3]

Builds a synthetic county of at least 100,000 nodes and times, in one run,
(1) yingji's ``RoadNetwork.travel_times`` on a fresh state (CSR compile included),
(2) ``scipy.sparse.csgraph.dijkstra(indices=...)`` on the already compiled CSR, and
(3) a loop of ``networkx.single_source_dijkstra_path_length`` on a plain DiGraph
(faster than the MultiDiGraph users get). Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import time

import networkx as nx
import numpy as np
from scipy.sparse import csgraph

from networks import synthetic_county


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=320)
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--nx-sources", type=int, default=None,
                    help="run networkx on fewer sources and scale up (default: all)")  # fmt: skip
    args = ap.parse_args()

    t0 = time.perf_counter()
    net = synthetic_county(grid=args.grid, townships=20, villages=400)
    build = time.perf_counter() - t0
    print(
        f"synthetic county: {net.n_nodes:,} nodes, {net.n_edges:,} edges (built in {build:.1f} s)"
    )
    rng = np.random.default_rng(0)
    sources = rng.choice(net.n_nodes, size=args.sources, replace=False)

    def yingji_cold():
        # A fresh state each time: nothing cached, the CSR compile is counted.
        net.under([]).__dict__.pop("csr", None)
        net.under([])._cache.clear()
        return net.under([]).travel_times(sources)

    def yingji_two_workers():
        net.under([])._cache.clear()
        return net.under([]).travel_times(sources, workers=2)

    csr = net.csr
    t_yj = _median_time(yingji_cold, args.repeat)
    t_yj2 = _median_time(yingji_two_workers, args.repeat)
    t_lim = _median_time(
        lambda: net.under([])._cache.clear() or net.travel_times(sources, limit=1800), args.repeat
    )
    t_sp = _median_time(lambda: csgraph.dijkstra(csr, indices=sources), args.repeat)

    g = nx.DiGraph()
    g.add_nodes_from(range(net.n_nodes))
    coo = csr.tocoo()
    g.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    n_nx = args.nx_sources or args.sources
    t0 = time.perf_counter()
    for s in sources[:n_nx]:
        nx.single_source_dijkstra_path_length(g, int(s), weight="weight")
    t_nx = (time.perf_counter() - t0) * args.sources / n_nx

    check = net.travel_times(sources[:1])[0]
    ref = nx.single_source_dijkstra_path_length(g, int(sources[0]), weight="weight")
    err = max(abs(check[k] - v) / max(v, 1.0) for k, v in ref.items())

    print(f"{'method':<34}{'seconds':>10}")
    print(
        f"{'networkx loop (DiGraph)':<34}{t_nx:>10.3f}"
        + ("  (scaled)" if n_nx < args.sources else "")
    )
    print(f"{'scipy dijkstra, precompiled CSR':<34}{t_sp:>10.3f}")
    print(f"{'yingji travel_times (cold)':<34}{t_yj:>10.3f}")
    print(f"{'yingji travel_times, 2 workers':<34}{t_yj2:>10.3f}")
    print(f"{'yingji travel_times, limit 30 min':<34}{t_lim:>10.3f}")
    # A missed target says so (scipy alone is about 17-19x networkx here, so 20x on one
    # core is bounded by scipy's own Dijkstra, not by yingji's overhead over it).
    one, over = t_nx / t_yj, t_yj / t_sp
    print(
        f"speed-up over networkx: {one:.1f}x on one core (target >= 20x"
        f"{'' if one >= 20 else ': MISSED'}; scipy alone {t_nx / t_sp:.1f}x); "
        f"{t_nx / t_yj2:.1f}x with 2 workers"
    )
    missed = "" if over <= 1.5 else ": MISSED"
    print(f"overhead over scipy:    {over:.2f}x (target <= 1.5x{missed})")
    print(f"max relative difference to networkx on one source: {err:.2e}")


if __name__ == "__main__":
    main()
