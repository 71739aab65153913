"""Calling the ``yingji`` command line from a test, and reading its one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from experiments.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    """``yingji ARGV...`` in this process: exit status, stdout and stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    """The one error line a refused command prints (fails the test if there is more)."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("yingji: error: "), err
    return lines[0]


def reveal_copy(sealed: Path, tmp_path: Path, capsys) -> Path:
    """Reveal a copy of the drill sealed in ``sealed`` (its key beside it) under ``tmp_path``."""
    d, key = tmp_path / "drill", tmp_path / "drill.key"
    d.mkdir()
    for name in ("commitment.json", "script.sealed"):
        shutil.copyfile(sealed / name, d / name)
    shutil.copyfile(sealed / "drill.key", key)
    key.chmod(0o600)
    code, _, err = run(capsys, "drill", "reveal", d, "--key", key)
    assert code == 0, err
    return d
