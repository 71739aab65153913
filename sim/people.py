"""People at the scene (人民至上、生命至上): trapped, injured and evacuated, and who is saved.

A model run after the response, from the run's records, like the reporting
chain: it changes no other record, and its draws come from a stream of its
own. With a :class:`~sim.people_spec.PeopleSpec`:

1. **People.** Every incident draws its trapped, injured and evacuated people
   from Poisson distributions with the means of its hazard and grade
   (``sim/people.toml``), then one uniform number per trapped person: that
   person is alive when rescued ``t`` minutes after the call if the number is
   below the survival curve at ``t`` (:mod:`sim.survival`). The draws depend
   only on the incidents, so two designs compared on the same replication
   face the same people, and the same person lives in both if rescued no
   later.
2. **Rescue.** Each team on scene extracts trapped people one after another
   at its capability's rate (``rescue_per_hour``), from its arrival until it
   is released (the end of the run if still there). With ``W(t)`` the people
   the teams could have extracted by ``t``, the ``k``-th person is out at
   ``W^-1(k)``, a closed form on the piecewise-linear ``W``
   (:func:`rescue_times`). The incident's own work decides when the teams
   leave (:mod:`sim.dispatch`), and they leave nobody behind: whoever is still
   trapped when the incident clears is out at clearing (medical teams treat
   rather than dig, rate 0 by default, but they see the rescue through too).
   An incident no team reached, or still being worked at the end of the
   run, leaves its people ``not_reached``; those of them whose survival draw
   says they are dead by the end of the run are ``not_reached_dead`` (the
   others are alive then: the run does not say how they fare).
3. **Delay.** The same teams, each on scene from the call until its release,
   give the zero-delay rescue (people no team could be on scene for, as none
   was sent within the run, are out at the call in it: waiting for a free team
   is delay too; people those teams would also leave trapped at the end fare
   in it as in the run); ``delay_deaths`` are the people alive in it
   and, in the real one, found dead or still trapped and dead by the end of
   the run. By construction they are never negative, and a design that
   leaves people trapped past the end does not gain from it.
4. **Injured** wait for care until the first medical team is on scene
   (``care_min``).
5. **Evacuation** to shelters, once the first team is on scene, in the
   vehicles of the teams sent (``evacuation_vehicles`` each): :mod:`sim.shelters`.

Each trapped person is counted once: ``trapped = rescued_alive + died_waiting
+ not_reached``, and ``not_reached_dead <= not_reached``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from networks.roadnet import RoadNetwork
from sim.people_spec import GROUPS, PeopleSpec, Shelter
from sim.records import RunRecords
from sim.shelters import SHELTER_COLUMNS, evacuate

__all__ = ["PEOPLE_COLUMNS", "SHELTER_COLUMNS", "people_tables", "rescue_times"]

#: Columns of the ``people`` table (one row per incident with anyone trapped, injured or
#: to evacuate).
PEOPLE_COLUMNS = (
    "incident", "trapped", "rescued_alive", "died_waiting", "delay_deaths", "not_reached",
    "not_reached_dead", "rescue_mean_min", "rescue_last_min", "injured", "care_min",
    "evacuated", "sheltered", "shelter_overflow", "not_moved", "evacuation_min",
)  # fmt: skip
#: Rates below this (people per minute) are no rate: rounding, not a team at work.
_TINY = 1e-12


def rescue_times(
    trapped: np.ndarray,
    incident: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    rate: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When each trapped person is out, teams extracting one after another at their rates.

    Team ``j`` at incident ``incident[j]`` extracts ``rate[j]`` people per hour
    from ``start[j]`` to ``stop[j]``; the ``k``-th person of an incident is out
    when the people all its teams could have extracted reach ``k``. Between
    two arrivals or departures the capacity grows linearly, so each time is a
    closed form; the incidents are handled together (one sort, one search).

    Parameters
    ----------
    trapped
        People trapped per incident.
    incident, start, stop, rate
        Per team at work: its incident, its window (minutes) and its rate
        (people per hour).

    Returns
    -------
    who, k, t
        Per person (incidents in order, then ``k = 1, 2, ...``): the incident,
        ``k`` and the minute the person is out (``inf``: never, within the
        teams' windows).
    """
    trapped = np.asarray(trapped, dtype=np.int64)
    who = np.repeat(np.arange(len(trapped)), trapped)
    k = np.arange(who.size) - (np.cumsum(trapped) - trapped)[who] + 1
    t = np.full(who.size, np.inf)
    incident = np.asarray(incident, dtype=np.int64)
    keep = (rate > 0) & (stop > start) & (trapped[incident] > 0) if incident.size else incident > 0
    if not who.size or not keep.any():
        return who, k, t
    inc, a, e, r = incident[keep], start[keep], stop[keep], rate[keep] / 60.0
    # One team alone: the k-th person is out k / rate after it arrives (if it is still there).
    teams = np.bincount(inc, minlength=len(trapped))
    alone = teams[inc] == 1
    row = np.full(len(trapped), -1, dtype=np.int64)
    row[inc[alone]] = np.flatnonzero(alone)
    one = row[who] >= 0
    j = row[who[one]]
    t1 = a[j] + k[one] / r[j]
    t[one] = np.where(t1 <= e[j] + 1e-9, np.minimum(t1, e[j]), np.inf)
    if alone.all():
        return who, k, t
    inc, a, e, r = inc[~alone], a[~alone], e[~alone], r[~alone]
    # Several teams: breakpoints of each incident's capacity, +rate at a start, -rate at a stop.
    b_inc = np.concatenate((inc, inc))
    b_t = np.concatenate((a, e))
    b_d = np.concatenate((r, -r))
    o = np.lexsort((b_t, b_inc))
    b_inc, b_t, b_d = b_inc[o], b_t[o], b_d[o]
    head = np.r_[True, b_inc[1:] != b_inc[:-1]]
    group = np.cumsum(head) - 1
    heads = np.flatnonzero(head)
    cs = np.cumsum(b_d)
    speed = cs - (cs[heads] - b_d[heads])[group]  # people per minute from each breakpoint on
    speed[speed < _TINY] = 0.0
    last = np.r_[head[1:], True]
    dt = np.where(last, 0.0, np.r_[np.diff(b_t), 0.0])
    seg = speed * dt
    before = np.cumsum(seg) - seg
    cap = before - before[heads][group]  # people the teams could have extracted by b_t
    # One sorted key per incident (its group number, then capacity): one search finds,
    # for every person, the first breakpoint at which the capacity reaches k.
    width = float(trapped.max()) + 1.0
    key = group * width + np.minimum(cap, width - 0.5)
    g_of = np.full(len(trapped), -1, dtype=np.int64)
    g_of[b_inc[heads]] = np.arange(heads.size)
    many = np.flatnonzero(g_of[who] >= 0)
    g, km = g_of[who[many]], k[many]
    pos = np.searchsorted(key, g * width + (km - 1e-9), side="left")
    ok = pos < key.size
    ok[ok] &= group[pos[ok]] == g[ok]
    p = pos[ok] - 1
    t[many[ok]] = np.minimum(b_t[p] + (km[ok] - cap[p]) / speed[p], b_t[p + 1])
    return who, k, t


