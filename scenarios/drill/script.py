"""The drill script: everything a draw decides, as plain data that hashes canonically.

A :class:`DrillScript` is what gets sealed, committed to and later revealed.
Its :meth:`~DrillScript.to_dict` is JSON-ready (strings, finite numbers,
lists, dicts) so that :func:`scenarios.drill.canonical.canonical_json` gives
one byte string per script; :meth:`~DrillScript.from_dict` reads it back.
Who sees which part is decided when packets are written: participants get
only :attr:`DrillScript.alarm`; controllers :attr:`DrillScript.injects`;
evaluators :attr:`DrillScript.evaluation` with the benchmark timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from networks.i18n import _
from scenarios.drill.errors import SealError

#: Format tag of a script; bump when fields change meaning.
SCRIPT_FORMAT = "yingji-drill-script/1"


def _plain(obj: Any) -> dict[str, Any]:
    out = {f.name: getattr(obj, f.name) for f in fields(obj)}
    if "texts" in out and not out["texts"]:  # scripts of earlier versions have none
        del out["texts"]
    return out


@dataclass(frozen=True)
class Scene:
    """Where, when and what: the sealed heart of the drill.

    Attributes
    ----------
    hazard, hazard_name, category, cap_category
        Hazard key, name, category and CAP 1.2 ``info.category``.
    grade
        Grade drawn (1-4 = I-IV) and ``grade_meaning`` what it means for this hazard.
    node, x, y, lon, lat
        The scene's node index and coordinates.
    area
        The area (township or seat) the scene lies in.
    road, landmark
        Nearest named road and landmark ("" if the network has none).
    place
        Human description of the place.
    start
        Start (alarm) time, ISO 8601 with offset.
    under_control
        What "under control" means for this hazard.
    texts
        The human-readable fields as text specs, for packets in any
        language (:mod:`scenarios.drill.texts`); the fields hold the English.
    """

    hazard: str
    hazard_name: str
    category: str
    cap_category: str
    grade: int
    grade_meaning: str
    node: int
    x: float
    y: float
    lon: float
    lat: float
    area: str
    road: str
    landmark: str
    place: str
    start: str
    under_control: str
    texts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Alarm:
    """The first call that starts the drill (the participants' only packet).

    ``texts`` holds the human-readable fields as text specs
    (:mod:`scenarios.drill.texts`); the fields hold the English.
    """

    sent: str
    sender: str
    recipient: str
    channel: str
    headline: str
    message: str
    instruction: str
    texts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Inject:
    """One scripted event of the master scenario events list (MSEL).

    Attributes
    ----------
    no
        Sequence number, 1-based, in time order.
    kind
        One of :data:`scenarios.drill.spec.INJECT_KINDS`.
    offset_min
        Planned minutes after the alarm.
    trigger
        Condition that releases it earlier or later ("" = at ``offset_min``).
    sender, recipient
        Simulated originator and the player role it goes to.
    channel
        Delivery method (phone, radio, written, video, social media).
    message
        What the controller says or hands over.
    expected_action
        What players are expected to do (scored by evaluators).
    capability
        Core capability it tests.
    truth
        Ground truth for controllers (secondary hazard, closed edges, ...).
    texts
        The human-readable fields as text specs, for packets in any
        language (:mod:`scenarios.drill.texts`); the fields hold the English.
    """

    no: int
    kind: str
    offset_min: float
    trigger: str
    sender: str
    recipient: str
    channel: str
    message: str
    expected_action: str
    capability: str
    truth: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DrillScript:
    """A complete drawn drill.

    Attributes
    ----------
    exercise_id, name, jurisdiction, drill_type, blind_level
        Header.
    generator_version, drawn_at
        Which generator drew it and when (ISO 8601).
    scene
        The sealed scenario.
    participants
        Participating stations.
    alarm
        The initial alarm.
    injects
        The inject timeline, by offset.
    evaluation
        Targets, reporting deadlines for the grade, scoring scale and the
        benchmark timeline (filled in by the application layer).
    audit
        Seed (hex), organiser contributions and their commitments.
    region
        How to rebuild the network (for the map) and its fingerprint.
    texts
        ``name`` and ``jurisdiction`` as text specs, for packets in any
        language (:mod:`scenarios.drill.texts`).
    """

    exercise_id: str
    name: str
    jurisdiction: str
    drill_type: str
    blind_level: str
    generator_version: str
    drawn_at: str
    scene: Scene
    participants: tuple[str, ...]
    alarm: Alarm
    injects: tuple[Inject, ...]
    evaluation: dict[str, Any]
    audit: dict[str, Any] = field(default_factory=dict)
    region: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, Any] = field(default_factory=dict)

    def with_evaluation(self, **items: Any) -> DrillScript:
        """A copy with entries added to :attr:`evaluation`."""
        return replace(self, evaluation={**self.evaluation, **items})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (the form that is hashed)."""
        out = _plain(self)
        out["format"] = SCRIPT_FORMAT
        out["scene"] = _plain(self.scene)
        out["alarm"] = _plain(self.alarm)
        out["participants"] = list(self.participants)
        out["injects"] = [_plain(i) for i in self.injects]
        return out

    @classmethod
    def from_dict(cls, data: Any) -> DrillScript:
        """Read a script back; a wrong shape raises :class:`SealError`."""
        try:
            d = dict(data)
            if d.pop("format") != SCRIPT_FORMAT:
                raise ValueError("unknown script format")
            d["scene"] = Scene(**d["scene"])
            d["alarm"] = Alarm(**d["alarm"])
            d["participants"] = tuple(d["participants"])
            d["injects"] = tuple(Inject(**i) for i in d["injects"])
            return cls(**d)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SealError(_("not a yingji drill script ({reason})").format(reason=exc)) from None
