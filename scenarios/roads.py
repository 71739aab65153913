"""Road effects of incidents from the catalogue: closures and slowdowns around the scene."""

from __future__ import annotations

import numpy as np

from networks.roadnet import Disruption
from scenarios.batch import Context
from scenarios.stream import ScheduledDisruption


def add_road_effects(ctx: Context, *, rng: np.random.Generator) -> None:
    """Append a :class:`ScheduledDisruption` per incident whose hazard's road rules fire.

    Each rule fires with its probability for the incident's grade and affects the
    edges (of its road set) within its radius of the scene, from the call time for
    a drawn duration. Isolation zones are labelled ``"isolation: <hazard>"``.
    Incidents whose road damage an event model already produced are skipped.
    """
    b = ctx.batch
    time, node, hazard = b.col("time"), b.col("node"), b.col("hazard")
    grade, own = b.col("grade").astype(np.int64), b.col("own_roads")
    for h in sorted(set(hazard)):
        rows = np.flatnonzero((hazard == h) & ~own)
        for rule in ctx.catalogue[h].roads:
            if rows.size == 0:
                break
            fire = rows[rng.random(rows.size) < np.asarray(rule.probability)[grade[rows] - 1]]
            dur = np.empty(fire.size)
            for gv in (1, 2, 3, 4):
                sel = grade[fire] == gv
                if sel.any():
                    dur[sel] = rule.duration(gv).sample(rng, int(sel.sum()))
            for row, d in zip(fire, dur, strict=True):
                x, y = ctx.geo.xy[node[row]]
                edges = ctx.geo.edges_within(x, y, rule.radius_m[grade[row] - 1], along=rule.along)
                if edges.size == 0:
                    continue
                label = f"{rule.label or rule.effect}: {h}"
                b.disruptions.append(
                    ScheduledDisruption(
                        float(time[row]),
                        float(time[row] + d),
                        Disruption(tuple(int(e) for e in edges), rule.factor, label),
                        int(row),
                    )
                )
