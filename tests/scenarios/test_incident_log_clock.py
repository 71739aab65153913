"""An incident log's clock: its minute 0, a start without an offset, a mistyped year, on_scene."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from networks.errors import ConfigError
from scenarios import load_catalogue
from scenarios.incident_rows import minute_zero, read_log_rows
from scenarios.log_table import frame_table

CAT = load_catalogue()
T0 = datetime(2026, 1, 5, 7, 9, 47)


def _table(times: list[str], **more: list[str]):
    n = len(times)
    cols = {"time": times, "lon": ["117.17"] * n, "lat": ["28.3"] * n}
    cols |= {"hazard": ["building_fire"] * n, "grade": ["4"] * n, **more}
    return frame_table(cols, source="log.csv")


def _stamps(n: int, suffix: str = "", *, year: dict[int, int] | None = None) -> list[str]:
    """``n`` date-times an hour apart from T0, some rows' year changed."""
    out = []
    for i in range(n):
        t = T0 + timedelta(hours=i)
        if year and i in year:
            t = t.replace(year=year[i])
        out.append(t.isoformat() + suffix)
    return out


@pytest.mark.parametrize(("row", "year"), [(7, 2016), (3, 2062), (0, 2016), (9, 2062)])
def test_a_mistyped_year_names_its_row_and_both_ends_as_dates(row, year):
    times = _stamps(10, year={row: year})
    with pytest.raises(ConfigError) as err:
        read_log_rows(_table(times), catalogue=CAT)
    msg = str(err.value)
    assert err.value.key == f"row {row}, column time"
    ends = sorted(datetime.fromisoformat(t) for t in times)
    assert str(ends[0]) in msg and str(ends[-1]) in msg
    assert "check the year" in msg and "527040" not in msg


def test_a_row_more_than_a_year_after_the_given_start_is_named_with_the_start():
    times = _stamps(6, year={4: 2028})
    with pytest.raises(ConfigError) as err:
        read_log_rows(_table(times), catalogue=CAT, start=T0)
    assert err.value.key == "row 4, column time"
    assert str(T0) in str(err.value) and times[4].replace("T", " ") in str(err.value)


def test_a_log_just_under_the_limit_is_read():
    times = [T0.isoformat(), (T0 + timedelta(days=366)).isoformat()]
    rows = read_log_rows(_table(times), catalogue=CAT)
    assert rows.time.tolist() == [0.0, 366 * 1440.0] and rows.start == T0


@pytest.mark.parametrize("suffix", ["+08:00", "Z", "-05:30"])
def test_a_start_without_an_offset_is_read_in_the_logs_offset(suffix):
    times = _stamps(5, suffix)
    aware = read_log_rows(_table(times), catalogue=CAT, start=T0.isoformat() + suffix)
    naive = read_log_rows(_table(times), catalogue=CAT, start=T0.isoformat())
    np.testing.assert_array_equal(naive.time, aware.time)
    assert naive.start == aware.start == datetime.fromisoformat(times[0])
    assert minute_zero(_table(times), T0.isoformat()) == aware.start


def test_a_start_with_an_offset_before_a_log_without_names_the_start():
    with pytest.raises(ConfigError) as err:
        read_log_rows(_table(_stamps(3)), catalogue=CAT, start=T0.isoformat() + "+08:00")
    assert err.value.key == "row 0, column time" and "2026-01-05 07:09:47+08:00" in str(err.value)


def test_minute_zero_is_the_earliest_time_or_none_for_minutes():
    times = _stamps(4, "+08:00")[::-1]
    assert minute_zero(_table(times)) == T0.replace(tzinfo=timezone(timedelta(hours=8)))
    assert minute_zero(_table(["5", "1.5"])) is None


def test_on_scene_is_no_longer_minutes_of_work():
    table = _table(_stamps(2), on_scene=["25", "30"])
    with pytest.raises(ConfigError, match="control_work") as err:
        read_log_rows(table, catalogue=CAT)
    assert err.value.key == "on_scene"
    rows = read_log_rows(_table(_stamps(2), control_work=["25", "30"]), catalogue=CAT)
    assert rows.control_work.tolist() == [25.0, 30.0]
