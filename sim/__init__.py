"""How the response plays out: the SimPy model of dispatch, teams and depots.

Entry points: :func:`run` (one run -> :class:`RunRecords`), :func:`summarise`
(records -> JSON-ready metrics) and :func:`default_facilities` (stations and
depots on the built-in synthetic county). The distribution classes used for
turnout, resupply and call-taking times live in :mod:`scenarios.distributions`
and are re-exported here for convenience.
"""

from scenarios.distributions import (
    Distribution,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Triangular,
    Uniform,
)
from sim.defaults import default_facilities
from sim.facilities import Depot, Reinforcement, Station, TeamSpec, check_facilities
from sim.model import run
from sim.policies import DispatchPolicy, NearestAvailable, SeverityPriority, policy_from_dict
from sim.records import RunRecords
from sim.summary import summarise
from sim.targets import ResponseTargets

__all__ = [
    "Depot",
    "DispatchPolicy",
    "Distribution",
    "Exponential",
    "Fixed",
    "Gamma",
    "Lognormal",
    "NearestAvailable",
    "ResponseTargets",
    "Reinforcement",
    "RunRecords",
    "SeverityPriority",
    "Station",
    "TeamSpec",
    "Triangular",
    "Uniform",
    "check_facilities",
    "default_facilities",
    "policy_from_dict",
    "run",
    "summarise",
]
