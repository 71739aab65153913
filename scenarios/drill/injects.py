"""The inject timeline of a drill: what controllers release, when, and what players should do.

Each builder returns one :class:`~scenarios.drill.script.Inject` (numbered
later, in time order) or ``None`` when it does not apply (no escalation above
grade I, no supplies to run short of, no cascade rules, a scene next to its
station). Offsets are minutes after the alarm and stay within the first three
hours, the length of a typical drill.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue, HazardSpec
from scenarios.drill.script import Inject
from scenarios.drill.sites import Namer, compass
from scenarios.stream import GRADE_NAMES

#: Latest planned inject, minutes after the alarm.
MAX_OFFSET_MIN = 180.0
#: HSEEP core capability each inject kind tests.
CAPABILITY = {
    "alarm": "Operational Communications",
    "cascade": "Situational Assessment",
    "escalation": "Operational Coordination",
    "road_closed": "Critical Transportation",
    "depot_short": "Logistics and Supply Chain Management",
    "casualty_update": "Public Health, Healthcare, and Emergency Medical Services",
    "media_enquiry": "Public Information and Warning",
}
#: Why a road is blocked, by the hazard's CAP category.
_BLOCKED_BY = {
    "Met": "under water",
    "Geo": "landslide debris",
    "Fire": "smoke and fallen trees",
    "CBRNE": "police cordon downwind of the leak",
    "Infra": "collapsed wall across the road",
}
#: Dead by grade I-IV used for casualty updates (inclusive ranges).
DEAD_BY_GRADE = {1: (30, 45), 2: (10, 29), 3: (3, 9), 4: (0, 2)}


@dataclass(frozen=True)
class Unit:
    """A participating station as the draw sees it (plain data, no simulator objects).

    Attributes
    ----------
    name, node
        Station name and node.
    teams
        ``(capability, count, mean turnout minutes)`` per team type.
    """

    name: str
    node: int
    teams: tuple[tuple[str, int, float], ...]

    def turnout(self, capability: str) -> float | None:
        """Mean turnout minutes of this unit's teams of ``capability`` (None if it has none)."""
        for c, _, t in self.teams:
            if c == capability:
                return t
        return None


@dataclass(frozen=True)
class Store:
    """A supply depot as the draw sees it."""

    name: str
    node: int
    tier: str
    stock: tuple[tuple[str, int], ...]
    parent: str | None = None


@dataclass
class InjectContext:
    """What every inject builder needs; built once per draw."""

    network: RoadNetwork
    namer: Namer
    catalogue: HazardCatalogue
    hazard: HazardSpec
    grade: int
    node: int
    area: str
    place: str
    jurisdiction: str
    units: Sequence[Unit]
    unit_times: np.ndarray
    stores: Sequence[Store]
    store_times: np.ndarray
    near: Callable[[int, float], np.ndarray]
    reporting: dict[str, tuple[float, float, float, float]]
    rng: np.random.Generator

    def deadline(self, name: str, grade: int) -> float | None:
        """Reporting deadline ``name`` (minutes) for ``grade``, if the jurisdiction sets one."""
        v = self.reporting.get(name)
        return None if v is None else v[grade - 1]

    def nearest_units(self, capability: str) -> list[tuple[float, Unit]]:
        """Participating units with ``capability``, by turnout + travel minutes to the scene."""
        out = []
        for i, u in enumerate(self.units):
            t = u.turnout(capability)
            tt = float(self.unit_times[i, self.node]) / 60.0
            if t is not None and np.isfinite(tt):
                out.append((t + tt, u))
        return sorted(out, key=lambda p: (p[0], p[1].name))

    def main_capability(self, grade: int | None = None) -> str:
        """The capability the hazard needs most teams of (ties: catalogue order)."""
        g = (grade or self.grade) - 1
        teams = [(c, n[g]) for c, n in self.hazard.teams if n[g] > 0] or [
            (c, max(n)) for c, n in self.hazard.teams
        ]
        return max(teams, key=lambda p: p[1])[0]


def _offset(ctx: InjectContext, lo: float, hi: float) -> float:
    return round(float(ctx.rng.uniform(lo, hi)), 1)


def _teams_text(h: HazardSpec, grade: int) -> str:
    req = h.requirement(grade)
    return ", ".join(f"{n} {c.replace('_', ' ')}" for c, n in req.teams) or "no teams"


