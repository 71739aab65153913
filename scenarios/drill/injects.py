"""The inject timeline of a drill: what controllers release, when, and what players should do.

Each builder returns one :class:`~scenarios.drill.script.Inject` (numbered
later, in time order) or ``None`` when it does not apply (no escalation above
grade I, no supplies to run short of, no cascade rules, a scene next to its
station). Offsets are minutes after the alarm and stay within the first three
hours, the length of a typical drill. Builders follow the drawing rules of the
context (``ctx.rules``, :mod:`scenarios.drill.drawing_rules`), so a re-draw of
an earlier script writes its texts as they were.

What the builders share (:class:`InjectContext`, :class:`Unit`, :class:`Store`,
:func:`make_inject`) is in :mod:`scenarios.drill.inject_context` and the casualty
update in :mod:`scenarios.drill.casualties`; both are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from scipy import sparse

from networks.dijkstra import dijkstra_float32
from networks.i18n import N_
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardSpec
from scenarios.drill import texts
from scenarios.drill.casualties import DEAD_BY_GRADE, casualty_update
from scenarios.drill.drawing_rules import (
    DETOUR_RULES,
    ESCALATION_RULES,
    ESCALATION_TIME_RULES,
    PLAIN_RULES,
)
from scenarios.drill.inject_context import (
    CAPABILITY,
    INCIDENT_COMMANDER,
    MAX_OFFSET_MIN,
    PHONE,
    RADIO,
    InjectContext,
    Store,
    Unit,
    draw_offset,
    make_inject,
)
from scenarios.drill.inject_depot import depot_short
from scenarios.drill.script import Inject
from scenarios.drill.sites import compass

__all__ = [
    "BUILDERS",
    "CAPABILITY",
    "DEAD_BY_GRADE",
    "MAX_OFFSET_MIN",
    "InjectContext",
    "Store",
    "Unit",
    "build_injects",
    "casualty_update",
    "cascade",
    "depot_short",
    "escalation",
    "make_inject",
    "media_enquiry",
    "road_closed",
    "teams_text",
]

#: Why a road is blocked, by the hazard's CAP category.
_BLOCKED_BY = {
    "Met": N_("under water"),
    "Geo": N_("landslide debris"),
    "Fire": N_("smoke and fallen trees"),
    "CBRNE": N_("police cordon downwind of the leak"),
    "Infra": N_("collapsed wall across the road"),
}
_BLOCKED_OTHERWISE = N_("a crash and debris")
#: Rules /6: roads of the first team's route tried for the closure (each a bounded Dijkstra).
CLOSURE_TRIES = 8
#: Rules /6: a closure costing the team at least this many minutes is preferred.
MIN_DETOUR_MIN = 1.0
#: Rules /6: a way round longer than the fastest route by more than this counts as none.
MAX_DETOUR_MIN = 60.0
#: Rules /6: the share of its drive to the closed road the team has done when it hears.
EN_ROUTE_SHARE = 0.5


def teams_text(h: HazardSpec, grade: int) -> Any:
    """The teams ``h`` needs at ``grade`` as a text spec ("2 fire, 1 medical")."""
    req = h.requirement(grade)
    if not req.teams:
        return texts.term(N_("no teams"))
    return texts.listing(
        [
            texts.msg("teams.count", n=n, capability=texts.vocab("capability", c))
            for c, n in req.teams
        ]
    )


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
    place2 = ctx.namer.name(node2, rules=ctx.rules)
    nd = ctx.network.nodes
    gap = float(np.hypot(nd.x[node2] - nd.x[ctx.node], nd.y[node2] - nd.y[ctx.node]))
    what = {
        "hazard": texts.hazard_text(sec, "name", lower=True),
        "place": place2.spec,
        "description": texts.hazard_text(sec, "description"),
    }
    # at the first scene (nothing else within reach): say so, not "0 m from the first scene"
    here = ctx.rules >= PLAIN_RULES and round(gap) == 0
    return make_inject(
        kind="cascade",
        offset_min=offset,
        sender=texts.term(N_("Field team leader at the first scene (simulated)")),
        recipient=texts.term(INCIDENT_COMMANDER),
        channel=texts.term(RADIO),
        message=texts.msg("cascade.message_here", **what)
        if here
        else texts.msg("cascade.message", gap=gap, **what),
        expected_action=texts.msg(
            "cascade.action", grade=texts.vocab("grade", g2), teams=teams_text(sec, g2)
        ),
        capability=texts.msg(
            "cascade.capability",
            capability=texts.term(CAPABILITY["cascade"]),
            hazard=texts.hazard_text(sec, "name"),
        ),
        truth={"hazard": sec.key, "grade": g2, "node": node2, "place": place2.text},
    )


def escalation(ctx: InjectContext) -> Inject | None:
    """The incident turns out worse: it now meets the next grade up.

    From the drawing rules /9 the team leader gives a figure, the least deaths
    the catalogue states for the new grade ("at least 3 dead confirmed"), as a
    later casualty update inside that band agrees with; a grade deaths do not
    set (an epidemic's, a mass gathering's grade III) or that starts at no
    deaths, and earlier rules, read out the grade's meaning instead.
    """
    if ctx.grade <= 1:
        return None
    g2 = ctx.grade - 1
    need_more = []
    for c, n in ctx.hazard.teams:
        extra = n[g2 - 1] - n[ctx.grade - 1]
        if extra > 0:
            need_more.append(
                texts.msg("teams.more", n=extra, capability=texts.vocab("capability", c))
            )
    deadline = ctx.upgrade_deadline()
    more = texts.listing(need_more) if need_more else texts.term(N_("reinforcement"))
    action = (
        texts.msg(
            "escalation.action_deadline",
            grade=texts.vocab("grade", g2),
            more=more,
            deadline=deadline,
        )
        if deadline
        else texts.msg("escalation.action", grade=texts.vocab("grade", g2), more=more)
    )
    lo, hi = _escalation_window(ctx) if ctx.rules >= ESCALATION_TIME_RULES else (20.0, 45.0)
    return make_inject(
        kind="escalation",
        offset_min=draw_offset(ctx, lo, hi),
        sender=texts.term(N_("Field team leader (simulated)")),
        recipient=texts.term(INCIDENT_COMMANDER),
        channel=texts.term(RADIO),
        message=_escalation_message(ctx, g2),
        expected_action=action,
        capability=texts.term(CAPABILITY["escalation"]),
        truth={"grade": g2},
    )


def _escalation_window(ctx: InjectContext) -> tuple[float, float]:
    """Minutes after the alarm an escalation is drawn in (rules /9), while the plan's teams work.

    The field team leader reports it, so not before the plan's first team on
    scene (call taken, then the nearest team's turnout and drive; a unit the
    script's road closure re-routes arrives later by its detour, as the
    benchmark's re-route row has it), and before the plan's first team alone
    could have done the hazard's mean control work, on the open roads the
    plan's "under control" is of: that comes no earlier (the teams share the
    work, each from its arrival). Within that, 20-45 minutes after the alarm
    where it leaves a minute; where the detour leaves no room, just after the
    first arrival. No team to arrive within the drill's first three hours
    (:data:`MAX_OFFSET_MIN`): 20-45. Arrivals are rounded up to the tenth of a
    minute offsets are drawn to.
    """
    caps = [c for c, n in ctx.hazard.teams if n[ctx.grade - 1] > 0]
    first = [(t, unit.name) for c in caps for t, unit in ctx.nearest_units(c)]
    if not first:
        return 20.0, 45.0
    detour = _closure_detour(ctx)  # it holds up every team of the unit it re-routes
    held = min(t + (detour[1] if detour and name == detour[0] else 0.0) for t, name in first)
    if ctx.call_taking_min + held >= MAX_OFFSET_MIN - 0.1:
        return 20.0, 45.0
    lo = _tenth_up(ctx.call_taking_min + held)
    work = float(ctx.hazard.control_work(ctx.grade).mean)
    hi = min(_tenth_up(ctx.call_taking_min + min(t for t, _ in first)) + work, MAX_OFFSET_MIN)
    if min(hi, 45.0) - max(lo, 20.0) >= 1.0:
        return max(lo, 20.0), min(hi, 45.0)
    return lo, max(hi, lo + 0.1)


def _tenth_up(minutes: float) -> float:
    """``minutes`` rounded up to the tenth (past float noise: 20.000000001 is 20.0)."""
    return math.ceil(round(minutes * 10.0, 6)) / 10.0


def _escalation_message(ctx: InjectContext, grade: int) -> dict[str, Any]:
    """What the team leader reports on an escalation to ``grade`` (see :func:`escalation`)."""
    stated = ctx.hazard.deaths[grade - 1] if ctx.hazard.deaths is not None else None
    if ctx.rules >= ESCALATION_RULES and stated is not None and stated[0] > 0:
        # only where deaths set the grade: an epidemic's grade III is not "3 dead"
        return texts.msg("escalation.message_dead", dead=stated[0])
    return texts.msg(
        "escalation.message", meaning=texts.hazard_text(ctx.hazard, "meaning", grade - 1)
    )


def road_closed(ctx: InjectContext) -> Inject | None:
    """A road on the first team's fastest route turns out to be closed.

    Under rules /6 (:data:`~scenarios.drill.drawing_rules.DETOUR_RULES`) the road
    is one whose closure leaves the team a way round (:func:`_closure`; none such:
    no inject), and traffic police call while the team is on its way to it: after
    the call taken (``ctx.call_taking_min``) and the team's turnout, a share
    (:data:`EN_ROUTE_SHARE`) of its free-flow drive to the closed road. Earlier
    rules closed the middle road of the route and called at 40 % of the turnout
    plus drive, counted without the call taking.
    """
    site = _closure_site(ctx)
    if site is None:
        return None
    cap, eta, unit, path = site
    turnout = unit.turnout(cap) or 0.0
    if ctx.rules >= DETOUR_RULES:
        row = list(ctx.units).index(unit)
        picked = _closure(ctx, row, path)
        if picked is None:
            return None
        a, b, _extra = picked
        to_road = float(ctx.unit_times[row, a]) / 60.0
        offset = ctx.call_taking_min + turnout + EN_ROUTE_SHARE * to_road
    else:
        k = len(path) // 2
        a, b = path[k - 1], path[k]
        offset = turnout + 0.4 * (eta - turnout)
    both = _edges_between(ctx, a, b)
    e = ctx.network.edges
    road = str(e.name[both[0]]) if both.size else ""
    road_t: Any = ctx.namer.edge_text(int(both[0])) if road else ""
    if not road:
        road = ctx.namer.road(a)
        road_t = ctx.namer.road_text(a)
    dx, dy = (
        ctx.network.nodes.x[a] - ctx.network.nodes.x[ctx.node],
        (ctx.network.nodes.y[a] - ctx.network.nodes.y[ctx.node]),
    )
    where = {
        "km": float(np.hypot(dx, dy)) / 1000,
        "direction": texts.vocab("compass", compass(dx, dy)),
        "reason": texts.term(_BLOCKED_BY.get(ctx.hazard.cap_category, _BLOCKED_OTHERWISE)),
    }
    return make_inject(
        kind="road_closed",
        offset_min=round(offset, 1),
        trigger=texts.msg(
            "road.trigger",
            capability=texts.vocab("capability", cap),
            unit=texts.facility(unit.name),
        ),
        sender=texts.term(N_("Traffic police (simulated)")),
        recipient=texts.msg("road.recipient", unit=texts.facility(unit.name)),
        channel=texts.term(PHONE),
        message=texts.msg("road.message", road=road_t, **where)
        if road
        else texts.msg("road.message_unnamed", **where),
        expected_action=texts.term(
            N_(
                "Re-route the team, tell every other responding unit, ask for the blockage to be "
                "cleared, update the expected arrival time at the command centre."
            )
        ),
        capability=texts.term(CAPABILITY["road_closed"]),
        truth={
            "edges": [int(i) for i in both],
            "road": road,
            "unit": unit.name,
            "capability": cap,
            "from_node": int(a),
            "to_node": int(b),
        },
    )


def _closure_site(ctx: InjectContext) -> tuple[str, float, Unit, list[int]] | None:
    """The team a road closure is called in to: capability, minutes to the scene, unit, route.

    The first team of the capability the hazard needs most, on its fastest
    route; ``None`` if nobody has that capability or the route has no road
    between two others to close.
    """
    cap = ctx.main_capability()
    units = ctx.nearest_units(cap)
    if not units:
        return None
    eta, unit = units[0]
    path = ctx.network.route(unit.node, ctx.node)
    return None if len(path) < 3 else (cap, eta, unit, path)


def _closure_detour(ctx: InjectContext) -> tuple[str, float] | None:
    """The unit the script's road closure (rules /6 on) re-routes, and the minutes it adds.

    ``None`` if the script has no road closure, or its builder finds none.
    """
    if "road_closed" not in ctx.kinds or ctx.rules < DETOUR_RULES:
        return None
    site = _closure_site(ctx)
    if site is None:
        return None
    unit = site[2]
    picked = _closure(ctx, list(ctx.units).index(unit), site[3])
    return None if picked is None else (unit.name, picked[2] / 60.0)


def _edges_between(ctx: InjectContext, a: int, b: int) -> np.ndarray:
    """Every edge joining nodes ``a`` and ``b``, either way (a closed road is closed both ways)."""
    e = ctx.network.edges
    return np.flatnonzero(((e.u == a) & (e.v == b)) | ((e.u == b) & (e.v == a)))


def _closure(ctx: InjectContext, row: int, path: list[int]) -> tuple[int, int, float] | None:
    """The road of ``path`` (the fastest route of unit ``row``) to close under rules /6.

    The roads are tried from the middle of the route outwards (towards the
    scene first on a tie), at most :data:`CLOSURE_TRIES` of them and never the
    first, out of the station (the team is to be on its way when it hears).
    Taken is the first whose closure leaves a way round that costs the team at
    least :data:`MIN_DETOUR_MIN` minutes; else, of those that leave a way round,
    the one that costs most (the first tried on a tie). A way round counts only
    within :data:`MAX_DETOUR_MIN` minutes more than the fastest route: the
    search from the station stops there, so a try costs a bounded Dijkstra, not
    one over the whole network. ``None`` if no road tried leaves a way round.

    Kept in ``ctx.memo``: the escalation's window (rules /9) reads the detour too.

    Returns
    -------
    tuple or None
        The nodes ``a``, ``b`` of the road, in the team's direction, and the
        seconds the way round adds to the team's drive.
    """
    key = f"closure {row}"
    if key not in ctx.memo:
        ctx.memo[key] = _closure_search(ctx, row, path)
    return ctx.memo[key]


def _closure_search(ctx: InjectContext, row: int, path: list[int]) -> tuple[int, int, float] | None:
    net, source = ctx.network, ctx.units[row].node
    before = float(ctx.unit_times[row, ctx.node])
    limit = before + MAX_DETOUR_MIN * 60.0
    middle = len(path) // 2 - 1  # the road the rules before /6 closed
    tries = sorted(range(1, len(path) - 1), key=lambda j: (abs(j - middle), -j))
    best: tuple[float, int, int] | None = None
    for j in tries[:CLOSURE_TRIES]:
        a, b = path[j], path[j + 1]
        after = _seconds_without(net, a, b, source, ctx.node, limit)
        if not np.isfinite(after):
            continue  # no way round (within the bound): the scene would be cut off
        if after - before >= MIN_DETOUR_MIN * 60.0:
            return a, b, after - before
        if best is None or after - before > best[0]:
            best = (after - before, a, b)
    return None if best is None else (best[1], best[2], best[0])


def _seconds_without(
    net: RoadNetwork, a: int, b: int, source: int, target: int, limit: float
) -> float:
    """Free-flow seconds from ``source`` to ``target`` with the road ``a``-``b`` closed both ways.

    What ``net.with_closed(edges).travel_time`` gives (the benchmark's re-route),
    but on the network's graph with those two entries taken out rather than one
    compiled anew (40 ms on the city's 690,000 edges), searched up to ``limit``
    seconds only (``inf`` beyond).
    """
    g = net.csr
    indptr = g.indptr.copy()
    drop: list[int] = []
    for x, y in ((a, b), (b, a)):
        at = g.indptr[x] + np.flatnonzero(g.indices[g.indptr[x] : g.indptr[x + 1]] == y)
        drop += [int(i) for i in at]
        indptr[x + 1 :] -= at.size
    graph = sparse.csr_matrix(
        (np.delete(g.data, drop), np.delete(g.indices, drop), indptr), shape=g.shape
    )
    return float(dijkstra_float32(graph, np.array([source]), limit, 1)[0, target])


def media_enquiry(ctx: InjectContext) -> Inject:
    """A journalist calls with a video and a rumour."""
    return make_inject(
        kind="media_enquiry",
        offset_min=draw_offset(ctx, 15.0, 60.0),
        sender=texts.msg("media.sender", jurisdiction=ctx.jurisdiction_text or ctx.jurisdiction),
        recipient=texts.term(N_("Information officer (or the duty officer if none is named)")),
        channel=texts.term(PHONE),
        message=texts.msg(
            "media.message",
            hazard=texts.hazard_text(ctx.hazard, "name", lower=True),
            area=ctx.namer.area_text(ctx.area),
        ),
        expected_action=texts.term(
            N_(
                "Refer the call to the information officer; give a holding statement with "
                "confirmed facts only (no casualty guesses); publish the first official "
                "statement and correct the rumour."
            )
        ),
        capability=texts.term(CAPABILITY["media_enquiry"]),
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
    return replace(inj, **kw)


def as_card(inject: Inject) -> Inject:
    """An inject of a tabletop drill: it arrives as a written card."""
    channel = inject.texts.get("channel", inject.channel)
    card = texts.msg("channel.card", channel=channel)
    return replace(inject, channel=texts.english(card), texts={**inject.texts, "channel": card})
