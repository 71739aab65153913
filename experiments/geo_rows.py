"""Location tables read through geopandas: GeoJSON, GeoPackage, Shapefile (zipped too).

Each feature must be a Point; the file is reprojected to WGS84 (EPSG:4326) and each
point becomes ``lon``/``lat`` cells beside its attributes, checked afterwards exactly
as CSV cells are (:mod:`experiments.locations`). Of a file with several layers (a
GeoPackage, a zip of Shapefiles) the one named after the table is read
(``stations``), or the one the path names (``county.gpkg#stations_2025``); with
neither, the file is refused, its layers listed.

Also here, for every location table and config: how a network's CRS is named to a
user (:func:`crs_label`) and the message for a longitude and latitude that look
swapped (:func:`swapped_lonlat`).
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from networks.names import has_cjk

if TYPE_CHECKING:
    from experiments.locations import TableRow

logger = logging.getLogger(__name__)

#: Suffixes of files that may hold no coordinate reference system: GeoJSON is WGS84
#: longitude and latitude unless it says otherwise (RFC 7946).
_WGS84_BY_DEFAULT = (".geojson", ".json")
#: Longest column name a Shapefile (dBase) keeps; longer names are cut to this.
_DBF_NAME_LEN = 10
#: Longest text of a list or object shown in a message.
_SHOWN_CHARS = 60


def geo_rows(
    path: Path,
    *,
    columns: Collection[str] | None,
    layer: str | None = None,
    table: str | None = None,
    source: str | None = None,
) -> list[TableRow]:
    """Rows of a table read with :func:`geopandas.read_file`, its points in WGS84.

    The file must say its coordinate reference system (a ``.prj`` beside a
    Shapefile), except GeoJSON, which is WGS84 when it does not; every feature must
    be one Point. A Shapefile column name cut to 10 characters stands for the one
    column of ``columns`` it begins (``turnout_mi`` for ``turnout_min``).

    Parameters
    ----------
    path
        The file.
    columns
        The columns a row may have, if known (for cut Shapefile names).
    layer
        The layer to read (``county.gpkg#stations_2025``); ``None``: the only one, or
        the one named ``table`` of several.
    table
        What the table is (``stations``, ``depots``, ``demand``...): the layer read
        from a file of several layers when none is named.
    source
        The table as the user named it, for messages (default ``path``).

    Returns
    -------
    list of TableRow
        One per feature, ``lon``/``lat`` in WGS84 beside the attributes. A GeoJSON
        feature's attributes are its properties as written (:func:`_raw_properties`).

    Raises
    ------
    networks.errors.ConfigError
        Naming the file (and the feature): unreadable, several layers and none
        chosen, no coordinate reference system, a feature that is not a Point or is
        no place on Earth, an attribute that is a list or an object (a cell holds
        one value).
    """
    import geopandas  # osmnx needs it anyway; imported here, only for these tables

    from experiments.locations import TableRow  # which imports this module

    src = source or str(path)
    suffix = path.suffix.lower()
    from shapely.errors import ShapelyError

    # pyogrio and GDAL speak through Python warnings (several layers, odd records): said
    # as yingji's warnings, naming the file, never as raw lines with pyogrio's source.
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            chosen = _layer(path, src, layer, table)
            options = _read_options() | ({} if chosen is None else {"layer": chosen})
            # pyogrio reads a broken geometry (a LineString of one point) as none: refused by row.
            frame = geopandas.read_file(path, **options)
            encoding = _dbf_encoding(path, frame) if suffix in (".shp", ".zip") else None
            if encoding is not None:  # text read as Latin-1 that is GBK (or UTF-8): again so
                frame = geopandas.read_file(path, **options, encoding=encoding)
        except (RuntimeError, ValueError, OSError, ShapelyError) as exc:  # pyogrio's, fiona's
            error = " ".join(str(exc).split())
            raise ConfigError(
                _("unreadable table ({error})").format(error=error), source=src
            ) from None
    if encoding is not None:
        if encoding == "gb18030" and str(path.resolve()) not in _GBK_WARNED:
            _GBK_WARNED.add(str(path.resolve()))  # a command may read a table twice: said once
            logger.warning(
                _(
                    "{source}: no .cpg file names its encoding, and its text is GBK (GB18030), "
                    "as Chinese GIS tools write it: read so; a .cpg file holding GBK says it"
                ).format(source=src)
            )
    raw = _raw_properties(path, len(frame)) if suffix in _WGS84_BY_DEFAULT else None
    for w in said:
        text = " ".join(str(w.message).split())
        if raw is not None and text.endswith("as JSON; leaving as string"):
            continue  # pyogrio's parse of a GDAL column, moot: the values as written are used
        if issubclass(w.category, UserWarning | RuntimeWarning):
            logger.warning("%s: %s", src, text)
    geoms = frame.geometry
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            what = _("no valid geometry: a row is one place, a Point")
        elif geom.geom_type != "Point":
            what = _("{kind} geometry: a row is one place, a Point").format(kind=geom.geom_type)
        else:
            continue
        raise ConfigError(what, source=src, key=f"features[{i}].geometry")
    if frame.crs is None:
        if suffix not in _WGS84_BY_DEFAULT:
            raise ConfigError(
                _(
                    "the file names no coordinate reference system (for a Shapefile, its .prj "
                    "file): give one, so that its points can be placed"
                ),
                source=src,
            )
        frame = frame.set_crs("EPSG:4326")
    frame = frame.to_crs("EPSG:4326")
    names = [c for c in frame.columns if c != geoms.name]
    rename = {c: str(c) for c in names}
    if suffix in (".shp", ".zip") and columns is not None:
        for c in names:
            full = [k for k in columns if len(k) > _DBF_NAME_LEN and k[:_DBF_NAME_LEN] == c]
            if len(c) == _DBF_NAME_LEN and c not in columns and len(full) == 1:
                rename[c] = full[0]
    rows = []
    points = frame.geometry
    for i, (values, point) in enumerate(
        zip(frame[names].itertuples(index=False, name=None), points, strict=True)
    ):
        where = f"features[{i}]"
        lon, lat = float(point.x), float(point.y)
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            # [lat, lon] written by hand is a likelier mistake than a missing CRS, when it fits.
            raise ConfigError(
                swapped_lonlat(lon, lat)
                or _(
                    "lon {lon}, lat {lat} is no place on Earth: give the file's coordinate "
                    "reference system (a GeoJSON file without one is read as WGS84)"
                ).format(lon=lon, lat=lat),
                source=src,
                key=f"{where}.geometry",
            )
        written, keys = {} if raw is None else raw[i], TableRow({}, where)
        cells = {}
        for c, v in zip(names, values, strict=True):
            cells[rename[c]] = _geo_cell(written.get(c, v), source=src, key=keys.key(rename[c]))
        _same_place(cells, lon, lat, src, keys)
        rows.append(TableRow({**cells, "lon": lon, "lat": lat}, where))
    return rows


def _same_place(cells: dict[str, Any], lon: float, lat: float, src: str, row: Any) -> None:
    """Refuse ``lon``/``lat`` properties that put a row elsewhere than its geometry.

    The geometry places the row; properties that disagree with it were dropped
    without a word (a ``node`` beside it is checked where the row is placed).
    """
    given = [cells.get(k) for k in ("lon", "lat")]
    if any(v is None or v == "" for v in given):
        return
    try:
        plon, plat = (float(v) for v in given)
    except (TypeError, ValueError):
        raise ConfigError(_("expected a number"), source=src, key=row.key("lon")) from None
    # Metres on the sphere, near enough to tell rounding from another place.
    k = math.cos(math.radians(lat))
    apart = 6_371_000.0 * math.radians(math.hypot((plon - lon) * k, plat - lat))
    if apart > _SAME_PLACE_M:
        # A few hundred metres is the shift of Chinese web maps' coordinates (GCJ-02, BD-09).
        message = (
            _(
                "lon, lat {plon}, {plat} and the geometry ({lon:.6f}, {lat:.6f}) are {km} km "
                "apart: give one place (coordinates from Amap, Tencent or Baidu maps are GCJ-02 "
                "or BD-09, shifted some hundreds of metres from WGS84)"
            )
            if apart < _WEB_MAP_SHIFT_M
            else _(
                "lon, lat {plon}, {plat} and the geometry ({lon:.6f}, {lat:.6f}) are {km} km "
                "apart: give one place (or ones that agree)"
            )
        )
        raise ConfigError(
            message.format(plon=plon, plat=plat, lon=lon, lat=lat, km=f"{apart / 1000:.2f}"),
            source=src,
            key=row.key("lon"),
        )


#: Shapefiles already said to be read as GBK.
_GBK_WARNED: set[str] = set()


def _dbf_encoding(path: Path, frame: Any) -> str | None:
    """The encoding to read a Shapefile's text in again, if its own read was wrong.

    Without a ``.cpg`` beside it (or in its ``.zip``, or an encoding in its
    header) GDAL reads a ``.dbf`` as Latin-1; Chinese names written in GBK then
    read as mojibake (»ÆÆÖ for 黄浦) without a word. If every text with a byte
    above 127, written back as Latin-1, is UTF-8, that is its encoding; else if
    every such byte pairs with another (GBK's two-byte characters) into Chinese
    text, GB18030. Real Latin-1 text stays (Lüshun: ü before an ASCII letter is
    no GBK pair).
    """
    if path.suffix.lower() == ".zip":
        import zipfile

        with zipfile.ZipFile(path) as z:
            if any(n.lower().endswith(".cpg") for n in z.namelist()):
                return None
    elif any(path.with_suffix(ext).exists() for ext in (".cpg", ".CPG")):
        return None
    texts = [
        v
        for c in frame.columns
        if c != frame.geometry.name
        for v in frame[c].tolist()
        if isinstance(v, str) and any("\x80" <= ch <= "\xff" for ch in v)
    ]
    if not texts or any(any(ch > "\xff" for ch in v) for v in texts):
        return None  # nothing past ASCII, or already decoded as something else
    raw = [v.encode("latin-1") for v in texts]
    try:
        for b in raw:
            b.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if all(_gbk_pairs(b) and has_cjk(b.decode("gb18030")) for b in raw):
        return "gb18030"
    return None


def _gbk_pairs(b: bytes) -> bool:
    """Whether every byte above 127 is in a GBK two-byte pair (lead and trail both high).

    Trail bytes 0x40-0x7E are GBK too, but Latin-1 text (ü then s) makes exactly
    those; names in GBK are almost all in the high-high GB2312 range.
    """
    i = 0
    while i < len(b):
        if b[i] < 0x80:
            i += 1
        elif 0x81 <= b[i] <= 0xFE and i + 1 < len(b) and 0x80 <= b[i + 1] <= 0xFE:
            i += 2
        else:
            return False
    return True


#: Properties and geometry this close (m) name one place: lon/lat rounded to three
#: decimals lie up to about 60 m from the point.
_SAME_PLACE_M = 100.0
#: Farther than the shift of GCJ-02 or BD-09 from WGS84 in China (under about 1 km).
_WEB_MAP_SHIFT_M = 1500.0


def crs_label(crs: str) -> str:
    """A network's CRS as a user can look it up: ``EPSG:32650 (WGS 84 / UTM zone 50N)``.

    Parameters
    ----------
    crs
        The CRS as the network holds it (``RoadNetwork.crs``).

    Returns
    -------
    str
        The CRS with its name; one without a name (the synthetic networks'
        ``+proj=aeqd ...``) as given.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        name = CRS.from_user_input(crs).name
    except CRSError:
        return crs
    return f"{crs} ({name})" if name and name != "unknown" and name != crs else crs


def swapped_lonlat(lon: float, lat: float) -> str | None:
    """The message for a point whose longitude and latitude look swapped, else ``None``.

    A latitude beyond ±90 with a longitude within it is a place once the two are
    swapped (a hand-written ``[28.3, 117.2]`` for lon 117.2, lat 28.3).

    Parameters
    ----------
    lon, lat
        The point as given, degrees.

    Returns
    -------
    str or None
        The message (naming both values and the order to write them in), or
        ``None`` if swapping would not make the point a place on Earth.
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    if abs(lon) <= 90 < abs(lat) <= 180:
        return _(
            "lon {lon}, lat {lat} is no place on Earth: lon and lat swapped? "
            "(longitude first: {lat}, {lon})"
        ).format(lon=lon, lat=lat)
    return None


def table_file(path: Path) -> tuple[Path, str | None]:
    """The file of a table path and the layer it names: ``county.gpkg#stations_2025``.

    A path that exists as written is the file, ``#`` and all; otherwise text after
    the last ``#`` of a GIS file's path (:data:`experiments.locations.GEO_SUFFIXES`)
    names one of its layers. Callers that check a table exists check this file.

    Parameters
    ----------
    path
        The table as given (a config's value, a command-line argument).

    Returns
    -------
    tuple of (Path, str or None)
        The file, and the layer (``None`` when the path names none).
    """
    from experiments.locations import GEO_SUFFIXES

    if path.exists() or "#" not in path.name:
        return path, None
    file, _mark, layer = str(path).rpartition("#")
    if not layer or Path(file).suffix.lower() not in GEO_SUFFIXES:
        return path, None
    return Path(file), layer


def _layer(path: Path, src: str, layer: str | None, table: str | None) -> str | None:
    """The layer of ``path`` to read: ``layer``, else of several the one named ``table``.

    ``None`` reads the file's only layer. With several and none chosen the file is
    refused, its layers listed: reading the first, as GDAL does, would run on
    whatever layer was saved first (last year's plan) without a word.
    """
    import pyogrio  # a dependency; lists layers whichever engine reads them

    names = [str(name) for name, _kind in pyogrio.list_layers(path)]
    listed = ", ".join(names)
    if layer is not None:
        if layer in names:
            return layer
        raise ConfigError(
            _("no layer {layer!r} (the file has layers {layers})").format(
                layer=layer, layers=listed
            ),
            source=src,
        )
    if len(names) <= 1:
        return None
    if table is not None:
        # Case aside (Stations), as GIS tools often capitalise layer names.
        named = [n for n in names if n == table] or [
            n for n in names if n.casefold() == table.casefold()
        ]
        if len(named) == 1:
            return named[0]
    example = f"{path.name}#{names[-1]}"
    message = (
        _("has layers {layers} and none named {table}: name one, as in {example}")
        if table is not None
        else _("has layers {layers}: name one, as in {example}")
    )
    raise ConfigError(message.format(layers=listed, table=table, example=example), source=src)


def _read_options() -> dict[str, Any]:
    """Options of :func:`geopandas.read_file`: a broken geometry read as none.

    Only pyogrio (the default engine since geopandas 1.0) can; with another engine,
    chosen or the only one installed, a broken geometry makes the file unreadable.
    """
    import geopandas

    try:
        import pyogrio  # noqa: F401
    except ImportError:
        return {}
    if getattr(geopandas.options, "io_engine", None) not in (None, "pyogrio"):
        return {}
    return {"engine": "pyogrio", "on_invalid": "ignore"}


def _raw_properties(path: Path, count: int) -> list[dict[str, Any]] | None:
    """Each feature's properties as the GeoJSON file writes them; ``None`` if not readable so.

    GDAL gives a column one type: a list in one feature makes ``"county"`` in
    another a list too (so an error would name the wrong feature), and ``true``
    among integers becomes 1. The values as written are what the user can find
    and fix. ``None`` when the file is not a feature collection (or one feature)
    of ``count`` features that JSON reads, such as an Esri JSON file GDAL reads.
    """
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    features = [data] if data.get("type") == "Feature" else data.get("features")
    if data.get("type") not in ("Feature", "FeatureCollection") or not isinstance(features, list):
        return None
    if len(features) != count:
        return None
    out = []
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if props is not None and not isinstance(props, dict):
            return None
        out.append(props or {})
    return out


def _geo_cell(value: Any, *, source: str, key: str) -> Any:
    """A cell as read, as a plain Python value (``None`` when empty).

    A whole float becomes an int: a column of counts with an empty cell is read as
    floats, and a CSV cell may say ``3.0`` for 3 too. A list or an object (a
    GeoJSON array, a GDAL list column, a parsed JSON column) is refused: a cell
    holds one value, and ``["county"]`` must not pass as the tier ``county``.
    """
    import pandas as pd

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple | dict | set):
        text = json.dumps(value, ensure_ascii=False, default=str)
        if len(text) > _SHOWN_CHARS:
            text = text[: _SHOWN_CHARS - 1] + "…"
        raise ConfigError(
            _("expected one value, not a list or an object: {value}").format(value=text),
            source=source,
            key=key,
        )
    if value is None or bool(pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
