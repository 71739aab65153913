"""Location models for stations and depots, solved exactly with HiGHS via scipy.

Every model is built from a ``(demand, candidate)`` travel-time matrix
(``from_matrix``) or from a road network (``from_network``); ``solve()`` returns
the model with results in attributes ending in ``_`` (``selected_``,
``objective_``, ``gap_``, ``solve_time_``...), as in PySAL spopt.
"""

from experiments.siting.base import LocationModel
from experiments.siting.coverage import LSCP, MCLP, BackupCoverage
from experiments.siting.errors import InfeasibleError, SitingError
from experiments.siting.hierarchy import SupplyHierarchy
from experiments.siting.median import PCenter, PMedian
from experiments.siting.orlib import read_pmed

__all__ = [
    "LSCP",
    "MCLP",
    "BackupCoverage",
    "InfeasibleError",
    "LocationModel",
    "PCenter",
    "PMedian",
    "SitingError",
    "SupplyHierarchy",
    "read_pmed",
]
