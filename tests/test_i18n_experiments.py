"""Experiments and siting in Chinese and English: the words change, the numbers never do.

The Chinese comes from the compiled catalogue (``networks/locale``, or a translator's
``YINGJI_LOCALE_DIR``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from experiments.batch import run_experiment
from experiments.cli import main
from experiments.config import RunConfig
from experiments.design import ExperimentSpec
from experiments.store import ResultStore, find_summary
from networks import i18n
from networks.errors import ConfigError
from tests.conftest import REPO
from tests.experiments.test_experiment_batch import fake_replicate, make_spec

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")

#: A small experiment file (the base inline, nothing simulated by ``plan``).
EXPERIMENT = """name = "small"
replications = 2
root_seed = 7
{extra}
[base.network]
synthetic = "county"
[base.scenario]
name = "typical_week"

[[factors]]
key = "policy.name"
levels = ["nearest_available", "severity_priority"]
"""


@pytest.fixture
def unchosen(monkeypatch):
    """No language chosen by the user: an English locale, so a config's language key decides."""
    monkeypatch.delenv("YINGJI_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C")


def english_fragments(path: Path) -> set[str]:
    """The English words of the messages marked in ``path``, between their placeholders.

    Fragments of two letters or fewer (``by``, ``x``), pure punctuation and the
    program's name are left out: they would match inside names and numbers.
    """
    from babel.messages.extract import extract_from_file

    out = set()
    for _line, msg, _comments, _ctx in extract_from_file(
        "python", str(path), keywords={"_": None, "N_": None}
    ):
        for part in PLACEHOLDER.split(msg):
            text = part.strip(" .,:;()[]·×—-").strip()
            if len(re.sub(r"[^A-Za-z]", "", text)) >= 3 and text != "yingji":
                out.add(text)
    return out


def leaked(fragments: set[str], text: str) -> list[str]:
    """The fragments found in ``text`` as whole words."""
    return sorted(f for f in fragments if re.search(rf"(?<![\w.]){re.escape(f)}(?![\w.])", text))


