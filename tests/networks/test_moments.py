"""Dates and times as documents print them (networks.moments).

What a packet prints must be what an evaluator can copy into the observations
file: the printed time reads back to the same minute.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.drill.observation_times import minute_of
from networks import i18n
from networks.moments import clock_text, date_text, moment_text

BEIJING = timezone(timedelta(hours=8))
ALARM = datetime(2027, 6, 26, 18, 52, 15, tzinfo=BEIJING)


def refuse(column: str, message: str) -> ValueError:
    return ValueError(f"{column}: {message}")


@settings(max_examples=60, deadline=None)
@given(seconds=st.integers(0, 7 * 86400 - 1), lang=st.sampled_from(["zh", "en"]))
def test_a_printed_time_reads_back_to_the_same_moment(seconds, lang):
    t = ALARM + timedelta(seconds=seconds)
    with i18n.language(lang):
        text = moment_text(t.isoformat())
    assert minute_of(text, ALARM, refuse) == pytest.approx(seconds / 60.0)


def test_the_chinese_form_is_the_bureaus_and_the_offset_shows_only_off_beijing_time():
    with i18n.language("zh"):
        assert moment_text("2027-06-26T18:52:15+08:00") == "2027年6月26日18时52分15秒"
        assert moment_text("2027-06-26T08:05:00+08:00") == "2027年6月26日8时05分"
        assert moment_text("2027-06-26T08:05:00+09:00") == "2027年6月26日8时05分（UTC+09:00）"
        assert date_text(date(2027, 7, 26)) == "2027年7月26日"
    with i18n.language("en"):
        assert moment_text("2027-06-26T18:52:15+08:00") == "2027-06-26 18:52:15"
        assert moment_text("2027-06-26T18:52:15-03:30") == "2027-06-26 18:52:15 (UTC-03:30)"
        assert date_text("2027-07-26") == "2027-07-26"


def test_a_table_prints_the_clock_and_the_day_only_when_it_changed():
    start = ALARM.isoformat()
    with i18n.language("zh"):
        assert clock_text("2027-06-26T19:05:39+08:00", start) == "19:05:39"
        assert clock_text("2027-06-27T01:05:39+08:00", start) == "6月27日 01:05:39"
        # a time written in another offset is shown on the drill's clock
        assert clock_text("2027-06-26T11:05:39+00:00", start) == "19:05:39"
    with i18n.language("en"):
        assert clock_text("2027-06-27T01:05:39+08:00", start) == "06-27 01:05:39"


@settings(max_examples=60, deadline=None)
@given(seconds=st.integers(0, 7 * 86400 - 1), lang=st.sampled_from(["zh", "en"]))
def test_a_table_time_reads_back_past_midnight_too(seconds, lang):
    # 6月27日 01:05:39 / 06-27 01:05:39: the month and day a table prints after the drill's day
    t = ALARM + timedelta(seconds=seconds)
    with i18n.language(lang):
        text = clock_text(t.isoformat(), ALARM.isoformat())
    assert minute_of(text, ALARM, refuse) == pytest.approx(seconds / 60.0)


@settings(max_examples=60, deadline=None)
@given(
    seconds=st.integers(0, 7 * 86400 - 1),
    quarter_hours=st.integers(-12 * 4, 14 * 4).filter(lambda q: q != 32),
    lang=st.sampled_from(["zh", "en"]),
)
def test_a_time_printed_off_beijing_time_reads_back_with_its_offset(seconds, quarter_hours, lang):
    zone = timezone(timedelta(minutes=15 * quarter_hours))
    t = (ALARM + timedelta(seconds=seconds)).astimezone(zone)
    with i18n.language(lang):
        text = moment_text(t.isoformat())
    assert "UTC" in text
    assert minute_of(text, ALARM, refuse) == pytest.approx(seconds / 60.0)


def test_a_month_and_day_after_new_years_eve_is_the_next_year():
    eve = datetime(2027, 12, 31, 23, 0, tzinfo=BEIJING)
    assert minute_of("1月1日 00:30:00", eve, refuse) == pytest.approx(90.0)
    assert minute_of("01-01 00:30:00", eve, refuse) == pytest.approx(90.0)
    # a month and day before the alarm is refused, not read as a year later
    with pytest.raises(ValueError, match="before the alarm"):
        minute_of("6月25日 10:00:00", ALARM, refuse)
