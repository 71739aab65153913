"""Where things stand: turning a user's location into a node of the road network.

A location in a config or table is one of

* ``{node = 12}`` — a node index of the compiled network;
* ``{osmid = 123456}`` — an OpenStreetMap (or GraphML) node id;
* ``{lon = 121.47, lat = 31.23}`` or ``[121.47, 31.23]`` — snapped to the nearest node;
* ``{x = 5200.0, y = -800.0}`` — metres in the network's projected CRS, snapped;
* ``"landmark:Xiba Town"`` — a named place of the network.

Snapping refuses points farther than ``max_snap_m`` from every node: a
station in the sea or in the next county is a mistake, not a station. A point
nearer a node that loading dropped (a part not connected both ways) than any kept
node is refused too, however near the kept roads are.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.geo_rows import geo_rows, swapped_lonlat, table_file
from experiments.snapping import MAX_SNAP_M, snap
from networks.errors import ConfigError
from networks.i18n import _, both, get_language
from networks.roadnet import RoadNetwork
from scenarios.validate import check_int, check_num, read_table_text, shown

#: Columns of a facility table that give its location.
LOCATION_COLUMNS = ("node", "osmid", "lon", "lat", "x", "y", "landmark")
#: What each location column means (for the configuration reference).
LOCATION_HELP = {
    "node": "Node index of the compiled network.",
    "osmid": "OpenStreetMap (or GraphML) node id.",
    "lon": "Longitude, snapped to the nearest node (with lat).",
    "lat": "Latitude, snapped to the nearest node (with lon).",
    "x": "Metres east in the network's projected CRS (yingji network info shows it; UTM for "
    "OpenStreetMap data), snapped to the nearest node (with y).",
    "y": "Metres north in the network's projected CRS, snapped to the nearest node (with x).",
    "landmark": "A named place of the network.",
}


def _parsed(value: Any) -> Any:
    """A table cell's text as an int or float where it reads as one; anything else as is."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return value


def number(
    value: Any,
    *,
    source: str | None,
    key: str,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
) -> float:
    """A finite number from a config value or a table cell (text such as ``"1.5"``).

    Parameters
    ----------
    value
        The value; text is parsed first.
    source, key
        File and key (or line and column), for the error.
    lo, hi, lo_open
        Bounds, as in :func:`scenarios.validate.check_num`.

    Raises
    ------
    networks.errors.ConfigError
        Not a number, not finite, or out of bounds.
    """
    return check_num(
        _parsed(value),
        lambda m: ConfigError(m, source=source, key=key),
        lo=lo,
        hi=hi,
        lo_open=lo_open,
    )


def integer(
    value: Any, *, source: str | None, key: str, lo: int | None = None, hi: int | None = None
) -> int:
    """A whole number from a config value or a table cell (``"3"`` or ``"3.0"``).

    Parameters
    ----------
    value
        The value; text is parsed first.
    source, key
        File and key (or line and column), for the error.
    lo, hi
        Bounds, as in :func:`scenarios.validate.check_int`.

    Raises
    ------
    networks.errors.ConfigError
        Not a whole number, or out of bounds.
    """
    v = _parsed(value)
    if isinstance(value, str) and isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)  # spreadsheets write counts as "3.0"
    return check_int(v, lambda m: ConfigError(m, source=source, key=key), lo=lo, hi=hi)


def _unknown_landmark(name: str, net: RoadNetwork) -> str:
    """The message for a landmark ``net`` does not have, naming some it has.

    In Chinese each landmark is named as the drill's area error names it: the
    Chinese name with the English one in brackets.
    """
    if not net.landmarks:
        return _("no landmark {name!r} on network {network!r} (it has no landmarks)").format(
            name=name, network=net.name
        )
    zh = get_language() == "zh"
    known = both(", ", "、").join(
        _("{name_zh} ({name})").format(name_zh=lm.name_zh, name=lm.name)
        if zh and lm.name_zh
        else lm.name
        for lm in net.landmarks[:8]
    )
    return _("no landmark {name!r} on the network (some: {known})").format(name=name, known=known)


