"""The response standard a drill quotes, and the control target it holds a drill to.

``1 分钟接警, 10 分钟到场, 15 分钟处置``: the drill file's ``[targets]``, sealed in
the script. From drawing rules /7 a hazard whose mean control work at the drawn
grade is longer than the standard's handling minutes is held to that work,
counted from the full complement on scene
(:mod:`scenarios.drill.drawing_rules`); the script keeps the standard's minutes
as ``targets["control_standard"]``.
"""

from __future__ import annotations

from experiments.drill.gbt_indicators import Pair, _b
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


def _control_text(standard: float, work: float) -> str:
    """What a /7 control row tests: the standard, and the control work it is held to."""
    return _b(CONTROL_WORK).format(n=standard, w=work)
