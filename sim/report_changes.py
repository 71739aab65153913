"""What a follow-up report (续报) reports: the changes an incident must report, and when.

More forces called because the first were not enough, a depot short, a
secondary event, a road cut at the scene (:data:`CHANGES`): found from the
run's records by :func:`changes_of`; :func:`to_report` says which of them the
receiving desk owes a follow-up for (:mod:`sim.reporting`).
"""

from __future__ import annotations

import numpy as np

from sim.records import RunRecords

#: What a follow-up reports (``""``: the interval's tick).
CHANGES = ("", "more_forces", "supply_short", "cascade", "road_cut")


def changes_of(
    records: RunRecords, parent: np.ndarray, cuts: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The changes a follow-up must report: ``(incident, time, what)`` (codes of :data:`CHANGES`).

    More forces (a team sent after the first dispatch: the first were not
    enough), a depot short, a secondary event, a road cut at the scene; the
    first of each kind per incident. Grade escalation and casualty updates are
    not modelled yet.

    Parameters
    ----------
    records
        The run's records (incidents, dispatches, stock-outs).
    parent
        Per incident, the incident it cascaded from (``-1`` if none).
    cuts
        Road closures an incident brings with it: ``(incident, start)``, or ``None``.

    Returns
    -------
    tuple of numpy.ndarray
        Incident, time found and the code of each change.
    """
    inc, d, so = records.incidents, records.dispatches, records.stockouts
    parts = []
    if len(d["incident"]):
        later = d["dispatched"] > inc["first_dispatch"][d["incident"]] + 1e-9
        parts.append((*_firsts(d["incident"][later], d["dispatched"][later]), 1))
    sel = (so["incident"] >= 0) & (so["kind"] == "issue")
    parts.append((*_firsts(so["incident"][sel], so["time"][sel]), 2))
    kids = np.flatnonzero(parent >= 0)
    parts.append((*_firsts(parent[kids], inc["call"][kids]), 3))
    if cuts is not None:
        parts.append((*_firsts(np.asarray(cuts[0], np.int64), np.asarray(cuts[1], float)), 4))
    who = np.concatenate([p[0] for p in parts]).astype(np.int64)
    when = np.concatenate([p[1] for p in parts]).astype(float)
    what = np.concatenate([np.full(p[0].size, p[2], np.int64) for p in parts])
    return who, when, what


def _firsts(who: np.ndarray, when: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct ``who`` with its earliest ``when``."""
    if not who.size:
        return np.zeros(0, np.int64), np.zeros(0)
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    keep = np.r_[True, who[1:] != who[:-1]]
    return who[keep], when[keep]


def to_report(
    inc: dict[str, np.ndarray],
    taken: np.ndarray,
    stop: np.ndarray,
    up: np.ndarray,
    end: float,
    who: np.ndarray,
    when: np.ndarray,
) -> np.ndarray:
    """Which changes ``(who, when)`` an incident must report in a follow-up.

    Those of incidents whose call is taken within the run and whose reach is
    above the receiving level, from the call on, found while the event lasts:
    a change from the call on is found at the latest when the call is taken
    (a depot short, a road cut at the scene).

    Parameters
    ----------
    inc
        The incidents table (``call`` read here).
    taken, stop
        Per incident, when its call was taken (``nan``: never) and when its event
        ended (cleared, or the run's end).
    up
        Per incident, whether its reach is above the receiving level.
    end
        The run's end.
    who, when
        The changes (:func:`changes_of`).

    Returns
    -------
    numpy.ndarray
        A boolean mask over the changes.
    """
    if not who.size:
        return np.zeros(0, bool)
    with np.errstate(invalid="ignore"):
        ok = (taken[who] <= end) & up[who]
        return ok & (when >= inc["call"][who]) & (np.maximum(when, taken[who]) < stop[who])
