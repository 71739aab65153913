"""The sentences of a drill in either language: message templates and arguments, rendered late.

A draw decides facts; the packets tell them in the language of the reveal.
So every sentence a drill script holds (the alarm, each inject's message and
expected action, the benchmark rows) is kept twice: as English text in its
field (the record, unchanged from earlier versions) and as a *text spec* in
the record's ``texts``: a template key and its arguments. The script, its
canonical JSON and its commitment are the same whatever the language; packets
render the specs with :func:`render` in the language in use, so Chinese
packets come from the very same sealed script as English ones.

A text spec is plain JSON:

* ``{"msg": KEY, "args": {...}}``: template :data:`TEMPLATES` ``[KEY]``,
  translated, formatted with its rendered arguments;
* ``{"term": TEXT}``: a fixed English text (marked for translation), translated;
* ``{"vocab": KIND, "key": KEY}``: a word of a closed vocabulary (capability,
  supply item, compass point, grade, category), see :data:`VOCAB`;
* ``{"en": TEXT, "zh": TEXT}``: a name or catalogue text given in both
  languages (``zh`` may be missing: English is shown then);
* ``{"facility": NAME}``: a station or depot, by its record name
  (:func:`networks.names.facility_label`);
* ``{"place": NAME}``: a road or place of a network that gives no Chinese
  name (:func:`networks.names.place_name` names the built-in county's);
* ``{"list": [...]}``: specs joined with the language's list separator;
* a string or a number: shown as it is (numbers keep their format specs, so
  they are byte-identical in every language).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from networks.i18n import N_, _, both
from scenarios import terms
from scenarios.stream import GRADE_NAMES

#: Message templates by key. English is the msgid; the key is what a script stores.
TEMPLATES: dict[str, str] = {
    # places (scenarios.drill.sites)
    "place.road_in": N_("{road} in {landmark}"),
    # drawing rules /5 on: the landmark is left out where the road's name carries it
    "place.road_at": N_("{road} in {landmark}"),
    "place.in": N_("in {landmark}"),
    "place.road_near": N_("{road}, {km:.1f} km {direction} of {landmark}"),
    "place.near": N_("{km:.1f} km {direction} of {landmark}"),
    "place.node": N_("node {osmid} ({lat:.5f} N, {lon:.5f} E)"),
    # the alarm (scenarios.drill.draw)
    "alarm.recipient": N_("Duty officer, {jurisdiction} emergency command centre"),
    "alarm.recipient.township": N_("Duty officer, {area} government duty room"),
    "alarm.channel": N_("phone ({number})"),
    "alarm.headline": N_("EXERCISE - {hazard} reported, {place}"),
    "alarm.message": N_("THIS IS A DRILL. A caller reports a {hazard} at {place} ({area}). {says}"),
    "alarm.message.area_named": N_(
        "THIS IS A DRILL. A caller reports a {hazard} at {place}. {says}"
    ),
    "channel.card": N_("written card (as if by {channel})"),
    "standard.control": N_("Under control: {definition}"),
    "standard.control_full": N_(
        "Under control: {definition} (minutes from the full complement on scene)"
    ),
    # injects (scenarios.drill.injects)
    "teams.count": N_("{n} {capability}"),
    "teams.more": N_("{n} more {capability}"),
    "cascade.message": N_(
        "THIS IS A DRILL. Secondary incident: {hazard} at {place}, {gap:.0f} m from the first "
        "scene. {description}"
    ),
    "cascade.message_here": N_(
        "THIS IS A DRILL. Secondary incident at the first scene: {hazard} at {place}. {description}"
    ),
    "cascade.action": N_(
        "Assess the new scene and grade it (plan: grade {grade}); dispatch {teams}; keep "
        "responders out of danger first; report the secondary incident upward as a follow-up "
        "report."
    ),
    "cascade.capability": N_("{capability}; {hazard}"),
    "escalation.message": N_(
        "THIS IS A DRILL. The situation is worse than first reported: {meaning}."
    ),
    "escalation.message_dead": N_(
        "THIS IS A DRILL. The situation is worse than first reported: at least {dead} dead "
        "confirmed so far."
    ),
    "escalation.action": N_(
        "Re-grade the incident as grade {grade}, raise the response level, request {more}."
    ),
    "escalation.action_deadline": N_(
        "Re-grade the incident as grade {grade}, raise the response level, request {more}; "
        "report the upgrade upward within {deadline:g} min."
    ),
    "road.trigger": N_("when the first {capability} team from {unit} is en route"),
    "road.recipient": N_("Team leader, {unit}; dispatch desk"),
    "road.message": N_(
        "THIS IS A DRILL. {road} is blocked {km:.1f} km {direction} of the scene ({reason}, no "
        "way through)."
    ),
    "road.message_unnamed": N_(
        "THIS IS A DRILL. The road is blocked {km:.1f} km {direction} of the scene ({reason}, "
        "no way through)."
    ),
    "depot.sender": N_("Keeper, {depot} (simulated)"),
    "depot.message": N_(
        "THIS IS A DRILL. {depot} can release only {available} {item} (books say {booked}; the "
        "rest is damaged or already out)."
    ),
    "depot.message_none": N_(
        "THIS IS A DRILL. {depot} cannot release any {item} (books say {booked}; the rest is "
        "damaged or already out)."
    ),
    "depot.action": N_(
        "Find the remaining {n} {item}, confirm the delivery time, record the shortfall for the "
        "after-action review."
    ),
    "depot.action_from": N_(
        "Find the remaining {n} {item} from {fallback}, confirm the delivery time, record the "
        "shortfall for the after-action review."
    ),
    "depot.take": N_("{n} from {depot}"),
    "depot.take_others": N_("{n} from {k} other depots"),
    "depot.action_sources": N_(
        "Find the remaining {n} {item}: {sources}; confirm the delivery times, record the "
        "shortfall for the after-action review."
    ),
    "depot.action_higher": N_(
        "Find the remaining {n} {item}: {sources}; the other {rest} are more than the region's "
        "depots hold: ask the next level up for them; confirm the delivery times, record the "
        "shortfall for the after-action review."
    ),
    "depot.action_none": N_(
        "No other depot of the region holds {item}: ask the next level up for the remaining "
        "{n}; confirm the delivery time, record the shortfall for the after-action review."
    ),
    "casualty.message": N_(
        "THIS IS A DRILL. Casualty count update: {dead} dead, {injured} injured, {missing} "
        "unaccounted for."
    ),
    "casualty.action": N_(
        "Send a follow-up report with the new figures; request ambulances and hospital beds to "
        "match; start a list of the missing."
    ),
    # scripts drawn before yingji-drill-draw/4 (a deadline counted from the call)
    "casualty.action_deadline": N_(
        "Send a follow-up report with the new figures (written report due {deadline:g} min after "
        "the call); request ambulances and hospital beds to match; start a list of the missing."
    ),
    "casualty.action_follow_up": N_(
        "Send a follow-up report with the new figures within {deadline:g} min of this update; "
        "request ambulances and hospital beds to match; start a list of the missing."
    ),
    "media.sender": N_("Reporter, {jurisdiction} TV (simulated)"),
    "media.message": N_(
        "THIS IS A DRILL. A video of the {hazard} near {area} is spreading online; people say "
        "many are dead and the authorities are hiding it. Can you confirm the numbers?"
    ),
    # the benchmark timeline (experiments.drill.benchmark)
    "bench.no_team": N_("No {capability} team among the participants"),
    "bench.no_team_detail": N_("{n} needed: mutual aid required"),
    "bench.first_of": N_("First {capability} team arrives"),
    "bench.teams_on_scene": N_("{n} {capability} teams on scene"),
    "bench.short_units": N_("{units}; only {got} of {need} available"),
    "bench.unreachable": N_("{teams}; not reachable: short of {missing} (mutual aid)"),
    "bench.control_detail": N_(
        "{work:.0f} min mean control work per team, teams working from arrival; {definition}"
    ),
    "bench.delivered": N_("{got} of {need} {item} delivered"),
    "bench.from": N_("from {sources}"),
    "bench.from_short": N_("from {sources}; short by {short}"),
    "bench.source": N_("{n} {depot}"),
    "bench.rerouted": N_("Inject {no}: first team re-routed"),
    "bench.around": N_("{unit} around the closure of {road} (+{delay:.1f} min)"),
    "bench.around_unnamed": N_("{unit} around the closure of the road (+{delay:.1f} min)"),
    "bench.no_way": N_("{unit}: no way round the closure"),
    # lists: "a, b, c" (Chinese: a、b、c)
    "list.more": N_("{items}, {item}"),
}

#: Compass points (:func:`scenarios.drill.sites.compass`), as a person reads them.
COMPASS = {
    "east": N_("east (direction)"),
    "north-east": N_("north-east (direction)"),
    "north": N_("north (direction)"),
    "north-west": N_("north-west (direction)"),
    "west": N_("west (direction)"),
    "south-west": N_("south-west (direction)"),
    "south": N_("south (direction)"),
    "south-east": N_("south-east (direction)"),
}


def _spaced(key: Any) -> str:
    return str(key).replace("_", " ")


def _translated(msgid: str | None) -> str | None:
    if msgid is None:
        return None
    out = _(msgid)
    return None if out == msgid else out


#: Closed vocabularies: kind -> (the word in the English packets, the word in
#: the language in use). English keeps the words drill packets have always
#: used (a category by its English name, not its key); other languages use the
#: domain's terms (:mod:`scenarios.terms`).
VOCAB: dict[str, tuple[Callable[[Any], str], Callable[[Any], str | None]]] = {
    "capability": (_spaced, terms.capability_name),
    "item": (_spaced, terms.supply_name),
    "grade": (GRADE_NAMES.__getitem__, terms.grade_label),
    "category": (lambda k: terms.CATEGORY_NAMES.get(k, _spaced(k)), terms.category_name),
    "compass": (str, lambda k: _translated(COMPASS.get(k))),
}


def msg(key: str, **args: Any) -> dict[str, Any]:
    """A text spec of template ``key`` (checked to exist) with its arguments."""
    if key not in TEMPLATES:
        raise KeyError(key)
    return {"msg": key, "args": args} if args else {"msg": key}


def term(text: str) -> dict[str, str]:
    """A text spec of a fixed English text (mark it with ``N_`` where it is written)."""
    return {"term": text}


def vocab(kind: str, key: Any) -> dict[str, Any]:
    """A text spec of a word of vocabulary ``kind`` (one of :data:`VOCAB`)."""
    return {"vocab": kind, "key": key}


def pair(en: str, zh: str | None = None) -> Any:
    """A name in both languages; just ``en`` when there is no Chinese."""
    return {"en": en, "zh": zh} if zh else en


def chinese(spec: Any) -> str | None:
    """The Chinese of a :func:`pair` (None if it has none)."""
    return spec.get("zh") if isinstance(spec, Mapping) else None


def facility(name: str) -> dict[str, str]:
    """A station or depot by its record name."""
    return {"facility": name}


def place(en: str, zh: str | None = None) -> Any:
    """A road or place name: its Chinese if the network gives one, else looked up when shown."""
    return pair(en, zh) if zh else {"place": en}


def listing(items: list[Any]) -> dict[str, Any]:
    """Specs joined with the language's list separator."""
    return {"list": list(items)}