def cascade(ctx: InjectContext) -> Inject | None:
    """A secondary incident set off by the first (one cascade rule, drawn by probability)."""
    rules = [r for r in ctx.hazard.cascade if r.probability[ctx.grade - 1] > 0]
    if not rules:
        return None
    p = np.array([r.probability[ctx.grade - 1] for r in rules])
    rule = rules[int(ctx.rng.choice(len(rules), p=p / p.sum()))]
    sec = ctx.catalogue[rule.hazard]
    delay = float(rule.delay(ctx.grade).sample(ctx.rng, 1)[0])
    offset = round(float(np.clip(delay, 10.0, MAX_OFFSET_MIN)), 1)
    if rule.grade == "parent":
        g2 = ctx.grade
    elif rule.grade == "milder":
        g2 = min(ctx.grade + 1, 4)
    else:
        g2 = int(ctx.rng.choice(4, p=np.asarray(sec.grade_probs) / sum(sec.grade_probs))) + 1
    cands = ctx.near(ctx.node, rule.spread_m)
    cands = cands[cands != ctx.node] if cands.size > 1 else cands
    node2 = int(ctx.rng.choice(cands)) if cands.size else ctx.node
    place2 = ctx.namer.name(node2).text
    nd = ctx.network.nodes
    gap = float(np.hypot(nd.x[node2] - nd.x[ctx.node], nd.y[node2] - nd.y[ctx.node]))
    return Inject(
        no=0,
        kind="cascade",
        offset_min=offset,
        trigger="",
        sender="Field team leader at the first scene (simulated)",
        recipient="Incident commander",
        channel="radio",
        message=f"THIS IS A DRILL. Secondary incident: {sec.name.lower()} at {place2}, "
        f"{gap:.0f} m from the first scene. "
        f"{sec.description}",
        expected_action=f"Assess the new scene and grade it (plan: grade {GRADE_NAMES[g2]}); "
        f"dispatch {_teams_text(sec, g2)}; keep responders out of danger first; "
        "report the secondary incident upward as a follow-up report.",
        capability=f"{CAPABILITY['cascade']}; {sec.key}",
        truth={"hazard": sec.key, "grade": g2, "node": node2, "place": place2},
    )


def escalation(ctx: InjectContext) -> Inject | None:
    """The incident turns out worse: it now meets the next grade up."""
    if ctx.grade <= 1:
        return None
    g2 = ctx.grade - 1
    need_more = []
    for c, n in ctx.hazard.teams:
        extra = n[g2 - 1] - n[ctx.grade - 1]
        if extra > 0:
            need_more.append(f"{extra} more {c.replace('_', ' ')}")
    deadline = ctx.deadline("first_phone", g2)
    return Inject(
        no=0,
        kind="escalation",
        offset_min=_offset(ctx, 20.0, 45.0),
        trigger="",
        sender="Field team leader (simulated)",
        recipient="Incident commander",
        channel="radio",
        message=f"THIS IS A DRILL. The situation is worse than first reported: "
        f"{ctx.hazard.meaning[g2 - 1]}.",
        expected_action=f"Re-grade the incident as grade {GRADE_NAMES[g2]}, raise the response "
        f"level, request {', '.join(need_more) or 'reinforcement'}"
        + (f"; report the upgrade upward within {deadline:g} min" if deadline else "")
        + ".",
        capability=CAPABILITY["escalation"],
        truth={"grade": g2},
    )


def road_closed(ctx: InjectContext) -> Inject | None:
    """A road on the first team's fastest route turns out to be closed."""
    cap = ctx.main_capability()
    units = ctx.nearest_units(cap)
    if not units:
        return None
    eta, unit = units[0]
    path = ctx.network.route(unit.node, ctx.node)
    if len(path) < 3:
        return None
    k = len(path) // 2
    a, b = path[k - 1], path[k]
    e = ctx.network.edges
    both = np.flatnonzero(((e.u == a) & (e.v == b)) | ((e.u == b) & (e.v == a)))
    road = str(e.name[both[0]]) if both.size else ""
    road = road or ctx.namer.road(a)
    dx, dy = (
        ctx.network.nodes.x[a] - ctx.network.nodes.x[ctx.node],
        (ctx.network.nodes.y[a] - ctx.network.nodes.y[ctx.node]),
    )
    turnout = unit.turnout(cap) or 0.0
    return Inject(
        no=0,
        kind="road_closed",
        offset_min=round(turnout + 0.4 * (eta - turnout), 1),
        trigger=f"when the first {cap.replace('_', ' ')} team from {unit.name} is en route",
        sender="Traffic police (simulated)",
        recipient=f"Team leader, {unit.name}; dispatch desk",
        channel="phone",
        message=f"THIS IS A DRILL. {road or 'The road'} is blocked "
        f"{np.hypot(dx, dy) / 1000:.1f} km {compass(dx, dy)} of the scene "
        f"({_BLOCKED_BY.get(ctx.hazard.cap_category, 'a crash and debris')}, no way through).",
        expected_action="Re-route the team, tell every other responding unit, ask for the "
        "blockage to be cleared, update the expected arrival time at the command centre.",
        capability=CAPABILITY["road_closed"],
        truth={
            "edges": [int(i) for i in both],
            "road": road,
            "unit": unit.name,
            "capability": cap,
            "from_node": int(a),
            "to_node": int(b),
        },
    )