def resolve_location(
    value: Any,
    network: RoadNetwork,
    *,
    source: str | None = None,
    key: str = "location",
    max_snap_m: float = MAX_SNAP_M,
    field_key: Callable[[str], str] | None = None,
) -> int:
    """Node index of a location given in any of the accepted forms.

    Parameters
    ----------
    value
        The location (see the module docstring).
    network
        The network to place it on.
    source, key
        File and dotted key, for error messages.
    max_snap_m
        Farthest a coordinate may lie from its nearest node.
    field_key
        Key of one field of the location (``lon``, ``node``...), for messages;
        default ``f"{key}.{field}"`` (a table row passes its column's key).

    Returns
    -------
    int
        Node index.
    """
    net = network
    fkey = field_key or (lambda name: f"{key}.{name}")
    if isinstance(value, str):
        if value.startswith("landmark:"):
            name = value.removeprefix("landmark:").strip()
            # Either language, any case: as a scenario's "landmark:" and a drill's areas.
            for lm in net.landmarks:
                if lm.matches(name):
                    return lm.node
            raise ConfigError(_unknown_landmark(name, net), source=source, key=key)
        raise ConfigError(
            _("expected a location table or 'landmark:NAME', got {value!r}").format(
                value=shown(value)
            ),
            source=source,
            key=key,
        )
    if isinstance(value, Sequence) and len(value) == 2:
        value = {"lon": value[0], "lat": value[1]}
    if not isinstance(value, Mapping):
        raise ConfigError(
            _("expected a location, got {value!r}").format(value=shown(value)),
            source=source,
            key=key,
        )
    given = {k: v for k, v in value.items() if k in LOCATION_COLUMNS and v not in (None, "")}
    forms = [cols for cols in _LOCATION_FORMS if all(c in given for c in cols)]
    half = [cols for cols in _LOCATION_FORMS if any(c in given for c in cols) and cols not in forms]
    if not forms and half:  # lon without lat (an empty cell): name the cell, not "no location"
        have = [c for c in half[0] if c in given]
        missing = next(c for c in half[0] if c not in given)
        raise ConfigError(
            _("{given} is given without {missing}").format(given=have[0], missing=missing),
            source=source,
            key=fkey(missing),
        )
    if not forms:
        raise ConfigError(
            _("no location: give node, osmid, lon+lat, x+y or landmark"), source=source, key=key
        )
    for cols in _LOCATION_FORMS:  # half a pair beside a whole location was silently ignored
        have = [c for c in cols if c in given]
        if have and cols not in forms:
            missing = next(c for c in cols if c not in given)
            raise ConfigError(
                _("{given} is given without {missing}").format(given=have[0], missing=missing),
                source=source,
                key=fkey(missing),
            )
    # The first form given wins, as it always has; any other must name the same place.
    nodes = [
        _node_of(cols, given, net, source=source, key=key, fkey=fkey, max_snap_m=max_snap_m)
        for cols in forms
    ]
    for cols, node in zip(forms[1:], nodes[1:], strict=True):
        nd = net.nodes
        apart = float(np.hypot(nd.x[node] - nd.x[nodes[0]], nd.y[node] - nd.y[nodes[0]]))
        if node != nodes[0] and apart > SAME_PLACE_M:
            raise ConfigError(
                _(
                    "{first} and {second} give places {km} km apart: "
                    "give one location (or ones that agree)"
                ).format(first="+".join(forms[0]), second="+".join(cols), km=f"{apart / 1000:.2f}"),
                source=source,
                key=key,
            )
    return nodes[0]


#: Ways to give a location, in the order in which they are used.
_LOCATION_FORMS = (("landmark",), ("node",), ("osmid",), ("lon", "lat"), ("x", "y"))
#: Two locations of one thing closer than this (m) are the same place (nodes that share
#: coordinates, rounded coordinates written with their node).
SAME_PLACE_M = 1.0


