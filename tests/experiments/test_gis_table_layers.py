"""A GeoPackage (or a zip of Shapefiles) with several layers: which one is read, or a refusal.

Reading the first layer, as GDAL does, ran last year's plan without a word; now the
layer named after the table is read, or the one the path names
(``county.gpkg#stations_2025``), or the file is refused with its layers listed.
"""

from __future__ import annotations

import logging
import warnings

import pytest

from experiments.geo_rows import table_file
from experiments.locations import read_rows
from networks import ConfigError

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")

#: Stations of two plans: the old one has the county brigade only.
OLD = [("贵溪市消防救援大队", 117.21485, 28.29263)]
NEW = [
    *OLD,
    ("雄石街道应急救援站", 117.20754, 28.30332),
    ("东门街道应急救援站", 117.23975, 28.29946),
]


def _layer(path, layer, places, crs="EPSG:4326"):
    frame = gpd.GeoDataFrame(
        {"name": [p[0] for p in places]},
        geometry=[shapely.Point(p[1], p[2]) for p in places],
        crs="EPSG:4326",
    ).to_crs(crs)
    frame.to_file(path, layer=layer, driver="GPKG")


@pytest.fixture
def plans(tmp_path):
    """A GeoPackage holding last plan's stations layer before this year's."""
    path = tmp_path / "guixi.gpkg"
    _layer(path, "stations_2020", OLD)
    _layer(path, "stations_2025", NEW, crs="EPSG:4549")  # CGCS2000, as a bureau's GIS has it
    return path


def _names(rows):
    return [r.cells["name"] for r in rows]


def test_several_layers_and_none_chosen_are_refused_listing_them(plans, caplog):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pyogrio's "More than one layer found" must not show
        with pytest.raises(ConfigError) as info:
            read_rows(plans, table="stations")
    text = str(info.value)
    assert text.startswith(f"{plans}: ") and "\n" not in text
    assert "stations_2020, stations_2025" in text and "guixi.gpkg#stations_2025" in text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_layer_named_in_the_path_is_read(plans, caplog):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = read_rows(plans.with_name("guixi.gpkg#stations_2025"))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert _names(rows) == [p[0] for p in NEW]
    # Reprojected from CGCS2000 to WGS84: back where the stations stand.
    assert [(round(r.cells["lon"], 5), round(r.cells["lat"], 5)) for r in rows] == [
        (p[1], p[2]) for p in NEW
    ]
    assert _names(read_rows(plans.with_name("guixi.gpkg#stations_2020"))) == [OLD[0][0]]


def test_an_unknown_layer_is_refused_naming_the_path_and_the_layers(plans):
    named = plans.with_name("guixi.gpkg#stations_2030")
    with pytest.raises(ConfigError, match="no layer 'stations_2030'") as info:
        read_rows(named)
    text = str(info.value)
    assert text.startswith(f"{named}: ") and "stations_2020, stations_2025" in text


def test_the_layer_named_after_the_table_is_read(tmp_path):
    path = tmp_path / "county.gpkg"
    _layer(path, "depots", [("贵溪市综合物资库", 117.21113, 28.3026)])
    _layer(path, "stations", NEW)
    assert _names(read_rows(path, table="stations")) == [p[0] for p in NEW]
    assert _names(read_rows(path, table="depots")) == ["贵溪市综合物资库"]
    with pytest.raises(ConfigError, match="none named demand"):
        read_rows(path, table="demand")


def test_one_layer_is_read_as_before_and_hash_paths_that_exist_stay_files(tmp_path):
    path = tmp_path / "one.gpkg"
    _layer(path, "whatever", NEW)
    assert _names(read_rows(path, table="stations")) == [p[0] for p in NEW]
    odd = tmp_path / "plan#2025.gpkg"  # a file whose own name holds a '#'
    _layer(odd, "whatever", OLD)
    assert table_file(odd) == (odd, None)
    assert _names(read_rows(odd)) == [OLD[0][0]]
    assert table_file(tmp_path / "t.csv#x") == (tmp_path / "t.csv#x", None)  # no layers in CSV
