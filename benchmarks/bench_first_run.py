"""Benchmark: ``yingji demo`` on a new install and on the next runs, compiled desks or not.

The duty desks' queue runs as plain Python until a process has put 200,000 jobs
through it (:mod:`sim.compiled`). The baseline, measured in the same run, is
the same demo with the desk code compiled from its first job, as yingji did
before: numba's import and disk cache on every run, and its compile on the
first run after installing. Each is run in a fresh process, once with an empty
cache folder (a new install) and then again with the cache that run left.

    python benchmarks/bench_first_run.py [--repeat 3]

Prints the wall time of each (best of ``--repeat``) and the ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: The demo as ``yingji demo`` runs it; with "compile" the desk code compiles at its first job.
_DEMO = """
import sys
from sim import desk_queue
if sys.argv[1] == "compile":
    desk_queue.SWEEP.after = desk_queue.ANSWER.after = 0
from experiments.cli import main
raise SystemExit(main(["demo", "--out", sys.argv[2]]))
"""


def _demo(mode: str, cache: Path, out: Path) -> float:
    """Seconds one demo process takes with ``cache`` as its user cache folder."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "MPLBACKEND": "Agg"}
    env.pop("NUMBA_CACHE_DIR", None)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", _DEMO, mode, str(out)], cwd=REPO, env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for k in range(args.repeat):
            for mode in ("plain first", "compile"):
                cache = root / f"cache-{mode[0]}{k}"  # empty: a new install
                for j, when in enumerate(("new install", "next run")):
                    out = root / f"out-{mode[0]}{k}-{j}"
                    times.setdefault((mode, when), []).append(_demo(mode, cache, out))
    print(f"yingji demo, wall time of a fresh process, best of {args.repeat}")
    for when in ("new install", "next run"):
        ours, base = min(times[("plain first", when)]), min(times[("compile", when)])
        print(f"{when:<11} : {ours:5.1f} s plain Python first, {base:5.1f} s compiled from the "
              f"first job: {base / ours:.2f}x as fast")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
