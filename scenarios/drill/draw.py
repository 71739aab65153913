"""Drawing a blind drill: hazard, place, time, grade, alarm and inject timeline.

Given the organiser's :class:`~scenarios.drill.spec.DrillSpec`, a road network,
the hazard catalogue and the participating units and depots, a
:class:`DrillDrawer` precomputes what does not depend on chance (areas,
spatial weights, travel times from every unit and depot) and then draws as
many drills as asked, each from a ``numpy.random.Generator``:

1. the hazard, with probability proportional to its regional risk among the
   allowed hazards that still have a place to happen;
2. the scene node, by the hazard's spatial weights (population, roads,
   hazard sources; :meth:`scenarios.places.Geography.hazard_weights`)
   restricted to the allowed areas minus the areas where this hazard was
   drilled in the last ``no_repeat`` drills, and minus the areas where every
   start time left is barred by the "no rehearsal" rule (below);
3. the start time, uniform (to the second) over the part of the window's
   allowed hours that lies after the draw plus ``lead_min`` and outside the
   barred bands of the day of this hazard and area;
4. the grade, by the hazard's grade probabilities restricted to the allowed grades;
5. the alarm (:mod:`scenarios.drill.alarm`) and the injects (:mod:`scenarios.drill.injects`);
   the evaluation sheet follows from them (:mod:`scenarios.drill.evaluation`).

The time of the draw (``drawn_at``) enters the draw as data: the same seed and
the same ``drawn_at`` give the same script, which is how ``verify --redraw``
re-draws it. A window with no allowed start left after the draw is refused
(:class:`~networks.errors.ConfigError` naming ``drill.end``).

No rehearsal (six-no). Every past drill of the history whose start (or, when
the history does not give it, whose draw) lies within the last
``spec.rehearsal_days`` days of the draw bars its hazard + area + band of the
day (:data:`scenarios.drill.rehearsal.BANDS`, local time of the window); a past
drill without a start time bars every band of its hazard and area, since its
band cannot be told. The past drills the rule used are recorded in the
script's ``audit["rehearsal"]`` (hazard, area, drawn_at, start), so that a
re-draw can apply the same rule. This is on top of ``no_repeat``, which bars
the hazard+area pairs of the last ``no_repeat`` drills whatever their time.
The rule itself is in :mod:`scenarios.drill.rehearsal`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from scipy.spatial import cKDTree

from networks.errors import ConfigError
from networks.i18n import N_, _
from networks.nearest_first import NearestFirst
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue
from scenarios.drill import rehearsal, texts
from scenarios.drill.alarm import build_alarm
from scenarios.drill.aliases import aliases, area_zh, facility_zh, resolve
from scenarios.drill.drawing_rules import (
    CONTROL_RULES,
    EARLIER_VERSIONS,
    GENERATOR_VERSION,
    rules_number,
)
from scenarios.drill.evaluation import SCALE_LEVELS, SIX_NO_ROLES, build_evaluation
from scenarios.drill.injects import InjectContext, Store, Unit, as_card, build_injects
from scenarios.drill.rehearsal import (
    ALL_BANDS,
    PastDrill,
    canonical_history,
    clip,
    parse_moment,
)
from scenarios.drill.script import DrillScript, Scene
from scenarios.drill.sites import Namer, node_areas
from scenarios.drill.spec import DEFAULT_NAME, DrillSpec, iso

__all__ = [
    "ALL_BANDS",
    "EARLIER_VERSIONS",
    "GENERATOR_VERSION",
    "SCALE_LEVELS",
    "SIX_NO_ROLES",
    "DrillDrawer",
    "PastDrill",
    "parse_moment",
]


class DrillDrawer:
    """Draws drills under one spec on one region.

    Parameters
    ----------
    spec
        The organiser's constraints.
    network
        The road network.
    catalogue
        Hazard catalogue.
    units
        Every station of the region (the spec's ``units`` picks participants).
    stores
        Supply depots.
    history
        Past drills, oldest first; the last ``spec.no_repeat`` are avoided, and
        those of the last ``spec.rehearsal_days`` days before a draw bar their
        hazard + area + band of the day ("no rehearsal"). Hazards may be named
        by key or English or Chinese name and areas in either language
        (:func:`scenarios.drill.rehearsal.canonical_history`); the rules compare
        keys and recorded area names.
    weights
        Spatial weights per hazard key (sum 1 over nodes); computed with
        :class:`scenarios.places.Geography` when not given.
    sources
        Hazard-source nodes by kind (``chemical_plant``, ``forest``, ...) for
        those weights; the defaults of :func:`scenarios.places.default_sources`
        for kinds not given.
    source
        The drill file, for messages.
    follow_up_min
        Minutes by grade (I-IV) within which a follow-up report is due after a
        change, counted from it (the evaluation sheet's rule; None for a grade
        without one). The casualty update states it; left out, it states none.
    upgrade_min
        Minutes by drawn grade (I-IV) within which the upgrade to the next grade
        up is first due, counted from the escalation (the sheet's first deadline
        after it); the escalation inject states it from the drawing rules /8 on.
        Left out, it states the new grade's first phone report deadline.
    receiving
        The level whose desk takes the alarm (``[reporting] receiving``): from
        the drawing rules /9 a ``"township"`` desk is the scene's township's.

    Raises
    ------
    ConfigError
        For unknown areas or units, a history row naming an unknown hazard or
        area or giving a time that is not ISO 8601 (naming its file, row and
        column), or when nothing is left to draw.
    """

    def __init__(
        self,
        spec: DrillSpec,
        network: RoadNetwork,
        catalogue: HazardCatalogue,
        *,
        units: Sequence[Unit],
        stores: Sequence[Store] = (),
        history: Sequence[PastDrill] = (),
        weights: dict[str, np.ndarray] | None = None,
        sources: dict[str, Sequence[int]] | None = None,
        source: str | None = None,
        follow_up_min: Sequence[float | None] = (),
        upgrade_min: Sequence[float | None] = (),
        receiving: str = "county",
    ) -> None:
        self.spec, self.network, self.catalogue = spec, network, catalogue
        self.receiving = receiving
        self._townships = {lm.name for lm in network.landmarks if lm.kind == "township"}
        self.source = source
        self.follow_up_min = tuple(follow_up_min)
        self.upgrade_min = tuple(upgrade_min)
        self.areas = node_areas(network)
        areas = aliases({a: area_zh(network, a) for a in sorted(set(self.areas.tolist()))})
        chosen: dict[str, list[str]] = {}
        for key, names in (
            ("include_areas", spec.include_areas),
            ("exclude_areas", spec.exclude_areas),
        ):
            chosen[key] = [
                resolve(
                    a, areas, source, f"drill.{key}", N_("unknown area {area!r} (areas: {areas})")
                )
                for a in names
            ]
        ok = np.ones(network.n_nodes, dtype=bool)
        if chosen["include_areas"]:
            ok &= np.isin(self.areas, chosen["include_areas"])
        ok &= ~np.isin(self.areas, chosen["exclude_areas"])
        if spec.units:
            by_name = {u.name: u for u in units}
            stations = aliases({n: facility_zh(n) for n in sorted(by_name)})
            picked = [
                resolve(
                    u,
                    stations,
                    source,
                    "drill.units",
                    N_("unknown unit {unit!r} (stations: {stations})"),
                )
                for u in spec.units
            ]
            units = [by_name[u] for u in dict.fromkeys(picked)]
        self.units = tuple(units)
        self.stores = tuple(stores)
        # compared as catalogue keys and recorded area names, however the history wrote them
        self.history = canonical_history(
            history, catalogue=catalogue, network=network, source=source
        )
        recent = list(self.history)[-spec.no_repeat :] if spec.no_repeat else []
        self.recent = {(p.hazard, p.area) for p in recent}

        allowed = spec.hazards or catalogue.keys
        if weights is None:
            from scenarios.places import Geography

            geo = Geography(network, sources=sources or None)
            weights = {
                h: geo.hazard_weights(
                    weight=catalogue[h].weight,
                    source=catalogue[h].source,
                    source_m=catalogue[h].source_m,
                )
                for h in allowed
            }
        self.node_probs: dict[str, np.ndarray] = {}
        risk = []
        for h in allowed:
            w = np.where(ok, weights[h], 0.0)
            banned = [a for hz, a in self.recent if hz == h]
            if banned:
                w = np.where(np.isin(self.areas, banned), 0.0, w)
            total = w.sum()
            if total > 0 and spec.risk_of(h) > 0:
                self.node_probs[h] = w / total
                risk.append((h, spec.risk_of(h)))
        if not risk:
            raise ConfigError(
                _(
                    "no hazard and place left to draw: the allowed areas and hazards are all "
                    "excluded or were drilled recently"
                ),
                source=source,
                key="drill",
            )
        self.hazards = tuple(h for h, _w in risk)
        r = np.array([w for _h, w in risk])
        self.hazard_probs = r / r.sum()
        self._intervals = spec.allowed_intervals()
        self._avoiding: dict[frozenset[str], list[tuple[float, float]]] = {}
        self.namer = Namer(network)
        self._xy = np.column_stack([network.nodes.x, network.nodes.y]).astype(float)
        self._tree = cKDTree(self._xy)
        self.unit_times = (
            network.travel_times([u.node for u in self.units])
            if self.units
            else np.zeros((0, network.n_nodes), np.float32)
        )

    def grade_probs(self, hazard: str) -> np.ndarray:
        """Probabilities of grades I-IV for ``hazard`` restricted to the allowed grades."""
        p = np.asarray(self.catalogue[hazard].grade_probs, dtype=float).copy()
        mask = np.isin(np.arange(1, 5), self.spec.grades)
        p = np.where(mask, p, 0.0)
        return p / p.sum() if p.sum() > 0 else mask / mask.sum()

    def rehearsals(self, drawn_at: datetime) -> list[PastDrill]:
        """Past drills within the "no rehearsal" horizon of a draw at ``drawn_at``.

        A drill counts if its start (else its draw) lies at or after ``drawn_at``
        minus ``spec.rehearsal_days`` days; rows with neither time are left out.
        """
        return rehearsal.rehearsals(
            self.history, drawn_at, days=self.spec.rehearsal_days, tz=self.spec.start.tzinfo
        )

    def barred_bands(self, past: Sequence[PastDrill]) -> dict[tuple[str, str], frozenset[str]]:
        """Bands of the day barred per (hazard, area) by the drills ``past`` (all if unknown)."""
        return rehearsal.barred_bands(past, self.spec.start.tzinfo)

    def start_intervals(self, lo: float, bands: frozenset[str]) -> list[tuple[float, float]]:
        """Allowed start intervals (seconds after the window start) from ``lo`` outside ``bands``.

        Intervals avoiding a set of bands are computed once per set.
        """
        if not bands:
            return clip(self._intervals, lo)
        if bands not in self._avoiding:
            self._avoiding[bands] = self.spec.allowed_intervals(avoid=bands)
        return clip(self._avoiding[bands], lo)

    def _choices(
        self, lo: float, barred: dict[tuple[str, str], frozenset[str]]
    ) -> tuple[tuple[str, ...], np.ndarray, dict[str, np.ndarray]]:
        """Hazards, their probabilities and node probabilities that leave a start time.

        An area whose every start time left (from ``lo``) lies in a barred band of
        the day is taken out of its hazard's places; a hazard with no place left
        is taken out of the draw.
        """
        node_probs = dict(self.node_probs)
        for (h, area), bands in barred.items():
            if h in node_probs and not self.start_intervals(lo, bands):
                w = np.where(self.areas == area, 0.0, node_probs[h])
                node_probs[h] = w / w.sum() if w.sum() > 0 else w
        hazards = tuple(h for h in self.hazards if node_probs[h].sum() > 0)
        if not hazards:
            raise ConfigError(
                _(
                    "no hazard, place and time of day left to draw: every one was drilled in the "
                    "last {days} days (no rehearsal); lower no_rehearsal_days or allow more "
                    "hazards or areas"
                ).format(days=self.spec.rehearsal_days),
                source=self.source,
                key="drill.no_rehearsal_days",
            )
        if hazards == self.hazards:
            return hazards, self.hazard_probs, node_probs
        r = np.array([self.spec.risk_of(h) for h in hazards])
        return hazards, r / r.sum(), node_probs

    def _near(self, node: int, radius: float) -> np.ndarray:
        if radius <= 0:
            return np.array([node])
        return np.sort(np.asarray(self._tree.query_ball_point(self._xy[node], radius), np.int64))

    def draw(
        self,
        *,
        rng: np.random.Generator,
        exercise_id: str,
        drawn_at: str,
        audit: dict | None = None,
        rules: str = GENERATOR_VERSION,
    ) -> DrillScript:
        """One drill.

        Parameters
        ----------
        rng
            The draw's generator (from :func:`scenarios.drill.entropy.generator_from_seed`).
        exercise_id
            Identifier printed on every message.
        drawn_at
            Time of the draw (ISO 8601 with a UTC offset). The start is drawn
            after it (plus ``spec.lead_min``) and the "no rehearsal" horizon
            ends at it, so the same seed and ``drawn_at`` give the same script.
        audit
            Seed and contributions to record in the script; the past drills the
            "no rehearsal" rule used are added as ``rehearsal``.
        rules
            The drawing rules to draw by (:data:`GENERATOR_VERSION`, or one of
            :data:`EARLIER_VERSIONS` to re-draw a script of those); recorded as the
            script's ``generator_version``.

        Returns
        -------
        DrillScript
            Without a benchmark timeline (the application layer adds it).

        Raises
        ------
        ConfigError
            If no allowed start time is left after the draw (``drill.end``), or
            every hazard and place left was drilled within the "no rehearsal"
            horizon (``drill.no_rehearsal_days``).
        ValueError
            If ``drawn_at`` is not an ISO 8601 date-time with a UTC offset, or
            ``rules`` names rules this drawer does not know.
        """
        spec, cat = self.spec, self.catalogue
        n_rules = rules_number(rules)
        moment = parse_moment(drawn_at)
        if moment is None or moment.tzinfo is None:
            raise ValueError(
                _("drawn_at must be an ISO 8601 date-time with a UTC offset, got {value!r}").format(
                    value=drawn_at
                )
            )
        earliest = moment + timedelta(minutes=spec.lead_min)
        lo = spec.earliest_offset(earliest)
        if not self.start_intervals(lo, frozenset()):
            raise ConfigError(
                _(
                    "the window ends before the earliest start this draw allows ({earliest}: "
                    "drawn {drawn_at} plus {lead} min lead); move start and end into the future"
                ).format(earliest=iso(earliest), drawn_at=drawn_at, lead=f"{spec.lead_min:g}"),
                source=self.source,
                key="drill.end",
            )
        past = self.rehearsals(moment)
        barred = self.barred_bands(past)
        hazards, hazard_probs, node_probs = self._choices(lo, barred)
        hazard = hazards[int(rng.choice(len(hazards), p=hazard_probs))]
        h = cat[hazard]
        node = int(rng.choice(self.network.n_nodes, p=node_probs[hazard]))
        area = str(self.areas[node])
        # uniform over what is left of the allowed hours: a point on their total length
        intervals = self.start_intervals(lo, barred.get((hazard, area), frozenset()))
        ends = np.cumsum([t1 - t0 for t0, t1 in intervals])
        u = rng.random() * ends[-1]
        k = min(int(np.searchsorted(ends, u, side="right")), len(intervals) - 1)
        t0 = intervals[k][0] + u - (ends[k - 1] if k else 0.0)
        start = spec.start + timedelta(seconds=int(np.floor(max(t0, intervals[k][0]))))
        grade = int(rng.choice(4, p=self.grade_probs(hazard))) + 1
        name = self.namer.name(node, rules=n_rules)
        nd = self.network.nodes
        jurisdiction = spec.jurisdiction or self.network.name
        jurisdiction_t = texts.pair(jurisdiction, spec.jurisdiction_zh or None)
        name_t = (
            texts.term(DEFAULT_NAME)
            if spec.name == DEFAULT_NAME and not spec.name_zh
            else texts.pair(spec.name, spec.name_zh or None)
        )
        area_t = self.namer.area_text(area)
        under_control = texts.hazard_text(h, "under_control")
        scene = Scene(
            hazard=hazard,
            hazard_name=h.name,
            category=h.category,
            cap_category=h.cap_category,
            grade=grade,
            grade_meaning=h.meaning[grade - 1],
            node=node,
            x=round(float(nd.x[node]), 2),
            y=round(float(nd.y[node]), 2),
            lon=round(float(nd.lon[node]), 6),
            lat=round(float(nd.lat[node]), 6),
            area=area,
            road=name.road,
            landmark=name.landmark,
            place=name.text,
            start=iso(start),
            under_control=h.under_control,
            texts={
                "hazard_name": texts.hazard_text(h, "name"),
                "grade_meaning": texts.hazard_text(h, "meaning", grade - 1),
                "area": area_t,
                "place": name.spec,
                "under_control": under_control,
            },
        )
        alarm = build_alarm(
            h,
            grade=grade,
            sent=iso(start),
            place=name.spec,
            area=area_t,
            jurisdiction=jurisdiction_t,
            rules=n_rules,
            # a township's duty room only where the scene lies in a township (not the seat)
            receiving=self.receiving if area in self._townships else "county",
        )
        ctx = InjectContext(
            network=self.network,
            namer=self.namer,
            catalogue=cat,
            hazard=h,
            grade=grade,
            node=node,
            area=area,
            place=name.text,
            jurisdiction=jurisdiction,
            units=self.units,
            unit_times=self.unit_times,
            stores=self.stores,
            # Only the nearest few are read: searched as far as they are (a city has 1,100).
            store_order=NearestFirst(self.network, [s.node for s in self.stores], node),
            near=self._near,
            reporting=dict(spec.reporting),
            follow_up_min=self.follow_up_min,
            upgrade_min=self.upgrade_min,
            rng=rng,
            jurisdiction_text=jurisdiction_t,
            rules=n_rules,
            call_taking_min=spec.targets[0],
            kinds=tuple(spec.injects),
        )
        injects = build_injects(ctx, spec.injects)
        if spec.drill_type == "tabletop":  # players sit at a table: injects arrive as cards
            injects = tuple(as_card(i) for i in injects)
        # /7: a hazard that takes longer than the standard to bring under control is held to
        # its own mean control work at the grade (the plan cannot beat it).
        work = float(h.control_work(grade).mean) if n_rules >= CONTROL_RULES else None
        evaluation = build_evaluation(
            spec, grade=grade, under_control=under_control, injects=injects, control_work=work
        )
        return DrillScript(
            exercise_id=exercise_id,
            name=spec.name,
            jurisdiction=jurisdiction,
            drill_type=spec.drill_type,
            blind_level=spec.blind_level,
            generator_version=rules,
            drawn_at=drawn_at,
            scene=scene,
            participants=tuple(u.name for u in self.units),
            alarm=alarm,
            injects=injects,
            evaluation=evaluation,
            audit={
                **(audit or {}),
                "rehearsal": [[p.hazard, p.area, p.drawn_at, p.start] for p in past],
            },
            texts={"name": name_t, "jurisdiction": jurisdiction_t},
        )
