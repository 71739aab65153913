"""CSV tables a user wrote: UTF-8, else GBK (GB18030) as Excel saves them on Chinese Windows.

Every CSV yingji reads from a user (location tables, incident and replay logs,
travel matrices) goes through :func:`scenarios.validate.read_table_text`.
"""

from __future__ import annotations

import logging

import pytest

from experiments.cli import main
from experiments.locations import read_rows
from networks import ConfigError
from scenarios.log_table import read_csv_table
from scenarios.validate import read_table_text

#: A stations table as a bureau writes it, Chinese names and all.
STATIONS = (
    "name,name_zh,tier,landmark,capability,size,count,turnout_min\n"
    "贵溪市消防救援大队,县消防救援大队,county,County Seat,fire,6,2,1.5\n"
    "雄石街道应急救援站,,township,Xiba Town,general,30,1,2.0\n"
)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_gbk_file_is_read_with_one_warning_naming_file_and_encoding(tmp_path, caplog):
    path = tmp_path / "stations.csv"
    path.write_bytes(STATIONS.encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the case at hand: Excel's GBK is not UTF-8
    with caplog.at_level(logging.WARNING, logger="scenarios"):
        assert read_table_text(path) == STATIONS
        assert read_table_text(path) == STATIONS  # read twice by one command: said once
    said = _warnings(caplog)
    assert len(said) == 1
    assert str(path) in said[0] and "GB18030" in said[0] and "\n" not in said[0]


def test_utf8_is_read_as_utf8_first_and_without_a_word(tmp_path, caplog):
    # These bytes decode as GB18030 too (to other characters): UTF-8 must win.
    text = "name,landmark\n贵溪,东门\n"
    assert text.encode("utf-8").decode("gb18030") != text
    path = tmp_path / "t.csv"
    with caplog.at_level(logging.WARNING, logger="scenarios"):
        for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
            path.write_bytes(data)
            assert read_table_text(path) == text
    assert _warnings(caplog) == []


def test_a_file_neither_utf8_nor_gbk_says_how_to_save_it(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"name,lon\n\xff\xfe,1\n")
    with pytest.raises(ConfigError, match='save it again as "CSV UTF-8"') as info:
        read_table_text(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_location_tables_and_logs_read_gbk_cells(tmp_path):
    path = tmp_path / "stations.csv"
    path.write_bytes(STATIONS.encode("gbk"))
    rows = read_rows(path)
    assert [r.cells["name"] for r in rows] == ["贵溪市消防救援大队", "雄石街道应急救援站"]
    assert [r.where for r in rows] == ["line 2", "line 3"]
    log = tmp_path / "log.csv"
    log.write_bytes("time_min,node,hazard,备注\n1,3,fire,仓库起火\n".encode("gbk"))
    table = read_csv_table(log)
    assert table.columns["备注"] == ["仓库起火"] and table.rows == ("row 2",)


def test_line_ends_and_quoted_line_breaks_read_as_before(tmp_path):
    # A quoted cell holding a line break, Windows line ends: the cell keeps its break and
    # rows are named by the line they start on, as when the file was read as a stream.
    path = tmp_path / "t.csv"
    path.write_bytes('name,lon,lat\r\n"甲\r\n乙",1,2\r\n丙,3,4\r\n'.encode("gbk"))
    rows = read_rows(path)
    assert [r.cells["name"] for r in rows] == ["甲\r\n乙", "丙"]
    assert [r.where for r in rows] == ["line 2", "line 4"]
    table = read_csv_table(path)
    assert table.columns["name"] == ["甲\r\n乙", "丙"] and table.rows == ("row 2", "row 4")


def test_a_run_on_a_gbk_stations_table_says_so_once_and_runs(tmp_path, capsys):
    (tmp_path / "stations.csv").write_bytes(STATIONS.encode("gbk"))
    (tmp_path / "run.toml").write_text(
        '[network]\nsynthetic = "county"\n[facilities]\nstations = "stations.csv"\n'
        '[scenario]\nname = "typical_week"\n[run]\nseed = 3\nreplications = 1\n'
        "horizon_min = 600\n",
        encoding="utf-8",
    )
    code = main(["--lang", "en", "run", str(tmp_path / "run.toml"), "--no-plots",
                 "--out", str(tmp_path / "out")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    said = [line for line in err.splitlines() if "stations.csv" in line]
    assert len(said) == 1 and said[0].startswith("yingji: warning: ") and "GB18030" in said[0]
