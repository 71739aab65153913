"""The compiled road network: node and edge tables, states and travel times.

A :class:`RoadNetwork` is what the simulator meets. It holds nodes (projected
metres plus lon/lat) and directed edges as numpy arrays, and compiles them
once into a CSR matrix of travel seconds for :func:`scipy.sparse.csgraph.dijkstra`.
Users who want a graph get an osmnx-style :class:`networkx.MultiDiGraph` from
:meth:`RoadNetwork.to_networkx`; nothing inside yingji queries networkx.

A network *state* is the same roads under a set of disruptions (closed or
slowed edges). States share geometry, the KD-tree and a registry, so the
same disruptions always give the same state object, with the same version
number and the same cached travel times.

The tables live in :mod:`networks.tables`, disruptions and the state registry
in :mod:`networks.states`, the Dijkstra runs in :mod:`networks.dijkstra` and
cleaning in :mod:`networks.cleaning`; their public names are importable from
here too.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from networks.cleaning import CleaningReport, largest_strongly_connected
from networks.dijkstra import dijkstra_float32
from networks.errors import NetworkError
from networks.geometry import linestrings
from networks.i18n import _
from networks.states import Disruption, Shared
from networks.tables import EdgeTable, Landmark, NodeTable, check_tables

__all__ = [
    "CleaningReport",
    "Disruption",
    "EdgeTable",
    "Landmark",
    "NodeTable",
    "RoadNetwork",
    "largest_strongly_connected",
]

#: Travel-time arrays kept per state (least recently used are dropped).
_CACHE_ENTRIES = 16


class RoadNetwork:
    """A directed road network compiled for fast travel-time queries.

    Parameters
    ----------
    nodes, edges
        The node and edge tables. Edge ``u``/``v`` index ``nodes``.
    crs
        Projection of ``nodes.x``/``nodes.y`` (a pyproj-readable string).
    landmarks
        Named places, used to describe locations to people.
    name
        A short label (file stem, place name).
    cleaning
        What loading dropped, if anything.

    Notes
    -----
    Build one with :func:`networks.load_network`, :func:`networks.synthetic_county`
    or :meth:`from_networkx`; the constructor does not check connectivity.
    """

    def __init__(
        self,
        nodes: NodeTable,
        edges: EdgeTable,
        *,
        crs: str,
        landmarks: Sequence[Landmark] = (),
        name: str = "",
        cleaning: CleaningReport | None = None,
        _factor: np.ndarray | None = None,
        _shared: Shared | None = None,
        _version: int | None = None,
        _disruptions: tuple[Disruption, ...] = (),
    ) -> None:
        if _shared is None:  # a new network, not a state of one
            check_tables(nodes, edges)
        self.nodes = nodes
        self.edges = edges
        self.crs = crs
        self.landmarks = tuple(landmarks)
        self.name = name
        self.cleaning = cleaning or CleaningReport(len(nodes), len(edges))
        if _factor is None:  # the undisrupted state: open, but for roads closed as loaded
            _factor = np.ones(len(edges))
            if edges.closed is not None:
                _factor[np.asarray(edges.closed, dtype=bool)] = np.inf
        self.factor = _factor
        self.factor.flags.writeable = False
        self.disruptions = _disruptions
        self._shared = _shared or Shared()
        if _shared is None:  # a new network: this is its undisrupted state
            self._shared.base = self
        self.version = self._shared.new_version() if _version is None else _version
        self._shared.states.setdefault(self._state_key(self.factor), self)
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()

    # ------------------------------------------------------------------ basics
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.edges)

    @property
    def closed(self) -> np.ndarray:
        """Boolean mask of edges closed in this state."""
        return np.isinf(self.factor)

    @property
    def edge_time(self) -> np.ndarray:
        """Travel seconds per edge in this state (``inf`` where closed)."""
        return self.edges.travel_time * self.factor

    def __repr__(self) -> str:
        return (
            f"RoadNetwork({self.name!r}, nodes={self.n_nodes}, edges={self.n_edges}, "
            f"version={self.version})"
        )

    # ---------------------------------------------------------------- compiled
    @cached_property
    def csr(self) -> sparse.csr_matrix:
        """Travel seconds as a CSR matrix (parallel edges reduced to the fastest)."""
        return self._compile(transpose=False)

    @cached_property
    def csr_reverse(self) -> sparse.csr_matrix:
        """The transposed graph, for times *to* a set of nodes."""
        return self._compile(transpose=True)

    def _compile(self, *, transpose: bool) -> sparse.csr_matrix:
        t = self.edge_time
        open_ = np.isfinite(t)
        u, v, t = self.edges.u[open_], self.edges.v[open_], t[open_]
        if transpose:
            u, v = v, u
        # Sort by (u, v, time) and keep the first of each (u, v): the fastest parallel edge.
        order = np.lexsort((t, v, u))
        u, v, t = u[order], v[order], t[order]
        first = np.ones(len(u), dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        n = self.n_nodes
        # Explicit zeros (coincident nodes) stay edges: csgraph honours stored zeros.
        return sparse.csr_matrix((t[first], (u[first], v[first])), shape=(n, n))

    # ------------------------------------------------------------ travel times
    def travel_times(
        self,
        sources: Sequence[int] | np.ndarray,
        *,
        reverse: bool = False,
        limit: float | None = None,
        workers: int = 1,
    ) -> np.ndarray:
        """Shortest travel seconds between ``sources`` and every node.

        Parameters
        ----------
        sources
            Node indices.
        reverse
            If false, ``out[i, j]`` is the time from ``sources[i]`` to node ``j``;
            if true, the time from node ``j`` to ``sources[i]``.
        limit
            Stop searching beyond this many seconds; farther nodes read ``inf``.
        workers
            Processes to share the sources among (Linux ``fork`` only; elsewhere,
            or for small requests, one). Results are identical whatever the number.

        Returns
        -------
        numpy.ndarray
            float32 array of shape ``(len(sources), n_nodes)``, read-only and
            cached for this state. ``inf`` means unreachable (within ``limit``).
        """
        src = np.asarray(sources, dtype=np.int64).ravel()
        if src.size and (src.min() < 0 or src.max() >= self.n_nodes):
            raise NetworkError(
                _("source node index out of range 0..{last}").format(last=self.n_nodes - 1)
            )
        key = (bool(reverse), None if limit is None else float(limit), src.tobytes())
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        graph = self.csr_reverse if reverse else self.csr
        lim = np.inf if limit is None else float(limit)
        out = dijkstra_float32(graph, src, lim, workers)
        out.flags.writeable = False
        self._cache[key] = out
        if len(self._cache) > _CACHE_ENTRIES:
            self._cache.popitem(last=False)
        return out

    def travel_time(self, source: int, target: int) -> float:
        """Shortest travel seconds from one node to another (``inf`` if unreachable)."""
        return float(self.travel_times([source])[0, target])

    def route(self, source: int, target: int) -> list[int]:
        """Node indices of a fastest route, for drawing; ``[]`` if unreachable."""
        _dist, pred = csgraph.dijkstra(self.csr, indices=int(source), return_predecessors=True)
        if source != target and pred[target] < 0:
            return []
        path = [int(target)]
        while path[-1] != source:
            path.append(int(pred[path[-1]]))
        return path[::-1]

    def route_edges(self, path: Sequence[int]) -> np.ndarray:
        """Edge indices along a node path (the fastest of parallel edges)."""
        t = self.edge_time
        found = []
        for a, b in zip(path[:-1], path[1:], strict=False):
            cand = np.flatnonzero((self.edges.u == a) & (self.edges.v == b))
            found.append(int(cand[np.argmin(t[cand])]))
        return np.asarray(found, dtype=np.int64)

    # ------------------------------------------------------------ disruptions
    def _state_key(self, factor: np.ndarray, idx: np.ndarray | None = None) -> bytes:
        # By the edges whose factor differs from the undisrupted state's (``idx``, if known;
        # a few hundred of 330,000 on the city after an earthquake): hashing every factor
        # took 5 ms a state.
        if idx is None:
            idx = np.flatnonzero(factor != self.base.factor)
        changed = np.ascontiguousarray(factor[idx]).tobytes()
        return hashlib.blake2b(idx.tobytes() + changed, digest_size=16).digest()

    @property
    def base(self) -> RoadNetwork:
        """The undisrupted state of this network."""
        base = self._shared.base
        assert base is not None  # set by the constructor of every network
        return base

    def under(self, disruptions: Iterable[Disruption]) -> RoadNetwork:
        """The state of the *undisrupted* roads under a set of disruptions.

        Overlapping disruptions multiply (a closure wins); roads closed as
        loaded (:attr:`EdgeTable.closed`) stay closed. The same set of
        disruptions returns the same state object while it is in use or among
        the 32 most recent, so its cached travel times are reused; versions are
        never reused.

        Parameters
        ----------
        disruptions
            Disruptions active together.

        Returns
        -------
        RoadNetwork
            The state, with a version number unique within this network.
        """
        active = tuple(disruptions)
        factor = self.base.factor.copy()
        for d in active:
            idx = np.asarray(d.edges, dtype=np.int64)
            if idx.size and (idx.min() < 0 or idx.max() >= self.n_edges):
                raise NetworkError(
                    _("disruption {label!r}: edge index out of range").format(label=d.label)
                )
            factor[idx] *= d.factor
        idx = np.flatnonzero(factor != self.base.factor)
        if not idx.size:
            return self.base
        key = self._state_key(factor, idx)
        state = self._shared.states.get(key)
        if state is None:
            state = RoadNetwork(
                self.nodes,
                self.edges,
                crs=self.crs,
                landmarks=self.landmarks,
                name=self.name,
                cleaning=self.cleaning,
                _factor=factor,
                _shared=self._shared,
                _version=self._shared.new_version(),
                _disruptions=active,
            )
        self._shared.remember(key, state)
        return state

    def with_closed(self, edges: Iterable[int], *, factor: float = float("inf")) -> RoadNetwork:
        """This state with more edges closed (or slowed by ``factor``)."""
        return self.under(self.disruptions + (Disruption(tuple(int(e) for e in edges), factor),))

    # ----------------------------------------------------------- selections
    def edges_near(self, x: float, y: float, radius: float) -> np.ndarray:
        """Indices of edges whose road (its polyline) passes within ``radius`` m of (x, y)."""
        import shapely

        circle = shapely.Point(x, y).buffer(radius, quad_segs=16)
        return self.edges_in_polygon(circle)

    def edges_in_polygon(self, polygon: Any) -> np.ndarray:
        """Indices of edges whose road meets a polygon or line (projected metres).

        A road is its polyline (a curved OpenStreetMap way keeps its bends), so
        a road that bends into the polygon is selected and one whose chord
        alone crosses it is not; a straight edge is the segment between its nodes.

        Parameters
        ----------
        polygon
            Any :class:`shapely.Geometry` (a polygon, a road-cut line) or a
            sequence of (x, y) polygon vertices.
        """
        import shapely

        if not isinstance(polygon, shapely.Geometry):
            polygon = shapely.Polygon(polygon)
        hit = shapely.intersects(self._edge_lines, polygon)
        return np.flatnonzero(hit)

    @property
    def _edge_lines(self) -> np.ndarray:
        sh = self._shared
        if getattr(sh, "lines", None) is None:
            a, b = self._edge_ends
            sh.lines = linestrings(a, b, self.edges.geometry)
        return sh.lines

    @property
    def _edge_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """``(n_edges, 2)`` coordinates of every edge's tail and head node."""
        e, nd = self.edges, self.nodes
        return np.column_stack([nd.x[e.u], nd.y[e.u]]), np.column_stack([nd.x[e.v], nd.y[e.v]])

    # --------------------------------------------------------------- snapping
    def snap(
        self,
        x: Sequence[float] | np.ndarray,
        y: Sequence[float] | np.ndarray,
        *,
        lonlat: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node to each point.

        Parameters
        ----------
        x, y
            Projected metres, or longitude and latitude if ``lonlat``.
        lonlat
            Whether the points are geographic.

        Returns
        -------
        nodes, distance
            Node indices and straight-line distance in metres.
        """
        px, py = np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))
        if lonlat:
            px, py = self.project(px, py)
        if self._shared.kdtree is None:
            from scipy.spatial import cKDTree

            self._shared.kdtree = cKDTree(np.column_stack([self.nodes.x, self.nodes.y]))
        dist, idx = self._shared.kdtree.query(np.column_stack([px, py]))
        return idx.astype(np.int64), dist

    def project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Geographic degrees to this network's projected metres."""
        from pyproj import Transformer

        tr = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        return tr.transform(np.asarray(lon, float), np.asarray(lat, float))

    def node_index(self, osmid: int) -> int:
        """Row of the node with external id ``osmid``.

        Raises
        ------
        networks.errors.NetworkError
            No such node; saying so if cleaning dropped it (:meth:`dropped_reason`).
        """
        hit = np.flatnonzero(self.nodes.osmid == osmid)
        if hit.size == 0:
            reason = self.cleaning.id_reason(osmid, self.name)
            raise NetworkError(
                reason
                or _("node id {osmid} is not on the network {network!r}").format(
                    osmid=osmid, network=self.name
                )
            )
        return int(hit[0])

    def dropped_reason(
        self, x: float, y: float, *, lonlat: bool = False, max_m: float, what: str | None = None
    ) -> str | None:
        """Why a point with no node within ``max_m`` is off the network, if cleaning is why.

        Parameters
        ----------
        x, y
            The point: projected metres, or longitude and latitude if ``lonlat``.
        max_m
            The farthest a point may lie from its node.
        what
            The point as the message names it; default ``lon X, lat Y`` or ``x X, y Y``.

        Returns
        -------
        str or None
            One line (``lon A, lat B lies on a part of the roads not connected
            both ways to the main network ...``) if a node that cleaning dropped
            lies within ``max_m`` and nearer than every kept node; else ``None``.
        """
        if self.cleaning.dropped is None or not len(self.cleaning.dropped):
            return None  # nothing dropped: the point is simply elsewhere
        px, py = self.project(np.array([x]), np.array([y])) if lonlat else ([x], [y])
        if what is None:
            what = (_("lon {a}, lat {b}") if lonlat else _("x {a}, y {b}")).format(a=x, b=y)
        return self.cleaning.point_reason(
            what, float(px[0]), float(py[0]), max_m, self.name,
            kept_m=float(self.snap(px, py)[1][0]),
        )  # fmt: skip

    # ---------------------------------------------------------------- summary
    def summary(self) -> dict[str, Any]:
        """Size, length, extent and cleaning figures as plain data (JSON-ready)."""
        e, nd = self.edges, self.nodes
        km_by_class: dict[str, float] = {}
        for cls in np.unique(e.highway):
            km_by_class[str(cls)] = round(float(e.length[e.highway == cls].sum()) / 1000, 3)
        return {
            "name": self.name,
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "total_km": round(float(e.length.sum()) / 1000, 3),
            "km_by_class": dict(sorted(km_by_class.items(), key=lambda kv: -kv[1])),
            "closed_edges": int(self.closed.sum()),
            "version": self.version,
            "dropped": {
                "nodes": self.cleaning.nodes_dropped,
                "edges": self.cleaning.edges_dropped,
                "strongly_connected_parts": self.cleaning.components_dropped,
                # The largest, where any: a clean network's summary is as it always was.
                **({"parts": self.cleaning.parts()} if self.cleaning.nodes_dropped else {}),
            },
            "bbox_lonlat": [
                round(float(nd.lon.min()), 6),
                round(float(nd.lat.min()), 6),
                round(float(nd.lon.max()), 6),
                round(float(nd.lat.max()), 6),
            ],
            "bbox_m": [
                round(float(nd.x.min()), 1),
                round(float(nd.y.min()), 1),
                round(float(nd.x.max()), 1),
                round(float(nd.y.max()), 1),
            ],
            "crs": self.crs,
            "landmarks": len(self.landmarks),
        }

    # ------------------------------------------------------------ conversion
    def to_networkx(self) -> Any:
        """This state as an osmnx-style :class:`networkx.MultiDiGraph`.

        Node attributes: ``x``, ``y`` (projected m), ``lon``, ``lat``, ``osmid``
        and ``landmark``, ``landmark_kind`` (and ``landmark_zh``) where one
        stands. Edge attributes: ``length`` (m), ``speed_kph``, ``travel_time``
        (s, this state), ``highway``, ``name`` (and ``name_zh`` where known),
        ``closed``, ``edge_id`` (row in :attr:`edges`) and, on curved roads,
        ``geometry`` (a :class:`shapely.LineString` in ``crs``, as osmnx has it).
        """
        from networks.convert import to_networkx

        return to_networkx(self)
