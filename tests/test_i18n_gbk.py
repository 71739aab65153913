"""Chinese Windows: GBK consoles and redirected output, and the language of a Windows user.

Python writes redirected output in the locale's code page, strictly; on Chinese Windows that is
GBK (cp936). Windows sets no ``LANG``: the user's language is the Windows display language.
"""

from __future__ import annotations

import ctypes
import io
import locale
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from experiments.cli import main
from networks import i18n
from tests.conftest import REPO

PO = REPO / "networks" / "locale" / "zh_CN" / "LC_MESSAGES" / "yingji.po"
#: Drawn on maps and written into UTF-8 HTML, never printed: OpenStreetMap's credit is
#: spelt with its © sign, which GBK lacks.
NOT_PRINTED = {"© OpenStreetMap contributors"}
#: A folder name GBK cannot write (a minus sign U+2212 and a superscript two).
NOT_GBK = "ex\u2212\u00b2"


# ------------------------------------------------------------------ the catalogue
def test_every_message_encodes_in_gbk():
    babel = pytest.importorskip("babel.messages.pofile")
    with open(PO, "rb") as fh:
        catalogue = babel.read_po(fh, locale="zh_CN")
    bad = []
    for msg in catalogue:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        if ids[0] in NOT_PRINTED:
            continue
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        for text in (*ids, *strings):
            try:
                text.encode("gbk")
            except UnicodeEncodeError as exc:
                bad.append((ids[0], text[exc.start : exc.end]))
    assert len(catalogue) > 1000  # the whole catalogue was read
    assert bad == []


# ------------------------------------------------------------------ the console
class Console(io.TextIOWrapper):
    """A redirected stdout/stderr, as Python opens one, recording reconfigure calls."""

    def __init__(self, encoding: str) -> None:
        super().__init__(io.BytesIO(), encoding=encoding, errors="strict")
        self.calls: list[dict[str, object]] = []

    def reconfigure(self, **kwargs: object) -> None:  # type: ignore[override]
        self.calls.append(kwargs)
        super().reconfigure(**kwargs)

    def written(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()  # type: ignore[attr-defined]


def test_a_gbk_console_gets_question_marks_not_a_traceback(tmp_path, monkeypatch):
    out, err = Console("gbk"), Console("gbk")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    dest = tmp_path / NOT_GBK
    assert main(["examples", str(dest)]) == 0
    assert (dest / "county.toml").is_file()
    text = out.written().decode("gbk")
    assert f"example files to {tmp_path}{os.sep}ex??/" in text
    # Left as it was found: strict again after the command.
    assert out.errors == err.errors == "strict"


def test_a_utf8_console_is_left_exactly_as_it_is(tmp_path, monkeypatch):
    out, err = Console("utf-8"), Console("UTF8")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["examples", str(tmp_path / NOT_GBK)]) == 0
    assert out.calls == err.calls == []
    assert f"{NOT_GBK}/".encode() in out.written()


def test_redirected_output_in_cp936_finishes_the_command(tmp_path):
    # The interpreter's own stdout, as Chinese Windows opens it when redirected.
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONIOENCODING": "cp936", "YINGJI_LANG": "zh", "PYTHONPATH": path}
    script = "import sys; from experiments.cli import main; sys.exit(main())"
    res = subprocess.run(
        [sys.executable, "-c", script, "examples", NOT_GBK],
        cwd=tmp_path, env=env, capture_output=True, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr.decode("gbk", "replace")
    assert b"Traceback" not in res.stderr
    assert "ex??/" in res.stdout.decode("gbk")
    assert (tmp_path / NOT_GBK / "county.toml").is_file()


# ------------------------------------------------------------------ Windows language
@pytest.fixture
def no_locale_variables(monkeypatch):
    for name in ("YINGJI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def _on_windows(monkeypatch, *, ui_language: int | None, getlocale=(None, None)):
    """Pretend to be Windows whose display language is ``ui_language`` (a LANGID)."""
    if ui_language is None:
        monkeypatch.delattr(ctypes, "windll", raising=False)
    else:
        kernel32 = SimpleNamespace(GetUserDefaultUILanguage=lambda: ui_language)
        monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: getlocale)
    monkeypatch.setattr(os, "name", "nt")


@pytest.mark.parametrize(
    ("langid", "expected"),
    [(0x0804, "zh"), (0x0404, "zh"), (0x1004, "zh"), (0x0409, "en"), (0x0407, "en")],
)
def test_the_windows_display_language_chooses(monkeypatch, no_locale_variables, langid, expected):
    with monkeypatch.context() as m:
        _on_windows(m, ui_language=langid)
        found = i18n.from_environment()
    assert found == (expected, False)


def test_windows_locale_name_when_the_ui_language_is_unknown(monkeypatch, no_locale_variables):
    with monkeypatch.context() as m:
        _on_windows(m, ui_language=None, getlocale=("Chinese (Simplified)_China", "936"))
        chinese = i18n.from_environment()
        m.setattr(locale, "getlocale", lambda *a: ("English_United States", "1252"))
        english = i18n.from_environment()
    assert chinese == ("zh", False) and english == ("en", False)


def test_lang_and_yingji_lang_still_come_first_on_windows(monkeypatch, no_locale_variables):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    with monkeypatch.context() as m:
        _on_windows(m, ui_language=0x0804)
        by_lang = i18n.from_environment()
        m.setenv("YINGJI_LANG", "en")
        by_yingji = i18n.from_environment()
        given = i18n.from_environment({})  # a mapping given is all there is
    assert by_lang == ("en", False) and by_yingji == ("en", True) and given == ("en", False)


def test_no_probe_off_windows(monkeypatch, no_locale_variables):
    kernel32 = SimpleNamespace(GetUserDefaultUILanguage=lambda: 0x0804)
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    assert os.name != "nt"
    assert i18n.windows_locale() is None
    assert i18n.from_environment() == ("en", False)
