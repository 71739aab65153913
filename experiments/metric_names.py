"""Metric names of an experiment: which summary keys exist, and the check of a metrics list.

:data:`ID_METRICS` are summary keys that identify a replication (never metrics);
:func:`simulation_metrics` derives the names the simulation's summary can hold and
:func:`metric_families` the names behind its prefixes and its optional sections;
:func:`metric_problem` says why a design cannot give a metric (a section whose
table no design point has, a station no point has, a misspelt name), and
:func:`check_metric_names` refuses such a metric before any run.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from networks.errors import ConfigError
from networks.i18n import N_, _

#: Summary keys that identify a replication rather than measure it (never metrics).
ID_METRICS = frozenset({"replication", "root_seed", "point", "seed"})

_METRICS_CACHE: dict[str, Any] = {}


def _reporting_on(config: Mapping[str, Any]) -> bool:
    """Whether a run config's ``[reporting]`` chain runs (``rules = "off"`` runs none)."""
    rep = config.get("reporting")
    return isinstance(rep, Mapping) and rep.get("rules") != "off"


#: The summary sections only some run configs write: what the config needs for each
#: (a message, translated where shown) and the test of its plain data (``to_dict()``).
SECTION_NEEDS: dict[str, tuple[str, Callable[[Mapping[str, Any]], bool]]] = {
    "reinforcement": (N_("a [reinforcement] table"), lambda c: "reinforcement" in c),
    "duty": (N_("a [duty] or [reporting] table"), lambda c: "duty" in c or _reporting_on(c)),
    "reporting": (N_('a [reporting] table with rules other than "off"'), _reporting_on),
    "people": (N_("a [people] table"), lambda c: "people" in c),
    "warning": (N_("a [warnings] table"), lambda c: "warnings" in c),
    "moveup": (N_("a [moveup] table"), lambda c: "moveup" in c),
    "rush_hour": (N_("a [congestion] table"), lambda c: "congestion" in c),
    "off_peak": (N_("a [congestion] table"), lambda c: "congestion" in c),
}


@dataclass(frozen=True)
class MetricFamilies:
    """The names behind the summary's prefixes, and its optional sections.

    Attributes
    ----------
    listed
        Every name under ``listed_prefixes``: unserved reasons, stock-outs by
        tier and kind, the per-grade counts and shares, move-up coverage per
        capability.
    listed_prefixes
        Prefixes whose names are all in ``listed`` (another name under one is misspelt).
    station_fields
        What ``utilisation_<station>_`` holds for each station (``teams``, ...).
    sections
        Top-level tables of the summary only some run configs write (``people``, ...).
    """

    listed: frozenset[str]
    listed_prefixes: tuple[str, ...]
    station_fields: tuple[str, ...]
    sections: tuple[str, ...]


def _probe_records(*, optional: bool, filled: bool = False) -> Any:
    """Records of a run with no incidents, as :mod:`sim.summary` reads them.

    ``optional``: with duty desks, the reporting chain, people at the scene, a
    warning plan, move-up, a reinforcement and congestion (else none of them).
    ``filled``: one station and one incident of each grade, so that the nested
    tables per station and per grade have their entries.
    """
    import numpy as np

    from sim import records as rec
    from sim.moveup_records import COVERAGE_COLUMNS
    from sim.people import PEOPLE_COLUMNS, SHELTER_COLUMNS
    from sim.prepositioning import WARNING_COLUMNS
    from sim.relocate import MOVE_COLUMNS
    from sim.reporting import DUTY_COLUMNS, REPORT_COLUMNS, SCENE_COLUMNS

    flags = {"served", "mutual_aid", "diverted", "from_scene"}
    text = {"reason", "tier", "kind", "hazard", "capability", "name", "item", "requirement"}
    text |= {"from_level", "from_desk", "to_level", "change", "level", "desk", "video_source"}
    ints = {"incident", "number", "changes", "missed"}  # ``missed``: a count in ``scene``
    ints |= {"warning", "teams_staged", "stock_units", "stock_short", "officers_added"}

    def table(cols: Sequence[str], *, bools: set[str] | None = None) -> dict[str, Any]:
        yes_no = flags if bools is None else bools
        kinds = {
            c: bool if c in yes_no else str if c in text else np.int64 if c in ints else float
            for c in cols
        }
        return {c: np.array([], dtype=k) for c, k in kinds.items()}

    incidents = table(rec.INCIDENT_COLUMNS)
    stations = table(("name",))
    if filled:  # called, answered, reached and under control at once; grades I to IV
        incidents = {c: np.resize(np.zeros(1, dtype=a.dtype), 4) for c, a in incidents.items()}
        incidents.update(grade=np.arange(1, 5, dtype=np.int8), teams_needed=np.ones(4))
        incidents.update(served=np.ones(4, dtype=bool), id=np.arange(4.0))
        stations = {"name": np.array(["S"])}
    parts: dict[str, Any] = {}
    if optional:
        parts = {
            # Duty desks and the reporting chain, as :mod:`sim.reporting` builds them.
            "reports": table(REPORT_COLUMNS, bools={"direct", "late", "missed"}),
            "duty": table(DUTY_COLUMNS),
            "scene": table(SCENE_COLUMNS),
            # People at the scene (:mod:`sim.people`), a warning plan
            # (:mod:`sim.prepositioning`) and move-up (:mod:`sim.moveup`).
            "people": table(PEOPLE_COLUMNS),
            "shelters": table(SHELTER_COLUMNS),
            "warnings": table(WARNING_COLUMNS),
            "warned": table(("incident", "warning")),
            "moves": table(MOVE_COLUMNS),
            "coverage": table(COVERAGE_COLUMNS),
        }
    return rec.RunRecords(
        incidents=incidents,
        dispatches=table(rec.DISPATCH_COLUMNS),
        supplies=table(rec.SUPPLY_COLUMNS),
        stockouts=table(rec.STOCKOUT_COLUMNS),
        teams=table(("station", "capability", "size")),
        stations=stations,
        depots=table(("name",)),
        stock={},
        start=0.0,
        end=1.0,
        meta={
            "reinforcement": {"called_min": None, "arrived_min": None},
            "congestion": {"start_hour": 0.0},
        }  # rush-hour metrics (sim.congestion)
        if optional
        else {},
        **parts,
    )


