"""Cleaning a road network down to its largest strongly connected part.

Notes
-----
Holds :class:`CleaningReport` (what was dropped) and
:func:`largest_strongly_connected`, which every loader and generator uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from networks.errors import NetworkError
from networks.i18n import _
from networks.tables import EdgeTable, NodeTable


@dataclass
class CleaningReport:
    """What was dropped when the network was reduced to its largest strongly connected part."""

    nodes_in: int
    edges_in: int
    nodes_dropped: int = 0
    edges_dropped: int = 0
    components_dropped: int = 0


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
