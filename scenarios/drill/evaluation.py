"""The evaluation sheet of a drawn drill: standard, reporting deadlines, scale, roles, items.

What evaluators score a drill against, built from the spec's targets, reporting
deadlines and scale once the grade and injects are drawn (nothing here is
drawn). Every text is given in English and as a text spec
(:mod:`scenarios.drill.texts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from networks.i18n import N_
from scenarios.drill import texts
from scenarios.drill.injects import CAPABILITY
from scenarios.drill.script import Inject
from scenarios.drill.spec import DrillSpec
from scenarios.stream import GRADE_NAMES

__all__ = ["SCALE_LEVELS", "SIX_NO_ROLES", "build_evaluation", "standard_row"]

#: Roles evaluators watch being taken up in a six-no drill (no roles assigned in advance).
SIX_NO_ROLES = (
    N_("Duty officer taking the first call"),
    N_("Incident commander"),
    N_("Safety officer (isolation zone, responders out of danger)"),
    N_("Information officer"),
    N_("Logistics (supplies and depots)"),
    N_("Liaison with the next level up (reports)"),
)
#: Scoring scales: level labels, best first.
SCALE_LEVELS = {
    "PSMU": [
        N_("P: performed without challenges"),
        N_("S: performed with some challenges"),
        N_("M: performed with major challenges"),
        N_("U: unable to be performed"),
    ],
    "0-10": [
        N_("10: fully as planned"),
        N_("7-9: minor gaps"),
        N_("4-6: major gaps"),
        N_("1-3: barely done"),
        N_("0: not done"),
    ],
}
_CALL_TAKEN = N_("Call taken")
_FIRST_ON_SCENE = N_("First team on scene")


def standard_row(item: Any, target_min: float, capability: str) -> dict[str, Any]:
    """One row of the response standard (English, and as text specs)."""
    return {
        "item": texts.english(item),
        "target_min": target_min,
        "capability": capability,
        "texts": {"item": item, "capability": texts.term(capability)},
    }


def build_evaluation(
    spec: DrillSpec,
    *,
    grade: int,
    under_control: Any,
    injects: Sequence[Inject],
    control_work: float | None = None,
) -> dict[str, Any]:
    """The evaluation sheet of a drill drawn under ``spec``.

    Parameters
    ----------
    spec
        The organiser's constraints (targets, reporting deadlines, scale, blind level).
    grade
        The drawn grade (1-4 = I-IV).
    under_control
        When the incident counts as under control, as a text spec.
    injects
        The drill's injects (escalations bring their grade's deadlines).
    control_work
        The hazard's mean control work at the grade, minutes (drawing rules /7 on):
        where it is longer than the standard's control minutes it is the control
        target, and ``targets["control_standard"]`` keeps the standard's minutes.
    """
    reporting = {k: v[grade - 1] for k, v in spec.reporting}
    levels = SCALE_LEVELS[spec.scale]
    call, arrive, control = spec.targets
    targets: dict[str, float] = {"call_taking": call, "arrival": arrive, "control": control}
    held = control_work is not None and control_work > control
    if held:
        targets["control"] = control = control_work  # type: ignore[assignment]
        targets["control_standard"] = spec.targets[2]
    return {
        "targets": targets,
        "standard": [
            standard_row(texts.term(_CALL_TAKEN), call, CAPABILITY["alarm"]),
            standard_row(texts.term(_FIRST_ON_SCENE), call + arrive, CAPABILITY["escalation"]),
            standard_row(
                texts.msg("standard.control", definition=under_control),
                call + arrive + control,
                CAPABILITY["escalation"],
            )
            if not held
            # /7: the hazard's control work, counted from the full complement on scene
            else standard_row(
                texts.msg("standard.control_full", definition=under_control),
                control,
                CAPABILITY["escalation"],
            ),
        ],
        "reporting": {
            "grade": GRADE_NAMES[grade],
            "deadlines_min": reporting,
            "escalated": {
                GRADE_NAMES[int(i.truth["grade"])]: {
                    k: v[int(i.truth["grade"]) - 1] for k, v in spec.reporting
                }
                for i in injects
                if i.kind == "escalation"
            },
        },
        "scale": {"name": spec.scale, "levels": levels},
        # Six-no: nobody is given a role in advance; evaluators record who took which.
        "roles": list(SIX_NO_ROLES) if spec.blind_level == "six-no" else [],
        "items": [
            {
                "inject": i.no,
                "offset_min": i.offset_min,
                "expected_action": i.expected_action,
                "capability": i.capability,
            }
            for i in injects
        ],
    }
