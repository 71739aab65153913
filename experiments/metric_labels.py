"""Every metric an experiment can report, named as a person reads it: one source for the names.

In English a metric goes by its summary key (the name ``--metrics``, the CSV
columns and ``summary.json`` use); in Chinese by its name (到场达标率). The
Chinese name is, first found:

1. the report's own (:data:`experiments.analysis.METRIC_LABELS`);
2. the row ``yingji run`` prints for it (:data:`experiments.outputs.HEADLINE`,
   :data:`experiments.summary_rows.OPTIONAL_HEADLINE`) or the item of its
   stock-out or unserved line (:data:`experiments.outputs.STOCKOUT_LABELS`,
   :data:`experiments.outputs.UNSERVED_LABELS`);
3. for the families of keys, built from the key's parts: a statistic of a
   quantity (``<quantity>_{mean,median,p90,n,low,high}``, the quantity named
   by :data:`_QUANTITIES` or by its ``<quantity>_share``), a grade
   (``by_grade_<g>_...``, ``reporting_on_time_by_grade_<kind>_<g>_...``,
   ``reporting_first_on_time_<g>_...``), a station (``utilisation_<station>_...``),
   a team capability (``moveup_coverage_<capability>``), a duty level or a
   kind of report.

:func:`metric_heading` adds the unit (:mod:`experiments.metric_units`) that a
table cell does not show.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from experiments.metric_units import metric_unit, with_unit
from networks.i18n import N_, _, get_language

#: Statistics of a quantity, by the last part of the key.
_STATISTICS = {
    "mean": N_("mean"),
    "median": N_("median"),
    "p90": N_("90th percentile"),
    "n": N_("number counted"),
    "low": N_("95% CI low"),
    "high": N_("95% CI high"),
}
#: Quantities whose statistics are metrics (``intervals_call_taking_median``), where no
#: ``<quantity>_share`` names them.
_QUANTITIES = {
    "intervals_call_taking": N_("call taking"),
    "intervals_arrival": N_("call taken -> first arrival"),
    "intervals_control": N_("first arrival -> under control"),
    "intervals_response": N_("call -> first arrival"),
    "duty_call_wait": N_("call wait for a duty officer"),
    "people_rescue_last_min": N_("call -> last trapped person rescued"),
    "people_care_min": N_("call -> first medical team on scene"),
    "people_evacuation_min": N_("call -> evacuees in shelter"),
    "warning_arrival": N_("warned area: call taken -> first arrival"),
    "warning_supply_delivery": N_("warned area: call taken -> supplies in"),
}
#: Metrics of their own that neither the report nor ``yingji run`` names.
_SINGLE = {
    "duty_waited_share": N_("calls that waited for a duty officer"),
    "people_died_waiting": N_("trapped people who died before rescue"),
    "people_not_reached_dead": N_("trapped people not reached, dead by the end of the run"),
    "people_injured": N_("people injured"),
    "people_sheltered": N_("evacuees in shelters"),
    "people_not_moved": N_("evacuees not moved"),
    "people_shelters_full": N_("shelters full"),
    "people_shelter_use": N_("shelter room used"),
    "reinforcement_called_min": N_("run start -> reinforcement called"),
    "reinforcement_arrived_min": N_("run start -> reinforcement arrived"),
    "reporting_reports": N_("reports made"),
    "reporting_video_median": N_("call -> live video from scene, median"),
    "reporting_video_target": N_("live video target"),
    "targets_call_taking": N_("call-taking target"),
    "targets_arrival": N_("arrival target"),
    "targets_control": N_("control target"),
    "targets_control_reading": N_("control target counted from"),
    "warning_issued": N_("warnings issued"),
}
#: What ``utilisation_<station>_<what>`` measures.
_STATION = {
    "teams": N_("{station}: teams"),
    "dispatches": N_("{station}: dispatches"),
    "committed": N_("{station}: share of team time committed"),
    "away": N_("{station}: share of team time away from base"),
}


def _grade(m: re.Match[str]) -> str:
    from scenarios.terms import grade_numeral

    return grade_numeral(int(m["g"]))


def _unserved(m: re.Match[str]) -> str:
    from experiments.outputs import UNSERVED_LABELS

    reason = UNSERVED_LABELS.get(m["reason"])
    return _("unserved: {reason}").format(reason=_(reason) if reason else m["reason"])


def _grade_share(m: re.Match[str]) -> str | None:
    what = _name(f"compliance_{m['what']}")
    if what is None:
        return None
    return _("grade {numeral} incidents: {metric}").format(numeral=_grade(m), metric=what)


def _report_minutes(m: re.Match[str]) -> str | None:
    from sim.report_summary import KIND_LABELS

    kind = KIND_LABELS.get(m["kind"])
    return _("{report}: trigger -> sent, median").format(report=_(kind)) if kind else None


def _peak(m: re.Match[str]) -> str | None:
    level = _name(f"duty_utilisation_{m['level']}")
    return _("{name}, busiest desk-hour").format(name=level) if level else None


def _station(m: re.Match[str]) -> str:
    from networks.names import facility_label

    return _(_STATION[m["what"]]).format(station=facility_label(m["station"]))


def _coverage(m: re.Match[str]) -> str:
    from scenarios.terms import capability_name

    return _("{capability}: demand covered by a free team, time average").format(
        capability=capability_name(m["cap"])
    )


def _statistic(m: re.Match[str]) -> str | None:
    base = _QUANTITIES.get(m["base"])
    quantity = _(base) if base else _name(f"{m['base']}_share")
    if quantity is None:
        return None
    return _("{quantity}, {statistic}").format(
        quantity=quantity, statistic=_(_STATISTICS[m["stat"]])
    )


#: Families of keys, first match wins: (pattern, name of a match or ``None``).
_FAMILIES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (re.compile(r"unserved_(?P<reason>.+)"), _unserved),
    (
        re.compile(r"by_grade_(?P<g>[1-4])_incidents"),
        lambda m: _("grade {numeral} incidents").format(numeral=_grade(m)),
    ),
    (re.compile(r"by_grade_(?P<g>[1-4])_(?P<what>.+)_share"), _grade_share),
    (
        re.compile(r"reporting_first_on_time_(?P<g>[1-4])_share"),
        lambda m: _("grade {numeral} incidents: first reports on time").format(numeral=_grade(m)),
    ),
    (
        re.compile(r"reporting_video_by_grade_(?P<g>[1-4])"),
        lambda m: _("grade {numeral} incidents: live video within target").format(
            numeral=_grade(m)
        ),
    ),
    (re.compile(r"reporting_minutes_(?P<kind>.+)"), _report_minutes),
    (re.compile(r"duty_peak_utilisation_(?P<level>.+)"), _peak),
    (re.compile(rf"utilisation_(?P<station>.+)_(?P<what>{'|'.join(_STATION)})"), _station),
    (re.compile(r"moveup_coverage_(?P<cap>.+)"), _coverage),
    (re.compile(r"(?P<base>.+)_(?P<stat>mean|median|p90|n|low|high)"), _statistic),
)


def _named(metric: str) -> str | None:
    """The name the report or ``yingji run`` gives ``metric`` (translated), if any."""
    from experiments.analysis import METRIC_LABELS
    from experiments.outputs import HEADLINE, STOCKOUT_LABELS
    from experiments.summary_rows import OPTIONAL_HEADLINE

    own = METRIC_LABELS.get(metric)
    if own and _(own) != own:  # a key the catalogue gives no name stands for itself
        return _(own)
    rows = {key: label for key, label, _unit in (*HEADLINE, *OPTIONAL_HEADLINE)}
    if metric in rows:
        return _(rows[metric])
    if metric.startswith("stockouts_") and metric[len("stockouts_") :] in STOCKOUT_LABELS:
        return _(STOCKOUT_LABELS[metric[len("stockouts_") :]])
    single = _SINGLE.get(metric)
    return _(single) if single else None


def _name(metric: str) -> str | None:
    """``metric``'s name in the language in use, or ``None`` when it has none."""
    named = _named(metric)
    if named is not None:
        return named
    for pattern, build in _FAMILIES:
        m = pattern.fullmatch(metric)
        if m is not None:
            return build(m)
    return None


def metric_name(metric: str) -> str:
    """A metric as a person reads it, in the language in use (see the module docstring).

    Parameters
    ----------
    metric
        A summary key, such as ``intervals_call_taking_p90``.

    Returns
    -------
    str
        The key itself in English, or where no name is known (a key of one's
        own replication function); in Chinese its name.
    """
    if get_language() != "zh":
        return metric
    return _name(metric) or metric


def metric_heading(metric: str) -> str:
    """A metric's table heading: :func:`metric_name` with the unit its cells do not show.

    Parameters
    ----------
    metric
        A summary key.

    Returns
    -------
    str
        A share's cells show ``%``, so its heading names no unit; minutes and
        counts name theirs once (``（分钟）``, ``（起）``; ``(min)`` in English).
    """
    unit = metric_unit(metric).unit
    name = metric_name(metric)
    return with_unit(name, unit) if unit and unit != "%" else name
