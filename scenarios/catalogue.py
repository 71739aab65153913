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
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from networks.errors import ConfigError
from networks.i18n import _, both
from scenarios.distributions import GradedDist
from scenarios.limits import MAX_SUPPLIES_PER_INCIDENT, MAX_TEAMS_PER_INCIDENT
from scenarios.stream import CATEGORIES, Requirement
from scenarios.terms import category_name
from scenarios.validate import Reader, check_num, deep_merge, read_toml

#: Team capabilities (shared vocabulary with ``sim``).
CAPABILITIES = ("fire", "technical_rescue", "hazmat", "medical", "water_rescue", "general")
#: Supply items (shared vocabulary with ``sim``).
SUPPLY_ITEMS = (
    "tents", "drinking_water", "food", "sandbags", "pumps", "medical_kits", "blankets",
)  # fmt: skip
#: CAP 1.2 ``info.category`` values.
CAP_CATEGORIES = (
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport",
    "Infra", "CBRNE", "Other",
)  # fmt: skip
#: Spatial bases of background incidents.
WEIGHT_BASES = ("population", "roads", "uniform")
#: Road sets a road effect can be limited to (see :mod:`scenarios.places`).
ROAD_SETS = ("any", "low_lying", "forest", "river")
#: How a secondary incident's grade is chosen.
CASCADE_GRADES = ("draw", "parent", "milder")

_SHIPPED = "hazards.toml"


def _four(r: Reader, name: str, default: Any = ..., *, lo: float = 0, hi: float | None = None):
    """A number or a list of four numbers (grades I-IV), as a 4-tuple of floats."""
    v = r.get(name, default)
    vals = v if isinstance(v, list) else [v] * 4
    if len(vals) != 4:
        raise r.error(
            name, _("expected a number or a list of 4 (grades I-IV), got {value!r}").format(value=v)
        )
    out = []
    for j, x in enumerate(vals):
        key = f"{name}[{j}]" if isinstance(v, list) else name
        out.append(check_num(x, lambda m, key=key: r.error(key, m), lo=lo, hi=hi))
    return tuple(out)


def _four_out(vals: tuple[float, ...]) -> Any:
    """Inverse of :func:`_four`: one value if all grades agree."""
    return vals[0] if len(set(vals)) == 1 else list(vals)


