"""Location tables read through geopandas: GeoJSON, GeoPackage, Shapefile (zipped too).

Each feature must be a Point; the file is reprojected to WGS84 (EPSG:4326) and each
point becomes ``lon``/``lat`` cells beside its attributes, checked afterwards exactly
as CSV cells are (:mod:`experiments.locations`).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np

from experiments.locations import TableRow
from networks.errors import ConfigError
from networks.i18n import _

#: Suffixes of files that may hold no coordinate reference system: GeoJSON is WGS84
#: longitude and latitude unless it says otherwise (RFC 7946).
_WGS84_BY_DEFAULT = (".geojson", ".json")
#: Longest column name a Shapefile (dBase) keeps; longer names are cut to this.
_DBF_NAME_LEN = 10


def geo_rows(path: Path, *, columns: Collection[str] | None) -> list[TableRow]:
    """Rows of a table read with :func:`geopandas.read_file`, its points in WGS84.

    The file must say its coordinate reference system (a ``.prj`` beside a
    Shapefile), except GeoJSON, which is WGS84 when it does not; every feature must
    be one Point. A Shapefile column name cut to 10 characters stands for the one
    column of ``columns`` it begins (``turnout_mi`` for ``turnout_min``).
    """
    import geopandas  # osmnx needs it anyway; imported here, only for these tables

    src = str(path)
    suffix = path.suffix.lower()
    from shapely.errors import ShapelyError

    try:
        # pyogrio reads a broken geometry (a LineString of one point) as none: refused by row.
        frame = geopandas.read_file(path, **_read_options())
    except (RuntimeError, ValueError, OSError, ShapelyError) as exc:  # pyogrio's, fiona's
        error = " ".join(str(exc).split())
        raise ConfigError(_("unreadable table ({error})").format(error=error), source=src) from None
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
            raise ConfigError(
                _(
                    "lon {lon}, lat {lat} is no place on Earth: give the file's coordinate "
                    "reference system (a GeoJSON file without one is read as WGS84)"
                ).format(lon=lon, lat=lat),
                source=src,
                key=f"{where}.geometry",
            )
        cells = {rename[c]: _geo_cell(v) for c, v in zip(names, values, strict=True)}
        rows.append(TableRow({**cells, "lon": lon, "lat": lat}, where))
    return rows


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


def _geo_cell(value: Any) -> Any:
    """A cell as geopandas reads it, as a plain Python value (``None`` when empty).

    A whole float becomes an int: a column of counts with an empty cell is read as
    floats, and a CSV cell may say ``3.0`` for 3 too.
    """
    import pandas as pd

    if isinstance(value, np.generic):
        value = value.item()
    try:
        if value is None or bool(pd.isna(value)):
            return None
    except (TypeError, ValueError):  # a list or an array: not a missing value
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
