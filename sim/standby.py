"""Outside reinforcement during a run: teams standing by, the call-in, their arrival.

The reinforcement itself (:class:`~sim.facilities.Reinforcement`: its station,
delay and the grade that calls it) is a facility spec in
:mod:`sim.reinforcement`; this module holds what happens to it in a run. Its
station is the engine's last; its teams start off the free lists (``STANDBY``)
and count for nothing until they arrive. The first call of grade
``max_grade`` or graver sets them off; from then on, incidents of such grades
(and every incident after they have arrived) use the requirement rows resolved
against the county plus the reinforcement (see :class:`sim.dispatch.Dispatch`).
"""

from __future__ import annotations

import math

import numpy as np
from simpy.events import Timeout

from sim.facilities import CAPABILITIES, Reinforcement
from sim.fleet import HOME, STANDBY

_NAN = math.nan


class Standby:
    """The reinforcement's teams until and after they are called in.

    A part of :class:`sim.engine.Engine`: :meth:`_init_standby` runs after
    :meth:`sim.fleet.Fleet._init_fleet` and takes the last station's teams off
    the free lists; :meth:`_with_reinforcement` is asked at each call taken.
    """

    def _init_standby(self, reinforcement: Reinforcement | None, rng: np.random.Generator) -> None:
        """Put the reinforcement's teams on standby and draw its delay (from ``rng``)."""
        self.reinforcement = reinforcement
        self.reinforced_at = _NAN  # when they arrived (minutes)
        self.called_at = _NAN  # when the call that brought them in was taken
        self._standby: list[list[int]] = []
        if reinforcement is None:
            return
        si = len(self.stations) - 1
        self._standby = self.free_home[si]
        self.free_home[si] = [[] for _ in CAPABILITIES]
        for lst in self._standby:
            for t in lst:
                self.status[t] = STANDBY
                self.n_free[self.team_cap[t]] -= 1
                self.free_area[self.team_area[t]][self.team_cap[t]] -= 1
                # Nor do they count for an area's reserve until they come.
                self.area_total[self.team_area[t]][self.team_cap[t]] -= 1
                self.local_cap[self.team_cap[t]] -= 1
        self.reinforce_delay = float(reinforcement.delay.sample(rng))

    def _with_reinforcement(self, i: int, req: int) -> int:
        """The requirement row incident ``i`` uses, calling the reinforcement in if grave.

        Only asked when there is a reinforcement.
        """
        max_grade = self.reinforcement.max_grade  # type: ignore[union-attr]
        if self._standby and self.s_grade[i] <= max_grade:
            self._call_in()  # so this incident may wait for the reinforcement's teams
        if not math.isnan(self.called_at) and (self.s_grade[i] <= max_grade or not self._standby):
            req += self.n_req
            self.s_req[i] = req
        return req

    def _call_in(self) -> None:
        """A grave incident's call was taken: the reinforcement sets off (once)."""
        if math.isnan(self.called_at):
            self.called_at = self.env._now
            ev = Timeout(self.env, self.reinforce_delay)
            ev.callbacks.append(self._reinforced)

    def _reinforced(self, ev: Timeout) -> None:
        """The reinforcement has arrived: its teams join the free lists and the queues move."""
        self.reinforced_at = self.env._now
        si = len(self.stations) - 1
        self.free_home[si], standby, self._standby = self._standby, self._standby, []
        for lst in standby:
            for t in lst:
                cap = self.team_cap[t]
                self.status[t] = HOME
                self.n_free[cap] += 1
                self.free_area[self.team_area[t]][cap] += 1
                self.area_total[self.team_area[t]][cap] += 1
        for cap in range(len(CAPABILITIES)):
            if self.queues[cap]:
                self._serve(cap)
