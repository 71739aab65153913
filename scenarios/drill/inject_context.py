"""What every inject builder reads: the draw's context, its units and depots, and the inject maker.

The builders themselves are in :mod:`scenarios.drill.injects` (and the
casualty update in :mod:`scenarios.drill.casualties`); this module holds what
they share, so that they can live apart without importing one another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from networks.i18n import N_
from networks.roadnet import RoadNetwork
from scenarios.catalogue import HazardCatalogue, HazardSpec
from scenarios.drill import texts
from scenarios.drill.drawing_rules import DEFAULT_RULES, UPGRADE_RULES
from scenarios.drill.script import Inject
from scenarios.drill.sites import Namer

#: Latest planned inject, minutes after the alarm.
MAX_OFFSET_MIN = 180.0
#: HSEEP core capability each inject kind tests.
CAPABILITY = {
    "alarm": N_("Operational Communications"),
    "cascade": N_("Situational Assessment"),
    "escalation": N_("Operational Coordination"),
    "road_closed": N_("Critical Transportation"),
    "depot_short": N_("Logistics and Supply Chain Management"),
    "casualty_update": N_("Public Health, Healthcare, and Emergency Medical Services"),
    "media_enquiry": N_("Public Information and Warning"),
}
#: Who sends and receives injects, and how (fixed texts).
INCIDENT_COMMANDER = N_("Incident commander")
RADIO = N_("radio")
PHONE = N_("phone")


def make_inject(
    *,
    kind: str,
    offset_min: float,
    sender: Any,
    recipient: Any,
    channel: Any,
    message: Any,
    expected_action: Any,
    capability: Any,
    trigger: Any = "",
    truth: dict[str, Any] | None = None,
) -> Inject:
    """An inject (numbered later) from text specs: English fields, specs in ``texts``."""
    specs = {
        "trigger": trigger,
        "sender": sender,
        "recipient": recipient,
        "channel": channel,
        "message": message,
        "expected_action": expected_action,
        "capability": capability,
    }
    specs = {k: v for k, v in specs.items() if v != ""}
    return Inject(
        no=0,
        kind=kind,
        offset_min=offset_min,
        trigger=texts.english(trigger) if trigger else "",
        sender=texts.english(sender),
        recipient=texts.english(recipient),
        channel=texts.english(channel),
        message=texts.english(message),
        expected_action=texts.english(expected_action),
        capability=texts.english(capability),
        truth=dict(truth or {}),
        texts=specs,
    )


@dataclass(frozen=True)
class Unit:
    """A participating station as the draw sees it (plain data, no simulator objects).

    Attributes
    ----------
    name, node
        Station name and node.
    teams
        ``(capability, count, mean turnout minutes)`` per team type.
    """

    name: str
    node: int
    teams: tuple[tuple[str, int, float], ...]

    def turnout(self, capability: str) -> float | None:
        """Mean turnout minutes of this unit's teams of ``capability`` (None if it has none)."""
        for c, _, t in self.teams:
            if c == capability:
                return t
        return None


@dataclass(frozen=True)
class Store:
    """A supply depot as the draw sees it."""

    name: str
    node: int
    tier: str
    stock: tuple[tuple[str, int], ...]
    parent: str | None = None


@dataclass
class InjectContext:
    """What every inject builder needs; built once per draw.

    ``rules`` is the number ``N`` of the drawing rules ``yingji-drill-draw/N``
    to draw by (:mod:`scenarios.drill.drawing_rules`): the drawer passes the
    rules it labels the script with, a re-draw those of the script it re-draws.
    """

    network: RoadNetwork
    namer: Namer
    catalogue: HazardCatalogue
    hazard: HazardSpec
    grade: int
    node: int
    area: str
    place: str
    jurisdiction: str
    units: Sequence[Unit]
    unit_times: np.ndarray
    stores: Sequence[Store]
    # The stores nearest to the scene first, as (index, float32 seconds) pairs, ties by index;
    # re-iterable, as it is read from the start for each item (may be lazy:
    # networks.nearest_first.NearestFirst).
    store_order: Iterable[tuple[int, np.float32]]
    near: Callable[[int, float], np.ndarray]
    reporting: dict[str, tuple[float, float, float, float]]
    rng: np.random.Generator
    jurisdiction_text: Any = None  # the jurisdiction as a text spec (default: as it is)
    # minutes by grade for a follow-up after a change, counted from it (empty: none given)
    follow_up_min: Sequence[float | None] = ()
    # minutes by drawn grade to report an upgrade, from the escalation (empty: not given)
    upgrade_min: Sequence[float | None] = ()
    rules: int = DEFAULT_RULES
    # minutes from the alarm to the call taken (the drill's target): teams leave after it
    call_taking_min: float = 0.0
    # the inject kinds the script is to have (a builder may depend on another's inject)
    kinds: tuple[str, ...] = ()
    # what more than one builder works out, kept for the draw (e.g. the road closure)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def deadline(self, name: str, grade: int) -> float | None:
        """Reporting deadline ``name`` (minutes) for ``grade``, if the jurisdiction sets one."""
        v = self.reporting.get(name)
        return None if v is None else v[grade - 1]

    def follow_up_deadline(self) -> float | None:
        """Minutes after a change within which its follow-up report is due, if any.

        Taken at the drawn grade, as the evaluation sheet times the follow-up
        of every inject that changes the picture (an escalation included).
        """
        if len(self.follow_up_min) < self.grade:
            return None
        return self.follow_up_min[self.grade - 1]

    def upgrade_deadline(self) -> float | None:
        """Minutes after an escalation within which the upgrade is first due, if any.

        From the drawing rules /8 on, the first deadline the evaluation sheet
        times from the escalation (the drawer is told it per drawn grade, see
        :func:`experiments.drill.escalation_links.upgrade_deadline`): a phone or
        written first report to a level the new grade adds, the new grade's phone
        limit to a level told, or the drawn grade's follow-up after a change where
        that comes first (Guizhou: 60 minutes to the county, 120 to the province).
        Before /8 (or when the drawer was not told), the new grade's first phone
        report deadline.
        """
        g2 = self.grade - 1
        if self.rules >= UPGRADE_RULES and len(self.upgrade_min) >= self.grade:
            return self.upgrade_min[self.grade - 1]
        return self.deadline("first_phone", g2)

    def nearest_units(self, capability: str) -> list[tuple[float, Unit]]:
        """Participating units with ``capability``, by turnout + travel minutes to the scene."""
        out = []
        for i, u in enumerate(self.units):
            t = u.turnout(capability)
            tt = float(self.unit_times[i, self.node]) / 60.0
            if t is not None and np.isfinite(tt):
                out.append((t + tt, u))
        return sorted(out, key=lambda p: (p[0], p[1].name))

    def main_capability(self, grade: int | None = None) -> str:
        """The capability the hazard needs most teams of (ties: catalogue order)."""
        g = (grade or self.grade) - 1
        teams = [(c, n[g]) for c, n in self.hazard.teams if n[g] > 0] or [
            (c, max(n)) for c, n in self.hazard.teams
        ]
        return max(teams, key=lambda p: p[1])[0]


def draw_offset(ctx: InjectContext, lo: float, hi: float) -> float:
    """An inject's offset, minutes after the alarm: uniform in ``[lo, hi)``, to 0.1 min."""
    return round(float(ctx.rng.uniform(lo, hi)), 1)
