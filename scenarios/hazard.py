"""One hazard type of the catalogue: :class:`HazardSpec` and the vocabularies it is read with.

This module holds :class:`HazardSpec` (one ``[hazards.KEY]`` table: the
hazard's needs, growth, cascades, road effects and texts in two languages)
and the team, supply, CAP-category and spatial-basis vocabularies
(:data:`CAPABILITIES`, :data:`SUPPLY_ITEMS`, :data:`CAP_CATEGORIES`,
:data:`WEIGHT_BASES`) and :data:`TEXT_KEYS`. A hazard's grade bands (deaths
and seriously injured by grade, :data:`Band`) are numbers of their own, not
read from the ``meaning`` sentences, so rewording a sentence changes no draw.
Cascade rules and road effects are in :mod:`scenarios.hazard_effects`; the
whole catalogue in :mod:`scenarios.catalogue`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from networks.i18n import _, both
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.distributions import GradedDist
from scenarios.hazard_effects import CascadeRule, RoadEffect, four, four_out
from scenarios.limits import MAX_SUPPLIES_PER_INCIDENT, MAX_TEAMS_PER_INCIDENT
from scenarios.stream import CATEGORIES, Requirement
from scenarios.terms import (
    category_name,
    grade_numeral,  # Ⅰ-Ⅳ in Chinese messages
)
from scenarios.validate import Reader, check_int

logger = logging.getLogger(__name__)

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


#: An inclusive range of a count at one grade: ``(fewest, most)``, most None when open above.
Band = tuple[int, int | None]


#: Texts with a Chinese twin ``<key>_zh`` (``meaning``: a list of four).
TEXT_KEYS = ("name", "description", "under_control", "meaning")


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


def _band_text(band: Band) -> str:
    return f"[{band[0]}, {'inf' if band[1] is None else band[1]}]"


def _bands(r: Reader, name: str) -> tuple[Band | None, ...]:
    """Four inclusive ranges, grades I-IV, each wholly above the milder grades' (None: ``[]``)."""
    v = r.get(name)
    if not isinstance(v, list) or len(v) != 4:
        raise r.error(
            name,
            _("expected a list of 4 ranges (grades I-IV), each [fewest, most] or []"),
        )
    out: list[Band | None] = []
    for g, band in enumerate(v):
        key = f"{name}[{g}]"
        if band == []:
            out.append(None)
            continue
        if not isinstance(band, list) or len(band) != 2:
            raise r.error(key, _("expected [fewest, most] (most may be inf), or []"))
        lo = check_int(band[0], lambda m, k=key: r.error(k, m), lo=0)
        hi = band[1]
        # inf (TOML's own word) opens the band above: "30 or more"
        open_above = isinstance(hi, float) and math.isinf(hi) and hi > 0
        out.append(
            (lo, None if open_above else check_int(hi, lambda m, k=key: r.error(k, m), lo=lo))
        )
    stated = [(g, b) for g, b in enumerate(out) if b is not None]
    for (g, graver), (m, milder) in zip(stated, stated[1:], strict=False):
        if milder[1] is None or milder[1] >= graver[0]:
            raise r.error(
                f"{name}[{m}]",
                _(
                    "grade {milder} {band} is not below grade {graver} {graver_band}: the "
                    "ranges must fall from grade I to grade IV without overlapping"
                ).format(
                    milder=grade_numeral(m + 1),
                    band=_band_text(milder),
                    graver=grade_numeral(g + 1),
                    graver_band=_band_text(graver),
                ),
            )
    return tuple(out)


