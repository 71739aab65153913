"""Every CSV yingji writes carries a UTF-8 byte-order mark, once, and reads back.

Excel on a Chinese Windows opens a CSV without the mark as GBK and garbles
every Chinese cell (``name_zh``, the drill forms); with it, Excel and WPS read
UTF-8. yingji's own readers take files with or without it.
"""

from __future__ import annotations

import codecs
import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from experiments.drill.history_file import history_text
from experiments.tables import read_table, write_table
from networks.files import CSV_ENCODING, csv_bytes

BOM = codecs.BOM_UTF8


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_csv_bytes_has_one_mark_and_decodes_to_the_text(text):
    data = csv_bytes(text)
    assert data.startswith(BOM) and not data[3:].startswith(BOM)
    assert data.decode(CSV_ENCODING) == text.removeprefix("\ufeff")
    assert csv_bytes(data.decode("utf-8")) == data  # a marked text is not marked twice


def test_a_csv_table_starts_with_the_mark_and_reads_back(tmp_path):
    cols = {"name": ["东村镇应急救援站", "Seat"], "x": [1.5, 2.0], "n": [3, 4]}
    path = write_table(cols, tmp_path / "t", fmt="csv")
    data = path.read_bytes()
    assert data.startswith(BOM) and data.count(BOM) == 1
    # Excel's "CSV UTF-8" and pandas read it; so does yingji's own reader.
    assert read_table(path) == {"name": cols["name"], "x": ["1.5", "2.0"], "n": ["3", "4"]}
    # A reader that ignores the mark sees it glued to the first column's name.
    assert next(csv.reader(io.StringIO(data.decode("utf-8"))))[0] == "\ufeffname"


def _script_dict():
    return {
        "exercise_id": "X-1", "drawn_at": "2026-12-01T08:00:00+00:00",
        "scene": {"hazard": "flood", "area": "County Seat", "start": "2026-12-02T09:00:00+08:00"},
    }  # fmt: skip


def test_a_new_history_gets_the_mark_and_an_old_one_keeps_one(tmp_path):
    new = history_text("", _script_dict())
    assert new.startswith(BOM) and new.count(BOM) == 1
    # An older history written without the mark (or with it) has exactly one afterwards,
    # and its rows unchanged.
    for old in (new.decode("utf-8-sig"), new.decode("utf-8")):
        again = history_text(old, {**_script_dict(), "exercise_id": "X-2"})
        assert again.startswith(BOM) and again.count(BOM) == 1
        rows = list(csv.DictReader(io.StringIO(again.decode(CSV_ENCODING))))
        assert [r["exercise_id"] for r in rows] == ["X-1", "X-2"]
