"""The built-in synthetic county: a seeded road network generated in code.

It stands in for a real county when no file is at hand (``yingji demo``, the
tests, the benchmarks). The layout follows a typical Chinese county: a
county-seat grid with arterials and a ring road, township centres 6-20 km out
on county roads, and villages on slower rural roads, some of them joined to a
neighbour so that a few routes have alternatives and some do not (bridges).

The pieces (:class:`_Builder`, a seat's grid and ring road, townships around a
seat, villages around townships, the finished network) are shared with the
built-in city, :mod:`networks.synthetic_city`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from networks.i18n import _
from networks.names import _TOWNSHIP_NAMES, chinese_place_name, numbered_name
from networks.roadnet import EdgeTable, Landmark, NodeTable, RoadNetwork, largest_strongly_connected
from networks.speeds import speed_table

#: Most townships, villages and county-seat streets per side a county may have: a typo
#: must not ask for more roads than a machine holds. All three at their maximum give
#: about 810,000 nodes, built and written as GraphML (``yingji network build``) in
#: under 30 s and 1.8 GB on a 2-core machine; grid 440 is a 200,000-node city.
MAX_TOWNSHIPS = 500
MAX_VILLAGES = 20_000
MAX_GRID = 800
#: Most streets per side of a township's grid (a library argument only).
MAX_TOWNSHIP_GRID = 40

#: Default geographic origin of the county seat (a Jiangxi county), for lon/lat output.
DEFAULT_ORIGIN = (117.2, 28.3)


@dataclass
class _Builder:
    """Accumulates nodes and two-way or one-way road segments."""

    xs: list[np.ndarray]
    ys: list[np.ndarray]
    us: list[np.ndarray]
    vs: list[np.ndarray]
    cls: list[np.ndarray]
    names: list[np.ndarray]
    n: int = 0

    def __post_init__(self) -> None:
        # Every node's coordinates so far, in a buffer that doubles when full: looking
        # nodes up stays cheap however many small blocks (villages, roads) were added.
        self._xy = np.empty((1024, 2))

    def add_nodes(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ids = np.arange(self.n, self.n + len(x))
        self.xs.append(np.asarray(x, float))
        self.ys.append(np.asarray(y, float))
        end = self.n + len(x)
        if end > len(self._xy):
            grown = np.empty((max(end, 2 * len(self._xy)), 2))
            grown[: self.n] = self._xy[: self.n]
            self._xy = grown
        self._xy[self.n : end, 0] = self.xs[-1]
        self._xy[self.n : end, 1] = self.ys[-1]
        self.n = end
        return ids

    def xy(self, ids: np.ndarray | list[int] | int) -> np.ndarray:
        """Coordinates of some nodes, as an ``(n, 2)`` array."""
        return self._xy[np.atleast_1d(np.asarray(ids, dtype=np.int64))]

    def add_edges(
        self,
        u: np.ndarray,
        v: np.ndarray,
        highway: str,
        name: str | np.ndarray,
        *,
        oneway: bool = False,
    ) -> None:
        u, v = np.asarray(u), np.asarray(v)
        names = np.broadcast_to(np.asarray(name, dtype=object), u.shape)
        pairs = [(u, v)] if oneway else [(u, v), (v, u)]
        for a, b in pairs:
            self.us.append(a)
            self.vs.append(b)
            self.cls.append(np.full(len(a), highway, dtype=object))
            self.names.append(names)

    def add_road(
        self,
        a: int,
        b: int,
        *,
        step: float,
        highway: str,
        name: str,
        rng: np.random.Generator,
        wiggle: float,
    ) -> None:
        """A road from node ``a`` to node ``b`` with intermediate nodes every ``step`` m."""
        p, q = self.xy([a, b])
        dist = float(np.hypot(*(q - p)))
        k = max(int(dist // step), 1)
        t = np.linspace(0.0, 1.0, k + 1)[1:-1]
        if t.size:
            normal = np.array([-(q - p)[1], (q - p)[0]]) / max(dist, 1e-9)
            # Rural roads bend: a smooth random sideways offset, zero at both ends.
            bend = rng.normal(0.0, wiggle * dist, size=2)
            off = bend[0] * np.sin(np.pi * t) + bend[1] * np.sin(2 * np.pi * t)
            pts = p + np.outer(t, q - p) + np.outer(off, normal)
            mid = self.add_nodes(pts[:, 0], pts[:, 1])
            chain = np.concatenate([[a], mid, [b]])
        else:
            chain = np.array([a, b])
        self.add_edges(chain[:-1], chain[1:], highway, name)


def _grid(b: _Builder, cx: float, cy: float, size: int, spacing: float) -> np.ndarray:
    """Add a ``size x size`` grid of nodes centred on (cx, cy); return ids as [row, col]."""
    off = (np.arange(size) - (size - 1) / 2) * spacing
    gx, gy = np.meshgrid(cx + off, cy + off)
    return b.add_nodes(gx.ravel(), gy.ravel()).reshape(size, size)


@dataclass(frozen=True)
class _Seat:
    """A seat's street grid and ring road: where the roads out of town start."""

    cx: float
    cy: float
    centre: int
    ring: np.ndarray
    ang: np.ndarray  # angle of each ring node around (cx, cy)
    radius: float

    def towards(self, a: float) -> int:
        """The ring node nearest to direction ``a`` (radians) from the seat."""
        return int(self.ring[np.argmin(np.abs(np.angle(np.exp(1j * (self.ang - a)))))])


