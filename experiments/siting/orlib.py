"""Reader for the OR-Library p-median instances (Beasley 1990), for validation.

Format (pmedinfo.txt): first line ``n_nodes n_edges p``, then one line per
undirected edge ``u v cost`` with 1-based nodes. All nodes are demand points
(weight 1) and candidates; travel times are all-pairs shortest paths. If an edge
is listed twice, the last cost given is used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from experiments.siting.errors import SitingError
from networks.i18n import _


def read_pmed(path: str | Path) -> tuple[np.ndarray, int]:
    """Read an OR-Library ``pmedN.txt`` instance.

    Parameters
    ----------
    path
        The instance file.

    Returns
    -------
    times, p
        The ``(n, n)`` shortest-path matrix (float64) and the number of medians.
    """
    tokens = Path(path).read_text().split()
    try:
        n, n_edges, p = (int(t) for t in tokens[:3])
        body = np.array(tokens[3 : 3 + 3 * n_edges], dtype=np.int64).reshape(n_edges, 3)
    except ValueError as exc:
        raise SitingError(
            _("{path}: not an OR-Library p-median file ({error})").format(path=path, error=exc)
        ) from exc
    cost: dict[tuple[int, int], int] = {}
    for u, v, c in body.tolist():
        cost[(min(u, v) - 1, max(u, v) - 1)] = c  # the last listing wins
    pairs = np.array(list(cost), dtype=np.int64).reshape(-1, 2)
    c = np.array(list(cost.values()), dtype=float)
    graph = sparse.csr_array((c, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    times = csgraph.shortest_path(graph, method="D", directed=False)
    return times, p
