"""The unit of each summary metric, so that every axis that plots one can name it.

Summary shares are fractions (``compliance_arrival = 0.9``); a plot shows them in
percent and their differences in percentage points. Times are minutes; counts
are counted in what they count (incidents, reports, supply units, ...). A metric
whose key says nothing of its unit gets none rather than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from networks.i18n import N_, _

#: Units as a person reads them (what ``MetricUnit.unit`` and ``diff_unit`` name; "%" as is).
UNIT_LABELS = {
    "pp": N_("percentage points"),
    "min": N_("min"),
    "incidents": N_("incidents"),
    "reports": N_("reports"),
    "dispatches": N_("dispatches"),
    "teams": N_("teams"),
    "stockouts": N_("stockouts"),
    "supply units": N_("supply units"),
    "people": N_("people"),
    "shelters": N_("shelters"),
    "warnings": N_("warnings"),
    "officers": N_("officers"),
    "moves": N_("moves"),
}

# Key patterns, first match wins: (pattern, unit, scale).
_RULES: tuple[tuple[str, str, float], ...] = (
    (r"^moveup_moves(_per_day)?$", "moves", 1.0),
    (r"^moveup_coverage_", "%", 100.0),
    (
        r"^people_(trapped|rescued_alive|died_waiting|delay_deaths|not_reached|injured"
        r"|evacuated|sheltered|shelter_overflow|not_moved|alive_n)$",
        "people",
        1.0,
    ),
    (r"^people_(care|evacuation|rescue_last)_min_n$", "incidents", 1.0),
    (r"^people_shelters_full$", "shelters", 1.0),
    (r"^warning_issued$", "warnings", 1.0),
    (r"^warning_officers_added$", "officers", 1.0),
    (r"^warning_teams_staged$", "teams", 1.0),
    (r"^warning_stock_units$", "supply units", 1.0),
    (r"^warning_(arrival|supply_delivery)_n$", "incidents", 1.0),
    (r"^warning_compliance_arrival$", "%", 100.0),
    (r"^people_alive_(low|high)$|^people_shelter_use$", "%", 100.0),
    (r"^intervals_.*_n$|^duty_call_wait_n$|^reporting_video_n$", "incidents", 1.0),
    (r"^reporting_.*_n$|^reporting_(reports|late|missed)$", "reports", 1.0),
    (r"_dispatches$", "dispatches", 1.0),
    (r"_teams$", "teams", 1.0),
    (r"_events$", "stockouts", 1.0),
    (r"units_short$|_short_units$", "supply units", 1.0),
    (r"^(incidents|served)$|_incidents$|^unserved_", "incidents", 1.0),
    (
        r"^compliance_|_share$|^supply_within_standard$|utilisation_"
        r"|^reporting_.*_(low|high)$|^reporting_video_by_grade_\d$",
        "%",
        100.0,
    ),
    (
        r"_(mean|median|p\d+(\.\d+)?)$|_min$|^targets_(call_taking|arrival|control)$"
        r"|^reporting_minutes_|^reporting_video_target$",
        "min",
        1.0,
    ),
)


@dataclass(frozen=True)
class MetricUnit:
    """How a metric is shown: multiply by ``scale``, then read in ``unit``.

    ``diff_unit`` is the unit of a difference of two values (percentage points
    for a share). Empty strings mean no unit is known.
    """

    unit: str = ""
    scale: float = 1.0
    diff_unit: str = ""


def metric_unit(metric: str) -> MetricUnit:
    """The unit of a summary metric (see :mod:`experiments.metric_units`).

    Parameters
    ----------
    metric
        A summary key, such as ``compliance_arrival`` or ``intervals_arrival_p90``.

    Returns
    -------
    MetricUnit
    """
    for pattern, unit, scale in _RULES:
        if re.search(pattern, metric):
            return MetricUnit(unit, scale, "pp" if unit == "%" else unit)
    return MetricUnit()


def with_unit(label: str, unit: str) -> str:
    """``label (unit)`` in the language in use; ``label`` alone without a unit."""
    if not unit:
        return label
    name = UNIT_LABELS.get(unit)
    return _("{label} ({unit})").format(label=label, unit=_(name) if name else unit)


def metric_axis_label(text: str, metric: str, *, difference: bool = False) -> str:
    """An axis label for ``metric`` (shown as ``text``) with its unit.

    Parameters
    ----------
    text
        What the axis shows, as a person reads it.
    metric
        The summary key it shows.
    difference
        Whether the axis shows differences (percentage points for a share).

    Returns
    -------
    str
    """
    u = metric_unit(metric)
    return with_unit(text, u.diff_unit if difference else u.unit)