def people_tables(
    records: RunRecords,
    *,
    spec: PeopleSpec,
    network: RoadNetwork,
    stations: Sequence[Any],
    rng: np.random.Generator,
) -> dict[str, dict[str, np.ndarray]]:
    """The ``people`` and ``shelters`` tables of a run.

    Parameters
    ----------
    records
        The run's records (incidents and dispatches).
    spec
        The people model's settings.
    network
        The roads the run started on (for the evacuation drives).
    stations
        The region's stations (shelters when ``spec.shelters`` is ``None``).
    rng
        The model's own stream: Poisson numbers of people per incident and
        group, then one uniform survival draw per trapped person.

    Returns
    -------
    dict
        ``people`` (:data:`PEOPLE_COLUMNS`) and ``shelters``
        (:data:`~sim.shelters.SHELTER_COLUMNS`).
    """
    inc, d = records.incidents, records.dispatches
    n, end = len(inc["id"]), records.end
    # An incident's means follow from its requirement row (one hazard and grade each).
    _u, first, inv = np.unique(inc["requirement"], return_index=True, return_inverse=True)
    means = spec.means(inc["hazard"][first], inc["grade"][first])
    counts = {g: _poisson(means[g][inv], rng) for g in GROUPS}
    trapped = counts["trapped"]
    luck = rng.random(int(trapped.sum()))  # one survival draw per trapped person
    call = np.asarray(inc["call"], dtype=np.float64)
    cleared = np.where(np.isnan(inc["cleared"]), np.inf, inc["cleared"])

    # Teams at work: from arrival to release (the end of the run if still there).
    row = np.asarray(d["incident"], dtype=np.int64)
    team = np.asarray(d["team"], dtype=np.int64)
    rate = spec.rate(records.teams["capability"])[team]
    stop = np.where(np.isnan(d["released"]), end, d["released"])
    arrive = np.where(np.isnan(d["arrival"]), np.inf, d["arrival"])
    who, _k, t = rescue_times(trapped, row, arrive, stop, rate)
    _w0, _k0, t0 = rescue_times(trapped, row, call[row], stop, rate)
    # Nobody is left behind when the incident clears, if any team was there to see to it.
    there = np.zeros(n, dtype=bool)
    there[row[stop > arrive]] = True
    there0 = np.zeros(n, dtype=bool)
    there0[row[stop > call[row]]] = True
    t = np.where(there[who], np.minimum(t, cleared[who]), t)
    t0 = np.where(there0[who], np.minimum(t0, cleared[who]), t0)
    reached = t <= end
    since, since0 = t - call[who], t0 - call[who]
    alive = reached & (luck < spec.survival(np.where(reached, since, 0.0)))
    # Zero delay: the same teams on scene from the call. People they too leave trapped at
    # the end fare as the real ones do then (no delay death); people of an incident no
    # team was sent to within the run (every one busy) are out at the call itself.
    at_end = np.maximum(end - call[who], 0.0)
    alive0 = luck < spec.survival(
        np.where(np.isfinite(t0), since0, np.where(there0[who], at_end, 0.0))
    )
    # Still trapped at the end: dead by then on their own draw (the curve only falls), else
    # alive and censored. Counting the dead keeps a design that leaves people trapped past
    # the end from looking better than one that reaches them late.
    dead_by_end = ~reached & (luck >= spec.survival(at_end))

    def per(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(who[mask], weights=None if weights is None else weights[mask],
                           minlength=n)  # fmt: skip

    n_reached = per(reached).astype(np.int64)
    rescued_alive = per(alive).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_min = per(reached, since) / n_reached
    last_min = np.full(n, -np.inf)
    np.maximum.at(last_min, who[reached], since[reached])
    last_min[n_reached == 0] = np.nan

    # Care for the injured: the first medical team on scene within the run. A diverted row
    # was taken away before it arrived: its arrival never happened.
    care = np.full(n, np.inf)
    med = (np.asarray(records.teams["capability"]) == "medical")[team] & (arrive <= end)
    med &= ~np.asarray(d["diverted"], dtype=bool)
    np.minimum.at(care, row[med], arrive[med])
    injured = counts["injured"]
    care_min = np.where(np.isfinite(care) & (injured > 0), care - call, np.nan)

    shelters = _shelters(spec, stations)
    first = np.asarray(inc["first_arrival"], dtype=np.float64)
    moved, table = evacuate(
        counts["evacuated"], first, np.asarray(inc["node"], dtype=np.int64), shelters,
        network=network, end=end, batch=spec.evacuation_batch,
        vehicles=spec.evacuation_vehicles * np.asarray(inc["teams_sent"], dtype=np.int64),
        load=spec.evacuation_load_min,
    )  # fmt: skip

    # Incidents called after the end drew their people too (so that the draws do not
    # depend on the horizon), but are no part of the run.
    some = (trapped > 0) | (injured > 0) | (counts["evacuated"] > 0)
    rows = np.flatnonzero(some & (inc["reason"] != "after_horizon"))
    out = {
        "incident": rows.astype(np.int64),
        "trapped": trapped[rows],
        "rescued_alive": rescued_alive[rows],
        "died_waiting": (n_reached - rescued_alive)[rows],
        "delay_deaths": per(alive0 & ~alive & (reached | dead_by_end)).astype(np.int64)[rows],
        "not_reached": (trapped - n_reached)[rows],
        "not_reached_dead": per(dead_by_end).astype(np.int64)[rows],
        "rescue_mean_min": mean_min[rows],
        "rescue_last_min": last_min[rows],
        "injured": injured[rows],
        "care_min": care_min[rows],
        "evacuated": counts["evacuated"][rows],
        "sheltered": moved["sheltered"][rows],
        "shelter_overflow": moved["shelter_overflow"][rows],
        "not_moved": moved["not_moved"][rows],
        # Only where every evacuee found shelter room: timing the people moved alone, a
        # shortage of room made an evacuation look faster (fewer shelters looked better).
        "evacuation_min": np.where(
            moved["sheltered"] == counts["evacuated"], moved["arrived"] - call, np.nan
        )[rows],
    }
    return {"people": out, "shelters": table}


def _poisson(mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Poisson numbers with these means, drawn in order for the incidents with a mean above 0."""
    out = np.zeros(len(mean), dtype=np.int64)
    some = mean > 0
    out[some] = rng.poisson(mean[some])
    return out


def _shelters(spec: PeopleSpec, stations: Sequence[Any]) -> tuple[Shelter, ...]:
    """The spec's shelters, or a shelter at every station (``station_capacity`` each)."""
    if spec.shelters is not None:
        return spec.shelters
    return tuple(Shelter(s.name, int(s.node), spec.station_capacity) for s in stations)
