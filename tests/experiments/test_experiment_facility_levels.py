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


@pytest.mark.parametrize("bad", ["far", "negative"])
def test_a_bad_station_table_level_is_refused_before_the_folder_is_made(tmp_path, bad):
    # docs/experiments.md: every design point is checked before anything runs. A table is
    # read when its region is placed: p001's table must not stop the run after p000's
    # results are written (the folder would then refuse the corrected file).
    from experiments.batch import run_experiment

    src = REPO / "examples" / "shanghai"
    rows = (src / "stations.csv").read_text(encoding="utf-8").splitlines()
    head = rows[0].split(",")
    cells = rows[1].split(",")
    if bad == "far":
        cells[head.index("lon")], cells[head.index("lat")] = "116.4", "39.9"  # Beijing
        col = "lon"
    else:
        col = next(c for c in head if c.startswith("turnout"))
        cells[head.index(col)] = "-3"
    rows[1] = ",".join(cells)
    (tmp_path / "bad.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copy(src / "stations.csv", tmp_path / "stations.csv")
    data = {
        "name": "sitings",
        "base": {"network": {"file": str(REPO / "examples" / "data" / "shanghai_center.osm.bz2")},
                 "facilities": {"depots": "none"}, "scenario": {"name": "typical_week"},
                 "run": {"replications": 1}},
        "factors": [{"key": "facilities.stations", "levels": ["stations.csv", "bad.csv"]}],
    }  # fmt: skip
    spec = ExperimentSpec.from_dict(data, source="sitings.toml", base_dir=tmp_path)
    out = tmp_path / "out"
    with pytest.raises(ConfigError) as exc:
        run_experiment(spec, out)
    text = str(exc.value)
    assert "bad.csv" in text and "p001" in text and "line 2" in text and col in text
    assert not out.exists()
