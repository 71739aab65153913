"""Chinese-first scenarios: the bilingual hazard catalogue, the national grade thresholds,
Chinese scenario listings and errors, and Chinese place names read from OpenStreetMap."""

from __future__ import annotations

import re

import numpy as np
import pytest

from experiments.cli import main
from networks.errors import ConfigError
from networks.i18n import language
from scenarios import load_catalogue, load_scenario
from scenarios.spec import ScenarioSpec
from scenarios.terms import category_name, grade_label, grade_name, warning_name
from tests.conftest import REPO, osm_file

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Two or more English words in a row: a phrase a Chinese reader should not meet.
PHRASE = re.compile(r"[A-Za-z][a-z]+(?:[ -][A-Za-z][a-z]+)+")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ------------------------------------------------------------------ the catalogue
def test_every_shipped_hazard_speaks_chinese():
    for h in load_catalogue():
        for text in (h.name_zh, h.description_zh, h.under_control_zh):
            assert CJK.search(text), (h.key, text)
        assert len(h.meaning_zh) == 4 and all(CJK.search(m) for m in h.meaning_zh), h.key
        with language("zh"):
            assert h.label() == h.name_zh and h.grade_meaning(1) == h.meaning_zh[0]
            assert h.about() == h.description_zh and h.control_text() == h.under_control_zh
        with language("en"):
            assert h.label() == h.name and h.grade_meaning(4) == h.meaning[3]


