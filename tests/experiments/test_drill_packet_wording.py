"""Drill packet wording: names, not keys, in English; Chinese word order and punctuation in Chinese.

English packets named a category and a secondary incident's hazard by their
keys (``natural_disaster``, ``traffic_accident``) and headed a column
``Controllers (导调)``; Chinese ones wrote a count after its noun with no
measure word (``其余排水泵 2``), and the scored documents joined Chinese text
with ASCII ``; `` and `` (...)`` and put a colon after a full stop (``。：``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.drill import score_texts
from experiments.drill.config import DrillConfig
from experiments.drill.draw import compose
from experiments.drill.gbt_plan import gbt_markdown
from experiments.drill.injects_packet import injects_markdown
from experiments.drill.packet_text import scene_lines
from networks import i18n
from scenarios import terms
from scenarios.catalogue import load_catalogue
from scenarios.drill import seed_from_int, texts
from tests.conftest import REPO

HAN = re.compile(r"[\u4e00-\u9fff]")
EXAMPLE = REPO / "examples" / "drill.toml"
OBSERVATIONS = REPO / "examples" / "drill_observations.csv"
BASE = """[drill]
id = "PW-1"
start = 2026-12-01T08:00:00+08:00
end = 2026-12-12T18:00:00+08:00
[benchmark]
replications = 0
"""
SEEDS = range(80)


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """Composed scripts of a drill file allowing every hazard and grade, one per seed."""
    p = Path(tmp_path_factory.mktemp("pw")) / "drill.toml"
    p.write_text(BASE, "utf-8")
    cfg = DrillConfig.from_file(p)
    region = cfg.region()
    return [
        compose(
            cfg,
            region,
            seed=seed_from_int(s),
            exercise_id="PW-1",
            drawn_at="2026-06-01T00:00:00+00:00",
            history=[],
            audit={},
        )
        for s in SEEDS
    ]


def test_english_packets_name_categories_and_hazards_not_their_keys(scripts):
    cat = load_catalogue()
    cascades = 0
    for s in scripts:
        with i18n.language("en"):
            head = "\n".join(scene_lines(s))
            packets = head + injects_markdown(s) + gbt_markdown(s)
        category = s.scene.category
        with i18n.language("en"):
            assert f"({terms.category_name(category)})" in head
        assert "_" not in category or category not in packets
        # no Chinese in the English packets (the controllers' column included)
        assert not HAN.search(packets), HAN.search(packets)
        for inj in (i for i in s.injects if i.kind == "cascade"):
            cascades += 1
            hazard = inj.truth["hazard"]
            assert inj.capability.endswith("; " + cat[hazard].name), inj.capability
            with i18n.language("en"):
                assert texts.text(inj, "capability").endswith(cat[hazard].name)
    assert cascades >= 5  # the drawn scripts did test a secondary incident's capability


def test_chinese_supply_counts_are_quantities_not_a_wrong_measure_word(scripts):
    # The model counts supplies in its own units, with no measure word per item (a tent is
    # 顶, a pump 台): the Chinese names the item, then its 数量, and puts no 件 before it.
    shorts = [i for s in scripts for i in s.injects if i.kind == "depot_short"]
    assert len(shorts) >= 5
    for inj in shorts:
        need = inj.truth["need"] - inj.truth["available"]
        with i18n.language("zh"):
            item = texts.word("item", inj.truth["item"])
            action = texts.text(inj, "expected_action")
            message = texts.text(inj, "message")
        assert f"所缺{item}（数量 {need}）" in action, action
        assert f"账面数量 {inj.truth['booked']}，" in message, message
        assert "件" not in action + message.replace("事件", ""), message
        if inj.truth["available"]:
            assert f"{item}可调出数量仅为 {inj.truth['available']}（" in message, message


@pytest.mark.parametrize(
    ("lang", "sep", "text", "meaning", "label"),
    [
        ("zh", "；", "评定为 B", "基本达到", "评定为 B（基本达到）"),
        ("en", "; ", "rated B", "met with minor gaps", "rated B (met with minor gaps)"),
    ],
)
def test_score_texts_join_and_label_in_the_language_in_use(lang, sep, text, meaning, label):
    with i18n.language(lang):
        assert score_texts.joined(["a", "", "b"]) == f"a{sep}b"
        assert score_texts.labelled(text, meaning) == label
        assert score_texts.labelled(text, "") == text
    # a quoted definition loses its full stop before a colon; the text stays
    assert score_texts.item_text("得到控制：水位停止上涨。") == "得到控制：水位停止上涨"
    assert score_texts.item_text("Under control: pumps are running.") == (
        "Under control: pumps are running"
    )


@pytest.fixture(scope="module")
def scored_zh(tmp_path_factory):
    """The example drawn with seed 5, revealed and scored in Chinese."""
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    base = tmp_path_factory.mktemp("scored")
    d, key = base / "d", base / "k.key"
    with pytest.MonkeyPatch.context() as mp:
        freeze_draw_clock(mp)
        argv = ["drill", "draw", str(EXAMPLE), "--out", str(d), "--key", str(key), "--seed", "5"]
        assert main(argv) == 0
    assert main(["--lang", "zh", "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    argv = ["--lang", "zh", "drill", "score", str(d), "--observations", str(OBSERVATIONS)]
    assert main(argv) == 0
    return d / "scored"


def test_chinese_scored_documents_use_chinese_punctuation(scored_zh, capsys):
    capsys.readouterr()
    for name in ("evaluation_report.md", "evaluation_form.md"):
        text = (scored_zh / name).read_text("utf-8")
        assert "; " not in text and "。：" not in text and "。:" not in text, name
        # brackets around Chinese or an id are full-width (a Markdown link has none here)
        assert not re.search(r"[\u4e00-\u9fff] ?\(|\((SC-|基本|完全|部分)", text), name
    report = (scored_zh / "evaluation_report.md").read_text("utf-8")
    assert "（SC-2026-Q4）" in report and "评定为 B（基本达到）；" in report
