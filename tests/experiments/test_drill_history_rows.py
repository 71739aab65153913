"""Drill input files name the file and the row and column at fault, in the language in use.

The drill history (``[drill] history``, ``reveal --append-history``, ``drill history``):
every row's times are checked, and where the catalogue and network are known its
hazard and area, named in English or Chinese, are compared as keys. Observations,
report forms and multi-party contributions name their file and cell the same way.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from experiments.drill.history_file import read_history
from networks import i18n
from networks.errors import ConfigError
from scenarios.catalogue import load_catalogue
from scenarios.drill import SealError, combine, contribution_commitment
from tests.experiments.cli_calls import run

HEAD = "drawn_at,exercise_id,hazard,area\n"
SMALL = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
hazards = ["building_fire"]
include_areas = ["Xiba Town"]
history = "h.csv"
[benchmark]
replications = 0
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the history file
def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    rows = [
        "2026-03-02T09:00:00+00:00,Q1,building_fire,County Seat",
        "",  # a blank line still counts, as a spreadsheet shows it
        "2026-06-01,Q2,traffic_accident,Xiba Town",
        "not-a-date,Q3,waterlogging,Beihe Town",
    ]
    h = write(tmp_path / "h.csv", HEAD + "\n".join(rows) + "\n")
    with pytest.raises(ConfigError) as exc:
        read_history(h)
    assert exc.value.source == str(h) and exc.value.key == "row 5, column drawn_at", exc.value
    assert "'not-a-date'" in str(exc.value)


@pytest.mark.parametrize(
    ("row", "en", "zh"),
    [
        ("2026-03-02,Q1,building_fire,\n", "row 2, column area", "第 2 行，area 列"),
        (",Q1,,Xiba Town\n", "row 2, column hazard", "第 2 行，hazard 列"),
        (
            "2026-03-02,Q1,building_fire,Xiba Town,soon\n",
            "row 2, column start",
            "第 2 行，start 列",
        ),
    ],
)
def test_a_bad_row_names_its_row_and_column_in_both_languages(tmp_path, row, en, zh):
    head = HEAD.replace("area\n", "area,start\n")
    h = write(tmp_path / "h.csv", head + row)
    with i18n.language("en"), pytest.raises(ConfigError) as exc:
        read_history(h)
    assert exc.value.key == en
    with i18n.language("zh"), pytest.raises(ConfigError) as exc:
        read_history(h)
    message = str(exc.value).removeprefix(f"{h}: ")
    assert exc.value.key == zh and "row" not in message and "column" not in message


def test_with_the_catalogue_and_network_names_become_keys(tmp_path, county):
    given = [("建筑火灾", "西坝镇"), ("road TRAFFIC accident", "county seat")]
    h = write(tmp_path / "h.csv", HEAD + "".join(f"2026-03-02,Q,{z},{a}\n" for z, a in given))
    assert [(p.hazard, p.area) for p in read_history(h)] == given  # nothing to compare them with
    past = read_history(h, catalogue=load_catalogue(), network=county)
    assert [(p.hazard, p.area) for p in past] == [
        ("building_fire", "Xiba Town"),
        ("traffic_accident", "County Seat"),
    ]
    write(h, HEAD + "2026-03-02,Q1,dragon,Xiba Town\n")
    with pytest.raises(ConfigError, match=r"row 2, column hazard: unknown hazard 'dragon'"):
        read_history(h, catalogue=load_catalogue())


def test_a_history_in_chinese_keeps_the_draw_from_repeating_it(tmp_path, capsys):
    """The audit's repro: the only hazard and area allowed were drilled last, in Chinese."""
    cfg = write(tmp_path / "drill.toml", SMALL)
    for names in ("building_fire,Xiba Town", "建筑火灾,西坝镇"):
        write(tmp_path / "h.csv", HEAD + f"2026-09-01T09:00:00+00:00,Q3,{names}\n")
        code, out, err = run(capsys, "drill", "draw", cfg, "--out", tmp_path / "d",
                             "--key", tmp_path / "k.key", "--seed", 5)  # fmt: skip
        assert code == 2 and "drilled recently" in err, (names, err)
        assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(
    ("row", "column"),
    [("2026-09-01,Q3,dragon,Xiba Town", "hazard"), ("2026-09-01,Q3,建筑火灾,亚特兰蒂斯", "area")],
)
def test_the_draw_refuses_an_unknown_hazard_or_area_of_the_history(tmp_path, capsys, row, column):
    cfg = write(tmp_path / "drill.toml", SMALL.replace('include_areas = ["Xiba Town"]\n', ""))
    h = write(tmp_path / "h.csv", HEAD + row + "\n")
    code, out, err = run(capsys, "--lang", "zh", "drill", "draw", cfg, "--out", tmp_path / "d",
                         "--key", tmp_path / "k.key", "--seed", 5)  # fmt: skip
    lines = [ln for ln in err.splitlines() if ln.strip() and "--seed" not in ln]
    assert code == 2 and len(lines) == 1, err
    assert f"{h}: 第 2 行，{column} 列: 未知" in lines[0], lines[0]
    assert not (tmp_path / "d").exists() and not (tmp_path / "k.key").exists()


