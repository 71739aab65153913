"""Run the commands the documentation shows, in a throw-away folder.

A :class:`Session` is a few ``yingji`` commands run one after the other in one
folder (a drill is drawn, revealed, verified and scored in the same place).
Each session gets a home folder of its own inside a temporary root (``HOME``,
where ``~/drill-q4.key`` goes) and a working folder in it with a fresh copy of
``examples/``, so relative paths print as the documentation shows them
(``wrote 36 files to yingji-demo/``). Commands run
as ``python -m experiments`` of the repository being documented, with
stdout and stderr in one stream in the order a terminal shows them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from networks.i18n import _
from sim.compiled import cache_dir


class DocsRunError(RuntimeError):
    """A command the documentation shows did not end as expected."""


@dataclass(frozen=True)
class Command:
    """One ``yingji`` command of a session.

    Attributes
    ----------
    args
        Arguments after ``yingji --lang LANG``; ``{home}`` and ``{root}`` are filled in.
    shown
        The command line as the documentation shows it (without ``yingji --lang``), or
        ``None`` for a command run only for its files.
    hidden
        Arguments added to ``args`` that the documentation does not show (``--seed 5``
        so that a drill is the same every time).
    drop
        Substrings of output lines to leave out: the lines the hidden arguments cause.
    status
        The exit status expected.
    """

    args: tuple[str, ...]
    shown: str | None = None
    hidden: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    status: int = 0


@dataclass(frozen=True)
class Session:
    """Commands run in order in one folder.

    Attributes
    ----------
    name
        Key of the session (blocks name the sessions they need).
    commands
        What to run.
    lang
        ``"en"`` or ``"zh"``: the ``--lang`` of every command.
    folder
        The working folder, relative to the session's home folder (default: ``work``).
    display
        How absolute paths print in the documentation: ``(("home", "~"),)`` shows the
        session's home folder as ``~``, ``(("root", "/tmp"),)`` the temporary root as
        ``/tmp``.
    prepare
        Writes files the commands need into the working folder (after ``examples/``
        is copied there).
    slow
        Takes long enough that the test suite leaves it out.
    """

    name: str
    commands: tuple[Command, ...]
    lang: str = "en"
    folder: str | None = None
    display: tuple[tuple[str, str], ...] = ()
    prepare: Callable[[Path], None] | None = None
    slow: bool = False


@dataclass(frozen=True)
class Run:
    """What a session printed and left behind.

    Attributes
    ----------
    session
        The session.
    root
        The workspace's temporary root (``{root}`` in a command).
    home
        The session's home folder (``{home}``, ``~``).
    cwd
        Its working folder (its files stay until the workspace is removed).
    outputs
        Each command's output (stdout and stderr interleaved), absolute paths shown
        the way the session's ``display`` says, hidden lines dropped.
    seconds
        Wall time the session's commands took.
    """

    session: Session
    root: Path
    home: Path
    cwd: Path
    outputs: tuple[str, ...]
    seconds: float

    def path(self, *parts: str) -> Path:
        """A path inside the working folder."""
        return self.cwd.joinpath(*parts)

    def lines(self, index: int = 0) -> list[str]:
        """Lines of one command's output."""
        return self.outputs[index].rstrip("\n").split("\n")


def _examples(repo: Path, cwd: Path) -> None:
    shutil.copytree(
        repo / "examples", cwd / "examples", ignore=shutil.ignore_patterns("__pycache__")
    )


class Workspace:
    """A temporary root where sessions run, each once, results kept by name.

    Parameters
    ----------
    root
        An empty folder to work in (the caller removes it).
    repo
        The repository whose code runs and whose ``examples/`` are copied.
    """

    def __init__(self, root: Path, *, repo: Path) -> None:
        self.root = root.resolve()
        self.repo = repo.resolve()
        self._runs: dict[str, Run] = {}

    def _env(self, home: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "YINGJI_LANG"}
        # The caller's compiled duty-desk code, not a fresh cache in every session's home:
        # the runs that compile it (sim.compiled) would each take 6-15 s more.
        env.setdefault("NUMBA_CACHE_DIR", str(cache_dir()))
        env.update(
            HOME=str(home),
            PYTHONPATH=os.pathsep.join(p for p in (str(self.repo), env.get("PYTHONPATH")) if p),
            PYTHONUNBUFFERED="1",  # stdout and stderr in the order a terminal shows them
            MPLBACKEND="Agg",
        )
        return env

    def _shown(self, session: Session, home: Path, text: str) -> str:
        places = {"home": str(home), "root": str(self.root)}
        for what, shown in sorted(session.display, key=lambda kv: -len(places[kv[0]])):
            text = text.replace(places[what], shown)
        return text

    def _run(self, session: Session) -> Run:
        home = self.root / "homes" / session.name
        cwd = home / (session.folder or "work")
        cwd.mkdir(parents=True)
        _examples(self.repo, cwd)
        if session.prepare is not None:
            session.prepare(cwd)
        outputs = []
        began = time.perf_counter()
        for cmd in session.commands:
            args = [a.format(home=home, root=self.root) for a in (*cmd.args, *cmd.hidden)]
            # -P: the copied examples/ in the working folder must not shadow a package.
            argv = [sys.executable, "-P", "-m", "experiments", "--lang", session.lang, *args]
            proc = subprocess.run(
                argv,
                cwd=cwd,
                env=self._env(home),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                check=False,
            )
            if proc.returncode != cmd.status:
                tail = "\n".join(proc.stdout.rstrip().split("\n")[-15:])
                raise DocsRunError(
                    _("session {name}: `yingji {args}` exited with status {got}, not {want}:")
                    .format(name=session.name, args=" ".join(args), got=proc.returncode,
                            want=cmd.status)
                    + "\n" + tail
                )  # fmt: skip
            kept = [
                line for line in proc.stdout.split("\n") if not any(d in line for d in cmd.drop)
            ]
            outputs.append(self._shown(session, home, "\n".join(kept)))
        return Run(session, self.root, home, cwd, tuple(outputs), time.perf_counter() - began)

    def run_all(self, sessions: Iterable[Session], *, workers: int = 2) -> dict[str, Run]:
        """Run the sessions not run yet (``workers`` at a time) and return all runs by name."""
        todo = list({s.name: s for s in sessions if s.name not in self._runs}.values())
        # The longest first, so that two workers finish together.
        todo.sort(key=lambda s: (not s.slow, -len(s.commands)))
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for run in pool.map(self._run, todo):
                self._runs[run.session.name] = run
        return dict(self._runs)
