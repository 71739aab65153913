"""Drawing rules /9: the caller rings the line for the hazard, and the desk that takes it.

Up to /8 every accident and natural disaster rang 119 and every alarm reached
the county centre. From /9 a road traffic accident rings 122 (the traffic
police) and a forest fire 12119 (the forest and grassland fire line); and with
``[reporting] receiving = "township"`` the call reaches the duty room of the
township the scene lies in. A drill drawn by /8 re-draws as it was sealed.
"""

from __future__ import annotations

import functools
import json

import pytest

import experiments.drill.draw as drawing
from networks import i18n
from scenarios.drill import GENERATOR_VERSION, texts
from scenarios.drill.script import DrillScript
from tests.experiments.cli_calls import run

DRILL = """[drill]
start = 2099-12-01T08:00:00+08:00
end = 2099-12-02T08:00:00+08:00
blind = "double"
hazards = ["{hazard}"]
grades = ["IV"]
injects = ["media_enquiry"]
[reporting]
receiving = "{receiving}"
[benchmark]
replications = 0
"""


def drawn(tmp_path, capsys, hazard: str, receiving: str = "county", seed: int = 3) -> DrillScript:
    """Draw, reveal and verify with --redraw; the revealed script."""
    name = f"{hazard}-{receiving}"
    cfg, d, key = tmp_path / f"{name}.toml", tmp_path / name, tmp_path / f"{name}.key"
    cfg.write_text(DRILL.format(hazard=hazard, receiving=receiving))
    code, _, err = run(capsys, "drill", "draw", cfg, "--out", d, "--key", key, "--seed", seed)
    assert code == 0, err
    code, _, err = run(capsys, "drill", "reveal", d, "--key", key)
    assert code == 0, err
    code, out, err = run(capsys, "drill", "verify", d, "--redraw", cfg)
    assert code == 0 and "re-drawing from the seed gives the same script" in out, err
    return DrillScript.from_dict(json.loads((d / "revealed" / "script.json").read_bytes()))


def alarm(script: DrillScript, field: str) -> tuple[str, str]:
    """The alarm's ``field`` in English and in Chinese."""
    out = []
    for lang in ("en", "zh"):
        with i18n.language(lang):
            out.append(texts.text(script.alarm, field))
    return out[0], out[1]


@pytest.mark.parametrize(
    ("hazard", "number"),
    [("traffic_accident", "122"), ("forest_fire", "12119"), ("waterlogging", "119")],
)
def test_the_caller_rings_the_line_for_the_hazard(tmp_path, capsys, hazard, number):
    script = drawn(tmp_path, capsys, hazard)
    assert script.generator_version == GENERATOR_VERSION
    en, zh = alarm(script, "channel")
    assert en == f"phone ({number})" and zh == f"电话（{number}）"


def test_a_township_desk_takes_the_call_in_the_scenes_township(tmp_path, capsys):
    script = drawn(tmp_path, capsys, "waterlogging", receiving="township", seed=4)  # a township
    en, zh = alarm(script, "recipient")
    with i18n.language("zh"):
        area_zh = texts.text(script.scene, "area")
    assert script.scene.area in en and "emergency command centre" not in en
    assert zh.startswith(area_zh) and "应急指挥中心" not in zh
    county_en, county_zh = alarm(drawn(tmp_path, capsys, "waterlogging"), "recipient")
    assert "emergency command centre" in county_en and "应急指挥中心" in county_zh


def test_a_drill_drawn_by_rules_8_redraws_with_the_old_alarm(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        drawing, "compose", functools.partial(drawing.compose, rules="yingji-drill-draw/8")
    )
    old = drawn(tmp_path, capsys, "forest_fire", receiving="township")
    assert old.generator_version == "yingji-drill-draw/8"
    en, _zh = alarm(old, "channel")
    assert en == "phone (119)"  # as /8 sealed it
    assert "emergency command centre" in alarm(old, "recipient")[0]
