"""The READMEs' and docs' generated regions: markers, comparison, and that they are current.

``test_documented_output_is_current`` runs the commands behind every region but
the slow ones (``--skip-slow``) and fails with the diff ``python -m
experiments.docs_numbers --check`` would print; the rest are fast properties.
"""

from __future__ import annotations

import shutil
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.docs_numbers import REPO, Stale, compare, marked, rewrite, run_sessions
from experiments.docsgen import all_blocks, drill_blocks, files, sim_blocks, site_blocks
from experiments.docsgen.configs import drop_table, set_value
from experiments.docsgen.regions import BEGIN, END, find_regions, fit, replace, same
from experiments.docsgen.render import annotate, wrap
from experiments.docsgen.workspace import Workspace
from networks.errors import ConfigError

# Text that cannot form a marker: no "<".
_prose = st.text(st.characters(blacklist_characters="<", blacklist_categories=("Cs",)), max_size=40)
_names = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


def _doc(parts: list[tuple[str, str, str]], *, block: bool) -> str:
    """Prose, then a region per part: ``(before, name, body)``."""
    out = []
    for before, name, body in parts:
        inner = f"\n{body}\n" if block else body.strip("\n")  # a span starts on its line
        out.append(f"{before}{BEGIN.format(name=name)}{inner}{END.format(name=name)}")
    return "".join(out) + "tail"


@given(
    st.lists(st.tuples(_prose, _names, _prose, _prose), max_size=5, unique_by=lambda t: t[1]),
    st.booleans(),
)
def test_replacing_bodies_changes_nothing_outside_them(parts, block):
    text = _doc([(b, n, old) for b, n, old, _ in parts], block=block)
    regions = find_regions(text, source="x.md")
    assert [r.name for r in regions] == [n for _, n, _, _ in parts]
    bodies = [(r, fit(r, new)) for r, (*_, new) in zip(regions, parts, strict=True)]
    new_text = replace(text, bodies)
    again = find_regions(new_text, source="x.md")
    # The new bodies are in place (a block keeps its own lines) ...
    assert [r.body.strip("\n") if block else r.body for r in again] == [
        new.strip("\n") for *_, new in parts
    ]

    # ... and the text between regions is untouched.
    def outside(t: str, rs) -> list[str]:
        cuts = [0, *[x for r in rs for x in (r.start, r.end)], len(t)]
        return [t[a:b] for a, b in zip(cuts[::2], cuts[1::2], strict=True)]

    assert outside(new_text, again) == outside(text, regions)


def _b(name: str) -> str:
    return BEGIN.format(name=name)


def _e(name: str) -> str:
    return END.format(name=name)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (_b("a") + "x", "a"),
        ("x" + _e("a"), "a"),
        (_b("a") + _b("b") + _e("b") + _e("a"), "b"),
        (_b("a") + "1" + _e("a") + _b("a") + "2" + _e("a"), "a"),
    ],
)
def test_a_marker_mistake_names_the_file_and_the_region(text, key):
    with pytest.raises(ConfigError) as err:
        find_regions(text, source="docs/x.md")
    assert str(err.value).startswith(f"docs/x.md: {key}: ")
    assert "\n" not in str(err.value)


def test_a_block_inside_a_list_item_keeps_its_indentation():
    text = "* item\n  <!-- yingji:begin b -->\n  ```\n  old\n  ```\n  <!-- yingji:end b -->\n"
    (region,) = find_regions(text, source="x.md")
    new = replace(text, [(region, fit(region, "  ```\n  new\n  ```"))])
    assert new == text.replace("old", "new")


@given(st.sampled_from("0123456789abcdef"), st.integers(0, 63))
def test_digests_and_times_are_not_compared_but_figures_are(digit, at):
    digest = "f" * 64
    other = digest[:at] + digit + digest[at + 1 :]
    old = f"\nmanifest {digest}\nverified (drawn 2026-12-05T15:31:28+00:00)\ngap 0.000%, 0.01 s\n"
    new = old.replace(digest, other).replace("15:31:28", "09:00:01").replace("0.01 s", "1.30 s")
    assert same(old, new)
    assert not same(old, new.replace("gap 0.000%", "gap 0.001%"))
    assert not same("\n76.7 out of 100\n", "\n76.8 out of 100\n")


def test_prose_may_be_broken_anywhere_but_blocks_must_match_line_for_line():
    assert same("from 67.3 % to\n  71.5 %", "from 67.3 % to 71.5 %")
    assert not same("\nfrom 67.3 % to\n71.5 %\n", "\nfrom 67.3 % to 71.5 %\n")


