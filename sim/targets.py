"""The response standard: call taken, first arrival and control within target minutes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from networks.i18n import _
from scenarios.config_keys import Key, Section
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import Reader, check_num

#: Readings of "15 分钟处置" (see :class:`ResponseTargets`).
READINGS = ("after_arrival", "after_call")


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
        The "15 分钟处置" target, minutes, read as ``control_reading`` says.
        Work is shared: each team works from its own arrival until ``n x
        control_work`` team-minutes are done, so a short-handed start or slow
        mutual aid makes control late.
    control_reading
        ``"after_arrival"`` (the default): under control within ``control``
        minutes of the first team's arrival. ``"after_call"``: handling under
        way within ``control`` minutes of the call, i.e. the first team on
        scene and at work (as many local texts mean it).
    control_by_grade
        Control targets for grades I..IV that replace ``control`` (``None``
        keeps it): a grave event is not expected under control in 15 minutes.
    """

    call_taking: float = 1.0
    arrival: float = 10.0
    control: float = 15.0
    control_reading: str = "after_arrival"
    control_by_grade: tuple[float | None, ...] = (None, None, None, None)

    def __post_init__(self) -> None:
        # A guard for code that builds targets directly; configs go through from_dict.
        if self.control_reading not in READINGS:
            raise ValueError(
                _("control_reading must be one of {names}").format(names=", ".join(READINGS))
            )
        if len(self.control_by_grade) != 4 or not all(
            v is None or (isinstance(v, int | float) and math.isfinite(v) and v >= 0)
            for v in self.control_by_grade
        ):
            raise ValueError(_("control_by_grade must be four minutes >= 0 (or none)"))
        for k in ("call_taking", "arrival", "control"):
            v = getattr(self, k)
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
        TARGETS.allow(r)
        values: dict[str, Any] = {}
        if r.has("control_reading"):
            values["control_reading"] = TARGETS.read(r, "control_reading")
        if r.has("control_by_grade"):
            v = r.get("control_by_grade")
            if not isinstance(v, list) or len(v) != 4:
                raise r.error("control_by_grade", _("expected a list of four (grades I-IV)"))
            values["control_by_grade"] = tuple(
                None if x is False else check_num(
                    x, lambda m: r.error("control_by_grade", m), lo=0.0, hi=MAX_DURATION_MIN
                )
                for x in v
            )  # fmt: skip
        for k, v in r.data.items():
            if k in ("control_reading", "control_by_grade"):
                continue
            values[k] = check_num(
                v,
                lambda m, k=k: r.error(k, _("minutes: {message}").format(message=m)),
                lo=TARGETS[k].lo,
                hi=TARGETS[k].hi,
            )
        return cls(**values)

    def control_limit(self, grade: int) -> float:
        """The control target of an incident of ``grade`` (1-4)."""
        v = self.control_by_grade[grade - 1] if 1 <= grade <= 4 else None
        return self.control if v is None else float(v)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        out = asdict(self)
        out["control_by_grade"] = [False if v is None else v for v in self.control_by_grade]
        return out


#: The ``[targets]`` table of a run config (what :meth:`ResponseTargets.from_dict` accepts).
TARGETS = Section(
    "targets",
    "Response targets",
    (
        Key("call_taking", "number", "Call -> call taken, minutes.", "接警",
            default=ResponseTargets.call_taking, lo=0.0, hi=MAX_DURATION_MIN),
        Key("arrival", "number", "Call taken -> first team on scene, minutes.", "到达现场",
            default=ResponseTargets.arrival, lo=0.0, hi=MAX_DURATION_MIN),
        Key("control", "number", "The control target, minutes, read as control_reading says.",
            "处置", default=ResponseTargets.control, lo=0.0, hi=MAX_DURATION_MIN),
        Key("control_reading", "string",
            "after_arrival: under control within control minutes of the first arrival; "
            "after_call: the first team on scene and at work within control minutes of the call.",
            default=ResponseTargets.control_reading, choices=READINGS),
        Key("control_by_grade", "list",
            "Control targets for grades I-IV replacing control (false keeps it), minutes.",
            default_text="control for every grade", allowed_text="four minutes >= 0 or false"),
    ),
    zh="响应时限标准",
    help="The township response standard as three consecutive intervals "
    "(1 minute to take the call, 10 to arrive, 15 to bring it under control).",
)  # fmt: skip