def _seat(
    b: _Builder,
    rng: np.random.Generator,
    *,
    cx: float,
    cy: float,
    grid: int,
    spacing: float,
    prefix: str = "",
) -> _Seat:
    """A seat of ``grid`` streets a side: every 5th an arterial, some one-way, a ring road.

    Street names start with ``prefix`` (``"Anping "`` for a county seat of the city).
    """
    core = _grid(b, cx, cy, grid, spacing)
    for j in range(grid):
        row, col = core[j], core[:, j]
        arterial = j % 5 == 0 or j == grid - 1
        hw = "primary" if arterial else "residential"
        if not arterial and j % 5 == 1:
            b.add_edges(row[:-1], row[1:], hw, f"{prefix}East Street {j}", oneway=True)
        elif not arterial and j % 5 == 3:
            b.add_edges(row[1:], row[:-1], hw, f"{prefix}West Street {j}", oneway=True)
        else:
            b.add_edges(row[:-1], row[1:], hw, f"{prefix}{'Avenue' if arterial else 'Street'} {j}")
        b.add_edges(col[:-1], col[1:], hw, f"{prefix}{'Road' if arterial else 'Lane'} {j}")
    centre = int(core[grid // 2, grid // 2])

    # Ring road around the grid, joined to every arterial end.
    half = (grid - 1) / 2 * spacing
    ring_r = half * 1.25 + 600.0
    n_ring = max(16, int(2 * np.pi * ring_r // 400))
    ang = np.linspace(0, 2 * np.pi, n_ring, endpoint=False)
    ring_xy = np.column_stack([cx + ring_r * np.cos(ang), cy + ring_r * np.sin(ang)])
    ring = b.add_nodes(ring_xy[:, 0], ring_xy[:, 1])
    b.add_edges(ring, np.roll(ring, -1), "trunk", f"{prefix}Ring Road")
    ends = {int(core[j, k]) for j in range(grid) for k in (0, grid - 1) if j % 5 == 0}
    ends |= {int(core[k, j]) for j in range(grid) for k in (0, grid - 1) if j % 5 == 0}
    for e in sorted(ends):
        nearest = int(ring[np.argmin(np.hypot(*(ring_xy - b.xy(e)[0]).T))])
        b.add_road(
            e,
            nearest,
            step=400,
            highway="primary_link",
            name=f"{prefix}Ring Connector",
            rng=rng,
            wiggle=0,
        )
    return _Seat(cx, cy, centre, ring, ang, ring_r)


def _townships(
    b: _Builder,
    rng: np.random.Generator,
    seat: _Seat,
    stems: list[str],
    *,
    township_grid: int,
    spacing: float,
    reach: tuple[float, float],
    prefix: str = "",
) -> tuple[list[int], list[np.ndarray], list[Landmark]]:
    """Townships around ``seat`` on county roads, joined to their neighbours.

    Township ``k`` stands ``reach`` metres beyond the ring, about ``k / len(stems)``
    of the way round; returns the centre node, grid and landmark of each.
    """
    centres: list[int] = []
    grids: list[np.ndarray] = []
    marks: list[Landmark] = []
    n = len(stems)
    base_angle = rng.uniform(0, 2 * np.pi)
    for k, name in enumerate(stems):
        a = base_angle + 2 * np.pi * k / max(n, 1) + rng.normal(0, 0.15)
        d = seat.radius + rng.uniform(*reach)
        tg = _grid(b, seat.cx + d * np.cos(a), seat.cy + d * np.sin(a), township_grid, spacing)
        for j in range(township_grid):
            b.add_edges(tg[j, :-1], tg[j, 1:], "residential", f"{name} Street {j}")
            b.add_edges(tg[:-1, j], tg[1:, j], "residential", f"{name} Lane {j}")
        mid = int(tg[township_grid // 2, township_grid // 2])
        centres.append(mid)
        grids.append(tg)
        marks.append(Landmark(mid, f"{name} Town", "township"))
        b.add_road(
            seat.towards(a),
            mid,
            step=500,
            highway="secondary",
            name=f"{name} Road",
            rng=rng,
            wiggle=0.04,
        )
    for k in range(n if n > 2 else 0):
        b.add_road(
            centres[k],
            centres[(k + 1) % n],
            step=500,
            highway="tertiary",
            name=f"{prefix}County Road {k + 1}",
            rng=rng,
            wiggle=0.06,
        )
    return centres, grids, marks


def _villages(
    b: _Builder,
    rng: np.random.Generator,
    hubs: list[int],
    pools: list[np.ndarray],
    stems: list[str],
    villages: int,
) -> list[Landmark]:
    """Villages shared out among ``hubs`` (village ``k`` to hub ``k % len(hubs)``).

    A village stands 1.5-5 km from its hub and joins, on a rural road, the nearest
    node of its hub's ``pools`` entry (the township grid) or an earlier village of the
    same hub; every third village gets a second link. Villages are named after the
    hub's stem: ``"Baiyun Village 3"``.
    """
    marks: list[Landmark] = []
    placed: list[list[int]] = [[] for _ in hubs]
    # Where each township's grid and villages are: the pool a new village joins, kept
    # as arrays so that placing many villages stays linear in numpy, not in Python.
    sizes = [g.size + len(range(t, villages, len(hubs))) for t, g in enumerate(pools)]
    pool_ids = [np.empty(n, dtype=np.int64) for n in sizes]
    pool_xy = [np.empty((n, 2)) for n in sizes]
    for t, g in enumerate(pools):
        pool_ids[t][: g.size] = g
        pool_xy[t][: g.size] = b.xy(g)
    for k in range(villages):
        t = k % len(hubs)
        hx, hy = b.xy(hubs[t])[0]
        a, d = rng.uniform(0, 2 * np.pi), rng.uniform(1500, 5000)
        vx, vy = hx + d * np.cos(a), hy + d * np.sin(a)
        v = int(b.add_nodes(np.array([vx]), np.array([vy]))[0])
        vname = f"{stems[t]} Village {len(placed[t]) + 1}"
        marks.append(Landmark(v, vname, "village"))
        # Join to the nearest of: the township grid, or a village of the same township.
        n_pool = pools[t].size + len(placed[t])
        pool = pool_ids[t][:n_pool]
        dist = np.hypot(*(pool_xy[t][:n_pool] - [vx, vy]).T)
        pool_ids[t][n_pool] = v
        pool_xy[t][n_pool] = vx, vy
        nearest = int(np.argmin(dist))
        road = {"step": 300, "highway": "unclassified", "rng": rng, "wiggle": 0.08}
        b.add_road(int(pool[nearest]), v, name=f"{vname} Road", **road)
        if len(placed[t]) >= 2 and k % 3 == 0 and n_pool > 1:
            # A second link makes a loop, so this village is not at the end of a bridge.
            dist[nearest] = np.inf
            b.add_road(int(pool[np.argmin(dist)]), v, name=f"{vname} Link", **road)
        placed[t].append(v)
    return marks


def _check_sizes(*limits: tuple[str, object, int, int]) -> None:
    """Refuse a size that is not an integer within its bounds (``(name, value, lo, hi)``)."""
    for name, value, lo, hi in limits:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(
                _("{name} must be an integer, got {value!r}").format(name=name, value=value)
            )
        if not lo <= value <= hi:
            raise ValueError(
                _("{name} must be {lo}..{hi}, got {value}").format(
                    name=name, lo=lo, hi=hi, value=value
                )
            )


def synthetic_county(
    *,
    seed: int = 0,
    townships: int = 10,
    villages: int = 100,
    grid: int = 24,
    township_grid: int = 6,
    origin: tuple[float, float] = DEFAULT_ORIGIN,
    speeds: Mapping[str, float] | None = None,
) -> RoadNetwork:
    """Generate the built-in synthetic county road network.

    Parameters
    ----------
    seed
        Seed of the layout (township and village placement, road bends).
    townships
        Township centres around the county seat.
    villages
        Villages, shared out among townships.
    grid
        Streets per side of the county-seat grid (``grid**2`` nodes); 300 gives
        about 100,000 nodes, 440 about 200,000.
    township_grid
        Streets per side of each township centre's grid.
    origin
        Longitude and latitude of the county seat, for geographic output.
    speeds
        km/h by road class, replacing the defaults of
        :func:`networks.speeds.speed_table` (synthetic roads have no ``maxspeed``).

    Returns
    -------
    RoadNetwork
        Nodes in metres (azimuthal equidistant around ``origin``), with
        landmarks for the county seat, each township and each village.

    See Also
    --------
    networks.synthetic_city.synthetic_city : a prefecture-level city of ten such counties.

    Examples
    --------
    >>> net = synthetic_county(seed=1, townships=4, villages=12)
    >>> net.n_nodes > 500
    True
    """
    _check_sizes(
        ("townships", townships, 0, MAX_TOWNSHIPS),
        ("villages", villages, 0, MAX_VILLAGES),
        ("grid", grid, 2, MAX_GRID),
        ("township_grid", township_grid, 2, MAX_TOWNSHIP_GRID),
    )
    rng = np.random.default_rng(seed)
    b = _Builder([], [], [], [], [], [])
    # County seat: 250 m blocks; townships 6-20 km out; villages around them.
    seat = _seat(b, rng, cx=0.0, cy=0.0, grid=grid, spacing=250.0)
    stems = [numbered_name(_TOWNSHIP_NAMES, k) for k in range(townships)]
    centres, grids, t_marks = _townships(
        b, rng, seat, stems, township_grid=township_grid, spacing=200.0, reach=(6000, 18000)
    )
    marks = [Landmark(seat.centre, "County Seat", "city"), *t_marks]
    if centres:
        marks += _villages(b, rng, centres, [g.ravel() for g in grids], stems, villages)
    else:
        marks += _villages(b, rng, [seat.centre], [np.array([seat.centre])], ["Seat"], villages)
    return _network(b, marks, origin=origin, name=f"synthetic-county-{seed}", speeds=speeds)


def _network(
    b: _Builder,
    marks: list[Landmark],
    *,
    origin: tuple[float, float],
    name: str,
    speeds: Mapping[str, float] | None = None,
) -> RoadNetwork:
    """The built network: speeds by class, lon/lat, Chinese names, largest strong part."""
    x, y = np.concatenate(b.xs), np.concatenate(b.ys)
    u = np.concatenate(b.us).astype(np.int32)
    v = np.concatenate(b.vs).astype(np.int32)
    highway = np.concatenate(b.cls).astype(str)
    names = np.concatenate(b.names).astype(str)
    length = np.maximum(np.hypot(x[u] - x[v], y[u] - y[v]), 1.0)
    classes, inverse = np.unique(highway, return_inverse=True)
    table = speed_table(speeds)
    speed = np.array([table[c] for c in classes])[inverse]
    crs = (
        f"+proj=aeqd +lat_0={origin[1]} +lon_0={origin[0]} +x_0=0 +y_0=0 "
        "+ellps=WGS84 +units=m +no_defs"
    )
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    nodes = NodeTable(np.arange(len(x), dtype=np.int64), x, y, np.asarray(lon), np.asarray(lat))
    unique, where = np.unique(np.asarray(names, dtype=str), return_inverse=True)
    names_zh = np.array([chinese_place_name(n) or "" for n in unique], dtype=str)[where]
    edges = EdgeTable(u, v, length, speed, highway, names, names_zh)
    nodes, edges, report, kept = largest_strongly_connected(nodes, edges)
    remap = np.full(len(x), -1)
    remap[kept] = np.arange(len(kept))
    marks = [
        Landmark(int(remap[m.node]), m.name, m.kind, chinese_place_name(m.name) or "")
        for m in marks
        if remap[m.node] >= 0
    ]
    return RoadNetwork(nodes, edges, crs=crs, landmarks=marks, name=name, cleaning=report)
