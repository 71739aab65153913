"""The nearest free team, but the county seat keeps one team of each kind in reserve.

A county seat's station is the county's backstop: when it sends its last fire
engine to a grade IV fire in a township, the next serious call anywhere waits
for a team from farther away. This policy sends the nearest free team, except
that a team based in ``area`` goes to an incident of a grade outside
``protected`` only if at least ``reserve`` teams of its kind stay free there.
Townships keep nothing back. Waiting requests are served first come, first
served. An area never holds back all of its teams: with ``n`` teams of a kind
it keeps at most ``n - 1`` free.

Used by ``examples/custom_policy.toml``::

    [policy]
    name = "policies.seat_reserve:SeatReserve"
    area = "County Seat"
    reserve = 1

The class implements :class:`sim.policies.DispatchPolicy` (``name``,
``queue_key``, ``choose``, ``to_dict``); the view it is handed is
:class:`sim.policies.DispatchView`.
"""

from __future__ import annotations

from typing import Any

from sim.policies import Candidate, DispatchView


class SeatReserve:
    """Nearest free team; the county seat's area keeps ``reserve`` teams per capability.

    Parameters
    ----------
    area
        The area whose teams are held back (a station's ``area``; the default
        stations of the built-in county put the seat station in ``"County Seat"``).
    reserve
        Teams of each capability kept free there for incidents of a protected grade.
    protected
        Grades that may take the reserve (I and II by default).
    """

    name = "seat_reserve"

    def __init__(
        self, *, area: str = "County Seat", reserve: int = 1, protected: list[int] | None = None
    ) -> None:
        if not isinstance(area, str) or not area:
            raise ValueError(f"area must be a non-empty string, got {area!r}")
        if isinstance(reserve, bool) or not isinstance(reserve, int) or reserve < 0:
            raise ValueError(f"reserve must be a whole number >= 0, got {reserve!r}")
        grades = [1, 2] if protected is None else list(protected)
        if not all(g in (1, 2, 3, 4) for g in grades):
            raise ValueError(f"protected must list grades 1-4, got {protected!r}")
        self.area = area
        self.reserve = reserve
        self.protected = frozenset(grades)

    def queue_key(self, grade: int, call_taken: float) -> float:
        """First come, first served."""
        return call_taken

    def choose(
        self, view: DispatchView, node: int, capability: int, grade: int, since: float
    ) -> Candidate | None:
        """The nearest free team that leaves the seat its reserve; any team for protected grades."""
        if grade in self.protected or self.reserve == 0:
            return view.nearest(node, capability)

        def allow(team: int) -> bool:
            if view.area_of(team) != self.area:
                return True
            keep = min(self.reserve, view.teams_in_area(team) - 1)
            return view.free_in_area(team) > keep

        return view.nearest(node, capability, allow=allow)

    def to_dict(self) -> dict[str, Any]:
        """Name and parameters, as the run's records keep them."""
        return {
            "name": self.name,
            "area": self.area,
            "reserve": self.reserve,
            "protected": sorted(self.protected),
        }
