"""The configuration reference (``docs/config.md``), collected from the validators' key records.

Every table of every file yingji reads declares its keys as a
:class:`~scenarios.config_keys.Section` beside its validator, and the validator
checks unknown keys (and reads plain values) with it. This module gathers the
sections by file kind (:func:`files`), knows which key of a table holds which
sub-table (:func:`walk`), and renders the whole as Markdown
(:mod:`experiments.config_markdown`)::

    python -m experiments.config_reference > docs/config.md

``tests/experiments/test_config_reference.py`` checks that ``docs/config.md`` is
what this prints, that every key of the example files is documented, and that
the validators reject what the reference does not allow.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scenarios.config_keys import Key, Section

__all__ = ["LINKS", "FileKind", "files", "main", "render", "section", "walk"]

#: A link from a key to the table it holds: a section id (``"run:network"``), or a function
#: of the value (an ``[[events]]`` table's section depends on its ``type``).
Link = str | Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class FileKind:
    """One kind of file: its tables, in the order the reference shows them.

    Attributes
    ----------
    kind
        Identifier (``run``, ``scenario`` ...).
    title, zh
        Heading, and the Chinese term.
    help
        A paragraph on the file as a whole.
    sections
        Its tables (or, for ``tables``, the table files).
    """

    kind: str
    title: str
    zh: str
    help: str
    sections: tuple[Section, ...]


def _run_file() -> FileKind:
    from experiments.network_spec import NETWORK, SPEEDS
    from experiments.run_keys import (
        FACILITIES,
        INLINE_DEPOTS,
        INLINE_STATIONS,
        REINFORCEMENT,
        RUN,
        RUN_FILE,
        SCENARIO,
        SOURCES,
        TRAVEL,
    )
    from sim.congestion import CONGESTION, CONGESTION_HOURS
    from sim.duty import DUTY, DUTY_DESK
    from sim.moveup_spec import MOVEUP, MOVEUP_TABLES
    from sim.people_spec import (
        PEOPLE,
        PEOPLE_HAZARD,
        PEOPLE_HAZARDS,
        PEOPLE_RESCUE,
        PEOPLE_SHELTER,
    )
    from sim.policies import POLICY, POLICY_RESERVE
    from sim.reporting_rules import (
        REPORTING,
        REPORTING_DEADLINES,
        REPORTING_FIRST,
        REPORTING_LEVEL_DEADLINES,
        REPORTING_VIDEO,
        REPORTING_WRITING,
    )
    from sim.stations import TEAM
    from sim.survival import SURVIVAL
    from sim.targets import TARGETS
    from sim.warnings import WARNINGS, WARNINGS_DESKS, WARNINGS_LEVEL

    return FileKind(
        "run",
        "Run config",
        "运行配置",
        "yingji run, yingji site and the base of an experiment read a run config: a region "
        "(network, stations, depots, hazard sources), a scenario, a dispatch policy, the "
        "response targets and the run settings. Only [network] is required.",
        (
            RUN_FILE, NETWORK, SPEEDS, FACILITIES, INLINE_STATIONS, TEAM, INLINE_DEPOTS,
            SCENARIO, SOURCES, POLICY, POLICY_RESERVE, TARGETS, RUN, TRAVEL, REINFORCEMENT,
            DUTY, DUTY_DESK, REPORTING, REPORTING_DEADLINES, REPORTING_LEVEL_DEADLINES,
            REPORTING_FIRST, REPORTING_WRITING, REPORTING_VIDEO, PEOPLE, PEOPLE_RESCUE, SURVIVAL,
            PEOPLE_SHELTER, PEOPLE_HAZARDS, PEOPLE_HAZARD, WARNINGS, WARNINGS_LEVEL,
            WARNINGS_DESKS, MOVEUP, MOVEUP_TABLES, CONGESTION, CONGESTION_HOURS,
        ),
    )  # fmt: skip


def _siting() -> FileKind:
    from experiments.siting.task import SITING

    return FileKind(
        "siting",
        "Siting",
        "选址",
        "yingji site reads a run config; its [siting] table (one task) or [[siting]] tables "
        "(several) say what to site. Tables given as candidates, demand or fix are described "
        "under Tables.",
        (SITING,),
    )


def _scenario_file() -> FileKind:
    from scenarios.distributions import DISTRIBUTION
    from scenarios.event_fields import LOCATION
    from scenarios.event_hazmat import CHEMICAL_LEAK
    from scenarios.event_quake import EARTHQUAKE
    from scenarios.event_weather import RAINSTORM, TYPHOON
    from scenarios.events import SET_INCIDENT
    from scenarios.spec import BACKGROUND, RATES, SCENARIO_FILE
    from scenarios.warnings import WARNING, WARNING_AREA

    return FileKind(
        "scenario",
        "Scenario file",
        "情景文件",
        'A scenario TOML ([scenario] file = "..." of a run config, yingji scenario sample '
        "FILE): background incident rates, disaster events and catalogue overrides. Its "
        "[overrides] table has the shape of a hazard catalogue file.",
        (
            SCENARIO_FILE, BACKGROUND, RATES, RAINSTORM, TYPHOON, WARNING, WARNING_AREA,
            EARTHQUAKE, CHEMICAL_LEAK, SET_INCIDENT, LOCATION, DISTRIBUTION,
        ),
    )  # fmt: skip


def _catalogue_file() -> FileKind:
    from scenarios.catalogue import CATALOGUE
    from scenarios.hazard import HAZARD, HAZARD_SUPPLIES, HAZARD_TEAMS
    from scenarios.hazard_effects import CASCADE, ROAD_EFFECT

    return FileKind(
        "catalogue",
        "Hazard catalogue file",
        "事件目录文件",
        'Your own hazards, laid over the shipped catalogue (catalogue = "..." of a scenario '
        "or drill file, yingji scenario hazards --catalogue FILE).",
        (CATALOGUE, HAZARDS, HAZARD, HAZARD_TEAMS, HAZARD_SUPPLIES, CASCADE, ROAD_EFFECT),
    )


def _experiment_file() -> FileKind:
    from experiments.factors import FACTOR
    from experiments.spec import BASE, EXPERIMENT

    return FileKind(
        "experiment",
        "Experiment file",
        "试验方案",
        "yingji experiment plan/run read an experiment: a base run config, factors, "
        "replications and a root seed.",
        (EXPERIMENT, BASE, FACTOR),
    )


def _drill_file() -> FileKind:
    from experiments.drill.config import BENCHMARK, DRILL_FILE, EVALUATION, SEAL
    from experiments.drill.reporting_deadlines import DRILL_REPORTING
    from scenarios.drill.spec_keys import DRILL, DRILL_RISK, DRILL_TARGETS
    from scenarios.drill.workgroup_keys import FORCE, WORK_GROUP, WORKGROUPS

    return FileKind(
        "drill",
        "Drill file",
        "演练方案",
        "yingji drill draw reads a drill file. [network], [facilities], [[stations]], "
        "[[depots]] and [sources] are those of a run config.",
        (
            DRILL_FILE, DRILL, DRILL_RISK, DRILL_REPORTING, DRILL_TARGETS, EVALUATION,
            WORKGROUPS, WORK_GROUP, FORCE, SEAL, BENCHMARK,
        ),
    )  # fmt: skip


def _templates_file() -> FileKind:
    from scenarios.drill.report_template_reading import (
        DEFINE,
        FIELD,
        SHARED_FIELDS,
        TEMPLATE,
        TEMPLATES,
        TEMPLATES_FILE,
    )

    return FileKind(
        "templates",
        "Report templates file",
        "信息报告模板文件",
        'The report forms of a drill ([reporting] templates = "..." of a drill file); the '
        "shipped set is scenarios/data/report_templates.toml.",
        (TEMPLATES_FILE, SHARED_FIELDS, FIELD, TEMPLATES, TEMPLATE, DEFINE),
    )


def _tables() -> FileKind:
    from experiments.drill.history_file import HISTORY_TABLE
    from experiments.drill.observations import OBSERVATIONS_TABLE
    from experiments.facility_tables import DEPOTS_TABLE, STATIONS_TABLE
    from experiments.log_columns import DISRUPTIONS_TABLE, INCIDENT_LOG_TABLE
    from experiments.siting.places import SITING_TABLE
    from sim.travel_matrix import OD_MATRIX_TABLE

    return FileKind(
        "tables",
        "Tables",
        "数据表",
        "Table files (CSV with a header row; or GeoJSON, GeoPackage or Shapefile Point features, "
        "in any coordinate reference system, whose attributes are the columns) that configs "
        "point to. Column names are English in every language. A CSV may be UTF-8 or, as Excel "
        "on Chinese Windows saves it, GBK (GB18030; read with a warning); so may a Shapefile "
        "without a .cpg file naming its encoding (read as UTF-8, else GBK with a warning). "
        "Of a file with "
        "several layers (a GeoPackage), the layer named after the table is read, or the one "
        "given after # (county.gpkg#stations_2025).",
        (
            STATIONS_TABLE, DEPOTS_TABLE, SITING_TABLE, INCIDENT_LOG_TABLE, DISRUPTIONS_TABLE,
            HISTORY_TABLE, OBSERVATIONS_TABLE, OD_MATRIX_TABLE,
        ),
    )  # fmt: skip


#: ``[hazards]`` of a catalogue: hazard tables by key.
HAZARDS = Section(
    "hazards",
    "Hazards",
    (
        Key(
            "<key>",
            "table",
            "A hazard, [hazards.<key>]: a new key adds one, a shipped key changes it.",
        ),
    ),  # fmt: skip
    zh="事件类型",
)


def _files() -> tuple[FileKind, ...]:
    # Built on first use: collecting the sections imports most of yingji.
    return (
        _run_file(), _siting(), _scenario_file(), _catalogue_file(), _experiment_file(),
        _drill_file(), _templates_file(), _tables(),
    )  # fmt: skip


@functools.cache
def files() -> tuple[FileKind, ...]:
    """Every kind of file, in the order of the reference (built on first use)."""
    return _files()


def section(sid: str) -> Section:
    """The section with id ``kind:path`` (``run:network``, ``scenario:``)."""
    kind, _sep, path = sid.partition(":")
    for f in files():
        if f.kind == kind or (kind == "run" and f.kind == "siting"):
            for s in f.sections:
                if s.path == path:
                    return s
    raise KeyError(sid)


def _event(item: Mapping[str, Any]) -> str | None:
    t = item.get("type")
    return f'scenario:events[] type = "{t}"' if isinstance(t, str) else None


_RUN_LINKS: dict[tuple[str, str], Link] = {
    ("", "network"): "run:network",
    ("network", "speeds"): "run:network.speeds",
    ("", "facilities"): "run:facilities",
    ("", "stations"): "run:stations[]",
    ("stations[]", "teams"): "run:stations[].teams[]",
    ("", "depots"): "run:depots[]",
    ("", "scenario"): "run:scenario",
    ("", "sources"): "run:sources",
    ("", "policy"): "run:policy",
    ("policy", "reserve"): "run:policy.reserve",
    ("", "targets"): "run:targets",
    ("", "run"): "run:run",
    ("", "reinforcement"): "run:reinforcement",
    ("reinforcement", "teams"): "run:stations[].teams[]",
    ("", "duty"): "run:duty",
    ("duty", "<level>"): "run:duty.<level>",
    ("", "reporting"): "run:reporting",
    ("reporting", "deadlines"): "run:reporting.deadlines",
    ("reporting.deadlines", "<level>"): "run:reporting.deadlines.<level>",
    ("reporting", "first_report"): "run:reporting.first_report",
    ("reporting", "writing"): "run:reporting.writing",
    ("reporting", "video"): "run:reporting.video",
    ("", "people"): "run:people",
    ("people", "rescue_per_hour"): "run:people.rescue_per_hour",
    ("people", "survival"): "run:people.survival",
    ("people", "shelters"): "run:people.shelters[]",
    ("people", "hazards"): "run:people.hazards",
    ("people.hazards", "<hazard>"): "run:people.hazards.<hazard>",
    ("", "warnings"): "run:warnings",
    ("warnings", "<level>"): "run:warnings.<level>",
    ("warnings.<level>", "desk_officers"): "run:warnings.<level>.desk_officers",
    ("", "moveup"): "run:moveup",
    ("moveup", "tables"): "run:moveup.tables",
    ("", "congestion"): "run:congestion",
    ("congestion", "hours"): "run:congestion.hours",
    ("", "siting"): "run:siting[]",
}
#: Which key of which table holds which table: ``(section id, key) -> link``.
LINKS: dict[tuple[str, str], Link] = {
    **{(f"run:{p}", k): v for (p, k), v in _RUN_LINKS.items()},
    **{("experiment:base", k): v for (p, k), v in _RUN_LINKS.items() if p == ""},
    ("experiment:", "base"): "experiment:base",
    ("experiment:", "factors"): "experiment:factors[]",
    ("scenario:", "background"): "scenario:background",
    ("scenario:background", "rates"): "scenario:background.rates",
    ("scenario:", "events"): _event,
    ("scenario:", "overrides"): "catalogue:",
    **{(f'scenario:events[] type = "{t}"', "warning"): "scenario:events[].warning"
       for t in ("rainstorm", "typhoon")},
    ("scenario:events[].warning", "area"): "scenario:events[].warning.area",
    ("catalogue:", "hazards"): "catalogue:hazards",
    ("catalogue:hazards", "<key>"): "catalogue:hazards.<key>",
    ("catalogue:hazards.<key>", "teams"): "catalogue:hazards.<key>.teams",
    ("catalogue:hazards.<key>", "supplies"): "catalogue:hazards.<key>.supplies",
    ("catalogue:hazards.<key>", "cascade"): "catalogue:hazards.<key>.cascade[]",
    ("catalogue:hazards.<key>", "roads"): "catalogue:hazards.<key>.roads[]",
    **{("drill:", k): f"drill:{k}" for k in ("drill", "risk", "reporting", "targets",
                                            "evaluation", "workgroups", "seal", "benchmark")},
    **{("drill:", k): v for (p, k), v in _RUN_LINKS.items()
       if p == "" and k in ("network", "facilities", "stations", "depots", "sources")},
    ("templates:", "fields"): "templates:fields",
    ("templates:fields", "<key>"): "templates:fields.<key>",
    ("templates:", "templates"): "templates:templates",
    ("templates:templates", "<key>"): "templates:templates.<key>",
    ("templates:templates.<key>", "define"): "templates:templates.<key>.define",
    ("templates:templates.<key>.define", "<field>"): "templates:fields.<key>",
    ("drill:workgroups", "group"): "drill:workgroups.group[]",
    ("drill:workgroups", "force"): "drill:workgroups.force[]",
}  # fmt: skip
#: Keys of these types hold a table of a known shape wherever they stand.
_TYPED = {"distribution": "scenario:<distribution>"}
_LOCATED = ("at", "path_from", "path_to")


def walk(kind: str, data: Mapping[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """Every key of a file's data: ``(dotted key, section id, whether documented)``.

    Parameters
    ----------
    kind
        ``run``, ``scenario``, ``catalogue``, ``experiment``, ``drill`` or ``templates``.
    data
        The file as read from TOML.
    """
    yield from _walk(f"{kind}:", data, "")


def _walk(sid: str, data: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str, bool]]:
    sec = section(sid)
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        try:
            rec = sec[str(k)]
        except KeyError:
            yield key, sid, False
            continue
        yield key, sid, True
        link = LINKS.get((sid, rec.name)) or _TYPED.get(rec.type)
        if link is None and sid.startswith("scenario:events[]") and k in _LOCATED:
            link = "scenario:<location>"
        items = v if isinstance(v, list) else [v]
        for i, item in enumerate(items):
            if link is None or not isinstance(item, Mapping):
                continue
            child = link(item) if callable(link) else link
            if child is not None:
                yield from _walk(child, item, f"{key}[{i}]" if isinstance(v, list) else key)


def render() -> str:
    """The reference as Markdown (the text of ``docs/config.md``)."""
    from experiments.config_markdown import render_reference

    return render_reference(files())


def main(argv: list[str] | None = None) -> int:
    """Print the reference (``python -m experiments.config_reference > docs/config.md``)."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