def _node_of(
    cols: tuple[str, ...],
    given: Mapping[str, Any],
    net: RoadNetwork,
    *,
    source: str | None,
    key: str,
    fkey: Callable[[str], str],
    max_snap_m: float,
) -> int:
    """Node index of one form of a location (``cols`` as in :data:`_LOCATION_FORMS`)."""
    if cols == ("landmark",):
        return resolve_location(
            f"landmark:{given['landmark']}", net, source=source, key=fkey("landmark")
        )
    if cols == ("node",):
        node = integer(given["node"], source=source, key=fkey("node"))
        if not 0 <= node < net.n_nodes:
            raise ConfigError(
                _("node {node} is not on the network (0..{last})").format(
                    node=node, last=net.n_nodes - 1
                ),
                source=source,
                key=fkey("node"),
            )
        return node
    if cols == ("osmid",):
        from networks.errors import NetworkError

        try:
            return net.node_index(integer(given["osmid"], source=source, key=fkey("osmid")))
        except NetworkError as exc:
            raise ConfigError(str(exc), source=source, key=fkey("osmid")) from None
    a, b = cols
    bounds = {"lon": (-180, 180), "lat": (-90, 90), "x": (None, None), "y": (None, None)}
    first = number(given[a], source=source, key=fkey(a), lo=bounds[a][0], hi=bounds[a][1])
    if a == "lon":  # a latitude beyond ±90 beside a longitude within it: say they look swapped
        swapped = swapped_lonlat(first, number(given[b], source=source, key=fkey(b)))
        if swapped:
            raise ConfigError(swapped, source=source, key=fkey(b))
    return snap(
        net,
        first,
        number(given[b], source=source, key=fkey(b), lo=bounds[b][0], hi=bounds[b][1]),
        lonlat=a == "lon",
        source=source,
        key=key,
        max_m=max_snap_m,
    )


@dataclass(frozen=True)
class TableRow:
    """One row of a location table, with where it stands in its file.

    Attributes
    ----------
    cells
        Column -> value (CSV cells as stripped text, ``""`` when empty; cells of a
        GeoJSON, GeoPackage or Shapefile table as read, ``None`` when empty).
    where
        ``"line N"`` (the line of a CSV file, the header being line 1) or
        ``"features[i]"`` (a feature of a GeoJSON, GeoPackage or Shapefile table,
        counted from 0).
    """

    cells: dict[str, Any]
    where: str
    #: Column -> the header the file gives it, where another (名称 for name).
    headers: Mapping[str, str] = field(default_factory=dict)

    def key(self, column: str | None = None) -> str:
        """The error key of this row, or of one of its cells (as the file heads it)."""
        if column is None:
            return self.where
        column = self.headers.get(column, column)
        if self.where.startswith("features["):
            return f"{self.where}.properties.{column}"
        return _("{where}, column {column}").format(where=self.where, column=column)


#: Suffixes of the table files read through geopandas (see :mod:`experiments.geo_rows`).
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip")


