"""Regenerate the READMEs' and docs' output blocks and figures by running yingji.

Usage, from the repository::

    python -m experiments.docs_numbers                # rewrite the regions that are stale
    python -m experiments.docs_numbers --check        # exit 1 with a diff of stale regions
    python -m experiments.docs_numbers --check --skip-slow    # without the 40-replication runs
    python -m experiments.docs_numbers --block demo-en --block drill-zh   # only these
    python -m experiments.docs_numbers --force        # also rewrite digests and times

What comes from running yingji (the demo's table, "wrote N files", the siting
and reporting figures, a drill's score, ...) is marked in the Markdown::

    <!-- yingji:begin demo-en -->
    ```text
    ...
    ```
    <!-- yingji:end demo-en -->

or inline around a span of prose (``<!-- yingji:begin NAME -->68.9 %<!-- yingji:end
NAME -->``). Each name is a :class:`experiments.docsgen.Block` in
``experiments/docsgen/*_blocks.py``: the ``yingji`` commands it needs (a
*session*, run once however many blocks read it) and how its text is laid out,
in the language of the file. Sessions run in a temporary folder, each in a
working folder of its own with a fresh copy of ``examples/``, two at a time,
with the seeds the examples fix (``--seed 5`` for drills); a block holds
whatever the command prints, so the script needs no change when the output
does. Digests, times of day and solver seconds differ between runs and are
not compared; a region whose text is otherwise the same is left as it is
(unless another region of the same session is rewritten: then both are, so that
a drill's digests agree from block to block). Timings of benchmarks depend on
the machine and are not generated: they are written by hand with the machine
and the date.

To generate another figure, mark it in the Markdown and add a ``Block`` (its
sessions and a function from their runs to the text) to the ``*_blocks``
module of its command.

A block names the file it belongs to; a marked region no block knows, or a
block without its region, stops the script with one line (exit status 2). A
command that fails stops it with exit status 1 and the command's last lines.
The test ``tests/experiments/test_docs_numbers.py`` checks every region but the
slow ones.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from networks.errors import ConfigError, YingjiError

try:
    from experiments.docsgen import Block, all_blocks, files
    from experiments.docsgen.regions import Region, find_regions, fit, replace, same
    from experiments.docsgen.workspace import DocsRunError, Run, Workspace
except ModuleNotFoundError as exc:  # an installed wheel: the generator stays in the repository
    if exc.name != "experiments.docsgen":
        raise
    sys.exit("experiments.docs_numbers regenerates the repository's docs: run it in a clone")
from networks.i18n import _

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Stale:
    """A region whose text differs from what the code gives now.

    Attributes
    ----------
    path
        The file, relative to the repository.
    name
        The region's name.
    old, new
        Its body in the file, and as regenerated.
    volatile_only
        The two differ only in digests, times or solver seconds: rewritten together with
        a stale region of the same run (so that a drill's digests agree from block to
        block), never reported by ``--check``.
    """

    path: str
    name: str
    old: str
    new: str
    volatile_only: bool = False

    def diff(self) -> str:
        """A unified diff from the file's text to the regenerated one."""
        lines = difflib.unified_diff(
            self.old.strip("\n").split("\n"),
            self.new.strip("\n").split("\n"),
            fromfile=f"{self.path} [{self.name}]",
            tofile=f"{self.path} [{self.name}] " + _("(regenerated)"),
            lineterm="",
        )
        return "\n".join(lines)


def select(names: Sequence[str] = (), *, skip_slow: bool = False) -> list[Block]:
    """The blocks to regenerate: those named (all if none), without the slow ones if asked.

    Raises
    ------
    ConfigError
        If a name is not a block's.
    """
    blocks = all_blocks()
    known = {b.name for b in blocks}
    for name in names:
        if name not in known:
            raise ConfigError(_("no generated region of that name"), source="--block", key=name)
    picked = [b for b in blocks if not names or b.name in names]
    return [b for b in picked if not (skip_slow and b.slow)]


def marked(repo: Path) -> dict[str, tuple[str, list[Region]]]:
    """The regions marked in the repository's Markdown, by file: ``{relpath: (text, regions)}``.

    Raises
    ------
    ConfigError
        If markers are malformed, or a region is one no block knows, or a block's region
        is missing from its file.
    """
    blocks = {b.name: b for b in all_blocks()}
    out: dict[str, tuple[str, list[Region]]] = {}
    for path in files(repo):
        rel = path.relative_to(repo).as_posix()
        text = path.read_text(encoding="utf-8")
        regions = find_regions(text, source=rel)
        for r in regions:
            if r.name not in blocks or blocks[r.name].path != rel:
                raise ConfigError(_("no block generates a region of that name here"),
                                  source=rel, key=r.name)  # fmt: skip
        out[rel] = (text, regions)
    for block in blocks.values():
        if block.name not in {r.name for r in out.get(block.path, ("", []))[1]}:
            raise ConfigError(_("the region of this block is not marked"),
                              source=block.path, key=block.name)  # fmt: skip
    return out


