"""Places and counts in run configs and siting tables: refused, never cut or ignored.

A township station count above the network's townships, a misspelt column of a
siting table and an unknown landmark in a siting table (named by row and column);
an inline station's misspelt key (its location keys were missing from the list of
keys it may have, a misspelt ``lng`` read as "no location") and a place given
twice (``location`` and ``lon``/``lat``: ``lon`` was called an unknown key).
"""

from __future__ import annotations

from tests.bad_inputs.cases_inputs import DEPOT_ROWS, config, depots, run_case, with_files
from tests.bad_inputs.harness import Case

#: The built-in county has 10 townships: 11 stations used to be cut to 10 silently.
TOO_MANY = config("[facilities]\ntownship_stations = 11\n")


def siting_demand(table: str):
    """A run config whose station siting task reads ``demand.csv`` holding ``table``."""
    return with_files(
        config('[siting]\nfacility = "stations"\ndemand = "demand.csv"\n'),
        {"demand.csv": table},
    )


def inline(extra: str):
    """A run config with one inline station, ``extra`` keys before its teams."""
    return config(
        f'[[stations]]\nname = "S"\ntier = "city"\n{extra}'
        '[[stations.teams]]\ncapability = "fire"\nsize = 6\n'
    )


CASES = [
    # The first row left the parent empty: the message read "... differs from None".
    run_case(
        "run-depots-parent-given-after-an-empty-first-row",
        depots(
            DEPOT_ROWS + "Xiba Depot,township,Xiba Town,Seat Depot,,food,5\n"
            "Seat Depot,city,County Seat,Xiba Depot,0,food,5\n"
        ),  # fmt: skip
        "depots.csv",
        "line 5, column parent: 'Xiba Depot' is given here but left empty on line 2 for the "
        "same depot 'Seat Depot'",
    ),
    run_case(
        "run-inline-station-misspelt-key-lists-the-location-keys",
        inline('location = "landmark:County Seat"\ntire = "county"\n'),
        "run.toml",
        "stations[0].tire: unknown key (expected one of area, landmark, lat, location, lon,",
    ),
    run_case(
        "run-inline-station-misspelt-lng-is-named",
        inline("lng = 117.2\nlat = 28.3\n"),
        "run.toml",
        "stations[0].lng: unknown key",
    ),
    run_case(
        "run-inline-station-place-given-twice",
        inline('location = "landmark:County Seat"\nlon = 117.2\nlat = 28.3\n'),
        "run.toml",
        "stations[0].lon: give the place once: location, or lon, lat, not both",
    ),
    run_case(
        "run-township-stations-above-townships",
        TOO_MANY,
        "run.toml",
        "facilities.township_stations",
        "10 townships",
    ),
    Case(
        "site-township-stations-above-townships",
        ("site", "run.toml", "--out", "out"),
        ("run.toml", "facilities.township_stations", "10 townships"),
        TOO_MANY,
    ),
    Case(
        "site-demand-weight-misspelt",
        ("site", "run.toml", "--out", "out"),
        ("demand.csv", "line 1, column wieght", "weight"),
        siting_demand("landmark,wieght\nXiba Town,50\nCounty Seat,1\n"),
    ),
    Case(
        "site-demand-unknown-landmark",
        ("site", "run.toml", "--out", "out"),
        ("demand.csv", "line 2, column landmark", "Atlantis"),
        siting_demand("landmark,weight\nAtlantis,1\n"),
    ),
]
