"""The response model: :func:`run`, and how its SimPy engine works and what it models.

Design (why it is fast)
-----------------------
An incident costs one SimPy event, however many teams it needs: when it is
cleared. Its call taken (dispatch happens there) comes from the sorted
stream, merged with SimPy's queue by the run loop in the order SimPy would
have run a ``Timeout`` for it (:meth:`sim.roads.RoadStates._run_roads`).
Everything between is arithmetic, because nothing can interrupt it: a
dispatched team's turnout and travel are drawn at dispatch, so its arrival
time is known, and with the arrivals of the teams dispatched so far the
times of control and clearing follow (:func:`work_done_at`). Only an
incident that gets more teams later (from a queue) or loses one to a more
urgent call is rescheduled; its earlier clearing event is then ignored. A
returning team needs no event either: it becomes dispatchable at clearing
and its position is a function of time.
Events are bare :class:`simpy.events.Timeout` objects with a callback; there
are no generator processes.

Dispatch choices use travel-time arrays computed once per network state
(:meth:`networks.RoadNetwork.travel_times` from the station nodes) and, per
node, a Python list of stations sorted by travel time, so the per-call work
is a short walk over Python lists, not numpy calls on tiny arrays.

Modelling choices (documented in the issue)
-------------------------------------------
* Call taking has no capacity limit: each call takes a draw of
  ``call_taking`` minutes.
* A team dispatched from its station takes a turnout draw, then drives;
  a team re-dispatched on its way back has no turnout.
* A returning team is taken to be at the previous scene while less than half
  of its return trip has elapsed, and at its station afterwards (the return
  trip is not tracked edge by edge). A team whose incident cleared while it
  was still on its way there first finishes that drive, then turns: sent on,
  its new trip includes the rest of the old one. Travel from a scene node
  uses one shortest-path tree per (scene node, network state), cached.
* Teams with a non-zero ``resupply`` time are not re-dispatchable on their way
  back; they restock at the station first.
* Work on scene is shared: an incident needing ``n`` teams needs
  ``n * control_work`` team-minutes to come under control and ``n *
  (control_work + clear_work)`` to clear, and each team works from its
  arrival. A full complement arriving together therefore takes exactly
  ``control_work``; a partial one makes progress (slower) instead of standing
  idle, and an incident that clears before its last teams are free stops
  asking for them. A count above what the whole
  region has is capped there (everyone of that capability goes; the excess is
  recorded as ``teams_short``). If a required capability exists nowhere,
  nothing is sent and the incident is unserved (``no_capability``).
* Partial complements are sent at once and the rest waits in a queue ordered
  by the policy. A more urgent waiting incident may divert a team still on
  its way to a less urgent incident that is itself short of its complement
  (taken to be at its origin while less than half of its trip has elapsed,
  else at that scene); teams already on scene are working and stay.
* Travel to a scene ranks teams by drive time only (turnout is drawn per
  dispatch); ``mutual_aid`` marks a dispatch whose drive alone exceeds the
  arrival target, i.e. nothing nearer was free.
* A disruption changes the travel times of every dispatch and return that
  starts after it; teams already on the road keep their drawn times.
  Congestion by time of day (``congestion``) does the same at each change of
  hour band: a trip is timed by the band in force when it starts. A team
  whose road home is cut stays at the scene (and can be sent on from there)
  until a road reopens, then drives home.
* Supplies are drawn at call taken from the nearest depot (by road) that has
  the item in stock; what it cannot give escalates up the parent chain
  (village -> township -> county -> city). Each draw reorders the depot's
  deficit from its parent, which arrives after the depot's lead time. Supplies
  do not hold up control.
* A warning plan (``warnings``) acts once per warning of the stream, each
  action after its own delay from the issue and only if that is before the
  hazard starts: teams move to staging stations as by a return trip
  (:mod:`sim.relocate`), stock moves down the depot chain as transfers, and
  desks get extra officers (:mod:`sim.prepositioning`, :mod:`sim.duty_boost`).
* Move-up (``moveup``) is decided at events the engine has anyway (a call's
  dispatches, a team released or restocked), never by polling: free teams
  at their stations move to other stations by a compliance table or a MEXCLP
  re-solve, dispatchable on the way, and return to their new post after an
  incident (:mod:`sim.moveup`).

Where the code lives
--------------------
This module keeps :func:`run`; the engine (:class:`~sim.engine.Engine`) is
assembled in :mod:`sim.engine` from one part per concern: :mod:`sim.fleet`
(teams and :meth:`~sim.fleet.Fleet.nearest`), :mod:`sim.standby` (outside
reinforcement), :mod:`sim.dispatch` (call taken, dispatch, clearing, with
:func:`work_done_at`), :mod:`sim.queues` (waiting requests, diversion),
:mod:`sim.supplies` (depots), :mod:`sim.roads` (road states and disruptions)
and :mod:`sim.recording` (the records). Travel answers per road state, and
:func:`route_lengths`, are in :mod:`sim.travel`.
"""

from __future__ import annotations

from collections.abc import Sequence

from networks.roadnet import RoadNetwork
from networks.seeds import SeedLike, as_generator
from scenarios.distributions import Distribution, Lognormal
from scenarios.stream import IncidentStream
from sim.congestion import Congestion
from sim.dispatch import work_done_at
from sim.duty import DutyDesks
from sim.engine import Engine
from sim.facilities import Depot, Reinforcement, Station
from sim.moveup_spec import MoveupSpec
from sim.people_spec import PeopleSpec
from sim.policies import DispatchPolicy, NearestAvailable
from sim.records import RunRecords
from sim.reporting_rules import ReportingRules
from sim.targets import ResponseTargets
from sim.travel import route_lengths
from sim.travel_matrix import TravelMatrix
from sim.warnings import WarningPlan

