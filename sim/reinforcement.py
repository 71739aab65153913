"""Outside reinforcement called in by a major event: :class:`Reinforcement`.

Re-exported by :mod:`sim.facilities`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from networks.i18n import _
from scenarios.config_keys import Key, Section, field_default
from scenarios.distributions import Distribution, Lognormal
from scenarios.distributions import from_dict as distribution_from_dict
from scenarios.validate import Reader
from sim.facility_fields import dotted_key
from sim.stations import Station


@dataclass(frozen=True)
class Reinforcement:
    """Outside teams (a provincial rescue corps, a neighbouring city) called in by a major event.

    Grade I and II events are answered above the county: the reinforcement's
    teams enter the map at ``station.node`` ``delay`` minutes after the call
    of the first incident of grade ``max_grade`` or graver has been taken
    (mobilisation and the drive in), and from then on serve like any other
    station until the end of the run. Before that nobody can dispatch them, and
    they count in no area's reserve. A team complement larger than the county
    has is capped at county plus reinforcement for the grave incidents (which
    call it in) and for every incident called after it has arrived; at the
    county's own for lesser incidents before then.

    Attributes
    ----------
    station
        The teams and where they arrive (tier ``provincial`` by default).
    max_grade
        Incidents of this grade or graver (1 = I, especially major) call it in.
    delay
        Minutes from that call being taken to the teams' arrival at ``station.node``.
    """

    station: Station
    max_grade: int = 2
    delay: Distribution = field(default_factory=lambda: Lognormal(240.0, 0.3))

    def __post_init__(self) -> None:
        if self.max_grade not in (1, 2, 3, 4):
            raise ValueError(_("max_grade must be 1-4, got {value!r}").format(value=self.max_grade))

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Reinforcement:
        """Validate and build from plain data (a station table plus ``max_grade``, ``delay_min``).

        ``tier`` defaults to ``provincial``.
        """
        r = Reader(data, source=source, key=key or "")
        station = Station.from_dict(
            {"tier": "provincial", **{k: v for k, v in data.items() if k not in CALL_IN.names}},
            source=source,
            key=key,
        )
        grade = CALL_IN.read(r, "max_grade")
        delay = CALL_IN.read(r, "delay_min")
        return cls(
            station=station,
            max_grade=int(grade),
            delay=distribution_from_dict(delay, source=source, key=dotted_key(key, "delay_min")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        return {
            **self.station.to_dict(),
            "max_grade": self.max_grade,
            "delay_min": self.delay.to_dict(),
        }


#: The keys a reinforcement adds to a station's (:meth:`Reinforcement.from_dict`).
CALL_IN = Section(
    "reinforcement",
    "Reinforcement call-in",
    (
        Key("max_grade", "integer",
            "Incidents of this grade or graver (1 = I, especially major) call it in.", "响应等级",
            default=Reinforcement.max_grade, lo=1, hi=4),
        Key("delay_min", "distribution",
            "Minutes from that call being taken to the teams' arrival.", "增援到达时间",
            default=field_default(Reinforcement, "delay").to_dict()),
    ),
    zh="增援力量",
)  # fmt: skip
