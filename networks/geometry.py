"""The shapes of roads: the bends of curved edges, kept compactly, and footprint tests on them.

Notes
-----
Holds :class:`EdgeGeometry`, the interior points of every edge's polyline in
one flat coordinate array with per-edge offsets (CSR style: a straight edge
costs one offset, a network with no curved edge holds no geometry at all), and
the vectorised helpers that footprints and drawings use:
:func:`edge_segments` (every straight piece of every road),
:func:`edge_polylines` (whole polylines, for shapely and matplotlib),
:func:`road_midpoints` (the point halfway along each road) and
:func:`point_segment_distance`.

An edge's polyline runs from its tail node through its interior points to its
head node; the end points are always the nodes' own coordinates. Edges
without geometry are the straight segment between their nodes, so every
result here equals the straight-edge answer for them, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def ragged_positions(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``starts[k] .. starts[k] + counts[k] - 1`` for all ``k``, and their ``k``."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    if not owner.size:
        return np.zeros(0, np.int64), owner
    begin = np.cumsum(counts) - counts
    pos = np.arange(owner.size, dtype=np.int64) + np.repeat(np.asarray(starts) - begin, counts)
    return pos, owner


@dataclass(frozen=True, eq=False)
class EdgeGeometry:
    """Interior points of each edge's polyline, one flat array with per-edge offsets.

    Attributes
    ----------
    offsets
        int64 ``(n_edges + 1,)``: edge ``k``'s points are ``xy[offsets[k]:offsets[k + 1]]``.
    xy
        float64 ``(n_points, 2)``: projected metres (the network's ``crs``), in
        order from the edge's tail to its head, the end nodes left out.
    """

    offsets: np.ndarray
    xy: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def counts(self) -> np.ndarray:
        """Interior points per edge (0 for a straight edge)."""
        return np.diff(self.offsets)

    @property
    def nbytes(self) -> int:
        """Bytes held by the two arrays."""
        return int(self.offsets.nbytes + self.xy.nbytes)

    def points(self, k: int) -> np.ndarray:
        """Interior points of edge ``k``, shape ``(n, 2)``."""
        return self.xy[self.offsets[k] : self.offsets[k + 1]]

    def take(self, keep: np.ndarray) -> EdgeGeometry:
        """The geometry of the edges at ``keep`` (indices or a boolean mask), in that order."""
        idx = np.asarray(keep)
        idx = np.flatnonzero(idx) if idx.dtype == bool else idx.astype(np.int64)
        counts = self.counts[idx]
        offsets = np.zeros(idx.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        pos, _owner = ragged_positions(self.offsets[idx], counts)
        return EdgeGeometry(offsets, self.xy[pos])

    @classmethod
    def from_parts(
        cls, n_edges: int, edges: np.ndarray, counts: np.ndarray, xy: np.ndarray
    ) -> EdgeGeometry | None:
        """Geometry of ``n_edges`` edges where ``edges[i]`` has ``counts[i]`` points of ``xy``.

        ``xy`` holds the points edge by edge in the order of ``edges`` (which
        must be increasing). ``None`` when no edge has an interior point: a
        straight network carries no geometry.
        """
        per_edge = np.zeros(n_edges, dtype=np.int64)
        per_edge[np.asarray(edges, dtype=np.int64)] = counts
        if not per_edge.any():
            return None
        offsets = np.zeros(n_edges + 1, dtype=np.int64)
        np.cumsum(per_edge, out=offsets[1:])
        return cls(offsets, np.ascontiguousarray(xy, dtype=np.float64).reshape(-1, 2))


def edge_segments(
    a: np.ndarray, b: np.ndarray, geometry: EdgeGeometry | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every straight piece of every edge.

    Parameters
    ----------
    a, b
        ``(n_edges, 2)`` coordinates of each edge's tail and head node.
    geometry
        The edges' bends, or ``None`` (all straight).

    Returns
    -------
    start, end, owner
        ``(n_segments, 2)`` end points of each piece and the edge it belongs
        to, edge by edge in order along the road. Without geometry these are
        ``a``, ``b`` and ``arange(n_edges)`` themselves.
    """
    if geometry is None:
        return a, b, np.arange(len(a))
    pts, owner = edge_polylines(a, b, geometry)
    last = np.flatnonzero(np.append(owner[1:] != owner[:-1], True))
    first = np.ones(len(pts), dtype=bool)
    first[last] = False  # a piece starts at every point but an edge's last
    start = np.flatnonzero(first)
    return pts[start], pts[start + 1], owner[start]


def edge_polylines(
    a: np.ndarray, b: np.ndarray, geometry: EdgeGeometry | None
) -> tuple[np.ndarray, np.ndarray]:
    """All edges' polylines as one point array (for ``shapely.linestrings(pts, indices=owner)``).

    Returns
    -------
    points, owner
        ``(n_points, 2)`` points, tail node first and head node last, and the
        edge each point belongs to (increasing).
    """
    m = len(a)
    counts = np.zeros(m, np.int64) if geometry is None else geometry.counts
    offsets = np.zeros(m + 1, np.int64)
    np.cumsum(counts + 2, out=offsets[1:])
    pts = np.empty((int(offsets[-1]), 2))
    pts[offsets[:-1]] = a
    pts[offsets[1:] - 1] = b
    if geometry is not None and len(geometry.xy):
        pos, _owner = ragged_positions(offsets[:-1] + 1, counts)
        pts[pos] = geometry.xy
    return pts, np.repeat(np.arange(m), counts + 2)


#: Edges per polyline of :func:`edge_runs` (Agg draws very long single paths slowly).
RUN_EDGES = 20_000


def edge_runs(
    polylines: tuple[np.ndarray, np.ndarray],
    mask: np.ndarray | None = None,
    *,
    per: int = RUN_EDGES,
) -> list[np.ndarray]:
    """Edges as a few long polylines for a :class:`matplotlib.collections.LineCollection`.

    Matplotlib makes one ``Path`` per line of a collection, which on a city
    of 700,000 edges takes seconds; here each line holds up to ``per`` edges,
    a NaN row after each edge lifting the pen. Drawn, the roads are the same.

    Parameters
    ----------
    polylines
        Every edge's points and their edge, as :func:`edge_polylines` gives them
        (made once for a map that draws several selections).
    mask
        The edges to draw, a boolean per edge (all if ``None``).
    per
        Edges per polyline (at least 1).

    Returns
    -------
    list of numpy.ndarray
        ``(n, 2)`` polylines (none if no edge is drawn).

    Raises
    ------
    ValueError
        If ``per`` is below 1 or ``mask`` is not one boolean per edge.
    """
    if per < 1:
        raise ValueError(f"edge_runs: per must be at least 1, got {per}")
    pts, owner = polylines
    if mask is not None:
        n_edges = int(owner[-1]) + 1 if owner.size else 0  # every edge has two points at least
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (n_edges,):
            raise ValueError(f"edge_runs: mask must be {n_edges} booleans, one per edge")
        keep = mask[owner]
        pts, owner = pts[keep], owner[keep]
    if not owner.size:
        return []
    last = np.flatnonzero(np.append(owner[1:] != owner[:-1], True))  # each edge's last point
    out = np.insert(pts, last + 1, np.nan, axis=0)
    # The NaN row after edge k stands at last[k] + k + 1; cut after every per-th one.
    cuts = (last + np.arange(1, last.size + 1))[per - 1 :: per] + 1
    return [run for run in np.split(out, cuts) if len(run)]


def linestrings(a: np.ndarray, b: np.ndarray, geometry: EdgeGeometry | None) -> np.ndarray:
    """Every edge as a :class:`shapely.LineString` (its polyline), one vectorised call."""
    import shapely

    if geometry is None:
        return shapely.linestrings(np.stack([a, b], axis=1))
    pts, owner = edge_polylines(a, b, geometry)
    return shapely.linestrings(pts, indices=owner)


def road_midpoints(a: np.ndarray, b: np.ndarray, geometry: EdgeGeometry | None) -> np.ndarray:
    """The point halfway along each road (``(a + b) / 2`` for a straight edge, exactly)."""
    mid = (a + b) / 2
    if geometry is None:
        return mid
    curved = np.flatnonzero(geometry.counts > 0)
    if not curved.size:
        return mid
    sub = geometry.take(curved)
    sa, sb, owner = edge_segments(a[curved], b[curved], sub)
    seg = np.hypot(*(sb - sa).T)
    # Walk each road's pieces to the one holding its half length, then along it.
    run = np.cumsum(seg)
    ends = np.flatnonzero(np.append(owner[1:] != owner[:-1], True))
    before = np.append(0.0, run[ends[:-1]])  # distance run before each road's first piece
    half = before + (run[ends] - before) / 2
    first = np.append(0, ends[:-1] + 1)
    j = np.clip(np.searchsorted(run, half, side="left"), first, ends)
    t = np.clip((half - (run[j] - seg[j])) / np.where(seg[j] > 0, seg[j], 1.0), 0.0, 1.0)
    mid[curved] = sa[j] + (sb[j] - sa[j]) * t[:, None]
    return mid


def point_segment_distance(x: float, y: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Metres from (x, y) to each straight segment ``a[i]``-``b[i]``."""
    ab = b - a
    ll = np.einsum("ij,ij->i", ab, ab)
    t = np.clip(np.einsum("ij,ij->i", np.array([x, y]) - a, ab) / np.where(ll > 0, ll, 1), 0, 1)
    p = a + ab * t[:, None]
    return np.hypot(p[:, 0] - x, p[:, 1] - y)


def polyline_distance(
    x: float, y: float, a: np.ndarray, b: np.ndarray, geometry: EdgeGeometry | None
) -> np.ndarray:
    """Metres from (x, y) to each edge's polyline (the nearest of its pieces)."""
    if geometry is None:
        return point_segment_distance(x, y, a, b)
    sa, sb, owner = edge_segments(a, b, geometry)
    out = np.full(len(a), np.inf)
    np.minimum.at(out, owner, point_segment_distance(x, y, sa, sb))
    return out
