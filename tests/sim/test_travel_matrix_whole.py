"""A travel-matrix destination written as a whole float (``118.0``) is the node 118."""

from __future__ import annotations

import pytest

from networks.errors import ConfigError
from sim.travel_matrix import read_od_matrix


def _matrix(tmp_path, *destinations):
    f = tmp_path / "od.csv"
    rows = "".join(f"A,{d},{6 + i},7\n" for i, d in enumerate(destinations))
    f.write_text("origin,destination,minutes,minutes_back\n" + rows)
    return f


def test_a_whole_float_destination_is_read_as_the_node(tmp_path):
    od = read_od_matrix(_matrix(tmp_path, "118.0", "3", " 7.00 "))
    assert od.destination.tolist() == [118, 3, 7]


def test_a_whole_float_is_the_same_pair_as_its_integer(tmp_path):
    with pytest.raises(ConfigError, match="the pair is given already"):
        read_od_matrix(_matrix(tmp_path, "118", "118.0"))


@pytest.mark.parametrize("cell", ["118.5", "inf", "nan", "x"])
def test_a_destination_that_is_not_a_whole_number_is_refused(tmp_path, cell):
    with pytest.raises(ConfigError, match="expected a node number"):
        read_od_matrix(_matrix(tmp_path, cell))
