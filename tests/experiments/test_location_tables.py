"""Location tables as GeoJSON, GeoPackage or Shapefile: read with geopandas, any CRS."""

from __future__ import annotations

import zipfile

import pytest

from experiments.facility_tables import table_facilities
from experiments.locations import read_rows
from networks import ConfigError

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")
#: One test writes a Shapefile without a CRS on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")

#: Teams of three stations: (station, tier, capability, size, count, turnout_min).
TEAMS = [
    ("Seat", "city", "fire", 6, 3, 2.0),
    ("Seat", "city", "medical", 4, None, None),
    ("East", "township", "general", 32, 1, 1.5),
    ("West", "township", "general", 30, 2, None),
]


def _station_frame(county):
    """The stations of :data:`TEAMS` as a WGS84 GeoDataFrame, a little off their nodes."""
    towns = [lm for lm in county.landmarks if lm.kind == "township"]
    place = {"Seat": county.landmarks[0].node, "East": towns[0].node, "West": towns[1].node}
    rows, points = [], []
    for name, tier, cap, size, count, turnout in TEAMS:
        node = place[name]
        lon = float(county.nodes.lon[node]) + 1e-4
        lat = float(county.nodes.lat[node]) - 1e-4
        rows.append(
            {
                "name": name,
                "name_zh": f"{name}站",
                "tier": tier,
                "capability": cap,
                "size": size,
                "count": count,
                "turnout_min": turnout,
            }
        )
        points.append(shapely.Point(lon, lat))
    return gpd.GeoDataFrame(rows, geometry=points, crs="EPSG:4326")


def _shapefile(frame, path):
    """Write ``frame`` as a Shapefile, its column names cut to 10 characters as GDAL cuts them."""
    frame.rename(columns={c: c[:10] for c in frame.columns if c != "geometry"}).to_file(path)
    return path


def _csv(frame, path):
    lines = ["name,name_zh,tier,capability,size,count,turnout_min,lon,lat"]
    for row, point in zip(frame.itertuples(), frame.geometry, strict=True):
        count = "" if row.count != row.count or row.count is None else str(int(row.count))
        turnout = "" if row.turnout_min != row.turnout_min else str(row.turnout_min)
        lines.append(
            f"{row.name},{row.name_zh},{row.tier},{row.capability},{row.size},{count},"
            f"{turnout},{point.x!r},{point.y!r}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _placed(path, county):
    stations, _wheres = table_facilities(path, "stations", county)
    return [
        (
            s.name,
            s.name_zh,
            s.tier,
            s.node,
            [(t.capability, t.size, t.count, t.turnout) for t in s.teams],
        )
        for s in stations
    ]


def test_every_table_format_places_the_same_stations(tmp_path, county):
    frame = _station_frame(county)
    want = _placed(_csv(frame, tmp_path / "stations.csv"), county)
    assert [s[3] for s in want] == [
        county.landmarks[0].node,
        *[lm.node for lm in county.landmarks if lm.kind == "township"][:2],
    ]
    frame.to_file(tmp_path / "wgs84.geojson", driver="GeoJSON")
    frame.to_crs("EPSG:32650").to_file(tmp_path / "utm.geojson", driver="GeoJSON")
    frame.to_crs("EPSG:32650").to_file(tmp_path / "stations.gpkg", driver="GPKG")
    _shapefile(frame.to_crs("EPSG:3857"), tmp_path / "stations.shp")  # turnout_mi
    with zipfile.ZipFile(tmp_path / "zipped.zip", "w") as zf:
        for part in tmp_path.glob("stations.*"):
            if part.suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                zf.write(part, part.name)
    for name in ("wgs84.geojson", "utm.geojson", "stations.gpkg", "stations.shp", "zipped.zip"):
        assert _placed(tmp_path / name, county) == want, name


def test_a_shapefile_without_a_crs_is_refused_in_one_line(tmp_path, county):
    frame = _station_frame(county).to_crs("EPSG:32650").set_crs(None, allow_override=True)
    _shapefile(frame, tmp_path / "stations.shp")
    assert not (tmp_path / "stations.prj").exists()
    with pytest.raises(ConfigError, match="no coordinate reference system") as info:
        table_facilities(tmp_path / "stations.shp", "stations", county)
    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'stations.shp'}: ") and "\n" not in text


def test_a_geojson_without_a_crs_is_wgs84_and_metres_are_refused(tmp_path, county):
    utm = _station_frame(county).to_crs("EPSG:32650")
    # Projected metres written as if they were longitude and latitude.
    utm.set_crs(None, allow_override=True).to_file(tmp_path / "bare.geojson", driver="GeoJSON")
    with pytest.raises(ConfigError, match="no place on Earth") as info:
        read_rows(tmp_path / "bare.geojson")
    assert str(info.value).startswith(f"{tmp_path / 'bare.geojson'}: features[0].geometry: ")


def test_a_polygon_row_is_refused_naming_the_row(tmp_path, county):
    frame = _station_frame(county)
    geoms = list(frame.geometry)
    geoms[2] = geoms[2].buffer(0.001)
    frame.set_geometry(gpd.GeoSeries(geoms, crs=frame.crs)).to_file(
        tmp_path / "stations.gpkg", driver="GPKG"
    )
    with pytest.raises(ConfigError, match="Polygon geometry") as info:
        table_facilities(tmp_path / "stations.gpkg", "stations", county)
    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'stations.gpkg'}: features[2].geometry: ")
    assert "\n" not in text


def test_attribute_mistakes_name_file_feature_and_column(tmp_path, county):
    frame = _station_frame(county)
    frame.loc[1, "capability"] = "dragons"
    frame.to_file(tmp_path / "stations.gpkg", driver="GPKG")
    with pytest.raises(ConfigError, match="unknown capability 'dragons'") as info:
        table_facilities(tmp_path / "stations.gpkg", "stations", county)
    assert str(info.value).startswith(
        f"{tmp_path / 'stations.gpkg'}: features[1].properties.capability: "
    )
    frame = _station_frame(county).assign(colour="red")
    frame.to_file(tmp_path / "extra.geojson", driver="GeoJSON")
    with pytest.raises(ConfigError, match="unknown column") as info:
        table_facilities(tmp_path / "extra.geojson", "stations", county)
    assert "features[0].properties.colour" in str(info.value)


def test_an_unknown_suffix_names_the_formats(tmp_path):
    (tmp_path / "stations.xlsx").write_bytes(b"")
    with pytest.raises(ConfigError, match=r"\.gpkg, \.shp"):
        read_rows(tmp_path / "stations.xlsx")
