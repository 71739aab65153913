"""Dates and times as documents print them, in the language in use.

Machine files (CSV, JSON, CAP XML) keep ISO 8601. Documents people read (the
alarm, the packets, the evaluation report) print what a bureau writes:
``2027年6月26日18时52分15秒`` in Chinese, ``2027-06-26 18:52:15`` in English,
with the UTC offset added where it is not Beijing time (+08:00), and in tables
the clock time alone on the day of the drill.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from networks import i18n

__all__ = ["clock_text", "date_text", "moment_text"]

_BEIJING = timedelta(hours=8)


def _read(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _offset(t: datetime) -> str:
    """The offset to add after a time: none at Beijing time or without an offset."""
    off = t.utcoffset()
    if off is None or off == _BEIJING:
        return ""
    sign = "-" if off < timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    text = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"（{text}）" if i18n.get_language() == "zh" else f" ({text})"


def _zh_clock(t: datetime) -> str:
    text = f"{t.hour}时{t.minute:02d}分"
    return text + (f"{t.second:02d}秒" if t.second else "")


def date_text(value: str | date) -> str:
    """A date: ``2027年7月26日`` in Chinese, ``2027-07-26`` in English."""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    if i18n.get_language() == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def moment_text(value: str | datetime) -> str:
    """A date and time as a document prints it.

    ``2027年6月26日18时52分15秒`` (seconds only when not 0) in Chinese,
    ``2027-06-26 18:52:15`` in English; the offset follows unless it is +08:00.
    """
    t = _read(value)
    if i18n.get_language() == "zh":
        return f"{date_text(t.date())}{_zh_clock(t)}{_offset(t)}"
    return f"{t.date().isoformat()} {t:%H:%M:%S}{_offset(t)}"


def clock_text(value: str | datetime, day: str | datetime) -> str:
    """A time in a table of one drill.

    The clock (``18:53:15``) on ``day``'s date, else with its month and day
    first (``6月27日 01:05:39``, ``06-27 01:05:39``).
    """
    t = _read(value)
    d = _read(day)
    if d.tzinfo is not None and t.tzinfo is not None:
        t = t.astimezone(d.tzinfo)
    clock = f"{t:%H:%M:%S}"
    if t.date() == d.date():
        return clock
    if i18n.get_language() == "zh":
        return f"{t.month}月{t.day}日 {clock}"
    return f"{t:%m-%d} {clock}"
