"""Values that were accepted and then crashed a run, or were read as something else.

A coefficient of variation too big (or too small) for a float's arithmetic, in
any distribution of a run config, a hazard catalogue or an experiment's levels;
a list, or a boolean among numbers, as a property of a GeoJSON stations table;
how a boolean is named, alone or in a list; a hazard whose team counts are all zero.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.bad_inputs.cases_experiments import TINY
from tests.bad_inputs.cases_inputs import SCENARIO, config, run_case, scenario_file, with_files
from tests.bad_inputs.harness import Case, write


def writing(dist: str) -> str:
    """A ``[reporting.writing]`` table timing phone-first reports by ``dist``."""
    return f"[reporting.writing]\nphone_first = {dist}\n"


def exp_cv_levels(tmp: Path) -> None:
    """An experiment whose second factor's second level has a cv of 1e200."""
    levels = '[{ dist = "gamma", mean = 3, cv = 0.3 }, { dist = "gamma", mean = 3, cv = 1e200 }]'
    factor = f'[[factors]]\nkey = "reporting.writing.phone_first"\nlevels = {levels}\n'
    write(tmp, "exp.toml", TINY + factor)


#: A county station's properties in a GeoJSON stations table.
STATION = {"name": "Seat", "tier": "county", "capability": "fire", "size": 30}


def stations_geojson(*changes: dict) -> Callable[[Path], None]:
    """A run config reading ``stations.geojson``: one feature per change to :data:`STATION`."""
    point = {"type": "Point", "coordinates": [117.2, 28.3]}
    features = [
        {"type": "Feature", "geometry": point, "properties": {**STATION, **c}} for c in changes
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    return with_files(
        config('[facilities]\nstations = "stations.geojson"\n'), {"stations.geojson": text}
    )


#: A catalogue whose fires' clearing work has a cv of 1e200 in grade III.
CLEAR_WORK_CV = (
    "[hazards.building_fire.clear_work]\n"
    'dist = "gamma"\nmean = [240, 120, 60, 30]\ncv = [0.5, 0.5, 1e200, 0.5]\n'
)

#: A new hazard needing no teams: its incidents were recorded served, every time NaN.
NO_TEAMS = (
    '[hazards.dam_break]\nname = "Dam break"\ncategory = "natural_disaster"\n'
    'cap_category = "Met"\nunder_control = "Flow stopped"\ngrade_probs = [0, 0, 0.5, 0.5]\n'
    'meaning = ["a", "b", "c", "d"]\nteams = { water_rescue = 0 }\n'
    'control_work = { dist = "exponential", mean = 600 }\n'
    'clear_work = { dist = "fixed", value = 60 }\n'
)

CASES = [
    # 1 / cv**2 raised ZeroDivisionError (1e-170) or OverflowError (1e200) mid-run.
    run_case(
        "run-writing-gamma-cv-huge",
        config(writing('{ dist = "gamma", mean = 3, cv = 1e200 }')),
        "run.toml",
        "reporting.writing.phone_first.cv",
        "<= 100",
    ),
    # log1p(cv**2) overflows from about cv = 1e155.
    run_case(
        "run-writing-lognormal-cv-huge",
        config(writing('{ dist = "lognormal", mean = 3, cv = 1e155 }')),
        "run.toml",
        "reporting.writing.phone_first.cv",
        "<= 100",
    ),
    run_case(
        "run-call-taking-cv-over-max",
        config('[duty]\ncall_taking = { dist = "lognormal", mean = 0.75, cv = 101 }\n'),
        "run.toml",
        "duty.call_taking.cv",
        "<= 100",
    ),
    run_case(
        "run-catalogue-clear-work-cv-huge",
        with_files(
            scenario_file(SCENARIO + 'catalogue = "cat.toml"\n'), {"cat.toml": CLEAR_WORK_CV}
        ),
        "cat.toml",
        "hazards.building_fire.clear_work.cv[2]",
        "<= 100",
    ),
    # The experiment ran its first points, then crashed and left a partial folder.
    Case(
        "exp-run-factor-level-cv-huge",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[1]", "<= 100"),
        exp_cv_levels,
    ),
    # TypeError: unhashable type: 'numpy.ndarray'.
    run_case(
        "run-stations-geojson-capability-list",
        stations_geojson({}, {"capability": ["general"]}),
        "stations.geojson",
        "features[1].properties.capability",
        '["general"]',
    ),
    # Accepted as the tier "county".
    run_case(
        "run-stations-geojson-tier-one-item-list",
        stations_geojson({"tier": ["county"]}),
        "stations.geojson",
        "features[0].properties.tier",
    ),
    # GDAL reads the column as lists: the error named features[0], whose tier is "county".
    run_case(
        "run-stations-geojson-tier-list-in-second-feature",
        stations_geojson({}, {"capability": "general", "tier": ["county", "township"]}),
        "stations.geojson",
        "features[1].properties.tier",
    ),
    # Read as 1 (GDAL makes the column integers): a team of one person.
    run_case(
        "run-stations-geojson-size-true-among-integers",
        stations_geojson({}, {"capability": "general", "size": True}),
        "stations.geojson",
        "features[1].properties.size",
        "expected an integer, got true",
    ),
    run_case(
        "run-catalogue-teams-all-zero",
        with_files(
            scenario_file(SCENARIO + 'catalogue = "cat.toml"\n[background.rates]\ndam_break = 5\n'),
            {"cat.toml": NO_TEAMS},
        ),
        "cat.toml",
        "hazards.dam_break.teams",
        "at least one capability",
    ),
    # A boolean is named as TOML writes it, not as Python prints it (True).
    run_case(
        "run-replications-true",
        config(run="[run]\nseed = 1\nreplications = true\n"),
        "run.toml",
        "run.replications: expected an integer, got true",
    ),
    # The lists and tables of other messages printed [1, True] and {'x': False}.
    run_case(
        "run-policy-protected-true-in-list",
        config('[policy]\nname = "severity_priority"\nprotected = [1, true]\n'),
        "run.toml",
        "policy.protected: expected a list of grades 1-4, got [1, true]",
    ),
    run_case(
        "run-writing-boolean",
        config(writing("false")),
        "run.toml",
        "reporting.writing.phone_first: expected a distribution (a table or a number), got false",
    ),
]
