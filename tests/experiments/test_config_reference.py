"""docs/config.md: generated from the validators' key records, and the validators keep to it.

* the page in the repository is what ``python -m experiments.config_reference`` prints;
* every key of every shipped or example TOML file is documented for its kind of file;
* for every documented table, the real validator refuses a key the table does not
  list, a string outside its listed values and a number outside its bounds, each
  time naming that key; and accepts every listed value.
"""

from __future__ import annotations

import copy
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.config_reference import files, render, section, walk
from networks.errors import ConfigError
from scenarios.config_keys import Key, Section

REPO = Path(__file__).resolve().parents[2]
UNKNOWN = "zz_not_a_key"
_SETTINGS = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ------------------------------------------------------------------ the validators
def _run(doc: Mapping[str, Any], tmp: Path) -> Any:
    from experiments.config import RunConfig

    return RunConfig.from_dict(doc, source="probe.toml", base_dir=tmp)


def _run_placed(doc: Mapping[str, Any], tmp: Path) -> Any:
    return _run(doc, tmp).region()  # inline stations and depots are read when placed


def _siting(doc: Mapping[str, Any], tmp: Path) -> Any:
    from experiments.siting.task import read_tasks

    return read_tasks(doc, source="probe.toml", base_dir=tmp)


def _experiment(doc: Mapping[str, Any], tmp: Path) -> Any:
    from experiments.spec import ExperimentSpec

    return ExperimentSpec.from_dict(doc, source="probe.toml", base_dir=tmp)


def _scenario(doc: Mapping[str, Any], tmp: Path) -> Any:
    from scenarios.spec import ScenarioSpec

    return ScenarioSpec.from_dict(doc, source="probe.toml").hazard_catalogue()


def _catalogue(doc: Mapping[str, Any], tmp: Path) -> Any:
    from scenarios.catalogue import load_catalogue

    return load_catalogue().merged(doc, source="probe.toml")


def _templates(doc: Mapping[str, Any], tmp: Path) -> Any:
    from scenarios.drill.report_template_reading import read_templates

    return read_templates(doc, source="probe.toml")


def _drill(doc: Mapping[str, Any], tmp: Path) -> Any:
    import experiments.drill.config as drill_config

    path = tmp / "probe.toml"
    path.write_text("# probe\n", encoding="utf-8")
    # The file is read with read_toml; hand it the data instead of writing TOML.
    with mock.patch.object(drill_config, "read_toml", lambda _p: copy.deepcopy(doc)):
        return drill_config.DrillConfig.from_file(path)


RUN = {"network": {"synthetic": "county"}, "scenario": {"name": "typical_week"}}
TEAM = {"capability": "general", "size": 50}
REINFORCEMENT = {"location": "landmark:County Seat", "teams": [TEAM]}
SCENARIO = {"name": "probe", "duration_h": 24}
DRILL = {"drill": {"start": "2027-01-04T08:00:00+08:00", "end": "2027-12-24T18:00:00+08:00"}}
RAIN = {"type": "rainstorm", "start_h": 0, "duration_h": 6, "intensity_mm_h": 30}
QUAKE = {"type": "earthquake", "time_h": 1, "magnitude": 6}
FIELD = {"label": "F", "type": "text"}
FORM = {"title": "T", "category": "accident", "fields": ["f"], "define": {"f": FIELD}}
TEMPLATES = {"templates": {"t": FORM}}
DELAY = {"dist": "exponential", "mean": 30}

