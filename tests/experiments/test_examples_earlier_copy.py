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


def test_a_run_folder_is_still_called_an_earlier_run(tmp_path, capsys):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "summary.json").write_text("{}\n")
    (dest / MARKER).write_text(json.dumps({"command": "run", "files": ["summary.json"]}))
    assert main(["examples", str(dest)]) == 2
    err = capsys.readouterr().err
    assert "holds an earlier run" in err and "copy of the examples" not in err
