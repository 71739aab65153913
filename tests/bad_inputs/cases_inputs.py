"""Bad values inside input files: config numbers, facility tables, road networks, scenarios.

Every config here is small (the built-in county, a typical week, one
replication) and fails while it is validated, before any simulation.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from tests.bad_inputs.harness import Case, write

#: A small, fast run config; cases append tables or lines to it.
HEAD = """name = "small"
[network]
synthetic = "county"
[scenario]
name = "typical_week"
"""
RUN = "[run]\nseed = 1\nreplications = 1\n"

#: Header and a good row of a stations table on the county (a township station).
STATIONS_HEAD = "name,tier,landmark,lon,lat,capability,size,count,turnout_min\n"
STATION_ROW = "Xiba,township,Xiba Town,,,general,32,1,2.0\n"
#: Header and good rows of a depots table on the county.
DEPOTS_HEAD = "name,tier,landmark,parent,lead_time_min,item,quantity\n"
DEPOT_ROWS = (
    "Seat Depot,city,County Seat,,0,tents,100\n"
    "Xiba Depot,township,Xiba Town,Seat Depot,120,tents,10\n"
)

#: A tiny OpenStreetMap file: two nodes joined by a two-way road.
OSM_XML = (
    '<?xml version="1.0"?><osm version="0.6">'
    '<node id="1" lat="31.0" lon="121.0"/><node id="2" lat="31.001" lon="121.0"/>'
    '<node id="3" lat="31.001" lon="121.001"/>'
    '<way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/>'
    '<tag k="highway" v="residential"/></way></osm>'
)


def config(*tables: str, run: str = RUN, head: str = HEAD) -> Callable[[Path], None]:
    """Setup writing ``run.toml``: the small config with ``tables`` appended."""

    def setup(tmp: Path) -> None:
        write(tmp, "run.toml", head + run + "".join(tables))

    return setup


def with_files(
    cfg: Callable[[Path], None], files: dict[str, str | bytes]
) -> Callable[[Path], None]:
    """Setup writing a config and some more files (name -> content)."""

    def setup(tmp: Path) -> None:
        cfg(tmp)
        for name, text in files.items():
            write(tmp, name, text)

    return setup


def stations(rows: str, head: str = STATIONS_HEAD) -> Callable[[Path], None]:
    """The small config with ``stations.csv`` holding ``rows``."""
    return with_files(
        config('[facilities]\nstations = "stations.csv"\n'), {"stations.csv": head + rows}
    )


def depots(rows: str, head: str = DEPOTS_HEAD) -> Callable[[Path], None]:
    """The small config with ``depots.csv`` holding ``rows``."""
    return with_files(config('[facilities]\ndepots = "depots.csv"\n'), {"depots.csv": head + rows})


def scenario_file(text: str) -> Callable[[Path], None]:
    """A scenario file ``s.toml`` and a run config using it."""
    head = HEAD.replace('name = "typical_week"', 'file = "s.toml"')
    return with_files(config(head=head), {"s.toml": text})


SCENARIO = 'name = "mine"\nduration_h = 24\n'
#: Two certain rules of a fire setting off fires: 2**100 generations deep unless refused.
EXPLOSIVE_CASCADE = (
    '[[hazards.building_fire.cascade]]\nhazard = "building_fire"\nprobability = 1\ndelay = 1\n'
    '[[hazards.building_fire.cascade]]\nhazard = "building_fire"\nprobability = 1\ndelay = 1\n'
)
#: A scenario of fires that uses ``cat.toml`` and cascades 100 generations deep.
SCENARIO_CASCADING = (
    'name = "mine"\nduration_h = 24\nmax_cascade_depth = 100\ncatalogue = "cat.toml"\n'
    "[background.rates]\nbuilding_fire = 2\n"
)


def geojson(geometry: str, properties: str = "{}") -> str:
    """A GeoJSON feature collection of one feature (geometry and properties as JSON text)."""
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        f'"properties": {properties}, "geometry": {geometry}}}]}}'
    )


def network_file(name: str, data: str | bytes) -> Callable[[Path], None]:
    """A road file ``name`` and a run config reading it."""
    head = HEAD.replace('synthetic = "county"', f'file = "{name}"')

    def setup(tmp: Path) -> None:
        config(head=head)(tmp)
        write(tmp, name, data)

    return setup


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def graphml(length: str = "120.5", *, x: str = "0.0", with_length: bool = True) -> str:
    """A GraphML file as plain networkx writes it: a two-way road between two nodes."""
    keys = (
        '<key id="d0" for="node" attr.name="x" attr.type="double"/>'
        '<key id="d1" for="node" attr.name="y" attr.type="double"/>'
        '<key id="d2" for="edge" attr.name="length" attr.type="double"/>'
        '<key id="g0" for="graph" attr.name="crs" attr.type="string"/>'
    )
    ln = f'<data key="d2">{length}</data>' if with_length else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'{keys}<graph edgedefault="directed"><data key="g0">EPSG:32650</data>'
        f'<node id="1"><data key="d0">{x}</data><data key="d1">0.0</data></node>'
        '<node id="2"><data key="d0">100.0</data><data key="d1">50.0</data></node>'
        f'<edge source="1" target="2" id="0">{ln}</edge>'
        f'<edge source="2" target="1" id="0">{ln}</edge>'
        "</graph></graphml>"
    )


def info(name: str, data: str | bytes) -> Callable[[Path], None]:
    """Setup writing one road file for ``network info``."""
    return lambda tmp: write(tmp, name, data) and None


RUN_ARGV = ("run", "run.toml", "--out", "out", "--no-plots")


def run_case(id_: str, setup: Callable[[Path], None], *expect: str) -> Case:
    """``yingji run run.toml`` must refuse, naming ``expect``."""
    return Case(id_, RUN_ARGV, expect, setup)


CASES = [
    # ------------------------------------------------------------ run numbers
    run_case(
        "run-travel-noise-inf",
        config(run=RUN + "travel_noise = inf\n"),
        "run.toml",
        "run.travel_noise",
    ),
    run_case(
        "run-travel-noise-nan",
        config(run=RUN + "travel_noise = nan\n"),
        "run.toml",
        "run.travel_noise",
    ),
    run_case(
        "run-travel-noise-huge",
        config(run=RUN + "travel_noise = 1e300\n"),
        "run.toml",
        "run.travel_noise",
    ),
    run_case(
        "run-replications-over-max",
        config(run="[run]\nseed = 1\nreplications = 10001\n"),
        "run.toml",
        "run.replications",
    ),
    run_case(
        "run-replications-float",
        config(run="[run]\nseed = 1\nreplications = 1.5\n"),
        "run.toml",
        "run.replications",
    ),
    run_case(
        "run-seed-over-max",
        config(run=f"[run]\nseed = {2**63}\nreplications = 1\n"),
        "run.toml",
        "run.seed",
    ),
    run_case(
        "run-seed-negative-in-file",
        config(run="[run]\nseed = -1\nreplications = 1\n"),
        "run.toml",
        "run.seed",
    ),
    run_case(
        "run-horizon-huge",
        config(run=RUN + "horizon_min = 1e300\n"),
        "run.toml",
        "run.horizon_min",
    ),
    run_case(
        "run-horizon-inf", config(run=RUN + "horizon_min = inf\n"), "run.toml", "run.horizon_min"
    ),
    run_case(
        "run-network-seed-float",
        config(head=HEAD.replace('"county"\n', '"county"\nseed = 1.5\n')),
        "run.toml",
        "network.seed",
    ),
    run_case(
        "run-network-grid-huge",
        config(head=HEAD.replace('"county"\n', '"county"\ngrid = 1000000\n')),
        "run.toml",
        "network.grid",
    ),
    # The built-in city: counts within the generator's bounds, a township in every county.
    run_case(
        "run-city-counties-zero",
        config(head=HEAD.replace('"county"\n', '"city"\ncounties = 0\n')),
        "run.toml",
        "network.counties",
    ),
    run_case(
        "run-city-villages-huge",
        config(head=HEAD.replace('"county"\n', '"city"\nvillages = 10000000\n')),
        "run.toml",
        "network.villages",
    ),
    run_case(
        "run-city-fewer-townships-than-counties",
        config(head=HEAD.replace('"county"\n', '"city"\ncounties = 12\ntownships = 11\n')),
        "run.toml",
        "network.townships",
    ),
    run_case(
        "run-county-given-counties",
        config(head=HEAD.replace('"county"\n', '"county"\ncounties = 3\n')),
        "run.toml",
        "network.counties",
    ),
    run_case(
        "run-network-speed-nan",
        config("[network.speeds]\nresidential = nan\n"),
        "run.toml",
        "network.speeds.residential",
    ),
    run_case(
        "run-township-stations-negative",
        config("[facilities]\ntownship_stations = -2\n"),
        "run.toml",
        "facilities.township_stations",
    ),
    run_case("run-target-inf", config("[targets]\narrival = inf\n"), "run.toml", "targets.arrival"),
    run_case("run-target-nan", config("[targets]\ncontrol = nan\n"), "run.toml", "targets.control"),
    run_case("run-section-misspelt", config("[polcy]\nreserve = 1\n"), "run.toml", "polcy"),
    # ------------------------------------------------------- policy, sources
    run_case(
        "run-policy-key-misspelt",
        config('[policy]\nname = "severity_priority"\nreserv = 1\n'),
        "run.toml",
        "policy.reserv",
        "unknown key",
    ),
    run_case(
        "run-policy-nearest-with-reserve",
        config('[policy]\nname = "nearest_available"\nreserve = 1\n'),
        "run.toml",
        "policy.reserve",
    ),
    run_case(
        "run-policy-reserve-negative",
        config('[policy]\nname = "severity_priority"\nreserve = -1\n'),
        "run.toml",
        "policy.reserve",
    ),
    run_case(
        "run-policy-reserve-float",
        config('[policy]\nname = "severity_priority"\nreserve = 0.5\n'),
        "run.toml",
        "policy.reserve",
    ),
    run_case(
        "run-policy-reserve-capability-misspelt",
        config('[policy]\nname = "severity_priority"\nreserve = { fier = 1 }\n'),
        "run.toml",
        "policy.reserve.fier",
    ),
    run_case(
        "run-policy-max-hold-nan",
        config('[policy]\nname = "severity_priority"\nmax_hold = nan\n'),
        "run.toml",
        "policy.max_hold",
    ),
    run_case(
        "run-policy-protected-bad",
        config('[policy]\nname = "severity_priority"\nprotected = [1, "II"]\n'),
        "run.toml",
        "policy.protected",
    ),
    run_case(
        "run-policy-name-unknown",
        config('[policy]\nname = "random"\n'),
        "run.toml",
        "policy.name",
    ),
    run_case(
        "run-sources-kind-misspelt",
        config("[sources]\nchemical_plnt = [[117.2, 28.3]]\n"),
        "run.toml",
        "sources.chemical_plnt",
        "unknown key",
    ),
    run_case(
        "run-sources-not-a-list",
        config('[sources]\nriver = "landmark:Xiba Town"\n'),
        "run.toml",
        "sources.river",
    ),
    run_case(
        "run-sources-lon-nan",
        config("[sources]\nriver = [[nan, 28.3]]\n"),
        "run.toml",
        "sources.river[0]",
    ),
    run_case(
        "run-inline-station-node-huge",
        config(
            '[[stations]]\nname = "S"\ntier = "city"\nnode = 1e400\n'
            '[[stations.teams]]\ncapability = "fire"\nsize = 6\n'
        ),
        "run.toml",
        "stations[0]",
    ),
    run_case(
        "run-inline-team-size-huge",
        config(
            '[[stations]]\nname = "S"\ntier = "city"\nlocation = "landmark:County Seat"\n'
            f'[[stations.teams]]\ncapability = "fire"\nsize = {2**70}\n'
        ),
        "run.toml",
        "stations[0].teams[0].size",
    ),
    run_case(
        "run-inline-depot-lead-inf",
        config(
            '[[depots]]\nname = "D"\ntier = "city"\nlocation = "landmark:County Seat"\n'
            "lead_time_min = inf\nstock = { tents = 5 }\n"
        ),
        "run.toml",
        "depots[0].lead_time_min",
    ),
    # ------------------------------------------------------- facility tables
    run_case(
        "run-stations-size-nan",
        stations("Xiba,township,Xiba Town,,,general,nan,1,2.0\n"),
        "stations.csv",
        "line 2",
        "size",
    ),
    run_case(
        "run-stations-turnout-inf",
        stations("Xiba,township,Xiba Town,,,general,32,1,inf\n"),
        "stations.csv",
        "line 2",
        "turnout_min",
    ),
    run_case(
        "run-stations-count-1e400",
        stations("Xiba,township,Xiba Town,,,general,32,1e400,2.0\n"),
        "stations.csv",
        "line 2",
        "count",
    ),
    run_case(
        "run-stations-size-fraction",
        stations("Xiba,township,Xiba Town,,,general,32.5,1,2.0\n"),
        "stations.csv",
        "line 2",
        "size",
    ),
    run_case(
        "run-stations-lon-nan",
        stations("Seat,city,,nan,28.3,fire,6,1,\n"),
        "stations.csv",
        "line 2",
        "lon",
    ),
    run_case(
        "run-stations-lat-inf",
        stations(STATION_ROW + "Seat,city,,117.2,inf,fire,6,1,\n"),
        "stations.csv",
        "line 3",
        "lat",
    ),
    run_case(
        "run-stations-extra-cell",
        stations(STATION_ROW + "Seat,city,County Seat,,,fire,6,1,1.5,oops\n"),
        "stations.csv",
        "line 3",
        "cells",
    ),
    run_case(
        "run-stations-missing-cells",
        stations(STATION_ROW + "Seat,city,County Seat,,,fire\n"),
        "stations.csv",
        "line 3",
        "cells",
    ),
    run_case(
        "run-stations-duplicate-name-elsewhere",
        stations(STATION_ROW + "Xiba,township,Dongcun Town,,,fire,32,1,\n"),
        "stations.csv",
        "line 3",
        "name",
    ),
    run_case("run-stations-header-only", stations(""), "stations.csv", "no rows"),
    run_case("run-stations-empty-file", stations("", head=""), "stations.csv", "no rows"),
    run_case(
        "run-stations-column-misspelt",
        stations(
            "Xiba,township,Xiba Town,,,general,32,1,2.0\n",
            head=STATIONS_HEAD.replace("capability", "capabilty"),
        ),
        "stations.csv",
        "capabilty",
    ),
    run_case(
        "run-stations-duplicate-column",
        stations(STATION_ROW, head=STATIONS_HEAD.replace("count", "size")),
        "stations.csv",
        "size",
    ),
    run_case(
        "run-stations-capability-unknown",
        stations("Xiba,township,Xiba Town,,,police,32,1,2.0\n"),
        "stations.csv",
        "line 2",
        "capability",
    ),
    run_case(
        "run-stations-tier-unknown",
        stations("Xiba,hamlet,Xiba Town,,,general,32,1,2.0\n"),
        "stations.csv",
        "line 2",
        "tier",
    ),
    run_case(
        "run-stations-not-utf8",
        with_files(
            config('[facilities]\nstations = "stations.csv"\n'),
            {"stations.csv": (STATIONS_HEAD + STATION_ROW).encode() + b"\xff\xfe\n"},
        ),
        "stations.csv",
    ),
    run_case(
        "run-stations-geojson-line",
        with_files(
            config('[facilities]\nstations = "stations.geojson"\n'),
            {"stations.geojson": geojson('{"type": "LineString", "coordinates": [[0, 0]]}')},
        ),
        "stations.geojson",
        "features[0]",
    ),
    run_case(
        "run-stations-geojson-nan",
        with_files(
            config('[facilities]\nstations = "stations.geojson"\n'),
            {
                "stations.geojson": geojson(
                    '{"type": "Point", "coordinates": [NaN, 28.3]}',
                    '{"name": "S", "tier": "city", "capability": "fire", "size": 6}',
                )
            },
        ),
        "stations.geojson",
        "features[0]",
    ),
    run_case(
        "run-stations-geojson-not-collection",
        with_files(
            config('[facilities]\nstations = "stations.geojson"\n'), {"stations.geojson": "[1]"}
        ),
        "stations.geojson",
    ),
    run_case(
        "run-depots-parent-unknown",
        depots(DEPOT_ROWS.replace("Seat Depot,120", "Set Depot,120")),
        "depots.csv",
        "line 3",
        "parent",
    ),
    run_case(
        "run-depots-quantity-nan",
        depots(DEPOT_ROWS.replace("tents,10\n", "tents,nan\n")),
        "depots.csv",
        "line 3",
        "quantity",
    ),
    run_case(
        "run-depots-lead-negative",
        depots(DEPOT_ROWS.replace(",120,", ",-5,")),
        "depots.csv",
        "line 3",
        "lead_time_min",
    ),
    run_case(
        "run-depots-item-unknown",
        depots(DEPOT_ROWS.replace("tents,10\n", "tent,10\n")),
        "depots.csv",
        "line 3",
        "item",
    ),
    run_case(
        "run-depots-parent-lower-tier",
        depots(
            "Seat Depot,city,County Seat,Xiba Depot,0,tents,100\n"
            "Xiba Depot,township,Xiba Town,,120,tents,10\n"
        ),
        "depots.csv",
        "line 2, column parent",
    ),
    run_case(
        "run-depots-item-twice",
        depots(DEPOT_ROWS + "Xiba Depot,township,Xiba Town,Seat Depot,120,tents,5\n"),
        "depots.csv",
        "line 4, column item",
    ),
    run_case(
        "run-stations-same-name-other-tier",
        stations(STATION_ROW + "Xiba,county,Xiba Town,,,fire,8,1,\n"),
        "stations.csv",
        "line 3, column tier",
    ),
    run_case(
        "run-stations-township-team-too-small",
        stations("Xiba,township,Xiba Town,,,general,12,1,2.0\n"),
        "stations.csv",
        "line 2",
        "station 'Xiba'",
    ),
    run_case(
        "run-inline-station-duplicate-name",
        config(
            '[[stations]]\nname = "S"\ntier = "city"\nlocation = "landmark:County Seat"\n'
            'teams = [{ capability = "fire", size = 6 }]\n'
            '[[stations]]\nname = "S"\ntier = "city"\nlocation = "landmark:Xiba Town"\n'
            'teams = [{ capability = "fire", size = 6 }]\n'
        ),
        "run.toml",
        "stations[1].name",
    ),
    run_case(
        "run-reinforcement-name-clash",
        config(
            '[[stations]]\nname = "S"\ntier = "city"\nlocation = "landmark:County Seat"\n'
            'teams = [{ capability = "fire", size = 6 }]\n'
            '[reinforcement]\nname = "S"\nlocation = "landmark:Xiba Town"\n'
            'teams = [{ capability = "general", size = 50 }]\n'
        ),
        "run.toml",
        "reinforcement.name",
    ),
    run_case(
        "run-network-speed-class-misspelt",
        config("[network.speeds]\nresidental = 25\n"),
        "run.toml",
        "network.speeds.residental",
        "unknown key",
    ),
    run_case(
        "run-scenario-too-many-incidents",
        scenario_file(
            'name = "mine"\nduration_h = 8000\n[background.rates]\nbuilding_fire = 50000\n'
        ),
        "s.toml",
        "background",
        "incidents",
    ),
    # ------------------------------------------------------------- scenarios
    run_case(
        "run-scenario-duration-huge",
        scenario_file('name = "mine"\nduration_h = 1e300\n'),
        "s.toml",
        "duration_h",
    ),
    run_case(
        "run-scenario-rate-negative",
        scenario_file(SCENARIO + "[background.rates]\nbuilding_fire = -1\n"),
        "s.toml",
        "background.rates.building_fire",
    ),
    run_case(
        "run-scenario-rate-huge",
        scenario_file(SCENARIO + "[background.rates]\nbuilding_fire = 1e300\n"),
        "s.toml",
        "background.rates.building_fire",
    ),
    run_case(
        "run-scenario-scale-huge",
        scenario_file(SCENARIO + "[background]\nscale = 1e300\n"),
        "s.toml",
        "background.scale",
    ),
    Case(
        "scenario-show-duration-inf",
        ("scenario", "show", "s.toml"),
        ("s.toml", "duration_h"),
        lambda tmp: write(tmp, "s.toml", 'name = "mine"\nduration_h = inf\n') and None,
    ),
    Case(
        "scenario-sample-duration-huge",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("s.toml", "duration_h"),
        lambda tmp: write(tmp, "s.toml", 'name = "mine"\nduration_h = 1e9\n') and None,
    ),
    Case(
        "scenario-sample-event-start-huge",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("s.toml", "events[0].start_h"),
        lambda tmp: (
            write(
                tmp,
                "s.toml",
                SCENARIO + '[[events]]\ntype = "rainstorm"\nstart_h = 1e300\nduration_h = 3\n'
                "intensity_mm_h = 40\n",
            )
            and None
        ),
    ),
    Case(
        "scenario-sample-rain-rate-huge",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("s.toml", "events[0].extra_per_day.waterlogging"),
        lambda tmp: (
            write(
                tmp,
                "s.toml",
                SCENARIO + '[[events]]\ntype = "rainstorm"\nstart_h = 1\nduration_h = 3\n'
                "intensity_mm_h = 40\nextra_per_day = { waterlogging = 1e300 }\n",
            )
            and None
        ),
    ),
    Case(
        "scenario-sample-quake-omori-huge",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("s.toml", "events[0].omori_a"),
        lambda tmp: (
            write(
                tmp,
                "s.toml",
                SCENARIO + '[[events]]\ntype = "earthquake"\ntime_h = 1\nmagnitude = 7\n'
                "omori_a = 300\n",
            )
            and None
        ),
    ),
    Case(
        "scenario-sample-quake-collapse-huge",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("s.toml", "events[0].collapse_per_node"),
        lambda tmp: (
            write(
                tmp,
                "s.toml",
                SCENARIO + '[[events]]\ntype = "earthquake"\ntime_h = 1\nmagnitude = 7\n'
                "collapse_per_node = 1e300\n",
            )
            and None
        ),
    ),
    # -------------------------------------------------------------- networks
    Case(
        "network-info-gz-garbage",
        ("network", "info", "roads.osm.gz"),
        ("roads.osm.gz",),
        info("roads.osm.gz", b"\x1f\x8b\x08\x00 this is not gzip at all"),
    ),
    Case(
        "network-info-gz-not-gzip",
        ("network", "info", "roads.osm.gz"),
        ("roads.osm.gz",),
        info("roads.osm.gz", OSM_XML),
    ),
    Case(
        "network-info-gz-truncated",
        ("network", "info", "roads.osm.gz"),
        ("roads.osm.gz",),
        info("roads.osm.gz", _gz(OSM_XML.encode() * 20)[:60]),
    ),
    run_case(
        "run-network-gz-garbage",
        network_file("roads.osm.gz", b"\x1f\x8b\x08\x00garbage"),
        "roads.osm.gz",
        "network",
    ),
    Case(
        "network-info-bz2-truncated",
        ("network", "info", "roads.osm.bz2"),
        ("roads.osm.bz2",),
        lambda tmp: (
            write(tmp, "roads.osm.bz2", __import__("bz2").compress(b"x" * 999)[:30]) and None
        ),
    ),
    Case(
        "network-info-graphml-nan-length",
        ("network", "info", "roads.graphml"),
        ("roads.graphml", "length"),
        info("roads.graphml", graphml("nan")),
    ),
    Case(
        "network-info-graphml-negative-length",
        ("network", "info", "roads.graphml"),
        ("roads.graphml", "length"),
        info("roads.graphml", graphml("-5")),
    ),
    Case(
        "network-info-graphml-inf-length",
        ("network", "info", "roads.graphml"),
        ("roads.graphml", "length"),
        info("roads.graphml", graphml("inf")),
    ),
    Case(
        "network-info-graphml-no-length",
        ("network", "info", "roads.graphml"),
        ("roads.graphml", "length"),
        info("roads.graphml", graphml(with_length=False)),
    ),
    Case(
        "network-info-graphml-text-length",
        ("network", "info", "roads.graphml"),
        ("roads.graphml",),
        info("roads.graphml", graphml("long")),
    ),
    Case(
        "network-info-graphml-nan-x",
        ("network", "info", "roads.graphml"),
        ("roads.graphml", "x"),
        info("roads.graphml", graphml(x="nan")),
    ),
    Case(
        "network-info-graphml-garbage",
        ("network", "info", "roads.graphml"),
        ("roads.graphml",),
        info("roads.graphml", "<graphml><graph><node"),
    ),
    run_case(
        "run-network-graphml-nan-length",
        network_file("roads.graphml", graphml("nan")),
        "roads.graphml",
        "length",
    ),
    run_case(
        "run-network-file-missing",
        config(head=HEAD.replace('synthetic = "county"', 'file = "nowhere.graphml"')),
        "nowhere.graphml",
    ),
    # ------------------------------------------------- review fixes (inputs)
    run_case(
        "run-stations-landmark-and-lonlat-disagree",
        stations("Xiba,township,Xiba Town,117.2013,28.3011,general,32,1,2.0\n"),
        "stations.csv",
        "line 2",
        "landmark and lon+lat",
    ),
    run_case(
        "run-stations-landmark-and-lonlat-450km-apart",
        stations("Xiba,township,Xiba Town,117.2,32.3,general,32,1,2.0\n"),
        "stations.csv",
        "line 2",
    ),
    run_case(
        "run-stations-landmark-and-node-disagree",
        stations(
            "Seat,city,County Seat,0,fire,6,1\n",
            head="name,tier,landmark,node,capability,size,count\n",
        ),
        "stations.csv",
        "line 2",
        "landmark and node",
    ),
    run_case(
        "run-stations-landmark-and-lon-without-lat",
        stations("Seat,city,County Seat,117.2,,fire,6,1,\n"),
        "stations.csv",
        "line 2, column lat",
    ),
    run_case(
        "run-stations-same-capability-twice",
        stations(STATION_ROW + STATION_ROW),
        "stations.csv",
        "line 3, column capability",
    ),
    run_case(
        "run-stations-name-with-newline",
        stations('"Xi\nba",township,Xiba Town,,,general,32,1,2.0\n'),
        "stations.csv",
        "line 2, column name",
    ),
    run_case(
        "run-stations-name-with-control-character",
        stations("Xi\x07ba,township,Xiba Town,,,general,32,1,2.0\n"),
        "stations.csv",
        "line 2, column name",
    ),
    run_case(
        "run-depots-name-with-newline",
        depots(DEPOT_ROWS.replace("Xiba Depot,township", '"Xiba\nDepot",township')),
        "depots.csv",
        "line 3, column name",
    ),
    run_case(
        "run-inline-station-name-with-newline",
        config(
            '[[stations]]\nname = "S\\nT"\ntier = "city"\nlocation = "landmark:County Seat"\n'
            'teams = [{ capability = "fire", size = 6 }]\n'
        ),
        "run.toml",
        "stations[0].name",
    ),
    run_case(
        "run-depots-quantity-1e300-reads-short",
        depots(DEPOT_ROWS.replace("tents,10\n", "tents,1e300\n")),
        "depots.csv",
        "line 3, column quantity",
        "got 1e+300",
    ),
    run_case(
        "run-seed-400-digits-reads-short",
        config(run=f"[run]\nseed = {10**400}\nreplications = 1\n"),
        "run.toml",
        "run.seed",
        "got 1e+400",
    ),
    run_case(
        "run-targets-key-misspelt",
        config("[targets]\narive = 5\n"),
        "run.toml",
        "targets.arive",
        "unknown key",
    ),
    run_case(
        "run-network-grid-over-max",
        config(head=HEAD.replace('"county"\n', '"county"\ngrid = 801\n')),
        "run.toml",
        "network.grid",
    ),
    Case(
        "network-build-grid-over-max",
        ("network", "build", "--synthetic", "county", "--grid", "801", "-o", "x.graphml"),
        ("--grid",),
    ),
    Case(
        "scenario-sample-event-after-the-end",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("s.toml", "events[0].time_h"),
        lambda tmp: (
            write(
                tmp,
                "s.toml",
                SCENARIO + '[[events]]\ntype = "earthquake"\ntime_h = 100\nmagnitude = 6\n',
            )
            and None
        ),
    ),
    run_case(
        "run-scenario-storm-after-the-end",
        scenario_file(
            SCENARIO + '[[events]]\ntype = "rainstorm"\nstart_h = 24\nduration_h = 3\n'
            "intensity_mm_h = 40\n"
        ),
        "s.toml",
        "events[0].start_h",
    ),
    Case(
        "scenario-sample-cascade-explodes",
        ("scenario", "sample", "s.toml", "--seed", "1", "--out", "x.csv"),
        ("cat.toml", "hazards.building_fire.cascade"),
        lambda tmp: (
            write(tmp, "s.toml", SCENARIO_CASCADING)
            and write(tmp, "cat.toml", EXPLOSIVE_CASCADE)
            and None
        ),
    ),
    Case(
        "scenario-sample-cascade-explodes-catalogue-option",
        (
            "scenario",
            "sample",
            "s.toml",
            "--catalogue",
            "cat.toml",
            "--seed",
            "1",
            "--out",
            "x.csv",
        ),  # fmt: skip
        ("cat.toml", "hazards.building_fire.cascade"),
        lambda tmp: (
            write(tmp, "s.toml", SCENARIO_CASCADING.replace('catalogue = "cat.toml"\n', ""))
            and write(tmp, "cat.toml", EXPLOSIVE_CASCADE)
            and None
        ),
    ),
    run_case(
        "run-scenario-cascade-explodes",
        with_files(
            scenario_file(SCENARIO_CASCADING),
            {"cat.toml": EXPLOSIVE_CASCADE},
        ),
        "cat.toml",
        "hazards.building_fire.cascade",
    ),
    run_case(
        "run-scenario-overrides-cascade-explodes",
        scenario_file(
            SCENARIO_CASCADING.replace('catalogue = "cat.toml"\n', "")
            + EXPLOSIVE_CASCADE.replace("[[hazards.", "[[overrides.hazards.")
        ),
        "s.toml",
        "overrides.hazards.building_fire.cascade",
    ),
    # ------------------------------------------------------------------ site
    Case(
        "site-policy-key-misspelt",
        ("site", "run.toml", "--out", "out"),
        ("run.toml", "policy.reserv"),
        config('[policy]\nname = "severity_priority"\nreserv = 1\n'),
    ),
    Case(
        "site-stations-header-only",
        ("site", "run.toml", "--out", "out"),
        ("stations.csv",),
        stations(""),
    ),
]
