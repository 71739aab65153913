"""Location tables as GeoJSON, GeoPackage or Shapefile: read with geopandas, any CRS."""

from __future__ import annotations

import json
import logging
import math
import sqlite3
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


def _geojson(path, county, changes):
    """The stations of :data:`TEAMS` as GeoJSON text, feature ``i``'s properties updated by
    ``changes[i]``; written as JSON directly, so a property may be a list or a boolean."""
    frame = _station_frame(county)
    features = []
    for i, (row, point) in enumerate(zip(frame.drop(columns="geometry").to_dict("records"),
                                         frame.geometry, strict=True)):  # fmt: skip
        props = {k: (None if v != v else v) for k, v in row.items()}  # NaN -> null
        props.update(changes.get(i, {}))
        geometry = {"type": "Point", "coordinates": [point.x, point.y]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.parametrize(
    ("changes", "key", "value"),
    [
        # TypeError: unhashable type: 'numpy.ndarray'
        ({1: {"capability": ["general"]}}, "features[1].properties.capability", '["general"]'),
        # Both accepted: the tier "city", a station named "['Seat']".
        ({0: {"tier": ["city"]}}, "features[0].properties.tier", '["city"]'),
        ({0: {"name": ["Seat"]}}, "features[0].properties.name", '["Seat"]'),
        ({3: {"size": {"people": 30}}}, "features[3].properties.size", '{"people": 30}'),
    ],
)
def test_a_list_or_object_property_is_refused_naming_feature_and_property(
    tmp_path, county, changes, key, value
):
    path = _geojson(tmp_path / "stations.geojson", county, changes)
    with pytest.raises(ConfigError) as info:
        table_facilities(path, "stations", county)
    assert str(info.value) == (
        f"{path}: {key}: expected one value, not a list or an object: {value}"
    )


def test_a_list_in_a_geopackage_json_column_is_refused_naming_its_feature(tmp_path, county):
    # GDAL marks a column of JSON text (a list field saved by QGIS); geopandas parses it.
    frame = _station_frame(county)
    frame["capability"] = [json.dumps(c) for c in ("fire", ["medical"], "general", "general")]
    path = tmp_path / "stations.gpkg"
    frame.to_file(path, layer="stations", driver="GPKG")
    with sqlite3.connect(path) as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
            "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, "
            "mime_type TEXT, constraint_name TEXT, PRIMARY KEY (table_name, column_name))"
        )
        con.execute(
            "INSERT INTO gpkg_data_columns (table_name, column_name, mime_type) "
            "VALUES ('stations', 'capability', 'application/json')"
        )
    with pytest.raises(ConfigError) as info:
        table_facilities(path, "stations", county)
    assert str(info.value) == (
        f"{path}: features[1].properties.capability: "
        'expected one value, not a list or an object: ["medical"]'
    )


def test_a_list_is_refused_on_its_own_feature_when_gdal_widens_the_column(tmp_path, county):
    # GDAL reads the whole column as lists, feature 0's "city" as ["city"]: it was named.
    path = _geojson(tmp_path / "stations.geojson", county, {2: {"tier": ["township", "city"]}})
    with pytest.raises(ConfigError) as info:
        table_facilities(path, "stations", county)
    assert str(info.value).startswith(f"{path}: features[2].properties.tier: expected one value")


@pytest.mark.parametrize(
    ("column", "words"),
    [("size", "expected an integer"), ("count", "expected an integer"),
     ("turnout_min", "expected a finite number")],
)  # fmt: skip
def test_a_boolean_among_numbers_is_refused_not_read_as_one(tmp_path, county, column, words):
    # GDAL reads true among integers (or floats) as 1: a team of one, one team, a minute.
    path = _geojson(tmp_path / "stations.geojson", county, {0: {column: True}})
    with pytest.raises(ConfigError) as info:
        table_facilities(path, "stations", county)
    assert str(info.value) == f"{path}: features[0].properties.{column}: {words}, got true"


def test_mixed_texts_and_numbers_in_a_geojson_column_say_nothing(tmp_path, county, caplog):
    # pyogrio's "Could not parse column ... as JSON" was passed on, though moot.
    path = _geojson(tmp_path / "stations.geojson", county, {3: {"name_zh": 7}})
    with caplog.at_level(logging.WARNING):
        rows = read_rows(path)
    assert rows[3].cells["name_zh"] == 7 and rows[2].cells["name_zh"] == "East站"
    assert not caplog.records


