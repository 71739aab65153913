"""How the response plays out: the SimPy model of dispatch, teams and depots.

Entry points: :func:`run` (one run -> :class:`RunRecords`), :func:`summarise`
(records -> JSON-ready metrics) and :func:`default_facilities` (stations and
depots on the built-in synthetic county).
"""

from sim.defaults import default_facilities
from sim.distributions import Distribution, Exponential, Fixed, Lognormal, Triangular, Uniform
from sim.facilities import Depot, Station, TeamSpec, check_facilities
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
    "Lognormal",
    "NearestAvailable",
    "ResponseTargets",
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
