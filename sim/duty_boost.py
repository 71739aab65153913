"""Duty desks reinforced while a warning is in force (加强值班值守).

A warning's plan (:class:`sim.warnings.LevelPlan`) adds officers to every desk
of some levels from ``issue + desk_delay_h`` until the forces stand down.
:class:`BoostedStaff` is a level's :class:`~sim.duty.DeskStaff` with those
windows: its :meth:`~BoostedStaff.changes` (the step function the reporting
chain and the duty table read) and :meth:`~BoostedStaff.on_duty` (what
:func:`sim.duty.take_calls` asks) count the extra officers, so call taking,
report writing and the desks' records all see them unchanged. Where windows
of two warnings overlap, the larger reinforcement holds (a duty room is
reinforced to the stronger plan, not twice).
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scenarios.warnings import ScheduledWarning
from sim.duty import DeskStaff, DutyDesks
from sim.warnings import WarningPlan


@dataclass(frozen=True)
class BoostedStaff(DeskStaff):
    """A level's officers by shift, with extra officers during windows of the run.

    Attributes
    ----------
    boosts
        ``(from, until, extra officers)`` in run minutes, sorted.
    """

    boosts: tuple[tuple[float, float, int], ...] = ()
    _steps: dict[float, tuple[list[float], list[int], float]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def extra_at(self, t: float) -> int:
        """Extra officers on duty at run minute ``t``."""
        return max((x for a, b, x in self.boosts if a <= t < b), default=0)

    @property
    def most(self) -> int:
        """The most officers on duty at once (an upper bound)."""
        return super().most + max((x for _a, _b, x in self.boosts), default=0)

    @property
    def constant(self) -> bool:
        """Whether the same officers are on duty all the time."""
        return not self.boosts and super().constant

    def changes(self, start_hour: float, end: float) -> list[tuple[float, int]]:
        """``(run minute, officers)`` at minute 0 and at every change before ``end``."""
        base = super().changes(start_hour, end)
        if not self.boosts:
            return base
        times = [t for t, _ in base]
        cuts = {*times, *(a for a, _b, _x in self.boosts), *(b for _a, b, _x in self.boosts)}
        out: list[tuple[float, int]] = []
        for t in sorted(c for c in cuts if 0.0 <= c < end or c == 0.0):
            n = base[bisect_right(times, t) - 1][1] + self.extra_at(t)
            if not out or n != out[-1][1]:
                out.append((t, n))
        return out

    def on_duty(self, k: int, t: float, start_hour: float) -> float:
        """The first run minute at or after ``t`` when officer slot ``k`` is on duty.

        ``inf`` if it never is again (an extra officer after the last window).
        """
        steps = self._steps.get(start_hour)
        if steps is None:  # the step function up to the last window, once per start hour
            last = max((b for _a, b, _x in self.boosts), default=-math.inf)
            table = self.changes(start_hour, last) if self.boosts else [(0.0, 0)]
            steps = self._steps[start_hour] = ([s for s, _ in table], [n for _, n in table], last)
        times, counts, last = steps
        if t < last:
            i = bisect_right(times, t) - 1
            if counts[i] > k:
                return t
            for j in range(i + 1, len(times)):
                if counts[j] > k:
                    return times[j]
            t = last
        if k >= self.shifts_most:
            return math.inf
        return super().on_duty(k, t, start_hour)

    @property
    def shifts_most(self) -> int:
        """The most officers the shifts alone put on duty."""
        return max(k for _, k in self.shifts)


def boost_windows(
    warnings: Sequence[ScheduledWarning], plan: WarningPlan
) -> list[tuple[int, str, float, float, int]]:
    """The desk reinforcements the warnings trigger: ``(warning, level, from, until, extra)``.

    A reinforcement due at or after its hazard's start is not made; one due
    before the run starts holds from minute 0.
    """
    out = []
    for i, w in enumerate(warnings):
        lp = plan.level(w.level)
        t = w.issue + lp.desk_delay_h * 60.0
        if t >= w.start:
            continue
        until = w.end + plan.stand_down_h * 60.0
        out += [(i, lv, max(t, 0.0), until, x) for lv, x in lp.desk_officers if x > 0]
    return out


def boost_desks(duty: DutyDesks, warnings: Sequence[ScheduledWarning], plan: WarningPlan) -> Any:
    """``duty`` with every desk level the warnings reinforce staffed by a :class:`BoostedStaff`."""
    windows: dict[str, list[tuple[float, float, int]]] = {}
    for _i, level, a, b, x in boost_windows(warnings, plan):
        if level in duty.levels:
            windows.setdefault(level, []).append((a, b, x))
    if not windows:
        return duty
    staff = dict(duty.staff)
    for level, ws in windows.items():
        staff[level] = BoostedStaff(shifts=staff[level].shifts, boosts=tuple(sorted(ws)))
    return dataclasses.replace(duty, staff=staff)
