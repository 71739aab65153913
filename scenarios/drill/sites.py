"""Areas and place names on a road network, for drawing and describing a drill's scene.

An *area* is what the "no repeats" rule and the include/exclude lists speak
of: the city centre, county seat or township a node belongs to (its nearest
``city``, ``county`` or ``township`` landmark, straight line). On a network
without such landmarks (most OSM extracts) areas are 2 km grid squares named
``"E3"`` (column letter, row number from the south-west corner).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from networks.roadnet import RoadNetwork
from scenarios.drill import texts
from scenarios.drill.drawing_rules import DEFAULT_RULES, PLAIN_RULES

#: Side of the fallback grid squares, metres.
GRID_M = 2000.0
_COMPASS = (
    "east",
    "north-east",
    "north",
    "north-west",
    "west",
    "south-west",
    "south",
    "south-east",
)


def node_areas(network: RoadNetwork) -> np.ndarray:
    """The area name of every node (object array of ``str``)."""
    x, y = np.asarray(network.nodes.x, float), np.asarray(network.nodes.y, float)
    centres = [lm for lm in network.landmarks if lm.kind in ("city", "county", "township")]
    if centres:
        pts = np.column_stack([x[[c.node for c in centres]], y[[c.node for c in centres]]])
        _, idx = cKDTree(pts).query(np.column_stack([x, y]))
        names = np.array([c.name for c in centres], dtype=object)
        return names[np.asarray(idx)]
    col = ((x - x.min()) // GRID_M).astype(int)
    row = ((y - y.min()) // GRID_M).astype(int)
    letters = np.array([_col_name(c) for c in range(col.max() + 1)], dtype=object)
    return np.array([f"{letters[c]}{r + 1}" for c, r in zip(col, row, strict=True)], dtype=object)


def _col_name(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


@dataclass(frozen=True)
class PlaceName:
    """How people would name a node: its road, the nearest landmark, a sentence.

    ``text`` is the English sentence; ``spec`` the same as a text spec
    (:mod:`scenarios.drill.texts`), with the Chinese names where the network has them.
    """

    road: str
    landmark: str
    text: str
    spec: Any = field(default="", compare=False)


def compass(dx: float, dy: float) -> str:
    """Eight-point compass direction of a vector (x east, y north)."""
    k = int(np.round(np.arctan2(dy, dx) / (np.pi / 4))) % 8
    return _COMPASS[k]


class Namer:
    """Names nodes of one network by their roads and landmarks (indexes built once)."""

    def __init__(self, network: RoadNetwork) -> None:
        self.network = network
        nd, e = network.nodes, network.edges
        self.x, self.y = np.asarray(nd.x, float), np.asarray(nd.y, float)
        named = np.flatnonzero(np.asarray([bool(s) for s in e.name]))
        self._named = named
        if named.size:
            mid = np.column_stack(
                [(self.x[e.u[named]] + self.x[e.v[named]]) / 2,
                 (self.y[e.u[named]] + self.y[e.v[named]]) / 2]
            )  # fmt: skip
            self._road_tree = cKDTree(mid)
        self._marks = network.landmarks
        if self._marks:
            pts = np.column_stack([self.x[[m.node for m in self._marks]],
                                   self.y[[m.node for m in self._marks]]])  # fmt: skip
            self._mark_tree = cKDTree(pts)

    def _road_edge(self, node: int) -> int | None:
        e = self.network.edges
        at = np.flatnonzero((e.u == node) | (e.v == node))
        at = at[[bool(e.name[i]) for i in at]] if at.size else at
        if at.size:
            return int(at[np.argmax(np.asarray(e.speed_kph)[at])])
        if not self._named.size:
            return None
        _, i = self._road_tree.query([self.x[node], self.y[node]])
        return int(self._named[int(i)])

    def road(self, node: int) -> str:
        """Name of a road at the node (the fastest named one), else the nearest named road."""
        k = self._road_edge(node)
        return "" if k is None else str(self.network.edges.name[k])

    def road_text(self, node: int) -> Any:
        """:meth:`road` as a text spec (with its Chinese name where the network has one)."""
        k = self._road_edge(node)
        return "" if k is None else self.edge_text(k)

    def edge_text(self, k: int) -> Any:
        """The name of edge ``k`` as a text spec."""
        e = self.network.edges
        zh = getattr(e, "name_zh", None)
        return texts.place(str(e.name[k]), str(zh[k]) if zh is not None else None)

    def area_text(self, area: str) -> Any:
        """An area (a township or seat landmark, or a grid square) as a text spec."""
        for m in self._marks:
            if m.name == area:
                return texts.place(m.name, getattr(m, "name_zh", "") or None)
        return area

    def name(self, node: int, *, rules: int = DEFAULT_RULES) -> PlaceName:
        """Road, landmark and a sentence (``"Baiyun Road, 1.2 km north-east of Xiba Town"``).

        Under drawing rules ``rules`` >= /5 (:mod:`scenarios.drill.drawing_rules`) a
        road named after the landmark it lies in is not followed by it
        ("Huangtu Village 2 Road", not "... in Huangtu Village 2"), in each language.
        """
        road = self.road(node)
        road_t = self.road_text(node)
        mark, spec = "", None
        if self._marks:
            d, i = self._mark_tree.query([self.x[node], self.y[node]])
            m = self._marks[int(i)]
            mark = m.name
            mark_t = texts.place(m.name, getattr(m, "name_zh", "") or None)
            if d < 150:
                road_in = "place.road_at" if rules >= PLAIN_RULES else "place.road_in"
                spec = (
                    texts.msg(road_in, road=road_t, landmark=mark_t)
                    if road
                    else texts.msg("place.in", landmark=mark_t)
                )
            else:
                dx, dy = self.x[node] - self.x[m.node], self.y[node] - self.y[m.node]
                where = {
                    "km": float(d) / 1000,
                    "direction": texts.vocab("compass", compass(dx, dy)),
                    "landmark": mark_t,
                }
                spec = (
                    texts.msg("place.road_near", road=road_t, **where)
                    if road
                    else texts.msg("place.near", **where)
                )
        if spec is None and road:
            spec = road_t
        elif spec is None:
            spec = texts.msg(
                "place.node",
                osmid=int(self.network.nodes.osmid[node]),
                lat=float(self.network.nodes.lat[node]),
                lon=float(self.network.nodes.lon[node]),
            )
        return PlaceName(road=road, landmark=mark, text=texts.english(spec), spec=spec)
