"""The key records behind docs/config.md: table columns, records that mirror code, reading.

The table readers keep to the documented columns; records that restate a
dataclass or a constant match it; a :class:`~scenarios.config_keys.Key` reads
exactly what it documents.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from networks.errors import ConfigError
from scenarios.config_keys import REQUIRED, Key, Section

UNKNOWN = "zz_not_a_key"


def _bounded(k: Key) -> bool:
    return k.type in ("integer", "number") and (k.lo is not None or k.hi is not None)


# ------------------------------------------------------------------ tables
def _write(path: Path, row: Mapping[str, Any]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row))
        w.writeheader()
        w.writerow(row)
    return path


TABLE_ROWS = {
    "stations": {"name": "S", "tier": "county", "capability": "general", "size": 30,
                 "turnout_min": 1.5, "landmark": "County Seat"},
    "depots": {"name": "D", "tier": "county", "item": "tents", "quantity": 5,
               "landmark": "County Seat"},
}  # fmt: skip


def _table_error(kind: str, row: Mapping[str, Any], tmp: Path, county: Any) -> Any:
    from experiments.facility_tables import table_facilities

    path = _write(tmp / f"{kind}.csv", row)
    try:
        table_facilities(path, kind, county)
    except ConfigError as exc:
        return exc
    return None


def _table_section(kind: str) -> Section:
    from experiments.facility_tables import DEPOTS_TABLE, STATIONS_TABLE

    return STATIONS_TABLE if kind == "stations" else DEPOTS_TABLE


@pytest.mark.parametrize("kind", ["stations", "depots"])
def test_a_facility_table_keeps_to_its_documented_columns(kind, tmp_path, county):
    sec = _table_section(kind)
    row = TABLE_ROWS[kind]
    assert _table_error(kind, row, tmp_path, county) is None
    exc = _table_error(kind, {**row, UNKNOWN: 1}, tmp_path, county)
    assert exc is not None and UNKNOWN in str(exc.key)
    for k in sec.keys:
        if k.required:
            exc = _table_error(kind, {c: v for c, v in row.items() if c != k.name}, tmp_path,
                               county)  # fmt: skip
            assert exc is not None and k.name in str(exc.key), (k.name, exc)
        for value in k.choices or ():
            exc = _table_error(kind, {**row, k.name: value}, tmp_path, county)
            assert exc is None or k.name not in str(exc.key), (k.name, value, exc)
        if k.choices:
            exc = _table_error(kind, {**row, k.name: "zz"}, tmp_path, county)
            assert exc is not None and k.name in str(exc.key), (k.name, exc)
        if _bounded(k) and k.lo is not None:
            low = k.lo if k.lo_open else k.lo - 1
            exc = _table_error(kind, {**row, k.name: low}, tmp_path, county)
            assert exc is not None and k.name in str(exc.key), (k.name, exc)


def test_the_observation_columns_are_the_documented_ones(tmp_path):
    from experiments.drill.observation_files import COLUMNS, read_rows
    from experiments.drill.observations import OBSERVATIONS_TABLE

    assert OBSERVATIONS_TABLE.ordered == COLUMNS
    path = _write(tmp_path / "obs.csv", {"kind": "milestone", "ref": "call_taken", UNKNOWN: 1})
    with pytest.raises(ConfigError, match=UNKNOWN):
        read_rows(path)


# ------------------------------------------------------------------ records mirroring code
def test_records_that_mirror_code_match_it():
    from dataclasses import fields

    from experiments.config_reference import section
    from experiments.drill.reporting_deadlines import DRILL_REPORTING, OLD_KEYS, RULE_KEYS
    from experiments.siting.task import SITING, SitingTask
    from scenarios.drill.workgroup_keys import FORCE, WORK_GROUP
    from scenarios.drill.workgroups import Force, WorkGroup
    from scenarios.events import EVENT_TYPES
    from scenarios.hazard import HAZARD, TEXT_KEYS

    assert DRILL_REPORTING.names == set(RULE_KEYS) | set(OLD_KEYS)
    assert WORK_GROUP.names == {f.name for f in fields(WorkGroup)}
    assert FORCE.names == {f.name for f in fields(Force)}
    assert SITING.names == {f.name for f in fields(SitingTask)} - {"source", "key", "cli"}
    assert {f"{k}_zh" for k in TEXT_KEYS} | set(TEXT_KEYS) <= HAZARD.names
    for name, cls in EVENT_TYPES.items():
        sec = section(f'scenario:events[] type = "{name}"')
        assert sec.names == {f.name for f in fields(cls)} | {"type"}, name


@settings(max_examples=50, deadline=None)
@given(
    lo=st.integers(-100, 100),
    width=st.integers(0, 100),
    inside=st.floats(0, 1),
    lo_open=st.booleans(),
)
def test_a_record_reads_what_it_documents(lo, width, inside, lo_open):
    from scenarios.validate import Reader

    hi = lo + width
    k = Key("x", "number", "A number.", lo=lo, hi=hi, lo_open=lo_open, default=REQUIRED)
    value = lo + inside * width
    r = Reader({"x": value}, source="f.toml", key="t")
    if lo_open and value <= lo:
        with pytest.raises(ConfigError) as info:
            k.read(r)
        assert info.value.key == "t.x"
    else:
        assert k.read(r) == value
    with pytest.raises(ConfigError) as info:
        k.read(Reader({"x": hi + 1}, source="f.toml", key="t"))
    assert info.value.key == "t.x"
    assert Key("y", "number", "Optional.").read(r) is None


def test_a_section_refuses_a_key_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):
        Section("t", "T", (Key("a", "string", "A."), Key("<b>", "string", "B.", names=("a",))))
