"""A sensible default set of stations and depots placed on a network's landmarks."""

from __future__ import annotations

import numpy as np

from networks.errors import NetworkError
from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.distributions import Lognormal
from sim.facilities import Depot, Station, TeamSpec

#: Stock of one depot per tier (item -> units); the city depot is the county's main reserve.
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
    """
    marks = {
        k: [lm for lm in network.landmarks if lm.kind == k] for k in ("city", "township", "village")
    }
    if not marks["city"]:
        raise NetworkError(
            _("network {network!r} has no city landmark for the default facilities").format(
                network=network.name
            )
        )
    seat = marks["city"][0]
    quick = Lognormal(1.0, 0.3)
    slow = Lognormal(3.0, 0.4)
    stations = [
        Station(
            name="City Station",
            node=seat.node,
            tier="city",
            area="County Seat",
            teams=(
                TeamSpec("fire", 6, count=4, turnout=quick),
                TeamSpec("technical_rescue", 12, count=2, turnout=quick),
                TeamSpec("hazmat", 8, count=1, turnout=Lognormal(2.0, 0.3)),
                TeamSpec("medical", 4, count=4, turnout=quick),
                TeamSpec("water_rescue", 8, count=2, turnout=Lognormal(2.0, 0.3)),
                TeamSpec("general", 40, count=1, turnout=slow),
            ),
        )
    ]
    if township_stations is not None and township_stations < 0:
        raise ValueError(_("township_stations must be >= 0"))
    for t in marks["township"][:township_stations]:
        town = t.name.removesuffix(" Town")
        stations.append(
            Station(
                name=f"{town} Station",
                node=t.node,
                tier="township",
                area=town,
                teams=(
                    TeamSpec("general", 30, count=1, turnout=Lognormal(5.0, 0.4)),
                    TeamSpec("fire", 6, count=1, turnout=Lognormal(1.5, 0.3)),
                    TeamSpec("medical", 3, count=1, turnout=Lognormal(1.5, 0.3)),
                ),
            )
        )

    depots = [Depot("City Depot", seat.node, "city", tuple(DEFAULT_STOCK["city"].items()))]
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
            depots.append(
                Depot(
                    f"County Depot {k + 1}",
                    c.node,
                    "county",
                    tuple(DEFAULT_STOCK["county"].items()),
                    parent="City Depot",
                    lead_time_min=DEFAULT_LEAD_TIME["county"],
                )
            )
        # Parents are the nearest by road in the direction stock moves (parent -> child).
        to_county = network.travel_times(county_nodes)
        for t in towns:
            k = int(np.argmin(to_county[:, t.node]))
            depots.append(
                Depot(
                    f"{t.name.removesuffix(' Town')} Depot",
                    t.node,
                    "township",
                    tuple(DEFAULT_STOCK["township"].items()),
                    parent=f"County Depot {k + 1}",
                    lead_time_min=DEFAULT_LEAD_TIME["township"],
                )
            )
        to_town = network.travel_times([t.node for t in towns])
        for v in marks["village"]:
            k = int(np.argmin(to_town[:, v.node]))
            depots.append(
                Depot(
                    f"{v.name} Store",
                    v.node,
                    "village",
                    tuple(DEFAULT_STOCK["village"].items()),
                    parent=f"{towns[k].name.removesuffix(' Town')} Depot",
                    lead_time_min=DEFAULT_LEAD_TIME["village"],
                )
            )
    return tuple(stations), tuple(depots)