def test_a_user_catalogue_without_chinese_keys_loads_and_shows_english(tmp_path, capsys):
    mine = tmp_path / "mine.toml"
    shipped = (REPO / "examples" / "scenarios" / "my_hazards.toml").read_text(encoding="utf-8")
    english_only = "\n".join(ln for ln in shipped.splitlines() if "_zh" not in ln)
    mine.write_text(
        english_only + '\n[hazards.flood]\ndescription = "Our river floods every spring."\n',
        encoding="utf-8",
    )
    cat = load_catalogue(mine)
    dam, flood = cat["dam_break"], cat["flood"]
    assert dam.name_zh == "" and dam.meaning_zh == ()
    with language("zh"):
        assert dam.label() == "Reservoir dam break"
        assert dam.grade_meaning(2) == "10-29 dead or missing"
        # An English text overridden without its twin drops the stale Chinese ...
        assert flood.about() == "Our river floods every spring."
        # ... while the texts it did not touch keep theirs.
        assert flood.label() == "江河洪水"
    code, out, _err = _run(capsys, "--lang", "zh", "scenario", "hazards", "--catalogue", str(mine))
    assert code == 0 and "Reservoir dam break" in out and "江河洪水" in out


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("name_zh = 5", "hazards.flood.name_zh"),
        ('meaning_zh = ["一", "二", "三"]', "hazards.flood.meaning_zh"),
        ("description_zh = true", "hazards.flood.description_zh"),
    ],
)
def test_chinese_keys_are_checked_as_strings(tmp_path, line, key):
    bad = tmp_path / "bad.toml"
    bad.write_text(f"[hazards.flood]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_catalogue(bad)
    assert err.value.key == key and err.value.source == str(bad)


def test_the_catalogue_round_trips_with_its_chinese_texts():
    from scenarios.catalogue import HazardCatalogue

    cat = load_catalogue()
    again = HazardCatalogue.from_dict(cat.to_dict())
    assert again.hazards == cat.hazards


# ------------------------------------------------------- grades and the national plans
def test_earthquake_grades_are_those_of_the_2012_national_plan():
    eq = load_catalogue()["earthquake"]
    starts = (">=300 dead", "50-299 dead", "10-49 dead", "<10 dead")
    for meaning, start in zip(eq.meaning, starts, strict=True):
        assert meaning.startswith(start)
    assert "M>=6.0 in densely populated areas, M>=7.0 in fairly densely" in eq.meaning[0]
    assert "initially M4.0-5.0 in fairly densely populated areas" in eq.meaning[3]
    zh = eq.meaning_zh
    assert zh[0].startswith("死亡（含失踪）300人以上") and "1%以上" in zh[0]
    assert zh[1].startswith("死亡（含失踪）50人以上300人以下")
    assert zh[2].startswith("死亡（含失踪）10人以上50人以下")
    assert (
        zh[3].startswith("死亡（含失踪）10人以下") and "人口较密集地区4.0级以上5.0级以下" in zh[3]
    )


@pytest.mark.parametrize(
    "key", ["building_collapse", "building_fire", "traffic_accident", "mine_accident"]
)
def test_production_safety_grades_are_those_of_state_council_decree_493(key):
    h = load_catalogue()[key]
    en = h.meaning
    assert en[0].startswith(">=30 dead, or >=100 seriously injured") and ">=100M yuan" in en[0]
    assert en[1].startswith("10-29 dead, or 50-99 seriously injured") and "50-100M" in en[1]
    assert en[2].startswith("3-9 dead, or 10-49 seriously injured") and "10-50M" in en[2]
    assert (
        en[3].startswith("fewer than 3 dead, or fewer than 10 seriously injured")
        and "<10M" in en[3]
    )
    zh = h.meaning_zh
    assert zh[0].startswith("造成30人以上死亡，或者100人以上重伤") and "1亿元以上" in zh[0]
    assert "10人以上30人以下死亡" in zh[1] and "5000万元以上1亿元以下" in zh[1]
    assert "3人以上10人以下死亡" in zh[2] and "1000万元以上5000万元以下" in zh[2]
    # Decree 493 art. 3 joins grade IV's three bounds with 或者, as the other grades.
    assert zh[3].startswith("造成3人以下死亡，或者10人以下重伤，或者") and "1000万元以下" in zh[3]


def test_environmental_and_geological_thresholds_follow_their_plans():
    cat = load_catalogue()
    leak, slide = cat["hazmat_leak"], cat["landslide"]
    assert ">=50,000 people evacuated" in leak.meaning[0] and "5万人以上" in leak.meaning_zh[0]
    assert "10,000-49,999 evacuated" in leak.meaning[1]
    assert ">=1,000 people threatened" in slide.meaning[0]
    assert "受威胁需搬迁转移1000人以上" in slide.meaning_zh[0]
    assert "500-999 people threatened" in slide.meaning[1]
    poisoning = cat["mass_poisoning"].meaning_zh
    assert poisoning[1].startswith("一次食物中毒人数超过100人并出现死亡病例")
    assert poisoning[3].startswith("一次食物中毒30～99人，未出现死亡病例")


def test_grade_category_and_warning_names():
    with language("zh"):
        assert [grade_name(g) for g in (1, 2, 3, 4)] == ["特别重大", "重大", "较大", "一般"]
        assert grade_label(2) == "Ⅱ级（重大）"
        assert [
            category_name(c)
            for c in ("natural_disaster", "accident", "public_health", "social_safety")
        ] == ["自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"]
        assert warning_name(1) == "红色预警" and warning_name(4) == "蓝色预警"
    with language("en"):
        assert grade_label(1) == "grade I (especially major)"
        assert category_name("public_health") == "public-health event"


# ------------------------------------------------------------------- scenarios
def test_every_shipped_scenario_has_a_chinese_description():
    from scenarios import list_scenarios

    for name in list_scenarios():
        s = load_scenario(name)
        assert CJK.search(s.description_zh) and CJK.search(s.name_zh), name
        with language("zh"):
            assert s.about() == s.description_zh and s.label() == s.name_zh
        with language("en"):
            assert s.about() == s.description and s.label() == (s.title or s.name)


def test_a_scenario_round_trips_with_its_chinese_texts():
    s = load_scenario("chemical_leak")
    again = ScenarioSpec.from_dict(s.to_dict(), source=s.source)
    assert again == s and again.description_zh == s.description_zh


@pytest.mark.parametrize(
    ("argv", "labels"),
    [
        (("scenario", "list"), ("background only", " h  ")),
        (("scenario", "show", "multi_hazard"), ("scenario  ", "about  ", "duration  ", "/day")),
        (("scenario", "hazards"), ("IV needs", "natural_disaster", "technical_rescue")),
        (("scenario", "sources"), ("nodes", "edges", "low_lying roads", "chemical_plant")),
    ],
)
def test_scenario_listings_in_chinese_hold_no_english_phrase(capsys, argv, labels):
    code, en, _err = _run(capsys, "--lang", "en", *argv)
    assert code == 0 and all(label in en for label in labels)
    code, zh, _err = _run(capsys, "--lang", "zh", *argv)
    assert code == 0 and CJK.search(zh)
    # Scenario and hazard keys, TOML keys and file names stay; sentences and labels do not.
    left = sorted({p for p in PHRASE.findall(en) if p in zh} | {w for w in labels if w in zh})
    assert left == [], left


def test_scenario_sample_speaks_chinese_and_writes_the_same_numbers(tmp_path, capsys):
    code, zh, _err = _run(
        capsys, "--lang", "zh", "scenario", "sample", "chemical_leak", "--seed", "3",
        "-o", str(tmp_path / "zh.csv"),
    )  # fmt: skip
    assert code == 0 and "起警情" in zh and "随机种子 3" in zh
    code, _en, _err = _run(
        capsys, "--lang", "en", "scenario", "sample", "chemical_leak", "--seed", "3",
        "-o", str(tmp_path / "en.csv"),
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "zh.csv").read_bytes() == (tmp_path / "en.csv").read_bytes()
    zh_dis = (tmp_path / "zh.disruptions.csv").read_bytes()
    assert zh_dis == (tmp_path / "en.disruptions.csv").read_bytes()


# ----------------------------------------------------------------------- errors
def _no_english_left(line: str, *names: str) -> str:
    for name in names:
        line = line.replace(name, "")
    return line.replace("yingji", "")


def test_a_config_error_in_chinese_is_one_line_naming_file_and_key(tmp_path, capsys):
    text = (REPO / "examples" / "county.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(re.sub(r"(?m)^reserve = 1.*$", "reserve = -1", text), encoding="utf-8")
    code, _out, err = _run(capsys, "--lang", "zh", "run", str(bad), "--out", str(tmp_path / "o"))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1
    assert str(bad) in lines[0] and "policy.reserve" in lines[0] and CJK.search(lines[0])
    assert not re.search(r"[A-Za-z]{2,}", _no_english_left(lines[0], str(bad), "policy.reserve"))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('name = "x"\nduration_h = 24\n[background.rates]\nbuilding_fire = "lots"\n',
         "background.rates.building_fire"),
        ('name = "x"\nduration_h = 24\n[[events]]\ntype = "earthquake"\ntime_h = 1\n'
         'magnitude = 6\nrepair = { dist = "lognormal", mean = -3, cv = 1 }\n',
         "events[0].repair.mean"),
        ('name = "x"\nduration_h = 24\nstart_hour = 30\n', "start_hour"),
        ('name = "x"\nduration_h = 24\n[[events]]\ntype = "chemical_leak"\ntime_h = 1\n'
         "protective_m = 500\n", "events[0].wind_from_deg"),
    ],
)  # fmt: skip
def test_scenario_errors_in_chinese_name_file_and_key(tmp_path, capsys, text, key):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    code, _out, err = _run(capsys, "--lang", "zh", "scenario", "show", str(bad))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and f"{bad}: {key}:" in lines[0]
    rest = _no_english_left(lines[0], str(bad), key)
    assert CJK.search(rest) and not re.search(r"\b(?:must|expected|got|needs)\b", rest), rest


