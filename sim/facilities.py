"""Stations, teams and supply depots: the facilities a response draws on.

Specs are frozen dataclasses with ``from_dict`` (validating, raising
:class:`~networks.errors.ConfigError` that names the source and dotted key)
and ``to_dict`` (round-tripping). :func:`check_facilities` checks a set of
facilities against a road network before a run.

This module gathers the facility interface in one place; the code lives in
:mod:`sim.stations` (:class:`TeamSpec`, :class:`Station`), :mod:`sim.depots`
(:class:`Depot`), :mod:`sim.reinforcement` (:class:`Reinforcement`),
:mod:`sim.facility_checks` (:func:`check_facilities`, :func:`chinese_names`)
and :mod:`sim.facility_fields` (:func:`one_line` and the shared field readers).
"""

from __future__ import annotations

from sim.depots import DEPOT_TIERS, MAX_STOCK, Depot
from sim.facility_checks import check_facilities, chinese_names
from sim.facility_fields import NOT_ONE_LINE, one_line
from sim.reinforcement import Reinforcement
from sim.stations import (
    CAPABILITIES,
    MAX_TEAM_COUNT,
    MAX_TEAM_SIZE,
    STATION_TIERS,
    TOWNSHIP_TEAM_MIN_SIZE,
    Station,
    TeamSpec,
)

__all__ = [
    "CAPABILITIES",
    "DEPOT_TIERS",
    "MAX_STOCK",
    "MAX_TEAM_COUNT",
    "MAX_TEAM_SIZE",
    "NOT_ONE_LINE",
    "STATION_TIERS",
    "TOWNSHIP_TEAM_MIN_SIZE",
    "Depot",
    "Reinforcement",
    "Station",
    "TeamSpec",
    "check_facilities",
    "chinese_names",
    "one_line",
]
