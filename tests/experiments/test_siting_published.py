"""Location models held to published optima on OR-Library's pmed1 (Beasley 1990).

See tests/experiments/data/README.md for the source and licence of the instance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.siting import LSCP, PCenter, PMedian, read_pmed

PMED1 = Path(__file__).parent / "data" / "pmed1.txt"


@pytest.fixture(scope="module")
def pmed1():
    return read_pmed(PMED1)


def test_pmed1_is_read_as_published(pmed1):
    times, p = pmed1
    assert times.shape == (100, 100) and p == 5
    assert np.isfinite(times).all() and (np.diag(times) == 0).all()
    np.testing.assert_array_equal(times, times.T)
    # Duplicate edge (30, 70) is listed with cost 5 then 74: the last listing counts.
    assert times[29, 69] <= 74


def test_pmed1_pmedian_matches_beasley_optimum(pmed1):
    # OR-Library pmedopt: pmed1 (n=100, p=5) optimum 5819 (Beasley 1985, 1990).
    times, p = pmed1
    model = PMedian.from_matrix(times, p=p).solve()
    assert model.objective_ == 5819
    assert model.status_ == "optimal" and model.gap_ == 0
    assert model.cost_of(model.selected_) == 5819


def test_pmed1_pcenter_matches_published_optimum(pmed1):
    # Vertex p-center optimum 127 for pmed1, from the table of ORLIB optima in Pullan (2008),
    # as listed in timothy-ch-cheung/k-center (src/server/dataset/ORLIB/kcenteropt.txt).
    times, p = pmed1
    model = PCenter.from_matrix(times, p=p).solve()
    assert model.objective_ == 127
    assert model.radius_of(model.selected_) == 127


def test_pmed1_lscp_agrees_with_the_pcenter_optimum(pmed1):
    # Minieka's duality: 127 is the least standard that 5 sites can cover.
    times, _ = pmed1
    assert LSCP.from_matrix(times, standard=127).solve().objective_ <= 5
    assert LSCP.from_matrix(times, standard=126.5).solve().objective_ > 5