__all__ = ["Engine", "route_lengths", "run", "work_done_at"]


def run(
    network: RoadNetwork,
    stations: Sequence[Station],
    depots: Sequence[Depot],
    stream: IncidentStream,
    *,
    rng: SeedLike,
    policy: DispatchPolicy | None = None,
    horizon: float | None = None,
    targets: ResponseTargets | None = None,
    travel_noise: float = 0.0,
    call_taking: Distribution | None = None,
    reinforcement: Reinforcement | None = None,
    duty: DutyDesks | None = None,
    reporting: ReportingRules | None = None,
    people: PeopleSpec | None = None,
    travel_matrix: TravelMatrix | None = None,
    congestion: Congestion | None = None,
    warnings: WarningPlan | None = None,
    moveup: MoveupSpec | None = None,
) -> RunRecords:
    """Simulate the response to an incident stream.

    Parameters
    ----------
    network
        The road network; a disrupted state stays disrupted throughout, and
        the stream's disruptions are applied on top of it as they start and end.
    stations, depots
        Facilities (see :mod:`sim.facilities`).
    stream
        The incidents, with their requirements and road disruptions.
    rng
        Generator of this run (or a seed: int, SeedSequence, ``None`` for fresh
        entropy; see :func:`networks.seeds.as_generator`); independent child
        streams are spawned from it for call taking, travel noise and each team.
    policy
        Dispatch policy; :class:`~sim.policies.NearestAvailable` if ``None``.
    horizon
        Stop at this many minutes; incidents called later are ``after_horizon``
        and those not fully served by then are ``horizon``. ``None`` runs
        until nothing is left to happen.
    targets
        The response standard (used for the mutual-aid flag); defaults to 1/10/15.
    travel_noise
        Coefficient of variation of a lognormal factor (mean 1) on each drive;
        0 for none.
    call_taking
        Minutes to take a call; default lognormal, mean 0.75 min, cv 0.5.
    reinforcement
        Outside teams that an incident of grade ``max_grade`` or graver calls in
        (:class:`~sim.facilities.Reinforcement`); none if ``None``. Its station
        is recorded last among the stations; ``meta["reinforcement"]`` says
        when it was called and when it arrived.
    duty
        Duty desks (:class:`~sim.duty.DutyDesks`): calls are answered by the
        officers on duty at the receiving level and queue when all are on a
        call. ``None``: every call is answered at once, as by a desk without
        limit. Adds the ``duty`` and ``scene`` tables.
    reporting
        The reporting chain's rules (:class:`~sim.reporting_rules.ReportingRules`);
        adds the ``reports`` table (with default desks if ``duty`` is ``None``).
        Calls come before reports at a desk, and the chain draws from its own
        stream, so it changes no other record.
    people
        People at the scene (:class:`~sim.people_spec.PeopleSpec`): trapped,
        injured and evacuated people per incident, their rescue, survival and
        shelters (:mod:`sim.people`); adds the ``people`` and ``shelters``
        tables. Computed after the run from the records, with draws from a
        stream of its own, so it changes no other record.
    travel_matrix
        A bureau's own travel times (:class:`~sim.travel_matrix.TravelMatrix`,
        from :meth:`~sim.travel_matrix.OdMatrix.resolve`): where it has a
        station-node or depot-node pair, dispatch ranking and drive times use it
        instead of the roads, in every road state; ``None`` for the roads alone.
    congestion
        Travel-time multipliers by road class and clock hour
        (:class:`~sim.congestion.Congestion`): dispatch ranks teams, and drives,
        returns and depot deliveries are timed, on the roads of the hour a trip
        starts in (matrix pairs are not scaled); adds ``meta["congestion"]``.
        ``None`` (or a flat profile) gives today's records.
    warnings
        The region's warning plan (:class:`~sim.warnings.WarningPlan`): each
        warning of the stream (``stream.warnings``) stages teams in its area,
        pushes stock down to its township depots and village points and
        reinforces the duty desks (:mod:`sim.prepositioning`); adds the
        ``warnings`` table. ``None``, or warnings without lead time, give
        today's records.
    moveup
        Move-up (:class:`~sim.moveup_spec.MoveupSpec`): free teams move to other
        stations to cover for busy ones, by a compliance table or a MEXCLP
        re-solve (:mod:`sim.moveup`); adds the ``moves`` and ``coverage`` tables.
        ``None``: nobody moves (the records are those of a run without it).

    Returns
    -------
    RunRecords
        Same inputs and same seed give identical records.
    """
    eng = Engine(
        network,
        stations,
        depots,
        stream,
        policy=policy or NearestAvailable(),
        rng=as_generator(rng),
        horizon=horizon,
        targets=targets or ResponseTargets(),
        travel_noise=travel_noise,
        call_taking=call_taking or Lognormal(0.75, 0.5),
        reinforcement=reinforcement,
        duty=duty,
        reporting=reporting,
        people=people,
        travel_matrix=travel_matrix,
        congestion=congestion,
        warnings=warnings,
        moveup=moveup,
    )
    return eng.run()
