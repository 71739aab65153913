"""Experiment specs and their designs: the names other modules import, kept in one place.

The code lives in sibling modules, each holding one concept:

* :mod:`experiments.spec` -- :class:`ExperimentSpec`, the experiment file format
  and its validation;
* :mod:`experiments.factors` -- :class:`Factor` (levels, ranges, Latin-hypercube
  bounds) and the hypercube draw;
* :mod:`experiments.design_points` -- :class:`DesignPoint`, :func:`format_value`,
  :func:`factor_levels` and :func:`find_point`;
* :mod:`experiments.spec_base` -- the base run config (loading, merging,
  :func:`set_path`);
* :mod:`experiments.hashing` -- :func:`canonical_json`, :func:`config_hash`,
  :func:`package_version`, :func:`code_digest` and the identity of a design
  point's input files (:func:`~experiments.hashing.identity_view`);
* :mod:`experiments.metric_names` -- :data:`ID_METRICS`, :func:`simulation_metrics`
  and the check of an experiment's metrics against its design.
"""

from __future__ import annotations

from experiments.design_points import DesignPoint, factor_levels, find_point, format_value
from experiments.factors import MAX_POINTS, Factor
from experiments.hashing import canonical_json, code_digest, config_hash, package_version
from experiments.metric_names import ID_METRICS, simulation_metrics
from experiments.spec import MAX_RUNS, ExperimentSpec
from experiments.spec_base import set_path

__all__ = [
    "ID_METRICS",
    "MAX_POINTS",
    "MAX_RUNS",
    "DesignPoint",
    "ExperimentSpec",
    "Factor",
    "canonical_json",
    "code_digest",
    "config_hash",
    "factor_levels",
    "find_point",
    "format_value",
    "package_version",
    "set_path",
    "simulation_metrics",
]
