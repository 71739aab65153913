"""A sensible default set of stations and depots placed on a network's landmarks."""

from __future__ import annotations

import dataclasses

import numpy as np

from networks.errors import NetworkError
from networks.i18n import _
from networks.roadnet import Landmark, RoadNetwork
from scenarios.distributions import Lognormal
from sim.facilities import Depot, Station, TeamSpec

#: Stock of one depot per tier (item -> units); the city depot is the county's main reserve
#: (on the built-in city, the city's).
DEFAULT_STOCK: dict[str, dict[str, int]] = {
    "city": {
        "tents": 600, "drinking_water": 24000, "food": 12000, "sandbags": 60000,
        "pumps": 40, "medical_kits": 1000, "blankets": 4000,
    },
    "county": {
        "tents": 150, "drinking_water": 6000, "food": 3000, "sandbags": 15000,
        "pumps": 10, "medical_kits": 250, "blankets": 1000,
    },
    "township": {
        "tents": 30, "drinking_water": 1200, "food": 600, "sandbags": 3000,
        "pumps": 2, "medical_kits": 50, "blankets": 200,
    },
    "village": {
        "drinking_water": 100, "food": 50, "sandbags": 300, "medical_kits": 5, "blankets": 20,
    },
}  # fmt: skip
#: Lead time (minutes) of a replenishment from the parent, by the child's tier.
DEFAULT_LEAD_TIME = {"county": 480.0, "township": 240.0, "village": 120.0}


class TownshipCountError(NetworkError):
    """More township stations asked for than the network has townships."""


def _seat_station(name: str, node: int, tier: str, area: str) -> Station:
    """A county-seat station: the county fire brigade, hospital ambulances, specialists."""
    quick = Lognormal(1.0, 0.3)
    return Station(
        name=name,
        node=node,
        tier=tier,
        area=area,
        teams=(
            TeamSpec("fire", 6, count=4, turnout=quick),
            TeamSpec("technical_rescue", 12, count=2, turnout=quick),
            TeamSpec("hazmat", 8, count=1, turnout=Lognormal(2.0, 0.3)),
            TeamSpec("medical", 4, count=4, turnout=quick),
            TeamSpec("water_rescue", 8, count=2, turnout=Lognormal(2.0, 0.3)),
            TeamSpec("general", 40, count=1, turnout=Lognormal(3.0, 0.4)),
        ),
    )


def _township_station(town: str, node: int) -> Station:
    """A township station: a 30-person comprehensive team, a fire engine, an ambulance."""
    return Station(
        name=f"{town} Station",
        node=node,
        tier="township",
        area=town,
        teams=(
            TeamSpec("general", 30, count=1, turnout=Lognormal(5.0, 0.4)),
            TeamSpec("fire", 6, count=1, turnout=Lognormal(1.5, 0.3)),
            TeamSpec("medical", 3, count=1, turnout=Lognormal(1.5, 0.3)),
        ),
    )


def _depot(name: str, node: int, tier: str, parent: str | None = None) -> Depot:
    """A depot with its tier's default stock and lead time."""
    stock = tuple(DEFAULT_STOCK[tier].items())
    if parent is None:
        return Depot(name, node, tier, stock)
    return Depot(name, node, tier, stock, parent=parent, lead_time_min=DEFAULT_LEAD_TIME[tier])


def check_township_stations(network: RoadNetwork, township_stations: int | None) -> None:
    """Refuse more township stations than ``network`` has township landmarks.

    Refused, not cut to the townships there are: a cut made an experiment's 10- and
    12-station points the same run.

    Parameters
    ----------
    network
        The network the default stations would stand on.
    township_stations
        The number asked for (``None``: every township, always fine).

    Raises
    ------
    TownshipCountError
        If ``township_stations`` is more than the network's townships.
    """
    towns = sum(lm.kind == "township" for lm in network.landmarks)
    if township_stations is not None and township_stations > towns:
        raise TownshipCountError(
            _("township_stations = {n}, but network {network!r} has only {k} townships").format(
                n=township_stations, network=network.name, k=towns
            )
        )


