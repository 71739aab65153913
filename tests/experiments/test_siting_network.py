"""Location models built from a road network: direction, node mapping, hierarchy."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from experiments.siting import MCLP, PMedian, SitingError, SupplyHierarchy
from networks import synthetic_county


@pytest.fixture(scope="module")
def county():
    return synthetic_county(seed=3, townships=4, villages=12, grid=8)


def test_from_network_uses_times_from_site_to_demand(county):
    rng = np.random.default_rng(0)
    dem = rng.choice(county.n_nodes, 40, replace=False)
    cand = rng.choice(county.n_nodes, 9, replace=False)
    model = PMedian.from_network(county, dem, None, cand, p=3)
    forward = county.travel_times(cand)
    np.testing.assert_array_equal(model.times, forward[:, dem].T.astype(float))
    # The county seat has one-way streets: the two directions differ somewhere.
    backward = county.travel_times(cand, reverse=True)
    assert not np.array_equal(forward[:, dem], backward[:, dem])
    i, j = 5, 2
    assert model.times[i, j] == pytest.approx(county.travel_time(int(cand[j]), int(dem[i])))


def test_fixed_sites_are_given_as_nodes(county):
    rng = np.random.default_rng(1)
    dem = rng.choice(county.n_nodes, 60, replace=False)
    cand = rng.choice(county.n_nodes, 12, replace=False)
    model = MCLP.from_network(county, dem, None, cand, standard=300, p=3, fixed=[cand[4]])
    model.solve()
    assert cand[4] in model.selected_nodes_
    assert 4 in model.selected_
    with pytest.raises(SitingError, match="not among candidate_nodes"):
        MCLP.from_network(county, dem, None, cand, standard=300, p=3, fixed=[-5 % county.n_nodes])


def test_hierarchy_on_the_synthetic_county(county):
    marks = {k: [m.node for m in county.landmarks if m.kind == k] for k in ("city", "township")}
    villages = [m.node for m in county.landmarks if m.kind == "village"]
    weights = np.arange(1, len(villages) + 1, dtype=float)
    model = SupplyHierarchy.from_network(
        county,
        villages,
        weights,
        marks["township"],
        marks["city"],
        p_township=2,
        standard=1800.0,
        min_coverage=0.0,
    ).solve()
    # Brute force over the 6 pairs of townships, through the model's own route evaluation.
    best = min(
        float(weights @ model.evaluate(np.array(pair))[0])
        for pair in combinations(range(len(marks["township"])), 2)
    )
    assert model.objective_ == pytest.approx(best)
    assert model.status_ == "optimal"
    picked = model.selected_township_nodes_
    assert picked.size == 2 and set(picked.tolist()) <= set(marks["township"])
