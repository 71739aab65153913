"""Coordinates a user gets wrong: x/y in another system, longitude and latitude swapped.

x/y columns are read in the network's projected CRS, which the refusal and
``yingji network info`` name; a latitude beyond ±90 beside a longitude within it
is called a swap, in a CSV-style row and in a GeoJSON file alike.
"""

from __future__ import annotations

import json

import pytest

from experiments.cli import main
from experiments.commands.network import format_network_info
from experiments.geo_rows import crs_label
from experiments.locations import TableRow, read_rows, resolve_location
from networks import ConfigError
from tests.conftest import osm_file


def _refusal(county, cells):
    row = TableRow(cells, "line 2")
    with pytest.raises(ConfigError) as info:
        resolve_location(row.cells, county, source="st.csv", key=row.key(), field_key=row.key)
    return str(info.value)


def test_swapped_lon_and_lat_are_called_a_swap(county):
    lon, lat = float(county.nodes.lon[0]), float(county.nodes.lat[0])
    text = _refusal(county, {"lon": str(lat), "lat": str(lon)})
    assert text.startswith("st.csv: line 2, column lat: ")
    assert "lon and lat swapped?" in text and f"(longitude first: {lon}, {lat})" in text
    assert resolve_location({"lon": lon, "lat": lat}, county) == 0  # the right order is a place
    # A latitude no swap would make a place, or one within ±90: not called a swap.
    assert "swapped" not in _refusal(county, {"lon": "28.3", "lat": "300"})
    assert "swapped" not in _refusal(county, {"lon": "100.5", "lat": "120"})


def test_a_geojson_written_lat_first_is_called_a_swap(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"name": "贵溪市消防救援大队"},
        "geometry": {"type": "Point", "coordinates": [28.29263, 117.21485]},
    }
    path = tmp_path / "st.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    with pytest.raises(ConfigError) as info:
        read_rows(path)
    text = str(info.value)
    assert text.startswith(f"{path}: features[0].geometry: ")
    assert "lon and lat swapped? (longitude first: 117.21485, 28.29263)" in text
    assert "coordinate reference system" not in text  # the CRS is not what is wrong here


def test_xy_far_from_the_roads_names_the_network_crs(county):
    x, y = float(county.nodes.x.max()), float(county.nodes.y.max())  # 5 km beyond the corner
    text = _refusal(county, {"x": str(x + 5000.0), "y": str(y + 5000.0)})
    assert text.startswith("st.csv: line 2: ") and "\n" not in text
    assert county.crs in text and "lon and lat" in text


def test_the_crs_label_names_an_epsg_code():
    assert crs_label("EPSG:32650") == "EPSG:32650 (WGS 84 / UTM zone 50N)"
    proj = "+proj=aeqd +lat_0=28.3 +lon_0=117.2 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    assert crs_label(proj) == proj


def test_network_info_prints_the_crs_of_xy(capsys):
    assert (
        main(["--lang", "en", "network", "info", str(osm_file("cn_jiangxi_guixi_drive.osm.bz2"))])
        == 0
    )
    rows = [line.split(None, 2) for line in capsys.readouterr().out.splitlines()]
    assert ["x/y", "CRS", "EPSG:32650 (WGS 84 / UTM zone 50N)"] in rows


def test_the_demo_keeps_its_lines(county):
    summary = county.summary()
    assert "CRS" not in format_network_info(summary)
    assert county.crs in format_network_info(summary, crs=True)
