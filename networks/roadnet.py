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
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from networks.errors import NetworkError
from networks.i18n import _, both

#: Peak bytes of float64 scratch allowed per dijkstra call; sources are chunked to fit.
_CHUNK_BYTES = 64 * 2**20
#: Travel-time arrays kept per state (least recently used are dropped).
_CACHE_ENTRIES = 16


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
    """

    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    speed_kph: np.ndarray
    highway: np.ndarray
    name: np.ndarray
    name_zh: np.ndarray | None = None

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
        """Free-flow travel time in seconds."""
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


@dataclass(frozen=True)
class Disruption:
    """A change to some edges' travel times.

    Parameters
    ----------
    edges
        Edge indices affected.
    factor
        Travel-time multiplier: ``inf`` closes the edges, ``2.0`` halves their speed.
    label
        Free text for reports (``"flood, Township 3"``).
    """

    edges: tuple[int, ...]
    factor: float = float("inf")
    label: str = ""

    def __post_init__(self) -> None:
        if not self.factor >= 1.0:
            raise ValueError(
                _("disruption factor must be >= 1 (inf closes), got {factor}").format(
                    factor=self.factor
                )
            )


@dataclass
class CleaningReport:
    """What was dropped when the network was reduced to its largest strongly connected part."""

    nodes_in: int
    edges_in: int
    nodes_dropped: int = 0
    edges_dropped: int = 0
    components_dropped: int = 0


#: States of one network kept alive after their last user lets go (most recent first out).
_RECENT_STATES = 32


class _Shared:
    """Everything the states of one network have in common."""

    def __init__(self) -> None:
        # Weak: a state lives while something uses it (a run, the recent list below), so
        # the travel-time caches of states nobody needs any more are freed; experiments
        # with random closures would otherwise keep every state they ever made.
        self.states: weakref.WeakValueDictionary[bytes, RoadNetwork] = weakref.WeakValueDictionary()
        # The last few stay alive anyway, so consecutive runs with the same closures share.
        self.recent: OrderedDict[bytes, RoadNetwork] = OrderedDict()
        self.n_versions = 0
        self.base: RoadNetwork | None = None
        self.kdtree: Any = None

    def new_version(self) -> int:
        """A version number no state of this network has had."""
        self.n_versions += 1
        return self.n_versions - 1

    def __getstate__(self) -> dict[str, Any]:
        # A pickled network carries its undisrupted state only (weak references do not
        # pickle); other states are made again on demand, with new versions.
        return {"base": self.base, "n_versions": self.n_versions}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()
        self.base, self.n_versions = state["base"], state["n_versions"]

    def remember(self, key: bytes, state: RoadNetwork) -> None:
        """Keep ``state`` among the recent ones."""
        self.recent[key] = state
        self.recent.move_to_end(key)
        while len(self.recent) > _RECENT_STATES:
            self.recent.popitem(last=False)


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
        _shared: _Shared | None = None,
        _version: int | None = None,
        _disruptions: tuple[Disruption, ...] = (),
    ) -> None:
        if _shared is None:  # a new network, not a state of one
            _check_tables(nodes, edges)
        self.nodes = nodes
        self.edges = edges
        self.crs = crs
        self.landmarks = tuple(landmarks)
        self.name = name
        self.cleaning = cleaning or CleaningReport(len(nodes), len(edges))
        self.factor = np.ones(len(edges)) if _factor is None else _factor
        self.factor.flags.writeable = False
        self.disruptions = _disruptions
        self._shared = _shared or _Shared()
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
        out = _dijkstra_float32(graph, src, lim, workers)
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
    @staticmethod
    def _state_key(factor: np.ndarray) -> bytes:
        return hashlib.blake2b(np.ascontiguousarray(factor).tobytes(), digest_size=16).digest()

    @property
    def base(self) -> RoadNetwork:
        """The undisrupted state of this network."""
        base = self._shared.base
        assert base is not None  # set by the constructor of every network
        return base

    def under(self, disruptions: Iterable[Disruption]) -> RoadNetwork:
        """The state of the *undisrupted* roads under a set of disruptions.

        Overlapping disruptions multiply (a closure wins). The same set of
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
        factor = np.ones(self.n_edges)
        for d in active:
            idx = np.asarray(d.edges, dtype=np.int64)
            if idx.size and (idx.min() < 0 or idx.max() >= self.n_edges):
                raise NetworkError(
                    _("disruption {label!r}: edge index out of range").format(label=d.label)
                )
            factor[idx] *= d.factor
        if (factor == 1.0).all():
            return self.base
        key = self._state_key(factor)
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
        """Indices of edges whose straight segment passes within ``radius`` m of (x, y)."""
        import shapely

        circle = shapely.Point(x, y).buffer(radius, quad_segs=16)
        return self.edges_in_polygon(circle)

    def edges_in_polygon(self, polygon: Any) -> np.ndarray:
        """Indices of edges whose straight segment meets a polygon (projected metres).

        Parameters
        ----------
        polygon
            A :class:`shapely.Polygon` or a sequence of (x, y) vertices.
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
            import shapely

            e, nd = self.edges, self.nodes
            coords = np.stack(
                [np.column_stack([nd.x[e.u], nd.y[e.u]]), np.column_stack([nd.x[e.v], nd.y[e.v]])],
                axis=1,
            )
            sh.lines = shapely.linestrings(coords)
        return sh.lines

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
        """Row of the node with external id ``osmid``."""
        hit = np.flatnonzero(self.nodes.osmid == osmid)
        if hit.size == 0:
            raise NetworkError(
                _("node id {osmid} is not on the network {network!r}").format(
                    osmid=osmid, network=self.name
                )
            )
        return int(hit[0])

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
        ``closed`` and ``edge_id`` (row in :attr:`edges`).
        """
        import networkx as nx

        g = nx.MultiDiGraph(crs=self.crs, name=self.name, created_by="yingji")
        nd, e = self.nodes, self.edges
        marks = {lm.node: lm for lm in self.landmarks}
        for i in range(self.n_nodes):
            attrs = {
                "x": float(nd.x[i]),
                "y": float(nd.y[i]),
                "lon": float(nd.lon[i]),
                "lat": float(nd.lat[i]),
            }
            if i in marks:
                attrs["landmark"] = marks[i].name
                attrs["landmark_kind"] = marks[i].kind
                if marks[i].name_zh:
                    attrs["landmark_zh"] = marks[i].name_zh
            g.add_node(int(nd.osmid[i]), **attrs)
        tt = self.edge_time
        ids = nd.osmid
        assert e.name_zh is not None
        for k in range(self.n_edges):
            zh = {"name_zh": str(e.name_zh[k])} if e.name_zh[k] else {}
            g.add_edge(
                int(ids[e.u[k]]),
                int(ids[e.v[k]]),
                length=float(e.length[k]),
                speed_kph=float(e.speed_kph[k]),
                travel_time=float(tt[k]),
                highway=str(e.highway[k]),
                name=str(e.name[k]),
                **zh,
                closed=bool(np.isinf(tt[k])),
                edge_id=k,
            )
        return g


