"""Which drawing rules a draw follows (``yingji-drill-draw/N``) and what changed with each.

A script records the rules it was drawn by (``generator_version``); ``verify
--redraw`` re-draws it by the same rules, so a rule that changes what a draw
writes comes with a new number, and the builders keep the earlier rule for
the earlier number. The builders take the number ``N`` (an ``int``):

* /1 to /3 (no longer drawn by): /2 added the text specs (``texts``) packets in any
  language are written from; /3 drew the start after the draw (plus ``lead_min``),
  brought in the "no rehearsal" rule and raised a depot shortage only where the
  shelf is short of the need;
* /4: the casualty update asks for its follow-up within the sheet's limit counted
  from the update, a secondary incident's capability names its hazard, and the
  history is compared by keys and recorded names; casualty figures from one table
  of deaths for every hazard (30-45, 10-29, 3-9, 0-2 for grades I-IV,
  :data:`scenarios.drill.casualties.DEAD_BY_GRADE`); places as the namer first
  wrote them;
* /5 (:data:`PLAIN_RULES`): casualty figures inside the hazard's own grade
  bands (:mod:`scenarios.drill.casualties`); a secondary incident at the first
  scene says so (not "0 m from the first scene"), and a road named after its
  village is not followed by the village ("老垅村路", not "老垅村老垅村路");
* /6 (:data:`DETOUR_RULES`): a road closure leaves the first team a way round
  (and costs it time where one of the roads tried does), or no closure is
  drawn; its call comes while the team is on the way to it, counted from the
  alarm with the call-taking target; the evaluators' benchmark delivers the
  supplies from what a short depot really holds;
* /7 (:data:`CONTROL_RULES`): the "under control" target is the hazard's own
  mean control work at the drawn grade where that is longer than the
  standard's control minutes ("15 分钟处置" is for what a township team can
  handle in 15 minutes: a grade IV forest fire takes 120 of work, so the
  target was out of reach of the plan itself), counted from the full complement
  on scene, and the sheet says so;
* /8 (:data:`UPGRADE_RULES`): an escalation states the first reporting deadline
  the sheet times from it. It stated the new grade's phone report deadline,
  while under rules that time no phone report to the next level (Guizhou) that
  level's follow-up after the change is due first (60 minutes, not 120), and a
  written first report to a level the new grade adds went unstated;
* /9 (:data:`ALARM_RULES`): the caller rings the line for the hazard where it
  has its own (a road traffic accident 122, the traffic police; a forest fire
  12119, the forest and grassland fire line), not 119 for every accident and
  natural disaster; and with ``[reporting] receiving = "township"`` a call
  from a township reaches its duty room, not the county's command centre; a
  caller who places the scene from the area's own centre does not name the
  area again ("3.7 km north-east of County Seat", not
  "... of County Seat (County Seat)"); and the evaluators' arrival standard
  allows the minutes the drill's own road closure adds to the first team's
  drive (the benchmark's re-route), which the players cannot avoid by any route;
  an escalation gives a figure, the least deaths the catalogue states for the
  new grade ("at least 3 dead confirmed so far"), where deaths set the grade,
  instead of reading out the regulation's band ("3-9 dead or missing, or a
  neighbourhood flooded with people trapped"); after an escalation, a level
  told of the incident at the drawn grade without a written report (the
  province under the Guizhou rules, told by phone at grade III) owes the
  written report the new grade asks of it (30 minutes after the phone report
  of the upgrade), as a drill drawn at that grade does; and that written report
  counts from the phone report of the upgrade, a follow-up by phone or not;
  and the simulated spread counts the full complement on scene only in runs
  where every team the grade asks for came (participants short of a
  capability field what they have, which the simulator records as on scene),
  and its complement and control rows are over those runs; a depot shortage
  comes from a depot the scene can be reached from, and sends the logistics
  section to the depots that really hold the rest (nearest first, as the
  benchmark delivers it, with what each gives), or
  says what the region's depots cannot cover and must come from the next
  level up, instead of one fallback that may hold far less than the
  shortfall; and an escalation comes while the plan's teams work: after the
  plan's first team on scene (the field team leader reports it) and before the
  first team alone could have done the hazard's mean control work (the plan's
  "under control" is no earlier), within 20-45 minutes where that leaves a
  minute (20-45 when no team comes within the drill's first three hours),
  where it came 20-45 minutes after the alarm whatever the incident
  (a grade IV building fire under control at 25 minutes escalated at 40);
  and an upgrade brings forward a written first report already owed where the
  new grade's written limit, counted from the escalation, ends sooner (Henan,
  grade IV escalated to III at +31.6: the city's written report is due 60
  minutes after the upgrade, not 360 after the call), and one written before
  the upgrade meets it.
"""

from __future__ import annotations

import re

#: Prefix of every drawing-rules version string.
PREFIX = "yingji-drill-draw/"
#: The rules a builder follows when the drawer does not say (the scripts labelled /4).
DEFAULT_RULES = 4
#: From these rules on: casualty figures in the hazard's grade bands, plain place texts.
PLAIN_RULES = 5
#: From these rules on: a closure with a way round, called in en route; shortages benchmarked.
DETOUR_RULES = 6
#: From these rules on: the control target is at least the hazard's mean control work.
CONTROL_RULES = 7
#: From these rules on: an escalation states the first deadline the sheet times from it.
UPGRADE_RULES = 8
#: From these rules on: the hazard's own emergency line; a township desk takes the call.
ALARM_RULES = 9
#: From these rules on: the arrival standard allows the detour of the drill's own closure.
ARRIVAL_RULES = 9
#: From these rules on: an escalation gives the least deaths of the new grade, not its meaning.
ESCALATION_RULES = 9
#: From these rules on: an upgrade asks the written report a level told without one now owes.
UPGRADE_WRITTEN_RULES = 9
#: From these rules on: the simulated spread's full complement is every team the grade asks.
FIELDED_RULES = 9
#: From these rules on: a depot shortage names every depot the rest comes from, and what not.
SOURCES_RULES = 9
#: From these rules on: an escalation comes between the first team on scene and control.
ESCALATION_TIME_RULES = 9
#: From these rules on: an upgrade brings a written first report already owed forward.
TIGHTEN_RULES = 9
#: Rules these builders can draw by (and so re-draw scripts of).
KNOWN_RULES = (4, 5, 6, 7, 8, 9)
#: The newest rules: what a new draw follows.
LATEST_RULES = KNOWN_RULES[-1]


def rules_number(version: str) -> int:
    """The number ``N`` of a version string ``yingji-drill-draw/N``.

    Raises
    ------
    ValueError
        For a string of another form or a number these builders do not know.
    """
    m = re.fullmatch(re.escape(PREFIX) + r"(\d+)", version)
    if m is None or int(m.group(1)) not in KNOWN_RULES:
        raise ValueError(f"unknown drawing rules {version!r}")
    return int(m.group(1))


def version_name(rules: int) -> str:
    """The version string of rules number ``rules`` (``yingji-drill-draw/5``)."""
    return f"{PREFIX}{rules}"


#: Version of the drawing rules; part of every script and commitment (/1 to /3 are no
#: longer drawn by; what each later number changed is told above).
GENERATOR_VERSION = version_name(LATEST_RULES)
#: Earlier rules this drawer still draws by, so that ``verify --redraw`` re-draws their scripts.
EARLIER_VERSIONS = tuple(version_name(n) for n in KNOWN_RULES[:-1])
