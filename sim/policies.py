"""Dispatch policies: which free team goes to which incident, and who waits first.

A policy is any object with a ``name``, a ``queue_key(grade, call_taken)``
that orders waiting requests (smallest first), a ``choose(view, node,
capability, grade, since)`` (``since``: when the call was taken) that returns
a :data:`Candidate` from the :class:`DispatchView` the engine passes in, or
``None`` to leave the request waiting, and a ``to_dict()`` that describes it
for the records: :class:`DispatchPolicy`, which the shipped policies satisfy.
The view answers "nearest free team" questions from precomputed travel-time
arrays, so a policy never touches numpy or the road network.

A run config names a shipped policy (``nearest_available``,
``severity_priority``) or any class or factory by import path
(``name = "package.module:Class"``, its keyword arguments beside it; see
:mod:`sim.policy_import`). Such a policy's answers are checked while it runs
(:mod:`sim.policy_checks`): ``choose`` must return ``None`` or a free team of
the capability asked for, with a finite travel time >= 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from networks.i18n import _
from scenarios.config_keys import Key, Section
from scenarios.limits import MAX_DURATION_MIN
from scenarios.validate import shown
from sim.stations import CAPABILITIES

#: ``(team, travel_seconds, from_node, from_scene)``: a free team and how it would get there.
Candidate = tuple[int, float, int, bool]


class DispatchView(Protocol):
    """What the engine tells a policy (see :class:`sim.model.Engine`)."""

    #: Capability names; policies get capabilities as indices into this tuple.
    capabilities: tuple[str, ...]

    @property
    def now(self) -> float:
        """Current simulation time, minutes."""
        ...

    def nearest(
        self, node: int, capability: int, *, allow: Callable[[int], bool] | None = None
    ) -> Candidate | None:
        """The free team of ``capability`` with the shortest travel time to ``node``."""
        ...

    def teams_in_area(self, team: int) -> int:
        """All teams of ``team``'s capability based in ``team``'s area, busy or not."""
        ...

    def free_in_area(self, team: int) -> int:
        """Free teams of ``team``'s capability based in ``team``'s area.

        Counts teams at their station and teams dispatchable on their way back,
        ``team`` itself included if it is free.
        """
        ...

    def area_of(self, team: int) -> str:
        """The area ``team``'s station serves (its ``area``, by default the station's name)."""
        ...


@runtime_checkable
class DispatchPolicy(Protocol):
    """The interface every dispatch policy implements.

    ``isinstance(obj, DispatchPolicy)`` checks that ``obj`` has the four
    members below; a policy may also set ``recheck_after`` (see :meth:`choose`).
    Policies named by import path in a config are checked against it.
    """

    name: str

    def queue_key(self, grade: int, call_taken: float) -> Any:
        """Order of waiting requests: smallest key is served first."""
        ...

    def choose(
        self, view: DispatchView, node: int, capability: int, grade: int, since: float
    ) -> Candidate | None:
        """A team for one unit of ``capability`` at ``node``, or ``None`` to wait.

        ``since`` is when the call was taken. A policy that may hold a request
        back and relent later sets ``recheck_after`` (minutes after ``since``)
        so that the engine asks again then.
        """
        ...

    def to_dict(self) -> dict[str, Any]:
        """Plain-data description (name and parameters)."""
        ...


class NearestAvailable:
    """Send the free team with the shortest travel time; waiting requests first come, first served.

    Teams on their way back count as free (see :mod:`sim.model` for where
    they are taken to be). Nothing is held back: a grade IV incident may take
    the last team of a county.
    """

    name = "nearest_available"

    def queue_key(self, grade: int, call_taken: float) -> float:
        """First come, first served."""
        return call_taken

    def choose(
        self, view: DispatchView, node: int, capability: int, grade: int, since: float
    ) -> Candidate | None:
        """The nearest free team of the capability, wherever it is."""
        return view.nearest(node, capability)

    def to_dict(self) -> dict[str, Any]:
        """``{"name": "nearest_available"}``."""
        return {"name": self.name}


class SeverityPriority:
    """Serve the most severe first and keep a reserve for grade I-II incidents.

    Waiting requests are ordered by grade (I first), then by call time. A team
    may go to an incident of a grade outside ``protected`` only if at least
    ``reserve`` free teams of its capability stay in its home area afterwards;
    grade I-II incidents may take any free team. An area never holds back all
    of its teams: with ``n`` teams of a capability it keeps ``min(reserve, n - 1)``
    free, so a township with one fire team still answers its grade IV fires
    (otherwise they would wait for ever).

    Parameters
    ----------
    reserve
        Teams to keep free per area, one number for every capability or a
        mapping capability -> number (missing capabilities keep none).
    protected
        Grades that may use the reserve.
    max_hold
        Minutes after call taken after which a held-back request may use the
        reserve after all (so that a held call cannot wait for ever, e.g. while
        the reserve team is itself waiting on scene for the rest of a complement).
    """

    name = "severity_priority"

    def __init__(
        self,
        reserve: int | Mapping[str, int] = 1,
        protected: tuple[int, ...] = (1, 2),
        max_hold: float = 15.0,
    ):
        if not max_hold >= 0:
            raise ValueError(_("max_hold must be >= 0"))
        self.max_hold = float(max_hold)
        self.recheck_after = self.max_hold
        if isinstance(reserve, Mapping):
            if any(v < 0 for v in reserve.values()):
                raise ValueError(_("reserve must be >= 0"))
        elif reserve < 0:
            raise ValueError(_("reserve must be >= 0"))
        self.reserve = reserve
        self.protected = frozenset(protected)

    def _reserve(self, view: DispatchView, capability: int) -> int:
        if isinstance(self.reserve, Mapping):
            return int(self.reserve.get(view.capabilities[capability], 0))
        return int(self.reserve)

    def queue_key(self, grade: int, call_taken: float) -> tuple[int, float]:
        """Grade first (I before IV), then call time."""
        return (grade, call_taken)

    def choose(
        self, view: DispatchView, node: int, capability: int, grade: int, since: float
    ) -> Candidate | None:
        """The nearest free team whose area keeps its reserve.

        Any team for protected grades, or once the call has been held ``max_hold`` minutes.
        """
        k = self._reserve(view, capability)
        if grade in self.protected or k == 0 or view.now - since >= self.max_hold - 1e-9:
            return view.nearest(node, capability)
        return view.nearest(
            node,
            capability,
            allow=lambda team: view.free_in_area(team) > min(k, view.teams_in_area(team) - 1),
        )

    def to_dict(self) -> dict[str, Any]:
        """Name and parameters."""
        reserve = dict(self.reserve) if isinstance(self.reserve, Mapping) else self.reserve
        return {
            "name": self.name,
            "reserve": reserve,
            "protected": sorted(self.protected),
            "max_hold": self.max_hold,
        }


#: Most teams of one capability an area may keep in reserve.
MAX_RESERVE = 1_000


def policy_from_dict(
    data: Mapping[str, Any],
    *,
    source: str | None = None,
    key: str = "policy",
    search_path: str | Path | None = None,
) -> DispatchPolicy:
    """Build a policy from ``{"name": ..., <parameters>}``.

    ``nearest_available`` takes no parameters. ``severity_priority`` takes
    ``reserve`` (a count, or a table capability -> count), ``protected`` (a list
    of grades 1-4) and ``max_hold`` (minutes; ``inf``: never relent). Any other
    name is an import path ``"package.module:Class"`` (or, from Python, the
    class or factory itself), called with the other keys as keyword arguments
    (:func:`sim.policy_import.policy_from_path`): this runs the named code.

    Parameters
    ----------
    data
        The ``[policy]`` table.
    source, key
        File and dotted key of the table, for error messages.
    search_path
        Folder searched first for an import path's module (a config's folder).

    Raises
    ------
    networks.errors.ConfigError
        Unknown name, unknown key or bad parameter, naming ``source`` and the dotted key.
    """
    import math

    from scenarios.limits import MAX_DURATION_MIN
    from scenarios.validate import Reader
    from sim.policy_import import is_import_path, policy_from_path

    r = Reader(data, source=source, key=key)
    shipped = (NearestAvailable.name, SeverityPriority.name)
    name = r.get("name", None)
    if callable(name) or is_import_path(name):
        return policy_from_path(data, source=source, key=key, search_path=search_path)
    name = r.str("name")
    if name not in shipped:
        raise r.error(
            "name",
            _("{value!r} is neither a shipped policy ({names}) nor an import path "
              '"package.module:Class"').format(value=name, names=", ".join(shipped)),
        )  # fmt: skip
    if name == NearestAvailable.name:
        r.allow({"name"})
        return NearestAvailable()
    POLICY.allow(r)
    reserve: int | dict[str, int]
    if isinstance(r.get("reserve", 1), Mapping):
        t = r.table("reserve")
        POLICY_RESERVE.allow(t)
        reserve = {str(k): POLICY_RESERVE.read(t, str(k)) for k in t.data}
    else:
        reserve = r.int("reserve", POLICY["reserve"].default, lo=0, hi=MAX_RESERVE)
    grades = r.get("protected", [1, 2])
    if not isinstance(grades, list | tuple) or not all(
        isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 4 for g in grades
    ):
        raise r.error(
            "protected",
            _("expected a list of grades 1-4, got {value!r}").format(value=shown(grades)),
        )
    hold = r.get("max_hold", 15.0)
    if not (isinstance(hold, float) and math.isinf(hold) and hold > 0):
        hold = r.num("max_hold", 15.0, lo=0, hi=MAX_DURATION_MIN)
    return SeverityPriority(reserve=reserve, protected=tuple(grades), max_hold=hold)


_SHIPPED = f"{NearestAvailable.name}, {SeverityPriority.name}"
#: The ``[policy]`` table of a run config (the keys of the shipped policies).
POLICY = Section(
    "policy",
    "Dispatch policy",
    (
        Key("name", "string",
            "The policy: a shipped one, or any class or factory by import path (this runs its "
            "code; its module is looked for first beside the config).", "调派策略",
            default_text=f"{SeverityPriority.name} (when [policy] is left out)",
            allowed_text=f'{_SHIPPED}, or "package.module:Class"'),
        Key("reserve", "any",
            f"{SeverityPriority.name}: teams kept free per area for grade I-II incidents; a "
            "count, or a table capability = count.", "预留力量", default=1,
            allowed_text=f"0-{MAX_RESERVE:,}"),
        Key("protected", "list", f"{SeverityPriority.name}: the grades the reserve is kept for.",
            default=[1, 2], allowed_text="grades 1-4"),
        Key("max_hold", "number",
            f"{SeverityPriority.name}: minutes a lesser incident may be held back before the "
            "reserve relents (inf: never).", default=15.0, lo=0, hi=MAX_DURATION_MIN,
            allowed_text="or inf"),
        Key("<argument>", "any",
            "With an import-path name: the keyword arguments of the class or factory."),
    ),
    zh="调派策略",
    help=f"{NearestAvailable.name} takes no other key; {SeverityPriority.name} takes reserve, "
    "protected and max_hold.",
)  # fmt: skip
#: ``[policy.reserve]``: teams kept free by capability.
POLICY_RESERVE = Section(
    "policy.reserve",
    "Reserve by capability",
    (Key("<capability>", "integer", "Teams of this capability kept free per area.",
         names=CAPABILITIES, lo=0, hi=MAX_RESERVE),),
    zh="预留力量",
)  # fmt: skip
