"""``yingji examples DIR`` a second time: the refusal names an earlier copy, not a run."""

from __future__ import annotations

import json

import pytest

from experiments.cli import main
from experiments.outdir import MARKER


def _tree(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("lang", "says", "not_says"),
    [
        ("en", "holds an earlier copy of the examples", "earlier run"),
        ("zh", "此前复制的示例", "运行结果"),
    ],
)
def test_a_second_copy_is_refused_as_an_earlier_copy(tmp_path, capsys, lang, says, not_says):
    dest = tmp_path / "ex"
    assert main(["examples", str(dest)]) == 0
    before = _tree(dest)
    capsys.readouterr()
    assert main(["--lang", lang, "examples", str(dest)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(dest) in err and "--overwrite" in err
    assert says in err and not_says not in err
    assert _tree(dest) == before


def test_a_run_folder_is_called_a_run_and_never_replaced_by_examples(tmp_path, capsys):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "summary.json").write_text("{}\n")
    (dest / MARKER).write_text(json.dumps({"command": "run", "files": ["summary.json"]}))
    before = _tree(dest)
    for extra in ([], ["--overwrite"]):
        assert main(["examples", str(dest), *extra]) == 2
        err = capsys.readouterr().err
        assert "'yingji run'" in err and "copy of the examples" not in err
        assert _tree(dest) == before


TINY = '[network]\nsynthetic = "county"\n[run]\nhorizon_min = 60\nreplications = 1\n'


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_overwrite_never_replaces_the_examples_you_edited(tmp_path, capsys, lang):
    dest = tmp_path / "ex"
    assert main(["examples", str(dest)]) == 0
    with open(dest / "county.toml", "a", encoding="utf-8") as fh:
        fh.write("# my edit\n")
    before = _tree(dest)
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY, encoding="utf-8")
    capsys.readouterr()
    code = main(["--lang", lang, "run", str(cfg), "--out", str(dest), "--overwrite", "--no-plots"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "yingji examples" in err and "--out" in err
    assert _tree(dest) == before


def test_overwrite_replaces_its_own_kind_only(tmp_path, capsys):
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", str(cfg), "--out", str(out), "--no-plots", "--quiet"]
    assert main(args) == 0
    assert main([*args, "--overwrite"]) == 0  # a run replaces a run
    scores = tmp_path / "scores"
    scores.mkdir()
    (scores / "score.json").write_text("{}\n")
    (scores / MARKER).write_text(json.dumps({"command": "drill score", "files": ["score.json"]}))
    before = _tree(scores)
    capsys.readouterr()
    assert main(["run", str(cfg), "--out", str(scores), "--no-plots", "--overwrite"]) == 2
    assert "'yingji drill score'" in capsys.readouterr().err
    assert _tree(scores) == before
    # The demo is a run of the built-in county: a run replaces it.
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "summary.json").write_text("{}\n")
    (demo / MARKER).write_text(json.dumps({"command": "demo", "files": ["summary.json"]}))
    assert main(["run", str(cfg), "--out", str(demo), "--no-plots", "--overwrite", "--quiet"]) == 0
    # A marker from before the command was recorded: replaced as before.
    old = tmp_path / "old"
    old.mkdir()
    (old / "summary.json").write_text("{}\n")
    (old / MARKER).write_text(json.dumps({"files": ["summary.json"]}))
    assert main(["run", str(cfg), "--out", str(old), "--no-plots", "--overwrite", "--quiet"]) == 0
    assert json.loads((old / MARKER).read_text())["command"] == "run"
