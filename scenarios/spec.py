"""Scenario specs: duration, background rates, disaster events and catalogue overrides.

A scenario is a TOML file::

    name = "rainstorm_72h"
    title = "72-hour rainstorm"   # optional English display name (default: name)
    name_zh = "72小时暴雨"        # optional Chinese display name
    description = "..."
    description_zh = "..."        # optional Chinese description (English shown without it)
    duration_h = 72
    start_hour = 0            # clock hour at t = 0 (for time-of-day profiles)
    max_cascade_depth = 4
    catalogue = "my_hazards.toml"   # optional, relative to this file

    [background]
    scale = 1.0               # multiplies every rate
    [background.rates]        # incidents per day over the whole network
    building_fire = 3.0
    [background.profiles]     # optional per-hazard time-of-day profile names
    traffic_accident = "traffic"

    [[events]]
    type = "rainstorm"        # rainstorm | typhoon | earthquake | chemical_leak | incident
    ...

    [overrides.hazards.waterlogging]   # catalogue overrides for this scenario only
    grade_probs = [0.01, 0.04, 0.25, 0.7]

Shipped scenarios live in ``scenarios/data/scenarios/`` and are loaded by name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _, both
from scenarios.catalogue import CATALOGUE, HazardCatalogue, load_catalogue
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.events import EVENT_TYPES, Event, event_from_dict
from scenarios.limits import (
    MAX_CASCADE_DEPTH,
    MAX_DURATION_H,
    MAX_INCIDENTS,
    MAX_MULTIPLIER,
    MAX_RATE_PER_DAY,
)
from scenarios.validate import Reader, read_toml


@dataclass(frozen=True)
class BackgroundSpec:
    """Background incident rates.

    Attributes
    ----------
    rates
        ``(hazard, incidents per day over the whole network)`` pairs, sorted.
    scale
        Multiplier of every rate (a busier or quieter period).
    profiles
        ``(hazard, profile name)`` pairs overriding the catalogue's profiles.
    """

    rates: tuple[tuple[str, float], ...] = ()
    scale: float = 1.0
    profiles: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "background"):
        """Validate the ``[background]`` table."""
        r = Reader(data, source=source, key=key)
        BACKGROUND.allow(r)
        rt = r.table("rates", {})
        pt = r.table("profiles", {})
        return cls(
            rates=tuple(sorted((str(k), RATES.read(rt, str(k))) for k in rt.data)),
            scale=BACKGROUND.read(r, "scale"),
            profiles=tuple(sorted((str(k), pt.str(str(k))) for k in pt.data)),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {"rates": dict(self.rates), "scale": self.scale, "profiles": dict(self.profiles)}

    def per_day(self) -> dict[str, float]:
        """Scaled daily rates by hazard."""
        return {h: r * self.scale for h, r in self.rates}


#: ``[background]`` of a scenario file.
BACKGROUND = Section(
    "background",
    "Background incidents",
    (
        Key("scale", "number", "Multiplies every rate (a busier or quieter period).", "倍率",
            default=1.0, lo=0, hi=MAX_MULTIPLIER),
        Key("rates", "table", "Incidents per day over the whole network, by hazard.", "日均起数",
            default={}),
        Key("profiles", "table", "Time-of-day profile names by hazard, overriding the "
            "catalogue's.", "时段分布", default={}),
    ),
    zh="日常突发事件",
    help="Background incidents of each hazard form a Poisson process whose rate is the daily "
    "rate times the hour's profile value, spread over the nodes by the hazard's weights.",
)  # fmt: skip
#: ``[background.rates]``: incidents per day by hazard.
RATES = Section(
    "background.rates",
    "Background rates",
    (Key("<hazard>", "number", "Incidents per day of this hazard over the whole network.",
         lo=0, hi=MAX_RATE_PER_DAY, allowed_text="hazards of the catalogue"),),
    zh="日均起数",
)  # fmt: skip


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario: what happens over ``duration_h`` hours, independent of the network.

    Attributes
    ----------
    name, description
        Identity and a sentence for listings.
    title
        English display name in words (``""``: ``name`` is shown).
    name_zh, description_zh
        Chinese display name and description (``""``: the English ones are
        shown); :meth:`label` and :meth:`about` follow the language in use.
    duration_h
        Length of the scenario; the stream covers ``[0, 60 * duration_h]`` minutes.
    start_hour
        Clock hour (0-23) at the scenario's start.
    background
        Background rates.
    events
        Disaster events (see :mod:`scenarios.events`).
    overrides
        Catalogue overrides (same shape as a catalogue file) for this scenario.
    catalogue
        Extra catalogue file laid over the shipped one before ``overrides``
        (absolute, or relative to the scenario file when read).
    max_cascade_depth
        Generations of secondary incidents.
    source
        File the spec was read from (for messages; not part of equality).
    """

    name: str
    duration_h: float
    description: str = ""
    start_hour: int = 0
    background: BackgroundSpec = field(default_factory=BackgroundSpec)
    events: tuple[Event, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    catalogue: str = ""
    max_cascade_depth: int = 4
    source: str | None = field(default=None, compare=False)
    name_zh: str = ""
    description_zh: str = ""
    title: str = ""

    def label(self) -> str:
        """The display name in the language in use (in English ``title``, else ``name``)."""
        return both(self.title or self.name, self.name_zh)

    def about(self) -> str:
        """The description in the language in use."""
        return both(self.description, self.description_zh)

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> ScenarioSpec:
        """Validate a scenario table; errors name ``source`` and the dotted key."""
        r = Reader(data, source=source)
        SCENARIO_FILE.allow(r)
        start = r.int("start_hour", 0, lo=0)
        if start > 23:
            raise r.error("start_hour", _("must be 0-23, got {value}").format(value=start))
        events = r.get("events", [])
        if not isinstance(events, list):
            raise r.error("events", _("expected an array of tables ([[events]])"))
        overrides = r.table("overrides", {})
        CATALOGUE.allow(overrides)
        spec = cls(
            name=SCENARIO_FILE.read(r, "name"),
            duration_h=SCENARIO_FILE.read(r, "duration_h"),
            description=SCENARIO_FILE.read(r, "description"),
            start_hour=start,
            background=BackgroundSpec.from_dict(r.get("background", {}), source=source),
            events=tuple(
                event_from_dict(e, source=source, key=f"events[{i}]") for i, e in enumerate(events)
            ),
            overrides=dict(overrides.data),
            catalogue=SCENARIO_FILE.read(r, "catalogue"),
            max_cascade_depth=SCENARIO_FILE.read(r, "max_cascade_depth"),
            source=source,
            name_zh=SCENARIO_FILE.read(r, "name_zh"),
            title=SCENARIO_FILE.read(r, "title"),
            description_zh=SCENARIO_FILE.read(r, "description_zh"),
        )
        spec._check_times()
        spec._check_size()
        return spec

    def _check_times(self) -> None:
        """Refuse an event that starts at or after the scenario's end (it would never happen)."""
        for i, e in enumerate(self.events):
            for attr in ("time_h", "start_h"):
                t = getattr(e, attr, None)
                if t is not None and t >= self.duration_h:
                    raise ConfigError(
                        _(
                            "the event starts at {time:g} h, at or after the end of the "
                            "scenario ({end:g} h): it would never happen"
                        ).format(time=t, end=self.duration_h),
                        source=self.source,
                        key=f"events[{i}].{attr}",
                    )

    def _check_size(self) -> None:
        """Refuse a scenario whose background or an event is expected to flood memory."""
        per_day = self.background.per_day()
        parts = [("background", sum(per_day.values()) * self.duration_h / 24)]
        for i, e in enumerate(self.events):
            expected = getattr(e, "expected_incidents", None)
            if expected is not None:
                parts.append((f"events[{i}]", expected(per_day, self.duration_h)))
        for key, n in parts:
            if n > MAX_INCIDENTS:
                raise ConfigError(
                    _(
                        "expects about {n:.3g} incidents over {hours:g} h, more than the "
                        "{limit:,} a scenario part may hold: lower its rates or duration"
                    ).format(n=n, hours=self.duration_h, limit=MAX_INCIDENTS),
                    source=self.source,
                    key=key,
                )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "duration_h": self.duration_h,
            "start_hour": self.start_hour,
            "max_cascade_depth": self.max_cascade_depth,
            "background": self.background.to_dict(),
            "events": [e.to_dict() for e in self.events],
        }
        if self.overrides:
            out["overrides"] = self.overrides
        if self.catalogue:
            out["catalogue"] = self.catalogue
        for k in ("title", "name_zh", "description_zh"):  # only where given
            if getattr(self, k):
                out[k] = getattr(self, k)
        return out

    def hazard_catalogue(self, base: HazardCatalogue | None = None) -> HazardCatalogue:
        """The catalogue this scenario runs with, every hazard it names checked to exist.

        ``base`` (default: the shipped catalogue plus the ``catalogue`` file) with
        ``overrides`` laid on top.
        """
        cat = base
        if cat is None:
            cat = load_catalogue(self.catalogue or None)
        if self.overrides:
            cat = cat.merged(self.overrides, source=self.source, key="overrides")
        self._check(cat)
        self._check_cascades(cat)
        return cat

    def _check_cascades(self, cat: HazardCatalogue) -> None:
        """Refuse cascade rules expected to add more incidents than a scenario may hold.

        Rules adding one child or more per parent grow the stream like
        ``b ** max_cascade_depth``. The expectation is an upper bound: background
        incidents count by hazard, an event's incidents as the most prolific
        hazard's, and the horizon is ignored.
        """
        from scenarios.cascade import expected_secondaries

        if self.max_cascade_depth == 0 or not any(h.cascade for h in cat):
            return
        growth = expected_secondaries(cat, self.max_cascade_depth)
        grade_probs = np.array([h.grade_probs for h in cat], dtype=np.float64)
        per_hazard = (growth * grade_probs).sum(axis=1) / grade_probs.sum(axis=1)
        index = {k: i for i, k in enumerate(cat.keys)}
        per_day = self.background.per_day()
        n = sum(r * self.duration_h / 24 * per_hazard[index[h]] for h, r in per_day.items())
        for e in self.events:
            expected = getattr(e, "expected_incidents", None)
            count = expected(per_day, self.duration_h) if expected is not None else 1.0
            n += count * float(growth.max())
        if n > MAX_INCIDENTS:
            worst = cat.hazards[int(np.argmax(growth.max(axis=1)))]
            source, key = worst.cascade_origin
            raise ConfigError(
                _(
                    "cascades are expected to add about {n:.3g} incidents over "
                    "{depth} generations (max_cascade_depth), more than the {limit:,} a "
                    "scenario may hold: lower the probabilities of these rules or "
                    "max_cascade_depth"
                ).format(n=n, depth=self.max_cascade_depth, limit=MAX_INCIDENTS),
                source=source,
                key=key or f"hazards.{worst.key}.cascade",
            )

    def _check(self, cat: HazardCatalogue) -> None:
        profiles = dict(cat.profiles)
        for h, _rate in self.background.rates:
            if h not in cat:
                raise ConfigError(
                    _("unknown hazard (known: {known})").format(known=", ".join(cat.keys)),
                    source=self.source,
                    key=f"background.rates.{h}",
                )
        for h, p in self.background.profiles:
            if h not in cat:
                raise ConfigError(
                    _("unknown hazard"), source=self.source, key=f"background.profiles.{h}"
                )
            if p not in profiles:
                raise ConfigError(
                    _("unknown profile {profile!r} (known: {known})").format(
                        profile=p, known=", ".join(sorted(profiles))
                    ),
                    source=self.source,
                    key=f"background.profiles.{h}",
                )
        for i, e in enumerate(self.events):
            names: list[tuple[str, str]] = []
            if hasattr(e, "hazard"):
                names.append((e.hazard, "hazard"))
            for attr in ("extra_per_day", "rate_multiplier"):
                names += [(h, f"{attr}.{h}") for h, _value in getattr(e, attr, ())]
            for h, k in names:
                if h not in cat:
                    raise ConfigError(
                        _("unknown hazard"), source=self.source, key=f"events[{i}].{k}"
                    )