def depot_short(ctx: InjectContext) -> Inject | None:
    """The nearest depot holding the most-needed supply has far less than its books say."""
    req = ctx.hazard.requirement(ctx.grade)
    if not req.supplies or not ctx.stores:
        return None
    item, need = sorted(req.supplies, key=lambda p: (-p[1], p[0]))[0]
    order = np.argsort(ctx.store_times[:, ctx.node], kind="stable")
    holders = [ctx.stores[i] for i in order if dict(ctx.stores[i].stock).get(item, 0) > 0]
    if not holders:
        return None
    depot = holders[0]
    booked = dict(depot.stock)[item]
    available = int(np.floor(min(booked, need) * ctx.rng.uniform(0.2, 0.6)))
    fallback = depot.parent or (holders[1].name if len(holders) > 1 else "")
    return Inject(
        no=0,
        kind="depot_short",
        offset_min=_offset(ctx, 15.0, 40.0),
        trigger="when supplies are requested from the nearest depot",
        sender=f"Keeper, {depot.name} (simulated)",
        recipient="Logistics section",
        channel="phone",
        message=f"THIS IS A DRILL. {depot.name} "
        + (f"can release only {available}" if available else "cannot release any")
        + f" {item.replace('_', ' ')} (books say {booked}; the rest is damaged or already out).",
        expected_action=f"Find the remaining {need - available} {item.replace('_', ' ')}"
        + (f" from {fallback}" if fallback else "")
        + ", confirm the delivery time, record the shortfall for the after-action review.",
        capability=CAPABILITY["depot_short"],
        truth={
            "depot": depot.name,
            "item": item,
            "need": need,
            "available": available,
            "booked": booked,
            "fallback": fallback,
        },  # fmt: skip
    )


def casualty_update(ctx: InjectContext, grade: int | None = None) -> Inject:
    """A new casualty count, consistent with the (possibly escalated) grade."""
    g = grade or ctx.grade
    lo, hi = DEAD_BY_GRADE[g]
    dead = int(ctx.rng.integers(lo, hi + 1))
    injured = int(dead * ctx.rng.uniform(1.5, 4.0) + ctx.rng.integers(1, 7))
    missing = int(ctx.rng.integers(0, 3 if g >= 3 else 8))
    deadline = ctx.deadline("first_written", g)
    return Inject(
        no=0,
        kind="casualty_update",
        offset_min=_offset(ctx, 30.0, 75.0),
        trigger="",
        sender="Medical team at the scene (simulated)",
        recipient="Incident commander; command centre duty officer",
        channel="radio",
        message=f"THIS IS A DRILL. Casualty count update: {dead} dead, {injured} injured, "
        f"{missing} unaccounted for.",
        expected_action="Send a follow-up report with the new figures"
        + (f" (written report due {deadline:g} min after the call)" if deadline else "")
        + "; request ambulances and hospital beds to match; start a list of the missing.",
        capability=CAPABILITY["casualty_update"],
        truth={"dead": dead, "injured": injured, "missing": missing, "grade": g},
    )


def media_enquiry(ctx: InjectContext) -> Inject:
    """A journalist calls with a video and a rumour."""
    return Inject(
        no=0,
        kind="media_enquiry",
        offset_min=_offset(ctx, 15.0, 60.0),
        trigger="",
        sender=f"Reporter, {ctx.jurisdiction} TV (simulated)",
        recipient="Information officer (or the duty officer if none is named)",
        channel="phone",
        message=f"THIS IS A DRILL. A video of the {ctx.hazard.name.lower()} near {ctx.area} "
        "is spreading online; people say many are dead and the authorities are hiding it. "
        "Can you confirm the numbers?",
        expected_action="Refer the call to the information officer; give a holding statement "
        "with confirmed facts only (no casualty guesses); publish the first official "
        "statement and correct the rumour.",
        capability=CAPABILITY["media_enquiry"],
        truth={},
    )


BUILDERS: dict[str, Callable[[InjectContext], Inject | None]] = {
    "cascade": cascade,
    "escalation": escalation,
    "road_closed": road_closed,
    "depot_short": depot_short,
    "media_enquiry": media_enquiry,
}


def build_injects(ctx: InjectContext, kinds: Sequence[str]) -> tuple[Inject, ...]:
    """Every applicable inject of ``kinds``, numbered in offset order.

    The casualty update follows the escalation if it comes after it.
    """
    out: list[Inject] = []
    for kind in kinds:
        if kind == "casualty_update":
            continue
        inj = BUILDERS[kind](ctx)
        if inj is not None:
            out.append(inj)
    if "casualty_update" in kinds:
        up = casualty_update(ctx)
        esc = [i for i in out if i.kind == "escalation"]
        if esc and esc[0].offset_min <= up.offset_min:
            g2 = int(esc[0].truth["grade"])
            up = _with(casualty_update(ctx, g2), offset_min=up.offset_min)
        out.append(up)
    out.sort(key=lambda i: (i.offset_min, i.kind))
    return tuple(_with(i, no=k + 1) for k, i in enumerate(out))


def _with(inj: Inject, **kw: Any) -> Inject:
    from dataclasses import replace

    return replace(inj, **kw)
