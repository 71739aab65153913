"""The unit of each summary metric, so that every axis that plots one can name it.

Summary shares are fractions (``compliance_arrival = 0.9``); a plot shows them in
percent and their differences in percentage points. Times are minutes; counts
are counted in what they count (incidents, reports, supply units, ...). A metric
whose key says nothing of its unit gets none rather than a wrong one.

In Chinese a unit reads as a measure word (起, 支, 份, 件, 人, 次, 分钟): the unit
words have their own message context (:func:`unit_text`), apart from the nouns
that share their English spelling (``incidents`` -> 突发事件数 in a table).
:func:`format_metric` writes a value in its unit for a table cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from networks.i18n import N_, _, pgettext

#: English names of the units (what ``MetricUnit.unit`` and ``diff_unit`` name; "%" as
#: is). Kept for callers that translate them with ``_()``, which gives the noun where
#: one shares the spelling; :func:`unit_text` gives the unit word.
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
        r"^people_(trapped|rescued_alive|died_waiting|delay_deaths|not_reached|not_reached_dead"
        r"|injured|evacuated|sheltered|shelter_overflow|not_moved|alive_n|saved_n)$",
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
    (r"^people_(alive|saved)_(low|high)$|^people_shelter_use$", "%", 100.0),
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


def clip_to_unit(value: float, unit: str, *, difference: bool = False) -> float:
    """An interval end within what a value in ``unit`` can be.

    A t interval of a few replications may run past it: a share (``"%"``) lies
    in [0, 1] and a difference of shares in [-1, 1]; a count or minutes (any
    other unit) are not below 0, a difference of them may be. No unit, or
    ``nan``: as given.
    """
    if not math.isfinite(value):
        return value
    if unit == "%":
        return min(max(value, -1.0 if difference else 0.0), 1.0)
    return max(value, 0.0) if unit and not difference else value


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


def table_unit(metric: str) -> str:
    """The unit of a metric's values in a machine table (a ``unit`` column).

    Parameters
    ----------
    metric
        A summary key, such as ``compliance_arrival``.

    Returns
    -------
    str
        ``share`` for a share, which the tables keep as a fraction (0.9, not 90 %;
        a difference of shares is a difference of fractions), else the metric's
        unit (``min``, ``incidents``, ``teams``...), or ``""`` when its key says none.
    """
    unit = metric_unit(metric).unit
    return "share" if unit == "%" else unit


def unit_text(unit: str) -> str:
    """A unit (``MetricUnit.unit``) as a person reads it after a number, in the language in use.

    Parameters
    ----------
    unit
        ``"min"``, ``"teams"``, ``"pp"``, ... (any other text is returned as is).

    Returns
    -------
    str
        In Chinese the measure word: ``teams`` -> 支, ``incidents`` -> 起.
    """
    # Literal pgettext calls, so that pybabel extracts each word with its context.
    texts = {
        "pp": pgettext("unit", "percentage points"),
        "min": pgettext("unit", "min"),
        "incidents": pgettext("unit", "incidents"),
        "reports": pgettext("unit", "reports"),
        "dispatches": pgettext("unit", "dispatches"),
        "teams": pgettext("unit", "teams"),
        "stockouts": pgettext("unit", "stockouts"),
        "supply units": pgettext("unit", "supply units"),
        "people": pgettext("unit", "people"),
        "shelters": pgettext("unit", "shelters"),
        "warnings": pgettext("unit", "warnings"),
        "officers": pgettext("unit", "officers"),
        "moves": pgettext("unit", "moves"),
    }
    return texts.get(unit, unit)


def _unit_suffixes(word: str) -> tuple[str, ...]:
    """How a label may already end in ``word``: ``（分钟）`` or ``(min)``."""
    return (f"（{word}）", f"({word})")


def strip_unit(label: str, unit: str) -> str:
    """``label`` without a trailing ``（unit）``/``(unit)`` (``迟报数（份）`` -> ``迟报数``).

    Parameters
    ----------
    label
        A metric as a person reads it.
    unit
        Its unit (``MetricUnit.unit``); empty: ``label`` unchanged.

    Returns
    -------
    str
    """
    if not unit:
        return label
    for suffix in _unit_suffixes(unit_text(unit)):
        if label.endswith(suffix):
            return label[: -len(suffix)].rstrip()
    return label


def with_unit(label: str, unit: str) -> str:
    """``label (unit)`` in the language in use; ``label`` alone without a unit.

    A label that already ends in its unit (the Chinese ``平均到场用时（分钟）``) is
    returned as it is, so that no axis names its unit twice.
    """
    if not unit:
        return label
    word = unit_text(unit)
    if label.endswith(_unit_suffixes(word)):
        return label
    return _("{label} ({unit})").format(label=label, unit=word)


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
    if difference:  # a share's label in % must not carry "%" beside percentage points
        return with_unit(strip_unit(text, u.unit), u.diff_unit)
    return with_unit(text, u.unit)


def _number(value: float, spec: str, *, nonzero: bool = False) -> str:
    """``value`` formatted by ``spec``, without the sign of a negative zero (``-0.0``).

    With ``nonzero``, a value that is not zero but would read as zero (``0.00``) is
    written to three significant digits with its sign (``0.0012``, ``-0.004``).
    """
    text = format(value, spec)
    if any(c in "123456789" for c in text):
        return text
    if nonzero and value != 0.0:
        return format(value, ".3g")
    return text[1:] if text.startswith("-") else text


def format_metric(
    value: float | None,
    metric: str,
    *,
    difference: bool = False,
    unit: bool = True,
    nonzero: bool = False,
) -> str:
    """A value of ``metric`` as a table cell shows it, in its unit (:func:`metric_unit`).

    Shares in percent with one decimal (``29.7%``), their differences in
    percentage points (``3.2 pp``, 个百分点); counts whole with thousands
    separators when whole (``60,935``), else with two decimals; minutes with two
    decimals; a metric of unknown unit with four significant digits.

    Parameters
    ----------
    value
        The value as the summary holds it (a share as a fraction); ``None`` or
        not finite: ``–``.
    metric
        Its summary key.
    difference
        Whether ``value`` is a difference of two values.
    unit
        Whether to write the unit's sign or word ("%", percentage points);
        ``False`` for the bounds of an interval after a value that names it.
    nonzero
        Whether a value that is not zero must not read as zero: one that would
        (``0.00``) is written to three significant digits with its sign
        (``0.0012``, ``-0.004``), as a difference whose interval excludes zero,
        or a bound below zero, must show.

    Returns
    -------
    str
    """
    if value is None or not math.isfinite(value):
        return "–"
    u = metric_unit(metric)
    if u.unit == "%":
        # 100.0% only when it is all (share_text); differences and bounds as they are
        text = (
            share_text(value, sign=False)
            if not difference and 0.0 < value < 1.0
            else _number(u.scale * value, ".1f", nonzero=nonzero)
        )
        if not unit:
            return text
        return _("{value} pp").format(value=text) if difference else f"{text}%"
    if u.unit == "min":
        return _number(value, ",.2f", nonzero=nonzero)
    if u.unit:  # a count: whole when it is (a mean over replications may not be)
        whole = abs(value - round(value)) <= 1e-9 * max(1.0, abs(value))
        return _number(value, ",.0f" if whole else ",.2f", nonzero=nonzero)
    return _number(value, ".4g")


def format_interval(
    value: float | None,
    low: float | None,
    high: float | None,
    metric: str,
    *,
    difference: bool = False,
) -> tuple[str, str, str]:
    """An estimate and its interval's bounds, to one number of decimals.

    :func:`format_metric` for each, except that shares and minutes share their
    decimals: the unit's usual one (shares) or two (minutes), or, where one of
    the three that is not zero would read as zero, as many as give that one
    three significant digits (``-0.00646 [-0.00936, -0.00356]``, not ``-0.01
    [-0.01, -0.00356]``), at most eight. A share and its
    bounds carry the % sign; a difference names its unit (percentage points)
    once, on the estimate.

    Parameters
    ----------
    value, low, high
        The estimate and its bounds as the summary holds them (a share as a
        fraction); ``None`` or not finite: ``–``.
    metric
        Their summary key.
    difference
        Whether they are a difference of two values.

    Returns
    -------
    tuple of str
        The estimate, the low and the high bound.
    """
    u = metric_unit(metric)
    if u.unit not in ("%", "min"):
        return (
            format_metric(value, metric, difference=difference, nonzero=difference),
            *(format_metric(b, metric, difference=difference, unit=False, nonzero=difference)
              for b in (low, high)),
        )  # type: ignore[return-value]  # fmt: skip
    scale = u.scale if u.unit == "%" else 1.0
    xs = [None if v is None or not math.isfinite(v) else scale * v for v in (value, low, high)]
    digits = 1 if u.unit == "%" else 2
    tiny = [abs(x) for x in xs if x and not round(x, digits)]
    if tiny:  # three significant digits of the smallest, for all three
        digits = min(8, max(digits, 2 - math.floor(math.log10(min(tiny)))))
    text = ["–" if x is None else _number(x, f",.{digits}f") for x in xs]
    if u.unit == "%":  # a share's bounds keep their % sign; a difference's are in its pp
        signed = [0] if difference else [0, 1, 2]
        for k in (k for k in signed if xs[k] is not None):
            text[k] = _("{value} pp").format(value=text[k]) if difference else f"{text[k]}%"
    return text[0], text[1], text[2]


#: Hundredths of a percent in a whole (share_text) (a share of 1 is 10,000 of them).
_WHOLE = 10_000


def share_text(share: float | None, *, sign: bool = True) -> str:
    """A share (a fraction) as a percentage, ``100.0%`` only when it is all.

    With one decimal, 99.98 % of demand within the standard would read
    ``100.0%``, which a planner reads as full coverage (全覆盖) while a demand
    point lies beyond the standard; so a share below 1 that would read 100.0 %
    is rounded *down* to two decimals, and one above 0 that would read 0.0 %
    *up*: ``100.0%`` and ``0.0%`` mean exactly all and none.

    Parameters
    ----------
    share
        The share, a fraction in [0, 1]; ``None`` or not finite: ``-``.
    sign
        Whether to write the ``%`` sign.

    Returns
    -------
    str
        One decimal (``87.3%``); two, rounded away from the extreme, where one
        would read 100.0 % or 0.0 % and the share is not (``99.98%``, ``0.01%``).

    Examples
    --------
    >>> share_text(0.9998337), share_text(1.0), share_text(0.873), share_text(0.00002)
    ('99.98%', '100.0%', '87.3%', '0.01%')
    """
    if share is None or not math.isfinite(share):
        return "-"
    text = f"{100 * share:.1f}"
    if 0.0 < share < 1.0 and text in ("100.0", "0.0"):
        # Hundredths of a percent, away from the extreme it is not at; the tolerance
        # keeps float noise (0.9998 * 10000 = 9997.999...) from costing a hundredth.
        hundredths = share * _WHOLE
        if text == "100.0":
            k = min(math.floor(hundredths + 1e-6), _WHOLE - 1)
        else:
            k = max(math.ceil(hundredths - 1e-6), 1)
        text = f"{k / 100:.2f}"
    return f"{text}%" if sign else text