def scenario_dir() -> Path:
    """Folder of the shipped scenarios."""
    return Path(str(resources.files("scenarios") / "data" / "scenarios"))


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


#: Catalogue files read in place of the ones scenario files name, by scenario file
#: (:func:`catalogues_at`).
_CATALOGUE_AT: ContextVar[Mapping[str, str] | None] = ContextVar("catalogue_at", default=None)


@contextmanager
def catalogues_at(where: Mapping[str, str]) -> Iterator[None]:
    """Inside, the scenario file ``s`` reads its catalogue from ``where[s]``, whatever it names.

    A Dask worker runs on copies of a run's files in a folder of its own
    (:mod:`experiments.task_inputs`); a scenario file there that names its
    catalogue by an absolute path on the machine that started the run, or by a
    relative path through a link, reads the copy of the catalogue that machine
    read. The scenario file is not edited: its bytes are those read there.

    Parameters
    ----------
    where
        Catalogue file by scenario file (paths; the scenario files as
        :func:`load_scenario` is given them, made absolute).
    """
    token = _CATALOGUE_AT.set({os.path.abspath(k): v for k, v in where.items()})
    try:
        yield
    finally:
        _CATALOGUE_AT.reset(token)


def load_scenario(name_or_path: str | Path) -> ScenarioSpec:
    """A shipped scenario by name (``"typical_week"``) or a scenario TOML file.

    The scenario's hazards are checked against its catalogue (shipped, plus
    its ``catalogue`` file and ``overrides``).

    Raises
    ------
    ConfigError
        Naming the file and the dotted key of the first mistake, or listing the
        shipped names when ``name_or_path`` is neither.
    """
    text = str(name_or_path)
    path = Path(text)
    if not (path.suffix == ".toml" or path.exists()):
        shipped = scenario_dir() / f"{text}.toml"
        if not shipped.is_file():
            raise ConfigError(
                _("no such scenario (shipped: {names}; or give a .toml file)").format(
                    names=", ".join(list_scenarios())
                ),
                source=text,
            )
        path = shipped
    spec = ScenarioSpec.from_dict(read_toml(path), source=str(path))
    moved = (_CATALOGUE_AT.get() or {}).get(os.path.abspath(path))
    if spec.catalogue and moved:
        spec = _replace(spec, catalogue=moved)
    elif spec.catalogue and not Path(spec.catalogue).is_absolute():
        spec = _replace(spec, catalogue=str((path.parent / spec.catalogue).resolve()))
    if spec.catalogue and not Path(spec.catalogue).is_file():
        message = (
            _("is a folder, not a catalogue file: {path}")
            if Path(spec.catalogue).is_dir()
            else _("no such file: {path}")
        )
        raise ConfigError(message.format(path=spec.catalogue), source=str(path), key="catalogue")
    spec.hazard_catalogue()
    return spec


