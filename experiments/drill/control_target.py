"""The response standard a drill quotes, and the control target it holds a drill to.

``1 分钟接警, 10 分钟到场, 15 分钟处置``: the drill file's ``[targets]``, sealed in
the script. From drawing rules /7 a hazard whose mean control work at the drawn
grade is longer than the standard's handling minutes is held to that work,
counted from the full complement on scene
(:mod:`scenarios.drill.drawing_rules`); the script keeps the standard's minutes
as ``targets["control_standard"]``.

From drawing rules /9 the arrival row also allows the minutes the drill's own
road closure delays the first arrival by (:func:`closure_allowance`): the
closure is set off while the first team is on its way, so the players cannot
meet the standard's minutes by any route, and a late arrival it caused is not
the brigade's shortfall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from experiments.drill.gbt_indicators import Pair, _b
from scenarios.drill.drawing_rules import ARRIVAL_RULES, rules_number
from scenarios.drill.script import DrillScript

#: What a /7 control row tests, in both languages.
CONTROL_WORK: Pair = (
    "{n:g}-minute handling; this hazard's {w:g} min of control work at its grade, counted "
    "from the full complement on scene",
    "{n:g}分钟处置（本灾种该等级平均控制用时 {w:g} 分钟，自全部救援力量到场起算）",
)


def _targets(script: DrillScript) -> tuple[float, float, float]:
    """The response standard the drill quotes: call taking, arrival, handling minutes."""
    t = script.evaluation.get("targets", {})
    return (
        float(t.get("call_taking", 1)),
        float(t.get("arrival", 10)),
        float(t.get("control_standard", t.get("control", 15))),
    )


def control_work(script: DrillScript) -> float | None:
    """The hazard's control work the control row holds a drill to (rules /7), else ``None``.

    Drawn where that work is longer than the standard's handling minutes: the row
    then counts it from the full complement on scene (every team the grade needs),
    which the best-case plan meets exactly, rather than 1 + 10 + 15 from the alarm.
    """
    t = script.evaluation.get("targets", {})
    return float(t["control"]) if "control_standard" in t else None


#: What a /9 arrival row tests when the drill's own closure delays the first arrival.
ARRIVAL_DETOUR: Pair = (
    "{n:g}-minute arrival, plus the {d:.1f} min inject {no}'s road closure delays the first "
    "arrival by",
    "{n:g}分钟到场（另加情景注入{no}道路封闭使首支队伍到场推迟的 {d:.1f} 分钟）",
)


#: A row counted from the alarm past the arrival (control) with the closure's detour added.
PLUS_DETOUR: Pair = (
    "{standard}, plus the {d:.1f} min inject {no}'s road closure delays the first arrival by",
    "{standard}（另加情景注入{no}道路封闭使首支队伍到场推迟的 {d:.1f} 分钟）",
)


def closure_allowance(script: DrillScript) -> tuple[int, float] | None:
    """(inject number, minutes) the drill's road closure adds to the first arrival.

    From the drawing rules /9, read from the sealed benchmark timeline: the
    closure's re-route row gives the detour of the unit it is called in to;
    every team of that unit drives the same roads, and the first arrival of all
    comes as much later as the next team of another unit allows, if any
    (``first_delay``, worked out over every team the grade asks for when the
    benchmark was made; a timeline sealed without it gives each capability's
    first arrival only). The allowance is that delay (to 0.1, as printed):
    none where a team of another unit is first anyway. ``None`` before /9,
    without such a delay, or where the closure leaves no way round.
    """
    try:
        if rules_number(script.generator_version) < ARRIVAL_RULES:
            return None
    except ValueError:  # rules this yingji does not draw by: as they were
        return None
    rows = script.evaluation.get("benchmark", [])
    first = next((r for r in rows if r.get("event") == "First team on scene"), None)
    if first is None:
        return None
    firsts = [
        (float(r["at_min"]), r.get("nodes"))
        for r in rows
        if ((r.get("texts") or {}).get("event") or {}).get("msg") == "bench.first_of"
        and r.get("at_min") is not None
        and math.isfinite(float(r["at_min"]))
    ]
    for r in rows:
        spec = r.get("texts") or {}
        event, detail = spec.get("event") or {}, spec.get("detail") or {}
        if event.get("msg") != "bench.rerouted":
            continue
        args = detail.get("args") or {}
        if "first_delay" in args:  # worked out over every team when the benchmark was made
            allow = round(float(args["first_delay"]), 1)
        else:  # sealed without it: each capability's first arrival is all the rows give
            delay = args.get("delay")
            if delay is None or not firsts:
                continue
            allow = first_delay(firsts, r.get("nodes"), float(delay))
        if allow > 0:
            return int(event["args"]["no"]), allow  # as the sheet prints it
    return None


def first_delay(every: Sequence[tuple[float, Any]], node: Any, detour: float) -> float:
    """How much later the first arrival comes when the teams from ``node`` drive ``detour``.

    ``every``: (arrival minute, unit node) of each team; to 0.1 min, as printed.
    """
    later = min(t + (detour if n == node else 0.0) for t, n in every)
    return round(later - min(t for t, _n in every), 1)


def _control_text(standard: float, work: float) -> str:
    """What a /7 control row tests: the standard, and the control work it is held to."""
    return _b(CONTROL_WORK).format(n=standard, w=work)
