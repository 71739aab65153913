"""The incident stream: the contract between ``scenarios`` and ``sim``.

A scenario generator produces an :class:`IncidentStream`; the simulator
consumes one. It is columnar: one numpy array per field, one row per
incident, sorted by call time. What an incident needs (teams by capability,
supplies) depends only on its hazard and grade, so it is stored once per
(hazard, grade) in :attr:`IncidentStream.requirements` and referenced by
index, so that 100,000 incidents do not mean 100,000 Python dicts.

Your own incidents come in through :meth:`IncidentStream.from_frame` (a
pandas DataFrame or a mapping of columns) and :meth:`IncidentStream.from_csv`,
checked row by row by :mod:`scenarios.incident_log`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from networks.i18n import _
from networks.roadnet import Disruption
from networks.seeds import SeedLike

if TYPE_CHECKING:
    from networks.roadnet import RoadNetwork
    from scenarios.catalogue import HazardCatalogue
    from scenarios.warnings import ScheduledWarning

#: Severity grades: I especially major, II major, III larger, IV general.
GRADE_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
GRADE_LABELS = {1: "especially major", 2: "major", 3: "larger", 4: "general"}

#: The four categories of emergencies.
CATEGORIES = ("natural_disaster", "accident", "public_health", "social_safety")


@dataclass(frozen=True)
class Requirement:
    """What an incident of one hazard and grade needs.

    Attributes
    ----------
    hazard
        Hazard key (``"building_fire"``).
    grade
        Severity grade 1-4 (I-IV).
    teams
        ``(capability, count)`` pairs, e.g. ``(("fire", 2), ("medical", 1))``.
    supplies
        ``(item, quantity)`` pairs, e.g. ``(("drinking_water", 200),)``.
    """

    hazard: str
    grade: int
    teams: tuple[tuple[str, int], ...]
    supplies: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ScheduledDisruption:
    """A road disruption active from ``start`` to ``end`` minutes (``inf``: to the end)."""

    start: float
    end: float
    disruption: Disruption
    incident: int = -1


@dataclass(frozen=True, eq=False)
class IncidentStream:
    """Incidents of one run, columnar and sorted by call time.

    Attributes
    ----------
    time
        Call time, minutes from the run's start (float64, non-decreasing).
    node
        Node index of the scene on the road network (int64).
    hazard
        Hazard key per incident (numpy str array).
    category
        One of :data:`CATEGORIES` per incident.
    grade
        Severity grade 1-4 (int8).
    requirement
        Row of :attr:`requirements` per incident (int32).
    control_work
        Minutes of work, once the required teams are on scene, to bring the
        incident under control.
    clear_work
        Further minutes on scene after control until the teams are released.
    parent
        Id of the incident this one cascaded from, ``-1`` if none (int64).
    requirements
        What each (hazard, grade) needs.
    disruptions
        Road closures and slowdowns, by start time.
    warnings
        Early warnings of weather events (:mod:`scenarios.warnings`), by issue time.
    """

    time: np.ndarray
    node: np.ndarray
    hazard: np.ndarray
    category: np.ndarray
    grade: np.ndarray
    requirement: np.ndarray
    control_work: np.ndarray
    clear_work: np.ndarray
    parent: np.ndarray
    requirements: tuple[Requirement, ...]
    disruptions: tuple[ScheduledDisruption, ...] = field(default=())
    warnings: tuple[ScheduledWarning, ...] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.time)
        for name in ("node", "hazard", "category", "grade", "requirement",
                     "control_work", "clear_work", "parent"):  # fmt: skip
            if len(getattr(self, name)) != n:
                raise ValueError(
                    _("IncidentStream.{name} has {rows} rows, not {n}").format(
                        name=name, rows=len(getattr(self, name)), n=n
                    )
                )
        if n and np.any(np.diff(self.time) < 0):
            raise ValueError(_("IncidentStream.time must be sorted"))
        if n and (np.min(self.control_work) < 0 or np.min(self.clear_work) < 0):
            raise ValueError(_("IncidentStream work times must be >= 0"))
        if n and (self.requirement.min() < 0 or self.requirement.max() >= len(self.requirements)):
            raise ValueError(_("IncidentStream.requirement points outside requirements"))

    def __len__(self) -> int:
        return len(self.time)

    @property
    def id(self) -> np.ndarray:
        """Incident ids: row numbers, 0..n-1."""
        return np.arange(len(self.time), dtype=np.int64)

    @classmethod
    def from_rows(
        cls,
        *,
        time: Sequence[float],
        node: Sequence[int],
        hazard: Sequence[str],
        category: Sequence[str],
        grade: Sequence[int],
        requirement: Sequence[int],
        control_work: Sequence[float],
        clear_work: Sequence[float],
        requirements: Sequence[Requirement],
        parent: Sequence[int] | None = None,
        disruptions: Sequence[ScheduledDisruption] = (),
        warnings: Sequence[ScheduledWarning] = (),
    ) -> IncidentStream:
        """Build a stream from unsorted rows; rows are sorted by time (stable).

        Parent ids are renumbered to follow the sort.
        """
        t = np.asarray(time, dtype=np.float64)
        order = np.argsort(t, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        par = np.full(t.size, -1, np.int64) if parent is None else np.asarray(parent, np.int64)
        par = np.where(par >= 0, rank[np.maximum(par, 0)], -1)[order]
        return cls(
            time=t[order],
            node=np.asarray(node, dtype=np.int64)[order],
            hazard=np.asarray(hazard, dtype=str)[order],
            category=np.asarray(category, dtype=str)[order],
            grade=np.asarray(grade, dtype=np.int8)[order],
            requirement=np.asarray(requirement, dtype=np.int32)[order],
            control_work=np.asarray(control_work, dtype=np.float64)[order],
            clear_work=np.asarray(clear_work, dtype=np.float64)[order],
            parent=par,
            requirements=tuple(requirements),
            disruptions=tuple(
                ScheduledDisruption(
                    d.start, d.end, d.disruption, int(rank[d.incident]) if d.incident >= 0 else -1
                )
                for d in sorted(disruptions, key=lambda d: (d.start, d.end))
            ),
            warnings=tuple(sorted(warnings, key=lambda w: (w.issue, w.start))),
        )

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        network: RoadNetwork,
        *,
        rng: SeedLike = None,
        catalogue: HazardCatalogue | None = None,
        start: datetime | str | None = None,
        max_snap_m: float | None = None,
        source: str = "<frame>",
    ) -> IncidentStream:
        """A stream from your own incidents: a pandas DataFrame or a mapping of columns.

        Columns: ``time`` (minutes or ISO date-times), ``lon``/``lat`` (or
        ``node``, ``osmid``), ``hazard``, ``grade``, optionally ``teams``,
        ``supplies``, ``control_work``, ``clear_work``, ``id``, ``parent``
        (:mod:`scenarios.incident_log` has the whole contract). Every row is
        checked; the first mistake raises one :class:`networks.errors.ConfigError`
        naming the row and column.

        Parameters
        ----------
        frame
            The incidents, one row each.
        network
            The road network they happened on (``lon``/``lat`` are snapped to it).
        rng
            Generator (or seed) of the work on scene the frame leaves out, drawn
            as :func:`scenarios.generate_stream` draws it. To replay one log in
            many replications, build an :class:`scenarios.incident_log.IncidentLog`
            once and call its ``stream(rng=...)`` per replication.
        catalogue
            Hazards the frame may name (default: the shipped catalogue).
        start
            The run's start when times are date-times (default: the earliest incident).
        max_snap_m
            Farthest a ``lon``/``lat`` may lie from its road node, metres
            (default :data:`scenarios.incident_log.MAX_LOG_SNAP_M`).
        source
            What error messages call the frame.

        Returns
        -------
        IncidentStream
        """
        from scenarios.incident_log import MAX_LOG_SNAP_M, IncidentLog

        log = IncidentLog.from_frame(
            frame, network, catalogue=catalogue, start=start, source=source,
            max_snap_m=MAX_LOG_SNAP_M if max_snap_m is None else max_snap_m,
        )  # fmt: skip
        return log.stream(rng=rng)

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        network: RoadNetwork,
        *,
        rng: SeedLike = None,
        catalogue: HazardCatalogue | None = None,
        start: datetime | str | None = None,
        max_snap_m: float | None = None,
        disruptions: str | os.PathLike[str] | None = None,
    ) -> IncidentStream:
        """A stream from an incident log CSV file (UTF-8), as :meth:`from_frame` reads a frame.

        What ``yingji scenario sample`` writes reads back unchanged: give its
        incident file, and its ``NAME.disruptions.csv`` as ``disruptions`` for
        the road closures too. Errors name the file, the row (the header is
        row 1) and the column. Other parameters as in :meth:`from_frame`.
        """
        from scenarios.incident_log import MAX_LOG_SNAP_M, IncidentLog

        log = IncidentLog.from_csv(
            path, network, catalogue=catalogue, start=start, disruptions=disruptions,
            max_snap_m=MAX_LOG_SNAP_M if max_snap_m is None else max_snap_m,
        )  # fmt: skip
        return log.stream(rng=rng)
