"""An experiment whose stations are a GeoPackage layer hashes the GeoPackage's contents."""

from __future__ import annotations

import pytest

from networks import ConfigError

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


@pytest.fixture
def plans(tmp_path):
    """A GeoPackage with two layers of stations (one station each)."""
    path = tmp_path / "guixi.gpkg"
    for layer, lon in (("stations_2020", 117.21485), ("stations_2025", 117.20754)):
        gpd.GeoDataFrame(
            {"name": ["贵溪市消防救援大队"]}, geometry=[shapely.Point(lon, 28.29263)], crs=4326
        ).to_file(path, layer=layer, driver="GPKG")
    return path


def test_a_run_config_names_a_layer_and_the_experiment_hashes_its_file(plans):
    """``stations = "guixi.gpkg#stations_2025"`` is a table of the config, and an experiment's
    identity holds the GeoPackage's contents under the path as written (layer and all)."""
    from experiments.config import RunConfig
    from experiments.hashing import file_digest, identity_view

    table = {
        "network": {"synthetic": "county"},
        "facilities": {"stations": "guixi.gpkg#stations_2025", "depots": "none"},
        "scenario": {"name": "typical_week"},
    }
    cfg = RunConfig.from_dict(table, source="run.toml", base_dir=plans.parent)
    assert cfg.stations == plans.parent / "guixi.gpkg#stations_2025"
    view = identity_view(cfg, base_dir=plans.parent)
    assert view["input_files"] == {"guixi.gpkg#stations_2025": file_digest(plans)}
    missing = {**table, "facilities": {"stations": "nothere.gpkg#stations", "depots": "none"}}
    with pytest.raises(ConfigError, match="no such file"):
        RunConfig.from_dict(missing, source="run.toml", base_dir=plans.parent)
