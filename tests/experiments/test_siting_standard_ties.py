"""A demand point exactly at the standard, as travel times read it, is covered by the model too.

Travel times are float32: three roads of 160.00000003 s add up to a little over
480 s in float64 but read 480.0 s. The plan's tables call such a point covered
by an 8-minute standard; a search cut at 480 s in float64 dropped it, and the
model's objective fell below the coverage it printed.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.siting import LSCP, MCLP
from experiments.siting.coverage import BackupCoverage
from tests.sim.helpers import road_network

LEG = 160.00000003  # three of them: 480.00000009 s in float64, 480.0 s in float32


@pytest.fixture()
def line():
    return road_network(4, [(0, 1, LEG), (1, 2, LEG), (2, 3, LEG)])


def test_the_time_tables_read_the_far_end_at_the_standard(line):
    assert 3 * LEG > 480.0
    assert line.travel_times([0])[0, 3] == np.float32(480.0)


@pytest.mark.parametrize("model", [MCLP, BackupCoverage])
def test_coverage_models_count_it_covered(line, model):
    m = model.from_network(line, [3], None, [0], p=1, standard=480.0).solve()
    assert m.times[0, 0] == 480.0  # read as the tables read it, not cut off as unreachable
    assert m.coverage_ == pytest.approx(1.0)


def test_set_cover_needs_no_second_site(line):
    m = LSCP.from_network(line, [3], None, [0, 3], standard=480.0).solve()
    assert m.times[0, 0] == 480.0
