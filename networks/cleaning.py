"""Cleaning a road network down to its largest strongly connected part.

Notes
-----
Holds :class:`CleaningReport` (what was dropped, with the dropped nodes in
:class:`DroppedNodes`, and where the data came from: the file and the data's
attribution, kept by every state of the network), :func:`largest_strongly_connected`,
which every loader and generator uses, and :func:`note_source`, which loaders
call to name the file and warn when much of it was dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from networks.errors import NetworkError
from networks.i18n import _
from networks.tables import EdgeTable, NodeTable

logger = logging.getLogger(__name__)

#: Share of a file's nodes whose dropping is worth a warning on loading.
WARN_DROPPED_SHARE = 0.05
#: Dropped parts listed by :meth:`CleaningReport.parts` (largest first).
LISTED_PARTS = 10


@dataclass(frozen=True, eq=False)
class DroppedNodes:
    """The nodes cleaning dropped, to tell a user that their place lies on a cut-off part.

    Attributes
    ----------
    osmid, x, y, lon, lat
        Each dropped node's external id, projected metres and degrees.
    part
        Each node's dropped part: 1 is the largest, 2 the next (ties by first node).
    sizes
        Nodes in each part, ``sizes[k - 1]`` for part ``k``.

    Notes
    -----
    Only errors consult it: the id lookup sorts and the KD-tree is built on first use.
    """

    osmid: np.ndarray
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    part: np.ndarray
    sizes: np.ndarray

    def __len__(self) -> int:
        return int(self.osmid.size)

    @cached_property
    def _by_id(self) -> np.ndarray:
        return np.argsort(self.osmid, kind="stable")

    @cached_property
    def _tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(np.column_stack([self.x, self.y]))

    def part_of_id(self, osmid: int) -> int:
        """The dropped part holding the node with external id ``osmid``, or 0."""
        order = self._by_id
        i = int(np.searchsorted(self.osmid, osmid, sorter=order))
        if i < order.size and self.osmid[order[i]] == osmid:
            return int(self.part[order[i]])
        return 0

    def part_near(
        self, x: np.ndarray, y: np.ndarray, max_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The dropped part of the nearest dropped node within ``max_m`` of each point, or 0.

        Returns
        -------
        part, distance
            Per point, the part (0 if no dropped node is that close) and the distance in metres.
        """
        x, y = np.atleast_1d(np.asarray(x, float)), np.atleast_1d(np.asarray(y, float))
        if not len(self):
            return np.zeros(x.size, np.int64), np.full(x.size, np.inf)
        dist, i = self._tree.query(np.column_stack([x, y]))
        return np.where(dist <= max_m, self.part[i], 0).astype(np.int64), dist

    def __getstate__(self) -> dict[str, Any]:
        # The lookups are rebuilt on demand: a pickled network (sent to a worker) stays small.
        return {k: v for k, v in self.__dict__.items() if k not in ("_by_id", "_tree")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


@dataclass
class CleaningReport:
    """What was dropped when the network was reduced to its largest strongly connected part.

    Attributes
    ----------
    nodes_in, edges_in
        Nodes and edges before cleaning.
    nodes_dropped, edges_dropped, components_dropped
        What was dropped: nodes, edges, and strongly connected parts.
    dropped
        The dropped nodes (``None`` for a network built without cleaning).
    source
        The file the network was loaded from (``""`` if none), for messages.
    attribution
        The credit its data's licence asks of every map of it, in English
        (``"© OpenStreetMap contributors"`` for OpenStreetMap data; ``""``: none
        owed, a synthetic network). See :mod:`networks.credit`.
    """

    nodes_in: int
    edges_in: int
    nodes_dropped: int = 0
    edges_dropped: int = 0
    components_dropped: int = 0
    dropped: DroppedNodes | None = field(default=None, repr=False, compare=False)
    source: str = field(default="", compare=False)
    attribution: str = field(default="", compare=False)

    @property
    def share_dropped(self) -> float:
        """Share of the nodes dropped (0 to 1)."""
        return self.nodes_dropped / self.nodes_in if self.nodes_in else 0.0

    def id_reason(self, osmid: int, network: str) -> str | None:
        """Why node id ``osmid`` is not on network ``network``, if cleaning dropped it."""
        part = self.dropped.part_of_id(osmid) if self.dropped is not None else 0
        return self._reason(_("node id {osmid}").format(osmid=osmid), part, network)

    def point_reason(
        self, what: str, x: float, y: float, max_m: float, network: str, *, kept_m: float
    ) -> str | None:
        """Why point (x, y) (metres) is off network ``network``, if it lies on a dropped part.

        Parameters
        ----------
        what
            The point as the user gave it (``lon 121.43, lat 31.19``).
        x, y
            The point in the network's metres.
        max_m
            The farthest a point may lie from its node.
        network
            The network's name.
        kept_m
            Metres from the point to the nearest node kept: a dropped node must be nearer.

        Returns
        -------
        str or None
            The message, or ``None`` if no dropped node is within ``max_m`` and nearer.
        """
        part = self.parts_at(np.array([x]), np.array([y]), max_m, np.array([kept_m]))
        return self._reason(what, int(part[0]), network)

    def parts_at(
        self, x: np.ndarray, y: np.ndarray, max_m: float, kept_m: np.ndarray
    ) -> np.ndarray:
        """The dropped part each point lies on, or 0: the snapping check, for many points.

        Parameters
        ----------
        x, y
            The points in the network's metres.
        max_m
            The farthest a point may lie from its node.
        kept_m
            Metres from each point to its nearest kept node.

        Returns
        -------
        numpy.ndarray
            Per point, the part of the nearest dropped node if that node is within
            ``max_m`` and nearer than every kept node (the point is on that part,
            however near a kept node is); else 0.
        """
        if self.dropped is None:
            return np.zeros(np.size(x), np.int64)
        part, dist = self.dropped.part_near(x, y, max_m)
        return np.where(dist < np.asarray(kept_m, float), part, 0)

    def _reason(self, what: str, part: int, network: str) -> str | None:
        if not part:
            return None
        assert self.dropped is not None  # a part number comes from the dropped nodes
        fields = {
            "what": what,
            "network": network,
            "part": part,
            "parts": f"{self.dropped.sizes.size:,}",
            "nodes": f"{int(self.dropped.sizes[part - 1]):,}",
            "file": self.source,
        }
        if self.source:
            return _(
                "{what} lies on a part of the roads not connected both ways to the main "
                "network {network!r} (dropped part {part} of {parts}, nodes: {nodes}; "
                "`yingji network info {file}` lists the parts)"
            ).format(**fields)
        return _(
            "{what} lies on a part of the roads not connected both ways to the main "
            "network {network!r} (dropped part {part} of {parts}, nodes: {nodes}; removed "
            "when the network was loaded)"
        ).format(**fields)

    def parts(self, limit: int = LISTED_PARTS) -> list[dict[str, Any]]:
        """The largest dropped parts, largest first, as plain data (JSON-ready).

        Each has ``part`` (its number in messages), ``nodes``, ``lon``/``lat``
        of its node nearest its centre (a place on its roads) and ``bbox_lonlat``.
        """
        d = self.dropped
        if d is None or not len(d):
            return []
        out = []
        order = np.argsort(d.part, kind="stable")
        starts = np.searchsorted(d.part[order], np.arange(1, d.sizes.size + 2))
        for k in range(min(limit, d.sizes.size)):
            rows = order[starts[k] : starts[k + 1]]
            cx, cy = d.x[rows].mean(), d.y[rows].mean()
            mid = rows[int(np.argmin(np.hypot(d.x[rows] - cx, d.y[rows] - cy)))]
            lon, lat = d.lon[rows], d.lat[rows]
            out.append(
                {
                    "part": k + 1,
                    "nodes": int(d.sizes[k]),
                    "lon": round(float(d.lon[mid]), 6),
                    "lat": round(float(d.lat[mid]), 6),
                    "bbox_lonlat": [
                        round(float(v), 6) for v in (lon.min(), lat.min(), lon.max(), lat.max())
                    ],
                }
            )
        return out


def largest_strongly_connected(
    nodes: NodeTable, edges: EdgeTable
) -> tuple[NodeTable, EdgeTable, CleaningReport, np.ndarray]:
    """Keep the largest strongly connected part of a network.

    Returns
    -------
    nodes, edges, report, kept
        The reduced tables, what was dropped (with the dropped nodes), and the
        old indices of kept nodes.
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
    report.dropped = _dropped(nodes, labels, sizes, main)
    return nodes.take(keep_nodes), edges.take(keep_edges, node_map), report, keep_nodes


def _dropped(nodes: NodeTable, labels: np.ndarray, sizes: np.ndarray, main: int) -> DroppedNodes:
    """The nodes outside part ``main``, numbered by part from the largest (1) down."""
    gone = np.flatnonzero(labels != main)
    rank = np.zeros(sizes.size, dtype=np.int32)
    others = np.delete(np.arange(sizes.size), main)
    by_size = others[np.argsort(-sizes[others], kind="stable")]
    rank[by_size] = np.arange(1, by_size.size + 1, dtype=np.int32)
    return DroppedNodes(
        osmid=nodes.osmid[gone],
        x=nodes.x[gone],
        y=nodes.y[gone],
        lon=nodes.lon[gone],
        lat=nodes.lat[gone],
        part=rank[labels[gone]],
        sizes=sizes[by_size],
    )


#: Sources already warned about in this process.
_WARNED: set[str] = set()


def note_source(report: CleaningReport, source: str, *, is_file: bool = True) -> None:
    """Record where a network came from, and warn if loading it dropped much of it.

    Parameters
    ----------
    report
        The network's cleaning report (updated in place).
    source
        The file (or, with ``is_file`` false, the place) the network was read from.
    is_file
        Whether ``source`` is a file ``yingji network info`` can read.

    Notes
    -----
    A disconnected file (two halves of a city exported apart) is cut to its
    largest part; without a word, a run would answer for half the map.
    """
    report.source = source if is_file else ""
    if report.share_dropped <= WARN_DROPPED_SHARE or source in _WARNED:
        return
    if not logger.isEnabledFor(logging.WARNING):  # silenced (network info): not said yet
        return
    _WARNED.add(source)  # once per process: every design point loads the same file
    message = (
        _("{source}: {nodes} of {total} road nodes ({share}) are not connected both ways to the "
          "main network and were dropped; places there are not on the network "
          "(`yingji network info {source}` lists the dropped parts)")
        if is_file
        else _("{source}: {nodes} of {total} road nodes ({share}) are not connected both ways "
               "to the main network and were dropped; places there are not on the network")
    )  # fmt: skip
    logger.warning(
        message.format(
            source=source,
            share=f"{report.share_dropped:.0%}",
            nodes=f"{report.nodes_dropped:,}",
            total=f"{report.nodes_in:,}",
        )
    )


#: An edge shorter than this share of the straight line between its ends (less a metre of
#: rounding) has a length in another unit, or none: no road is shorter than that line.
SHORT_EDGE_SHARE = 0.5


def check_lengths(network: Any, source: str) -> None:
    """Warn if edges are far shorter than the straight line between their ends.

    A GraphML whose ``length`` is in kilometres (0.111 for 111 m), or all 0,
    was read as given: trips took a tenth of a second. Said once per source,
    with the first such edge.

    Parameters
    ----------
    network
        The network read (:class:`networks.roadnet.RoadNetwork`).
    source
        The file, for the message.
    """
    e, nd = network.edges, network.nodes
    if not len(e.u) or source in _SHORT_WARNED:
        return
    apart = np.hypot(nd.x[e.u] - nd.x[e.v], nd.y[e.u] - nd.y[e.v])
    short = np.flatnonzero(e.length < SHORT_EDGE_SHARE * apart - 1.0)
    if not short.size:
        return
    _SHORT_WARNED.add(source)
    k = int(short[0])
    _lengths_logger.warning(
        _(
            "{source}: {n} of {m} edges are much shorter than the straight line between their "
            "ends (edge {u} -> {v}: length {length} m, its ends {apart} m apart): is length in "
            "metres? Trips on them take too little time"
        ).format(
            source=source,
            n=f"{short.size:,}",
            m=f"{len(e.u):,}",
            u=nd.osmid[e.u[k]],
            v=nd.osmid[e.v[k]],
            length=f"{float(e.length[k]):.3g}",
            apart=f"{float(apart[k]):,.0f}",
        )  # fmt: skip
    )


_SHORT_WARNED: set[str] = set()
#: Not the cleaning logger, which ``yingji network info`` silences (it lists the drops itself).
_lengths_logger = logging.getLogger("networks.lengths")
