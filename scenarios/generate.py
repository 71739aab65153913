"""From a scenario spec and a network to an :class:`IncidentStream`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from networks.roadnet import RoadNetwork
from networks.seeds import SeedLike, as_generator
from scenarios.background import add_background
from scenarios.batch import Context
from scenarios.cascade import fill_grades, resolve_cascades
from scenarios.catalogue import HazardCatalogue
from scenarios.places import Geography
from scenarios.roads import add_road_effects
from scenarios.spec import ScenarioSpec
from scenarios.stream import IncidentStream

#: Independent random streams of one generation, in spawn order.
STREAMS = ("background", "events", "grades", "cascades", "work", "roads")


def generate_stream(
    spec: ScenarioSpec,
    network: RoadNetwork,
    *,
    rng: SeedLike,
    weights: np.ndarray | None = None,
    sources: Mapping[str, Sequence[int]] | None = None,
    catalogue: HazardCatalogue | None = None,
) -> IncidentStream:
    """Draw one incident stream of a scenario on a network.

    Parameters
    ----------
    spec
        The scenario.
    network
        The road network (its undisrupted state is used for geometry).
    rng
        Random generator (or a seed: int, SeedSequence, ``None`` for fresh
        entropy; see :func:`networks.seeds.as_generator`). Six independent
        child streams are spawned from it (:data:`STREAMS`), so e.g. adding an
        event leaves the background incidents unchanged.
    weights
        Population weights per node; default: the density proxy of
        :class:`scenarios.places.Geography`.
    sources
        Hazard-source node indices by kind; kinds not given take the defaults
        of :func:`scenarios.places.default_sources`.
    catalogue
        Hazard catalogue; default: the shipped one plus the scenario's
        ``catalogue`` file. The scenario's ``overrides`` are applied on top.

    Returns
    -------
    IncidentStream
        Time-sorted incidents (minutes from the start) with parents renumbered,
        requirements for every (hazard, grade) of the catalogue (row
        ``4 * hazard_index + grade - 1``, hazards sorted) and the road
        disruption schedule.
    """
    cat = spec.hazard_catalogue(catalogue)
    geo = Geography(network, weights=weights, sources=sources)
    ctx = Context(
        geo=geo,
        catalogue=cat,
        horizon=spec.duration_h * 60.0,
        start_hour=spec.start_hour,
        background=spec.background.per_day(),
        profiles=dict(spec.background.profiles),
        source=spec.source,
    )
    r_bg, r_ev, r_grade, r_casc, r_work, r_road = as_generator(rng).spawn(len(STREAMS))
    add_background(ctx, rng=r_bg)
    for i, (event, er) in enumerate(zip(spec.events, r_ev.spawn(len(spec.events)), strict=True)):
        event.apply(ctx, rng=er, key=f"events[{i}]")
    b = ctx.batch
    fill_grades(ctx, np.arange(len(b)), rng=r_grade)
    resolve_cascades(ctx, max_depth=spec.max_cascade_depth, rng=r_casc)
    add_road_effects(ctx, rng=r_road)

    hazard = b.col("hazard").astype(str)
    grade = b.col("grade").astype(np.int64)
    index = {k: i for i, k in enumerate(cat.keys)}
    hidx = np.array([index[h] for h in hazard], dtype=np.int64)
    control = np.zeros(len(b))
    clear = np.zeros(len(b))
    for h in sorted(set(hazard)):
        spec_h = cat[h]
        for g in (1, 2, 3, 4):
            sel = np.flatnonzero((hazard == h) & (grade == g))
            if sel.size:
                control[sel] = spec_h.control_work(g).sample(r_work, sel.size)
                clear[sel] = spec_h.clear_work(g).sample(r_work, sel.size)
    categories = np.array([cat[h].category for h in cat.keys])
    return IncidentStream.from_rows(
        time=b.col("time"),
        node=b.col("node"),
        hazard=hazard,
        category=categories[hidx] if len(b) else np.zeros(0, dtype=str),
        grade=grade,
        requirement=hidx * 4 + grade - 1,
        control_work=control,
        clear_work=clear,
        requirements=cat.requirements(),
        parent=b.col("parent"),
        disruptions=b.disruptions,
        warnings=b.warnings,
    )