#: Where each documented table sits in a valid file: section id -> (validator, base file,
#: path of the table in it, a valid table).
Probe = tuple[Callable[[Mapping[str, Any], Path], Any], Mapping[str, Any], tuple, dict]
PROBES: dict[str, Probe] = {
    "run:": (_run, {}, (), dict(RUN)),
    "run:network": (_run, RUN, ("network",), {"synthetic": "county"}),
    "run:network.speeds": (_run, RUN, ("network", "speeds"), {"residential": 25}),
    "run:facilities": (_run, RUN, ("facilities",), {}),
    "run:stations[]": (
        _run_placed, RUN, ("stations", 0),
        {"name": "S", "tier": "county", "location": "landmark:County Seat", "teams": [TEAM]},
    ),
    "run:stations[].teams[]": (
        _run, {**RUN, "reinforcement": REINFORCEMENT}, ("reinforcement", "teams", 0), TEAM
    ),
    "run:depots[]": (
        _run_placed, RUN, ("depots", 0),
        {"name": "D", "tier": "county", "location": "landmark:County Seat",
         "stock": {"tents": 10}},
    ),
    "run:scenario": (_run, RUN, ("scenario",), {"name": "typical_week"}),
    "run:sources": (_run, RUN, ("sources",), {"river": ["landmark:County Seat"]}),
    "run:policy": (_run, RUN, ("policy",), {"name": "severity_priority"}),
    "run:policy.reserve": (
        _run, {**RUN, "policy": {"name": "severity_priority"}}, ("policy", "reserve"),
        {"fire": 1},
    ),
    "run:targets": (_run, RUN, ("targets",), {}),
    "run:run": (_run, RUN, ("run",), {}),
    "run:travel": (_run, RUN, ("travel",), {}),
    "run:reinforcement": (_run, RUN, ("reinforcement",), dict(REINFORCEMENT)),
    "run:duty": (_run, RUN, ("duty",), {}),
    "run:duty.<level>": (_run, RUN, ("duty", "county"), {"officers": 2}),
    "run:reporting": (_run, RUN, ("reporting",), {}),
    "run:reporting.deadlines": (_run, RUN, ("reporting", "deadlines"), {}),
    "run:reporting.deadlines.<level>": (_run, RUN, ("reporting", "deadlines", "city"), {}),
    "run:reporting.first_report": (_run, RUN, ("reporting", "first_report"), {}),
    "run:reporting.writing": (_run, RUN, ("reporting", "writing"), {}),
    "run:reporting.video": (_run, RUN, ("reporting", "video"), {}),
    "run:people": (_run, RUN, ("people",), {}),
    "run:people.rescue_per_hour": (
        _run, RUN, ("people", "rescue_per_hour"), {"technical_rescue": 5}
    ),
    "run:people.survival": (
        _run, RUN, ("people", "survival"), {"hours": [1, 24], "alive": [0.9, 0.5]}
    ),
    "run:people.shelters[]": (
        _run, RUN, ("people", "shelters", 0),
        {"name": "School", "location": "landmark:County Seat", "capacity": 500},
    ),
    "run:people.hazards": (_run, RUN, ("people", "hazards"), {"building_fire": {}}),
    "run:people.hazards.<hazard>": (
        _run, RUN, ("people", "hazards", "building_fire"), {"trapped": 1}
    ),
    "run:warnings": (_run, RUN, ("warnings",), {}),
    "run:warnings.<level>": (_run, RUN, ("warnings", "orange"), {}),
    "run:warnings.<level>.desk_officers": (
        _run, RUN, ("warnings", "orange", "desk_officers"), {"county": 1}
    ),
    "run:congestion": (_run, RUN, ("congestion",), {}),
    "run:congestion.hours": (_run, RUN, ("congestion", "hours"), {"primary": [1.5] * 24}),
    "run:moveup": (_run, RUN, ("moveup",), {}),
    "run:moveup.tables": (_run, RUN, ("moveup", "tables"), {"fire": [["City Station"]]}),
    "siting:siting[]": (_siting, RUN, ("siting", 0), {"facility": "depots"}),
    "scenario:": (_scenario, {}, (), dict(SCENARIO)),
    "scenario:background": (_scenario, SCENARIO, ("background",), {}),
    "scenario:background.rates": (
        _scenario, SCENARIO, ("background", "rates"), {"building_fire": 1.0}
    ),
    'scenario:events[] type = "rainstorm"': (_scenario, SCENARIO, ("events", 0), RAIN),
    'scenario:events[] type = "typhoon"': (
        _scenario, SCENARIO, ("events", 0), {"type": "typhoon", "start_h": 0, "duration_h": 12}
    ),
    'scenario:events[] type = "earthquake"': (_scenario, SCENARIO, ("events", 0), QUAKE),
    'scenario:events[] type = "chemical_leak"': (
        _scenario, SCENARIO, ("events", 0), {"type": "chemical_leak", "time_h": 1}
    ),
    'scenario:events[] type = "incident"': (
        _scenario, SCENARIO, ("events", 0),
        {"type": "incident", "hazard": "building_fire", "time_h": 1},
    ),
    "scenario:<location>": (
        _scenario, {**SCENARIO, "events": [RAIN]}, ("events", 0, "at"), {"at": "centre"}
    ),
    "scenario:events[].warning": (
        _scenario, {**SCENARIO, "events": [RAIN]}, ("events", 0, "warning"),
        {"level": "orange", "lead_h": 6},
    ),
    "scenario:events[].warning.area": (
        _scenario, {**SCENARIO, "events": [{**RAIN, "warning": {"level": "red", "lead_h": 1}}]},
        ("events", 0, "warning", "area"), {"radius_m": 5000},
    ),
    "scenario:<distribution>": (
        _scenario, {**SCENARIO, "events": [QUAKE]}, ("events", 0, "repair"), dict(DELAY)
    ),
    "catalogue:": (_catalogue, {}, (), {}),
    "catalogue:hazards": (_catalogue, {}, ("hazards",), {}),
    "catalogue:hazards.<key>": (_catalogue, {}, ("hazards", "building_fire"), {}),
    "catalogue:hazards.<key>.teams": (
        _catalogue, {}, ("hazards", "building_fire", "teams"), {"fire": 2}
    ),
    "catalogue:hazards.<key>.supplies": (
        _catalogue, {}, ("hazards", "building_fire", "supplies"), {"tents": 2}
    ),
    "catalogue:hazards.<key>.cascade[]": (
        _catalogue, {}, ("hazards", "building_fire", "cascade", 0),
        {"hazard": "traffic_accident", "probability": 0.1, "delay": DELAY},
    ),
    "catalogue:hazards.<key>.roads[]": (
        _catalogue, {}, ("hazards", "building_fire", "roads", 0),
        {"effect": "close", "radius_m": 100, "duration": DELAY},
    ),
    "experiment:": (_experiment, {}, (), {"base": dict(RUN)}),
    "experiment:base": (_experiment, {}, ("base",), dict(RUN)),
    "experiment:factors[]": (
        _experiment, {"base": RUN}, ("factors", 0),
        {"key": "run.travel_noise", "levels": [0.0, 0.1]},
    ),
    "drill:": (_drill, {}, (), copy.deepcopy(DRILL)),
    "drill:drill": (_drill, {}, ("drill",), dict(DRILL["drill"])),
    "drill:risk": (_drill, DRILL, ("risk",), {"building_fire": 2}),
    "drill:reporting": (_drill, DRILL, ("reporting",), {}),
    "drill:targets": (_drill, DRILL, ("targets",), {}),
    "drill:evaluation": (_drill, DRILL, ("evaluation",), {}),
    "drill:workgroups": (_drill, DRILL, ("workgroups",), {}),
    "drill:workgroups.group[]": (_drill, DRILL, ("workgroups", "group", 0), {"key": "rescue"}),
    "drill:workgroups.force[]": (
        _drill, DRILL, ("workgroups", "force", 0), {"name": "Blue Sky", "kind": "social"}
    ),
    "drill:seal": (_drill, DRILL, ("seal",), {}),
    "drill:benchmark": (_drill, DRILL, ("benchmark",), {}),
    "templates:": (_templates, {}, (), dict(TEMPLATES)),
    "templates:fields": (_templates, TEMPLATES, ("fields",), {}),
    "templates:fields.<key>": (_templates, TEMPLATES, ("templates", "t", "define", "f"), FIELD),
    "templates:templates": (_templates, {}, ("templates",), {"t": FORM}),
    "templates:templates.<key>": (_templates, {}, ("templates", "t"), FORM),
    "templates:templates.<key>.define": (
        _templates, TEMPLATES, ("templates", "t", "define"), {"f": FIELD}
    ),
}  # fmt: skip
#: Sections whose placeholder names are known only when a file is read, and how unknown
#: names fare: checked against the catalogue (or the policy) when the file is read, or
#: taken as new names.
OPEN_CHECKED = {
    "scenario:background.rates", "drill:risk", "run:policy", "templates:templates.<key>.define",
    "run:people.hazards",
}  # fmt: skip
OPEN_NEW = {"catalogue:hazards", "templates:fields", "templates:templates"}