def default_facilities(
    network: RoadNetwork,
    *,
    townships_per_county_depot: int = 5,
    township_stations: int | None = None,
) -> tuple[tuple[Station, ...], tuple[Depot, ...]]:
    """Stations and depots for a network with city/township/village landmarks.

    A county-seat station (the county fire brigade, the county hospital's
    ambulances and the county's specialist teams): 4 fire, 2 technical-rescue,
    1 hazmat, 4 medical, 2 water-rescue teams and a 40-person general team.
    In every township a township station (a comprehensive rescue team of 30+
    people, a fire engine and the health centre's ambulance). Depots: a city
    depot at the seat; county depots at one
    township in every ``townships_per_county_depot`` (by angle around the
    seat), each parent of the township depots nearest to it by road; a
    township depot in every township; a village storage point in every
    village, parented by the nearest township depot by road.

    A network with ``county`` landmarks (the built-in city,
    :func:`networks.synthetic_city.synthetic_city`) gets the city's layout
    instead, one level up: a municipal station at the city centre, a
    county-seat station at every county seat and a township station in every
    township; the city depot, a county depot at every county seat, a township
    depot in every township (parent: its county's depot) and a village storage
    point in every village (parent: its township's depot).
    ``townships_per_county_depot`` does not apply there.

    Parameters
    ----------
    network
        A network with landmarks, such as :func:`networks.synthetic_county`.
    townships_per_county_depot
        Townships served per county depot.
    township_stations
        Build stations in only this many townships (the first ones in
        landmark order), to compare station counts on the same map; all
        townships if ``None``. Depots are unaffected.

    Returns
    -------
    stations, depots

    Raises
    ------
    networks.errors.NetworkError
        If the network has no ``city`` landmark.
    ValueError
        If ``township_stations`` is negative.
    TownshipCountError
        If ``township_stations`` is more than the network's townships.
    """
    marks = {
        k: [lm for lm in network.landmarks if lm.kind == k]
        for k in ("city", "county", "township", "village")
    }
    if not marks["city"]:
        raise NetworkError(
            _("network {network!r} has no city landmark for the default facilities").format(
                network=network.name
            )
        )
    if township_stations is not None and township_stations < 0:
        raise ValueError(_("township_stations must be >= 0"))
    check_township_stations(network, township_stations)
    if marks["county"]:
        return _chinese(*_city_facilities(network, marks, township_stations=township_stations),
                        marks)  # fmt: skip
    seat = marks["city"][0]
    stations = [_seat_station("City Station", seat.node, "city", "County Seat")]
    for t in marks["township"][:township_stations]:
        stations.append(_township_station(t.name.removesuffix(" Town"), t.node))

    depots = [_depot("City Depot", seat.node, "city")]
    towns = marks["township"]
    if towns:
        xs, ys = network.nodes.x, network.nodes.y
        ang = np.array(
            [np.arctan2(ys[t.node] - ys[seat.node], xs[t.node] - xs[seat.node]) for t in towns]
        )
        order = np.argsort(ang, kind="stable")
        n_county = max(1, int(np.ceil(len(towns) / townships_per_county_depot)))
        county_towns = [
            towns[int(g[len(g) // 2])] for g in np.array_split(order, n_county) if len(g)
        ]
        county_nodes = [c.node for c in county_towns]
        for k, c in enumerate(county_towns):
            depots.append(_depot(f"County Depot {k + 1}", c.node, "county", "City Depot"))
        # Parents are the nearest by road in the direction stock moves (parent -> child).
        to_county = network.travel_times(county_nodes)
        for t in towns:
            k = int(np.argmin(to_county[:, t.node]))
            name = f"{t.name.removesuffix(' Town')} Depot"
            depots.append(_depot(name, t.node, "township", f"County Depot {k + 1}"))
        to_town = network.travel_times([t.node for t in towns])
        for v in marks["village"]:
            k = int(np.argmin(to_town[:, v.node]))
            parent = f"{towns[k].name.removesuffix(' Town')} Depot"
            depots.append(_depot(f"{v.name} Store", v.node, "village", parent))
    return _chinese(tuple(stations), tuple(depots), marks)


#: What a facility is called in Chinese after its place's name, by (kind, tier).
_ZH_SUFFIX = {
    ("station", "township"): "应急救援站",
    ("depot", "township"): "应急物资库",
    ("depot", "village"): "物资储备点",
}


def _chinese(
    stations: tuple[Station, ...], depots: tuple[Depot, ...], marks: dict[str, list[Landmark]]
) -> tuple[tuple[Station, ...], tuple[Depot, ...]]:
    """Give a Chinese name to each facility named after a place with one.

    The built-in networks' pinyin names read in Chinese through
    :func:`networks.names.facility_label`; a township or village of an
    OpenStreetMap network (花园街道, 柏里村) has its ``name:zh`` (or a Chinese
    ``name``) instead, which the facilities made there now carry as ``name_zh``.
    """
    from networks import i18n
    from networks.names import facility_label, has_cjk

    zh: dict[tuple[str, int], str] = {}
    for kind in ("township", "village"):
        for lm in marks[kind]:
            name = lm.name_zh or (lm.name if has_cjk(lm.name) else "")
            if name:
                zh.setdefault((kind, lm.node), name)

    def named(f: Station | Depot, kind: str) -> Station | Depot:
        suffix = _ZH_SUFFIX.get((kind, f.tier))
        place = zh.get((f.tier, f.node)) if suffix else None
        if place is None or f.name_zh:
            return f
        with i18n.language("zh"):
            if facility_label(f.name) != f.name:  # a built-in network's name: read so already
                return f
        return dataclasses.replace(f, name_zh=place + suffix)

    return (
        tuple(named(s, "station") for s in stations),  # type: ignore[misc]
        tuple(named(d, "depot") for d in depots),  # type: ignore[misc]
    )


def _city_facilities(
    network: RoadNetwork, marks: dict[str, list[Landmark]], *, township_stations: int | None
) -> tuple[tuple[Station, ...], tuple[Depot, ...]]:
    """The default facilities of a city of counties (see :func:`default_facilities`)."""
    centre, counties, towns = marks["city"][0], marks["county"], marks["township"]
    quick = Lognormal(1.0, 0.3)
    stations = [
        # The city's fire-rescue detachment, emergency centre and specialist teams.
        Station(
            name="Municipal Station",
            node=centre.node,
            tier="city",
            area=centre.name,
            teams=(
                TeamSpec("fire", 6, count=8, turnout=quick),
                TeamSpec("technical_rescue", 12, count=4, turnout=quick),
                TeamSpec("hazmat", 8, count=2, turnout=Lognormal(2.0, 0.3)),
                TeamSpec("medical", 4, count=8, turnout=quick),
                TeamSpec("water_rescue", 8, count=3, turnout=Lognormal(2.0, 0.3)),
                TeamSpec("general", 50, count=2, turnout=Lognormal(3.0, 0.4)),
            ),
        )
    ]
    stations += [_seat_station(f"{c.name} Station", c.node, "county", c.name) for c in counties]
    stations += [
        _township_station(t.name.removesuffix(" Town"), t.node) for t in towns[:township_stations]
    ]
    depots = [_depot("City Depot", centre.node, "city")]
    depots += [_depot(f"{c.name} Depot", c.node, "county", "City Depot") for c in counties]
    # A township's county is the county seat nearest to it by road (the built-in city
    # reaches a township only through its own seat); one search from all seats at once.
    county_of = _nearest_source(network, [c.node for c in counties])
    for t in towns:
        parent = f"{counties[county_of[t.node]].name} Depot"
        depots.append(_depot(f"{t.name.removesuffix(' Town')} Depot", t.node, "township", parent))
    # A village's township is in its name ("Baiyun Village 3"), else the nearest by road.
    stems = {t.name.removesuffix(" Town"): t for t in towns}
    town_of: np.ndarray | None = None
    for v in marks["village"]:
        stem = v.name.rpartition(" Village ")[0]
        if stem not in stems and towns:
            if town_of is None:
                town_of = _nearest_source(network, [t.node for t in towns])
            stem = towns[town_of[v.node]].name.removesuffix(" Town")
        if stem in stems:
            depots.append(_depot(f"{v.name} Store", v.node, "village", f"{stem} Depot"))
    return tuple(stations), tuple(depots)


def _nearest_source(network: RoadNetwork, sources: list[int]) -> np.ndarray:
    """For every node, the index in ``sources`` of the nearest source by road (from it).

    One multi-source Dijkstra (``min_only``): memory linear in the nodes, where a
    sources x nodes table of a 200,000-node city would take gigabytes.
    """
    from scipy.sparse import csgraph

    _dist, _pred, nearest = csgraph.dijkstra(
        network.csr, directed=True, indices=sources, min_only=True, return_predecessors=True
    )
    index = np.zeros(network.n_nodes, dtype=np.int64)
    index[np.asarray(sources, dtype=np.int64)] = np.arange(len(sources))
    # Every node is reached on a strongly connected network; -9999 marks one that is not.
    return index[np.maximum(nearest, 0)]
