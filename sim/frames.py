"""A run's records as pandas DataFrames and GeoDataFrames, with places and clock times.

:meth:`sim.records.RunRecords.to_frames` calls :func:`record_frames`. Given the
network, rows that name a node gain its longitude and latitude (WGS84);
given the run's start as a date and time, every time column ``t`` (minutes
from the start) gains ``t_at``, the wall-clock timestamp. Without a start the
times stay minutes only: a run config has no date (its scenario has at most
a ``start_hour``), so the caller says when the run began.

:func:`incident_points` and :func:`dispatch_lines` give the incidents as
points and the dispatches as straight lines from where each team set out to
the scene (not the route it drove), as GeoDataFrames in EPSG:4326; they need
geopandas (``pip install 'yingji[geo]'``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from networks.i18n import _
from sim.records import RunRecords

#: Columns holding times (minutes from the run's start), per table; durations
#: (``turnout``, ``travel``, ``call_wait``, ``video``, ``wait``) are not times.
TIME_COLUMNS = {
    "incidents": (
        "call", "call_taken", "first_dispatch", "first_arrival", "on_scene", "under_control",
        "cleared",
    ),
    "dispatches": ("dispatched", "arrival", "released", "returned", "available"),
    "supplies": ("time", "arrive"),
    "stockouts": ("time",),
    "reports": ("trigger", "due", "sent"),
    "duty": ("start", "end"),
    "scene": ("answered",),
    "moves": ("depart", "arrive", "dispatched"),
    "coverage": ("time",),
    "warnings": ("issue", "start", "end", "stand_down", "staged", "pushed", "reinforced"),
}  # fmt: skip
#: Node columns of each table and the prefix of the lon/lat columns they give.
PLACE_COLUMNS = {
    "incidents": (("node", ""),),
    "dispatches": (("from_node", "from_"), ("scene_node", "")),
    "stations": (("node", ""),),
    "depots": (("node", ""),),
}
#: Coordinate reference system of the GeoDataFrames: longitude and latitude, WGS84.
CRS = "EPSG:4326"


def _start(records: RunRecords, start: datetime | str | None) -> Any:
    """The run's start as a pandas Timestamp, or ``None`` when it has no date."""
    import pandas as pd

    when = records.meta.get("start") if start is None else start
    return None if when is None else pd.Timestamp(when)


def _places(records: RunRecords, name: str, table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The node columns a table's lon/lat come from (a dispatch's scene is its incident's)."""
    if name == "dispatches":
        scene = records.incidents["node"][table["incident"]] if len(table["incident"]) else []
        return {**table, "scene_node": np.asarray(scene, dtype=np.int64)}
    return table


def record_frames(
    records: RunRecords, *, network: Any = None, start: datetime | str | None = None
) -> dict[str, Any]:
    """The tables of a run as pandas DataFrames, with lon/lat and timestamps when given.

    Parameters
    ----------
    records
        A run's records.
    network
        The :class:`networks.roadnet.RoadNetwork` the run was on. Adds ``lon``,
        ``lat`` to incidents (the scene), stations and depots, and to
        dispatches ``from_lon``, ``from_lat`` (where the team set out) and
        ``lon``, ``lat`` (the scene).
    start
        When the run began (a datetime, or ISO text; time-zone aware or not).
        Adds ``<column>_at`` beside every time column (:data:`TIME_COLUMNS`):
        ``start`` plus that many minutes, ``NaT`` where the time is ``nan``.
        ``None``: ``records.meta["start"]`` if the run recorded one, else no
        timestamps (times stay minutes from the start).

    Returns
    -------
    dict
        Table name -> DataFrame, the tables of :meth:`RunRecords.tables`.
    """
    import pandas as pd

    t0 = _start(records, start)
    out = {}
    for name, table in records.tables().items():
        frame = pd.DataFrame(table)
        if network is not None:
            nodes = _places(records, name, table)
            for col, prefix in PLACE_COLUMNS.get(name, ()):
                at = np.asarray(nodes[col], dtype=np.int64)
                frame[f"{prefix}lon"] = network.nodes.lon[at].astype(np.float64)
                frame[f"{prefix}lat"] = network.nodes.lat[at].astype(np.float64)
        if t0 is not None:
            for col in TIME_COLUMNS.get(name, ()):
                if col in frame:
                    frame[f"{col}_at"] = t0 + pd.to_timedelta(frame[col], unit="min")
        out[name] = frame
    return out


def require_geopandas() -> Any:
    """geopandas, or an ImportError saying how to install it."""
    try:
        import geopandas
    except ImportError:
        raise ImportError(_("GeoDataFrames need geopandas: pip install 'yingji[geo]'")) from None
    return geopandas


def incident_points(
    records: RunRecords, network: Any, *, start: datetime | str | None = None
) -> Any:
    """The incidents as a GeoDataFrame of points at their scenes (EPSG:4326).

    Parameters
    ----------
    records
        A run's records.
    network
        The network the run was on.
    start
        When the run began, for timestamps (see :func:`record_frames`).

    Returns
    -------
    geopandas.GeoDataFrame
        The incident table with ``lon``, ``lat`` and a point ``geometry``.
    """
    gpd = require_geopandas()
    frame = record_frames(records, network=network, start=start)["incidents"]
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def dispatch_lines(
    records: RunRecords, network: Any, *, start: datetime | str | None = None
) -> Any:
    """The dispatches as a GeoDataFrame of straight lines, set-out point to scene (EPSG:4326).

    A team sets out from its station, or from an earlier scene when it was sent
    on (``from_scene``). The line is straight, not the route driven
    (``distance_m`` is the route's length).

    Parameters
    ----------
    records
        A run's records.
    network
        The network the run was on.
    start
        When the run began, for timestamps (see :func:`record_frames`).

    Returns
    -------
    geopandas.GeoDataFrame
        The dispatch table with ``from_lon``, ``from_lat``, ``lon``, ``lat`` and a
        line ``geometry``.
    """
    import shapely

    gpd = require_geopandas()
    frame = record_frames(records, network=network, start=start)["dispatches"]
    ends = np.stack(
        [frame[["from_lon", "from_lat"]].to_numpy(float), frame[["lon", "lat"]].to_numpy(float)],
        axis=1,
    ).reshape(-1, 2, 2)
    geometry = shapely.linestrings(ends) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)