def word(kind: str, key: Any, *, english: bool = False) -> str:
    """A vocabulary word in the language in use (or in English)."""
    en_of, other_of = VOCAB[kind]
    en = en_of(key)
    return en if english else both(en, other_of(key))


def _facility(name: str, english: bool) -> str:
    if english:
        return name
    try:
        from networks.names import facility_label
    except ImportError:  # pragma: no cover - the simulator is part of yingji
        return name
    return facility_label(name)


def _place(name: str, english: bool) -> str:
    if english:
        return name
    from networks.names import place_name

    return place_name(name)


def _arg(value: Any, english: bool) -> Any:
    if isinstance(value, Mapping | list):
        return render(value, english=english)
    return value


def render(spec: Any, *, english: bool = False) -> str:
    """A text spec as text in the language in use (or in English).

    Raises
    ------
    KeyError, ValueError, TypeError
        For a spec this version does not know (callers fall back to the
        English text of the record).
    """
    if isinstance(spec, list):
        return render({"list": spec}, english=english)
    if not isinstance(spec, Mapping):
        return str(spec)
    if "msg" in spec:
        template = TEMPLATES[spec["msg"]]
        if not english:
            template = _(template)
        args = {k: _arg(v, english) for k, v in dict(spec.get("args", {})).items()}
        if spec["msg"] == "place.road_at" and names(args["road"], args["landmark"]):
            return str(args["road"])  # 老垅村路, not 老垅村老垅村路
        return template.format(**args)
    if "term" in spec:
        return spec["term"] if english else _(spec["term"])
    if "vocab" in spec:
        return word(spec["vocab"], spec["key"], english=english)
    if "facility" in spec:
        return _facility(spec["facility"], english)
    if "place" in spec:
        return _place(spec["place"], english)
    if "list" in spec:
        items = [render(v, english=english) for v in spec["list"]]
        more = TEMPLATES["list.more"] if english else _(TEMPLATES["list.more"])
        out = items[0] if items else ""
        for item in items[1:]:
            out = more.format(items=out, item=item)
        return out
    if "en" in spec:
        return spec["en"] if english else both(spec["en"], spec.get("zh"))
    raise ValueError(f"not a text spec: {spec!r}")


