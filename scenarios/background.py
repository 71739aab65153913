"""Background incidents: a non-homogeneous space-time Poisson process.

For hazard ``h`` the intensity at node ``n`` and time ``t`` (minutes) is

    lambda_h(n, t) = r_h / 1440 * p_h(hour(t)) * w_h(n)

with ``r_h`` the daily rate over the whole network, ``p_h`` a piecewise-constant
hourly profile of mean 1 and ``w_h`` spatial weights summing to 1. Because the
rate is piecewise constant in time, the process is sampled exactly: a Poisson
count per clock-hour bin, uniform times inside each bin, and nodes drawn
independently by ``w_h`` (no thinning needed).
"""

from __future__ import annotations

import numpy as np

from scenarios.batch import Context


def sample_poisson(
    edges: np.ndarray,
    expected: np.ndarray,
    probs: np.ndarray,
    *,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Points of a Poisson process, piecewise constant in time, separable in space.

    Parameters
    ----------
    edges
        Bin edges in minutes (``len(expected) + 1``).
    expected
        Expected number of points per bin.
    probs
        Probability of each node (sums to 1), or of the nodes listed by the
        caller (indices into that list are returned).
    rng
        Random generator.

    Returns
    -------
    times, nodes
        Unsorted times (minutes) and node indices (into ``probs``).
    """
    counts = rng.poisson(np.asarray(expected, dtype=np.float64))
    total = int(counts.sum())
    lo = np.repeat(edges[:-1], counts)
    hi = np.repeat(edges[1:], counts)
    times = lo + (hi - lo) * rng.random(total)
    nodes = rng.choice(len(probs), size=total, p=probs) if total else np.zeros(0, np.int64)
    return times, nodes.astype(np.int64)


def expected_per_bin(ctx: Context, hazard: str, rate_per_day: float, t0: float = 0.0,
                     t1: float | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Bin edges and expected counts of a hazard at ``rate_per_day`` over [t0, t1]."""
    edges, hours = ctx.hour_bins(t0, t1)
    lam = rate_per_day / 1440.0 * ctx.profile(hazard)[hours]
    return edges, lam * np.diff(edges)


def add_background(ctx: Context, *, rng: np.random.Generator) -> None:
    """Append the background incidents of every hazard with a positive rate (sorted by key)."""
    for hazard in sorted(ctx.background):
        rate = ctx.background[hazard]
        if rate <= 0:
            continue
        edges, exp = expected_per_bin(ctx, hazard, rate)
        times, nodes = sample_poisson(edges, exp, ctx.weights(hazard), rng=rng)
        if times.size:
            ctx.batch.add(time=times, node=nodes, hazard=hazard)