def visible_text(page: str) -> str:
    """What a reader of an HTML page sees: text and image descriptions, without the markup."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'<img alt="([^"]*)"[^>]*>', r" \1 ", page)
    page = re.sub(r"<code>.*?</code>", " ", page)  # function names and hashes
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("command", "text", "key"),
    [
        (["experiment", "plan"], EXPERIMENT.format(extra="lhs_samples = 3"), "lhs_samples"),
        (["experiment", "plan"], EXPERIMENT.format(extra='language = "fr"'), "language"),
        (
            ["site"],
            '[network]\nsynthetic = "county"\n[[siting]]\nmodel = "hierarchy"\n',
            "siting[0].model",
        ),
        (
            ["site"],
            '[network]\nsynthetic = "county"\n[facilities]\nstations = "missing.csv"\n',
            "facilities.stations",
        ),
    ],
    ids=["experiment", "experiment-language", "siting-task", "run-config"],
)
def test_a_config_error_in_chinese_is_one_line_naming_the_file_and_key(
    tmp_path, capsys, command, text, key
):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    args = [*command, str(cfg)] + (["--out", str(tmp_path / "o")] if command == ["site"] else [])
    lines = {}
    for lang in ("en", "zh"):
        assert main(["--lang", lang, *args]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err
        lines[lang] = err[0]
    prefix = f"{cfg}: {key}: "
    for lang, line in lines.items():
        assert prefix in line, (lang, line)
    english = lines["en"].split(prefix, 1)[1]
    chinese = lines["zh"].split(prefix, 1)[1]
    assert CJK.search(chinese), chinese
    assert english not in lines["zh"]
    assert not (tmp_path / "o").exists()


def test_a_bad_table_row_is_named_in_chinese_by_line_and_column(tmp_path, capsys):
    table = tmp_path / "stations.csv"
    table.write_text("name,tier,node,capability,size\nA,hamlet,0,general,30\n")
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[network]\nsynthetic = "county"\n[facilities]\nstations = "{table.name}"\n')
    assert main(["--lang", "zh", "site", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert f"{table}: 第 2 行，tier 列: " in err[0]  # the place in the file reads Chinese too
    assert CJK.search(err[0]) and "unknown tier" not in err[0]


# --------------------------------------------------------------------------- language key
def test_language_key_of_a_run_config_is_checked_and_kept_out_of_the_design(tmp_path):
    cfg = RunConfig.from_dict({"network": {"synthetic": "county"}, "language": "zh"})
    assert cfg.language == "zh" and cfg.to_dict()["language"] == "zh"
    assert "language" not in RunConfig.from_dict({"network": {"synthetic": "county"}}).to_dict()
    with pytest.raises(ConfigError) as err:
        RunConfig.from_dict({"network": {"synthetic": "county"}, "language": "fr"}, source="x")
    assert err.value.key == "language"
    # The language is not part of any design point: the same hashes, the same experiment.
    plain = tmp_path / "plain.toml"
    plain.write_text(EXPERIMENT.format(extra=""))
    chinese = tmp_path / "chinese.toml"
    chinese.write_text(EXPERIMENT.format(extra='language = "zh"'))
    inherited = tmp_path / "inherited.toml"
    inherited.write_text(EXPERIMENT.format(extra="") + '[base]\nlanguage = "zh"\n')
    specs = [ExperimentSpec.from_file(p) for p in (plain, chinese, inherited)]
    assert [s.language for s in specs] == [None, "zh", "zh"]
    hashes = [[p.config_hash for p in s.points()] for s in specs]
    assert hashes[0] == hashes[1] == hashes[2]
    assert all("language" not in p.config.to_dict() for s in specs for p in s.points())
    with pytest.raises(ConfigError, match="factors"):
        ExperimentSpec.from_dict(
            {"base": {"network": {"synthetic": "county"}},
             "factors": [{"key": "language", "levels": ["zh", "en"]}]},
            source="x.toml",
        )  # fmt: skip


def test_the_experiment_file_language_is_spoken_unless_the_user_chose(tmp_path, capsys, unchosen):
    exp = tmp_path / "exp.toml"
    exp.write_text(EXPERIMENT.format(extra='language = "zh"'))
    assert main(["experiment", "plan", str(exp)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert CJK.search(first) and "design points" not in first
    assert main(["--lang", "en", "experiment", "plan", str(exp)]) == 0
    assert capsys.readouterr().out.startswith("small: 2 design points x 2 replications")


# --------------------------------------------------------------------------- report
def test_chinese_report_has_no_english_message_and_the_same_numbers(tmp_path, capsys):
    out = tmp_path / "out"
    run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    pages, tables = {}, {}
    for lang in ("en", "zh"):
        assert main(["--lang", lang, "experiment", "report", str(out)]) == 0
        pages[lang] = (out / "report.html").read_text(encoding="utf-8")
        tables[lang] = {p.name: digest(p) for p in sorted((out / "analysis").iterdir())}
    capsys.readouterr()
    assert pages["en"].startswith('<!DOCTYPE html>\n<html lang="en-US">')
    assert pages["zh"].startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    fragments = english_fragments(REPO / "experiments" / "report.py")
    en, zh = visible_text(pages["en"]), visible_text(pages["zh"])
    assert len(leaked(fragments, en)) >= 10  # the check sees the English report's words
    assert leaked(fragments, zh) == []
    assert CJK.search(zh)
    # Every number of the page is the same in both languages, in the same order.
    number = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?%?")
    assert number.findall(en.replace("p0", "")) == number.findall(zh.replace("p0", ""))
    # The tables beside the report do not depend on the language.
    assert tables["en"] == tables["zh"] and tables["en"]


def test_report_speaks_the_language_the_folder_was_run_in(tmp_path, capsys, unchosen):
    out = tmp_path / "out"
    with i18n.language("zh"):
        run_experiment(make_spec(tmp_path), out, replicate=fake_replicate, progress=False)
    assert ResultStore.open(out).manifest["language"] == "zh"
    assert main(["experiment", "report", str(out)]) == 0
    assert '<html lang="zh-CN">' in (out / "report.html").read_text(encoding="utf-8")
    assert CJK.search(capsys.readouterr().out)  # "报告：..."
    # An explicit choice wins over the manifest.
    assert main(["--lang", "en", "experiment", "report", str(out)]) == 0
    assert '<html lang="en-US">' in (out / "report.html").read_text(encoding="utf-8")
    assert capsys.readouterr().out.startswith("report: ")


# --------------------------------------------------------------------------- resume
def test_a_folder_started_in_english_is_resumed_in_chinese(tmp_path):
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    with i18n.language("en"):
        run_experiment(make_spec(tmp_path, replications=3), whole, replicate=fake_replicate)
        run_experiment(make_spec(tmp_path, replications=2), resumed, replicate=fake_replicate)
    with i18n.language("zh"):
        res = run_experiment(
            make_spec(tmp_path, replications=3), resumed, replicate=fake_replicate, progress=False
        )
    assert (res.ran, res.skipped) == (4, 8)
    assert CJK.search(res.executor)  # "串行"
    # The same results, byte for byte; the manifest differs in its language only.
    assert digest(find_summary(whole)) == digest(find_summary(resumed))
    for f in sorted(whole.glob("runs/*/*.json")) + sorted(whole.glob("points/*.json")):
        assert digest(f) == digest(resumed / f.relative_to(whole)), f
    a = json.loads((whole / "manifest.json").read_text())
    b = json.loads((resumed / "manifest.json").read_text())
    assert (a.pop("language"), b.pop("language")) == ("en", "zh")
    assert a == b


# --------------------------------------------------------------------------- siting
def test_site_in_chinese_prints_chinese_tables_and_writes_the_same_files(tmp_path, capsys):
    example = REPO / "examples" / "siting.toml"
    outputs = {}
    for lang in ("en", "zh"):
        out = tmp_path / lang
        args = ["--lang", lang, "site", str(example), "--task", "stations", "--no-plots",
                "--evaluate", "2", "--time-limit", "30", "--out", str(out)]  # fmt: skip
        assert main(args) == 0
        outputs[lang] = capsys.readouterr().out.replace(str(out), "OUT")
    zh = outputs["zh"]
    lines = [line for line in zh.splitlines() if line.strip()]
    # Every line has its Chinese words; the English left are the task's name and the acronym.
    assert all(CJK.search(line) for line in lines), zh
    words = set(re.findall(r"[A-Za-z]{3,}", zh))
    assert words <= {"stations", "MCLP", "OUT"}, words
    for word in ("current", "proposed", "verdict", "no clear difference", "demand"):
        assert word in outputs["en"] and word not in zh
    # Numbers: every file a script reads is the same in both languages.
    en_dir, zh_dir = tmp_path / "en" / "stations", tmp_path / "zh" / "stations"
    for name in ("sites.csv", "sites.geojson", "proposed_stations.csv", "evaluation.csv"):
        assert (en_dir / name).read_bytes() == (zh_dir / name).read_bytes(), name
    covers = [json.loads((d / "coverage.json").read_text()) for d in (en_dir, zh_dir)]
    for c in covers:
        c["solver"].pop("solve_time_s")  # wall-clock seconds, different on every run
    assert [c.pop("language") for c in covers] == ["en", "zh"]
    assert covers[0] == covers[1]
    # The numbers printed are the same too, in the same order.
    number = re.compile(r"-?\d+(?:\.\d+)?%?")
    strip = re.compile(r"\d+\.\d\d (?:s|秒)$", re.M)  # the solver's wall-clock time
    assert number.findall(strip.sub("", outputs["en"])) == number.findall(strip.sub("", zh))


def test_site_plots_in_chinese_draw_every_glyph(tmp_path, recwarn):
    example = REPO / "examples" / "siting.toml"
    out = tmp_path / "zh"
    assert main(["--lang", "zh", "site", str(example), "--task", "stations", "--evaluate", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    glyphs = [w for w in recwarn.list if "missing from font" in str(w.message)]
    assert glyphs == []
    assert (out / "stations" / "coverage_map.png").stat().st_size > 0
    shutil.rmtree(out)
