"""Benchmark: reading a built-in network's GraphML back, streamed, against the networkx path.

Run:  python benchmarks/bench_graphml.py [--network city|county] [--old] [--file F.graphml]

Writes the built-in network as GraphML (what ``yingji network build`` writes)
into a temporary folder, or takes ``--file``, then times each step in a fresh
process, so that its peak memory (peak RSS, imports included) is its own:

* ``built-in``: building the network itself (what a run on it loads);
* ``write``: building it and ``save_graphml``;
* ``stream``: ``load_graphml``, the streamed reader (the network cache off);
* ``to cache``: the same, the network cache on and empty (parse, then write the entry);
* ``cached``: the same again, read from that entry (``networks.network_cache``);
* ``networkx`` (with ``--old``): ``from_networkx(read_graphml(path))``, the reader
  before the streamed one (on the city about a minute and over 5 GB).

The cached network is compared with the streamed one, and with ``--old`` the
two readers' networks, array by array (a digest of every node and edge array).
Check ``uptime`` first: two cores are shared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _digest(net) -> str:  # noqa: ANN001
    """SHA-256 of every node and edge array, the landmarks, crs and name."""
    h = hashlib.sha256()
    for table in (net.nodes, net.edges):
        for value in vars(table).values():
            if value is not None and hasattr(value, "tobytes"):
                h.update(str(value.dtype).encode() + value.tobytes())
    h.update(repr((net.landmarks, net.crs, net.name)).encode())
    return h.hexdigest()


def measure(mode: str, network: str, path: Path) -> dict:
    """One step, in this (fresh) process."""
    import networks
    from networks.graphml import read_graphml

    build = networks.synthetic_city if network == "city" else networks.synthetic_county
    t0 = time.perf_counter()
    if mode == "built-in":
        net = build()
    elif mode == "write":
        net = build()
        networks.save_graphml(net, path)
    elif mode in ("stream", "to cache", "cached"):
        net = networks.load_graphml(path)
    else:
        net = networks.from_networkx(read_graphml(path), name=path.name.split(".")[0])
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"wall": wall, "rss": rss, "digest": _digest(net), "edges": net.n_edges}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", choices=["city", "county"], default="city")
    ap.add_argument("--old", action="store_true", help="also time the networkx reader (slow)")
    ap.add_argument("--file", type=Path, help="a GraphML file to read (default: write one)")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.network, args.file)))
        return
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / f"{args.network}.graphml"
        modes = ["built-in"] + ([] if args.file else ["write"]) + ["stream", "to cache", "cached"]
        modes += ["networkx"] if args.old else []
        rows = {}
        for mode in modes:
            cmd = [sys.executable, __file__, "--mode", mode, "--network", args.network]
            cache = str(Path(tmp) / "cache") if mode in ("to cache", "cached") else "off"
            out = subprocess.run(
                [*cmd, "--file", str(path)], check=True, capture_output=True, text=True,
                env={**os.environ, "YINGJI_CACHE_DIR": cache},
            ).stdout  # fmt: skip
            rows[mode] = row = json.loads(out.strip().splitlines()[-1])
            size = f", file {path.stat().st_size / 2**20:.0f} MB" if mode == "write" else ""
            print(
                f"{mode:9s} {row['wall']:7.2f} s  peak RSS {row['rss'] / 2**30:5.2f} GB  "
                f"({row['edges']:,} edges{size})"
            )
    ratio = rows["cached"]["wall"] / rows["stream"]["wall"]
    same = rows["cached"]["digest"] == rows["stream"]["digest"]
    print(f"cached / stream: {ratio:.3f}; networks", "identical" if same else "DIFFERENT")
    if args.old:
        same = rows["stream"]["digest"] == rows["networkx"]["digest"]
        print("stream and networkx networks:", "identical" if same else "DIFFERENT")


if __name__ == "__main__":
    main()