def simulation_metrics() -> tuple[frozenset[str], tuple[str, ...]] | None:
    """Metric names the simulation's summary can hold: fixed names and prefixes of the rest.

    Derived from :func:`sim.summary.summarise` of an empty run with duty desks,
    the reporting chain, people at the scene, a warning plan and move-up, so it
    follows the simulator: nested tables that are empty there (per station, per
    grade, per unserved reason, per depot tier, per duty level, per capability)
    become prefixes such as ``utilisation_`` or ``duty_utilisation_``.

    Returns
    -------
    tuple or None
        ``(names, prefixes)``; ``None`` if the summary cannot be derived (then no
        metric name is refused before the run).
    """
    hit = _METRICS_CACHE.get("sim")
    if hit is not None or "sim" in _METRICS_CACHE:
        return hit
    out: tuple[frozenset[str], tuple[str, ...]] | None
    try:
        from experiments.runner import flatten
        from sim.summary import summarise

        summary = summarise(_probe_records(optional=True))
        names = frozenset(flatten(summary)) - ID_METRICS
        # Desk utilisation is per level, and the levels are known: name them.
        from sim.duty import DESK_LEVELS

        per_level = ("duty_utilisation_", "duty_peak_utilisation_")
        names = names | {f"{p}{lv}" for p in per_level for lv in DESK_LEVELS}
        prefixes = tuple(sorted(set(_empty_tables(summary)) - set(per_level)))
        out = (names, prefixes)
    except Exception:  # noqa: BLE001 - a simulator change must not stop experiments
        out = None
    _METRICS_CACHE["sim"] = out
    return out


def metric_families() -> MetricFamilies | None:
    """The names behind :func:`simulation_metrics`' prefixes, and its optional sections.

    Derived, like :func:`simulation_metrics`, from summaries of probe runs, so
    it follows the simulator; ``None`` if they cannot be derived (then names
    under the prefixes are accepted as before).
    """
    hit = _METRICS_CACHE.get("families")
    if hit is not None or "families" in _METRICS_CACHE:
        return hit
    out: MetricFamilies | None
    try:
        from experiments.runner import flatten
        from sim.stations import CAPABILITIES
        from sim.summary import LEFT_OUT_COUNTS, summarise

        full = summarise(_probe_records(optional=True))
        bare = summarise(_probe_records(optional=False))
        filled = summarise(_probe_records(optional=False, filled=True))
        grades = sorted({k.split("_")[2] for k in LEFT_OUT_COUNTS if k.startswith("by_grade_")})
        per_grade = flatten({"by_grade": {g: filled["by_grade"]["1"] for g in grades}})
        listed = set(LEFT_OUT_COUNTS) | set(per_grade)
        covered = ["by_grade_", "stockouts_", "unserved_"]
        if "coverage" in full.get("moveup", {}):  # a share per capability
            listed |= {f"moveup_coverage_{c}" for c in CAPABILITIES}
            covered.append("moveup_coverage_")
        out = MetricFamilies(
            listed=frozenset(listed),
            listed_prefixes=tuple(covered),
            station_fields=tuple(filled["utilisation"]["S"]),
            sections=tuple(k for k in full if k not in bare),
        )
    except Exception:  # noqa: BLE001 - a simulator change must not stop experiments
        out = None
    _METRICS_CACHE["families"] = out
    return out


