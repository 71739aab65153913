"""Every command, run with ``--lang zh``, shows no sentence that is still English.

The English side of the catalogue is the list of sentences to look for: every
message id is cut at its placeholders, and each piece of three words or more
that the Chinese translation does not repeat must be absent from what a
command prints and from the human-readable files it writes.
"""

from __future__ import annotations

import html
import io
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from functools import cache
from pathlib import Path

import pytest

from experiments.cli import main
from tests.conftest import REPO

PO = REPO / "networks" / "locale" / "zh_CN" / "LC_MESSAGES" / "yingji.po"
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdrf]|%[sdr]|\*\*|`")

SMALL = """name = "small"
[network]
synthetic = "county"
[scenario]
name = "typical_week"
[run]
seed = 3
replications = 2
"""


@cache
def english_sentences() -> tuple[str, ...]:
    """Pieces of English message text, three words or more, that Chinese output must not hold."""
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        cat = read_po(fh)
    found = set()
    for m in cat:
        if not m.id or not isinstance(m.id, str) or m.string == m.id:
            continue
        for piece in PLACEHOLDER.split(m.id):
            piece = piece.strip(" .,:;()-\n")
            # Three words apart, not an identifier such as facilities.township_stations.
            words = [w for w in piece.split() if re.search(r"[A-Za-z]{2,}", w)]
            if len(words) >= 3 and piece not in m.string:
                found.add(piece)
    return tuple(sorted(found))


def leftovers(text: str) -> list[str]:
    """The English sentences of the catalogue that ``text`` still holds."""
    return [s for s in english_sentences() if s in text]


def yingji_zh(*argv: object) -> str:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(["--lang", "zh", *map(str, argv)])
        except SystemExit as exc:  # --help
            code = exc.code
    assert code in (0, None), err.getvalue()
    return out.getvalue() + err.getvalue()


def test_the_sentence_list_is_long_enough_to_mean_something():
    assert len(english_sentences()) > 300
    assert "call taken within target" in english_sentences()
    assert "mean" not in english_sentences()  # one word: too short to tell English from a name


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("zh")
    (base / "run.toml").write_text(SMALL)
    return base


HELP = [
    [], ["demo"], ["run"], ["site"], ["network", "build"], ["network", "info"],
    ["network", "plot"], ["scenario", "list"], ["scenario", "sample"], ["drill", "draw"],
    ["drill", "reveal"], ["drill", "verify"], ["drill", "contribute"], ["experiment", "run"],
    ["experiment", "report"], ["experiment", "plan"],
]  # fmt: skip


@pytest.mark.parametrize("cmd", HELP, ids=lambda c: "-".join(c) or "yingji")
def test_help_is_chinese(cmd):
    text = yingji_zh(*cmd, "--help")
    assert HAN.search(text) and leftovers(text) == []
    # Section headings end in the full-width colon Chinese writes (选项：), not argparse's ":".
    headings = [ln for ln in text.splitlines() if ln and not ln[0].isspace() and ln[-1] in ":："]
    assert headings and all(h.endswith("：") for h in headings), headings


@pytest.mark.parametrize(
    "cmd",
    [
        ["scenario", "list"],
        ["scenario", "hazards"],
        ["scenario", "show", "rainstorm_72h"],
        ["scenario", "sources"],
        ["experiment", "plan", REPO / "examples" / "experiment.toml"],
    ],
    ids=lambda c: "-".join(map(str, c[:2])),
)
def test_listings_are_chinese(cmd):
    text = yingji_zh(*cmd)
    assert HAN.search(text) and leftovers(text) == []


def test_run_network_and_scenario_sample_are_chinese(work):
    text = yingji_zh("run", work / "run.toml", "--out", work / "r", "--no-plots")
    text += yingji_zh("network", "build", "--synthetic", "county", "-o", work / "c.graphml")
    text += yingji_zh("network", "info", work / "c.graphml")
    text += yingji_zh("scenario", "sample", "typical_week", "--seed", 1, "-o", work / "s.csv")
    assert HAN.search(text) and leftovers(text) == []


def test_site_is_chinese(work):
    text = yingji_zh("site", REPO / "examples" / "siting.toml", "--task", "stations",
                     "--no-plots", "--out", work / "site")  # fmt: skip
    assert HAN.search(text) and leftovers(text) == []


def test_drill_and_its_packets_are_chinese(work):
    src = work / "drill.toml"
    text = (REPO / "examples" / "drill.toml").read_text(encoding="utf-8")
    src.write_text(text.replace("[benchmark]\n", "[benchmark]\nreplications = 20\n"), "utf-8")
    shutil.copy(REPO / "examples" / "drill_history.csv", work / "drill_history.csv")
    d, key = work / "d", work / "d.key"
    printed = yingji_zh("drill", "draw", src, "--out", d, "--key", key)
    printed += yingji_zh("drill", "reveal", "--early", d, "--key", key)
    printed += yingji_zh("drill", "verify", d)
    assert leftovers(printed) == []
    for name in ("participants/alarm.txt", "controllers/injects.md", "evaluators/evaluation.md",
                 "controllers/injects.html", "evaluators/evaluation.html"):  # fmt: skip
        body = (d / "revealed" / name).read_text(encoding="utf-8")
        if name.endswith(".html"):
            body = html.unescape(re.sub(r"<[^>]+>", " ", body))
        assert HAN.search(body) and leftovers(body) == [], name
