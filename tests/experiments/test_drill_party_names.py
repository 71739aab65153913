"""Organiser names of a multi-party draw: a bureau may use its Chinese name.

``yingji drill contribute --party 甲`` was refused (ASCII letters and digits
only). Names of any script are allowed now; what the rule protected stays
refused: control characters and line breaks (one-line messages), path
separators and other symbols, empty or over-long names, and names not in NFC
form (the same name typed decomposed would commit differently). ASCII names
commit and combine exactly as before, so existing drill files still verify.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.cli import main
from experiments.drill.organisers import contribute, read_commitments
from networks.errors import ConfigError
from scenarios.drill import SealError, combine, contribution_commitment
from scenarios.drill.entropy import PARTY_MAX, check_party
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "drill.toml"
#: Letters and digits of several scripts (Han, Latin, Cyrillic, Arabic-Indic digits).
LETTERS = st.characters(categories=("Lu", "Ll", "Lo", "Nd"), max_codepoint=0x9FFF)
NAMES = st.builds(
    lambda first, rest: unicodedata.normalize("NFC", first + rest),
    LETTERS,
    st.text(st.one_of(LETTERS, st.sampled_from(" _.@-·")), max_size=PARTY_MAX - 1),
).filter(lambda n: 0 < len(n) <= PARTY_MAX and unicodedata.category(n[0])[0] in "LN")


@given(NAMES, st.binary(min_size=16, max_size=64))
def test_names_of_any_script_commit_and_combine(name, contribution):
    assert check_party(name) == name
    pub = {name: contribution_commitment(name, contribution)}
    assert len(combine(pub, {name: contribution})) == 32
    # the commitment binds the name: the same bytes under another name do not open it
    with pytest.raises(SealError, match="does not match"):
        combine({name + "x": pub[name]}, {name + "x": contribution})


@given(
    NAMES,
    st.sampled_from(["/", "\\", "\n", "\r", "\t", "\x00", "\x1b", "\u202e", "$", "*", ":"]),
    st.integers(0, PARTY_MAX),
)
def test_a_name_with_a_control_character_separator_or_symbol_is_refused(name, bad, at):
    at = min(at, len(name))
    with pytest.raises(SealError, match="organiser"):
        check_party(name[:at] + bad + name[at:])


@pytest.mark.parametrize(
    "name",
    ["", " 甲", "-甲", "·甲", "甲" * (PARTY_MAX + 1), "e\u0301cole", "\u0301a", None, 7],
)
def test_empty_long_unprintable_first_or_decomposed_names_are_refused(name):
    with pytest.raises(SealError):
        check_party(name)


def test_ascii_names_commit_as_before():
    """The commitment of an existing drill file's organiser is unchanged."""
    c = bytes(range(32))
    for name in ("alice", "Bob-2", "x.y@z_w", "a" * PARTY_MAX):
        assert check_party(name) == name
        expected = hashlib.sha256(b"yingji-drill-contribution/1\0" + name.encode() + b"\0" + c)
        assert contribution_commitment(name, c) == expected.hexdigest()


def test_contribute_keeps_a_decomposed_name_composed(tmp_path):
    pub = tmp_path / "c.json"
    contribute("e\u0301cole", secret_file=tmp_path / "s.json", commitments_file=pub)
    assert list(read_commitments(pub)) == ["\u00e9cole"]
    with pytest.raises(ConfigError, match="--party"):
        contribute("甲/乙", secret_file=tmp_path / "t.json", commitments_file=pub)


def test_a_multi_party_draw_by_chinese_bureaus_reveals_and_verifies(tmp_path, capsys):
    from tests.experiments.test_drill_workflow_fixes import freeze_draw_clock

    pub = tmp_path / "commitments.json"
    parties = ("贵溪市应急管理局", "甲")
    for k, who in enumerate(parties):
        argv = ["drill", "contribute", "--party", who, "--secret", str(tmp_path / f"{k}.json")]
        assert main([*argv, "--commitments", str(pub)]) == 0
    assert sorted(json.loads(pub.read_text("utf-8"))) == sorted(parties)
    # published files read on a notice board: the names as written, not \uXXXX escapes
    assert parties[0] in pub.read_text("utf-8")
    d, key = tmp_path / "d", tmp_path / "k.key"
    given_ = [x for k in range(len(parties)) for x in ("--contribution", tmp_path / f"{k}.json")]
    with pytest.MonkeyPatch.context() as mp:
        freeze_draw_clock(mp)
        argv = ["drill", "draw", str(EXAMPLE), "--out", str(d), "--key", str(key)]
        assert main([*argv, "--commitments", str(pub), *map(str, given_)]) == 0
    assert parties[0] in (d / "commitment.json").read_text("utf-8")
    assert main(["--lang", "en", "drill", "reveal", "--early", str(d), "--key", str(key)]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "drill", "verify", str(d), "--redraw", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert all(p in out for p in parties) and "re-drawing from the seed gives the same" in out
