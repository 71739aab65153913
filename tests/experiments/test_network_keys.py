"""A ``[network]`` table that reads a road file refuses the keys of a built-in network."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.network_spec import NetworkSpec
from networks.errors import ConfigError


def _spec(table: dict) -> NetworkSpec:
    return NetworkSpec.from_dict(table, source="run.toml", base_dir=Path("/data"))


@pytest.mark.parametrize(
    "key", ["seed", "townships", "villages", "grid", "counties", "county_grid"]
)
def test_a_file_network_refuses_each_synthetic_only_key_naming_it(key):
    with pytest.raises(ConfigError) as info:
        _spec({"file": "roads.osm.bz2", key: 3})
    text = str(info.value)
    assert f"network.{key}" in text
    assert "this config reads a road file" in text
    built_in = '"city"' if key in ("counties", "county_grid") else '"county" or "city"'
    assert f"applies to synthetic = {built_in} only" in text


def test_a_file_network_with_speeds_only_still_loads_and_round_trips():
    spec = _spec({"file": "roads.osm.bz2", "speeds": {"residential": 25}})
    assert spec.file == str(Path("/data/roads.osm.bz2"))
    assert _spec(spec.to_dict()) == spec


def test_the_county_still_names_the_city_for_a_city_only_key():
    with pytest.raises(ConfigError, match='only synthetic = "city"'):
        _spec({"synthetic": "county", "counties": 3})
