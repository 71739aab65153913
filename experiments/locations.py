"""Where things stand: turning a user's location into a node of the road network.

A location in a config or table is one of

* ``{node = 12}`` — a node index of the compiled network;
* ``{osmid = 123456}`` — an OpenStreetMap (or GraphML) node id;
* ``{lon = 121.47, lat = 31.23}`` or ``[121.47, 31.23]`` — snapped to the nearest node;
* ``{x = 5200.0, y = -800.0}`` — projected metres, snapped;
* ``"landmark:Xiba Town"`` — a named place of the network.

Snapping refuses points farther than ``max_snap_m`` from every node: a
station in the sea or in the next county is a mistake, not a station.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.roadnet import RoadNetwork

#: Farthest a snapped point may lie from its node, metres.
MAX_SNAP_M = 500.0

#: Columns of a facility table that give its location.
LOCATION_COLUMNS = ("node", "osmid", "lon", "lat", "x", "y", "landmark")


def _num(value: Any, *, source: str | None, key: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"expected a number, got {value!r}", source=source, key=key) from None
    if out != out or out in (float("inf"), float("-inf")):
        raise ConfigError(f"expected a finite number, got {value!r}", source=source, key=key)
    return out


def _snap(
    net: RoadNetwork,
    a: float,
    b: float,
    *,
    lonlat: bool,
    source: str | None,
    key: str,
    max_m: float,
) -> int:
    node, dist = net.snap([a], [b], lonlat=lonlat)
    if dist[0] > max_m:
        what = f"lon {a}, lat {b}" if lonlat else f"x {a}, y {b}"
        raise ConfigError(
            f"{what} is {dist[0] / 1000:.2f} km from the nearest road node "
            f"(at most {max_m:.0f} m allowed): not on the network {net.name!r}",
            source=source,
            key=key,
        )
    return int(node[0])


def resolve_location(
    value: Any,
    network: RoadNetwork,
    *,
    source: str | None = None,
    key: str = "location",
    max_snap_m: float = MAX_SNAP_M,
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

    Returns
    -------
    int
        Node index.
    """
    net = network
    if isinstance(value, str):
        if value.startswith("landmark:"):
            name = value.removeprefix("landmark:").strip()
            for lm in net.landmarks:
                if lm.name == name:
                    return lm.node
            known = ", ".join(lm.name for lm in net.landmarks[:8])
            raise ConfigError(
                f"no landmark {name!r} on the network (some: {known})", source=source, key=key
            )
        raise ConfigError(
            f"expected a location table or 'landmark:NAME', got {value!r}", source=source, key=key
        )
    if isinstance(value, Sequence) and len(value) == 2:
        value = {"lon": value[0], "lat": value[1]}
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a location, got {value!r}", source=source, key=key)
    given = {k: v for k, v in value.items() if k in LOCATION_COLUMNS and v not in (None, "")}
    if "landmark" in given:
        return resolve_location(f"landmark:{given['landmark']}", net, source=source, key=key)
    if "node" in given:
        node = int(_num(given["node"], source=source, key=f"{key}.node"))
        if not 0 <= node < net.n_nodes:
            raise ConfigError(
                f"node {node} is not on the network (0..{net.n_nodes - 1})",
                source=source,
                key=f"{key}.node",
            )
        return node
    if "osmid" in given:
        from networks.errors import NetworkError

        try:
            return net.node_index(int(_num(given["osmid"], source=source, key=f"{key}.osmid")))
        except NetworkError as exc:
            raise ConfigError(str(exc), source=source, key=f"{key}.osmid") from None
    for a, b, lonlat in (("lon", "lat", True), ("x", "y", False)):
        if a in given and b in given:
            return _snap(
                net,
                _num(given[a], source=source, key=f"{key}.{a}"),
                _num(given[b], source=source, key=f"{key}.{b}"),
                lonlat=lonlat,
                source=source,
                key=key,
                max_m=max_snap_m,
            )
    raise ConfigError(
        "no location: give node, osmid, lon+lat, x+y or landmark", source=source, key=key
    )


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV or GeoJSON (Point features) table as plain dicts.

    GeoJSON point geometry becomes ``lon``/``lat`` columns.
    """
    if not path.exists():
        raise ConfigError("no such file", source=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as fh:
                return [
                    {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
                    for row in csv.DictReader(fh)
                ]
        if suffix in (".geojson", ".json"):
            doc = json.loads(path.read_text(encoding="utf-8"))
            rows = []
            for i, feat in enumerate(doc.get("features", [])):
                geom = feat.get("geometry") or {}
                if geom.get("type") != "Point":
                    raise ConfigError(
                        "expected Point geometry", source=str(path), key=f"features[{i}].geometry"
                    )
                lon, lat = geom["coordinates"][:2]
                rows.append({**feat.get("properties", {}), "lon": lon, "lat": lat})
            return rows
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error, KeyError, TypeError) as exc:
        raise ConfigError(f"unreadable table ({exc})", source=str(path)) from None
    raise ConfigError(f"unknown table type {suffix!r} (use .csv or .geojson)", source=str(path))
