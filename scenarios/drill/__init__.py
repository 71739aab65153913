"""Blind drills: draw a surprise scenario nobody can foresee, as plain data.

The draw lives here (hazard, place, time, grade, alarm, injects); sealing,
packets and the benchmark timeline live in :mod:`experiments.drill`.
"""

from scenarios.drill.canonical import canonical_json, commitment, is_canonical, matches
from scenarios.drill.draw import EARLIER_VERSIONS, GENERATOR_VERSION, DrillDrawer, PastDrill
from scenarios.drill.entropy import (
    combine,
    contribution_commitment,
    fresh_seed,
    generator_from_seed,
    new_contribution,
    seed_from_int,
)
from scenarios.drill.errors import SealError
from scenarios.drill.injects import Store, Unit
from scenarios.drill.script import Alarm, DrillScript, Inject, Scene
from scenarios.drill.sites import Namer, node_areas
from scenarios.drill.spec import BLIND_LEVELS, DRILL_TYPES, INJECT_KINDS, DrillSpec

__all__ = [
    "BLIND_LEVELS",
    "DRILL_TYPES",
    "EARLIER_VERSIONS",
    "GENERATOR_VERSION",
    "INJECT_KINDS",
    "Alarm",
    "DrillDrawer",
    "DrillScript",
    "DrillSpec",
    "Inject",
    "Namer",
    "PastDrill",
    "Scene",
    "SealError",
    "Store",
    "Unit",
    "canonical_json",
    "combine",
    "commitment",
    "contribution_commitment",
    "fresh_seed",
    "generator_from_seed",
    "is_canonical",
    "matches",
    "new_contribution",
    "node_areas",
    "seed_from_int",
]