def _bands_out(bands: tuple[Band | None, ...]) -> list[list[float]]:
    return [[b[0], math.inf if b[1] is None else b[1]] if b else [] for b in bands]


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
    deaths
        Deaths by grade I-IV, ``(fewest, most)`` inclusive (most None: open
        above; None for a grade the deaths do not set), as the grading standard
        cited for the hazard gives them; what a drill's casualty update states
        (:mod:`scenarios.drill.casualties`). None: the catalogue gives no
        ``deaths`` and the bands are read from ``meaning`` (deprecated).
    deaths_include_missing
        The standard counts the missing with the dead (死亡（含失踪）).
    seriously_injured
        The seriously injured (incl. poisoned) by grade I-IV, like ``deaths``;
        ``()`` where no grade sets them.
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
    deaths: tuple[Band | None, ...] | None = None
    deaths_include_missing: bool = False
    seriously_injured: tuple[Band | None, ...] = ()
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
        HAZARD.allow(r)
        probs = four(r, "grade_probs", hi=1)
        if not isinstance(r.get("grade_probs"), list):
            raise r.error("grade_probs", _("expected a list of 4 probabilities (grades I-IV)"))
        if abs(sum(probs) - 1.0) > 1e-6:
            raise r.error(
                "grade_probs", _("must sum to 1, sums to {total:.6g}").format(total=sum(probs))
            )
        meaning = _meaning(r, "meaning")
        deaths = _bands(r, "deaths") if r.has("deaths") else None
        for k in ("seriously_injured", "deaths_include_missing"):
            if deaths is None and r.has(k):
                raise r.error("deaths", _("missing (needed with {key})").format(key=k))

        def counts(name: str, section: Section, hi: int) -> tuple:
            t = r.table(name, {})
            section.allow(t)
            out = []
            for item in section.ordered:  # vocabulary order: stable, comparable specs
                if t.has(item):
                    vals = four(t, item, hi=hi)
                    if any(v != int(v) for v in vals):
                        raise t.error(item, _("counts must be whole numbers"))
                    out.append((item, tuple(int(v) for v in vals)))
            return tuple(out)

        teams = counts("teams", HAZARD_TEAMS, MAX_TEAMS_PER_INCIDENT)
        # Counts of zero are no teams: such an incident was recorded served, every time NaN.
        # Every grade needs one, as cascades, logs and drills may give any grade.
        none = [g for g in range(4) if not any(n[g] for _cap, n in teams)]
        if none:
            need = _("at least one capability with a count is needed")
            if len(none) < 4:
                need = _("grade {grade}: {error}").format(
                    grade=grade_numeral(none[0] + 1), error=need
                )
            raise r.error("teams", need)
        cascade = r.get("cascade", [])
        roads = r.get("roads", [])
        for name, v in (("cascade", cascade), ("roads", roads)):
            if not isinstance(v, list):
                raise r.error(name, _("expected an array of tables ([[...]])"))
        spec = cls(
            key=key,
            name=HAZARD.read(r, "name"),
            category=HAZARD.read(r, "category"),
            cap_category=HAZARD.read(r, "cap_category"),
            under_control=HAZARD.read(r, "under_control"),
            grade_probs=probs,
            meaning=meaning,  # type: ignore[arg-type]
            teams=teams,
            supplies=counts("supplies", HAZARD_SUPPLIES, MAX_SUPPLIES_PER_INCIDENT),
            control_work=GradedDist.from_dict(
                r.get("control_work"), source=source, key=r.path("control_work")
            ),
            clear_work=GradedDist.from_dict(
                r.get("clear_work"), source=source, key=r.path("clear_work")
            ),
            description=HAZARD.read(r, "description"),
            weight=HAZARD.read(r, "weight"),
            source=HAZARD.read(r, "source"),
            source_m=HAZARD.read(r, "source_m"),
            profile=HAZARD.read(r, "profile"),
            cascade=tuple(
                CascadeRule.from_dict(c, source=source, key=r.path(f"cascade[{i}]"))
                for i, c in enumerate(cascade)
            ),
            roads=tuple(
                RoadEffect.from_dict(c, source=source, key=r.path(f"roads[{i}]"))
                for i, c in enumerate(roads)
            ),
            name_zh=HAZARD.read(r, "name_zh"),
            description_zh=HAZARD.read(r, "description_zh"),
            under_control_zh=HAZARD.read(r, "under_control_zh"),
            meaning_zh=_meaning(r, "meaning_zh", ()),
            deaths=deaths,
            deaths_include_missing=HAZARD.read(r, "deaths_include_missing"),
            seriously_injured=_bands(r, "seriously_injured") if r.has("seriously_injured") else (),
            cascade_origin=(source, r.path("cascade")),
        )
        if deaths is None:  # said once the table is known to be good, not before its error
            _warn_no_bands(r)
        return spec

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
            "teams": {c: four_out(n) for c, n in self.teams},
            "supplies": {s: four_out(n) for s, n in self.supplies},
            "control_work": self.control_work.to_dict(),
            "clear_work": self.clear_work.to_dict(),
        }
        if self.deaths is not None:  # a catalogue without bands stays without (read as before)
            out["deaths"] = _bands_out(self.deaths)
            out["deaths_include_missing"] = self.deaths_include_missing
        if self.seriously_injured:
            out["seriously_injured"] = _bands_out(self.seriously_injured)
        if self.cascade:
            out["cascade"] = [c.to_dict() for c in self.cascade]
        if self.roads:
            out["roads"] = [e.to_dict() for e in self.roads]
        for k in TEXT_KEYS:  # Chinese twins only where given: English-only specs stay as they were
            zh = getattr(self, f"{k}_zh")
            if zh:
                out[f"{k}_zh"] = list(zh) if k == "meaning" else zh
        return out


#: Where :func:`_warn_no_bands` has spoken: one command may read a catalogue several times.
_WARNED: set[str] = set()