def names(road: str, landmark: str) -> bool:
    """Whether a road's name carries a landmark's (老垅村路 names 老垅村).

    The landmark's name must stand whole in the road's: "Xiba Village 12 Road"
    does not name "Xiba Village 1" (no letter or digit may run on from it).
    """
    edge = "(?<![0-9A-Za-z])" + re.escape(landmark.strip()) + "(?![0-9A-Za-z])"
    return bool(landmark.strip()) and re.search(edge, road, re.IGNORECASE) is not None


def english(spec: Any) -> str:
    """A text spec in English (the text a script records in its fields)."""
    return render(spec, english=True)


def text(record: Any, field: str) -> str:
    """Field ``field`` of a script record in the language in use.

    The record's ``texts`` spec if it has one this version can render, else
    the field as recorded (older scripts; names).
    """
    texts = getattr(record, "texts", None)
    if isinstance(record, Mapping):
        texts = record.get("texts")
    spec = (texts or {}).get(field)
    fallback = record[field] if isinstance(record, Mapping) else getattr(record, field)
    if spec is None:
        return fallback
    try:
        return render(spec)
    except (KeyError, ValueError, TypeError, IndexError):
        return fallback


def hazard_text(hazard: Any, key: str, index: int | None = None, *, lower: bool = False) -> Any:
    """A catalogue text of a hazard (``name``, ``description``, ...) in both languages.

    Reads ``key`` and its Chinese companion ``key + "_zh"`` (attribute or
    mapping key; a sequence such as ``meaning`` is indexed by ``index``).
    """

    def get(k: str) -> Any:
        if isinstance(hazard, Mapping):
            return hazard.get(k)
        return getattr(hazard, k, None)

    en, zh = get(key), get(f"{key}_zh")
    if index is not None:
        en = en[index]
        zh = zh[index] if zh and len(zh) > index else None
    en = str(en)
    return pair(en.lower() if lower else en, str(zh) if zh else None)
