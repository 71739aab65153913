"""Road-closure labels as people read them, in the language in use.

A :class:`~networks.states.Disruption` carries an English ``label``. It is
machine data: the records and ``*.disruptions.csv`` keep it as it is, and code
matches it (``label.startswith("isolation")`` marks a zone responders must not
enter). Maps and reports turn it into text only when they show it.

Two kinds of label are made by yingji itself:

* by the scenario events (:mod:`scenarios.event_weather`,
  :mod:`scenarios.event_quake`): ``"<event type>: <what happened>"``, e.g.
  ``"typhoon: low-lying roads flooded"`` -> 台风：低洼路段积水封闭;
* by the road effects of the hazard catalogue (:mod:`scenarios.roads`,
  :mod:`scenarios.event_hazmat`): ``"<effect label>: <hazard key>"``, e.g.
  ``"isolation: hazmat_leak"`` -> 危险化学品泄漏：警戒隔离区（禁止进入）.

Any other label (a user's catalogue, a disruption log) is shown as given.
"""

from __future__ import annotations

from collections.abc import Mapping

from networks.i18n import N_, _
from scenarios.terms import EVENT_NAMES, event_name

#: What the scenario events did to the roads (the part after ``"<event type>: "``).
EVENT_CLOSURES = {
    "low-lying roads flooded": N_("{event}: low-lying roads flooded"),
    "wind and debris": N_("{event}: wind and debris"),
    "road damage": N_("{event}: road damage"),
}
#: The road-effect labels of the shipped catalogue (``label`` of ``[[hazards.X.roads]]``,
#: or the effect where it has none), and the downwind zone of a chemical leak.
EFFECT_CLOSURES = {
    "isolation": N_("{hazard}: isolation zone, no entry"),
    "protective": N_("{hazard}: downwind protective-action zone"),
    "waterlogged": N_("{hazard}: roads waterlogged"),
    "flooded": N_("{hazard}: roads flooded"),
    "fallen trees": N_("{hazard}: roads blocked by fallen trees"),
    "quake damage": N_("{hazard}: roads damaged"),
    "road cut": N_("{hazard}: road cut"),
    "smoke and fire": N_("{hazard}: roads closed for smoke and fire"),
    "debris": N_("{hazard}: roads blocked by debris"),
    "fire scene": N_("{hazard}: traffic control around the fire scene"),
    "crash scene": N_("{hazard}: traffic control at the crash scene"),
    "mine site": N_("{hazard}: mine-site cordon"),
    "quarantine": N_("{hazard}: quarantine control"),
    "crowd control": N_("{hazard}: crowd control"),
    "traffic control": N_("{hazard}: traffic control"),
    "close": N_("{hazard}: roads closed"),
    "slow": N_("{hazard}: traffic slowed"),
}


def _shipped_hazard_names() -> dict[str, str]:
    from scenarios.catalogue import load_catalogue

    return {h.key: h.label() for h in load_catalogue()}


def closure_text(label: str, hazard_names: Mapping[str, str] | None = None) -> str:
    """A disruption's label as a person reads it, in the language in use.

    Parameters
    ----------
    label
        The disruption's label (:attr:`networks.states.Disruption.label`).
    hazard_names
        Hazard key -> name as shown (e.g. ``{h.key: h.label() for h in catalogue}``);
        the shipped catalogue's names if ``None``.

    Returns
    -------
    str
        The text; ``label`` itself if it is not one yingji makes.

    Examples
    --------
    >>> from networks.i18n import language
    >>> with language("en"):
    ...     closure_text("typhoon: wind and debris")
    'typhoon: wind and debris'
    """
    head, sep, tail = label.partition(": ")
    if not sep:
        return label
    if head in EVENT_NAMES and tail in EVENT_CLOSURES:
        return _(EVENT_CLOSURES[tail]).format(event=event_name(head))
    if head in EFFECT_CLOSURES:
        names = _shipped_hazard_names() if hazard_names is None else hazard_names
        return _(EFFECT_CLOSURES[head]).format(hazard=names.get(tail, tail))
    return label