def _check_tables(nodes: NodeTable, edges: EdgeTable) -> None:
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
    for name, values, ok in (
        ("length", length, np.isfinite(length) & (length >= 0)),
        ("speed_kph", speed, np.isfinite(speed) & (speed > 0)),
    ):
        bad = np.flatnonzero(~ok)
        if bad.size:
            k = int(bad[0])
            a, b = nodes.osmid[edges.u[k]], nodes.osmid[edges.v[k]]
            message = (
                _("edge {u}->{v}: {name} {value} is not a finite number >= 0")
                if name == "length"
                else _("edge {u}->{v}: {name} {value} is not a finite number > 0")
            )
            raise NetworkError(message.format(u=a, v=b, name=name, value=values[k]))


def _dijkstra_chunks(graph: sparse.csr_matrix, src: np.ndarray, limit: float) -> np.ndarray:
    """Dijkstra from ``src`` as float32, in chunks that bound the float64 scratch memory."""
    out = np.empty((src.size, graph.shape[0]), dtype=np.float32)
    step = max(1, _CHUNK_BYTES // (8 * max(graph.shape[0], 1)))
    for lo in range(0, src.size, step):
        chunk = src[lo : lo + step]
        out[lo : lo + chunk.size] = csgraph.dijkstra(graph, indices=chunk, limit=limit)
    return out


#: The graph a forked worker reads (inherited, never pickled).
_FORKED: dict[str, Any] = {}


def _forked_chunk(src: np.ndarray, limit: float) -> np.ndarray:
    return _dijkstra_chunks(_FORKED["graph"], src, limit)


def _dijkstra_float32(
    graph: sparse.csr_matrix, src: np.ndarray, limit: float, workers: int
) -> np.ndarray:
    """Dijkstra from ``src``, shared among ``workers`` forked processes when worth it."""
    import multiprocessing as mp
    import sys

    # scipy holds the GIL, so threads do not help; forked processes inherit the graph.
    if workers <= 1 or src.size < 2 * workers or not sys.platform.startswith("linux"):
        return _dijkstra_chunks(graph, src, limit)
    from concurrent.futures import ProcessPoolExecutor

    _FORKED["graph"] = graph
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            parts = list(pool.map(_forked_chunk, np.array_split(src, workers), [limit] * workers))
    finally:
        _FORKED.clear()
    return np.concatenate(parts)


def largest_strongly_connected(
    nodes: NodeTable, edges: EdgeTable
) -> tuple[NodeTable, EdgeTable, CleaningReport, np.ndarray]:
    """Keep the largest strongly connected part of a network.

    Returns
    -------
    nodes, edges, report, kept
        The reduced tables, what was dropped, and the old indices of kept nodes.
    """
    n = len(nodes)
    report = CleaningReport(nodes_in=n, edges_in=len(edges))
    if n == 0 or len(edges) == 0:
        raise NetworkError(_("the network has no drivable roads"))
    adj = sparse.csr_matrix((np.ones(len(edges)), (edges.u, edges.v)), shape=(n, n))
    ncomp, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels)
    main = int(np.argmax(sizes))
    keep_nodes = np.flatnonzero(labels == main)
    if sizes[main] < 2:
        raise NetworkError(_("the network has no two nodes joined in both directions"))
    node_map = np.full(n, -1, dtype=np.int64)
    node_map[keep_nodes] = np.arange(keep_nodes.size)
    keep_edges = (labels[edges.u] == main) & (labels[edges.v] == main)
    report.nodes_dropped = int(n - keep_nodes.size)
    report.edges_dropped = int(len(edges) - keep_edges.sum())
    report.components_dropped = int(ncomp - 1)
    return nodes.take(keep_nodes), edges.take(keep_edges, node_map), report, keep_nodes
