"""A region: a road network with stations, depots and hazard sources placed on its nodes.

:class:`Region` is what a run config describes once placed; :func:`place_region`
(behind :meth:`experiments.config.RunConfig.region`) builds the network and
places the config's default, inline or table facilities, its hazard sources and
its outside reinforcement on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.facility_tables import Where, table_facilities
from experiments.locations import LOCATION_COLUMNS, resolve_location
from networks.errors import ConfigError, NetworkError
from networks.i18n import _
from networks.roadnet import RoadNetwork

if TYPE_CHECKING:
    from experiments.config import RunConfig


#: The key of the station count of the default facilities.
TOWNSHIP_STATIONS = "facilities.township_stations"


@dataclass(frozen=True)
class Region:
    """A network with its stations, depots and hazard sources placed on nodes."""

    network: RoadNetwork
    stations: tuple[Any, ...]
    depots: tuple[Any, ...]
    sources: Mapping[str, tuple[int, ...]]
    reinforcement: Any = None
    #: The config's incident log placed on the network (``[scenario] incidents``), if any.
    incidents: Any = None
    #: The config's travel-time matrix (``[travel] matrix``, a
    #: :class:`sim.travel_matrix.OdMatrix` checked against these facilities), if any.
    travel: Any = None

    @property
    def names_zh(self) -> dict[str, str]:
        """``name -> name_zh`` of the facilities given a Chinese name (for display only)."""
        from sim.facilities import chinese_names

        return chinese_names(self.stations, self.depots, (self.reinforcement,))


def place_region(config: RunConfig) -> Region:
    """Build ``config``'s network and place stations, depots and hazard sources on it."""
    try:
        network = config.network.build()
    except NetworkError as exc:
        raise ConfigError(str(exc), source=config.source, key="network") from None
    from sim.facilities import check_facilities

    stations, s_where = _place(config, "stations", network)
    depots, d_where = _place(config, "depots", network)
    origins = {"stations": s_where, "depots": d_where}

    def where(kind: str, i: int, name: str) -> tuple[str | None, str]:
        return origins[kind][i](name)

    check_facilities(network.n_nodes, stations, depots, source=config.source, where=where)
    sources = {
        kind: tuple(
            resolve_location(loc, network, source=config.source, key=f"sources.{kind}[{i}]")
            for i, loc in enumerate(locs)
        )
        for kind, locs in config.sources
    }
    reinforcement = None
    if config.reinforcement is not None:
        from sim.facilities import Reinforcement

        raw = dict(config.reinforcement)
        node = resolve_location(
            raw.pop("location"), network, source=config.source, key="reinforcement.location"
        )
        reinforcement = Reinforcement.from_dict(
            {"name": "Provincial Reinforcement", **raw, "node": node},
            source=config.source, key="reinforcement",
        )  # fmt: skip
        origins["stations"] = (*s_where, _inline_where(config, "reinforcement"))
        check_facilities(
            network.n_nodes, (*stations, reinforcement.station), (), source=config.source,
            where=where,
        )  # fmt: skip
    from experiments.incident_source import config_log

    travel = None
    if config.travel_matrix is not None:
        from sim.travel_matrix import read_od_matrix

        travel = read_od_matrix(config.travel_matrix)
        names = [f.name for f in (*stations, *depots)]
        if reinforcement is not None:
            names.append(reinforcement.station.name)
        travel.check(names=names, n_nodes=network.n_nodes)
    return Region(
        network=network, stations=stations, depots=depots, sources=sources,
        reinforcement=reinforcement, incidents=config_log(config, network), travel=travel,
    )  # fmt: skip


def check_township_stations(config: RunConfig) -> None:
    """Refuse ``facilities.township_stations`` above the townships of ``config``'s network.

    Cheap (the network is cached per spec and nothing is placed), so an experiment can
    check every design point before its folder is made; :func:`place_region` checks it
    again when it places the default stations.

    Raises
    ------
    networks.errors.ConfigError
        Naming ``facilities.township_stations`` (or ``network`` if it cannot be built).
    """
    if config.township_stations is None or config.stations != "default":
        return
    from sim.defaults import TownshipCountError
    from sim.defaults import check_township_stations as check

    try:
        check(config.network.build(), config.township_stations)
    except TownshipCountError as exc:
        raise ConfigError(str(exc), source=config.source, key=TOWNSHIP_STATIONS) from None
    except NetworkError as exc:
        raise ConfigError(str(exc), source=config.source, key="network") from None


def _inline_where(config: RunConfig, key: str) -> Where:
    return lambda name: (config.source, f"{key}.{name}")


def _place(
    config: RunConfig, kind: str, network: RoadNetwork
) -> tuple[tuple[Any, ...], tuple[Where, ...]]:
    """The stations or depots on ``network``, and where each was given."""
    from scenarios.validate import Reader
    from sim.defaults import TownshipCountError, default_facilities
    from sim.depots import DEPOT
    from sim.facilities import Depot, Station
    from sim.stations import STATION

    spec = getattr(config, kind)
    if spec == "default":
        # The depots do not depend on the station count: only the stations check it.
        count = config.township_stations if kind == "stations" else None
        try:
            stations, depots = default_facilities(network, township_stations=count)
        except TownshipCountError as exc:
            raise ConfigError(str(exc), source=config.source, key=TOWNSHIP_STATIONS) from None
        except NetworkError as exc:
            # Depots play no part in a station siting or a run without supplies: say how to
            # leave them out, not only how to list them.
            text = (
                _('{error}; list depots explicitly, or give depots = "none" to run without')
                if kind == "depots"
                else _("{error}; list {kind} explicitly")
            )
            raise ConfigError(
                text.format(error=exc, kind=kind),
                source=config.source,
                key=f"facilities.{kind}",
            ) from None
        placed = stations if kind == "stations" else depots
        return placed, tuple(_inline_where(config, f"facilities.{kind}") for _ in placed)
    cls = Station if kind == "stations" else Depot
    if isinstance(spec, Path):
        return table_facilities(spec, kind, network)
    out = []
    for i, entry in enumerate(spec):
        key = f"{kind}[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(_("expected a table"), source=config.source, key=key)
        entry = dict(entry)
        # Every key a facility may have, its location keys included, before any is taken out.
        section = (STATION if kind == "stations" else DEPOT).names
        Reader(entry, source=config.source, key=key).allow(
            {*section, *LOCATION_COLUMNS, "location"}
        )
        cols = [k for k in LOCATION_COLUMNS if k in entry]
        if "location" in entry and cols:
            raise ConfigError(
                _("give the place once: location, or {keys}, not both").format(
                    keys=", ".join(cols)
                ),
                source=config.source,
                key=f"{key}.{cols[0]}",
            )
        loc = entry.pop("location", None)
        loc = loc if loc is not None else {k: entry.pop(k) for k in cols}
        entry["node"] = resolve_location(loc, network, source=config.source, key=f"{key}.location")
        out.append(cls.from_dict(entry, source=config.source, key=key))
    return tuple(out), tuple(_inline_where(config, f"{kind}[{i}]") for i in range(len(out)))
