"""Metric names of an experiment: which summary keys exist, and the check of a metrics list.

:data:`ID_METRICS` are summary keys that identify a replication (never metrics);
:func:`simulation_metrics` derives the names the simulation's summary can hold;
:func:`check_metric_names` refuses a metric it never has, before any run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _

#: Summary keys that identify a replication rather than measure it (never metrics).
ID_METRICS = frozenset({"replication", "root_seed", "point", "seed"})

_METRICS_CACHE: dict[str, Any] = {}


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
        import numpy as np

        from experiments.runner import flatten
        from sim import records as rec
        from sim.moveup_records import COVERAGE_COLUMNS
        from sim.people import PEOPLE_COLUMNS, SHELTER_COLUMNS
        from sim.prepositioning import WARNING_COLUMNS
        from sim.relocate import MOVE_COLUMNS
        from sim.reporting import DUTY_COLUMNS, REPORT_COLUMNS, SCENE_COLUMNS
        from sim.summary import summarise

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

        empty = rec.RunRecords(
            incidents=table(rec.INCIDENT_COLUMNS),
            dispatches=table(rec.DISPATCH_COLUMNS),
            supplies=table(rec.SUPPLY_COLUMNS),
            stockouts=table(rec.STOCKOUT_COLUMNS),
            teams=table(("station", "capability", "size")),
            stations=table(("name",)),
            depots=table(("name",)),
            stock={},
            start=0.0,
            end=1.0,
            meta={
                "reinforcement": {"called_min": None, "arrived_min": None},
                "congestion": {"start_hour": 0.0},
            },  # rush-hour metrics (sim.congestion)
            # Duty desks and the reporting chain, as :mod:`sim.reporting` builds them.
            reports=table(REPORT_COLUMNS, bools={"direct", "late", "missed"}),
            duty=table(DUTY_COLUMNS),
            scene=table(SCENE_COLUMNS),
            # People at the scene, as :mod:`sim.people` builds them.
            people=table(PEOPLE_COLUMNS),
            shelters=table(SHELTER_COLUMNS),
            # A warning plan, as :mod:`sim.prepositioning` builds it.
            warnings=table(WARNING_COLUMNS),
            warned=table(("incident", "warning")),
            # Move-up, as :mod:`sim.moveup` builds it.
            moves=table(MOVE_COLUMNS),
            coverage=table(COVERAGE_COLUMNS),
        )
        summary = summarise(empty)
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


def _empty_tables(summary: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Flattened prefixes (``a_b_``) of the empty mappings in a nested summary, at any depth."""
    out = []
    for k, v in summary.items():
        if isinstance(v, Mapping):
            out += _empty_tables(v, f"{prefix}{k}_") if v else [f"{prefix}{k}_"]
    return out


def check_metric_names(metrics: Sequence[str], *, source: str) -> None:
    """Refuse a metric the simulation's summary never has, before any replication runs.

    Used by :meth:`experiments.spec.ExperimentSpec.check_metrics`.

    Raises
    ------
    ConfigError
        Naming ``source`` and ``metrics[i]``.
    """
    known = simulation_metrics()
    if known is None:
        return
    names, prefixes = known
    for i, m in enumerate(metrics):
        if m in names or m.startswith(prefixes):
            continue
        import difflib

        close = difflib.get_close_matches(m, sorted(names), n=1)
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
        raise ConfigError(
            message.format(metric=m, close=close[0] if close else ""),
            source=source,
            key=f"metrics[{i}]",
        )
