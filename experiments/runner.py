"""One replication of one config: draw the incidents, play the response, summarise.

Seeds follow one tree so that results are reproducible and paired::

    SeedSequence(root_seed)
      .spawn(replications)[r]          # replication r
        .spawn(2) -> (incidents, response)

The incident stream of replication ``r`` depends only on the root seed, ``r``
and the scenario, never on the policy or the stations, so two designs compared
on the same replication see the same incidents (common random numbers). A
config that replays an incident log (``[scenario] incidents``) replays the same
incidents in every replication; what the log leaves out (work on scene) is
drawn from the replication's incidents stream.

A root seed may be given as an int, a numpy Generator, a SeedSequence or
``None`` (the config's ``run.seed``); it is made an int once, by
:func:`networks.seeds.as_root_seed`, and that int is recorded in the summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from experiments.config import Region, RunConfig
from networks.i18n import _
from networks.seeds import SeedLike, as_root_seed

#: The clock of rush hours and duty shifts: China's one time zone (UTC+08:00), as the
#: drills' default. A date-time with an offset is read on it, so the same instants
#: give the same run whichever offset a log writes; one without is taken as is.
LOCAL_CLOCK = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication returns.

    Attributes
    ----------
    replication
        Replication index ``r``.
    summary
        Flat JSON-ready metrics (``compliance_arrival``, ``intervals_arrival_p90``, ...).
    records
        The run's columnar records (:class:`sim.RunRecords`).
    """

    replication: int
    summary: dict[str, Any]
    records: Any


def replication_seeds(root_seed: int, replication: int) -> tuple[np.random.SeedSequence, ...]:
    """The (incidents, response) seed sequences of replication ``replication``."""
    if replication < 0:
        raise ValueError(_("replication must be >= 0"))
    # SeedSequence(root, spawn_key=(r,)) is exactly SeedSequence(root).spawn(r + 1)[r].
    rep = np.random.SeedSequence(root_seed, spawn_key=(replication,))
    return tuple(rep.spawn(2))


