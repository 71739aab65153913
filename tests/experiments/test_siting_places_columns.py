"""Siting tables: an undeclared column is refused, errors name row and column (audit #5, #12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.config import RunConfig
from experiments.siting.places import SITING_TABLE, demand_weights
from experiments.siting.plan import build_problem
from experiments.siting.task import read_tasks
from networks.errors import ConfigError

BASE = {
    "network": {"synthetic": "county"},
    "scenario": {"name": "typical_week"},
    "facilities": {"township_stations": 6},
}


@pytest.fixture(scope="module")
def config():
    return RunConfig.from_dict(BASE, source="test")


@pytest.fixture(scope="module")
def region(config):
    return config.region()


def _task(tmp: Path, table: str, **kw):
    (tmp / "t.csv").write_text(table, encoding="utf-8")
    data = {**BASE, "siting": {"facility": "stations", **kw}}
    return read_tasks(data, source="run.toml", base_dir=tmp)[0]


def _node(region, name: str) -> int:
    return next(lm.node for lm in region.network.landmarks if lm.name == name)


def test_weights_are_read_beside_a_name_and_a_chinese_name(tmp_path, config, region):
    table = "name,name_zh,landmark,weight\nA,甲,Xiba Town,50\nB,乙,County Seat,1\n"
    nodes, weights = demand_weights(_task(tmp_path, table, demand="t.csv"), config, region)
    got = dict(zip(nodes.tolist(), weights.tolist(), strict=True))
    assert got == {_node(region, "Xiba Town"): 50.0, _node(region, "County Seat"): 1.0}


@pytest.mark.parametrize("key", ["demand", "candidates", "fix"])
@pytest.mark.parametrize("column", ["wieght", "Weight", "lanmark", "population"])
def test_an_undeclared_column_is_refused_naming_it(tmp_path, config, region, key, column):
    table = f"landmark,{column}\nXiba Town,50\n"
    with pytest.raises(ConfigError) as info:
        build_problem(_task(tmp_path, table, **{key: "t.csv"}), config, region)
    assert info.value.source == str(tmp_path / "t.csv")
    assert info.value.key == f"line 1, column {column}"
    for declared in ("weight", "landmark", "name"):
        assert declared in str(info.value)


def test_the_declared_columns_are_the_documented_ones():
    assert {"name", "name_zh", "weight", "landmark", "lon", "lat"} <= SITING_TABLE.names
    assert "ignored" not in SITING_TABLE.help


def test_a_fix_table_keeps_its_names(tmp_path, config, region):
    table = "name,name_zh,landmark\nHilltop Station,山顶站,Xiba Village 2\n"
    prob = build_problem(_task(tmp_path, table, fix="t.csv", p=7), config, region)
    assert prob.names == {_node(region, "Xiba Village 2"): "Hilltop Station"}


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("landmark,weight\nXiba Town,1\nAtlantis,1\n", "line 3, column landmark"),
        ("lon,lat\n117.1,99\n", "line 2, column lat"),
        ("node,weight\n-4,1\n", "line 2, column node"),
        ("landmark,x,weight\nXiba Town,5,1\n", "line 2, column y"),
    ],
)
def test_a_bad_location_cell_names_its_row_and_column(tmp_path, config, region, table, key):
    with pytest.raises(ConfigError) as info:
        demand_weights(_task(tmp_path, table, demand="t.csv"), config, region)
    assert info.value.key == key  # not "line 3.landmark"


def test_a_sites_table_yingji_wrote_says_what_to_keep(tmp_path, config, region):
    # The header of `yingji site`'s sites.csv: its closed rows must not be fixed open.
    table = (
        "name,status,tier,node,osmid,lon,lat,x,y,demand_served,demand_within_standard\n"
        "A,closed,township,5,5,117.0,28.0,0.0,0.0,1.0,1.0\n"
    )
    with pytest.raises(ConfigError) as info:
        build_problem(_task(tmp_path, table, fix="t.csv", p=7), config, region)
    assert info.value.key == "siting.fix"
    assert "a table yingji wrote" in str(info.value) and "one location column" in str(info.value)
    # The same rows cut to a name and a location are a fix table.
    (tmp_path / "t.csv").write_text("name,node\nA,5\n", encoding="utf-8")
    assert build_problem(_task(tmp_path, "name,node\nA,5\n", fix="t.csv", p=7), config, region)
