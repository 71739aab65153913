"""When an observation happened, and the order a drill's milestones must keep.

A time cell is read as minutes after the alarm; milestones out of order are refused
(both for :mod:`experiments.drill.observations`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from networks.errors import ConfigError
from networks.i18n import _
from scenarios.log_table import _row_name

#: Latest time an observation may give, minutes after the alarm (a week).
LATEST_MIN = 7 * 1440.0
#: Moments a milestone row may name.
MILESTONES = (
    "call_taken", "dispatch", "first_arrival", "full_complement", "command_post",
    "under_control", "video", "end_of_play",
)  # fmt: skip
#: Milestones that cannot come before another, ``(earlier, later)``: nothing answers
#: a call before it is taken, a team arrives after it is sent, the full complement
#: after the first team, handling is under control after a team is there (the 15
#: minutes count from its arrival), and play ends last. Live video is left out (a
#: bystander's or a camera's may come first).
ORDER = (
    ("call_taken", "dispatch"), ("call_taken", "first_arrival"),
    ("call_taken", "full_complement"), ("call_taken", "command_post"),
    ("call_taken", "under_control"), ("dispatch", "first_arrival"),
    ("dispatch", "full_complement"), ("dispatch", "under_control"),
    ("first_arrival", "full_complement"), ("first_arrival", "under_control"),
    *((m, "end_of_play") for m in MILESTONES if m != "end_of_play"),
)  # fmt: skip
#: Milestones that cannot happen unless another did, ``(needed, then)``: no team is
#: sent on a call never taken, none arrives unsent, no full complement without a first
#: team. (A fire may burn out before anyone arrives: under control needs no arrival.)
NEEDS = (
    ("call_taken", "dispatch"), ("call_taken", "first_arrival"),
    ("call_taken", "full_complement"), ("dispatch", "first_arrival"),
    ("dispatch", "full_complement"), ("first_arrival", "full_complement"),
)  # fmt: skip


def check_order(p: Path, minutes: Mapping[str, float | None], rows: Mapping[str, int]) -> None:
    """Refuse milestones out of order, or happening without one they need; name both rows.

    The orders are :data:`ORDER`; a milestone that needs another is in :data:`NEEDS`.

    Parameters
    ----------
    p
        The observations file.
    minutes, rows
        Per milestone observed, its minute after the alarm (``None``: it did not
        happen) and its row.

    Raises
    ------
    networks.errors.ConfigError
        Naming the file, the later milestone's row and its time column.
    """
    for first, then in NEEDS:
        if first in rows and minutes[first] is None and minutes.get(then) is not None:
            raise ConfigError(
                _("{then} at +{b:.1f} min, but {first} did not happen (row {row})").format(
                    then=then, b=minutes[then], first=first, row=rows[first]
                ),
                source=str(p),
                key=_("{where}, column {column}").format(
                    where=_row_name(rows[then]), column="time"
                ),
            )
    for first, then in ORDER:
        a, b = minutes.get(first), minutes.get(then)
        if a is not None and b is not None and b < a - 1e-9:
            raise ConfigError(
                _("{then} at +{b:.1f} min comes before {first} at +{a:.1f} min (row {row})").format(
                    then=then, b=b, first=first, a=a, row=rows[first]
                ),
                source=str(p),
                key=_("{where}, column {column}").format(
                    where=_row_name(rows[then]), column="time"
                ),
            )


#: A number of minutes without its "+" (no ISO date or clock time looks like one).
_PLAIN_MINUTES = re.compile(r"\d+(\.\d*)?|\.\d+")
#: A date and clock time as spreadsheets and Chinese forms write them, after NFKC (full-width
#: digits, colons and brackets made plain): 2027/9/6 17:21, 2027-9-6 17:21:05,
#: 2027年9月6日17时21分, 2027.9.6 17:21; a month and day without the year, as a drill's tables
#: print a time past midnight: 6月27日 01:05:39, 06-27 01:05:39; a clock time alone: 17时21分,
#: 17点21分30秒; any of them with the UTC offset the documents add off Beijing time:
#: 2027-06-26 18:52:15 (UTC-03:30), 2027年6月26日8时05分(UTC+09:00).
_WRITTEN = re.compile(
    r"(?:(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[T\s]?\s*)?"
    r"(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*(?::\s*(\d{1,2})|分(?:\s*(\d{1,2})\s*秒)?)?"
    r"(?:\s*\(\s*UTC\s*([+-])(\d{1,2}):?(\d{2})\s*\))?"
)


def minute_of(text: str, alarm: datetime, fail: Any) -> float:
    """Minutes after the alarm of a date and time, a clock time that day, or ``+minutes``.

    Dates and times are read as ISO (``2027-09-06T17:21:00+08:00``), as
    spreadsheets save them (``2027/9/6 17:21``) or as Chinese forms write them
    (``2027年9月6日17时21分``, ``17时21分``); full-width digits and colons count.

    ``minutes`` without the ``+`` (``13.5``) is read the same: a spreadsheet saves
    ``+13.5`` as the number ``13.5``.

    Parameters
    ----------
    text
        The cell.
    alarm
        When the alarm was raised (its offset reads clock times).
    fail
        ``fail(column, message)`` builds the error naming the row.

    Returns
    -------
    float
        Minutes after the alarm, 0 to :data:`LATEST_MIN`.
    """
    given = text
    # Full-width digits, colons and plus signs from a Chinese input method read as plain ones.
    text = unicodedata.normalize("NFKC", text).strip()
    bad = _(
        "expected minutes after the alarm (+13.5 or 13.5), a clock time (17:21) or a date "
        "and time (2027/9/6 17:21), not {text!r}"
    ).format(text=given)
    # A bare number is minutes too: Excel and WPS drop the "+" of "+13.5" on saving.
    plain = _PLAIN_MINUTES.fullmatch(text) is not None
    if text.startswith("+") or plain:
        try:
            value = float(text[0 if plain else 1 :])
        except ValueError:
            raise fail("time", bad) from None
        if not math.isfinite(value):
            raise fail("time", bad)
    else:
        try:
            at = _written_time(text, alarm)
        except ValueError:
            raise fail("time", bad) from None
        value = (at - alarm).total_seconds() / 60.0
    if value < -1e-9:
        raise fail(
            "time",
            _("{minutes:.1f} min before the alarm ({alarm})").format(
                minutes=-value, alarm=alarm.isoformat()
            ),
        )
    if value > LATEST_MIN:  # a typo (+80 for +0.8 is in range; +1e308 or a wrong date is not)
        raise fail(
            "time",
            _("{days:.3g} days after the alarm ({alarm}); a drill's play lasts hours").format(
                days=value / 1440.0, alarm=alarm.isoformat()
            ),
        )
    return max(value, 0.0)


def _written_time(text: str, alarm: datetime) -> datetime:
    """The instant of an ISO time, a written date and time, or a clock time on the alarm's day.

    A clock time more than 12 h before the alarm is the next day's (play past midnight).
    Raises ``ValueError`` if ``text`` is none of them.
    """
    written = _WRITTEN.fullmatch(text)
    if written is None:
        at = datetime.fromisoformat(text)
        return at if at.tzinfo is not None else at.replace(tzinfo=alarm.tzinfo)
    year, month, day, hour, minute, second, seconds_zh = (
        None if g is None else int(g) for g in written.groups()[:7]
    )
    sign, off_h, off_m = written.groups()[7:]
    second = second if second is not None else seconds_zh
    if not (0 <= hour < 24 and 0 <= minute < 60 and (second or 0) < 60):  # type: ignore[operator]
        raise ValueError(text)
    zone = alarm.tzinfo
    if sign is not None:  # printed off Beijing time: the clock is in that offset
        off = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-off if sign == "-" else off)
    # The clock on the alarm's day, where it was written (the alarm's own clock else).
    local = alarm.astimezone(zone) if zone is not None else alarm
    at = local.replace(hour=hour, minute=minute, second=second or 0, microsecond=0)
    if month is not None:
        at = at.replace(year=year or local.year, month=month, day=day)  # type: ignore[arg-type]
        if year is None and at < local - timedelta(days=183):  # 1月1日 of a drill on 31 December
            at = at.replace(year=at.year + 1)
        return at
    if at < local - timedelta(hours=12):  # past midnight
        at += timedelta(days=1)
    return at