@given(st.lists(st.from_regex(r"[a-z_]{1,30} [0-9]{1,7}\.[0-9]", fullmatch=True), min_size=1))
def test_wrapping_a_printed_list_keeps_every_item_whole(items):
    line = "stock-outs: " + ", ".join(items)
    lines = wrap(line, columns=40)
    assert " ".join(x.strip() for x in lines) == line
    for x in lines:  # a line is within the width unless one item alone is wider
        assert len(x) <= 40 or ", " not in x.rstrip(",")


def test_notes_line_up_within_each_run_of_noted_lines():
    lines = ["head", "  a  x/y", "  bb  x/yyyy", "mid", "  a  z"]
    out = annotate(lines, {"a": "(A)", "bb": "(B)"})
    assert out[0] == "head" and out[3] == "mid"
    assert out[1].index("(A)") == out[2].index("(B)") == len(lines[2]) + 3
    assert out[4] == "  a  z   (A)"


def test_config_variants_change_only_what_they_name():
    text = (REPO / "examples" / "county.toml").read_text(encoding="utf-8")
    before = tomllib.loads(text)
    alone = tomllib.loads(drop_table(text, "reinforcement"))
    assert "reinforcement" not in alone
    assert alone == {k: v for k, v in before.items() if k != "reinforcement"}
    storm = tomllib.loads(set_value(text, "scenario", "name", '"rainstorm_72h"'))
    assert storm["scenario"]["name"] == "rainstorm_72h"
    assert {k: v for k, v in storm.items() if k != "scenario"} == {
        k: v for k, v in before.items() if k != "scenario"
    }
    with pytest.raises(ValueError):
        set_value(text, "scenario", "no_such_key", "1")


def test_every_block_has_its_region_and_every_region_a_block():
    regions = marked(REPO)
    names = [r.name for _text, found in regions.values() for r in found]
    blocks = all_blocks()
    assert sorted(names) == sorted(b.name for b in blocks)
    assert set(regions) <= {p.relative_to(REPO).as_posix() for p in files(REPO)}


def test_rewriting_one_region_leaves_the_rest_of_the_files_alone(tmp_path):
    for path in files(REPO):
        target = tmp_path / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    rel = "docs/drills.md"
    text = (tmp_path / rel).read_text(encoding="utf-8")
    (region,) = [r for r in marked(tmp_path)[rel][1] if r.name == "drills-verified"]
    done = rewrite(tmp_path, [Stale(rel, region.name, region.body, "4711")])
    assert done == {rel: ["drills-verified"]}
    new = (tmp_path / rel).read_text(encoding="utf-8")
    assert new == text[: region.start] + "4711" + text[region.end :]
    for path in files(tmp_path):
        if path.relative_to(tmp_path).as_posix() != rel:
            assert path.read_bytes() == (REPO / path.relative_to(tmp_path)).read_bytes()


#: Each module's blocks in two halves of half a minute or so (the sessions named here, and
#: the rest; no block reads sessions of both), so that two workers run them side by side:
#: a whole module was the suite's longest test (65 s for the siting's, 146 s once for the
#: simulation's).
_HALVES = {
    sim_blocks: frozenset({"reporting"}),
    site_blocks: frozenset({"site-storm10", "site-eval10", "site-keep6"}),
    drill_blocks: frozenset({"drill-docs", "drill-old"}),
}


def _in_part(module, block, part: str) -> bool:
    """Whether ``block`` of ``module`` belongs to the test's ``part`` (``"a"`` or ``"b"``)."""
    return any(s.name in _HALVES[module] for s in block.sessions) == (part == "a")


@pytest.mark.parametrize("module", list(_HALVES), ids=["sim", "site", "drill"])
def test_the_halves_share_no_session_and_cover_every_block(module):
    blocks = [b for b in module.blocks() if not b.slow]
    a = [b for b in blocks if _in_part(module, b, "a")]
    b = [b for b in blocks if _in_part(module, b, "b")]
    assert a and b and len(a) + len(b) == len(blocks)
    assert not {s.name for x in a for s in x.sessions} & {s.name for x in b for s in x.sessions}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "part"),
    [(m, part) for m in _HALVES for part in "ab"],
    ids=["sim-reporting", "sim-demo", "site-a", "site-b", "drill-a", "drill-b"],
)
def test_documented_output_is_current(module, part, tmp_path):
    # One group of blocks per test, so that pytest-xdist can share them out; within a
    # group each session (yingji commands) runs once for all the blocks that read it.
    blocks = [b for b in module.blocks() if not b.slow and _in_part(module, b, part)]
    runs = run_sessions(blocks, Workspace(tmp_path, repo=REPO), workers=1)
    stale = [s for s in compare(REPO, blocks, runs) if not s.volatile_only]
    assert not stale, (
        "out of date; run `python -m experiments.docs_numbers` and read the diff:\n"
        + "\n".join(s.diff() for s in stale)
    )
