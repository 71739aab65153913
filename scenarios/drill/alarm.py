"""The alarm of a drawn drill: the first call a member of the public makes.

Who rings (:data:`CALLER`), which number (by the hazard's category), what they
say (by grade) and the instruction to the players, as English fields and as
text specs (:mod:`scenarios.drill.texts`) that packets in any language are
written from. Nothing here is drawn: the draw (:mod:`scenarios.drill.draw`)
passes in the hazard, grade, place and time it drew.
"""

from __future__ import annotations

from typing import Any

from networks.i18n import N_
from scenarios.catalogue import HazardSpec
from scenarios.drill import texts
from scenarios.drill.drawing_rules import ALARM_RULES, DEFAULT_RULES
from scenarios.drill.script import Alarm

__all__ = ["CALLER", "CALLER_SAYS", "HAZARD_NUMBER", "INSTRUCTION", "NUMBER", "build_alarm"]

#: What a caller says about how bad it looks, by grade.
CALLER_SAYS = {
    1: N_("It looks catastrophic; a great many people are hurt or missing."),
    2: N_("It looks very serious; many people seem to be hurt."),
    3: N_("Several people are hurt and some may be trapped."),
    4: N_("One or two people may be hurt."),
}
#: Emergency number a member of the public would ring, by category.
NUMBER = {
    "natural_disaster": "119",
    "accident": "119",
    "public_health": "120",
    "social_safety": "110",
}
#: From the drawing rules /9: hazards with a line of their own (else the category's number).
HAZARD_NUMBER = {
    "traffic_accident": "122",  # the traffic police
    "forest_fire": "12119",  # forest and grassland fires
}
#: Who sends the alarm.
CALLER = N_("Caller, member of the public (simulated)")
#: What the players are told to do with it.
INSTRUCTION = N_(
    "Handle it as a real call: take the details, grade the incident, dispatch, report upward. "
    "Start and end every drill message with 'this is a drill'. A real emergency stops the drill."
)


def _names_area(place: Any, area: Any) -> bool:
    """Whether the place's text spec is told from a landmark that is its area."""
    landmark = place.get("args", {}).get("landmark") if isinstance(place, dict) else None
    return landmark is not None and texts.english(landmark) == texts.english(area)


def build_alarm(
    h: HazardSpec,
    *,
    grade: int,
    sent: str,
    place: Any,
    area: Any,
    jurisdiction: Any,
    rules: int = DEFAULT_RULES,
    receiving: str = "county",
) -> Alarm:
    """The alarm of a drill of hazard ``h`` at ``grade``, sent at ``sent`` (ISO 8601).

    Parameters
    ----------
    h
        The drawn hazard.
    grade
        The drawn grade (1-4 = I-IV): what the caller says.
    sent
        When the call comes (the drill's start).
    place, area, jurisdiction
        The scene's place, its area and the jurisdiction, as text specs.
    rules
        The drawing rules (:mod:`scenarios.drill.drawing_rules`): before /9 every
        call rang the category's number and reached the jurisdiction's centre,
        and the message named the area after a place already told from it.
    receiving
        The level whose desk takes the call: ``"township"`` (from /9) is the
        duty room of the scene's area; any other, the jurisdiction's centre.
    """
    number = NUMBER.get(h.category, "110")
    recipient = texts.msg("alarm.recipient", jurisdiction=jurisdiction)
    message = "alarm.message"
    if rules >= ALARM_RULES:
        # "... 3.7 km north-east of County Seat (County Seat)": the place names its area already
        if _names_area(place, area):
            message = "alarm.message.area_named"
        number = HAZARD_NUMBER.get(h.key, number)
        if receiving == "township":
            recipient = texts.msg("alarm.recipient.township", area=area)
    specs = {
        "sender": texts.term(CALLER),
        "recipient": recipient,
        "channel": texts.msg("alarm.channel", number=number),
        "headline": texts.msg("alarm.headline", hazard=texts.hazard_text(h, "name"), place=place),
        "message": texts.msg(
            message,
            hazard=texts.hazard_text(h, "name", lower=True),
            place=place,
            area=area,
            says=texts.term(CALLER_SAYS[grade]),
        ),
        "instruction": texts.term(INSTRUCTION),
    }
    return Alarm(
        sent=sent,
        **{k: texts.english(v) for k, v in specs.items()},  # type: ignore[arg-type]
        texts=specs,
    )
