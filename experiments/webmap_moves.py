"""The team-moves layer of a run's interactive map (see :mod:`experiments.webmap`).

A run with ``[moveup]`` or ``[warnings]`` has a ``moves`` table, one row per
move of a free team from one station to another (:data:`sim.relocate.MOVE_COLUMNS`).
The map draws one arrow per station pair and direction, not one per move, so
that the page's size is bounded by the stations, not by the length of the
run: its width grows with the moves along it, its colour says whether they
were move-ups, a warning plan's staging and stand-down moves, or both, and
its popup counts them by reason and capability. Past :data:`MAX_MOVE_PAIRS`
pairs only the busiest are drawn (and the page says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from networks.i18n import _

#: Reasons of a move (:data:`sim.relocate.REASONS`), in the order of :attr:`MovePairs.by_reason`.
REASONS = ("move_up", "warning")
#: Colour of an arrow whose moves were all move-ups, all a warning plan's, or both: hues
#: the roads (:data:`networks.plot.ROAD_STYLE`) and closures do not use.
MOVE_COLOURS = {"move_up": "#1a1a1a", "warning": "#e7298a", "both": "#a6761d"}
#: Width of an arrow (screen pixels) for the fewest and for the most moves along a pair.
MOVE_WIDTH = (1.5, 8.0)
#: Station pairs (and directions) drawn at most: the busiest; 11 stations have 110.
MAX_MOVE_PAIRS = 2_000


@dataclass(frozen=True)
class MovePairs:
    """The moves of a run added up per station pair and direction, busiest pair first.

    Attributes
    ----------
    origin, destination
        Station indices (rows of ``records.stations``) of each pair.
    by_reason
        ``(pairs, 2)`` moves per reason, columns as :data:`REASONS`.
    capabilities
        Capability names, the columns of ``by_capability``, as first met.
    by_capability
        ``(pairs, len(capabilities))`` moves per capability.
    en_route
        Moves along the pair whose team was sent to an incident before arriving.
    drive_sum, drive_n
        Sum and number of drive minutes of the moves that arrived within the run.
    first, last
        Earliest and latest departure, minutes.
    """

    origin: np.ndarray
    destination: np.ndarray
    by_reason: np.ndarray
    capabilities: tuple[str, ...]
    by_capability: np.ndarray
    en_route: np.ndarray
    drive_sum: np.ndarray
    drive_n: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @property
    def moves(self) -> np.ndarray:
        """Moves along each pair."""
        return self.by_reason.sum(axis=1)


def move_pairs(moves: dict[str, np.ndarray], n_stations: int) -> MovePairs:
    """Add up a ``moves`` table per station pair and direction.

    Parameters
    ----------
    moves
        The run's ``moves`` table (:data:`sim.relocate.MOVE_COLUMNS`).
    n_stations
        Number of stations (rows of ``records.stations``).

    Returns
    -------
    MovePairs
        Busiest pair first; pairs with as many moves in station order.
    """
    src = np.asarray(moves["from_station"], dtype=np.int64)
    dst = np.asarray(moves["to_station"], dtype=np.int64)
    key, inv = np.unique(src * n_stations + dst, return_inverse=True)
    inv = inv.reshape(-1)
    m = key.size
    reason = np.asarray(moves["reason"], dtype=str)
    by_reason = np.column_stack(
        [np.bincount(inv, weights=reason == r, minlength=m) for r in REASONS]
    ).astype(np.int64)
    cap = np.asarray(moves["capability"], dtype=str)
    caps = tuple(dict.fromkeys(cap.tolist()))
    by_cap = np.zeros((m, len(caps)), dtype=np.int64)
    for k, c in enumerate(caps):
        by_cap[:, k] = np.bincount(inv, weights=cap == c, minlength=m)
    depart = np.asarray(moves["depart"], dtype=np.float64)
    drive = np.asarray(moves["arrive"], dtype=np.float64) - depart
    arrived = ~np.isnan(drive)
    en_route = np.bincount(inv, weights=~np.isnan(moves["dispatched"]), minlength=m)
    first = np.full(m, np.inf)
    last = np.full(m, -np.inf)
    np.minimum.at(first, inv, depart)
    np.maximum.at(last, inv, depart)
    order = np.argsort(-by_reason.sum(axis=1), kind="stable")  # keys ascend: station order
    return MovePairs(
        origin=(key // max(n_stations, 1))[order],
        destination=(key % max(n_stations, 1))[order],
        by_reason=by_reason[order],
        capabilities=caps,
        by_capability=by_cap[order],
        en_route=en_route.astype(np.int64)[order],
        drive_sum=np.bincount(inv, weights=np.where(arrived, drive, 0.0), minlength=m)[order],
        drive_n=np.bincount(inv, weights=arrived, minlength=m).astype(np.int64)[order],
        first=first[order],
        last=last[order],
    )


def move_widths(n: np.ndarray, most: int) -> np.ndarray:
    """Arrow width (pixels) of ``n`` moves when the busiest pair has ``most``.

    From :data:`MOVE_WIDTH`'s first value for one move to its second for
    ``most``, by the square root (a pair with four times the moves is twice as wide).

    Parameters
    ----------
    n
        Moves along each arrow.
    most
        Moves along the busiest arrow of the replication.

    Returns
    -------
    numpy.ndarray
        Width of each arrow in screen pixels.
    """
    lo, hi = MOVE_WIDTH
    if most <= 1:
        return np.full(np.shape(n), lo)
    return lo + (hi - lo) * np.sqrt((np.asarray(n, dtype=float) - 1.0) / (most - 1.0))


def _kind(by_reason: np.ndarray) -> np.ndarray:
    """``move_up``, ``warning`` or ``both`` per pair."""
    up, warn = by_reason[:, 0] > 0, by_reason[:, 1] > 0
    return np.where(up & warn, "both", np.where(up, "move_up", "warning"))


def moves_layer(
    moves: dict[str, np.ndarray],
    station_xy: np.ndarray,
    station_names: Sequence[str],
    *,
    clock: Callable[[float], str],
    max_pairs: int = MAX_MOVE_PAIRS,
) -> dict[str, Any]:
    """The layer of team moves: an arrow per station pair and direction, with a popup.

    Parameters
    ----------
    moves
        The run's ``moves`` table.
    station_xy
        ``(stations, 2)`` map coordinates (metres from the origin) of the stations.
    station_names
        Names of the stations as shown.
    clock
        A time of the run (minutes) as a person reads it.
    max_pairs
        Most pairs drawn (the busiest).

    Returns
    -------
    dict
        A layer of type ``moves`` of :func:`experiments.webmap.render_page`.
    """
    from scenarios.terms import capability_name

    pairs = move_pairs(moves, len(station_names))
    total = pairs.moves
    kind = _kind(pairs.by_reason)
    present = [k for k in MOVE_COLOURS if (kind == k).any()]
    labels = {"move_up": _("move-ups"), "warning": _("a warning's staging and stand-down"),
              "both": _("both kinds")}  # fmt: skip
    shown = min(total.size, max_pairs)
    most = int(total.max()) if total.size else 0
    width = move_widths(total, most)
    cap_names = [capability_name(c) for c in pairs.capabilities]
    items = []
    for i in range(shown):
        a, b = int(pairs.origin[i]), int(pairs.destination[i])
        name = _("{origin} → {destination}").format(
            origin=station_names[a], destination=station_names[b]
        )
        by_cap = _(", ").join(
            f"{cap_names[k]} ×{n}" for k, n in enumerate(pairs.by_capability[i].tolist()) if n
        )
        drive = pairs.drive_sum[i] / pairs.drive_n[i] if pairs.drive_n[i] else None
        popup = [
            [_("moves along this arrow"), int(total[i])],
            [labels["move_up"], int(pairs.by_reason[i, 0])],
            [labels["warning"], int(pairs.by_reason[i, 1])],
            [_("teams by capability"), by_cap],
            [_("sent to an incident on the way"), int(pairs.en_route[i])],
            [_("drive, mean (min)"), f"{drive:.1f}" if drive is not None else "-"],
            [_("first move"), clock(float(pairs.first[i]))],
            [_("last move"), clock(float(pairs.last[i]))],
        ]
        items.append(
            {"x1": int(station_xy[a, 0]), "y1": int(station_xy[a, 1]),
             "x2": int(station_xy[b, 0]), "y2": int(station_xy[b, 1]),
             "n": int(total[i]), "w": round(float(width[i]), 2),
             "g": present.index(str(kind[i])), "name": name, "popup": popup}
        )  # fmt: skip
    notes = [
        _("{moves} moves in the replication shown, along {pairs} station pairs (an arrow "
          "per direction)").format(moves=int(total.sum()), pairs=total.size)
        if total.size else _("no team moved in the replication shown")
    ]  # fmt: skip
    if shown < total.size:
        notes.append(
            _("the {shown} busiest of {pairs} station pairs drawn ({moves} of {total} moves)")
            .format(shown=shown, pairs=total.size, moves=int(total[:shown].sum()),
                    total=int(total.sum()))
        )  # fmt: skip
    sizes = sorted({1, most}) if most else []
    return {
        "id": "moves", "type": "moves", "label": _("team moves between stations"), "on": True,
        "groups": [{"label": labels[k], "colour": MOVE_COLOURS[k]} for k in present],
        "width_title": _("arrow width: moves along it"),
        "widths": [{"n": n, "width": round(float(w), 2)}
                   for n, w in zip(sizes, move_widths(np.array(sizes), most), strict=True)],
        "pairs": items, "total": int(total.sum()),
        "note": " ".join(notes),
    }  # fmt: skip
