"""What happens: hazards, incident streams, cascades, road damage and blind drills.

Public API::

    load_catalogue(extra=None) -> HazardCatalogue
    load_scenario(name_or_path) -> ScenarioSpec
    generate_stream(spec, network, *, rng, weights=None, sources=None, catalogue=None)
        -> IncidentStream

Texts people read follow the language in use (:mod:`networks.i18n`):
``HazardSpec.label()/about()/control_text()/grade_meaning(g)/category_label()``,
``ScenarioSpec.label()/about()``, and the vocabulary in :mod:`scenarios.terms`
(``grade_name``, ``grade_label``, ``category_name``, ``warning_name``,
``capability_name``, ``supply_name``, ``event_name``, ``source_name``,
``road_set_name``).
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
