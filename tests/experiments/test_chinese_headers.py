"""Table files whose header names the columns in Chinese, as a bureau's own sheets do.

A planner's candidates table headed 名称, 经度, 纬度 was refused ("名称 列: 未知列"),
though the configuration reference names each column in Chinese too.
"""

from __future__ import annotations

import pytest

from experiments.facility_tables import table_facilities
from experiments.locations import read_rows
from networks import ConfigError

STATIONS_EN = """name,tier,landmark,capability,size,count,turnout_min
Xiba Station,township,Xiba Town,general,30,1,2.0
Xiba Station,township,Xiba Town,fire,6,2,1.5
City Station,city,County Seat,medical,4,2,1.0
"""
#: The same table, headed by the configuration reference's Chinese terms.
STATIONS_ZH = STATIONS_EN.replace(
    "name,tier,landmark,capability,size,count,turnout_min",
    "名称,层级,地标,专业类别,队伍人数,队伍数量,出动用时",
)


def test_a_stations_table_headed_in_chinese_reads_as_the_english_one(tmp_path, county):
    en, zh = tmp_path / "en.csv", tmp_path / "zh.csv"
    en.write_text(STATIONS_EN, encoding="utf-8")
    zh.write_text(STATIONS_ZH, encoding="gbk")  # as Excel saves it on a Chinese Windows
    assert (
        table_facilities(zh, "stations", county)[0] == table_facilities(en, "stations", county)[0]
    )


def test_a_column_given_in_both_languages_is_refused_naming_it(tmp_path, county):
    both = tmp_path / "both.csv"
    both.write_text("name,名称,tier,landmark,capability,size\nA,甲,city,County Seat,fire,6\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ConfigError) as exc:
        table_facilities(both, "stations", county)
    assert "name" in str(exc.value) and "名称" in str(exc.value) and "both.csv" in str(exc.value)


def test_a_siting_table_reads_chinese_headers_and_still_refuses_unknown_ones(tmp_path):
    from experiments.siting.places import SITING_TABLE

    path = tmp_path / "candidates.csv"
    path.write_text("名称,经度,纬度,需求权重\n甲,121.47,31.23,2\n", encoding="utf-8")
    (row,) = read_rows(path, columns=SITING_TABLE.ordered, headers=SITING_TABLE.chinese)
    assert row.cells == {"name": "甲", "lon": "121.47", "lat": "31.23", "weight": "2"}
    path.write_text("名字,经度,纬度\n甲,121.47,31.23\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="名字"):
        read_rows(path, columns=SITING_TABLE.ordered, headers=SITING_TABLE.chinese)


#: The same table as a county bureau fills it in: Chinese headers and Chinese values.
STATIONS_ZH_VALUES = STATIONS_ZH.replace(",township,", ",乡镇,").replace(",city,", ",市级,")
STATIONS_ZH_VALUES = (
    STATIONS_ZH_VALUES.replace(",general,", ",综合,").replace(",fire,", ",消防,")
    .replace(",medical,", ",医疗救护,")
)  # fmt: skip


def test_chinese_tiers_and_capabilities_read_as_the_english_ones(tmp_path, county):
    en, zh = tmp_path / "en.csv", tmp_path / "zh.csv"
    en.write_text(STATIONS_EN, encoding="utf-8")
    zh.write_text(STATIONS_ZH_VALUES, encoding="utf-8")
    assert "township" not in STATIONS_ZH_VALUES and "general" not in STATIONS_ZH_VALUES
    assert (
        table_facilities(zh, "stations", county)[0] == table_facilities(en, "stations", county)[0]
    )


def test_a_depots_item_in_chinese_reads_as_its_key(tmp_path, county):
    en, zh = tmp_path / "en.csv", tmp_path / "zh.csv"
    en.write_text("name,tier,landmark,item,quantity\nD,county,County Seat,tents,10\n"
                  "D,county,County Seat,drinking_water,5\n", encoding="utf-8")  # fmt: skip
    zh.write_text("名称,层级,地标,物资品类,储备数量\nD,县级,County Seat,帐篷,10\n"
                  "D,县级,County Seat,饮用水,5\n", encoding="utf-8")  # fmt: skip
    assert table_facilities(zh, "depots", county)[0] == table_facilities(en, "depots", county)[0]


@pytest.mark.parametrize(
    ("cells", "column"),
    [(("村委会", "综合", "2.0"), "层级"), (("乡镇", "挖掘", "2.0"), "专业类别"),
     (("乡镇", "综合", "-1"), "出动用时")],
)  # fmt: skip
def test_an_error_names_the_column_as_the_file_heads_it(tmp_path, county, cells, column):
    tier, cap, turnout = cells
    path = tmp_path / "zh.csv"
    path.write_text(f"名称,层级,地标,专业类别,队伍人数,出动用时\n甲,{tier},Xiba Town,{cap},30,"
                    f"{turnout}\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(ConfigError) as exc:
        table_facilities(path, "stations", county)
    assert f"column {column}" in str(exc.value), str(exc.value)
