"""Incident rows while a stream is being generated (columnar, appended in blocks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.catalogue import HazardCatalogue
from scenarios.places import Geography
from scenarios.stream import ScheduledDisruption
from scenarios.validate import read_toml
from scenarios.warnings import ScheduledWarning


class Batch:
    """Rows appended in blocks; row ids are append order (renumbered when the stream is sorted).

    Columns: ``time`` (min), ``node``, ``hazard``, ``grade`` (0 = not drawn yet),
    ``parent`` (row id or -1), ``own_cascade`` / ``own_roads`` (true when an event
    model has already produced this incident's secondaries / road damage, so the
    catalogue rules must not add them a second time).
    """

    _COLS = ("time", "node", "hazard", "grade", "parent", "own_cascade", "own_roads")

    def __init__(self) -> None:
        self._blocks: dict[str, list[np.ndarray]] = {c: [] for c in self._COLS}
        self._n = 0
        self._cache: dict[str, np.ndarray] | None = None
        self.disruptions: list[ScheduledDisruption] = []
        self.warnings: list[ScheduledWarning] = []  # early warnings of weather events

    def __len__(self) -> int:
        return self._n

    def add(
        self,
        *,
        time: np.ndarray | float,
        node: np.ndarray | int,
        hazard: str | np.ndarray,
        grade: np.ndarray | int = 0,
        parent: np.ndarray | int = -1,
        own_cascade: bool = False,
        own_roads: bool = False,
    ) -> np.ndarray:
        """Append rows (scalars broadcast); returns their row ids."""
        t = np.atleast_1d(np.asarray(time, dtype=np.float64))
        k = t.size
        cols = {
            "time": t,
            "node": np.broadcast_to(np.asarray(node, dtype=np.int64), (k,)),
            "hazard": np.broadcast_to(np.asarray(hazard, dtype=object), (k,)),
            "grade": np.broadcast_to(np.asarray(grade, dtype=np.int8), (k,)),
            "parent": np.broadcast_to(np.asarray(parent, dtype=np.int64), (k,)),
            "own_cascade": np.full(k, own_cascade),
            "own_roads": np.full(k, own_roads),
        }
        for c, v in cols.items():
            self._blocks[c].append(np.array(v))
        ids = np.arange(self._n, self._n + k, dtype=np.int64)
        self._n += k
        self._cache = None
        return ids

    def col(self, name: str) -> np.ndarray:
        """One column over all rows (a fresh concatenation, cached until the next add)."""
        if self._cache is None:
            self._cache = {}
        if name not in self._cache:
            blocks = self._blocks[name]
            dtype = {"hazard": object, "own_cascade": bool, "own_roads": bool}.get(name)
            self._cache[name] = (
                np.concatenate(blocks) if blocks else np.zeros(0, dtype=dtype or np.float64)
            )
        return self._cache[name]

    def set_grade(self, rows: np.ndarray, grades: np.ndarray) -> None:
        """Fill in drawn grades."""
        g = self.col("grade").copy()
        g[rows] = grades
        self._blocks["grade"] = [g]
        self._cache = None


def key_origin(catalogue: HazardCatalogue, hazard: str, name: str) -> tuple[str | None, str]:
    """The file and dotted key that set ``name`` of ``hazard`` last, for a message about it.

    A catalogue is layered (the shipped one, a ``catalogue`` file, a scenario's
    ``[overrides.hazards.*]``) and a later layer overrides key by key, so the
    value in use comes from the last layer that gives the key. Only called on
    the way to an error: the layers' files are read again.

    Parameters
    ----------
    catalogue
        The merged catalogue; :attr:`~HazardCatalogue.sources` are its layers in order.
    hazard, name
        The hazard and its key (``"dam_break"``, ``"source"``).

    Returns
    -------
    source, key
        The file and the dotted key inside it (``overrides.hazards.X.source`` in
        a scenario). Where no layer's file can be read again, the last layer and
        ``hazards.HAZARD.NAME``.
    """
    for source in reversed(catalogue.sources):
        try:
            data = read_toml(source)
        except ConfigError:  # moved or changed since: the fallback below
            continue
        for prefix, table in (("overrides.", data.get("overrides")), ("", data)):
            entry = _table(_table(table).get("hazards")).get(hazard)
            if name in _table(entry):
                return source, f"{prefix}hazards.{hazard}.{name}"
    last = catalogue.sources[-1] if catalogue.sources else None
    return last, f"hazards.{hazard}.{name}"


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class Context:
    """What event models and cascades need: the place, the catalogue, the horizon, the rows."""

    geo: Geography
    catalogue: HazardCatalogue
    horizon: float
    start_hour: int
    background: dict[str, float]
    profiles: dict[str, str]
    batch: Batch = field(default_factory=Batch)
    source: str | None = None

    @cached_property
    def _weights(self) -> dict[str, np.ndarray]:
        return {}

    def weights(self, hazard: str) -> np.ndarray:
        """Spatial weights of a hazard's incidents (sum 1)."""
        if hazard not in self._weights:
            h = self.catalogue[hazard]
            if h.source and h.source not in self.geo.sources:
                source, key = key_origin(self.catalogue, hazard, "source")
                raise ConfigError(
                    _(
                        "no hazard sources of kind {kind!r} on network {network!r} "
                        "(known: {known}); give their nodes in the region's sources"
                    ).format(
                        kind=h.source,
                        network=self.geo.network.name,
                        known=", ".join(sorted(self.geo.sources)),
                    ),
                    source=source,
                    key=key,
                )
            self._weights[hazard] = self.geo.hazard_weights(
                weight=h.weight, source=h.source, source_m=h.source_m
            )
        return self._weights[hazard]

    def hour_bins(self, t0: float = 0.0, t1: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Bin edges (minutes) cut at clock hours over [t0, t1], and each bin's hour of day."""
        t1 = self.horizon if t1 is None else min(t1, self.horizon)
        t0 = max(t0, 0.0)
        if t1 <= t0:
            return np.array([t0]), np.zeros(0, dtype=np.int64)
        inner = np.arange(np.floor(t0 / 60) + 1, np.ceil(t1 / 60)) * 60.0
        edges = np.concatenate([[t0], inner, [t1]])
        hours = (self.start_hour + np.floor(edges[:-1] / 60).astype(np.int64)) % 24
        return edges, hours

    def profile(self, hazard: str) -> np.ndarray:
        """Hourly multipliers (mean 1) of a hazard's background incidents."""
        name = self.profiles.get(hazard, self.catalogue[hazard].profile)
        return self.catalogue.profile(name)