def _replace(spec: ScenarioSpec, **changes: Any) -> ScenarioSpec:
    from dataclasses import replace

    return replace(spec, **changes)


#: The top level of a scenario file (what :meth:`ScenarioSpec.from_dict` accepts).
SCENARIO_FILE = Section(
    "",
    "Scenario file",
    (
        Key("name", "string", "Name of the scenario.", "情景名称", default=REQUIRED),
        Key("title", "string", "English display name in words (default: the name).",
            "英文名称", default=""),
        Key("name_zh", "string", "Chinese display name.", "中文名称", default=""),
        Key("description", "string", "One sentence for listings.", "说明", default=""),
        Key("description_zh", "string", "Chinese description.", default=""),
        Key("duration_h", "number", "Length of the scenario, hours.", "持续时间",
            default=REQUIRED, lo=0, lo_open=True, hi=MAX_DURATION_H),
        Key("start_hour", "integer", "Clock hour at the start (for time-of-day profiles).",
            "开始时刻", default=ScenarioSpec.start_hour, lo=0, hi=23),
        Key("max_cascade_depth", "integer", "Generations of secondary incidents.",
            "次生衍生层数", default=ScenarioSpec.max_cascade_depth, lo=0, hi=MAX_CASCADE_DEPTH),
        Key("catalogue", "path", "A hazard catalogue file laid over the shipped one, relative "
            "to this file.", "事件目录", default=""),
        Key("background", "table", "Background incident rates.", "日常突发事件", default={}),
        Key("events", "array of tables", "Disaster events: [[events]] with a type.", "灾害事件",
            default=[], allowed_text=", ".join(EVENT_TYPES)),
        Key("overrides", "table",
            "Catalogue changes for this scenario only (the shape of a catalogue file).",
            "目录调整", default={}),
    ),
    zh="情景",
    help="What happens over duration_h hours, independent of the network. Times of events are "
    "hours from the start.",
)  # fmt: skip
