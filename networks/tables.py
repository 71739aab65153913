"""The node, edge and landmark tables a road network is built from.

Notes
-----
Holds :class:`NodeTable` and :class:`EdgeTable` (numpy columns, one row per
node or directed edge), :class:`Landmark` (a named place at a node) and
:func:`check_tables`, which refuses tables that would poison travel times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from networks.errors import NetworkError
from networks.geometry import EdgeGeometry
from networks.i18n import _, both


@dataclass(frozen=True, eq=False)
class NodeTable:
    """Nodes of a road network, one row per node.

    Attributes
    ----------
    osmid
        External id (OpenStreetMap node id, or a running number for synthetic networks).
    x, y
        Projected coordinates in metres (in the network's ``crs``).
    lon, lat
        Geographic coordinates in degrees (WGS 84).
    """

    osmid: np.ndarray
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def take(self, keep: np.ndarray) -> NodeTable:
        """Return the rows at ``keep``."""
        return NodeTable(*(getattr(self, f)[keep] for f in ("osmid", "x", "y", "lon", "lat")))


@dataclass(frozen=True, eq=False)
class EdgeTable:
    """Directed edges of a road network, one row per edge.

    Attributes
    ----------
    u, v
        Tail and head node indices (rows of the :class:`NodeTable`).
    length
        Length in metres.
    speed_kph
        Free-flow speed in km/h.
    highway
        Road class (OpenStreetMap ``highway`` value).
    name
        Road name for English output (OpenStreetMap ``name:en``, else ``name``;
        pinyin on the synthetic county), ``""`` where unknown.
    name_zh
        Chinese road name (``name:zh``, else a Chinese ``name``), ``""`` where
        unknown; all ``""`` if not given. :meth:`road_name` picks between them.
    time_s
        Free-flow travel seconds given with the network (a loaded graph's own
        ``travel_time``); ``None``: ``length / speed_kph``.
    closed
        Boolean mask of edges closed as loaded (the undisrupted state keeps them
        closed); ``None``: none.
    geometry
        The bends of curved edges (:class:`~networks.geometry.EdgeGeometry`);
        ``None``: every edge is the straight segment between its nodes.
    """

    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    speed_kph: np.ndarray
    highway: np.ndarray
    name: np.ndarray
    name_zh: np.ndarray | None = None
    time_s: np.ndarray | None = None
    closed: np.ndarray | None = None
    geometry: EdgeGeometry | None = None

    def __post_init__(self) -> None:
        if self.name_zh is None:
            object.__setattr__(self, "name_zh", np.full(len(self.u), "", dtype="<U1"))

    def __len__(self) -> int:
        return len(self.u)

    def road_name(self, k: int) -> str:
        """Name of edge ``k`` in the language in use (English name where no Chinese one)."""
        assert self.name_zh is not None
        return both(str(self.name[k]), str(self.name_zh[k]))

    @cached_property
    def travel_time(self) -> np.ndarray:
        """Free-flow travel time in seconds (the given :attr:`time_s` where there is one)."""
        if self.time_s is not None:
            return self.time_s
        return self.length / (self.speed_kph / 3.6)

    def take(self, keep: np.ndarray, node_map: np.ndarray | None = None) -> EdgeTable:
        """Return the rows at ``keep``, renumbering nodes through ``node_map`` if given."""
        u, v = self.u[keep], self.v[keep]
        if node_map is not None:
            u, v = node_map[u], node_map[v]
        return EdgeTable(
            u.astype(np.int32),
            v.astype(np.int32),
            self.length[keep],
            self.speed_kph[keep],
            self.highway[keep],
            self.name[keep],
            None if self.name_zh is None else self.name_zh[keep],
            None if self.time_s is None else self.time_s[keep],
            None if self.closed is None else self.closed[keep],
            None if self.geometry is None else self.geometry.take(keep),
        )


@dataclass(frozen=True)
class Landmark:
    """A named place at a node (a township centre, a village, a plant).

    Attributes
    ----------
    node
        Node index.
    name
        Name for English output (pinyin, OpenStreetMap ``name:en``).
    kind
        ``city``, ``township``, ``village`` or another place kind.
    name_zh
        Chinese name, ``""`` if none; :meth:`label` picks between them.
    """

    node: int
    name: str
    kind: str
    name_zh: str = ""

    def label(self) -> str:
        """The name in the language in use (the English name where no Chinese one is given)."""
        return both(self.name, self.name_zh)

    def matches(self, text: str) -> bool:
        """Whether ``text`` names this landmark in either language (case-insensitive)."""
        t = text.strip().lower()
        return t in (self.name.lower(), self.name_zh.lower()) and t != ""


def check_tables(nodes: NodeTable, edges: EdgeTable) -> None:
    """Refuse coordinates, lengths and speeds that would poison every travel time."""
    for name in ("x", "y", "lon", "lat"):
        bad = np.flatnonzero(~np.isfinite(np.asarray(getattr(nodes, name), dtype=float)))
        if bad.size:
            i = int(bad[0])
            raise NetworkError(
                _("node {node}: {name} {value} is not finite").format(
                    node=nodes.osmid[i], name=name, value=getattr(nodes, name)[i]
                )
            )
    if len(edges) and (
        np.min(edges.u) < 0
        or np.min(edges.v) < 0
        or max(np.max(edges.u), np.max(edges.v)) >= len(nodes)
    ):
        raise NetworkError(
            _("an edge joins a node index outside 0..{last}").format(last=len(nodes) - 1)
        )
    length = np.asarray(edges.length, dtype=float)
    speed = np.asarray(edges.speed_kph, dtype=float)
    # A given time must be usable as it stands; a computed one is, once length and speed are.
    time = np.asarray(edges.time_s if edges.time_s is not None else np.zeros(len(edges)), float)
    for name, values, ok in (
        ("length", length, np.isfinite(length) & (length >= 0)),
        ("speed_kph", speed, np.isfinite(speed) & (speed > 0)),
        ("travel_time", time, np.isfinite(time) & (time >= 0)),
    ):
        bad = np.flatnonzero(~ok)
        if bad.size:
            k = int(bad[0])
            a, b = nodes.osmid[edges.u[k]], nodes.osmid[edges.v[k]]
            message = (
                _("edge {u}->{v}: {name} {value} is not a finite number >= 0")
                if name != "speed_kph"
                else _("edge {u}->{v}: {name} {value} is not a finite number > 0")
            )
            raise NetworkError(message.format(u=a, v=b, name=name, value=values[k]))
    geom = edges.geometry
    if geom is not None and (len(geom) != len(edges) or not np.isfinite(geom.xy).all()):
        raise NetworkError(_("edge geometry: not one finite polyline per edge"))
