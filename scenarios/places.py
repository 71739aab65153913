"""Where things happen on a road network: demand weights, hazard sources, road sets, locations.

A :class:`Geography` is built once per stream from a network (what it derives
from the network is shared by all its streams: :mod:`scenarios.geography_cache`).
It holds

* population weights per node: user-given, or a proxy (the number of nodes
  within 1 km, which tracks built-up density on both the synthetic county and
  OSM extracts);
* road weights per node for traffic: the sum over the node's outgoing edges of
  length x free-flow speed (a vehicle-kilometre proxy);
* hazard sources by kind (``river``, ``forest``, ``chemical_plant``, ``mine``,
  ``school``, ``venue``): user-given node indices, else the deterministic
  defaults of :func:`default_sources`;
* road sets (``low_lying``, ``river``, ``forest``) derived from the sources.

Event locations are written relative to the network (:class:`Location`) so the
same scenario runs on any network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from networks import geometry as road_geometry
from networks.errors import ConfigError
from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.geography_cache import network_geography, within

#: Hazard-source kinds known to the defaults.
SOURCE_KINDS = ("river", "forest", "chemical_plant", "mine", "school", "venue")
#: Nodes within this distance of a river node are low-lying.
LOW_LYING_M = 600.0
#: Half-width of the river band (edges within it are ``river`` roads).
RIVER_BAND_M = 250.0
#: Edges within this distance of a forest source are ``forest`` roads.
FOREST_EDGE_M = 1500.0


def _angle_diff(a: np.ndarray, b: float) -> np.ndarray:
    return np.abs(np.angle(np.exp(1j * (a - b))))


def default_sources(network: RoadNetwork) -> dict[str, np.ndarray]:
    """Deterministic hazard sources for a network without a region config.

    With ``c`` the centre (the ``city`` landmark, else the node nearest the
    median x/y) and ``R`` the 95th percentile of node distances from ``c``:

    * ``river``: nodes within 250 m of a straight river running at 20 degrees
      through a point 0.1 R north-west of ``c`` (so it crosses the built-up
      core, as rivers do in most Chinese county seats);
    * ``forest``: the farthest 30 % of village landmarks, else nodes beyond
      0.75 R within 60 degrees of south-west (hills on one side of a city);
    * ``chemical_plant``: two nodes 0.3-0.5 R out, towards the north-east and the
      south-west (industrial parks at the edge of town);
    * ``mine``: two far villages (or nodes beyond 0.7 R), north-west and south-east;
    * ``school``: the city, county and township landmarks, else the centre and six
      nodes 0.3 R out;
    * ``venue``: the centre and two nodes 0.15 R north and south of it.

    Parameters
    ----------
    network
        The road network.

    Returns
    -------
    dict
        Sorted unique node indices per kind.
    """
    nd = network.nodes
    x, y = np.asarray(nd.x, float), np.asarray(nd.y, float)
    c = centre_node(network)
    dx, dy = x - x[c], y - y[c]
    r = np.hypot(dx, dy)
    ang = np.arctan2(dy, dx)
    big_r = float(np.percentile(r, 95)) or 1.0
    marks = {k: np.array([m.node for m in network.landmarks if m.kind == k], dtype=np.int64)
             for k in ("city", "county", "township", "village")}  # fmt: skip

    def towards(cands: np.ndarray, angles: Sequence[float]) -> np.ndarray:
        if cands.size == 0:
            cands = np.arange(len(x))
        return np.unique([int(cands[np.argmin(_angle_diff(ang[cands], a))]) for a in angles])

    def nearest(px: float, py: float) -> int:
        return int(np.argmin(np.hypot(x - px, y - py)))

    out: dict[str, np.ndarray] = {}
    theta = np.deg2rad(20.0)
    d = np.array([np.cos(theta), np.sin(theta)])
    p0 = np.array([x[c], y[c]]) + 0.1 * big_r * np.array([-d[1], d[0]])
    dist_line = np.abs((x - p0[0]) * d[1] - (y - p0[1]) * d[0])
    river = np.flatnonzero(dist_line <= RIVER_BAND_M)
    if river.size < 2:  # a sparse network: the closest 1 % of nodes to the line
        river = np.argsort(dist_line, kind="stable")[: max(2, len(x) // 100)]
    out["river"] = np.sort(river)
    vil = marks["village"]
    if vil.size >= 3:
        out["forest"] = np.sort(vil[r[vil] >= np.percentile(r[vil], 70)])
    else:  # hills on one side only: the outer quarter of the network towards the south-west
        sector = (r >= 0.75 * big_r) & (_angle_diff(ang, -3 * np.pi / 4) <= np.pi / 3)
        out["forest"] = np.flatnonzero(sector if sector.any() else r >= 0.8 * big_r)
    band = np.flatnonzero((r >= 0.3 * big_r) & (r <= 0.5 * big_r))
    out["chemical_plant"] = towards(band, (np.pi / 4, -3 * np.pi / 4))
    far = vil[r[vil] >= 0.6 * big_r] if vil.size else np.flatnonzero(r >= 0.7 * big_r)
    out["mine"] = towards(far, (3 * np.pi / 4, -np.pi / 4))
    seats = np.concatenate([marks["city"], marks["county"], marks["township"]])
    if seats.size:
        out["school"] = np.unique(np.concatenate([seats, [c]]))
    else:
        pts = [(x[c] + 0.3 * big_r * np.cos(a), y[c] + 0.3 * big_r * np.sin(a))
               for a in np.arange(6) * np.pi / 3]  # fmt: skip
        out["school"] = np.unique([c] + [nearest(px, py) for px, py in pts])
    out["venue"] = np.unique(
        [c, nearest(x[c], y[c] + 0.15 * big_r), nearest(x[c], y[c] - 0.15 * big_r)]
    )
    return {k: np.asarray(v, dtype=np.int64) for k, v in out.items()}


def centre_node(network: RoadNetwork) -> int:
    """The ``city`` landmark, else the node nearest the median of node coordinates."""
    for m in network.landmarks:
        if m.kind == "city":
            return int(m.node)
    x, y = network.nodes.x, network.nodes.y
    return int(np.argmin(np.hypot(x - np.median(x), y - np.median(y))))


class Geography:
    """Weights, sources and road sets of one network, computed once per network.

    Parameters
    ----------
    network
        The road network.
    weights
        Population weights per node (non-negative, not all zero); the
        density proxy if ``None``.
    sources
        Hazard-source node indices by kind; kinds not given take the
        defaults of :func:`default_sources`.
    """

    def __init__(
        self,
        network: RoadNetwork,
        *,
        weights: np.ndarray | None = None,
        sources: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self.network = network
        n = network.n_nodes
        # Derived once per network and shared by its streams (read-only arrays).
        self._shared = shared = network_geography(network)
        self.xy = shared.xy
        self.tree = shared.tree
        if weights is None:
            self.population = shared.population
        else:
            pop = np.asarray(weights, dtype=np.float64)
            if pop.shape != (n,) or not np.all(np.isfinite(pop)) or pop.min() < 0 or pop.sum() <= 0:
                raise ConfigError(
                    _("weights must be {n} finite non-negative numbers, not all zero").format(n=n),
                    key="weights",
                )
            self.population = pop / pop.mean()
        self.roads = shared.roads
        self.centre: int = shared.memo("centre", lambda: centre_node(network))
        given = {k: np.asarray(v, dtype=np.int64).ravel() for k, v in (sources or {}).items()}
        for k, v in given.items():
            if v.size == 0 or v.min() < 0 or v.max() >= n:
                raise ConfigError(
                    _("source nodes must be indices 0..{last}").format(last=n - 1),
                    key=f"sources.{k}",
                )
        defaults = shared.memo("sources", lambda: default_sources(network))
        self.sources: dict[str, np.ndarray] = {
            **defaults,
            **{k: np.unique(v) for k, v in given.items()},
        }
        self._kernel_cache: dict[tuple[str, float], np.ndarray] = {}

    # ------------------------------------------------------------------ nodes
    def source_nodes(self, kind: str) -> np.ndarray:
        """Source nodes of a kind; unknown kinds raise :class:`ConfigError`."""
        if kind not in self.sources:
            raise ConfigError(
                _("no hazard sources of kind {kind!r} (known: {known})").format(
                    kind=kind, known=", ".join(sorted(self.sources))
                ),
                key=f"sources.{kind}",
            )
        return self.sources[kind]

    def distance_to(self, kind: str) -> np.ndarray:
        """Metres from every node to the nearest source of ``kind``."""
        key = (kind, -1.0)
        if key not in self._kernel_cache:
            src = self.source_nodes(kind)

            def make() -> np.ndarray:
                d, _i = cKDTree(self.xy[src]).query(self.xy)
                return np.asarray(d, dtype=np.float64)

            # Keyed on the source nodes themselves: given sources equal to the defaults share.
            self._kernel_cache[key] = self._shared.memo(("distance", src.tobytes()), make)
        return self._kernel_cache[key]

    def hazard_weights(
        self, *, weight: str, source: str = "", source_m: float = 500.0
    ) -> np.ndarray:
        """Spatial weights of a hazard, normalised to sum 1.

        The base (``population``, ``roads`` or ``uniform``) times
        ``exp(-d / source_m)``, ``d`` the distance to the nearest source of the
        hazard's kind.
        """
        base = {"population": self.population, "roads": self.roads}.get(weight)
        w = np.ones(self.network.n_nodes) if base is None else base.copy()
        if source:
            w = w * np.exp(-self.distance_to(source) / source_m)
        total = w.sum()
        return w / total if total > 0 else np.full(w.size, 1.0 / w.size)

    def nodes_within(self, x: float, y: float, radius: float) -> np.ndarray:
        """Sorted node indices within ``radius`` metres of (x, y)."""
        if not np.isfinite(radius):
            return np.arange(self.network.n_nodes)
        return np.sort(np.asarray(self.tree.query_ball_point([x, y], radius), dtype=np.int64))

    # ------------------------------------------------------------------ edges
    @property
    def _edge_geom(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, cKDTree, float]:
        # Ends, road midpoints, a KD-tree of the straight pieces and the longest half-piece.
        return self._shared.edge_geom

    @property
    def _segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._shared.segments

    def segment_distance(self, x: float, y: float, edges: np.ndarray | None = None) -> np.ndarray:
        """Metres from (x, y) to each edge's road, its polyline (all edges if ``None``)."""
        e = self.network.edges
        a, b, *_rest = self._edge_geom
        geom = e.geometry
        if edges is not None:
            a, b = a[edges], b[edges]
            geom = None if geom is None else geom.take(edges)
        return road_geometry.polyline_distance(x, y, a, b, geom)

    def edges_within(self, x: float, y: float, radius: float, *, along: str = "any") -> np.ndarray:
        """Sorted edge indices whose road passes within ``radius`` m of (x, y), in a road set.

        A road is its polyline: a curved road that bends into the circle is in,
        one whose chord alone crosses it is not.
        """
        if radius <= 0:
            return np.zeros(0, dtype=np.int64)
        if not np.isfinite(radius):
            cand = np.arange(self.network.n_edges)
        else:
            *_rest, tree, half = self._edge_geom
            sa, sb, owner = self._segments
            seg = np.sort(np.asarray(tree.query_ball_point([x, y], radius + half), dtype=np.int64))
            seg = seg[road_geometry.point_segment_distance(x, y, sa[seg], sb[seg]) <= radius]
            cand = np.unique(owner[seg])
        if along != "any":
            cand = cand[self.road_set(along)[cand]]
        return cand

    def road_set(self, name: str) -> np.ndarray:
        """Boolean mask of edges in a road set: ``any``, ``low_lying``, ``river`` or ``forest``.

        An edge belongs to ``low_lying`` if its midpoint (halfway along the road)
        is within 600 m of a river node, to ``river`` within 250 m, to ``forest``
        within 1.5 km of a forest source.
        """
        key = ("road:" + name, 0.0)
        if key in self._kernel_cache:
            return self._kernel_cache[key]
        _a, _b, mid, *_rest = self._edge_geom
        if name == "any":
            mask = self._shared.memo("road:any", lambda: np.ones(len(mid), dtype=bool))
        else:
            kind, lim = {
                "low_lying": ("river", LOW_LYING_M),
                "river": ("river", RIVER_BAND_M),
                "forest": ("forest", FOREST_EDGE_M),
            }[name]
            src = self.source_nodes(kind)
            mask = self._shared.memo(
                ("road", lim, src.tobytes()), lambda: within(self.xy[src], mid, lim)
            )
        self._kernel_cache[key] = mask
        return mask

    def undirected_pairs(self, edges: np.ndarray) -> np.ndarray:
        """Edges plus their reverse twins (so a closed road is closed both ways)."""
        e = self.network.edges
        n = self.network.n_nodes
        key_all = np.minimum(e.u, e.v).astype(np.int64) * n + np.maximum(e.u, e.v)
        want = np.unique(key_all[edges])
        return np.flatnonzero(np.isin(key_all, want))