def run_sessions(blocks: Iterable[Block], workspace: Workspace, *, workers: int = 2) -> dict:
    """Run every session the blocks need (each once) and return the runs by session name."""
    sessions = [s for b in blocks for s in b.sessions]
    return workspace.run_all(sessions, workers=workers)


def compare(
    repo: Path, blocks: Sequence[Block], runs: dict[str, Run], *, force: bool = False
) -> list[Stale]:
    """The regions of ``blocks`` whose text differs from what ``runs`` give, in file order.

    Regions that differ only in volatile parts are listed (``volatile_only``) when
    another region reading the same session is stale, or all of them with ``force``.
    """
    regions = marked(repo)
    wanted = {b.name: b for b in blocks}
    found: list[tuple[Stale, set[str]]] = []
    for rel, (_text, listed) in regions.items():
        for region in listed:
            if region.name in wanted:
                block = wanted[region.name]
                new = fit(region, block.render(runs))
                if new != region.body:
                    entry = Stale(rel, region.name, region.body, new, same(region.body, new))
                    found.append((entry, {s.name for s in block.sessions}))
    touched = {name for entry, sessions in found if not entry.volatile_only for name in sessions}
    return [e for e, sessions in found if force or not e.volatile_only or sessions & touched]


def rewrite(repo: Path, stale: Sequence[Stale]) -> dict[str, list[str]]:
    """Write the regenerated bodies into their files; the names rewritten, by file."""
    done: dict[str, list[str]] = {}
    regions = marked(repo)
    for rel in sorted({s.path for s in stale}):
        text, found = regions[rel]
        new = {s.name: s.new for s in stale if s.path == rel}
        bodies = [(r, new[r.name]) for r in found if r.name in new]
        (repo / rel).write_text(replace(text, bodies), encoding="utf-8")
        done[rel] = [r.name for r, _body in bodies]
    return done


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.docs_numbers",
        description=_("Regenerate the figures and output blocks of the READMEs and docs/ by "
                      "running yingji."),
    )  # fmt: skip
    parser.add_argument(
        "--check",
        action="store_true",
        help=_("change nothing; exit 1 with a diff if a region is out of date"),
    )
    parser.add_argument(
        "--skip-slow", action="store_true", help=_("leave out the regions that need the slow runs")
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=_("rewrite also the regions that differ only in digests and times"),
    )
    parser.add_argument(
        "--block",
        action="append",
        default=[],
        metavar="NAME",
        help=_("only this region (repeatable)"),
    )
    parser.add_argument("--workers", type=int, default=2,
                        help=_("sessions of commands run at once (default 2)"))  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the script; the exit status (0 current or rewritten, 1 stale or failed, 2 misuse)."""
    args = _parser().parse_args(argv)
    try:
        blocks = select(args.block, skip_slow=args.skip_slow)
        marked(REPO)  # a marker mistake is reported before a minute of runs
        with tempfile.TemporaryDirectory(prefix="yingji-docs-") as tmp:
            sessions = {s.name for b in blocks for s in b.sessions}
            print(_("running {n} sessions of yingji commands for {m} regions in {folder}").format(
                n=len(sessions), m=len(blocks), folder=tmp), file=sys.stderr)  # fmt: skip
            runs = run_sessions(blocks, Workspace(Path(tmp), repo=REPO), workers=args.workers)
            stale = compare(REPO, blocks, runs, force=args.force and not args.check)
    except YingjiError as exc:
        print(_("docs_numbers: error: {message}").format(message=exc), file=sys.stderr)
        return 2
    except DocsRunError as exc:
        print(_("docs_numbers: a command failed: {message}").format(message=exc), file=sys.stderr)
        return 1
    if not stale or (all(s.volatile_only for s in stale) and args.check):
        print(_("all {n} regions are up to date").format(n=len(blocks)))
        return 0
    if args.check:
        stale = [s for s in stale if not s.volatile_only]
        for s in stale:
            print(s.diff())
        names = ", ".join(f"{s.path} [{s.name}]" for s in stale)
        print(_("{n} of {m} regions are out of date: {names}; run python -m "
                "experiments.docs_numbers to regenerate them").format(
            n=len(stale), m=len(blocks), names=names), file=sys.stderr)  # fmt: skip
        return 1
    for rel, names in rewrite(REPO, stale).items():
        print(_("rewrote {n} regions in {path}: {names}").format(
            n=len(names), path=rel, names=", ".join(names)))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
