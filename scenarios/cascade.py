"""Grades and cascades: secondary incidents resolved while the stream is generated.

Cascades are resolved generation by generation: every incident of generation
``k`` tries each rule of its hazard once (a Bernoulli draw with the rule's
probability for the parent's grade); the children form generation ``k + 1``.
Children after the horizon are dropped, and so is anything deeper than
``max_depth``. Rows are visited in id order and hazards in key order, so a
given Generator always gives the same cascade tree.

Rules whose probabilities add up to one child or more per parent grow the
stream geometrically with the depth; :func:`expected_secondaries` lets a
scenario refuse such a catalogue while it is read, and
:func:`resolve_cascades` stops with an error naming the rule once cascades
have added :data:`~scenarios.limits.MAX_INCIDENTS` incidents.
"""

from __future__ import annotations

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.batch import Context
from scenarios.catalogue import HazardCatalogue
from scenarios.limits import MAX_INCIDENTS

#: Cap of the expected counts while they are summed (keeps them finite; far above any limit).
_EXPECTED_CAP = 1e30


def draw_grades(ctx: Context, hazard: str, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """``n`` grades (1-4) from a hazard's grade distribution."""
    p = np.asarray(ctx.catalogue[hazard].grade_probs, dtype=np.float64)
    return (rng.choice(4, size=n, p=p / p.sum()) + 1).astype(np.int8)


def fill_grades(ctx: Context, rows: np.ndarray, *, rng: np.random.Generator) -> None:
    """Draw grades for the given rows that have none yet (grade 0)."""
    b = ctx.batch
    grade, hazard = b.col("grade"), b.col("hazard")
    rows = rows[grade[rows] == 0]
    if rows.size == 0:
        return
    out = np.empty(rows.size, dtype=np.int8)
    for h in sorted(set(hazard[rows])):
        sel = hazard[rows] == h
        out[sel] = draw_grades(ctx, h, int(sel.sum()), rng=rng)
    b.set_grade(rows, out)


def _spread_node(ctx: Context, hazard: str, node: int, spread_m: float, rng) -> int:
    """A node within ``spread_m`` of ``node``, drawn by the hazard's weights."""
    if spread_m <= 0:
        return node
    x, y = ctx.geo.xy[node]
    near = ctx.geo.nodes_within(x, y, spread_m)
    w = ctx.weights(hazard)[near]
    if near.size == 0 or w.sum() <= 0:
        return node
    return int(near[rng.choice(near.size, p=w / w.sum())])


def expected_secondaries(catalogue: HazardCatalogue, max_depth: int) -> np.ndarray:
    """Expected secondary incidents of one incident, by hazard and grade.

    Parameters
    ----------
    catalogue
        The hazards and their cascade rules.
    max_depth
        Generations of secondaries.

    Returns
    -------
    numpy.ndarray
        ``(n_hazards, 4)``: row ``i`` is hazard ``catalogue.keys[i]``, column
        ``g - 1`` a parent of grade ``g``. The horizon is ignored, so these are
        upper bounds; values are capped at 1e30.
    """
    keys = catalogue.keys
    index = {k: i for i, k in enumerate(keys)}
    n = 4 * len(keys)
    m = np.zeros((n, n))  # expected children of (hazard, grade) by (hazard, grade)
    for i, h in enumerate(catalogue):
        for rule in h.cascade:
            c = index[rule.hazard]
            draw = np.asarray(catalogue[rule.hazard].grade_probs, dtype=np.float64)
            draw = draw / draw.sum()
            for g in range(4):
                p = rule.probability[g]
                if rule.grade == "parent":
                    m[4 * i + g, 4 * c + g] += p
                elif rule.grade == "milder":
                    m[4 * i + g, 4 * c + min(g + 1, 3)] += p
                else:
                    m[4 * i + g, 4 * c : 4 * c + 4] += p * draw
    total = np.zeros(n)
    size = np.ones(n)  # expected incidents of generation k below each (hazard, grade)
    for _k in range(max_depth):
        size = np.minimum(m @ size, _EXPECTED_CAP)
        if not size.any():
            break
        total = np.minimum(total + size, _EXPECTED_CAP)
    return total.reshape(len(keys), 4)


def _too_many(ctx: Context, hazard: str, rule: int, max_depth: int) -> ConfigError:
    source, key = ctx.catalogue[hazard].cascade_origin
    return ConfigError(
        _(
            "cascades added more than {limit:,} incidents (max_cascade_depth {depth}): "
            "lower the probabilities of the cascade rules or the scenario's max_cascade_depth"
        ).format(limit=MAX_INCIDENTS, depth=max_depth),
        source=source,
        key=f"{key or f'hazards.{hazard}.cascade'}[{rule}]",
    )


def resolve_cascades(ctx: Context, *, max_depth: int, rng: np.random.Generator) -> None:
    """Add the secondary incidents of every row (all grades must be set).

    Parameters
    ----------
    ctx
        The generation context; its batch grows.
    max_depth
        Generations of secondaries (1 = children of the primaries only).
    rng
        Random generator for occurrence, delay, place and grade.

    Raises
    ------
    networks.errors.ConfigError
        Once the secondaries would exceed :data:`~scenarios.limits.MAX_INCIDENTS`,
        naming the cascade rule (file and key) that would add the excess.
    """
    b = ctx.batch
    frontier = np.arange(len(b), dtype=np.int64)
    primaries = len(b)
    for _depth in range(max_depth):
        if frontier.size == 0:
            return
        time, node, hazard = b.col("time"), b.col("node"), b.col("hazard")
        grade, own = b.col("grade"), b.col("own_cascade")
        new: list[np.ndarray] = []
        for h in sorted(set(hazard[frontier])):
            rows = frontier[(hazard[frontier] == h) & ~own[frontier]]
            for j, rule in enumerate(ctx.catalogue[h].cascade):
                if rows.size == 0:
                    break
                g = grade[rows].astype(np.int64)
                p = np.asarray(rule.probability)[g - 1]
                parents = rows[rng.random(rows.size) < p]
                if parents.size == 0:
                    continue
                pg = grade[parents].astype(np.int64)
                delay = np.empty(parents.size)
                for gv in (1, 2, 3, 4):
                    sel = pg == gv
                    if sel.any():
                        delay[sel] = rule.delay(gv).sample(rng, int(sel.sum()))
                t = time[parents] + delay
                keep = t <= ctx.horizon
                parents, t, pg = parents[keep], t[keep], pg[keep]
                if parents.size == 0:
                    continue
                if len(b) - primaries + parents.size > MAX_INCIDENTS:
                    raise _too_many(ctx, h, j, max_depth)
                nodes = np.array(
                    [
                        _spread_node(ctx, rule.hazard, int(node[p]), rule.spread_m, rng)
                        for p in parents
                    ],  # fmt: skip
                    dtype=np.int64,
                )
                if rule.grade == "parent":
                    cg = pg
                elif rule.grade == "milder":
                    cg = np.minimum(pg + 1, 4)
                else:
                    cg = draw_grades(ctx, rule.hazard, parents.size, rng=rng)
                new.append(b.add(time=t, node=nodes, hazard=rule.hazard, grade=cg, parent=parents))
        frontier = np.concatenate(new) if new else np.zeros(0, dtype=np.int64)
