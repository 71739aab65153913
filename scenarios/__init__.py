"""What happens: hazards, incident streams, cascades, road damage and blind drills.

Public API::

    load_catalogue(extra=None) -> HazardCatalogue
    load_scenario(name_or_path) -> ScenarioSpec
    generate_stream(spec, network, *, rng, weights=None, sources=None, catalogue=None)
        -> IncidentStream
"""

from scenarios.catalogue import HazardCatalogue, HazardSpec, load_catalogue
from scenarios.generate import generate_stream
from scenarios.places import Geography, Location, default_sources
from scenarios.spec import BackgroundSpec, ScenarioSpec, list_scenarios, load_scenario
from scenarios.stream import IncidentStream, Requirement, ScheduledDisruption

__all__ = [
    "BackgroundSpec",
    "Geography",
    "HazardCatalogue",
    "HazardSpec",
    "IncidentStream",
    "Location",
    "Requirement",
    "ScenarioSpec",
    "ScheduledDisruption",
    "default_sources",
    "generate_stream",
    "list_scenarios",
    "load_catalogue",
    "load_scenario",
]
