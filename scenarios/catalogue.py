"""The hazard catalogue: what each kind of emergency needs, how it grows and what it does to roads.

The catalogue ships as ``scenarios/data/hazards.toml``; users add or override
hazards (and time-of-day profiles) in their own TOML file of the same shape,
passed to :func:`load_catalogue`. Every number that depends on the grade may be
written once or as a list of four values for grades I-IV.

Texts people read come in two languages: ``name``, ``description``,
``under_control`` and ``meaning`` in English, and optional twins
``name_zh``, ``description_zh``, ``under_control_zh`` and ``meaning_zh`` in
Chinese. A user catalogue may leave the twins out (English is shown then).
Read them through the accessors, which follow the language in use
(:mod:`networks.i18n`)::

    h = load_catalogue()["earthquake"]
    h.label()            # 地震 / Earthquake
    h.about()            # the description
    h.control_text()     # when an incident counts as under control
    h.grade_meaning(1)   # what grade I means for this hazard
    h.category_label()   # 自然灾害 / natural disaster

Grade and category names alone are in :mod:`scenarios.terms`.

This module holds the whole catalogue (:class:`HazardCatalogue`, its
time-of-day profiles, overrides and cross-checks) and
:func:`load_catalogue`. One hazard (:class:`HazardSpec` and the vocabularies)
lives in :mod:`scenarios.hazard`, cascade rules and road effects
(:class:`CascadeRule`, :class:`RoadEffect`) in :mod:`scenarios.hazard_effects`;
both are re-exported here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.config_keys import Key, Section
from scenarios.hazard import (
    CAP_CATEGORIES,
    CAPABILITIES,
    SUPPLY_ITEMS,
    TEXT_KEYS,
    WEIGHT_BASES,
    HazardSpec,
)
from scenarios.hazard_effects import CASCADE_GRADES, ROAD_SETS, CascadeRule, RoadEffect
from scenarios.stream import Requirement
from scenarios.validate import Reader, check_num, deep_merge, read_toml

__all__ = [
    "CAPABILITIES",
    "CAP_CATEGORIES",
    "CASCADE_GRADES",
    "ROAD_SETS",
    "SUPPLY_ITEMS",
    "TEXT_KEYS",
    "WEIGHT_BASES",
    "CascadeRule",
    "HazardCatalogue",
    "HazardSpec",
    "RoadEffect",
    "load_catalogue",
    "shipped_catalogue_path",
]

_SHIPPED = "hazards.toml"


def _profile(r: Reader, name: str) -> tuple[float, ...]:
    v = r.get(name)
    if not isinstance(v, list) or len(v) != 24:
        raise r.error(name, _("expected a list of 24 hourly rate multipliers (hour 0 first)"))
    vals = tuple(
        check_num(x, lambda m, j=j: r.error(f"{name}[{j}]", m), lo=0) for j, x in enumerate(v)
    )
    if sum(vals) <= 0:
        raise r.error(name, _("at least one hour must have a positive rate"))
    return vals


#: The top level of a hazard catalogue file (and of a scenario's ``[overrides]``).
CATALOGUE = Section(
    "",
    "Hazard catalogue",
    (
        Key("hazards", "table", "Hazards by key: [hazards.<key>] tables.", "事件类型", default={}),
        Key("profiles", "table",
            "Time-of-day profiles by name: 24 hourly rate multipliers, hour 0 first (normalised "
            "to mean 1).", "时段分布", default={}),
    ),
    zh="事件目录",
    help="Laid over the shipped catalogue: hazards already there are overridden key by key, "
    "new ones must be complete.",
)  # fmt: skip


@dataclass(frozen=True)
class HazardCatalogue:
    """All hazards and time-of-day profiles known to a run.

    Attributes
    ----------
    hazards
        Hazard specs, sorted by key.
    profiles
        Time-of-day profiles: 24 hourly multipliers each, by name. They are
        normalised to mean 1 when used, so a daily rate stays a daily rate.
    sources
        Files the catalogue was read from (for messages), in order.
    """

    hazards: tuple[HazardSpec, ...]
    profiles: tuple[tuple[str, tuple[float, ...]], ...]
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {h.key: h for h in self.hazards})

    def __getitem__(self, key: str) -> HazardSpec:
        return self._index[key]  # type: ignore[attr-defined]

    def __contains__(self, key: object) -> bool:
        return key in self._index  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[HazardSpec]:
        return iter(self.hazards)

    def __len__(self) -> int:
        return len(self.hazards)

    @property
    def keys(self) -> tuple[str, ...]:
        """Hazard keys, sorted."""
        return tuple(h.key for h in self.hazards)

    def profile(self, name: str) -> np.ndarray:
        """Hourly multipliers of a profile, normalised to mean 1."""
        p = np.asarray(dict(self.profiles)[name], dtype=np.float64)
        return p / p.mean()

    def requirements(self) -> tuple[Requirement, ...]:
        """Every (hazard, grade) requirement, hazards sorted, grades I-IV: row ``4*i + g-1``."""
        return tuple(h.requirement(g) for h in self.hazards for g in (1, 2, 3, 4))

    # ----------------------------------------------------------------- I/O
    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> HazardCatalogue:
        """Validate a whole catalogue table (``[hazards.*]`` and ``[profiles]``)."""
        return cls((), ()).merged(data, source=source)

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {
            "profiles": {k: list(v) for k, v in self.profiles},
            "hazards": {h.key: h.to_dict() for h in self.hazards},
        }

    def merged(self, data: Any, *, source: str | None = None, key: str = "") -> HazardCatalogue:
        """This catalogue with hazards and profiles added or overridden by ``data``.

        A hazard already present is overridden key by key (tables merge, other
        values such as ``cascade`` arrays replace); a new one must be complete.
        An English text overridden without its ``_zh`` twin drops the old twin,
        so Chinese output shows the new English rather than a stale translation.
        Errors name ``source`` and the dotted key (under ``key`` if the table
        sits inside a bigger file, e.g. a scenario's ``overrides``).
        """
        r = Reader(data, source=source, key=key)
        CATALOGUE.allow(r)
        profiles = dict(self.profiles)
        pr = r.table("profiles", {})
        for name in pr.data:
            profiles[str(name)] = _profile(pr, str(name))
        hazards = {h.key: h for h in self.hazards}
        hr = r.table("hazards", {})
        for key, raw in hr.data.items():
            base = hazards[key].to_dict() if key in hazards else {}
            Reader(raw, source=source, key=hr.path(key))  # a table, not a value
            for k in TEXT_KEYS:
                if k in raw and f"{k}_zh" not in raw:
                    base.pop(f"{k}_zh", None)
            spec = HazardSpec.from_dict(
                key, deep_merge(base, raw), source=source, path=hr.path(key)
            )
            if key in hazards and "cascade" not in raw:
                spec = replace(spec, cascade_origin=hazards[key].cascade_origin)
            hazards[key] = spec
        cat = HazardCatalogue(
            tuple(hazards[k] for k in sorted(hazards)),
            tuple(sorted(profiles.items())),
            self.sources + ((source,) if source else ()),
        )
        cat._check_links(touched=set(hr.data), source=source, prefix=hr.path(""))
        return cat

    def _check_links(self, *, touched: set[str], source: str | None, prefix: str) -> None:
        """Cascade targets and profiles must exist (checked for hazards just read)."""
        names = dict(self.profiles)
        for h in self.hazards:
            if h.key not in touched:
                continue
            if h.profile not in names:
                raise ConfigError(
                    _("unknown profile {profile!r} (known: {known})").format(
                        profile=h.profile, known=", ".join(sorted(names))
                    ),
                    source=source,
                    key=f"{prefix}{h.key}.profile",
                )
            for i, c in enumerate(h.cascade):
                if c.hazard not in self:
                    raise ConfigError(
                        _("unknown hazard {hazard!r}").format(hazard=c.hazard),
                        source=source,
                        key=f"{prefix}{h.key}.cascade[{i}].hazard",
                    )


def shipped_catalogue_path() -> Path:
    """Path of the catalogue shipped with the package."""
    return Path(str(resources.files("scenarios") / "data" / _SHIPPED))


@functools.lru_cache(maxsize=1)
def _shipped_catalogue() -> HazardCatalogue:
    # Read once per process: every config check asks for it (a frozen, shared value).
    shipped = shipped_catalogue_path()
    return HazardCatalogue.from_dict(read_toml(shipped), source=str(shipped))


def load_catalogue(extra: str | Path | None = None) -> HazardCatalogue:
    """The shipped hazard catalogue, with a user's additions and overrides.

    Parameters
    ----------
    extra
        A TOML file of ``[hazards.KEY]`` tables (and optional ``[profiles]``)
        laid over the shipped ones.

    Returns
    -------
    HazardCatalogue

    Raises
    ------
    ConfigError
        Naming the file and the dotted key of the first mistake.
    """
    cat = _shipped_catalogue()
    if extra is not None:
        cat = cat.merged(read_toml(extra), source=str(extra))
    return cat
