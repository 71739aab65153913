"""tomllib's errors in the language in use: Chinese for a bureau, tomllib's own in English."""

from __future__ import annotations

import re
import tomllib

import pytest

from networks import i18n
from networks.errors import ConfigError
from scenarios.toml_errors import toml_error_text
from scenarios.validate import read_toml

#: Malformed files, one per kind of tomllib error a config author makes.
BAD = [
    'name = "x"\n[run\nseed = 1\n',
    'name "x"\n',
    'path = "C:\\data\\x.csv"\n',
    "a = [1, 2\n",
    "a = { b = 1\n",
    'a = "x\n',
    "a = 1\na = 2\n",
    "a = { b = 1, b = 2 }\n",
    "a = 2026-13-45\n",
    "a = nope\n",
    "[[a]\n",
    "= 1\n",
    "a = 1 b = 2\n",
]


@pytest.mark.parametrize("text", BAD)
def test_toml_errors_read_in_chinese_and_as_tomllib_says_in_english(text):
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    with i18n.language("en"):
        assert toml_error_text(info.value) == " ".join(str(info.value).split())
    with i18n.language("zh"):
        zh = toml_error_text(info.value)
    # No English left but what tomllib quotes from the file (a key, a character).
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"|Windows|Unicode", "", zh)
    assert not re.search(r"[A-Za-z]{2,}", unquoted), zh
    assert re.search(r"第 \d+ 行第 \d+ 列|在文件末尾", zh), zh


def test_an_unknown_message_passes_as_it_is():
    err = ValueError("Something new (at line 4, column 2)")
    with i18n.language("zh"):
        assert toml_error_text(err) == "Something new（第 4 行第 2 列）"


@pytest.mark.parametrize(
    ("text", "key", "lines"),
    [
        ("[run]\nseed = 1\nreplications = 2\nseed = 3", "run.seed", (2, 4)),  # no final newline
        ("[run]\nseed = 1\nseed = 3\n", "run.seed", (2, 3)),
        ("name = 'a'\n[x]\nname = 1\n[[t]]\nk = 1\n[[t]]\nk = 2\nk = 3\n", "t.k", (7, 8)),
        ("[s]\nb.c = 2\n b . c = 3\n", "s.b.c", (2, 3)),
        # a look-alike repeat inside a string is passed over for the line tomllib names
        ('d = """\nseed = 1\nseed = 2\n"""\nx = 1\nx = 2\n', "x", (5, 6)),
        ('"a.b" = 1\na.b = 2\na.b = 3\n', "a.b", (2, 3)),
    ],
)
def test_a_key_given_twice_is_named_with_both_lines(tmp_path, text, key, lines):
    p = tmp_path / "dup.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_toml(p)
    assert str(info.value).endswith(
        f"not valid TOML: {key} is given twice (lines {lines[0]} and {lines[1]})"
    )