def test_drill_history_and_reveal_refuse_a_date_that_is_not_one(tmp_path, capsys):
    junk = write(tmp_path / "junk.csv", HEAD + "not-a-date,X,building_fire,Xiba Town\n")
    code, out, err = run(capsys, "--lang", "zh", "drill", "history", junk)
    assert code == 2 and out == ""
    want = "第 2 行，drawn_at 列: 应为 2026-12-01T08:00 这样的日期时间，实际为 'not-a-date'"
    assert err.strip().endswith(f"{junk}: {want}"), err
    cfg = write(tmp_path / "drill.toml", SMALL.replace('history = "h.csv"\n', ""))
    d, key = tmp_path / "d", tmp_path / "k.key"
    assert run(capsys, "drill", "draw", cfg, "--out", d, "--key", key, "--seed", 1)[0] == 0
    before = hashlib.sha256(junk.read_bytes()).hexdigest()
    code, out, err = run(
        capsys, "drill", "reveal", "--early", d, "--key", key, "--append-history", junk
    )
    assert code == 2 and "row 2, column drawn_at" in err and len(err.strip().splitlines()) == 1
    assert not (d / "revealed").exists()
    assert hashlib.sha256(junk.read_bytes()).hexdigest() == before


# ------------------------------------------------------------------ observations
def test_observation_errors_name_row_and_column_in_chinese(tmp_path):
    from experiments.drill.observations import read_observations

    obs = write(tmp_path / "o.csv", "kind,ref,time\nmilestone,dispatch,+abc\n")
    args = {"alarm": datetime(2026, 12, 1, 8), "injects": (), "indicators": {}}
    with i18n.language("zh"), pytest.raises(ConfigError) as exc:
        read_observations(obs, **args)
    assert exc.value.source == str(obs) and exc.value.key == "第 2 行，time 列"
    with i18n.language("en"), pytest.raises(ConfigError) as exc:
        read_observations(obs, **args)
    assert exc.value.key == "row 2, column time"
    write(obs, "# a note\nkind,time\n")
    with i18n.language("zh"), pytest.raises(ConfigError) as exc:
        read_observations(obs, **args)
    assert exc.value.key == "第 2 行"


def test_a_rating_of_an_indicator_that_does_not_apply_names_its_row_in_chinese():
    from experiments.drill.indicator_scores import _score_indicator

    obs = SimpleNamespace(source="o.csv", ratings={"C1": SimpleNamespace(row=7)})
    with i18n.language("zh"), pytest.raises(ConfigError) as exc:
        _score_indicator(SimpleNamespace(id="C1"), applies=False, obs=obs, checks=(), reports=(),
                         template=None)  # fmt: skip
    assert exc.value.source == "o.csv" and exc.value.key == "第 7 行，ref 列"