def test_lon_lat_properties_must_name_the_geometrys_place(tmp_path, county):
    """Properties 50 km off the point were dropped without a word; rounded ones agree."""
    frame = _station_frame(county)
    x, y = float(frame.geometry.iloc[1].x), float(frame.geometry.iloc[1].y)
    agree = frame.assign(lon=frame.geometry.x.round(3), lat=frame.geometry.y.round(3))
    agree.to_file(tmp_path / "agree.geojson", driver="GeoJSON")
    rows = read_rows(tmp_path / "agree.geojson")
    assert rows[1].cells["lon"] == pytest.approx(x) and rows[1].cells["lat"] == pytest.approx(y)
    off = agree.copy()
    off.loc[1, "lat"] = round(y - 0.45, 3)  # 50 km south
    off.to_file(tmp_path / "off.geojson", driver="GeoJSON")
    with pytest.raises(ConfigError, match="km apart") as info:
        read_rows(tmp_path / "off.geojson")
    text = str(info.value)
    assert text.startswith(f"{tmp_path / 'off.geojson'}: features[1].properties.lon: ")
    km = float(text.split(" km apart")[0].rsplit(" ", 1)[1])
    assert km == pytest.approx(6371.0 * math.radians(0.45), abs=0.1)


@pytest.mark.parametrize(("encoding", "said"), [("gbk", True), ("utf-8", False)])
def test_a_shapefile_without_cpg_reads_its_chinese_text(tmp_path, county, caplog, encoding, said):
    """GDAL reads a .dbf without a .cpg as Latin-1: GBK names came out as mojibake, silently."""
    frame = _station_frame(county).assign(name_zh=lambda f: f["name"] + "应急救援站")
    path = tmp_path / f"{encoding}.shp"
    frame.rename(columns={"turnout_min": "turnout_mi"}).to_file(path, encoding=encoding)
    path.with_suffix(".cpg").unlink()  # as many Chinese GIS exports come
    with caplog.at_level(logging.WARNING):
        rows = read_rows(path)
    assert [r.cells["name_zh"] for r in rows] == frame["name_zh"].tolist()
    warned = [r.getMessage() for r in caplog.records if "GB18030" in r.getMessage()]
    assert len(warned) == int(said)


def test_station_names_that_differ_only_in_case_are_said(tmp_path, county, caplog):
    """Two rows of one station spelt in two cases made two stations, without a word."""
    frame = _station_frame(county)
    frame.loc[1, "name"] = frame.loc[0, "name"].lower()
    frame.loc[1, "geometry"] = frame.loc[0, "geometry"]
    frame.to_file(tmp_path / "case.geojson", driver="GeoJSON")
    with caplog.at_level(logging.WARNING):
        for _read in range(2):  # a command reads its tables twice: said once
            stations, _where = table_facilities(tmp_path / "case.geojson", "stations", county)
    said = [r.getMessage() for r in caplog.records if "only in case" in r.getMessage()]
    assert len(said) == 1 and "features[1]" in said[0] and "(features[0])" in said[0]
    assert len(stations) == len({*frame["name"]})  # still two stations, as written


def test_latin1_text_stays_latin1_and_a_zipped_gbk_shapefile_is_read(tmp_path, county, caplog):
    """ü before an ASCII letter is a valid GB18030 pair: Lüshun read as L黶hun, warned as GBK.
    And a zipped Shapefile without .cpg had no detection at all."""
    frame = _station_frame(county)
    places = ["Lüshun", "Nüjiang", "Ürümqi", "Zhangjiajie"]
    latin = frame.assign(area=[places[k % len(places)] for k in range(len(frame))])
    path = tmp_path / "latin.shp"
    latin.rename(columns={"turnout_min": "turnout_mi"}).drop(columns="name_zh").to_file(
        path, encoding="ISO-8859-1"
    )
    path.with_suffix(".cpg").unlink()
    with caplog.at_level(logging.WARNING):
        rows = read_rows(path)
    assert [r.cells["area"] for r in rows] == latin["area"].tolist()
    assert not [r for r in caplog.records if "GB18030" in r.getMessage()]
    gbk = frame.assign(name_zh=lambda f: f["name"] + "应急救援站")
    shp = tmp_path / "z" / "gbk.shp"
    shp.parent.mkdir()
    gbk.rename(columns={"turnout_min": "turnout_mi"}).to_file(shp, encoding="gbk")
    shp.with_suffix(".cpg").unlink()
    with zipfile.ZipFile(tmp_path / "gbk.zip", "w") as z:
        for part in shp.parent.iterdir():
            z.write(part, part.name)
    assert [r.cells["name_zh"] for r in read_rows(tmp_path / "gbk.zip")] == gbk["name_zh"].tolist()


def test_properties_a_web_maps_shift_away_name_gcj02(tmp_path, county):
    """300-700 m between properties and geometry is what Amap or Baidu coordinates give."""
    frame = _station_frame(county)
    shifted = frame.assign(lon=frame.geometry.x + 0.005, lat=frame.geometry.y - 0.002)
    shifted.to_file(tmp_path / "gcj.geojson", driver="GeoJSON")
    with pytest.raises(ConfigError, match="GCJ-02") as info:
        read_rows(tmp_path / "gcj.geojson")
    assert "features[0].properties.lon" in str(info.value)
