"""Fewest moves: float32 rounding of road times is a tie, a unit of demand a real loss.

Road times are float32 (networks.roadnet.RoadNetwork.travel_times): two sitings equally
good on the map can differ in the last bits of every time, which must not move a site.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from experiments.siting import MCLP, PCenter, PMedian, SupplyHierarchy
from experiments.siting.moves import fewest_moves


def _problem(model: str, n_candidates: int) -> SimpleNamespace:
    """Candidate 0 is the current site; nothing fixed, no other tiers."""
    return SimpleNamespace(
        task=SimpleNamespace(model=model),
        candidates=np.arange(n_candidates),
        current=np.array([0]),
        fixed=np.zeros(0, dtype=np.int64),
        background=np.zeros(0, dtype=np.int64),
    )


def _float32_twins(rng: np.random.Generator, n: int) -> np.ndarray:
    """Road seconds from a current site (column 0), a twin one float32 step nearer
    everywhere (column 1, the same place up to rounding) and a far site (column 2)."""
    here = rng.uniform(60.0, 900.0, n).astype(np.float32)
    twin = np.nextafter(here, np.float32(0))
    return np.column_stack([here, twin, here + np.float32(600)]).astype(np.float64)


@pytest.mark.parametrize("cls", [PMedian, PCenter])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_site_better_only_by_float32_rounding_does_not_move(cls, seed):
    rng = np.random.default_rng(seed)
    times = _float32_twins(rng, 400)
    model = cls.from_matrix(times, weights=rng.integers(1, 50, 400), p=1).solve()
    assert model.selected_.tolist() == [1]  # the solver takes the twin: it is "better"
    kind = "pmedian" if cls is PMedian else "pcenter"
    assert fewest_moves(_problem(kind, 3), model, model.selected_).tolist() == [0]


def test_a_township_depot_better_only_by_float32_rounding_does_not_move():
    # The audit's case: the chain via the current township depot and via another one
    # differ only in the last bits of the road times.
    rng = np.random.default_rng(3)
    last_leg = _float32_twins(rng, 300).T  # (townships, demand)
    model = SupplyHierarchy.from_matrix(
        np.full((1, 300), 5000.0), np.full((1, 3), 240.0), last_leg,
        weights=rng.integers(1, 50, 300), p_township=1, standard=1800.0, min_coverage=0.0,
    ).solve()  # fmt: skip
    model.township_nodes = np.arange(3)  # what from_network sets: the columns' nodes
    assert model.selected_townships_.tolist() == [1]
    assert fewest_moves(_problem("hierarchy", 3), model, model.selected_townships_).tolist() == [0]


def test_one_unit_of_demand_is_a_real_gain_however_large_the_total():
    # Coverage objectives add demand weights: with 3 million units covered, the site
    # that covers one unit more must still win (a relative 1e-6 would call it a tie).
    weights = np.array([3_000_000.0, 1.0])
    times = np.array([[100.0, 100.0], [900.0, 100.0]])  # candidate 1 also covers point 1
    model = MCLP.from_matrix(times, weights=weights, standard=300.0, p=1).solve()
    assert model.selected_.tolist() == [1]
    assert fewest_moves(_problem("mclp", 2), model, model.selected_).tolist() == [1]
