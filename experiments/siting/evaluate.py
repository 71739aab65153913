"""Prove a siting by simulation: current against proposed on the same incidents.

Replication ``r`` of both sitings draws its incidents and its response times
from the same seeds (:func:`experiments.runner.replication_seeds`), so the two
runs differ only in where the facilities stand (common random numbers), and
the difference in each target is judged by a paired t interval over
replications.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.analysis import mean_ci, paired_ci
from experiments.config import Region, RunConfig
from experiments.metric_units import table_unit
from networks.i18n import N_, _
from networks.seeds import SeedLike

#: Metrics compared for a station siting: the three standard targets, all three
#: together, and the arrival interval.
STATION_METRICS = (
    "compliance_call_taking", "compliance_arrival", "compliance_control",
    "compliance_all_three", "intervals_arrival_mean", "intervals_arrival_p90",
)  # fmt: skip
#: Metrics compared for a depot siting (the team targets are unaffected by depots).
DEPOT_METRICS = (
    "supply_within_standard", "supply_delivery_mean", "supply_delivery_p90",
    "supply_short_units", "compliance_all_three",
)  # fmt: skip
#: Lives, added to a station siting's metrics when the config has ``[people]`` (so that
#: sitings are compared by lives, not only minutes).
PEOPLE_METRICS = ("people_rescued_alive", "people_delay_deaths", "people_saved_share")
#: The warning plan's headline metrics (:data:`sim.warning_summary.WARNING_HEADLINE`) a
#: siting can change, added when the config has ``[warnings]``, by facility: where the
#: stations stand decides which teams are staged and how soon they reach the warned area's
#: incidents; where the depots stand, how much stock is pushed down and how soon supplies
#: arrive there. (The duty officers added do not depend on the siting.)
WARNING_METRICS = {
    "stations": ("warning_teams_staged", "warning_compliance_arrival", "warning_arrival_mean"),
    "depots": (
        "warning_stock_units", "warning_supply_delivery_mean", "warning_supply_short_incidents",
    ),
}  # fmt: skip
#: Metrics where a larger value is better (more teams staged and stock pushed down before a
#: warned hazard: more of the plan carried out from the siting).
HIGHER_IS_BETTER = frozenset({
    "compliance_call_taking", "compliance_arrival", "compliance_control",
    "compliance_all_three", "supply_within_standard", "people_rescued_alive",
    "people_alive_share", "people_saved_share", "warning_compliance_arrival",
    "warning_teams_staged", "warning_stock_units",
})  # fmt: skip

#: The evaluation's verdicts (``evaluation.csv`` keeps the value itself).
VERDICTS = {
    "better": N_("better"),
    "worse": N_("worse"),
    "no clear difference": N_("no clear difference"),
    "no data": N_("no data"),
}


def _word(table: dict[str, str], key: str) -> str:
    text = table.get(key)
    return _(text) if text else key


def verdict_text(verdict: str) -> str:
    """An evaluation verdict (``better``, ``worse``, ``no clear difference``, ``no data``)."""
    return _word(VERDICTS, verdict)


def supply_metrics(records: Any, standard_min: float) -> dict[str, float]:
    """How fast supplies reached the incidents that needed them.

    An incident's supplies are delivered when the last unit issued to it
    arrives; one left short, or issued a unit that never arrives, is never
    delivered (and counts against the standard).

    Parameters
    ----------
    records
        A run's :class:`sim.RunRecords`.
    standard_min
        Delivery standard, minutes after the call is taken.

    Returns
    -------
    dict
        ``supply_within_standard`` (share of incidents needing supplies that got
        all of them within the standard), ``supply_delivery_mean`` and
        ``supply_delivery_p90`` (minutes, incidents fully supplied),
        ``supply_short_units`` (with the units issued that never arrive).
    """
    from sim.warning_summary import supply_outcome

    last, short = supply_outcome(records)
    # Anything issued, even if it never arrives, or anything short: the incident needed
    # supplies, and counts against the standard unless all of it arrived in time.
    needed = (last > -np.inf) | (short > 0)
    full = needed & (short == 0) & np.isfinite(last)
    delay = last - np.asarray(records.incidents["call_taken"], dtype=np.float64)
    out = {
        "supply_within_standard": float(np.mean(full[needed] & (delay[needed] <= standard_min)))
        if needed.any()
        else float("nan"),
        "supply_short_units": float(np.sum(short)),
        "supply_delivery_mean": float("nan"),
        "supply_delivery_p90": float("nan"),
    }
    if full.any():
        out["supply_delivery_mean"] = float(delay[full].mean())
        out["supply_delivery_p90"] = float(np.quantile(delay[full], 0.9))
    return out


@dataclass(frozen=True)
class Evaluation:
    """Current and proposed siting over the same replications.

    Attributes
    ----------
    metrics
        Metric names, in table order.
    current, proposed
        Metric -> one value per replication.
    replications
        Number of replications.
    level
        Confidence level of the intervals.
    served
        ``"current"`` and ``"proposed"`` -> share of each replication's incidents that
        were served (the time metrics describe those only); empty if not measured.
    called
        ``"current"`` and ``"proposed"`` -> each replication's incidents (those
        called within the run), which ``served`` is a share of.
    drive
        ``"current"`` and ``"proposed"`` -> each replication's mean drive of the
        first team to arrive (:func:`first_drive`), the part of the arrival time
        that is driving; empty if not measured.
    """

    metrics: tuple[str, ...]
    current: dict[str, np.ndarray]
    proposed: dict[str, np.ndarray]
    replications: int
    level: float = 0.95
    served: dict[str, np.ndarray] = field(default_factory=dict)
    called: dict[str, np.ndarray] = field(default_factory=dict)
    drive: dict[str, np.ndarray] = field(default_factory=dict)

    def served_share(self, which: str) -> float:
        """The share of all incidents served over the replications (``"current"``...).

        Pooled, as ``yingji run`` counts them (mean served over mean incidents), not
        a mean of the replications' shares.

        Parameters
        ----------
        which
            ``"current"`` or ``"proposed"``.

        Returns
        -------
        float
            The share; ``nan`` if nothing was measured.
        """
        s, n = self.served.get(which), self.called.get(which)
        if s is None or not len(s):
            return math.nan
        if n is None or len(n) != len(s):  # an evaluation made without the counts
            return float(np.nanmean(s))
        ok = n > 0
        return float(np.sum(s[ok] * n[ok]) / np.sum(n[ok])) if ok.any() else math.nan

    def replication_table(self) -> dict[str, list[Any]]:
        """One row per metric and replication: both values and their difference.

        The numbers every interval of :meth:`table` is computed from, so that a
        planner can check one by hand; replication ``r`` is the run ``yingji run``
        makes as its replication ``r`` with the same config and seed.

        Returns
        -------
        dict of lists
            Columns ``metric, replication, current, proposed, diff`` (``nan`` where
            the replication had nothing to measure).
        """
        cols: dict[str, list[Any]] = {
            k: [] for k in ("metric", "replication", "current", "proposed", "diff")
        }
        for m in self.metrics:
            a, b = np.asarray(self.current[m], float), np.asarray(self.proposed[m], float)
            for r in range(a.size):
                # Rounded as write_table rounds the values, so it reads as their difference.
                d = round(float(b[r]) - float(a[r]), 6)
                for k, v in zip(cols, (m, r, a[r], b[r], d), strict=True):
                    cols[k].append(v)
        return cols

    def table(self) -> dict[str, list[Any]]:
        """One row per metric: both means with intervals and the paired difference.

        Returns
        -------
        dict of lists
            Columns ``metric, unit, n, current, current_low, current_high, proposed,
            proposed_low, proposed_high, diff, diff_low, diff_high, p_value,
            verdict``: ``unit`` is :func:`~experiments.metric_units.table_unit`
            (``share``: a fraction), ``n`` is the pairs the difference rests on (replications
            where the metric was measured under both sitings; fewer than
            :attr:`replications` when some had nothing to measure), ``verdict``
            ``better``, ``worse`` or ``no clear difference`` (the interval of the
            difference excludes 0 or not) or ``no data`` (no pair measured the
            metric). The intervals are as computed, not clipped to the unit.
        """
        cols: dict[str, list[Any]] = {
            k: []
            for k in (
                "metric", "unit", "n", "current", "current_low", "current_high", "proposed",
                "proposed_low", "proposed_high", "diff", "diff_low", "diff_high",
                "p_value", "verdict",
            )
        }  # fmt: skip
        for m in self.metrics:
            a = mean_ci(self.current[m], level=self.level)
            b = mean_ci(self.proposed[m], level=self.level)
            d = paired_ci(self.proposed[m], self.current[m], level=self.level)
            verdict = "no clear difference"
            if not math.isfinite(d.mean):  # nothing measured in any pair (no warned incident)
                verdict = "no data"
            elif d.n >= 2 and (d.low > 0 or d.high < 0):
                up = d.low > 0
                verdict = "better" if up == (m in HIGHER_IS_BETTER) else "worse"
            row = (
                m, table_unit(m), d.n, a.mean, a.low, a.high, b.mean, b.low, b.high,
                d.mean, d.low, d.high, d.p_value, verdict,
            )  # fmt: skip
            for k, v in zip(cols, row, strict=True):
                cols[k].append(v)
        return cols


def default_metrics(config: RunConfig, facility: str) -> tuple[str, ...]:
    """The metrics a siting of ``facility`` is evaluated by, given what the config models.

    Parameters
    ----------
    config
        The run config: with ``[people]``, a station siting adds
        :data:`PEOPLE_METRICS`; with ``[warnings]``, either siting adds its
        :data:`WARNING_METRICS`.
    facility
        ``"stations"`` or ``"depots"``.

    Returns
    -------
    tuple of str
        :data:`STATION_METRICS` or :data:`DEPOT_METRICS`, then those added.
    """
    metrics = STATION_METRICS if facility == "stations" else DEPOT_METRICS
    if facility == "stations" and getattr(config, "people", None) is not None:
        metrics = (*metrics, *PEOPLE_METRICS)
    if getattr(config, "warnings", None) is not None:
        metrics = (*metrics, *WARNING_METRICS.get(facility, ()))
    return metrics


def evaluate_siting(
    config: RunConfig,
    current: Region,
    proposed: Region,
    replications: int,
    *,
    facility: str = "stations",
    standard_min: float = 30.0,
    seed: SeedLike = None,
    metrics: Sequence[str] | None = None,
    workers: int = 1,
    dask: str | None = None,
    progress: bool | None = False,
) -> Evaluation:
    """Run both sitings over ``replications`` paired replications.

    Parameters
    ----------
    config
        The run config (scenario, policy, targets, seed).
    current, proposed
        The two regions (same network and sources).
    replications
        Replications per siting.
    facility
        ``"stations"`` or ``"depots"``: picks the default metrics.
    standard_min
        Delivery standard for the supply metrics, minutes.
    seed
        Root seed (the config's if ``None``): an int, or a Generator or
        SeedSequence made one once (:func:`networks.seeds.as_root_seed`).
    metrics
        Metrics to compare (default: :func:`default_metrics`, the facility's
        metrics with those of ``[people]`` and ``[warnings]`` when the config has them).
    workers, dask
        Where the replications run (:func:`experiments.replicate_parallel.run_paired`);
        the results are the same for any choice.
    progress
        Show a progress line on a terminal (``None``: when stderr is one).

    Returns
    -------
    Evaluation
    """
    from experiments.replicate_parallel import run_paired
    from sim.summary import replication_value

    if replications < 2:
        raise ValueError(_("a confidence interval needs at least 2 replications"))
    if metrics is None:
        metrics = default_metrics(config, facility)
    values: dict[str, dict[str, list[float]]] = {"current": {}, "proposed": {}}
    # Replication r of both sitings sees the same incidents, whatever the worker count.
    runs = run_paired(
        config, [current, proposed], replications=replications, seed=seed, workers=workers,
        dask=dask, progress=progress,
    )  # fmt: skip
    served: dict[str, list[float]] = {"current": [], "proposed": []}
    called: dict[str, list[float]] = {"current": [], "proposed": []}
    drive: dict[str, list[float]] = {"current": [], "proposed": []}
    for r in range(replications):
        for which, done in (("current", runs[0]), ("proposed", runs[1])):
            res = done[r]
            row = {**res.summary, **supply_metrics(res.records, standard_min)}
            # Of the incidents called within the run (those after its horizon are no one's).
            n = res.summary.get("incidents", 0) - res.summary.get("unserved_after_horizon", 0)
            served[which].append(res.summary.get("served", 0) / n if n else math.nan)
            called[which].append(float(n))
            drive[which].append(first_drive(res.records))
            for m in metrics:
                # nan: nothing to measure in this replication (no incidents); a count
                # its summary leaves out for being 0 is 0.
                values[which].setdefault(m, []).append(replication_value(row, m))
    return Evaluation(
        metrics=tuple(metrics),
        current={m: np.asarray(v) for m, v in values["current"].items()},
        proposed={m: np.asarray(v) for m, v in values["proposed"].items()},
        replications=replications,
        served={k: np.asarray(v) for k, v in served.items()},
        called={k: np.asarray(v) for k, v in called.items()},
        drive={k: np.asarray(v) for k, v in drive.items()},
    )


def first_drive(records: Any) -> float:
    """Mean drive (minutes) of the first team to reach each incident a team reached.

    The rest of an arrival time is call taking, turnout and waiting: for a free
    team, or for a road to reopen.

    Parameters
    ----------
    records
        A run's :class:`sim.RunRecords` (its ``incidents`` and ``dispatches``).

    Returns
    -------
    float
        Minutes; ``nan`` when no team arrived anywhere.
    """
    inc, d = records.incidents, records.dispatches
    team_inc = np.asarray(d["incident"], dtype=np.int64)
    first = np.asarray(inc["first_arrival"], dtype=np.float64)[team_inc]
    hit = np.isfinite(first) & (np.asarray(d["arrival"], dtype=np.float64) == first)
    if not hit.any():
        return math.nan
    # One row per incident: the first of the teams that arrived together.
    _ids, row = np.unique(team_inc[hit], return_index=True)
    return float(np.mean(np.asarray(d["travel"], dtype=np.float64)[hit][row]))


#: Mean arrival (minutes) beyond which :func:`waiting_note` may speak.
WAITING_MIN = 60.0


def waiting_note(evaluation: Evaluation, beyond: float = WAITING_MIN) -> str | None:
    """A note when either siting's mean arrival is hours, mostly not driving.

    Said when a mean of ``intervals_arrival_mean`` is over ``beyond`` minutes and
    over three times the first team's drive (:func:`first_drive`): a typhoon that
    overwhelms the teams gives means of a day beside a 10-minute standard, which
    read like a mistake unless the table says where the time goes.

    Parameters
    ----------
    evaluation
        The paired evaluation (with :attr:`Evaluation.drive`).
    beyond
        Minutes of mean arrival below which nothing is said.

    Returns
    -------
    str or None
        The note in the language in use, or ``None``.
    """
    key = "intervals_arrival_mean"
    if key not in evaluation.metrics or not evaluation.drive:
        return None

    def mean(values: Any) -> float:  # over the replications that measured it
        v = np.asarray(values, dtype=np.float64)
        return float(np.mean(v[np.isfinite(v)])) if np.isfinite(v).any() else math.nan

    arrive = [mean(getattr(evaluation, w)[key]) for w in ("current", "proposed")]
    drive = [mean(evaluation.drive[w]) for w in ("current", "proposed")]
    if not any(a > beyond and a > 3 * d for a, d in zip(arrive, drive, strict=True)):
        return None
    return _(
        "note: arrivals take {current} min on average with the current siting and {proposed} "
        "min with the proposed one, of which the first team drives {drive_current} and "
        "{drive_proposed} min: the rest is mostly incidents waiting for a free team or for a "
        "road to reopen"
    ).format(
        current=_minutes(arrive[0]),
        proposed=_minutes(arrive[1]),
        drive_current=_minutes(drive[0]),
        drive_proposed=_minutes(drive[1]),
    )


def _minutes(value: float) -> str:
    """Whole minutes, or a dash where nothing was measured."""
    return f"{value:.0f}" if math.isfinite(value) else "-"