def _empty_tables(summary: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Flattened prefixes (``a_b_``) of the empty mappings in a nested summary, at any depth."""
    out = []
    for k, v in summary.items():
        if isinstance(v, Mapping):
            out += _empty_tables(v, f"{prefix}{k}_") if v else [f"{prefix}{k}_"]
    return out


def design_stations(configs: Iterable[Any]) -> set[str]:
    """Names of the stations of run configs (their reinforcements too), each siting placed once.

    Parameters
    ----------
    configs
        :class:`experiments.config.RunConfig` objects (the design points').

    Returns
    -------
    set of str
    """
    import dataclasses

    from experiments.hashing import canonical_json

    out: set[str] = set()
    seen: set[str] = set()
    for config in configs:
        data = config.to_dict()
        key = canonical_json({k: data.get(k) for k in ("network", "facilities", "stations",
                                                        "reinforcement")})  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        # Only what names stations: no hazard sources, incident log or matrix to place.
        bare = dataclasses.replace(config, sources=(), incidents=None, travel_matrix=None)
        region = bare.region()
        out |= {s.name for s in region.stations}
        if region.reinforcement is not None:
            out.add(region.reinforcement.station.name)
    return out


def metric_problem(
    metric: str,
    *,
    configs: Sequence[Mapping[str, Any]] | None = None,
    stations: Callable[[], Collection[str]] | None = None,
) -> str | None:
    """Why the simulation cannot give ``metric`` in a design (``None``: it can).

    Parameters
    ----------
    metric
        A flattened summary key, e.g. ``people_rescued_alive``.
    configs
        The design points' run configs as plain data (``RunConfig.to_dict()``);
        ``None``: do not check that a point has the table the metric needs.
    stations
        Gives the names of the design's stations (called only for a
        ``utilisation_`` name); ``None``: any station name is accepted.

    Returns
    -------
    str or None
        One sentence in the language in use: a name the simulation never writes
        (with the closest one), a station no design point has, or the table a
        metric needs that no design point has.
    """
    known = simulation_metrics()
    if known is None:
        return None
    names, prefixes = known
    fam = metric_families()
    listed = fam.listed if fam is not None else frozenset()
    if metric in names or metric in listed:
        pass  # a name the summary has (a section's: checked below)
    elif metric.startswith("utilisation_") and fam is not None and stations is not None:
        here = sorted(set(stations()))
        per = {f"utilisation_{s}_{f}" for s in here for f in fam.station_fields}
        if metric not in per:
            return _station_problem(metric, here, per, fam.station_fields)
    elif not metric.startswith(prefixes) or (fam and metric.startswith(fam.listed_prefixes)):
        return _unknown(metric, names | listed)  # a prefix of unlisted names lets any through
    if fam is None or configs is None:
        return None
    for section in sorted(fam.sections, key=len, reverse=True):
        needs = SECTION_NEEDS.get(section)
        if needs is None or not (metric == section or metric.startswith(section + "_")):
            continue
        if not any(needs[1](c) for c in configs):
            return _("{metric!r} needs {needs} in the run config; no design point has one").format(
                metric=metric, needs=_(needs[0])
            )
        break
    return None


def _unknown(metric: str, candidates: Collection[str]) -> str:
    """A name the simulation never writes, with the closest one."""
    close = difflib.get_close_matches(metric, sorted(candidates), n=1)
    message = (
        _(
            "unknown metric {metric!r}; did you mean {close!r}? metrics are summary "
            "keys such as compliance_arrival or intervals_arrival_p90"
        )
        if close
        else _(
            "unknown metric {metric!r}; metrics are summary keys such as "
            "compliance_arrival or intervals_arrival_p90"
        )
    )
    return message.format(metric=metric, close=close[0] if close else "")


def _station_problem(
    metric: str, stations: Sequence[str], per: Collection[str], fields: Sequence[str]
) -> str:
    """A ``utilisation_<station>_<field>`` name whose station no design point has."""
    rest = metric.removeprefix("utilisation_")
    field = next((f for f in fields if rest.endswith("_" + f)), None)
    if field is None or not stations:
        return _unknown(metric, per)
    station = rest[: -len(field) - 1]
    close = difflib.get_close_matches(metric, sorted(per), n=1)
    if close:
        return _(
            "unknown metric {metric!r}: no design point has a station {station!r}; "
            "did you mean {close!r}?"
        ).format(metric=metric, station=station, close=close[0])
    shown = ", ".join(stations[:8]) + (", ..." if len(stations) > 8 else "")
    return _(
        "unknown metric {metric!r}: no design point has a station {station!r} (stations: {names})"
    ).format(metric=metric, station=station, names=shown)


def check_metric_names(
    metrics: Sequence[str],
    *,
    source: str,
    configs: Sequence[Mapping[str, Any]] | None = None,
    stations: Callable[[], Collection[str]] | None = None,
) -> None:
    """Refuse a metric the design cannot give, before any replication runs.

    Used by :meth:`experiments.spec.ExperimentSpec.check_metrics`; see
    :func:`metric_problem` for ``configs`` and ``stations``.

    Raises
    ------
    ConfigError
        Naming ``source``, ``metrics[i]`` and why (:func:`metric_problem`).
    """
    for i, m in enumerate(metrics):
        problem = metric_problem(m, configs=configs, stations=stations)
        if problem is not None:
            raise ConfigError(problem, source=source, key=f"metrics[{i}]")
