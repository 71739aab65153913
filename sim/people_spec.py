"""What the people model is told: people per hazard and grade, rescue rates, survival, shelters.

:class:`PeopleSpec` is the ``[people]`` table of a run config, validated in
one place (:meth:`PeopleSpec.from_dict`)::

    [people]
    survival = "tangshan_1976"      # or { hours = [...], alive = [...], shape = "steps" }
    rescue_per_hour = { technical_rescue = 4, general = 2 }   # others keep their defaults
    shelters = "stations"           # every station is a shelter (the integrated centres), or
                                    # [{ name = "No. 1 School", location = "landmark:Xiba Town",
                                    #    capacity = 800 }]
    station_capacity = 1000         # people per station shelter
    evacuation_batch = 40           # people per vehicle trip
    evacuation_vehicles = 2         # vehicles each team sent brings to shuttle evacuees
    evacuation_load_min = 10        # minutes to load and unload one trip
    [people.hazards.building_collapse]
    trapped = [60, 20, 6, 1.5]      # mean per incident, grades I-IV (or one number)

The people per hazard are shipped in ``sim/people.toml`` (with where they
come from); the table's ``hazards`` override or add rows. The model itself is
:mod:`sim.people`.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.hazard_effects import four, four_out
from scenarios.validate import Reader
from sim.stations import CAPABILITIES
from sim.survival import TANGSHAN_1976, SurvivalCurve, survival_from

__all__ = [
    "DEFAULT_RESCUE_PER_HOUR",
    "GROUPS",
    "PEOPLE",
    "PEOPLE_HAZARD",
    "PEOPLE_HAZARDS",
    "PEOPLE_RESCUE",
    "PEOPLE_SHELTER",
    "PeopleSpec",
    "Shelter",
    "shipped_people",
]

#: The people an incident may hold, in the order they are drawn.
GROUPS = ("trapped", "injured", "evacuated")
#: Trapped people one team extracts per hour, by capability (yingji's assumption: a
#: specialist team with cutting and lifting gear is fastest, a general team slower, and
#: medical and hazmat teams treat or contain rather than dig).
DEFAULT_RESCUE_PER_HOUR = {
    "technical_rescue": 4.0,
    "water_rescue": 4.0,
    "fire": 3.0,
    "general": 2.0,
    "hazmat": 1.0,
    "medical": 0.0,
}
#: Most people one incident may hold on average in one group, and most per hour per team.
MAX_MEAN = 1_000_000
MAX_RATE = 1_000_000
#: Most shelters and most people per shelter.
MAX_SHELTERS = 10_000
MAX_CAPACITY = 10_000_000
_SHIPPED = "people.toml"


@dataclass(frozen=True)
class Shelter:
    """An emergency shelter (应急避难场所) on the road network.

    Attributes
    ----------
    name
        What it is called.
    node
        Its node.
    capacity
        People it can take (for the whole run: nobody leaves).
    """

    name: str
    node: int
    capacity: int


@dataclass(frozen=True)
class PeopleSpec:
    """The ``[people]`` table: people per hazard, rescue, survival, shelters, evacuation.

    Attributes
    ----------
    hazards
        ``(hazard, {group: means by grade I-IV})`` for every hazard with people
        (:data:`GROUPS`: ``trapped``, ``injured``, ``evacuated``).
    rescue_per_hour
        ``(capability, people per team per hour)`` for every capability.
    survival
        The survival curve of trapped people (:mod:`sim.survival`).
    shelters
        Shelters by node, or ``None``: every station of the region (not the outside
        reinforcement) is a shelter for ``station_capacity`` people.
    station_capacity
        People per station when the stations are the shelters.
    evacuation_batch, evacuation_vehicles, evacuation_load_min
        People per trip, vehicles each team sent brings to shuttle evacuees,
        minutes to load and unload one trip.
    raw
        The table as given (for :meth:`to_dict`; not part of equality).
    """

    hazards: tuple[tuple[str, tuple[tuple[str, tuple[float, ...]], ...]], ...]
    rescue_per_hour: tuple[tuple[str, float], ...] = tuple(DEFAULT_RESCUE_PER_HOUR.items())
    survival: SurvivalCurve = TANGSHAN_1976
    shelters: tuple[Shelter, ...] | None = None
    station_capacity: int = 1000
    evacuation_batch: int = 40
    evacuation_vehicles: int = 2
    evacuation_load_min: float = 10.0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def means(self, hazards: np.ndarray, grades: np.ndarray) -> dict[str, np.ndarray]:
        """Mean people per incident for each group, for incidents of ``hazards`` and ``grades``.

        Parameters
        ----------
        hazards
            Hazard keys per incident.
        grades
            Grades 1-4 per incident.

        Returns
        -------
        dict
            Group -> float array (0 for a hazard without people).
        """
        keys = [k for k, _g in self.hazards]
        table = np.zeros((len(keys) + 1, len(GROUPS), 4))  # last row: hazards without people
        for h, (_k, groups) in enumerate(self.hazards):
            for j, g in enumerate(GROUPS):
                table[h, j] = dict(groups).get(g, (0.0,) * 4)
        uniq, inv = np.unique(np.asarray(hazards, dtype=str), return_inverse=True)
        where = {k: h for h, k in enumerate(keys)}
        row = np.asarray([where.get(str(u), len(keys)) for u in uniq], dtype=np.int64)[inv]
        col = np.clip(np.asarray(grades, dtype=np.int64), 1, 4) - 1
        return {g: table[row, j, col] for j, g in enumerate(GROUPS)}

    def rate(self, capabilities: np.ndarray) -> np.ndarray:
        """People per hour one team of each capability extracts (0 for an unknown one)."""
        rates = dict(self.rescue_per_hour)
        uniq, inv = np.unique(np.asarray(capabilities, dtype=str), return_inverse=True)
        return np.asarray([rates.get(str(u), 0.0) for u in uniq], dtype=np.float64)[inv]

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        source: str | None = None,
        key: str = "people",
        hazards: Collection[str] | None = None,
        place: Callable[[Any, str], int] | None = None,
    ) -> PeopleSpec:
        """Validate a ``[people]`` table (see the module docstring).

        Parameters
        ----------
        data
            The table.
        source, key
            File and dotted key, for error messages.
        hazards
            Hazard keys a run may have (its catalogue's); a row for another is
            an error. ``None``: any name.
        place
            ``place(location, dotted_key) -> node`` for a shelter's ``location``;
            ``None``: a location must be a node index (``12`` or ``{ node = 12 }``).

        Returns
        -------
        PeopleSpec

        Raises
        ------
        networks.errors.ConfigError
            Naming ``source`` and the dotted key of the first mistake.
        """
        r = Reader(data, source=source, key=key)
        PEOPLE.allow(r)
        shipped = shipped_people()
        rows = {h: dict(g) for h, g in shipped}
        ht = r.table("hazards", {})
        for name in ht.data:
            if hazards is not None and name not in hazards:
                raise ht.error(
                    str(name), _("unknown hazard {hazard!r}").format(hazard=name)
                )  # fmt: skip
            rows[str(name)] = {**rows.get(str(name), {}), **_groups(ht.table(str(name)))}
        rt = r.table("rescue_per_hour", {})
        PEOPLE_RESCUE.allow(rt)
        rates = {**DEFAULT_RESCUE_PER_HOUR}
        for cap in rt.data:
            rates[str(cap)] = PEOPLE_RESCUE.read(rt, str(cap))
        curve = survival_from(r.get("survival", "tangshan_1976"), source=source,
                              key=r.path("survival"))  # fmt: skip
        return cls(
            hazards=tuple((h, tuple(sorted(g.items()))) for h, g in sorted(rows.items())),
            rescue_per_hour=tuple((c, float(rates[c])) for c in CAPABILITIES),
            survival=curve,
            shelters=_shelters(r, place),
            station_capacity=PEOPLE.read(r, "station_capacity"),
            evacuation_batch=PEOPLE.read(r, "evacuation_batch"),
            evacuation_vehicles=PEOPLE.read(r, "evacuation_vehicles"),
            evacuation_load_min=float(PEOPLE.read(r, "evacuation_load_min")),
            raw=dict(data),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the settings, the survival curve and the shelters."""
        return {
            "rescue_per_hour": dict(self.rescue_per_hour),
            "survival": self.survival.to_dict(),
            "shelters": "stations"
            if self.shelters is None
            else [{"name": s.name, "node": s.node, "capacity": s.capacity} for s in self.shelters],
            "station_capacity": self.station_capacity,
            "evacuation_batch": self.evacuation_batch,
            "evacuation_vehicles": self.evacuation_vehicles,
            "evacuation_load_min": self.evacuation_load_min,
            "hazards": {h: {g: four_out(v) for g, v in gs} for h, gs in self.hazards},
        }


def _groups(t: Reader) -> dict[str, tuple[float, ...]]:
    """One hazard's means per group (``people.hazards.<hazard>``)."""
    PEOPLE_HAZARD.allow(t)
    return {g: four(t, g, hi=MAX_MEAN) for g in GROUPS if t.has(g)}


def _shelters(r: Reader, place: Callable[[Any, str], int] | None) -> tuple[Shelter, ...] | None:
    """``shelters``: ``"stations"`` (``None``) or a list of shelter tables."""
    v = r.get("shelters", "stations")
    if v == "stations":
        return None
    if not isinstance(v, list) or not 1 <= len(v) <= MAX_SHELTERS:
        raise r.error("shelters", _('expected "stations" or an array of shelter tables'))
    if r.has("station_capacity"):  # a key that would change nothing is a mistake to name
        raise r.error(
            "station_capacity",
            _('only with shelters = "stations" (a list of shelters gives each its capacity)'),
        )
    out, names = [], set()
    for i, row in enumerate(v):
        t = Reader(row, source=r.source, key=r.path(f"shelters[{i}]"))
        PEOPLE_SHELTER.allow(t)
        name = PEOPLE_SHELTER.read(t, "name")
        if name in names:
            raise t.error("name", _("a second shelter named {name!r}").format(name=name))
        names.add(name)
        if not t.has("location"):
            raise t.error("location", _("missing (where the shelter stands)"))
        where = place or (lambda v, k: _node(v, k, r.source))
        node = where(t.get("location"), t.path("location"))
        out.append(Shelter(name, int(node), PEOPLE_SHELTER.read(t, "capacity")))
    return tuple(out)


def _node(value: Any, key: str, source: str | None) -> int:
    """A location given as a node index (``12`` or ``{ node = 12 }``), with no network at hand."""
    v = value.get("node") if isinstance(value, Mapping) else value
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise Reader({}, source=source).error(
            key, _("expected a node index here (no network to place other locations on)")
        )
    return v


@functools.cache
def shipped_people() -> tuple[tuple[str, tuple[tuple[str, tuple[float, ...]], ...]], ...]:
    """The shipped people per hazard (``sim/people.toml``), validated."""
    source = str(resources.files("sim") / _SHIPPED)
    data = tomllib.loads((resources.files("sim") / _SHIPPED).read_text(encoding="utf-8"))
    ht = Reader(data, source=source).table("hazards")
    return tuple((str(h), tuple(sorted(_groups(ht.table(str(h))).items()))) for h in ht.data)


_GRADED = "one number, or a list of four for grades I-IV"
#: The ``[people]`` table of a run config.
PEOPLE = Section(
    "people",
    "People at the scene",
    (
        Key("survival", "any", "Survival of trapped people by time since the event: a shipped "
            'curve ("tangshan_1976") or a table.', "生还曲线", default="tangshan_1976",
            allowed_text='"tangshan_1976" or { hours, alive, shape, name }'),
        Key("rescue_per_hour", "table", "Trapped people one team extracts per hour, by "
            "capability.", "救援效率"),
        Key("shelters", "any", 'Where evacuated people go: "stations" (every station is a '
            "shelter, the integrated centres) or an array of shelter tables.", "避难场所",
            default="stations", allowed_text='"stations" or [{ name, location, capacity }]'),
        Key("station_capacity", "integer", "People each station shelter takes "
            '(shelters = "stations").', "站点避难容量", default=PeopleSpec.station_capacity,
            lo=0, hi=MAX_CAPACITY),
        Key("evacuation_batch", "integer", "People one vehicle moves per trip.", "每车转移人数",
            default=PeopleSpec.evacuation_batch, lo=1, hi=MAX_CAPACITY),
        Key("evacuation_vehicles", "integer", "Vehicles each team sent brings to shuttle "
            "evacuees.",
            "转移车辆数", default=PeopleSpec.evacuation_vehicles, lo=1, hi=10_000),
        Key("evacuation_load_min", "number", "Minutes to load and unload one trip.",
            "装卸用时", default=PeopleSpec.evacuation_load_min, lo=0, hi=10_000),
        Key("hazards", "table", "People per incident by hazard, over the shipped table.",
            "受灾人员", default={}),
    ),
    zh="现场人员",
    help="With this table, incidents carry people trapped, injured and evacuated; teams "
    "rescue the trapped, whose survival falls with time, and the evacuated go to shelters. "
    "It changes no other record.",
)  # fmt: skip
#: ``[people.rescue_per_hour]``.
PEOPLE_RESCUE = Section(
    "people.rescue_per_hour",
    "Rescue rates",
    (Key("<capability>", "number", "Trapped people one team of this capability extracts "
         "per hour.", names=CAPABILITIES, lo=0, hi=MAX_RATE,
         default_text=", ".join(f"{c} {v:g}" for c, v in DEFAULT_RESCUE_PER_HOUR.items())),),
    zh="救援效率",
)  # fmt: skip
#: ``[people.hazards]``: rows by hazard key.
PEOPLE_HAZARDS = Section(
    "people.hazards",
    "People by hazard",
    (Key("<hazard>", "table", "A hazard of the run's catalogue: its people per incident."),),
    zh="受灾人员",
    help="Laid over the shipped table (sim/people.toml), group by group.",
)  # fmt: skip
#: ``[people.hazards.<hazard>]``.
PEOPLE_HAZARD = Section(
    "people.hazards.<hazard>",
    "People of one hazard",
    (
        Key("trapped", "number", "Mean people trapped per incident, who need a team to get "
            "out.", "被困人数", lo=0, hi=MAX_MEAN, allowed_text=_GRADED),
        Key("injured", "number", "Mean people injured per incident.", "受伤人数", lo=0,
            hi=MAX_MEAN, allowed_text=_GRADED),
        Key("evacuated", "number", "Mean people to evacuate to a shelter per incident.",
            "转移安置人数", lo=0, hi=MAX_MEAN, allowed_text=_GRADED),
    ),
    zh="受灾人员",
    help="Numbers per incident are drawn from a Poisson distribution with these means.",
)  # fmt: skip
#: ``[[people.shelters]]``.
PEOPLE_SHELTER = Section(
    "people.shelters[]",
    "Shelter",
    (
        Key("name", "string", "The shelter's name.", "名称", default=REQUIRED),
        Key("location", "location", "Where it stands.", "位置", default=REQUIRED),
        Key("capacity", "integer", "People it can take.", "容纳人数", default=REQUIRED, lo=0,
            hi=MAX_CAPACITY),
    ),
    zh="避难场所",
)  # fmt: skip
