"""One bad input, run through ``yingji`` in-process, and what must hold afterwards.

A :class:`Case` names a command line (with ``{tmp}``, ``{ex}`` and ``{osm}``
placeholders for the test's folder, the repository's ``examples/`` and the
shared OSM extracts) and the setup that writes its files. :func:`check_case`
runs it and asserts the promise of every command: exit status 2, exactly one
line on stderr naming the file and the key or option, no traceback, and every
file that existed before the command byte-for-byte unchanged, with nothing new.
"""

from __future__ import annotations

import hashlib
import io
import os
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import OSM_DIR, REPO

EXAMPLES = REPO / "examples"


@dataclass(frozen=True)
class Case:
    """One bad input.

    Parameters
    ----------
    id
        Test id (``command-what``).
    argv
        Arguments after ``yingji``; placeholders ``{tmp}``, ``{ex}``, ``{osm}``.
    expect
        Substrings the error line must contain (file name, key or option), placeholders too.
    setup
        Writes the case's files into the test folder before the command runs.
    needs_osm
        Skip where the shared OSM extracts are absent.
    """

    id: str
    argv: tuple[str, ...]
    expect: tuple[str, ...]
    setup: Callable[[Path], None] | None = None
    needs_osm: bool = False
    extra: dict = field(default_factory=dict)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write a file of a case (text as UTF-8); return its path."""
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` with a digest of its bytes (``dir`` for folders)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _fill(text: str, tmp: Path) -> str:
    return text.format(tmp=tmp, ex=EXAMPLES, osm=OSM_DIR)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """Run ``yingji ARGV`` in this process: exit status, stdout, stderr."""
    from experiments.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # a traceback: report it as such
            err.write(traceback.format_exc())
            code = -1
    return code, out.getvalue(), err.getvalue()


def check_case(case: Case, tmp: Path) -> None:
    """Run ``case`` in ``tmp`` and assert the one-line-error promise."""
    import pytest

    if case.needs_osm and not OSM_DIR.is_dir():
        pytest.skip(f"{OSM_DIR} not present")
    if case.extra.get("not_as_root") and os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; the /sys cases cover root")
    if case.setup is not None:
        case.setup(tmp)
    before = snapshot(tmp)
    old = os.getcwd()
    os.chdir(tmp)
    try:
        code, _, err = run_cli([_fill(a, tmp) for a in case.argv])
    finally:
        os.chdir(old)
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, f"exit {code}, stderr: {err!r}"
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("yingji"), lines[0]
    for want in case.expect:
        assert _fill(want, tmp) in lines[0], f"{want!r} not in {lines[0]!r}"
    assert snapshot(tmp) == before, "the command changed files although it failed"
