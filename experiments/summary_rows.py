"""The rows of ``yingji run``'s summary table that a run's optional features add, and their cells.

The response standard's rows (:data:`experiments.outputs.HEADLINE`) come first;
each feature a run switches on adds its own rows, shown only where the
replications' summaries hold the metric (a run without ``[congestion]`` has no
``rush_hour_*`` metrics, so no rush-hour rows):

- ``[congestion]``: arrival in the commute peaks and outside them
  (:data:`RUSH_HOUR_HEADLINE`, :mod:`sim.congestion_summary`), right under the
  standard's arrival rows they split, with :func:`congestion_line` saying which
  hours count as rush hours;
- duty desks and the reporting chain (:data:`REPORTING_HEADLINE`);
- ``[people]`` (:data:`PEOPLE_HEADLINE`), ``[moveup]``
  (:data:`sim.moveup_records.MOVEUP_HEADLINE`) and ``[warnings]``
  (:data:`sim.warning_summary.WARNING_HEADLINE`).

Every row shows the mean over replications and its 95 % Student-t interval
(:func:`row_cells`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from experiments.metric_units import clip_to_unit, with_unit
from networks.i18n import N_, _
from sim.moveup_records import MOVEUP_HEADLINE
from sim.warning_summary import WARNING_HEADLINE

__all__ = [
    "CUT_NOTE",
    "OPTIONAL_HEADLINE",
    "PEOPLE_HEADLINE",
    "REPORTING_HEADLINE",
    "RUSH_HOUR_HEADLINE",
    "congestion_line",
    "count_text",
    "cut_note",
    "metric_rows",
    "row_cells",
    "row_label",
]

#: Arrival in the rush hours and outside them (:mod:`sim.congestion_summary`), with
#: ``[congestion]``; the incidents are those the standard's shares count (needing teams).
RUSH_HOUR_HEADLINE = (
    ("rush_hour_incidents", N_("rush hours: incidents needing teams"), "count"),
    ("rush_hour_arrival_share", N_("rush hours: first team on scene within target"), "share"),
    ("rush_hour_arrival_mean", N_("rush hours: call taken -> first arrival, mean"), "min"),
    ("rush_hour_arrival_p90", N_("rush hours: call taken -> first arrival, 90th pct"), "min"),
    ("off_peak_incidents", N_("off-peak: incidents needing teams"), "count"),
    ("off_peak_arrival_share", N_("off-peak: first team on scene within target"), "share"),
    ("off_peak_arrival_mean", N_("off-peak: call taken -> first arrival, mean"), "min"),
    ("off_peak_arrival_p90", N_("off-peak: call taken -> first arrival, 90th pct"), "min"),
)
#: Metrics of the duty desks and the reporting chain (:mod:`sim.reporting`).
REPORTING_HEADLINE = (
    ("reporting_on_time_phone_first_share", N_("phone first reports on time"), "share"),
    ("reporting_on_time_written_first_share", N_("written first reports on time"), "share"),
    ("reporting_on_time_follow_up_share", N_("follow-up reports on time"), "share"),
    ("reporting_late", N_("late reports"), "count"),
    ("reporting_missed", N_("follow-ups not sent (event over)"), "count"),
    ("duty_call_wait_mean", N_("call wait for a duty officer, mean"), "min"),
    ("reporting_video_share", N_("live video from scene within target"), "share"),
    ("duty_utilisation_township", N_("township duty officers, time busy"), "share"),
    ("duty_utilisation_county", N_("county duty officers, time busy"), "share"),
)
#: Metrics of the people at the scene (:mod:`sim.people`).
PEOPLE_HEADLINE = (
    ("people_trapped", N_("people trapped"), "count"),
    ("people_rescued_alive", N_("people rescued alive"), "count"),
    ("people_alive_share", N_("rescued people alive"), "share"),
    ("people_saved_share", N_("trapped people rescued alive"), "share"),
    ("people_delay_deaths", N_("deaths due to delay"), "count"),
    ("people_not_reached", N_("trapped people not reached"), "count"),
    ("people_rescue_min", N_("call -> rescue, mean"), "min"),
    ("people_evacuated", N_("people to evacuate"), "count"),
    ("people_shelter_overflow", N_("evacuees without shelter room"), "count"),
    ("people_evacuation_min_mean", N_("call -> evacuees in shelter, mean"), "min"),
)
#: When outside reinforcement (``[reinforcement]``, a provincial corps) was called and when
#: it arrived; a run that never called it has no value, and is left out of the mean.
REINFORCEMENT_HEADLINE = (
    ("reinforcement_called_min", N_("run start -> reinforcement called"), "min"),
    ("reinforcement_arrived_min", N_("run start -> reinforcement arrived"), "min"),
)
#: The optional rows after the standard's, in the order shown: (key, label, unit).
OPTIONAL_HEADLINE = (
    *RUSH_HOUR_HEADLINE,
    *REPORTING_HEADLINE,
    *PEOPLE_HEADLINE,
    *MOVEUP_HEADLINE,
    *WARNING_HEADLINE,
    *REINFORCEMENT_HEADLINE,
)


def count_text(value: float) -> str:
    """A count as shown: whole when it is (``96``), else with one decimal (``43.5``).

    A count's mean over replications is whole when they counted alike, and so
    are the ends of its interval then; a count read ``96.0`` looks measured.

    Parameters
    ----------
    value
        A count, or a mean or interval end of counts; ``nan`` where unknown.

    Returns
    -------
    str
        ``-`` for an unknown value.
    """
    if not math.isfinite(value):
        return "-"
    value += 0.0  # no "-0"
    return f"{value:.0f}" if value == round(value) else f"{value:.1f}"


def row_cells(a: Mapping[str, float], unit: str) -> tuple[str, str]:
    """The mean cell (10 columns) and the 95 % CI cell of one row.

    Shares show in percent and minutes with one decimal; counts whole where
    they are (:func:`count_text`).

    Parameters
    ----------
    a
        ``mean``, ``ci_low`` and ``ci_high`` over replications
        (:func:`experiments.outputs.across_replications`); ``nan`` where unknown.
    unit
        ``share`` (shown in percent), ``count`` or ``min``, as
        :func:`experiments.metric_units.metric_unit` reads the row's key (a
        count counts something: incidents, people, teams, ...).

    Returns
    -------
    tuple of str
        ``-`` stands for an unknown mean or interval.
    """
    # Within what the unit can be, whatever the t interval of a few replications says.
    mean, lo, hi = (clip_to_unit(a[x], "%" if unit == "share" else unit)
                    for x in ("mean", "ci_low", "ci_high"))  # fmt: skip
    if unit == "share":
        mean, lo, hi = 100 * mean, 100 * lo, 100 * hi
        cell = f"{mean:9.1f}%" if math.isfinite(mean) else f"{'-':>10}"
        if not math.isfinite(lo):
            return cell, "-"
        # A range of percentages; Chinese writes each with its sign and a wave dash (GB/T 15835).
        return cell, _("{low} - {high}%").format(low=f"{lo:.1f}", high=f"{hi:.1f}")
    mean, lo, hi = (x + 0.0 for x in (mean, lo, hi))  # no "-0.0"
    text = count_text if unit == "count" else (lambda x: f"{x:.1f}")
    cell = f"{text(mean):>10}" if math.isfinite(mean) else f"{'-':>10}"
    if not math.isfinite(lo):
        return cell, "-"
    return cell, _("{low} - {high}").format(low=text(lo), high=text(hi))


def metric_rows(
    across: Mapping[str, Mapping[str, float]],
    shown: Iterable[tuple[str, str, str]],
    *,
    relabel: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """``(label, mean, 95 % CI)`` of each shown metric the replications have.

    Parameters
    ----------
    across
        Per metric, its mean and interval over replications.
    shown
        ``(key, label, unit)`` in the order shown; labels untranslated.
    relabel
        Labels (untranslated) to use instead of ``shown``'s, by key.

    Returns
    -------
    list of tuple of str
        Labels in the language in use, a time's with its unit; a metric not in
        ``across`` has no row.
    """
    relabel = relabel or {}
    rows = []
    for key, label, unit in shown:
        if key in across:
            rows.append((row_label(relabel.get(key, label), unit), *row_cells(across[key], unit)))
    return rows


def cut_note(
    across: Mapping[str, Mapping[str, float]], shown: Iterable[tuple[str, str, str]]
) -> list[str]:
    """The line saying a shown row's interval was cut to what its value can be, if one was.

    Parameters
    ----------
    across
        Per metric, its mean and interval over replications.
    shown
        ``(key, label, unit)`` of the rows shown (:func:`row_cells` cuts their intervals).

    Returns
    -------
    list of str
        The note in the language in use, or nothing when no bound was cut.
    """
    for key, _label, unit in shown:
        a = across.get(key)
        u = "%" if unit == "share" else unit
        if a is not None and any(
            math.isfinite(a[end]) and clip_to_unit(a[end], u) != a[end]
            for end in ("ci_low", "ci_high")
        ):
            return [_(CUT_NOTE)]
    return []


#: Said under a table whose intervals were cut (a t interval of a count below 0).
CUT_NOTE = N_(
    "(an interval is cut at what its value can be: no share below 0 or above 100%, "
    "no count or minutes below 0; summary.json keeps the uncut bounds)"
)


def row_label(label: str, unit: str) -> str:
    """A row's label (untranslated) as the table shows it: a time's with its unit.

    The Chinese labels end in （分钟）; the English ones get ``(min)`` the same way.

    Parameters
    ----------
    label
        The row's label, untranslated (``call taking, mean``).
    unit
        The row's unit (``share``, ``count`` or ``min``).

    Returns
    -------
    str
        The label in the language in use.
    """
    return with_unit(_(label), unit) if unit == "min" else _(label)


def _clock(hour: float) -> str:
    """``6.5`` -> ``06:30``."""
    minutes = round(hour * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hour_ranges(hours: Iterable[int]) -> list[tuple[int, int]]:
    """Clock hours as ``(first, end)`` runs: ``{7, 8, 17, 18}`` -> ``[(7, 9), (17, 19)]``."""
    runs: list[tuple[int, int]] = []
    for h in sorted(hours):
        if runs and runs[-1][1] == h:
            runs[-1] = (runs[-1][0], h + 1)
        else:
            runs.append((h, h + 1))
    return runs


def congestion_line(config: Any) -> str | None:
    """Which roads profile a run used and which clock hours its rush-hour rows cover.

    Parameters
    ----------
    config
        The run's :class:`experiments.config.RunConfig`.

    Returns
    -------
    str or None
        One line in the language in use; ``None`` without ``[congestion]``.
    """
    if getattr(config, "congestion", None) is None:
        return None
    from experiments.runner import congestion_spec
    from sim.congestion import PROFILE_NAMES, RUSH_HOURS

    spec = congestion_spec(config)
    label = PROFILE_NAMES.get(spec.profile)
    profile = _(label) if label else spec.profile
    if spec.hours:  # multipliers the config gives over the profile's
        classes = _(", ").join(name for name, _h in spec.hours)
        profile = _("{profile}, own multipliers for {classes}").format(
            profile=profile, classes=classes
        )
    ranges = [f"{_clock(a)}-{_clock(b)}" for a, b in _hour_ranges(RUSH_HOURS)]
    text = ranges[0]
    for more in ranges[1:]:
        text = _("{first} and {second}").format(first=text, second=more)
    return _(
        "roads by time of day: {profile}; rush hours are calls at {hours} "
        "(the run's clock starts at {start})"
    ).format(profile=profile, hours=text, start=_clock(spec.start_hour or 0.0))