# ------------------------------------------------------------- OSM place names
def test_osm_landmarks_and_roads_carry_chinese_and_english_names(tmp_path):
    from networks import load_network
    from networks.osm import load_graphml, save_graphml
    from scenarios.places import Geography, Location

    net = load_network(osm_file("cn_jiangxi_guixi_osmapi_export.osm.bz2"))
    city = next(m for m in net.landmarks if m.kind == "city")
    assert (city.name, city.name_zh) == ("Guixi", "贵溪市")
    with language("zh"):
        assert city.label() == "贵溪市"
    with language("en"):
        assert city.label() == "Guixi"
    assert any(m.kind == "township" and m.name_zh.endswith("街道") for m in net.landmarks)
    geo = Geography(net)
    rng = np.random.default_rng(0)
    for text in ("landmark:贵溪市", "landmark:guixi"):
        assert Location(text).resolve(geo, rng=rng) == city.node

    roads = load_network(osm_file("cn_shenzhen_longgang_drive.osm.bz2")).edges
    k = next(i for i in range(len(roads)) if roads.name_zh[i] == "龙岗大道")
    assert roads.name[k] == "Longgang Boulevard"
    with language("zh"):
        assert roads.road_name(k) == "龙岗大道"
    with language("en"):
        assert roads.road_name(k) == "Longgang Boulevard"

    back = load_graphml(save_graphml(net, tmp_path / "guixi.graphml"))
    assert sorted((m.name, m.name_zh, m.kind) for m in back.landmarks) == sorted(
        (m.name, m.name_zh, m.kind) for m in net.landmarks
    )
    assert sorted(back.edges.name_zh) == sorted(net.edges.name_zh)
    assert sorted(back.edges.name) == sorted(net.edges.name)
