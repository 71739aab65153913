"""A road disruption schedule read back from a table, as ``yingji scenario sample`` writes it.

Columns (:data:`scenarios.export.DISRUPTION_COLUMNS`): ``start_min``,
``end_min`` (``inf``: to the end of the run), ``incident`` (the ``id`` of the
incident that caused it in the log, ``-1`` for none), ``factor`` (travel-time
multiplier >= 1, ``inf`` closes), ``label`` (free text), ``n_edges`` (checked
against ``edges``, may be left out) and ``edges`` (edge indices of the
network, separated by spaces).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from networks.i18n import _
from networks.roadnet import Disruption, RoadNetwork
from scenarios import incident_cells as cells
from scenarios.export import DISRUPTION_COLUMNS
from scenarios.limits import MAX_DURATION_MIN
from scenarios.log_table import LogTable
from scenarios.stream import ScheduledDisruption

__all__ = ["read_disruptions"]


def _number_or_inf(value: object, *, lo: float = 0.0) -> float:
    """A number in ``[lo, MAX_DURATION_MIN]``, or ``inf`` (minutes, or a factor)."""
    if isinstance(value, str) and value.strip().lower() in ("inf", "+inf"):
        return math.inf
    if isinstance(value, float) and value == math.inf:
        return value
    return cells.number(value, lo=lo, hi=MAX_DURATION_MIN)


def _row(
    t: LogTable, i: int, network: RoadNetwork, ids: Mapping[int, int], at: list[str]
) -> ScheduledDisruption:
    """Disruption ``i``; ``at[0]`` is the column being read (for a message)."""

    def cell(name: str, *, need: bool = True) -> object:
        at[0] = name
        v = cells.plain(t.columns[name][i]) if name in t.columns else None
        if v is None and need:
            raise cells.CellError(_("empty (a value is needed)"))
        return v

    start = cells.number(cell("start_min"))
    end = _number_or_inf(cell("end_min"), lo=start)
    v = cell("incident", need=False)
    k = -1 if v is None else cells.integer(v)
    if k != -1 and k not in ids:
        raise cells.CellError(_("no incident with id {id} in the log").format(id=k))
    factor = _number_or_inf(cell("factor"), lo=1.0)
    text = cell("edges")
    parts = text.split() if isinstance(text, str) else [text]
    edges = tuple(cells.integer(e, lo=0, hi=network.n_edges - 1) for e in parts)
    v = cell("n_edges", need=False)
    if v is not None and cells.integer(v) != len(edges):
        raise cells.CellError(
            _("{n} edges are listed in edges, not {given}").format(n=len(edges), given=v)
        )
    label = cell("label", need=False)
    d = Disruption(edges, factor, "" if label is None else str(label))
    return ScheduledDisruption(start, end, d, ids[k] if k != -1 else -1)


def read_disruptions(
    table: LogTable, network: RoadNetwork, *, ids: Mapping[int, int]
) -> tuple[ScheduledDisruption, ...]:
    """The disruptions of a schedule table, checked row by row.

    Parameters
    ----------
    table
        The schedule (columns as in the module docstring).
    network
        The network whose edges it names.
    ids
        Incident id -> row of the incident log (``incident`` refers to them).

    Returns
    -------
    tuple of ScheduledDisruption
        With ``incident`` as a row of the log (``-1``: none).

    Raises
    ------
    networks.errors.ConfigError
        The first mistake, naming the file, row and column.
    """
    table.check_columns(DISRUPTION_COLUMNS, required=("start_min", "end_min", "factor", "edges"))
    out = []
    for i in range(len(table)):
        at = ["start_min"]
        try:
            out.append(_row(table, i, network, ids, at))
        except cells.CellError as exc:
            raise table.error(i, at[0], str(exc)) from None
    return tuple(out)
