"""Snapping a point to the road network: refused when far, warned of when rather far.

Used by :mod:`experiments.locations` for every lon/lat or x/y location of a
config or table.
"""

from __future__ import annotations

import logging
import multiprocessing

from experiments.geo_rows import crs_label
from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork

#: Farthest a snapped point may lie from its node, metres.
MAX_SNAP_M = 500.0
#: A lon/lat point farther than this from its node is moved with a warning, metres: the
#: offset of coordinates copied from a Chinese web map (GCJ-02) is some 300-700 m.
FAR_SNAP_M = 300.0
logger = logging.getLogger(__name__)
_FAR_WARNED: set[tuple[str | None, float, float]] = set()  # once per file and point


def snap(
    net: RoadNetwork,
    a: float,
    b: float,
    *,
    lonlat: bool,
    source: str | None,
    key: str,
    max_m: float,
) -> int:
    """The node ``(a, b)`` (lon/lat, or x/y in the network's CRS) snaps to.

    Raises
    ------
    ConfigError
        For a point on roads loading dropped, or farther than ``max_m`` from every node.
    """
    node, dist = net.snap([a], [b], lonlat=lonlat)
    # A place on roads that loading dropped (a disconnected half of the file) is refused even
    # with a kept node within max_m: moving it there would put it on other roads.
    dropped = net.dropped_reason(a, b, lonlat=lonlat, max_m=max_m)
    if dropped:
        raise ConfigError(dropped, source=source, key=key)
    if dist[0] > max_m:
        what = (
            _("lon {a}, lat {b} is {km} km from the nearest road node (at most {m} m allowed): "
              "not on the network {network!r}")
            if lonlat
            # x/y are read in the network's CRS, which the user cannot guess: named.
            else _("x {a}, y {b}, read as metres in the network's CRS {crs}, is {km} km from "
                   "the nearest road node (at most {m} m allowed): not on the network "
                   "{network!r}; give coordinates in another system as lon and lat, or in a "
                   "GeoPackage or Shapefile that names its CRS")
        )  # fmt: skip
        km, m = f"{dist[0] / 1000:.2f}", f"{max_m:.0f}"
        raise ConfigError(
            what.format(a=a, b=b, km=km, m=m, network=net.name, crs=crs_label(net.crs)),
            source=source,
            key=key,
        )
    # Once per file and point, and in the process that reads the config first (a worker
    # process places the same region again).
    if (
        lonlat
        and dist[0] > FAR_SNAP_M
        and (source, a, b) not in _FAR_WARNED
        and multiprocessing.parent_process() is None
    ):
        _FAR_WARNED.add((source, a, b))
        logger.warning(
            _(
                "{source}: {key}: lon {a}, lat {b} is moved {m} m to the nearest road node; "
                "coordinates copied from a Chinese web map (GCJ-02, BD-09) lie a few hundred "
                "metres off WGS84: convert them first"
            ).format(source=source, key=key, a=a, b=b, m=f"{dist[0]:.0f}")
        )
    return int(node[0])