@dataclass(frozen=True)
class CascadeRule:
    """A secondary hazard an incident may set off.

    Attributes
    ----------
    hazard
        Key of the secondary hazard.
    probability
        Chance per parent incident, by the parent's grade (I-IV).
    delay
        Minutes from the parent's call to the secondary's call.
    spread_m
        The secondary happens at a node within this distance of the parent's
        (chosen by the secondary hazard's spatial weights); 0 = same node.
    grade
        ``"draw"`` from the secondary hazard's grade distribution, the
        ``"parent"``'s grade, or one grade ``"milder"`` than the parent.
    """

    hazard: str
    probability: tuple[float, float, float, float]
    delay: GradedDist
    spread_m: float = 0.0
    grade: str = "draw"

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> CascadeRule:
        """Validate one ``[[hazards.X.cascade]]`` table."""
        r = Reader(data, source=source, key=key)
        r.allow({"hazard", "probability", "delay", "spread_m", "grade"})
        return cls(
            hazard=r.str("hazard"),
            probability=_four(r, "probability", hi=1),
            delay=GradedDist.from_dict(r.get("delay"), source=source, key=r.path("delay")),
            spread_m=r.num("spread_m", 0.0, lo=0),
            grade=r.str("grade", "draw", choices=CASCADE_GRADES),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        return {
            "hazard": self.hazard,
            "probability": _four_out(self.probability),
            "delay": self.delay.to_dict(),
            "spread_m": self.spread_m,
            "grade": self.grade,
        }


@dataclass(frozen=True)
class RoadEffect:
    """Roads an incident closes or slows around its scene.

    Attributes
    ----------
    effect
        ``"close"`` or ``"slow"``.
    factor
        Travel-time multiplier of a slowdown (``inf`` for a closure).
    radius_m
        Edges whose segment passes within this distance of the scene, by grade.
    along
        Only edges of this road set (:data:`ROAD_SETS`): ``"low_lying"`` for
        waterlogging, ``"forest"`` for forest fires, ``"any"`` for all.
    duration
        Minutes from the call until the road reopens.
    probability
        Chance that an incident of each grade has this effect.
    label
        Prefix of the disruption's label. ``"isolation"`` marks an isolation
        zone responders must not enter ("avoid danger first, then rescue").
    """

    effect: str
    radius_m: tuple[float, float, float, float]
    duration: GradedDist
    factor: float = float("inf")
    along: str = "any"
    probability: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    label: str = ""

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, key: str = "") -> RoadEffect:
        """Validate one ``[[hazards.X.roads]]`` table."""
        r = Reader(data, source=source, key=key)
        r.allow({"effect", "factor", "radius_m", "along", "duration", "probability", "label"})
        effect = r.str("effect", choices=("close", "slow"))
        if effect == "close":
            if r.has("factor"):
                raise r.error("factor", _("a closure has no factor (use effect = 'slow')"))
            factor = float("inf")
        else:
            factor = r.num("factor", lo=1, lo_open=True)
        return cls(
            effect=effect,
            radius_m=_four(r, "radius_m"),
            duration=GradedDist.from_dict(r.get("duration"), source=source, key=r.path("duration")),
            factor=factor,
            along=r.str("along", "any", choices=ROAD_SETS),
            probability=_four(r, "probability", 1.0, hi=1),
            label=r.str("label", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table."""
        out: dict[str, Any] = {"effect": self.effect}
        if self.effect == "slow":
            out["factor"] = self.factor
        out.update(
            radius_m=_four_out(self.radius_m),
            along=self.along,
            duration=self.duration.to_dict(),
            probability=_four_out(self.probability),
            label=self.label,
        )
        return out


#: Texts with a Chinese twin ``<key>_zh`` (``meaning``: a list of four).
TEXT_KEYS = ("name", "description", "under_control", "meaning")

_HAZARD_KEYS = frozenset(
    {
        "name", "category", "cap_category", "description", "under_control", "weight", "source",
        "source_m", "profile", "grade_probs", "meaning", "teams", "supplies", "control_work",
        "clear_work", "cascade", "roads", *(f"{k}_zh" for k in TEXT_KEYS),
    }
)  # fmt: skip


def _meaning(r: Reader, name: str, default: Any = ...) -> tuple[str, ...]:
    """Four strings, one per grade I-IV (``()`` for an absent optional list)."""
    meaning = r.get(name, default)
    if meaning == ():
        return ()
    if (
        not isinstance(meaning, list)
        or len(meaning) != 4
        or not all(isinstance(m, str) for m in meaning)
    ):
        raise r.error(name, _("expected a list of 4 strings (grades I-IV)"))
    return tuple(meaning)


@dataclass(frozen=True)
class HazardSpec:
    """One hazard type of the catalogue.

    Attributes
    ----------
    key
        Identifier (``"building_fire"``).
    name
        Human-readable name (English; :meth:`label` gives it in the language in use).
    category
        One of :data:`scenarios.stream.CATEGORIES`.
    cap_category
        CAP 1.2 ``info.category`` (:data:`CAP_CATEGORIES`).
    description
        What the hazard is.
    under_control
        When an incident of this hazard counts as under control (the end of
        ``control_work``).
    weight
        Spatial basis of background incidents: ``"population"``, ``"roads"``
        (vehicle-kilometres proxy) or ``"uniform"``.
    source
        Hazard-source kind (``"chemical_plant"``, ``"river"``, ...) near which
        background incidents happen, or ``""``.
    source_m
        Length scale (m) of the exponential kernel around the sources.
    profile
        Name of the time-of-day profile of background incidents.
    grade_probs
        Probabilities of grades I-IV.
    meaning
        What each grade means for this hazard.
    teams
        ``(capability, counts by grade)`` pairs.
    supplies
        ``(item, quantities by grade)`` pairs.
    control_work, clear_work
        On-scene minutes until under control, and from then until release.
    cascade
        Secondary hazards this one may set off.
    roads
        Road closures and slowdowns around the scene.
    name_zh, description_zh, under_control_zh, meaning_zh
        Chinese twins of ``name``, ``description``, ``under_control`` and
        ``meaning`` (``""`` or ``()`` where the catalogue gives none).
    cascade_origin
        File and dotted key the ``cascade`` rules were read from, for messages
        about them (not part of equality).
    """

    key: str
    name: str
    category: str
    cap_category: str
    under_control: str
    grade_probs: tuple[float, float, float, float]
    meaning: tuple[str, str, str, str]
    teams: tuple[tuple[str, tuple[int, int, int, int]], ...]
    control_work: GradedDist
    clear_work: GradedDist
    supplies: tuple[tuple[str, tuple[int, int, int, int]], ...] = ()
    description: str = ""
    weight: str = "population"
    source: str = ""
    source_m: float = 500.0
    profile: str = "flat"
    cascade: tuple[CascadeRule, ...] = ()
    roads: tuple[RoadEffect, ...] = ()
    name_zh: str = ""
    description_zh: str = ""
    under_control_zh: str = ""
    meaning_zh: tuple[str, ...] = ()
    cascade_origin: tuple[str | None, str] = field(default=(None, ""), compare=False)

    # ------------------------------------------------------- display texts
    def label(self) -> str:
        """The hazard's name in the language in use (English where no Chinese is given)."""
        return both(self.name, self.name_zh)

    def about(self) -> str:
        """The description in the language in use."""
        return both(self.description, self.description_zh)

    def control_text(self) -> str:
        """When an incident of this hazard counts as under control, in the language in use."""
        return both(self.under_control, self.under_control_zh)

    def grade_meaning(self, grade: int) -> str:
        """What ``grade`` (1-4, I-IV) means for this hazard, in the language in use."""
        g = int(grade) - 1
        return both(self.meaning[g], self.meaning_zh[g] if self.meaning_zh else None)

    def category_label(self) -> str:
        """The category's name (自然灾害 / 事故灾难 / 公共卫生事件 / 社会安全事件)."""
        return category_name(self.category)

    def requirement(self, grade: int) -> Requirement:
        """Teams and supplies an incident of ``grade`` (1-4) needs."""
        g = grade - 1
        return Requirement(
            hazard=self.key,
            grade=grade,
            teams=tuple((c, n[g]) for c, n in self.teams if n[g] > 0),
            supplies=tuple((s, n[g]) for s, n in self.supplies if n[g] > 0),
        )

    @classmethod
    def from_dict(
        cls, key: str, data: Any, *, source: str | None = None, path: str = ""
    ) -> HazardSpec:
        """Validate one ``[hazards.KEY]`` table (``path`` is its dotted key)."""
        r = Reader(data, source=source, key=path or f"hazards.{key}")
        r.allow(_HAZARD_KEYS)
        probs = _four(r, "grade_probs", hi=1)
        if not isinstance(r.get("grade_probs"), list):
            raise r.error("grade_probs", _("expected a list of 4 probabilities (grades I-IV)"))
        if abs(sum(probs) - 1.0) > 1e-6:
            raise r.error(
                "grade_probs", _("must sum to 1, sums to {total:.6g}").format(total=sum(probs))
            )
        meaning = _meaning(r, "meaning")

        def counts(name: str, vocab: tuple[str, ...], hi: int) -> tuple:
            t = r.table(name, {})
            t.allow(set(vocab))
            out = []
            for item in vocab:  # vocabulary order: stable, comparable specs
                if t.has(item):
                    vals = _four(t, item, hi=hi)
                    if any(v != int(v) for v in vals):
                        raise t.error(item, _("counts must be whole numbers"))
                    out.append((item, tuple(int(v) for v in vals)))
            return tuple(out)

        teams = counts("teams", CAPABILITIES, MAX_TEAMS_PER_INCIDENT)
        if not teams:
            raise r.error("teams", _("at least one capability with a count is needed"))
        cascade = r.get("cascade", [])
        roads = r.get("roads", [])
        for name, v in (("cascade", cascade), ("roads", roads)):
            if not isinstance(v, list):
                raise r.error(name, _("expected an array of tables ([[...]])"))
        return cls(
            key=key,
            name=r.str("name"),
            category=r.str("category", choices=CATEGORIES),
            cap_category=r.str("cap_category", choices=CAP_CATEGORIES),
            under_control=r.str("under_control"),
            grade_probs=probs,
            meaning=meaning,  # type: ignore[arg-type]
            teams=teams,
            supplies=counts("supplies", SUPPLY_ITEMS, MAX_SUPPLIES_PER_INCIDENT),
            control_work=GradedDist.from_dict(
                r.get("control_work"), source=source, key=r.path("control_work")
            ),
            clear_work=GradedDist.from_dict(
                r.get("clear_work"), source=source, key=r.path("clear_work")
            ),
            description=r.str("description", ""),
            weight=r.str("weight", "population", choices=WEIGHT_BASES),
            source=r.str("source", ""),
            source_m=r.num("source_m", 500.0, lo=0, lo_open=True),
            profile=r.str("profile", "flat"),
            cascade=tuple(
                CascadeRule.from_dict(c, source=source, key=r.path(f"cascade[{i}]"))
                for i, c in enumerate(cascade)
            ),
            roads=tuple(
                RoadEffect.from_dict(c, source=source, key=r.path(f"roads[{i}]"))
                for i, c in enumerate(roads)
            ),
            name_zh=r.str("name_zh", ""),
            description_zh=r.str("description_zh", ""),
            under_control_zh=r.str("under_control_zh", ""),
            meaning_zh=_meaning(r, "meaning_zh", ()),
            cascade_origin=(source, r.path("cascade")),
        )

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready table (without the key)."""
        out: dict[str, Any] = {
            "name": self.name,
            "category": self.category,
            "cap_category": self.cap_category,
            "description": self.description,
            "under_control": self.under_control,
            "weight": self.weight,
            "source": self.source,
            "source_m": self.source_m,
            "profile": self.profile,
            "grade_probs": list(self.grade_probs),
            "meaning": list(self.meaning),
            "teams": {c: _four_out(n) for c, n in self.teams},
            "supplies": {s: _four_out(n) for s, n in self.supplies},
            "control_work": self.control_work.to_dict(),
            "clear_work": self.clear_work.to_dict(),
        }
        if self.cascade:
            out["cascade"] = [c.to_dict() for c in self.cascade]
        if self.roads:
            out["roads"] = [e.to_dict() for e in self.roads]
        for k in TEXT_KEYS:  # Chinese twins only where given: English-only specs stay as they were
            zh = getattr(self, f"{k}_zh")
            if zh:
                out[f"{k}_zh"] = list(zh) if k == "meaning" else zh
        return out


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
        r.allow({"hazards", "profiles"})
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
    shipped = shipped_catalogue_path()
    cat = HazardCatalogue.from_dict(read_toml(shipped), source=str(shipped))
    if extra is not None:
        cat = cat.merged(read_toml(extra), source=str(extra))
    return cat
