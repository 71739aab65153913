"""Property tests: any valid small scenario gives a well-formed, reproducible stream."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import ScenarioSpec, generate_stream

HAZARDS = [
    "building_fire",
    "traffic_accident",
    "hazmat_leak",
    "waterlogging",
    "epidemic_cluster",
    "mass_gathering",
    "earthquake",
    "forest_fire",
]

events = st.one_of(
    st.builds(
        lambda t, g: {"type": "chemical_leak", "time_h": t, "grade": g},
        st.floats(0, 30),
        st.integers(1, 4),
    ),
    st.builds(
        lambda t, d, i, r: {
            "type": "rainstorm",
            "start_h": t,
            "duration_h": d,
            "intensity_mm_h": i,
            "radius_m": r,
        },
        st.floats(0, 20),
        st.floats(0.5, 10),
        st.floats(1, 80),
        st.floats(500, 30000),
    ),
    st.builds(
        lambda t, m: {"type": "earthquake", "time_h": t, "magnitude": m, "at": "random"},
        st.floats(0, 20),
        st.floats(4.0, 7.0),
    ),
    st.builds(
        lambda h, t: {"type": "incident", "hazard": h, "time_h": t},
        st.sampled_from(HAZARDS),
        st.floats(0, 30),
    ),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rates=st.dictionaries(st.sampled_from(HAZARDS), st.floats(0, 20), max_size=4),
    evs=st.lists(events, max_size=3),
    hours=st.floats(1, 36),
    depth=st.integers(0, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_streams_are_well_formed(small, catalogue, rates, evs, hours, depth, seed):
    # Events start before the end (one starting later is refused: it would never happen).
    evs = [{k: v % hours if k in ("time_h", "start_h") else v for k, v in e.items()} for e in evs]
    spec = ScenarioSpec.from_dict(
        {
            "name": "p",
            "duration_h": hours,
            "max_cascade_depth": depth,
            "background": {"rates": rates},
            "events": evs,
        }
    )
    assert ScenarioSpec.from_dict(spec.to_dict()) == spec
    a = generate_stream(spec, small, rng=np.random.default_rng(seed), catalogue=catalogue)
    b = generate_stream(spec, small, rng=np.random.default_rng(seed), catalogue=catalogue)
    assert np.array_equal(a.time, b.time) and a.disruptions == b.disruptions
    n = len(a)
    if n:
        assert np.all(np.diff(a.time) >= 0)
        assert a.time.min() >= 0 and a.time.max() <= hours * 60 + 1e-9
        kids = np.flatnonzero(a.parent >= 0)
        assert np.all(a.parent[kids] < kids)
        assert np.all(a.grade >= 1) and np.all(a.grade <= 4)
        for r, h, g in zip(a.requirement, a.hazard, a.grade, strict=True):
            assert (a.requirements[r].hazard, a.requirements[r].grade) == (h, g)
        assert set(a.category) <= {"natural_disaster", "accident", "public_health", "social_safety"}
    for d in a.disruptions:
        assert -1 <= d.incident < n and d.end >= d.start
        assert len(d.disruption.edges) == len(set(d.disruption.edges))
