"""The response standard: call taken, first arrival and control within target minutes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from networks.i18n import _
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import Reader, check_num


@dataclass(frozen=True)
class ResponseTargets:
    """The "1 / 10 / 15 minute" standard as three consecutive intervals.

    Attributes
    ----------
    call_taking
        Call -> call taken, minutes.
    arrival
        Call taken -> first team on scene, minutes.
    control
        First team on scene -> under control, minutes. Work is shared: each
        team works from its own arrival until ``n x control_work`` team-minutes
        are done, so a short-handed start or slow mutual aid makes control late.
    """

    call_taking: float = 1.0
    arrival: float = 10.0
    control: float = 15.0

    def __post_init__(self) -> None:
        # A guard for code that builds targets directly; configs go through from_dict.
        for k, v in asdict(self).items():
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0):
                raise ValueError(
                    _("target {name} must be a number >= 0, got {value!r}").format(name=k, value=v)
                )

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> ResponseTargets:
        """Validate and build from plain data (missing keys take the defaults)."""
        r = Reader(data, source=source, key=key or "")
        r.allow({"call_taking", "arrival", "control"})
        values = {}
        for k, v in r.data.items():
            values[k] = check_num(
                v,
                lambda m, k=k: r.error(k, _("minutes: {message}").format(message=m)),
                lo=0.0,
                hi=MAX_DURATION_MIN,
            )
        return cls(**values)

    def to_dict(self) -> dict[str, float]:
        """Plain data; inverse of :meth:`from_dict`."""
        return asdict(self)
