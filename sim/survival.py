"""How long trapped people survive: a survival curve by time since the event.

The shipped curve, ``tangshan_1976``, is the rescue survival of the 1976
Tangshan earthquake as Chinese earthquake-rescue writing quotes it (the
statistic behind the "golden 72 hours", 黄金72小时): of the people dug out

=====================  ==============
rescued                alive (share)
=====================  ==============
within 30 minutes      99.3 %
on day 1               81.0 %
on day 2               53.7 %
on day 3               36.7 %
on day 4               19.0 %
on day 5                7.4 %
=====================  ==============

(quoted, for example, by the China Earthquake Networks Center's popular
science pages, emeict.com/article/fzzs/8.html; the original survey is the
medical rescue record of the Tangshan earthquake). Studies of other
collapses agree in shape: after the 1980 Campania-Irpinia earthquake 93 % of
the trapped people who survived had been dug out within 24 hours (Noji,
*The Public Health Consequences of Disasters*, 1997), and Macintyre et al.
(Disaster Med Public Health Prep 2011;5:13-22) show why no single cut-off
holds: a few people survive for two weeks.

A curve is a table of intervals (their ends in hours, the first starting at
0) and the share of the people rescued in each that were alive. It is read
one of two ways (``shape``):

* ``"steps"``: exactly the table: a person rescued within an interval is
  alive with its share;
* ``"linear"`` (the default): each share at the middle of its interval
  (15 minutes, 12.25 hours, 36 hours ...), straight lines between them, and
  flat before the first middle and after the last, where the source says
  nothing more.

Either way the curve never rises, so an earlier rescue is never worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.validate import Reader, check_num

__all__ = ["PRESETS", "SHAPES", "SURVIVAL", "TANGSHAN_1976", "SurvivalCurve", "survival_from"]

#: How a curve's table is read between its points.
SHAPES = ("linear", "steps")
#: Most intervals a curve may have.
MAX_POINTS = 100


@dataclass(frozen=True)
class SurvivalCurve:
    """The share of trapped people alive when rescued, by time since the event.

    Attributes
    ----------
    name
        What the curve is (``"tangshan_1976"``).
    hours
        Ends of the intervals, hours after the event, increasing; the first
        interval starts at 0.
    alive
        Share alive among the people rescued within each interval, never rising.
    shape
        ``"linear"`` or ``"steps"`` (see the module docstring).
    source
        Where the numbers come from.
    """

    name: str
    hours: tuple[float, ...]
    alive: tuple[float, ...]
    shape: str = "linear"
    source: str = ""

    def __post_init__(self) -> None:
        h, a = np.asarray(self.hours, float), np.asarray(self.alive, float)
        if not (1 <= h.size == a.size <= MAX_POINTS):
            raise ValueError(_("hours and alive must have the same length, 1 to 100"))
        if h[0] <= 0 or np.any(np.diff(h) <= 0) or not np.all(np.isfinite(h)):
            raise ValueError(_("hours must be positive and increasing"))
        if np.any((a < 0) | (a > 1)) or np.any(np.diff(a) > 0):
            raise ValueError(_("alive must be shares from 0 to 1 that never rise"))
        if self.shape not in SHAPES:
            raise ValueError(_("shape must be linear or steps"))

    def __call__(self, minutes: np.ndarray | float) -> np.ndarray:
        """The share alive of people rescued ``minutes`` after the event.

        Parameters
        ----------
        minutes
            Minutes since the event (``>= 0``).

        Returns
        -------
        numpy.ndarray
            Shares in ``[0, 1]``, of the shape of ``minutes``.
        """
        t = np.asarray(minutes, dtype=np.float64)
        ends = np.asarray(self.hours) * 60.0
        alive = np.asarray(self.alive, dtype=np.float64)
        if self.shape == "steps":
            # (end[i-1], end[i]] is interval i; a rescue at an end belongs to the interval it ends.
            at = np.minimum(np.searchsorted(ends, t, side="left"), len(ends) - 1)
            return alive[at]
        middles = (np.concatenate(([0.0], ends[:-1])) + ends) / 2.0
        return np.interp(t, middles, alive)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; :func:`survival_from` reads it back."""
        return {
            "name": self.name,
            "hours": list(self.hours),
            "alive": list(self.alive),
            "shape": self.shape,
        }


