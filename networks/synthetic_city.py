"""The built-in synthetic city: a prefecture-level city of counties, generated in code.

The seed documents describe a city with one city depot, ten county depots, 91
township depots and 1,000 village storage points ("一域十枢·百库千点") and a
rescue station in every township. :func:`synthetic_city` builds roads for that
at the size of a real city's network (about 198,000 nodes and 693,000
directed edges by default): the city centre (an urban grid with arterials and
a ring road), ten counties around it, each a county seat (a smaller grid with
its own ring road) on an expressway from the city and a provincial road to its
neighbours, townships on county roads around their seat, and villages on rural
roads around their township. It is the built-in county
(:mod:`networks.synthetic`) one level up, made of the same pieces.

Landmarks, in this order: the city centre (kind ``city``, ``"City Centre"``);
then county by county, the county seat (kind ``county``, ``"Anping County"``)
followed by its townships (kind ``township``, ``"Dongcun Town"``); then the
villages (kind ``village``, ``"Dongcun Village 3"``), each named after its
township. A township's only roads out of its county run through its county
seat, so its county seat is also the one nearest to it by road.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from networks.names import CITY_TOWNSHIP_NAMES, COUNTY_NAMES, numbered_name
from networks.roadnet import Landmark, RoadNetwork
from networks.synthetic import (
    DEFAULT_ORIGIN,
    MAX_TOWNSHIPS,
    MAX_VILLAGES,
    _Builder,
    _check_sizes,
    _network,
    _seat,
    _townships,
    _villages,
)

#: Most counties a city may have.
MAX_COUNTIES = 20
#: Most streets per side of the city centre's grid.
MAX_CITY_GRID = 400
#: Most streets per side of a county seat's grid.
MAX_COUNTY_GRID = 120
#: Most streets per side of a township's grid.
MAX_CITY_TOWNSHIP_GRID = 20
#: Block sizes (m) of the city centre and county seats, and of township centres.
URBAN_SPACING = 80.0
TOWNSHIP_SPACING = 120.0


def synthetic_city(
    *,
    seed: int = 0,
    counties: int = 10,
    townships: int = 91,
    villages: int = 1000,
    grid: int = 260,
    county_grid: int = 100,
    township_grid: int = 14,
    origin: tuple[float, float] = DEFAULT_ORIGIN,
    speeds: Mapping[str, float] | None = None,
) -> RoadNetwork:
    """Generate the built-in synthetic city road network.

    Parameters
    ----------
    seed
        Seed of the layout (county, township and village placement, road bends).
    counties
        Counties around the city centre (1 to :data:`MAX_COUNTIES`).
    townships
        Townships, shared out among the counties in turn as blocks (91 over 10
        counties: ten in the first, nine in the others); at least one per county.
    villages
        Villages, shared out among all townships (village ``k`` to township
        ``k mod townships``).
    grid
        Streets per side of the city centre (80 m blocks, every fifth street an
        arterial); 260 gives 67,600 nodes over 21 km.
    county_grid
        Streets per side of each county seat (80 m blocks); 100 gives 10,000
        nodes over 8 km.
    township_grid
        Streets per side of each township centre (120 m blocks).
    origin
        Longitude and latitude of the city centre, for geographic output.
    speeds
        km/h by road class, replacing the defaults of
        :func:`networks.speeds.speed_table` (synthetic roads have no ``maxspeed``).

    Returns
    -------
    RoadNetwork
        Nodes in metres (azimuthal equidistant around ``origin``), with
        landmarks for the city centre, each county seat, township and village.

    Raises
    ------
    ValueError
        If a count or grid size is not an integer within its bounds.

    Examples
    --------
    >>> net = synthetic_city(counties=2, townships=4, villages=8, grid=10, county_grid=6)
    >>> sorted({lm.kind for lm in net.landmarks})
    ['city', 'county', 'township', 'village']
    """
    _check_sizes(
        ("counties", counties, 1, MAX_COUNTIES),
        ("villages", villages, 0, MAX_VILLAGES),
        ("grid", grid, 2, MAX_CITY_GRID),
        ("county_grid", county_grid, 2, MAX_COUNTY_GRID),
        ("township_grid", township_grid, 2, MAX_CITY_TOWNSHIP_GRID),
    )
    _check_sizes(("townships", townships, int(counties), MAX_TOWNSHIPS))
    rng = np.random.default_rng(seed)
    b = _Builder([], [], [], [], [], [])
    city = _seat(b, rng, cx=0.0, cy=0.0, grid=grid, spacing=URBAN_SPACING)
    marks = [Landmark(city.centre, "City Centre", "city")]

    hubs: list[int] = []
    pools: list[np.ndarray] = []
    stems: list[str] = []
    seats = []
    base_angle = rng.uniform(0, 2 * np.pi)
    shares = np.array_split(np.arange(townships), counties)
    for k, share in enumerate(shares):
        county = numbered_name(COUNTY_NAMES, k)
        # County seats 32-40 km beyond the city's ring road, evenly round it.
        a = base_angle + 2 * np.pi * k / counties + rng.normal(0, 0.05)
        d = city.radius + rng.uniform(32_000, 40_000)
        seat = _seat(
            b,
            rng,
            cx=d * np.cos(a),
            cy=d * np.sin(a),
            grid=county_grid,
            spacing=URBAN_SPACING,
            prefix=f"{county} ",
        )
        marks.append(Landmark(seat.centre, f"{county} County", "county"))
        t_stems = [numbered_name(CITY_TOWNSHIP_NAMES, int(j)) for j in share]
        centres, grids, t_marks = _townships(
            b,
            rng,
            seat,
            t_stems,
            township_grid=township_grid,
            spacing=TOWNSHIP_SPACING,
            reach=(4000, 11000),
            prefix=f"{county} ",
        )
        marks += t_marks
        hubs += centres
        pools += [g.ravel() for g in grids]
        stems += t_stems
        # The expressway joins the two ring roads where they face each other.
        b.add_road(
            city.towards(a),
            seat.towards(a + np.pi),
            step=1000,
            highway="motorway",
            name=f"{county} Expressway",
            rng=rng,
            wiggle=0.015,
        )
        seats.append(seat)

    # Provincial roads between neighbouring county seats: a second way between counties.
    for k in range(counties if counties > 2 else counties - 1):
        s, t = seats[k], seats[(k + 1) % counties]
        a = float(np.arctan2(t.cy - s.cy, t.cx - s.cx))
        b.add_road(
            s.towards(a),
            t.towards(a + np.pi),
            step=800,
            highway="trunk",
            name=f"Provincial Road {k + 1}",
            rng=rng,
            wiggle=0.05,
        )
    marks += _villages(b, rng, hubs, pools, stems, villages)
    return _network(b, marks, origin=origin, name=f"synthetic-city-{seed}", speeds=speeds)
