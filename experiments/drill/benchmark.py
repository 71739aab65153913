"""The benchmark timeline of a drill: what the plan allows, minute by minute.

Evaluators compare what happened with what the region's resources make
possible. The benchmark is computed directly from the road network, not
simulated: for each capability the incident needs (by its hazard and grade),

    arrival = call-taking allowance + mean turnout of the team + free-flow travel

over the participating stations' teams, nearest first (a station with ``k``
teams of a capability supplies up to ``k`` of them, all leaving together).
"Full complement" is when the last required team arrives; "under control
(plan)" is when the teams, each working from its arrival, have done the
hazard's mean control work for the grade times the teams required (the
simulator's shared-work rule, :func:`sim.model.work_done_at`). Supplies leave the
nearest depots holding the item after a loading allowance and arrive after
free-flow travel, depot by depot until the quantity is met; a depot the
script makes short (its depot-shortage inject, drawing rules /6 on) gives
only what its shelf really holds. If the script closes a road, the first
team's arrival is also given re-routed around it.

If the participants cannot field the requirement, the full complement and
control rows carry no time ("not reachable"), as ``sim.run`` reports
``no_capability``. Every team is free, the roads free-flowing, nobody queues,
at the allowances and mean times: what a plan promises, not a lower bound (a
simulated first arrival, the earliest of several random ones, is often
earlier). It equals a one-incident
``sim.run`` with fixed turnout and call-taking (tested), and the simulator
gives the distribution under load.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from experiments.drill.control_target import control_work, first_delay
from networks.i18n import N_
from networks.nearest_first import NearestFirst
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue
from scenarios.drill import texts
from scenarios.drill.drawing_rules import (
    ARRIVAL_RULES,
    DETOUR_RULES,
    FIELDED_RULES,
    LATEST_RULES,
)
from scenarios.drill.injects import Store, Unit
from scenarios.drill.script import DrillScript
from scenarios.drill.spec import iso

_NAN = float("nan")


def _row(
    start: datetime,
    at: float,
    event: Any,
    detail: Any,
    target: float | None = None,
    nodes: Sequence[int] = (),
) -> dict[str, Any]:
    """A row; ``event`` and ``detail`` are text specs (:mod:`scenarios.drill.texts`)."""
    at_r = round(float(at), 1)
    known = bool(np.isfinite(at_r))
    return {
        "at_min": at_r,
        "clock": iso(start + timedelta(minutes=at_r)) if known else "",
        "event": texts.english(event),
        "detail": texts.english(detail),
        "target_min": None if target is None else round(float(target), 1),
        "within_target": None if target is None or not known else bool(at_r <= target),
        "nodes": [int(n) for n in nodes],
        "texts": {"event": event, "detail": detail},
    }


def _teams(counts: Sequence[tuple[str, int]]) -> Any:
    """``"2 fire, 1 medical"`` as a text spec."""
    return texts.listing(
        [texts.msg("teams.count", n=n, capability=texts.vocab("capability", c)) for c, n in counts]
    )


def benchmark_timeline(
    script: DrillScript,
    network: RoadNetwork,
    catalogue: HazardCatalogue,
    *,
    units: Sequence[Unit],
    stores: Sequence[Store],
    call_taking_min: float = 1.0,
    loading_min: float = 30.0,
    rules: int = LATEST_RULES,
) -> list[dict[str, Any]]:
    """Rows of the benchmark timeline, by minutes after the alarm.

    Parameters
    ----------
    script
        The drawn drill (scene, grade, participants, injects).
    network
        Its road network.
    catalogue
        Hazard catalogue (teams, supplies and control work by grade).
    units, stores
        Participating stations and all depots.
    call_taking_min, loading_min
        Allowances: call to call taken; supply order to departure.
    rules
        The drawing rules of the script (:mod:`scenarios.drill.drawing_rules`):
        before /6 the supplies ignore a depot's shortage, as the timelines
        sealed then did.

    Returns
    -------
    list of dict
        ``at_min``, ``clock``, ``event``, ``detail``, ``target_min``,
        ``within_target`` and the ``nodes`` of the facilities involved.
    """
    sc = script.scene
    start = datetime.fromisoformat(sc.start)
    h = catalogue[sc.hazard]
    req = h.requirement(sc.grade)
    call, arrive, control = (
        script.evaluation["targets"][k] for k in ("call_taking", "arrival", "control")
    )
    rows = [
        _row(
            start,
            call_taking_min,
            texts.term(N_("Call taken")),
            texts.term(N_("call-taking allowance")),
            call,
        )
    ]
    part = [u for u in units if u.name in set(script.participants)]
    times = (
        network.travel_times([u.node for u in part], reverse=False)[:, sc.node] / 60.0
        if part
        else np.zeros(0)
    )
    first: tuple[float, str, int] | None = None
    every: list[tuple[float, int]] = []  # (arrival, unit node) of every team the grade asks for
    complement = call_taking_min
    on_scene: list[float] = []  # arrival of every team counted toward the requirement
    missing: list[tuple[str, int]] = []
    for cap, need in req.teams:
        arrivals = []
        for u, tt in zip(part, times, strict=True):
            for c, count, turnout in u.teams:
                if c == cap and np.isfinite(tt):
                    arrivals += [(call_taking_min + turnout + float(tt), u.name, u.node)] * count
        arrivals.sort()
        every += [(a[0], a[2]) for a in arrivals]
        label = texts.vocab("capability", cap)
        if not arrivals:
            rows.append(
                _row(
                    start,
                    float("nan"),
                    texts.msg("bench.no_team", capability=label),
                    texts.msg("bench.no_team_detail", n=need),
                )
            )
            missing.append((cap, need))
            continue
        a0 = arrivals[0]
        if first is None or a0 < first:
            first = a0
        rows.append(
            _row(
                start,
                a0[0],
                texts.msg("bench.first_of", capability=label),
                texts.facility(a0[1]),
                nodes=[a0[2]],
            )
        )
        got = arrivals[: min(need, len(arrivals))]
        if need > 1 or len(arrivals) < need:
            last = got[-1]
            names = texts.listing([texts.facility(n) for n in sorted({g[1] for g in got})])
            rows.append(
                _row(
                    start,
                    last[0],
                    texts.msg("bench.teams_on_scene", n=len(got), capability=label),
                    names
                    if len(got) == need
                    else texts.msg("bench.short_units", units=names, got=len(got), need=need),
                    nodes=sorted({g[2] for g in got}),
                )
            )
        complement = max(complement, got[-1][0])
        on_scene += [g[0] for g in got]
        if len(got) < need:
            missing.append((cap, need - len(got)))
    if missing:  # the participants cannot field the requirement: no plan time to promise
        complement = float("nan")
    if first is not None:
        rows.append(
            _row(
                start,
                first[0],
                texts.term(N_("First team on scene")),
                texts.facility(first[1]),
                call + arrive,
                nodes=[first[2]],
            )
        )
        rows.append(
            _row(
                start,
                complement,
                texts.term(N_("Full required complement on scene")),
                texts.msg("bench.unreachable", teams=_teams(req.teams), missing=_teams(missing))
                if missing
                else _teams(req.teams),
            )
        )
        from sim.model import work_done_at

        work = h.control_work(sc.grade).mean
        n_teams = sum(n for _, n in req.teams)
        control_at = work_done_at(sorted(on_scene), n_teams * work) if not missing else float("nan")
        rows.append(
            _row(
                start,
                control_at,
                texts.term(N_("Under control (plan)")),
                texts.msg(
                    "bench.control_detail",
                    work=float(work),
                    definition=texts.hazard_text(h, "under_control"),
                ),
                # rules /7: the hazard's control work counted from the full complement
                # (no target where the complement cannot be fielded)
                call + arrive + control
                if control_work(script) is None
                else (complement + control if np.isfinite(complement) else None),
            )
        )
    # the shelf a depot-shortage inject reveals, by (depot, item): what the depot can release
    shelf = {
        (i.truth["depot"], i.truth["item"]): int(i.truth["available"])
        for i in script.injects
        if i.kind == "depot_short" and rules >= DETOUR_RULES
    }
    rows += _supply_rows(
        start, req.supplies, network, sc.node, stores, call_taking_min, loading_min, shelf
    )
    rows += _reroute_rows(
        start, script, network, part, call_taking_min, every if rules >= ARRIVAL_RULES else None
    )
    rows.sort(key=lambda r: (np.inf if np.isnan(r["at_min"]) else r["at_min"], r["event"]))
    for r in rows:
        if np.isnan(r["at_min"]):
            r["at_min"] = None
    return rows


def _supply_rows(start, supplies, network, node, stores, call_taking_min, loading_min, shelf):
    if not supplies or not stores:
        return []
    # Nearest first, searched only as far as read (float32 seconds, as travel_times gives).
    order = NearestFirst(network, [s.node for s in stores], node)
    rows = []
    for item, need in supplies:
        got, used, t_last = 0, [], float("nan")
        for i, seconds in order:
            have = dict(stores[i].stock).get(item, 0)
            have = min(have, shelf.get((stores[i].name, item), have))
            minutes = seconds / 60.0
            if have <= 0 or not np.isfinite(minutes):
                continue
            take = min(have, need - got)
            got += take
            used.append((stores[i].name, take, stores[i].node))
            t_last = call_taking_min + loading_min + float(minutes)
            if got >= need:
                break
        sources = texts.listing(
            [texts.msg("bench.source", n=n, depot=texts.facility(name)) for name, n, _ in used]
        )
        if not used:
            detail: Any = texts.term(N_("no depot holds it"))
        elif got < need:
            detail = texts.msg("bench.from_short", sources=sources, short=need - got)
        else:
            detail = texts.msg("bench.from", sources=sources)
        rows.append(
            _row(
                start,
                t_last,
                texts.msg("bench.delivered", got=got, need=need, item=texts.vocab("item", item)),
                detail,
                nodes=[u[2] for u in used],
            )
        )
    return rows


def _reroute_rows(start, script, network, part, call_taking_min, every=None):
    """The closure's re-route rows of the unit it is called in to.

    With ``every`` (rules /9: each team's arrival and unit node) the ``detail``
    also gives ``first_delay``: how much later the first arrival of all comes
    when every team of that unit drives the detour (another unit's may come first).
    """
    rows = []
    for inj in script.injects:
        if inj.kind != "road_closed" or not inj.truth.get("edges"):
            continue
        unit = next((u for u in part if u.name == inj.truth["unit"]), None)
        if unit is None:
            continue
        turnout = unit.turnout(inj.truth["capability"]) or 0.0
        state = network.with_closed(inj.truth["edges"])
        before = network.travel_time(unit.node, script.scene.node) / 60.0
        after = state.travel_time(unit.node, script.scene.node) / 60.0
        road = (inj.texts.get("message") or {}).get("args", {}).get("road") or inj.truth["road"]
        name = texts.facility(unit.name)
        delay = float(after - before)
        more = {"first_delay": first_delay(every, unit.node, delay)} if every else {}
        if not np.isfinite(after):
            detail: Any = texts.msg("bench.no_way", unit=name)
        elif inj.truth["road"]:
            detail = texts.msg("bench.around", unit=name, road=road, delay=delay, **more)
        else:
            detail = texts.msg("bench.around_unnamed", unit=name, delay=delay, **more)
        rows.append(
            _row(
                start,
                call_taking_min + turnout + after if np.isfinite(after) else float("nan"),
                texts.msg("bench.rerouted", no=inj.no),
                detail,
                nodes=[unit.node],
            )
        )
    return rows


def simulated_spread(
    script: DrillScript,
    network: RoadNetwork,
    catalogue: HazardCatalogue,
    *,
    stations: Sequence[Any],
    depots: Sequence[Any],
    replications: int,
    travel_noise: float,
    rng: np.random.Generator,
    call_taking: Any = None,
    rules: int = LATEST_RULES,
) -> dict[str, Any]:
    """The spread of the response to the drill's incident alone, by simulation.

    Each replication runs :func:`sim.run` on a one-incident stream (the scene,
    hazard and grade of the script; control and clearing work drawn from the
    catalogue) with the simulator's random call-taking and turnout times and
    lognormal travel noise, so evaluators see not only the plan's times
    but how much a response of this region typically varies.

    Parameters
    ----------
    script
        The drawn drill.
    network, catalogue
        Its road network and hazard catalogue.
    stations, depots
        Participating stations and all depots (simulator specs).
    replications
        Number of runs.
    travel_noise
        Coefficient of variation of travel times.
    rng
        Generator of the runs (children are spawned per replication).
    call_taking
        Call-taking time distribution (:mod:`scenarios.distributions`); the
        simulator's default if ``None``.
    rules
        The drawing rules of the script: from /9 (:data:`FIELDED_RULES`) a run
        fields the full complement only if every team the grade asks for came
        (the simulator caps a count above what the stations have, sends them
        and records the incident on scene when they are there, ``teams_short``
        the rest), and the ``on_scene`` and
        ``under_control`` milestones are over the runs that fielded it; before,
        as the simulator's ``served``.

    Returns
    -------
    dict
        ``replications``, ``travel_noise``, ``served`` (share of runs with the
        full complement on scene) and per milestone (``first_arrival``,
        ``on_scene``, ``under_control``) the median, 90th percentile and share
        within its target, in minutes after the call.
    """
    from scenarios.stream import IncidentStream
    from sim import run

    sc = script.scene
    h = catalogue[sc.hazard]
    targets = script.evaluation["targets"]
    limit = {
        "first_arrival": targets["call_taking"] + targets["arrival"],
        "on_scene": None,
        "under_control": targets["call_taking"] + targets["arrival"] + targets["control"],
    }
    got: dict[str, list[float]] = {k: [] for k in limit}
    served = 0
    for child in rng.spawn(replications):
        work = h.control_work(sc.grade).sample(child, 1)[0]
        clear = h.clear_work(sc.grade).sample(child, 1)[0]
        stream = IncidentStream.from_rows(
            time=[0.0],
            node=[sc.node],
            hazard=[sc.hazard],
            category=[h.category],
            grade=[sc.grade],
            requirement=[0],
            control_work=[work],
            clear_work=[clear],
            requirements=[h.requirement(sc.grade)],
        )
        inc = run(
            network,
            stations,
            depots,
            stream,
            rng=child,
            travel_noise=travel_noise,
            call_taking=call_taking,
        )
        inc = inc.incidents
        fielded = bool(inc["served"][0])
        if rules >= FIELDED_RULES:  # short of a capability: what came is not the complement
            fielded = fielded and int(inc["teams_short"][0]) == 0
        served += fielded
        for k in got:
            v = float(inc[k][0])
            got[k].append(v if fielded or k == "first_arrival" or rules < FIELDED_RULES else _NAN)
    out: dict[str, Any] = {
        "replications": int(replications),
        "travel_noise": float(travel_noise),
        "served": round(served / max(replications, 1), 3),
    }
    # rules /7: under control within the hazard's control work of each run's full complement
    work = control_work(script)
    bound: dict[str, Any] = dict(limit)
    if work is not None:
        limit["under_control"] = None
        bound["under_control"] = np.asarray(got["on_scene"]) + work  # nan: never met
    for k, vals in got.items():
        v = np.asarray(vals)
        ok = v[np.isfinite(v)]
        out[k] = {
            "median": round(float(np.median(ok)), 1) if ok.size else None,
            "p90": round(float(np.percentile(ok, 90)), 1) if ok.size else None,
            "within_target": None
            if bound[k] is None
            else round(float(np.mean(np.nan_to_num(v, nan=np.inf) <= bound[k])), 3),
            "target_min": limit[k],
        }
        if k == "under_control" and work is not None:
            out[k]["target_after_full_min"] = work
    return out
