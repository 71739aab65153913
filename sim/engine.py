"""The SimPy engine of one run, assembled from its parts.

:class:`Engine` checks the inputs, draws the run's independent random
streams and runs the SimPy environment; the work is done by its parts, one
module each, which share the engine's state as attributes of one object (so a
hot loop reads ``self.status`` rather than ``self.fleet.status``, and no call
is added per team):

* :class:`sim.fleet.Fleet`: the teams, who is free where, :meth:`~sim.fleet.Fleet.nearest`
  (with :attr:`~sim.fleet.Fleet.now` and the area counters, the
  :class:`~sim.policies.DispatchView` that policies see);
* :class:`sim.standby.Standby`: the outside reinforcement, on standby until called in;
* :class:`sim.dispatch.Dispatch`: requirements, call taken, sending teams, clearing;
* :class:`sim.queues.Queues`: requests waiting for teams, and diversion;
* :class:`sim.supplies.Supplies`: depots, draws, reorders, stock-outs;
* :class:`sim.roads.RoadStates`: the current travel tables (:mod:`sim.travel`) and
  disruptions;
* :class:`sim.relocate.Relocation`: free teams moved to another station (move-up);
* :class:`sim.moveup.MoveUp`: the move-up policy that moves them, and coverage;
* :class:`sim.prepositioning.Prepositioning`: a warning plan's staged teams and stock;
* :class:`sim.recording.Recording`: the records at the end.

The design and the modelling choices are described in :mod:`sim.model`.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections.abc import Sequence

import numpy as np
import simpy

from networks.i18n import _
from networks.roadnet import RoadNetwork
from scenarios.distributions import Distribution, Lognormal
from scenarios.stream import IncidentStream
from sim.congestion import Congestion
from sim.dispatch import Dispatch
from sim.duty import DutyDesks, assign_desks, take_calls
from sim.facilities import Depot, Reinforcement, Station, check_facilities
from sim.fleet import Fleet, draws
from sim.moveup import MoveUp
from sim.moveup_spec import MoveupSpec
from sim.people_spec import PeopleSpec
from sim.policies import DispatchPolicy
from sim.prepositioning import Prepositioning
from sim.queues import Queues
from sim.recording import Recording
from sim.records import RunRecords
from sim.relocate import Relocation
from sim.reporting_rules import ReportingRules
from sim.roads import RoadStates
from sim.standby import Standby
from sim.supplies import Supplies
from sim.targets import ResponseTargets
from sim.travel_matrix import TravelMatrix
from sim.warnings import WarningPlan


class Engine(
    Fleet,
    Standby,
    Dispatch,
    Queues,
    Supplies,
    RoadStates,
    Relocation,
    Prepositioning,
    MoveUp,
    Recording,
):
    """One run of the response model; use :func:`sim.model.run` rather than this class.

    It is also the :class:`~sim.policies.DispatchView` handed to policies.
    """

    def __init__(
        self,
        network: RoadNetwork,
        stations: Sequence[Station],
        depots: Sequence[Depot],
        stream: IncidentStream,
        *,
        policy: DispatchPolicy,
        rng: np.random.Generator,
        horizon: float | None,
        targets: ResponseTargets,
        travel_noise: float,
        call_taking: Distribution,
        reinforcement: Reinforcement | None = None,
        duty: DutyDesks | None = None,
        reporting: ReportingRules | None = None,
        people: PeopleSpec | None = None,
        travel_matrix: TravelMatrix | None = None,
        congestion: Congestion | None = None,
        warnings: WarningPlan | None = None,
        moveup: MoveupSpec | None = None,
    ) -> None:
        if reinforcement is not None:
            # Its station goes last, so every other team keeps its index and its seed.
            stations = (*stations, reinforcement.station)
        check_facilities(network.n_nodes, stations, depots, source="sim.run")
        if len(stream) and (stream.node.min() < 0 or stream.node.max() >= network.n_nodes):
            raise ValueError(_("incident stream has nodes outside the network"))
        if not travel_noise >= 0:
            raise ValueError(_("travel_noise must be >= 0"))
        if horizon is not None and not horizon >= 0:
            raise ValueError(_("horizon must be >= 0"))
        self.stations = tuple(stations)
        self.stream = stream
        self.policy = policy
        self.horizon = horizon
        self.targets = targets
        self.env = simpy.Environment()
        # Independent streams: call taking, travel noise, and one per team (turnout, resupply),
        # so that a different policy sees the same call-taking times.
        call_rng, noise_rng, team_root, reinf_rng = rng.spawn(4)
        if reporting is not None and duty is None:
            duty = DutyDesks()
        if duty is not None and duty.call_taking is not None:
            call_taking = duty.call_taking
        call_work = call_taking.sample(call_rng, len(stream))
        if warnings is not None and duty is not None and stream.warnings:
            from sim.duty_boost import boost_desks  # extra officers while a warning holds

            duty = boost_desks(duty, stream.warnings, warnings)
        self.duty, self.reporting = duty, reporting
        # The chain's own stream, spawned after the others so that they keep their draws.
        self.report_rng = rng.spawn(1)[0] if reporting is not None else None
        # People at the scene: their own stream, spawned last, so every other draw stays.
        self.people = people
        self.people_rng = rng.spawn(1)[0] if people is not None else None
        if duty is None:  # call taking without a limit on who answers
            self.call_taken = (stream.time + call_work).tolist()
        else:
            self.desks = assign_desks(network, stations, stream.node, duty.levels)
            self.answered, taken = take_calls(
                stream.time, call_work, self.desks.desk[0], len(self.desks.units[0]),
                duty.staff[duty.receiving], start_hour=duty.start_hour,
            )  # fmt: skip
            self.call_taken = taken.tolist()
        self.network = network
        self.travel_noise = travel_noise
        self.travel_matrix = travel_matrix
        self.noise = draws(Lognormal(1.0, travel_noise), noise_rng) if travel_noise > 0 else None
        # The parts, in the order their state depends on each other: the requirements are
        # resolved against the fleet (with or without the reinforcement), the depots' items
        # include those requirements ask for, and the travel tables need the layout.
        self._init_fleet(self.stations, team_root)
        self._init_relocation()
        self._init_standby(reinforcement, reinf_rng)
        self._init_dispatch(stream)
        self._init_queues(policy)
        self._init_moveup(moveup, stream)
        self._init_supplies(depots)
        self._stage_isolated(stream, network)
        self._init_roads(network, congestion)
        self._init_warnings(warnings)  # after every part its actions use

    def run(self) -> RunRecords:
        """Simulate and collect the records, with Python's cyclic collector paused.

        A run makes no cyclic garbage per incident (reference counting frees
        what it drops; tests/sim/test_gc_pause.py checks), but it holds
        hundreds of thousands of live lists and tuples that every full
        collection would walk again: pausing the collector saves 10-30 % of a
        long run. It is switched back on afterwards if it was on.
        """
        was = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if was:
                gc.enable()

    def _run(self) -> RunRecords:
        try:
            self._open_roads()
            if self.moveup is not None:
                self._moveup_start()
            records = self._simulate()
        finally:
            self._close_roads()
        if self.moveup is not None:
            self._moveup_tables(records)
        if self.congestion is not None:
            records.meta["congestion"] = self._congestion_meta()
        if self.duty is not None:
            self._report(records)
        if self.people is not None:
            self._people(records)
        if self.warning_plan is not None:
            records.warnings = self._warning_table(records.end)
            records.warned = self._warned_table()
            records.meta["warnings"] = self.warning_plan.to_dict()
        return records

    def _people(self, records: RunRecords) -> None:
        """Add the ``people`` and ``shelters`` tables (:mod:`sim.people`); nothing else changes."""
        from sim.people import people_tables

        local = self.stations[:-1] if self.reinforcement is not None else self.stations
        tables = people_tables(
            # The state the run started in (a what-if closure stays closed), at free flow:
            # self.network is the undisrupted base the stream's disruptions are laid over.
            records, spec=self.people, network=self._free_start, stations=local,  # type: ignore[arg-type]
            rng=self.people_rng,  # type: ignore[arg-type]
        )  # fmt: skip
        records.people, records.shelters = tables["people"], tables["shelters"]
        records.meta["people"] = self.people.to_dict()  # type: ignore[union-attr]

    def _report(self, records: RunRecords) -> None:
        """Add the duty desks' and the reporting chain's tables (they change no other record)."""
        from sim.reporting import report_chain
        from sim.reporting_rules import ReportingRules

        answered = np.asarray(self.answered, dtype=np.float64)
        answered[answered > records.end] = np.nan
        rules = self.reporting
        tables = report_chain(
            records,
            network=self.network,
            stations=self.stations,
            desks=self.duty,  # type: ignore[arg-type]
            layout=self.desks,
            answered=answered,
            parent=self.stream.parent,
            rules=rules if rules is not None else ReportingRules(),
            rng=self.report_rng if self.report_rng is not None else np.random.default_rng(0),
            reports=rules is not None,
            cuts=self._scene_cuts(),
        )
        records.duty = tables["duty"]
        records.scene = tables["scene"]
        records.meta["duty"] = self.duty.to_dict()  # type: ignore[union-attr]
        if rules is not None:
            records.reports = tables["reports"]
            records.meta["reporting"] = rules.to_dict()

    def _scene_cuts(self) -> tuple[np.ndarray, np.ndarray]:
        """Road closures incidents bring with them: ``(incident, start)``."""
        rows = [
            d for d in self.stream.disruptions if d.incident >= 0 and d.disruption.factor == np.inf
        ]
        return (
            np.asarray([d.incident for d in rows], dtype=np.int64),
            np.asarray([d.start for d in rows], dtype=float),
        )

    def _simulate(self) -> RunRecords:
        env = self.env
        self._schedule_disruptions(self.horizon)
        ct = np.asarray(self.call_taken)
        times = self.stream.time
        fed = np.ones(len(ct), bool) if self.horizon is None else times < self.horizon
        self._order = np.flatnonzero(fed)[np.argsort(ct[fed], kind="stable")].tolist()
        self._next = 0
        # The first call taken (the run loop merges the calls with SimPy's events): a float
        # clock, not numpy's, and the event id a Timeout made now would take.
        self._arrival = env._now + float(ct[self._order[0]]) if self._order else math.inf
        self._arrival_eid = next(env._eid) if self._order else 0
        for i in np.flatnonzero(~fed).tolist():
            self.reason[i] = "after_horizon"
        if self.horizon is None:
            self._run_roads(None)  # env.run(), switching hour bands (if any) between events
        else:
            self._run_roads(self.horizon) if self.horizon > 0 else None
        if self.horizon is None:
            # A team still driving to a scene that cleared reaches it after the last event
            # (nothing marks its arrival): the run lasts until then, or it would read unserved;
            # so does an incident without teams (supplies only), or it would read not cleared.
            # Teams' drives home and restocking after that are in their dispatch rows only.
            lazy = itertools.chain(self.last_arrival, self.cleared)
            end = max([env.now, *(a for a in lazy if a == a)])
        else:
            end = float(self.horizon)
        return self._records(end)
