"""What a :class:`scenarios.places.Geography` derives from a road network, kept per network.

Every replication draws its stream on a new ``Geography`` of the same network.
On the built-in city (198,000 nodes, 692,000 edges) deriving the population
proxy, the KD-trees, the road midpoints, the road sets and the distances to the
hazard sources took 4-17 s per replication, always with the same result. They
depend only on the network's nodes, edges and landmarks (road sets and
distances also on the source nodes, which are part of their keys), so they are
derived once per network and shared by every ``Geography`` of it.

The cache holds the network weakly (keyed on its undisrupted state), and
nothing in it refers back to the network, so a network nobody uses any more is
freed with its entries. Arrays handed out are read-only: a caller that changed
one in place would change every later stream.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import numpy as np
from scipy.spatial import cKDTree

from networks import geometry as road_geometry
from networks.roadnet import RoadNetwork

#: Radius of the population proxy (nodes counted within it).
DENSITY_RADIUS_M = 1000.0

#: Smallest limit :func:`within` cuts its search at (its square is still a normal number).
_LEAST_BOUND = 1e-100

T = TypeVar("T")

_CACHE: weakref.WeakKeyDictionary[RoadNetwork, NetworkGeography] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def read_only(value: T) -> T:
    """``value`` with its arrays made read-only (arrays, tuples and mappings of them)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple):
        for v in value:
            read_only(v)
    elif isinstance(value, Mapping):  # its arrays: whoever gets it copies the mapping itself
        for v in value.values():
            read_only(v)
    return value


class NetworkGeography:
    """The derived geography of one network: node and road geometry, and a memo for the rest.

    Holds the network's node and edge tables and landmarks (to tell when they
    were replaced), never the network itself: it is the weak key of the cache.

    Parameters
    ----------
    network
        The road network (any state of it: only its tables and landmarks are read).
    """

    def __init__(self, network: RoadNetwork) -> None:
        self.nodes, self.edges, self.landmarks = network.nodes, network.edges, network.landmarks
        self.xy: np.ndarray = read_only(
            np.column_stack([network.nodes.x, network.nodes.y]).astype(float)
        )
        self.tree = cKDTree(self.xy)
        self._memo: dict[Hashable, Any] = {}

    def fits(self, network: RoadNetwork) -> bool:
        """Whether this was derived from ``network``'s current tables and landmarks."""
        return (
            self.nodes is network.nodes
            and self.edges is network.edges
            and self.landmarks is network.landmarks
        )

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value under ``key``, made (and made read-only) the first time it is asked for.

        ``make`` runs outside the lock: two threads asking at once may both make
        it, and both get the first one stored.
        """
        if key in self._memo:
            return self._memo[key]
        value = read_only(make())
        with _LOCK:
            return self._memo.setdefault(key, value)

    @property
    def population(self) -> np.ndarray:
        """The density proxy, normalised to mean 1: nodes within 1 km of each node."""

        def make() -> np.ndarray:
            pop = self.tree.query_ball_point(self.xy, DENSITY_RADIUS_M, return_length=True)
            pop = np.asarray(pop, dtype=np.float64)
            return pop / pop.mean()

        return self.memo("population", make)

    @property
    def roads(self) -> np.ndarray:
        """Road weight per node, mean 1: length x free-flow speed of its outgoing edges."""

        def make() -> np.ndarray:
            e, n = self.edges, len(self.xy)
            road = np.bincount(e.u, weights=e.length * e.speed_kph, minlength=n).astype(float)
            return road / road.mean() if road.sum() > 0 else np.ones(n)

        return self.memo("roads", make)

    @property
    def edge_geom(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, cKDTree, float]:
        """Edge ends, road midpoints, a KD-tree of the straight pieces' midpoints, longest half."""
        return self._edges()[0]

    @property
    def segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ends of every straight piece of every road, and the edge each belongs to."""
        return self._edges()[1]

    def _edges(self) -> tuple[tuple, tuple]:
        def make() -> tuple[tuple, tuple]:
            e = self.edges
            a, b = self.xy[e.u], self.xy[e.v]
            mid = road_geometry.road_midpoints(a, b, e.geometry)
            if e.geometry is None:  # the edges themselves: no copies
                sa, sb, owner, smid = a, b, np.arange(len(a)), mid
            else:
                sa, sb, owner = road_geometry.edge_segments(a, b, e.geometry)
                smid = (sa + sb) / 2
            half = float(np.max(np.hypot(*(sb - sa).T)) / 2) if len(sa) else 0.0
            return (a, b, mid, cKDTree(smid), half), (sa, sb, owner)

        return self.memo("edges", make)


def network_geography(network: RoadNetwork) -> NetworkGeography:
    """The shared derived geography of ``network`` (made on first use).

    Parameters
    ----------
    network
        The road network; its states share one entry (keyed on
        :attr:`RoadNetwork.base`). A network whose tables or landmarks were
        replaced since gets a new entry.

    Returns
    -------
    NetworkGeography
        Read-only arrays; do not change them.
    """
    base = network.base
    with _LOCK:
        found = _CACHE.get(base)
        if found is None or not found.fits(network):
            found = _CACHE[base] = NetworkGeography(network)
    return found


def population_proxy(network: RoadNetwork) -> np.ndarray:
    """The population proxy of :class:`scenarios.places.Geography` (read-only, mean 1)."""
    return network_geography(network).population


def within(sources: np.ndarray, points: np.ndarray, limit: float) -> np.ndarray:
    """Which points lie within ``limit`` metres (inclusive) of their nearest source point.

    Equal to ``cKDTree(sources).query(points)[0] <= limit``, but the search is
    cut at the limit, so points far from every source cost little (692,000
    road midpoints against the city's river: 0.15 s instead of 4 s).

    Parameters
    ----------
    sources
        ``(k, 2)`` source coordinates.
    points
        ``(n, 2)`` coordinates to test.
    limit
        Metres.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` booleans.
    """
    # scipy keeps only neighbours strictly nearer than the bound: one step above the
    # limit keeps the points exactly at it (farther ones come back as inf). It compares
    # squares, so a limit whose square underflows (no road set is that narrow) is not cut.
    bound = np.nextafter(limit, np.inf) if limit >= _LEAST_BOUND else np.inf
    d, _i = cKDTree(sources).query(points, distance_upper_bound=bound)
    return np.asarray(d) <= limit