def flatten(summary: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested summary dicts as one flat dict with ``a_b`` keys (numbers and strings only)."""
    out: dict[str, Any] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}_"))
        elif isinstance(value, bool | int | float | str) or value is None:
            out[name] = value
    return out


def draw_incidents(config: RunConfig, region: Region, *, rng: np.random.Generator) -> Any:
    """The incident stream of one replication (scenario drawn, or log replayed, on the region)."""
    from scenarios import generate_stream, load_scenario

    if config.incidents is not None:
        if config.warnings is not None:  # a replay (yingji replay --config) warns nobody
            from sim.warnings import refused_with_a_log

            raise refused_with_a_log(config.source)
        log = getattr(region, "incidents", None)
        if log is None:  # a region built without the config's log (e.g. by hand)
            from experiments.incident_source import config_log

            log = config_log(config, region.network)
        return log.stream(rng=rng)
    spec = load_scenario(config.scenario)
    plan = warning_plan(config)
    if plan is not None and plan.lead_h is not None:  # the what-if lead time of every event
        from scenarios.warnings import with_lead

        spec = with_lead(spec, plan.lead_h)
    return generate_stream(spec, region.network, rng=rng, sources=dict(region.sources) or None)


def run_replication(
    config: RunConfig,
    *,
    replication: int,
    root_seed: SeedLike = None,
    region: Region | None = None,
) -> ReplicationResult:
    """Run replication ``replication`` of a config.

    Parameters
    ----------
    config
        The validated run config.
    replication
        Replication index (0-based).
    root_seed
        Root of the seed tree (int, Generator or SeedSequence, see
        :func:`networks.seeds.as_root_seed`); the config's ``run.seed`` if ``None``.
    region
        The region to run on instead of the config's (same network): another
        siting of the facilities faces the same incidents.

    Returns
    -------
    ReplicationResult
    """
    import sim
    from sim.targets import ResponseTargets

    root = as_root_seed(root_seed, default=config.seed)
    incidents_seed, response_seed = replication_seeds(root, replication)
    region = config.region() if region is None else region
    stream = draw_incidents(config, region, rng=np.random.default_rng(incidents_seed))
    targets = ResponseTargets.from_dict(dict(config.targets), source=config.source, key="targets")
    duty, reporting = desks_and_rules(config, region)
    records = sim.run(
        region.network,
        region.stations,
        region.depots,
        stream,
        rng=np.random.default_rng(response_seed),
        policy=config.dispatch_policy(),
        horizon=config.horizon_min,
        targets=targets,
        travel_noise=config.travel_noise,
        reinforcement=region.reinforcement,
        duty=duty,
        reporting=reporting,
        people=people_spec(config, region),
        travel_matrix=travel_matrix(region),
        warnings=warning_plan(config),
        moveup=moveup_spec(config, region),
        congestion=congestion_spec(config),
    )
    summary = flatten(sim.summarise(records, targets=targets))
    summary = {"replication": replication, "root_seed": root, **summary}
    return ReplicationResult(replication=replication, summary=summary, records=records)


def desks_and_rules(config: RunConfig, region: Region) -> tuple[Any, Any]:
    """The config's duty desks and reporting rules (``None`` where it has none).

    Desks without their own ``start_hour`` change shifts on the clock of a
    replayed log of date-times (:func:`log_clock_hour`), else at ``start_hour`` 0.
    A drone station the region does not have is an error naming the key.
    """
    from networks.errors import ConfigError
    from sim.duty import DutyDesks
    from sim.reporting_rules import rules_from_config

    duty = (
        DutyDesks.from_dict(dict(config.duty), source=config.source)
        if config.duty is not None
        else None
    )
    if duty is not None and "start_hour" not in dict(config.duty or ()):
        hour = log_clock_hour(config)  # shifts on a dated log's own clock (default 0 otherwise)
        if hour is not None:
            duty = dataclasses.replace(duty, start_hour=hour)
    rules = rules_from_config(
        dict(config.reporting) if config.reporting is not None else None, source=config.source
    )
    if rules is not None:
        names = {s.name for s in region.stations}
        tiers = {s.tier for s in region.stations}
        for k, d in enumerate(rules.drones):
            if d not in names and not (d.startswith("tier:") and d[5:] in tiers):
                raise ConfigError(
                    _("no station {name!r} (nor a tier of stations) in the region").format(name=d),
                    source=config.source,
                    key=f"reporting.video.drones[{k}]",
                )
    return duty, rules


def travel_matrix(region: Region) -> Any:
    """The region's travel-time matrix for its stations and depots (``None``: none).

    Rows of a station or depot the region no longer has (another siting) are
    left out; those sites use the roads.
    """
    if region.travel is None:
        return None
    stations = [s.name for s in region.stations]
    if region.reinforcement is not None:  # it runs as the last station
        stations.append(region.reinforcement.station.name)
    return region.travel.resolve(stations=stations, depots=[d.name for d in region.depots])


def people_spec(config: RunConfig, region: Region) -> Any:
    """The config's ``[people]`` as a :class:`sim.people_spec.PeopleSpec` (``None``: none).

    Its shelters are placed on the region's network.

    A shelter's location off the network is an error naming its key.
    """
    if config.people is None:
        return None
    from experiments.locations import resolve_location
    from sim.people_spec import PeopleSpec

    def place(location: Any, key: str) -> int:
        return resolve_location(location, region.network, source=config.source, key=key)

    # The hazards were checked against the catalogue when the config was read.
    return PeopleSpec.from_dict(dict(config.people), source=config.source, place=place)


def warning_plan(config: RunConfig) -> Any:
    """The config's ``[warnings]`` as a :class:`sim.warnings.WarningPlan` (``None``: none)."""
    if config.warnings is None:
        return None
    from sim.warnings import WarningPlan

    return WarningPlan.from_dict(dict(config.warnings), source=config.source)


def moveup_spec(config: RunConfig, region: Region) -> Any:
    """The config's ``[moveup]`` as a :class:`sim.moveup_spec.MoveupSpec` (``None``: none).

    Compliance tables must name the region's stations, by name or Chinese name (an error
    names the key and lists the stations).
    """
    if config.moveup is None:
        return None
    from networks import i18n
    from networks.names import facility_label
    from sim.moveup_spec import MoveupSpec

    # A table may name a station by its Chinese name, as the Chinese outputs print it.
    with i18n.language("zh"):
        names = {facility_label(s.name, region.names_zh): s.name for s in region.stations}
    names.update({s.name: s.name for s in region.stations})
    return MoveupSpec.from_dict(dict(config.moveup), source=config.source, stations=names)


def congestion_spec(config: RunConfig) -> Any:
    """The config's ``[congestion]`` as a :class:`sim.congestion.Congestion` (``None``: none).

    Without its own ``start_hour``, minute 0 is the clock hour of the incident
    log's minute 0 (:func:`log_clock_hour`) when the config replays a log of
    date-times, else the scenario's ``start_hour``.
    """
    if config.congestion is None:
        return None
    from sim.congestion import Congestion

    spec = Congestion.from_dict(dict(config.congestion), source=config.source)
    if spec.start_hour is not None:
        return spec
    hour = log_clock_hour(config)
    if hour is not None:
        return spec.with_start(hour)
    from scenarios import load_scenario

    return spec.with_start(load_scenario(config.scenario).start_hour)


def log_clock_hour(config: RunConfig) -> float | None:
    """The clock hour (0-24, on :data:`LOCAL_CLOCK`) of minute 0 of the config's incident log.

    Minute 0 is ``[scenario] start`` if given (one without a UTC offset is read
    in the log's), else the log's earliest time, as the log reader takes it.

    Returns
    -------
    float or None
        ``None`` when the config draws a scenario or its log counts minutes.
    """
    source = config.incidents
    if source is None:
        return None
    start = getattr(source, "start", None)
    t = None if start is None else datetime.fromisoformat(start)
    path = getattr(source, "path", None)
    if (t is None or t.tzinfo is None) and path is not None and Path(path).is_file():
        p = Path(path)  # the log decides: its earliest time, or the offset a naive start takes
        t = _minute_zero(str(p.absolute()), p.stat().st_mtime_ns, start) or t
    if t is None:
        return None
    if t.tzinfo is not None:
        t = t.astimezone(LOCAL_CLOCK)
    return t.hour + t.minute / 60 + t.second / 3600


@lru_cache(maxsize=8)
def _minute_zero(path: str, mtime_ns: int, start: str | None) -> datetime | None:
    """A log file's minute 0 (cached per file version: every replication asks)."""
    from scenarios.incident_rows import minute_zero
    from scenarios.log_table import read_csv_table

    return minute_zero(read_csv_table(path), start)


def run_config(
    config: RunConfig, *, seed: SeedLike = None, replications: int | None = None
) -> list[ReplicationResult]:
    """Run every replication of a config, serially, in replication order.

    ``seed`` is made a root once (a Generator is drawn from once), so every
    replication hangs off the same root.
    """
    n = config.replications if replications is None else replications
    root = as_root_seed(seed, default=config.seed)
    region = config.region()  # once: the network, the facilities and any incident log
    return [run_replication(config, replication=r, root_seed=root, region=region) for r in range(n)]
