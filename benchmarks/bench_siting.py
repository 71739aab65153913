"""Location models at planning scale: MCLP and p-median, 5,000 demand nodes x 300 candidates.

Run:  python benchmarks/bench_siting.py [--grid 60] [--demand 5000] [--candidates 300] [--p 20]
                                        [--standard 600] [--time-limit 120] [--seed 42]
                                        [--no-spopt] [--spopt-time-limit 900] [--repeat 3]

The instance is drawn with a seeded generator from the synthetic county
(``networks.synthetic_county(grid=...)``, ~5,600 nodes at grid 60) so travel
times have road structure: demand nodes and candidate nodes are distinct random
nodes, demand weights integers 1..99. Travel times run from each candidate to
every node (one forward Dijkstra per candidate).

yingji's models (scipy.optimize.milp / HiGHS, with exact reductions) are timed
on the instance, against a baseline measured in the same run: the textbook MCLP
(Church & ReVelle 1974, one binary per candidate and one coverage variable per
demand node) handed to the same HiGHS without reductions or a starting solution
(``--no-plain`` skips it), so the ratio is what yingji's reductions and incumbent
buy on one solver; if PySAL spopt is installed (benchmark-only, never a
dependency: ``pip install spopt``) the same cost matrix is solved with spopt and
its default solver (CBC through PuLP), and the ratio of times and the two
objectives are printed. spopt gets ``--spopt-time-limit`` seconds of CBC time.
Timings are wall seconds of one run; check ``uptime`` first on a shared machine.

Reference (ANCHORS.md, same sizes): spopt + CBC MCLP 9.6 s build + 97 s solve;
p-median 40 s build and no solution within 15 minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np


def instance(grid: int, n_demand: int, n_cand: int, seed: int):  # noqa: ANN201
    from networks import synthetic_county

    net = synthetic_county(seed=0, grid=grid)
    rng = np.random.default_rng(seed)
    nodes = rng.permutation(net.n_nodes)
    if n_demand + n_cand > net.n_nodes:
        raise SystemExit(f"grid {grid} has only {net.n_nodes} nodes; raise --grid")
    dem, cand = nodes[:n_demand], nodes[n_demand : n_demand + n_cand]
    weights = rng.integers(1, 100, n_demand).astype(float)
    return net, dem, cand, weights


def run_spopt(kind: str, times: np.ndarray, weights: np.ndarray, args) -> dict:  # noqa: ANN001
    warnings.filterwarnings("ignore")
    import pulp
    from spopt.locate import MCLP as SpMCLP
    from spopt.locate import PMedian as SpPMedian

    # spopt cannot take inf: unreachable pairs become a time beyond any standard.
    cost = np.where(np.isfinite(times), times, 10 * np.nanmax(times[np.isfinite(times)]))
    t0 = time.perf_counter()
    if kind == "mclp":
        model = SpMCLP.from_cost_matrix(cost, weights, args.standard, p_facilities=args.p)
    else:
        model = SpPMedian.from_cost_matrix(cost, weights, p_facilities=args.p)
    build = time.perf_counter() - t0
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=args.spopt_time_limit)
    t0 = time.perf_counter()
    try:
        model.solve(solver, results=False)
        status = pulp.LpStatus[model.problem.status]
        objective = pulp.value(model.problem.objective)
    except Exception as exc:  # spopt raises when CBC stops without a solution
        status, objective = f"failed: {type(exc).__name__}: {exc}"[:80], None
    solve = time.perf_counter() - t0
    if kind == "mclp" and objective is not None:
        sites = [j for j, v in enumerate(model.fac_vars) if (v.value() or 0) > 0.5]
        objective = float(weights[(times[:, sites] <= args.standard).any(1)].sum())
    if kind == "pmedian" and objective is not None:
        sites = [j for j, v in enumerate(model.fac_vars) if (v.value() or 0) > 0.5]
        objective = float(weights @ times[:, sites].min(1))
    return {"build": build, "solve": solve, "status": status, "objective": objective}


def plain_mclp(times: np.ndarray, weights: np.ndarray, standard: float, p: int,
               time_limit: float) -> dict:  # fmt: skip
    """The textbook MCLP in scipy.optimize.milp (HiGHS), as built without yingji's reductions."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    t0 = time.perf_counter()
    n, m = times.shape
    cover = sparse.csr_array((times <= standard).astype(np.float64))
    # Variables: x_j (m binaries) then y_i (n in [0, 1]); maximise sum w_i y_i.
    c = np.concatenate([np.zeros(m), -weights])
    a = sparse.vstack([
        sparse.hstack([-cover, sparse.eye_array(n)]),  # y_i <= sum_{j covers i} x_j
        sparse.hstack([sparse.csr_array(np.ones((1, m))), sparse.csr_array((1, n))]),  # = p
    ]).tocsr()  # fmt: skip
    lo = np.concatenate([np.full(n, -np.inf), [p]])
    hi = np.concatenate([np.zeros(n), [p]])
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = milp(c, integrality=np.concatenate([np.ones(m), np.zeros(n)]),
               bounds=Bounds(0, 1), constraints=LinearConstraint(a, lo, hi),
               options={"time_limit": time_limit})  # fmt: skip
    solve = time.perf_counter() - t0
    objective = None
    if res.x is not None:
        sites = np.flatnonzero(res.x[:m] > 0.5)
        objective = float(weights[(times[:, sites] <= standard).any(1)].sum())
    return {"build": build, "solve": solve, "status": res.message, "objective": objective}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=60)
    ap.add_argument("--demand", type=int, default=5000)
    ap.add_argument("--candidates", type=int, default=300)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--standard", type=float, default=600.0)
    ap.add_argument(
        "--time-limit",
        type=float,
        default=120.0,
        help="time limit of the p-median and of the plain-MILP baseline, seconds",
    )
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-spopt", action="store_true")
    ap.add_argument("--no-plain", action="store_true", help="skip the textbook-MILP baseline")
    ap.add_argument("--spopt-time-limit", type=float, default=900.0)
    ap.add_argument("--repeat", type=int, default=3, help="timings of the MCLP solve (median)")
    args = ap.parse_args()

    from experiments.siting import MCLP, PMedian

    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    net, dem, cand, weights = instance(args.grid, args.demand, args.candidates, args.seed)
    print(f"network: {net.n_nodes} nodes, {net.n_edges} edges ({time.perf_counter() - t0:.2f} s)")

    t0 = time.perf_counter()
    pmed = PMedian.from_network(net, dem, weights, cand, p=args.p, time_limit=args.time_limit)
    build = time.perf_counter() - t0
    times = pmed.times
    print(f"travel times {times.shape} from candidates: {build:.2f} s")
    mclp = MCLP.from_matrix(times, weights=weights, standard=args.standard, p=args.p)

    ours = {}
    for kind, model in (("mclp", mclp), ("pmedian", pmed)):
        # The fast model is timed --repeat times (median); p-median once.
        runs = [model.solve().solve_time_ for _ in range(args.repeat if kind == "mclp" else 1)]
        ours[kind] = model
        model.solve_time_ = statistics.median(runs)
        print(
            f"yingji {kind:8s} solve {model.solve_time_:8.2f} s  objective {model.objective_:.1f}"
            f"  status {model.status_}  gap {model.gap_:.3%}  reduction {model.reduction_}"
        )
    if not args.no_plain:
        mine = ours["mclp"]
        base = [plain_mclp(times, weights, args.standard, args.p, args.time_limit)
                for _ in range(args.repeat)]  # fmt: skip
        total = statistics.median(b["build"] + b["solve"] for b in base)
        got = base[0]
        print(f"plain  mclp     build {got['build']:6.2f} s + solve {got['solve']:8.2f} s"
              f"  objective {got['objective']}  status {got['status']}")  # fmt: skip
        if got["objective"] is None:
            print(f"  no plain-MILP solution within {args.time_limit:g} s: no ratio")
        else:
            same = abs(got["objective"] - mine.objective_) <= 1e-6 * abs(mine.objective_)
            print(f"  ratio plain MILP (build+solve, median of {args.repeat}) / yingji solve: "
                  f"{total / mine.solve_time_:.1f}x; objectives equal: {same}")  # fmt: skip
    if args.no_spopt:
        return
    try:
        import spopt  # noqa: F401
    except ImportError:
        print("spopt not installed: no comparison (pip install spopt)")
        return
    for kind in ("mclp", "pmedian"):
        sp = run_spopt(kind, times, weights, args)
        mine = ours[kind]
        line = (
            f"spopt  {kind:8s} build {sp['build']:6.2f} s + solve {sp['solve']:8.2f} s"
            f"  objective {sp['objective']}  status {sp['status']}"
        )
        print(line)
        total = sp["build"] + sp["solve"]
        if sp["objective"] is None:
            # No solution: a time ratio would compare a failure with a result.
            print(f"  no spopt solution within {args.spopt_time_limit:g} s: no ratio")
            continue
        diff = abs(sp["objective"] - mine.objective_)
        same = f"; objectives equal: {diff <= 1e-6 * abs(mine.objective_)}"
        print(f"  ratio spopt (build+solve) / yingji solve: {total / mine.solve_time_:.1f}x{same}")


if __name__ == "__main__":
    main()