# ------------------------------------------------------------------ locations
#: Farthest an event's place may lie from a road node, metres (as for stations and sources).
MAX_EVENT_SNAP_M = 500.0


@dataclass(frozen=True)
class Location:
    """A place written relative to the network, resolved to a node per stream.

    Written in TOML as a string or a table:

    * ``"centre"``: the county seat (``city`` landmark) or the middle of the network;
    * ``"random"``: a node drawn by population weight;
    * ``"landmark:Xiba Town"``: a named landmark (its English or Chinese name);
    * ``"source:chemical_plant"``: one of the hazard sources of that kind (drawn);
    * ``"node:123"``: a node index;
    * ``"bbox:0.25,0.75"``: fractions of the bounding box from the south-west corner;
    * ``{ x = 1200.0, y = -300.0 }`` projected metres, ``{ lon = 121.48, lat = 31.23 }``;
    * ``{ at = "centre", dx = 3000, dy = 0 }``: any of the above shifted by metres.
    """

    at: str = "centre"
    x: float | None = None
    y: float | None = None
    dx: float = 0.0
    dy: float = 0.0

    @classmethod
    def from_value(cls, value: Any, *, source: str | None = None, key: str = "") -> Location:
        """Validate a string or table (see the class docstring)."""
        from scenarios.validate import Reader

        def fail(msg: str) -> ConfigError:
            return ConfigError(msg, source=source, key=key)

        if isinstance(value, str):
            loc = cls(at=value)
        else:
            from scenarios.event_fields import LOCATION

            r = Reader(value, source=source, key=key)
            LOCATION.allow(r)
            dx, dy = r.num("dx", 0.0), r.num("dy", 0.0)
            if r.has("x") or r.has("y"):
                loc = cls("xy", r.num("x"), r.num("y"), dx, dy)
            elif r.has("lon") or r.has("lat"):
                loc = cls(
                    "lonlat", r.num("lon", lo=-180, hi=180), r.num("lat", lo=-90, hi=90), dx, dy
                )
            else:
                loc = cls(r.str("at"), None, None, dx, dy)
        head, _sep, arg = loc.at.partition(":")
        if head not in ("centre", "center", "random", "landmark", "source", "node", "bbox", "xy",
                        "lonlat"):  # fmt: skip
            raise fail(
                _(
                    "unknown location {location!r} (use centre, random, landmark:NAME, "
                    "source:KIND, node:N, bbox:FX,FY, {{x, y}} or {{lon, lat}})"
                ).format(location=loc.at)
            )
        if head in ("landmark", "source") and not arg:
            raise fail(_("{kind}: needs a name, e.g. '{kind}:...'").format(kind=head))
        if head == "node" and not (arg.isascii() and arg.isdigit()):
            raise fail(_("node: needs a node index, e.g. 'node:12'"))
        if head == "bbox":
            try:
                fx, fy = (float(s) for s in arg.split(","))
            except ValueError:
                raise fail(_("bbox: needs two fractions, e.g. 'bbox:0.25,0.75'")) from None
            if not (0 <= fx <= 1 and 0 <= fy <= 1):
                raise fail(_("bbox fractions must be within 0..1"))
        return loc

    def to_value(self) -> Any:
        """TOML-ready string or table."""
        if self.at == "xy":
            base: dict[str, Any] = {"x": self.x, "y": self.y}
        elif self.at == "lonlat":
            base = {"lon": self.x, "lat": self.y}
        elif self.dx or self.dy:
            base = {"at": self.at}
        else:
            return self.at
        if self.dx or self.dy:
            base.update(dx=self.dx, dy=self.dy)
        return base

    def resolve(
        self,
        geo: Geography,
        *,
        rng: np.random.Generator,
        source: str | None = None,
        key: str = "",
    ) -> int:
        """The node of this location on ``geo``'s network.

        Raises
        ------
        ConfigError
            If a landmark, source kind or node is not on this network.
        """
        net = geo.network
        head, _sep, arg = self.at.partition(":")
        if head in ("centre", "center"):
            node = geo.centre
        elif head == "random":
            node = int(rng.choice(net.n_nodes, p=geo.population / geo.population.sum()))
        elif head == "landmark":
            hits = [m.node for m in net.landmarks if m.matches(arg)]
            if not hits:
                names = ", ".join(m.label() for m in net.landmarks[:5])
                message = (
                    _("no landmark {name!r} on network {network!r} (e.g. {names})")
                    if names
                    else _("no landmark {name!r} on network {network!r} (it has no landmarks)")
                )
                raise ConfigError(
                    message.format(name=arg, network=net.name, names=names),
                    source=source,
                    key=key,
                )
            node = int(hits[0])
        elif head == "source":
            if arg not in geo.sources:
                raise ConfigError(
                    _("no hazard sources of kind {kind!r}").format(kind=arg),
                    source=source,
                    key=key,
                )
            cands = geo.sources[arg]
            node = int(cands[rng.integers(cands.size)])
        elif head == "node":
            node = int(arg)
            if node >= net.n_nodes:
                raise ConfigError(
                    _("node {node} is not on network {network!r} ({n} nodes)").format(
                        node=node, network=net.name, n=net.n_nodes
                    ),
                    source=source,
                    key=key,
                )
        elif head == "bbox":
            fx, fy = (float(s) for s in arg.split(","))
            x0, y0 = geo.xy.min(axis=0)
            x1, y1 = geo.xy.max(axis=0)
            node = int(geo.tree.query([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])[1])
        elif head == "xy":
            node = self._snap(geo, self.x, self.y, source=source, key=key)
        else:  # lonlat
            px, py = net.project(np.array([self.x]), np.array([self.y]))
            node = self._snap(geo, float(px[0]), float(py[0]), source=source, key=key)
        if self.dx or self.dy:
            px, py = geo.xy[node] + (self.dx, self.dy)
            # An offset is relative: shipped scenarios use them on any network, so a place
            # pushed past the network's edge is clamped to its nearest node, not refused.
            node = int(geo.tree.query([px, py])[1])
        return node

    @staticmethod
    def _snap(
        geo: Geography, x: float, y: float, *, source: str | None, key: str,
        limit: float = MAX_EVENT_SNAP_M,
    ) -> int:  # fmt: skip
        """The nearest node to a point, refusing a point off the network (a place elsewhere)."""
        dist, node = geo.tree.query([x, y])
        # On a part of the roads that loading dropped: refused, however near a kept node is.
        dropped = geo.network.dropped_reason(x, y, max_m=limit, what=_("the place"))
        if dropped:
            raise ConfigError(dropped, source=source, key=key)
        if not dist <= limit:
            raise ConfigError(
                _("the place lies {km:.2f} km from the nearest road node (at most {limit} m); "
                  "it is not on network {network!r}").format(
                    km=float(dist) / 1000, limit=int(limit), network=geo.network.name
                ),
                source=source,
                key=key,
            )  # fmt: skip
        return int(node)