def _sections() -> list[tuple[str, Section]]:
    return [(f"{f.kind}:{s.path}", s) for f in files() if f.kind != "tables" for s in f.sections]


def _place(probe: Probe, table: Mapping[str, Any]) -> dict[str, Any]:
    """The probe's base file with ``table`` at the probe's path."""
    _validate, base, path, _example = probe
    doc = copy.deepcopy(dict(base))
    if not path:
        return copy.deepcopy(dict(table))
    node: Any = doc
    for part, nxt in zip(path, (*path[1:], None), strict=True):
        if nxt is None:
            break
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(nxt, int) else {})
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append({})
    node[last] = copy.deepcopy(dict(table))
    return doc


_PAIRS = {"lon": ("lon", "lat"), "lat": ("lon", "lat"), "x": ("x", "y"), "y": ("x", "y")}


def _example(sid: str, key: Key | None = None) -> dict[str, Any]:
    """The probe's valid table (a distribution of a family that takes ``key``)."""
    example = dict(PROBES[sid][3])
    if sid == "scenario:<distribution>" and key is not None and key.name != "dist":
        from scenarios.distributions import FAMILIES

        family = next(f for f, names in FAMILIES.items() if key.name in names)
        example = {"dist": family, **{n: float(i + 1) for i, n in enumerate(FAMILIES[family])}}
    if sid == "scenario:<location>" and key is not None and key.name in _PAIRS:
        example = {n: 0.0 for n in _PAIRS[key.name]}  # a place needs both coordinates
    return example