# ------------------------------------------------------------------ report forms
FORMS = """[fields.place]
label = "Place"
type = "text"
[templates.fire]
title = "Fire report"
category = "accident"
hazards = [{hazards}]
fields = ["place"]
"""


def test_a_form_for_an_unknown_hazard_is_refused_where_the_catalogue_is_known():
    import tomllib

    from scenarios.drill.report_template_reading import read_templates

    cat = load_catalogue()
    data = tomllib.loads(FORMS.format(hazards='"building_fire", "dragon"'))
    assert read_templates(data, source="t.toml")[0].hazards == ("building_fire", "dragon")
    with pytest.raises(ConfigError) as exc:
        read_templates(data, source="t.toml", catalogue=cat)
    assert exc.value.source == "t.toml" and exc.value.key == "templates.fire.hazards[1]"
    assert "unknown hazard 'dragon'" in str(exc.value)
    # a hazard named in Chinese or English is the form of that hazard, kept as its key
    data = tomllib.loads(FORMS.format(hazards='"建筑火灾", "Road traffic accident"'))
    form = read_templates(data, source="t.toml", catalogue=cat)[0]
    assert form.hazards == ("building_fire", "traffic_accident")
    second = '[templates.fire2]\ntitle = "Fire 2"\ncategory = "accident"\nhazards = ["建筑火灾"]\n'
    data = tomllib.loads(FORMS.format(hazards='"building_fire"') + second + 'fields = ["place"]\n')
    with pytest.raises(ConfigError, match="already has the form 'fire'") as exc:
        read_templates(data, source="t.toml", catalogue=cat)
    assert exc.value.key == "templates.fire2.hazards[0]"


# ------------------------------------------------------------------ contributions
def test_a_multi_party_error_names_the_file_at_fault():
    c = {"alice": b"a" * 32, "bob": b"b" * 32}
    pub = {p: contribution_commitment(p, v) for p, v in c.items()}
    files = {"alice": "alice.json", "bob": "bob_typo.json"}
    with pytest.raises(SealError, match=r"^none\.json: no organiser commitments given$"):
        combine({}, {}, source="none.json")
    with pytest.raises(SealError, match=r"^commitments\.json: no contribution revealed by bob$"):
        combine(pub, {"alice": c["alice"]}, source="commitments.json", files=files)
    with pytest.raises(SealError, match=r"^commitments\.json: contribution from carol who"):
        combine(pub, {**c, "carol": b"c" * 32}, source="commitments.json", files=files)
    with pytest.raises(SealError, match=r"^bob_typo\.json: contribution of bob does not match"):
        combine(pub, {**c, "bob": b"0" * 32}, source="commitments.json", files=files)
    with pytest.raises(SealError, match=r"^bob_typo\.json: contribution of bob is too short"):
        combine(pub, {**c, "bob": b"0" * 8}, source="commitments.json", files=files)
    # the seed does not depend on where the files are
    assert combine(pub, c) == combine(pub, c, source="x.json", files=files)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_drill_history_of_a_drill_config_checks_hazards_and_areas(tmp_path, capsys, lang):
    cfg = write(tmp_path / "d.toml", SMALL)
    good = "2026-03-02T09:00:00+00:00,Q1,建筑火灾,西坝镇\n"
    write(tmp_path / "h.csv", HEAD + good)
    code, out, _err = run(capsys, "--lang", lang, "drill", "history", cfg)
    assert code == 0 and "Q1" in out  # Chinese names are the catalogue's and the map's
    write(tmp_path / "h.csv", HEAD + good + "2026-09-01T09:00:00+00:00,Q2,dragon,Xiba Town\n")
    code, out, err = run(capsys, "--lang", lang, "drill", "history", cfg)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "'dragon'" in err and ("row 3, column hazard" in err or "第 3 行，hazard 列" in err)
    # The bare CSV knows no catalogue: listed as written (a draw will check it).
    assert run(capsys, "drill", "history", tmp_path / "h.csv")[0] == 0


