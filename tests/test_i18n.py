"""The Chinese catalogue is complete and in step with the code; one place picks the language."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from experiments.cli import main
from networks import i18n
from tests.conftest import REPO

PO = REPO / "networks" / "locale" / "zh_CN" / "LC_MESSAGES" / "yingji.po"
MO = PO.with_suffix(".mo")
PACKAGES = ("networks", "scenarios", "sim", "experiments")


def _catalogue():
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        return read_po(fh, locale="zh_CN")


def _marked() -> dict[tuple[str, str | None], str]:
    """Every message marked in the code, as ``(msgid, context)``, with the file it is in."""
    from babel.messages.extract import extract_from_dir

    found: dict[tuple[str, str | None], str] = {}
    for pkg in PACKAGES:
        for path, _line, msg, _comments, ctx in extract_from_dir(
            REPO / pkg, method_map=[("**.py", "python")]
        ):
            for m in msg if isinstance(msg, tuple) else (msg,):
                if m:
                    found.setdefault((m, ctx), f"{pkg}/{path}")
    return found


def _fields(text: str) -> tuple[list[str], list[str]]:
    return (
        sorted(re.findall(r"\{[^{}]*\}", text)),
        sorted(re.findall(r"%\(\w+\)[sdrf]|%[sdr]", text)),
    )


def test_every_marked_message_has_a_chinese_translation():
    cat = _catalogue()
    missing = []
    for (mid, ctx), where in _marked().items():
        msg = cat.get(mid, context=ctx)
        if msg is None or not msg.string or msg.fuzzy:
            missing.append(f"{where}: {mid!r}" + (f" (context {ctx!r})" if ctx else ""))
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_no_marked_message_hides_where_the_extractor_cannot_see_it():
    # Babel does not look inside f-strings on Python 3.11: walk the syntax tree instead,
    # so a _("...") nested in an f-string still has to be in the catalogue.
    import ast

    cat = _catalogue()
    hidden = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                # _(msgid), N_(msgid), pgettext(context, msgid): constants only.
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                if node.func.id in ("_", "N_") and args and isinstance(args[0], str):
                    mid, ctx = args[0], None
                elif (
                    node.func.id == "pgettext"
                    and len(args) == 2
                    and all(isinstance(a, str) for a in args)
                ):
                    ctx, mid = args
                else:
                    continue
                if cat.get(mid, context=ctx) is None:
                    hidden.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert hidden == []


def test_the_catalogue_holds_no_message_the_code_no_longer_has():
    marked = _marked()
    stale = [m.id for m in _catalogue() if m.id and (m.id, m.context) not in marked]
    assert stale == []


def test_translations_keep_every_placeholder():
    bad = [
        (m.id, m.string)
        for m in _catalogue()
        if m.id and isinstance(m.id, str) and _fields(m.id) != _fields(m.string)
    ]
    assert bad == []


def test_the_compiled_catalogue_is_the_po_file_compiled():
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, _catalogue())
    assert MO.read_bytes() == buf.getvalue(), "run: pybabel compile -d networks/locale -D yingji"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("en", False)),
        ({"LANG": "zh_CN.UTF-8"}, ("zh", False)),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, ("zh", False)),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, ("en", False)),
        ({"LANG": "zh_CN.UTF-8", "YINGJI_LANG": "en"}, ("en", True)),
        ({"YINGJI_LANG": "zh"}, ("zh", True)),
    ],
)
def test_the_language_comes_from_yingji_lang_then_the_locale(env, expected):
    assert i18n.from_environment(env) == expected


def test_an_unknown_yingji_lang_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("YINGJI_LANG", "fr")
    assert main(["scenario", "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "YINGJI_LANG" in err[0]


def test_a_config_key_yields_to_an_explicit_choice():
    with i18n.language("en", explicit=False):
        i18n.adopt("zh")
        assert i18n.get_language() == "zh"
    with i18n.language("en", explicit=True):
        i18n.adopt("zh")
        assert i18n.get_language() == "en"


def test_lang_zh_error_is_one_chinese_line_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[network]\nsynthetic = "county"\n[run]\nseed = -1\n')
    assert main(["--lang", "zh", "run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "run.seed" in err[0]
    assert re.search(r"[\u4e00-\u9fff]", err[0]), err[0]
    # The command's language does not leak into the next command in this process.
    assert i18n.get_language() == "en"


def test_lang_zh_argparse_errors_are_chinese(capsys):
    assert main(["--lang", "zh", "run"]) == 2
    err = capsys.readouterr().err.strip()
    assert "缺少必填参数" in err and "config" in err


def test_chinese_text_draws_without_missing_glyphs(tmp_path):
    import matplotlib.pyplot as plt

    from networks.fonts import use_cjk_fonts

    use_cjk_fonts()
    fig, ax = plt.subplots()
    ax.set_title("1 分钟接警、10 分钟到场、15 分钟处置（特别重大/较大/一般）")
    ax.set_xlabel("村（社区）物资储备点：蓝、黄、橙、红色预警")
    # filterwarnings = error turns matplotlib's "Glyph ... missing" warning into a failure.
    fig.savefig(Path(tmp_path) / "zh.png")
    plt.close(fig)


@pytest.mark.parametrize("command", ["run", "experiment"])
def test_a_files_language_key_speaks_for_its_own_errors(tmp_path, capsys, monkeypatch, command):
    monkeypatch.delenv("YINGJI_LANG")  # YINGJI_LANG, like --lang, would outrank the file
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    run = tmp_path / "run.toml"
    run.write_text('language = "zh"\n[network]\nsynthetic = "county"\n[run]\nreplications = 0\n')
    exp = tmp_path / "exp.toml"
    exp.write_text('language = "zh"\nname = "x"\nreplications = 0\n[base]\nconfig = "run.toml"\n')
    argv = (["run", str(run), "--out", str(tmp_path / "o")] if command == "run"
            else ["experiment", "plan", str(exp)])  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "replications" in err[0] and re.search(r"[\u4e00-\u9fff]", err[0])
    assert main(["--lang", "en", *argv]) == 2  # an explicit choice wins over the file
    assert not re.search(r"[\u4e00-\u9fff]", capsys.readouterr().err)