def _dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _error(sid: str, table: Mapping[str, Any], tmp: Path) -> ConfigError | None:
    probe = PROBES[sid]
    try:
        probe[0](_place(probe, table), tmp)
    except ConfigError as exc:
        return exc
    return None


def _names(exc: ConfigError | None, sid: str, name: str) -> bool:
    """Whether the error is about key ``name`` of the probed table.

    Array indices are left out of the comparison: some tables number their
    entries from 1 (``workgroups.force[1]``), as a person counts them.
    """
    if exc is None:
        return False
    want = ".".join(x for x in (_dotted(PROBES[sid][2]), name) if x)
    got = str(exc.key or "")
    return re.sub(r"\[\d+\]", "[]", got).endswith(re.sub(r"\[\d+\]", "[]", want))


# ------------------------------------------------------------------ the page itself
def test_docs_config_md_is_the_generated_reference():
    page = REPO / "docs" / "config.md"
    assert page.is_file(), "docs/config.md is missing: python -m experiments.config_reference"
    assert page.read_text(encoding="utf-8") == render(), (
        "docs/config.md is out of date with the validators; regenerate it with\n"
        "    python -m experiments.config_reference > docs/config.md"
    )


def test_the_reference_lists_every_documented_key_with_its_default_and_bounds():
    text = render()
    for f in files():
        for s in f.sections:
            for k in s.keys:
                assert f"`{k.name}`" in text, (f.kind, s.path, k.name)
    # a bound and a default straight from a record, as the page prints them
    from sim.duty import DUTY

    assert '`receiving` 接警层级 | string | `"township"` | `township`, `county`, `city`' in text
    assert DUTY["start_hour"].hi == 24 and "| 0 to 24 |" in text


# ------------------------------------------------------------------ the example files
def _kind(data: Mapping[str, Any]) -> str:
    if "templates" in data:
        return "templates"
    if "drill" in data:
        return "drill"
    if "base" in data or "factors" in data:
        return "experiment"
    if "duration_h" in data:
        return "scenario"
    if "hazards" in data and "network" not in data:
        return "catalogue"
    return "run"


def _toml_files() -> list[Path]:
    shipped = sorted((REPO / "scenarios" / "data").rglob("*.toml"))
    return sorted((REPO / "examples").rglob("*.toml")) + shipped


def test_every_key_of_every_example_file_is_documented():
    kinds = set()
    for path in _toml_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        kind = _kind(data)
        kinds.add(kind)
        missing = [(key, sid) for key, sid, ok in walk(kind, data) if not ok]
        assert not missing, f"{path.relative_to(REPO)} ({kind}): undocumented keys {missing}"
    assert kinds >= {"run", "scenario", "catalogue", "experiment", "drill", "templates"}


def test_walk_finds_an_undocumented_key_deep_in_a_file():
    data = {**RUN, "duty": {"township": {"officers": 1, UNKNOWN: 2}}}
    found = [(key, sid) for key, sid, ok in walk("run", data) if not ok]
    assert found == [(f"duty.township.{UNKNOWN}", "run:duty.<level>")]


