"""Grades and cascades: frequencies against their probabilities, delays, generations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scenarios import ScenarioSpec, generate_stream


def one_hazard(rate, *, hours=240, depth=1, hazard="building_fire", **override):
    base = {"roads": [], "cascade": []}
    base.update(override)
    return ScenarioSpec.from_dict(
        {
            "name": "t",
            "duration_h": hours,
            "max_cascade_depth": depth,
            "background": {"rates": {hazard: rate}},
            "overrides": {"hazards": {hazard: base}},
        }
    )


def test_grades_follow_the_distribution(small, catalogue):
    s = one_hazard(400.0, hazard="mine_accident")
    st = generate_stream(s, small, rng=np.random.default_rng(3), catalogue=catalogue)
    obs = np.bincount(st.grade, minlength=5)[1:]
    p = np.asarray(catalogue["mine_accident"].grade_probs)
    assert obs.sum() > 3000
    assert stats.chisquare(obs, p * obs.sum()).pvalue > 1e-3


def test_cascade_frequency_delay_and_grade_rule(small, catalogue):
    rules = [
        {
            "hazard": "mass_poisoning",
            "probability": [0.9, 0.6, 0.3, 0.1],
            "delay": {"dist": "exponential", "mean": 45},
            "grade": "milder",
        },
        {
            "hazard": "crowd_crush",
            "probability": 0.25,
            "delay": {"dist": "fixed", "value": 10},
            "spread_m": 2000,
            "grade": "parent",
        },
    ]
    s = one_hazard(600.0, cascade=rules, grade_probs=[0.1, 0.2, 0.3, 0.4])
    st = generate_stream(s, small, rng=np.random.default_rng(4), catalogue=catalogue)
    parents = np.flatnonzero(st.hazard == "building_fire")
    assert np.all(st.parent[parents] == -1)
    horizon = 240 * 60
    for rule in rules:
        kids = np.flatnonzero(st.hazard == rule["hazard"])
        assert np.all(st.parent[kids] >= 0)
        par = st.parent[kids]
        assert np.all(st.hazard[par] == "building_fire")
        assert len(np.unique(par)) == len(par), "a rule fires at most once per parent"
        # Frequency by parent grade; only parents early enough that no child is cut off.
        early = parents[st.time[parents] < horizon - 24 * 60]
        probs = rule["probability"] if isinstance(rule["probability"], list) else [0.25] * 4
        for g in (1, 2, 3, 4):
            pg = early[st.grade[early] == g]
            k = int(np.isin(pg, par).sum())
            assert stats.binomtest(k, pg.size, probs[g - 1]).pvalue > 1e-3, (rule["hazard"], g)
        delay = st.time[kids] - st.time[par]
        if rule["grade"] == "milder":
            assert np.all(st.grade[kids] == np.minimum(st.grade[par] + 1, 4))
            d = delay[st.time[par] < horizon - 24 * 60]
            assert abs(d.mean() - 45) < 4 * 45 / np.sqrt(d.size)
            assert stats.kstest(d, "expon", args=(0, 45)).pvalue > 1e-3
        else:
            assert np.all(st.grade[kids] == st.grade[par])
            assert np.allclose(delay, 10.0)
            xy = np.column_stack([small.nodes.x, small.nodes.y])
            dist = np.hypot(*(xy[st.node[kids]] - xy[st.node[par]]).T)
            assert dist.max() <= 2000 + 1e-6


def test_generations_multiply_by_the_probability(small, catalogue):
    rule = [
        {
            "hazard": "building_fire",
            "probability": 0.5,
            "delay": {"dist": "fixed", "value": 1},
            "grade": "parent",
        }
    ]
    s = one_hazard(500.0, hours=48, depth=3, cascade=rule)
    st = generate_stream(s, small, rng=np.random.default_rng(6), catalogue=catalogue)
    gen = np.zeros(len(st), dtype=int)
    for i in range(len(st)):  # parents come earlier in time, hence earlier in the stream
        if st.parent[i] >= 0:
            assert st.parent[i] < i
            gen[i] = gen[st.parent[i]] + 1
    n = np.bincount(gen, minlength=4)
    assert gen.max() == 3, "max_cascade_depth must stop the tree"
    for k in (1, 2, 3):
        assert stats.binomtest(int(n[k]), int(n[k - 1]), 0.5).pvalue > 1e-3


def test_same_seed_same_stream_and_different_seed_differs(county, catalogue):
    from scenarios import load_scenario

    s = load_scenario("multi_hazard")
    a = generate_stream(s, county, rng=np.random.default_rng(42), catalogue=catalogue)
    b = generate_stream(s, county, rng=np.random.default_rng(42), catalogue=catalogue)
    c = generate_stream(s, county, rng=np.random.default_rng(43), catalogue=catalogue)
    for f in (
        "time",
        "node",
        "hazard",
        "category",
        "grade",
        "requirement",
        "control_work",
        "clear_work",
        "parent",
    ):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    assert a.disruptions == b.disruptions
    assert a.requirements == b.requirements
    assert len(a) != len(c) or not np.array_equal(a.time, c.time)


def test_adding_an_event_keeps_the_background(small, catalogue):
    base = {
        "name": "t",
        "duration_h": 24,
        "max_cascade_depth": 0,
        "background": {"rates": {"building_fire": 20.0, "traffic_accident": 20.0}},
    }
    with_event = dict(base, events=[{"type": "incident", "hazard": "flood", "time_h": 3}])
    a = generate_stream(
        ScenarioSpec.from_dict(base), small, rng=np.random.default_rng(9), catalogue=catalogue
    )
    b = generate_stream(
        ScenarioSpec.from_dict(with_event), small, rng=np.random.default_rng(9), catalogue=catalogue
    )
    keep = b.hazard != "flood"
    assert np.array_equal(a.time, b.time[keep])
    assert np.array_equal(a.node, b.node[keep])


def test_work_times_follow_the_catalogue(small, catalogue):
    s = one_hazard(1500.0, hours=48, hazard="traffic_accident")
    st = generate_stream(s, small, rng=np.random.default_rng(8), catalogue=catalogue)
    d = catalogue["traffic_accident"].control_work(4)
    x = st.control_work[st.grade == 4]
    assert abs(x.mean() - d.mean) < 4 * np.sqrt(d.variance / x.size)
    req = [st.requirements[r] for r in st.requirement[:50]]
    assert all(
        r.hazard == h and r.grade == g
        for r, h, g in zip(req, st.hazard[:50], st.grade[:50], strict=True)
    )
    assert set(st.category) == {"accident"}


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_certain_and_impossible_rules(small, catalogue, p):
    rule = [{"hazard": "flood", "probability": p, "delay": {"dist": "fixed", "value": 0}}]
    st = generate_stream(
        one_hazard(50.0, hours=24, cascade=rule),
        small,
        rng=np.random.default_rng(1),
        catalogue=catalogue,
    )
    n_fire = int((st.hazard == "building_fire").sum())
    assert int((st.hazard == "flood").sum()) == (n_fire if p else 0)


#: A fire that certainly sets off two more fires: 2**depth incidents per primary.
DOUBLING = [
    {"hazard": "building_fire", "probability": 1.0, "delay": {"dist": "fixed", "value": 1}},
    {"hazard": "building_fire", "probability": 1.0, "delay": {"dist": "fixed", "value": 1}},
]


def test_expected_secondaries_follow_the_branching(catalogue):
    from scenarios.cascade import expected_secondaries

    cat = catalogue.merged({"hazards": {"building_fire": {"cascade": DOUBLING}}})
    i = cat.keys.index("building_fire")
    growth = expected_secondaries(cat, 5)
    assert growth[i] == pytest.approx([2 + 4 + 8 + 16 + 32] * 4)
    assert expected_secondaries(cat, 0)[i] == pytest.approx([0] * 4)
    assert np.isfinite(expected_secondaries(cat, 100)).all()


@pytest.mark.timeout(60)
def test_an_exploding_cascade_is_refused_when_read():
    from networks.errors import ConfigError

    with pytest.raises(ConfigError, match="max_cascade_depth") as info:
        one_hazard(2.0, hours=24, depth=100, cascade=DOUBLING).hazard_catalogue()
    assert info.value.key == "overrides.hazards.building_fire.cascade"
    # Twenty generations of doubling from two fires a day: about 4 million, refused too.
    with pytest.raises(ConfigError, match="expected to add about 4.19e\\+06"):
        one_hazard(2.0, hours=24, depth=20, cascade=DOUBLING).hazard_catalogue()
    one_hazard(2.0, hours=24, depth=10, cascade=DOUBLING).hazard_catalogue()  # about 4,000


@pytest.mark.timeout(60)
def test_a_cascade_past_the_limit_stops_naming_the_rule(small, catalogue, monkeypatch):
    """Expected sizes are read-time bounds; the draw itself stops at MAX_INCIDENTS too."""
    from networks.errors import ConfigError
    from scenarios import cascade

    monkeypatch.setattr(cascade, "MAX_INCIDENTS", 500)
    spec = one_hazard(100.0, hours=24, depth=6, cascade=DOUBLING)  # ~12,600 secondaries
    with pytest.raises(ConfigError, match="more than 500 incidents") as info:
        generate_stream(spec, small, rng=np.random.default_rng(1), catalogue=catalogue)
    assert info.value.key in {f"overrides.hazards.building_fire.cascade[{j}]" for j in (0, 1)}