#: Rescue survival after the 1976 Tangshan earthquake (see the module docstring).
TANGSHAN_1976 = SurvivalCurve(
    name="tangshan_1976",
    hours=(0.5, 24.0, 48.0, 72.0, 96.0, 120.0),
    alive=(0.993, 0.810, 0.537, 0.367, 0.190, 0.074),
    source="1976 Tangshan earthquake rescue survival by time to rescue, as quoted in Chinese "
    "earthquake-rescue literature (e.g. emeict.com/article/fzzs/8.html)",
)
#: Curves known by name.
PRESETS = {TANGSHAN_1976.name: TANGSHAN_1976}

#: ``[people.survival]`` when given as a table.
SURVIVAL = Section(
    "people.survival",
    "Survival curve",
    (
        Key("hours", "list", "Ends of the intervals, hours after the event, increasing.",
            "时段", default=REQUIRED, allowed_text="1-100 increasing positive numbers"),
        Key("alive", "list", "Share alive of the people rescued within each interval.",
            "生还率", default=REQUIRED, allowed_text="as many shares 0-1, never rising"),
        Key("shape", "string", "Straight lines between the middles of the intervals, or steps.",
            "插值方式", default="linear", choices=SHAPES),
        Key("name", "string", "A name for the curve, in the records.", "名称",
            default="custom"),
    ),
    zh="被困人员生还曲线",
    help='Instead of a table, survival may name a shipped curve: "tangshan_1976" (the default).',
)  # fmt: skip


def survival_from(value: Any, *, source: str | None = None, key: str = "people.survival"):
    """A survival curve from config data: a preset's name or a ``{hours, alive}`` table.

    Parameters
    ----------
    value
        ``"tangshan_1976"``, or a table with ``hours``, ``alive`` and optional
        ``shape`` and ``name``.
    source, key
        File and dotted key, for error messages.

    Returns
    -------
    SurvivalCurve

    Raises
    ------
    networks.errors.ConfigError
        Naming the file and the key.
    """
    if isinstance(value, str):
        if value not in PRESETS:
            raise Reader({}, source=source).error(
                key,
                _("{value!r} is not one of {choices}").format(
                    value=value, choices=", ".join(sorted(PRESETS))
                ),
            )
        return PRESETS[value]
    if not isinstance(value, Mapping):
        raise Reader({}, source=source).error(
            key, _("expected the name of a curve or a table with hours and alive")
        )
    r = Reader(value, source=source, key=key)
    SURVIVAL.allow(r)

    def numbers(name: str, **bounds: Any) -> tuple[float, ...]:
        v = r.get(name)
        if not isinstance(v, list) or not 1 <= len(v) <= MAX_POINTS:
            raise r.error(name, _("expected a list of 1 to 100 numbers"))
        return tuple(
            check_num(x, lambda m, j=j: r.error(f"{name}[{j}]", m), **bounds)
            for j, x in enumerate(v)
        )

    hours = numbers("hours", lo=0, lo_open=True)
    alive = numbers("alive", lo=0, hi=1)
    if len(alive) != len(hours):
        raise r.error("alive", _("expected as many shares as hours ({n})").format(n=len(hours)))
    if any(b <= a for a, b in zip(hours, hours[1:], strict=False)):
        raise r.error("hours", _("must increase"))
    if any(b > a for a, b in zip(alive, alive[1:], strict=False)):
        raise r.error("alive", _("must never rise: an earlier rescue is never worse"))
    return SurvivalCurve(
        name=SURVIVAL.read(r, "name"),
        hours=hours,
        alive=alive,
        shape=SURVIVAL.read(r, "shape"),
        source=str(source or ""),
    )