def test_drill_hazards_may_be_named_in_chinese_or_english(tmp_path):
    from experiments.drill.config import DrillConfig

    write(tmp_path / "h.csv", HEAD)
    by_key = DrillConfig.from_file(write(tmp_path / "k.toml", SMALL)).spec
    named = SMALL.replace('hazards = ["building_fire"]', 'hazards = ["建筑火灾"]')
    zh = DrillConfig.from_file(write(tmp_path / "z.toml", named)).spec
    assert zh.hazards == ("building_fire",)
    assert by_key.hazards == ("building_fire",)
    english = SMALL.replace('hazards = ["building_fire"]', 'hazards = ["building FIRE"]')
    assert DrillConfig.from_file(write(tmp_path / "e.toml", english)).spec.hazards == (
        "building_fire",
    )
    dragon = SMALL.replace('hazards = ["building_fire"]', 'hazards = ["火龙"]')
    with pytest.raises(ConfigError) as exc:
        DrillConfig.from_file(write(tmp_path / "d.toml", dragon))
    assert exc.value.key == "drill.hazards" and "'火龙'" in str(exc.value)


def test_a_history_saved_by_excel_in_gbk_is_read_with_a_warning(tmp_path, capsys):
    # Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK: the draw refused the file
    # ("not UTF-8 text") with no way forward, while observations in GBK were read.
    cfg = write(tmp_path / "drill.toml", SMALL)
    (tmp_path / "h.csv").write_bytes((HEAD + "2026-09-01T09:00:00+00:00,Q3,建筑火灾,西坝镇\r\n")
                                     .encode("gbk"))  # fmt: skip
    code, out, err = run(capsys, "drill", "draw", cfg, "--out", tmp_path / "d",
                         "--key", tmp_path / "k.key", "--seed", 5)  # fmt: skip
    # read, Chinese names and all: the only hazard and area allowed were drilled last
    assert code == 2 and "drilled recently" in err, err
    assert "GB18030" in err
    rows = read_history(tmp_path / "h.csv", catalogue=load_catalogue())
    assert [(r.hazard, r.area) for r in rows] == [("building_fire", "西坝镇")]


@pytest.mark.parametrize(
    ("cells", "column"),
    [("8x.7,good,13", "score"), ("101,good,13", "score"), ("81.7,great,13", "conclusion"),
     ("81.7,good,-1", "open_improvements"), ("81.7,good,1.5", "open_improvements")],
)  # fmt: skip
def test_a_slip_in_the_score_columns_is_named_not_listed(tmp_path, capsys, cells, column):
    # drill history listed a score of 8x.7 as if it were one
    head = "drawn_at,exercise_id,hazard,area,score,conclusion,open_improvements\n"
    h = write(
        tmp_path / "h.csv", f"{head}2026-09-01T09:00:00+00:00,Q3,building_fire,Xiba Town,{cells}\n"
    )
    with pytest.raises(ConfigError, match=rf"row 2, column {column}: expected"):
        read_history(h)
    code, out, err = run(capsys, "drill", "history", h)
    assert code == 2 and f"column {column}" in err and out == ""


def test_score_columns_as_scoring_writes_them_or_in_chinese_are_read(tmp_path):
    h = write(tmp_path / "h.csv", "drawn_at,exercise_id,hazard,area,score,conclusion,"
              "open_improvements\n2026-09-01T09:00:00+00:00,Q3,building_fire,Xiba Town,81.7,良好,"
              "13\n2026-10-01T09:00:00+00:00,Q4,building_fire,Xiba Town,,,\n")  # fmt: skip
    assert [d.exercise_id for d in read_history(h)] == ["Q3", "Q4"]