def read_rows(
    path: Path,
    *,
    columns: Collection[str] | None = None,
    table: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> list[TableRow]:
    """Rows of a CSV, GeoJSON, GeoPackage or Shapefile table, each with its line or feature.

    A CSV file is read as text. The others are read with :func:`geopandas.read_file`
    and reprojected to WGS84 (EPSG:4326); each feature must be a Point, which becomes
    ``lon``/``lat`` cells, and its attributes become the other cells (see
    :func:`experiments.geo_rows.geo_rows`). A CSV row with more non-empty cells than the header has
    columns, or fewer cells, is refused, as are duplicate or unnamed header columns;
    blank lines are skipped. A CSV file is UTF-8, else GBK (GB18030) as Excel saves it
    on Chinese Windows, said in a warning (:func:`scenarios.validate.read_table_text`).

    Parameters
    ----------
    path
        The table: ``.csv``, ``.geojson``/``.json``, ``.gpkg``, ``.shp`` or a ``.zip``
        of a Shapefile; ``county.gpkg#stations_2025`` names a layer of a file.
    columns
        If given, the columns a row may have; any other is refused.
    table
        What the table is (``stations``, ``depots``, ``demand``...): of a file with
        several layers and none named, the layer of this name is read.
    headers
        Other names a column may go by in the header (the Chinese term, 名称 for
        ``name``): such a column is read as the column it names; one given by both
        names is refused.

    Returns
    -------
    list of TableRow
        The rows, in file order.

    Raises
    ------
    networks.errors.ConfigError
        Naming the file and the line (or feature) and column.
    """
    src = str(path)
    path, layer = table_file(Path(path))
    if not path.exists():
        raise ConfigError(_("no such file"), source=src)
    if path.is_dir():
        raise ConfigError(_("is a folder, not a table"), source=src)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            rows = _csv_rows(path)
        elif suffix in GEO_SUFFIXES:
            rows = geo_rows(path, columns=columns, layer=layer, table=table, source=src)
        else:
            raise ConfigError(
                _(
                    "unknown table type {suffix!r} "
                    "(use .csv, .geojson, .gpkg, .shp or a .zip of a Shapefile)"
                ).format(suffix=suffix),
                source=src,
            )
    except UnicodeDecodeError:
        raise ConfigError(_("not a UTF-8 text file"), source=src) from None
    except csv.Error as exc:
        raise ConfigError(_("unreadable table ({error})").format(error=exc), source=src) from None
    if headers:
        rows = [_renamed(row, headers, suffix == ".csv", src) for row in rows]
    if columns is not None:
        allowed = set(columns)
        for row in rows:
            for c in row.cells:
                if c not in allowed:
                    where = _("line {n}").format(n=1) if suffix == ".csv" else row.where
                    key = TableRow({}, where).key(c)
                    raise ConfigError(
                        _("unknown column (expected some of {columns})").format(
                            columns=", ".join(sorted(allowed))
                        ),
                        source=src,
                        key=key,
                    )
    return rows


def _renamed(row: TableRow, headers: Mapping[str, str], csv_file: bool, src: str) -> TableRow:
    """``row`` with its cells under other names (名称) read as the columns they name."""
    if not any(c in headers for c in row.cells):
        return row
    cells: dict[str, Any] = {}
    for c, v in row.cells.items():
        name = headers.get(c, c)
        if name in cells:  # 名称 and name both: which one holds the name?
            first = next(k for k in row.cells if headers.get(k, k) == name)
            text = _("the column {name} is given twice (as {first} and {second})")
            where = TableRow({}, _("line {n}").format(n=1) if csv_file else row.where)
            raise ConfigError(text.format(name=name, first=first, second=c), source=src,
                              key=where.key(c))  # fmt: skip
        cells[name] = v
    given = {headers[c]: c for c in row.cells if headers.get(c, c) != c}  # errors name these
    return TableRow(cells, row.where, given)


def _csv_rows(path: Path) -> list[TableRow]:
    src = str(path)
    # newline="": line ends reach the reader as in the file (a quoted cell may hold one).
    with io.StringIO(read_table_text(path), newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return []
        names = [h.strip() for h in header]
        seen: set[str] = set()
        for j, name in enumerate(names):
            if not name and j < len(names) - 1:
                raise ConfigError(
                    _("column {n} has no name").format(n=j + 1),
                    source=src,
                    key=_("line {n}").format(n=1),
                )
            if name in seen:
                raise ConfigError(
                    _("appears twice in the header"),
                    source=src,
                    key=_("{where}, column {column}").format(
                        where=_("line {n}").format(n=1), column=name
                    ),
                )
            seen.add(name)
        if names and not names[-1]:
            names.pop()  # a trailing comma, as spreadsheets write
        rows = []
        end = reader.line_num  # a quoted cell may span lines: name the line a row starts on
        for cells in reader:
            where = _("line {n}").format(n=end + 1)
            end = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            values = [c.strip() for c in cells]
            if len(values) > len(names) and any(values[len(names) :]):
                raise ConfigError(
                    _("{cells} cells, but the header names {columns} columns").format(
                        cells=len(values), columns=len(names)
                    ),
                    source=src,
                    key=where,
                )
            if len(values) < len(names):
                raise ConfigError(
                    _(
                        "{cells} cells, but the header names {columns} columns "
                        "(leave a cell empty, but keep its comma)"
                    ).format(cells=len(values), columns=len(names)),
                    source=src,
                    key=where,
                )
            rows.append(TableRow(dict(zip(names, values, strict=False)), where))
    return rows


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a table as plain dicts (:func:`read_rows`; a Point becomes ``lon``/``lat``)."""
    return [row.cells for row in read_rows(path)]
