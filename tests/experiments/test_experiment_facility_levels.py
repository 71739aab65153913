"""Stations and depots as factor levels replace the base's, however either gives them.

docs/experiments.md: "To compare your own sitings, give ``stations`` tables (or
``facilities.stations`` files) as levels" -- over a base with the default
stations, with inline ones, or with a table file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from experiments.design import ExperimentSpec
from networks.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def _station(name: str, landmark: str) -> dict:
    return {"name": name, "tier": "county", "landmark": landmark,
            "teams": [{"capability": "general", "size": 40}]}  # fmt: skip


SITINGS = [[_station("A", "County Seat")], [_station("B", "Xiba Town")]]


def _spec(base: dict, factors: list[dict], tmp_path: Path) -> ExperimentSpec:
    data = {"name": "sitings", "base": {"network": {"synthetic": "county"}, **base},
            "factors": factors}  # fmt: skip
    return ExperimentSpec.from_dict(data, source="sitings.toml", base_dir=tmp_path)


@pytest.mark.parametrize(
    "base",
    [
        {},  # the default stations
        {"stations": [_station("C", "County Seat")]},  # inline ones
        {"facilities": {"stations": "stations.csv"}},  # a table file
    ],
    ids=["default", "inline", "file"],
)
def test_station_tables_as_levels_replace_the_base_stations(tmp_path, base):
    shutil.copy(REPO / "examples" / "shanghai" / "stations.csv", tmp_path / "stations.csv")
    spec = _spec(base, [{"key": "stations", "levels": SITINGS}], tmp_path)
    points = spec.points()
    assert [[s["name"] for s in p.config.stations] for p in points] == [["A"], ["B"]]
    assert all("stations" not in p.config.to_dict().get("facilities", {}) for p in points)
    assert points[0].config_hash != points[1].config_hash


def test_station_files_as_levels_replace_inline_base_stations(tmp_path):
    shutil.copy(REPO / "examples" / "shanghai" / "stations.csv", tmp_path / "stations.csv")
    spec = _spec(
        {"stations": [_station("C", "County Seat")]},
        [{"key": "facilities.stations", "levels": ["default", "stations.csv"]}],
        tmp_path,
    )
    got = [p.config.stations for p in spec.points()]
    assert got == ["default", tmp_path / "stations.csv"]


def test_a_whole_facilities_table_as_a_level_replaces_inline_depots(tmp_path):
    depot = {"name": "D", "tier": "county", "landmark": "County Seat",
             "stock": {"tent": 10}}  # fmt: skip
    spec = _spec(
        {"depots": [depot]},
        [{"key": "facilities", "levels": [{"depots": "none"}, {"depots": "default"}]}],
        tmp_path,
    )
    assert [p.config.depots for p in spec.points()] == [(), "default"]


def test_two_factors_giving_stations_both_ways_are_still_refused(tmp_path):
    with pytest.raises(ConfigError, match="either inline"):
        _spec(
            {},
            [
                {"key": "stations", "levels": SITINGS},
                {"key": "facilities.stations", "levels": ["default"]},
            ],
            tmp_path,
        )
