"""Stations and depots read from a table file (CSV, GeoJSON...), one row per team or stock item.

:func:`table_facilities` reads a ``facilities.stations`` / ``facilities.depots``
table of a run config (CSV, GeoJSON, GeoPackage or Shapefile), groups its rows into
facilities and places them on the network; every mistake names the file, row and
column. Also :data:`Where`, how a placed facility tells where it was given.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from experiments.locations import (
    LOCATION_COLUMNS,
    TableRow,
    integer,
    number,
    read_rows,
    resolve_location,
)
from experiments.run_keys import location_keys
from experiments.table_values import read_value
from networks.errors import ConfigError
from networks.i18n import N_, _
from networks.roadnet import RoadNetwork
from scenarios.catalogue import SUPPLY_ITEMS
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.distributions import MAX_CV
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import shown
from sim.depots import DEPOT_TIERS, MAX_STOCK
from sim.stations import CAPABILITIES, MAX_TEAM_COUNT, MAX_TEAM_SIZE, STATION_TIERS

logger = logging.getLogger(__name__)

#: Where a placed facility came from: ``where(field)`` gives the file and key of one of
#: its fields, so a check across facilities names the right file and row.
Where = Callable[[str], tuple[str | None, str]]

_PLACE = "location columns: node; osmid; lon and lat; x and y; or landmark"
_LOCATION_KEYS = location_keys(with_location=False)
_GEO = (
    " A GeoJSON, GeoPackage or Shapefile table holds Point features with these attributes, "
    "in any coordinate reference system (reprojected to WGS84; a GeoJSON without one is WGS84). "
    "A Shapefile column name cut to 10 characters (turnout_mi) is read as the column it begins."
    " A header may name a column by its Chinese term instead (名称, 层级, 经度, 纬度...), and"
    " a tier, capability or item may be written in Chinese (乡镇, 县级; 综合, 消防; 帐篷);"
    " an error names the column as the file heads it."
)
#: A stations table: one row per capability of a station (``facilities.stations``).
STATIONS_TABLE = Section(
    "stations table",
    "Stations table (CSV, GeoJSON, GeoPackage or Shapefile)",
    (
        Key("name", "string", "The station; rows with one name are one station.", "名称",
            default=REQUIRED),
        Key("name_zh", "string", "Its Chinese name (the same on each of its rows).", "中文名称"),
        Key("tier", "string", "The station's tier.", "层级", default=REQUIRED,
            choices=STATION_TIERS),
        Key("capability", "string", "The teams of this row.", "专业类别", default=REQUIRED,
            choices=CAPABILITIES),
        Key("size", "integer", "People per team.", "队伍人数", default=REQUIRED, lo=1,
            hi=MAX_TEAM_SIZE),
        Key("count", "integer", "Teams of this capability.", "队伍数量", default=1, lo=1,
            hi=MAX_TEAM_COUNT),
        Key("area", "string", "Area the station covers, for reserve keeping.", "责任区域",
            default_text="the name"),
        Key("turnout_min", "number", "Mean turnout, minutes (a lognormal).", "出动用时",
            lo=0, lo_open=True, hi=MAX_DURATION_MIN, default_text="lognormal, mean 1.5, cv 0.3"),
        Key("turnout_cv", "number", "Coefficient of variation of the turnout.", default=0.3,
            lo=0, hi=MAX_CV),
        *_LOCATION_KEYS,
    ),
    zh="应急救援站",
    help="One row per team type of a station; the rows of one station agree on its place, "
    "tier and area. Place each station by " + _PLACE + "." + _GEO,
    columns=True,
)  # fmt: skip
#: A depots table: one row per stock item of a depot (``facilities.depots``).
DEPOTS_TABLE = Section(
    "depots table",
    "Depots table (CSV, GeoJSON, GeoPackage or Shapefile)",
    (
        Key("name", "string", "The depot; rows with one name are one depot.", "名称",
            default=REQUIRED),
        Key("name_zh", "string", "Its Chinese name (the same on each of its rows).", "中文名称"),
        Key("tier", "string", "The depot's tier.", "层级", default=REQUIRED, choices=DEPOT_TIERS),
        Key("parent", "string", "The depot of a higher tier that replenishes it.", "上级储备库"),
        Key("lead_time_min", "number", "Minutes from ordering a replenishment to its arrival.",
            "补货时间", default=0.0, lo=0, hi=MAX_DURATION_MIN),
        Key("item", "string", "The supply item of this row.", "物资品类", default=REQUIRED,
            choices=SUPPLY_ITEMS),
        Key("quantity", "integer", "Quantity in stock.", "储备数量", default=REQUIRED, lo=0,
            hi=MAX_STOCK),
        *_LOCATION_KEYS,
    ),
    zh="应急物资储备库",
    help="One row per stock item of a depot; the rows of one depot agree on its place, tier, "
    "parent and lead time. Place each depot by " + _PLACE + "." + _GEO,
    columns=True,
)  # fmt: skip
#: Columns of a stations table (besides :data:`~experiments.locations.LOCATION_COLUMNS`).
STATION_COLUMNS = tuple(c for c in STATIONS_TABLE.ordered if c not in LOCATION_COLUMNS)
#: Columns of a depots table (besides the location columns).
DEPOT_COLUMNS = tuple(c for c in DEPOTS_TABLE.ordered if c not in LOCATION_COLUMNS)
#: Columns that must be the same on every row of one facility.
_SAME = {"stations": ("tier", "area"), "depots": ("tier", "parent", "lead_time_min")}
#: Messages about one facility of a table, by kind (a sentence each: word order differs).
_NO_ROWS = {
    "stations": N_("the table has no rows (no stations); give at least one"),
    "depots": N_("the table has no rows (no depots); give at least one"),
}
_FACILITY_ERROR = {
    "stations": N_("station {name!r}: {error}"),
    "depots": N_("depot {name!r}: {error}"),
}
#: "One name, one place" refusals by table (also for siting fix tables, experiments.siting.places).
ELSEWHERE = {
    "stations": N_(
        "station {name!r} is at another place on {where}; one name, one place (rename one of them)"
    ),
    "depots": N_(
        "depot {name!r} is at another place on {where}; one name, one place (rename one of them)"
    ),
}
_DIFFERS = {
    "stations": N_("{value!r} differs from {first!r} on {where} for the same station {name!r}"),
    "depots": N_("{value!r} differs from {first!r} on {where} for the same depot {name!r}"),
}


_EMPTY = {
    "stations": N_("{value!r} is given here but left empty on {where} for the same station "
                   "{name!r}: give it alike on every row, or on none"),
    "depots": N_("{value!r} is given here but left empty on {where} for the same depot "
                 "{name!r}: give it alike on every row, or on none"),
}  # fmt: skip
_CASE_WARNED: set[tuple[str, str]] = set()
_CASE = {
    "stations": N_("{source}: {where}: station {name!r} differs from {other!r} ({other_where}) "
                   "only in case: they are two stations; spell them alike if they are one"),
    "depots": N_("{source}: {where}: depot {name!r} differs from {other!r} ({other_where}) "
                 "only in case: they are two depots; spell them alike if they are one"),
}  # fmt: skip


def table_facilities(
    path: Path, kind: str, network: RoadNetwork
) -> tuple[tuple[Any, ...], tuple[Where, ...]]:
    """Stations or depots of a table file (see :func:`_group_rows`), and where each starts."""
    from sim.facilities import Depot, Station

    src = str(path)
    cols = STATION_COLUMNS if kind == "stations" else DEPOT_COLUMNS
    section = STATIONS_TABLE if kind == "stations" else DEPOTS_TABLE
    rows = read_rows(path, columns=(*cols, *LOCATION_COLUMNS), table=kind, headers=section.chinese)
    if not rows:
        raise ConfigError(_(_NO_ROWS[kind]), source=src)
    groups = _group_rows(rows, kind, network, source=src)
    cls = Station if kind == "stations" else Depot
    out = []
    for entry, first in groups:
        try:
            out.append(cls.from_dict(entry, source=src))
        except ConfigError as exc:
            # Rows are checked one by one above; what is left is a check on the whole
            # facility (a township station's biggest team): name its first row.
            prefix = ": ".join(p for p in (exc.source, exc.key) if p) + ": "
            text = str(exc).removeprefix(prefix)
            raise ConfigError(
                _(_FACILITY_ERROR[kind]).format(name=entry["name"], error=text),
                source=src,
                key=first.key(),
            ) from None
    wheres = tuple(_row_where(src, first) for _entry, first in groups)
    if kind == "depots":
        names = {d.name: first for d, (_entry, first) in zip(out, groups, strict=True)}
        for d, (_entry, first) in zip(out, groups, strict=True):
            if d.parent is not None and d.parent not in names:
                raise ConfigError(
                    _("no depot {name!r} in this table").format(name=d.parent),
                    source=src,
                    key=first.key("parent"),
                )
    return tuple(out), wheres


def _row_where(source: str, row: TableRow) -> Where:
    return lambda name: (source, row.key(name))


def _group_rows(
    rows: list[TableRow], kind: str, network: RoadNetwork, *, source: str
) -> list[tuple[dict[str, Any], TableRow]]:
    """Tidy table rows (one per team or stock item) grouped into facility entries.

    Stations: columns ``name, tier, <location>, capability, size, count`` and
    optional ``area``, ``turnout_min`` (mean of a lognormal) and ``turnout_cv``
    (its coefficient of variation, default 0.3).
    Depots: ``name, tier, <location>, item, quantity`` and optional
    ``parent``, ``lead_time_min``. Both: optional ``name_zh`` (the Chinese name
    shown to a person; given on any of the facility's rows, the same on each).

    Rows of one facility share its name; they must agree on its place, tier
    and the other per-facility columns. Returns each entry with its first row.
    """
    from scenarios.catalogue import SUPPLY_ITEMS
    from sim.facilities import (
        CAPABILITIES,
        DEPOT_TIERS,
        MAX_STOCK,
        MAX_TEAM_COUNT,
        MAX_TEAM_SIZE,
        NOT_ONE_LINE,
        STATION_TIERS,
        one_line,
    )

    tiers = STATION_TIERS if kind == "stations" else DEPOT_TIERS
    grouped: dict[str, tuple[dict[str, Any], TableRow]] = {}
    item_rows: dict[tuple[str, str], TableRow] = {}
    team_rows: dict[tuple[str, str], TableRow] = {}
    zh_rows: dict[str, TableRow] = {}  # the first row giving each facility's name_zh

    def cell(row: TableRow, col: str) -> Any:
        v = row.cells.get(col)
        return None if v is None or (isinstance(v, str) and not v.strip()) else v

    def need(row: TableRow, col: str) -> Any:
        v = cell(row, col)
        if v is None:
            what = (
                _("empty (a value is needed)")
                if col in row.cells
                else _("missing (a needed column)")
            )
            raise ConfigError(what, source=source, key=row.key(col))
        return v

    def num(row: TableRow, col: str, *, hi: float) -> float:
        return number(need(row, col), source=source, key=row.key(col), lo=0, hi=hi)

    def whole(row: TableRow, col: str, *, lo: int, hi: int) -> int:
        return integer(need(row, col), source=source, key=row.key(col), lo=lo, hi=hi)

    def one_of(
        row: TableRow, col: str, choices: Sequence[str], message: Callable[[Any, str], str]
    ) -> Any:
        """The cell ``col``, one of ``choices`` (or its Chinese term, 乡镇 for township)."""
        v = read_value(need(row, col), col, choices)
        if v not in choices:
            raise ConfigError(message(v, ", ".join(choices)), source=source, key=row.key(col))
        return v

    for row in rows:
        name = str(need(row, "name"))
        for col in ("name", "name_zh", "area"):
            text = cell(row, col)
            if text is not None and not one_line(str(text)):
                raise ConfigError(
                    _(NOT_ONE_LINE).format(value=shown(str(text))),
                    source=source,
                    key=row.key(col),
                )
        tier = one_of(
            row,
            "tier",
            tiers,
            lambda v, listed: _("unknown tier {tier!r}; expected one of {tiers}").format(
                tier=v, tiers=listed
            ),
        )
        loc = {k: v for k in LOCATION_COLUMNS if (v := cell(row, k)) is not None}
        for col, lo, hi in (
            ("lon", -180, 180),
            ("lat", None, None),  # bounded where a swap with lon is named
            ("x", None, None),
            ("y", None, None),
        ):
            if col in loc:  # checked here, so that the error names the column
                loc[col] = number(loc[col], source=source, key=row.key(col), lo=lo, hi=hi)
        for col in ("node", "osmid"):
            if col in loc:
                loc[col] = integer(loc[col], source=source, key=row.key(col))
        node = resolve_location(loc, network, source=source, key=row.key(), field_key=row.key)
        hit = grouped.get(name)
        if hit is None:
            entry: dict[str, Any] = {"name": name, "tier": tier, "node": node}
            if kind == "stations":
                entry["teams"] = []
                if cell(row, "area") is not None:
                    entry["area"] = str(cell(row, "area"))
            else:
                entry["stock"] = {}
                if cell(row, "parent") is not None:
                    entry["parent"] = str(cell(row, "parent"))
                if cell(row, "lead_time_min") is not None:
                    entry["lead_time_min"] = num(row, "lead_time_min", hi=MAX_DURATION_MIN)
            grouped[name] = hit = (entry, row)
        else:
            entry, first = hit
            if node != entry["node"]:
                raise ConfigError(
                    _(ELSEWHERE[kind]).format(name=name, where=first.where),
                    source=source,
                    key=row.key("name"),
                )
            for col in _SAME[kind]:
                if cell(row, col) is not None and cell(row, col) != cell(first, col):
                    # The first row may have left it empty: say so, not "None".
                    message = _DIFFERS[kind] if cell(first, col) is not None else _EMPTY[kind]
                    raise ConfigError(
                        _(message).format(
                            value=cell(row, col),
                            first=cell(first, col),
                            where=first.where,
                            name=name,
                        ),  # fmt: skip
                        source=source,
                        key=row.key(col),
                    )
        zh = cell(row, "name_zh")
        if zh is not None:
            zh = str(zh)
            given = zh_rows.setdefault(name, row)
            if given is not row and zh != str(cell(given, "name_zh")):
                raise ConfigError(
                    _(_DIFFERS[kind]).format(
                        value=zh, first=str(cell(given, "name_zh")), where=given.where, name=name
                    ),
                    source=source,
                    key=row.key("name_zh"),
                )
            entry["name_zh"] = zh
        if kind == "stations":
            cap = one_of(
                row,
                "capability",
                CAPABILITIES,
                lambda v, listed: _(
                    "unknown capability {capability!r}; expected one of {capabilities}"
                ).format(capability=v, capabilities=listed),
            )
            if (name, cap) in team_rows:
                raise ConfigError(
                    _(
                        "station {name!r} already has {capability!r} teams on {where}: "
                        "give one row per capability (its count says how many teams)"
                    ).format(name=name, capability=cap, where=team_rows[name, cap].where),
                    source=source,
                    key=row.key("capability"),
                )
            team_rows[name, cap] = row
            team: dict[str, Any] = {
                "capability": cap,
                "size": whole(row, "size", lo=1, hi=MAX_TEAM_SIZE),
                "count": (
                    whole(row, "count", lo=1, hi=MAX_TEAM_COUNT)
                    if cell(row, "count") is not None
                    else 1
                ),
            }
            if cell(row, "turnout_min") is not None:
                mean = number(
                    cell(row, "turnout_min"), source=source, key=row.key("turnout_min"),
                    lo=0, lo_open=True, hi=MAX_DURATION_MIN,
                )  # fmt: skip
                cv = cell(row, "turnout_cv")
                cv = 0.3 if cv is None else num(row, "turnout_cv", hi=MAX_CV)
                team["turnout"] = {"dist": "lognormal", "mean": mean, "cv": cv}
            entry["teams"].append(team)
        else:
            item = one_of(
                row,
                "item",
                SUPPLY_ITEMS,
                lambda v, listed: _("unknown supply item {item!r}; expected one of {items}").format(
                    item=v, items=listed
                ),
            )
            if (name, item) in item_rows:
                raise ConfigError(
                    _("{item!r} is already stocked at {name!r} on {where}").format(
                        item=item, name=name, where=item_rows[name, item].where
                    ),
                    source=source,
                    key=row.key("item"),
                )
            item_rows[name, item] = row
            entry["stock"][item] = whole(row, "quantity", lo=0, hi=MAX_STOCK)
    _same_but_case(grouped, kind, source)
    return list(grouped.values())


def _same_but_case(
    grouped: dict[str, tuple[dict[str, Any], TableRow]], kind: str, source: str
) -> None:
    """Warn of names that differ only in case: two facilities, likely meant as one."""
    seen: dict[str, tuple[str, TableRow]] = {}
    for name, (_entry, first) in grouped.items():
        other = seen.setdefault(name.casefold(), (name, first))
        said = (str(Path(source).resolve()), name)
        if other[0] != name and said not in _CASE_WARNED:  # a table may be read twice
            _CASE_WARNED.add(said)
            logger.warning(
                _(_CASE[kind]).format(
                    source=source,
                    where=first.where,
                    name=name,
                    other=other[0],
                    other_where=other[1].where,
                )  # fmt: skip
            )
