"""At very low load the simulator's coverage is the location model's coverage.

With one call at a time, no turnout and no call-taking delay, the first team on
scene is the nearest station's, so "arrival within the standard" in the
simulation is exactly "within the standard of an open site" in the model.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from experiments.siting import MCLP, BackupCoverage, PMedian
from scenarios.stream import Requirement
from sim import Fixed
from sim.facilities import Station, TeamSpec
from tests.sim.helpers import poisson_stream

RESCUE = Requirement("rescue", 4, (("general", 1),))
STANDARD_S = 600.0


def _stations(nodes):
    team = TeamSpec("general", 30, count=1, turnout=Fixed(0.0))
    return [Station(f"S{k}", int(n), "township", (team,)) for k, n in enumerate(nodes)]


def _simulate(county, selected_nodes, weights, n, seed):
    stream = poisson_stream(
        np.arange(county.n_nodes), weights, rate=1 / 50_000, n=n,
        rng=np.random.default_rng(seed), requirements=[RESCUE], control=Fixed(20.0),
        clear=Fixed(10.0),
    )  # fmt: skip
    rec = sim.run(
        county, _stations(selected_nodes), (), stream,
        rng=np.random.default_rng(seed + 1), call_taking=Fixed(0),
    )  # fmt: skip
    assert not rec.dispatches["from_scene"].any()  # no team was ever busy elsewhere
    inc = rec.incidents
    return inc["node"], inc["first_arrival"] - inc["call_taken"]


@pytest.mark.parametrize("model_cls", [MCLP, BackupCoverage, PMedian])
def test_simulated_coverage_matches_the_model(county, model_cls):
    rng = np.random.default_rng(11)
    w = rng.gamma(0.5, size=county.n_nodes)
    cand = np.array(sorted({lm.node for lm in county.landmarks}))
    kwargs = {"p": 6} if model_cls is PMedian else {"p": 6, "standard": STANDARD_S}
    model = model_cls.from_network(county, np.arange(county.n_nodes), w, cand, **kwargs).solve()
    chosen = model.selected_nodes_
    # The model's view: is each node within the standard of an open site?
    within = county.travel_times(chosen).min(axis=0) <= STANDARD_S
    model_share = float(np.sum(w * within) / w.sum())
    if model_cls is MCLP:
        assert model.coverage_ == pytest.approx(model_share, abs=1e-12)

    nodes, arrive = _simulate(county, chosen, w, n=3000, seed=5)
    sim_covered = arrive <= STANDARD_S / 60.0
    # Incident by incident, the simulator and the model agree exactly...
    np.testing.assert_array_equal(sim_covered, within[nodes])
    # ...so the simulated share estimates the model's demand-weighted coverage.
    share = float(sim_covered.mean())
    se = math.sqrt(model_share * (1 - model_share) / nodes.size)
    assert abs(share - model_share) < 4 * se