def _warn_no_bands(r: Reader) -> None:
    """A hazard without ``deaths``: its bands come from the sentences, as before; say so once."""
    where = ": ".join(p for p in (r.source, r.path("deaths")) if p)
    if where in _WARNED:
        return
    _WARNED.add(where)
    logger.warning(
        _(
            "{where}: not given, so drill casualty figures are read from the English "
            "meaning sentences and change when a sentence is reworded (deprecated); add "
            "deaths (and seriously_injured, deaths_include_missing where the grading "
            "standard sets them)"
        ).format(where=where)
    )


_GRADED = "one value, or a list of four for grades I-IV"
_BANDS = "four [fewest, most] (most may be inf) or []"
#: One ``[hazards.<key>]`` table of a catalogue (:meth:`HazardSpec.from_dict`).
HAZARD = Section(
    "hazards.<key>",
    "Hazard",
    (
        Key("name", "string", "Human-readable name.", "名称", default=REQUIRED),
        Key("name_zh", "string", "Its Chinese name.", "中文名称", default=""),
        Key("category", "string", "The category of emergency.", "事件类别", default=REQUIRED,
            choices=CATEGORIES),
        Key("cap_category", "string", "CAP 1.2 info.category.", default=REQUIRED,
            choices=CAP_CATEGORIES),
        Key("description", "string", "What the hazard is.", "说明", default=""),
        Key("description_zh", "string", "Its Chinese description.", default=""),
        Key("under_control", "string", "When an incident counts as under control.", "得到控制标志",
            default=REQUIRED),
        Key("under_control_zh", "string", "The same in Chinese.", default=""),
        Key("weight", "string", "Spatial basis of background incidents.", "空间分布",
            default=HazardSpec.weight, choices=WEIGHT_BASES),
        Key("source", "string", "Hazard-source kind near which background incidents happen.",
            "危险源", default=HazardSpec.source),
        Key("source_m", "number", "Length scale of the kernel around the sources, metres.",
            default=HazardSpec.source_m, lo=0, lo_open=True),
        Key("profile", "string", "Name of the time-of-day profile of background incidents.",
            "时段分布", default=HazardSpec.profile),
        Key("grade_probs", "list", "Probabilities of grades I-IV (summing to 1).", "分级概率",
            default=REQUIRED, allowed_text="four numbers 0-1"),
        Key("meaning", "list", "What each grade I-IV means for this hazard.", "分级标准",
            default=REQUIRED, allowed_text="four strings"),
        Key("meaning_zh", "list", "The same in Chinese.", default=[], allowed_text="four strings"),
        Key("deaths", "list",
            "Deaths by grade I-IV as the grading standard sets them, inclusive, grade I highest "
            "([] where deaths do not set the grade); the figures a drill's casualty update "
            "states. Left out: read from meaning (deprecated).", "死亡人数分级",
            default=None, default_text="from meaning", allowed_text=_BANDS),
        Key("deaths_include_missing", "boolean",
            "Whether deaths count the missing too.", "死亡（含失踪）",
            default=HazardSpec.deaths_include_missing),
        Key("seriously_injured", "list",
            "Seriously injured (incl. poisoned) by grade I-IV, like deaths; a casualty "
            "update states no more injured than its grade's most.", "重伤人数分级",
            default=[], allowed_text=_BANDS),
        Key("teams", "table", "Teams needed by capability (at least one team in each grade).",
            "救援力量需求", default=REQUIRED),
        Key("supplies", "table", "Supplies needed by item.", "物资需求", default={}),
        Key("control_work", "distribution",
            "On-scene minutes until under control (graded; team-minutes per team needed).",
            "处置用时", default=REQUIRED),
        Key("clear_work", "distribution", "On-scene minutes from control until release (graded).",
            "清场用时", default=REQUIRED),
        Key("cascade", "array of tables", "Secondary hazards this one may set off.",
            "次生衍生事件", default=[]),
        Key("roads", "array of tables", "Road closures and slowdowns around the scene.",
            "道路影响", default=[]),
    ),
    zh="事件类型",
    help="A hazard already in the catalogue is overridden key by key; a new one must be "
    "complete. Any grade-dependent number is " + _GRADED + ".",
)  # fmt: skip
#: ``[hazards.<key>.teams]``: teams by capability.
HAZARD_TEAMS = Section(
    "hazards.<key>.teams",
    "Teams needed",
    (Key("<capability>", "integer", "Teams of this capability an incident needs.",
         names=CAPABILITIES, lo=0, hi=MAX_TEAMS_PER_INCIDENT, allowed_text=_GRADED),),
    zh="救援力量需求",
)  # fmt: skip
#: ``[hazards.<key>.supplies]``: supplies by item.
HAZARD_SUPPLIES = Section(
    "hazards.<key>.supplies",
    "Supplies needed",
    (Key("<item>", "integer", "Quantity of this item an incident needs.", names=SUPPLY_ITEMS,
         lo=0, hi=MAX_SUPPLIES_PER_INCIDENT, allowed_text=_GRADED),),
    zh="物资需求",
)  # fmt: skip