# ------------------------------------------------------------------ the validators keep to it
def test_every_documented_table_has_a_probe():
    ids = {sid for sid, _s in _sections()}
    assert ids == set(PROBES), (ids - set(PROBES), set(PROBES) - ids)
    open_ids = {sid for sid, s in _sections() if any(k.open for k in s.keys)}
    assert open_ids == OPEN_CHECKED | OPEN_NEW


@pytest.mark.parametrize("sid", sorted(PROBES))
def test_the_documented_example_is_valid_and_an_unknown_key_is_refused(sid, tmp_path):
    assert _error(sid, _example(sid), tmp_path) is None
    if sid in OPEN_NEW:
        return  # a new name is a new entry (a new hazard), not a mistake
    table = {**_example(sid), UNKNOWN: 1}
    exc = _error(sid, table, tmp_path)
    assert _names(exc, sid, UNKNOWN), (sid, exc)


def _keys(want: Callable[[Key], bool]) -> list[tuple[str, str]]:
    out = []
    for sid, s in _sections():
        for k in s.keys:
            if want(k) and not k.open:
                out.append((sid, k.accepted[0]))
    return out


def _record(sid: str, name: str) -> Key:
    return section(sid)[name]


def _with(sid: str, name: str, value: Any) -> dict[str, Any]:
    table = _example(sid, _record(sid, name))
    table[name] = value
    if sid == "siting:siting[]" and name == "facility" and value == "stations":
        table.pop("facility")  # the default tier and model suit either facility
    return table


@pytest.mark.parametrize(("sid", "name"), _keys(lambda k: k.choices is not None))
def test_every_listed_value_is_accepted(sid, name, tmp_path):
    for value in _record(sid, name).choices or ():
        exc = _error(sid, _with(sid, name, value), tmp_path)
        assert not _names(exc, sid, name), (sid, name, value, exc)


@pytest.mark.parametrize(("sid", "name"), _keys(lambda k: k.choices is not None))
@_SETTINGS
@given(text=st.text(min_size=1, max_size=12))
def test_a_value_outside_the_list_is_refused_naming_the_key(sid, name, text, tmp_path):
    # Tables that share a path (``[[events]]`` of each type) accept each other's values of
    # the key they are told apart by: outside the list means outside all of theirs.
    path = sid.split(" ")[0]
    choices = {
        c
        for s, n in _keys(lambda k: k.choices is not None)
        if n == name and s.split(" ")[0] == path
        for c in _record(s, n).choices or ()
    }
    value = text
    while value in choices:  # hypothesis also draws the code's own string constants
        value += "_x"
    exc = _error(sid, _with(sid, name, value), tmp_path)
    assert _names(exc, sid, name), (sid, name, value, exc)


def _bounded(k: Key) -> bool:
    return k.type in ("integer", "number") and (k.lo is not None or k.hi is not None)


def _outside(k: Key) -> st.SearchStrategy[Any]:
    """Numbers just below ``lo`` or above ``hi`` of a record."""
    sides = []
    if k.type == "integer":
        if k.lo is not None:
            lo = int(math.ceil(k.lo))
            sides.append(st.integers(min_value=lo - 10**6, max_value=lo - 1))
        if k.hi is not None:
            sides.append(st.integers(min_value=int(k.hi) + 1, max_value=int(k.hi) + 10**6))
        return st.one_of(sides)
    if k.lo is not None:
        sides.append(st.floats(min_value=k.lo - 1e6, max_value=k.lo, exclude_max=not k.lo_open))
    if k.hi is not None:
        sides.append(st.floats(min_value=k.hi, max_value=k.hi + 1e6, exclude_min=True))
    return st.one_of(sides)


@pytest.mark.parametrize(("sid", "name"), _keys(_bounded))
@_SETTINGS
@given(data=st.data())
def test_a_number_outside_the_bounds_is_refused_naming_the_key(sid, name, data, tmp_path):
    k = _record(sid, name)
    value = data.draw(_outside(k), label=name)
    exc = _error(sid, _with(sid, name, value), tmp_path)
    assert _names(exc, sid, name), (sid, name, value, exc)
